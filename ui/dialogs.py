"""Small modal questions (file choosers, confirmations); tests replace these functions.

Each dialog is made as a child of `parent`, so locking the window can close it (a file chooser
left open must not outlive the store it was opened for).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFileDialog, QMessageBox, QProgressDialog, QWidget

_SUFFIX_IN_FILTER = re.compile(r"\(\*\.(\w+)")


def _file_dialog(parent: QWidget, title: str, folder: str, name_filter: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, folder, name_filter)
    # qtbase_nl.qm leaves these two in English; say them in Dutch ourselves.
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, "Zoeken in:")
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, "Bestandstype:")
    return dialog


def ask_open_file(parent: QWidget, title: str, name_filter: str, folder: str = "") -> Path | None:
    """Let the user pick an existing file; None if cancelled."""
    dialog = _file_dialog(parent, title, folder, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return Path(dialog.selectedFiles()[0])
    finally:
        dialog.deleteLater()


def ask_save_file(parent: QWidget, title: str, name_filter: str, suggestion: str) -> Path | None:
    """Let the user choose where to write a new file (Qt asks before replacing one).

    A name typed without an extension gets the one of the chosen file type.
    """
    dialog = _file_dialog(parent, title, suggestion, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)

    def use_suffix_of(chosen: str) -> None:
        match = _SUFFIX_IN_FILTER.search(chosen)
        dialog.setDefaultSuffix(match.group(1) if match else "")

    use_suffix_of(name_filter.split(";;")[0])
    dialog.filterSelected.connect(use_suffix_of)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return Path(dialog.selectedFiles()[0])
    finally:
        dialog.deleteLater()


def confirm(
    parent: QWidget,
    title: str,
    text: str,
    yes_text: str,
    *,
    detail: str = "",
    no_text: str = "Annuleren",
) -> bool:
    """Ask a yes/no question with a button that names the action; No is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    if detail:
        box.setInformativeText(detail)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(no_text, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    try:
        box.exec()
        return box.clickedButton() is yes
    finally:
        box.deleteLater()


def confirm_with_checkbox(
    parent: QWidget, title: str, text: str, yes_text: str, check_text: str
) -> tuple[bool, bool]:
    """Ask yes/no with a checkbox (e.g. "niet meer vragen"); returns (yes, checked)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("Annuleren", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    check = QCheckBox(check_text)
    box.setCheckBox(check)
    try:
        box.exec()
        return box.clickedButton() is yes, check.isChecked()
    finally:
        box.deleteLater()


def inform(parent: QWidget, title: str, text: str, *, detail: str = "") -> None:
    """Tell the user something happened (a result, not a question)."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    if detail:
        box.setInformativeText(detail)
    box.addButton("OK", QMessageBox.ButtonRole.AcceptRole)
    try:
        box.exec()
    finally:
        box.deleteLater()


def warn(parent: QWidget, title: str, text: str, *, detail: str = "") -> None:
    """Tell the user something went wrong, and why."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    if detail:
        box.setInformativeText(detail)
    box.addButton("OK", QMessageBox.ButtonRole.AcceptRole)
    try:
        box.exec()
    finally:
        box.deleteLater()


def busy_progress(parent: QWidget, title: str, text: str) -> QProgressDialog:
    """A window-modal moving bar for work that cannot be counted or cancelled; close it after."""
    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setWindowTitle(title)
    progress.setCancelButton(None)  # None removes the button
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setMinimumWidth(parent.fontMetrics().averageCharWidth() * 50)
    progress.show()
    return progress
