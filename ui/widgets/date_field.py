"""A date typed as dd-mm-jjjj, with a calendar to pick from; used by every screen with dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from casusoverleg.domain.dates import DATE_HINT, parse_date

from ui.common import format_date

# How the calendar opens from the keyboard; the field's tooltip and description say so.
CALENDAR_KEYS = ("Alt+Down", "F4")
CALENDAR_HINT = "Alt+Omlaag of F4 opent de kalender"


class DateField(QWidget):
    """A date typed as dd-mm-jjjj (empty allowed), with a calendar to pick from.

    One stop for Tab (the edit; the calendar button takes no focus): Alt+Down or F4 in the edit
    opens the calendar, Enter picks the day, Esc closes it and the focus is back in the edit.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(DATE_HINT)
        self.edit.setMaxLength(10)
        width = self.edit.fontMetrics().horizontalAdvance("00-00-00000") + 16
        self.edit.setFixedWidth(width)
        self.edit.textEdited.connect(lambda _text: self.edited.emit())
        self.edit.setToolTip(f"{DATE_HINT}; {CALENDAR_HINT}")
        self.edit.setAccessibleDescription(f"Datum als {DATE_HINT}. {CALENDAR_HINT}.")
        for keys in CALENDAR_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self.edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_calendar)

        self.calendar = QCalendarWidget()
        self.calendar.setLocale(QLocale())
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setAccessibleName("Kalender")
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        # No parent: a popup parented to the field joins the window's focus chain, and Qt 6
        # then sends Tab from the edit back into the edit (a keyboard trap, WCAG 2.1.2).
        self.menu = QMenu()
        self.destroyed.connect(self.menu.deleteLater)
        holder = QWidgetAction(self.menu)
        holder.setDefaultWidget(self.calendar)
        self.menu.addAction(holder)
        self.menu.aboutToShow.connect(self._show_current)
        self.menu.aboutToHide.connect(self._menu_closed)

        self.button = QToolButton()
        self.button.setArrowType(Qt.ArrowType.DownArrow)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(self.menu)
        self.button.setToolTip(f"Kies een datum in de kalender ({CALENDAR_HINT})")
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

    def showEvent(self, event: QShowEvent) -> None:
        """Name the edit after its label: Qt names a field only by a label beside it."""
        super().showEvent(event)
        if self.edit.accessibleName():
            return
        parent = self.parentWidget()
        labels = parent.findChildren(QLabel) if parent is not None else []
        for label in labels:
            if label.buddy() in (self, self.edit) and label.text():
                self.edit.setAccessibleName(label.text().replace("&", "").rstrip(": "))
                return

    def open_calendar(self) -> None:
        """Show the calendar under the field, the typed day (or today) selected and focused."""
        if self.menu.isVisible() or not self.isEnabled():
            return
        self.menu.popup(self.button.mapToGlobal(QPoint(0, self.button.height())))
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _menu_closed(self) -> None:
        if self.edit.isVisible():
            self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

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
