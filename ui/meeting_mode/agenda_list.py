"""The list beside the pages: attendance and every agenda item, to jump to (Ctrl+J)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QWidget

from casusoverleg.services.agenda import AgendaItemInfo


class AgendaList(QListWidget):
    """Row 0 is attendance, row n agenda item n, with its time and a ✓ once something is noted."""

    def __init__(self, recorded: Callable[[int], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._recorded = recorded  # whether the store has minutes for an agenda item id
        self._items: list[AgendaItemInfo] = []
        self.setAccessibleName("Agendapunten (Ctrl+J)")
        self.setToolTip("Spring naar een agendapunt (Ctrl+J)")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(3)

    def show_items(self, items: list[AgendaItemInfo], current: int, window_width: int) -> None:
        """List these agenda items, `current` chosen (no signal)."""
        self._items = items
        self.blockSignals(True)
        try:
            self.clear()
            self.addItem(QListWidgetItem("Aanwezigheid"))
            for item in items:
                self.addItem(QListWidgetItem(self._text(item)))
            self.setCurrentRow(current)
        finally:
            self.blockSignals(False)
        self.fit(window_width)

    def forget(self) -> None:
        """No lines at all (locked or loading)."""
        self._items = []
        self.clear()

    def choose(self, row: int) -> None:
        """Make `row` the current one (no signal: the page is shown already)."""
        self.blockSignals(True)
        self.setCurrentRow(row)
        self.blockSignals(False)

    def refresh(self, item_id: int) -> None:
        """Show the ✓ of an agenda item whose minutes were just saved."""
        for row, item in enumerate(self._items, start=1):
            line = self.item(row)
            if item.id == item_id and line is not None:
                line.setText(self._text(item))

    def fit(self, window_width: int) -> None:
        """As wide as the longest line, but never more than a quarter of the window."""
        metrics = self.fontMetrics()
        lines = ["Aanwezigheid", *(self._text(i) + " ✓" for i in self._items)]
        longest = max(metrics.horizontalAdvance(line) for line in lines)
        self.setFixedWidth(min(longest + 32, max(220, window_width // 4)))

    def _text(self, item: AgendaItemInfo) -> str:
        done = " ✓" if self._recorded(item.id) else ""
        return f"{item.start_time:%H:%M}  {item.position}. {item.title}{done}"
