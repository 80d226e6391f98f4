"""Calendar files (.ics, RFC 5545/5546) for meetings: no child data, only when, where and who.

An invitation people can accept (METHOD:REQUEST, RFC 5546 section 3.2.2) needs an ORGANIZER
and at least one ATTENDEE, each with an e-mail address; without them the file is a published
calendar (METHOD:PUBLISH, section 3.2.1), which a calendar shows but nobody can answer. A
cancellation on its own is METHOD:CANCEL (section 3.2.5), with the same UID, a higher SEQUENCE
and STATUS:CANCELLED.

Outlook misreads the VTIMEZONE that icalendar generates from a zoneinfo zone (a list of dated
transitions), so this module writes the Europe/Amsterdam zone itself as two yearly rules, as
Outlook and Google Calendar write it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

TZID = "Europe/Amsterdam"
AMSTERDAM = ZoneInfo(TZID)
PRODID = "-//Gemeente//Casusoverleg//NL"
PUBLISH = "PUBLISH"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class CalendarPerson:
    """An organizer or attendee: a name and an e-mail address (never anything about a case)."""

    name: str
    email: str
    chair: bool = False  # ROLE=CHAIR instead of REQ-PARTICIPANT
    declined: bool = False  # sent apologies: PARTSTAT=DECLINED, no reply asked


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
    attendees: tuple[CalendarPerson, ...] = ()


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


def _address(person: CalendarPerson) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name)
    return address


def _attendee(person: CalendarPerson) -> vCalAddress:
    address = _address(person)
    address.params["cutype"] = vText("INDIVIDUAL")
    address.params["role"] = vText("CHAIR" if person.chair else "REQ-PARTICIPANT")
    address.params["partstat"] = vText("DECLINED" if person.declined else "NEEDS-ACTION")
    address.params["rsvp"] = vText("FALSE" if person.declined else "TRUE")
    return address


def build_calendar(
    events: Iterable[CalendarEvent],
    *,
    calendar_name: str,
    stamp: datetime | None = None,
    organizer: CalendarPerson | None = None,
    method: str = PUBLISH,
) -> Calendar:
    """A VCALENDAR with the Amsterdam zone and one VEVENT per meeting.

    With METHOD:REQUEST or CANCEL every event names the organizer and its attendees; a
    published calendar (PUBLISH) names nobody.
    """
    if method not in (PUBLISH, REQUEST, CANCEL):
        raise ValueError(f"unknown METHOD {method!r}")
    scheduling = method != PUBLISH
    if scheduling and (organizer is None or not organizer.email):
        raise ValueError(f"METHOD:{method} needs an organizer with an e-mail address")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
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
        if scheduling and organizer is not None:
            event.add("organizer", _address(organizer))
            for person in item.attendees:
                event.add("attendee", _attendee(person))
        cal.add_component(event)
    return cal
