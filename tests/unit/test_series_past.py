"""Issue 13, item 7: a new series whose dates start before today asks what those dates are."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from casusoverleg.domain.enums import MeetingStatus, MinutesStatus
from casusoverleg.domain.recurrence import Recurrence, SkipRules
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, meetings
from casusoverleg.services.meetings import PastDates, PastDatesNotChosen, SeriesInput
from casusoverleg.services.store import Store

TODAY = date(2026, 12, 8)  # a Tuesday
NO_SKIP = SkipRules(public=False, school=False)


def weekly_from(start: date, **changes: object) -> SeriesInput:
    """Every Tuesday at 13:00, 20 meetings, nothing skipped."""
    values: dict[str, object] = {
        "name": "Casusoverleg Zwolle",
        "start_date": start,
        "start_time": time(13, 0),
        "minutes": 90,
        "recurrence": Recurrence.weekly(1),
        "count": 20,
        "skip": NO_SKIP,
    }
    values.update(changes)
    return SeriesInput(**values)  # type: ignore[arg-type]


# 15 September to 1 December: 12 Tuesdays before TODAY.
STARTED = weekly_from(date(2026, 9, 15))


def test_past_dates_without_a_choice_are_refused_and_nothing_is_saved(store: Store) -> None:
    check = meetings.check_past(STARTED, TODAY)
    assert (check.past, check.first_from_today) == (12, TODAY)
    with pytest.raises(PastDatesNotChosen) as raised:
        meetings.create_series(store, STARTED, today=TODAY)
    assert isinstance(raised.value, BadInput)  # exit code 2 on the command line
    assert raised.value.message == (
        "12 data van deze reeks liggen vóór vandaag. Kies of dat al gehouden overleggen zijn, "
        "of dat de reeks begint bij de eerste datum vanaf vandaag (dinsdag 8 december 2026)."
    )
    assert meetings.list_series(store) == []
    assert meetings.list_meetings(store) == []
    assert not [e for e in audit.list_events(store) if e.object_type in ("overlegreeks", "overleg")]


def test_past_dates_kept_as_held_meetings_with_minutes_in_concept(store: Store) -> None:
    info = meetings.create_series(store, STARTED, PastDates.KEEP_AS_HELD, today=TODAY)
    saved = meetings.list_meetings(store, series_id=info.id)
    assert len(saved) == 20
    past = [m for m in saved if m.date < TODAY]
    future = [m for m in saved if m.date >= TODAY]
    assert [m.date for m in past] == [date(2026, 9, 15) + timedelta(weeks=w) for w in range(12)]
    assert {m.status for m in past} == {MeetingStatus.GEHOUDEN}
    assert {m.status for m in future} == {MeetingStatus.GEPLAND}
    assert {m.minutes_status for m in saved} == {MinutesStatus.CONCEPT}
    # Nothing else is invented: the series may still change them like any other meeting.
    assert not any(m.edited_by_hand for m in saved)
    assert info.next_date == TODAY
    created = [e for e in audit.list_events(store) if e.object_type == "overlegreeks"]
    assert created[0].detail == "20 overleggen, 0 data overgeslagen, 12 al gehouden"


def test_from_today_starts_at_the_first_date_on_or_after_today(store: Store) -> None:
    info = meetings.create_series(store, STARTED, PastDates.FROM_TODAY, today=TODAY)
    saved = meetings.list_meetings(store, series_id=info.id)
    assert info.start_date == TODAY
    # --count counts the meetings that take place, from the new first date.
    assert [m.date for m in saved] == [TODAY + timedelta(weeks=w) for w in range(20)]
    assert {m.status for m in saved} == {MeetingStatus.GEPLAND}


def test_from_today_with_every_date_past_is_refused(store: Store) -> None:
    over = weekly_from(date(2026, 9, 15), count=None, until=date(2026, 11, 30))
    with pytest.raises(BadInput, match="Alle data van deze reeks liggen vóór vandaag"):
        meetings.create_series(store, over, PastDates.FROM_TODAY, today=TODAY)
    assert meetings.list_series(store) == []
    # Kept as held meetings they are fine: a series recorded afterwards.
    info = meetings.create_series(store, over, PastDates.KEEP_AS_HELD, today=TODAY)
    saved = meetings.list_meetings(store, series_id=info.id)
    assert len(saved) == 11
    assert {m.status for m in saved} == {MeetingStatus.GEHOUDEN}


def test_a_series_from_today_needs_no_choice(store: Store) -> None:
    future = weekly_from(TODAY)
    assert meetings.check_past(future, TODAY).past == 0
    info = meetings.create_series(store, future, today=TODAY)
    saved = meetings.list_meetings(store, series_id=info.id)
    assert saved[0].date == TODAY  # today itself is not in the past
    assert {m.status for m in saved} == {MeetingStatus.GEPLAND}
