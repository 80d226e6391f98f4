"""The unlock dialog: account and passphrase; the key derivation runs off the GUI thread.

When the store cannot be opened (in use, damaged, newer version, not there) the dialog says why
and offers a way forward: open another store, or restore a backup over a damaged one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import (
    CasusoverlegError,
    DamagedStore,
    NewerStore,
    StoreInUse,
    StoreNotFound,
    TooManyAttempts,
    WrongKey,
)

from ui import dialogs, style
from ui.ops import Op
from ui.widgets.heading import Heading

# The store layer (SQLAlchemy, SQLCipher, the services) is imported when the dialog first needs
# it, not when it is shown: the window's start waits for nothing but Qt (issue 14).
if TYPE_CHECKING:
    from casusoverleg.services.backup import BackupInfo, RestoreResult
    from casusoverleg.services.store import Store

    Unlocker = Callable[[Path, str, str], Store]


WRONG_KEY_MESSAGE = "Onbekend account of onjuist wachtwoord."
BUSY_UNLOCKING = "Bezig met ontgrendelen…"
BUSY_RESTORING = "De back-up wordt gecontroleerd en teruggezet…"
STORE_FILTER = "Casusoverleg-opslag (*.db);;Alle bestanden (*)"
BACKUP_FILTER = "Back-up van Casusoverleg (*.zip);;Alle bestanden (*)"

# What the user can do next, after the core's own sentence about what is wrong.
WAY_FORWARD = {
    StoreInUse: (
        "Sluit Casusoverleg op de andere plek af en probeer het dan opnieuw, of open een "
        "andere opslag."
    ),
    DamagedStore: (
        "Zet een back-up terug (de beschadigde opslag blijft ernaast bewaard) of open een "
        "andere opslag."
    ),
    NewerStore: ("Werk Casusoverleg bij naar de nieuwste versie, of open een andere opslag."),
    StoreNotFound: "Open de opslag op de plek waar hij staat.",
}


def _unlock_store(path: Path, account: str, passphrase: str) -> Store:
    from casusoverleg.services import accounts

    return accounts.unlock(path, account, passphrase)


class UnlockDialog(QDialog):
    """Asks for account and passphrase and opens the store; `store` holds it after accept.

    With `server` (a PostgreSQL address) it opens the shared store there; what only a file
    has (restoring a backup first, the recovery key, another file) is left out, and
    "Andere opslag kiezen" (`choose_other`) lets the app start the store choice again."""

    choose_other = Signal()

    def __init__(
        self,
        store_path: Path,
        *,
        account: str = "",
        prepare: Callable[[], object] | None = None,
        preparing_text: str = "Even geduld…",
        hint: str = "",
        unlock: Unlocker | None = None,
        server: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = store_path
        self.server = server
        if server and unlock is None:
            from ui.server_store import server_unlocker

            unlock = server_unlocker(server)
        self._unlock = unlock or _unlock_store
        self._store: Store | None = None
        self._busy = False
        self._ready = prepare is None
        self._restore_from: Path | None = None
        self._restore_other = False  # the user agreed to put back a backup of another store
        self.restored: RestoreResult | None = None

        self.setWindowTitle("Casusoverleg ontgrendelen")
        self.setModal(True)

        title = Heading("Casusoverleg")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.intro_label = intro = QLabel(
            hint or "Geef uw account en wachtwoord om de opslag te openen."
        )
        intro.setWordWrap(True)
        self.where_label = where = QLabel(
            f"Gedeelde opslag op {_shown(server)}" if server else f"Opslag: {store_path}"
        )
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        palette = where.palette()  # greyed: information, not a field
        palette.setColor(
            QPalette.ColorRole.WindowText,
            palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
        )
        where.setPalette(palette)

        self.account_edit = QLineEdit(account)
        self.account_edit.setMaxLength(80)
        self.account_edit.setAccessibleName("Account")
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("Wachtwoord")
        form = QFormLayout()
        form.addRow("&Account:", self.account_edit)
        form.addRow("&Wachtwoord:", self.passphrase_edit)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(style.ERROR_STYLE)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        self.restore_button = QPushButton("Back-up &terugzetten…")
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(self.choose_backup)
        self.other_store_button = QPushButton("Andere &opslag openen…")
        self.other_store_button.setAutoDefault(False)
        self.other_store_button.clicked.connect(self.choose_other_store)
        ways = QHBoxLayout()
        ways.setContentsMargins(0, 0, 0, 0)
        ways.addWidget(self.restore_button)
        ways.addWidget(self.other_store_button)
        ways.addStretch(1)
        self.ways_row = QWidget()
        self.ways_row.setLayout(ways)
        self.ways_row.hide()

        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # no steps to count: a moving bar says "working"
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 2)
        self.busy_label = QLabel()
        busy = QHBoxLayout()
        busy.addWidget(self.busy_label)
        busy.addWidget(self.busy_bar, 1)
        self.busy_row = QWidget()
        self.busy_row.setLayout(busy)
        busy.setContentsMargins(0, 0, 0, 0)
        # Keep the row's height when hidden, so the dialog does not jump.
        policy = self.busy_row.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.busy_row.setSizePolicy(policy)
        self.busy_row.hide()

        # Passphrase forgotten: the recovery key opens the store and sets a new one.
        self.recovery_button = QPushButton("Wachtwoord vergeten? Met &herstelsleutel…")
        self.recovery_button.setAutoDefault(False)
        self.recovery_button.clicked.connect(self.unlock_with_recovery_key)
        self.recovery_dialog: QDialog | None = None
        self.choose_other_button = QPushButton("Andere opslag &kiezen…")
        self.choose_other_button.setAutoDefault(False)
        self.choose_other_button.setToolTip("Terug naar de keuze tussen eigen en gedeelde opslag.")
        self.choose_other_button.clicked.connect(self._choose_other)
        self.recovery_button.setVisible(not server)
        self.choose_other_button.setVisible(bool(server))
        self.first_passphrase_dialog: QDialog | None = None

        buttons = QDialogButtonBox()
        self.unlock_button = QPushButton("Ontgrendelen")
        self.unlock_button.setDefault(True)
        self.cancel_button = QPushButton("Annuleren")
        self.cancel_button.setAutoDefault(False)
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        # Enter in a field always unlocks, even when a clicked button took the default role
        # away from "Ontgrendelen" (a second call while busy does nothing).
        self.account_edit.returnPressed.connect(self.submit)
        self.passphrase_edit.returnPressed.connect(self.submit)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.ways_row)
        layout.addWidget(self.busy_row)
        layout.addWidget(where)
        layout.addSpacing(4)
        layout.addWidget(self.recovery_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.choose_other_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 68)

        (self.passphrase_edit if account else self.account_edit).setFocus()
        if prepare is not None:
            self._set_busy(preparing_text)
            Op(self, prepare).success(self._prepared).failure(self._show_prepare_error).finished(
                self._prepare_ended
            ).run()

    @property
    def store(self) -> Store | None:
        """The unlocked store once the dialog is accepted."""
        return self._store

    @property
    def store_path(self) -> Path:
        """The store this dialog opens (another one if the user chose so)."""
        return self._path

    @property
    def busy(self) -> bool:
        """True while preparing or unlocking in the background."""
        return self._busy

    def submit(self) -> None:
        """Check the fields and unlock in the background (Enter or "Ontgrendelen")."""
        if self._busy or not self._ready:
            return
        account = self.account_edit.text().strip()
        passphrase = self.passphrase_edit.text()
        if not account:
            self._show_error("Vul uw account in.", self.account_edit)
            return
        if not passphrase:
            self._show_error("Vul uw wachtwoord in.", self.passphrase_edit)
            return
        path, unlock, source = self._path, self._unlock, self._restore_from
        other_store = self._restore_other
        if source is not None:
            self._set_busy(BUSY_RESTORING)

            server = self.server

            def restore_and_unlock() -> tuple[RestoreResult, Store | None]:
                from casusoverleg.services import backup

                if server:
                    from casusoverleg.services import server_backup

                    result = server_backup.restore_to_server(
                        source, server, account, passphrase, other_store=other_store
                    )
                elif other_store:
                    result = backup.restore(source, path, account, passphrase, other_store=True)
                else:
                    result = backup.restore(source, path, account, passphrase)
                try:
                    return result, unlock(path, account, passphrase)
                except WrongKey:
                    if not result.rekeyed:
                        raise
                    # The backup opened with the passphrase of then; today's key file wants
                    # today's (changed since). The restore is done: only unlocking is left.
                    return result, None

            Op(self, restore_and_unlock).success(self._restored).failure(
                self._unlock_failed
            ).finished(self._step_ended).dropped(_lock_restored).run()
            return
        self._set_busy(BUSY_UNLOCKING)

        def open_and_check() -> tuple[Store, bool]:
            from casusoverleg.services import accounts

            store = unlock(path, account, passphrase)
            try:
                return store, accounts.must_change_passphrase(store)
            except BaseException:
                accounts.lock(store)
                raise

        Op(self, open_and_check).success(
            lambda found: self._opened(found[0], found[1], passphrase)
        ).failure(self._unlock_failed).finished(self._step_ended).dropped(
            lambda found: _lock(found[0])
        ).run()

    def _opened(self, store: Store, must_change: bool, passphrase: str) -> None:
        """Unlocked; with a one-time passphrase the user first chooses their own."""
        if not must_change:
            self._unlocked(store)
            return
        from ui.accounts_view import ChangePassphraseDialog

        self._set_idle()
        self.passphrase_edit.clear()
        dialog = ChangePassphraseDialog(
            store, first_time=True, old_passphrase=passphrase, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._unlocked(store))
        dialog.rejected.connect(lambda: self._first_passphrase_refused(store))
        self.first_passphrase_dialog = dialog
        dialog.open()

    def _first_passphrase_refused(self, store: Store) -> None:
        _lock(store)
        self._show_error(
            "De opslag is weer vergrendeld: kies bij het ontgrendelen eerst een eigen "
            "wachtwoord; dat moet na een eenmalig wachtwoord of eenmalige code.",
            self.passphrase_edit,
        )

    def unlock_with_recovery_key(self) -> None:
        """Open the recovery-key dialog; it unlocks and sets a new passphrase."""
        from ui.accounts_view import RecoveryUnlockDialog

        if self._busy or not self._ready:
            return
        dialog = RecoveryUnlockDialog(self._path, self.account_edit.text().strip(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._recovered(dialog.store))
        self.recovery_dialog = dialog
        dialog.open()

    def _recovered(self, store: Store | None) -> None:
        if store is not None:
            self._unlocked(store)

    def _choose_other(self) -> None:
        if not self._busy:
            self.choose_other.emit()
            self.reject()

    def choose_other_store(self) -> None:
        """Pick another store file to open (a store in use, damaged, or in another place)."""
        if self._busy:
            return
        chosen = dialogs.ask_open_file(
            self, "Andere opslag openen", STORE_FILTER, str(self._path.parent)
        )
        if chosen is None:
            return
        self._path = chosen
        self._restore_from = None
        self._restore_other = False
        self.where_label.setText(f"Opslag: {chosen}")
        self.unlock_button.setText("Ontgrendelen")
        self.ways_row.hide()
        self._show_message(f"Gekozen: {chosen.name}. Geef uw account en wachtwoord.")
        self.message_label.setStyleSheet("")
        self._focus_empty_field()

    def choose_backup(self) -> None:
        """Pick a backup to put in place of the damaged store, then ask for its passphrase."""
        if self._busy:
            return
        chosen = dialogs.ask_open_file(
            self, "Back-up kiezen om terug te zetten", BACKUP_FILTER, str(self._path.parent)
        )
        if chosen is not None:
            self.use_backup(chosen)

    def use_backup(self, chosen: Path) -> None:
        """Read a chosen backup, then ask for the passphrase to put it back (also used by the
        main window's "Back-up terugzetten…", which locks first and then opens this dialog)."""
        if self._busy:
            return
        self._set_busy("De back-up wordt gelezen…")
        path = self._path

        def read() -> tuple[BackupInfo, str | None]:
            from casusoverleg.services import backup

            return backup.read_info(chosen), backup.current_store_id(path)

        Op(self, read).success(lambda found: self._backup_chosen(chosen, *found)).failure(
            self._backup_failed
        ).finished(self._step_ended).run()

    def _backup_chosen(self, source: Path, info: BackupInfo, current_id: str | None) -> None:
        self._set_idle()
        other = current_id is not None and current_id != info.store_id
        if other and not dialogs.confirm(
            self,
            "Back-up van een andere opslag",
            f"De back-up {source.name} is van een andere opslag (kenmerk {info.store_id[:8]}) "
            f"dan {self._path.name} (kenmerk {(current_id or '')[:8]}). Wilt u die andere "
            "opslag hier terugzetten? Dan gelden de accounts en wachtwoorden uit de back-up; "
            "de huidige opslag blijft ernaast bewaard.",
            "Toch terugzetten",
        ):
            self._show_message("Er is niets teruggezet. Kies een andere back-up of opslag.")
            self.message_label.setStyleSheet("")
            self.ways_row.show()
            return
        self._restore_from = source
        self._restore_other = other
        self.ways_row.hide()
        self.unlock_button.setText("Terugzetten en openen")
        self.message_label.setStyleSheet("")
        where = (
            "de gedeelde opslag; wat daar nu staat, wordt eerst als back-up op deze computer "
            "bewaard"
            if self.server
            else f"{self._path.name}; de huidige opslag blijft ernaast bewaard"
        )
        self._show_message(
            f"Back-up {source.name} van {info.created.astimezone():%d-%m-%Y %H:%M} wordt "
            f"teruggezet op {where}. "
            "Geef account en wachtwoord zoals ze waren toen de back-up werd gemaakt."
        )
        self.passphrase_edit.clear()
        self._focus_empty_field()

    def _focus_empty_field(self) -> None:
        target = self.passphrase_edit if self.account_edit.text() else self.account_edit
        target.setFocus()

    def reject(self) -> None:
        """Cancel, but not while a step is under way (it takes a moment and must finish)."""
        if not self._busy:
            super().reject()

    def _set_busy(self, text: str) -> None:
        self._busy = True
        self.message_label.hide()
        self.busy_label.setText(text)
        self.busy_row.show()
        for widget in (
            self.account_edit,
            self.passphrase_edit,
            self.unlock_button,
            self.cancel_button,
            self.ways_row,
            self.recovery_button,
            self.choose_other_button,
        ):
            widget.setEnabled(False)

    def _set_idle(self) -> None:
        self._busy = False
        self.busy_row.hide()
        for widget in (
            self.account_edit,
            self.passphrase_edit,
            self.cancel_button,
            self.ways_row,
            self.recovery_button,
            self.choose_other_button,
        ):
            widget.setEnabled(True)
        self.unlock_button.setEnabled(self._ready)

    def _show_message(self, text: str, focus: QLineEdit | None = None) -> None:
        self.message_label.setText(text)
        self.message_label.show()
        if focus is not None:
            focus.setFocus()
        # Grow to the wrapped message (and the buttons shown with it) once the layout settled.
        QTimer.singleShot(0, self.adjustSize)

    def _show_error(self, text: str, focus: QLineEdit | None = None) -> None:
        self.message_label.setStyleSheet(style.ERROR_STYLE)
        self._show_message(text, focus)

    def _prepared(self, _result: object) -> None:
        self._ready = True

    def _show_prepare_error(self, exc: CasusoverlegError) -> None:
        self._show_error(exc.message)

    def _prepare_ended(self) -> None:
        self._set_idle()
        if self._ready:
            self._focus_empty_field()
        else:
            # Nothing to unlock: only "Annuleren" is left.
            for widget in (self.account_edit, self.passphrase_edit):
                widget.setEnabled(False)

    def _step_ended(self) -> None:
        # After success or a Dutch error the handlers have set the dialog at rest already;
        # after an unexpected error (the app's crash dialog says so) it must be usable again.
        if self._busy:
            self._set_idle()

    def _unlocked(self, store: Store) -> None:
        self._set_idle()
        self.passphrase_edit.clear()
        self._store = store
        self.accept()

    def _restored(self, outcome: tuple[RestoreResult, Store | None]) -> None:
        self.restored, store = outcome
        self._restore_from = None
        self._restore_other = False
        from casusoverleg.services import backup

        lines = backup.restore_lines(self.restored)
        if store is None:
            self._set_idle()
            self.unlock_button.setText("Ontgrendelen")
            self.passphrase_edit.clear()
            self._show_message(
                "De back-up is teruggezet. Uw wachtwoord is veranderd sinds die back-up: geef "
                "nu uw huidige wachtwoord.\n\n" + "\n".join(lines),
                self.passphrase_edit,
            )
            self.message_label.setStyleSheet("")
            return
        if self.restored.gone_accounts:
            # Who lost access is worth a moment of attention before the window opens.
            dialogs.inform(self, "Back-up teruggezet", "\n\n".join(lines))
        self._unlocked(store)

    def _unlock_failed(self, exc: CasusoverlegError) -> None:
        self._set_idle()
        self.ways_row.hide()
        if isinstance(exc, TooManyAttempts):
            # The core's sentence says how long to wait (back-off after wrong passphrases).
            self.passphrase_edit.clear()
            self._show_error(exc.message, self.passphrase_edit)
        elif isinstance(exc, WrongKey):
            self.passphrase_edit.clear()
            # A restore may say more: the account was removed after the backup was made.
            restoring = self._restore_from is not None
            self._show_error(exc.message if restoring else WRONG_KEY_MESSAGE, self.passphrase_edit)
        elif self._restore_from is not None:
            self._backup_failed(exc)
        else:
            # StoreInUse, DamagedStore, NewerStore, StoreNotFound: the core's own Dutch
            # sentence, then what the user can do about it.
            way = next((w for kind, w in WAY_FORWARD.items() if isinstance(exc, kind)), "")
            if self.server:  # no file to restore or to choose instead
                way = ""
            self._show_error(exc.message + (f"\n\n{way}" if way else ""), self.passphrase_edit)
            if way:
                self.restore_button.setVisible(isinstance(exc, DamagedStore))
                self.ways_row.show()

    def _backup_failed(self, exc: CasusoverlegError) -> None:
        """A backup that cannot be read or restored: say why; another backup may do."""
        self._set_idle()
        self._restore_from = None
        self._restore_other = False
        self.unlock_button.setText("Ontgrendelen")
        self._show_error(exc.message + "\n\nKies een andere back-up of open een andere opslag.")
        self.restore_button.show()
        self.ways_row.show()


def _shown(url: str) -> str:
    from ui.server_store import shown_address

    return shown_address(url)


def _lock_restored(outcome: tuple[RestoreResult, Store | None]) -> None:
    """Close the store a dialog that went away had opened after a restore."""
    if outcome[1] is not None:
        _lock(outcome[1])


def _lock(store: Store) -> None:
    from casusoverleg.services import accounts

    accounts.lock(store)
