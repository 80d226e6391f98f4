"""Series dates around Dutch public holidays and the school holidays of region Noord."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from casusoverleg.domain.deadlines import feestdagen
from casusoverleg.domain.recurrence import (
    Frequency,
    Recurrence,
    Region,
    SeriesPlan,
    SkipMode,
    SkipRules,
    missing_school_breaks,
    plan_series,
)
from casusoverleg.errors import BadInput

FIRST = date(2026, 1, 1)
LAST = date(2027, 12, 31)
NOORD = SkipRules(public=True, school=True, region=Region.NOORD)
TUESDAY, THURSDAY, FRIDAY, MONDAY = 1, 3, 4, 0


def holiday_list(region: str = "Noord") -> dict[date, set[str]]:
    """Every public holiday and school-holiday day of 2026-2027, straight from the sources."""
    days: dict[date, set[str]] = {}
    school = holidays.country_holidays(
        "NL", subdiv=region, years=[2026, 2027], categories=("school",), language="nl"
    )
    public = holidays.country_holidays(
        "NL", years=[2026, 2027], categories=("public",), language="nl"
    )
    for source in (school, public):
        for day, name in source.items():
            days.setdefault(day, set()).update(str(name).split("; "))
    for year in (2026, 2027):
        for day, name in feestdagen(year).items():
            days.setdefault(day, set()).add(name)
    return days


def rule_dates(first: date, weekday: int, every_weeks: int) -> list[date]:
    """The rule's dates, counted by hand (no dateutil), to check the planner against."""
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    found = []
    while day <= LAST:
        found.append(day)
        day += timedelta(weeks=every_weeks)
    return found


def assert_skips_exactly_the_holidays(plan: SeriesPlan, expected_rule: list[date]) -> None:
    """Planned = rule dates off holidays; skipped = rule dates on holidays, with their names."""
    blocked = holiday_list()
    assert plan.dates == [d for d in expected_rule if d not in blocked]
    assert [s.date for s in plan.skipped] == [d for d in expected_rule if d in blocked]
    for skipped in plan.skipped:
        assert set(skipped.reason.split("; ")) == blocked[skipped.date]
        assert skipped.moved_to is None
    assert not set(plan.dates) & set(blocked)
    assert plan.warnings == ()


@pytest.mark.parametrize("weekday", [MONDAY, TUESDAY, THURSDAY, FRIDAY])
def test_a_weekly_series_skips_every_noord_school_holiday_and_public_holiday(weekday: int) -> None:
    plan = plan_series(FIRST, Recurrence.weekly(weekday), until=LAST, skip=NOORD)
    assert_skips_exactly_the_holidays(plan, rule_dates(FIRST, weekday, 1))
    # Every school-holiday week of 2026-2027 (Noord) takes out this weekday.
    school_weekdays = {
        d
        for d in holiday_list()
        if d.weekday() == weekday and FIRST <= d <= LAST and d not in feestdagen(d.year)
    }
    assert school_weekdays <= {s.date for s in plan.skipped}


@pytest.mark.parametrize(("start", "weekday"), [(date(2026, 1, 8), THURSDAY), (FIRST, TUESDAY)])
def test_a_two_weekly_series_skips_every_holiday_on_its_dates(start: date, weekday: int) -> None:
    plan = plan_series(start, Recurrence.weekly(weekday, 2), until=LAST, skip=NOORD)
    assert_skips_exactly_the_holidays(plan, rule_dates(start, weekday, 2))


