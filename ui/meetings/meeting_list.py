"""The left of Overleggen: the series filter and the meetings, as a list and as a month.

It only shows what `services.views.meeting_page.meeting_list` read, and says which meeting
the user chose (`meeting_chosen`); the section around it loads it and opens the meeting page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import MeetingStatus
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services.agenda import AgendaCount
from casusoverleg.services.meetings import MeetingInfo, SeriesInfo
from casusoverleg.services.views.meeting_page import MeetingList

from ui import style
from ui.common import long_date, plural
from ui.meetings.texts import agenda_text, is_moved, short_date, status_text
from ui.table_model import RowsTableModel
from ui.widgets.flow import FlowLayout
from ui.widgets.tables import set_up_rows_table

MEETING_ID_ROLE = Qt.ItemDataRole.UserRole
MEETING_COLUMNS = ("Datum", "Tijd", "Status", "Agenda")
COL_DATE, COL_TIME, COL_STATUS, COL_AGENDA = range(4)

ALL_SERIES = -1
EXTRA_MEETINGS = 0  # the series filter's value for meetings outside any series
_DUTCH = QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands)


class MeetingTableModel(RowsTableModel[MeetingInfo]):
    """Meetings by date, with their status and how far their agenda is."""

    column_titles = MEETING_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[int, AgendaCount] = {}
        self._today = date.today()
        self._next_id: int | None = None

    def cell(self, row: MeetingInfo, column: int, role: int) -> Any:
        """Texts, tooltip, the meeting id; past meetings grey, the next one bold."""
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_DATE:
                return short_date(row.date)
            if column == COL_TIME:
                return f"{row.start_time:%H:%M}"
            if column == COL_STATUS:
                return status_text(row)
            if column == COL_AGENDA:
                return agenda_text(row, self._counts.get(row.id))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            # The cell's own text first: a narrow column elides it (issue 13 item 8).
            own = self.cell(row, column, Qt.ItemDataRole.DisplayRole)
            lines = [own, row.title] if own else [row.title]
            if row.location:
                lines.append(row.location)
            if is_moved(row) and row.original_date is not None:
                lines.append(f"Verplaatst van {short_date(row.original_date)}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.FontRole:
            if row.id == self._next_id or row.cancelled:
                font = QFont()
                font.setBold(row.id == self._next_id)
                font.setStrikeOut(row.cancelled and column == COL_DATE)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole and (row.cancelled or row.date < self._today):
            return QBrush(QColor(style.MUTED_COLOUR))
        if role == MEETING_ID_ROLE:
            return row.id
        return None

    def set_meetings(
        self, rows: list[MeetingInfo], counts: dict[int, AgendaCount], today: date
    ) -> None:
        """Show these meetings (already in date order)."""
        self._counts = dict(counts)
        self._today = today
        upcoming = (m for m in rows if m.date >= today and m.status is MeetingStatus.GEPLAND)
        self._next_id = next((m.id for m in upcoming), None)
        self.set_rows(list(rows))

    def clear(self) -> None:
        """Drop every row."""
        self.set_meetings([], {}, self._today)

    def set_counts(self, counts: dict[int, AgendaCount]) -> None:
        """New agenda counts: only the agenda column changes."""
        self._counts = dict(counts)
        if self.rowCount():
            last = self.rowCount() - 1
            self.dataChanged.emit(self.index(0, COL_AGENDA), self.index(last, COL_AGENDA))

    @property
    def next_meeting_id(self) -> int | None:
        """The first planned meeting from today on, if any is shown."""
        return self._next_id


def set_current_row(view: QTableView, row: int, column: int = 0) -> None:
    """Make `row` the current and only selected row of `view`."""
    view.selectionModel().setCurrentIndex(
        view.model().index(row, column),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


class MeetingListWidget(QWidget):
    """The series filter, the meetings as a list and as a month, and the buttons to plan more."""

    meeting_chosen = Signal(object)  # MeetingInfo, or None when there is none to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: list[SeriesInfo] = []
        self._all_meetings: list[MeetingInfo] = []
        self._counts: dict[int, AgendaCount] = {}
        self._today = date.today()
        self._selected_id: int | None = None  # kept over reloads (and a lock)

        self.model = MeetingTableModel(self)
        self.series_combo = QComboBox()
        self.series_combo.setAccessibleName("Overlegreeks")
        self.series_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.series_combo.setMinimumContentsLength(16)  # the popup shows whole names
        self.series_combo.currentIndexChanged.connect(self._fill_meetings)
        self.series_label = QLabel()
        self.series_label.setWordWrap(True)
        self.new_series_button = QPushButton("Nieuwe overleg&reeks…")
        self.new_series_button.setToolTip("Een reeks overleggen plannen (Ctrl+N)")
        self.extra_button = QPushButton("E&xtra overleg…")
        self.extra_button.setToolTip("Eén overleg buiten de reeks plannen")

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Overleggen")
        set_up_rows_table(self.table, name="overleggen")
        metrics = self.table.fontMetrics()
        self.table.setColumnWidth(COL_DATE, metrics.horizontalAdvance("wo 30 september 2026") + 20)
        self.table.setColumnWidth(COL_TIME, metrics.horizontalAdvance("00:00") + 20)
        self.table.setColumnWidth(
            COL_STATUS, metrics.horizontalAdvance("gepland (verplaatst)") + 16
        )
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("overleggen-maand")
        self.calendar.setLocale(_DUTCH)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.clicked.connect(self._day_picked)
        self.calendar.activated.connect(self._day_picked)
        self.calendar_label = QLabel()
        self.calendar_label.setWordWrap(True)
        month_page = QWidget()
        month_column = QVBoxLayout(month_page)
        month_column.addWidget(self.calendar)
        month_column.addWidget(self.calendar_label)
        month_column.addStretch(1)

        self.views = QTabWidget()
        self.views.addTab(self.table, "&Lijst")
        self.views.addTab(month_page, "Maa&nd")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.series_combo)
        layout.addWidget(self.series_label)
        button_row = QWidget()  # one above the other when the list is narrow (200 % text)
        buttons = FlowLayout(button_row)
        buttons.addWidget(self.new_series_button)
        buttons.addWidget(self.extra_button)
        layout.addWidget(button_row)
        layout.addWidget(self.views, 1)
        self._fill_series_combo()

    def width_hint(self) -> int:
        """How wide the list wants to be: its columns, the agenda column's text, a scroll bar."""
        width = sum(self.table.columnWidth(c) for c in range(COL_AGENDA))
        return width + self.table.fontMetrics().horizontalAdvance("12 casussen") + 48

    # What is shown ----------------------------------------------------------------------------

    def show_loading(self) -> None:
        """Say that the list is being read."""
        self.series_label.setText("Overleggen worden geladen…")

    def show_failure(self, exc: CasusoverlegError) -> None:
        """Say that reading the list did not work."""
        self.series_label.setText(style.failed_because(exc))

    def series(self, series_id: int) -> SeriesInfo | None:
        """The shown series with this id (None when it is not on the list)."""
        return next((s for s in self._series if s.id == series_id), None)

    def show_list(self, found: MeetingList) -> None:
        """Show what was read, keeping the chosen series and meeting."""
        self._series = found.series
        self._all_meetings = found.meetings
        self._counts = found.agenda_counts
        self._today = found.today
        self._fill_series_combo()
        self._fill_meetings()

    def set_counts(self, counts: dict[int, AgendaCount]) -> None:
        """New agenda counts (an agenda changed): only the agenda column changes."""
        self._counts = counts
        self.model.set_counts(counts)

    def clear(self) -> None:
        """Drop everything shown (the store is being locked); the chosen meeting is kept."""
        self._series, self._all_meetings, self._counts = [], [], {}
        self.model.clear()
        self._mark_calendar([])
        self._fill_series_combo()
        self.series_label.setText("")

    @property
    def today(self) -> date:
        """The day the list was read."""
        return self._today

    def remember(self, meeting_id: int | None) -> None:
        """Choose this meeting when the list is shown next (None: the next one planned)."""
        self._selected_id = meeting_id

    def select(self, meeting_id: int) -> None:
        """Choose a meeting (from the overview, say); when it is shown next if not shown now."""
        self._selected_id = meeting_id
        if (
            self.series_combo.currentData() not in (ALL_SERIES, None)
            and self.model.row_of(meeting_id) is None
        ):
            self.series_combo.setCurrentIndex(0)
        row = self.model.row_of(meeting_id)
        if row is not None:
            self.views.setCurrentIndex(0)
            set_current_row(self.table, row)
            self.table.scrollTo(self.model.index(row, 0))

    # The list and the month -------------------------------------------------------------------

    def _fill_series_combo(self) -> None:
        wanted = self.series_combo.currentData()
        self.series_combo.blockSignals(True)
        try:
            self.series_combo.clear()
            self.series_combo.addItem("Alle overlegreeksen", ALL_SERIES)
            for series in self._series:
                self.series_combo.addItem(series.name, series.id)
            if any(m.series_id is None for m in self._all_meetings):
                self.series_combo.addItem("Extra overleggen (buiten een reeks)", EXTRA_MEETINGS)
            self.series_combo.setCurrentIndex(max(0, self.series_combo.findData(wanted)))
        finally:
            self.series_combo.blockSignals(False)

    def show_all_series(self) -> None:
        """Show the meetings of every series (a new series was just planned)."""
        self.series_combo.setCurrentIndex(max(0, self.series_combo.findData(ALL_SERIES)))

    def _visible_meetings(self) -> list[MeetingInfo]:
        chosen = self.series_combo.currentData()
        if chosen in (ALL_SERIES, None):
            return list(self._all_meetings)
        if chosen == EXTRA_MEETINGS:
            return [m for m in self._all_meetings if m.series_id is None]
        return [m for m in self._all_meetings if m.series_id == chosen]

    def _fill_meetings(self) -> None:
        shown = self._visible_meetings()
        wanted = self._selected_id
        self.model.set_meetings(shown, self._counts, self._today)
        self._mark_calendar(shown)
        self._describe_series(shown)
        row = self.model.row_of(wanted) if wanted is not None else None
        if row is None and self.model.next_meeting_id is not None:
            row = self.model.row_of(self.model.next_meeting_id)
        if row is None and shown:
            row = len(shown) - 1
        if row is None:
            self.meeting_chosen.emit(None)
            return
        set_current_row(self.table, row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    def _describe_series(self, shown: list[MeetingInfo]) -> None:
        chosen = self.series_combo.currentData()
        series = next((s for s in self._series if s.id == chosen), None)
        if series is not None:
            text = (
                f"{series.description[0].upper()}{series.description[1:]}; "
                f"{plural(series.meeting_count, 'overleg', 'overleggen')}"
            )
            if series.next_date:
                text += f", volgende op {short_date(series.next_date)}"
            if series.location:
                text += f". {series.location}"
            self.series_label.setText(text + ".")
        elif not self._all_meetings:
            self.series_label.setText("")
        else:
            planned = sum(
                1 for m in shown if m.date >= self._today and m.status is MeetingStatus.GEPLAND
            )
            self.series_label.setText(
                f"{plural(len(shown), 'overleg', 'overleggen')}, waarvan "
                f"{plural(planned, 'nog gepland', 'nog gepland')}."
            )

    def _mark_calendar(self, shown: list[MeetingInfo]) -> None:
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clears every mark
        highlight = QPalette().color(QPalette.ColorRole.Highlight)
        for meeting in shown:
            mark = QTextCharFormat()
            mark.setFontWeight(QFont.Weight.Bold)
            if meeting.cancelled:
                mark.setFontStrikeOut(True)
                mark.setForeground(QBrush(QColor(style.MUTED_COLOUR)))
            else:
                mark.setBackground(QBrush(highlight.lighter(170)))
            mark.setToolTip(f"{meeting.start_time:%H:%M} {meeting.title} ({meeting.status.label})")
            day = QDate(meeting.date.year, meeting.date.month, meeting.date.day)
            self.calendar.setDateTextFormat(day, mark)
        self.calendar_label.setText(
            "Vetgedrukte dagen hebben een overleg; doorgehaald is geannuleerd. Klik op een dag om "
            "het overleg te openen."
            if shown
            else ""
        )

    def _day_picked(self, picked: QDate) -> None:
        day = date(picked.year(), picked.month(), picked.day())
        found = [m for m in self.model.rows if m.date == day]
        if not found:
            self.calendar_label.setText(f"Geen overleg op {long_date(day)}.")
            return
        row = self.model.row_of(found[0].id)
        if row is not None:
            set_current_row(self.table, row)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not current.isValid() or current.row() >= self.model.rowCount():
            return
        meeting = self.model.row_at(current.row())
        self._selected_id = meeting.id
        self.calendar.setSelectedDate(
            QDate(meeting.date.year, meeting.date.month, meeting.date.day)
        )
        self.meeting_chosen.emit(meeting)
