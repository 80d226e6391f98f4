"""Working days, the Algemene termijnenwet (Atw) and the art. 6 Leerplichtwet notice dates.

A statutory deadline that ends on a Saturday, Sunday or algemeen erkende feestdag (Atw art. 3,
with Goede Vrijdag added by Koninklijk Besluit) is extended to the next day that is none of
these (Atw art. 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

from casusoverleg.domain.enums import ExemptionGround

_SATURDAY = 5
_BEVRIJDINGSDAG = "Bevrijdingsdag"


@lru_cache(maxsize=64)
def feestdagen(year: int) -> Mapping[date, str]:
    """The Atw feestdagen of `year`, date → Dutch name (cached; read-only)."""
    found = holidays.country_holidays("NL", years=year, language="nl")
    days: dict[date, str] = {day: str(name) for day, name in found.items()}
    # The holidays package makes 5 May a public holiday only in lustrum years (the collective
    # labour agreements' rule); the Atw names "de vijfde mei" every year.
    days.setdefault(date(year, 5, 5), _BEVRIJDINGSDAG)
    # Read-only because every caller shares the cached mapping.
    return MappingProxyType(days)


def holiday_name(d: date) -> str | None:
    """The Dutch name of the Atw feestdag on `d`, or None if it is not one."""
    return feestdagen(d.year).get(d)


def is_working_day(d: date) -> bool:
    """Whether a legal deadline may end on `d` (not a weekend day, not an Atw feestdag)."""
    return d.weekday() < _SATURDAY and d not in feestdagen(d.year)


def next_working_day(d: date) -> date:
    """`d` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def previous_working_day(d: date) -> date:
    """`d` itself if it is a working day, otherwise the last working day before it."""
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


def yearly_notice_due(on: date) -> date:
    """The current yearly art. 6 notice's last day: 30 June (Lpw art. 6 lid 2 onder b).

    The law asks for the notice "elk jaar opnieuw voor 1 juli": the last day is 30 June, a
    fixed date before which to act, so the Atw (which only extends a term that ends on a
    weekend or feestdag) does not move it later. Until 30 June has passed, this year's is the
    current one; from 1 July the next year's.
    """
    due = date(on.year, 6, 30)
    return due if on <= due else date(on.year + 1, 6, 30)


def renewal_deadline(ground: ExemptionGround, on: date) -> date | None:
    """The day to act for the next yearly notice of an art. 5 exemption (Lpw art. 6 lid 2b).

    That is 30 June, or, when 30 June is a Saturday, Sunday or feestdag, the last working day
    before it (so that the notice is surely in before 1 July). Returns None for grounds that
    need no yearly notice. This is the date alone; whether a case needs it (its age, the first
    notice, art. 6 lid 3) is decided by `case_law.notice_due`.
    """
    if not ground.is_art5:
        return None
    return previous_working_day(yearly_notice_due(on))


def days_until(deadline: date, on: date) -> int:
    """Days from `on` to `deadline`: 0 on the day itself, negative once it has passed."""
    return (deadline - on).days
