"""Ctrl+2, a typed casusnummer and Enter open exactly that child (issue 13 item 5)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import accounts, audit, cases
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case

from ui import tasks
from ui.cases import COL_NUMBER
from ui.mainwindow import MainWindow

# J-1010 also contains "J-101": typing that number must still open J-101 itself.
NUMBERS = ("J-101", "J-104", "J-1010", "J-110")
NAMES = (("Sanne", "de Vries"), ("Noor", "Bakker"), ("Emre", "Yıldırım"), ("Siobhan", "O'Neill"))


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The main window on a store with the four J- cases, the list loaded."""
    store, _recovery = make_store(tmp_path)
    cases.create_cases(
        store,
        [
            sample_case(first, last, case_number=number)
            for number, (first, last) in zip(NUMBERS, NAMES, strict=True)
        ],
    )
    accounts.lock(store)
    main = MainWindow(accounts.unlock(tmp_path / "casusoverleg.db", ACCOUNT, PASSPHRASE))
    qtbot.addWidget(main)
    main.show()
    main.activateWindow()
    qtbot.waitActive(main)
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == len(NUMBERS))
    yield main
    tasks.wait_for_idle()
    main.close()


def _store(window: MainWindow) -> Store:
    store = window.store
    assert store is not None
    return store


def _select_in_table(window: MainWindow, number: str) -> None:
    """The user clicked J-104 in the table earlier: the table has the focus and that row."""
    view = window.cases_view
    row = next(
        r for r in range(view.model.rowCount()) if view.model.row_at(r).case_number == number
    )
    view.table.setFocus()
    view.table.selectRow(row)
    assert view.table.hasFocus()


def _ctrl_2(qtbot: QtBot, window: MainWindow) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)


def _assert_opened(window: MainWindow, number: str) -> None:
    """The case form shows `number`, and the log's newest view is of that case, once."""
    view = window.cases_view
    assert view.is_form_shown()
    store = _store(window)
    assert view.form.case_id == cases.find_case_id(store, number)
    assert view.form.case_number_edit.text() == number
    assert number in view.form.title_label.text()
    newest = audit.list_events(store, limit=1)[0]
    assert newest.action == AuditAction.VIEW
    assert newest.case_number == number
    views = [e for e in audit.list_events(store) if e.action == AuditAction.VIEW and e.case_number]
    assert [e.case_number for e in views] == [number]


def test_ctrl_2_typing_a_case_number_and_enter_open_exactly_that_case(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.cases_view
    _select_in_table(window, "J-1010")
    _ctrl_2(qtbot, window)
    assert view.filter_edit.hasFocus()  # not the table, where typing would jump rows
    qtbot.keyClicks(view.filter_edit, "J-101")
    selected = view.table.selectionModel().selectedRows(COL_NUMBER)
    assert [i.data() for i in selected] == ["J-101"]  # what Enter opens is shown selected
    with qtbot.waitSignal(view.form.loaded):
        qtbot.keyClick(view.filter_edit, Qt.Key.Key_Return)
    _assert_opened(window, "J-101")


def test_typing_in_the_table_goes_to_the_search_field_not_to_another_row(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.cases_view
    _select_in_table(window, "J-104")
    qtbot.keyClicks(view.table, "J")  # Qt's type-ahead would select a row starting with J
    assert view.filter_edit.hasFocus()
    qtbot.keyClicks(view.filter_edit, "-101")
    assert view.filter_edit.text() == "J-101"
    with qtbot.waitSignal(view.form.loaded):
        qtbot.keyClick(view.filter_edit, Qt.Key.Key_Return)
    _assert_opened(window, "J-101")


def test_a_typed_name_opens_the_first_match_and_back_puts_the_focus_in_search(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.cases_view
    _ctrl_2(qtbot, window)
    qtbot.keyClicks(view.filter_edit, "yil")  # Yıldırım as typed on a Dutch keyboard
    assert view.model.rowCount() == 1
    with qtbot.waitSignal(view.form.loaded):
        qtbot.keyClick(view.filter_edit, Qt.Key.Key_Return)
    _assert_opened(window, "J-1010")
    view.show_list()
    assert view.filter_edit.hasFocus()


def test_enter_with_no_match_opens_nothing(qtbot: QtBot, window: MainWindow) -> None:
    view = window.cases_view
    _ctrl_2(qtbot, window)
    qtbot.keyClicks(view.filter_edit, "J-999")
    assert view.model.rowCount() == 0
    qtbot.keyClick(view.filter_edit, Qt.Key.Key_Return)
    tasks.wait_for_idle()
    assert not view.is_form_shown()
    events = audit.list_events(_store(window))
    views = [e for e in events if e.action == AuditAction.VIEW and e.case_number]
    assert views == []
