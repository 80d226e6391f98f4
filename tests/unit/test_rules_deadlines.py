"""Working days and deadlines under the Algemene termijnenwet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from casusoverleg.domain import deadlines
from casusoverleg.domain.deadlines import (
    days_until,
    feestdagen,
    holiday_name,
    is_working_day,
    next_working_day,
    renewal_deadline,
)
from casusoverleg.domain.enums import ExemptionGround


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # Nieuwjaarsdag, Thursday
        (date(2026, 1, 2), True),
        (date(2026, 4, 3), False),  # Goede vrijdag
        (date(2026, 4, 6), False),  # Tweede paasdag
        (date(2026, 4, 7), True),
        (date(2026, 4, 27), False),  # Koningsdag, Monday
        (date(2025, 4, 28), True),  # Koningsdag 2025 was Saturday the 26th: Monday is normal
        (date(2026, 5, 5), False),  # Bevrijdingsdag, not a lustrum year
        (date(2026, 5, 14), False),  # Hemelvaartsdag
        (date(2026, 5, 15), True),  # the Friday after is not a feestdag under the Atw
        (date(2026, 5, 25), False),  # Tweede pinksterdag
        (date(2026, 12, 24), True),
        (date(2026, 12, 25), False),
        (date(2026, 12, 31), True),
        (date(2026, 6, 30), True),
        (date(2026, 7, 4), False),  # Saturday
        (date(2026, 7, 5), False),  # Sunday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 4, 26), "Koningsdag"),  # 27 April 2025 is a Sunday
        (date(2025, 4, 27), None),
        (date(2026, 4, 27), "Koningsdag"),
        (date(2025, 5, 5), "Bevrijdingsdag"),  # lustrum year
        (date(2026, 5, 5), "Bevrijdingsdag"),  # not a lustrum year, still an Atw feestdag
        (date(2026, 4, 3), "Goede vrijdag"),
        (date(2026, 4, 6), "Tweede paasdag"),
        (date(2026, 12, 26), "Tweede kerstdag"),
        (date(2026, 7, 1), None),
        (date(2026, 12, 31), None),
    ],
)
def test_holiday_name(day: date, name: str | None) -> None:
    assert holiday_name(day) == name


@pytest.mark.parametrize("year", range(2024, 2036))
def test_bevrijdingsdag_every_year(year: int) -> None:
    assert holiday_name(date(year, 5, 5)) == "Bevrijdingsdag"


def test_feestdagen_2026_are_exactly_the_atw_list() -> None:
    assert set(feestdagen(2026)) == {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 5),
        date(2026, 4, 6),
        date(2026, 4, 27),
        date(2026, 5, 5),
        date(2026, 5, 14),
        date(2026, 5, 24),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    }


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 6, 30), date(2026, 6, 30)),  # a working day stays put
        (date(2026, 7, 4), date(2026, 7, 6)),  # Saturday → Monday
        (date(2026, 4, 3), date(2026, 4, 7)),  # Goede vrijdag, weekend, Tweede paasdag
        (date(2026, 4, 6), date(2026, 4, 7)),  # Easter Monday
        (date(2026, 5, 14), date(2026, 5, 15)),  # Hemelvaartsdag → Friday
        (date(2026, 4, 27), date(2026, 4, 28)),  # Koningsdag on a Monday
        (date(2026, 5, 5), date(2026, 5, 6)),  # 5 May in a non-lustrum year, Tuesday
        (date(2027, 5, 5), date(2027, 5, 7)),  # 5 May, then Hemelvaartsdag on the 6th
        (date(2026, 12, 25), date(2026, 12, 28)),  # Christmas Friday → Monday
        (date(2027, 12, 25), date(2027, 12, 27)),  # Christmas on a Saturday
        (date(2026, 12, 31), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 4)),  # Nieuwjaarsdag Friday → Monday
        (date(2026, 12, 26), date(2026, 12, 28)),
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert next_working_day(day) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 1, 15), date(2026, 6, 30)),
        (date(2026, 6, 30), date(2026, 6, 30)),  # the last day itself
        # 1 July is too late ("voor 1 juli"): the next year's notice is the current one.
        (date(2026, 7, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2028, 6, 30)),
        # 2028: 30 June is a Friday; the app used to say Monday 3 July.
        (date(2028, 1, 1), date(2028, 6, 30)),
        # 30 June 2029 is a Saturday: act by Friday 29 June; until 30 June it is current.
        (date(2028, 7, 4), date(2029, 6, 29)),
        (date(2029, 6, 30), date(2029, 6, 29)),
        (date(2029, 7, 1), date(2030, 6, 28)),  # 30 June 2030 is a Sunday
        (date(2026, 12, 31), date(2027, 6, 30)),
    ],
)
def test_lpw_art6_lid2b_yearly_notice_before_1_july(on: date, expected: date) -> None:
    for ground in (ExemptionGround.ART5_A, ExemptionGround.ART5_B, ExemptionGround.ART5_C):
        assert renewal_deadline(ground, on) == expected


@pytest.mark.parametrize("ground", [g for g in ExemptionGround if not g.is_art5])
def test_no_renewal_deadline_for_other_grounds(ground: ExemptionGround) -> None:
    assert renewal_deadline(ground, date(2026, 1, 15)) is None


@pytest.mark.parametrize(
    ("deadline", "on", "days"),
    [
        (date(2026, 7, 1), date(2026, 6, 30), 1),
        (date(2026, 7, 1), date(2026, 7, 1), 0),
        (date(2026, 7, 1), date(2026, 7, 2), -1),
        (date(2027, 1, 1), date(2026, 12, 1), 31),
        (date(2028, 3, 1), date(2028, 2, 1), 29),
    ],
)
def test_days_until(deadline: date, on: date, days: int) -> None:
    assert days_until(deadline, on) == days


@pytest.fixture
def counted_lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count calls into the holidays package, with the cache emptied before and after."""
    calls: list[int] = []
    real = deadlines.holidays.country_holidays

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("years", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(deadlines.holidays, "country_holidays", counting)
    feestdagen.cache_clear()
    yield calls
    feestdagen.cache_clear()


def test_holiday_lookups_are_cached_per_year(counted_lookups: list[int]) -> None:
    for day in range(1, 32):
        is_working_day(date(2026, 12, day))
        holiday_name(date(2026, 12, day))
    next_working_day(date(2026, 12, 31))
    next_working_day(date(2027, 1, 1))
    assert counted_lookups == [2026, 2027]


def test_cached_feestdagen_cannot_be_changed_by_a_caller() -> None:
    with pytest.raises(TypeError):
        feestdagen(2026)[date(2026, 7, 1)] = "Dag van de leerplichtambtenaar"  # type: ignore[index]
    assert is_working_day(date(2026, 7, 1))
