"""Thuiszitter signals following the Thuiszitterspact norms (4 weeks, 3 months).

`absent_since` is the first day the child was no longer at school; the time absent is counted
as whole days from that day to `on` (so on `absent_since` itself it is 0 days).
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from casusoverleg.domain.enums import _Labelled

_FOUR_WEEKS_DAYS = 28
_THREE_MONTHS = relativedelta(months=3)


class ThuiszitterSignal(_Labelled):
    """How long a child has been at home without education, by the pact's norms."""

    GEEN = ("GEEN", "geen signaal")
    VIER_WEKEN = ("VIER_WEKEN", "langer dan 4 weken thuis")
    DRIE_MAANDEN = ("DRIE_MAANDEN", "langer dan 3 maanden thuis")


def thuiszitter_signal(absent_since: date | None, on: date) -> ThuiszitterSignal:
    """The signal for a child absent since `absent_since` (None: not absent) on day `on`."""
    if absent_since is None:
        return ThuiszitterSignal.GEEN
    # "More than": exactly 3 calendar months (or exactly 28 days) is not yet past the norm.
    if on > absent_since + _THREE_MONTHS:
        return ThuiszitterSignal.DRIE_MAANDEN
    if (on - absent_since).days > _FOUR_WEEKS_DAYS:
        return ThuiszitterSignal.VIER_WEKEN
    return ThuiszitterSignal.GEEN


def weeks_absent(absent_since: date | None, on: date) -> int:
    """Whole weeks absent on day `on`; 0 when not absent or the start lies in the future."""
    if absent_since is None:
        return 0
    return max(0, (on - absent_since).days // 7)
