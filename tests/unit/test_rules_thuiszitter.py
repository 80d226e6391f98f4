"""Thuiszitter signals after 4 weeks and 3 months."""

from __future__ import annotations

from datetime import date

import pytest

from casusoverleg.domain.thuiszitter import ThuiszitterSignal, thuiszitter_signal, weeks_absent

GEEN = ThuiszitterSignal.GEEN
VIER_WEKEN = ThuiszitterSignal.VIER_WEKEN
DRIE_MAANDEN = ThuiszitterSignal.DRIE_MAANDEN


@pytest.mark.parametrize(
    ("absent_since", "on", "signal"),
    [
        (None, date(2026, 3, 1), GEEN),
        (date(2026, 1, 5), date(2026, 1, 5), GEEN),
        (date(2026, 1, 5), date(2026, 2, 2), GEEN),  # exactly 28 days: not more than 4 weeks
        (date(2026, 1, 5), date(2026, 2, 3), VIER_WEKEN),  # 29 days
        (date(2026, 1, 5), date(2026, 4, 5), VIER_WEKEN),  # exactly 3 months
        (date(2026, 1, 5), date(2026, 4, 6), DRIE_MAANDEN),
        # Month ends: 3 months after 30 November is 28 February.
        (date(2025, 11, 30), date(2026, 2, 28), VIER_WEKEN),
        (date(2025, 11, 30), date(2026, 3, 1), DRIE_MAANDEN),
        # ... or 29 February in a leap year.
        (date(2023, 11, 30), date(2024, 2, 29), VIER_WEKEN),
        (date(2023, 11, 30), date(2024, 3, 1), DRIE_MAANDEN),
        (date(2026, 5, 31), date(2026, 8, 31), VIER_WEKEN),
        (date(2026, 5, 31), date(2026, 9, 1), DRIE_MAANDEN),
        # A start date in the future (planned absence, or a typo) gives no signal.
        (date(2026, 6, 1), date(2026, 3, 1), GEEN),
        (date(2020, 1, 1), date(2026, 3, 1), DRIE_MAANDEN),
    ],
)
def test_thuiszitter_signal(absent_since: date | None, on: date, signal: ThuiszitterSignal) -> None:
    assert thuiszitter_signal(absent_since, on) is signal


@pytest.mark.parametrize(
    ("absent_since", "on", "weeks"),
    [
        (None, date(2026, 3, 1), 0),
        (date(2026, 1, 5), date(2026, 1, 5), 0),
        (date(2026, 1, 5), date(2026, 1, 11), 0),
        (date(2026, 1, 5), date(2026, 1, 12), 1),
        (date(2026, 1, 5), date(2026, 2, 2), 4),
        (date(2026, 1, 5), date(2026, 2, 3), 4),
        (date(2026, 1, 5), date(2026, 4, 6), 13),
        (date(2026, 6, 1), date(2026, 3, 1), 0),
    ],
)
def test_weeks_absent(absent_since: date | None, on: date, weeks: int) -> None:
    assert weeks_absent(absent_since, on) == weeks


def test_signal_labels_are_dutch_and_values_round_trip() -> None:
    assert VIER_WEKEN.label == "langer dan 4 weken thuis"
    assert DRIE_MAANDEN.label == "langer dan 3 maanden thuis"
    assert GEEN.label == "geen signaal"
    for signal in ThuiszitterSignal:
        # mypy reads the (value, label) __new__ as the lookup signature; the store looks up
        # by value only, which is what must work.
        assert ThuiszitterSignal(str(signal)) is signal


def test_lpw_art3_only_days_in_leerplicht_count_when_it_begins_mid_absence() -> None:
    # The issue's child: born 2021-10-03, leerplichtig from Monday 2 November 2026, "thuis
    # sinds" 2026-04-08. On 2026-12-01 that is 29 counted days: past 4 weeks, not 3 months.
    birth, absent = date(2021, 10, 3), date(2026, 4, 8)
    assert thuiszitter_signal(absent, date(2026, 12, 1)) is ThuiszitterSignal.DRIE_MAANDEN
    assert thuiszitter_signal(absent, date(2026, 12, 1), birth) is ThuiszitterSignal.VIER_WEKEN
    assert thuiszitter_signal(absent, date(2026, 11, 30), birth) is ThuiszitterSignal.GEEN
    assert weeks_absent(absent, date(2026, 12, 1), birth) == 4
    # Before the leerplicht begins there is nothing to signal at all.
    assert thuiszitter_signal(absent, date(2026, 10, 15), birth) is ThuiszitterSignal.GEEN


def test_lpw_art4b_no_signal_from_the_18th_birthday_in_the_middle_of_an_absence() -> None:
    # Turns 18 on 2027-03-05: kwalificatieplicht ends "zodra de jongere de leeftijd van 18 jaar
    # bereikt"; on 2027-03-09 the app used to propose a "thuiszitter > 4 weken".
    birth, absent = date(2009, 3, 5), date(2026, 12, 1)
    assert thuiszitter_signal(absent, date(2027, 3, 4), birth) is ThuiszitterSignal.DRIE_MAANDEN
    assert thuiszitter_signal(absent, date(2027, 3, 5), birth) is ThuiszitterSignal.GEEN
    assert thuiszitter_signal(absent, date(2027, 3, 9), birth) is ThuiszitterSignal.GEEN
    # A 19- and a 21-year-old are no thuiszitters either.
    for born in (date(2007, 6, 1), date(2005, 6, 1)):
        assert thuiszitter_signal(absent, date(2027, 3, 9), born) is ThuiszitterSignal.GEEN
