"""What the Leerplichtwet says about one case on one day: the one computation every screen,
document, report and the command line use (`law_status`).

The rules themselves live beside it (leerplicht age in `leerplicht`, notice dates in
`deadlines`, time at home in `thuiszitter`); this module puts a case's facts through them, so
that the Overzicht, the case list and form, the agenda proposal, the Rapportage and
`cases --json` cannot disagree. The articles are quoted in docs/leerplichtwet.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casusoverleg.domain.deadlines import previous_working_day, yearly_notice_due
from casusoverleg.domain.enums import CaseStatus, ExemptionGround, _Labelled
from casusoverleg.domain.leerplicht import (
    LeerplichtStatus,
    first_notice_due,
    leerplicht_start,
    leerplicht_status,
)
from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.thuiszitter import HomePeriod, ThuiszitterSignal, home_period

_PLICHTIG = (LeerplichtStatus.LEERPLICHTIG, LeerplichtStatus.KWALIFICATIEPLICHTIG)


class NoticeKind(_Labelled):
    """Which art. 6 notice is due next (Lpw art. 6 lid 2)."""

    EERSTE = ("EERSTE", "eerste kennisgeving")  # lid 2 onder a
    JAARLIJKS = ("JAARLIJKS", "jaarlijkse kennisgeving")  # lid 2 onder b


@dataclass(frozen=True)
class CaseLawFacts:
    """The facts of one case that the law's rules read (plain values, no store)."""

    ground: ExemptionGround
    birth_date: date
    status: CaseStatus = CaseStatus.AANGEMELD
    absent_since: date | None = None
    back_at_school_on: date | None = None
    closed_on: date | None = None
    exemption_from: date | None = None
    exemption_until: date | None = None
    enrolled: bool | None = None
    expert_statement_on: date | None = None
    never_fit: bool = False


@dataclass(frozen=True)
class LawStatus:
    """What the rules say about a case on day `on`."""

    on: date
    leerplicht: LeerplichtStatus
    leerplicht_from: date
    notice_kind: NoticeKind | None  # None: no art. 6 notice due
    notice_due: date | None  # the day to act by (a working day)
    notice_waived: bool  # no yearly notice because of art. 6 lid 3 ("nooit geschikt")
    thuiszitter: ThuiszitterSignal
    home: HomePeriod  # the days at home that count, up to `on`
    exemption_in_force: bool
    statement_missing: bool  # 5 onder a without an art. 7 statement

    @property
    def days_at_home(self) -> int:
        """Days at home without school that count (leer- or kwalificatieplicht, no exemption)."""
        return self.home.days

    @property
    def is_plichtig(self) -> bool:
        """Leerplichtig or kwalificatieplichtig on `on`."""
        return self.leerplicht in _PLICHTIG


def exemption_in_force(facts: CaseLawFacts, on: date) -> bool:
    """Whether the case's exemption runs on day `on` (start given, end not passed)."""
    if facts.exemption_from is None or facts.exemption_from > on:
        return False
    return facts.exemption_until is None or on <= facts.exemption_until


def is_closed(facts: CaseLawFacts, on: date) -> bool:
    """Whether the case is closed on day `on` (a case closed later was still open then)."""
    if facts.status != CaseStatus.AFGESLOTEN:
        return False
    return facts.closed_on is None or facts.closed_on <= on


def notice_due(
    facts: CaseLawFacts, on: date, region: Region = Region.NOORD
) -> tuple[NoticeKind | None, date | None, bool]:
    """The next art. 6 notice of an art. 5 exemption, the working day to act by, and whether
    art. 6 lid 3 waived a yearly notice that would otherwise be due.

    - Before the leerplicht begins: the first notice, "ten minste een maand voordat de jongere
      leerplichtig wordt" (Lpw art. 6 lid 2 onder a; `first_notice_due`).
    - While leer- or kwalificatieplichtig: "elk jaar opnieuw voor 1 juli" (art. 6 lid 2 onder
      b): 30 June, or the last working day before it. The exemption's own end date does not
      waive it: the article asks a notice every year for as long as the exemption is claimed.
      None when the plicht has ended by 1 July, since there is nothing left to claim for the
      next school year.
    - None for a 5 onder a case whose art. 7 statement says the child will never be fit for
      school (art. 6 lid 3: "Het tweede lid onder b is niet van toepassing, indien uit de in
      artikel 7 bedoelde verklaring blijkt, dat de jongere nooit geschikt zal zijn …").
    - None for grounds that are not art. 5, for a closed case, and once the plicht has ended.
    """
    if not facts.ground.is_art5 or is_closed(facts, on):
        return None, None, False
    status = leerplicht_status(facts.birth_date, on, region)
    if status == LeerplichtStatus.NOG_NIET_LEERPLICHTIG:
        return (
            NoticeKind.EERSTE,
            previous_working_day(first_notice_due(facts.birth_date, region)),
            False,
        )
    if status not in _PLICHTIG:
        return None, None, False
    due = yearly_notice_due(on)
    if leerplicht_status(facts.birth_date, date(due.year, 7, 1), region) not in _PLICHTIG:
        return None, None, False
    if (
        facts.ground == ExemptionGround.ART5_A
        and facts.never_fit
        and facts.expert_statement_on is not None
    ):
        return None, None, True
    return NoticeKind.JAARLIJKS, previous_working_day(due), False


def law_status(facts: CaseLawFacts, on: date, region: Region = Region.NOORD) -> LawStatus:
    """Everything the law's rules say about the case on day `on`."""
    closed_on = facts.closed_on if facts.status == CaseStatus.AFGESLOTEN else None
    home = home_period(
        facts.absent_since,
        on,
        facts.birth_date,
        region,
        back_on=facts.back_at_school_on,
        closed_on=closed_on,
        exemption=(facts.exemption_from, facts.exemption_until),
    )
    # Only a thuiszitter case gets the pact's signal; a child at home under art. 11 (ziekte,
    # verlof) or with an exemption has a ground to be absent.
    signal = home.signal if facts.ground == ExemptionGround.THUISZITTER else ThuiszitterSignal.GEEN
    kind, due, waived = notice_due(facts, on, region)
    return LawStatus(
        on=on,
        leerplicht=leerplicht_status(facts.birth_date, on, region),
        leerplicht_from=leerplicht_start(facts.birth_date, region),
        notice_kind=kind,
        notice_due=due,
        notice_waived=waived,
        thuiszitter=signal,
        home=home,
        exemption_in_force=exemption_in_force(facts, on),
        # Lpw art. 7: a 5 onder a exemption can be claimed only with the statement.
        statement_missing=facts.ground == ExemptionGround.ART5_A
        and facts.expert_statement_on is None
        and not is_closed(facts, on),
    )
