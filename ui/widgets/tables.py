"""How a list of rows looks in this app: whole rows selected, fixed row height, no row numbers."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QTableWidget

ROW_PADDING = 8  # pixels above and below the text of a row


class ColumnFitter(QObject):
    """Keeps a table's columns within its width: no sideways scrolling at 1280×800.

    Each column has the width it was given (by the screen, or by the user dragging it). When
    those are together wider than the table, the widest columns give way (their text is
    elided, and the model's tooltip holds the whole of it); when the table grows again, they
    get their width back.
    """

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        self._wanted: dict[int, int] = {}
        self._fitting = False
        self._pending = False
        table.viewport().installEventFilter(self)
        table.horizontalHeader().sectionResized.connect(self._resized)

    def _resized(self, column: int, _old: int, new: int) -> None:
        if self._fitting:
            return
        self._wanted[column] = new
        # A width set by the screen (or restored) is fitted once the event loop is back; a
        # column the user is dragging is left alone until the next resize of the table.
        if QApplication.mouseButtons() == Qt.MouseButton.NoButton and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._fit_later)

    def _fit_later(self) -> None:
        self._pending = False
        if shiboken6.isValid(self) and shiboken6.isValid(self._table):
            self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Fit the columns after the table got another size."""
        if event.type() == QEvent.Type.Resize and shiboken6.isValid(self._table):
            self.fit()
        return False

    def fit(self) -> None:
        """Give each column its wanted width, narrowing the widest until all fit."""
        table = self._table
        header = table.horizontalHeader()
        room = table.viewport().width()
        if room <= 0 or header.count() == 0:
            return
        last = header.logicalIndex(header.count() - 1) if header.stretchLastSection() else -1
        free = [
            c
            for c in range(header.count())
            if c != last
            and not header.isSectionHidden(c)
            and header.sectionResizeMode(c) == QHeaderView.ResizeMode.Interactive
        ]
        widths = {c: self._wanted.get(c, header.sectionSize(c)) for c in free}
        smallest = header.minimumSectionSize()
        fixed = header.length() - sum(header.sectionSize(c) for c in free)
        if last >= 0:  # a stretched last column keeps at least the default section size
            fixed -= header.sectionSize(last) - min(
                header.sectionSize(last), max(header.defaultSectionSize(), smallest)
            )
        excess = fixed + sum(widths.values()) - room
        while excess > 0:
            top = max(widths.values(), default=0)
            if top <= smallest:
                break
            ties = [c for c, w in widths.items() if w == top]
            following = max((w for w in widths.values() if w < top), default=smallest)
            step = min(top - max(following, smallest), -(-excess // len(ties)))
            for column in ties:
                widths[column] = top - step
            excess -= step * len(ties)
        self.apply(widths)

    def take_current(self) -> None:
        """Take the widths shown now as the wanted ones."""
        header = self._table.horizontalHeader()
        self._wanted = {c: header.sectionSize(c) for c in range(header.count())}

    @property
    def wanted(self) -> dict[int, int]:
        """The widths the columns were given, by column (a copy)."""
        return dict(self._wanted)

    def apply(self, widths: dict[int, int]) -> None:
        """Set these widths without taking them as wanted."""
        header = self._table.horizontalHeader()
        self._fitting = True
        try:
            for column, width in widths.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False


def wanted_widths(table: QTableView) -> dict[int, int]:
    """The widths the columns were given (shown when there is room), by column."""
    fitter = table.findChild(ColumnFitter)
    header = table.horizontalHeader()
    wanted = {c: header.sectionSize(c) for c in range(header.count())}
    if fitter is not None:
        wanted.update(fitter.wanted)
    return wanted


def header_state(table: QTableView) -> QByteArray:
    """The header's saved state with the widths the columns were given, not the fitted ones.

    A window closed while narrow would otherwise remember the narrowed columns.
    """
    header = table.horizontalHeader()
    fitter = table.findChild(ColumnFitter)
    if fitter is None:
        return header.saveState()
    shown = {c: header.sectionSize(c) for c in range(header.count())}
    fitter.apply(fitter.wanted)
    try:
        return header.saveState()
    finally:
        fitter.apply(shown)


def widths_restored(table: QTableView) -> None:
    """Take the widths just restored (QHeaderView.restoreState says nothing) as wanted, and fit."""
    fitter = table.findChild(ColumnFitter)
    if fitter is not None:
        fitter.take_current()
        fitter.fit()


def fit_columns(table: QTableView) -> None:
    """Fit the columns of a table set up here to its width now (after widths were restored)."""
    fitter = table.findChild(ColumnFitter)
    if fitter is not None:
        fitter.fit()


def set_up_rows_table(
    table: QTableView,
    *,
    name: str = "",
    editable: bool = False,
    multiple: bool = False,
    stretch_last: bool = True,
) -> QTableView:
    """Give `table` the house look: whole rows, alternating colours, fixed height, Dutch-safe.

    Not `ResizeToContents`: it measures every row, which a 50,000-case table cannot afford.
    """
    if name:
        table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multiple
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    if not editable:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # Tab leaves the table (arrow keys move within, F2 or typing edits a cell): a keyboard user
    # crossed the Casussen list cell by cell, 280 presses, and was held in the agenda
    # (WCAG 2.1.2, no keyboard trap).
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setCornerButtonEnabled(False)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + ROW_PADDING)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_last)
    header.setHighlightSections(False)
    # A header elides nothing by default: a narrow "Agendapunt" showed as "gendapu". Its
    # tooltip holds the whole title.
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
    if table.findChild(ColumnFitter) is None:
        ColumnFitter(table)
    return table


def rows_table(model: QAbstractItemModel, name: str = "", **options: bool) -> QTableView:
    """A new read-only QTableView over `model` with the house look."""
    table = QTableView()
    table.setModel(model)
    set_up_rows_table(table, name=name, **options)
    return table


def read_only_table_widget(columns: tuple[str, ...], name: str = "") -> QTableWidget:
    """A small read-only QTableWidget with these column titles (a case's tabs, say)."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    set_up_rows_table(table, name=name)
    return table
