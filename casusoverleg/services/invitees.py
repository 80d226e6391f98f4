"""Who is invited to a meeting: its attendance list, else the series' standing participants.

An agenda goes out before anyone has filled in attendance. Then the people invited are the
series' standing participants (`SeriesMember`); once attendance is kept for the meeting, that
list is the truth (it has the chair, the minute-taker and who sent apologies). A meeting with
neither has nobody invited yet, and the agenda says so instead of leaving the list out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AttendanceStatus, MeetingRole
from casusoverleg.errors import BadInput
from casusoverleg.services.series_members import SeriesPerson, meeting_series_people_in
from casusoverleg.store.models import (
    Attendance,
    Meeting,
    Organisation,
    Participant,
)


class InviteeSource(StrEnum):
    """Where the list of invitees comes from."""

    ATTENDANCE = "ATTENDANCE"  # the meeting's own attendance list
    SERIES = "SERIES"  # the series' standing participants (attendance not kept yet)
    NONE = "NONE"  # nobody invited yet


@dataclass(frozen=True)
class Invitee:
    """One person invited to a meeting, with organisation, function and role."""

    participant_id: int
    name: str
    organisation: str
    function: str
    role: MeetingRole
    excused: bool = False


@dataclass(frozen=True)
class Invitees:
    """The people invited to a meeting, where that list comes from, and the series' secretary."""

    people: list[Invitee]
    source: InviteeSource
    secretary: Invitee | None = None

    def named(self, role: MeetingRole) -> list[str]:
        """The names of the people with this role (chair, minute-taker)."""
        return [p.name for p in self.people if p.role == role]


_ROLE_ORDER = {MeetingRole.VOORZITTER: 0, MeetingRole.NOTULIST: 1, MeetingRole.DEELNEMER: 2}


def _role(value: str) -> MeetingRole:
    # A role written by a newer version reads as a plain participant, not as a crash.
    try:
        return MeetingRole(value)
    except ValueError:
        return MeetingRole.DEELNEMER


def _sorted(people: list[Invitee]) -> list[Invitee]:
    return sorted(people, key=lambda p: (_ROLE_ORDER[p.role], p.name.casefold(), p.participant_id))


def invitees_in(session: Session, meeting_id: int) -> Invitees:
    """Who is invited to a meeting: attendance when kept, else the series' standing members."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
    attendance = [
        Invitee(
            participant_id=person.id,
            name=person.name,
            organisation=org,
            function=person.function,
            role=_role(row.role),
            excused=row.status == str(AttendanceStatus.AFGEMELD),
        )
        for row, person, org in session.execute(
            select(Attendance, Participant, Organisation.name)
            .join(Participant, Attendance.participant_id == Participant.id)
            .join(Organisation, Participant.organisation_id == Organisation.id)
            .where(Attendance.meeting_id == meeting_id)
        )
    ]
    # The series' list as the series keeps it; someone who has left (archived) is no longer
    # invited to its meetings.
    series = meeting_series_people_in(session, meeting_id)
    members = [_invitee(p) for p in series.members if not p.archived]
    secretary = _invitee(series.secretary) if series.secretary is not None else None
    if attendance:
        return Invitees(_sorted(attendance), InviteeSource.ATTENDANCE, secretary)
    if members:
        return Invitees(_sorted(members), InviteeSource.SERIES, secretary)
    return Invitees([], InviteeSource.NONE, secretary)


def _invitee(person: SeriesPerson) -> Invitee:
    return Invitee(
        person.participant_id, person.name, person.organisation_name, person.function, person.role
    )
