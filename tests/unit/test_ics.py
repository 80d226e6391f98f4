"""Calendar files: parse with icalendar, expand with recurring-ical-events, no case data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from casusoverleg.documents.ics import CalendarEvent, build_calendar
from casusoverleg.domain.enums import AuditAction
from casusoverleg.domain.recurrence import Recurrence, Region, SkipRules
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, calendar, cases, meetings
from casusoverleg.services.meetings import MeetingInfo, SeriesInput
from casusoverleg.services.store import Store
from tests.helpers.stores import sample_case

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SERIES = SeriesInput(
    name="Casusoverleg Zwolle",
    start_date=date(2026, 1, 13),
    start_time=time(13, 0),
    minutes=90,
    recurrence=Recurrence.monthly(1, 2),
    until=date(2027, 12, 31),
    location="Stadskantoor, kamer 2.14",
    skip=SkipRules(True, True, Region.NOORD),
)


@pytest.fixture
def planned(store: Store) -> list[MeetingInfo]:
    """A store with a case and a two-year series; one meeting moved, one cancelled."""
    cases.create_case(
        store, sample_case("Jesse", "Wijnberg", case_number="2026-0417"), today=date(2026, 9, 5)
    )
    info = meetings.create_series(store, SERIES, meetings.PastDates.AS_PLANNED)
    found = meetings.list_meetings(store, series_id=info.id)
    meetings.move_meeting(store, found[1].id, date(2026, 2, 11), time(9, 30))
    meetings.cancel_meeting(store, found[2].id)
    return meetings.list_meetings(store, series_id=info.id)


def read(path: Path) -> icalendar.Calendar:
    """Parse an .ics file."""
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_the_ics_holds_every_meeting_with_a_stable_uid_and_its_sequence(
    store: Store, planned: list[MeetingInfo], tmp_path: Path
) -> None:
    path = tmp_path / "reeks.ics"
    assert calendar.export_series_ics(store, "Casusoverleg Zwolle", path) == len(planned)
    cal = read(path)
    assert cal["METHOD"] == "PUBLISH" and cal["VERSION"] == "2.0"
    found = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(found) == {m.uid for m in planned}
    for meeting in planned:
        event = found[meeting.uid]
        assert int(event["SEQUENCE"]) == meeting.sequence
        assert event["SUMMARY"] == "Casusoverleg Zwolle"
        assert event["LOCATION"] == "Stadskantoor, kamer 2.14"
        assert "DTSTAMP" in event
        start = event["DTSTART"]
        assert start.params["TZID"] == "Europe/Amsterdam"
        assert event["DTEND"].params["TZID"] == "Europe/Amsterdam"
        assert start.dt == datetime.combine(meeting.date, meeting.start_time, tzinfo=AMSTERDAM)
        assert event["DTEND"].dt - start.dt == timedelta(minutes=90)
        assert event["STATUS"] == ("CANCELLED" if meeting.cancelled else "CONFIRMED")
    moved, cancelled = planned[1], planned[2]
    assert int(found[moved.uid]["SEQUENCE"]) == 1
    assert found[moved.uid]["DTSTART"].dt.time() == time(9, 30)
    assert found[cancelled.uid]["STATUS"] == "CANCELLED"
    assert int(found[cancelled.uid]["SEQUENCE"]) == 1


def test_the_uid_stays_and_the_sequence_rises_in_a_later_export(
    store: Store, planned: list[MeetingInfo], tmp_path: Path
) -> None:
    meeting = planned[5]
    calendar.export_meeting_ics(store, meeting.id, tmp_path / "voor.ics")
    meetings.move_meeting(store, meeting.id, meeting.date + timedelta(days=1))
    calendar.export_meeting_ics(store, meeting.id, tmp_path / "na.ics")
    (before,) = read(tmp_path / "voor.ics").walk("VEVENT")
    (after,) = read(tmp_path / "na.ics").walk("VEVENT")
    assert before["UID"] == after["UID"] == meeting.uid
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after["DTSTART"].dt.date() == meeting.date + timedelta(days=1)


def test_an_independent_expansion_equals_the_meetings_in_the_store(
    store: Store, planned: list[MeetingInfo], tmp_path: Path
) -> None:
    path = tmp_path / "reeks.ics"
    calendar.export_series_ics(store, 1, path)
    occurrences = recurring_ical_events.of(read(path)).between(date(2025, 1, 1), date(2029, 1, 1))
    expanded = {
        (str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt, str(e["STATUS"])) for e in occurrences
    }
    expected = set()
    for m in meetings.list_meetings(store):
        start = datetime.combine(m.date, m.start_time, tzinfo=AMSTERDAM)
        status = "CANCELLED" if m.cancelled else "CONFIRMED"
        expected.add((m.uid, start, start + timedelta(minutes=m.minutes), status))
    assert expanded == expected
    confirmed = sorted(s for _, s, _, status in expanded if status == "CONFIRMED")
    assert len(confirmed) == len(planned) - 1  # the cancelled one is marked, not counted


def test_the_vtimezone_is_rule_based_and_right_in_winter_and_summer(
    store: Store, planned: list[MeetingInfo], tmp_path: Path
) -> None:
    path = tmp_path / "reeks.ics"
    calendar.export_series_ics(store, "Casusoverleg Zwolle", path)
    (zone,) = read(path).walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Amsterdam"
    parts = {c.name: c for c in zone.subcomponents}
    assert set(parts) == {"STANDARD", "DAYLIGHT"}
    assert parts["STANDARD"]["RRULE"]["BYMONTH"] == [10]
    assert parts["DAYLIGHT"]["RRULE"]["BYMONTH"] == [3]
    for part in parts.values():
        assert part["RRULE"]["FREQ"] == ["YEARLY"]
        assert part["RRULE"]["BYDAY"] == ["-1SU"]
        assert "RDATE" not in part
    # Read the file with an unknown zone name, so that only our VTIMEZONE can give the offsets.
    renamed = path.read_bytes().replace(b"Europe/Amsterdam", b"Gemeente-Tijd")
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(renamed).walk("VEVENT")}
    for meeting in planned:
        start = events[meeting.uid]["DTSTART"].dt
        local = datetime.combine(meeting.date, meeting.start_time, tzinfo=AMSTERDAM)
        assert start.astimezone(UTC) == local.astimezone(UTC)
    offsets = {events[m.uid]["DTSTART"].dt.utcoffset() for m in planned}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}


def test_the_file_carries_no_case_data(
    store: Store, planned: list[MeetingInfo], tmp_path: Path
) -> None:
    path = tmp_path / "reeks.ics"
    calendar.export_series_ics(store, "Casusoverleg Zwolle", path)
    calendar.export_meeting_ics(store, planned[0].id, tmp_path / "een.ics")
    for written in (path, tmp_path / "een.ics"):
        content = written.read_text(encoding="utf-8")
        for secret in ("Jesse", "Wijnberg", "2026-0417", "Fonkeling", "12-03-2014", "20140312"):
            assert secret not in content
        assert "ATTENDEE" not in content and "ORGANIZER" not in content
        assert oct(written.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_exports_are_logged(store: Store, planned: list[MeetingInfo], tmp_path: Path) -> None:
    calendar.export_series_ics(store, "Casusoverleg Zwolle", tmp_path / "a.ics")
    calendar.export_meeting_ics(store, planned[0].id, tmp_path / "b.ics")
    exports = [e for e in audit.list_events(store) if e.action is AuditAction.EXPORT]
    assert [(e.object_type, e.object_id) for e in reversed(exports)] == [
        ("overlegreeks", "1"),
        ("overleg", str(planned[0].id)),
    ]
    # No secretary yet: a published calendar, nobody invited.
    assert exports[-1].detail == (
        f"agendabestand (.ics, PUBLISH), {len(planned)} overleggen, 0 genodigden"
    )


def test_a_bad_target_is_refused_in_dutch(store: Store, planned: list[MeetingInfo]) -> None:
    with pytest.raises(BadInput, match="bestaat niet"):
        calendar.export_meeting_ics(store, planned[0].id, Path("/geen/map/x.ics"))
    with pytest.raises(BadInput, match="Er is geen overlegreeks"):
        calendar.export_series_ics(store, "Onbekend", Path("/tmp/x.ics"))
    # A failed write is not logged as an export.
    assert not [e for e in audit.list_events(store) if e.action is AuditAction.EXPORT]


def test_an_ics_file_keeps_local_time_and_refuses_naive_times(tmp_path: Path) -> None:
    # Writing (atomic, never onto the store, --overwrite) is services.output's; see test_output.
    start = datetime(2026, 3, 29, 13, 0, tzinfo=AMSTERDAM)  # the day summer time starts
    event = CalendarEvent("x@casusoverleg", 3, start, start + timedelta(hours=1), "Overleg")
    path = tmp_path / "x.ics"
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    path.write_bytes(build_calendar([event], calendar_name="Test", stamp=stamp).to_ical())
    (parsed,) = read(path).walk("VEVENT")
    assert parsed["DTSTART"].dt.utcoffset() == timedelta(hours=2)
    assert parsed["DTSTAMP"].dt == datetime(2026, 1, 1, tzinfo=UTC)
    assert "LOCATION" not in parsed
    with pytest.raises(ValueError, match="aware"):
        build_calendar(
            [CalendarEvent("y", 0, datetime(2026, 1, 1), datetime(2026, 1, 1), "x")],
            calendar_name="Test",
        )
