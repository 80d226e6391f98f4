"""Calendar files (.ics) for a series or one meeting: when, where and who is invited, never a case.

A file is an invitation people can accept (METHOD:REQUEST) when the series has a secretary
with an e-mail address (the ORGANIZER) and at least one invited person has one (an ATTENDEE);
otherwise it is a published calendar (METHOD:PUBLISH) and the export says why, so the
secretary can fill in what is missing. Invited are the series' standing participants (not
archived) and whoever is on the meeting's own attendance list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.documents.ics import (
    AMSTERDAM,
    CANCEL,
    PUBLISH,
    REQUEST,
    CalendarEvent,
    CalendarPerson,
    build_calendar,
)
from casusoverleg.domain.enums import AttendanceStatus, AuditAction, MeetingRole
from casusoverleg.services import audit, output
from casusoverleg.services.meetings import (
    MeetingInfo,
    find_series,
    get_meeting_in,
    list_meetings_in,
)
from casusoverleg.services.series_members import SeriesPeople, meeting_series_people_in
from casusoverleg.services.store import Store
from casusoverleg.store.models import Attendance, Participant

DESCRIPTION = (
    "Casusoverleg vrijstellingen en thuiszitters. De agenda en de stukken volgen apart, "
    "via de beveiligde weg."
)
DEMO_PREFIX = "DEMO – "
_NOT_AN_INVITATION = "Dit bestand is geen uitnodiging die men kan aannemen, alleen een agenda"
# What a mailto: address can hold without escaping; anything else (a typo with a space, two
# addresses in one field) is treated as no address rather than written as a broken ATTENDEE.
_EMAIL = re.compile(r"[^@\s<>\"(),;:\[\]\\]+@[^@\s<>\"(),;:\[\]\\]+\.[^@\s<>\"(),;:\[\]\\.]+")


def usable_email(email: str) -> str:
    """The address if a calendar can send to it, else "" (so the person is listed as without)."""
    email = email.strip()
    return email if _EMAIL.fullmatch(email) else ""


@dataclass(frozen=True)
class CalendarExport:
    """What an .ics export wrote: how many meetings, as what, and what the user should know."""

    count: int
    method: str  # PUBLISH, REQUEST or CANCEL
    invited: int  # people with an e-mail address in the file (ATTENDEE)
    notes: tuple[str, ...] = ()  # Dutch: why it is no invitation, who is left out

    @property
    def is_invitation(self) -> bool:
        """Whether calendar programs can accept (or take in a cancellation from) it."""
        return self.method != PUBLISH


@dataclass(frozen=True)
class _Invited:
    name: str
    email: str
    role: MeetingRole
    declined: bool = False


def calendar_event(
    meeting: MeetingInfo, *, demo: bool = False, attendees: tuple[CalendarPerson, ...] = ()
) -> CalendarEvent:
    """A meeting as a calendar event: its series' name, planned time and place, no cases."""
    start = datetime.combine(meeting.date, meeting.start_time, tzinfo=AMSTERDAM)
    return CalendarEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        # The planned start and end, as the agenda and `meetings --json` give them.
        start=start,
        end=start + timedelta(minutes=meeting.minutes),
        summary=(DEMO_PREFIX if demo else "") + meeting.title,
        location=meeting.location,
        description=DESCRIPTION,
        cancelled=meeting.cancelled,
        attendees=attendees,
    )


def _invited(
    session: Session, meeting_ids: list[int], people: SeriesPeople
) -> dict[int, list[_Invited]]:
    """Per meeting: its standing participants, then who else is on its attendance list."""
    listed: dict[int, dict[int, tuple[Attendance, Participant]]] = {m: {} for m in meeting_ids}
    if meeting_ids:
        rows = session.execute(
            select(Attendance, Participant)
            .join(Participant, Attendance.participant_id == Participant.id)
            .where(Attendance.meeting_id.in_(meeting_ids))
        )
        for row, person in rows:
            listed[row.meeting_id][person.id] = (row, person)
    found: dict[int, list[_Invited]] = {}
    for meeting_id in meeting_ids:
        own = listed[meeting_id]
        invited = []
        for member in people.members:
            row_person = own.pop(member.participant_id, None)
            if member.archived and row_person is None:
                continue
            on_list = row_person[0] if row_person else None
            invited.append(
                _Invited(
                    member.name,
                    usable_email(member.email),
                    MeetingRole(on_list.role) if on_list else member.role,
                    declined=on_list is not None
                    and on_list.status == str(AttendanceStatus.AFGEMELD),
                )
            )
        for row, person in sorted(own.values(), key=lambda rp: rp[1].name.lower()):
            invited.append(
                _Invited(
                    person.name,
                    usable_email(person.email),
                    MeetingRole(row.role),
                    declined=row.status == str(AttendanceStatus.AFGEMELD),
                )
            )
        found[meeting_id] = invited
    return found


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} en {names[-1]}"


