"""Casussen: the case table with filter-as-you-type, sorted and filtered in Python."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.domain.text import TUSSENVOEGSELS, normalise_search
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import cases
from casusoverleg.services.cases import CaseRow
from casusoverleg.services.store import Store

from ui import tasks

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Casusnummer", "Naam", "Geboortedatum", "School", "Grond", "Status", "Casushouder")
COL_NUMBER, COL_NAME, COL_BIRTH, COL_SCHOOL, COL_GROUND, COL_STATUS, COL_OWNER = range(7)

# Role that gives a row's case id (for selection and, later, opening the case form).
CASE_ID_ROLE = Qt.ItemDataRole.UserRole

_GROUND_ORDER = {g: i for i, g in enumerate(ExemptionGround)}
_STATUS_ORDER = {s: i for i, s in enumerate(CaseStatus)}


def format_date(value: date | None) -> str:
    """A date as the screen shows it: dd-mm-jjjj."""
    return value.strftime("%d-%m-%Y") if value else ""


def _surname_key(row: CaseRow) -> tuple[str, str, str]:
    """Sort as a Dutch register does: "de Vries" under V, then tussenvoegsels, then first name."""
    words = normalise_search(row.last_name).split()
    prefix = []
    while len(words) > 1 and words[0] in TUSSENVOEGSELS:
        prefix.append(words.pop(0))
    return " ".join(words), " ".join(prefix), normalise_search(row.first_name)


_SORT_KEYS: dict[int, Callable[[CaseRow], Any]] = {
    COL_NUMBER: lambda r: r.case_number,
    COL_NAME: _surname_key,
    COL_BIRTH: lambda r: r.birth_date,
    COL_SCHOOL: lambda r: normalise_search(r.school),
    COL_GROUND: lambda r: _GROUND_ORDER[r.ground],
    COL_STATUS: lambda r: _STATUS_ORDER[r.status],
    COL_OWNER: lambda r: normalise_search(r.owner_name),
}


def _matches(rows: list[CaseRow], words: list[str]) -> list[CaseRow]:
    if len(words) == 1:  # the usual case, kept tight: this runs on every keystroke
        word = words[0]
        return [r for r in rows if word in r.search_text]
    return [r for r in rows if all(w in r.search_text for w in words)]


class CaseTableModel(QAbstractTableModel):
    """Case rows from the cases service; filtered and sorted over the Python list, not a proxy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[CaseRow] = []
        self._visible: list[CaseRow] = []
        self._filter = ""
        self._sort_column = COL_NUMBER
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._row_of_id: dict[int, int] | None = None

    # Qt's model interface -------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Visible rows (none under a child index: this is a flat table)."""
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltip and case id of one cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        row = self._visible[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (COL_SCHOOL, COL_GROUND):
            return self._text(row, index.column()) or None
        if role == CASE_ID_ROLE:
            return row.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Dutch column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the Python lists (fast), not through a proxy (slow on big tables)."""
        if column not in _SORT_KEYS:
            return
        self._sort_column, self._sort_order = column, order
        self.beginResetModel()
        self._sort_lists()
        self.endResetModel()

    # Our own interface ----------------------------------------------------------------------

    @staticmethod
    def _text(row: CaseRow, column: int) -> str:
        if column == COL_NUMBER:
            return row.case_number
        if column == COL_NAME:
            return row.full_name
        if column == COL_BIRTH:
            return format_date(row.birth_date)
        if column == COL_SCHOOL:
            return row.school
        if column == COL_GROUND:
            return row.ground.label
        if column == COL_STATUS:
            return row.status.label
        if column == COL_OWNER:
            return row.owner_name
        return ""

    def _sort_lists(self) -> None:
        key = _SORT_KEYS[self._sort_column]
        reverse = self._sort_order == Qt.SortOrder.DescendingOrder
        # Ties keep casusnummer order, so equal keys do not shuffle between sorts.
        self._all.sort(key=lambda r: r.case_number)
        self._all.sort(key=key, reverse=reverse)
        visible = {id(r) for r in self._visible}
        self._visible = [r for r in self._all if id(r) in visible]
        self._row_of_id = None

    def set_rows(self, rows: list[CaseRow]) -> None:
        """Show a new list of cases (keeps the current filter and sort)."""
        self.beginResetModel()
        self._all = list(rows)
        self._visible = self._all
        words = normalise_search(self._filter).split()
        if words:
            self._visible = _matches(self._all, words)
        self._sort_lists()
        self.endResetModel()

    def clear(self) -> None:
        """Drop every row (when the store is locked)."""
        self.set_rows([])

    def set_filter_text(self, text: str) -> None:
        """Show only rows whose casusnummer, name or school contain every typed word."""
        old, new = normalise_search(self._filter), normalise_search(text)
        self._filter = text
        words = new.split()
        # Typing on narrows the current result, so search that instead of every row.
        base = self._visible if old.split() and new.startswith(old) else self._all
        self.beginResetModel()
        self._visible = _matches(base, words) if words else list(self._all)
        self._row_of_id = None
        self.endResetModel()

    @property
    def filter_text(self) -> str:
        """The text the rows are filtered on."""
        return self._filter

    @property
    def total_count(self) -> int:
        """All rows, filtered out or not."""
        return len(self._all)

    @property
    def visible_count(self) -> int:
        """Rows that pass the filter."""
        return len(self._visible)

    def row_at(self, row: int) -> CaseRow:
        """The case shown on a visible row."""
        return self._visible[row]

    def row_of(self, case_id: int) -> int | None:
        """The visible row of a case, or None if it is filtered out."""
        if self._row_of_id is None:
            self._row_of_id = {r.id: i for i, r in enumerate(self._visible)}
        return self._row_of_id.get(case_id)


def count_text(visible: int, total: int, *, filtered: bool) -> str:
    """ "312 van 4.120 casussen", with the Dutch thousands separator of the default locale."""
    locale = QLocale()
    noun = "casus" if total == 1 else "casussen"
    if not filtered:
        return f"{locale.toString(total)} {noun}"
    return f"{locale.toString(visible)} van {locale.toString(total)} {noun}"


class CasesView(QWidget):
    """The Casussen screen: a filter field, the count and the case table."""

    loaded = Signal()  # the rows of the current store are in the table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._generation = 0  # a load started before a lock must not fill the emptied table
        self._selected_ids: list[int] = []
        self._current_id: int | None = None

        self.model = CaseTableModel(self)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Zoek op casusnummer, naam of school…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Zoeken in casussen")
        self.filter_edit.textChanged.connect(self.model.set_filter_text)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_filter)

        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setCornerButtonEnabled(False)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSortIndicator(COL_NUMBER, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self._set_column_widths()

        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._after_reset)

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addSpacing(12)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._update_count()

    def _set_column_widths(self) -> None:
        # Fixed widths from the font and sample texts, never ResizeToContents (it reads every
        # row). Free text gets a share; long grounds are elided and shown whole as tooltip.
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        widths = {
            COL_NUMBER: metrics.horizontalAdvance("2026-00000"),
            COL_NAME: char * 24,
            COL_BIRTH: metrics.horizontalAdvance("00-00-0000"),
            COL_SCHOOL: char * 30,
            COL_GROUND: char * 32,
            COL_STATUS: max(metrics.horizontalAdvance(s.label) for s in CaseStatus),
            COL_OWNER: char * 18,
        }
        for column, width in widths.items():
            title = metrics.horizontalAdvance(COLUMNS[column]) + 28  # room for the sort arrow
            self.table.setColumnWidth(column, max(width + 16, title))

    def focus_filter(self) -> None:
        """Put the cursor in the filter field, its text selected (Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def load(self, store: Store) -> None:
        """Fetch the cases of `store` in the background (one logged search)."""
        self._generation += 1
        generation = self._generation
        self.count_label.setText("Casussen worden geladen…")

        def fetch() -> list[CaseRow]:
            return cases.list_cases(store, log_search=True)

        def done(rows: list[CaseRow]) -> None:
            if generation == self._generation:
                self.model.set_rows(rows)
                self._update_count()
                self.loaded.emit()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self.count_label.setText("De casussen konden niet worden geladen.")
            self.count_label.setToolTip(exc.message)

        tasks.run_in_background(fetch, done, failed)

    def clear(self) -> None:
        """Empty the table and forget the loaded rows (the store is being locked)."""
        self._generation += 1
        self._selected_ids, self._current_id = [], None
        self.filter_edit.clear()
        self.model.clear()
        self.count_label.setText("")

    def _update_count(self) -> None:
        self.count_label.setToolTip("")
        self.count_label.setText(
            count_text(
                self.model.visible_count,
                self.model.total_count,
                filtered=bool(self.model.filter_text.strip()),
            )
        )

    def _remember_selection(self) -> None:
        model = self.table.selectionModel()
        self._selected_ids = [
            self.model.row_at(i.row()).id for i in model.selectedRows() if i.isValid()
        ]
        current = model.currentIndex()
        self._current_id = self.model.row_at(current.row()).id if current.isValid() else None

    def _after_reset(self) -> None:
        """A filter or sort resets the model; keep the user's selection where it still shows."""
        self._update_count()
        selection = QItemSelection()
        for case_id in self._selected_ids:
            row = self.model.row_of(case_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, len(COLUMNS) - 1))
        flags = QItemSelectionModel.SelectionFlag
        model = self.table.selectionModel()
        current = None if self._current_id is None else self.model.row_of(self._current_id)
        if current is not None:
            model.setCurrentIndex(self.model.index(current, 0), flags.NoUpdate)
            self.table.scrollTo(self.model.index(current, 0))
        if not selection.isEmpty():
            model.select(selection, flags.ClearAndSelect | flags.Rows)
