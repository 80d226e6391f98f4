"""Retention dates of case files (Selectielijst gemeenten en intergemeentelijke organen, VNG).

Category 12.1.3: leerplicht files are kept until 19 years after the child's birth date.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

DEFAULT_RETENTION_YEARS = 19


def retention_date(birth: date, years: int = DEFAULT_RETENTION_YEARS) -> date:
    """The day a case file may be destroyed: the birthday `years` after `birth`.

    A 29 February birth has its birthday on 28 February in a non-leap year.
    """
    if years < 1:
        raise ValueError(f"bewaartermijn moet minstens 1 jaar zijn, niet {years}")
    return birth + relativedelta(years=years)


def is_past_retention(birth: date, on: date, years: int = DEFAULT_RETENTION_YEARS) -> bool:
    """Whether the retention period has ended on day `on` (true from the retention date on)."""
    # "Bewaren tot 19 jaar na geboortedatum": the period runs up to that birthday, so on the
    # birthday itself the file is due for destruction.
    return on >= retention_date(birth, years)
