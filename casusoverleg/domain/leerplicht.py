"""Leerplicht and kwalificatieplicht by age (Leerplichtwet 1969, art. 3, 4a and 4b).

Only the age rules live here. A youth also stops being leerplichtig after twelve full school
years, and kwalificatieplichtig once they hold a startkwalificatie; those depend on the case
file, not on the birth date, so callers decide them.

29 February births: a birthday in a non-leap year is taken as 28 February (what
`dateutil.relativedelta` gives), the same convention as in `retention.py`.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from casusoverleg.domain.deadlines import is_working_day
from casusoverleg.domain.enums import _Labelled
from casusoverleg.domain.recurrence import Region, school_holidays

# The school year runs from 1 August to 31 July (WPO art. 1, WVO 2020 art. 1.1; the Lpw does
# not define it).
_SCHOOL_YEAR_FIRST_MONTH = 8


class LeerplichtStatus(_Labelled):
    """Which compulsory-education regime applies to a child on a given day."""

    NOG_NIET_LEERPLICHTIG = ("NOG_NIET_LEERPLICHTIG", "nog niet leerplichtig")
    LEERPLICHTIG = ("LEERPLICHTIG", "leerplichtig")
    KWALIFICATIEPLICHTIG = ("KWALIFICATIEPLICHTIG", "kwalificatieplichtig")
    NIET_MEER_PLICHTIG = ("NIET_MEER_PLICHTIG", "niet meer leer- of kwalificatieplichtig")


def birthday(birth: date, age: int) -> date:
    """The day a child born on `birth` turns `age` (29 February → 28 February).

    The same day `dateutil.relativedelta(years=age)` gives, without its cost: every rule asks
    for several birthdays of every case.
    """
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February in a year that has none
        return date(birth.year + age, 2, 28)


def is_school_day(d: date, region: Region = Region.NOORD) -> bool:
    """Whether schools in `region` are open on `d`: a weekday, no feestdag, no school holiday.

    Interpretation: the Lpw does not define "schooldag"; this takes the days the group's own
    meeting series treats as school days (the Atw feestdagen and the region's school holidays
    as the Regeling vaststelling schoolvakanties gives them). Schools' own free days are not
    known here.
    """
    return is_working_day(d) and d not in school_holidays(d.year, region)


@lru_cache(maxsize=512)
def _first_school_day_from(first: date, region: Region) -> date:
    day = first
    while not is_school_day(day, region):
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=65536)
def leerplicht_start(birth: date, region: Region = Region.NOORD) -> date:
    """First day of leerplicht (Lpw art. 3 lid 1): the first school day of the month after
    the month of the 5th birthday.

    The article: "begint op de eerste schooldag van de maand volgende op die waarin de jongere
    de leeftijd van vijf jaar bereikt" — a child who turns 5 on the 1st also waits for the next
    month. Interpretation (the law does not say): when that month has no school day at all
    (a summer holiday that runs to its end), the leerplicht begins on the first school day
    after it.
    """
    fifth = birthday(birth, 5)
    if fifth.month == 12:
        next_month = date(fifth.year + 1, 1, 1)
    else:
        next_month = date(fifth.year, fifth.month + 1, 1)
    return _first_school_day_from(next_month, region)


def leerplicht_end(birth: date) -> date:
    """Last day of leerplicht: 31 July of the school year in which the child turns 16.

    Lpw art. 3 lid 1 onder b ("aan het einde van het schooljaar waarin de jongere de leeftijd
    van zestien jaar heeft bereikt"); the end after twelve full school years (onder a) is not
    known from the birth date.
    """
    sixteenth = birthday(birth, 16)
    if sixteenth.month >= _SCHOOL_YEAR_FIRST_MONTH:
        return date(sixteenth.year + 1, 7, 31)
    return date(sixteenth.year, 7, 31)


def kwalificatieplicht_end(birth: date) -> date:
    """Last day of kwalificatieplicht: the day before the 18th birthday.

    Lpw art. 4b: it "eindigt zodra de jongere de leeftijd van 18 jaar bereikt of een
    startkwalificatie heeft behaald" — on the birthday, not at the end of the school year.

    Convention: the plicht lasts "tot 18 jaar", so on the 18th birthday itself the youth is no
    longer kwalificatieplichtig; the returned day is the last day on which they still are.
    """
    return birthday(birth, 18) - timedelta(days=1)


def leerplicht_status(birth: date, on: date, region: Region = Region.NOORD) -> LeerplichtStatus:
    """Which regime applies on day `on` by age alone (see the module docstring)."""
    if on < leerplicht_start(birth, region):
        return LeerplichtStatus.NOG_NIET_LEERPLICHTIG
    if on <= leerplicht_end(birth):
        return LeerplichtStatus.LEERPLICHTIG
    if on <= kwalificatieplicht_end(birth):
        return LeerplichtStatus.KWALIFICATIEPLICHTIG
    return LeerplichtStatus.NIET_MEER_PLICHTIG


def first_notice_due(birth: date, region: Region = Region.NOORD) -> date:
    """The last day for the first art. 6 notice: one month before the leerplicht begins.

    Lpw art. 6 lid 2 onder a: "ten minste een maand voordat de jongere leerplichtig wordt,
    indien zij betrekking heeft op de aanvang van de leerplicht". A start on 1 December gives
    1 November; a month without that day (a start on 31 March) gives the month's last day.
    """
    return leerplicht_start(birth, region) - relativedelta(months=1)
