"""The fields of the case form, what they hold, and the signals the law's rules give for them."""

from __future__ import annotations

from datetime import date

from casusoverleg.domain.case_law import CaseLawFacts, LawStatus, law_status
from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.retention import RetentionTerm
from casusoverleg.domain.thuiszitter import ThuiszitterSignal
from casusoverleg.services.cases import CaseRecord

from ui.common import format_date, long_date, plural

TAB_DETAILS, TAB_LAW, TAB_HISTORY, TAB_ACTIONS, TAB_LOG = range(5)
LAW_TAB_TITLE = "Vrijstelling, school en betro&kkenheid"

# The fields of a case in screen order: (name, label with mnemonic). Alt+B and Alt+G open the
# main window's menus, and the tab titles take S, K, P, U and L, so no label uses those letters.
# A mnemonic is unique on its own tab: the labels of a hidden tab take no shortcut.
FIELDS = (
    # Gegevens
    ("case_number", "Casus&nummer"),
    ("first_name", "&Voornaam"),
    ("last_name", "&Achternaam"),
    ("birth_date", "Geboorte&datum"),
    ("school", "Sc&hool"),
    ("ground", "G&rond"),
    ("status", "S&tatus"),
    ("owner_id", "&Casushouder"),
    ("registered_on", "Aangemeld &op"),
    ("absent_since", "Thuis s&inds"),
    ("review_date", "Herb&eoordeling"),
    ("notes", "Notities"),
    # Vrijstelling, school en betrokkenheid
    ("exemption_from", "Vrijstelling &vanaf"),
    ("exemption_until", "Vri&jstelling tot"),
    ("expert_name", "&Deskundige"),
    ("expert_profession", "Be&roep"),
    ("expert_statement_on", "D&atum verklaring"),
    ("expert_not_treating", "&Niet de behandelend arts of deskundige"),
    ("never_fit", "Verklaring: nooit ges&chikt voor school (art. 6 lid 3)"),
    ("enrolled", "&Ingeschreven op een school"),
    ("enrolled_since", "Ingeschr&even sinds"),
    ("back_at_school_on", "&Terug op school"),
    ("parents_involved_on", "&Ouders betrokken op"),
    ("parents_involved_how", "&Wijze van betrekken"),
    ("child_heard_on", "Kind ge&hoord op"),
)
# The fields' names as a screen reader and the error summary say them ("Geboortedatum").
FIELD_NAMES = {name: label.replace("&", "") for name, label in FIELDS}
DATE_FIELDS = (
    "birth_date",
    "registered_on",
    "absent_since",
    "review_date",
    "exemption_from",
    "exemption_until",
    "expert_statement_on",
    "enrolled_since",
    "back_at_school_on",
    "parents_involved_on",
    "child_heard_on",
)
TEXT_FIELDS = (
    "case_number",
    "first_name",
    "last_name",
    "school",
    "expert_name",
    "parents_involved_how",
)
COMBO_FIELDS = ("ground", "status", "owner_id", "expert_profession", "enrolled")
CHECK_FIELDS = ("expert_not_treating", "never_fit")
# The fields on the second tab (the rest are on "Gegevens").
LAW_TAB_FIELDS = frozenset(name for name, _label in FIELDS[12:])
# "Ingeschreven op een school": the combo's values (stored as True, False or None).
ENROLLED_CHOICES = (("", "onbekend"), ("ja", "ja"), ("nee", "nee"))
CHECKED = "1"

# The computed signals on the gegevens tab: (key, label).
SIGNALS = (
    ("leerplicht", "Leerplicht"),
    ("notice", "Kennisgeving (art. 6)"),
    ("thuiszitter", "Thuiszitter"),
    ("statement", "Verklaring art. 7"),
    ("retention", "Bewaren tot"),
)

# What a form holds, as the widgets show it: raw text for text and date fields, the chosen
# value for combos, CHECKED or "" for a checkbox. Unsaved values are kept in this form while
# the store is locked.
FormState = dict[str, str]


def enrolled_value(text: str) -> bool | None:
    """The stored value of the "ingeschreven" combo's choice."""
    return {"ja": True, "nee": False}.get(text)


def enrolled_text(value: bool | None) -> str:
    """The "ingeschreven" combo's choice for a stored value."""
    return "" if value is None else "ja" if value else "nee"


