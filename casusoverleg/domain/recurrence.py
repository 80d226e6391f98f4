"""The dates of a meeting series around Dutch public holidays and school holidays (no I/O).

A series recurs every K weeks on a weekday, or on the n-th weekday of every K months
("tweede dinsdag van de maand"), and ends after `count` meetings or on `until`. A date that
falls on a skipped holiday is dropped or moved to the next suitable day, per series. `count`
counts meetings that take place: a dropped date does not use up one of them.

Public holidays are the algemeen erkende feestdagen of the Algemene termijnenwet (the same list
the legal deadlines use, see `deadlines.feestdagen`). School holidays come from the `holidays`
package (category SCHOOL, subdivisions Noord/Midden/Zuid), which carries the dates of the
Regeling vaststelling schoolvakanties 2013-2016 … 2025-2030; a year for which it lacks any
break is named in `SeriesPlan.warnings` rather than silently not checked.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import holidays
from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from casusoverleg.domain.deadlines import feestdagen
from casusoverleg.errors import BadInput

MAX_COUNT = 500
MAX_YEARS = 10
# The breaks every calendar year has besides the Christmas break (whose January and December
# parts both fall in every year); a year without one of them is not fully known.
SCHOOL_BREAKS = ("Voorjaarsvakantie", "Meivakantie", "Zomervakantie", "Herfstvakantie")
CHRISTMAS_BREAK = "Kerstvakantie"

WEEKDAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
ORDINALS = {1: "eerste", 2: "tweede", 3: "derde", 4: "vierde", -1: "laatste"}
_SATURDAY = 5


class Region(StrEnum):
    """The three school-holiday regions; Zwolle lies in Noord."""

    NOORD = "noord"
    MIDDEN = "midden"
    ZUID = "zuid"

    @property
    def label(self) -> str:
        """The region's name as the holidays package and the Rijksoverheid write it."""
        return self.value.capitalize()


class SkipMode(StrEnum):
    """What happens to a date that falls on a skipped holiday."""

    DROP = "drop"
    MOVE = "move"

    @property
    def label(self) -> str:
        """Dutch label for screen and messages."""
        return "vervalt" if self is SkipMode.DROP else "verplaatsen"


class Frequency(StrEnum):
    """Weekly (every K weeks on a weekday) or monthly (the n-th weekday every K months)."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats: weekday 0 is Monday; `nth` is 1-4 or -1 (last), monthly only."""

    frequency: Frequency
    weekday: int
    interval: int = 1
    nth: int | None = None

    @classmethod
    def weekly(cls, weekday: int, every_weeks: int = 1) -> Recurrence:
        """Every `every_weeks` weeks on `weekday`."""
        return cls(Frequency.WEEKLY, weekday, every_weeks)

    @classmethod
    def monthly(cls, weekday: int, nth: int, every_months: int = 1) -> Recurrence:
        """The `nth` `weekday` of every `every_months` months (nth -1: the last one)."""
        return cls(Frequency.MONTHLY, weekday, every_months, nth)

    def check(self) -> None:
        """Raise BadInput (in Dutch) if the rule cannot be used."""
        if not 0 <= self.weekday <= 6:
            raise BadInput("Kies een weekdag van maandag tot en met zondag.")
        if self.frequency is Frequency.WEEKLY:
            if not 1 <= self.interval <= 52:
                raise BadInput("Het aantal weken tussen twee overleggen moet 1 tot 52 zijn.")
            if self.nth is not None:
                raise BadInput("Een wekelijkse reeks heeft geen 'n-de weekdag van de maand'.")
        else:
            if not 1 <= self.interval <= 12:
                raise BadInput("Het aantal maanden tussen twee overleggen moet 1 tot 12 zijn.")
            if self.nth not in ORDINALS:
                raise BadInput(
                    "Kies de eerste, tweede, derde, vierde of laatste weekdag van de maand."
                )

    def describe(self) -> str:
        """The rule in Dutch, e.g. "om de 2 weken op dinsdag", "elke tweede dinsdag"."""
        day = WEEKDAY_NAMES[self.weekday]
        if self.frequency is Frequency.WEEKLY:
            if self.interval == 1:
                return f"elke week op {day}"
            return f"om de {self.interval} weken op {day}"
        ordinal = ORDINALS.get(self.nth or 0, "?")
        if self.interval == 1:
            return f"elke {ordinal} {day} van de maand"
        return f"de {ordinal} {day} van elke {self.interval} maanden"

    def to_json(self) -> str:
        """The rule as stored in `meeting_series.recurrence`."""
        data: dict[str, Any] = {
            "frequency": str(self.frequency),
            "interval": self.interval,
            "weekday": self.weekday,
        }
        if self.nth is not None:
            data["nth"] = self.nth
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, *, default_weekday: int = 0) -> Recurrence:
        """Read a stored rule; an empty one ("{}") is weekly on `default_weekday`."""
        data = json.loads(text or "{}")
        nth = data.get("nth")
        return cls(
            Frequency(data.get("frequency", Frequency.WEEKLY)),
            int(data.get("weekday", default_weekday)),
            int(data.get("interval", 1)),
            int(nth) if nth is not None else None,
        )

    def occurrences(self, start: date, last: date) -> Iterator[date]:
        """The rule's dates from `start` up to and including `last`, before any skipping."""
        day = weekday(self.weekday, self.nth) if self.nth is not None else weekday(self.weekday)
        if self.frequency is Frequency.WEEKLY:
            # rrule counts K-week periods from the week of dtstart, so a start on a Thursday
            # for "every 2 weeks on Tuesday" would skip the coming Tuesday: anchor on it.
            start += timedelta(days=(self.weekday - start.weekday()) % 7)
        rule = rrule(
            WEEKLY if self.frequency is Frequency.WEEKLY else MONTHLY,
            dtstart=datetime.combine(start, datetime.min.time()),
            interval=self.interval,
            byweekday=day,
            until=datetime.combine(last, datetime.min.time()),
        )
        for moment in rule:
            yield moment.date()


