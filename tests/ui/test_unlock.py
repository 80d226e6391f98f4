"""The unlock dialog and the start of a session: wrong passphrase, errors, then the window."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from casusoverleg.errors import (
    CasusoverlegError,
    DamagedStore,
    NewerStore,
    StoreInUse,
    StoreNotFound,
)
from casusoverleg.services import accounts, backup, cases
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import KeyFile
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store
from tests.ui.conftest import CASES

from ui import app, dialogs
from ui.app import GuiSession
from ui.unlock import BUSY_UNLOCKING, WRONG_KEY_MESSAGE, UnlockDialog


def _type_and_submit(qtbot: QtBot, dialog: UnlockDialog, account: str, passphrase: str) -> None:
    if account:
        dialog.account_edit.clear()
        qtbot.keyClicks(dialog.account_edit, account)
    dialog.passphrase_edit.clear()
    qtbot.keyClicks(dialog.passphrase_edit, passphrase)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)


def test_wrong_passphrase_then_right_one_opens_the_main_window(
    qtbot: QtBot, store_path: Path
) -> None:
    session = GuiSession(store_path)
    dialog = session.dialog
    assert dialog is not None
    session.start()  # the session deletes its dialog when done, so qtbot does not own it

    _type_and_submit(qtbot, dialog, ACCOUNT, "niet het goede wachtwoord")
    qtbot.waitUntil(lambda: dialog.message_label.isVisible())
    assert dialog.message_label.text() == WRONG_KEY_MESSAGE
    assert dialog.isVisible()
    assert dialog.store is None
    assert dialog.passphrase_edit.text() == ""
    assert dialog.focusWidget() is dialog.passphrase_edit

    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: session.window is not None)
    window = session.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.cases_view.model.rowCount() == len(CASES))
    assert window.isVisible()
    assert session.dialog is None
    assert window.store is not None and not window.store.closed
    assert window.store.account == ACCOUNT
    numbers = [window.cases_view.model.row_at(i).case_number for i in range(len(CASES))]
    assert numbers == sorted(numbers)

    with qtbot.waitSignal(session.finished):
        window.close()
    assert window.store is None


def test_busy_while_unlocking(qtbot: QtBot, store_path: Path) -> None:
    gate = threading.Event()

    def slow_unlock(path: Path, account: str, passphrase: str) -> Store:
        assert gate.wait(10)
        return accounts.unlock(path, account, passphrase)

    dialog = UnlockDialog(store_path, account=ACCOUNT, unlock=slow_unlock)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_submit(qtbot, dialog, "", PASSPHRASE)

    assert dialog.busy
    assert not dialog.unlock_button.isEnabled()
    assert dialog.busy_row.isVisibleTo(dialog)
    assert dialog.busy_label.text() == BUSY_UNLOCKING
    dialog.reject()  # Escape or the close box: ignored while the key is being derived
    assert dialog.isVisible()

    gate.set()
    qtbot.waitUntil(lambda: dialog.store is not None)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.busy
    accounts.lock(dialog.store)


def test_store_in_use_is_explained(qtbot: QtBot, store_path: Path) -> None:
    holder = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        dialog = UnlockDialog(store_path, account=ACCOUNT)
        qtbot.addWidget(dialog)
        dialog.show()
        _type_and_submit(qtbot, dialog, "", PASSPHRASE)
        qtbot.waitUntil(lambda: dialog.message_label.isVisible())
        assert "in gebruik" in dialog.message_label.text()
        assert dialog.store is None
        assert dialog.unlock_button.isEnabled()
    finally:
        accounts.lock(holder)


@pytest.mark.parametrize(
    "error",
    [
        StoreInUse("De opslag is in gebruik door iemand anders."),
        DamagedStore("De opslag is beschadigd."),
        NewerStore("Deze opslag is gemaakt met een nieuwere versie."),
        StoreNotFound("Geen opslag gevonden."),
    ],
)
def test_store_errors_show_their_dutch_message(
    qtbot: QtBot, tmp_path: Path, error: CasusoverlegError
) -> None:
    def failing_unlock(path: Path, account: str, passphrase: str) -> Store:
        raise error

    dialog = UnlockDialog(tmp_path / "x.db", account="iemand", unlock=failing_unlock)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_submit(qtbot, dialog, "", "een wachtwoord")
    qtbot.waitUntil(lambda: dialog.message_label.isVisible())
    # The core's own sentence first, then what to do about it.
    assert dialog.message_label.text().startswith(error.message)
    assert dialog.isVisible() and dialog.unlock_button.isEnabled()
    assert dialog.ways_row.isVisibleTo(dialog)
    assert dialog.other_store_button.isVisibleTo(dialog)
    assert dialog.restore_button.isVisibleTo(dialog) == isinstance(error, DamagedStore)


def test_damaged_store_file_is_reported(qtbot: QtBot, store_path: Path) -> None:
    data = bytearray(store_path.read_bytes())
    data[5000:5100] = bytes(100)  # a page no longer matches its HMAC
    store_path.write_bytes(bytes(data))
    dialog = UnlockDialog(store_path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.message_label.isVisible(), timeout=10_000)
    assert "beschadigd" in dialog.message_label.text()
    assert dialog.store is None


def test_empty_fields_are_asked_for(qtbot: QtBot, store_path: Path) -> None:
    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.account_edit, Qt.Key.Key_Return)
    assert dialog.message_label.text() == "Vul uw account in."
    qtbot.keyClicks(dialog.account_edit, ACCOUNT)
    qtbot.keyClick(dialog.account_edit, Qt.Key.Key_Return)
    assert dialog.message_label.text() == "Vul uw wachtwoord in."
    assert not dialog.busy
    assert dialog.passphrase_edit.echoMode() == dialog.passphrase_edit.EchoMode.Password


def test_a_mistyped_store_path_is_refused_and_creates_nothing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(app, "show_message", lambda parent, title, text: shown.append(text))
    missing = tmp_path / "nergens" / "casusoverleg.db"
    assert app.run_gui(["--store", str(missing)]) == 2
    assert len(shown) == 1
    # Issue 13: no terminal command for a user of the window; the folder is named.
    assert "casusoverleg init" not in shown[0] and "bestaat niet" in shown[0]
    assert str(missing) in shown[0]
    assert not missing.parent.exists()


def test_cancel_ends_the_session(qtbot: QtBot, store_path: Path) -> None:
    session = GuiSession(store_path)
    assert session.dialog is not None
    session.start()
    with qtbot.waitSignal(session.finished):
        qtbot.mouseClick(session.dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert session.window is None


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[5000:5100] = bytes(100)  # a page no longer matches its HMAC
    path.write_bytes(bytes(data))


def test_a_damaged_store_is_replaced_by_a_chosen_backup(
    qtbot: QtBot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zip_path = tmp_path / "back-up.zip"
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    backup.backup(store, zip_path)
    accounts.lock(store)
    _damage(store_path)

    dialog = UnlockDialog(store_path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.message_label.isVisible(), timeout=10_000)
    assert "beschadigd" in dialog.message_label.text()
    assert "Zet een back-up terug" in dialog.message_label.text()
    assert dialog.restore_button.isVisibleTo(dialog)

    asked: list[str] = []

    def choose(parent: object, title: str, name_filter: str, folder: str = "") -> Path:
        asked.append(name_filter)
        return zip_path

    monkeypatch.setattr(dialogs, "ask_open_file", choose)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.unlock_button.text() == "Terugzetten en openen")
    assert "*.zip" in asked[0]
    assert "back-up.zip" in dialog.message_label.text()
    assert not dialog.ways_row.isVisibleTo(dialog)

    # A wrong passphrase for the backup changes nothing.
    _type_and_submit(qtbot, dialog, "", "niet het goede wachtwoord")
    qtbot.waitUntil(lambda: not dialog.busy and dialog.message_label.isVisible(), timeout=10_000)
    assert dialog.message_label.text() == WRONG_KEY_MESSAGE
    assert dialog.store is None

    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=10_000)
    restored = dialog.store
    assert restored is not None and restored.path == store_path
    assert dialog.restored is not None and dialog.restored.previous is not None
    assert dialog.restored.previous.exists()  # the damaged store is kept beside it
    try:
        assert cases.count_cases(restored) == len(CASES)
    finally:
        accounts.lock(restored)


def test_a_file_that_is_no_backup_is_refused_and_another_may_be_chosen(
    qtbot: QtBot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _damage(store_path)
    not_a_backup = tmp_path / "iets.zip"
    not_a_backup.write_bytes(b"geen zip")
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: not_a_backup)
    dialog = UnlockDialog(store_path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.restore_button.isVisibleTo(dialog), timeout=10_000)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "geen (volledige) back-up" in dialog.message_label.text()
    assert dialog.restore_button.isVisibleTo(dialog)
    assert dialog.unlock_button.text() == "Ontgrendelen"


def test_another_store_can_be_opened_when_this_one_is_in_use(
    qtbot: QtBot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_dir = tmp_path / "ander"
    other_dir.mkdir()
    other, _key = make_store(other_dir)
    other_path = other.path
    accounts.lock(other)
    holder = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        dialog = UnlockDialog(store_path, account=ACCOUNT)
        qtbot.addWidget(dialog)
        dialog.show()
        _type_and_submit(qtbot, dialog, "", PASSPHRASE)
        qtbot.waitUntil(lambda: dialog.ways_row.isVisibleTo(dialog))
        assert "in gebruik" in dialog.message_label.text()
        assert not dialog.restore_button.isVisibleTo(dialog)
        monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: other_path)
        qtbot.mouseClick(dialog.other_store_button, Qt.MouseButton.LeftButton)
        assert dialog.store_path == other_path
        assert str(other_path) in dialog.where_label.text()
        _type_and_submit(qtbot, dialog, "", PASSPHRASE)
        qtbot.waitUntil(lambda: dialog.store is not None)
        assert dialog.store is not None and dialog.store.path == other_path
        accounts.lock(dialog.store)
    finally:
        accounts.lock(holder)


@pytest.fixture
def crashes(monkeypatch: pytest.MonkeyPatch) -> list[type[BaseException]]:
    """The unexpected errors that reached the global handler (the app's crash dialog)."""
    handled: list[type[BaseException]] = []

    def hook(kind: type[BaseException], _exc: BaseException, _tb: TracebackType | None) -> None:
        handled.append(kind)

    monkeypatch.setattr(sys, "excepthook", hook)
    return handled


def test_an_unexpected_error_goes_to_the_crash_dialog_and_the_dialog_can_unlock_again(
    qtbot: QtBot,
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    crashes: list[type[BaseException]],
) -> None:
    real_unwrap = KeyFile.unwrap
    tries: list[str] = []

    def unwrap_broken_once(self: KeyFile, account: str, secret: str) -> bytes:
        tries.append(account)
        if len(tries) == 1:
            raise KeyError("nonce")  # a bug, not a Dutch CasusoverlegError
        return real_unwrap(self, account, secret)

    monkeypatch.setattr(KeyFile, "unwrap", unwrap_broken_once)
    dialog = UnlockDialog(store_path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: bool(crashes))

    assert crashes == [KeyError]
    assert not dialog.busy and not dialog.busy_row.isVisibleTo(dialog)
    for widget in (
        dialog.unlock_button,
        dialog.cancel_button,
        dialog.account_edit,
        dialog.passphrase_edit,
    ):
        assert widget.isEnabled(), widget
    assert not dialog.message_label.isVisibleTo(dialog)  # the crash dialog says it, once
    assert dialog.isVisible() and dialog.store is None

    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.store is not None)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert tries == [ACCOUNT, ACCOUNT] and crashes == [KeyError]
    accounts.lock(dialog.store)


