"""Thuiszitter signals following the Thuiszitterspact norms (4 weeks, 3 months).

`absent_since` is the first day the child was no longer at school; the time absent is counted
as whole days from that day to `on` (so on `absent_since` itself it is 0 days). Given the birth
date, only days on which the child is leerplichtig or kwalificatieplichtig count (Lpw art. 3,
4a/4b: before the leerplicht begins or after the 18th birthday there is no duty to attend, so
no thuiszitter): the count starts at the later of `absent_since` and the start of the
leerplicht, and there is no signal once the plicht has ended.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from casusoverleg.domain.enums import _Labelled
from casusoverleg.domain.leerplicht import LeerplichtStatus, leerplicht_start, leerplicht_status
from casusoverleg.domain.recurrence import Region

_FOUR_WEEKS_DAYS = 28
_THREE_MONTHS = relativedelta(months=3)


class ThuiszitterSignal(_Labelled):
    """How long a child has been at home without education, by the pact's norms."""

    GEEN = ("GEEN", "geen signaal")
    VIER_WEKEN = ("VIER_WEKEN", "langer dan 4 weken thuis")
    DRIE_MAANDEN = ("DRIE_MAANDEN", "langer dan 3 maanden thuis")


def counted_since(
    absent_since: date | None, on: date, birth: date | None, region: Region = Region.NOORD
) -> date | None:
    """The first day that counts as at home without school, or None if none counts on `on`."""
    if absent_since is None or birth is None:
        return absent_since
    if leerplicht_status(birth, on, region) in (
        LeerplichtStatus.NOG_NIET_LEERPLICHTIG,
        LeerplichtStatus.NIET_MEER_PLICHTIG,
    ):
        return None
    return max(absent_since, leerplicht_start(birth, region))


def thuiszitter_signal(
    absent_since: date | None,
    on: date,
    birth: date | None = None,
    region: Region = Region.NOORD,
) -> ThuiszitterSignal:
    """The signal for a child absent since `absent_since` (None: not absent) on day `on`."""
    absent_since = counted_since(absent_since, on, birth, region)
    if absent_since is None:
        return ThuiszitterSignal.GEEN
    # "More than": exactly 3 calendar months (or exactly 28 days) is not yet past the norm.
    if on > absent_since + _THREE_MONTHS:
        return ThuiszitterSignal.DRIE_MAANDEN
    if (on - absent_since).days > _FOUR_WEEKS_DAYS:
        return ThuiszitterSignal.VIER_WEKEN
    return ThuiszitterSignal.GEEN


def weeks_absent(
    absent_since: date | None,
    on: date,
    birth: date | None = None,
    region: Region = Region.NOORD,
) -> int:
    """Whole weeks absent on day `on`; 0 when not absent or the start lies in the future."""
    absent_since = counted_since(absent_since, on, birth, region)
    if absent_since is None:
        return 0
    return max(0, (on - absent_since).days // 7)
