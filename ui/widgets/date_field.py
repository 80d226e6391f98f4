"""A date typed as dd-mm-jjjj, with a calendar to pick from; used by every screen with dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from casusoverleg.domain.dates import DATE_HINT, parse_date

from ui.common import format_date


class DateField(QWidget):
    """A date typed as dd-mm-jjjj (empty allowed), with a calendar to pick from."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(DATE_HINT)
        self.edit.setMaxLength(10)
        width = self.edit.fontMetrics().horizontalAdvance("00-00-00000") + 16
        self.edit.setFixedWidth(width)
        self.edit.textEdited.connect(lambda _text: self.edited.emit())

        self.calendar = QCalendarWidget()
        self.calendar.setLocale(QLocale())
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.menu = QMenu(self)
        holder = QWidgetAction(self.menu)
        holder.setDefaultWidget(self.calendar)
        self.menu.addAction(holder)
        self.menu.aboutToShow.connect(self._show_current)

        self.button = QToolButton()
        self.button.setArrowType(Qt.ArrowType.DownArrow)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(self.menu)
        self.button.setToolTip("Kies een datum in de kalender")
        self.button.setAccessibleName("Kalender")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; }")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        """What is typed."""
        return self.edit.text()

    def set_text(self, text: str) -> None:
        """Show `text` (a dd-mm-jjjj date or whatever was typed before)."""
        self.edit.setText(text)

    def value(self) -> date | None:
        """The typed date, None when empty; ValueError (Dutch) when it is no date."""
        return parse_date(self.edit.text())

    def _show_current(self) -> None:
        try:
            current = self.value() or date.today()
        except ValueError:
            current = date.today()
        self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))

    def _picked(self, picked: QDate) -> None:
        self.edit.setText(format_date(date(picked.year(), picked.month(), picked.day())))
        self.menu.close()
        self.edit.setFocus()
        self.edited.emit()
