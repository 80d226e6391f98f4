"""Invitations people can accept: a series' standing participants and secretary, and the .ics.

RFC 5546: an invitation is METHOD:REQUEST with ORGANIZER and ATTENDEE (3.2.2); the organizer
cancels an event with METHOD:CANCEL, a higher SEQUENCE and STATUS:CANCELLED (3.2.5).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from casusoverleg.domain.enums import AttendanceStatus, AuditAction, MeetingRole
from casusoverleg.domain.recurrence import Recurrence, Region, SkipRules
from casusoverleg.errors import BadInput
from casusoverleg.services import agenda, audit, calendar, cases, meetings, people
from casusoverleg.services.meetings import SeriesInfo, SeriesInput
from casusoverleg.services.series_members import (
    StandingMember,
    fill_attendance_from_series,
    series_people,
    set_series_people,
)
from casusoverleg.services.store import Store
from tests.helpers.series_people import Cast, make_cast
from tests.helpers.stores import sample_case

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SERIES = SeriesInput(
    name="Casusoverleg Zwolle",
    start_date=date(2026, 1, 13),
    start_time=time(9, 30),
    minutes=120,
    recurrence=Recurrence.weekly(1, 4),
    count=8,
    location="Stadskantoor, kamer 2.14",
    skip=SkipRules(True, True, Region.NOORD),
)


def members(cast: Cast) -> list[StandingMember]:
    """Chair, minute-taker and one participant without an e-mail address."""
    return [
        StandingMember(cast.no_email),
        StandingMember(cast.minute_taker, MeetingRole.NOTULIST),
        StandingMember(cast.chair, MeetingRole.VOORZITTER),
    ]


@pytest.fixture
def cast(store: Store) -> Cast:
    """The participants."""
    return make_cast(store)


@pytest.fixture
def series(store: Store, cast: Cast) -> SeriesInfo:
    """A series with standing participants and a secretary, and a case on its first agenda."""
    info = meetings.create_series(
        store,
        replace(SERIES, members=tuple(members(cast)), secretary_id=cast.secretary),
        meetings.PastDates.AS_PLANNED,
    )
    case = cases.create_case(
        store, sample_case("Jesse", "Wijnberg", case_number="2026-0417"), today=date(2026, 9, 5)
    )
    first = meetings.list_meetings(store, series_id=info.id)[0]
    agenda.add_case_item(store, first.id, case.id, question="Fonkeling: terugleiding haalbaar?")
    return info


def read(path: Path) -> icalendar.Calendar:
    """Parse an .ics file."""
    return icalendar.Calendar.from_ical(path.read_bytes())


def by_uid(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    """The calendar's events by UID."""
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def attendees(event: icalendar.Event) -> dict[str, dict[str, str]]:
    """An event's ATTENDEE lines: e-mail address → parameters."""
    found = event.get("ATTENDEE", [])
    lines = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in lines}


# -- standing participants and secretary -----------------------------------------------------------


def test_the_series_keeps_its_standing_participants_and_secretary(
    store: Store, cast: Cast, series: SeriesInfo
) -> None:
    info = meetings.get_series(store, series.id)
    assert [(m.name, m.role) for m in info.people.members] == [
        ("Ahmed el Idrissi", MeetingRole.VOORZITTER),
        ("Noor de Graaf", MeetingRole.NOTULIST),
        ("Pieter Smit", MeetingRole.DEELNEMER),
    ]
    assert info.people.secretary is not None
    assert info.people.secretary.email == "i.brouwer@zwolle.example"
    assert series_people(store, series.id) == info.people
    # Saving the series again as it is changes nobody.
    again = meetings.update_series(store, series.id, info.to_input(), today=date(2026, 1, 1))
    assert again.people == info.people

    done = set_series_people(
        store, series.id, [StandingMember(cast.chair, MeetingRole.VOORZITTER)], None
    )
    assert [m.participant_id for m in done.members] == [cast.chair]
    assert done.secretary is None
    logged = [
        e.detail
        for e in audit.list_events(store)
        if e.object_type == "overlegreeks" and e.action is AuditAction.UPDATE
    ]
    assert (
        f"eraf {min(cast.minute_taker, cast.no_email)}, {max(cast.minute_taker, cast.no_email)}"
        in logged[0]
    )
    assert "secretaris geen" in logged[0]


