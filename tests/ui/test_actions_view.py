"""Actiepunten: the model, the filters (open, overdue, owner, case), mark done, reopen, print."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import ActionStatus
from casusoverleg.services import actions
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import REGISTERED, add_case, make_members
from tests.helpers.transactions import READ, counting_transactions
from tests.helpers.ui import idle, screen

from ui import actions as actions_view
from ui import ops, tasks
from ui.actions import (
    COL_CASE,
    COL_DESCRIPTION,
    COL_DUE,
    COL_OWNER,
    COL_STATUS,
    SHOW_ALL,
    SHOW_OVERDUE,
    ActionFilter,
    ActionsView,
    ActionTableModel,
    DoneDialog,
    count_text,
)

# "Verlopen" is judged on this day: due before it and still open.
TODAY = date(2027, 6, 1)
AGREED = REGISTERED  # 10 May 2027


@dataclass(frozen=True)
class Ids:
    """What the fixture made."""

    actions: dict[str, int]
    owners: dict[str, int]
    cases: dict[str, int]


@pytest.fixture
def made(store: Store) -> Ids:
    """Six actions: two overdue, one done, one without a case, one without a due date."""
    members = make_members(store)
    case_ids = {
        "2027-0001": add_case(store, "2027-0001", "Sanne"),
        "2027-0002": add_case(store, "2027-0002", "Bram"),
        "2027-0003": add_case(store, "2027-0003", "Noor"),
    }
    plan = (
        ("Gesprek met ouders plannen", members.leerplicht.id, "2027-0001", date(2027, 5, 20)),
        ("Onderzoeksverslag opvragen", members.ortho.id, "2027-0002", date(2027, 6, 15)),
        ("Zorgaanbod verkennen", members.wijkteam.id, "2027-0001", date(2027, 5, 25)),
        ("Schoolplek zoeken", members.swv.id, None, date(2027, 7, 1)),
        ("Rooster evalueren", members.leerplicht.id, "2027-0003", date(2027, 5, 15)),
        ("Jeugdarts informeren", members.ortho.id, "2027-0003", None),
    )
    ids = {}
    for description, owner, number, due in plan:
        made_action = actions.create_action(
            store,
            description=description,
            owner_id=owner,
            due_date=due,
            case_id=case_ids[number] if number else None,
            today=AGREED,
        )
        ids[description] = made_action.id
    actions.complete_action(
        store, ids["Rooster evalueren"], done_on=date(2027, 5, 14), note="Gedaan.", today=TODAY
    )
    owners = {
        "Karin Bos": members.leerplicht.id,
        "Joost de Wit": members.ortho.id,
        "Ahmed el Amrani": members.wijkteam.id,
        "Petra Mulder": members.swv.id,
    }
    return Ids(ids, owners, case_ids)


@pytest.fixture
def all_actions(store: Store, made: Ids) -> list[ActionInfo]:
    """Every action, as the view loads them."""
    return actions.list_actions(store, include_done=True, today=TODAY)


@pytest.fixture
def fresh(qtbot: QtBot) -> Iterator[ActionsView]:
    """The Actiepunten screen, judged on TODAY, that has loaded nothing yet."""
    with screen(qtbot, ActionsView()) as widget:
        widget.set_today(TODAY)
        yield widget


@pytest.fixture
def view(qtbot: QtBot, fresh: ActionsView, store: Store, made: Ids) -> Iterator[ActionsView]:
    """The Actiepunten screen on the store, judged on TODAY."""
    widget = fresh
    widget.resize(1300, 600)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(store)
    widget.activateWindow()
    qtbot.waitActive(widget)
    yield widget
    tasks.wait_for_idle()


def _descriptions(model: ActionTableModel) -> list[str]:
    return [model.index(r, COL_DESCRIPTION).data() for r in range(model.rowCount())]


def _select(view: ActionsView, description: str) -> None:
    view.table.setFocus()
    view.select_row(_descriptions(view.model).index(description))


def test_model_passes_qt_model_checks(
    qtmodeltester: ModelTester, all_actions: list[ActionInfo]
) -> None:
    model = ActionTableModel()
    model.set_actions(all_actions)
    qtmodeltester.check(model)
    model.set_filter(ActionFilter(show=SHOW_ALL))
    model.sort(COL_OWNER, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    model.set_filter(ActionFilter(show=SHOW_OVERDUE, case="0001"))
    qtmodeltester.check(model)


def test_model_marks_overdue_rows_and_sorts_in_python(all_actions: list[ActionInfo]) -> None:
    model = ActionTableModel()
    model.set_actions(all_actions)
    # Open ones by due date, the one without a date last.
    assert _descriptions(model) == [
        "Gesprek met ouders plannen",
        "Zorgaanbod verkennen",
        "Onderzoeksverslag opvragen",
        "Schoolplek zoeken",
        "Jeugdarts informeren",
    ]
    late = model.index(0, COL_STATUS)
    assert late.data() == "open — verlopen"
    brush = late.data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color().name() == "#b00020"
    assert model.index(0, COL_DUE).data(Qt.ItemDataRole.ToolTipRole) == (
        "Verlopen: uiterlijk 20-05-2027"
    )
    assert model.index(2, COL_STATUS).data() == "open"
    assert model.index(2, COL_STATUS).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(0, COL_CASE).data() == "2027-0001 (S. de V.)"
    assert model.index(3, COL_CASE).data() == ""
    model.sort(COL_DUE, Qt.SortOrder.DescendingOrder)
    assert _descriptions(model)[0] == "Jeugdarts informeren"
    model.sort(COL_OWNER, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, COL_OWNER).data() for r in range(model.rowCount())] == [
        "Ahmed el Amrani",
        "Joost de Wit",
        "Joost de Wit",
        "Karin Bos",
        "Petra Mulder",
    ]


def test_count_text_in_dutch(all_actions: list[ActionInfo]) -> None:
    assert count_text(all_actions, 6, filtered=False) == "6 actiepunten, 2 verlopen"
    late = [a for a in all_actions if a.overdue]
    assert count_text(late[:1], 6, filtered=True) == "1 van 6 actiepunten, 1 verlopen"
    assert count_text([], 1, filtered=True) == "0 van 1 actiepunt"


def test_filters_open_overdue_all_owner_and_case(
    qtbot: QtBot, view: ActionsView, made: Ids
) -> None:
    assert view.count_label.text() == "5 van 6 actiepunten, 2 verlopen"
    # Toon: verlopen (chosen by typing in the combo, as a keyboard user does).
    view.show_combo.setFocus()
    qtbot.keyClicks(view.show_combo, "verl")
    assert _descriptions(view.model) == ["Gesprek met ouders plannen", "Zorgaanbod verkennen"]
    assert view.count_label.text() == "2 van 6 actiepunten, 2 verlopen"
    qtbot.keyClick(view.show_combo, Qt.Key.Key_End)  # Alle (ook afgerond)
    assert view.model.rowCount() == 6
    assert view.count_label.text() == "6 actiepunten, 2 verlopen"
    # Wie: Joost de Wit.
    view.owner_combo.setFocus()
    qtbot.keyClicks(view.owner_combo, "Joost")
    assert view.owner_combo.currentData() == made.owners["Joost de Wit"]
    assert sorted(_descriptions(view.model)) == [
        "Jeugdarts informeren",
        "Onderzoeksverslag opvragen",
    ]
    assert view.count_label.text() == "2 van 6 actiepunten"
    # Casus: typed; the owner filter still holds.
    qtbot.keyClicks(view.case_edit, "0003")
    assert _descriptions(view.model) == ["Jeugdarts informeren"]
    view.owner_combo.setCurrentIndex(0)  # Iedereen
    assert sorted(_descriptions(view.model)) == ["Jeugdarts informeren", "Rooster evalueren"]
    view.case_edit.clear()
    qtbot.keyClicks(view.case_edit, "s. de v")
    assert sorted(_descriptions(view.model)) == [
        "Gesprek met ouders plannen",
        "Zorgaanbod verkennen",
    ]
    view.case_edit.clear()
    qtbot.keyClicks(view.case_edit, "9999")
    assert view.model.rowCount() == 0
    assert view.empty_label.isVisible()
    assert view.empty_label.text() == "Geen actiepunten bij deze filters."


def test_mark_done_with_date_and_note_then_reopen(
    qtbot: QtBot, view: ActionsView, store: Store, made: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, date]] = []

    def answer(_parent: object, action: ActionInfo, today: date) -> tuple[date, str]:
        asked.append((action.description, today))
        return date(2027, 5, 30), "Gesprek gevoerd."

    monkeypatch.setattr(actions_view, "ask_done", answer)
    _select(view, "Zorgaanbod verkennen")
    assert view.done_button.isEnabled() and not view.reopen_button.isEnabled()
    with qtbot.waitSignal(view.changed):
        qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert asked == [("Zorgaanbod verkennen", TODAY)]
    stored = actions.get_action(store, made.actions["Zorgaanbod verkennen"], today=TODAY)
    assert stored.status is ActionStatus.GEREED
    assert stored.done_on == date(2027, 5, 30)
    assert stored.note == "Gesprek gevoerd."
    # Under "open" it is gone, and the count follows.
    assert "Zorgaanbod verkennen" not in _descriptions(view.model)
    assert view.count_label.text() == "4 van 6 actiepunten, 1 verlopen"
    assert view.current_action() is not None  # the cursor stays in the list

    view.show_combo.setCurrentIndex(view.show_combo.findData(SHOW_ALL))
    _select(view, "Zorgaanbod verkennen")
    assert view.reopen_button.isEnabled() and not view.done_button.isEnabled()
    with qtbot.waitSignal(view.changed):
        view.reopen_button.click()
    reopened = actions.get_action(store, made.actions["Zorgaanbod verkennen"], today=TODAY)
    assert reopened.status is ActionStatus.OPEN
    assert reopened.done_on is None
    assert view.count_label.text() == "6 actiepunten, 2 verlopen"


def test_cancelled_done_dialog_changes_nothing(
    qtbot: QtBot, view: ActionsView, store: Store, made: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions_view, "ask_done", lambda *_args: None)
    _select(view, "Schoolplek zoeken")
    view.done_button.click()
    tasks.wait_for_idle()
    assert actions.get_action(store, made.actions["Schoolplek zoeken"]).status is ActionStatus.OPEN


def test_done_dialog_takes_a_typed_date_and_note(
    qtbot: QtBot, all_actions: list[ActionInfo]
) -> None:
    action = next(a for a in all_actions if a.description == "Schoolplek zoeken")
    dialog = DoneDialog(action, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.date_field.text() == "01-06-2027"
    dialog.date_field.edit.selectAll()
    qtbot.keyClicks(dialog.date_field.edit, "1-5-2027")  # before it was agreed
    qtbot.keyClicks(dialog.note_edit, "Plek gevonden")
    dialog.accept()
    assert dialog.isVisible()
    assert "vóór de dag waarop het actiepunt is afgesproken (10-05-2027)" in (
        dialog.error_label.text()
    )
    dialog.date_field.edit.selectAll()
    qtbot.keyClicks(dialog.date_field.edit, "28-5-2027")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    assert dialog.value() == (date(2027, 5, 28), "Plek gevonden")


def test_print_asks_the_action_list_open_or_with_done_dates(
    qtbot: QtBot, view: ActionsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed: list[DocumentRequest] = []
    monkeypatch.setattr(actions_view, "preview_actions", lambda _p, _s, r: printed.append(r))
    qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    view.show_combo.setCurrentIndex(view.show_combo.findData(SHOW_ALL))
    view.print_button.click()
    assert printed == [
        DocumentRequest(kind="actions", include_done=False),
        DocumentRequest(kind="actions", include_done=True),
    ]


def test_enter_on_a_row_opens_its_case(qtbot: QtBot, view: ActionsView, made: Ids) -> None:
    _select(view, "Onderzoeksverslag opvragen")
    with qtbot.waitSignal(view.open_case) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [made.cases["2027-0002"]]
    _select(view, "Schoolplek zoeken")  # no case
    assert not view.case_button.isEnabled()


def test_lock_empties_the_list_and_unlock_keeps_the_owner_filter(
    qtbot: QtBot, view: ActionsView, store: Store, made: Ids
) -> None:
    view.owner_combo.setCurrentIndex(view.owner_combo.findData(made.owners["Karin Bos"]))
    assert view.model.rowCount() == 1
    view.clear()
    assert view.model.rowCount() == 0
    assert view.model.total_count == 0
    assert view.owner_combo.count() == 1
    assert view.count_label.text() == ""
    assert not view.print_button.isEnabled()
    with qtbot.waitSignal(view.loaded):
        view.load(store)
    assert view.owner_combo.currentData() == made.owners["Karin Bos"]
    assert _descriptions(view.model) == ["Gesprek met ouders plannen"]


def test_loading_is_one_read(qtbot: QtBot, fresh: ActionsView, store: Store, made: Ids) -> None:
    widget = fresh
    with counting_transactions(store) as begun:
        with qtbot.waitSignal(widget.loaded):
            widget.load(store)
        idle()
    assert begun == [READ]
    assert widget.model.total_count == 6


def test_marking_done_announces_the_change(
    qtbot: QtBot, view: ActionsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions_view, "ask_done", lambda *_args: (TODAY, ""))
    _select(view, "Schoolplek zoeken")
    with qtbot.waitSignal(ops.change_bus().did_change) as announced:
        view.done_button.click()
    assert announced.args == [ops.Change.ACTIONS, view]
    assert view.model.row_at(0).description == "Gesprek met ouders plannen"
    assert all(row.description != "Schoolplek zoeken" for row in view.model.rows)


def test_a_refused_change_is_said_in_dutch_and_announces_nothing(
    qtbot: QtBot, view: ActionsView, store: Store, made: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Someone else finished it after the list was read.
    actions.complete_action(
        store, made.actions["Schoolplek zoeken"], done_on=TODAY, note="", today=TODAY
    )
    monkeypatch.setattr(actions_view, "ask_done", lambda *_args: (TODAY, ""))
    _select(view, "Schoolplek zoeken")
    with (
        qtbot.assertNotEmitted(ops.change_bus().did_change),
        qtbot.waitSignal(view.change_failed) as refused,
    ):
        view.done_button.click()
        idle()
    assert refused.args == ["Dit actiepunt is al gereed."]
    assert view.message_label.text() == "Niet gelukt: Dit actiepunt is al gereed."
    assert view.message_label.isVisible()


def test_a_lock_while_loading_drops_the_late_rows(
    qtbot: QtBot, view: ActionsView, store: Store
) -> None:
    view.clear()
    with qtbot.assertNotEmitted(view.loaded):
        view.load(store)
        view.clear()
        idle()
    assert view.model.rowCount() == 0
    assert view.model.total_count == 0
