"""The agenda builder: proposals with reasons, adding by click/Enter/drag, reordering, durations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AgendaItemKind, ExemptionGround
from casusoverleg.services import agenda, meetings
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.meetings import MeetingInfo
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_page import meeting_page
from tests.helpers.meeting_data import add_case, add_meeting, make_members
from tests.helpers.ui import idle

import ui.pdf_preview
from ui.meetings.agenda import builder as agenda_builder
from ui.meetings.agenda.builder import AgendaBuilder
from ui.meetings.agenda.models import (
    COL_MINUTES,
    COL_QUESTION,
    COL_START,
    COL_TITLE,
    AgendaTableModel,
    ProposalListModel,
)

MEETING_DAY = date(2027, 6, 8)
CASES = ("2027-0001", "2027-0002", "2027-0003")


@pytest.fixture
def meeting(store: Store) -> MeetingInfo:
    """A two-hour meeting at 13:00 with three new cases to propose (and the core teams)."""
    members = make_members(store)
    for number, first in zip(CASES, ("Sanne", "Daan", "Emma"), strict=True):
        add_case(store, number, first, owner_id=members.leerplicht.id)
    add_case(
        store,
        "2027-0009",
        "Mila",
        ground=ExemptionGround.THUISZITTER,
        absent_since=date(2027, 3, 1),
    )
    return meetings.get_meeting(store, add_meeting(store, MEETING_DAY))


@pytest.fixture
def builder(qtbot: QtBot, store: Store, meeting: MeetingInfo) -> AgendaBuilder:
    """The builder showing the meeting (no agenda yet)."""
    widget = AgendaBuilder()
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    _show(widget, store, meeting)
    return widget


def _show(builder: AgendaBuilder, store: Store, meeting: MeetingInfo) -> None:
    """Give the builder the meeting's page as the meeting page reads it (one read)."""
    builder.show_page(store, meeting_page(store, meeting.id))


def _order(store: Store, meeting: MeetingInfo) -> list[str]:
    return [i.case_number or str(i.kind) for i in agenda.get_agenda(store, meeting.id).items]


def _proposal_row(builder: AgendaBuilder, number: str) -> int:
    return next(
        r
        for r in range(builder.proposals.rowCount())
        if builder.proposals.proposal_at(r).case_number == number
    )


def _agenda_row(builder: AgendaBuilder, number: str) -> int:
    return next(
        r for r in range(builder.model.rowCount()) if builder.model.row_at(r).case_number == number
    )


def _frame_only(store: Store, meeting: MeetingInfo, builder: AgendaBuilder) -> None:
    agenda.build_agenda(store, meeting.id, [])
    _show(builder, store, meeting)


FRAME = ["OPENING", "VERSLAG", "ACTIELIJST", "RONDVRAAG", "SLUITING"]


def test_models_pass_qt_model_checks(
    qtmodeltester: ModelTester, store: Store, meeting: MeetingInfo
) -> None:
    proposals = ProposalListModel()
    proposals.set_proposals(agenda.propose_agenda(store, meeting.id))
    qtmodeltester.check(proposals)
    built = agenda.build_agenda(store, meeting.id)
    model = AgendaTableModel()
    model.set_agenda(built, meeting.start_time, editable=True)
    qtmodeltester.check(model)
    proposals.set_on_agenda(model.case_ids())
    qtmodeltester.check(proposals)


def test_proposals_show_casusnummer_initials_and_reasons(builder: AgendaBuilder) -> None:
    texts = [builder.proposals.index(r).data() for r in range(builder.proposals.rowCount())]
    # The thuiszitter is most urgent; names never show, only initials.
    assert texts[0] == (
        "2027-0009 (M. de V.)\nthuiszitter > 4 weken, 6 weken niet besproken; "
        "aangemeld, nog niet besproken"
    )
    assert texts[1] == "2027-0001 (S. de V.)\naangemeld, nog niet besproken"
    assert all("Sanne" not in t and "Vries" not in t for t in texts)
    assert builder.proposal_title.text() == "Voorgestelde casussen (4 van 4 nog niet op de agenda)"
    assert builder.build_button.isVisible()
    assert "Nog geen agenda" in builder.summary_label.text()


