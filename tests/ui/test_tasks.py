"""The background helper: one worker, results on the GUI thread, errors not lost."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread
from pytestqt.qtbot import QtBot

from ui import tasks


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    seen: dict[str, object] = {}

    def op() -> int:
        seen["op_thread"] = threading.get_ident()
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["callback_is_gui"] = QThread.currentThread() is QCoreApplication.instance().thread()

    tasks.run_in_background(op, done, lambda exc: None)
    assert tasks.pending_count() == 1
    assert tasks.wait_for_idle()
    assert seen["result"] == 42
    assert seen["callback_is_gui"] is True
    assert seen["op_thread"] != threading.get_ident()


def test_error_goes_to_on_error(qtbot: QtBot) -> None:
    errors: list[BaseException] = []

    def op() -> None:
        raise ValueError("kapot")

    tasks.run_in_background(op, lambda _r: None, errors.append)
    qtbot.waitUntil(tasks.is_idle)
    assert [type(e) for e in errors] == [ValueError]


def test_one_worker_runs_operations_in_order(qtbot: QtBot) -> None:
    running = 0
    most = 0
    lock = threading.Lock()
    order: list[int] = []

    def make_op(n: int):  # type: ignore[no-untyped-def]
        def op() -> int:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            with lock:
                running -= 1
            return n

        return op

    for n in range(5):
        tasks.run_in_background(make_op(n), order.append, lambda exc: None)
    assert tasks.wait_for_idle()
    assert order == [0, 1, 2, 3, 4]
    assert most == 1


def test_a_callback_may_start_the_next_task(qtbot: QtBot) -> None:
    results: list[str] = []

    def first_done(result: str) -> None:
        results.append(result)
        tasks.run_in_background(lambda: "tweede", results.append, lambda exc: None)

    tasks.run_in_background(lambda: "eerste", first_done, lambda exc: None)
    assert tasks.wait_for_idle()
    assert results == ["eerste", "tweede"]


def test_what_an_op_holds_is_released_on_the_gui_thread(qtbot: QtBot) -> None:
    """A widget that only an op and its callbacks hold must die on the GUI thread, never on the
    worker (Qt objects die on their own thread; the worker keeps tickets, not callbacks)."""
    gui = QCoreApplication.instance().thread()
    died_on: list[bool] = []

    def note_death() -> None:
        died_on.append(QThread.currentThread() is gui)

    for n in range(100):
        probe = QObject()
        probe.destroyed.connect(note_death, Qt.ConnectionType.DirectConnection)

        def op(probe: QObject = probe, n: int = n) -> int:
            return n if probe is not None else -1

        tasks.run_in_background(op, lambda _r, probe=probe: None, lambda _e, probe=probe: None)
        del probe, op
        # Delivered by the event loop as in the app, not after waiting for the worker.
        qtbot.waitUntil(tasks.is_idle)
    QCoreApplication.processEvents()
    assert died_on == [True] * 100
