"""Rapportage: the figures of the council's yearly leerplicht report, per school year.

Lpw art. 25 lid 1 asks the report "over het in het laatst afgesloten school- of cursusjaar"; a
school year runs from 1 August to 31 July (`domain.school_year`). Per school year: the
exemptions by ground (new, renewed, ended), the children at home without school by the policy
definition (enrolled thuiszitters, absolute verzuimers and those whose enrolment is unknown)
apart from children at home under art. 11, the median days at home, what the group advised at
the meetings held in it, and how long the cases registered in it waited for a first advice.
Every duration comes from `case_law.law_status` (its `HomePeriod`): only days in leer- or
kwalificatieplicht, without an exemption, up to the day back at school, count. Only numbers
leave this module: no names, no case numbers.

Interpretations (the law is silent; docs/leerplichtwet.md): a child counts in a school year if
a day of its counted stretch at home lies in it; the stretch's days and the norm it passed
(> 4 weeks, > 3 months) are those up to the end of the school year (or `today`), so a child
who passed 3 months before 1 August and is still at home counts as "> 3 maanden" again. A case
with an exemption ground counts as an exemption from its start date, or from its registration
day when that is empty.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select

from casusoverleg.domain.case_law import CaseLawFacts, exemption_in_force, is_closed, law_status
from casusoverleg.domain.enums import Advice, ExemptionGround, MeetingStatus, _Labelled
from casusoverleg.domain.leerplicht import LeerplichtStatus, leerplicht_status
from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.school_year import SchoolYear, school_year_of
from casusoverleg.domain.thuiszitter import HomePeriod, ThuiszitterSignal
from casusoverleg.services.cases import LAW_COLUMNS, law_facts_from, region_of
from casusoverleg.services.store import Store
from casusoverleg.store.models import AgendaItem, Case, Meeting, MinutesEntry

# The grounds that are an exemption or replace the leerplicht (Lpw art. 5 onder a/b/c, 15, 3a,
# 3b). Art. 5a (travelling families) has no ground of its own in the store; art. 11 is leave of
# absence, reported with the children at home.
EXEMPTION_GROUNDS = (
    ExemptionGround.ART5_A,
    ExemptionGround.ART5_B,
    ExemptionGround.ART5_C,
    ExemptionGround.ART15,
    ExemptionGround.ART3A,
    ExemptionGround.ART3B,
)
# Advice that keeps the child in education: "an alternative instead of an exemption".
ALTERNATIVE_ADVICE = (
    Advice.ONDERWIJS_ZORGARRANGEMENT,
    Advice.DEELTIJDROOSTER,
    Advice.TERUGLEIDINGSTRAJECT,
)


class HomeGroup(_Labelled):
    """Which count a child at home without school falls in (policy definitions, see docs)."""

    THUISZITTER = ("THUISZITTER", "thuiszitters, ingeschreven (langdurig relatief verzuim)")
    ABSOLUUT = ("ABSOLUUT", "absoluut verzuim (niet ingeschreven)")
    ONBEKEND = ("ONBEKEND", "thuiszitters, inschrijving onbekend")
    ART11 = ("ART11", "thuis met grond art. 11 (ziekte, verlof)")


@dataclass(frozen=True)
class ExemptionCounts:
    """Exemptions of one ground in one school year."""

    new: int = 0  # began in the school year
    renewed: int = 0  # began before it and was still in force in it
    ended: int = 0  # ended (end date or closing) in it
    # Of those counted: without a start date, so counted from the registration day.
    from_registration: int = 0


@dataclass(frozen=True)
class HomeFigures:
    """Children of one group at home without school in one school year."""

    children: int = 0  # with days at home that count, in the school year
    over_four_weeks: int = 0  # reached "> 4 weeks" (also those past 3 months)
    over_three_months: int = 0
    at_home_at_end: int = 0  # still at home on the school year's last day (or today)
    median_days: float | None = None
    max_days: int | None = None


@dataclass(frozen=True)
class AdviceFigures:
    """What the group advised at the meetings held in one school year."""

    by_advice: dict[Advice, int]
    alternative_instead: int  # an alternative to an exemption (ALTERNATIVE_ADVICE)
    exemption: int  # "vrijstelling passend"
    exemption_with_alternatives: int  # of those: with the alternatives weighed recorded

    @property
    def total(self) -> int:
        """All advice given in the school year."""
        return sum(self.by_advice.values())


@dataclass(frozen=True)
class AdviceTime:
    """Days from registration to the group's first advice, for the cases registered in one
    school year that have had one."""

    cases: int = 0
    median_days: float | None = None
    max_days: int | None = None


@dataclass(frozen=True)
class YearFigures:
    """The Rapportage figures of one school year."""

    year: SchoolYear
    exemptions: dict[ExemptionGround, ExemptionCounts]
    home: dict[HomeGroup, HomeFigures]
    advice: AdviceFigures
    advice_time: AdviceTime = AdviceTime()

    def exemption(self, ground: ExemptionGround) -> ExemptionCounts:
        """The counts of one ground (zeros when none)."""
        return self.exemptions.get(ground, ExemptionCounts())

    @property
    def exemption_total(self) -> ExemptionCounts:
        """All grounds together."""
        rows = [self.exemption(g) for g in EXEMPTION_GROUNDS]
        return ExemptionCounts(
            sum(r.new for r in rows),
            sum(r.renewed for r in rows),
            sum(r.ended for r in rows),
            sum(r.from_registration for r in rows),
        )


@dataclass(frozen=True)
class Report:
    """The Rapportage on one day: one `YearFigures` per school year, oldest first."""

    as_of: date
    years: list[YearFigures]

    def year(self, first_year: int) -> YearFigures | None:
        """The figures of the school year that begins in `first_year`, if any."""
        return next((y for y in self.years if y.year.first_year == first_year), None)


@dataclass(frozen=True)
class _CaseRow:
    facts: CaseLawFacts
    registered_on: date | None
    first_advice: date | None = None


def _exemption_counts(
    rows: Sequence[_CaseRow], year: SchoolYear, as_of: date, region: Region
) -> dict[ExemptionGround, ExemptionCounts]:
    new: Counter[ExemptionGround] = Counter()
    renewed: Counter[ExemptionGround] = Counter()
    ended: Counter[ExemptionGround] = Counter()
    fallback: Counter[ExemptionGround] = Counter()
    last_day = min(year.end, as_of)
    for row in rows:
        facts = row.facts
        if facts.ground not in EXEMPTION_GROUNDS:
            continue
        # Interpretation: a case with an exemption ground and no start date counts from the day
        # it was registered (the screen says so).
        start = facts.exemption_from or row.registered_on
        if start is None:
            continue
        dated = replace(facts, exemption_from=start)
        closed_on = facts.closed_on if is_closed(facts, date.max) else None
        ends = [d for d in (facts.exemption_until, closed_on) if d is not None]
        end = min(ends) if ends else None
        counted = False
        if year.start <= start <= last_day:
            new[facts.ground] += 1
            counted = True
        elif (
            start < year.start <= last_day
            and exemption_in_force(dated, year.start)
            and not is_closed(facts, year.start - timedelta(days=1))
            # No renewal once the plicht has ended (Lpw art. 4b: the 18th birthday).
            and leerplicht_status(facts.birth_date, year.start, region)
            != LeerplichtStatus.NIET_MEER_PLICHTIG
        ):
            renewed[facts.ground] += 1
            counted = True
        if end is not None and start <= end and year.start <= end <= last_day:
            ended[facts.ground] += 1
            counted = True
        if counted and facts.exemption_from is None:
            fallback[facts.ground] += 1
    return {
        g: ExemptionCounts(new[g], renewed[g], ended[g], fallback[g])
        for g in EXEMPTION_GROUNDS
        if new[g] or renewed[g] or ended[g]
    }


def _group(facts: CaseLawFacts) -> HomeGroup | None:
    if facts.ground == ExemptionGround.ART11:
        return HomeGroup.ART11
    if facts.ground != ExemptionGround.THUISZITTER:
        return None
    if facts.enrolled is None:
        return HomeGroup.ONBEKEND
    return HomeGroup.THUISZITTER if facts.enrolled else HomeGroup.ABSOLUUT


def home_in_year(
    facts: CaseLawFacts, year: SchoolYear, as_of: date, region: Region = Region.NOORD
) -> HomePeriod | None:
    """The counted stretch at home (from `law_status`) up to the end of the school year or
    `as_of`, if any day of it lies in the school year."""
    on = min(year.end, as_of)
    if facts.absent_since is None or on < year.start:
        return None
    home = law_status(facts, on, region).home
    # [since, until): the last day counted is the day before `until`.
    if home.since is None or home.until is None or home.until <= year.start:
        return None
    return home


def _home_figures(periods: list[HomePeriod]) -> HomeFigures:
    days = [p.days for p in periods]
    # The pact's norm the stretch reached, by the one rule (`HomePeriod.signal`), also for a
    # stretch that has ended.
    reached = [replace(p, ongoing=True).signal for p in periods]
    return HomeFigures(
        children=len(periods),
        over_four_weeks=sum(s != ThuiszitterSignal.GEEN for s in reached),
        over_three_months=sum(s == ThuiszitterSignal.DRIE_MAANDEN for s in reached),
        at_home_at_end=sum(p.ongoing for p in periods),
        median_days=float(stats.median(days)) if days else None,
        max_days=max(days) if days else None,
    )


def _home_counts(
    rows: Sequence[_CaseRow], year: SchoolYear, as_of: date, region: Region
) -> dict[HomeGroup, HomeFigures]:
    periods: dict[HomeGroup, list[HomePeriod]] = {g: [] for g in HomeGroup}
    for row in rows:
        group = _group(row.facts)
        if group is None:
            continue
        home = home_in_year(row.facts, year, as_of, region)
        if home is not None:
            periods[group].append(home)
    return {g: _home_figures(p) for g, p in periods.items()}


def _advice_figures(given: Sequence[tuple[date, str, str]], year: SchoolYear) -> AdviceFigures:
    by_advice: Counter[Advice] = Counter()
    weighed = 0
    for held, advice_code, alternatives in given:
        if held not in year:
            continue
        advice = Advice(advice_code)
        by_advice[advice] += 1
        weighed += advice == Advice.VRIJSTELLING_PASSEND and bool(alternatives.strip())
    return AdviceFigures(
        by_advice={a: by_advice[a] for a in Advice},
        alternative_instead=sum(by_advice[a] for a in ALTERNATIVE_ADVICE),
        exemption=by_advice[Advice.VRIJSTELLING_PASSEND],
        exemption_with_alternatives=weighed,
    )


def _advice_time(rows: Sequence[_CaseRow], year: SchoolYear) -> AdviceTime:
    days = [
        (r.first_advice - r.registered_on).days
        for r in rows
        if r.registered_on in year
        and r.first_advice is not None
        and r.registered_on is not None
        and r.first_advice >= r.registered_on
    ]
    if not days:
        return AdviceTime()
    return AdviceTime(len(days), float(stats.median(days)), max(days))


def school_year_report(store: Store, *, today: date | None = None) -> Report:
    """The Rapportage per school year, from the first school year with a case or an advice up
    to the one `today` lies in."""
    as_of = today or date.today()
    held_advice = (
        MinutesEntry.advice.is_not(None),
        # Advice is recorded on the entry itself; corrections (amends_id) are text only.
        MinutesEntry.amends_id.is_(None),
        Meeting.status != str(MeetingStatus.GEANNULEERD),
        Meeting.date <= as_of,
    )
    with store.read() as session:
        region = region_of(session)
        first_advice = dict(
            session.execute(
                select(AgendaItem.case_id, func.min(Meeting.date))
                .join(MinutesEntry, MinutesEntry.agenda_item_id == AgendaItem.id)
                .join(Meeting, AgendaItem.meeting_id == Meeting.id)
                .where(AgendaItem.case_id.is_not(None), *held_advice)
                .group_by(AgendaItem.case_id)
            ).all()
        )
        rows = [
            _CaseRow(law_facts_from(row[2:]), row[1], first_advice.get(row[0]))
            for row in session.execute(select(Case.id, Case.registered_on, *LAW_COLUMNS)).all()
        ]
        given = [
            (held, str(advice), alternatives or "")
            for held, advice, alternatives in session.execute(
                select(Meeting.date, MinutesEntry.advice, MinutesEntry.alternatives)
                .join(AgendaItem, MinutesEntry.agenda_item_id == AgendaItem.id)
                .join(Meeting, AgendaItem.meeting_id == Meeting.id)
                .where(*held_advice)
            ).all()
        ]
    current = school_year_of(as_of)
    starts = [r.registered_on for r in rows if r.registered_on is not None]
    starts += [r.facts.exemption_from for r in rows if r.facts.exemption_from is not None]
    starts += [r.facts.absent_since for r in rows if r.facts.absent_since is not None]
    starts += [held for held, _a, _alt in given]
    first = min((school_year_of(d) for d in starts), default=current)
    years = [SchoolYear(y) for y in range(min(first, current).first_year, current.first_year + 1)]
    figures = []
    for year in years:
        figures.append(
            YearFigures(
                year=year,
                exemptions=_exemption_counts(rows, year, as_of, region),
                home=_home_counts(rows, year, as_of, region),
                advice=_advice_figures(given, year),
                advice_time=_advice_time(rows, year),
            )
        )
    return Report(as_of=as_of, years=figures)