def test_holidays_are_named_in_dutch() -> None:
    thursdays = plan_series(date(2026, 1, 8), Recurrence.weekly(THURSDAY), until=LAST, skip=NOORD)
    reasons = {s.date: s.reason for s in thursdays.skipped}
    assert reasons[date(2026, 5, 14)] == "Hemelvaartsdag"
    assert reasons[date(2027, 5, 6)] == "Hemelvaartsdag"
    assert reasons[date(2026, 12, 31)] == "Kerstvakantie"
    assert reasons[date(2026, 10, 15)] == "Herfstvakantie"
    assert reasons[date(2026, 2, 26)] == "Voorjaarsvakantie"
    assert reasons[date(2026, 7, 9)] == "Zomervakantie"
    mondays = plan_series(FIRST, Recurrence.weekly(MONDAY), until=LAST, skip=NOORD)
    reasons = {s.date: s.reason for s in mondays.skipped}
    assert reasons[date(2026, 4, 6)] == "Tweede paasdag"
    assert reasons[date(2026, 4, 27)] == "Koningsdag; Meivakantie"
    assert reasons[date(2026, 5, 25)] == "Tweede pinksterdag"


def test_public_holidays_only_or_school_holidays_only() -> None:
    public = plan_series(
        FIRST, Recurrence.weekly(THURSDAY), until=LAST, skip=SkipRules(public=True, school=False)
    )
    assert {s.reason for s in public.skipped} == {"Nieuwjaarsdag", "Hemelvaartsdag"}
    school = plan_series(
        FIRST, Recurrence.weekly(THURSDAY), until=LAST, skip=SkipRules(public=False, school=True)
    )
    assert date(2026, 5, 14) in school.dates  # Hemelvaartsdag is no school holiday in Noord
    assert all("vakantie" in s.reason for s in school.skipped)
    nothing = plan_series(FIRST, Recurrence.weekly(THURSDAY), until=LAST)
    assert nothing.skipped == () and len(nothing.dates) == 105  # Thursdays in 2026-2027


def test_the_region_decides_the_school_holidays() -> None:
    # Spring break 2026: week 9 in Noord, week 8 in Midden and Zuid.
    noord = plan_series(FIRST, Recurrence.weekly(TUESDAY), until=LAST, skip=NOORD)
    midden = plan_series(
        FIRST,
        Recurrence.weekly(TUESDAY),
        until=LAST,
        skip=SkipRules(True, True, Region.MIDDEN),
    )
    assert date(2026, 2, 24) not in noord.dates and date(2026, 2, 17) in noord.dates
    assert date(2026, 2, 17) not in midden.dates and date(2026, 2, 24) in midden.dates


def second_tuesdays() -> list[date]:
    found = []
    for year in (2026, 2027):
        for month in range(1, 13):
            first = date(year, month, 1)
            found.append(first + timedelta(days=(TUESDAY - first.weekday()) % 7 + 7))
    return found


def test_second_tuesday_of_the_month_drops_holiday_dates() -> None:
    rule = Recurrence.monthly(TUESDAY, 2)
    assert rule.describe() == "elke tweede dinsdag van de maand"
    plan = plan_series(date(2026, 1, 13), rule, until=LAST, skip=NOORD, skip_mode=SkipMode.DROP)
    assert_skips_exactly_the_holidays(plan, second_tuesdays())
    # By hand from the Rijksoverheid dates: summer (4 Jul-16 Aug 2026, 10 Jul-22 Aug 2027)
    # and autumn 2026 (10-18 Oct) in Noord.
    assert [s.date for s in plan.skipped] == [
        date(2026, 7, 14),
        date(2026, 8, 11),
        date(2026, 10, 13),
        date(2027, 7, 13),
        date(2027, 8, 10),
    ]


