"""The unlock dialog: account and passphrase; the key derivation runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
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

from casusoverleg.errors import CasusoverlegError, WrongKey
from casusoverleg.services import accounts
from casusoverleg.services.store import Store

from ui import tasks

WRONG_KEY_MESSAGE = "Onbekend account of onjuist wachtwoord."
BUSY_UNLOCKING = "Bezig met ontgrendelen…"

Unlocker = Callable[[Path, str, str], Store]


class UnlockDialog(QDialog):
    """Asks for account and passphrase and opens the store; `store` holds it after accept."""

    def __init__(
        self,
        store_path: Path,
        *,
        account: str = "",
        prepare: Callable[[], object] | None = None,
        preparing_text: str = "Even geduld…",
        hint: str = "",
        unlock: Unlocker = accounts.unlock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = store_path
        self._unlock = unlock
        self._store: Store | None = None
        self._busy = False
        self._ready = prepare is None

        self.setWindowTitle("Casusoverleg ontgrendelen")
        self.setModal(True)

        title = QLabel("Casusoverleg")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(hint or "Geef uw account en wachtwoord om de opslag te openen.")
        intro.setWordWrap(True)
        where = QLabel(f"Opslag: {store_path}")
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
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

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

        buttons = QDialogButtonBox()
        self.unlock_button = QPushButton("Ontgrendelen")
        self.unlock_button.setDefault(True)
        self.cancel_button = QPushButton("Annuleren")
        self.cancel_button.setAutoDefault(False)
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy_row)
        layout.addWidget(where)
        layout.addSpacing(4)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 68)

        (self.passphrase_edit if account else self.account_edit).setFocus()
        if prepare is not None:
            self._set_busy(preparing_text)
            tasks.run_in_background(prepare, self._prepared, self._prepare_failed)

    @property
    def store(self) -> Store | None:
        """The unlocked store once the dialog is accepted."""
        return self._store

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
            self._show_message("Vul uw account in.", self.account_edit)
            return
        if not passphrase:
            self._show_message("Vul uw wachtwoord in.", self.passphrase_edit)
            return
        self._set_busy(BUSY_UNLOCKING)
        path, unlock = self._path, self._unlock
        tasks.run_in_background(
            lambda: unlock(path, account, passphrase), self._unlocked, self._unlock_failed
        )

    def reject(self) -> None:
        """Cancel, but not while a step is under way (it takes a moment and must finish)."""
        if not self._busy:
            super().reject()

    def _set_busy(self, text: str) -> None:
        self._busy = True
        self.message_label.hide()
        self.busy_label.setText(text)
        self.busy_row.show()
        for widget in (self.account_edit, self.passphrase_edit, self.unlock_button):
            widget.setEnabled(False)
        self.cancel_button.setEnabled(False)

    def _set_idle(self) -> None:
        self._busy = False
        self.busy_row.hide()
        for widget in (self.account_edit, self.passphrase_edit, self.cancel_button):
            widget.setEnabled(True)
        self.unlock_button.setEnabled(self._ready)

    def _show_message(self, text: str, focus: QLineEdit | None = None) -> None:
        self.message_label.setText(text)
        self.message_label.show()
        if focus is not None:
            focus.setFocus()

    def _prepared(self, _result: object) -> None:
        self._ready = True
        self._set_idle()
        target = self.passphrase_edit if self.account_edit.text() else self.account_edit
        target.setFocus()

    def _prepare_failed(self, exc: BaseException) -> None:
        self._set_idle()
        for widget in (self.account_edit, self.passphrase_edit):
            widget.setEnabled(False)
        if not isinstance(exc, CasusoverlegError):
            self._show_message("Het voorbereiden is mislukt door een onverwachte fout.")
            raise exc
        self._show_message(exc.message)

    def _unlocked(self, store: Store) -> None:
        self._set_idle()
        self.passphrase_edit.clear()
        self._store = store
        self.accept()

    def _unlock_failed(self, exc: BaseException) -> None:
        self._set_idle()
        if isinstance(exc, WrongKey):
            self.passphrase_edit.clear()
            self._show_message(WRONG_KEY_MESSAGE, self.passphrase_edit)
        elif isinstance(exc, CasusoverlegError):
            # StoreInUse, DamagedStore, NewerStore, StoreNotFound: their own Dutch sentence.
            self._show_message(exc.message, self.passphrase_edit)
        else:
            self._show_message("Ontgrendelen is mislukt door een onverwachte fout.")
            raise exc
