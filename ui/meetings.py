"""Overleggen: the series and their meetings (list and month), and the page of one meeting.

The meeting page has its date and place (move, cancel), the attendance list with roles, and
the agenda builder. A warning above it says when one of the four core teams has nobody present.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from PySide6.QtCore import (
    QDate,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QKeySequence, QPalette, QShortcut, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import AttendanceStatus, MeetingRole, MeetingStatus
from casusoverleg.domain.recurrence import Region, school_holidays
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import agenda as agenda_service
from casusoverleg.services import meetings, people
from casusoverleg.services import settings as settings_service
from casusoverleg.services.agenda import AgendaCount
from casusoverleg.services.meetings import AttendanceInfo, MeetingInfo, SeriesInfo
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.settings import Settings
from casusoverleg.services.store import Store

from ui import common, tasks
from ui.agenda_builder import AgendaBuilder
from ui.common import format_date, long_date, plural
from ui.ops import Change
from ui.series_dialog import SeriesDialog, short_date
from ui.table_model import TitledTableModel
from ui.widgets.choice_delegate import CHOICES_ROLE, ChoiceDelegate
from ui.widgets.date_field import DateField

ModelIndex = QModelIndex | QPersistentModelIndex

MEETING_ID_ROLE = Qt.ItemDataRole.UserRole
MEETING_COLUMNS = ("Datum", "Tijd", "Status", "Agenda")
COL_DATE, COL_TIME, COL_STATUS, COL_AGENDA = range(4)
ATTENDANCE_COLUMNS = ("Naam", "Organisatie", "Rol", "Aanwezigheid")
COL_NAME, COL_ORG, COL_ROLE, COL_PRESENCE = range(4)

ALL_SERIES = -1
EXTRA_MEETINGS = 0  # the series filter's value for meetings outside any series
ERROR_COLOUR = "#b00020"
ALERT_STYLE = (
    "QFrame#aanwezigheidswaarschuwing { background: #fde7e9; border: 1px solid #d13438;"
    " border-radius: 4px; } QLabel { color: #6e0b12; }"
)
_DUTCH = QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands)


def _until(meeting: MeetingInfo) -> time:
    minutes = meeting.start_time.hour * 60 + meeting.start_time.minute + meeting.minutes
    return time((minutes // 60) % 24, minutes % 60)


def meeting_heading(meeting: MeetingInfo) -> str:
    """ "dinsdag 13 januari 2026, 09:30–11:30"."""
    return f"{long_date(meeting.date)}, {meeting.start_time:%H:%M}–{_until(meeting):%H:%M}"


def agenda_text(meeting: MeetingInfo, count: AgendaCount | None) -> str:
    """The agenda column: "geen agenda", "4 casussen"."""
    if meeting.cancelled:
        return "—"
    if count is None:
        return "geen agenda"
    return plural(count.cases, "casus", "casussen")


def status_text(meeting: MeetingInfo) -> str:
    """The status column: gepland, verplaatst, gehouden or geannuleerd."""
    if meeting.status is MeetingStatus.GEPLAND and is_moved(meeting):
        return "verplaatst"
    return meeting.status.label


def is_moved(meeting: MeetingInfo) -> bool:
    """Whether a series meeting was moved off the date its rule gave it."""
    return meeting.original_date is not None and meeting.original_date != meeting.date


# -- the meeting list -----------------------------------------------------------------------------


class MeetingTableModel(TitledTableModel):
    """Meetings by date, with their status and how far their agenda is."""

    column_titles = MEETING_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MeetingInfo] = []
        self._counts: dict[int, AgendaCount] = {}
        self._today = date.today()
        self._next_id: int | None = None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Meetings shown (none under a child index)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Texts, tooltip, the meeting id; past meetings grey, the next one bold."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        meeting = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_DATE:
                return short_date(meeting.date)
            if column == COL_TIME:
                return f"{meeting.start_time:%H:%M}"
            if column == COL_STATUS:
                return status_text(meeting)
            if column == COL_AGENDA:
                return agenda_text(meeting, self._counts.get(meeting.id))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [meeting.title]
            if meeting.location:
                lines.append(meeting.location)
            if is_moved(meeting) and meeting.original_date is not None:
                lines.append(f"Verplaatst van {short_date(meeting.original_date)}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.FontRole:
            if meeting.id == self._next_id or meeting.cancelled:
                font = QFont()
                font.setBold(meeting.id == self._next_id)
                font.setStrikeOut(meeting.cancelled and column == COL_DATE)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole and (
            meeting.cancelled or meeting.date < self._today
        ):
            return QBrush(QPalette().color(QPalette.ColorRole.PlaceholderText))
        if role == MEETING_ID_ROLE:
            return meeting.id
        return None

    def set_meetings(
        self, rows: list[MeetingInfo], counts: dict[int, AgendaCount], today: date
    ) -> None:
        """Show these meetings (already in date order)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._counts = dict(counts)
        self._today = today
        upcoming = (m for m in rows if m.date >= today and m.status is MeetingStatus.GEPLAND)
        self._next_id = next((m.id for m in upcoming), None)
        self.endResetModel()

    def clear(self) -> None:
        """Drop every row."""
        self.set_meetings([], {}, self._today)

    def set_counts(self, counts: dict[int, AgendaCount]) -> None:
        """New agenda counts: only the agenda column changes."""
        self._counts = dict(counts)
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, COL_AGENDA), self.index(last, COL_AGENDA))

    @property
    def next_meeting_id(self) -> int | None:
        """The first planned meeting from today on, if any is shown."""
        return self._next_id

    def meeting_at(self, row: int) -> MeetingInfo:
        """The meeting on a row."""
        return self._rows[row]

    def meetings(self) -> list[MeetingInfo]:
        """The meetings shown."""
        return list(self._rows)

    def row_of(self, meeting_id: int) -> int | None:
        """The row of a meeting, if shown."""
        return next((r for r, m in enumerate(self._rows) if m.id == meeting_id), None)


