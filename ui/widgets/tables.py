"""How a list of rows looks in this app: whole rows selected, fixed row height, no row numbers."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget

ROW_PADDING = 8  # pixels above and below the text of a row


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
