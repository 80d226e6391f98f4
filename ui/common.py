"""Small things the screens share: Dutch dates and counts, short ground labels, questions."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QMessageBox, QWidget

from casusoverleg.domain.enums import ExemptionGround

from ui import dialogs

# What fits in a table column; the long label (ExemptionGround.label) goes in the tooltip.
GROUND_SHORT = {
    ExemptionGround.ART5_A: "art. 5 onder a",
    ExemptionGround.ART5_B: "art. 5 onder b",
    ExemptionGround.ART5_C: "art. 5 onder c",
    ExemptionGround.ART15: "art. 15",
    ExemptionGround.ART3A: "art. 3a",
    ExemptionGround.ART3B: "art. 3b",
    ExemptionGround.ART11: "art. 11",
    ExemptionGround.THUISZITTER: "thuiszitter",
    ExemptionGround.PREVENTIEF: "preventief",
}

_DUTCH = QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands)


def format_date(value: date | None) -> str:
    """A date as the screen shows it in tables and fields: dd-mm-jjjj."""
    return value.strftime("%d-%m-%Y") if value else ""


def long_date(value: date) -> str:
    """A date written out in Dutch: "dinsdag 13 januari 2026"."""
    return _DUTCH.toString(QDate(value.year, value.month, value.day), "dddd d MMMM yyyy")


def plural(count: int, one: str, many: str) -> str:
    """ "1 dag", "3 dagen"; the number with the Dutch thousands separator."""
    return f"{QLocale().toString(count)} {one if count == 1 else many}"


def ask(
    parent: QWidget, title: str, text: str, *, yes: str, no: str = "Annuleren", detail: str = ""
) -> bool:
    """Ask a yes/no question in Dutch (`no`, Annuleren unless named, is the default); True for
    `yes`.

    The screens call it as `common.ask`, so that tests can replace it.
    """
    return dialogs.confirm(parent, title, text, yes, no_text=no, detail=detail)


SAVE, DISCARD, CANCEL = "opslaan", "niet opslaan", "annuleren"


def ask_save_changes(parent: QWidget, text: str) -> str:
    """ "Wijzigingen opslaan?": SAVE, DISCARD or CANCEL. Tests replace this function."""
    box = QMessageBox(QMessageBox.Icon.Question, "Wijzigingen opslaan?", text, parent=parent)
    save = box.addButton("Opslaan", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Niet opslaan", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Annuleren", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    try:
        box.exec()
        clicked = box.clickedButton()
    finally:
        box.deleteLater()
    return SAVE if clicked is save else DISCARD if clicked is discard else CANCEL
