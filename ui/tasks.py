"""Database work off the GUI thread: one worker, results handed back on the GUI thread.

Like Anki's `QueryOp` and Picard's `run_task`: `op` runs on a single-thread pool (one database
worker, so operations never overlap), and `on_success` or `on_error` runs afterwards on the GUI
thread, carried there by a queued signal. `op` must not touch widgets; it calls services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
_next_ticket = 0

# Everything an operation holds (its op, its callbacks, its outcome) lives in these two dicts,
# which only the GUI thread adds to and takes from; the worker gets a ticket. So the worker never
# holds the last reference to a widget a callback or op closes over, and no widget is ever
# destroyed on the worker thread (Qt objects must die on the thread they live on).
_work: dict[int, tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]]
_work = {}
_outcomes: dict[int, tuple[bool, Any]] = {}


class _Relay(QObject):
    """Lives on the GUI thread; a worker's emit reaches `_deliver` there (queued connection)."""

    done = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._deliver)

    @Slot(int)
    def _deliver(self, ticket: int) -> None:
        global _pending
        _op, on_success, on_error = _work.pop(ticket)
        succeeded, value = _outcomes.pop(ticket)
        try:
            if succeeded:
                on_success(value)
            else:
                on_error(value)
        finally:
            # Counted down only after the callback, so a callback that starts the next task
            # never lets `wait_for_idle` see a gap.
            _pending -= 1


class _Task(QRunnable):
    """Runs one operation on the worker and sends its ticket back."""

    def __init__(self, ticket: int, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._ticket = ticket
        self._relay = relay

    def run(self) -> None:
        """Qt calls this on the worker thread."""
        op = _work[self._ticket][0]
        try:
            _outcomes[self._ticket] = (True, op())
        except BaseException as exc:  # every failure goes back to the GUI, none is lost
            _outcomes[self._ticket] = (False, exc)
        del op
        self._relay.done.emit(self._ticket)


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
    global _pending, _next_ticket
    pool, relay = _gui_objects()
    _pending += 1
    _next_ticket += 1
    _work[_next_ticket] = (op, on_success, on_error)
    pool.start(_Task(_next_ticket, relay))


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