# -- dialogs --------------------------------------------------------------------------------------


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
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
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


# -- attendance -----------------------------------------------------------------------------------

_ROLE_CHOICES = [(r.label, str(r)) for r in MeetingRole]
_STATUS_CHOICES = [(s.label, str(s)) for s in AttendanceStatus]


class AttendanceModel(TitledTableModel):
    """Who is on a meeting's list, with role and presence (both chosen in the cell)."""

    column_titles = ATTENDANCE_COLUMNS

    edit_requested = Signal(int, object, object)  # participant id, MeetingRole, AttendanceStatus

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AttendanceInfo] = []
        self._editable = True

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """People on the list (none under a child index)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Texts, the values behind role and presence, and their choices."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name, row.organisation_name, row.role.label, row.status.label)[column]
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_ROLE:
                return str(row.role)
            if column == COL_PRESENCE:
                return str(row.status)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_ORG:
            return row.team.label
        if role == Qt.ItemDataRole.ForegroundRole and row.status is not AttendanceStatus.AANWEZIG:
            return QBrush(QPalette().color(QPalette.ColorRole.PlaceholderText))
        if role == CHOICES_ROLE:
            if column == COL_ROLE:
                return list(_ROLE_CHOICES)
            if column == COL_PRESENCE:
                return list(_STATUS_CHOICES)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Role and presence are chosen in place."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and index.column() in (COL_ROLE, COL_PRESENCE):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Ask for a new role or presence to be saved."""
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not self.flags(index) & Qt.ItemFlag.ItemIsEditable
        ):
            return False
        row = self._rows[index.row()]
        try:
            new_role = MeetingRole(value) if index.column() == COL_ROLE else row.role
            status = AttendanceStatus(value) if index.column() == COL_PRESENCE else row.status
        except ValueError:
            return False
        if (new_role, status) != (row.role, row.status):
            self.edit_requested.emit(row.participant_id, new_role, status)
        return True

    def set_rows(self, rows: list[AttendanceInfo], *, editable: bool) -> None:
        """Show a meeting's list."""
        self.beginResetModel()
        self._rows = list(rows)
        self._editable = editable
        self.endResetModel()

    def clear(self) -> None:
        """Drop every row."""
        self.set_rows([], editable=False)

    def row_at(self, row: int) -> AttendanceInfo:
        """The person on a row."""
        return self._rows[row]

    def rows(self) -> list[AttendanceInfo]:
        """Everyone on the list."""
        return list(self._rows)


@dataclass(frozen=True)
class _Detail:
    """What the meeting page shows besides the agenda."""

    meeting: MeetingInfo
    attendance: list[AttendanceInfo]
    warning: str | None


@dataclass(frozen=True)
class _Overview:
    """What the meeting list needs."""

    series: list[SeriesInfo]
    meetings: list[MeetingInfo]
    counts: dict[int, AgendaCount]
    participants: list[ParticipantInfo]
    settings: Settings
    today: date


