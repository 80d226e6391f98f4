"""The list beside the pages: attendance and every agenda item, to jump to (Ctrl+J)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QWidget

from casusoverleg.domain.enums import ItemOutcome
from casusoverleg.services.agenda import AgendaItemInfo

# How the list marks what happened to an item (text too, not colour alone).
OUTCOME_MARKS = {
    ItemOutcome.BESPROKEN: "✓",
    ItemOutcome.GEEN_BIJZONDERHEDEN: "✓ geen bijz.",
    ItemOutcome.DOORGESCHOVEN: "→ doorgeschoven",
    ItemOutcome.INGETROKKEN: "✗ ingetrokken",
}


class AgendaList(QListWidget):
    """Row 0 is attendance, row n agenda item n, with its time and its state: ✓ once something
    is noted, or the outcome chosen (geen bijzonderheden, doorgeschoven, ingetrokken)."""

    def __init__(
        self,
        recorded: Callable[[int], bool],
        outcome: Callable[[int], ItemOutcome | None] = lambda _item_id: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._recorded = recorded  # whether the store has minutes for an agenda item id
        self._outcome = outcome  # the outcome stored for an agenda item id
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
        """Show the state of an agenda item whose minutes or outcome were just saved."""
        for row, item in enumerate(self._items, start=1):
            line = self.item(row)
            if item.id == item_id and line is not None:
                line.setText(self._text(item))

    def fit(self, window_width: int) -> None:
        """As wide as the longest line, but never more than a quarter of the window."""
        metrics = self.fontMetrics()
        # Room for the longest state, so that marking an item does not change the width.
        widest = max(OUTCOME_MARKS.values(), key=metrics.horizontalAdvance)
        lines = ["Aanwezigheid", *(self._bare(i) + " " + widest for i in self._items)]
        longest = max(metrics.horizontalAdvance(line) for line in lines)
        self.setFixedWidth(min(longest + 32, max(220, window_width // 4)))

    @staticmethod
    def _bare(item: AgendaItemInfo) -> str:
        return f"{item.start_time:%H:%M}  {item.position}. {item.title}"

    def _text(self, item: AgendaItemInfo) -> str:
        outcome = self._outcome(item.id)
        if outcome is not None:
            done = " " + OUTCOME_MARKS[outcome]
        else:
            done = " ✓" if self._recorded(item.id) else ""
        return self._bare(item) + done
