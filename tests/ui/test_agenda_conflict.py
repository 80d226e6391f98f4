"""The agenda builder when someone else changed an item meanwhile (issue 15): the edit is a
Dutch conflict naming both values, nothing stale stays on screen (the row shows theirs), and
the user's own quick edits of one row never conflict with each other."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.services import agenda, meetings
from casusoverleg.services.meetings import MeetingInfo
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_page import meeting_page
from tests.helpers.meeting_data import add_case, add_meeting
from tests.helpers.stores import ACCOUNT
from tests.helpers.ui import idle

from ui.meetings.agenda.builder import RETYPE, AgendaBuilder
from ui.meetings.agenda.models import COL_MINUTES, COL_QUESTION


def _builder(qtbot: QtBot, store: Store) -> tuple[AgendaBuilder, MeetingInfo, int]:
    add_case(store, "2027-0001")
    meeting = meetings.get_meeting(store, add_meeting(store, date(2027, 6, 8)))
    agenda.build_agenda(store, meeting.id)
    widget = AgendaBuilder()
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    widget.show_page(store, meeting_page(store, meeting.id))
    idle()
    row = next(i for i, r in enumerate(widget.model.rows) if r.case_number == "2027-0001")
    return widget, meeting, row


def _item(store: Store, meeting: MeetingInfo) -> agenda.AgendaItemInfo:
    return next(i for i in agenda.get_agenda(store, meeting.id).items if i.case_id is not None)


def test_an_edit_of_an_item_changed_meanwhile_is_a_conflict_and_shows_theirs(
    qtbot: QtBot, store: Store
) -> None:
    builder, meeting, row = _builder(qtbot, store)
    item = _item(store, meeting)
    agenda.update_item(store, item.id, question="Past school?")  # another client
    builder.model.setData(builder.model.index(row, COL_QUESTION), "Welk rooster?")
    idle()
    message = builder.message
    assert message.startswith(f"Niet gelukt: {ACCOUNT} heeft dit agendapunt intussen gewijzigd")
    assert "uw waarde Welk rooster?" in message and "hun waarde Past school?" in message
    assert message.endswith(RETYPE)
    assert _item(store, meeting).question == "Past school?"
    shown = builder.model.rows[row]
    assert (shown.question, shown.version) == ("Past school?", 2)
    # Typed again on the version now shown: saved.
    builder.model.setData(builder.model.index(row, COL_QUESTION), "Welk rooster?")
    idle()
    assert _item(store, meeting).question == "Welk rooster?"


def test_two_quick_edits_of_one_row_do_not_conflict_with_each_other(
    qtbot: QtBot, store: Store
) -> None:
    builder, meeting, row = _builder(qtbot, store)
    model = builder.model
    model.setData(model.index(row, COL_MINUTES), 25, Qt.ItemDataRole.EditRole)
    model.setData(model.index(row, COL_QUESTION), "Welk rooster?", Qt.ItemDataRole.EditRole)
    idle()
    stored = _item(store, meeting)
    assert (stored.minutes, stored.question, stored.version) == (25, "Welk rooster?", 3)
    assert not builder.message.startswith("Niet gelukt")
