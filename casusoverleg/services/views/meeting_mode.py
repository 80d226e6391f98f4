"""Meeting mode's data: everything the window shows when it opens, from one read transaction.

Opening meeting mode used to combine some twenty service calls (an entry and a case history per
agenda item); now the window asks once and draws from one consistent snapshot. Nothing here is
logged: showing a case's earlier discussions writes no audit line (as `minutes.case_history`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casusoverleg.services import actions, agenda, meetings, minutes, people
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.agenda import AgendaItemInfo
from casusoverleg.services.meetings import AttendanceInfo, MeetingInfo
from casusoverleg.services.minutes import EntryInfo, HistoryEntry
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.store import Store


@dataclass(frozen=True)
class MeetingModeItem:
    """One agenda item, what is recorded for it, and its case's earlier discussions."""

    agenda_item: AgendaItemInfo
    entry: EntryInfo  # empty (entry_id None) when nothing is recorded yet
    # The case's discussions at other meetings, newest first; () for an item without a case.
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True)
class MeetingModeView:
    """A meeting as meeting mode shows it: attendance, agenda items with minutes, actions."""

    meeting: MeetingInfo
    items: tuple[MeetingModeItem, ...]  # in agenda order; () when no agenda is built yet
    attendance: tuple[AttendanceInfo, ...]  # chair and minute-taker first, then by name
    participants: tuple[ParticipantInfo, ...]  # everyone active, to add someone to the list
    agreed: tuple[ActionInfo, ...]  # the actions agreed at this meeting's items
    open_actions: tuple[ActionInfo, ...]  # the actielijst: open actions agreed before it
    previous: MeetingInfo | None  # the last meeting held before this one (minutes to fix)


def meeting_mode_view(
    store: Store, meeting_id: int, *, today: date | None = None
) -> MeetingModeView:
    """Everything meeting mode shows for a meeting, read in one transaction.

    `today` is the day agreed actions are judged overdue on (the actielijst uses the meeting's
    own date). BadInput when the meeting does not exist.
    """
    with store.read() as session:
        meeting = meetings.get_meeting_in(session, meeting_id)
        agenda_items = agenda.get_agenda_in(session, meeting_id).items
        entries = minutes.get_entries_in(session, [i.id for i in agenda_items])
        histories = minutes.case_histories_in(
            session, {i.case_id for i in agenda_items if i.case_id is not None}
        )
        items = tuple(
            MeetingModeItem(
                agenda_item=item,
                entry=entries[item.id],
                history=tuple(
                    h for h in histories.get(item.case_id, []) if h.meeting_id != meeting_id
                )
                if item.case_id is not None
                else (),
            )
            for item in agenda_items
        )
        return MeetingModeView(
            meeting=meeting,
            items=items,
            attendance=tuple(meetings.list_attendance_in(session, meeting_id)),
            participants=tuple(people.list_participants_in(session)),
            agreed=tuple(actions.list_meeting_actions_in(session, meeting_id, today=today)),
            open_actions=tuple(actions.open_actions_for_agenda_in(session, meeting_id)),
            previous=meetings.previous_held_meeting_in(session, meeting_id),
        )
