"""What every table model here shares: Dutch column titles, and rows found by their id."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex


class TitledTableModel(QAbstractTableModel):
    """A flat table model whose columns are `column_titles`; subclasses give rows and data."""

    column_titles: tuple[str, ...] = ()

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns (none under a child index)."""
        return 0 if parent.isValid() else len(self.column_titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Dutch column titles, also as tooltip (for a narrow column); no row numbers."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
            and 0 <= section < len(self.column_titles)
        ):
            return self.column_titles[section]
        return None


R = TypeVar("R")


class RowsTableModel(TitledTableModel, Generic[R]):
    """A flat table over a list of plain rows (dataclasses from a service), found by their id.

    Subclasses give `cell(row, column, role)`; the base gives `rowCount`, `data`, `row_at`,
    `row_of` and `set_rows`. A model that filters keeps its full list itself and shows a part
    of it with `set_rows`.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._index_of_id: dict[object, int] | None = None

    @staticmethod
    def row_id(row: R) -> object:
        """What `row_of` finds a row by: its `id`, unless a subclass says otherwise."""
        return getattr(row, "id")  # noqa: B009 - rows are any dataclass with an id

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The rows shown (none under a child index: a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What `cell` says for a valid index; nothing outside the rows.

        A cell without a tooltip of its own has its whole text as tooltip: a narrow column
        elides it ("Samenwerkingsverband Zw…"), and the tooltip says what was cut off.
        """
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        value = self.cell(row, index.column(), role)
        if value is None and role == Qt.ItemDataRole.ToolTipRole:
            text = self.cell(row, index.column(), Qt.ItemDataRole.DisplayRole)
            if isinstance(text, str) and text.strip():
                return text
        return value

    def cell(self, row: R, column: int, role: int) -> Any:
        """The value of one cell for one role (subclasses)."""
        raise NotImplementedError

    @property
    def rows(self) -> list[R]:
        """The rows shown, in order (a copy)."""
        return list(self._rows)

    def set_rows(self, rows: list[R]) -> None:
        """Show these rows instead (a model reset)."""
        self.beginResetModel()
        self._rows = rows
        self._index_of_id = None
        self.endResetModel()

    def row_at(self, row: int) -> R:
        """The row shown at position `row`."""
        return self._rows[row]

    def row_of(self, row_id: object) -> int | None:
        """The position of the row with this id, or None if it is not shown."""
        if self._index_of_id is None:
            self._index_of_id = {self.row_id(r): i for i, r in enumerate(self._rows)}
        return self._index_of_id.get(row_id)

    def rows_changed(self) -> None:
        """Say that rows were replaced or reordered in place (forgets the id index)."""
        self._index_of_id = None
