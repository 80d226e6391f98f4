"""Bestand → Back-up terugzetten…: choose an automatic backup (or another file) and see, in plain
Dutch, what putting it back does to the current store before saying yes.

The dialog only chooses. The main window then locks (its own lock path) and opens the unlock
dialog on the chosen backup (`UnlockDialog.use_backup`): putting a backup back needs the
passphrase that opened it then, and that dialog restores and unlocks on the worker with its busy
bar, as it does for a damaged store.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import autobackup, backup
from casusoverleg.services.autobackup import BackupFile
from casusoverleg.services.backup import BackupInfo
from casusoverleg.services.store import Store

from ui import dialogs, style
from ui.ops import Op, StoreOp
from ui.unlock import BACKUP_FILTER

TITLE = "Back-up terugzetten"
CHECKED = "gecontroleerd"
UNCHECKED = "niet gecontroleerd"
NO_BACKUPS = (
    "Er staan geen automatische back-ups in de map voor back-ups. Kies met 'Ander bestand "
    "kiezen…' een back-up die u zelf hebt gemaakt."
)
COLUMNS = ("Datum", "Tijd", "Grootte", "Controle")
_PATH_ROLE = Qt.ItemDataRole.UserRole


def size_text(size: int) -> str:
    """A file size as people read it: "840 kB", "12,5 MB" (decimal comma)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def when_text(when: datetime) -> str:
    """A backup's moment, "01-12-2026 om 16:40" (local time, as the list shows it)."""
    return f"{when:%d-%m-%Y} om {when:%H:%M}"


def what_happens(store_path: Path, source: Path, made: datetime) -> str:
    """What putting `source` back does, step by step, in plain Dutch."""
    return (
        f"Als u de back-up {source.name} van {when_text(made)} terugzet:\n"
        "1. De huidige opslag wordt niet verwijderd: hij blijft in dezelfde map bewaard als "
        f"{store_path.name}.voor-terugzetten-<datum en tijd>. Er gaat niets verloren.\n"
        "2. Het venster wordt vergrendeld.\n"
        "3. De back-up wordt gecontroleerd en teruggezet.\n"
        "4. U ontgrendelt met het wachtwoord dat gold toen de back-up werd gemaakt.\n\n"
        f"Wijzigingen sinds {when_text(made)} staan niet in de teruggezette opslag."
    )


