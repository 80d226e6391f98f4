"""Instellingen: organisation name, holiday region, idle lock time, retention, meeting length,
automatic backups (on/off, folder, the rotation)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.rotation import DEFAULT_POLICY
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import accounts, autobackup, settings
from casusoverleg.services.settings import Settings
from casusoverleg.services.store import Store

from ui import ops, style
from ui.accounts_view import AccountsDialog
from ui.ops import Change, StoreOp
from ui.widgets.heading import Heading

LID_SETTINGS_NOTE = (
    "Alleen een beheerder kan de instellingen wijzigen. U ziet hier hoe ze staan; vraag een "
    "beheerder als er iets anders moet."
)
REGION_LABELS = {"noord": "Noord (o.a. Zwolle)", "midden": "Midden", "zuid": "Zuid"}


def ask_backup_folder(parent: QWidget, start: str) -> Path | None:
    """Let the beheerder pick the folder for automatic backups; None if cancelled.

    Tests replace this function.
    """
    dialog = QFileDialog(parent, "Map voor automatische back-ups", start)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, "Zoeken in:")
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return Path(dialog.selectedFiles()[0])
    finally:
        dialog.deleteLater()


def _spin(value_range: tuple[int, int], suffix: str, name: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(*value_range)
    spin.setSuffix(suffix)
    spin.setAccessibleName(name)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    return spin


class SettingsView(QWidget):
    """The Instellingen screen; `idle_lock_minutes_changed` after a saved change of that time."""

    # The changes after which this screen loads again (see ui.ops).
    reload_on = Change.SETTINGS

    loaded = Signal()
    saved = Signal()
    idle_lock_minutes_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._saved: Settings | None = None

        title = Heading("Instellingen")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)

        self.organisation_edit = QLineEdit()
        self.organisation_edit.setPlaceholderText("bijvoorbeeld: Gemeente Zwolle, team Leerplicht")
        self.organisation_edit.setMaxLength(120)
        self.organisation_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 30)
        self.region_combo = QComboBox()
        for value in settings.REGIONS:
            self.region_combo.addItem(REGION_LABELS.get(value, value), value)
        self.idle_spin = _spin(settings.IDLE_LOCK_RANGE, " minuten", "Automatisch vergrendelen na")
        self.retention_spin = _spin(
            settings.RETENTION_RANGE, " jaar na geboortedatum", "Bewaartermijn"
        )
        self.meeting_spin = _spin(
            settings.MEETING_MINUTES_RANGE, " minuten", "Standaardduur van een overleg"
        )
        self.organisation_edit.textEdited.connect(self._update_buttons)
        self.region_combo.currentIndexChanged.connect(self._update_buttons)
        for spin in (self.idle_spin, self.retention_spin, self.meeting_spin):
            spin.valueChanged.connect(self._update_buttons)
        backups = self._make_backup_group()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("&Organisatie (op documenten):", self.organisation_edit)
        form.addRow("Vakantie&regio (schoolvakanties):", self.region_combo)
        form.addRow("Automatisch &vergrendelen na:", self.idle_spin)
        form.addRow("Be&waartermijn:", self.retention_spin)
        # Retention carried out (ui/retention.py): the list past the term, and destroying.
        self.retention_button = QPushButton("Casussen na bewaar&termijn…")
        self.retention_button.clicked.connect(self.open_retention)
        form.addRow("", self.retention_button)
        form.addRow("Standaard&duur van een overleg:", self.meeting_spin)
        # Instellingen → Accounts (ui/accounts_view.py): for everyone (list, own passphrase).
        self.accounts_button = QPushButton("Acco&unts en wachtwoord…")
        self.accounts_button.clicked.connect(self.open_accounts)
        form.addRow("", self.accounts_button)
        self.role_label = QLabel(LID_SETTINGS_NOTE)
        self.role_label.setWordWrap(True)
        self.role_label.hide()
        self._beheerder = True

        notes = QLabel(
            "Zonder toetsaanslag of muisbeweging vergrendelt Casusoverleg zich na de ingestelde "
            "tijd: de schermen worden leeggemaakt en de opslag gesloten; wat u aan het typen "
            "was, blijft bewaard tot u weer ontgrendelt. De bewaartermijn volgt de VNG-"
            "selectielijst (19 jaar na de geboortedatum); de vakantieregio bepaalt welke "
            "schoolvakanties een nieuwe overlegreeks overslaat. Elke wijziging komt in het "
            "logboek."
        )
        notes.setWordWrap(True)
        notes.setMaximumWidth(self.fontMetrics().averageCharWidth() * 90)

        self.save_button = QPushButton("Op&slaan")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.status_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status_label, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addWidget(self.role_label)
        layout.addLayout(form)
        layout.addSpacing(4)
        layout.addWidget(notes)
        layout.addSpacing(8)
        layout.addLayout(backups)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._set_enabled(False)

    def _make_backup_group(self) -> QVBoxLayout:
        """On/off, the folder (with a picker) and the rotation of automatic backups."""
        self._backup_folder = ""  # "" = the default folder beside the store
        self.auto_backup_check = QCheckBox(
            "&Automatisch een back-up maken na elke werksessie met wijzigingen"
        )
        self.auto_backup_check.setToolTip(
            "Bij vergrendelen, bij afsluiten en eens per dag zolang Casusoverleg open staat; "
            "elke back-up wordt na het schrijven gecontroleerd."
        )
        self.auto_backup_check.toggled.connect(self._update_buttons)
        self.backup_folder_edit = QLineEdit()
        self.backup_folder_edit.setReadOnly(True)
        self.backup_folder_edit.setAccessibleName("Map voor automatische back-ups")
        self.backup_folder_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 30)
        self.choose_folder_button = QPushButton("&Kies map…")
        self.choose_folder_button.clicked.connect(self.choose_backup_folder)
        self.default_folder_button = QPushButton("Standaard&map")
        self.default_folder_button.setToolTip("De map 'backups' naast de opslag")
        self.default_folder_button.clicked.connect(lambda: self._set_backup_folder(""))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_folder_edit, 1)
        folder_row.addWidget(self.choose_folder_button)
        folder_row.addWidget(self.default_folder_button)
        self.rotation_label = QLabel(DEFAULT_POLICY.describe())
        self.rotation_label.setWordWrap(True)
        folder_label = QLabel("Map:")
        folder_label.setBuddy(self.backup_folder_edit)
        folder_row.insertWidget(0, folder_label)
        heading = QLabel("Automatische back-ups")
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        # A plain column, no group box: a word-wrapped label in one is cut off at its top line.
        column = QVBoxLayout()
        column.addWidget(heading)
        column.addWidget(self.auto_backup_check)
        column.addLayout(folder_row)
        column.addWidget(self.rotation_label)
        return column

    def _inputs(self) -> list[QWidget]:
        return [
            self.organisation_edit,
            self.region_combo,
            self.idle_spin,
            self.retention_spin,
            self.meeting_spin,
            self.auto_backup_check,
            self.choose_folder_button,
            self.default_folder_button,
            self.retention_button,
            self.accounts_button,
        ]

    def _auto_backup_default(self) -> bool:
        """Whether automatic backups are on when the setting was never changed."""
        store = self._store
        return store is not None and autobackup.is_enabled(store, Settings())

    def _typed_auto_backup(self) -> str:
        wanted = "aan" if self.auto_backup_check.isChecked() else "uit"
        # Never changed and still what the default gives: keep it "the default".
        saved = self._saved.auto_backup if self._saved is not None else ""
        default = "aan" if self._auto_backup_default() else "uit"
        return "" if not saved and wanted == default else wanted

    def _set_backup_folder(self, folder: str) -> None:
        self._backup_folder = folder
        store = self._store
        if folder:
            self.backup_folder_edit.setText(folder)
        elif store is not None:
            default = autobackup.default_folder(store.path)
            self.backup_folder_edit.setText(f"{default} (standaard)")
        else:
            self.backup_folder_edit.setText("")
        self._update_buttons()

    def choose_backup_folder(self) -> None:
        """Pick the folder for automatic backups (saved with Opslaan)."""
        store = self._store
        if store is None:
            return
        start = self._backup_folder or str(autobackup.default_folder(store.path).parent)
        chosen = ask_backup_folder(self, start)
        if chosen is None or self._store is not store:
            return
        default = autobackup.default_folder(store.path)
        self._set_backup_folder("" if chosen == default else str(chosen))

    def typed(self) -> Settings:
        """The values as the fields show them now."""
        for spin in (self.idle_spin, self.retention_spin, self.meeting_spin):
            spin.interpretText()
        return Settings(
            idle_lock_minutes=self.idle_spin.value(),
            organisation_name=" ".join(self.organisation_edit.text().split()),
            region=str(self.region_combo.currentData()),
            retention_years=self.retention_spin.value(),
            default_meeting_minutes=self.meeting_spin.value(),
            auto_backup=self._typed_auto_backup(),
            backup_folder=self._backup_folder,
        )

    def _changes(self) -> dict[str, int | str]:
        if self._saved is None:
            return {}
        typed = self.typed()
        return {
            f.name: getattr(typed, f.name)
            for f in fields(Settings)
            if getattr(typed, f.name) != getattr(self._saved, f.name)
        }

    def _show(self, values: Settings) -> None:
        self.organisation_edit.setText(values.organisation_name)
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(values.region)))
        self.idle_spin.setValue(values.idle_lock_minutes)
        self.retention_spin.setValue(values.retention_years)
        self.meeting_spin.setValue(values.default_meeting_minutes)
        store = self._store
        self.auto_backup_check.setChecked(
            store is not None and autobackup.is_enabled(store, values)
        )
        self._set_backup_folder(values.backup_folder)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in self._inputs():
            widget.setEnabled(enabled)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(
            self._store is not None and self._beheerder and bool(self._changes())
        )

    def load(self, store: Store) -> None:
        """Read the settings of `store` in the background."""
        self._store = store
        self.status_label.setText("")
        self.status_label.setStyleSheet("")

        def read(s: Store) -> tuple[Settings, bool]:
            beheerder = accounts.current_role(s) == accounts.ROLE_BEHEERDER
            return settings.load_settings(s), beheerder

        StoreOp(self, store, read).key("load").success(self._loaded).failure(self._failed).run()

    def _loaded(self, found: tuple[Settings, bool]) -> None:
        values, self._beheerder = found
        self._saved = values
        self._show(values)
        self._set_enabled(True)
        # A lid sees the values but cannot change them (services.settings refuses too).
        self.role_label.setVisible(not self._beheerder)
        for widget in self._inputs():
            if widget not in (self.retention_button, self.accounts_button):
                widget.setEnabled(self._beheerder)
        self._update_buttons()
        self.loaded.emit()

    def open_accounts(self) -> QWidget | None:
        """Open Instellingen → Accounts over this screen; returns the dialog."""
        if self._store is None:
            return None
        dialog = AccountsDialog(self._store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_retention(self) -> QWidget | None:
        """Open "Casussen na bewaartermijn" over this screen; returns the dialog."""
        if self._store is None:
            return None
        from ui.retention import RetentionDialog

        dialog = RetentionDialog(self._store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def clear(self) -> None:
        """Forget the store and its values (locking)."""
        ops.drop_pending(self)
        self._store = None
        self._saved = None
        self.status_label.setText("")
        self.backup_folder_edit.clear()
        self._set_enabled(False)

    def save(self) -> None:
        """Write the changed settings (checked, logged) in the background."""
        store = self._store
        changes = self._changes()
        if store is None or not changes:
            return
        self.save_button.setEnabled(False)

        def done(values: Settings) -> None:
            self._saved = values
            self._show(values)
            self.status_label.setStyleSheet(style.OK_STYLE)
            self.status_label.setText("Opgeslagen.")
            self._update_buttons()
            if "idle_lock_minutes" in changes:
                self.idle_lock_minutes_changed.emit(values.idle_lock_minutes)
            self.saved.emit()

        # `finished` also after an unexpected error: the button must not stay disabled.
        StoreOp(self, store, lambda s: settings.set_settings(s, changes)).success(done).failure(
            self._failed
        ).finished(self._update_buttons).changes(Change.SETTINGS).run()

    def _failed(self, exc: CasusoverlegError) -> None:
        self._update_buttons()
        self.status_label.setStyleSheet(style.ERROR_STYLE)
        self.status_label.setText(style.failed_because(exc))
