"""The case form (Casussen → one case): gegevens, vrijstelling/school/betrokkenheid,
bespreekhistorie, actiepunten, logboek.

`form.py` holds the form and its two editable tabs, `tabs.py` the three read-only tabs, and
`fields.py` what the fields hold and the signals computed from them.
"""

from ui.case_form.fields import (
    FIELDS,
    TAB_ACTIONS,
    TAB_DETAILS,
    TAB_HISTORY,
    TAB_LAW,
    TAB_LOG,
    FormState,
    new_case_state,
    record_state,
)
from ui.case_form.form import CaseForm

__all__ = [
    "FIELDS",
    "TAB_ACTIONS",
    "TAB_DETAILS",
    "TAB_HISTORY",
    "TAB_LAW",
    "TAB_LOG",
    "CaseForm",
    "FormState",
    "new_case_state",
    "record_state",
]
