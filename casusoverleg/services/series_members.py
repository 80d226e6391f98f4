"""A series' standing participants (invited to every meeting, with a usual role) and secretary.

The standing participants are who is invited, not who came: a meeting's attendance list is
only known at the meeting, so a new meeting does not get them as attendance by itself.
Documents and calendars read them here when the attendance list is still empty, and
`fill_attendance_from_series` copies them onto a meeting's list when someone asks for it
(at the start of the meeting, to then mark who sent apologies).

The secretary sends the invitations: the ORGANIZER of the series' calendar invitations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AttendanceStatus, AuditAction, MeetingRole, Team
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.store.models import Attendance, Meeting, MeetingSeries, Participant, SeriesMember

_ROLE_ORDER = {MeetingRole.VOORZITTER: 0, MeetingRole.NOTULIST: 1, MeetingRole.DEELNEMER: 2}
# A series has one chair and one minute-taker: the agenda and the minutes name them.
_SINGLE_ROLES = (MeetingRole.VOORZITTER, MeetingRole.NOTULIST)
MAX_MEMBERS = 100


@dataclass(frozen=True)
class StandingMember:
    """A standing participant as a user picks one: who, in which usual role."""

    participant_id: int
    role: MeetingRole = MeetingRole.DEELNEMER


@dataclass(frozen=True)
class SeriesPerson:
    """A participant as series, agendas and invitations show them (with e-mail and role)."""

    participant_id: int
    name: str
    email: str
    organisation_name: str
    team: Team
    role: MeetingRole
    archived: bool
    function: str = ""

    @property
    def label(self) -> str:
        """ "Naam (organisatie)", as pickers and documents show a person."""
        return f"{self.name} ({self.organisation_name})"


@dataclass(frozen=True)
class SeriesPeople:
    """A series' standing participants (chair, minute-taker, then by name) and secretary."""

    members: tuple[SeriesPerson, ...] = ()
    secretary: SeriesPerson | None = None

    def member_input(self) -> tuple[StandingMember, ...]:
        """The members as `set_series_people` takes them (to change and save again)."""
        return tuple(StandingMember(m.participant_id, m.role) for m in self.members)


def _person(person: Participant, role: MeetingRole) -> SeriesPerson:
    return SeriesPerson(
        participant_id=person.id,
        name=person.name,
        email=person.email.strip(),
        organisation_name=person.organisation.name,
        team=Team(person.organisation.team),
        role=role,
        archived=person.archived_on is not None,
        function=person.function,
    )


def _sorted(people: list[SeriesPerson]) -> tuple[SeriesPerson, ...]:
    return tuple(sorted(people, key=lambda p: (_ROLE_ORDER[p.role], p.name.lower(), p.email)))


def series_people_in(session: Session, series: MeetingSeries) -> SeriesPeople:
    """The standing participants and secretary of a series, inside an open transaction."""
    rows = session.execute(
        select(SeriesMember, Participant)
        .join(Participant, SeriesMember.participant_id == Participant.id)
        .where(SeriesMember.series_id == series.id)
    )
    members = [_person(person, MeetingRole(row.role)) for row, person in rows]
    secretary = None
    if series.secretary_id is not None:
        found = session.get(Participant, series.secretary_id)
        if found is not None:
            secretary = _person(found, MeetingRole.DEELNEMER)
    return SeriesPeople(_sorted(members), secretary)


def series_people(store: Store, series_id: int) -> SeriesPeople:
    """The standing participants and secretary of a series; BadInput if it does not exist."""
    with store.read() as session:
        return series_people_in(session, _series(session, series_id))


