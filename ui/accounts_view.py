"""Instellingen → Accounts: who can unlock the store, adding and removing colleagues, passphrases.

A beheerder adds a colleague with a one-time code (made here, passed on in person) or a one-time
passphrase; the colleague chooses their own at the first unlock (`ChangePassphraseDialog` with
`first_time`). Removing an account gives the store a new key (re-encryption on the worker, with
a busy bar). Everyone can change their own passphrase; a lid sees the beheer buttons disabled.
The recovery key is used from the unlock dialog (`RecoveryUnlockDialog`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError, WrongKey
from casusoverleg.services import accounts
from casusoverleg.services.accounts import AccountInfo
from casusoverleg.services.store import Store

from ui import dialogs, ops, style
from ui.ops import Change, Counter, Op, StoreOp
from ui.widgets.heading import Heading
from ui.widgets.tables import read_only_table_widget

COLUMNS = ("Naam", "Weergavenaam", "Rol", "Aangemaakt", "Laatst ontgrendeld")
LID_NOTE = (
    "Alleen een beheerder kan collega's toevoegen of verwijderen. U kunt de lijst inzien en uw "
    "eigen wachtwoord wijzigen."
)
MISMATCH = "De twee nieuwe wachtwoorden zijn niet gelijk."
TOO_SHORT = f"Kies een wachtwoord van minstens {accounts.MIN_PASSPHRASE_LENGTH} tekens."


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


def _check_new(new: str, repeat: str) -> str:
    """What is wrong with a new passphrase and its repetition ("" if nothing)."""
    if len(new) < accounts.MIN_PASSPHRASE_LENGTH:
        return TOO_SHORT
    if new != repeat:
        return MISMATCH
    return ""


class AddAccountDialog(QDialog):
    """Name, display name, role and how the first passphrase is given; `choice()` after accept."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Collega toevoegen")
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(80)
        self.name_edit.setAccessibleName("Accountnaam")
        self.display_edit = QLineEdit()
        self.display_edit.setMaxLength(200)
        self.display_edit.setAccessibleName("Weergavenaam")
        self.beheerder_check = QCheckBox("Ook &beheerder (accounts, bewaartermijn, instellingen)")
        self.code_radio = QRadioButton("Eenmalige &code laten maken (geeft u persoonlijk door)")
        self.passphrase_radio = QRadioButton("Eenmalig &wachtwoord instellen")
        self.code_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.code_radio)
        group.addButton(self.passphrase_radio)
        self.passphrase_edit = _password_edit("Eenmalig wachtwoord")
        self.repeat_edit = _password_edit("Eenmalig wachtwoord herhalen")
        self.passphrase_radio.toggled.connect(self._update_fields)

        form = QFormLayout()
        form.addRow("&Accountnaam:", self.name_edit)
        form.addRow("Weer&gavenaam:", self.display_edit)
        form.addRow("", self.beheerder_check)
        form.addRow("", self.code_radio)
        form.addRow("", self.passphrase_radio)
        form.addRow("Wachtwoo&rd:", self.passphrase_edit)
        form.addRow("&Herhalen:", self.repeat_edit)
        note = QLabel(
            "De collega kiest bij de eerste keer ontgrendelen een eigen wachtwoord; pas daarna "
            "kan hij of zij verder."
        )
        note.setWordWrap(True)
        frame = dialogs.form_dialog(self, [form, note], "&Toevoegen", on_ok=self.submit)
        self._frame = frame
        self.ok_button, self.error_label = frame.ok_button, frame.error_label
        self._update_fields()
        self.name_edit.setFocus()

    def _update_fields(self) -> None:
        own = self.passphrase_radio.isChecked()
        self.passphrase_edit.setEnabled(own)
        self.repeat_edit.setEnabled(own)

    def submit(self) -> None:
        """Check the fields, then accept."""
        if not self.name_edit.text().strip():
            self._frame.say_error("Vul een accountnaam in.", self.name_edit)
            return
        if self.passphrase_radio.isChecked():
            wrong = _check_new(self.passphrase_edit.text(), self.repeat_edit.text())
            if wrong:
                self._frame.say_error(wrong, self.passphrase_edit)
                return
        self.accept()

    def passphrase(self) -> str:
        """The one-time passphrase typed, or "" when a code is to be made."""
        return self.passphrase_edit.text() if self.passphrase_radio.isChecked() else ""