def test_agenda_opstellen_builds_the_default_agenda(
    qtbot: QtBot, store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    with qtbot.waitSignal(builder.changed):
        qtbot.mouseClick(builder.build_button, Qt.MouseButton.LeftButton)
    idle()
    assert _order(store, meeting) == [
        "OPENING",
        "VERSLAG",
        "ACTIELIJST",
        "2027-0009",
        *CASES,
        "RONDVRAAG",
        "SLUITING",
    ]
    assert builder.model.rowCount() == 9
    assert not builder.build_button.isVisible()
    assert builder.model.index(3, COL_START).data() == "13:20"
    assert builder.proposal_title.text() == "Voorgestelde casussen (0 van 4 nog niet op de agenda)"
    assert builder.agenda_title.text() == "Agenda (4 casussen)"


def test_drag_proposed_cases_onto_the_agenda(
    store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    _frame_only(store, meeting, builder)
    assert builder.model.rowCount() == 5
    # Dropped between actielijst (row 2) and rondvraag (row 3).
    first = builder.proposals.index(_proposal_row(builder, "2027-0002"))
    data = builder.proposals.mimeData([first])
    assert builder.model.canDropMimeData(data, Qt.DropAction.CopyAction, 3, 0, QModelIndex())
    assert builder.model.dropMimeData(data, Qt.DropAction.CopyAction, 3, 0, QModelIndex())
    idle()
    assert _order(store, meeting) == [*FRAME[:3], "2027-0002", *FRAME[3:]]
    # The next one dropped above it, right after the actielijst.
    second = builder.proposals.index(_proposal_row(builder, "2027-0003"))
    data = builder.proposals.mimeData([second])
    assert builder.model.dropMimeData(data, Qt.DropAction.CopyAction, 3, 0, QModelIndex())
    idle()
    assert _order(store, meeting) == [*FRAME[:3], "2027-0003", "2027-0002", *FRAME[3:]]
    # A proposal on the agenda is greyed and can no longer be dragged.
    row = _proposal_row(builder, "2027-0003")
    assert builder.proposals.is_on_agenda(row)
    assert not builder.proposals.flags(builder.proposals.index(row)) & Qt.ItemFlag.ItemIsDragEnabled
    assert "staat op de agenda" in builder.proposals.index(row).data()
    # Dropped above the opening: the case still goes after the other cases.
    third = builder.proposals.index(_proposal_row(builder, "2027-0001"))
    data = builder.proposals.mimeData([third])
    assert builder.model.dropMimeData(data, Qt.DropAction.CopyAction, 0, 0, QModelIndex())
    idle()
    assert _order(store, meeting)[3:6] == ["2027-0003", "2027-0002", "2027-0001"]


def test_drag_on_an_empty_agenda_makes_the_frame(
    store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    data = builder.proposals.mimeData([builder.proposals.index(0)])
    assert builder.model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    idle()
    assert _order(store, meeting) == [*FRAME[:3], "2027-0009", *FRAME[3:]]


def test_reorder_by_dragging_an_item(
    store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    agenda.build_agenda(store, meeting.id, [])
    for number in CASES:
        case_id = next(
            p.case_id for p in agenda.propose_agenda(store, meeting.id) if p.case_number == number
        )
        agenda.add_case_item(store, meeting.id, case_id)
    _show(builder, store, meeting)
    last = builder.model.index(_agenda_row(builder, "2027-0003"), COL_TITLE)
    data = builder.model.mimeData([last])
    # Between the actielijst (row 2) and the first case (row 3).
    assert builder.model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert builder.model.row_at(3).case_number == "2027-0003"  # on screen at once
    idle()
    assert _order(store, meeting)[3:6] == ["2027-0003", "2027-0001", "2027-0002"]
    # Dropped on a row, it takes that row's place.
    moving = builder.model.index(_agenda_row(builder, "2027-0003"), COL_TITLE)
    target = builder.model.index(_agenda_row(builder, "2027-0002"), COL_TITLE)
    data = builder.model.mimeData([moving])
    assert builder.model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)
    idle()
    assert _order(store, meeting)[3:6] == ["2027-0001", "2027-0002", "2027-0003"]
    # Nothing goes before the opening.
    data = builder.model.mimeData([builder.model.index(3, COL_TITLE)])
    assert not builder.model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert builder.message == "De opening blijft het eerste agendapunt."
    idle()
    assert _order(store, meeting)[3] == "2027-0001"


def test_keyboard_enter_adds_and_ctrl_arrows_reorder(
    qtbot: QtBot, store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    view = builder.proposal_view
    view.setFocus()
    for number in ("2027-0001", "2027-0002"):
        view.setCurrentIndex(builder.proposals.index(_proposal_row(builder, number)))
        qtbot.keyClick(view, Qt.Key.Key_Return)
        idle()
    assert _order(store, meeting) == [*FRAME[:3], "2027-0001", "2027-0002", *FRAME[3:]]
    assert builder.message == "Casus 2027-0002 op de agenda gezet."
    # The added item is current: Ctrl+Up moves it above the other case.
    table = builder.table
    table.setFocus()
    assert table.currentIndex().row() == _agenda_row(builder, "2027-0002")
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert _order(store, meeting)[3:5] == ["2027-0002", "2027-0001"]
    assert table.currentIndex().row() == 3
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert _order(store, meeting)[:4] == ["OPENING", "2027-0002", "VERSLAG", "ACTIELIJST"]
    # Not above the opening.
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert builder.message == "De opening blijft het eerste agendapunt."
    assert _order(store, meeting)[1] == "2027-0002"
    for _ in range(2):
        qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert _order(store, meeting)[3:5] == ["2027-0002", "2027-0001"]
    # Delete takes the case off; it is proposed again.
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    idle()
    assert "2027-0002" not in _order(store, meeting)
    assert not builder.proposals.is_on_agenda(_proposal_row(builder, "2027-0002"))
    # The "Toevoegen →" button does the same as Enter.
    view.setCurrentIndex(builder.proposals.index(_proposal_row(builder, "2027-0002")))
    qtbot.mouseClick(builder.add_button, Qt.MouseButton.LeftButton)
    idle()
    assert _order(store, meeting)[3:5] == ["2027-0001", "2027-0002"]


def _duration_editor(builder: AgendaBuilder, row: int) -> QSpinBox:
    index = builder.model.index(row, COL_MINUTES)
    builder.table.setCurrentIndex(index)
    builder.table.edit(index)
    editor = builder.table.viewport().findChild(QSpinBox)
    assert editor is not None
    return editor


def test_durations_move_start_times_and_warn_of_overrun_live(
    qtbot: QtBot, store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    qtbot.mouseClick(builder.build_button, Qt.MouseButton.LeftButton)
    idle()
    assert builder.warnings == []  # 5+5+10+4*15+5+5 = 90 of 120 minutes
    row = _agenda_row(builder, "2027-0001")
    following = builder.model.index(row + 1, COL_START)
    assert following.data() == "13:50"
    editor = _duration_editor(builder, row)
    editor.selectAll()
    qtbot.keyClicks(editor, "60")
    # While typing: later items start later and the warning is there, nothing saved yet.
    assert following.data() == "14:35"
    assert builder.warnings == [
        "De agenda duurt 135 minuten: 15 minuten langer dan het overleg (120 minuten, tot "
        "15:00). Kort agendapunten in of verplaats een casus naar een volgend overleg."
    ]
    assert "tot 15:15" in builder.summary_label.text()
    assert agenda.get_agenda(store, meeting.id).total_minutes == 90
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    idle()
    stored = agenda.get_agenda(store, meeting.id)
    assert [i.minutes for i in stored.items if i.case_number == "2027-0001"] == [60]
    assert stored.overrun_minutes == 15
    assert builder.warnings and builder.warnings[0].startswith("De agenda duurt 135 minuten")

    # Esc leaves a duration as it was.
    editor = _duration_editor(builder, row)
    editor.selectAll()
    qtbot.keyClicks(editor, "20")
    assert builder.warnings == []
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    idle()
    assert following.data() == "14:35"
    assert builder.warnings[0].startswith("De agenda duurt 135 minuten")
    assert agenda.get_agenda(store, meeting.id).total_minutes == 135


def test_question_edited_in_place(
    qtbot: QtBot, store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    qtbot.mouseClick(builder.build_button, Qt.MouseButton.LeftButton)
    idle()
    row = _agenda_row(builder, "2027-0002")
    index = builder.model.index(row, COL_QUESTION)
    builder.table.setCurrentIndex(index)
    builder.table.setFocus()
    qtbot.keyClicks(builder.table, "I")  # typing in a cell opens its editor
    editor = builder.table.viewport().findChild(QLineEdit)
    assert editor is not None
    qtbot.keyClicks(editor, "s deeltijd haalbaar?")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    idle()
    stored = [i for i in agenda.get_agenda(store, meeting.id).items if i.case_number == "2027-0002"]
    assert stored[0].question == "Is deeltijd haalbaar?"


def test_invitation_is_saved_where_the_user_says(
    qtbot: QtBot,
    store: Store,
    meeting: MeetingInfo,
    builder: AgendaBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "uitnodiging.ics"
    asked: list[str] = []

    def ask(_parent: QWidget, suggestion: str) -> Path:
        asked.append(suggestion)
        return target

    monkeypatch.setattr(agenda_builder, "ask_ics_path", ask)
    qtbot.mouseClick(builder.ics_button, Qt.MouseButton.LeftButton)
    idle()
    assert asked[0].endswith("Uitnodiging Casusoverleg 2027-06-08.ics")
    text = target.read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in text
    assert "2027-0001" not in text
    # No secretary and nobody with an e-mail address: a plain entry, and the message says why.
    assert builder.message.startswith(f"Agenda-afspraak (geen uitnodiging) opgeslagen in {target}.")
    assert "secretaris" in builder.message
    assert "niet versleuteld" in builder.message


def test_pdf_button_opens_the_agenda_preview(
    qtbot: QtBot,
    store: Store,
    meeting: MeetingInfo,
    builder: AgendaBuilder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert not builder.pdf_button.isEnabled()  # no agenda yet
    requests: list[DocumentRequest] = []
    monkeypatch.setattr(
        ui.pdf_preview, "show_pdf_preview", lambda _p, _s, request: requests.append(request)
    )
    qtbot.mouseClick(builder.build_button, Qt.MouseButton.LeftButton)
    idle()
    qtbot.mouseClick(builder.pdf_button, Qt.MouseButton.LeftButton)
    assert requests == [DocumentRequest(kind="agenda", meeting_id=meeting.id)]


def test_cancelled_meeting_agenda_is_read_only(
    qtbot: QtBot, store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    agenda.build_agenda(store, meeting.id)
    cancelled = meetings.cancel_meeting(store, meeting.id)
    _show(builder, store, cancelled)
    assert not builder.model.editable
    assert builder.warnings == ["Dit overleg is geannuleerd."]
    assert not builder.add_button.isEnabled()
    assert not builder.pdf_button.isEnabled()
    assert builder.ics_button.isEnabled()  # the .ics tells calendars it is off
    assert not builder.proposal_view.isVisible()
    assert not builder.model.flags(builder.model.index(3, COL_MINUTES)) & (
        Qt.ItemFlag.ItemIsEditable
    )
    data = builder.proposals.mimeData([builder.proposals.index(0)])
    assert not builder.model.dropMimeData(data, Qt.DropAction.CopyAction, 3, 0, QModelIndex())
    assert builder.model.row_at(0).kind is AgendaItemKind.OPENING


def test_a_refused_change_is_said_and_the_agenda_read_again(
    qtbot: QtBot, store: Store, meeting: MeetingInfo, builder: AgendaBuilder
) -> None:
    meetings.cancel_meeting(store, meeting.id)  # elsewhere, while the builder shows it
    qtbot.mouseClick(builder.build_button, Qt.MouseButton.LeftButton)
    idle()
    assert builder.message == (
        "Niet gelukt: Dit overleg is geannuleerd; de agenda kan niet meer worden gewijzigd."
    )
    assert builder.warnings == ["Dit overleg is geannuleerd."]  # as the store has it now
    assert agenda.get_agenda(store, meeting.id).items == []


def test_an_invitation_that_cannot_be_written_says_why(
    qtbot: QtBot,
    builder: AgendaBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "weg" / "uitnodiging.ics"
    monkeypatch.setattr(agenda_builder, "ask_ics_path", lambda _parent, _suggestion: target)
    qtbot.mouseClick(builder.ics_button, Qt.MouseButton.LeftButton)
    idle()
    assert builder.message == (
        f"De uitnodiging is niet opgeslagen: De map {target.parent} bestaat niet."
    )
    assert not target.parent.exists()
