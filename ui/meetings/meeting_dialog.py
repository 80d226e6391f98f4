"""The small dialog that moves one meeting or plans an extra one: date, time (length, place)."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.services import meetings

from ui import style
from ui.common import format_date, long_date
from ui.widgets.date_field import DateField


class MeetingDialog(QDialog):
    """Date and time of one meeting (to move it); for an extra meeting also length and place."""

    def __init__(
        self,
        title: str,
        *,
        on: date,
        start: time,
        minutes: int | None = None,
        location: str | None = None,
        note: str = "",
        ok_text: str = "OK",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.date_field = DateField()
        self.date_field.set_text(format_date(on))
        self.time_edit = QTimeEdit(QTime(start.hour, start.minute))
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setAccessibleName("Begintijd")
        self.minutes_spin: QSpinBox | None = None
        self.location_edit: QLineEdit | None = None
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(style.ERROR_STYLE)
        self.error_label.hide()
        self.day_label = QLabel()
        self.date_field.edited.connect(self._show_day)

        form = QFormLayout()
        date_label = QLabel("&Datum:")
        date_label.setBuddy(self.date_field)
        form.addRow(date_label, self.date_field)
        form.addRow("", self.day_label)
        time_label = QLabel("&Begintijd:")
        time_label.setBuddy(self.time_edit)
        form.addRow(time_label, self.time_edit)
        if minutes is not None:
            self.minutes_spin = QSpinBox()
            self.minutes_spin.setRange(15, meetings.MAX_MINUTES)
            self.minutes_spin.setSingleStep(15)
            self.minutes_spin.setSuffix(" minuten")
            self.minutes_spin.setValue(minutes)
            self.minutes_spin.setMinimumWidth(
                self.minutes_spin.fontMetrics().horizontalAdvance("480 minuten") + 40
            )
            label = QLabel("D&uur:")
            label.setBuddy(self.minutes_spin)
            form.addRow(label, self.minutes_spin)
        if location is not None:
            self.location_edit = QLineEdit(location)
            self.location_edit.setMaxLength(200)
            self.location_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
            label = QLabel("&Locatie:")
            label.setBuddy(self.location_edit)
            form.addRow(label, self.location_edit)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.addButton("Annuleren", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if note:
            text = QLabel(note)
            text.setWordWrap(True)
            layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._show_day()
        self.date_field.edit.setFocus()
        self.date_field.edit.selectAll()

    def _show_day(self) -> None:
        try:
            value = self.date_field.value()
        except ValueError:
            value = None
        self.day_label.setText(long_date(value) if value else "")

    def chosen_date(self) -> date:
        """The typed date; ValueError (Dutch) if it is empty or no date."""
        value = self.date_field.value()
        if value is None:
            raise ValueError("Vul een datum in.")
        return value

    def chosen_time(self) -> time:
        """The start time."""
        picked = self.time_edit.time()
        return time(picked.hour(), picked.minute())

    def accept(self) -> None:
        """Close only with a valid date."""
        try:
            self.chosen_date()
        except ValueError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            self.date_field.edit.setFocus()
            return
        super().accept()
