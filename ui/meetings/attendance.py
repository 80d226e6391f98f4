"""The attendance tab of a meeting page: who is on the list, with role and presence.

Role and presence are chosen in the cell; the buttons add people and set several at once.
The page saves what the panel asks for (`edit_requested` and the buttons) and reads again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import AttendanceStatus, MeetingRole
from casusoverleg.services.meetings import AttendanceInfo
from casusoverleg.services.people import ParticipantInfo

from ui.table_model import ModelIndex, RowsTableModel
from ui.widgets.choice_delegate import CHOICES_ROLE, ChoiceDelegate
from ui.widgets.flow import FlowLayout
from ui.widgets.tables import set_up_rows_table

ATTENDANCE_COLUMNS = ("Naam", "Organisatie", "Rol", "Aanwezigheid")
COL_NAME, COL_ORG, COL_ROLE, COL_PRESENCE = range(4)
_ROLE_CHOICES = [(r.label, str(r)) for r in MeetingRole]
_STATUS_CHOICES = [(s.label, str(s)) for s in AttendanceStatus]
# A little taller than a plain list: a combo box opens in the role and presence cells.
_EDITOR_ROW_PADDING = 10


class AttendanceModel(RowsTableModel[AttendanceInfo]):
    """Who is on a meeting's list, with role and presence (both chosen in the cell)."""

    column_titles = ATTENDANCE_COLUMNS

    edit_requested = Signal(int, object, object)  # participant id, MeetingRole, AttendanceStatus

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editable = True

    @staticmethod
    def row_id(row: AttendanceInfo) -> object:
        """A person on the list is found by their participant id."""
        return row.participant_id

    def cell(self, row: AttendanceInfo, column: int, role: int) -> Any:
        """Texts, the values behind role and presence, and their choices."""
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
        row = self.row_at(index.row())
        try:
            new_role = MeetingRole(value) if index.column() == COL_ROLE else row.role
            status = AttendanceStatus(value) if index.column() == COL_PRESENCE else row.status
        except ValueError:
            return False
        if (new_role, status) != (row.role, row.status):
            self.edit_requested.emit(row.participant_id, new_role, status)
        return True

    def set_attendance(self, rows: list[AttendanceInfo], *, editable: bool) -> None:
        """Show a meeting's list."""
        self._editable = editable
        self.set_rows(list(rows))

    def clear(self) -> None:
        """Drop every row."""
        self.set_attendance([], editable=False)

    def participant_ids(self) -> set[int]:
        """Who is on the list."""
        return {a.participant_id for a in self.rows}


class AttendancePanel(QWidget):
    """The list with role and presence, a picker to add someone, and buttons for the selection."""

    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AttendanceModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Aanwezigheid")
        set_up_rows_table(
            self.table, name="aanwezigheid", editable=True, multiple=True, stretch_last=False
        )
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + _EDITOR_ROW_PADDING
        )
        self.table.horizontalHeader().setSectionResizeMode(COL_ORG, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        for column, sample in (
            (COL_NAME, "Annemarie van den Heuvel-Jansen"),
            (COL_ROLE, "voorzitter ▾"),
            (COL_PRESENCE, "Aanwezigheid ▾"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        self._delegate = ChoiceDelegate(self.table)
        self.table.setItemDelegateForColumn(COL_ROLE, self._delegate)
        self.table.setItemDelegateForColumn(COL_PRESENCE, self._delegate)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_a: self.selection_changed.emit()
        )

        self.person_combo = QComboBox()
        self.person_combo.setAccessibleName("Deelnemer om toe te voegen")
        self.person_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        # 16, not 28: it kept the window wide at 200 % text (the list shows whole names).
        self.person_combo.setMinimumContentsLength(16)
        self.add_person_button = QPushButton("&Toevoegen")
        self.add_person_button.setToolTip("De gekozen deelnemer op de presentielijst zetten")
        self.add_core_button = QPushButton("&Kernteams toevoegen")
        self.add_core_button.setToolTip(
            "Iedereen van Leerplicht, Sociaal Wijkteam, Samenwerkingsverband en orthopedagogie "
            "op de lijst zetten"
        )
        self.status_buttons: dict[AttendanceStatus, QPushButton] = {}
        for status, text in (
            (AttendanceStatus.AANWEZIG, "Aan&wezig"),
            (AttendanceStatus.AFGEMELD, "A&fgemeld"),
            (AttendanceStatus.AFWEZIG, "Afw&ezig"),
        ):
            button = QPushButton(text)
            button.setToolTip(f"De geselecteerde deelnemers op '{status.label}' zetten")
            self.status_buttons[status] = button
        self.remove_person_button = QPushButton("Van de lijst halen")

        # The buttons go onto a second line when the page is narrow (200 % text).
        add_row = QHBoxLayout()
        add_row.addWidget(self.person_combo, 1)
        add_buttons = QWidget()
        add_flow = FlowLayout(add_buttons)
        add_flow.addWidget(self.add_person_button)
        add_flow.addWidget(self.add_core_button)
        add_row.addWidget(add_buttons)
        status_buttons = QWidget()
        status_row = FlowLayout(status_buttons)
        for button in self.status_buttons.values():
            status_row.addWidget(button)
        status_row.addWidget(self.remove_person_button)
        layout = QVBoxLayout(self)
        layout.addLayout(add_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(status_buttons)

    def show_attendance(
        self,
        attendance: list[AttendanceInfo],
        participants: list[ParticipantInfo],
        *,
        editable: bool,
    ) -> None:
        """Show a meeting's list, and offer the active participants not on it yet."""
        self.model.set_attendance(attendance, editable=editable)
        on_list = self.model.participant_ids()
        self.person_combo.clear()
        for person in participants:
            if person.id not in on_list and person.archived_on is None:
                self.person_combo.addItem(person.label, person.id)
        if self.person_combo.count() == 0:
            self.person_combo.addItem("(iedereen staat op de lijst)", None)

    def clear(self) -> None:
        """Show nobody."""
        self.model.clear()
        self.person_combo.clear()

    def chosen_person(self) -> int | None:
        """The participant picked to add, if any."""
        chosen = self.person_combo.currentData()
        return chosen if isinstance(chosen, int) else None

    def selected_people(self) -> list[AttendanceInfo]:
        """The selected rows, top to bottom."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.row_at(r) for r in rows if r < self.model.rowCount()]

    def update_buttons(self, *, editable: bool, core_to_add: bool) -> None:
        """Enable what can be done now."""
        self.person_combo.setEnabled(editable)
        self.add_person_button.setEnabled(editable and self.chosen_person() is not None)
        self.add_core_button.setEnabled(editable and core_to_add)
        selected = bool(self.table.selectionModel().selectedRows())
        for button in self.status_buttons.values():
            button.setEnabled(editable and selected)
        self.remove_person_button.setEnabled(editable and selected)