def test_archived_people_are_not_invited_anew_but_may_stay(
    store: Store, cast: Cast, series: SeriesInfo
) -> None:
    before = series_people(store, series.id)
    with pytest.raises(BadInput, match="Oud Lid is gearchiveerd"):
        set_series_people(
            store, series.id, [*before.member_input(), StandingMember(cast.archived)], None
        )
    with pytest.raises(BadInput, match="gearchiveerd"):
        set_series_people(store, series.id, before.member_input(), cast.archived)
    assert series_people(store, series.id) == before  # the store as it was
    # Someone archived after being chosen stays on the list until taken off.
    people.archive_participant(store, cast.no_email, on=date(2026, 2, 1))
    kept = set_series_people(store, series.id, before.member_input(), cast.secretary)
    assert [m.archived for m in kept.members] == [False, False, True]


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ("twice", "twee keer"),
        ("two chairs", "één voorzitter"),
        ("unknown", "bestaat niet"),
    ],
)
def test_a_list_no_series_can_have_is_refused_in_dutch(
    store: Store, cast: Cast, chosen: str, message: str
) -> None:
    wrong = {
        "twice": (StandingMember(cast.chair), StandingMember(cast.chair, MeetingRole.NOTULIST)),
        "two chairs": (
            StandingMember(cast.chair, MeetingRole.VOORZITTER),
            StandingMember(cast.secretary, MeetingRole.VOORZITTER),
        ),
        "unknown": (StandingMember(9999),),
    }[chosen]
    with pytest.raises(BadInput, match=message):
        meetings.create_series(store, replace(SERIES, members=wrong), meetings.PastDates.AS_PLANNED)
    assert meetings.list_series(store) == []  # nothing half-made
    assert meetings.list_meetings(store) == []


def test_standing_participants_go_on_the_attendance_list_only_when_asked(
    store: Store, cast: Cast, series: SeriesInfo
) -> None:
    first = meetings.list_meetings(store, series_id=series.id)[0]
    # Who comes is not known before the meeting: a new meeting's list is empty.
    assert meetings.list_attendance(store, first.id) == []
    meetings.set_attendance(store, first.id, cast.no_email, status=AttendanceStatus.AFGEMELD)
    assert fill_attendance_from_series(store, first.id) == 2
    listed = {(a.name, a.role, a.status) for a in meetings.list_attendance(store, first.id)}
    assert listed == {
        ("Ahmed el Idrissi", MeetingRole.VOORZITTER, AttendanceStatus.AANWEZIG),
        ("Noor de Graaf", MeetingRole.NOTULIST, AttendanceStatus.AANWEZIG),
        ("Pieter Smit", MeetingRole.DEELNEMER, AttendanceStatus.AFGEMELD),  # left as it was
    }
    assert fill_attendance_from_series(store, first.id) == 0


# -- the .ics -------------------------------------------------------------------------------------