def _export(
    store: Store,
    session: Session,
    meetings: list[MeetingInfo],
    people: SeriesPeople,
    *,
    extra_meeting: bool = False,
) -> tuple[list[CalendarEvent], CalendarPerson | None, str, int, tuple[str, ...]]:
    invited = _invited(session, [m.id for m in meetings], people)
    secretary = people.secretary
    organizer_email = usable_email(secretary.email) if secretary is not None else ""
    organizer = (
        CalendarPerson(secretary.name, organizer_email)
        if secretary is not None and organizer_email
        else None
    )
    with_email = {p.email.lower() for each in invited.values() for p in each if p.email}
    without = sorted({p.name for each in invited.values() for p in each if not p.email})
    notes: list[str] = []
    if extra_meeting:
        notes.append(
            f"{_NOT_AN_INVITATION}: een extra overleg hoort bij geen overlegreeks en heeft dus "
            "geen secretaris die uitnodigt. Stuur het mee in een e-mail, of plan het in een reeks."
        )
    elif secretary is None:
        notes.append(
            f"{_NOT_AN_INVITATION}: de overlegreeks heeft geen secretaris. Kies bij de reeks een "
            "secretaris met een e-mailadres en maak het bestand opnieuw."
        )
    elif organizer is None:
        what = "bruikbaar e-mailadres" if secretary.email else "e-mailadres"
        notes.append(
            f"{_NOT_AN_INVITATION}: secretaris {secretary.name} heeft geen {what}. Vul het "
            "in bij Deelnemers en maak het bestand opnieuw."
        )
    elif not with_email:
        notes.append(
            f"{_NOT_AN_INVITATION}: geen van de genodigden heeft een e-mailadres. Kies vaste "
            "deelnemers bij de reeks, vul hun e-mailadres in bij Deelnemers en maak het bestand "
            "opnieuw."
        )
    method = REQUEST if organizer is not None and with_email and not extra_meeting else PUBLISH
    if method == REQUEST and without:
        notes.append(f"Zonder (bruikbaar) e-mailadres, dus niet uitgenodigd: {_names(without)}.")
    events = []
    for meeting in meetings:
        attendees: tuple[CalendarPerson, ...] = ()
        if method == REQUEST:
            seen: set[str] = set()
            chosen = []
            for person in invited[meeting.id]:
                key = person.email.lower()
                if person.email and key not in seen:
                    seen.add(key)
                    chosen.append(
                        CalendarPerson(
                            person.name,
                            person.email,
                            chair=person.role is MeetingRole.VOORZITTER,
                            declined=person.declined,
                        )
                    )
            attendees = tuple(chosen)
        events.append(calendar_event(meeting, demo=store.is_demo, attendees=attendees))
    return events, organizer, method, len(with_email) if method == REQUEST else 0, tuple(notes)


def _write(
    store: Store,
    path: Path,
    name: str,
    object_type: str,
    oid: int,
    overwrite: bool,
    read: tuple[list[CalendarEvent], CalendarPerson | None, str, int, tuple[str, ...]],
) -> CalendarExport:
    events, organizer, method, invited, notes = read
    calendar_name = (DEMO_PREFIX if store.is_demo else "") + name
    data = build_calendar(
        events, calendar_name=calendar_name, organizer=organizer, method=method
    ).to_ical()
    result = CalendarExport(len(events), method, invited, notes)

    def write(tmp: str) -> CalendarExport:
        Path(tmp).write_bytes(data)
        return result

    def log(_done: CalendarExport) -> None:
        audit.log(
            store,
            AuditAction.EXPORT,
            object_type=object_type,
            object_id=oid,
            detail=f"agendabestand (.ics, {method}), {len(events)} overleggen, "
            f"{invited} genodigden",
        )

    # The shared guard and atomic write; logged before the file appears under its name.
    return output.write_atomically(store.path, path, write, overwrite=overwrite, before_replace=log)


def write_series_ics(
    store: Store, series: int | str, path: Path | str, *, overwrite: bool = False
) -> CalendarExport:
    """Write every meeting of a series (by id or name) to an .ics file, as an invitation if it can.

    Cancelled meetings stay in it with STATUS:CANCELLED and their raised SEQUENCE, so that a
    calendar that took the series in learns which ones are off. (RFC 5546 3.2.2 names only
    TENTATIVE and CONFIRMED for a REQUEST; the strict cancellation of one meeting is its own
    file, `write_meeting_ics`, which is then a METHOD:CANCEL.)
    """
    info = find_series(store, series)
    with store.read() as session:
        meetings = list_meetings_in(session, series_id=info.id)
        read = _export(store, session, meetings, info.people)
    return _write(store, Path(path), info.name, "overlegreeks", info.id, overwrite, read)


def write_meeting_ics(
    store: Store, meeting_id: int, path: Path | str, *, overwrite: bool = False
) -> CalendarExport:
    """Write one meeting to an .ics file: an invitation, or for a cancelled one a cancellation."""
    with store.read() as session:
        meeting = get_meeting_in(session, meeting_id)
        people = meeting_series_people_in(session, meeting_id)
        events, organizer, method, invited, notes = _export(
            store, session, [meeting], people, extra_meeting=meeting.series_id is None
        )
    if meeting.cancelled and method == REQUEST:
        # RFC 5546 3.2.5: the organizer cancels a whole event with METHOD:CANCEL.
        method = CANCEL
    read = (events, organizer, method, invited, notes)
    return _write(store, Path(path), meeting.title, "overleg", meeting.id, overwrite, read)


def export_series_ics(
    store: Store, series: int | str, path: Path | str, *, overwrite: bool = False
) -> int:
    """Write every meeting of a series to an .ics file; returns how many (see write_series_ics)."""
    return write_series_ics(store, series, path, overwrite=overwrite).count


def export_meeting_ics(
    store: Store, meeting_id: int, path: Path | str, *, overwrite: bool = False
) -> int:
    """Write one meeting to an .ics file (1 event; see write_meeting_ics)."""
    return write_meeting_ics(store, meeting_id, path, overwrite=overwrite).count
