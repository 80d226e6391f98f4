"""Leerplicht and kwalificatieplicht by age (Leerplichtwet 1969, art. 3 and 4a).

Only the age rules live here. A youth also stops being leerplichtig after twelve full school
years, and kwalificatieplichtig once they hold a startkwalificatie; those depend on the case
file, not on the birth date, so callers decide them.

29 February births: a birthday in a non-leap year is taken as 28 February (what
`dateutil.relativedelta` gives), the same convention as in `retention.py`.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from casusoverleg.domain.enums import _Labelled

# The school year runs from 1 August to 31 July (Lpw art. 1).
_SCHOOL_YEAR_FIRST_MONTH = 8


class LeerplichtStatus(_Labelled):
    """Which compulsory-education regime applies to a child on a given day."""

    NOG_NIET_LEERPLICHTIG = ("NOG_NIET_LEERPLICHTIG", "nog niet leerplichtig")
    LEERPLICHTIG = ("LEERPLICHTIG", "leerplichtig")
    KWALIFICATIEPLICHTIG = ("KWALIFICATIEPLICHTIG", "kwalificatieplichtig")
    NIET_MEER_PLICHTIG = ("NIET_MEER_PLICHTIG", "niet meer leer- of kwalificatieplichtig")


def birthday(birth: date, age: int) -> date:
    """The day a child born on `birth` turns `age` (29 February → 28 February)."""
    return birth + relativedelta(years=age)


def leerplicht_start(birth: date) -> date:
    """First day of leerplicht: the 1st of the month after the 5th birthday (Lpw art. 3)."""
    fifth = birthday(birth, 5)
    # Even a child who turns 5 on the 1st waits for the next month: the law says "de maand
    # volgend op die waarin het kind vijf jaar is geworden".
    return fifth.replace(day=1) + relativedelta(months=1)


def leerplicht_end(birth: date) -> date:
    """Last day of leerplicht: 31 July of the school year in which the child turns 16."""
    sixteenth = birthday(birth, 16)
    if sixteenth.month >= _SCHOOL_YEAR_FIRST_MONTH:
        return date(sixteenth.year + 1, 7, 31)
    return date(sixteenth.year, 7, 31)


def kwalificatieplicht_end(birth: date) -> date:
    """Last day of kwalificatieplicht (Lpw art. 4a): the day before the 18th birthday.

    Convention: the plicht lasts "tot 18 jaar", so on the 18th birthday itself the youth is no
    longer kwalificatieplichtig; the returned day is the last day on which they still are.
    """
    return birthday(birth, 18) - timedelta(days=1)


def leerplicht_status(birth: date, on: date) -> LeerplichtStatus:
    """Which regime applies on day `on` by age alone (see the module docstring)."""
    if on < leerplicht_start(birth):
        return LeerplichtStatus.NOG_NIET_LEERPLICHTIG
    if on <= leerplicht_end(birth):
        return LeerplichtStatus.LEERPLICHTIG
    if on <= kwalificatieplicht_end(birth):
        return LeerplichtStatus.KWALIFICATIEPLICHTIG
    return LeerplichtStatus.NIET_MEER_PLICHTIG
