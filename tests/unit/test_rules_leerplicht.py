"""Leerplicht and kwalificatieplicht by age."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from casusoverleg.domain.leerplicht import (
    LeerplichtStatus,
    birthday,
    first_notice_due,
    is_school_day,
    kwalificatieplicht_end,
    leerplicht_end,
    leerplicht_start,
    leerplicht_status,
)
from casusoverleg.domain.recurrence import Region


@pytest.mark.parametrize(
    ("birth", "start"),
    [
        (date(2020, 3, 15), date(2025, 4, 1)),
        # Turning 5 on the 1st still means the next month, not the same day.
        (date(2020, 3, 1), date(2025, 4, 1)),
        (date(2020, 3, 31), date(2025, 4, 1)),
        # 1 January 2026 is Nieuwjaarsdag in the Christmas holiday: Monday 5 January.
        (date(2020, 12, 10), date(2026, 1, 5)),
        (date(2020, 11, 30), date(2025, 12, 1)),
        # 29 February: 5th birthday taken as 28 February 2025; 1 March 2025 is a Saturday.
        (date(2020, 2, 29), date(2025, 3, 3)),
        (date(2019, 2, 28), date(2024, 3, 1)),
    ],
)
def test_lpw_art3_leerplicht_starts_on_the_first_school_day_of_the_next_month(
    birth: date, start: date
) -> None:
    assert leerplicht_start(birth) == start


def test_lpw_art3_a_month_whose_first_day_is_a_sunday() -> None:
    # The child: born 2021-10-03, 5 on 2026-10-03; 1 November 2026 is a Sunday.
    birth = date(2021, 10, 3)
    assert leerplicht_start(birth) == date(2026, 11, 2)
    assert leerplicht_status(birth, date(2026, 11, 1)) is LeerplichtStatus.NOG_NIET_LEERPLICHTIG
    assert leerplicht_status(birth, date(2026, 11, 2)) is LeerplichtStatus.LEERPLICHTIG


def test_lpw_art3_a_month_that_begins_in_the_summer_holiday() -> None:
    # 5 in July 2025: August 2025 starts in the summer holiday of regio Noord (until 24
    # August), so the first school day is Monday 25 August; in regio Zuid, whose holiday ended
    # earlier, it is earlier.
    birth = date(2020, 7, 15)
    assert leerplicht_start(birth, Region.NOORD) == date(2025, 8, 25)
    assert leerplicht_start(birth, Region.ZUID) < date(2025, 8, 25)
    assert is_school_day(date(2025, 8, 25))
    assert not is_school_day(date(2025, 8, 22))


@pytest.mark.parametrize(
    ("birth", "due"),
    [
        # The child born 2022-11-10: leerplichtig from Wednesday 1 December 2027, so
        # the first notice is due by 1 November 2027 (not "verlenging vóór 1 juli").
        (date(2022, 11, 10), date(2027, 11, 1)),
        (date(2021, 10, 3), date(2026, 10, 2)),
    ],
)
def test_lpw_art6_lid2a_the_first_notice_is_due_a_month_before_the_leerplicht(
    birth: date, due: date
) -> None:
    assert first_notice_due(birth) == due


@pytest.mark.parametrize(
    ("birth", "end"),
    [
        # The examples from the rule: turning 16 in March vs in August.
        (date(2011, 3, 15), date(2027, 7, 31)),
        (date(2011, 8, 10), date(2028, 7, 31)),
        # The school-year boundary: 31 July is the last day of a school year, 1 August the first.
        (date(2011, 7, 31), date(2027, 7, 31)),
        (date(2011, 8, 1), date(2028, 7, 31)),
        (date(2011, 1, 1), date(2027, 7, 31)),
        (date(2011, 12, 31), date(2028, 7, 31)),
        # 29 February 2012: the 16th birthday (2028) is a leap day again.
        (date(2012, 2, 29), date(2028, 7, 31)),
        # 29 February 2008: the 16th birthday falls in 2024, also a leap year.
        (date(2008, 2, 29), date(2024, 7, 31)),
    ],
)
def test_leerplicht_end_is_31_july_of_school_year_turning_16(birth: date, end: date) -> None:
    assert leerplicht_end(birth) == end


@pytest.mark.parametrize(
    ("birth", "end"),
    [
        (date(2008, 5, 10), date(2026, 5, 9)),
        (date(2008, 3, 1), date(2026, 2, 28)),
        (date(2008, 1, 1), date(2025, 12, 31)),
        # 18th birthday in a non-leap year is 28 February, so the last day is the 27th.
        (date(2008, 2, 29), date(2026, 2, 27)),
        # 18th birthday in a leap year (2024) is 29 February itself.
        (date(2006, 3, 1), date(2024, 2, 29)),
    ],
)
def test_kwalificatieplicht_ends_the_day_before_18th_birthday(birth: date, end: date) -> None:
    assert kwalificatieplicht_end(birth) == end


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (date(2011, 3, 14), LeerplichtStatus.NOG_NIET_LEERPLICHTIG),  # before birth
        (date(2016, 3, 15), LeerplichtStatus.NOG_NIET_LEERPLICHTIG),  # 5th birthday
        (date(2016, 3, 31), LeerplichtStatus.NOG_NIET_LEERPLICHTIG),
        (date(2016, 4, 1), LeerplichtStatus.LEERPLICHTIG),
        (date(2027, 3, 15), LeerplichtStatus.LEERPLICHTIG),  # 16th birthday
        (date(2027, 7, 31), LeerplichtStatus.LEERPLICHTIG),
        (date(2027, 8, 1), LeerplichtStatus.KWALIFICATIEPLICHTIG),
        (date(2029, 3, 14), LeerplichtStatus.KWALIFICATIEPLICHTIG),
        (date(2029, 3, 15), LeerplichtStatus.NIET_MEER_PLICHTIG),  # 18th birthday
        (date(2040, 1, 1), LeerplichtStatus.NIET_MEER_PLICHTIG),
    ],
)
def test_leerplicht_status_at_each_boundary(on: date, status: LeerplichtStatus) -> None:
    assert leerplicht_status(date(2011, 3, 15), on) is status


def test_leerplicht_status_for_leap_day_birth() -> None:
    birth = date(2008, 2, 29)
    assert leerplicht_status(birth, date(2026, 2, 27)) is LeerplichtStatus.KWALIFICATIEPLICHTIG
    assert leerplicht_status(birth, date(2026, 2, 28)) is LeerplichtStatus.NIET_MEER_PLICHTIG


def test_periods_follow_each_other_for_every_birth_date_in_a_leap_cycle() -> None:
    birth = date(2008, 1, 1)
    while birth < date(2012, 1, 1):
        start, end, kwal_end = (
            leerplicht_start(birth),
            leerplicht_end(birth),
            kwalificatieplicht_end(birth),
        )
        # A school day in the month after the 5th birthday (Lpw art. 3 lid 1).
        assert is_school_day(start)
        assert start.replace(day=1) == birthday(birth, 5).replace(day=1) + relativedelta(months=1)
        assert (end.month, end.day) == (7, 31)
        assert birthday(birth, 16) <= end < birthday(birth, 16) + timedelta(days=366)
        assert end < kwal_end
        assert leerplicht_status(birth, start - timedelta(days=1)) is (
            LeerplichtStatus.NOG_NIET_LEERPLICHTIG
        )
        assert leerplicht_status(birth, start) is LeerplichtStatus.LEERPLICHTIG
        assert leerplicht_status(birth, end) is LeerplichtStatus.LEERPLICHTIG
        assert leerplicht_status(birth, end + timedelta(days=1)) is (
            LeerplichtStatus.KWALIFICATIEPLICHTIG
        )
        assert leerplicht_status(birth, kwal_end) is LeerplichtStatus.KWALIFICATIEPLICHTIG
        assert leerplicht_status(birth, kwal_end + timedelta(days=1)) is (
            LeerplichtStatus.NIET_MEER_PLICHTIG
        )
        birth += timedelta(days=1)


def test_status_labels_are_dutch_and_values_round_trip() -> None:
    assert LeerplichtStatus.NIET_MEER_PLICHTIG.label == "niet meer leer- of kwalificatieplichtig"
    assert LeerplichtStatus.NOG_NIET_LEERPLICHTIG.label == "nog niet leerplichtig"
    for status in LeerplichtStatus:
        # mypy reads the (value, label) __new__ as the lookup signature; the store looks up
        # by value only, which is what must work.
        assert LeerplichtStatus(str(status)) is status