def test_the_series_ics_is_an_invitation_with_organizer_and_attendees(
    store: Store, cast: Cast, series: SeriesInfo, tmp_path: Path
) -> None:
    path = tmp_path / "reeks.ics"
    done = calendar.write_series_ics(store, "Casusoverleg Zwolle", path)
    assert (done.method, done.count, done.invited) == ("REQUEST", 8, 2)
    assert done.notes == ("Zonder (bruikbaar) e-mailadres, dus niet uitgenodigd: Pieter Smit.",)
    cal = read(path)
    assert cal["METHOD"] == "REQUEST"
    stored = meetings.list_meetings(store, series_id=series.id)
    events = by_uid(cal)
    assert set(events) == {m.uid for m in stored}
    for event in events.values():
        organizer = event["ORGANIZER"]
        assert str(organizer) == "mailto:i.brouwer@zwolle.example"
        assert organizer.params["CN"] == "Ilse Brouwer"
        assert attendees(event) == {
            "a.elidrissi@swt.example": {
                "CN": "Ahmed el Idrissi",
                "CUTYPE": "INDIVIDUAL",
                "ROLE": "CHAIR",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "TRUE",
            },
            "noor@swv.example": {
                "CN": "Noor de Graaf",
                "CUTYPE": "INDIVIDUAL",
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "TRUE",
            },
        }
    # An independent expansion gives the store's dates and planned times (as the agenda).
    found = recurring_ical_events.of(cal).between(date(2025, 1, 1), date(2028, 1, 1))
    expanded = sorted((e["DTSTART"].dt, e["DTEND"].dt) for e in found)
    expected = []
    for m in stored:
        start = datetime.combine(m.date, m.start_time, tzinfo=AMSTERDAM)
        expected.append((start, start + timedelta(minutes=m.minutes)))
    assert expanded == sorted(expected)
    assert expanded[0] == (
        datetime(2026, 1, 13, 9, 30, tzinfo=AMSTERDAM),
        datetime(2026, 1, 13, 11, 30, tzinfo=AMSTERDAM),
    )


