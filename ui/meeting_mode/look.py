"""How meeting mode looks on a projector: large type, colours by palette, short texts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ui.widgets.date_field import DateField

FONT_SCALE = 1.3  # the whole window: readable on a projector


def capitalised(text: str) -> str:
    """ "aanhouden" → "Aanhouden" (labels are lower case for use inside sentences)."""
    return text[:1].upper() + text[1:]


def short(text: str, limit: int = 280) -> str:
    """`text` on one line, cut at `limit` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def heading(text: str, scale: float = 1.0, *, bold: bool = True) -> QLabel:
    """A label `scale` times the window's text size (which is FONT_SCALE times the usual)."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * FONT_SCALE * scale)
    font.setBold(bold)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def set_colour(widget: QWidget, colour: str) -> None:
    """Text colour by palette ("" for the normal one); a style sheet would drop the large font."""
    palette = QApplication.palette(widget)
    if colour:
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    widget.setPalette(palette)


def fit_date_field(field: DateField) -> None:
    """Make a date field wide enough for a date in the font it has now (the window's)."""
    width = field.edit.fontMetrics().horizontalAdvance("00-00-00000") + 16
    field.edit.setFixedWidth(width)


def buddy(text: str, widget: QWidget) -> QLabel:
    """A label whose &-key puts the keyboard on `widget`."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label
