"""Calendar files (.ics) for a series or one meeting: when and where, never who or which case."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from casusoverleg.documents.ics import AMSTERDAM, CalendarEvent, build_calendar
from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import audit, output
from casusoverleg.services.meetings import (
    MeetingInfo,
    find_series,
    get_meeting,
    list_meetings,
)
from casusoverleg.services.store import Store

DESCRIPTION = (
    "Casusoverleg vrijstellingen en thuiszitters. De agenda en de stukken volgen apart, "
    "via de beveiligde weg."
)
DEMO_PREFIX = "DEMO – "


def calendar_event(meeting: MeetingInfo, *, demo: bool = False) -> CalendarEvent:
    """A meeting as a calendar event: its series' name, time and place, nothing about cases."""
    start = datetime.combine(meeting.date, meeting.start_time, tzinfo=AMSTERDAM)
    return CalendarEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        start=start,
        end=start + timedelta(minutes=meeting.minutes),
        summary=(DEMO_PREFIX if demo else "") + meeting.title,
        location=meeting.location,
        description=DESCRIPTION,
        cancelled=meeting.cancelled,
    )


def _write(
    store: Store,
    meetings: list[MeetingInfo],
    path: Path,
    name: str,
    object_type: str,
    oid: int,
    overwrite: bool,
) -> int:
    events = [calendar_event(m, demo=store.is_demo) for m in meetings]
    calendar_name = (DEMO_PREFIX if store.is_demo else "") + name
    data = build_calendar(events, calendar_name=calendar_name).to_ical()

    def write(tmp: str) -> int:
        Path(tmp).write_bytes(data)
        return len(events)

    def log(_count: int) -> None:
        audit.log(
            store,
            AuditAction.EXPORT,
            object_type=object_type,
            object_id=oid,
            detail=f"agendabestand (.ics), {len(events)} overleggen",
        )

    # The shared guard and atomic write; logged before the file appears under its name.
    return output.write_atomically(store.path, path, write, overwrite=overwrite, before_replace=log)


def export_series_ics(
    store: Store, series: int | str, path: Path | str, *, overwrite: bool = False
) -> int:
    """Write every meeting of a series (by id or name) to an .ics file; returns how many."""
    info = find_series(store, series)
    meetings = list_meetings(store, series_id=info.id)
    return _write(store, meetings, Path(path), info.name, "overlegreeks", info.id, overwrite)


def export_meeting_ics(
    store: Store, meeting_id: int, path: Path | str, *, overwrite: bool = False
) -> int:
    """Write one meeting to an .ics file (1 event, cancelled if it was cancelled)."""
    meeting = get_meeting(store, meeting_id)
    return _write(store, [meeting], Path(path), meeting.title, "overleg", meeting.id, overwrite)
