"""The line above a screen's work area that says what happened, or why something was not done."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui import style


class MessageLabel(QLabel):
    """A wrapped, selectable message; red for a problem, hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Say `text` (in the error colour when `error`); an empty text hides the line."""
        self.setText(text)
        self.setStyleSheet(style.ERROR_STYLE if error else "")
        self.setVisible(bool(text))

    @property
    def message(self) -> str:
        """What the line says now ('' when hidden)."""
        return self.text() if self.isVisibleTo(self.parentWidget() or self) else ""
