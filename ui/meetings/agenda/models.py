"""The agenda builder's two models: the proposed cases, and the agenda with its live times.

The agenda model applies a change at once (start times and the overrun warning follow while
you type) and asks for it to be saved (`move_requested`, `add_requested`, `edit_requested`);
the store's answer then replaces its rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import time
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QWidget

from casusoverleg.domain.agenda import MAX_ITEM_MINUTES, check_order, end_time, start_times
from casusoverleg.domain.enums import AgendaItemKind
from casusoverleg.services.agenda import Agenda, AgendaItemInfo, Proposal
from casusoverleg.services.people import ParticipantInfo

from ui import style
from ui.table_model import ModelIndex, RowsTableModel
from ui.widgets.choice_delegate import CHOICES_ROLE

CASE_MIME = "application/x-casusoverleg-casus"
ITEM_MIME = "application/x-casusoverleg-agendapunt"
CASE_ID_ROLE = Qt.ItemDataRole.UserRole

COLUMNS = ("Nr.", "Tijd", "Agendapunt", "Duur", "Inbrenger", "Vraag")
COL_POS, COL_START, COL_TITLE, COL_MINUTES, COL_PRESENTER, COL_QUESTION = range(6)
PINNED = (AgendaItemKind.OPENING, AgendaItemKind.SLUITING)  # never moved


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
            return "Reden:\n" + "\n".join(f"• {label}" for label in row.reason_labels)
        if role == Qt.ItemDataRole.ForegroundRole and on_agenda:
            return QBrush(QColor(style.ON_AGENDA_COLOUR))
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


class AgendaTableModel(RowsTableModel[AgendaItemInfo]):
    """A meeting's agenda items with start times computed from the (live) durations."""

    column_titles = COLUMNS

    move_requested = Signal(int, int)  # item id, new position (1 is first)
    add_requested = Signal(object, object)  # list of case ids, position (1-based) or None
    edit_requested = Signal(int, str, object)  # item id, field, value
    timing_changed = Signal()  # a duration changed (also while it is being typed)
    refused = Signal(str)  # why a drop was not done (Dutch)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Beside the rows, in their order: durations as stored or saved, and as shown (a
        # spin box may be turning).
        self._base: list[int] = []
        self._minutes: list[int] = []
        self._start = time(0, 0)
        self._editable = True
        self._presenters: list[tuple[str, str]] = [("(geen)", "")]
        self._presenter_names: dict[int, str] = {}

    # Qt's model interface -----------------------------------------------------------------------

    def cell(self, row: AgendaItemInfo, column: int, role: int) -> Any:
        """Texts, edit values and choices of one cell."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_MINUTES:
                return self._minutes[self._position(row)]
            if column == COL_PRESENTER:
                return "" if row.presenter_id is None else str(row.presenter_id)
            if column == COL_QUESTION:
                return row.question
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole text first: a narrow column elides it.
            text = self.cell(row, column, Qt.ItemDataRole.DisplayRole)
            if column == COL_TITLE and row.reason:
                return f"{text}\nReden: {row.reason}"
            if column == COL_QUESTION and row.question:
                return row.question
            if column == COL_MINUTES and self._editable:
                return f"{text}\nDubbelklik of typ om de duur te wijzigen"
            return None  # the whole text (RowsTableModel)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_POS, COL_MINUTES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.is_fixed and column == COL_TITLE:
            return QBrush(QPalette().color(QPalette.ColorRole.PlaceholderText))
        if role == CASE_ID_ROLE:
            return row.case_id
        if role == CHOICES_ROLE and column == COL_PRESENTER:
            return list(self._presenters)
        return None

    def _position(self, item: AgendaItemInfo) -> int:
        position = self.row_of(item.id)
        assert position is not None  # only asked for items shown
        return position

    def _text(self, item: AgendaItemInfo, column: int) -> str:
        if column == COL_POS:
            return str(self._position(item) + 1)
        if column == COL_START:
            return f"{self.start_times()[self._position(item)]:%H:%M}"
        if column == COL_TITLE:
            return item.title
        if column == COL_MINUTES:
            return f"{self._minutes[self._position(item)]} min"
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
        item = self.row_at(index.row())
        flags |= Qt.ItemFlag.ItemIsDropEnabled
        if item.kind not in PINNED:
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
        item = self._rows[row]
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
        return _mime(ITEM_MIME, [self._rows[r].id for r in rows])

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
        target = parent.row() if parent.isValid() else row if row >= 0 else len(self._rows)
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
        kinds = [i.kind for i in self._rows]
        kinds[target:target] = [AgendaItemKind.CASUS] * len(case_ids)
        position = target + 1 if self._rows and check_order(kinds) is None else None
        self.add_requested.emit(case_ids, position)
        return True

    # Our own interface --------------------------------------------------------------------------

    def set_agenda(self, agenda: Agenda, start: time, *, editable: bool) -> None:
        """Show an agenda as the store has it."""
        self.beginResetModel()
        self._rows = list(agenda.items)
        self.rows_changed()
        self._base = [i.minutes for i in self._rows]
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
        self._rows, self._base, self._minutes = [], [], []
        self.rows_changed()
        self.endResetModel()
        self.timing_changed.emit()

    @property
    def editable(self) -> bool:
        """Whether the agenda may be changed (not for a cancelled meeting or fixed minutes)."""
        return self._editable

    def case_ids(self) -> set[int]:
        """The cases on the agenda."""
        return {i.case_id for i in self._rows if i.case_id is not None}

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
        if not 0 <= old < len(self._rows) or not 0 <= new < len(self._rows) or old == new:
            return False
        order = [i.kind for i in self._rows]
        order.insert(new, order.pop(old))
        problem = check_order(order)
        if problem:
            self.refused.emit(problem)
            return False
        item = self._rows[old]
        self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), new + 1 if new > old else new)
        self._rows.insert(new, self._rows.pop(old))
        self.rows_changed()
        self._base.insert(new, self._base.pop(old))
        self._minutes.insert(new, self._minutes.pop(old))
        self.endMoveRows()
        low, high = min(old, new), max(old, new)
        self.dataChanged.emit(self.index(low, COL_POS), self.index(high, COL_START))
        self.move_requested.emit(item.id, new + 1)
        return True

    def _replace(self, row: int, **changes: Any) -> None:
        self._rows[row] = replace(self._rows[row], **changes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _timing_changed(self, first_row: int, *, own_cell: bool = True) -> None:
        last = len(self._rows) - 1
        if last >= 0:
            if own_cell:
                changed = self.index(first_row, COL_MINUTES)
                self.dataChanged.emit(changed, changed)
            self.dataChanged.emit(self.index(first_row, COL_START), self.index(last, COL_START))
        self.timing_changed.emit()
