"""The school year the council report is made for: 1 August – 31 July.

Lpw art. 25 asks the yearly report on the leerplicht per school year; a school year runs from
1 August to 31 July (WPO art. 1, "schooljaar"). `plausibility.school_year_end` gives the last day
of the school year of a date; this module names the whole year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casusoverleg.domain.plausibility import school_year_end


@dataclass(frozen=True, order=True)
class SchoolYear:
    """One school year, named by the calendar year it begins in (2025: 2025-2026)."""

    first_year: int

    @property
    def start(self) -> date:
        """1 August, its first day."""
        return date(self.first_year, 8, 1)

    @property
    def end(self) -> date:
        """31 July, its last day."""
        return date(self.first_year + 1, 7, 31)

    @property
    def label(self) -> str:
        """As reports name it: "2025-2026"."""
        return f"{self.first_year}-{self.first_year + 1}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def overlaps(self, first: date, last: date) -> bool:
        """Whether the days `first` … `last` (both included) touch this school year."""
        return first <= self.end and last >= self.start


def school_year_of(day: date) -> SchoolYear:
    """The school year `day` lies in."""
    return SchoolYear(school_year_end(day).year - 1)