@dataclass(frozen=True)
class SkipRules:
    """Which holidays a series avoids, and the school-holiday region."""

    public: bool = True
    school: bool = True
    region: Region = Region.NOORD

    def describe(self) -> str:
        """In Dutch, e.g. "feestdagen en schoolvakanties (regio Noord)"."""
        parts = []
        if self.public:
            parts.append("feestdagen")
        if self.school:
            parts.append(f"schoolvakanties (regio {self.region.label})")
        return " en ".join(parts) if parts else "niets"


@dataclass(frozen=True)
class SkippedDate:
    """A date of the rule that falls on a holiday; `moved_to` is None when it is dropped."""

    date: date
    reason: str
    moved_to: dt.date | None = None


@dataclass(frozen=True)
class PlannedDate:
    """A meeting date and the date of the rule it stands in for (the same unless moved)."""

    date: date
    original_date: dt.date

    @property
    def moved(self) -> bool:
        """Whether the meeting was moved off a holiday."""
        return self.date != self.original_date


@dataclass(frozen=True)
class SeriesPlan:
    """What a series would look like: its meetings, the skipped dates, and any warnings."""

    planned: tuple[PlannedDate, ...]
    skipped: tuple[SkippedDate, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def dates(self) -> list[date]:
        """The dates on which a meeting takes place, in order."""
        return [p.date for p in self.planned]


# -- holidays ------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def school_holidays(year: int, region: Region) -> MappingProxyType[date, str]:
    """The school-holiday days of `year` in `region`, date → Dutch name (weekends included)."""
    found = holidays.country_holidays(
        "NL",
        subdiv=region.label,
        years=year,
        categories=(holidays.SCHOOL,),
        language="nl",
    )
    # Read-only because every caller shares the cached mapping.
    return MappingProxyType({day: str(name) for day, name in found.items()})


def missing_school_breaks(year: int, region: Region) -> list[str]:
    """The breaks the holidays package does not know for `year` (empty when complete)."""
    names = set("; ".join(school_holidays(year, region).values()).split("; "))
    expected = (CHRISTMAS_BREAK, *SCHOOL_BREAKS)
    return [name for name in expected if name not in names]


class HolidayLookup:
    """Why a day is skipped under some rules; collects warnings about unknown school years."""

    def __init__(self, rules: SkipRules) -> None:
        self.rules = rules
        self.warnings: list[str] = []
        self._checked_years: set[int] = set()

    def reason(self, day: date) -> str | None:
        """The Dutch name(s) of the holiday(s) on `day` that the rules skip, or None."""
        names: list[str] = []
        if self.rules.public and (name := feestdagen(day.year).get(day)):
            names.append(name)
        if self.rules.school:
            self._check_year(day.year)
            if name := school_holidays(day.year, self.rules.region).get(day):
                names.extend(n for n in name.split("; ") if n not in names)
        return "; ".join(names) or None

    def _check_year(self, year: int) -> None:
        if year in self._checked_years:
            return
        self._checked_years.add(year)
        missing = missing_school_breaks(year, self.rules.region)
        if not missing:
            return
        region = f"regio {self.rules.region.label}"
        if len(missing) == len(SCHOOL_BREAKS) + 1:
            what = f"De schoolvakanties van {year} ({region}) zijn nog niet bekend"
        else:
            what = f"Van {year} is niet bekend: {', '.join(missing)} ({region})"
        self.warnings.append(
            f"{what}. Data in {year} zijn daarop niet gecontroleerd; controleer ze zelf."
        )


# -- planning -----------------------------------------------------------------------------------


def check_end(start: date, count: int | None, until: date | None) -> None:
    """Raise BadInput unless exactly one sensible end (a count or a last date) is given."""
    if (count is None) == (until is None):
        raise BadInput("Geef óf een aantal overleggen óf een einddatum, niet allebei of geen.")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise BadInput(f"Het aantal overleggen moet 1 tot {MAX_COUNT} zijn.")
    if until is not None:
        if until < start:
            raise BadInput("De einddatum ligt vóór de begindatum.")
        if until > _horizon(start):
            raise BadInput(f"Een reeks kan hoogstens {MAX_YEARS} jaar vooruit worden gepland.")


def _horizon(start: date) -> date:
    try:
        return start.replace(year=start.year + MAX_YEARS)
    except ValueError:  # 29 February
        return start.replace(year=start.year + MAX_YEARS, day=28)


def _move_target(
    day: date,
    lowest: date,
    before: date,
    lookup: HolidayLookup,
    used: Collection[date],
) -> date | None:
    """The day a skipped meeting moves to, or None if no day suits.

    Later in the same week, else earlier in the same week, else the first working day after
    it; always after `lowest` and before `before` (the rule's next date), never on a weekend,
    a skipped day or another meeting's date.
    """

    def suitable(d: date) -> bool:
        return (
            lowest < d < before
            and d.weekday() < _SATURDAY
            and d not in used
            and lookup.reason(d) is None
        )

    monday = day - timedelta(days=day.weekday())
    later = [day + timedelta(days=n) for n in range(1, 5 - day.weekday())]
    earlier = [day - timedelta(days=n) for n in range(1, day.weekday() + 1)]
    for d in (*later, *earlier):
        if suitable(d):
            return d
    d = monday + timedelta(days=7)
    while d < before:
        if suitable(d):
            return d
        d += timedelta(days=1)
    return None


def plan_series(
    start: date,
    recurrence: Recurrence,
    *,
    count: int | None = None,
    until: date | None = None,
    skip: SkipRules | None = None,
    skip_mode: SkipMode = SkipMode.DROP,
    since: date | None = None,
    taken: Collection[date] = (),
    reserved: Collection[date] = (),
) -> SeriesPlan:
    """The meeting dates of a series and every date skipped for a holiday, with its name.

    `since` leaves out the rule's dates before it (used when only the future is regenerated;
    `count` then counts from there). `taken` are days that already have a meeting (never used
    for a new or moved one); `reserved` are dates of the rule that a kept meeting stands in for
    (left out without counting).
    """
    recurrence.check()
    check_end(start, count, until)
    lookup = HolidayLookup(skip if skip is not None else SkipRules(public=False, school=False))
    last = until if until is not None else _horizon(start)
    rule_dates = list(recurrence.occurrences(start, last))
    first = max(start, since) if since is not None else start
    used: set[date] = set(taken)
    planned: list[PlannedDate] = []
    skipped: list[SkippedDate] = []
    lowest = first - timedelta(days=1)  # a moved meeting never goes before this
    for index, day in enumerate(rule_dates):
        if count is not None and len(planned) >= count:
            break
        if day < first:
            continue
        if day in reserved:
            lowest = max(lowest, day)
            continue
        reason = lookup.reason(day)
        if reason is None and day in used:
            reason = "er is al een overleg op deze dag"
        if reason is None:
            planned.append(PlannedDate(day, day))
            used.add(day)
            lowest = day
            continue
        target = None
        if skip_mode is SkipMode.MOVE:
            after_last = last + timedelta(days=1)  # `until` itself may still take a meeting
            following = rule_dates[index + 1] if index + 1 < len(rule_dates) else after_last
            before = min(following, after_last)
            target = _move_target(day, lowest, before, lookup, used)
        skipped.append(SkippedDate(day, reason, target))
        if target is not None:
            planned.append(PlannedDate(target, day))
            used.add(target)
            lowest = max(lowest, target, day)
        else:
            lowest = max(lowest, day)
    warnings = list(lookup.warnings)
    if count is not None and len(planned) < count:
        warnings.append(
            f"Binnen {MAX_YEARS} jaar passen maar {len(planned)} van de {count} overleggen."
        )
    return SeriesPlan(tuple(planned), tuple(skipped), tuple(warnings))
