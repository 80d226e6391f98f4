"""Stand-ins for time in tests (qutebrowser's `FakeTimer`): the test moves time, nobody sleeps."""

from __future__ import annotations

from PySide6.QtCore import QTimer


class FakeClock:
    """A monotonic clock in seconds that moves only when the test says so."""

    def __init__(self) -> None:
        self._ms = 0  # whole milliseconds, so that differences are exact

    def __call__(self) -> float:
        """The current time in seconds."""
        return self._ms / 1000

    def advance_ms(self, ms: int) -> None:
        """Let `ms` milliseconds pass."""
        self._ms += ms


class FakeTimer(QTimer):
    """A QTimer that never runs by itself: `fire()` times it out, as the event loop would."""

    def __init__(self) -> None:
        super().__init__()
        self._active = False
        self.started_with: list[int] = []

    def start(self, msec: int | None = None) -> None:  # type: ignore[override]
        """Arm the timer (record the interval; nothing runs)."""
        self._active = True
        if msec is not None:
            self.started_with.append(msec)

    def stop(self) -> None:
        """Disarm the timer."""
        self._active = False

    def isActive(self) -> bool:
        """Whether it is armed."""
        return self._active

    def fire(self) -> None:
        """Time out now, if armed (a single-shot timer disarms first, as Qt does)."""
        if not self._active:
            return
        if self.isSingleShot():
            self._active = False
        self.timeout.emit()
