"""Someone else saved the open case meanwhile (issue 15, a shared store): the form shows who
and when, each field that differs with both values, and keeps every typed value. The user
chooses "Mijn versie opslaan" (saves over theirs, knowingly) or "Hun versie laden" (typed
values dropped, after a confirmation), or neither for now. The form asks through `choose` and
`common.ask`, which tests replace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from casusoverleg.services.cases import CaseConflict

from ui import common
from ui import conflict as choosing
from ui.case_form.fields import CHECK_FIELDS, CHECKED, FIELD_NAMES, record_state

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ui.case_form.form import CaseForm

TITLE = "Casus intussen gewijzigd"
MINE, THEIRS, LATER = choosing.MINE, choosing.THEIRS, choosing.LATER
SAVE_MINE, LOAD_THEIRS, NOT_YET = choosing.SAVE_MINE, choosing.LOAD_THEIRS, choosing.NOT_YET
DROP_TYPED = (
    "Uw getypte wijzigingen in deze casus gaan verloren; het formulier toont dan hun versie."
)
KEPT = "Uw getypte waarden staan nog in het formulier; sla op om het opnieuw te proberen."


def _shown(form: CaseForm, name: str, value: str) -> str:
    """A form value as the user sees it (a choice's text, ja/nee for a check box)."""
    if name in CHECK_FIELDS:
        return "ja" if value == CHECKED else "nee"
    widget = form.inputs.get(name)
    if isinstance(widget, QComboBox) and (index := widget.findData(value)) >= 0:
        return widget.itemText(index)
    return value or "(leeg)"


def differences(form: CaseForm, conflict: CaseConflict) -> list[tuple[str, str, str]]:
    """Each differing field: (its name on screen, the typed value, the stored value)."""
    mine, theirs = form.state(), record_state(conflict.theirs)
    rows = []
    for name in conflict.fields:
        if name not in theirs:
            continue  # not on the form (e.g. confirmed rules)
        stored = _shown(form, name, theirs[name])
        if name == "owner_id" and stored == theirs[name]:
            stored = conflict.theirs.owner_name  # an owner the form does not offer
        rows.append((FIELD_NAMES[name], _shown(form, name, mine.get(name, "")), stored))
    return rows


def detail_text(form: CaseForm, conflict: CaseConflict) -> str:
    """The differing fields with both values, one field a paragraph."""
    return "\n".join(
        f"{label}:\n  uw versie: {mine}\n  hun versie: {theirs}"
        for label, mine, theirs in differences(form, conflict)
    )


def focused_field(inputs: Mapping[str, QWidget]) -> str:
    """The name of the form field the cursor is in ("" for none): a draft puts it back there."""
    focus = QApplication.focusWidget()
    for name, widget in inputs.items():
        if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
            return name
    return ""


def choose(parent: QWidget, text: str, detail: str) -> str:
    """MINE, THEIRS or LATER (the default, also Escape). Tests replace this function."""
    return choosing.choose(parent, TITLE, text, detail)


def resolve(form: CaseForm, conflict: CaseConflict, then: Callable[[], None] | None) -> None:
    """Show the conflict on the form and carry out the user's choice; typed values stay."""
    form._show_message(f"Niet opgeslagen: {conflict.message}", error=True)
    form._edited()
    form.save_failed.emit(conflict.message)
    choice = choose(form, conflict.message, detail_text(form, conflict))
    if form._store is None or not form._active:
        return  # locked or closed while asking: the values wait as a draft
    if choice == MINE:
        form._record = conflict.theirs  # save over their version, which the user has seen
        form.save(then)
    elif choice == THEIRS and common.ask(
        form, "Hun versie laden?", DROP_TYPED, yes="Hun versie laden", no="Terug"
    ):
        form._draft = None
        form._fetch()
    else:
        form._show_message(f"Niet opgeslagen: {conflict.message} {KEPT}", error=True)
