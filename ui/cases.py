"""Casussen: the case table (filter as you type, filters, sorted in Python) and the case form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.domain.text import (
    TUSSENVOEGSELS,
    case_number_key,
    normalise_search,
    search_words,
)
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import cases
from casusoverleg.services.cases import CaseRecord, CaseRow
from casusoverleg.services.store import Store

from ui import access_request, common
from ui.case_form import CaseForm
from ui.common import GROUND_SHORT, format_date
from ui.ops import Change, StoreOp, drop_pending
from ui.table_model import RowsTableModel
from ui.widgets.flow import FlowLayout
from ui.widgets.message import MessageLabel
from ui.widgets.tables import set_up_rows_table

COLUMNS = ("Casusnummer", "Naam", "Geboortedatum", "School", "Grond", "Status", "Casushouder")
COL_NUMBER, COL_NAME, COL_BIRTH, COL_SCHOOL, COL_GROUND, COL_STATUS, COL_OWNER = range(7)

# Role that gives a row's case id (for selection and, later, opening the case form).
CASE_ID_ROLE = Qt.ItemDataRole.UserRole

_GROUND_ORDER = {g: i for i, g in enumerate(ExemptionGround)}
_STATUS_ORDER = {s: i for i, s in enumerate(CaseStatus)}


__all__ = ["COLUMNS", "CaseTableModel", "CasesView", "RowFilter", "count_text", "format_date"]


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


@dataclass(frozen=True)
class RowFilter:
    """The combo-box filters of the case list; all optional, combined with AND."""

    ground: ExemptionGround | None = None
    status: CaseStatus | None = None
    owner_id: int | None = None
    without_owner: bool = False
    only_open: bool = False

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return self != RowFilter()

    def accepts(self, row: CaseRow) -> bool:
        """Whether `row` passes every filter that is set."""
        return (
            (self.ground is None or row.ground == self.ground)
            and (self.status is None or row.status == self.status)
            and (self.owner_id is None or row.owner_id == self.owner_id)
            and (not self.without_owner or row.owner_id is None)
            and (not self.only_open or row.status != CaseStatus.AFGESLOTEN)
        )


def _matches(rows: list[CaseRow], words: list[str]) -> list[CaseRow]:
    if len(words) == 1:  # the usual case, kept tight: this runs on every keystroke
        word = words[0]
        return [r for r in rows if word in r.search_text]
    return [r for r in rows if all(w in r.search_text for w in words)]


class CaseTable(QTableView):
    """The case table, whose type-ahead goes to the search field instead of jumping rows.

    Qt's own type-ahead selects the next row that starts with the typed letters, so "J-101"
    typed into the table could leave J-104 selected, and Enter would open that other child.
    """

    typed = Signal(str)  # printable text typed while the table has the focus

    def keyboardSearch(self, search: str) -> None:
        """Hand typed text to the search field; never move the selection on it."""
        if search.strip():
            self.typed.emit(search)


class CaseTableModel(RowsTableModel[CaseRow]):
    """Case rows from the cases service; filtered and sorted over the Python list, not a proxy.

    `set_cases` gives every case; the base's rows are the ones that pass the filters, in order.
    """

    column_titles = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[CaseRow] = []
        self._id_by_number: dict[str, int] = {}  # casusnummer (casefolded) → case id
        self._filter = ""
        self._criteria = RowFilter()
        self._sort_column = COL_NUMBER
        self._sort_order = Qt.SortOrder.AscendingOrder

    # Qt's model interface -------------------------------------------------------------------

    def cell(self, row: CaseRow, column: int, role: int) -> Any:
        """Text, tooltip and case id of one cell."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_GROUND:
                return row.ground.label
            if column == COL_SCHOOL:
                return row.school or None
        if role == CASE_ID_ROLE:
            return row.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the Python lists (fast), not through a proxy (slow on big tables)."""
        if column not in _SORT_KEYS:
            return
        self._sort_column, self._sort_order = column, order
        self._sort_and_show(self._rows)

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
            return GROUND_SHORT[row.ground]
        if column == COL_STATUS:
            return row.status.label
        if column == COL_OWNER:
            return row.owner_name
        return ""

    def _sort_and_show(self, visible: list[CaseRow]) -> None:
        """Sort every case, then show those of `visible` in that order."""
        key = _SORT_KEYS[self._sort_column]
        reverse = self._sort_order == Qt.SortOrder.DescendingOrder
        # Ties keep casusnummer order, so equal keys do not shuffle between sorts.
        self._all.sort(key=lambda r: r.case_number)
        self._all.sort(key=key, reverse=reverse)
        shown = {id(r) for r in visible}
        self.set_rows([r for r in self._all if id(r) in shown])

    def _select(self, base: list[CaseRow], words: list[str]) -> list[CaseRow]:
        """The rows of `base` that contain every word and pass the combo-box filters."""
        rows = _matches(base, words) if words else list(base)
        if self._criteria.active:
            accepts = self._criteria.accepts
            rows = [r for r in rows if accepts(r)]
        return rows

    def _filtered(self) -> list[CaseRow]:
        return self._select(self._all, search_words(self._filter))

    def set_cases(self, rows: list[CaseRow]) -> None:
        """Show a new list of cases (keeps the current filters and sort)."""
        self._all = list(rows)
        # Stored numbers are cleaned already (dashes as "-"), so letter case is all that is left.
        self._id_by_number = {r.case_number.casefold(): r.id for r in self._all}
        self._sort_and_show(self._filtered())

    def upsert_row(self, row: CaseRow) -> None:
        """Put a new or changed case in the list (after a save or close), filtered and sorted."""
        self._all = [r for r in self._all if r.id != row.id]
        self._all.append(row)
        self._id_by_number[row.case_number.casefold()] = row.id
        self._sort_and_show(self._filtered())

    def clear(self) -> None:
        """Drop every row (when the store is locked)."""
        self.set_cases([])

    def set_filter_text(self, text: str) -> None:
        """Show only rows whose casusnummer, name or school contain every typed word."""
        old, new = normalise_search(self._filter), normalise_search(text)
        self._filter = text
        # Typing on narrows the current result, so search that instead of every row.
        base = self._rows if old.split() and new.startswith(old) else self._all
        self.set_rows(self._select(base, search_words(text)))

    def row_of_number(self, typed: str) -> int | None:
        """The shown row whose casusnummer is `typed` (letter case and dashes aside), if any."""
        key = case_number_key(typed)
        case_id = self._id_by_number.get(key)
        index = None if case_id is None else self.row_of(case_id)
        # A number changed since the list was loaded must not find the case by its old one.
        if index is None or case_number_key(self._rows[index].case_number) != key:
            return None
        return index

    def row_of(self, row_id: object) -> int | None:
        """The position of the case with this id, or None if it is not shown."""
        # As the base does, without a method call per row: this runs after every keystroke
        # that leaves a row selected, over up to 50,000 rows.
        if self._index_of_id is None:
            self._index_of_id = {r.id: i for i, r in enumerate(self._rows)}
        return self._index_of_id.get(row_id)

    def set_criteria(self, criteria: RowFilter) -> None:
        """Filter on grond, status, casushouder and open/closed (with the typed text)."""
        if criteria == self._criteria:
            return
        self._criteria = criteria
        self.set_rows(self._filtered())

    @property
    def criteria(self) -> RowFilter:
        """The combo-box filters in force."""
        return self._criteria

    @property
    def is_filtered(self) -> bool:
        """Whether text or any filter hides rows."""
        return bool(self._filter.strip()) or self._criteria.active

    def owners(self) -> list[tuple[int, str]]:
        """(id, name) of every casushouder in the list, by name."""
        found = {r.owner_id: r.owner_name for r in self._all if r.owner_id is not None}
        return sorted(found.items(), key=lambda item: normalise_search(item[1]))

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
        return len(self._rows)


def count_text(visible: int, total: int, *, filtered: bool) -> str:
    """ "312 van 4.120 casussen", with the Dutch thousands separator of the default locale."""
    locale = QLocale()
    noun = "casus" if total == 1 else "casussen"
    if not filtered:
        return f"{locale.toString(total)} {noun}"
    return f"{locale.toString(visible)} van {locale.toString(total)} {noun}"


class CasesView(QWidget):
    """The Casussen screen: filters, the count and the case table; the case form on a page."""

    # The changes after which this screen loads again (see ui.ops); the settings hold the
    # retention term the case form shows.
    reload_on = (
        Change.CASES
        | Change.PEOPLE
        | Change.ACTIONS
        | Change.MINUTES
        | Change.AGENDA
        | Change.SETTINGS
    )

    loaded = Signal()  # the rows of the current store are in the table
    case_closed = Signal(object)  # CaseRecord, after "Casus afsluiten…"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._selected_ids: list[int] = []
        self._current_id: int | None = None
        self._owner_choice: int | None = None  # kept over a lock, restored after the reload

        self.model = CaseTableModel(self)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Zoek op casusnummer, naam of school…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Zoeken in casussen")
        self.filter_edit.textChanged.connect(self._filter_typed)
        self.filter_edit.returnPressed.connect(self._open_from_filter)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_filter)

        self.ground_combo = QComboBox()
        self.ground_combo.setAccessibleName("Grond")
        self.ground_combo.addItem("Alle gronden", "")
        for ground in ExemptionGround:
            self.ground_combo.addItem(GROUND_SHORT[ground], str(ground))
            index = self.ground_combo.count() - 1
            self.ground_combo.setItemData(index, ground.label, Qt.ItemDataRole.ToolTipRole)
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Status")
        self.status_combo.addItem("Alle statussen", "")
        for status in CaseStatus:
            self.status_combo.addItem(status.label, str(status))
        self.owner_combo = QComboBox()
        self.owner_combo.setAccessibleName("Casushouder")
        self.owner_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.owner_combo.setMinimumContentsLength(18)
        self.open_only = QCheckBox("Alleen &open casussen")
        self.open_only.setToolTip("Verberg de afgesloten casussen")
        self._fill_owner_combo([])
        for combo in (self.ground_combo, self.status_combo, self.owner_combo):
            combo.currentIndexChanged.connect(self._criteria_changed)
        self.open_only.toggled.connect(self._criteria_changed)

        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.message_label = MessageLabel()

        self.new_button = QPushButton("&Nieuwe casus")
        self.new_button.setToolTip("Een nieuwe casus registreren (Ctrl+N)")
        self.new_button.clicked.connect(self.new_case)
        new = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.new_case)
        self.open_button = QPushButton("Openen")
        self.open_button.setToolTip("De geselecteerde casus openen (Enter of dubbelklik)")
        self.open_button.clicked.connect(self._open_current)
        self.close_button = QPushButton("Casus &afsluiten…")
        self.close_button.setToolTip("De geselecteerde casus afsluiten")
        self.close_button.clicked.connect(self.close_selected_case)

        self.table = CaseTable()
        self.table.typed.connect(self._typed_in_table)
        self.table.setModel(self.model)
        # The main window remembers column widths by the table's name.
        set_up_rows_table(self.table, name="casussen", multiple=True)
        self.table.setAccessibleName("Casussen")
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSortIndicator(COL_NUMBER, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self._set_column_widths()
        self.table.activated.connect(self._row_activated)  # Enter or double-click
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)

        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._after_reset)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addSpacing(12)
        top.addWidget(self.count_label)
        filter_row = QWidget()  # wraps at 200 % text instead of widening the window
        filters = FlowLayout(filter_row)
        filters.addWidget(self.ground_combo)
        filters.addWidget(self.status_combo)
        filters.addWidget(self.owner_combo)
        filters.addWidget(self.open_only)
        filters.addWidget(self.new_button)
        filters.addWidget(self.open_button)
        filters.addWidget(self.close_button)
        list_page = QWidget()
        column = QVBoxLayout(list_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(filter_row)
        column.addWidget(self.message_label)
        column.addWidget(self.table, 1)

        self.form = CaseForm()
        self.form.back_requested.connect(lambda: self._leave_form(self.show_list))
        self.form.saved.connect(self._case_saved)
        self.form.close_requested.connect(self._close_case)

        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self._update_count()
        self._update_buttons()

    def _set_column_widths(self) -> None:
        # Fixed widths from the font and sample texts, never ResizeToContents (it reads every
        # row). Free text gets a share; the long ground is the tooltip of the short one.
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        widths = {
            COL_NUMBER: metrics.horizontalAdvance("2026-00000"),
            COL_NAME: char * 24,
            COL_BIRTH: metrics.horizontalAdvance("00-00-0000"),
            COL_SCHOOL: char * 30,
            COL_GROUND: max(metrics.horizontalAdvance(t) for t in GROUND_SHORT.values()),
            COL_STATUS: max(metrics.horizontalAdvance(s.label) for s in CaseStatus),
            COL_OWNER: char * 18,
        }
        for column, width in widths.items():
            title = metrics.horizontalAdvance(COLUMNS[column]) + 28  # room for the sort arrow
            self.table.setColumnWidth(column, max(width + 16, title))

    # The list ---------------------------------------------------------------------------------

    def focus_filter(self) -> None:
        """Put the cursor in the filter field, its text selected (Ctrl+F)."""
        if self.stack.currentWidget() is not self.form:
            self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.filter_edit.selectAll()

    def _filter_typed(self, text: str) -> None:
        """Filter on the typed text, and select the case that Enter will open.

        A typed casusnummer selects exactly that case; otherwise the selection stays where it
        still shows, or goes to the first match. What Enter opens is always the row shown
        selected.
        """
        self.model.set_filter_text(text)
        if not self.model.rowCount():
            return
        exact = self.model.row_of_number(text)
        if exact is not None:
            self._select_row(exact)
        elif self._selected_row() is None:
            self._select_row(0)

    def _select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def _selected_row(self) -> int | None:
        """The table's current row, if it is shown selected (so the user sees what opens)."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return index.row()

    def _open_from_filter(self) -> None:
        """Enter in the search field: open the case shown selected (the first match, if none)."""
        row = self._selected_row()
        if row is None:
            if self.model.rowCount():
                self._select_row(0)  # shown first; a second Enter opens it
            return
        self.open_case_form(self.model.row_at(row).id)

    def _typed_in_table(self, text: str) -> None:
        """Letters typed in the table start a new search, in the search field."""
        self.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.filter_edit.setText(text)

    def load(self, store: Store) -> None:
        """Fetch the cases of `store` in the background (one logged search)."""
        self._store = store
        self.count_label.setText("Casussen worden geladen…")
        StoreOp(self, store, lambda store: cases.list_cases(store, log_search=True)).key(
            "list"
        ).success(self._show_cases).failure(self._not_loaded).run()
        if self.form.is_active:
            self.form.load(store)

    def _show_cases(self, rows: list[CaseRow]) -> None:
        self.model.set_cases(rows)
        self._fill_owner_combo(self.model.owners())
        self._update_count()
        self._update_buttons()
        self.loaded.emit()

    def _not_loaded(self, exc: CasusoverlegError) -> None:
        self.count_label.setText("De casussen konden niet worden geladen.")
        self.count_label.setToolTip(exc.message)

    def clear(self) -> None:
        """Empty the table and the form (the store is being locked); typed text stays in memory."""
        self._store = None
        drop_pending(self)
        self._selected_ids, self._current_id = [], None
        self.filter_edit.clear()
        self.model.clear()
        self._fill_owner_combo([])  # their names are data of the store too
        self.count_label.setText("")
        self._show_message("")
        self.form.clear()
        self._update_buttons()

    def _fill_owner_combo(self, owners: list[tuple[int, str]]) -> None:
        wanted = self._owner_choice
        self.owner_combo.blockSignals(True)
        try:
            self.owner_combo.clear()
            self.owner_combo.addItem("Alle casushouders", "")
            self.owner_combo.addItem("Zonder casushouder", "geen")
            for owner_id, name in owners:
                self.owner_combo.addItem(name, str(owner_id))
            index = self.owner_combo.findData("" if wanted is None else str(wanted))
            self.owner_combo.setCurrentIndex(max(0, index))
        finally:
            self.owner_combo.blockSignals(False)
        self._criteria_changed()

    def _criteria_changed(self) -> None:
        ground = self.ground_combo.currentData()
        status = self.status_combo.currentData()
        owner = self.owner_combo.currentData() or ""
        if owner.isdigit():
            self._owner_choice = int(owner)
        elif self.owner_combo.count() > 2 or owner:  # not the empty combo of a locked screen
            self._owner_choice = None
        self.model.set_criteria(
            RowFilter(
                ground=ExemptionGround(ground) if ground else None,
                status=CaseStatus(status) if status else None,
                owner_id=int(owner) if owner.isdigit() else None,
                without_owner=owner == "geen",
                only_open=self.open_only.isChecked(),
            )
        )

    def _update_count(self) -> None:
        self.count_label.setToolTip("")
        self.count_label.setText(
            count_text(
                self.model.visible_count,
                self.model.total_count,
                filtered=self.model.is_filtered,
            )
        )

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.show_message(text, error=error)

    def current_case(self) -> CaseRow | None:
        """The case of the table's current row, if any."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def _update_buttons(self) -> None:
        row = self.current_case()
        self.new_button.setEnabled(self._store is not None)
        self.open_button.setEnabled(row is not None)
        self.close_button.setEnabled(row is not None and row.status != CaseStatus.AFGESLOTEN)

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
        self._update_buttons()

    def _select_case(self, case_id: int) -> None:
        row = self.model.row_of(case_id)
        if row is None:
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def context_menu(self, position: QPoint) -> QMenu | None:
        """The menu of the row at `position` (the current row for the menu key); None if none."""
        index = self.table.indexAt(position)
        if index.isValid():
            self.table.setCurrentIndex(index)
        row = self.current_case()
        store = self._store
        if row is None or store is None:
            return None
        menu = QMenu(self)
        case_id = row.id
        menu.addAction("Openen").triggered.connect(lambda: self.open_case_form(case_id))
        menu.addAction(access_request.OPEN_TEXT).triggered.connect(
            lambda: access_request.open_access_request_dialog(self, store, case_id)
        )
        return menu

    def _show_context_menu(self, position: QPoint) -> None:
        menu = self.context_menu(position)
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(position))
            menu.deleteLater()

    # The form ---------------------------------------------------------------------------------

    def _row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_case_form(self.model.row_at(index.row()).id)

    def _open_current(self) -> None:
        row = self.current_case()
        if row is not None:
            self.open_case_form(row.id)

    def open_case_form(self, case_id: int) -> None:
        """Show the form of a case (from the table, the overview or elsewhere); it is logged."""
        if self._store is None:
            return
        if self.form.is_active and self.form.case_id == case_id:
            self.stack.setCurrentWidget(self.form)
            return
        self._leave_form(lambda: self._show_form(case_id))

    def new_case(self) -> None:
        """Show an empty case form (Ctrl+N)."""
        if self._store is None:
            return
        self._leave_form(lambda: self._show_form(None))

    def _show_form(self, case_id: int | None) -> None:
        store = self._store
        if store is None:
            return
        if case_id is None:
            self.form.new_case(store)
        else:
            self._select_case(case_id)
            self.form.open_case(store, case_id)
        self.stack.setCurrentWidget(self.form)

    def is_form_shown(self) -> bool:
        """Whether the case form (not the list) is on screen."""
        return self.stack.currentWidget() is self.form

    def has_unsaved_changes(self) -> bool:
        """Whether the case form holds typed values that are not saved (ask before quitting)."""
        return self.form.is_active and self.form.is_dirty()

    def show_list(self) -> None:
        """Back from the form to the list, on the row of the case that was open."""
        case_id = self.form.case_id
        self.form.close_form()
        self.stack.setCurrentIndex(0)
        if case_id is not None:
            self._select_case(case_id)
        # The list is shown: typing searches, Enter opens the row shown selected.
        self.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _leave_form(self, then: Callable[[], None]) -> None:
        """Run `then` once the open form may go: saved first, or dropped, if the user says so."""
        if not self.form.is_active or not self.form.is_dirty():
            if self.form.is_active:
                self.form.close_form()
            then()
            return
        if self.form.is_saving:
            return
        choice = common.ask_save_changes(
            self, "Deze casus heeft wijzigingen die nog niet zijn opgeslagen."
        )
        if choice == common.SAVE:

            def saved() -> None:
                self.form.close_form()
                then()

            self.form.save(then=saved)
        elif choice == common.DISCARD:
            self.form.close_form()
            then()

    def _case_saved(self, record: CaseRecord) -> None:
        if self._store is not None:
            self.model.upsert_row(record)
            self._fill_owner_combo(self.model.owners())

    # Closing a case ---------------------------------------------------------------------------

    def close_selected_case(self) -> None:
        """Close the case of the current row, after asking."""
        row = self.current_case()
        if row is not None:
            self._close_case(row.id)

    def _close_case(self, case_id: int) -> None:
        store = self._store
        if store is None:
            return
        row_index = self.model.row_of(case_id)
        if row_index is not None:
            row = self.model.row_at(row_index)
            what = f"casus {row.case_number} ({row.full_name})"
        else:
            what = "deze casus"
        detail = (
            "De status wordt 'afgesloten' en vandaag wordt de afsluitdatum. De casus blijft "
            "bewaard en is terug te vinden in de lijst."
        )
        question = f"Wilt u {what} afsluiten?"
        if not common.ask(self, "Casus afsluiten", question, yes="Afsluiten", detail=detail):
            return
        StoreOp(self, store, lambda store: cases.close_case(store, case_id)).changes(
            Change.CASES
        ).success(self._case_closed).failure(
            lambda exc: self._show_message(f"Niet afgesloten: {exc.message}", error=True)
        ).run()

    def _case_closed(self, record: CaseRecord) -> None:
        self.model.upsert_row(record)
        self.form.show_closed(record)
        self._show_message(f"Casus {record.case_number} is afgesloten.")
        self._update_buttons()
        self.case_closed.emit(record)
