"""Meeting series and single meetings: plan, move, cancel, attendance."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select

from casusoverleg.domain.enums import AuditAction, MeetingStatus, MinutesStatus
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.store.models import Meeting, MeetingSeries

DEFAULT_TITLE = "Casusoverleg"


@dataclass(frozen=True)
class MeetingInfo:
    """One meeting as lists, agendas and documents need it."""

    id: int
    series_id: int | None
    series_name: str
    date: date
    start_time: time
    minutes: int
    location: str
    status: MeetingStatus
    minutes_status: MinutesStatus
    edited_by_hand: bool
    uid: str
    sequence: int

    @property
    def title(self) -> str:
        """The name shown on agendas: the series' name, or the default for an extra meeting."""
        return self.series_name or DEFAULT_TITLE


def meeting_info(meeting: Meeting, series: MeetingSeries | None) -> MeetingInfo:
    """Turn a Meeting row (and its series) into a MeetingInfo."""
    return MeetingInfo(
        id=meeting.id,
        series_id=meeting.series_id,
        series_name=series.name if series else "",
        date=meeting.date,
        start_time=meeting.start_time,
        minutes=meeting.minutes,
        location=meeting.location,
        status=MeetingStatus(meeting.status),
        minutes_status=MinutesStatus(meeting.minutes_status),
        edited_by_hand=meeting.edited_by_hand,
        uid=meeting.uid,
        sequence=meeting.sequence,
    )


def new_uid() -> str:
    """A stable, globally unique calendar UID for a meeting."""
    return f"{uuid.uuid4()}@casusoverleg"


def add_meeting(
    store: Store,
    on: date,
    start: time,
    minutes: int,
    *,
    location: str = "",
    series_id: int | None = None,
) -> MeetingInfo:
    """Plan one meeting (an extra one, or one of a series)."""
    if minutes <= 0 or minutes > 8 * 60:
        raise BadInput("De duur van een overleg moet tussen 1 en 480 minuten liggen.")
    with store.write() as session:
        series = session.get(MeetingSeries, series_id) if series_id is not None else None
        if series_id is not None and series is None:
            raise BadInput("Deze overlegreeks bestaat niet (meer).")
        meeting = Meeting(
            series_id=series_id,
            date=on,
            start_time=start,
            minutes=minutes,
            location=location,
            status=str(MeetingStatus.GEPLAND),
            minutes_status=str(MinutesStatus.CONCEPT),
            uid=new_uid(),
            sequence=0,
            edited_by_hand=series_id is None,
        )
        session.add(meeting)
        session.flush()
        audit.record(
            session, store, AuditAction.CREATE, object_type="overleg", object_id=meeting.id
        )
        return meeting_info(meeting, series)


def get_meeting(store: Store, meeting_id: int) -> MeetingInfo:
    """One meeting; BadInput if it does not exist."""
    with store.read() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
        series = session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
        return meeting_info(meeting, series)


def list_meetings(
    store: Store, *, since: date | None = None, until: date | None = None
) -> list[MeetingInfo]:
    """Meetings by date (and start time), optionally within a period (inclusive)."""
    query = select(Meeting, MeetingSeries).outerjoin(
        MeetingSeries, Meeting.series_id == MeetingSeries.id
    )
    if since is not None:
        query = query.where(Meeting.date >= since)
    if until is not None:
        query = query.where(Meeting.date <= until)
    query = query.order_by(Meeting.date, Meeting.start_time, Meeting.id)
    with store.read() as session:
        return [meeting_info(m, s) for m, s in session.execute(query)]
