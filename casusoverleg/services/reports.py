"""Rapportage: the figures the annual leerplicht report needs, computed from the store.

Counts of cases per ground and year of registration, the time from registration to the
group's first advice, and how long thuiszitters were (or are) at home. Only numbers leave
this module: no names, no case numbers.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from casusoverleg.domain.enums import ExemptionGround, MeetingStatus
from casusoverleg.domain.thuiszitter import ThuiszitterSignal, thuiszitter_signal
from casusoverleg.services.store import Store
from casusoverleg.store.models import AgendaItem, Case, Meeting, MinutesEntry


@dataclass(frozen=True)
class AdviceTime:
    """Days from registration to the first advice, for the cases registered in one year."""

    year: int
    cases: int  # cases of that year that have had an advice
    median_days: float | None
    max_days: int | None


@dataclass(frozen=True)
class ThuiszitterDurations:
    """How long thuiszitters were at home (to their closing date, or to today if still open)."""

    total: int
    still_at_home: int
    median_days: float | None
    max_days: int | None
    # How many reached each norm of the Thuiszitterspact (4 weeks, 3 months), by signal.
    by_signal: dict[ThuiszitterSignal, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Statistics:
    """The Rapportage figures on one day."""

    as_of: date
    years: list[int]
    # Cases registered per (ground, year); every ground is listed, also with no cases.
    counts: dict[tuple[ExemptionGround, int], int]
    advice_times: list[AdviceTime]  # one per registration year with an advice, oldest first
    advice_overall: AdviceTime  # year 0: all years together
    thuiszitters: ThuiszitterDurations

    def count(self, ground: ExemptionGround, year: int) -> int:
        """Cases with this ground registered in this year."""
        return self.counts.get((ground, year), 0)

    def total_for_year(self, year: int) -> int:
        """All cases registered in this year."""
        return sum(self.count(g, year) for g in ExemptionGround)

    def total_for_ground(self, ground: ExemptionGround) -> int:
        """All cases with this ground, over all years."""
        return sum(self.count(ground, y) for y in self.years)


def _advice_time(year: int, days: list[int]) -> AdviceTime:
    return AdviceTime(
        year=year,
        cases=len(days),
        median_days=float(stats.median(days)) if days else None,
        max_days=max(days) if days else None,
    )


def statistics(store: Store, *, today: date | None = None) -> Statistics:
    """Counts per ground and year, time to first advice, thuiszitter durations."""
    today = today or date.today()
    with store.read() as session:
        rows = session.execute(
            select(Case.id, Case.ground, Case.registered_on, Case.absent_since, Case.closed_on)
        ).all()
        # The first advice per case: the earliest meeting (not cancelled) with an advice
        # recorded on the case's item; corrections (amends_id) are not advice.
        first_advice = dict(
            session.execute(
                select(AgendaItem.case_id, func.min(Meeting.date))
                .join(MinutesEntry, MinutesEntry.agenda_item_id == AgendaItem.id)
                .join(Meeting, AgendaItem.meeting_id == Meeting.id)
                .where(
                    AgendaItem.case_id.is_not(None),
                    MinutesEntry.advice.is_not(None),
                    MinutesEntry.amends_id.is_(None),
                    Meeting.status != str(MeetingStatus.GEANNULEERD),
                )
                .group_by(AgendaItem.case_id)
            ).all()
        )
    counts: Counter[tuple[ExemptionGround, int]] = Counter()
    days_by_year: dict[int, list[int]] = defaultdict(list)
    at_home: list[int] = []
    still = 0
    signals: Counter[ThuiszitterSignal] = Counter()
    for case_id, ground_text, registered, absent_since, closed_on in rows:
        ground = ExemptionGround(ground_text)
        counts[(ground, registered.year)] += 1
        advised = first_advice.get(case_id)
        if advised is not None and advised >= registered:
            days_by_year[registered.year].append((advised - registered).days)
        if ground == ExemptionGround.THUISZITTER and absent_since is not None:
            end = min(closed_on or today, today)
            if end < absent_since:
                continue
            at_home.append((end - absent_since).days)
            still += closed_on is None
            signals[thuiszitter_signal(absent_since, end)] += 1
    years = sorted({year for _ground, year in counts})
    all_days = [d for days in days_by_year.values() for d in days]
    return Statistics(
        as_of=today,
        years=years,
        counts=dict(counts),
        advice_times=[_advice_time(y, days_by_year[y]) for y in sorted(days_by_year)],
        advice_overall=_advice_time(0, all_days),
        thuiszitters=ThuiszitterDurations(
            total=len(at_home),
            still_at_home=still,
            median_days=float(stats.median(at_home)) if at_home else None,
            max_days=max(at_home) if at_home else None,
            by_signal={s: signals.get(s, 0) for s in ThuiszitterSignal},
        ),
    )