def test_a_moved_or_cancelled_meeting_gets_a_higher_sequence(
    store: Store, series: SeriesInfo, tmp_path: Path
) -> None:
    calendar.write_series_ics(store, series.id, tmp_path / "voor.ics")
    stored = meetings.list_meetings(store, series_id=series.id)
    moved, cancelled = stored[2], stored[3]
    meetings.move_meeting(store, moved.id, moved.date + timedelta(days=1), time(13, 0))
    meetings.cancel_meeting(store, cancelled.id)
    calendar.write_series_ics(store, series.id, tmp_path / "na.ics")
    before, after = by_uid(read(tmp_path / "voor.ics")), by_uid(read(tmp_path / "na.ics"))
    assert int(after[moved.uid]["SEQUENCE"]) > int(before[moved.uid]["SEQUENCE"])
    assert after[moved.uid]["DTSTART"].dt == datetime.combine(
        moved.date + timedelta(days=1), time(13, 0), tzinfo=AMSTERDAM
    )
    assert str(before[cancelled.uid]["STATUS"]) == "CONFIRMED"
    assert str(after[cancelled.uid]["STATUS"]) == "CANCELLED"
    assert int(after[cancelled.uid]["SEQUENCE"]) > int(before[cancelled.uid]["SEQUENCE"])
    # The series file stays a REQUEST; the cancelled event keeps organizer and attendees, so
    # the calendars that have it know whose event is off.
    assert read(tmp_path / "na.ics")["METHOD"] == "REQUEST"
    assert "ORGANIZER" in after[cancelled.uid]
    untouched = stored[4].uid
    assert after[untouched]["SEQUENCE"] == before[untouched]["SEQUENCE"]

    # That one meeting on its own is a cancellation (RFC 5546 3.2.5).
    one = calendar.write_meeting_ics(store, cancelled.id, tmp_path / "afzegging.ics")
    assert one.method == "CANCEL"
    cal = read(tmp_path / "afzegging.ics")
    (event,) = cal.walk("VEVENT")
    assert cal["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == cancelled.uid
    assert int(event["SEQUENCE"]) == int(after[cancelled.uid]["SEQUENCE"])
    assert set(attendees(event)) == {"a.elidrissi@swt.example", "noor@swv.example"}


def test_a_meetings_own_list_adds_guests_and_apologies(
    store: Store, cast: Cast, series: SeriesInfo, tmp_path: Path
) -> None:
    first = meetings.list_meetings(store, series_id=series.id)[0]
    meetings.set_attendance(store, first.id, cast.secretary)  # a guest at this meeting only
    meetings.set_attendance(
        store, first.id, cast.minute_taker, MeetingRole.NOTULIST, AttendanceStatus.AFGEMELD
    )
    calendar.write_meeting_ics(store, first.id, tmp_path / "een.ics")
    (event,) = read(tmp_path / "een.ics").walk("VEVENT")
    found = attendees(event)
    assert set(found) == {
        "a.elidrissi@swt.example",
        "noor@swv.example",
        "i.brouwer@zwolle.example",
    }
    assert (found["noor@swv.example"]["PARTSTAT"], found["noor@swv.example"]["RSVP"]) == (
        "DECLINED",
        "FALSE",
    )


@pytest.mark.parametrize("missing", ["no secretary", "no e-mail", "nobody with e-mail"])
def test_without_an_organizer_or_attendee_it_is_published_and_says_why(
    store: Store, cast: Cast, series: SeriesInfo, tmp_path: Path, missing: str
) -> None:
    if missing == "no secretary":
        set_series_people(store, series.id, members(cast), None)
        expected = "geen secretaris"
    elif missing == "no e-mail":
        people.update_participant(store, cast.secretary, email="")
        expected = "secretaris Ilse Brouwer heeft geen e-mailadres"
    else:
        set_series_people(store, series.id, [StandingMember(cast.no_email)], cast.secretary)
        expected = "geen van de genodigden heeft een e-mailadres"
    done = calendar.write_series_ics(store, series.id, tmp_path / "reeks.ics")
    assert (done.method, done.invited, done.is_invitation) == ("PUBLISH", 0, False)
    assert len(done.notes) == 1 and expected in done.notes[0]
    assert done.notes[0].startswith("Dit bestand is geen uitnodiging")
    content = (tmp_path / "reeks.ics").read_text(encoding="utf-8")
    assert "METHOD:PUBLISH" in content
    assert "ORGANIZER" not in content and "ATTENDEE" not in content


def test_an_extra_meeting_is_published_and_says_why(store: Store, tmp_path: Path) -> None:
    extra = meetings.add_meeting(store, date(2026, 3, 3), time(9, 30), 60)
    done = calendar.write_meeting_ics(store, extra.id, tmp_path / "extra.ics")
    assert done.method == "PUBLISH"
    assert "hoort bij geen overlegreeks" in done.notes[0]


def test_no_case_data_in_any_ics(
    store: Store, cast: Cast, series: SeriesInfo, tmp_path: Path
) -> None:
    first = meetings.list_meetings(store, series_id=series.id)[0]
    fill_attendance_from_series(store, first.id)
    calendar.write_series_ics(store, series.id, tmp_path / "reeks.ics")
    calendar.write_meeting_ics(store, first.id, tmp_path / "een.ics")
    meetings.cancel_meeting(store, first.id)
    calendar.write_meeting_ics(store, first.id, tmp_path / "af.ics")
    for name in ("reeks.ics", "een.ics", "af.ics"):
        content = (tmp_path / name).read_text(encoding="utf-8")
        assert "ATTENDEE" in content
        for secret in ("Jesse", "Wijnberg", "2026-0417", "Fonkeling", "J.W.", "20140312"):
            assert secret not in content, (name, secret)


def test_a_mistyped_address_is_left_out_not_written_broken(
    store: Store, cast: Cast, series: SeriesInfo, tmp_path: Path
) -> None:
    people.update_participant(store, cast.minute_taker, email="noor@swv.example; n@x.nl")
    done = calendar.write_series_ics(store, series.id, tmp_path / "reeks.ics")
    assert done.notes == (
        "Zonder (bruikbaar) e-mailadres, dus niet uitgenodigd: Noor de Graaf en Pieter Smit.",
    )
    (event, *_rest) = read(tmp_path / "reeks.ics").walk("VEVENT")
    assert set(attendees(event)) == {"a.elidrissi@swt.example"}
    people.update_participant(store, cast.secretary, email="i.brouwer at zwolle")
    done = calendar.write_series_ics(store, series.id, tmp_path / "reeks.ics", overwrite=True)
    assert done.method == "PUBLISH"
    assert "secretaris Ilse Brouwer heeft geen bruikbaar e-mailadres" in done.notes[0]
