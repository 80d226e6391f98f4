"""Meeting mode's data: everything the window shows when it opens, from one read transaction.

Opening meeting mode used to combine some twenty service calls (an entry and a case history per
agenda item); now the window asks once and draws from one consistent snapshot. The read itself
logs nothing; `open_meeting_mode` (what the window calls) also logs, once per meeting and case,
that a case's earlier discussions ("Eerder besproken") were shown (NEN 7513: a view of a child's
data). The log itself remembers what was logged, so reopening meeting mode adds no line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import actions, agenda, audit, meetings, minutes, people
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.agenda import AgendaItemInfo
from casusoverleg.services.meetings import AttendanceInfo, MeetingInfo
from casusoverleg.services.minutes import EntryInfo, HistoryEntry
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.store import Store
from casusoverleg.store.models import AuditEvent

HISTORY_SHOWN = "eerder besproken getoond in vergadermodus"


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
        return _view_in(session, meeting_id, today)


def _view_in(session: Session, meeting_id: int, today: date | None) -> MeetingModeView:
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
            history=tuple(h for h in histories.get(item.case_id, []) if h.meeting_id != meeting_id)
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


def open_meeting_mode(
    store: Store, meeting_id: int, *, today: date | None = None
) -> MeetingModeView:
    """`meeting_mode_view`, and each case's earlier discussions it shows logged once per meeting."""
    with store.read() as session:  # one read, as `meeting_mode_view`, that also asks the log
        view = _view_in(session, meeting_id, today)
        shown = sorted(
            {
                i.agenda_item.case_number
                for i in view.items
                if i.history and i.agenda_item.case_number
            }
        )
        missing = _not_yet_logged(session, meeting_id, shown) if shown else []
    if missing:
        with store.write() as session:
            # Again inside the write: another workstation may have opened the meeting meanwhile.
            for number in _not_yet_logged(session, meeting_id, missing):
                audit.record(
                    session,
                    store,
                    AuditAction.VIEW,
                    case_number=number,
                    object_type="overleg",
                    object_id=meeting_id,
                    detail=HISTORY_SHOWN,
                )
    return view


def _not_yet_logged(session: Session, meeting_id: int, numbers: list[str]) -> list[str]:
    """The case numbers whose history view at this meeting the log does not hold yet."""
    logged = set(
        session.scalars(
            select(AuditEvent.case_number).where(
                AuditEvent.case_number.in_(numbers),
                AuditEvent.action == str(AuditAction.VIEW),
                AuditEvent.object_type == "overleg",
                AuditEvent.object_id == str(meeting_id),
                AuditEvent.detail == HISTORY_SHOWN,
            )
        )
    )
    return [n for n in numbers if n not in logged]
