"""Actiepunten: every action item, filtered (open, overdue, owner, case), marked done, printed.

The table is a Qt model over the ActionInfo list the actions service returns; filtering and
sorting happen on that Python list (not in a proxy). Overdue actions are shown in red with
"verlopen". Marking done asks for the date and a note in a small dialog. Each action shows its
stable number ("Nr."), and "Geschiedenis…" (Alt+E) shows who agreed, changed, finished or
reopened it, and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import ActionStatus
from casusoverleg.domain.text import normalise_search
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import actions
from casusoverleg.services.actions import ActionEventInfo, ActionInfo
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.store import Store

from ui import dialogs, ops, pdf_preview, style
from ui.common import format_date
from ui.ops import Change, StoreOp
from ui.table_model import RowsTableModel
from ui.widgets.date_field import DateField
from ui.widgets.flow import FlowLayout, together
from ui.widgets.tables import set_up_rows_table

COLUMNS = (
    "Nr.",
    "Actiepunt",
    "Casus",
    "Wie",
    "Organisatie",
    "Uiterlijk",
    "Status",
    "Gereed op",
    "Notitie",
)
(
    COL_NUMBER,
    COL_DESCRIPTION,
    COL_CASE,
    COL_OWNER,
    COL_ORGANISATION,
    COL_DUE,
    COL_STATUS,
    COL_DONE,
    COL_NOTE,
) = range(len(COLUMNS))
ACTION_ID_ROLE = Qt.ItemDataRole.UserRole

# Which actions the first filter shows.
SHOW_OPEN, SHOW_OVERDUE, SHOW_ALL = "open", "verlopen", "alle"
SHOW_CHOICES = ((SHOW_OPEN, "Open"), (SHOW_OVERDUE, "Verlopen"), (SHOW_ALL, "Alle (ook afgerond)"))

_STATUS_ORDER = {s: i for i, s in enumerate(ActionStatus)}


def _due_key(action: ActionInfo) -> tuple[bool, date]:
    # Actions without a due date last, as the service orders them.
    return (action.due_date is None, action.due_date or date.max)


_SORT_KEYS: dict[int, Callable[[ActionInfo], Any]] = {
    COL_NUMBER: lambda a: a.number,
    COL_DESCRIPTION: lambda a: normalise_search(a.description),
    COL_CASE: lambda a: (a.case_number == "", a.case_number),
    COL_OWNER: lambda a: normalise_search(a.owner_name),
    COL_ORGANISATION: lambda a: normalise_search(a.organisation_name),
    COL_DUE: _due_key,
    COL_STATUS: lambda a: (_STATUS_ORDER[a.status], not a.overdue),
    COL_DONE: lambda a: (a.done_on is None, a.done_on or date.max),
    COL_NOTE: lambda a: normalise_search(a.note),
}


def status_text(action: ActionInfo) -> str:
    """ "open", "open — verlopen", "gereed", "vervallen"."""
    return f"{action.status.label} — verlopen" if action.overdue else action.status.label


def case_text(action: ActionInfo) -> str:
    """ "2026-0012 (L. van L.)", or "" for an action without a case."""
    if not action.case_number:
        return ""
    return (
        f"{action.case_number} ({action.case_initials})"
        if action.case_initials
        else action.case_number
    )


@dataclass(frozen=True)
class ActionFilter:
    """The filters of the action list; combined with AND."""

    show: str = SHOW_OPEN
    owner_id: int | None = None
    case: str = ""  # words that the casusnummer or the initials contain

    @property
    def active(self) -> bool:
        """Whether anything besides the default "open" is chosen."""
        return self != ActionFilter()

    def accepts(self, action: ActionInfo) -> bool:
        """Whether `action` passes every filter."""
        if self.show == SHOW_OPEN and action.status is not ActionStatus.OPEN:
            return False
        if self.show == SHOW_OVERDUE and not action.overdue:
            return False
        if self.owner_id is not None and action.owner_id != self.owner_id:
            return False
        words = normalise_search(self.case).split()
        if words:
            text = normalise_search(f"{action.case_number} {action.case_initials}")
            return all(word in text for word in words)
        return True


def count_text(visible: list[ActionInfo], total: int, *, filtered: bool) -> str:
    """ "12 van 40 actiepunten, 5 verlopen" (the overdue ones among those shown)."""
    locale = QLocale()
    noun = "actiepunt" if total == 1 else "actiepunten"
    text = f"{locale.toString(total)} {noun}"
    if filtered:
        text = f"{locale.toString(len(visible))} van {text}"
    late = sum(1 for a in visible if a.overdue)
    if late:
        text += f", {locale.toString(late)} verlopen"
    return text


class ActionTableModel(RowsTableModel[ActionInfo]):
    """Action rows from the actions service; filtered and sorted on the Python list."""

    column_titles = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[ActionInfo] = []
        self._filter = ActionFilter()
        self._sort_column = COL_DUE
        self._sort_order = Qt.SortOrder.AscendingOrder

    # Qt's model interface -------------------------------------------------------------------

    def cell(self, action: ActionInfo, column: int, role: int) -> Any:
        """Text, tooltip, colour and action id of one cell."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(action, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if action.overdue and column in (COL_DUE, COL_STATUS):
                return f"Verlopen: uiterlijk {format_date(action.due_date)}"
            if column in (COL_DESCRIPTION, COL_NOTE):
                return self._text(action, column) or None
            if column == COL_NUMBER:
                return f"Actiepunt {action.number}, {action.agreed_text}"
            if column == COL_OWNER and action.owner_archived:
                return f"{action.owner_name} is gearchiveerd"
            return None
        if role == Qt.ItemDataRole.ForegroundRole and action.overdue:
            return QBrush(QColor(style.LATE_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_NUMBER:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == ACTION_ID_ROLE:
            return action.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the Python list (fast), not through a proxy."""
        if column not in _SORT_KEYS:
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self.row_at(i.row()).id if i.isValid() else None for i in before]
        self._sort_all()
        self._rows[:] = self._filtered()
        self.rows_changed()
        rows = [self.row_of(action_id) if action_id is not None else None for action_id in ids]
        after = [
            self.index(row, i.column()) if row is not None else QModelIndex()
            for i, row in zip(before, rows, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # Our own interface ----------------------------------------------------------------------

    @staticmethod
    def _text(action: ActionInfo, column: int) -> str:
        if column == COL_NUMBER:
            return str(action.number)
        if column == COL_DESCRIPTION:
            return action.description
        if column == COL_CASE:
            return case_text(action)
        if column == COL_OWNER:
            return action.owner_name + (" (gearchiveerd)" if action.owner_archived else "")
        if column == COL_ORGANISATION:
            return action.organisation_name
        if column == COL_DUE:
            return format_date(action.due_date)
        if column == COL_STATUS:
            return status_text(action)
        if column == COL_DONE:
            return format_date(action.done_on)
        if column == COL_NOTE:
            return action.note
        return ""

    def _sort_all(self) -> None:
        reverse = self._sort_order == Qt.SortOrder.DescendingOrder
        # Ties keep due-date order, so equal keys do not shuffle between sorts.
        self._all.sort(key=lambda a: (_due_key(a), a.id))
        self._all.sort(key=_SORT_KEYS[self._sort_column], reverse=reverse)

    def _filtered(self) -> list[ActionInfo]:
        accepts = self._filter.accepts
        return [a for a in self._all if accepts(a)]

    def set_actions(self, rows: list[ActionInfo]) -> None:
        """Show a new list (keeps the filter and the sort)."""
        self._all = list(rows)
        self._sort_all()
        self.set_rows(self._filtered())

    def upsert(self, action: ActionInfo) -> None:
        """Put a changed action in the list (after marking it done or reopening it)."""
        self.set_actions([a for a in self._all if a.id != action.id] + [action])

    def clear(self) -> None:
        """Drop every row (lock)."""
        self.set_actions([])

    def set_filter(self, wanted: ActionFilter) -> None:
        """Show only the actions that pass `wanted`."""
        if wanted == self._filter:
            return
        self._filter = wanted
        self.set_rows(self._filtered())

    @property
    def filter(self) -> ActionFilter:
        """The filter in force."""
        return self._filter

    @property
    def total_count(self) -> int:
        """All actions loaded, shown or not."""
        return len(self._all)

    def owners(self) -> list[tuple[int, str]]:
        """(id, name) of every owner in the list, by name."""
        found = {a.owner_id: a.owner_name for a in self._all}
        return sorted(found.items(), key=lambda item: normalise_search(item[1]))


class DoneDialog(QDialog):
    """Afronden: the date it was done (today by default) and an optional note."""

    def __init__(self, action: ActionInfo, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Actiepunt afronden")
        self.action = action
        self.date_field = DateField()
        self.date_field.set_text(format_date(today))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("bijvoorbeeld: gesprek gevoerd op 3 maart")
        self.note_edit.setMaxLength(2000)
        what = QLabel(f"<b>{action.description}</b><br>{action.owner_label}")
        what.setTextFormat(Qt.TextFormat.RichText)
        what.setWordWrap(True)
        form = QFormLayout()
        date_label = QLabel("&Gereed op:")
        date_label.setBuddy(self.date_field.edit)
        form.addRow(date_label, self.date_field)
        note_label = QLabel("&Toelichting:")
        note_label.setBuddy(self.note_edit)
        form.addRow(note_label, self.note_edit)
        self._frame = dialogs.form_dialog(self, [what, form], "Afronden")
        self.ok_button, self.error_label = self._frame.ok_button, self._frame.error_label
        self.note_edit.setFocus()

    def value(self) -> tuple[date, str]:
        """The date and note typed; ValueError (Dutch) when the date is not usable."""
        done_on = self.date_field.value()
        if done_on is None:
            raise ValueError("Vul de datum in waarop het actiepunt gereed was.")
        agreed = self.action.created_on
        if agreed is not None and done_on < agreed:
            raise ValueError(
                f"De datum ligt vóór de dag waarop het actiepunt is afgesproken "
                f"({format_date(agreed)})."
            )
        return done_on, self.note_edit.text().strip()

    def accept(self) -> None:
        """Close only with a usable date."""
        try:
            self.value()
        except ValueError as exc:
            self._frame.say_error(str(exc), self.date_field)
            return
        super().accept()


def ask_done(parent: QWidget, action: ActionInfo, today: date) -> tuple[date, str] | None:
    """Ask when an action was done and why (note); None if cancelled. Tests replace this."""
    dialog = DoneDialog(action, today, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()
    finally:
        dialog.deleteLater()


HISTORY_COLUMNS = ("Wat er gebeurde", "Toelichting")


class HistoryDialog(QDialog):
    """Geschiedenis of one action: agreed, changed, done, cancelled, reopened; when, by whom."""

    def __init__(
        self, action: ActionInfo, events: list[ActionEventInfo], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Geschiedenis van actiepunt {action.number}")
        self.action = action
        what = QLabel(
            f"<b>Actiepunt {action.number}</b>: {escape(action.description)}<br>"
            f"{escape(action.owner_label)} · {escape(action.agreed_text)}"
        )
        what.setTextFormat(Qt.TextFormat.RichText)
        what.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(HISTORY_COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Geschiedenis")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for event in events:
            line = QTreeWidgetItem([event.text, event.detail])
            line.setToolTip(0, f"vastgelegd op {event.at:%d-%m-%Y %H:%M}")
            line.setToolTip(1, event.detail)
            self.tree.addTopLevelItem(line)
        self.empty_label = QLabel("Van dit actiepunt is nog geen geschiedenis vastgelegd.")
        self.empty_label.setVisible(not events)
        self.tree.setVisible(bool(events))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Sluiten")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)
        last = self.tree.topLevelItem(len(events) - 1) if events else None
        if last is not None:
            self.tree.setCurrentItem(last)
        self.tree.setFocus()

    def lines(self) -> list[str]:
        """What the list shows, one text per event (oldest first)."""
        found = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [" — ".join(filter(None, (i.text(0), i.text(1)))) for i in found if i is not None]


def show_history(parent: QWidget, action: ActionInfo, events: list[ActionEventInfo]) -> QDialog:
    """Open the Geschiedenis of an action (not modal: the list stays usable)."""
    dialog = HistoryDialog(action, events, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def preview_actions(parent: QWidget, store: Store, request: DocumentRequest) -> None:
    """Open the action list in the preview (print, save). Tests replace this."""
    pdf_preview.show_pdf_preview(parent, store, request)


class ActionsView(QWidget):
    """The Actiepunten screen: filters, count, the table and what can be done with an action."""

    # The changes after which this screen loads again (see ui.ops).
    reload_on = Change.ACTIONS | Change.PEOPLE | Change.CASES | Change.MINUTES

    loaded = Signal()  # the actions of the current store are in the table
    changed = Signal(object)  # ActionInfo, after marking done or reopening
    change_failed = Signal(str)  # why (Dutch)
    open_case = Signal(int)  # case id: show this case's form
    history_shown = Signal(object)  # the HistoryDialog, once it is open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._today: date | None = None
        self._owner_choice: int | None = None  # kept over a lock, chosen again after the reload
        self.model = ActionTableModel(self)

        self.show_combo = QComboBox()
        for value, text in SHOW_CHOICES:
            self.show_combo.addItem(text, value)
        self.owner_combo = QComboBox()
        self.owner_combo.addItem("Iedereen", None)
        self.owner_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.case_edit = QLineEdit()
        self.case_edit.setPlaceholderText("casusnummer of initialen")
        self.case_edit.setClearButtonEnabled(True)
        self.case_edit.setMinimumWidth(self.case_edit.fontMetrics().averageCharWidth() * 30)
        self.case_edit.setAccessibleName("Filter op casus")
        self.show_combo.currentIndexChanged.connect(self._filters_changed)
        self.owner_combo.currentIndexChanged.connect(self._filters_changed)
        self.case_edit.textChanged.connect(self._filters_changed)
        self.case_edit.returnPressed.connect(self._focus_table)
        self.count_label = QLabel()

        top_row = QWidget()  # wraps at 200 % text instead of widening the window
        top = FlowLayout(top_row)
        for text, widget in (
            ("&Toon:", self.show_combo),
            ("&Wie:", self.owner_combo),
            ("&Casus:", self.case_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(together(label, widget))
        top.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setModel(self.model)
        set_up_rows_table(self.table, name="actiepunten", stretch_last=False)
        self.table.setAccessibleName("Actiepunten")
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COL_DUE, Qt.SortOrder.AscendingOrder)
        # The description takes the room the other columns leave.
        self.table.horizontalHeader().setSectionResizeMode(
            COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch
        )
        self.table.activated.connect(lambda _index: self.open_current_case())
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(lambda *_args: self._update_buttons())

        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        self.done_button = QPushButton("&Afgerond…")
        self.done_button.setToolTip("Markeer het actiepunt als gereed, met datum en toelichting")
        self.done_button.clicked.connect(self.complete_current)
        self.reopen_button = QPushButton("He&ropenen")
        self.reopen_button.clicked.connect(self.reopen_current)
        self.history_button = QPushButton("Geschied&enis…")
        self.history_button.setToolTip(
            "Wie dit actiepunt afsprak, wijzigde, gereed meldde of heropende, en wanneer"
        )
        self.history_button.clicked.connect(self.show_current_history)
        self.case_button = QPushButton("Casus &openen")
        self.case_button.setToolTip("Open de casus van dit actiepunt (Enter)")
        self.case_button.clicked.connect(self.open_current_case)
        self.print_button = QPushButton("Af&drukken…")
        self.print_button.setToolTip("De actielijst als PDF: bekijken, afdrukken, bewaren (Ctrl+P)")
        self.print_button.clicked.connect(self.print_list)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.reopen_button)
        buttons.addWidget(self.history_button)
        buttons.addWidget(self.case_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)

        layout = QVBoxLayout(self)
        layout.addWidget(top_row)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(buttons)

        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.print_list)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(lambda: self.case_edit.setFocus(Qt.FocusReason.ShortcutFocusReason))

        self._set_column_widths()
        self._update_count()
        self._update_buttons()

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.select_row(0)

    def _set_column_widths(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        day = metrics.horizontalAdvance("00-00-0000") + 24
        # The description takes the room that is left (Stretch); the rest from sample texts.
        widths = {
            COL_NUMBER: metrics.horizontalAdvance("00000") + 16,
            COL_CASE: metrics.horizontalAdvance("2026-0000 (M. van der V.)") + 16,
            COL_OWNER: metrics.horizontalAdvance("Vera van Kuijc van Malsen") + 16,
            COL_ORGANISATION: metrics.horizontalAdvance("Orthopedagogisch adviesbureau") + 16,
            COL_DUE: day,
            COL_STATUS: metrics.horizontalAdvance("open — verlopen") + 24,
            COL_DONE: day,
            COL_NOTE: char * 28,
        }
        for column, width in widths.items():
            title = metrics.horizontalAdvance(COLUMNS[column]) + 32
            self.table.setColumnWidth(column, max(width, title))

    # Loading and locking ----------------------------------------------------------------------

    def set_today(self, today: date | None) -> None:
        """Use a fixed day for "verlopen" (tests); None: the real today."""
        self._today = today

    @property
    def today(self) -> date:
        """The day overdue is judged on."""
        return self._today or date.today()

    def load(self, store: Store) -> None:
        """Read every action (done ones too) in the background and show them."""
        self._store = store
        today = self.today
        op = StoreOp(self, store, lambda s: actions.list_actions(s, include_done=True, today=today))
        op.key("load").success(self._show_loaded).failure(self._load_failed).run()

    def _show_loaded(self, rows: list[ActionInfo]) -> None:
        current = self.current_action()
        self.model.set_actions(rows)
        self._fill_owners()
        self._show_message("")
        if current is not None:
            self._select(current.id)
        self._after_change()
        self.loaded.emit()

    def _load_failed(self, exc: CasusoverlegError) -> None:
        self._show_message(style.could_not_load("De lijst met actiepunten", exc))

    def clear(self) -> None:
        """Empty the screen for a lock (the chosen filters stay; the data goes)."""
        ops.drop_pending(self)
        self._store = None
        if self.owner_combo.currentData() is not None:
            self._owner_choice = self.owner_combo.currentData()
        self.case_edit.blockSignals(True)
        self.case_edit.clear()
        self.case_edit.blockSignals(False)
        self.owner_combo.blockSignals(True)
        self.owner_combo.clear()
        self.owner_combo.addItem("Iedereen", None)
        self.owner_combo.blockSignals(False)
        self.model.set_filter(replace(self.model.filter, owner_id=None, case=""))
        self.model.clear()
        self._show_message("")
        self._after_change()

    def _fill_owners(self) -> None:
        wanted = self.owner_combo.currentData()
        if wanted is None:
            wanted = self._owner_choice
        self.owner_combo.blockSignals(True)
        try:
            self.owner_combo.clear()
            self.owner_combo.addItem("Iedereen", None)
            for owner_id, name in self.model.owners():
                self.owner_combo.addItem(name, owner_id)
            self.owner_combo.setCurrentIndex(max(0, self.owner_combo.findData(wanted)))
        finally:
            self.owner_combo.blockSignals(False)
        self._owner_choice = None
        self._filters_changed()

    # Filters ------------------------------------------------------------------------------------

    def current_filter(self) -> ActionFilter:
        """The filter the widgets show."""
        owner = self.owner_combo.currentData()
        return ActionFilter(
            show=self.show_combo.currentData() or SHOW_OPEN,
            owner_id=int(owner) if owner is not None else None,
            case=self.case_edit.text(),
        )

    def _filters_changed(self) -> None:
        current = self.current_action()
        chosen = self.current_filter()
        self.model.set_filter(chosen)
        # Open actions have no done date or closing note: give their room to the description.
        only_open = chosen.show != SHOW_ALL
        self.table.setColumnHidden(COL_DONE, only_open)
        self.table.setColumnHidden(COL_NOTE, only_open)
        if current is not None:
            self._select(current.id)
        self._after_change()

    def _after_change(self) -> None:
        self._update_count()
        self._update_buttons()
        empty = self.model.rowCount() == 0
        if empty:
            if self._store is None:
                self.empty_label.setText("")
            elif self.model.total_count == 0:
                self.empty_label.setText("Er zijn nog geen actiepunten.")
            else:
                self.empty_label.setText("Geen actiepunten bij deze filters.")
        self.empty_label.setVisible(empty and self._store is not None)
        self.table.setVisible(not empty or self._store is None)

    def _update_count(self) -> None:
        if self._store is None:
            self.count_label.setText("")
            return
        self.count_label.setText(
            count_text(
                self.model.rows,
                self.model.total_count,
                filtered=self.model.rowCount() != self.model.total_count,
            )
        )

    # The current action -------------------------------------------------------------------------

    def current_action(self) -> ActionInfo | None:
        """The action on the current row."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def select_row(self, row: int) -> None:
        """Make `row` the current row."""
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _select(self, action_id: int) -> None:
        row = self.model.row_of(action_id)
        if row is not None:
            self.select_row(row)

    def _update_buttons(self) -> None:
        action = self.current_action()
        ready = self._store is not None and action is not None
        is_open = action is not None and action.status is ActionStatus.OPEN
        self.done_button.setEnabled(ready and is_open)
        self.reopen_button.setEnabled(ready and not is_open)
        self.history_button.setEnabled(ready)
        self.case_button.setEnabled(ready and action is not None and action.case_id is not None)
        self.print_button.setEnabled(self._store is not None)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style.ERROR_STYLE)
        self.message_label.setVisible(bool(text))

    def open_current_case(self) -> None:
        """Enter on a row: ask the main window to show the action's case."""
        action = self.current_action()
        if action is not None and action.case_id is not None:
            self.open_case.emit(action.case_id)

    def complete_current(self) -> None:
        """Afgerond…: ask the date and a note, then mark the action done."""
        action, store = self.current_action(), self._store
        if action is None or store is None or action.status is not ActionStatus.OPEN:
            return
        answer = ask_done(self, action, self.today)
        if answer is None:
            return
        done_on, note = answer
        today = self.today
        self._change(
            store,
            lambda s: actions.complete_action(
                s, action.id, done_on=done_on, note=note, today=today
            ),
        )

    def reopen_current(self) -> None:
        """Heropenen: open a done or dropped action again."""
        action, store = self.current_action(), self._store
        if action is None or store is None or action.status is ActionStatus.OPEN:
            return
        today = self.today
        self._change(store, lambda s: actions.reopen_action(s, action.id, today=today))

    def show_current_history(self) -> None:
        """Geschiedenis… (Alt+E): read the action's history in the background, then show it."""
        action, store = self.current_action(), self._store
        if action is None or store is None:
            return

        def show(events: list[ActionEventInfo]) -> None:
            self._show_message("")
            self.history_shown.emit(show_history(self, action, events))

        def failed(exc: CasusoverlegError) -> None:
            self._show_message(style.could_not_load("De geschiedenis van dit actiepunt", exc))

        op = StoreOp(self, store, lambda s: actions.action_history(s, action.id))
        op.key("history").success(show).failure(failed).run()

    def _change(self, store: Store, change: Callable[[Store], ActionInfo]) -> None:
        row = self.table.currentIndex().row()

        def done(action: ActionInfo) -> None:
            self.model.upsert(action)
            self._show_message("")
            # Stay where the user was: on the action, or (filtered out) on the next one.
            if self.model.row_of(action.id) is not None:
                self._select(action.id)
            elif self.model.rowCount():
                self.select_row(min(row, self.model.rowCount() - 1))
            self._after_change()
            self.changed.emit(action)

        def failed(exc: CasusoverlegError) -> None:
            self._show_message(style.failed_because(exc))
            self.change_failed.emit(exc.message)

        StoreOp(self, store, change).changes(Change.ACTIONS).success(done).failure(failed).run()

    def print_request(self) -> DocumentRequest:
        """The action list to print: open actions, or all with their done dates."""
        return DocumentRequest(kind="actions", include_done=self.current_filter().show == SHOW_ALL)

    def print_list(self) -> None:
        """Afdrukken… (Ctrl+P): the action list in the preview."""
        if self._store is not None:
            preview_actions(self, self._store, self.print_request())