def test_second_tuesday_of_the_month_moves_to_the_next_suitable_day() -> None:
    rule = Recurrence.monthly(TUESDAY, 2)
    plan = plan_series(date(2026, 1, 13), rule, until=LAST, skip=NOORD, skip_mode=SkipMode.MOVE)
    blocked = holiday_list()
    rule_days = second_tuesdays()
    moved = {s.date: s.moved_to for s in plan.skipped}
    assert moved == {
        # No free working day before the next second Tuesday (11 Aug, also in the summer).
        date(2026, 7, 14): None,
        date(2026, 8, 11): date(2026, 8, 17),
        date(2026, 10, 13): date(2026, 10, 19),
        date(2027, 7, 13): None,
        date(2027, 8, 10): date(2027, 8, 23),
    }
    for skipped in plan.skipped:
        target = skipped.moved_to
        if target is None:
            continue
        following = min(d for d in rule_days if d > skipped.date)
        assert skipped.date < target < following
        assert target.weekday() < 5 and target not in blocked
        # The first free working day after the skipped date: none was passed over.
        day = skipped.date + timedelta(days=1)
        while day < target:
            assert day.weekday() >= 5 or day in blocked
            day += timedelta(days=1)
    assert len(plan.dates) == len(set(plan.dates)) == 22
    assert not set(plan.dates) & set(blocked)
    assert plan.dates == sorted(plan.dates)
    assert {p.original_date for p in plan.planned if p.moved} == {
        date(2026, 8, 11),
        date(2026, 10, 13),
        date(2027, 8, 10),
    }


def test_a_move_prefers_the_same_week_even_if_that_is_earlier() -> None:
    # Goede vrijdag 3 April 2026: Thursday 2 April, not Monday 6 April (Tweede paasdag anyway).
    plan = plan_series(
        date(2026, 3, 20),
        Recurrence.weekly(FRIDAY),
        count=3,
        skip=SkipRules(public=True, school=False),
        skip_mode=SkipMode.MOVE,
    )
    assert plan.dates == [date(2026, 3, 20), date(2026, 3, 27), date(2026, 4, 2)]
    assert plan.skipped[0].reason == "Goede vrijdag"
    # Koningsdag Monday 27 April 2026 moves to the Tuesday of the same week.
    plan = plan_series(
        date(2026, 4, 20),
        Recurrence.weekly(MONDAY),
        count=2,
        skip=SkipRules(public=True, school=False),
        skip_mode=SkipMode.MOVE,
    )
    assert plan.dates == [date(2026, 4, 20), date(2026, 4, 28)]


def test_a_move_never_lands_on_another_meeting_or_a_skipped_day() -> None:
    plan = plan_series(
        date(2026, 4, 20),
        Recurrence.weekly(MONDAY),
        count=2,
        skip=SkipRules(public=True, school=False),
        skip_mode=SkipMode.MOVE,
        taken={date(2026, 4, 28)},
    )
    assert plan.dates == [date(2026, 4, 20), date(2026, 4, 29)]
    # Weekly in the spring break: the only free day before the next Tuesday is the Monday.
    plan = plan_series(
        date(2026, 2, 17), Recurrence.weekly(TUESDAY), count=3, skip=NOORD, skip_mode=SkipMode.MOVE
    )
    assert plan.dates == [date(2026, 2, 17), date(2026, 3, 2), date(2026, 3, 3)]


@pytest.mark.parametrize("mode", [SkipMode.DROP, SkipMode.MOVE])
@pytest.mark.parametrize("count", [1, 10, 40, 80])
def test_count_gives_exactly_that_many_meetings_none_on_a_holiday(
    mode: SkipMode, count: int
) -> None:
    plan = plan_series(
        date(2026, 6, 2), Recurrence.weekly(TUESDAY), count=count, skip=NOORD, skip_mode=mode
    )
    assert len(plan.dates) == count
    blocked = holiday_list() | {d: {"?"} for d in feestdagen(2028)}
    assert not set(plan.dates) & set(blocked)
    assert bool(plan.skipped) == (count > 1)  # the summer break is in the way of all but one
    assert plan.dates[0] == date(2026, 6, 2)


def test_count_skips_do_not_use_up_meetings() -> None:
    plan = plan_series(date(2026, 7, 7), Recurrence.weekly(TUESDAY), count=10, skip=NOORD)
    assert len(plan.dates) == 10
    assert plan.dates[0] == date(2026, 8, 18)  # the summer break (Noord) ends 16 August
    assert len(plan.skipped) == 6 + 1  # six summer Tuesdays and one in the autumn break


