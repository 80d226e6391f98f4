"""Working days and legal deadlines under the Algemene termijnenwet (Atw).

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


def renewal_deadline(ground: ExemptionGround, on: date) -> date | None:
    """The next yearly renewal deadline (1 July, Atw-extended) of an art. 5 exemption.

    Returns None for grounds that need no yearly renewal. A deadline that was moved past 1 July
    (e.g. to Monday 3 July) is still the current one until it has passed.
    """
    if not ground.is_art5:
        return None
    deadline = next_working_day(date(on.year, 7, 1))
    if on > deadline:
        deadline = next_working_day(date(on.year + 1, 7, 1))
    return deadline


def days_until(deadline: date, on: date) -> int:
    """Days from `on` to `deadline`: 0 on the day itself, negative once it has passed."""
    return (deadline - on).days
