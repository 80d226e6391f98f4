"""Calendar files (.ics, RFC 5545) for meetings: no child data, only when and where.

Outlook misreads the VTIMEZONE that icalendar generates from a zoneinfo zone (a list of dated
transitions), so this module writes the Europe/Amsterdam zone itself as two yearly rules, as
Outlook and Google Calendar write it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

TZID = "Europe/Amsterdam"
AMSTERDAM = ZoneInfo(TZID)
PRODID = "-//Gemeente//Casusoverleg//NL"


@dataclass(frozen=True)
class CalendarEvent:
    """One meeting as a calendar needs it; start and end are aware Europe/Amsterdam times."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    cancelled: bool = False


def amsterdam_timezone() -> Timezone:
    """The Europe/Amsterdam VTIMEZONE as two yearly rules (CET/CEST since 1996)."""
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return moment.astimezone(AMSTERDAM)


def build_calendar(
    events: Iterable[CalendarEvent], *, calendar_name: str, stamp: datetime | None = None
) -> Calendar:
    """A VCALENDAR (METHOD:PUBLISH) with the Amsterdam zone and one VEVENT per meeting."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    cal.add("x-wr-timezone", TZID)
    cal.add_component(amsterdam_timezone())
    now = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("sequence", item.sequence)
        # Local times with TZID (not UTC) so a meeting stays at 13:00 across DST changes.
        event.add("dtstart", _local(item.start))
        event.add("dtend", _local(item.end))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if item.cancelled else "OPAQUE")
        cal.add_component(event)
    return cal
