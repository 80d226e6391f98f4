"""Idle detection for the auto-lock: no key or mouse input to the app for a while.

An application-wide event filter notes the time of the last input; one single-shot timer checks
it when the interval has passed and re-arms itself for the rest. The filter only stores a number
per input event, so it costs next to nothing while typing or scrolling a big table.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

# Input that means someone is at the keyboard or the mouse.
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
        QEvent.Type.Shortcut,
    }
)


# How long before the lock the user is warned (WCAG 2.2.1: a way to extend a time limit). Only
# for idle times of at least twice this, so a short test interval gets no warning.
WARN_BEFORE_MS = 60_000


class IdleWatcher(QObject):
    """Emits `idle` once after `interval_ms` without input while running; `warning` (seconds
    left) `warn_before_ms` earlier, and `resumed` when input follows that warning."""

    idle = Signal()
    warning = Signal(int)
    resumed = Signal()

    def __init__(
        self,
        interval_ms: int,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        timer: QTimer | None = None,
        warn_before_ms: int = WARN_BEFORE_MS,
    ) -> None:
        """`clock` (seconds) and `timer` are for tests, which move time themselves."""
        super().__init__(parent)
        self._clock = clock
        self._warn_before_ms = warn_before_ms
        self._warned = False
        self._interval_ms = max(1, interval_ms)
        self._last_input = clock()
        self._timer = timer if timer is not None else QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self._installed = False

    @property
    def interval_ms(self) -> int:
        """Idle time before `idle` is emitted."""
        return self._interval_ms

    @property
    def running(self) -> bool:
        """Whether the watcher is counting."""
        return self._timer.isActive()

    def set_interval_ms(self, interval_ms: int) -> None:
        """Change the idle time; a running watcher counts from the last input."""
        self._interval_ms = max(1, interval_ms)
        if self.running:
            self._arm()

    def start(self) -> None:
        """Start counting now (after unlocking)."""
        app = QCoreApplication.instance()
        if not self._installed and app is not None:
            app.installEventFilter(self)
            self._installed = True
        self._last_input = self._clock()
        self._arm()

    def stop(self) -> None:
        """Stop counting (while locked, or when the window closes)."""
        self._timer.stop()
        self._warned = False
        app = QCoreApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self)
        self._installed = False

    @property
    def warned(self) -> bool:
        """Whether the lock warning is out (no input since)."""
        return self._warned

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of every key or mouse input; never consumes the event."""
        if event.type() in _INPUT_EVENTS:
            self._last_input = self._clock()
            if self._warned:
                self._warned = False
                self.resumed.emit()
        return False

    def _warns(self) -> bool:
        return self._interval_ms >= 2 * self._warn_before_ms

    def _arm(self) -> None:
        elapsed_ms = int((self._clock() - self._last_input) * 1000)
        due = self._interval_ms
        if self._warns() and not self._warned and elapsed_ms < due - self._warn_before_ms:
            due -= self._warn_before_ms
        self._timer.start(max(0, due - elapsed_ms))

    def _check(self) -> None:
        elapsed_ms = (self._clock() - self._last_input) * 1000
        if elapsed_ms + 5 >= self._interval_ms:  # a timer may fire a few ms early
            self._warned = False
            self.idle.emit()
            return
        warn_at = self._interval_ms - self._warn_before_ms
        if self._warns() and not self._warned and elapsed_ms + 5 >= warn_at:
            self._warned = True
            self.warning.emit(round((self._interval_ms - elapsed_ms) / 1000))
        self._arm()
