"""Plausibility of a case against the Leerplichtwet: combinations the law does not allow.

Each finding names its rule (a stable code, kept with the case once a user confirmed it) and
the article it rests on. They are warnings, not errors: the file may know more than the birth
date (a pupil who finished basisschool early, art. 3 lid 2), so a user may confirm one; an
import rejects the row unless the file confirms it. The articles are quoted in
docs/leerplichtwet.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from casusoverleg.domain.case_law import CaseLawFacts
from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.domain.leerplicht import (
    LeerplichtStatus,
    birthday,
    leerplicht_end,
    leerplicht_start,
    leerplicht_status,
)
from casusoverleg.domain.recurrence import Region

_STATEMENT_MAX_AGE = relativedelta(months=3)


def format_date(d: date) -> str:
    """A date as the messages show it (dd-mm-jjjj)."""
    return f"{d:%d-%m-%Y}"


@dataclass(frozen=True)
class Finding:
    """One implausible combination: rule code, the article, and a Dutch message."""

    code: str
    article: str
    message: str

    @property
    def text(self) -> str:
        """The message with its article, as the form and the import show it."""
        return f"{self.message} ({self.article})"


def school_year_end(on: date) -> date:
    """31 July that ends the school year `on` lies in (WPO art. 1: 1 August – 31 July)."""
    return date(on.year, 7, 31) if on.month < 8 else date(on.year + 1, 7, 31)


def check(facts: CaseLawFacts, registered_on: date, region: Region = Region.NOORD) -> list[Finding]:
    """What does not fit the law in a case registered on `registered_on`."""
    found: list[Finding] = []
    birth = facts.birth_date
    status = leerplicht_status(birth, registered_on, region)
    ground = facts.ground
    last_year_end = leerplicht_end(birth)  # 31 July of the last school year of leerplicht
    # A request may come in the school year before the one it is for.
    this_year = school_year_end(registered_on)
    next_year = date(this_year.year + 1, 7, 31)
    if status == LeerplichtStatus.NIET_MEER_PLICHTIG:
        found.append(
            Finding(
                "NIET_MEER_PLICHTIG",
                "Lpw art. 4b",
                f"Op {format_date(registered_on)} was dit kind al 18: niet meer leer- of "
                "kwalificatieplichtig",
            )
        )
    elif (
        ground == ExemptionGround.ART15
        and status != LeerplichtStatus.KWALIFICATIEPLICHTIG
        and last_year_end != this_year  # asked in the last school year, for the year after
    ):
        found.append(
            Finding(
                "ART15_LEEFTIJD",
                "Lpw art. 15 lid 1, art. 4a",
                "Art. 15 geldt alleen voor een kwalificatieplichtige jongere; op "
                f"{format_date(registered_on)} is dit kind {status.label}",
            )
        )
    if ground == ExemptionGround.ART3A and registered_on < birthday(birth, 14):
        found.append(
            Finding(
                "ART3A_LEEFTIJD",
                "Lpw art. 3a lid 1",
                "Vervangende leerplicht (art. 3a) kan pas vanaf 14 jaar; dit kind wordt 14 op "
                f"{format_date(birthday(birth, 14))}",
            )
        )
    if ground == ExemptionGround.ART3B and last_year_end not in (this_year, next_year):
        found.append(
            Finding(
                "ART3B_SCHOOLJAAR",
                "Lpw art. 3b lid 1, art. 3 lid 1",
                "Art. 3b geldt alleen voor het laatste schooljaar van de leerplicht; voor dit "
                f"kind is dat het schooljaar tot {format_date(last_year_end)}",
            )
        )
    # Art. 11 exempts from regular attendance, a duty that starts with the leerplicht (art. 4
    # lid 1). A thuiszitter or preventive case may well be registered before it starts.
    if status == LeerplichtStatus.NOG_NIET_LEERPLICHTIG and ground == ExemptionGround.ART11:
        found.append(
            Finding(
                "NOG_NIET_LEERPLICHTIG",
                "Lpw art. 11, art. 4 lid 1",
                f"Op {format_date(registered_on)} is dit kind nog niet leerplichtig (vanaf "
                f"{format_date(leerplicht_start(birth, region))})",
            )
        )
    start = leerplicht_start(birth, region)
    exemption_days = [d for d in (facts.exemption_from, facts.exemption_until) if d is not None]
    if exemption_days and min(exemption_days) < start:
        found.append(
            Finding(
                "VRIJSTELLING_VOOR_LEERPLICHT",
                "Lpw art. 3 lid 1, art. 5",
                "De vrijstelling valt (deels) vóór het begin van de leerplicht op "
                f"{format_date(start)}",
            )
        )
    if (
        ground == ExemptionGround.ART5_A
        and facts.expert_statement_on is not None
        and facts.exemption_from is not None
        and facts.expert_statement_on + _STATEMENT_MAX_AGE < facts.exemption_from
    ):
        found.append(
            Finding(
                "VERKLARING_TE_OUD",
                "Lpw art. 7",
                "De verklaring van de deskundige is meer dan drie maanden ouder dan het begin "
                "van de vrijstelling",
            )
        )
    return found


def unconfirmed(findings: list[Finding], confirmed: str) -> list[Finding]:
    """The findings whose rule is not among the `confirmed` codes ("," between)."""
    codes = {c.strip() for c in confirmed.split(",") if c.strip()}
    return [f for f in findings if f.code not in codes]


def confirmed_codes(findings: list[Finding], already: str = "") -> str:
    """The stored form of `already` plus the codes of `findings` (sorted, "," between)."""
    codes = {c.strip() for c in already.split(",") if c.strip()} | {f.code for f in findings}
    return ",".join(sorted(codes))
