"""The agenda builder of one meeting: proposed cases on the left, the agenda on the right.

Cases go onto the agenda with a click ("Toevoegen →"), Enter or a drag; items are reordered by
drag-and-drop or Ctrl+Up/Ctrl+Down; durations are edited in place. The agenda model applies a
change at once (start times and the overrun warning follow while you type) and asks the builder
to save it; the store's answer then replaces the model's rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QByteArray,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.agenda import (
    MAX_ITEM_MINUTES,
    check_order,
    end_time,
    overrun_warning,
    start_times,
)
from casusoverleg.domain.enums import AgendaItemKind, MeetingStatus, MinutesStatus
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import agenda as agenda_service
from casusoverleg.services import calendar
from casusoverleg.services.agenda import Agenda, AgendaItemInfo, Proposal
from casusoverleg.services.meetings import MeetingInfo
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.store import Store

from ui import dialogs, tasks
from ui.common import plural
from ui.table_model import TitledTableModel
from ui.widgets.choice_delegate import CHOICES_ROLE, ChoiceDelegate

ModelIndex = QModelIndex | QPersistentModelIndex

CASE_MIME = "application/x-casusoverleg-casus"
ITEM_MIME = "application/x-casusoverleg-agendapunt"
CASE_ID_ROLE = Qt.ItemDataRole.UserRole

COLUMNS = ("Nr.", "Tijd", "Agendapunt", "Duur", "Inbrenger", "Vraag")
COL_POS, COL_START, COL_TITLE, COL_MINUTES, COL_PRESENTER, COL_QUESTION = range(6)
_FIELDS = {COL_MINUTES: "minutes", COL_PRESENTER: "presenter_id", COL_QUESTION: "question"}
_PINNED = (AgendaItemKind.OPENING, AgendaItemKind.SLUITING)  # never moved

ERROR_COLOUR = "#b00020"
WARNING_STYLE = (
    "background: #fff4ce; color: #5c4400; border: 1px solid #e0c060; border-radius: 3px;"
    " padding: 4px 6px;"
)
ON_AGENDA_COLOUR = QColor("#6b6b6b")
ICS_FILTER = "Agendabestand (*.ics)"
NOT_ENCRYPTED_NOTE = (
    "Dit bestand is niet versleuteld; het bevat alleen de naam, datum, tijd en plaats van het "
    "overleg, geen gegevens over kinderen."
)


def ask_ics_path(parent: QWidget, suggestion: str) -> Path | None:
    """Where to save a meeting invitation (.ics); None if cancelled. Tests replace this."""
    return dialogs.ask_save_file(parent, "Uitnodiging opslaan", ICS_FILTER, suggestion)


def show_agenda_pdf(parent: QWidget, store: Store, meeting_id: int) -> None:
    """Open the agenda of a meeting in the in-app PDF preview."""
    # Imported here: the preview pulls in QtPdf, which only this button needs.
    from casusoverleg.services.documents import DocumentRequest

    from ui.pdf_preview import show_pdf_preview

    show_pdf_preview(parent, store, DocumentRequest(kind="agenda", meeting_id=meeting_id))


def _case_ids(data: QMimeData, mime: str) -> list[int]:
    try:
        found = json.loads(bytes(data.data(mime).data()).decode("utf-8") or "[]")
    except (ValueError, UnicodeDecodeError):
        return []
    return [int(v) for v in found if isinstance(v, int)] if isinstance(found, list) else []


def _mime(mime: str, ids: Sequence[int]) -> QMimeData:
    data = QMimeData()
    data.setData(mime, QByteArray(json.dumps(list(ids)).encode("utf-8")))
    return data


# -- proposals ------------------------------------------------------------------------------------


class ProposalListModel(QAbstractListModel):
    """The cases proposed for a meeting, each on two lines: casusnummer + initials, reasons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Proposal] = []
        self._on_agenda: set[int] = set()
        self._urgency_order: dict[int, int] = {}

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Proposals (none under a child index)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, reasons as tooltip, the case id, grey when the case is on the agenda."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        on_agenda = row.case_id in self._on_agenda
        if role == Qt.ItemDataRole.DisplayRole:
            head = f"{row.case_number} ({row.initials})" if row.initials else row.case_number
            if on_agenda:
                head += " — staat op de agenda"
            return f"{head}\n{row.reason_text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Reden:\n" + "\n".join(f"• {r.label}" for r in row.reasons)
        if role == Qt.ItemDataRole.ForegroundRole and on_agenda:
            return QBrush(ON_AGENDA_COLOUR)
        if role == CASE_ID_ROLE:
            return row.case_id
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Selectable; draggable while the case is not on the agenda yet."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._rows[index.row()].case_id not in self._on_agenda:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        """A drag carries case ids."""
        return [CASE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged cases' ids, in list order, without those already on the agenda."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        ids = [self._rows[r].case_id for r in rows if self._rows[r].case_id not in self._on_agenda]
        return _mime(CASE_MIME, ids)

    def supportedDragActions(self) -> Qt.DropAction:
        """A proposal is copied onto the agenda; it stays in the list (greyed)."""
        return Qt.DropAction.CopyAction

    def set_proposals(self, rows: list[Proposal]) -> None:
        """Show a new proposal (most urgent first)."""
        self.beginResetModel()
        self._urgency_order = {r.case_id: i for i, r in enumerate(rows)}
        self._on_agenda = {r.case_id for r in rows if r.on_agenda}
        self._rows = self._sorted(rows)
        self.endResetModel()

    def _sorted(self, rows: list[Proposal]) -> list[Proposal]:
        # What still needs a place comes first; cases on the agenda go to the end, greyed.
        return sorted(
            rows, key=lambda r: (r.case_id in self._on_agenda, self._urgency_order[r.case_id])
        )

    def set_on_agenda(self, case_ids: set[int]) -> None:
        """Mark which proposed cases are on the agenda now (they move to the end)."""
        if case_ids == self._on_agenda:
            return
        self.beginResetModel()
        self._on_agenda = set(case_ids)
        self._rows = self._sorted(self._rows)
        self.endResetModel()

    def proposal_at(self, row: int) -> Proposal:
        """The proposal on a row."""
        return self._rows[row]

    def is_on_agenda(self, row: int) -> bool:
        """Whether the case of a row is on the agenda."""
        return self._rows[row].case_id in self._on_agenda

    def waiting_count(self) -> int:
        """Proposed cases not on the agenda yet."""
        return sum(1 for r in self._rows if r.case_id not in self._on_agenda)


# -- the agenda -----------------------------------------------------------------------------------


class AgendaTableModel(TitledTableModel):
    """A meeting's agenda items with start times computed from the (live) durations."""

    column_titles = COLUMNS

    move_requested = Signal(int, int)  # item id, new position (1 is first)
    add_requested = Signal(object, object)  # list of case ids, position (1-based) or None
    edit_requested = Signal(int, str, object)  # item id, field, value
    timing_changed = Signal()  # a duration changed (also while it is being typed)
    refused = Signal(str)  # why a drop was not done (Dutch)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[AgendaItemInfo] = []
        self._base: list[int] = []  # durations as stored or saved
        self._minutes: list[int] = []  # durations as shown (a spin box may be turning)
        self._start = time(0, 0)
        self._editable = True
        self._presenters: list[tuple[str, str]] = [("(geen)", "")]
        self._presenter_names: dict[int, str] = {}

    # Qt's model interface -----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Agenda items (none under a child index)."""
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Texts, edit values and choices of one cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), column)
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_MINUTES:
                return self._minutes[index.row()]
            if column == COL_PRESENTER:
                return "" if item.presenter_id is None else str(item.presenter_id)
            if column == COL_QUESTION:
                return item.question
            return self._text(index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_TITLE and item.reason:
                return f"Reden: {item.reason}"
            if column == COL_QUESTION and item.question:
                return item.question
            if column == COL_MINUTES and self._editable:
                return "Dubbelklik of typ om de duur te wijzigen"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_POS, COL_MINUTES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and item.is_fixed and column == COL_TITLE:
            return QBrush(QPalette().color(QPalette.ColorRole.PlaceholderText))
        if role == CASE_ID_ROLE:
            return item.case_id
        if role == CHOICES_ROLE and column == COL_PRESENTER:
            return list(self._presenters)
        return None

    def _text(self, row: int, column: int) -> str:
        item = self._items[row]
        if column == COL_POS:
            return str(row + 1)
        if column == COL_START:
            return f"{self.start_times()[row]:%H:%M}"
        if column == COL_TITLE:
            return item.title
        if column == COL_MINUTES:
            return f"{self._minutes[row]} min"
        if column == COL_PRESENTER:
            if item.presenter_id is None:
                return ""
            return self._presenter_names.get(item.presenter_id, item.presenter_name)
        if column == COL_QUESTION:
            return " ".join(item.question.split())
        return ""

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Durations always, presenter and question of a case editable; items draggable."""
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self._editable else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self._editable:
            return flags
        item = self._items[index.row()]
        flags |= Qt.ItemFlag.ItemIsDropEnabled
        if item.kind not in _PINNED:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        column = index.column()
        if column == COL_MINUTES or (
            column in (COL_PRESENTER, COL_QUESTION) and item.kind == AgendaItemKind.CASUS
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Apply an edit at once and ask for it to be saved."""
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not self.flags(index) & Qt.ItemFlag.ItemIsEditable
        ):
            return False
        row, column = index.row(), index.column()
        item = self._items[row]
        if column == COL_MINUTES:
            try:
                minutes = int(value)
            except (TypeError, ValueError):
                return False
            if not 0 <= minutes <= MAX_ITEM_MINUTES:
                return False
            self._minutes[row] = minutes
            changed = self._base[row] != minutes
            self._base[row] = minutes
            self._timing_changed(row)
            if changed:
                self.edit_requested.emit(item.id, "minutes", minutes)
            return True
        if column == COL_PRESENTER:
            text = str(value or "")
            presenter = int(text) if text.isdigit() else None
            if presenter == item.presenter_id:
                return True
            self._replace(row, presenter_id=presenter)
            self.edit_requested.emit(item.id, "presenter_id", presenter)
            return True
        if column == COL_QUESTION:
            question = str(value or "").strip()
            if question == item.question:
                return True
            self._replace(row, question=question)
            self.edit_requested.emit(item.id, "question", question)
            return True
        return False

    def mimeTypes(self) -> list[str]:
        """Items are dragged within the agenda; cases come from the proposal."""
        return [ITEM_MIME, CASE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The ids of the dragged items."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return _mime(ITEM_MIME, [self._items[r].id for r in rows])

    def supportedDragActions(self) -> Qt.DropAction:
        """Items move."""
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        """Items move; proposed cases are copied in."""
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        """Only item ids or case ids, and only while the agenda can be changed."""
        return self._editable and (data.hasFormat(ITEM_MIME) or data.hasFormat(CASE_MIME))

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        """Move a dragged item to the drop row, or put dropped cases on the agenda there."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        if action == Qt.DropAction.IgnoreAction:
            return True
        target = parent.row() if parent.isValid() else row if row >= 0 else len(self._items)
        if data.hasFormat(ITEM_MIME):
            ids = _case_ids(data, ITEM_MIME)
            if len(ids) != 1:
                return False
            old = self.row_of(ids[0])
            if old is None:
                return False
            # Dropped between rows: the item goes there. Dropped on a row: it takes its place.
            new = target if parent.isValid() or target <= old else target - 1
            return self.move_row(old, new)
        case_ids = _case_ids(data, CASE_MIME)
        if not case_ids:
            return False
        kinds = [i.kind for i in self._items]
        kinds[target:target] = [AgendaItemKind.CASUS] * len(case_ids)
        position = target + 1 if self._items and check_order(kinds) is None else None
        self.add_requested.emit(case_ids, position)
        return True

    # Our own interface --------------------------------------------------------------------------

    def set_agenda(self, agenda: Agenda, start: time, *, editable: bool) -> None:
        """Show an agenda as the store has it."""
        self.beginResetModel()
        self._items = list(agenda.items)
        self._base = [i.minutes for i in self._items]
        self._minutes = list(self._base)
        self._start = start
        self._editable = editable
        self.endResetModel()
        self.timing_changed.emit()

    def set_participants(self, participants: list[ParticipantInfo]) -> None:
        """Who can present a case (active participants)."""
        self._presenters = [("(geen)", "")] + [
            (p.label, str(p.id)) for p in participants if p.archived_on is None
        ]
        self._presenter_names = {p.id: p.name for p in participants}

    def clear(self) -> None:
        """Drop every item."""
        self.beginResetModel()
        self._items, self._base, self._minutes = [], [], []
        self.endResetModel()
        self.timing_changed.emit()

    @property
    def editable(self) -> bool:
        """Whether the agenda may be changed (not for a cancelled meeting or fixed minutes)."""
        return self._editable

    def item_at(self, row: int) -> AgendaItemInfo:
        """The item on a row."""
        return self._items[row]

    def items(self) -> list[AgendaItemInfo]:
        """The items in the order shown."""
        return list(self._items)

    def row_of(self, item_id: int) -> int | None:
        """The row of an item, if it is on the agenda."""
        return next((r for r, i in enumerate(self._items) if i.id == item_id), None)

    def case_ids(self) -> set[int]:
        """The cases on the agenda."""
        return {i.case_id for i in self._items if i.case_id is not None}

    def durations(self) -> list[int]:
        """The durations as shown (with a duration being typed)."""
        return list(self._minutes)

    def start_times(self) -> list[time]:
        """Each item's start time from the meeting's start and the shown durations."""
        return start_times(self._start, self._minutes)

    def end_time(self) -> time:
        """When the last item ends, with the shown durations."""
        return end_time(self._start, self._minutes)

    def preview_minutes(self, row: int, minutes: int) -> None:
        """Show a duration being typed (start times follow) without saving it."""
        if 0 <= row < len(self._minutes) and self._minutes[row] != minutes:
            self._minutes[row] = minutes
            # Not the cell being typed in: that would reset its editor.
            self._timing_changed(row, own_cell=False)

    def cancel_preview(self) -> None:
        """Back to the saved durations (an edit was cancelled)."""
        if self._minutes != self._base:
            pairs = zip(self._minutes, self._base, strict=True)
            first = next(r for r, (shown, saved) in enumerate(pairs) if shown != saved)
            self._minutes = list(self._base)
            self._timing_changed(first)

    def move_row(self, old: int, new: int) -> bool:
        """Move an item (on screen at once) and ask for the move to be saved; False if refused."""
        if not 0 <= old < len(self._items) or not 0 <= new < len(self._items) or old == new:
            return False
        order = [i.kind for i in self._items]
        order.insert(new, order.pop(old))
        problem = check_order(order)
        if problem:
            self.refused.emit(problem)
            return False
        item = self._items[old]
        self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), new + 1 if new > old else new)
        self._items.insert(new, self._items.pop(old))
        self._base.insert(new, self._base.pop(old))
        self._minutes.insert(new, self._minutes.pop(old))
        self.endMoveRows()
        low, high = min(old, new), max(old, new)
        self.dataChanged.emit(self.index(low, COL_POS), self.index(high, COL_START))
        self.move_requested.emit(item.id, new + 1)
        return True

    def _replace(self, row: int, **changes: Any) -> None:
        self._items[row] = replace(self._items[row], **changes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _timing_changed(self, first_row: int, *, own_cell: bool = True) -> None:
        last = len(self._items) - 1
        if last >= 0:
            if own_cell:
                changed = self.index(first_row, COL_MINUTES)
                self.dataChanged.emit(changed, changed)
            self.dataChanged.emit(self.index(first_row, COL_START), self.index(last, COL_START))
        self.timing_changed.emit()


class MinutesDelegate(QStyledItemDelegate):
    """A spin box for durations; start times and warnings follow every step, saved on Enter."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        """A spin box in minutes."""
        spin = QSpinBox(parent)
        spin.setRange(0, MAX_ITEM_MINUTES)
        spin.setSingleStep(5)
        spin.setSuffix(" min")
        spin.setAccessibleName("Duur in minuten")
        model = index.model()
        row = index.row()
        if isinstance(model, AgendaTableModel):
            spin.valueChanged.connect(lambda value: model.preview_minutes(row, value))
        return spin

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        """Start from the shown duration."""
        if isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        """Save the typed duration."""
        if isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)

    def destroyEditor(self, editor: QWidget, index: ModelIndex) -> None:
        """An editor closed without saving (Esc) takes its typed duration with it."""
        model = index.model()
        if isinstance(model, AgendaTableModel):
            model.cancel_preview()
        super().destroyEditor(editor, index)


class ProposalList(QListView):
    """The proposed cases; Enter puts the selected ones on the agenda."""

    add_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Return adds; every other key as usual."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.add_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class AgendaTable(QTableView):
    """The agenda; Ctrl+Up/Ctrl+Down move the current item, Delete takes a case off."""

    move_pressed = Signal(int)  # -1 up, +1 down
    remove_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The agenda's own keys, when no cell is being edited."""
        if self.state() != QAbstractItemView.State.EditingState:
            control = event.modifiers() == Qt.KeyboardModifier.ControlModifier
            if control and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move_pressed.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
                event.accept()
                return
            if event.key() == Qt.Key.Key_Delete and not event.modifiers():
                self.remove_pressed.emit()
                event.accept()
                return
        super().keyPressEvent(event)


def _button(text: str, tooltip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tooltip)
    return button


class AgendaBuilder(QWidget):
    """Build the agenda of one meeting from the proposal, by click, Enter or drag."""

    loaded = Signal()  # proposal and agenda of the meeting are shown
    changed = Signal()  # the agenda in the store changed (the meeting list shows its status)
    open_case = Signal(int)  # case id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._meeting: MeetingInfo | None = None
        self._generation = 0
        self._pending = 0  # saves under way; only the last one's agenda is shown
        self._other_warnings: list[str] = []
        self._select_after: int | None = None  # item id to select once the agenda is shown

        self.proposals = ProposalListModel(self)
        self.model = AgendaTableModel(self)

        self.proposal_title = QLabel("Voorgestelde casussen")
        self.proposal_view = ProposalList()
        self.proposal_view.setObjectName("voorstel")
        self.proposal_view.setModel(self.proposals)
        self.proposal_view.setAccessibleName("Voorgestelde casussen")
        self.proposal_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.proposal_view.setDragEnabled(True)
        self.proposal_view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.proposal_view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.proposal_view.setAlternatingRowColors(True)
        self.proposal_view.setWordWrap(True)
        self.proposal_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.proposal_view.setSpacing(1)
        self.proposal_view.add_pressed.connect(self.add_selected)
        self.proposal_view.doubleClicked.connect(lambda _i: self.add_selected())
        self.proposal_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.proposal_view.customContextMenuRequested.connect(self._proposal_menu)
        self.add_button = _button(
            "Toevoegen →", "De geselecteerde casussen op de agenda zetten (Enter of slepen)"
        )
        self.add_button.clicked.connect(self.add_selected)
        self.proposal_empty = QLabel()
        self.proposal_empty.setWordWrap(True)
        self.proposal_empty.hide()

        self.table = AgendaTable()
        self.table.setObjectName("agenda")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Agenda")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDragDropOverwriteMode(False)  # a move never clears the dragged row
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setCornerButtonEnabled(False)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self._minutes_delegate = MinutesDelegate(self.table)
        self._choice_delegate = ChoiceDelegate(self.table)
        self.table.setItemDelegateForColumn(COL_MINUTES, self._minutes_delegate)
        self.table.setItemDelegateForColumn(COL_PRESENTER, self._choice_delegate)
        self.table.move_pressed.connect(self.move_current)
        self.table.remove_pressed.connect(self.remove_current)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._agenda_menu)
        self._set_column_widths()

        self.up_button = _button("↑ Omhoog", "Het agendapunt een plaats omhoog (Ctrl+Omhoog)")
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = _button("↓ Omlaag", "Het agendapunt een plaats omlaag (Ctrl+Omlaag)")
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.remove_button = _button("Van de agenda halen", "De casus van de agenda halen (Delete)")
        self.remove_button.clicked.connect(self.remove_current)

        self.build_button = _button(
            "Agenda &opstellen",
            "De vaste agendapunten en alle voorgestelde casussen op de agenda zetten",
        )
        self.build_button.clicked.connect(self.build_default)
        self.pdf_button = _button("Agenda (&PDF)", "De agenda bekijken en afdrukken (Ctrl+P)")
        self.pdf_button.clicked.connect(self.show_pdf)
        self.ics_button = _button(
            "&Uitnodiging (.ics)",
            "Een agendabestand opslaan om de deelnemers uit te nodigen (Ctrl+Shift+U)",
        )
        self.ics_button.clicked.connect(self.save_ics)
        for keys, slot in (
            (QKeySequence(QKeySequence.StandardKey.Print), self.show_pdf),
            (QKeySequence("Ctrl+Shift+U"), self.save_ics),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(WARNING_STYLE)
        self.warning_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning_label.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        self.model.timing_changed.connect(self._show_timing)
        self.model.move_requested.connect(self._save_move)
        self.model.add_requested.connect(self._save_add)
        self.model.edit_requested.connect(self._save_edit)
        self.model.refused.connect(lambda text: self._show_message(text, error=True))
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.proposal_view.selectionModel().selectionChanged.connect(self._update_buttons)

        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.proposal_title)
        left_column.addWidget(self.proposal_view, 1)
        left_column.addWidget(self.proposal_empty)
        left_row = QHBoxLayout()
        left_row.addStretch(1)
        left_row.addWidget(self.add_button)
        left_column.addLayout(left_row)

        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        self.agenda_title = QLabel("Agenda")
        right_column.addWidget(self.agenda_title)
        right_column.addWidget(self.table, 1)
        right_row = QHBoxLayout()
        right_row.addWidget(self.up_button)
        right_row.addWidget(self.down_button)
        right_row.addStretch(1)
        right_row.addWidget(self.remove_button)
        right_column.addLayout(right_row)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("agendabouwer")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        # The proposal keeps its size hint; the agenda takes the rest.
        self.proposal_view.setMinimumWidth(self.fontMetrics().averageCharWidth() * 28)

        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.build_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.ics_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    def _set_column_widths(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        widths = {
            COL_POS: metrics.horizontalAdvance("Nr.") + 18,
            COL_START: metrics.horizontalAdvance("00:00") + 18,
            COL_TITLE: metrics.horizontalAdvance("Casus 2026-0000 (A. B. C.)") + 18,
            COL_MINUTES: metrics.horizontalAdvance("240 min") + 28,
            COL_PRESENTER: char * 16,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)

    # Loading ------------------------------------------------------------------------------------

    @property
    def meeting(self) -> MeetingInfo | None:
        """The meeting whose agenda is shown."""
        return self._meeting

    def set_participants(self, participants: list[ParticipantInfo]) -> None:
        """Who can be chosen as presenter."""
        self.model.set_participants(participants)

    def show_meeting(self, store: Store, meeting: MeetingInfo) -> None:
        """Load the proposal and agenda of `meeting` in the background."""
        same = self._meeting is not None and self._meeting.id == meeting.id
        self._store = store
        self._meeting = meeting
        self._generation += 1
        self._pending = 0
        generation = self._generation
        if not same:
            self.proposals.set_proposals([])
            self.model.clear()
            self._show_message("")
        self.proposal_title.setText("Voorgestelde casussen (worden geladen…)")

        def fetch() -> tuple[list[Proposal], Agenda]:
            return (
                agenda_service.propose_agenda(store, meeting.id),
                agenda_service.get_agenda(store, meeting.id),
            )

        def done(result: tuple[list[Proposal], Agenda]) -> None:
            if generation != self._generation:
                return
            proposals, agenda = result
            self.proposals.set_proposals(proposals)
            self._show_agenda(agenda)
            self.loaded.emit()

        tasks.run_in_background(fetch, done, self._failed(generation, "laden"))

    def clear(self) -> None:
        """Drop proposal and agenda (the store is being locked)."""
        self._store = None
        self._meeting = None
        self._generation += 1
        self._pending = 0
        self.proposals.set_proposals([])
        self.model.clear()
        self.model.set_participants([])
        self._other_warnings = []
        self._show_message("")
        self.proposal_title.setText("Voorgestelde casussen")
        self._update_buttons()

    def _editable(self, meeting: MeetingInfo) -> bool:
        return (
            meeting.status is not MeetingStatus.GEANNULEERD
            and meeting.minutes_status is not MinutesStatus.VASTGESTELD
        )

    def _show_agenda(self, agenda: Agenda) -> None:
        meeting = self._meeting
        if meeting is None:
            return
        keep = self._select_after
        if keep is None:
            current = self.table.currentIndex()
            if current.isValid() and current.row() < self.model.rowCount():
                keep = self.model.item_at(current.row()).id
        self._select_after = None
        own = overrun_warning(
            [i.minutes for i in agenda.items], meeting.minutes, self._meeting_end(meeting)
        )
        self._other_warnings = [w for w in agenda.warnings if w != own]
        self.model.set_agenda(agenda, meeting.start_time, editable=self._editable(meeting))
        self.proposals.set_on_agenda(self.model.case_ids())
        waiting = self.proposals.waiting_count()
        total = self.proposals.rowCount()
        if total:
            self.proposal_title.setText(
                f"Voorgestelde casussen ({waiting} van {total} nog niet op de agenda)"
            )
        else:
            self.proposal_title.setText("Voorgestelde casussen")
        if self.model.editable:
            self.proposal_empty.setText(
                "Geen casussen voorgesteld: geen nieuwe aanmeldingen, herbeoordelingen, verlopen "
                "actiepunten of naderende termijnen voor dit overleg."
            )
        else:
            self.proposal_empty.setText(
                "Deze agenda kan niet meer worden gewijzigd: het overleg is geannuleerd of het "
                "verslag is vastgesteld."
            )
        self.proposal_view.setVisible(self.model.editable)
        self.proposal_empty.setVisible(total == 0 or not self.model.editable)
        cases = sum(1 for i in agenda.items if i.case_id is not None)
        self.agenda_title.setText(
            f"Agenda ({plural(cases, 'casus', 'casussen')})" if agenda.items else "Agenda"
        )
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, COL_TITLE),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_buttons()

    @staticmethod
    def _meeting_end(meeting: MeetingInfo) -> time:
        return end_time(meeting.start_time, [meeting.minutes])

    # Timing and warnings ----------------------------------------------------------------------

    def _show_timing(self) -> None:
        meeting = self._meeting
        if meeting is None or self.model.rowCount() == 0:
            if meeting is not None and meeting.status is not MeetingStatus.GEANNULEERD:
                self.summary_label.setText(
                    f"Nog geen agenda. Het overleg duurt van {meeting.start_time:%H:%M} tot "
                    f"{self._meeting_end(meeting):%H:%M}."
                )
            else:
                self.summary_label.setText("")
            self._show_warnings(self._other_warnings if meeting is not None else [])
            return
        durations = self.model.durations()
        total = sum(durations)
        self.summary_label.setText(
            f"Van {meeting.start_time:%H:%M} tot {self.model.end_time():%H:%M}: "
            f"{total} van de {meeting.minutes} minuten ingepland."
        )
        overrun = overrun_warning(durations, meeting.minutes, self._meeting_end(meeting))
        self._show_warnings(([overrun] if overrun else []) + self._other_warnings)

    def _show_warnings(self, warnings: list[str]) -> None:
        self.warning_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warning_label.setVisible(bool(warnings))

    @property
    def warnings(self) -> list[str]:
        """The warnings shown above the agenda (overrun first)."""
        text = self.warning_label.text() if self.warning_label.isVisibleTo(self) else ""
        return [line.removeprefix("⚠ ") for line in text.splitlines() if line]

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message_label.setVisible(bool(text))

    @property
    def message(self) -> str:
        """The last message (a result, or why something was not done)."""
        return self.message_label.text() if self.message_label.isVisibleTo(self) else ""

    def _update_buttons(self) -> None:
        meeting = self._meeting
        has_meeting = meeting is not None and self._store is not None
        editable = has_meeting and self.model.editable
        current = self.table.currentIndex()
        item = self.model.item_at(current.row()) if current.isValid() else None
        has_agenda = self.model.rowCount() > 0
        selected = self.proposal_view.selectionModel().selectedRows()
        self.add_button.setEnabled(
            editable and any(not self.proposals.is_on_agenda(i.row()) for i in selected)
        )
        self.build_button.setVisible(not has_agenda)
        self.build_button.setEnabled(editable and not has_agenda)
        movable = editable and item is not None and item.kind not in _PINNED
        self.up_button.setEnabled(movable)
        self.down_button.setEnabled(movable)
        self.remove_button.setEnabled(
            editable and item is not None and item.kind == AgendaItemKind.CASUS
        )
        cancelled = meeting is not None and meeting.status is MeetingStatus.GEANNULEERD
        self.pdf_button.setEnabled(has_meeting and has_agenda and not cancelled)
        self.ics_button.setEnabled(has_meeting)
        self.table.setDragEnabled(editable)
        self.proposal_view.setDragEnabled(editable)

    # Changing the agenda ------------------------------------------------------------------------

    def add_selected(self) -> None:
        """Put the selected proposed cases on the agenda (Toevoegen →, Enter)."""
        rows = sorted(i.row() for i in self.proposal_view.selectionModel().selectedRows())
        if not rows and self.proposal_view.currentIndex().isValid():
            rows = [self.proposal_view.currentIndex().row()]
        case_ids = [
            self.proposals.proposal_at(r).case_id
            for r in rows
            if not self.proposals.is_on_agenda(r)
        ]
        if case_ids:
            self._save_add(case_ids, None)
        elif rows:
            self._show_message("Deze casus staat al op de agenda.")

    def _save_add(self, case_ids: list[int], position: int | None) -> None:
        store, meeting = self._store, self._meeting
        if store is None or meeting is None or not self.model.editable:
            return
        wanted = [c for c in case_ids if c not in self.model.case_ids()]
        if not wanted:
            return

        def add() -> tuple[Agenda, int]:
            last = 0
            for offset, case_id in enumerate(wanted):
                item = agenda_service.add_case_item(store, meeting.id, case_id)
                last = item.id
                if position is not None:
                    agenda_service.move_item(store, item.id, position + offset)
            return agenda_service.get_agenda(store, meeting.id), last

        def added(result: tuple[Agenda, int]) -> None:
            agenda, last = result
            self._select_after = last
            numbers = [
                i.case_number for i in agenda.items if i.case_id in set(wanted) and i.case_number
            ]
            self._show_message(
                f"Casus {', '.join(numbers)} op de agenda gezet."
                if len(numbers) == 1
                else f"Casussen {', '.join(numbers)} op de agenda gezet."
            )
            self._saved(agenda)

        self._run_change(add, added)

    def _save_move(self, item_id: int, position: int) -> None:
        store = self._store
        if store is None:
            return
        self._select_after = item_id
        self._run_change(lambda: agenda_service.move_item(store, item_id, position), self._saved)

    def _save_edit(self, item_id: int, field: str, value: object) -> None:
        store, meeting = self._store, self._meeting
        if store is None or meeting is None:
            return

        def edit() -> Agenda:
            if field == "minutes":
                agenda_service.update_item(store, item_id, minutes=int(str(value)))
            elif field == "presenter_id":
                presenter = value if isinstance(value, int) else None
                agenda_service.update_item(store, item_id, presenter_id=presenter)
            else:
                agenda_service.update_item(store, item_id, question=str(value))
            return agenda_service.get_agenda(store, meeting.id)

        self._run_change(edit, self._saved)

    def move_current(self, step: int) -> None:
        """Move the current item one place up (-1) or down (+1) (Ctrl+Up/Ctrl+Down)."""
        current = self.table.currentIndex()
        if not current.isValid() or not self.model.editable:
            return
        row = current.row()
        if self.model.item_at(row).kind in _PINNED:
            self._show_message("Opening en sluiting blijven op hun plaats.", error=True)
            return
        if self.model.move_row(row, row + step):
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row + step, current.column()),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def remove_current(self) -> None:
        """Take the current case off the agenda (Delete); it returns to the proposal."""
        store = self._store
        current = self.table.currentIndex()
        if store is None or not current.isValid() or not self.model.editable:
            return
        item = self.model.item_at(current.row())
        if item.kind != AgendaItemKind.CASUS:
            self._show_message("Vaste agendapunten blijven op de agenda.", error=True)
            return

        def removed(agenda: Agenda) -> None:
            self._show_message(f"{item.title} is van de agenda gehaald.")
            self._saved(agenda)

        self._run_change(lambda: agenda_service.remove_item(store, item.id), removed)

    def build_default(self) -> None:
        """Make the agenda: the fixed items and every proposed case ("Agenda opstellen")."""
        store, meeting = self._store, self._meeting
        if store is None or meeting is None or self.model.rowCount():
            return

        def built(agenda: Agenda) -> None:
            cases = sum(1 for i in agenda.items if i.case_id is not None)
            self._show_message(
                f"Agenda opgesteld met {plural(cases, 'casus', 'casussen')}. Sleep om de "
                "volgorde te wijzigen; typ in de kolom Duur om de tijd aan te passen."
            )
            self._saved(agenda)

        self._run_change(lambda: agenda_service.build_agenda(store, meeting.id), built)

    def _run_change(self, op: Any, on_done: Any) -> None:
        generation = self._generation
        self._pending += 1

        def done(result: Any) -> None:
            if generation != self._generation:
                return
            self._pending -= 1
            on_done(result)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self._pending -= 1
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self._show_message(f"Niet gelukt: {exc.message}", error=True)
            self._reload_agenda()

        tasks.run_in_background(op, done, failed)

    def _saved(self, agenda: Agenda) -> None:
        # A later save is already under way: its answer will show the final agenda.
        if self._pending == 0:
            self._show_agenda(agenda)
        self.changed.emit()

    def _reload_agenda(self) -> None:
        store, meeting = self._store, self._meeting
        if store is None or meeting is None:
            return
        generation = self._generation

        def done(agenda: Agenda) -> None:
            if generation == self._generation and self._pending == 0:
                self._show_agenda(agenda)

        tasks.run_in_background(
            lambda: agenda_service.get_agenda(store, meeting.id),
            done,
            self._failed(generation, "laden"),
        )

    def _failed(self, generation: int, what: str) -> Any:
        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self._show_message(f"De agenda kon niet worden {what}: {exc.message}", error=True)

        return failed

    # Opening cases ------------------------------------------------------------------------------

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() in (COL_POS, COL_START, COL_TITLE):
            case_id = self.model.item_at(index.row()).case_id
            if case_id is not None:
                self.open_case.emit(case_id)

    def _proposal_menu(self, position: Any) -> None:
        index = self.proposal_view.indexAt(position)
        if not index.isValid():
            return
        proposal = self.proposals.proposal_at(index.row())
        menu = QMenu(self)
        add = menu.addAction("Op de agenda zetten")
        add.setEnabled(self.model.editable and not self.proposals.is_on_agenda(index.row()))
        add.triggered.connect(self.add_selected)
        menu.addAction(f"Casus {proposal.case_number} openen").triggered.connect(
            lambda: self.open_case.emit(proposal.case_id)
        )
        menu.exec(self.proposal_view.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _agenda_menu(self, position: Any) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        item = self.model.item_at(index.row())
        menu = QMenu(self)
        if item.case_id is not None:
            case_id = item.case_id
            menu.addAction(f"Casus {item.case_number} openen").triggered.connect(
                lambda: self.open_case.emit(case_id)
            )
            remove = menu.addAction("Van de agenda halen")
            remove.setEnabled(self.model.editable)
            remove.triggered.connect(self.remove_current)
        if menu.isEmpty():
            menu.deleteLater()
            return
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    # Documents --------------------------------------------------------------------------------

    def show_pdf(self) -> None:
        """Show the agenda as PDF in the preview (print and save from there)."""
        store, meeting = self._store, self._meeting
        if store is None or meeting is None or self.model.rowCount() == 0:
            return
        show_agenda_pdf(self, store, meeting.id)

    def save_ics(self) -> None:
        """Save the meeting as a calendar invitation (.ics) where the user says."""
        store, meeting = self._store, self._meeting
        if store is None or meeting is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = f"Uitnodiging {meeting.title} {meeting.date:%Y-%m-%d}.ics".replace("/", "-")
        path = ask_ics_path(self, str(Path(folder) / name) if folder else name)
        if path is None or self._store is not store:
            return
        generation = self._generation

        def saved(_count: int) -> None:
            if generation == self._generation:
                self._show_message(f"Uitnodiging opgeslagen in {path}. {NOT_ENCRYPTED_NOTE}")

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if isinstance(exc, CasusoverlegError):
                reason = exc.message
            elif isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
            else:
                raise exc
            self._show_message(f"De uitnodiging is niet opgeslagen: {reason}", error=True)

        tasks.run_in_background(
            lambda: calendar.export_meeting_ics(store, meeting.id, path), saved, failed
        )