def record_state(record: CaseRecord) -> FormState:
    """The form state that shows `record` as stored."""
    return {
        "case_number": record.case_number,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "birth_date": format_date(record.birth_date),
        "school": record.school,
        "ground": str(record.ground),
        "status": str(record.status),
        "owner_id": "" if record.owner_id is None else str(record.owner_id),
        "registered_on": format_date(record.registered_on),
        "absent_since": format_date(record.absent_since),
        "review_date": format_date(record.review_date),
        "notes": record.notes,
        "exemption_from": format_date(record.exemption_from),
        "exemption_until": format_date(record.exemption_until),
        "expert_name": record.expert_name,
        "expert_profession": str(record.expert_profession or ""),
        "expert_statement_on": format_date(record.expert_statement_on),
        "expert_not_treating": CHECKED if record.expert_not_treating else "",
        "never_fit": CHECKED if record.never_fit else "",
        "enrolled": enrolled_text(record.enrolled),
        "enrolled_since": format_date(record.enrolled_since),
        "back_at_school_on": format_date(record.back_at_school_on),
        "parents_involved_on": format_date(record.parents_involved_on),
        "parents_involved_how": record.parents_involved_how,
        "child_heard_on": format_date(record.child_heard_on),
    }


def new_case_state(today: date) -> FormState:
    """The form state of a new case: registered today, status aangemeld, the rest empty."""
    state = dict.fromkeys((name for name, _label in FIELDS), "")
    state["status"] = str(CaseStatus.AANGEMELD)
    state["registered_on"] = format_date(today)
    return state


def _notice_text(facts: CaseLawFacts, law: LawStatus) -> str:
    if law.notice_kind is not None and law.notice_due is not None:
        return f"{law.notice_kind.label}, uiterlijk {long_date(law.notice_due)}"
    if not facts.ground.is_art5:
        return "niet van toepassing (alleen art. 5)"
    if law.notice_waived:
        return "niet nodig: art. 6 lid 3 (nooit geschikt volgens de verklaring)"
    return "niet van toepassing"


def _thuiszitter_text(facts: CaseLawFacts, law: LawStatus) -> str:
    if facts.ground != ExemptionGround.THUISZITTER:
        return "niet van toepassing"
    if facts.absent_since is None:
        return "— (vul 'thuis sinds' in)"
    days = plural(law.days_at_home, "dag", "dagen")
    if law.home.ongoing:
        if law.thuiszitter == ThuiszitterSignal.GEEN:
            return f"nog geen signaal ({days} thuis geteld)"
        return f"{law.thuiszitter.label} ({days} thuis geteld)"
    back = facts.back_at_school_on
    if back is not None and back <= law.on:
        return f"geen signaal: terug op school sinds {long_date(back)} ({days} thuis geteld)"
    if law.exemption_in_force:
        return f"telt niet: vrijstelling loopt ({days} thuis geteld)"
    if not law.is_plichtig:
        return f"geen signaal: {law.leerplicht.label} ({days} thuis geteld)"
    if facts.absent_since > law.on:
        return "geen signaal: 'thuis sinds' ligt na vandaag"
    if facts.status == CaseStatus.AFGESLOTEN:
        return f"geen signaal: casus afgesloten ({days} thuis geteld)"
    return f"geen signaal ({days} thuis geteld)"


def _statement_text(facts: CaseLawFacts, law: LawStatus) -> str:
    if law.statement_missing:
        return "ontbreekt (nodig voor een vrijstelling op grond van art. 5 onder a)"
    if facts.ground != ExemptionGround.ART5_A:
        return "niet van toepassing (alleen art. 5 onder a)"
    if facts.expert_statement_on is None:
        return "—"
    return f"gegeven op {long_date(facts.expert_statement_on)}"


def signal_texts(
    facts: CaseLawFacts | None,
    *,
    birth: date | None,
    retention: RetentionTerm | None,
    region: Region,
    today: date,
) -> dict[str, str]:
    """The signals of the values being typed, as the form shows them (one text per SIGNALS key).

    `facts` come from the typed case (`CaseInput.law_facts()`, None while birth date or ground
    is missing); every law signal is read from `case_law.law_status` on them. `retention` is
    the store's term (from the case form's view); None while nothing is loaded.
    """
    texts = {"retention": "— (vul de geboortedatum in)"}
    if birth is not None:
        texts["retention"] = "—" if retention is None else long_date(retention.until(birth))
    if facts is None:
        missing = "— (vul de geboortedatum en de grond in)"
        return {key: texts.get(key, missing) for key, _label in SIGNALS}
    law = law_status(facts, today, region)
    texts["leerplicht"] = f"{law.leerplicht.label} (vanaf {long_date(law.leerplicht_from)})"
    texts["notice"] = _notice_text(facts, law)
    texts["thuiszitter"] = _thuiszitter_text(facts, law)
    texts["statement"] = _statement_text(facts, law)
    return texts
