"""Instellingen: for now the idle time before the window locks itself (more settings follow)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import settings
from casusoverleg.services.settings import Settings
from casusoverleg.services.store import Store

from ui import tasks


class SettingsView(QWidget):
    """The Instellingen screen; `idle_lock_minutes_changed` after a saved change."""

    loaded = Signal()
    saved = Signal()
    idle_lock_minutes_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._saved_minutes: int | None = None
        self._generation = 0

        title = QLabel("Instellingen")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)

        self.idle_spin = QSpinBox()
        low, high = settings.IDLE_LOCK_RANGE
        self.idle_spin.setRange(low, high)
        self.idle_spin.setSuffix(" minuten")
        self.idle_spin.setAccessibleName("Automatisch vergrendelen na")
        self.idle_spin.valueChanged.connect(self._update_buttons)
        idle_help = QLabel(
            "Zonder toetsaanslag of muisbeweging vergrendelt Casusoverleg zich na deze tijd: "
            "de schermen worden leeggemaakt en de opslag gesloten. Wat u aan het typen was, "
            "blijft bewaard tot u weer ontgrendelt."
        )
        idle_help.setWordWrap(True)

        self.save_button = QPushButton("Op&slaan")
        self.save_button.clicked.connect(self.save)
        self.status_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status_label, 1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Automatisch &vergrendelen na:", self.idle_spin)

        later = QLabel(
            "Organisatie, vakantieregio, bewaartermijn, accounts en de controle van de opslag "
            "komen in een volgende versie op dit scherm."
        )
        later.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(idle_help)
        layout.addLayout(buttons)
        layout.addSpacing(16)
        layout.addWidget(later)
        layout.addStretch(1)
        for label in (idle_help, later):
            label.setMaximumWidth(self.fontMetrics().averageCharWidth() * 90)
        self.idle_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        self.idle_spin.setEnabled(enabled)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(
            self._store is not None
            and self._saved_minutes is not None
            and self.idle_spin.value() != self._saved_minutes
        )

    def load(self, store: Store) -> None:
        """Read the settings of `store` in the background."""
        self._store = store
        self._generation += 1
        generation = self._generation
        self.status_label.setText("")

        def done(values: Settings) -> None:
            if generation != self._generation:
                return
            self._saved_minutes = values.idle_lock_minutes
            self.idle_spin.setValue(values.idle_lock_minutes)
            self._set_enabled(True)
            self.loaded.emit()

        tasks.run_in_background(lambda: settings.load_settings(store), done, self._failed)

    def clear(self) -> None:
        """Forget the store and its values (locking)."""
        self._generation += 1
        self._store = None
        self._saved_minutes = None
        self.status_label.setText("")
        self._set_enabled(False)

    def save(self) -> None:
        """Write the changed idle time (logged) in the background."""
        store = self._store
        if store is None:
            return
        self.idle_spin.interpretText()
        minutes = self.idle_spin.value()
        generation = self._generation
        self.save_button.setEnabled(False)

        def done(values: Settings) -> None:
            if generation != self._generation:
                return
            self._saved_minutes = values.idle_lock_minutes
            self.status_label.setText("Opgeslagen.")
            self._update_buttons()
            self.idle_lock_minutes_changed.emit(values.idle_lock_minutes)
            self.saved.emit()

        tasks.run_in_background(
            lambda: settings.set_setting(store, "idle_lock_minutes", minutes), done, self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        self._update_buttons()
        if not isinstance(exc, CasusoverlegError):
            self.status_label.setText("Er ging iets onverwachts mis.")
            raise exc
        self.status_label.setText(exc.message)
