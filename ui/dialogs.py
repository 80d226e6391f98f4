"""Small modal questions (file choosers, confirmations); tests replace these functions.

Each dialog is made as a child of `parent`, so locking the window can close it (a file chooser
left open must not outlive the store it was opened for).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLayout,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.message import MessageLabel

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


@dataclass(frozen=True)
class FormFrame:
    """What `form_dialog` adds around a dialog's own fields, for the dialog to talk to."""

    ok_button: QPushButton
    cancel_button: QPushButton
    error_label: MessageLabel  # red, hidden until `say_error`
    busy_label: QLabel  # hidden; shown by the dialog while its work runs

    def say_error(self, text: str, field: QWidget | None = None) -> None:
        """Show `text` in red under the fields and put the focus on `field`."""
        self.error_label.show_message(text, error=True)
        if field is not None:
            field.setFocus()


def form_dialog(
    dialog: QDialog,
    parts: Sequence[QWidget | QLayout],
    ok_text: str,
    *,
    on_ok: Callable[[], None] | None = None,
    busy_text: str = "",
    width_chars: int = 60,
) -> FormFrame:
    """Lay out a small form dialog: `parts` from top to bottom, an error line, OK and Annuleren.

    OK calls `on_ok` (the dialog's `accept` by default), which checks the fields and closes or
    says what is wrong; `busy_text` is the line shown while the dialog's work runs.
    """
    error_label = MessageLabel()
    busy_label = QLabel(busy_text)
    busy_label.hide()
    buttons = QDialogButtonBox()
    ok_button = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel_button = buttons.addButton("Annuleren", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addWidget(error_label)
    if busy_text:
        layout.addWidget(busy_label)
    layout.addWidget(buttons)
    dialog.setMinimumWidth(dialog.fontMetrics().averageCharWidth() * width_chars)
    return FormFrame(ok_button, cancel_button, error_label, busy_label)
