"""Every case with what the law's rules say about it on a day (`cases --json [--on]`).

The same computations as the screens: `case_law.law_status` for leerplicht, notices and time
at home (as the Overzicht and the case form), `agenda.reasons_on` for why a case would be
proposed (as the agenda proposal), `cases.retention_term` for the retention date. No names:
a script gets casusnummers and dates, and the listing is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from casusoverleg.domain.agenda import ProposalReason
from casusoverleg.domain.case_law import LawStatus, law_status
from casusoverleg.domain.enums import AuditAction, CaseStatus, ExemptionGround
from casusoverleg.domain.leerplicht import LeerplichtStatus
from casusoverleg.domain.thuiszitter import ThuiszitterSignal
from casusoverleg.services import audit
from casusoverleg.services.agenda import reasons_on
from casusoverleg.services.cases import LAW_COLUMNS, law_facts_from, region_of, retention_term
from casusoverleg.services.store import Store
from casusoverleg.store.models import Case

# The leerplicht status as `cases --json` writes it (issue 11 names these four values).
_LEERPLICHT_JSON = {
    LeerplichtStatus.NOG_NIET_LEERPLICHTIG: "nog niet leerplichtig",
    LeerplichtStatus.LEERPLICHTIG: "leerplichtig",
    LeerplichtStatus.KWALIFICATIEPLICHTIG: "kwalificatieplichtig",
    LeerplichtStatus.NIET_MEER_PLICHTIG: "niet meer leerplichtig",
}
# The thuiszitter signal as `cases --json` writes it (null for none).
_SIGNAL_JSON = {
    ThuiszitterSignal.GEEN: None,
    ThuiszitterSignal.VIER_WEKEN: "4 weken",
    ThuiszitterSignal.DRIE_MAANDEN: "3 maanden",
}


@dataclass(frozen=True)
class CaseStatusLine:
    """One case on one day: its number, ground and status, and what the rules say."""

    case_id: int
    case_number: str
    ground: ExemptionGround
    status: CaseStatus
    law: LawStatus
    retention_date: date
    reasons: list[ProposalReason]

    def to_json(self) -> dict[str, Any]:
        """The object `cases --json` prints (Dutch keys, ISO dates, null for none)."""
        law = self.law
        return {
            "casusnummer": self.case_number,
            "grond": self.ground.label,
            "status": self.status.label,
            "leerplicht": _LEERPLICHT_JSON[law.leerplicht],
            "leerplicht_vanaf": law.leerplicht_from.isoformat(),
            "kennisgeving": law.notice_kind.label if law.notice_kind else None,
            "kennisgeving_uiterlijk": law.notice_due.isoformat() if law.notice_due else None,
            "thuiszitter": _SIGNAL_JSON[law.thuiszitter],
            "dagen_thuis": law.days_at_home,
            "vrijstelling_loopt": law.exemption_in_force,
            "verklaring_art7_ontbreekt": law.statement_missing,
            "bewaren_tot": self.retention_date.isoformat(),
            "agenda_redenen": [reason.label for reason in self.reasons],
        }


def case_statuses(store: Store, on: date | None = None) -> list[CaseStatusLine]:
    """Every case, by casusnummer, with the rules' answers on day `on`; the listing is logged."""
    on = on or date.today()
    with store.write() as session:
        region = region_of(session)
        term = retention_term(session)
        reasons = reasons_on(session, on)
        query = select(Case.id, Case.case_number, *LAW_COLUMNS).order_by(Case.case_number)
        lines = []
        for case_id, number, *law_values in session.execute(query):
            facts = law_facts_from(law_values)
            lines.append(
                CaseStatusLine(
                    case_id=case_id,
                    case_number=number,
                    ground=facts.ground,
                    status=facts.status,
                    law=law_status(facts, on, region),
                    retention_date=term.until(facts.birth_date),
                    reasons=reasons.get(case_id, []),
                )
            )
        audit.record(
            session,
            store,
            AuditAction.EXPORT,
            object_type="casussen",
            detail=f"{len(lines)} casussen met status op {on.isoformat()} (cases --json)",
        )
        return lines