def _set_current_row(view: QTableView, row: int, column: int = 0) -> None:
    view.selectionModel().setCurrentIndex(
        view.model().index(row, column),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


class MeetingsView(QWidget):
    """The Overleggen screen: series, meetings (list and month), and the meeting page."""

    # The changes after which this screen loads again (see ui.ops).
    reload_on = (
        Change.MEETINGS
        | Change.AGENDA
        | Change.MINUTES
        | Change.ACTIONS
        | Change.CASES
        | Change.PEOPLE
    )

    loaded = Signal()  # series and meetings are shown
    meeting_shown = Signal()  # the page of the selected meeting (attendance) is filled
    open_meeting_mode = Signal(int)  # meeting id: run this meeting in meeting mode
    open_case = Signal(int)  # case id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._generation = 0
        self._detail_generation = 0
        self._series: list[SeriesInfo] = []
        self._all_meetings: list[MeetingInfo] = []
        self._counts: dict[int, AgendaCount] = {}
        self._participants: list[ParticipantInfo] = []
        self._settings = Settings()
        self._today = date.today()
        self._selected_id: int | None = None  # kept over reloads (and a lock)
        self._shown_meeting: MeetingInfo | None = None
        self._notice = ""  # said once the list is reloaded after a change
        self.series_dialog: SeriesDialog | None = None
        self.meeting_dialog: MeetingDialog | None = None

        self.model = MeetingTableModel(self)
        self.attendance = AttendanceModel(self)
        self.attendance.edit_requested.connect(self._save_attendance)

        # Left: series filter, list and month.
        self.series_combo = QComboBox()
        self.series_combo.setAccessibleName("Overlegreeks")
        self.series_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.series_combo.setMinimumContentsLength(24)
        self.series_combo.currentIndexChanged.connect(self._filter_changed)
        self.series_label = QLabel()
        self.series_label.setWordWrap(True)
        self.new_series_button = QPushButton("&Nieuwe overlegreeks…")
        self.new_series_button.setToolTip("Een reeks overleggen plannen (Ctrl+N)")
        self.new_series_button.clicked.connect(self.new_series)
        self.extra_button = QPushButton("E&xtra overleg…")
        self.extra_button.setToolTip("Eén overleg buiten de reeks plannen")
        self.extra_button.clicked.connect(self.new_extra_meeting)

        self.table = QTableView()
        self.table.setObjectName("overleggen")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Overleggen")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
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
        self.views.addTab(month_page, "&Maand")

        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.series_combo)
        left_column.addWidget(self.series_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_series_button)
        buttons.addWidget(self.extra_button)
        buttons.addStretch(1)
        left_column.addLayout(buttons)
        left_column.addWidget(self.views, 1)

        # Right: the meeting page.
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subheading = QLabel()
        self.subheading.setWordWrap(True)
        self.subheading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.move_button = QPushButton("&Verplaatsen…")
        self.move_button.setToolTip("Dit overleg naar een andere dag of tijd verplaatsen")
        self.move_button.clicked.connect(self.move_meeting)
        self.cancel_button = QPushButton("Overleg &annuleren…")
        self.cancel_button.setToolTip("Dit overleg laten vervallen (het blijft zichtbaar)")
        self.cancel_button.clicked.connect(self.cancel_meeting)
        self.mode_button = QPushButton("Vergader&modus ▶")
        self.mode_button.setToolTip("Dit overleg voeren: agendapunt voor agendapunt (Ctrl+M)")
        self.mode_button.clicked.connect(self._open_mode)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        self.alert = QFrame()
        self.alert.setObjectName("aanwezigheidswaarschuwing")
        self.alert.setStyleSheet(ALERT_STYLE)
        alert_icon = QLabel()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        size = self.fontMetrics().height() * 2
        alert_icon.setPixmap(icon.pixmap(size, size))
        self.alert_label = QLabel()
        self.alert_label.setWordWrap(True)
        alert_font = self.alert_label.font()
        alert_font.setBold(True)
        self.alert_label.setFont(alert_font)
        alert_row = QHBoxLayout(self.alert)
        alert_row.addWidget(alert_icon, 0, Qt.AlignmentFlag.AlignTop)
        alert_row.addWidget(self.alert_label, 1)
        self.alert.hide()

        self.builder = AgendaBuilder()
        self.builder.open_case.connect(self.open_case.emit)
        self.builder.changed.connect(self._agenda_changed)

        self.attendance_table = QTableView()
        self.attendance_table.setObjectName("aanwezigheid")
        self.attendance_table.setModel(self.attendance)
        self.attendance_table.setAccessibleName("Aanwezigheid")
        self.attendance_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attendance_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.attendance_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.attendance_table.setCornerButtonEnabled(False)
        self.attendance_table.setWordWrap(False)
        self.attendance_table.verticalHeader().hide()
        people_rows = self.attendance_table.verticalHeader()
        people_rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        people_rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        people_header = self.attendance_table.horizontalHeader()
        people_header.setHighlightSections(False)
        people_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        people_header.setSectionResizeMode(COL_ORG, QHeaderView.ResizeMode.Stretch)
        people_metrics = self.attendance_table.fontMetrics()
        for column, sample in (
            (COL_NAME, "Annemarie van den Heuvel-Jansen"),
            (COL_ROLE, "voorzitter ▾"),
            (COL_PRESENCE, "Aanwezigheid ▾"),
        ):
            self.attendance_table.setColumnWidth(
                column, people_metrics.horizontalAdvance(sample) + 24
            )
        self._attendance_delegate = ChoiceDelegate(self.attendance_table)
        self.attendance_table.setItemDelegateForColumn(COL_ROLE, self._attendance_delegate)
        self.attendance_table.setItemDelegateForColumn(COL_PRESENCE, self._attendance_delegate)
        self.attendance_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_buttons()
        )
        self.person_combo = QComboBox()
        self.person_combo.setAccessibleName("Deelnemer om toe te voegen")
        self.person_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.person_combo.setMinimumContentsLength(28)
        self.add_person_button = QPushButton("&Toevoegen")
        self.add_person_button.setToolTip("De gekozen deelnemer op de presentielijst zetten")
        self.add_person_button.clicked.connect(self.add_person)
        self.add_core_button = QPushButton("&Kernteams toevoegen")
        self.add_core_button.setToolTip(
            "Iedereen van Leerplicht, Sociaal Wijkteam, Samenwerkingsverband en orthopedagogie "
            "op de lijst zetten"
        )
        self.add_core_button.clicked.connect(self.add_core_teams)
        self.status_buttons: dict[AttendanceStatus, QPushButton] = {}
        for status, text in (
            (AttendanceStatus.AANWEZIG, "Aan&wezig"),
            (AttendanceStatus.AFGEMELD, "Af&gemeld"),
            (AttendanceStatus.AFWEZIG, "Af&wezig"),
        ):
            button = QPushButton(text)
            button.setToolTip(f"De geselecteerde deelnemers op '{status.label}' zetten")
            button.clicked.connect(lambda _c=False, s=status: self.set_selected_status(s))
            self.status_buttons[status] = button
        self.status_buttons[AttendanceStatus.AFWEZIG].setText("Afw&ezig")
        self.remove_person_button = QPushButton("Van de lijst halen")
        self.remove_person_button.clicked.connect(self.remove_selected_people)

        attendance_page = QWidget()
        attendance_column = QVBoxLayout(attendance_page)
        add_row = QHBoxLayout()
        add_row.addWidget(self.person_combo, 1)
        add_row.addWidget(self.add_person_button)
        add_row.addWidget(self.add_core_button)
        status_row = QHBoxLayout()
        for button in self.status_buttons.values():
            status_row.addWidget(button)
        status_row.addStretch(1)
        status_row.addWidget(self.remove_person_button)
        attendance_column.addLayout(add_row)
        attendance_column.addWidget(self.attendance_table, 1)
        attendance_column.addLayout(status_row)

        self.page_tabs = QTabWidget()
        self.page_tabs.addTab(self.builder, "A&genda")
        self.page_tabs.addTab(attendance_page, "Aan&wezigheid")

        header_row = QHBoxLayout()
        header_row.addWidget(self.heading, 1)
        header_row.addWidget(self.move_button)
        header_row.addWidget(self.cancel_button)
        header_row.addWidget(self.mode_button)

        meeting_page = QWidget()
        page_column = QVBoxLayout(meeting_page)
        page_column.setContentsMargins(0, 0, 0, 0)
        page_column.addLayout(header_row)
        page_column.addWidget(self.subheading)
        page_column.addWidget(self.alert)
        page_column.addWidget(self.message_label)
        page_column.addWidget(self.page_tabs, 1)

        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_stack = QStackedWidget()
        self.page_stack.addWidget(self.empty_label)
        self.page_stack.addWidget(meeting_page)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("overleggen")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.page_stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        list_width = sum(self.table.columnWidth(c) for c in range(COL_AGENDA))
        list_width += metrics.horizontalAdvance("12 casussen") + 48  # + scroll bar, frame
        self.splitter.setSizes([list_width, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        for keys, slot in (
            (QKeySequence(QKeySequence.StandardKey.New), self.new_series),
            (QKeySequence("Ctrl+M"), self._open_mode),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._fill_series_combo()
        self._show_meeting(None)

    # Loading ------------------------------------------------------------------------------------

    def load(self, store: Store) -> None:
        """Fetch series, meetings and participants of `store` in the background."""
        self._store = store
        self._generation += 1
        generation = self._generation
        self.series_label.setText("Overleggen worden geladen…")

        def fetch() -> _Overview:
            found = _Overview(
                series=meetings.list_series(store),
                meetings=meetings.list_meetings(store),
                counts=agenda_service.agenda_counts(store),
                participants=people.list_participants(store),
                settings=settings_service.load_settings(store),
                today=date.today(),
            )
            # The series dialog previews on the GUI thread; the holiday tables (read from
            # files once) are loaded here, so that its first preview is instant too.
            with suppress(ValueError):
                school_holidays(found.today.year, Region(found.settings.region))
            return found

        def done(found: _Overview) -> None:
            if generation != self._generation:
                return
            self._series = found.series
            self._all_meetings = found.meetings
            self._counts = found.counts
            self._participants = found.participants
            self._settings = found.settings
            self._today = found.today
            self.builder.set_participants(found.participants)
            self._fill_series_combo()
            self._fill_meetings()
            if self._notice:
                self._show_message(self._notice)
                self._notice = ""
            self.loaded.emit()

        tasks.run_in_background(fetch, done, self._failed(generation, self.series_label))

    def clear(self) -> None:
        """Drop everything shown (the store is being locked); the selected meeting is kept."""
        self._store = None
        self._generation += 1
        self._detail_generation += 1
        for dialog in (self.series_dialog, self.meeting_dialog):
            if dialog is not None:
                if isinstance(dialog, SeriesDialog):
                    dialog.forget_store()
                else:
                    dialog.reject()
        self.series_dialog = self.meeting_dialog = None
        self._series, self._all_meetings, self._counts = [], [], {}
        self._participants = []
        self.model.clear()
        self.attendance.clear()
        self.person_combo.clear()
        self.builder.clear()
        self._mark_calendar([])
        self._fill_series_combo()
        self.series_label.setText("")
        self._show_message("")
        self._show_meeting(None)

    def reload(self) -> None:
        """Fetch everything again (after a change), keeping the selected meeting."""
        if self._store is not None:
            self.load(self._store)

    def show_meeting(self, meeting_id: int) -> None:
        """Select a meeting (from the overview, say); after the next load if not shown yet."""
        self._selected_id = meeting_id
        if self.series_combo.currentData() not in (ALL_SERIES, None) and not any(
            m.id == meeting_id for m in self.model.meetings()
        ):
            self.series_combo.setCurrentIndex(0)
        row = self.model.row_of(meeting_id)
        if row is not None:
            self.views.setCurrentIndex(0)
            _set_current_row(self.table, row)
            self.table.scrollTo(self.model.index(row, 0))

    def _failed(self, generation: int, label: QLabel) -> Any:
        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            label.setText(f"Niet gelukt: {exc.message}")

        return failed

    # The list -----------------------------------------------------------------------------------

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

    def _filter_changed(self) -> None:
        self._fill_meetings()

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
            self._show_meeting(None)
            return
        _set_current_row(self.table, row)
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
                mark.setForeground(QBrush(QPalette().color(QPalette.ColorRole.PlaceholderText)))
            else:
                background = highlight.lighter(170)
                mark.setBackground(QBrush(background))
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
        found = [m for m in self.model.meetings() if m.date == day]
        if not found:
            self.calendar_label.setText(f"Geen overleg op {long_date(day)}.")
            return
        row = self.model.row_of(found[0].id)
        if row is not None:
            _set_current_row(self.table, row)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not current.isValid() or current.row() >= self.model.rowCount():
            return
        meeting = self.model.meeting_at(current.row())
        self._selected_id = meeting.id
        self.calendar.setSelectedDate(
            QDate(meeting.date.year, meeting.date.month, meeting.date.day)
        )
        self._show_meeting(meeting)

    @property
    def selected_meeting(self) -> MeetingInfo | None:
        """The meeting whose page is shown."""
        return self._shown_meeting

    # The meeting page ---------------------------------------------------------------------------

    def _show_meeting(self, meeting: MeetingInfo | None) -> None:
        store = self._store
        changed = (
            meeting is None or self._shown_meeting is None or (self._shown_meeting.id != meeting.id)
        )
        self._shown_meeting = meeting
        self._detail_generation += 1
        if changed:
            self._show_message("")
        if meeting is None or store is None:
            if store is None:
                self.empty_label.setText("")
            else:
                self.empty_label.setText(
                    "Er zijn nog geen overleggen. Plan een reeks met 'Nieuwe overlegreeks…' "
                    "(Ctrl+N) of een los overleg met 'Extra overleg…'."
                )
            self.page_stack.setCurrentIndex(0)
            self.attendance.clear()
            self.alert.hide()
            self._update_buttons()
            return
        self.page_stack.setCurrentIndex(1)
        self.heading.setText(meeting_heading(meeting))
        parts = [meeting.title]
        if meeting.location:
            parts.append(meeting.location)
        status = meeting.status.label
        if is_moved(meeting) and meeting.original_date is not None:
            status += f", verplaatst van {short_date(meeting.original_date)}"
        parts.append(status)
        self.subheading.setText(" · ".join(parts))
        if changed:
            self.attendance.clear()
            self.alert.hide()
        self.builder.show_meeting(store, meeting)
        self._update_buttons()
        self._load_detail(store, meeting.id)

    def _load_detail(self, store: Store, meeting_id: int) -> None:
        self._detail_generation += 1
        generation = self._detail_generation

        def fetch() -> _Detail:
            return _Detail(
                meeting=meetings.get_meeting(store, meeting_id),
                attendance=meetings.list_attendance(store, meeting_id),
                warning=meetings.attendance_warning(store, meeting_id),
            )

        def done(detail: _Detail) -> None:
            if generation != self._detail_generation:
                return
            meeting = detail.meeting
            self.attendance.set_rows(
                detail.attendance, editable=meeting.status is not MeetingStatus.GEANNULEERD
            )
            self._show_alert(meeting, detail.attendance, detail.warning)
            self._fill_person_combo(detail.attendance)
            present = sum(1 for a in detail.attendance if a.status is AttendanceStatus.AANWEZIG)
            self.page_tabs.setTabText(1, f"Aan&wezigheid ({present})")
            self._update_buttons()
            self.meeting_shown.emit()

        def failed(exc: BaseException) -> None:
            if generation != self._detail_generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self._show_message(f"Niet gelukt: {exc.message}", error=True)

        tasks.run_in_background(fetch, done, failed)

    def _show_alert(
        self, meeting: MeetingInfo, attendance: list[AttendanceInfo], warning: str | None
    ) -> None:
        if warning is None or meeting.cancelled:
            self.alert.hide()
            return
        text = warning
        if not attendance:
            text = (
                "Er staat nog niemand op de presentielijst. Voeg deelnemers toe op het tabblad "
                "Aanwezigheid (of klik daar op 'Kernteams toevoegen')."
            )
        else:
            text += " Elk van de vier kernteams hoort bij het overleg te zijn."
        self.alert_label.setText(text)
        self.alert.show()

    @property
    def attendance_alert(self) -> str:
        """The warning about missing teams, as shown ('' when none)."""
        return self.alert_label.text() if self.alert.isVisibleTo(self) else ""

    def _fill_person_combo(self, attendance: list[AttendanceInfo]) -> None:
        on_list = {a.participant_id for a in attendance}
        self.person_combo.clear()
        for person in self._participants:
            if person.id not in on_list and person.archived_on is None:
                self.person_combo.addItem(person.label, person.id)
        if self.person_combo.count() == 0:
            self.person_combo.addItem("(iedereen staat op de lijst)", None)

    def _update_buttons(self) -> None:
        meeting = self._shown_meeting
        has_store = self._store is not None
        planned = has_store and meeting is not None and meeting.status is MeetingStatus.GEPLAND
        self.new_series_button.setEnabled(has_store)
        self.extra_button.setEnabled(has_store)
        self.move_button.setEnabled(planned)
        self.cancel_button.setEnabled(planned)
        self.mode_button.setEnabled(has_store and meeting is not None and not meeting.cancelled)
        editable = has_store and meeting is not None and not meeting.cancelled
        self.person_combo.setEnabled(editable)
        self.add_person_button.setEnabled(editable and self.person_combo.currentData() is not None)
        self.add_core_button.setEnabled(
            editable
            and any(
                p.team.is_core and p.id not in {a.participant_id for a in self.attendance.rows()}
                for p in self._participants
            )
        )
        selected = bool(self.attendance_table.selectionModel().selectedRows())
        for button in self.status_buttons.values():
            button.setEnabled(editable and selected)
        self.remove_person_button.setEnabled(editable and selected)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message_label.setVisible(bool(text))

    @property
    def message(self) -> str:
        """The last message on the meeting page ('' when none)."""
        return self.message_label.text() if self.message_label.isVisibleTo(self) else ""

    def _open_mode(self) -> None:
        meeting = self._shown_meeting
        if meeting is not None and self._store is not None and not meeting.cancelled:
            self.open_meeting_mode.emit(meeting.id)

    def _agenda_changed(self) -> None:
        # Only the agenda column changed: recount without reloading the meeting page.
        store = self._store
        if store is None:
            return
        generation = self._generation

        def done(counts: dict[int, AgendaCount]) -> None:
            if generation == self._generation:
                self._counts = counts
                self.model.set_counts(counts)

        tasks.run_in_background(
            lambda: agenda_service.agenda_counts(store),
            done,
            self._failed(generation, self.series_label),
        )

    # Changing meetings ------------------------------------------------------------------------

    def _change(self, op: Any, message: str, select: Any = None) -> None:
        """Run a change of meetings in the background, then say so and reload the list."""
        store = self._store
        if store is None:
            return
        generation = self._generation

        def done(result: Any) -> None:
            if generation != self._generation:
                return
            if select is not None:
                self._selected_id = select(result)
            self._notice = message
            self.reload()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self._show_message(f"Niet gelukt: {exc.message}", error=True)

        tasks.run_in_background(lambda: op(store), done, failed)

    def new_series(self) -> None:
        """Open the dialog for a new series (Ctrl+N)."""
        store = self._store
        if store is None or self.series_dialog is not None:
            return
        try:
            region = Region(self._settings.region)
        except ValueError:
            region = Region.NOORD
        dialog = SeriesDialog(
            store, region=region, minutes=self._settings.default_meeting_minutes, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._series_created)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.series_dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.series_dialog is dialog:
            self.series_dialog = None
        if self.meeting_dialog is dialog:
            self.meeting_dialog = None

    def _series_created(self, info: SeriesInfo) -> None:
        self._notice = (
            f"Overlegreeks '{info.name}' opgeslagen met "
            f"{plural(info.meeting_count, 'overleg', 'overleggen')}."
        )
        self._selected_id = None
        index = self.series_combo.findData(ALL_SERIES)
        self.series_combo.setCurrentIndex(max(0, index))
        self.reload()

    def new_extra_meeting(self) -> None:
        """Plan one meeting outside the series."""
        if self._store is None or self.meeting_dialog is not None:
            return
        shown = self._shown_meeting
        dialog = MeetingDialog(
            "Extra overleg",
            on=self._today,
            start=shown.start_time if shown else time(9, 30),
            minutes=shown.minutes if shown else self._settings.default_meeting_minutes,
            location=shown.location if shown else "",
            note="Een extra overleg hoort bij geen reeks; wijzigingen van een reeks laten het "
            "ongemoeid.",
            ok_text="Overleg plannen",
            parent=self,
        )

        def accepted() -> None:
            on, start = dialog.chosen_date(), dialog.chosen_time()
            minutes = dialog.minutes_spin.value() if dialog.minutes_spin else 120
            location = dialog.location_edit.text() if dialog.location_edit else ""
            self._change(
                lambda store: meetings.add_meeting(store, on, start, minutes, location=location),
                f"Extra overleg gepland op {long_date(on)} om {start:%H:%M}.",
                select=lambda info: info.id,
            )

        self._open_dialog(dialog, accepted)

    def _open_dialog(self, dialog: MeetingDialog, accepted: Any) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.meeting_dialog = dialog
        dialog.open()

    def move_meeting(self) -> None:
        """Move the selected meeting to another day or time."""
        meeting = self._shown_meeting
        if self._store is None or meeting is None or self.meeting_dialog is not None:
            return
        if meeting.status is not MeetingStatus.GEPLAND:
            return
        dialog = MeetingDialog(
            "Overleg verplaatsen",
            on=meeting.date,
            start=meeting.start_time,
            note=f"Het overleg van {meeting_heading(meeting)} verplaatsen. Stuur daarna de "
            "uitnodiging (.ics) opnieuw: agenda's van de deelnemers werken de afspraak dan bij.",
            ok_text="Verplaatsen",
            parent=self,
        )

        def accepted() -> None:
            on, start = dialog.chosen_date(), dialog.chosen_time()
            self._change(
                lambda store: meetings.move_meeting(store, meeting.id, on, start),
                f"Overleg verplaatst naar {long_date(on)} om {start:%H:%M}.",
            )

        self._open_dialog(dialog, accepted)

    def cancel_meeting(self) -> None:
        """Cancel the selected meeting, after asking; it stays listed as cancelled."""
        meeting = self._shown_meeting
        if self._store is None or meeting is None or meeting.status is not MeetingStatus.GEPLAND:
            return
        if not common.ask(
            self,
            "Overleg annuleren",
            f"Wilt u het overleg van {meeting_heading(meeting)} annuleren?",
            yes="Overleg annuleren",
            detail="Het overleg blijft in de lijst staan als geannuleerd; de agenda kan dan niet "
            "meer worden gewijzigd. Stuur de uitnodiging (.ics) opnieuw, dan verdwijnt het uit "
            "de agenda's van de deelnemers.",
        ):
            return
        self._change(
            lambda store: meetings.cancel_meeting(store, meeting.id),
            f"Het overleg van {long_date(meeting.date)} is geannuleerd.",
        )

    # Attendance ---------------------------------------------------------------------------------

    def _save_attendance_many(
        self, changes: list[tuple[int, MeetingRole, AttendanceStatus]], message: str = ""
    ) -> None:
        store, meeting = self._store, self._shown_meeting
        if store is None or meeting is None or not changes:
            return
        generation = self._detail_generation

        def save() -> None:
            for participant_id, role, status in changes:
                meetings.set_attendance(store, meeting.id, participant_id, role, status)

        def done(_result: None) -> None:
            if generation == self._detail_generation and self._store is store:
                self._show_message(message)
                self._load_detail(store, meeting.id)

        def failed(exc: BaseException) -> None:
            if generation != self._detail_generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self._show_message(f"Niet gelukt: {exc.message}", error=True)
            self._load_detail(store, meeting.id)

        tasks.run_in_background(save, done, failed)

    def _save_attendance(
        self, participant_id: int, role: MeetingRole, status: AttendanceStatus
    ) -> None:
        self._save_attendance_many([(participant_id, role, status)])

    def add_person(self) -> None:
        """Put the participant chosen in the combo box on the list, as present."""
        participant_id = self.person_combo.currentData()
        if isinstance(participant_id, int):
            self._save_attendance_many(
                [(participant_id, MeetingRole.DEELNEMER, AttendanceStatus.AANWEZIG)]
            )

    def add_core_teams(self) -> None:
        """Put everyone of the four core teams who is not on the list yet on it, as present."""
        on_list = {a.participant_id for a in self.attendance.rows()}
        new = [
            (p.id, MeetingRole.DEELNEMER, AttendanceStatus.AANWEZIG)
            for p in self._participants
            if p.team.is_core and p.archived_on is None and p.id not in on_list
        ]
        self._save_attendance_many(
            new, f"{plural(len(new), 'deelnemer', 'deelnemers')} op de lijst gezet."
        )

    def _selected_people(self) -> list[AttendanceInfo]:
        rows = sorted(i.row() for i in self.attendance_table.selectionModel().selectedRows())
        return [self.attendance.row_at(r) for r in rows if r < self.attendance.rowCount()]

    def set_selected_status(self, status: AttendanceStatus) -> None:
        """Mark the selected people present, excused or absent."""
        self._save_attendance_many(
            [(a.participant_id, a.role, status) for a in self._selected_people()]
        )

    def remove_selected_people(self) -> None:
        """Take the selected people off the list (invited by mistake)."""
        store, meeting = self._store, self._shown_meeting
        chosen = self._selected_people()
        if store is None or meeting is None or not chosen:
            return
        generation = self._detail_generation

        def remove() -> None:
            for person in chosen:
                meetings.remove_attendance(store, meeting.id, person.participant_id)

        def done(_result: None) -> None:
            if generation == self._detail_generation and self._store is store:
                self._load_detail(store, meeting.id)

        def failed(exc: BaseException) -> None:
            if generation != self._detail_generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self._show_message(f"Niet gelukt: {exc.message}", error=True)

        tasks.run_in_background(remove, done, failed)
