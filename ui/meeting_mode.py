"""Vergadermodus: run a meeting from the projector, one agenda item at a time, saved as typed.

Attendance comes first, then each agenda item in turn. Notes, advice, decision and the next
review date are saved shortly after the last keystroke; an action is added with Enter. A save
that fails keeps the text on screen and says why; when the store locks, unsaved text stays in
memory (not on screen) and is saved after the next unlock. "Overleg afsluiten" marks the meeting
held and offers the minutes and the action list in that same step.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.dates import parse_date
from casusoverleg.domain.enums import (
    CORE_TEAMS,
    ActionStatus,
    Advice,
    AgendaItemKind,
    AttendanceStatus,
    MeetingRole,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.domain.review import review_date_problem
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import actions, agenda, meetings, minutes, people
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.agenda import Agenda, AgendaItemInfo
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.meetings import AttendanceInfo, MeetingInfo
from casusoverleg.services.minutes import EntryInfo, HistoryEntry
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.store import Store
from casusoverleg.services.unchanged import UNCHANGED, Keep

from ui import common, ops, pdf_preview, tasks
from ui.common import format_date, long_date
from ui.ops import Change
from ui.widgets.date_field import DateField

SAVE_DELAY_MS = 400  # save this long after the last keystroke
DUE_AFTER = timedelta(weeks=2)  # default due date of a new action: two weeks after the meeting
HISTORY_SHOWN = 3  # earlier discussions shown per case
ERROR_COLOUR = "#b00020"
LATE_COLOUR = "#b00020"
OK_COLOUR = "#2e7d32"
DIM_COLOUR = "#505050"
FONT_SCALE = 1.3  # the whole window: readable on a projector
STATUS_ORDER = (AttendanceStatus.AANWEZIG, AttendanceStatus.AFGEMELD, AttendanceStatus.AFWEZIG)
ATTENDANCE_PAGE = 0


def capitalised(text: str) -> str:
    """ "aanhouden" → "Aanhouden" (labels are lower case for use inside sentences)."""
    return text[:1].upper() + text[1:]


def offer_documents(parent: QWidget, store: Store, requests: list[DocumentRequest]) -> None:
    """Open a preview of each document, side by side (minutes left, action list right).

    Closing a meeting calls this once for both documents; tests replace it to see the requests.
    """
    screen = parent.screen().availableGeometry()
    width = screen.width() // max(1, len(requests))
    for index, request in enumerate(requests):
        dialog = pdf_preview.show_pdf_preview(parent, store, request)
        dialog.setGeometry(screen.x() + index * width, screen.y(), width, screen.height())


def preview_document(parent: QWidget, store: Store, request: DocumentRequest) -> None:
    """Show one document (e.g. the previous meeting's minutes). Tests replace this function."""
    pdf_preview.show_pdf_preview(parent, store, request)


# -- what is typed ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemText:
    """What is typed for one agenda item; the review date as typed (dd-mm-jjjj or partial)."""

    notes: str = ""
    advice: str = ""  # an Advice value, or "" for no advice
    decision: str = ""
    review: str = ""

    @staticmethod
    def of(entry: EntryInfo) -> ItemText:
        """The text as stored."""
        return ItemText(
            notes=entry.notes,
            advice=str(entry.advice) if entry.advice else "",
            decision=entry.decision,
            review=format_date(entry.next_review_date),
        )


@dataclass(frozen=True)
class ActionDraft:
    """A quick-add action being typed for one agenda item (kept when paging and locking)."""

    description: str = ""
    owner_id: int | None = None
    due: str = ""


def review_problem(text: str, meeting_date: date) -> str:
    """Why a typed review date cannot be saved (Dutch), or "" when it can (empty is fine)."""
    try:
        value = parse_date(text)
    except ValueError as exc:
        return str(exc)
    return review_date_problem(value, meeting_date)


def changes(typed: ItemText, saved: ItemText, meeting_date: date) -> dict[str, object]:
    """The fields of `typed` that differ from `saved`, as `minutes.save_entry` takes them.

    A review date that cannot be saved yet (half typed, or not after the meeting) is left out.
    """
    found: dict[str, object] = {}
    if typed.notes != saved.notes:
        found["notes"] = typed.notes
    if typed.advice != saved.advice:
        found["advice"] = Advice(typed.advice) if typed.advice else None
    if typed.decision != saved.decision:
        found["decision"] = typed.decision
    if not review_problem(typed.review, meeting_date):
        wanted = parse_date(typed.review)
        before = parse_date(saved.review) if not review_problem(saved.review, date.min) else None
        if wanted != before:
            found["next_review_date"] = wanted
    return found


@dataclass
class MeetingData:
    """Everything meeting mode shows, read in one background step."""

    meeting: MeetingInfo
    agenda: Agenda
    attendance: list[AttendanceInfo]
    participants: list[ParticipantInfo]
    entries: dict[int, EntryInfo]
    agreed: list[ActionInfo]
    open_actions: list[ActionInfo]
    histories: dict[int, list[HistoryEntry]]
    previous: MeetingInfo | None


def read_meeting(store: Store, meeting_id: int) -> MeetingData:
    """Read a meeting, its agenda, attendance, minutes and actions (runs off the GUI thread)."""
    meeting = meetings.get_meeting(store, meeting_id)
    built = agenda.get_agenda(store, meeting_id)
    entries = {item.id: minutes.get_entry(store, item.id) for item in built.items}
    histories = {
        item.case_id: minutes.case_history(store, item.case_id)
        for item in built.items
        if item.case_id is not None
    }
    here = (meeting.date, meeting.start_time, meeting.id)
    earlier = [
        m
        for m in meetings.list_meetings(store, until=meeting.date)
        if m.status is MeetingStatus.GEHOUDEN and (m.date, m.start_time, m.id) < here
    ]
    return MeetingData(
        meeting=meeting,
        agenda=built,
        attendance=meetings.list_attendance(store, meeting_id),
        participants=people.list_participants(store),
        entries=entries,
        agreed=actions.list_meeting_actions(store, meeting_id),
        open_actions=actions.open_actions_for_agenda(store, meeting_id),
        histories=histories,
        previous=earlier[-1] if earlier else None,
    )


def missing_team_warning(attendance: list[AttendanceInfo]) -> str | None:
    """The Dutch warning when a core team has nobody present, else None."""
    present = {a.team for a in attendance if a.status is AttendanceStatus.AANWEZIG}
    return meetings.missing_teams_text([t for t in CORE_TEAMS if t not in present])


def _message(exc: BaseException) -> str:
    if isinstance(exc, CasusoverlegError):
        return exc.message
    return f"onverwachte fout ({type(exc).__name__}: {exc})"


def _heading(text: str, scale: float = 1.0, *, bold: bool = True) -> QLabel:
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


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


# -- attendance ------------------------------------------------------------------------------


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

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Highlight the row that takes the keys."""
        self.setStyleSheet("#aanwezigheid { border: 2px solid palette(highlight); }")
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Back to a plain frame."""
        self.setStyleSheet("")
        super().focusOutEvent(event)


class AttendancePage(QWidget):
    """Who is there: a row per participant on the list, the missing-team warning, add a guest."""

    status_chosen = Signal(int, object)  # participant id, AttendanceStatus
    add_requested = Signal(int)  # participant id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AttendanceRow] = []
        title = _heading("Aanwezigheid", 1.4)
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
        scroll.setWidget(self.rows_holder)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.add_combo = QComboBox()
        self.add_combo.setPlaceholderText("Kies een deelnemer…")
        self.add_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.add_button = QPushButton("Toevoegen als aanwezig")
        self.add_button.clicked.connect(self._add)
        add_row = QHBoxLayout()
        add_row.addWidget(_buddy("Iemand anders aanwezig? &Deelnemer:", self.add_combo))
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
        for row in self.rows:
            if row.info.participant_id == focused:
                row.setFocus()

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


# -- one agenda item -------------------------------------------------------------------------


class QuickAddBox(QGroupBox):
    """Description, owner, due date; Enter in any of them adds the action."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Nieuw actiepunt", parent)
        self.description_edit = QLineEdit()
        self.description_edit.setPlaceholderText("Wat moet er gebeuren?")
        self.description_edit.setMaxLength(actions.MAX_DESCRIPTION)
        self.owner_combo = QComboBox()
        self.owner_combo.setPlaceholderText("Kies wie het doet…")
        self.owner_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.owner_combo.setMinimumContentsLength(16)
        self.due_field = DateField()
        self.add_button = QPushButton("Toevoegen (Enter)")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.submitted.emit)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_buddy("Ac&tiepunt:", self.description_edit), self.description_edit)
        who = QHBoxLayout()
        who.addWidget(self.owner_combo, 1)
        who.addWidget(_buddy("&Uiterlijk:", self.due_field.edit))
        who.addWidget(self.due_field)
        who.addWidget(self.add_button)
        form.addRow(_buddy("&Wie:", self.owner_combo), who)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        self.agreed = QTreeWidget()
        self.agreed.setHeaderLabels(["Afgesproken bij dit punt", "Wie", "Uiterlijk"])
        self.agreed.setRootIsDecorated(False)
        self.agreed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.agreed.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.agreed.header().setStretchLastSection(False)
        self.agreed.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.agreed.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        layout.addWidget(self.agreed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter from the text field, the owner combo or the date adds the action."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        super().keyPressEvent(event)

    def draft(self) -> ActionDraft:
        """What is typed."""
        owner = self.owner_combo.currentData()
        return ActionDraft(
            self.description_edit.text(),
            int(owner) if owner is not None else None,
            self.due_field.text(),
        )

    def set_draft(self, draft: ActionDraft) -> None:
        """Show a draft."""
        self.description_edit.setText(draft.description)
        index = self.owner_combo.findData(draft.owner_id) if draft.owner_id is not None else -1
        self.owner_combo.setCurrentIndex(index)
        self.due_field.set_text(draft.due)

    def set_owners(self, attendance: list[AttendanceInfo]) -> None:
        """The people present, to choose the owner from (keeps the choice if still there)."""
        chosen = self.owner_combo.currentData()
        self.owner_combo.clear()
        present = [a for a in attendance if a.status is AttendanceStatus.AANWEZIG]
        for person in sorted(present, key=lambda a: a.name.lower()):
            self.owner_combo.addItem(person.name, person.participant_id)
            index = self.owner_combo.count() - 1
            self.owner_combo.setItemData(
                index, person.organisation_name, Qt.ItemDataRole.ToolTipRole
            )
        self.owner_combo.setCurrentIndex(
            self.owner_combo.findData(chosen) if chosen is not None else -1
        )

    def show_message(self, text: str, *, error: bool = False) -> None:
        """A line under the fields (why an action was not added, or that it was)."""
        self.message_label.setText(text)
        set_colour(self.message_label, ERROR_COLOUR if error else OK_COLOUR)
        self.message_label.setVisible(bool(text))

    def show_agreed(self, agreed: list[ActionInfo]) -> None:
        """The actions agreed on this item."""
        self.agreed.clear()
        for action in agreed:
            line = QTreeWidgetItem(
                [action.description, action.owner_name, format_date(action.due_date)]
            )
            line.setToolTip(0, action.description)
            self.agreed.addTopLevelItem(line)
        self.agreed.setVisible(bool(agreed))
        self.agreed.resizeColumnToContents(1)
        self.agreed.resizeColumnToContents(2)


class OpenActionsBox(QGroupBox):
    """The actielijst: open actions agreed before this meeting; Enter marks one done."""

    done_requested = Signal(int)  # action id
    reopen_requested = Signal(int)  # action id

    COLUMNS = ("Actiepunt", "Casus", "Wie", "Uiterlijk", "Status")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Openstaande actiepunten", parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(lambda item, _col: self._activated(item))
        self.tree.currentItemChanged.connect(lambda *_args: self._update_buttons())
        self.done_button = QPushButton("Afgerond (Enter)")
        self.done_button.clicked.connect(self._done_clicked)
        self.reopen_button = QPushButton("Heropenen")
        self.reopen_button.clicked.connect(self._reopen_clicked)
        self.empty_label = QLabel("Er staan geen actiepunten open.")
        self.empty_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(
            QLabel("‘Afgerond’ meldt het actiepunt gereed op de dag van dit overleg.")
        )
        buttons.addStretch(1)
        buttons.addWidget(self.reopen_button)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._actions: dict[int, ActionInfo] = {}

    def show_actions(self, items: list[ActionInfo]) -> None:
        """Fill the list (keeps the current row)."""
        current = self.current_id()
        self.tree.clear()
        self._actions = {a.id: a for a in items}
        for action in items:
            self.tree.addTopLevelItem(self._line(action))
        self.empty_label.setVisible(not items)
        self.tree.setVisible(bool(items))
        for column in range(1, len(self.COLUMNS)):
            self.tree.resizeColumnToContents(column)
        if current is not None:
            self.select(current)
        elif items:
            self.tree.setCurrentItem(self._lines()[0])
        self._update_buttons()

    def _lines(self) -> list[QTreeWidgetItem]:
        found = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [line for line in found if line is not None]

    def update_action(self, action: ActionInfo) -> None:
        """Show a changed action in its line."""
        self._actions[action.id] = action
        for line in self._lines():
            if line.data(0, Qt.ItemDataRole.UserRole) == action.id:
                fresh = self._line(action)
                for column in range(len(self.COLUMNS)):
                    line.setText(column, fresh.text(column))
                    line.setForeground(column, fresh.foreground(column))
                    line.setToolTip(column, fresh.toolTip(column))
        self._update_buttons()

    @staticmethod
    def _line(action: ActionInfo) -> QTreeWidgetItem:
        case = f"{action.case_number} ({action.case_initials})" if action.case_number else ""
        status = action.status.label
        if action.overdue:
            status = "verlopen"
        elif action.done_on is not None:
            status = f"{status} {format_date(action.done_on)}"
        line = QTreeWidgetItem(
            [action.description, case, action.owner_name, format_date(action.due_date), status]
        )
        line.setData(0, Qt.ItemDataRole.UserRole, action.id)
        line.setToolTip(0, action.description)
        if action.overdue:
            for column in range(len(OpenActionsBox.COLUMNS)):
                line.setForeground(column, QColor(LATE_COLOUR))
        return line

    def current_id(self) -> int | None:
        """The id of the selected action."""
        line = self.tree.currentItem()
        return None if line is None else int(line.data(0, Qt.ItemDataRole.UserRole))

    def select(self, action_id: int) -> None:
        """Make an action the current line."""
        for line in self._lines():
            if line.data(0, Qt.ItemDataRole.UserRole) == action_id:
                self.tree.setCurrentItem(line)

    def _update_buttons(self) -> None:
        current = self.current_id()
        action = self._actions.get(current) if current is not None else None
        is_open = action is not None and action.status is ActionStatus.OPEN
        self.done_button.setEnabled(is_open)
        self.reopen_button.setEnabled(action is not None and not is_open)

    def _activated(self, line: QTreeWidgetItem) -> None:
        action = self._actions.get(int(line.data(0, Qt.ItemDataRole.UserRole)))
        if action is not None and action.status is ActionStatus.OPEN:
            self.done_requested.emit(action.id)

    def _done_clicked(self) -> None:
        current = self.current_id()
        if current is not None:
            self.done_requested.emit(current)

    def _reopen_clicked(self) -> None:
        current = self.current_id()
        if current is not None:
            self.reopen_requested.emit(current)


class ItemPage(QWidget):
    """One agenda item: what it is about on the left, what is recorded on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = _heading("", 1.4)
        self.meta_label = QLabel()
        self.meta_label.setWordWrap(True)

        # Left: the question, the case's history, the previous minutes, the action list.
        self.question_box = QGroupBox("Vraag aan het overleg")
        self.question_label = _heading("", 1.1, bold=False)
        QVBoxLayout(self.question_box).addWidget(self.question_label)
        self.history_box = QGroupBox("Eerder besproken")
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setTextFormat(Qt.TextFormat.RichText)
        self.history_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        QVBoxLayout(self.history_box).addWidget(self.history_label)
        self.previous_box = QGroupBox("Verslag vorig overleg")
        self.previous_label = QLabel()
        self.previous_label.setWordWrap(True)
        self.fix_button = QPushButton("Verslag vaststellen")
        self.view_previous_button = QPushButton("Verslag bekijken")
        # One above the other: the column is narrow.
        previous_buttons = QVBoxLayout()
        previous_buttons.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignLeft)
        previous_buttons.addWidget(self.view_previous_button, 0, Qt.AlignmentFlag.AlignLeft)
        previous_layout = QVBoxLayout(self.previous_box)
        previous_layout.addWidget(self.previous_label)
        previous_layout.addLayout(previous_buttons)
        self.open_actions = OpenActionsBox()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.question_box)
        left_layout.addWidget(self.previous_box)
        left_layout.addWidget(self.history_box)
        left_layout.addStretch(0)
        self.left_scroll = QScrollArea()
        self.left_scroll.setWidget(left)
        self.left_scroll.setWidgetResizable(True)
        self.left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left_scroll.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
        expanding = QSizePolicy.Policy.Expanding
        self.left_scroll.setSizePolicy(expanding, expanding)

        # Right: the minutes of this item and its actions.
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("Wat er besproken wordt…")
        self.advice_combo = QComboBox()
        self.advice_combo.addItem("Geen advies", "")
        for advice in Advice:
            self.advice_combo.addItem(capitalised(advice.label), str(advice))
        self.advice_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.advice_combo.setMinimumContentsLength(20)
        self.decision_edit = QPlainTextEdit()
        self.decision_edit.setTabChangesFocus(True)
        self.decision_edit.setPlaceholderText("Wat het overleg besluit…")
        self.review_field = DateField()
        self.review_error = QLabel()
        set_colour(self.review_error, ERROR_COLOUR)
        self.review_error.setWordWrap(True)
        self.review_error.hide()
        self.notes_label = _buddy("Aa&ntekeningen", self.notes_edit)
        self.advice_label = _buddy("Ad&vies", self.advice_combo)
        self.decision_label = _buddy("&Besluit", self.decision_edit)
        self.review_label = _buddy("Volgende herbeoorde&ling", self.review_field.edit)
        self.case_fields = QWidget()
        case_row = QHBoxLayout(self.case_fields)
        case_row.setContentsMargins(0, 0, 0, 0)
        case_row.addWidget(self.advice_label)
        case_row.addWidget(self.advice_combo)
        case_row.addSpacing(24)
        case_row.addWidget(self.review_label)
        case_row.addWidget(self.review_field)
        case_row.addStretch(1)
        self.quick_add = QuickAddBox()

        right = QWidget()
        right.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.notes_label)
        right_layout.addWidget(self.notes_edit, 3)
        right_layout.addWidget(self.case_fields)
        right_layout.addWidget(self.review_error)
        right_layout.addWidget(self.decision_label)
        right_layout.addWidget(self.decision_edit, 1)
        right_layout.addWidget(self.quick_add)

        self.columns = QHBoxLayout()
        self.columns.addWidget(self.left_scroll, 2)
        self.columns.addWidget(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.open_actions, 3)
        layout.addLayout(self.columns, 2)
        # Typing order: notes, advice, review date, decision, then a new action.
        box = self.quick_add
        order = [
            self.notes_edit,
            self.advice_combo,
            self.review_field.edit,
            self.decision_edit,
            box.description_edit,
            box.owner_combo,
            box.due_field.edit,
            box.add_button,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def text(self) -> ItemText:
        """What is typed."""
        return ItemText(
            notes=self.notes_edit.toPlainText(),
            advice=self.advice_combo.currentData() or "",
            decision=self.decision_edit.toPlainText(),
            review=self.review_field.text(),
        )

    def set_text(self, text: ItemText) -> None:
        """Show typed or saved text (no cursor jump when it is already there)."""
        if self.notes_edit.toPlainText() != text.notes:
            self.notes_edit.setPlainText(text.notes)
        self.advice_combo.setCurrentIndex(max(0, self.advice_combo.findData(text.advice)))
        if self.decision_edit.toPlainText() != text.decision:
            self.decision_edit.setPlainText(text.decision)
        if self.review_field.text() != text.review:
            self.review_field.set_text(text.review)

    def show_item(self, item: AgendaItemInfo, count: int) -> None:
        """Title, time and the parts that fit the kind of item."""
        self.title_label.setText(f"{item.position}. {item.title}")
        meta = [
            f"{item.start_time:%H:%M}–{item.end_time:%H:%M} ({item.minutes} minuten)",
            f"punt {item.position} van {count}",
        ]
        if item.presenter_name:
            meta.append(f"inbreng: {item.presenter_name}")
        if item.reason:
            meta.append(f"reden: {item.reason}")
        self.meta_label.setText(" · ".join(meta))
        is_case = item.kind is AgendaItemKind.CASUS
        self.case_fields.setVisible(is_case)
        self.review_error.hide()
        self.question_label.setText(item.question)
        self.question_box.setVisible(bool(item.question))
        self.history_box.setVisible(is_case)
        self.previous_box.setVisible(item.kind is AgendaItemKind.VERSLAG)
        self.open_actions.setVisible(item.kind is AgendaItemKind.ACTIELIJST)
        has_left = bool(item.question) or is_case or item.kind is AgendaItemKind.VERSLAG
        self.left_scroll.setVisible(has_left)
        # The action list needs the width; a case needs room to write.

    def show_history(self, history: list[HistoryEntry]) -> None:
        """The case's latest discussions, newest first."""
        if not history:
            self.history_label.setText("<i>Nog niet eerder besproken.</i>")
            return
        parts = []
        for entry in history[:HISTORY_SHOWN]:
            lines = [f"<b>{html.escape(long_date(entry.meeting_date))}</b>"]
            if entry.advice:
                lines.append(f"Advies: {html.escape(entry.advice.label)}")
            if entry.decision:
                lines.append(f"Besluit: {html.escape(_short(entry.decision))}")
            if entry.notes:
                lines.append(html.escape(_short(entry.notes)))
            parts.append("<br>".join(lines))
        more = len(history) - HISTORY_SHOWN
        if more > 0:
            parts.append(f"<i>en {more} eerdere bespreking{'en' if more > 1 else ''}</i>")
        self.history_label.setText("<p>" + "</p><p>".join(parts) + "</p>")

    def set_writable(self, writable: bool) -> None:
        """Lock the fields of minutes that are fixed (or of a cancelled meeting)."""
        self.notes_edit.setReadOnly(not writable)
        self.decision_edit.setReadOnly(not writable)
        self.advice_combo.setEnabled(writable)
        self.review_field.setEnabled(writable)
        self.quick_add.setEnabled(writable)


def _short(text: str, limit: int = 280) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- the window ------------------------------------------------------------------------------


@dataclass
class _Saving:
    """The save state of every agenda item that has been typed in."""

    typed: dict[int, ItemText] = field(default_factory=dict)
    saved: dict[int, ItemText] = field(default_factory=dict)
    in_flight: set[int] = field(default_factory=set)
    failed: dict[int, str] = field(default_factory=dict)
    again: set[int] = field(default_factory=set)  # asked to save while a save was running


class MeetingModeWindow(QWidget):
    """A meeting on the projector: attendance, then one agenda item at a time."""

    # Meeting mode writes the meeting; reloading under the minute-taker's hands would move
    # their cursor, so it loads only when opened or unlocked.
    reload_on = Change.NONE

    loaded = Signal()  # the meeting is on screen
    saved = Signal(int)  # agenda item id, after a save reached the store
    save_failed = Signal(str)  # why (Dutch); the text stays
    action_added = Signal(object)  # ActionInfo
    action_changed = Signal(object)  # ActionInfo, marked done or reopened from the actielijst
    attendance_saved = Signal(object)  # AttendanceInfo
    minutes_fixed = Signal(int)  # the meeting id whose minutes were fixed
    meeting_closed = Signal(int)  # this meeting id, now held
    left = Signal()  # the window was closed

    def __init__(self, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.meeting_id = meeting_id
        self._store: Store | None = None
        self._data: MeetingData | None = None
        self._generation = 0
        self._index = ATTENDANCE_PAGE
        self._filling = False
        self._saving = _Saving()
        self._action_drafts: dict[int, ActionDraft] = {}
        self._adding = False
        self._status_note = ""  # shown instead of "Opgeslagen" once (e.g. text put back)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
        self.setFont(font)
        self.setWindowTitle("Vergadermodus")

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)

        self._build()
        fit_date_field(self.item_page.review_field)
        fit_date_field(self.item_page.quick_add.due_field)
        self._make_shortcuts()
        self._show_locked_or_empty("Het overleg wordt geladen…")
        # What meeting mode writes shows on the other screens (see ui.ops.change_bus).
        announce = ops.change_bus().did_change.emit
        self.saved.connect(lambda _id: announce(Change.MINUTES | Change.CASES, self))
        self.action_added.connect(lambda _a: announce(Change.ACTIONS, self))
        self.action_changed.connect(lambda _a: announce(Change.ACTIONS, self))
        self.attendance_saved.connect(lambda _a: announce(Change.MEETINGS, self))
        self.minutes_fixed.connect(lambda _id: announce(Change.MINUTES, self))
        self.meeting_closed.connect(
            lambda _id: announce(Change.MEETINGS | Change.MINUTES | Change.ACTIONS, self)
        )

    # Building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header_label = _heading("", 1.0)
        self.status_label = QLabel()
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.retry_button = QPushButton("Opnieuw proberen")
        self.retry_button.clicked.connect(self.flush)
        self.retry_button.hide()
        self.close_button = QPushButton("Overleg afsluiten…")
        self.close_button.setToolTip(
            "Zet het overleg op gehouden en toon verslag en actielijst (Ctrl+Shift+E)"
        )
        self.close_button.clicked.connect(self.close_meeting)
        self.leave_button = QPushButton("Verlaten (Esc)")
        self.leave_button.clicked.connect(self.ask_leave)
        header = QHBoxLayout()
        header.addWidget(self.header_label, 1)
        header.addWidget(self.retry_button)
        header.addSpacing(12)
        header.addWidget(self.close_button)
        header.addWidget(self.leave_button)

        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        set_colour(self.banner_label, ERROR_COLOUR)
        self.banner_label.hide()

        self.jump_list = QListWidget()
        self.jump_list.setAccessibleName("Agendapunten (Ctrl+J)")
        self.jump_list.setToolTip("Spring naar een agendapunt (Ctrl+J)")
        self.jump_list.currentRowChanged.connect(self._jump)
        self.jump_list.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.jump_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.jump_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.jump_list.setSpacing(3)

        self.attendance_page = AttendancePage()
        self.attendance_page.status_chosen.connect(self._attendance_chosen)
        self.attendance_page.add_requested.connect(self._add_attendee)
        self.item_page = ItemPage()
        self.empty_label = _heading("", 1.2, bold=False)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.attendance_page)
        self.pages.addWidget(self.item_page)
        self.pages.addWidget(self.empty_label)

        page = self.item_page
        page.notes_edit.textChanged.connect(self._edited)
        page.decision_edit.textChanged.connect(self._edited)
        page.advice_combo.currentIndexChanged.connect(self._edited)
        page.review_field.edited.connect(self._edited)
        page.review_field.edit.editingFinished.connect(self._review_finished)
        page.quick_add.submitted.connect(self.add_action)
        page.open_actions.done_requested.connect(self._complete_action)
        page.open_actions.reopen_requested.connect(self._reopen_action)
        page.fix_button.clicked.connect(self.fix_previous_minutes)
        page.view_previous_button.clicked.connect(self._view_previous)

        self.previous_button = QPushButton("← Vorige (PageUp)")
        self.previous_button.clicked.connect(self.go_previous)
        self.next_button = QPushButton("Volgende (PageDown) →")
        self.next_button.clicked.connect(self.go_next)
        self.position_label = QLabel()
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for button in (self.previous_button, self.next_button, self.close_button):
            button.setAutoDefault(False)
            button.setMinimumHeight(self.fontMetrics().height() * 2)
        footer = QHBoxLayout()
        footer.addWidget(self.previous_button)
        footer.addStretch(1)
        footer.addWidget(self.position_label)
        footer.addSpacing(24)
        footer.addWidget(self.status_label)
        footer.addStretch(1)
        footer.addWidget(self.next_button)

        body = QHBoxLayout()
        body.addWidget(self.jump_list)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addLayout(header)
        layout.addWidget(self.banner_label)
        layout.addLayout(body, 1)
        layout.addLayout(footer)

    def _make_shortcuts(self) -> None:
        def bind(
            keys: QKeySequence | QKeySequence.StandardKey | str, slot: Callable[[], object]
        ) -> None:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        bind("PgDown", self.go_next)
        bind("Alt+Right", self.go_next)
        bind("PgUp", self.go_previous)
        bind("Alt+Left", self.go_previous)
        bind("Ctrl+J", self.focus_jump_list)
        bind("Ctrl+Shift+E", self.close_meeting)
        bind("Esc", self.ask_leave)
        bind("F11", self._toggle_full_screen)

    def sizeHint(self) -> QSize:
        """Large: it is meant to fill the screen."""
        return QSize(1280, 800)

    def present(self) -> None:
        """Show the window maximized and in front (F11 switches to full screen)."""
        self.setGeometry(self.screen().availableGeometry())
        self.showMaximized()
        self.raise_()
        self.activateWindow()

    def _toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showMaximized()
        else:
            self.showFullScreen()

    # State ------------------------------------------------------------------------------------

    @property
    def meeting(self) -> MeetingInfo | None:
        """The meeting as last read (None while locked or loading)."""
        return self._data.meeting if self._data else None

    @property
    def items(self) -> list[AgendaItemInfo]:
        """The agenda items in order."""
        return self._data.agenda.items if self._data else []

    @property
    def index(self) -> int:
        """The page shown: 0 is attendance, n is agenda item n."""
        return self._index

    @property
    def current_item(self) -> AgendaItemInfo | None:
        """The agenda item on screen (None on the attendance page)."""
        items = self.items
        if self._index == ATTENDANCE_PAGE or not 0 < self._index <= len(items):
            return None
        return items[self._index - 1]

    @property
    def writable(self) -> bool:
        """Whether minutes can still be typed (not cancelled, not fixed)."""
        meeting = self.meeting
        return (
            meeting is not None
            and meeting.status is not MeetingStatus.GEANNULEERD
            and meeting.minutes_status is not MinutesStatus.VASTGESTELD
        )

    def has_unsaved(self) -> bool:
        """Whether typed text (or a quick-add action) has not reached the store."""
        self._remember_current()
        saving = self._saving
        return bool(
            saving.in_flight
            or saving.failed
            or self._save_timer.isActive()
            or self._unsaved_items()
            or self._waiting_dates()
            or any(d.description.strip() for d in self._action_drafts.values())
        )

    def unsaved_warning(self) -> str:
        """What leaving now would leave behind, in Dutch ("" when everything is stored)."""
        self._remember_current()
        parts = []
        if self._saving.failed:
            parts.append("niet alle tekst is opgeslagen")
        if self._waiting_dates():
            parts.append("een datum van de volgende herbeoordeling is onvolledig")
        if any(d.description.strip() for d in self._action_drafts.values()):
            parts.append("een getypt actiepunt is nog niet toegevoegd (Enter)")
        return f"Let op: {'; '.join(parts)}. " if parts else ""

    def _unsaved_items(self) -> list[int]:
        meeting = self.meeting
        if meeting is None:
            return list(self._saving.typed)
        return [
            item_id
            for item_id, typed in self._saving.typed.items()
            if changes(typed, self._saving.saved.get(item_id, ItemText()), meeting.date)
        ]

    # Loading and locking ----------------------------------------------------------------------

    def load(self, store: Store) -> None:
        """Read the meeting in the background and show it (after an unlock: with unsaved text)."""
        self._store = store
        self._generation += 1
        generation = self._generation
        meeting_id = self.meeting_id

        def done(data: MeetingData) -> None:
            if generation != self._generation:
                return
            self._show(data)
            self.loaded.emit()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self._show_locked_or_empty(f"Het overleg kon niet worden geladen: {_message(exc)}")
            if not isinstance(exc, CasusoverlegError):
                raise exc

        tasks.run_in_background(lambda: read_meeting(store, meeting_id), done, failed)

    def clear(self) -> None:
        """Empty the window for a lock; unsaved text stays in memory until the next `load`."""
        self._generation += 1
        self._remember_current()
        self._save_timer.stop()
        unsaved = set(self._unsaved_items()) | self._saving.in_flight | set(self._saving.failed)
        self._saving = _Saving(
            typed={k: v for k, v in self._saving.typed.items() if k in unsaved},
        )
        self._action_drafts = {
            k: v for k, v in self._action_drafts.items() if v.description.strip()
        }
        self._store = None
        self._data = None
        self._adding = False
        self._show_locked_or_empty(
            "Casusoverleg is vergrendeld. Ontgrendel in het hoofdvenster om verder te gaan."
        )

    def _show_locked_or_empty(self, text: str) -> None:
        self._filling = True
        try:
            self.jump_list.clear()
            self.attendance_page.clear_rows()
            page = self.item_page
            page.set_text(ItemText())
            page.quick_add.set_draft(ActionDraft())
            page.quick_add.owner_combo.clear()
            page.quick_add.show_agreed([])
            page.quick_add.show_message("")
            page.open_actions.show_actions([])
            page.history_label.clear()
            page.question_label.clear()
            page.previous_label.clear()
            page.title_label.clear()
            page.meta_label.clear()
        finally:
            self._filling = False
        self.header_label.setText("Vergadermodus")
        self.banner_label.hide()
        self.empty_label.setText(text)
        self.pages.setCurrentWidget(self.empty_label)
        self.position_label.clear()
        for widget in (self.previous_button, self.next_button, self.close_button):
            widget.setEnabled(False)
        self._update_status()

    def _show(self, data: MeetingData) -> None:
        self._data = data
        meeting = data.meeting
        saving = self._saving
        saving.saved = {item_id: ItemText.of(entry) for item_id, entry in data.entries.items()}
        saving.in_flight.clear()
        saving.failed.clear()
        saving.again.clear()
        # Typed text kept over a lock goes back on screen; what the store has already is dropped.
        saving.typed = {
            k: v for k, v in saving.typed.items() if k in saving.saved and v != saving.saved[k]
        }
        self._show_meeting_state(meeting)
        self.attendance_page.show_attendance(data.attendance, data.participants)
        self.item_page.quick_add.set_owners(data.attendance)
        self.item_page.set_writable(self.writable)
        self._fill_jump_list()
        self._index = min(self._index, len(data.agenda.items))
        self._show_page(self._index, focus=True)
        if saving.typed:
            self._status_note = "Uw tekst van vóór het vergrendelen staat er weer."
            self.flush()
        if not data.agenda.items:
            self.banner_label.setText(
                "Dit overleg heeft nog geen agenda; stel die eerst samen in Overleggen."
            )
            self.banner_label.show()

    def _show_meeting_state(self, meeting: MeetingInfo) -> None:
        """Header, window title, the banner (held, fixed, cancelled) and the close button."""
        when = f"{long_date(meeting.date)}, {meeting.start_time:%H:%M}"
        self.header_label.setText(f"{meeting.title} — {when}")
        self.setWindowTitle(f"Vergadermodus — {meeting.title} — {when}")
        banner = ""
        if meeting.status is MeetingStatus.GEANNULEERD:
            banner = "Dit overleg is geannuleerd; er kan geen verslag bij."
        elif meeting.minutes_status is MinutesStatus.VASTGESTELD:
            banner = "Het verslag van dit overleg is vastgesteld; u kunt het alleen lezen."
        elif meeting.status is MeetingStatus.GEHOUDEN:
            banner = "Dit overleg is al afgesloten; wijzigingen komen in het conceptverslag."
        self.banner_label.setText(banner)
        self.banner_label.setVisible(bool(banner))
        self.close_button.setEnabled(meeting.status is not MeetingStatus.GEANNULEERD)
        self.close_button.setText(
            "Verslag en actielijst…"
            if meeting.status is MeetingStatus.GEHOUDEN
            else "Overleg afsluiten…"
        )

    def _fill_jump_list(self) -> None:
        self.jump_list.blockSignals(True)
        try:
            self.jump_list.clear()
            self.jump_list.addItem(QListWidgetItem("Aanwezigheid"))
            for item in self.items:
                self.jump_list.addItem(QListWidgetItem(self._jump_text(item)))
            self.jump_list.setCurrentRow(self._index)
        finally:
            self.jump_list.blockSignals(False)
        self._fit_jump_list()

    def _fit_jump_list(self) -> None:
        """As wide as the longest line, but never more than a quarter of the window."""
        metrics = self.jump_list.fontMetrics()
        lines = ["Aanwezigheid", *(self._jump_text(i) + " ✓" for i in self.items)]
        longest = max(metrics.horizontalAdvance(line) for line in lines)
        self.jump_list.setFixedWidth(min(longest + 32, max(220, self.width() // 4)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Let the agenda list use the room a larger window has."""
        super().resizeEvent(event)
        self._fit_jump_list()

    def _jump_text(self, item: AgendaItemInfo) -> str:
        saved = self._saving.saved.get(item.id, ItemText())
        done = " ✓" if saved != ItemText() else ""
        return f"{item.start_time:%H:%M}  {item.position}. {item.title}{done}"

    def _refresh_jump_line(self, item_id: int) -> None:
        for index, item in enumerate(self.items, start=1):
            if item.id == item_id and self.jump_list.item(index) is not None:
                self.jump_list.item(index).setText(self._jump_text(item))

    # Navigation -------------------------------------------------------------------------------

    def go_next(self) -> None:
        """The next agenda item (from attendance: the first)."""
        if self._data is not None and self._index < len(self.items):
            self.go_to(self._index + 1)

    def go_previous(self) -> None:
        """The previous agenda item (from the first: attendance)."""
        if self._data is not None and self._index > ATTENDANCE_PAGE:
            self.go_to(self._index - 1)

    def go_to(self, index: int) -> None:
        """Show page `index` (0 is attendance); what is typed is saved first."""
        if self._data is None or not 0 <= index <= len(self.items):
            return
        self._remember_current()
        self.flush()
        self._index = index
        self._show_page(index, focus=True)

    def focus_jump_list(self) -> None:
        """Ctrl+J: the list of agenda items, to jump with the arrow keys."""
        self.jump_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _jump(self, row: int) -> None:
        if row >= 0 and row != self._index:
            focus_list = self.jump_list.hasFocus()
            self.go_to(row)
            if focus_list:
                self.jump_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remember_current(self) -> None:
        item = self.current_item
        if item is None or self._data is None:
            return
        page = self.item_page
        typed = page.text()
        if typed != self._saving.saved.get(item.id, ItemText()) or item.id in self._saving.typed:
            self._saving.typed[item.id] = typed
        draft = page.quick_add.draft()
        if draft.description.strip():
            self._action_drafts[item.id] = draft
        else:
            self._action_drafts.pop(item.id, None)

    def _show_page(self, index: int, *, focus: bool) -> None:
        data = self._data
        if data is None:
            return
        self.jump_list.blockSignals(True)
        self.jump_list.setCurrentRow(index)
        self.jump_list.blockSignals(False)
        count = len(data.agenda.items)
        self.previous_button.setEnabled(index > ATTENDANCE_PAGE)
        self.next_button.setEnabled(index < count)
        if index == ATTENDANCE_PAGE:
            self.pages.setCurrentWidget(self.attendance_page)
            self.position_label.setText("Aanwezigheid")
            if focus:
                self.attendance_page.focus_first()
            self._update_status()
            return
        item = data.agenda.items[index - 1]
        self.position_label.setText(f"Punt {item.position} van {count}")
        page = self.item_page
        self._filling = True
        try:
            page.show_item(item, count)
            text = self._saving.typed.get(item.id) or self._saving.saved.get(item.id, ItemText())
            page.set_text(text)
            if item.case_id is not None:
                history = [
                    h
                    for h in data.histories.get(item.case_id, [])
                    if h.meeting_id != data.meeting.id
                ]
                page.show_history(history)
            if item.kind is AgendaItemKind.VERSLAG:
                self._show_previous()
            if item.kind is AgendaItemKind.ACTIELIJST:
                page.open_actions.show_actions(data.open_actions)
            draft = self._action_drafts.get(item.id) or self._new_draft(item)
            page.quick_add.set_draft(draft)
            page.quick_add.show_message("")
            page.quick_add.show_agreed([a for a in data.agreed if a.agenda_item_id == item.id])
        finally:
            self._filling = False
        self._show_review_problem(final=False)
        self.pages.setCurrentWidget(page)
        if focus:
            if item.kind is AgendaItemKind.ACTIELIJST and data.open_actions:
                page.open_actions.tree.setFocus(Qt.FocusReason.OtherFocusReason)
            elif self.writable:
                page.notes_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                page.notes_edit.moveCursor(page.notes_edit.textCursor().MoveOperation.End)
        self._update_status()

    def _new_draft(self, item: AgendaItemInfo) -> ActionDraft:
        meeting = self.meeting
        due = format_date(meeting.date + DUE_AFTER) if meeting else ""
        present = {
            a.participant_id
            for a in self.attendance_page.attendance()
            if a.status is AttendanceStatus.AANWEZIG
        }
        owner = item.presenter_id if item.presenter_id in present else None
        return ActionDraft("", owner, due)

    def _show_previous(self) -> None:
        data = self._data
        page = self.item_page
        previous = data.previous if data else None
        if previous is None:
            page.previous_label.setText("Er is geen eerder gehouden overleg.")
            page.fix_button.hide()
            page.view_previous_button.hide()
            return
        status = previous.minutes_status
        page.previous_label.setText(
            f"Verslag van het overleg van {long_date(previous.date)}: <b>{status.label}</b>."
        )
        page.view_previous_button.show()
        page.fix_button.setVisible(status is MinutesStatus.CONCEPT)
        page.fix_button.setEnabled(self.writable)

    # Saving as typed --------------------------------------------------------------------------

    def _edited(self) -> None:
        if self._filling:
            return
        item = self.current_item
        if item is None:
            return
        self._saving.typed[item.id] = self.item_page.text()
        self._status_note = ""
        self._show_review_problem(final=False)
        self._save_timer.start()
        self._update_status()

    def _review_finished(self) -> None:
        self._show_review_problem(final=True)

    def _show_review_problem(self, *, final: bool) -> None:
        """Say what is wrong with the typed review date: while typing only once it looks whole."""
        meeting = self.meeting
        page = self.item_page
        text = page.review_field.text()
        problem = review_problem(text, meeting.date) if meeting else ""
        if problem and not final and len(text.strip()) < len("1-1-2026"):
            problem = ""
        if problem:
            problem += " Deze datum is nog niet opgeslagen."
        page.review_error.setText(problem)
        page.review_error.setVisible(bool(problem))

    def flush(self) -> None:
        """Save every agenda item whose typed text differs from the store, now."""
        self._save_timer.stop()
        self._remember_current()
        for item_id in self._unsaved_items():
            if item_id in self._saving.in_flight:
                self._saving.again.add(item_id)
            else:
                self._save_item(item_id)
        self._update_status()

    def _save_item(self, item_id: int) -> None:
        store, meeting = self._store, self.meeting
        if store is None or meeting is None or not self.writable:
            return
        typed = self._saving.typed[item_id]
        wanted = changes(typed, self._saving.saved.get(item_id, ItemText()), meeting.date)
        if not wanted:
            return
        generation = self._generation
        self._saving.in_flight.add(item_id)
        notes: str | Keep = UNCHANGED
        decision: str | Keep = UNCHANGED
        advice: Advice | Keep | None = UNCHANGED
        review: date | Keep | None = UNCHANGED
        if "notes" in wanted:
            notes = typed.notes
        if "decision" in wanted:
            decision = typed.decision
        if "advice" in wanted:
            advice = Advice(typed.advice) if typed.advice else None
        if "next_review_date" in wanted:
            review = parse_date(typed.review)

        def save() -> EntryInfo:
            return minutes.save_entry(
                store,
                item_id,
                notes=notes,
                advice=advice,
                decision=decision,
                next_review_date=review,
            )

        def done(entry: EntryInfo) -> None:
            if generation != self._generation:
                return
            self._saving.in_flight.discard(item_id)
            self._saving.failed.pop(item_id, None)
            self._saving.again.discard(item_id)  # the check below saves whatever is left
            self._saving.saved[item_id] = ItemText.of(entry)
            self._refresh_jump_line(item_id)
            self.saved.emit(item_id)
            # Typed on while this save ran: save the rest (unless the timer will).
            if not self._save_timer.isActive() and item_id in self._unsaved_items():
                self._save_item(item_id)
            self._update_status()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self._saving.in_flight.discard(item_id)
            message = _message(exc)
            self._saving.failed[item_id] = message
            self._update_status()
            self.save_failed.emit(message)
            # A retry asked for while this save ran gets its own attempt (once, not a loop).
            if item_id in self._saving.again:
                self._saving.again.discard(item_id)
                self._save_item(item_id)

        tasks.run_in_background(save, done, failed)

    def _waiting_dates(self) -> bool:
        """Whether a typed review date differs from the store but cannot be saved yet."""
        meeting = self.meeting
        if meeting is None:
            return False
        saved = self._saving.saved
        return any(
            typed.review.strip() != saved.get(item_id, ItemText()).review
            and bool(review_problem(typed.review, meeting.date))
            for item_id, typed in self._saving.typed.items()
        )

    def _update_status(self) -> None:
        """The save indicator: saved, saving, or why not (in red, with a retry button)."""
        saving = self._saving
        failed = next(iter(saving.failed.values()), None)
        self.retry_button.setVisible(failed is not None and self._store is not None)
        if self._data is None:
            self.status_label.setText("")
            return
        if failed is not None:
            titles = [i.title for i in self.items if i.id in saving.failed]
            where = f" ({', '.join(titles)})" if titles else ""
            self._set_status(
                f"Niet opgeslagen{where}: {failed} Uw tekst blijft staan.", ERROR_COLOUR
            )
        elif saving.in_flight or self._save_timer.isActive() or self._unsaved_items():
            self._set_status("Bezig met opslaan…", "")
        elif self._waiting_dates():
            self._set_status("Datum volgende herbeoordeling nog niet opgeslagen", ERROR_COLOUR)
        else:
            self._set_status(self._status_note or "✓ Opgeslagen", OK_COLOUR)

    def _set_status(self, text: str, colour: str) -> None:
        self.status_label.setText(text)
        set_colour(self.status_label, colour)

    # Attendance -------------------------------------------------------------------------------

    def _attendance_chosen(self, participant_id: int, status: AttendanceStatus) -> None:
        store, data = self._store, self._data
        if store is None or data is None:
            return
        info = next(
            a for a in self.attendance_page.attendance() if a.participant_id == participant_id
        )
        generation = self._generation
        self.item_page.quick_add.set_owners(self.attendance_page.attendance())

        def done(saved: AttendanceInfo) -> None:
            if generation != self._generation or self._data is None:
                return
            self._data.attendance = [
                saved if a.participant_id == saved.participant_id else a
                for a in self._data.attendance
            ]
            self.attendance_saved.emit(saved)

        def failed(exc: BaseException) -> None:
            if generation != self._generation or self._data is None:
                return
            # Back to what the store has.
            self.attendance_page.show_attendance(self._data.attendance, self._data.participants)
            self.item_page.quick_add.set_owners(self._data.attendance)
            self._set_status(f"Aanwezigheid niet opgeslagen: {_message(exc)}", ERROR_COLOUR)

        tasks.run_in_background(
            lambda: meetings.set_attendance(
                store, self.meeting_id, participant_id, info.role, status
            ),
            done,
            failed,
        )

    def _add_attendee(self, participant_id: int) -> None:
        store = self._store
        if store is None or self._data is None:
            return
        generation = self._generation

        def done(saved: AttendanceInfo) -> None:
            if generation != self._generation or self._data is None:
                return
            self._data.attendance.append(saved)
            self.attendance_page.show_attendance(self._data.attendance, self._data.participants)
            self.attendance_page.row_of(saved.name).setFocus()
            self.item_page.quick_add.set_owners(self._data.attendance)
            self.attendance_saved.emit(saved)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._set_status(f"Niet toegevoegd: {_message(exc)}", ERROR_COLOUR)

        tasks.run_in_background(
            lambda: meetings.set_attendance(store, self.meeting_id, participant_id),
            done,
            failed,
        )

    # Actions ----------------------------------------------------------------------------------

    def add_action(self) -> None:
        """Save the quick-add action of the current item (Enter)."""
        store, item, meeting = self._store, self.current_item, self.meeting
        box = self.item_page.quick_add
        if store is None or item is None or meeting is None or self._adding or not self.writable:
            return
        draft = box.draft()
        description = draft.description.strip()
        if not description:
            box.show_message("Beschrijf wat er moet gebeuren.", error=True)
            box.description_edit.setFocus()
            return
        if draft.owner_id is None:
            box.show_message("Kies wie het actiepunt uitvoert.", error=True)
            box.owner_combo.setFocus()
            return
        try:
            due = parse_date(draft.due)
        except ValueError as exc:
            box.show_message(str(exc), error=True)
            box.due_field.setFocus()
            return
        generation = self._generation
        self._adding = True
        box.add_button.setEnabled(False)
        item_id, case_id = item.id, item.case_id
        owner_id = draft.owner_id

        def create() -> ActionInfo:
            return actions.create_action(
                store,
                description=description,
                owner_id=owner_id,
                due_date=due,
                case_id=case_id,
                agenda_item_id=item_id,
            )

        def done(action: ActionInfo) -> None:
            self._adding = False
            box.add_button.setEnabled(True)
            if generation != self._generation or self._data is None:
                return
            self._data.agreed.append(action)
            if self.current_item is not None and self.current_item.id == item_id:
                if box.description_edit.text().strip() == description:
                    box.description_edit.clear()
                box.show_agreed([a for a in self._data.agreed if a.agenda_item_id == item_id])
                box.show_message(f"Actiepunt toegevoegd voor {action.owner_name}.")
                box.description_edit.setFocus()
            elif (
                kept := self._action_drafts.get(item_id)
            ) and kept.description.strip() == description:
                self._action_drafts.pop(item_id)
            self.action_added.emit(action)

        def failed(exc: BaseException) -> None:
            self._adding = False
            box.add_button.setEnabled(True)
            if generation == self._generation:
                box.show_message(f"Niet toegevoegd: {_message(exc)}", error=True)

        tasks.run_in_background(create, done, failed)

    def _complete_action(self, action_id: int) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        on = meeting.date
        self._change_action(
            lambda store: actions.complete_action(
                store,
                action_id,
                done_on=on,
                note=f"Gereed gemeld in het overleg van {format_date(on)}.",
            )
        )

    def _reopen_action(self, action_id: int) -> None:
        self._change_action(lambda store: actions.reopen_action(store, action_id))

    def _change_action(self, change: Callable[[Store], ActionInfo]) -> None:
        store = self._store
        if store is None or self._data is None or not self.writable:
            return
        generation = self._generation

        def done(action: ActionInfo) -> None:
            if generation != self._generation or self._data is None:
                return
            self._data.open_actions = [
                action if a.id == action.id else a for a in self._data.open_actions
            ]
            self.item_page.open_actions.update_action(action)
            self.action_changed.emit(action)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._set_status(f"Actiepunt niet gewijzigd: {_message(exc)}", ERROR_COLOUR)

        tasks.run_in_background(lambda: change(store), done, failed)

    # The previous minutes ---------------------------------------------------------------------

    def fix_previous_minutes(self) -> None:
        """Vaststellen: fix the previous meeting's concept minutes in this meeting."""
        store, data = self._store, self._data
        previous = data.previous if data else None
        if (
            store is None
            or previous is None
            or previous.minutes_status is not MinutesStatus.CONCEPT
        ):
            return
        if not common.ask(
            self,
            "Verslag vaststellen",
            f"Het verslag van het overleg van {long_date(previous.date)} vaststellen?",
            yes="Vaststellen",
            detail="Daarna kan het verslag alleen nog met een zichtbare correctie worden "
            "aangevuld.",
        ):
            return
        generation = self._generation

        def done(_fixed: object) -> None:
            if generation != self._generation or self._data is None or self._data.previous is None:
                return
            self._data.previous = replace(
                self._data.previous, minutes_status=MinutesStatus.VASTGESTELD
            )
            self._show_previous()
            self.minutes_fixed.emit(previous.id)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._set_status(f"Verslag niet vastgesteld: {_message(exc)}", ERROR_COLOUR)

        tasks.run_in_background(
            lambda: minutes.fix_minutes(store, previous.id, at_meeting_id=self.meeting_id),
            done,
            failed,
        )

    def _view_previous(self) -> None:
        store, data = self._store, self._data
        if store is not None and data is not None and data.previous is not None:
            preview_document(
                self, store, DocumentRequest(kind="minutes", meeting_id=data.previous.id)
            )

    # Closing ----------------------------------------------------------------------------------

    def document_requests(self) -> list[DocumentRequest]:
        """What closing the meeting produces: its minutes and the (open) action list."""
        return [
            DocumentRequest(kind="minutes", meeting_id=self.meeting_id),
            DocumentRequest(kind="actions", include_done=False),
        ]

    def close_meeting(self) -> None:
        """Overleg afsluiten: ask once, mark the meeting held, offer minutes and action list."""
        store, meeting = self._store, self.meeting
        if store is None or meeting is None or meeting.status is MeetingStatus.GEANNULEERD:
            return
        self.flush()
        if meeting.status is MeetingStatus.GEHOUDEN:
            offer_documents(self, store, self.document_requests())
            return
        detail = (
            "Daarna worden het verslag en de actielijst getoond, om te bewaren of af te drukken."
        )
        detail = self.unsaved_warning() + detail
        if not common.ask(
            self,
            "Overleg afsluiten",
            "Het overleg afsluiten en als gehouden vastleggen?",
            yes="Overleg afsluiten",
            detail=detail,
        ):
            return
        generation = self._generation
        self.close_button.setEnabled(False)

        def done(info: MeetingInfo) -> None:
            if generation != self._generation or self._data is None:
                return
            self._data.meeting = info
            self._show_meeting_state(info)
            self.meeting_closed.emit(info.id)
            offer_documents(self, store, self.document_requests())

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self.close_button.setEnabled(True)
            self._set_status(f"Overleg niet afgesloten: {_message(exc)}", ERROR_COLOUR)

        # Queued after the saves that flush() started: the single worker runs them first.
        tasks.run_in_background(
            lambda: meetings.set_meeting_status(store, self.meeting_id, MeetingStatus.GEHOUDEN),
            done,
            failed,
        )

    def ask_leave(self) -> None:
        """Escape: ask, then close the window (everything typed is saved first)."""
        self.flush()
        detail = "Het overleg blijft zoals het is; u kunt later verdergaan."
        detail = self.unsaved_warning() + detail
        if common.ask(
            self,
            "Vergadermodus verlaten",
            "De vergadermodus verlaten?",
            yes="Verlaten",
            detail=detail,
        ):
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save what is typed before the window goes."""
        self.flush()
        self.left.emit()
        super().closeEvent(event)
