"""The dossier's lines about the law (issue 11): what the case file records and what the
Leerplichtwet says about it on the day the dossier is made.

The law status is `CaseRecord.law` (the one computation, `domain.case_law.law_status`); this
module only words it for the dossier.
"""

from __future__ import annotations

from datetime import date

from casusoverleg.domain.leerplicht import LeerplichtStatus
from casusoverleg.domain.thuiszitter import ThuiszitterSignal
from casusoverleg.services.cases import CaseRecord


def _day(value: date | None) -> str:
    return f"{value:%d-%m-%Y}" if value else ""


def _leerplicht(case: CaseRecord) -> str:
    law = case.law
    if law is None:
        return case.leerplicht.label
    if law.leerplicht in (LeerplichtStatus.NOG_NIET_LEERPLICHTIG, LeerplichtStatus.LEERPLICHTIG):
        # Art. 3 lid 1: from the first school day of the month after the fifth birthday.
        return f"{law.leerplicht.label} (leerplicht vanaf {_day(law.leerplicht_from)})"
    return law.leerplicht.label


def _notice(case: CaseRecord) -> str:
    law = case.law
    if law is None or law.notice_due is None or law.notice_kind is None:
        return ""
    return f"{_day(law.notice_due)} ({law.notice_kind.label}, art. 6 lid 2 Leerplichtwet)"


def _thuiszitter(case: CaseRecord) -> str:
    law = case.law
    if law is None or law.thuiszitter == ThuiszitterSignal.GEEN:
        return ""
    days = law.days_at_home
    return f"{law.thuiszitter.label} ({days} {'dag' if days == 1 else 'dagen'})"


def _enrolled(case: CaseRecord) -> str:
    if case.enrolled is None:
        return ""
    if not case.enrolled:
        return "nee"
    return f"ja, sinds {_day(case.enrolled_since)}" if case.enrolled_since else "ja"


def _statement(case: CaseRecord) -> str:
    parts = [case.expert_name]
    if case.expert_profession is not None:
        parts.append(case.expert_profession.label)
    if case.expert_statement_on:
        parts.append(f"verklaring van {_day(case.expert_statement_on)}")
    text = ", ".join(p for p in parts if p)
    if not text:
        return ""
    if case.expert_not_treating:
        text += "; niet de behandelaar"
    if case.never_fit:
        text += "; nooit geschikt (art. 6 lid 3)"
    return text


def _parents(case: CaseRecord) -> str:
    return ": ".join(p for p in (_day(case.parents_involved_on), case.parents_involved_how) if p)


def dossier_law_facts(case: CaseRecord) -> list[tuple[str, str]]:
    """(label, value) lines for the dossier's case facts; empty values are left out later."""
    return [
        ("Leerplicht", _leerplicht(case)),
        ("Kennisgeving uiterlijk", _notice(case)),
        ("Ingeschreven op een school", _enrolled(case)),
        ("Thuis sinds", _day(case.absent_since)),
        ("Terug op school", _day(case.back_at_school_on)),
        ("Thuiszitter", _thuiszitter(case)),
        ("Vrijstelling vanaf", _day(case.exemption_from)),
        ("Vrijstelling tot", _day(case.exemption_until)),
        ("Verklaring deskundige (art. 7)", _statement(case)),
        ("Ouders betrokken", _parents(case)),
        ("Kind gehoord op", _day(case.child_heard_on)),
    ]
