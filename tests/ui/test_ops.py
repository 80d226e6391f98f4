"""The op helper: the op gets the store, results come back on the GUI thread, one error policy,
stale results dropped, changes announced, nothing left running."""

from __future__ import annotations

import sys
import threading
from types import TracebackType

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.errors import BadInput
from casusoverleg.services import cases
from casusoverleg.services.store import Store
from tests.helpers.stores import sample_case

from ui import dialogs, ops, tasks
from ui.ops import Change, StoreOp


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The warning dialogs the default failure policy showed (text only)."""
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _parent, _title, text, **_kw: shown.append(text))
    return shown


def test_op_gets_the_store_off_the_gui_thread_and_success_comes_back_on_it(
    parent: QWidget, store: Store
) -> None:
    cases.create_case(store, sample_case("Sanne"))
    seen: dict[str, object] = {}

    def count(given: Store) -> int:
        seen["store"] = given
        seen["op_thread"] = threading.get_ident()
        return cases.count_cases(given)

    def show(result: int) -> None:
        seen["result"] = result
        seen["on_gui"] = QThread.currentThread() is QCoreApplication.instance().thread()

    StoreOp(parent, store, count).success(show).run()
    assert tasks.wait_for_idle()
    assert seen["store"] is store
    assert seen["op_thread"] != threading.get_ident()
    assert seen["result"] == 1
    assert seen["on_gui"] is True


def test_a_dutch_error_goes_to_the_failure_callback(parent: QWidget, store: Store) -> None:
    def refuse(_store: Store) -> None:
        raise BadInput("Dit kan zo niet.")

    errors: list[str] = []
    finished: list[bool] = []
    StoreOp(parent, store, refuse).success(lambda _r: errors.append("succes?")).failure(
        lambda exc: errors.append(exc.message)
    ).finished(lambda: finished.append(True)).run()
    assert tasks.wait_for_idle()
    assert errors == ["Dit kan zo niet."]
    assert finished == [True]


def test_without_a_failure_callback_a_dutch_error_is_shown_in_a_dialog(
    parent: QWidget, store: Store, warnings: list[str]
) -> None:
    def refuse(_store: Store) -> None:
        raise BadInput("De casus bestaat niet meer.")

    StoreOp(parent, store, refuse).run()
    assert tasks.wait_for_idle()
    assert warnings == ["De casus bestaat niet meer."]


def test_an_unexpected_error_goes_to_the_global_handler_with_a_log_line(
    parent: QWidget,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    warnings: list[str],
) -> None:
    handled: list[type[BaseException]] = []

    def hook(kind: type[BaseException], _exc: BaseException, _tb: TracebackType | None) -> None:
        handled.append(kind)

    monkeypatch.setattr(sys, "excepthook", hook)

    def broken(_store: Store) -> None:
        raise KeyError("Sanne de Vries")  # a message that may hold a child's name

    failures: list[str] = []
    finished: list[bool] = []
    StoreOp(parent, store, broken).failure(lambda exc: failures.append(exc.message)).finished(
        lambda: finished.append(True)
    ).run()
    assert tasks.wait_for_idle()
    assert handled == [KeyError]
    assert failures == []  # not a Dutch message: the screen's own callback is not for bugs
    assert warnings == []
    assert finished == [True]  # the screen can still re-enable its buttons
    assert "KeyError" in caplog.text
    assert "Sanne" not in caplog.text


def test_a_newer_op_with_the_same_key_drops_the_older_result(parent: QWidget, store: Store) -> None:
    shown: list[str] = []
    StoreOp(parent, store, lambda _s: "oud").key("lijst").success(shown.append).run()
    StoreOp(parent, store, lambda _s: "nieuw").key("lijst").success(shown.append).run()
    StoreOp(parent, store, lambda _s: "ander").key("teller").success(shown.append).run()
    assert tasks.wait_for_idle()
    assert shown == ["nieuw", "ander"]


def test_the_same_key_on_another_parent_is_not_stale(
    parent: QWidget, store: Store, qtbot: QtBot
) -> None:
    other = QWidget()
    qtbot.addWidget(other)
    shown: list[str] = []
    StoreOp(parent, store, lambda _s: "een").key("lijst").success(shown.append).run()
    StoreOp(other, store, lambda _s: "twee").key("lijst").success(shown.append).run()
    assert tasks.wait_for_idle()
    assert shown == ["een", "twee"]


def test_dropping_pending_results_of_a_screen_that_is_emptied(
    parent: QWidget, store: Store, warnings: list[str]
) -> None:
    def refuse(_store: Store) -> None:
        raise BadInput("te laat")

    shown: list[str] = []
    StoreOp(parent, store, lambda _s: "oud").success(shown.append).run()
    StoreOp(parent, store, refuse).failure(lambda exc: shown.append(exc.message)).run()
    ops.drop_pending(parent)
    StoreOp(parent, store, lambda _s: "na het legen").success(shown.append).run()
    assert tasks.wait_for_idle()
    assert shown == ["na het legen"]
    assert warnings == []


def test_locking_drops_every_result_on_its_way(parent: QWidget, store: Store) -> None:
    shown: list[str] = []
    StoreOp(parent, store, lambda _s: "van voor het vergrendelen").success(shown.append).run()
    ops.drop_all_pending()
    assert tasks.wait_for_idle()
    assert shown == []


def test_a_result_for_a_deleted_widget_is_dropped(store: Store) -> None:
    widget = QWidget()
    shown: list[str] = []
    StoreOp(widget, store, lambda _s: "weg").success(shown.append).run()
    shiboken6.delete(widget)  # the screen is gone (closed window, rebuilt screens)
    assert tasks.wait_for_idle()
    assert shown == []


def test_a_change_is_announced_after_success_and_only_then(
    parent: QWidget, store: Store, qtbot: QtBot, warnings: list[str]
) -> None:
    heard: list[tuple[Change, object]] = []
    ops.change_bus().did_change.connect(lambda change, source: heard.append((change, source)))

    with qtbot.waitSignal(ops.change_bus().did_change):
        StoreOp(parent, store, lambda s: cases.create_case(s, sample_case("Daan"))).changes(
            Change.CASES
        ).run()
    assert heard == [(Change.CASES, parent)]

    def refuse(_store: Store) -> None:
        raise BadInput("nee")

    with qtbot.assertNotEmitted(ops.change_bus().did_change):
        StoreOp(parent, store, refuse).changes(Change.CASES).run()
        assert tasks.wait_for_idle()
    assert cases.count_cases(store) == 1


def test_a_change_is_announced_even_when_its_result_is_stale(
    parent: QWidget, store: Store, qtbot: QtBot
) -> None:
    shown: list[object] = []
    with qtbot.waitSignal(ops.change_bus().did_change) as announced:
        StoreOp(parent, store, lambda s: cases.create_case(s, sample_case("Emma"))).key(
            "bewaren"
        ).changes(Change.CASES).success(shown.append).run()
        ops.drop_pending(parent)
    assert announced.args == [Change.CASES, parent]
    assert shown == []


def test_progress_shows_while_the_op_runs_and_closes_after(parent: QWidget, store: Store) -> None:
    parent.show()
    seen: list[bool] = []
    StoreOp(parent, store, cases.count_cases).with_progress(
        "Tellen", "De casussen worden geteld…"
    ).success(lambda _n: seen.append(True)).run()
    bars = [w for w in parent.findChildren(QWidget) if w.windowTitle() == "Tellen"]
    assert bars and bars[0].isVisible()
    assert tasks.wait_for_idle()
    assert seen == [True]
    assert not bars[0].isVisible()


def test_nothing_is_left_running(parent: QWidget, store: Store) -> None:
    for n in range(5):
        StoreOp(parent, store, lambda _s, n=n: n).key("telling").run()
    assert not tasks.is_idle()
    assert tasks.wait_for_idle()
    assert tasks.is_idle()


def test_everything_holds_every_kind() -> None:
    every = Change.everything()
    assert all(kind in every for kind in Change if kind)


def test_an_op_without_a_store_follows_the_same_policy(
    parent: QWidget, warnings: list[str]
) -> None:
    def refuse() -> None:
        raise BadInput("Het wachtwoord is te kort.")

    shown: list[str] = []
    ops.Op(parent, lambda: "ontgrendeld").success(shown.append).run()
    ops.Op(parent, refuse).run()
    assert tasks.wait_for_idle()
    assert shown == ["ontgrendeld"]
    assert warnings == ["Het wachtwoord is te kort."]


def test_a_result_nobody_takes_is_released(parent: QWidget, store: Store) -> None:
    shown: list[str] = []
    released: list[str] = []
    ops.Op(parent, lambda: "open opslag").success(shown.append).dropped(released.append).run()
    ops.drop_pending(parent)  # the dialog that asked for it is gone
    ops.Op(parent, lambda: "genomen").success(shown.append).dropped(released.append).run()
    assert tasks.wait_for_idle()
    assert shown == ["genomen"]
    assert released == ["open opslag"]
