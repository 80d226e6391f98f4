"""Instellingen → Accounts (issue 13.2): add, remove, one-time passphrases, own passphrase,
the recovery key, and what a lid may do — driven as a user would, checked in the store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.errors import WrongKey
from casusoverleg.services import accounts
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store
from tests.helpers.ui import idle, screen

import ui.accounts_view
from ui.accounts_view import AccountsDialog, AccountsView, ChangePassphraseDialog
from ui.settings import LID_SETTINGS_NOTE, SettingsView
from ui.unlock import UnlockDialog

LID_PASS = "een lang wachtwoord voor het lid"
OWN = "mijn eigen gekozen wachtwoord"


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def _click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _shown_view(qtbot: QtBot, store: Store) -> AccountsView:
    view = AccountsView()
    view.show()
    with qtbot.waitSignal(view.loaded):
        view.load(store)
    return view


def _reloaded(qtbot: QtBot, view: AccountsView, store: Store) -> None:
    idle()
    with qtbot.waitSignal(view.loaded):
        view.load(store)


def _row_of(view: AccountsView, name: str) -> int:
    names = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    return names.index(name)


def _add_dialog(qtbot: QtBot, view: AccountsView, name: str) -> ui.accounts_view.AddAccountDialog:
    """Click Toevoegen… and type the colleague's account name."""
    _click(qtbot, view.add_button)
    add = view.add_dialog
    assert add is not None
    _type(qtbot, add.name_edit, name)
    return add


def _unlock_until_asked(
    qtbot: QtBot, dialog: UnlockDialog, account: str, one_time: str
) -> ChangePassphraseDialog:
    """Type an account and its one-time passphrase, press Enter: the own passphrase is asked."""
    dialog.show()
    _type(qtbot, dialog.account_edit, account)
    _type(qtbot, dialog.passphrase_edit, one_time)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.first_passphrase_dialog is not None)
    first = dialog.first_passphrase_dialog
    assert isinstance(first, ChangePassphraseDialog)
    return first


@pytest.fixture
def lid(tmp_path: Path) -> Iterator[Store]:
    """A store with a second account 'bert' (a lid), opened by bert."""
    store, _ = make_store(tmp_path)
    accounts.add_account(store, "bert", LID_PASS)
    accounts.lock(store)
    opened = accounts.unlock(store.path, "bert", LID_PASS)
    yield opened
    accounts.lock(opened)


def _first_unlock(qtbot: QtBot, path: Path, account: str, one_time: str, own: str) -> None:
    """Unlock in the unlock dialog with a one-time passphrase and choose `own` first."""
    with screen(qtbot, UnlockDialog(path)) as dialog:
        first = _unlock_until_asked(qtbot, dialog, account, one_time)
        assert dialog.store is None  # nothing else before the own passphrase
        assert not first.old_edit.isVisible()
        _type(qtbot, first.new_edit, own)
        _type(qtbot, first.repeat_edit, own)
        _click(qtbot, first.ok_button)
        qtbot.waitUntil(lambda: dialog.store is not None)
        assert dialog.result() == QDialog.DialogCode.Accepted
        store = dialog.store
        assert store is not None and store.account == account
        assert not accounts.must_change_passphrase(store)
        accounts.lock(store)