class OneTimeCodeDialog(QDialog):
    """Shows a one-time code once, to pass on in person."""

    def __init__(self, account: str, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Eenmalige code")
        intro = QLabel(
            f"Het account '{account}' is toegevoegd. Geef deze eenmalige code persoonlijk door "
            "(niet per e-mail). Hij wordt maar één keer getoond; bij de eerste keer ontgrendelen "
            "kiest de collega een eigen wachtwoord."
        )
        intro.setWordWrap(True)
        self.code_label = QLabel(code)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(self.font().pointSizeF() * 1.5)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAccessibleName(f"Eenmalige code: {code}")
        buttons = QDialogButtonBox()
        buttons.addButton("Ik heb de code &genoteerd", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code_label)
        layout.addWidget(buttons)


class ChangePassphraseDialog(QDialog):
    """Change the passphrase of the account that opened `store` (on the worker).

    With `first_time` (a one-time passphrase, already typed at the unlock) the old one is not
    asked again, and cancelling means the store is locked again by the caller.
    """

    def __init__(
        self,
        store: Store,
        *,
        first_time: bool = False,
        old_passphrase: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._first_time = first_time
        self._old = old_passphrase
        self.setWindowTitle("Kies uw eigen wachtwoord" if first_time else "Wachtwoord wijzigen")
        intro = QLabel(
            f"U bent ontgrendeld met een eenmalig wachtwoord. Kies nu een eigen wachtwoord voor "
            f"'{store.account}' (minstens {accounts.MIN_PASSPHRASE_LENGTH} tekens); pas daarna "
            "kunt u verder. Annuleren vergrendelt weer."
            if first_time
            else f"Nieuw wachtwoord voor '{store.account}' (minstens "
            f"{accounts.MIN_PASSPHRASE_LENGTH} tekens)."
        )
        intro.setWordWrap(True)
        self.old_edit = _password_edit("Huidig wachtwoord")
        self.new_edit = _password_edit("Nieuw wachtwoord")
        self.repeat_edit = _password_edit("Nieuw wachtwoord herhalen")
        form = QFormLayout()
        if not first_time:
            form.addRow("&Huidig wachtwoord:", self.old_edit)
        else:
            self.old_edit.hide()
        form.addRow("&Nieuw wachtwoord:", self.new_edit)
        form.addRow("Nieuw wachtwoord he&rhalen:", self.repeat_edit)
        frame = dialogs.form_dialog(
            self,
            [intro, form],
            "&Wachtwoord instellen",
            on_ok=self.submit,
            busy_text="Het wachtwoord wordt ingesteld…",
        )
        self._frame = frame
        self.ok_button, self.cancel_button = frame.ok_button, frame.cancel_button
        self.error_label, self.busy_label = frame.error_label, frame.busy_label
        (self.new_edit if first_time else self.old_edit).setFocus()
        self._busy = False

    def submit(self) -> None:
        """Check the fields and change the passphrase in the background."""
        if self._busy:
            return
        old = self._old if self._first_time else self.old_edit.text()
        new = self.new_edit.text()
        if not self._first_time and not old:
            self._frame.say_error("Vul uw huidige wachtwoord in.", self.old_edit)
            return
        wrong = _check_new(new, self.repeat_edit.text())
        if wrong:
            self._frame.say_error(wrong, self.new_edit)
            return
        if new == old:
            self._frame.say_error("Kies een ander wachtwoord dan het huidige.", self.new_edit)
            return
        self._set_busy(True)
        store = self._store
        StoreOp(self, store, lambda s: accounts.change_passphrase(s, s.account, old, new)).success(
            lambda _r: self.accept()
        ).failure(self._failed).finished(lambda: self._set_busy(False)).changes(
            Change.ACCOUNTS
        ).run()

    def _failed(self, exc: CasusoverlegError) -> None:
        if isinstance(exc, WrongKey):
            self.old_edit.clear()
            self._frame.say_error("Het huidige wachtwoord klopt niet.", self.old_edit)
        else:
            self._frame.say_error(exc.message, self.new_edit)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_label.setVisible(busy)
        for widget in (self.old_edit, self.new_edit, self.repeat_edit, self.ok_button):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)

    def reject(self) -> None:
        """Cancel, but not while the change is under way."""
        if not self._busy:
            super().reject()


class RecoveryUnlockDialog(QDialog):
    """Unlock with the printed recovery key and give an account a new passphrase.

    On success `store` holds the store, opened by that account with its new passphrase.
    """

    def __init__(self, store_path: Path, account: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path = store_path
        self._busy = False
        self.store: Store | None = None
        self.setWindowTitle("Ontgrendelen met de herstelsleutel")
        intro = QLabel(
            "Wachtwoord vergeten? Typ de herstelsleutel die bij het aanmaken van de opslag is "
            "afgedrukt, en kies een nieuw wachtwoord voor uw account. Het gebruik van de "
            "herstelsleutel komt in het logboek."
        )
        intro.setWordWrap(True)
        self.key_edit = QLineEdit()
        self.key_edit.setAccessibleName("Herstelsleutel")
        self.key_edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        # The whole key in view while it is typed over from paper.
        key_width = self.key_edit.fontMetrics().horizontalAdvance(self.key_edit.placeholderText())
        self.key_edit.setMinimumWidth(key_width + 24)
        self.account_edit = QLineEdit(account)
        self.account_edit.setMaxLength(80)
        self.account_edit.setAccessibleName("Account")
        self.new_edit = _password_edit("Nieuw wachtwoord")
        self.repeat_edit = _password_edit("Nieuw wachtwoord herhalen")
        form = QFormLayout()
        form.addRow("&Herstelsleutel:", self.key_edit)
        form.addRow("&Account:", self.account_edit)
        form.addRow("&Nieuw wachtwoord:", self.new_edit)
        form.addRow("Nieuw wachtwoord h&erhalen:", self.repeat_edit)
        frame = dialogs.form_dialog(
            self,
            [intro, form],
            "Ontgrendelen en &instellen",
            on_ok=self.submit,
            busy_text="Bezig met ontgrendelen en het wachtwoord instellen…",
            width_chars=64,
        )
        self._frame = frame
        self.ok_button, self.cancel_button = frame.ok_button, frame.cancel_button
        self.error_label, self.busy_label = frame.error_label, frame.busy_label
        self.key_edit.setFocus()

    def submit(self) -> None:
        """Check the fields, then unlock, set the passphrase and open as the account."""
        if self._busy:
            return
        key = self.key_edit.text().strip()
        account = self.account_edit.text().strip()
        new = self.new_edit.text()
        if not key:
            self._frame.say_error("Vul de herstelsleutel in.", self.key_edit)
            return
        if not account:
            self._frame.say_error(
                "Vul het account in dat een nieuw wachtwoord krijgt.", self.account_edit
            )
            return
        wrong = _check_new(new, self.repeat_edit.text())
        if wrong:
            self._frame.say_error(wrong, self.new_edit)
            return
        path = self._path

        def recover() -> Store:
            store = accounts.unlock_with_recovery(path, key)
            try:
                accounts.change_passphrase(store, account, "", new)
            finally:
                accounts.lock(store)
            return accounts.unlock(path, account, new)

        self._set_busy(True)
        Op(self, recover).success(self._done).failure(self._failed).finished(
            lambda: self._set_busy(False)
        ).dropped(accounts.lock).run()

    def _done(self, store: Store) -> None:
        self.store = store
        self.accept()

    def _failed(self, exc: CasusoverlegError) -> None:
        self._frame.say_error(exc.message, self.key_edit)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_label.setVisible(busy)
        for widget in (
            self.key_edit,
            self.account_edit,
            self.new_edit,
            self.repeat_edit,
            self.ok_button,
            self.cancel_button,
        ):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        """Cancel, but not while unlocking."""
        if not self._busy:
            super().reject()


def _when(moment: object) -> str:
    return f"{moment:%d-%m-%Y %H:%M}" if moment is not None else "nog nooit"


class AccountsView(QWidget):
    """The accounts of the open store; beheer buttons for a beheerder, own passphrase for all."""

    reload_on = Change.ACCOUNTS
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._rows: list[AccountInfo] = []
        self._beheerder = False
        self.add_dialog: AddAccountDialog | None = None
        self.code_dialog: OneTimeCodeDialog | None = None
        self.passphrase_dialog: ChangePassphraseDialog | None = None

        title = Heading("Accounts", level=2)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        title.setFont(font)
        self.table = read_only_table_widget(COLUMNS, "Accounts")
        self.table.setAccessibleName("Accounts die de opslag kunnen openen")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton("Collega &toevoegen…")
        self.add_button.clicked.connect(self.add_colleague)
        self.remove_button = QPushButton("Account &verwijderen…")
        self.remove_button.clicked.connect(self.remove_selected)
        self.passphrase_button = QPushButton("Mijn &wachtwoord wijzigen…")
        self.passphrase_button.clicked.connect(self.change_my_passphrase)
        self.role_note = QLabel(LID_NOTE)
        self.role_note.setWordWrap(True)
        self.role_note.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.passphrase_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.role_note)
        layout.addWidget(self.status_label)
        self._update_buttons()

    def load(self, store: Store) -> None:
        """Read the accounts and the role of who opened the store (in the background)."""
        self._store = store

        def read(s: Store) -> tuple[list[AccountInfo], bool]:
            return accounts.list_accounts(s), accounts.current_role(s) == accounts.ROLE_BEHEERDER

        StoreOp(self, store, read).key("load").success(self._loaded).run()

    def clear(self) -> None:
        """Forget the store (locking)."""
        ops.drop_pending(self)
        self._store = None
        self._rows = []
        self.table.setRowCount(0)
        self._update_buttons()

    def _loaded(self, found: tuple[list[AccountInfo], bool]) -> None:
        self._rows, self._beheerder = found
        self.table.setRowCount(len(self._rows))
        for row, info in enumerate(self._rows):
            values = (
                info.name,
                info.display_name,
                accounts.ROLE_LABELS.get(info.role, info.role)
                + (" (eenmalig wachtwoord)" if info.must_change_passphrase else ""),
                f"{info.created_at:%d-%m-%Y}",
                _when(info.last_unlock),
            )
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)  # no grey strip at the right
        self.role_note.setVisible(not self._beheerder)
        self._update_buttons()
        self.loaded.emit()

    def _selected(self) -> AccountInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._rows):
            return None
        return self._rows[rows[0].row()]

    def _update_buttons(self) -> None:
        open_ = self._store is not None
        self.add_button.setEnabled(open_ and self._beheerder)
        selected = self._selected()
        mine = (
            selected is not None
            and self._store is not None
            and selected.name.casefold() == self._store.account.casefold()
        )
        self.remove_button.setEnabled(open_ and self._beheerder and selected is not None)
        self.remove_button.setToolTip("U kunt uw eigen account niet verwijderen." if mine else "")
        self.passphrase_button.setEnabled(open_)

    def _say(self, text: str, ok: bool = True) -> None:
        self.status_label.setStyleSheet(style.OK_STYLE if ok else style.ERROR_STYLE)
        self.status_label.setText(text)

    def add_colleague(self) -> None:
        """Ask for the colleague's account, then add it (with a one-time code or passphrase)."""
        if self._store is None or not self._beheerder:
            return
        dialog = AddAccountDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._add(dialog))
        self.add_dialog = dialog
        dialog.open()

    def _add(self, dialog: AddAccountDialog) -> None:
        store = self._store
        if store is None:
            return
        name = dialog.name_edit.text().strip()
        display = " ".join(dialog.display_edit.text().split())
        beheerder = dialog.beheerder_check.isChecked()
        code = "" if dialog.passphrase() else accounts.new_one_time_code()
        passphrase = dialog.passphrase() or code

        def add(s: Store) -> None:
            accounts.add_account(
                s, name, passphrase, display_name=display, beheerder=beheerder, one_time=True
            )

        def added(_result: None) -> None:
            self._say(f"Account '{name}' toegevoegd.")
            if code:
                shown = OneTimeCodeDialog(name, code, self)
                shown.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                self.code_dialog = shown
                shown.open()

        StoreOp(self, store, add).success(added).failure(
            lambda exc: self._say(exc.message, ok=False)
        ).with_progress("Collega toevoegen", "Het account wordt aangemaakt…").changes(
            Change.ACCOUNTS | Change.AUDIT
        ).run()

    def remove_selected(self) -> None:
        """Remove the selected account after a confirmation; the store gets a new key."""
        store = self._store
        selected = self._selected()
        if store is None or selected is None or not self._beheerder:
            return
        if not dialogs.confirm(
            self,
            "Account verwijderen",
            f"Het account '{selected.name}' verwijderen?",
            "Account verwijderen",
            detail=(
                "De opslag krijgt een nieuwe sleutel en wordt daarmee opnieuw versleuteld; dat "
                f"kan even duren. Daarna kan '{selected.name}' de opslag niet meer "
                "ontgrendelen, ook niet met een oude kopie van het sleutelbestand. Wat deze "
                "collega heeft vastgelegd, blijft bewaard."
            ),
        ):
            return
        name = selected.name
        done = f"Account '{name}' verwijderd; de opslag heeft een nieuwe sleutel."
        # On a server store the values are sealed again in batches: the bar counts the rows.
        self.rekey_counter = counter = Counter(
            self, "De opslag krijgt een nieuwe sleutel: {done} van {total} rijen opnieuw verzegeld."
        )
        StoreOp(
            self, store, lambda s: accounts.remove_account(s, name, progress=counter.report)
        ).success(lambda _r: self._say(done)).failure(
            lambda exc: self._say(exc.message, ok=False)
        ).with_progress(
            "Account verwijderen", "De opslag krijgt een nieuwe sleutel…", counter
        ).changes(Change.ACCOUNTS | Change.AUDIT).run()

    def change_my_passphrase(self) -> None:
        """Open the dialog to change the passphrase of whoever opened the store."""
        if self._store is None:
            return
        dialog = ChangePassphraseDialog(self._store, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._say("Uw wachtwoord is gewijzigd."))
        self.passphrase_dialog = dialog
        dialog.open()


class AccountsDialog(QDialog):
    """Instellingen → Accounts, as a window of its own over the settings screen."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accounts")
        self.view = AccountsView(self)
        buttons = QDialogButtonBox()
        buttons.addButton("Sl&uiten", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 110, self.fontMetrics().height() * 24)
        ops.change_bus().did_change.connect(self._changed)
        self.view.load(store)
        self._store = store

    def _changed(self, change: object, _source: object) -> None:
        if isinstance(change, Change) and change & Change.ACCOUNTS and not self._store.closed:
            self.view.load(self._store)
