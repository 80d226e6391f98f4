"""The fields of the case form, what they hold, and the signals computed from them."""

from __future__ import annotations

from datetime import date

from casusoverleg.domain.deadlines import renewal_deadline
from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.domain.leerplicht import leerplicht_status
from casusoverleg.domain.retention import RetentionTerm
from casusoverleg.domain.thuiszitter import ThuiszitterSignal, thuiszitter_signal, weeks_absent
from casusoverleg.services.cases import CaseRecord

from ui.common import format_date, long_date, plural

# The fields of a case in screen order: (name, label with mnemonic).
FIELDS = (
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
    ("exemption_until", "Vri&jstelling tot"),
    ("notes", "Notities"),
)
# Alt+B and Alt+G open the main window's menus, so no mnemonic here uses those letters.
DATE_FIELDS = ("birth_date", "registered_on", "absent_since", "review_date", "exemption_until")
TEXT_FIELDS = ("case_number", "first_name", "last_name", "school")
TAB_DETAILS, TAB_HISTORY, TAB_ACTIONS, TAB_LOG = range(4)

# The computed signals on the gegevens tab: (key, label).
SIGNALS = (
    ("leerplicht", "Leerplicht"),
    ("renewal", "Verlengen vóór"),
    ("thuiszitter", "Thuiszitter"),
    ("retention", "Bewaren tot"),
)

# What a form holds, as the widgets show it: raw text for text and date fields, the chosen
# value for combos. Unsaved values are kept in this form while the store is locked.
FormState = dict[str, str]


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
        "exemption_until": format_date(record.exemption_until),
        "notes": record.notes,
    }


def new_case_state(today: date) -> FormState:
    """The form state of a new case: registered today, status aangemeld, the rest empty."""
    state = dict.fromkeys((name for name, _label in FIELDS), "")
    state["status"] = str(CaseStatus.AANGEMELD)
    state["registered_on"] = format_date(today)
    return state


def signal_texts(
    *,
    birth: date | None,
    absent: date | None,
    ground: ExemptionGround | None,
    retention: RetentionTerm | None,
    today: date,
) -> dict[str, str]:
    """The signals of the values being typed, as the form shows them (one text per SIGNALS key).

    `retention` is the store's term (from the case form's view); None while nothing is loaded.
    """
    unknown = "— (vul de geboortedatum in)"
    texts = {"leerplicht": unknown, "retention": unknown}
    if birth is not None:
        texts["leerplicht"] = leerplicht_status(birth, today).label
        texts["retention"] = "—" if retention is None else long_date(retention.until(birth))
    deadline = renewal_deadline(ground, today) if ground else None
    texts["renewal"] = long_date(deadline) if deadline else "niet van toepassing (alleen art. 5)"
    if ground != ExemptionGround.THUISZITTER:
        texts["thuiszitter"] = "niet van toepassing"
    elif absent is None:
        texts["thuiszitter"] = "— (vul 'thuis sinds' in)"
    else:
        signal = thuiszitter_signal(absent, today, birth)
        weeks = plural(weeks_absent(absent, today, birth), "week", "weken")
        texts["thuiszitter"] = (
            f"nog geen signaal ({weeks} thuis)"
            if signal == ThuiszitterSignal.GEEN
            else f"{signal.label} ({weeks} thuis)"
        )
    return texts
