"""Retention dates of case files (Selectielijst gemeenten en intergemeentelijke organen, VNG).

Category 12.1.3: leerplicht files are kept until 19 years after the child's birth date. The
store's settings may set another term; `RetentionTerm` is the one place a retention date is
computed, and `services.cases.retention_term` the one place that reads the term from the
settings, so that the case form, the case record and the dossier always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

DEFAULT_RETENTION_YEARS = 19


@dataclass(frozen=True)
class RetentionTerm:
    """How long case files are kept: `years` after the child's birth date."""

    years: int

    def __post_init__(self) -> None:
        if self.years < 1:
            raise ValueError(f"bewaartermijn moet minstens 1 jaar zijn, niet {self.years}")

    def until(self, birth: date) -> date:
        """The day a case file may be destroyed: the birthday `years` after `birth`.

        A 29 February birth has its birthday on 28 February in a non-leap year.
        """
        return birth + relativedelta(years=self.years)

    def is_past(self, birth: date, on: date) -> bool:
        """Whether the retention period has ended on day `on` (true from the retention date on)."""
        # "Bewaren tot 19 jaar na geboortedatum": the period runs up to that birthday, so on the
        # birthday itself the file is due for destruction.
        return on >= self.until(birth)
