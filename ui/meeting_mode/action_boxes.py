"""The actions of a meeting: quick-add under each agenda item, and the actielijst of open ones.

Both lists show each action's stable number first ("Nr."), as the minutes and action list do,
so that "actiepunt 17" means the same thing on screen and on paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.dates import parse_date
from casusoverleg.domain.enums import ActionStatus, AttendanceStatus
from casusoverleg.services import actions
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.meetings import AttendanceInfo

from ui.common import format_date
from ui.meeting_mode.look import buddy, set_colour
from ui.style import ERROR_COLOUR, LATE_COLOUR, OK_COLOUR
from ui.widgets.date_field import DateField

DUE_AFTER = timedelta(weeks=2)  # default due date of a new action: two weeks after the meeting


@dataclass(frozen=True)
class ActionDraft:
    """A quick-add action being typed for one agenda item (kept when paging and locking)."""

    description: str = ""
    owner_id: int | None = None
    due: str = ""

    @classmethod
    def first(
        cls, presenter_id: int | None, meeting_date: date | None, attendance: list[AttendanceInfo]
    ) -> ActionDraft:
        """An item's first draft: due two weeks after the meeting, for its presenter if present."""
        due = format_date(meeting_date + DUE_AFTER) if meeting_date else ""
        present = {a.participant_id for a in attendance if a.status is AttendanceStatus.AANWEZIG}
        return cls("", presenter_id if presenter_id in present else None, due)


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
        form.addRow(buddy("Ac&tiepunt:", self.description_edit), self.description_edit)
        # Who and when on rows of their own: on one row they made meeting mode wider than 1280.
        form.addRow(buddy("&Wie:", self.owner_combo), self.owner_combo)
        when = QHBoxLayout()
        when.addWidget(self.due_field)
        when.addStretch(1)
        when.addWidget(self.add_button)
        form.addRow(buddy("&Uiterlijk:", self.due_field.edit), when)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        self.agreed = QTreeWidget()
        self.agreed.setHeaderLabels(["Nr.", "Afgesproken bij dit punt", "Wie", "Uiterlijk"])
        self.agreed.setRootIsDecorated(False)
        self.agreed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.agreed.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.agreed.header().setStretchLastSection(False)
        self.agreed.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.agreed.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        layout.addWidget(self.agreed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter from the text field, the owner combo or the date adds the action."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        super().keyPressEvent(event)

    def checked(self) -> tuple[str, int, date | None] | None:
        """What, who and by when, if all is there; else None and the box says what is missing."""
        draft = self.draft()
        description = draft.description.strip()
        if not description:
            self.show_message("Beschrijf wat er moet gebeuren.", error=True)
            self.description_edit.setFocus()
            return None
        if draft.owner_id is None:
            self.show_message("Kies wie het actiepunt uitvoert.", error=True)
            self.owner_combo.setFocus()
            return None
        try:
            due = parse_date(draft.due)
        except ValueError as exc:
            self.show_message(str(exc), error=True)
            self.due_field.setFocus()
            return None
        return description, draft.owner_id, due

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

    def clear(self) -> None:
        """No draft, no owners to choose, no actions, no message (locked or loading)."""
        self.set_draft(ActionDraft())
        self.owner_combo.clear()
        self.show_agreed([])
        self.show_message("")

    def show_agreed(self, agreed: list[ActionInfo]) -> None:
        """The actions agreed on this item."""
        self.agreed.clear()
        for action in agreed:
            line = QTreeWidgetItem(
                [
                    str(action.number),
                    action.description,
                    action.owner_name,
                    format_date(action.due_date),
                ]
            )
            line.setTextAlignment(0, Qt.AlignmentFlag.AlignRight)
            line.setToolTip(0, f"Actiepunt {action.number}, {action.agreed_text}")
            line.setToolTip(1, action.description)
            self.agreed.addTopLevelItem(line)
        self.agreed.setVisible(bool(agreed))
        for column in (0, 2, 3):
            self.agreed.resizeColumnToContents(column)


class OpenActionsBox(QGroupBox):
    """The actielijst: open actions agreed before this meeting; Enter marks one done."""

    done_requested = Signal(int)  # action id
    reopen_requested = Signal(int)  # action id

    COLUMNS = ("Nr.", "Actiepunt", "Casus", "Wie", "Uiterlijk", "Status")
    DESCRIPTION = 1  # the column that takes the room left

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Openstaande actiepunten", parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(self.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(lambda item, _col: self._activated(item))
        self.tree.currentItemChanged.connect(lambda *_args: self._update_buttons())
        self.done_button = QPushButton("Afgerond (Enter)")
        self.done_button.clicked.connect(self._done_clicked)
        self.reopen_button = QPushButton("Heropenen")
        self.reopen_button.clicked.connect(self._reopen_clicked)
        self.empty_label = QLabel("Er staan geen actiepunten open.")
        self.empty_label.hide()
        buttons = QHBoxLayout()
        note = QLabel("‘Afgerond’ meldt het actiepunt gereed op de dag van dit overleg.")
        note.setWordWrap(True)  # wraps in a narrow window instead of widening it
        buttons.addWidget(note, 1)
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
        for column in range(len(self.COLUMNS)):
            if column != self.DESCRIPTION:
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
            [
                str(action.number),
                action.description,
                case,
                action.owner_name,
                format_date(action.due_date),
                status,
            ]
        )
        line.setData(0, Qt.ItemDataRole.UserRole, action.id)
        line.setTextAlignment(0, Qt.AlignmentFlag.AlignRight)
        line.setToolTip(0, f"Actiepunt {action.number}, {action.agreed_text}")
        line.setToolTip(OpenActionsBox.DESCRIPTION, action.description)
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
