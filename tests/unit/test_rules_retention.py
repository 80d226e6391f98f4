"""Retention dates of case files."""

from __future__ import annotations

from datetime import date

import pytest

from casusoverleg.domain.retention import DEFAULT_RETENTION_YEARS, RetentionTerm


@pytest.mark.parametrize(
    ("birth", "years", "expected"),
    [
        (date(2010, 5, 10), DEFAULT_RETENTION_YEARS, date(2029, 5, 10)),  # the default: 19
        (date(2010, 1, 1), 19, date(2029, 1, 1)),
        (date(2012, 2, 29), 19, date(2031, 2, 28)),  # leap day → 28 February
        (date(2008, 2, 29), 19, date(2027, 2, 28)),
        (date(2012, 2, 29), 4, date(2016, 2, 29)),  # leap year again: stays 29 February
        (date(2010, 5, 10), 1, date(2011, 5, 10)),
        (date(2010, 5, 10), 25, date(2035, 5, 10)),
    ],
)
def test_retention_date(birth: date, years: int, expected: date) -> None:
    assert RetentionTerm(years).until(birth) == expected


@pytest.mark.parametrize(
    ("on", "past"),
    [
        (date(2029, 5, 9), False),
        (date(2029, 5, 10), True),  # "bewaren tot": due on the 19th birthday itself
        (date(2029, 5, 11), True),
        (date(2020, 1, 1), False),
    ],
)
def test_is_past_retention(on: date, past: bool) -> None:
    assert RetentionTerm(19).is_past(date(2010, 5, 10), on) is past


def test_is_past_retention_with_other_term() -> None:
    birth = date(2010, 5, 10)
    assert not RetentionTerm(21).is_past(birth, date(2030, 1, 1))
    assert RetentionTerm(5).is_past(birth, date(2030, 1, 1))


@pytest.mark.parametrize("years", [0, -1, -19])
def test_terms_shorter_than_a_year_are_rejected(years: int) -> None:
    with pytest.raises(ValueError, match="bewaartermijn"):
        RetentionTerm(years)