def meeting_series_people_in(session: Session, meeting_id: int) -> SeriesPeople:
    """The standing participants of a meeting's series (none for an extra meeting)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.series_id is None:
        return SeriesPeople()
    series = session.get(MeetingSeries, meeting.series_id)
    return series_people_in(session, series) if series is not None else SeriesPeople()


def _series(session: Session, series_id: int) -> MeetingSeries:
    series = session.get(MeetingSeries, series_id)
    if series is None:
        raise BadInput("Deze overlegreeks bestaat niet (meer).")
    return series


def check_members(members: Sequence[StandingMember]) -> None:
    """BadInput (Dutch) for a list no series can have: twice the same person, two chairs."""
    if len(members) > MAX_MEMBERS:
        raise BadInput(f"Een overlegreeks heeft hoogstens {MAX_MEMBERS} vaste deelnemers.")
    seen: set[int] = set()
    for member in members:
        if member.participant_id in seen:
            raise BadInput("Iemand staat twee keer bij de vaste deelnemers; kies één rol.")
        seen.add(member.participant_id)
    for role in _SINGLE_ROLES:
        if sum(1 for m in members if m.role is role) > 1:
            raise BadInput(
                f"Een overlegreeks heeft één {role.label}; kies bij de anderen een andere rol."
            )


def apply_series_people_in(
    session: Session,
    store: Store,
    series: MeetingSeries,
    members: Sequence[StandingMember],
    secretary_id: int | None,
) -> SeriesPeople:
    """Set the standing participants and secretary of a series inside a write transaction.

    A participant who is archived may stay on as they were, but is not added anew (nor
    made secretary anew): archived people are no longer invited.
    """
    check_members(members)
    old_rows = {
        row.participant_id: row
        for row in session.scalars(select(SeriesMember).where(SeriesMember.series_id == series.id))
    }
    wanted = {m.participant_id: m.role for m in members}
    chosen = set(wanted)
    if secretary_id is not None:
        chosen.add(secretary_id)
    for participant_id in sorted(chosen):
        person = session.get(Participant, participant_id)
        if person is None:
            raise BadInput("Een gekozen deelnemer bestaat niet (meer). Kies opnieuw.")
        newly = (
            participant_id not in old_rows
            if participant_id in wanted
            else participant_id != series.secretary_id
        )
        if person.archived_on is not None and newly:
            raise BadInput(
                f"{person.name} is gearchiveerd en kan niet meer worden uitgenodigd. "
                "Kies iemand anders."
            )
    added = [pid for pid in wanted if pid not in old_rows]
    removed = [pid for pid in old_rows if pid not in wanted]
    changed = [pid for pid, row in old_rows.items() if pid in wanted and row.role != wanted[pid]]
    for pid in removed:
        session.delete(old_rows[pid])
    for pid in changed:
        old_rows[pid].role = str(wanted[pid])
    for pid in added:
        session.add(SeriesMember(series_id=series.id, participant_id=pid, role=str(wanted[pid])))
    secretary_changed = series.secretary_id != secretary_id
    series.secretary_id = secretary_id
    session.flush()
    if added or removed or changed or secretary_changed:
        parts = [f"vaste deelnemers: {len(wanted)}"]
        for word, ids in (("erbij", added), ("eraf", removed), ("andere rol", changed)):
            if ids:
                parts.append(f"{word} {', '.join(str(i) for i in sorted(ids))}")
        if secretary_changed:
            parts.append(f"secretaris {secretary_id if secretary_id is not None else 'geen'}")
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="overlegreeks",
            object_id=series.id,
            detail="; ".join(parts),
        )
    return series_people_in(session, series)


def set_series_people(
    store: Store,
    series_id: int,
    members: Sequence[StandingMember],
    secretary_id: int | None,
) -> SeriesPeople:
    """Save who is invited to every meeting of a series (with role) and who sends invitations."""
    with store.write() as session:
        return apply_series_people_in(
            session, store, _series(session, series_id), members, secretary_id
        )


def fill_attendance_from_series(store: Store, meeting_id: int) -> int:
    """Put a meeting's standing participants on its attendance list; returns how many.

    Each gets their usual role and "aanwezig", to be corrected for who sent apologies; people
    already on the list and archived people are left as they are.
    """
    with store.write() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
        listed = set(
            session.scalars(
                select(Attendance.participant_id).where(Attendance.meeting_id == meeting_id)
            )
        )
        added = 0
        for member in meeting_series_people_in(session, meeting_id).members:
            if member.archived or member.participant_id in listed:
                continue
            session.add(
                Attendance(
                    meeting_id=meeting_id,
                    participant_id=member.participant_id,
                    role=str(member.role),
                    status=str(AttendanceStatus.AANWEZIG),
                )
            )
            added += 1
            audit.record(
                session,
                store,
                AuditAction.CREATE,
                object_type="aanwezigheid",
                object_id=f"{meeting_id}/{member.participant_id}",
                detail=f"{member.role.label}, vaste deelnemer van de reeks",
            )
        session.flush()
        return added
