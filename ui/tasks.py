"""Database work off the GUI thread: one worker, results handed back on the GUI thread.

Like Anki's `QueryOp` and Picard's `run_task`: `op` runs on a single-thread pool (one database
worker, so operations never overlap), and `on_success` or `on_error` runs afterwards on the GUI
thread, carried there by a queued signal. `op` must not touch widgets; it calls services.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QObject,
    QRunnable,
    QThread,
    QThreadPool,
    Signal,
    Slot,
)

T = TypeVar("T")

_pool: QThreadPool | None = None
_relay: _Relay | None = None
_pending = 0


class _Relay(QObject):
    """Lives on the GUI thread; a worker's emit reaches `_deliver` there (queued connection)."""

    done = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._deliver)

    @Slot(object)
    def _deliver(self, callback: Callable[[], None]) -> None:
        global _pending
        try:
            callback()
        finally:
            # Counted down only after the callback, so a callback that starts the next task
            # never lets `wait_for_idle` see a gap.
            _pending -= 1


class _Task(QRunnable, Generic[T]):
    """Runs one operation on the worker and sends the right callback back."""

    def __init__(
        self,
        op: Callable[[], T],
        on_success: Callable[[T], None],
        on_error: Callable[[BaseException], None],
        relay: _Relay,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._op = op
        self._on_success = on_success
        self._on_error = on_error
        self._relay = relay

    def run(self) -> None:
        """Qt calls this on the worker thread."""
        callback: Callable[[], None]
        try:
            result = self._op()
        except BaseException as exc:  # every failure goes back to the GUI, none is lost
            callback = partial(self._on_error, exc)
        else:
            callback = partial(self._on_success, result)
        self._relay.done.emit(callback)


def _gui_objects() -> tuple[QThreadPool, _Relay]:
    global _pool, _relay
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        raise RuntimeError("run_in_background must be called on the GUI thread")
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)  # one database worker: one writer at a time
    if _relay is None:
        _relay = _Relay()
    return _pool, _relay


def run_in_background(
    op: Callable[[], T],
    on_success: Callable[[T], None],
    on_error: Callable[[BaseException], None],
) -> None:
    """Run `op` on the database worker; then `on_success(result)` or `on_error(exc)` on the GUI."""
    global _pending
    pool, relay = _gui_objects()
    _pending += 1
    pool.start(_Task(op, on_success, on_error, relay))


def pending_count() -> int:
    """Tasks started whose callback has not run yet."""
    return _pending


def is_idle() -> bool:
    """True when no task is queued, running, or waiting to deliver its result."""
    return _pending == 0


def wait_for_idle(timeout_ms: int = 10_000) -> bool:
    """Block until every task has run and delivered its result (tests, shutdown); False on timeout.

    Waits on the worker instead of sleeping, then delivers the queued results.
    """
    deadline = QDeadlineTimer(timeout_ms)
    while _pending:
        if deadline.hasExpired():
            return False
        if _pool is not None:
            _pool.waitForDone(deadline)
        QCoreApplication.processEvents()
    return True
