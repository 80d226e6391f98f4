"""Overleggen in one read each: the meeting list, and the page of one meeting.

The page shows a meeting with its attendance list (and which core team is missing), its
agenda, the cases proposed for it with their reasons, and the participants its pickers offer.
`meeting_page` reads all of that in one transaction, so that the page is drawn from one
consistent snapshot; `meeting_list` does the same for the list and month view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casusoverleg.services import agenda, meetings, people, settings
from casusoverleg.services.agenda import Agenda, AgendaCount, Proposal
from casusoverleg.services.meetings import AttendanceInfo, MeetingInfo, SeriesInfo
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.settings import Settings
from casusoverleg.services.store import Store


@dataclass(frozen=True)
class MeetingPage:
    """Everything the page of one meeting shows."""

    meeting: MeetingInfo
    attendance: list[AttendanceInfo]  # chair and minute-taker first, then by name
    missing_teams: str | None  # the Dutch warning when a core team has nobody present
    agenda: Agenda
    proposals: list[Proposal]  # the most urgent first (agenda.PROPOSAL_LIMIT), then those on it
    participants: list[ParticipantInfo]  # the active ones: whom the pickers offer
    proposals_waiting: int = 0  # proposed cases not on the agenda, listed or not
    proposals_not_listed: int = 0  # of those, how many `proposals` leaves out


def meeting_page(store: Store, meeting_id: int) -> MeetingPage:
    """The page of one meeting, from one read transaction; BadInput if it does not exist."""
    with store.read() as session:
        # Held until the read ends, so that the meeting is fetched once (see meeting_rows_in).
        rows = meetings.meeting_rows_in(session, meeting_id)
        meeting = meetings.meeting_info(*rows)
        attendance = meetings.list_attendance_in(session, meeting_id)
        proposed = agenda.propose_first_in(session, meeting_id)
        return MeetingPage(
            meeting=meeting,
            attendance=attendance,
            missing_teams=meetings.missing_teams_text(meetings.teams_missing_from(attendance)),
            agenda=agenda.get_agenda_in(session, meeting_id),
            proposals=proposed.proposals,
            participants=people.list_participants_in(session),
            proposals_waiting=proposed.waiting,
            proposals_not_listed=proposed.not_listed,
        )


@dataclass(frozen=True)
class MeetingList:
    """The series and their meetings, with how far each meeting's agenda is."""

    series: list[SeriesInfo]  # by name
    meetings: list[MeetingInfo]  # by date and start time
    agenda_counts: dict[int, AgendaCount]  # by meeting id, for meetings with an agenda
    today: date
    settings: Settings  # what a new series or meeting starts from (region, length)


def meeting_list(store: Store, today: date | None = None) -> MeetingList:
    """Every series and meeting, from one read transaction."""
    today = today or date.today()
    with store.read() as session:
        return MeetingList(
            series=meetings.list_series_in(session, today),
            meetings=meetings.list_meetings_in(session),
            agenda_counts=agenda.agenda_counts_in(session),
            today=today,
            settings=settings.load_settings_in(session),
        )
