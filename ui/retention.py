"""Casussen na bewaartermijn: the list of cases past retention, and destroying them.

Opened from Instellingen (next to the bewaartermijn). Through `StoreOp` only: the list and the
destruction are `services.retention`; a medewerker sees the list with "Vernietigen…" disabled
and a line that says why.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.services import retention
from casusoverleg.services.retention import Destroyed, PastRetention
from casusoverleg.services.store import Store

from ui import dialogs
from ui.ops import Change, StoreOp

HEADERS = ("Casusnummer", "Initialen", "Bewaren tot", "Status")
NOT_ALLOWED = (
    "Alleen een beheerder mag casussen vernietigen. U kunt de lijst wel inzien; vraag een "
    "beheerder van deze opslag om de casussen te vernietigen."
)
# What destroying changes: the screens that show cases, agendas, minutes, actions or the log.
DESTROY_CHANGES = Change.CASES | Change.AGENDA | Change.MINUTES | Change.ACTIONS | Change.AUDIT


class RetentionDialog(QDialog):
    """The cases whose retention date has passed; a beheerder destroys the chosen ones."""

    loaded = Signal()
    cases_destroyed = Signal(object)  # the Destroyed result (not QObject.destroyed)

    def __init__(self, store: Store, parent: QWidget | None = None, *, on: date | None = None):
        super().__init__(parent)
        self.setWindowTitle("Casussen na bewaartermijn")
        self._store = store
        self._on = on or date.today()
        self._may_destroy = False
        self._items: list[PastRetention] = []

        intro = QLabel(
            "Deze casussen zijn langer bewaard dan de bewaartermijn uit de instellingen. "
            "Kies de casussen die u wilt vernietigen: alle gegevens over het kind gaan dan uit "
            "de opslag. Het logboek houdt alleen het casusnummer."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrow keys move within
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Casussen na bewaartermijn")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.status_label = QLabel("Bezig met laden…")
        self.status_label.setWordWrap(True)
        self.role_label = QLabel()
        self.role_label.setWordWrap(True)
        self.role_label.hide()

        self.select_all_button = QPushButton("&Alles selecteren")
        self.select_all_button.clicked.connect(self.table.selectAll)
        self.destroy_button = QPushButton("&Vernietigen…")
        self.destroy_button.clicked.connect(self.destroy_selected)
        # Enter never destroys: only a click on the button, then the confirmation.
        self.destroy_button.setAutoDefault(False)
        close = QPushButton("&Sluiten")
        close.clicked.connect(self.reject)
        close.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.select_all_button)
        buttons.addWidget(self.destroy_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.role_label)
        layout.addLayout(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 80, self.fontMetrics().height() * 25)
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        """Read the list (and whether this account may destroy) from the store."""
        on = self._on

        def load(store: Store) -> tuple[list[PastRetention], bool]:
            return retention.past_retention(store, on), retention.may_destroy(store)

        StoreOp(self, self._store, load).key("lijst").success(self._show).run()

    def _show(self, result: tuple[list[PastRetention], bool]) -> None:
        self._items, self._may_destroy = result
        self.table.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            cells = (
                item.case_number,
                item.initials,
                f"{item.retention_date:%d-%m-%Y}",
                "afgesloten" if item.closed else "open",
            )
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        count = len(self._items)
        self.status_label.setText(
            "Geen casussen na de bewaartermijn."
            if not count
            else f"{count} {'casus' if count == 1 else 'casussen'} na de bewaartermijn."
        )
        self.role_label.setText(NOT_ALLOWED)
        self.role_label.setVisible(not self._may_destroy)
        self._update_buttons()
        self.loaded.emit()

    def selected_numbers(self) -> list[str]:
        """The casusnummers of the selected rows, in list order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._items[row].case_number for row in rows if row < len(self._items)]

    def _update_buttons(self) -> None:
        self.select_all_button.setEnabled(bool(self._items))
        self.destroy_button.setEnabled(self._may_destroy and bool(self.selected_numbers()))
        self.destroy_button.setToolTip("" if self._may_destroy else NOT_ALLOWED)

    def destroy_selected(self) -> None:
        """Ask, naming how many and which, then destroy the selected cases."""
        numbers = self.selected_numbers()
        if not numbers or not self._may_destroy:
            return
        if not dialogs.confirm(
            self,
            "Casussen vernietigen",
            retention.confirmation_text(numbers),
            f"{len(numbers)} vernietigen",
        ):
            return
        on = self._on
        self.destroy_button.setEnabled(False)
        word = "casus" if len(numbers) == 1 else "casussen"
        (
            StoreOp(self, self._store, lambda s: retention.destroy(s, numbers, on))
            .with_progress("Vernietigen", f"{len(numbers)} {word} vernietigen…")
            .titled("Niet vernietigd")
            .changes(DESTROY_CHANGES)
            .success(self._done)
            .finished(self.reload)
            .run()
        )

    def _done(self, result: Destroyed) -> None:
        count = len(result.case_numbers)
        word = "casus" if count == 1 else "casussen"
        self.status_label.setText(f"{count} {word} vernietigd: {', '.join(result.case_numbers)}.")
        self.cases_destroyed.emit(result)
        dialogs.inform(
            self,
            "Vernietigd",
            f"{count} {word} vernietigd: {', '.join(result.case_numbers)}.",
            detail="Back-ups die eerder zijn gemaakt, bevatten deze gegevens nog; vernietig "
            "die volgens uw afspraken.",
        )
