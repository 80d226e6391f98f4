"""The unlock dialog and the start of a session: wrong passphrase, errors, then the window."""

from __future__ import annotations

import threading
from pathlib import Path

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
from casusoverleg.services import accounts
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE
from tests.ui.conftest import CASES

from ui import app
from ui.app import GuiSession
from ui.unlock import BUSY_UNLOCKING, WRONG_KEY_MESSAGE, UnlockDialog


def _type_and_submit(qtbot: QtBot, dialog: UnlockDialog, account: str, passphrase: str) -> None:
    if account:
        dialog.account_edit.clear()
        qtbot.keyClicks(dialog.account_edit, account)
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
    assert dialog.message_label.text() == error.message
    assert dialog.isVisible() and dialog.unlock_button.isEnabled()


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


def test_missing_store_names_init_and_creates_nothing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(app, "show_message", lambda parent, title, text: shown.append(text))
    missing = tmp_path / "nergens" / "casusoverleg.db"
    assert app.run_gui(["--store", str(missing)]) == 2
    assert len(shown) == 1
    assert "casusoverleg init" in shown[0]
    assert str(missing) in shown[0]
    assert not missing.parent.exists()


def test_cancel_ends_the_session(qtbot: QtBot, store_path: Path) -> None:
    session = GuiSession(store_path)
    assert session.dialog is not None
    session.start()
    with qtbot.waitSignal(session.finished):
        qtbot.mouseClick(session.dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert session.window is None
