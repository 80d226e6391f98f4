"""Who is at the meeting: a row per participant, chosen by keyboard; the missing-team warning."""

from __future__ import annotations

import html
import itertools
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import CORE_TEAMS, AttendanceStatus, MeetingRole
from casusoverleg.services import meetings
from casusoverleg.services.meetings import AttendanceInfo
from casusoverleg.services.people import ParticipantInfo

from ui.meeting_mode.look import buddy, heading, set_colour
from ui.style import DIM_COLOUR, ERROR_COLOUR

STATUS_ORDER = (AttendanceStatus.AANWEZIG, AttendanceStatus.AFGEMELD, AttendanceStatus.AFWEZIG)


def missing_team_warning(attendance: list[AttendanceInfo]) -> str | None:
    """The Dutch warning when a core team has nobody present, else None."""
    present = {a.team for a in attendance if a.status is AttendanceStatus.AANWEZIG}
    return meetings.missing_teams_text([t for t in CORE_TEAMS if t not in present])


class AttendanceRow(QFrame):
    """One participant: aanwezig / afgemeld / afwezig; keys 1-3, ←/→ or space change it."""

    changed = Signal(int, object)  # participant id, the chosen AttendanceStatus
    step = Signal(int)  # -1: the row above, +1: the row below

    def __init__(self, info: AttendanceInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.setObjectName("aanwezigheid")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"Aanwezigheid van {info.name}")
        role = "" if info.role is MeetingRole.DEELNEMER else f", {info.role.label}"
        name = QLabel(f"<b>{html.escape(info.name)}</b>{html.escape(role)}")
        organisation = QLabel(info.organisation_name)
        # Long names and organisations wrap: the rows never make the window wider than 1280.
        name.setWordWrap(True)
        organisation.setWordWrap(True)
        set_colour(organisation, DIM_COLOUR)
        who = QVBoxLayout()
        who.setSpacing(0)
        who.addWidget(name)
        who.addWidget(organisation)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[AttendanceStatus, QRadioButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addLayout(who, 1)
        for number, status in enumerate(STATUS_ORDER, start=1):
            button = QRadioButton(f"{status.label} ({number})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row takes the keys
            button.clicked.connect(lambda _on=False, s=status: self._choose(s))
            self.group.addButton(button)
            self.buttons[status] = button
            layout.addWidget(button)
        self.set_status(info.status)

    @property
    def status(self) -> AttendanceStatus:
        """The status shown."""
        return self.info.status

    def set_status(self, status: AttendanceStatus) -> None:
        """Show `status` (no signal)."""
        self.info = replace(self.info, status=status)
        self.buttons[status].setChecked(True)

    def _choose(self, status: AttendanceStatus) -> None:
        if status is self.info.status:
            return
        self.set_status(status)
        self.changed.emit(self.info.participant_id, status)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """1/2/3 choose; ←/→ and space step through the choices; ↑/↓ go to another row."""
        key = event.key()
        index = STATUS_ORDER.index(self.info.status)
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_3:
            self._choose(STATUS_ORDER[key - Qt.Key.Key_1])
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Space):
            self._choose(STATUS_ORDER[(index + 1) % len(STATUS_ORDER)])
        elif key == Qt.Key.Key_Left:
            self._choose(STATUS_ORDER[(index - 1) % len(STATUS_ORDER)])
        elif key == Qt.Key.Key_Up:
            self.step.emit(-1)
        elif key == Qt.Key.Key_Down:
            self.step.emit(1)
        else:
            super().keyPressEvent(event)


class AttendancePage(QWidget):
    """Who is there: a row per participant on the list, the missing-team warning, add a guest."""

    status_chosen = Signal(int, object)  # participant id, AttendanceStatus
    add_requested = Signal(int)  # participant id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The row that takes the keys is highlighted by one rule for all rows, set once: a style
        # sheet set and cleared per row on focus made rows that had the focus lose the meeting
        # window's larger font.
        self.setStyleSheet("QFrame#aanwezigheid:focus { border: 2px solid palette(highlight); }")
        self.rows: list[AttendanceRow] = []
        title = heading("Aanwezigheid", 1.4)
        hint = QLabel(
            "Kies een deelnemer met ↑ en ↓; 1 = aanwezig, 2 = afgemeld, 3 = afwezig "
            "(of ← en →). Daarna met PageDown naar het eerste agendapunt."
        )
        hint.setWordWrap(True)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        set_colour(self.warning_label, ERROR_COLOUR)
        bold = self.warning_label.font()
        bold.setBold(True)
        self.warning_label.setFont(bold)
        self.warning_label.hide()
        self.count_label = QLabel()
        self.empty_label = QLabel("Er staat nog niemand op de lijst van dit overleg.")
        self.empty_label.hide()

        self.rows_holder = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_holder)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(6)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a stop for Tab
        scroll.setWidget(self.rows_holder)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.add_combo = QComboBox()
        self.add_combo.setPlaceholderText("Kies een deelnemer…")
        self.add_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.add_button = QPushButton("Toevoegen als aanwezig")
        self.add_button.clicked.connect(self._add)
        add_row = QHBoxLayout()
        add_row.addWidget(buddy("Iemand anders aanwezig? &Deelnemer:", self.add_combo))
        add_row.addWidget(self.add_combo)
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.count_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(scroll, 1)
        layout.addLayout(add_row)

    def show_attendance(
        self, attendance: list[AttendanceInfo], participants: list[ParticipantInfo]
    ) -> None:
        """Rebuild the rows (and the list of people who could be added)."""
        focused = next((r.info.participant_id for r in self.rows if r.hasFocus()), None)
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        for info in attendance:
            row = AttendanceRow(info)
            row.changed.connect(self._row_changed)
            row.step.connect(lambda step, r=row: self._move(r, step))
            self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
            self.rows.append(row)
        self.empty_label.setVisible(not attendance)
        listed = {a.participant_id for a in attendance}
        self.add_combo.clear()
        for person in participants:
            if person.id not in listed and person.archived_on is None:
                self.add_combo.addItem(person.label, person.id)
        self.add_combo.setCurrentIndex(-1)
        self.add_button.setEnabled(self.add_combo.count() > 0)
        self.update_summary()
        self._order_rows()
        for row in self.rows:
            if row.info.participant_id == focused:
                row.setFocus()

    def _order_rows(self) -> None:
        """Tab goes through the rows in order, then to "Toevoegen": rows made after the window
        would otherwise come after its "Volgende" button (WCAG 2.4.3, focus order)."""
        if not self.rows:
            return
        # Right after the rows' own frame, which was made with the page (not after the last
        # rows: they may be the ones being replaced, made after the window's buttons).
        QWidget.setTabOrder(self.rows_holder, self.rows[0])
        for first, second in itertools.pairwise([*self.rows, self.add_combo, self.add_button]):
            QWidget.setTabOrder(first, second)

    def clear_rows(self) -> None:
        """Drop every row (lock)."""
        self.show_attendance([], [])
        self.empty_label.hide()
        self.count_label.clear()
        self.warning_label.hide()

    def attendance(self) -> list[AttendanceInfo]:
        """The rows as shown."""
        return [row.info for row in self.rows]

    def row_of(self, name: str) -> AttendanceRow:
        """The row of a participant by name."""
        return next(row for row in self.rows if row.info.name == name)

    def focus_first(self) -> None:
        """Put the keyboard on the first row (or on the add combo when there is none)."""
        if self.rows:
            self.rows[0].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def update_summary(self) -> None:
        """The count line and the missing-team warning, from the rows."""
        rows = self.attendance()
        present = sum(1 for a in rows if a.status is AttendanceStatus.AANWEZIG)
        self.count_label.setText(f"{present} van {len(rows)} aanwezig" if rows else "")
        warning = missing_team_warning(rows)
        self.warning_label.setText(f"⚠ {warning}" if warning else "")
        self.warning_label.setVisible(bool(warning))

    def _row_changed(self, participant_id: int, status: AttendanceStatus) -> None:
        self.update_summary()
        self.status_chosen.emit(participant_id, status)

    def _move(self, row: AttendanceRow, step: int) -> None:
        index = self.rows.index(row) + step
        if 0 <= index < len(self.rows):
            self.rows[index].setFocus(Qt.FocusReason.OtherFocusReason)

    def _add(self) -> None:
        person = self.add_combo.currentData()
        if person is not None:
            self.add_requested.emit(int(person))
