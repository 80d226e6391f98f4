"""Thuiszitter signals following the Thuiszitterspact norms (4 weeks, 3 months).

`absent_since` is the first day the child was no longer at school; the time absent is counted
as whole days from that day to `on` (so on `absent_since` itself it is 0 days). Given the birth
date, only days on which the child is leerplichtig or kwalificatieplichtig count (Lpw art. 3,
4a/4b: before the leerplicht begins or after the 18th birthday there is no duty to attend, so
no thuiszitter): the count starts at the later of `absent_since` and the start of the
leerplicht, and there is no signal once the plicht has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from casusoverleg.domain.enums import _Labelled
from casusoverleg.domain.leerplicht import (
    LeerplichtStatus,
    kwalificatieplicht_end,
    leerplicht_start,
    leerplicht_status,
)
from casusoverleg.domain.recurrence import Region

_FOUR_WEEKS_DAYS = 28
_THREE_MONTHS = relativedelta(months=3)


class ThuiszitterSignal(_Labelled):
    """How long a child has been at home without education, by the pact's norms."""

    GEEN = ("GEEN", "geen signaal")
    VIER_WEKEN = ("VIER_WEKEN", "langer dan 4 weken thuis")
    DRIE_MAANDEN = ("DRIE_MAANDEN", "langer dan 3 maanden thuis")


def _period(absent_since: date | None, on: date, birth: date | None, region: Region) -> HomePeriod:
    if birth is None:  # age unknown: every day from `absent_since` counts
        if absent_since is None or absent_since > on:
            return HomePeriod(None, None, ongoing=False)
        return HomePeriod(absent_since, on, ongoing=True)
    return home_period(absent_since, on, birth, region)


def thuiszitter_signal(
    absent_since: date | None,
    on: date,
    birth: date | None = None,
    region: Region = Region.NOORD,
) -> ThuiszitterSignal:
    """The signal for a child absent since `absent_since` (None: not absent) on day `on`.

    A shorthand for `home_period(...).signal` (which `case_law.law_status` uses with the rest
    of the case file: back at school, exemption, closing).
    """
    return _period(absent_since, on, birth, region).signal


def weeks_absent(
    absent_since: date | None,
    on: date,
    birth: date | None = None,
    region: Region = Region.NOORD,
) -> int:
    """Whole weeks absent on day `on`; 0 when not absent or the start lies in the future."""
    return _period(absent_since, on, birth, region).days // 7


@dataclass(frozen=True)
class HomePeriod:
    """The stretch of days at home that counts, up to a day: [`since`, `until`).

    `ongoing` says whether the child is still counted as at home on that day (not back at
    school, case open, still leer- or kwalificatieplichtig, no exemption in force); `signal` is
    then the pact's norm reached, else GEEN. `days` is the length of the stretch either way, for
    reporting how long a child was at home.
    """

    since: date | None
    until: date | None
    ongoing: bool

    @property
    def days(self) -> int:
        """Days counted (0 when none count)."""
        if self.since is None or self.until is None:
            return 0
        return max(0, (self.until - self.since).days)

    @property
    def signal(self) -> ThuiszitterSignal:
        """The norm reached on the last day, while the child is still at home."""
        if not self.ongoing or self.since is None or self.until is None:
            return ThuiszitterSignal.GEEN
        # "More than": exactly 3 calendar months (or exactly 28 days) is not yet past the norm.
        if self.until > self.since + _THREE_MONTHS:
            return ThuiszitterSignal.DRIE_MAANDEN
        if self.days > _FOUR_WEEKS_DAYS:
            return ThuiszitterSignal.VIER_WEKEN
        return ThuiszitterSignal.GEEN


def home_period(
    absent_since: date | None,
    on: date,
    birth: date,
    region: Region = Region.NOORD,
    *,
    back_on: date | None = None,
    closed_on: date | None = None,
    exemption: tuple[date | None, date | None] = (None, None),
) -> HomePeriod:
    """The days at home that count on day `on`.

    Only days on which the child is leerplichtig or kwalificatieplichtig count (Lpw art. 3
    lid 1, art. 4b): from the start of the leerplicht, up to the 18th birthday. The stretch
    ends on the day the child went back to school (`back_on`), or, for a case closed without
    that date, on the closing day. Days under an exemption (art. 5, 5a, 15: `exemption` is its
    first and last day; no first day means none is known to be in force) do not count: a child
    with an exemption is not a thuiszitter (the policy definition, docs/leerplichtwet.md).
    After an exemption ends the count starts again, from the day after it.
    """
    if absent_since is None or absent_since > on:
        return HomePeriod(None, None, ongoing=False)
    since = max(absent_since, leerplicht_start(birth, region))
    until = on
    stops = [d for d in (back_on, closed_on) if d is not None and d >= absent_since]
    ended_by_file = bool(stops) and min(stops) <= on
    if ended_by_file:
        until = min(until, *stops)
    adult = kwalificatieplicht_end(birth) + timedelta(days=1)
    until = min(until, adult)
    first, last = exemption
    exempt_now = False
    if first is not None and first <= until and (last is None or last >= since):
        if last is None or last >= until:
            # In force at the end of the stretch: the count stops when it began.
            exempt_now = last is None or last >= on
            until = max(since, first)
        else:
            since = max(since, last + timedelta(days=1))
    if since >= until:
        return HomePeriod(None, None, ongoing=False)
    plichtig = leerplicht_status(birth, on, region) in (
        LeerplichtStatus.LEERPLICHTIG,
        LeerplichtStatus.KWALIFICATIEPLICHTIG,
    )
    ongoing = plichtig and not ended_by_file and not exempt_now and until == on
    return HomePeriod(since, until, ongoing=ongoing)
