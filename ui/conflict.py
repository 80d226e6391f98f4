"""The choice a conflict offers (issue 15, a shared store): someone else saved the same thing
meanwhile. "Mijn versie opslaan" saves over theirs knowingly, "Hun versie laden" drops what
was typed (the caller confirms first), "Nog niet kiezen" (the default, also Escape) keeps the
typed text and decides nothing yet. Used by the case form and meeting mode."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

MINE, THEIRS, LATER = "mijn versie", "hun versie", "later"
SAVE_MINE, LOAD_THEIRS, NOT_YET = "&Mijn versie opslaan", "&Hun versie laden", "Nog niet kiezen"


def choose(parent: QWidget, title: str, text: str, detail: str) -> str:
    """MINE, THEIRS or LATER (the default, also Escape)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    if detail:
        box.setInformativeText(detail)
    mine = box.addButton(SAVE_MINE, QMessageBox.ButtonRole.AcceptRole)
    theirs = box.addButton(LOAD_THEIRS, QMessageBox.ButtonRole.DestructiveRole)
    later = box.addButton(NOT_YET, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(later)
    box.setEscapeButton(later)
    try:
        box.exec()
        clicked = box.clickedButton()
    finally:
        box.deleteLater()
    return MINE if clicked is mine else THEIRS if clicked is theirs else LATER