def test_a_beheerder_adds_a_colleague_with_a_code_who_chooses_a_passphrase_first(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store, _ = make_store(tmp_path)
    path = store.path
    with screen(qtbot, _shown_view(qtbot, store)) as view:
        assert view.add_button.isEnabled() and not view.role_note.isVisible()
        add = _add_dialog(qtbot, view, "fatima")
        _type(qtbot, add.display_edit, "Fatima Yilmaz")
        assert add.code_radio.isChecked() and not add.passphrase_edit.isEnabled()
        _click(qtbot, add.ok_button)
        qtbot.waitUntil(lambda: view.code_dialog is not None)
        code = view.code_dialog.code_label.text()
        assert code in view.code_dialog.code_label.accessibleName()
        view.code_dialog.accept()
        _reloaded(qtbot, view, store)
        row = _row_of(view, "fatima")
        assert view.table.item(row, 1).text() == "Fatima Yilmaz"
        assert view.table.item(row, 2).text() == "lid (eenmalig wachtwoord)"
        assert view.table.item(row, 4).text() == "nog nooit"
    accounts.lock(store)

    # The code opens the store (accounts.unlock), but the account must change first.
    opened = accounts.unlock(path, "fatima", code)
    assert accounts.must_change_passphrase(opened)
    accounts.lock(opened)
    _first_unlock(qtbot, path, "fatima", code, OWN)
    accounts.lock(accounts.unlock(path, "fatima", OWN))
    with pytest.raises(WrongKey):
        accounts.unlock(path, "fatima", code)
    boss = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        info = {a.name: a for a in accounts.list_accounts(boss)}["fatima"]
        assert not info.must_change_passphrase and info.last_unlock is not None
    finally:
        accounts.lock(boss)


def test_a_one_time_passphrase_set_by_the_beheerder_and_cancel_locks_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store, _ = make_store(tmp_path)
    path = store.path
    with screen(qtbot, _shown_view(qtbot, store)) as view:
        add = _add_dialog(qtbot, view, "bert")
        qtbot.mouseClick(add.passphrase_radio, Qt.MouseButton.LeftButton)
        assert add.passphrase_edit.isEnabled()
        _type(qtbot, add.passphrase_edit, LID_PASS)
        _type(qtbot, add.repeat_edit, "iets anders dan dat")
        _click(qtbot, add.ok_button)
        assert add.error_label.text() == ui.accounts_view.MISMATCH
        _type(qtbot, add.repeat_edit, LID_PASS)
        _click(qtbot, add.ok_button)
        idle()
        assert view.code_dialog is None
    accounts.lock(store)

    with screen(qtbot, UnlockDialog(path)) as dialog:
        first = _unlock_until_asked(qtbot, dialog, "bert", LID_PASS)
        first.reject()  # Annuleren: locked again, the store is free
        assert dialog.store is None
        assert "weer vergrendeld" in dialog.message_label.text()
    _first_unlock(qtbot, path, "bert", LID_PASS, OWN)


def test_a_removed_account_can_no_longer_unlock(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = make_store(tmp_path)
    path = store.path
    accounts.add_account(store, "bert", LID_PASS)
    asked: list[str] = []

    def confirm(_parent: object, _title: str, text: str, yes: str, **kw: str) -> bool:
        asked.append(f"{text} {kw.get('detail', '')}")
        return True

    monkeypatch.setattr(ui.accounts_view.dialogs, "confirm", confirm)
    old_key = store.key
    with screen(qtbot, _shown_view(qtbot, store)) as view:
        assert not view.remove_button.isEnabled()  # nothing selected yet
        view.table.selectRow(_row_of(view, "bert"))
        _click(qtbot, view.remove_button)
        qtbot.waitUntil(lambda: "verwijderd" in view.status_label.text())
        assert "nieuwe sleutel" in asked[0] and "niet meer" in asked[0]
        _reloaded(qtbot, view, store)
        assert view.table.rowCount() == 1
    assert store.key != old_key
    accounts.lock(store)
    with pytest.raises(WrongKey):
        accounts.unlock(path, "bert", LID_PASS)


def test_a_lid_sees_the_beheer_buttons_disabled_and_why(qtbot: QtBot, lid: Store) -> None:
    with screen(qtbot, _shown_view(qtbot, lid)) as view:
        view.table.selectRow(0)
        assert not view.add_button.isEnabled()
        assert not view.remove_button.isEnabled()
        assert view.passphrase_button.isEnabled()
        assert view.role_note.isVisible()
        assert view.role_note.text() == ui.accounts_view.LID_NOTE
        roles = {
            view.table.item(r, 0).text(): view.table.item(r, 2).text()
            for r in range(view.table.rowCount())
        }
        assert roles == {ACCOUNT: "beheerder", "bert": "lid"}


def test_change_my_passphrase_in_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    path = store.path
    with screen(qtbot, _shown_view(qtbot, store)) as view:
        _click(qtbot, view.passphrase_button)
        dialog = view.passphrase_dialog
        assert dialog is not None
        _type(qtbot, dialog.old_edit, "niet het huidige wachtwoord")
        _type(qtbot, dialog.new_edit, OWN)
        _type(qtbot, dialog.repeat_edit, OWN)
        _click(qtbot, dialog.ok_button)
        qtbot.waitUntil(lambda: dialog.error_label.isVisible())
        assert dialog.error_label.text() == "Het huidige wachtwoord klopt niet."
        _type(qtbot, dialog.old_edit, PASSPHRASE)
        with qtbot.waitSignal(dialog.accepted):
            _click(qtbot, dialog.ok_button)
        assert view.status_label.text() == "Uw wachtwoord is gewijzigd."
    accounts.lock(store)
    with pytest.raises(WrongKey):
        accounts.unlock(path, ACCOUNT, PASSPHRASE)
    accounts.lock(accounts.unlock(path, ACCOUNT, OWN))


def test_recovery_key_unlock_and_a_new_passphrase_from_the_unlock_dialog(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store, recovery = make_store(tmp_path)
    path = store.path
    accounts.lock(store)
    with screen(qtbot, UnlockDialog(path, account=ACCOUNT)) as dialog:
        dialog.show()
        _click(qtbot, dialog.recovery_button)
        qtbot.waitUntil(lambda: dialog.recovery_dialog is not None)
        rec = dialog.recovery_dialog
        assert isinstance(rec, ui.accounts_view.RecoveryUnlockDialog)
        assert rec.account_edit.text() == ACCOUNT
        _type(qtbot, rec.key_edit, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
        _type(qtbot, rec.new_edit, OWN)
        _type(qtbot, rec.repeat_edit, OWN)
        _click(qtbot, rec.ok_button)
        qtbot.waitUntil(lambda: rec.error_label.isVisible())
        assert rec.error_label.text() == "Deze herstelsleutel past niet bij deze opslag."
        _type(qtbot, rec.key_edit, recovery.lower().replace("-", " "))
        _click(qtbot, rec.ok_button)
        qtbot.waitUntil(lambda: dialog.store is not None)
        opened = dialog.store
        assert opened is not None and opened.account == ACCOUNT
        accounts.lock(opened)
    with pytest.raises(WrongKey):
        accounts.unlock(path, ACCOUNT, PASSPHRASE)
    accounts.lock(accounts.unlock(path, ACCOUNT, OWN))


def test_a_lid_sees_the_settings_read_only_and_opens_accounts(qtbot: QtBot, lid: Store) -> None:
    with screen(qtbot, SettingsView()) as view:
        view.show()
        with qtbot.waitSignal(view.loaded):
            view.load(lid)
        assert view.role_label.isVisible()
        assert view.role_label.text() == LID_SETTINGS_NOTE
        assert not view.idle_spin.isEnabled() and not view.organisation_edit.isEnabled()
        assert not view.save_button.isEnabled()
        assert view.retention_button.isEnabled()  # the list may be seen
        _click(qtbot, view.accounts_button)
        dialog = view.findChild(AccountsDialog)
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.view.table.rowCount() == 2)
        assert not dialog.view.add_button.isEnabled()
        dialog.reject()


def test_each_new_dialog_has_unique_mnemonics_and_named_fields(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store, _ = make_store(tmp_path)
    path = store.path
    try:
        made = [
            ui.accounts_view.AddAccountDialog(),
            ui.accounts_view.OneTimeCodeDialog("bert", "ABCD-EFGH-JKLM-NPQR"),
            ChangePassphraseDialog(store),
            ui.accounts_view.RecoveryUnlockDialog(path),
            AccountsDialog(store),
        ]
        for dialog in made:
            with screen(qtbot, dialog):
                dialog.show()
                idle()
                letters = [
                    letter
                    for w in dialog.findChildren(QWidget)
                    if w.isVisible()
                    and (isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy()))
                    and (letter := _letter(w.text()))
                ]
                assert len(letters) == len(set(letters)), (type(dialog).__name__, letters)
                for edit in dialog.findChildren(QLineEdit):
                    assert edit.accessibleName(), type(dialog).__name__
    finally:
        accounts.lock(store)


def _letter(text: str) -> str | None:
    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).lower() if found else None