class RestoreBackupDialog(QDialog):
    """Choose a backup to put back; `chosen` holds (file, moment) after accept."""

    loaded = Signal()  # the list of automatic backups is shown
    checked = Signal()  # a check by hand ended (passed or not)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._other: tuple[Path, datetime] | None = None  # a file chosen outside the list
        self.chosen: tuple[Path, datetime] | None = None
        self.setWindowTitle(TITLE)

        intro = QLabel(
            "Kies de back-up die u wilt terugzetten. Automatische back-ups staan hieronder, de "
            "nieuwste bovenaan; een back-up die u zelf hebt gemaakt kiest u met 'Ander bestand "
            "kiezen…'."
        )
        intro.setWordWrap(True)
        list_label = QLabel("&Automatische back-ups:")
        self.table = QTreeWidget()
        self.table.setAccessibleName("Automatische back-ups")
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.header().setStretchLastSection(True)
        self.table.currentItemChanged.connect(lambda *_: self._selection_changed())
        list_label.setBuddy(self.table)

        self.check_button = QPushButton("&Controleren")
        self.check_button.setToolTip(
            "Controleer of de gekozen back-up volledig is en opent met de sleutel van deze opslag."
        )
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.check_selected)
        self.other_button = QPushButton("Ander &bestand kiezen…")
        self.other_button.setAutoDefault(False)
        self.other_button.clicked.connect(self.choose_other_file)
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addWidget(self.other_button)
        row.addStretch(1)

        self.explain_label = QLabel()
        self.explain_label.setWordWrap(True)
        self.explain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("&Terugzetten…")
        self.restore_button.setDefault(True)
        self.cancel_button = QPushButton("Annuleren")
        self.cancel_button.setAutoDefault(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.confirm_restore)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(list_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message_label)
        layout.addWidget(self.explain_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self._selection_changed()
        self.load()

    # The list ------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the backup folder (and what the log knows about it) in the background."""
        StoreOp(self, self._store, autobackup.list_backups).key("list").success(
            self._show_backups
        ).failure(self._show_error).run()

    def _show_backups(self, found: list[BackupFile]) -> None:
        current = self.selected_path()
        self.table.clear()
        for item_data in found:
            item = QTreeWidgetItem(
                [
                    f"{item_data.made:%d-%m-%Y}",
                    f"{item_data.made:%H:%M}",
                    size_text(item_data.size),
                    CHECKED if item_data.verified else UNCHECKED,
                ]
            )
            item.setData(0, _PATH_ROLE, (str(item_data.path), item_data.made))
            for column in range(len(COLUMNS)):
                item.setToolTip(column, str(item_data.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.addTopLevelItem(item)
        if not found:
            self._show_note(NO_BACKUPS)
        chosen = next(
            (
                self.table.topLevelItem(i)
                for i in range(self.table.topLevelItemCount())
                if current is not None
                and self._item_source(self.table.topLevelItem(i))[0] == current
            ),
            self.table.topLevelItem(0),
        )
        if chosen is not None and self._other is None:
            self.table.setCurrentItem(chosen)
        self._selection_changed()
        self.loaded.emit()

    def rows(self) -> list[tuple[str, ...]]:
        """What the list shows, row by row (for tests and the screen reader's sake alike)."""
        return [
            tuple(item.text(c) for c in range(len(COLUMNS)))
            for i in range(self.table.topLevelItemCount())
            if (item := self.table.topLevelItem(i)) is not None
        ]

    @staticmethod
    def _item_source(item: QTreeWidgetItem | None) -> tuple[Path | None, datetime | None]:
        if item is None:
            return None, None
        data = item.data(0, _PATH_ROLE)
        return Path(data[0]), data[1]

    def selected_path(self) -> Path | None:
        """The automatic backup selected in the list."""
        return self._item_source(self.table.currentItem())[0]

    def source(self) -> tuple[Path, datetime] | None:
        """The backup that would be put back: a file chosen by hand, or the selected one."""
        if self._other is not None:
            return self._other
        path, made = self._item_source(self.table.currentItem())
        return None if path is None or made is None else (path, made)

    def _selection_changed(self) -> None:
        if self.table.currentItem() is not None:
            self._other = None
        source = self.source()
        self.restore_button.setEnabled(source is not None)
        self.check_button.setEnabled(self.table.currentItem() is not None and self._other is None)
        if source is None:
            self.explain_label.setText(
                "Kies een back-up; hier staat dan wat er met de huidige opslag gebeurt."
            )
        else:
            self.explain_label.setText(what_happens(self._store.path, *source))

    # Checking, another file ----------------------------------------------------------------

    def check_selected(self) -> None:
        """Check the selected backup as a new automatic one is checked (on the worker)."""
        path = self.selected_path()
        if path is None:
            return
        self.check_button.setEnabled(False)
        StoreOp(self, self._store, lambda s: autobackup.check_backup(s, path)).with_progress(
            TITLE, f"De back-up {path.name} wordt gecontroleerd…"
        ).success(lambda _none: self._checked(path)).failure(self._check_failed).finished(
            self.checked.emit
        ).run()

    def _checked(self, path: Path) -> None:
        self._show_note(f"De back-up {path.name} is in orde.")
        self.load()

    def _check_failed(self, exc: CasusoverlegError) -> None:
        self._show_error(exc)
        self._selection_changed()

    def choose_other_file(self) -> None:
        """Pick a backup file outside the list (one made with "Back-up maken…")."""
        chosen = dialogs.ask_open_file(
            self, "Back-up kiezen om terug te zetten", BACKUP_FILTER, str(self._store.path.parent)
        )
        if chosen is None:
            return
        Op(self, lambda: backup.read_info(chosen)).success(
            lambda info: self._other_chosen(chosen, info)
        ).failure(self._show_error).run()

    def _other_chosen(self, path: Path, info: BackupInfo) -> None:
        self.table.setCurrentIndex(QModelIndex())
        self.table.clearSelection()
        self._other = (path, info.created.astimezone().replace(tzinfo=None))
        note = f"Gekozen: {path.name}."
        if info.store_id != self._store.key_file.store_id:
            note += " Let op: deze back-up is van een andere opslag; u wordt gevraagd of dat klopt."
        self._show_note(note)
        self._selection_changed()

    # Saying yes ----------------------------------------------------------------------------

    def confirm_restore(self) -> None:
        """Ask once more, with what happens, and accept with the chosen backup."""
        source = self.source()
        if source is None:
            return
        if not dialogs.confirm(
            self,
            TITLE,
            f"De back-up van {when_text(source[1])} terugzetten?",
            "Vergrendelen en terugzetten",
            detail=what_happens(self._store.path, *source),
        ):
            return
        self.chosen = source
        self.accept()

    def _show_note(self, text: str) -> None:
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)
        self.message_label.show()

    def _show_error(self, exc: CasusoverlegError) -> None:
        self.message_label.setStyleSheet(style.ERROR_STYLE)
        self.message_label.setText(exc.message)
        self.message_label.show()