def test_until_is_inclusive_and_a_move_stays_before_it() -> None:
    plan = plan_series(
        date(2026, 10, 6),
        Recurrence.weekly(TUESDAY),
        until=date(2026, 10, 13),
        skip=NOORD,
        skip_mode=SkipMode.MOVE,
    )
    assert plan.dates == [date(2026, 10, 6)]
    assert plan.skipped[0].moved_to is None
    # Koningsdag (Monday 27 April) moves to the Tuesday, which is the `until` day itself.
    plan = plan_series(
        date(2026, 4, 20),
        Recurrence.weekly(MONDAY),
        until=date(2026, 4, 28),
        skip=SkipRules(public=True, school=False),
        skip_mode=SkipMode.MOVE,
    )
    assert plan.dates == [date(2026, 4, 20), date(2026, 4, 28)]


def test_since_and_reserved_leave_out_dates_without_counting_them() -> None:
    plan = plan_series(
        date(2026, 9, 1),
        Recurrence.weekly(TUESDAY),
        count=3,
        since=date(2026, 9, 9),
        reserved={date(2026, 9, 15)},
    )
    assert plan.dates == [date(2026, 9, 22), date(2026, 9, 29), date(2026, 10, 6)]


def test_years_without_known_school_holidays_are_named_not_silently_unchecked() -> None:
    assert missing_school_breaks(2026, Region.NOORD) == []
    assert missing_school_breaks(2027, Region.NOORD) == []
    plan = plan_series(date(2026, 1, 5), Recurrence.weekly(MONDAY), until=LAST, skip=NOORD)
    assert plan.warnings == ()
    late = plan_series(date(2031, 1, 6), Recurrence.weekly(MONDAY), count=5, skip=NOORD)
    assert len(late.warnings) == 1
    assert "schoolvakanties van 2031" in late.warnings[0]
    assert "niet gecontroleerd" in late.warnings[0]
    # Without school-holiday skipping there is nothing to warn about.
    public_only = SkipRules(public=True, school=False)
    assert (
        plan_series(date(2031, 1, 6), Recurrence.weekly(0), count=5, skip=public_only).warnings
        == ()
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 3, "until": date(2026, 3, 1)}, "niet allebei"),
        ({}, "niet allebei of geen"),
        ({"count": 0}, "1 tot 500"),
        ({"until": date(2025, 12, 1)}, "vóór de begindatum"),
        ({"until": date(2040, 1, 1)}, "hoogstens 10 jaar"),
    ],
)
def test_a_bad_end_is_refused_in_dutch(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        plan_series(date(2026, 1, 6), Recurrence.weekly(TUESDAY), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "rule",
    [
        Recurrence.weekly(TUESDAY, 0),
        Recurrence.weekly(7),
        Recurrence.monthly(TUESDAY, 5),
        Recurrence(Frequency.WEEKLY, TUESDAY, 1, 2),
    ],
)
def test_a_bad_rule_is_refused(rule: Recurrence) -> None:
    with pytest.raises(BadInput):
        plan_series(date(2026, 1, 6), rule, count=3)


def test_rules_describe_themselves_in_dutch_and_survive_storage() -> None:
    assert Recurrence.weekly(TUESDAY).describe() == "elke week op dinsdag"
    assert Recurrence.weekly(THURSDAY, 2).describe() == "om de 2 weken op donderdag"
    assert Recurrence.monthly(FRIDAY, -1).describe() == "elke laatste vrijdag van de maand"
    for rule in (Recurrence.weekly(TUESDAY, 3), Recurrence.monthly(MONDAY, -1, 2)):
        assert Recurrence.from_json(rule.to_json()) == rule
    assert Recurrence.from_json("{}", default_weekday=2) == Recurrence.weekly(2)
    assert NOORD.describe() == "feestdagen en schoolvakanties (regio Noord)"


def test_last_weekday_of_the_month() -> None:
    plan = plan_series(date(2026, 1, 1), Recurrence.monthly(FRIDAY, -1), count=3)
    assert plan.dates == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)]