def test_preparing_that_fails_unexpectedly_leaves_only_cancel(
    qtbot: QtBot, tmp_path: Path, crashes: list[type[BaseException]]
) -> None:
    def prepare() -> None:
        raise OSError("geen ruimte")

    dialog = UnlockDialog(tmp_path / "demo.db", account="demo", prepare=prepare)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.busy
    qtbot.waitUntil(lambda: not dialog.busy)
    assert crashes == [OSError]
    assert not dialog.unlock_button.isEnabled()
    assert not dialog.account_edit.isEnabled() and not dialog.passphrase_edit.isEnabled()
    assert dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)


def test_a_restore_that_fails_unexpectedly_keeps_the_backup_chosen(
    qtbot: QtBot,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    crashes: list[type[BaseException]],
) -> None:
    zip_path = tmp_path / "back-up.zip"
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    backup.backup(store, zip_path)
    accounts.lock(store)
    _damage(store_path)
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: zip_path)
    dialog = UnlockDialog(store_path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.restore_button.isVisibleTo(dialog), timeout=10_000)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.unlock_button.text() == "Terugzetten en openen")

    def broken_restore(*_args: object) -> None:
        raise PermissionError("alleen-lezen")

    monkeypatch.setattr(backup, "restore", broken_restore)
    _type_and_submit(qtbot, dialog, "", PASSPHRASE)
    qtbot.waitUntil(lambda: bool(crashes))
    assert crashes == [PermissionError]
    assert not dialog.busy and dialog.unlock_button.isEnabled()
    assert dialog.unlock_button.text() == "Terugzetten en openen"  # trying again may work
    assert dialog.store is None
