"""Issue 12, item 4 on screen: the action's number in the Actiepunten screen, the case form and
meeting mode's boxes, and its Geschiedenis (who agreed, finished, reopened it), by keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QTabWidget
from pytestqt.qtbot import QtBot

from casusoverleg.services import actions, agenda
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.store import Store
from casusoverleg.services.views.case_form import case_tabs
from tests.helpers.meeting_data import add_case, add_meeting, make_members
from tests.helpers.stores import ACCOUNT
from tests.helpers.ui import idle, screen

from ui import tasks
from ui.actions import COL_DESCRIPTION, COL_NUMBER, ActionsView, HistoryDialog
from ui.case_form.tabs import ACTION_COLUMNS, CaseTabPages
from ui.meeting_mode.action_boxes import OpenActionsBox, QuickAddBox

MEETING_DAY = date(2027, 5, 18)
TODAY = date(2027, 6, 1)


@pytest.fixture
def made(store: Store) -> dict[str, ActionInfo]:
    """One action agreed in a meeting, done and reopened; one added from the case."""
    team = make_members(store)
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, MEETING_DAY)
    item = next(
        i for i in agenda.build_agenda(store, meeting, [case_id]).items if i.case_id == case_id
    )
    in_meeting = actions.create_action(
        store,
        description="Gesprek met ouders plannen",
        owner_id=team.wijkteam.id,
        due_date=date(2027, 6, 15),
        agenda_item_id=item.id,
        today=MEETING_DAY,
    )
    actions.complete_action(store, in_meeting.id, done_on=date(2027, 5, 25), note="Gevoerd.")
    actions.reopen_action(store, in_meeting.id, today=date(2027, 5, 28))
    from_case = actions.create_action(
        store,
        description="Jeugdarts informeren",
        owner_id=team.ortho.id,
        due_date=None,
        case_id=case_id,
        today=date(2027, 5, 21),
    )
    return {"meeting": in_meeting, "case": from_case}


@pytest.fixture
def view(qtbot: QtBot, store: Store, made: dict[str, ActionInfo]) -> Iterator[ActionsView]:
    """The Actiepunten screen on the store, shown and active."""
    with screen(qtbot, ActionsView()) as widget:
        widget.set_today(TODAY)
        widget.resize(1300, 600)
        widget.show()
        with qtbot.waitSignal(widget.loaded):
            widget.load(store)
        widget.activateWindow()
        qtbot.waitActive(widget)
        yield widget
        tasks.wait_for_idle()


def _row_of(view: ActionsView, description: str) -> int:
    model = view.model
    found = [
        r
        for r in range(model.rowCount())
        if model.index(r, COL_DESCRIPTION).data() == (description)
    ]
    assert len(found) == 1
    return found[0]


def test_the_list_shows_each_actions_number_and_sorts_on_it(
    view: ActionsView, made: dict[str, ActionInfo]
) -> None:
    model = view.model
    assert model.headerData(COL_NUMBER, Qt.Orientation.Horizontal) == "Nr."
    row = _row_of(view, "Gesprek met ouders plannen")
    number = model.index(row, COL_NUMBER)
    assert number.data() == str(made["meeting"].id)
    assert number.data(Qt.ItemDataRole.ToolTipRole) == (
        f"Actiepunt {made['meeting'].id}, afgesproken op 18-05-2027 (overleg van 18-05-2027)"
    )
    model.sort(COL_NUMBER, Qt.SortOrder.DescendingOrder)
    shown = [int(model.index(r, COL_NUMBER).data()) for r in range(model.rowCount())]
    assert shown == sorted((a.id for a in made.values()), reverse=True)


def test_geschiedenis_by_keyboard_says_who_agreed_finished_and_reopened(
    qtbot: QtBot, view: ActionsView, made: dict[str, ActionInfo]
) -> None:
    view.table.setFocus()
    view.select_row(_row_of(view, "Gesprek met ouders plannen"))
    assert view.history_button.isEnabled()
    with qtbot.waitSignal(view.history_shown) as shown:
        qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    dialog = shown.args[0]
    assert isinstance(dialog, HistoryDialog)
    number = made["meeting"].id
    assert dialog.windowTitle() == f"Geschiedenis van actiepunt {number}"
    assert dialog.lines() == [
        f"afgesproken op 18-05-2027 door {ACCOUNT} (in het overleg van 18-05-2027)",
        f"gereed gemeld op 25-05-2027 door {ACCOUNT} — Gevoerd.",
        f"heropend op 28-05-2027 door {ACCOUNT} — was gereed",
    ]
    # The keyboard is in the list, on the latest step; Escape closes the dialog.
    qtbot.waitUntil(lambda: dialog.tree.hasFocus())
    assert dialog.tree.currentItem() is dialog.tree.topLevelItem(2)
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.tree, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_geschiedenis_is_off_without_a_current_action(qtbot: QtBot, store: Store) -> None:
    with screen(qtbot, ActionsView()) as widget:
        assert not widget.history_button.isEnabled()
        with qtbot.assertNotEmitted(widget.history_shown):
            widget.show_current_history()
            idle()


def test_meeting_mode_boxes_and_case_form_show_the_number(
    qtbot: QtBot, store: Store, made: dict[str, ActionInfo]
) -> None:
    agreed = made["meeting"]
    quick = QuickAddBox()
    qtbot.addWidget(quick)
    quick.show_agreed([agreed])
    line = quick.agreed.topLevelItem(0)
    assert line is not None
    assert (line.text(0), line.text(1)) == (str(agreed.id), "Gesprek met ouders plannen")
    box = OpenActionsBox()
    qtbot.addWidget(box)
    box.show_actions(actions.list_actions(store, today=TODAY))
    texts = [box.tree.topLevelItem(i) for i in range(box.tree.topLevelItemCount())]
    assert {(t.text(0), t.text(1)) for t in texts if t is not None} == {
        (str(agreed.id), "Gesprek met ouders plannen"),
        (str(made["case"].id), "Jeugdarts informeren"),
    }
    assert box.current_id() is not None  # Enter still finds the action behind the line

    # The case form's Actiepunten tab, as it shows the case's tabs.
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    pages = CaseTabPages(tabs)
    assert agreed.case_id is not None
    pages.show(case_tabs(store, agreed.case_id, today=TODAY))
    table = pages.actions_table
    assert table.horizontalHeaderItem(0).text() == ACTION_COLUMNS[0] == "Nr."  # type: ignore[union-attr]
    rows = {
        (table.item(r, 0).text(), table.item(r, 1).text())  # type: ignore[union-attr]
        for r in range(table.rowCount())
    }
    assert rows == {
        (str(agreed.id), "Gesprek met ouders plannen"),
        (str(made["case"].id), "Jeugdarts informeren"),
    }
