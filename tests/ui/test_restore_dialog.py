"""The unlock dialog's "back-up terugzetten" with today's people (issue 10, defect 3): it says
who lost access, asks before putting back another store, and copes with a passphrase that
changed since the backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.errors import WrongKey
from casusoverleg.services import accounts, backup
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

from ui import dialogs
from ui.unlock import UnlockDialog

BOB = "bob"
BOB_PASSPHRASE = "bob zijn eigen lange zin"


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[5000:5100] = bytes(100)  # a page no longer matches its HMAC
    path.write_bytes(bytes(data))


def _submit(qtbot: QtBot, dialog: UnlockDialog, passphrase: str) -> None:
    dialog.passphrase_edit.clear()
    qtbot.keyClicks(dialog.passphrase_edit, passphrase)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)


def _choose_backup(qtbot: QtBot, dialog: UnlockDialog) -> None:
    _submit(qtbot, dialog, PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.restore_button.isVisibleTo(dialog), timeout=10_000)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)


def test_the_dialog_says_who_lost_access(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = make_store(tmp_path)
    accounts.add_account(store, BOB, BOB_PASSPHRASE, kdf=FAST_KDF)
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    accounts.remove_account(store, BOB)
    accounts.lock(store)
    _damage(store.path)
    told: list[str] = []
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: zip_path)
    monkeypatch.setattr(dialogs, "inform", lambda _parent, _title, text, **_kw: told.append(text))

    dialog = UnlockDialog(store.path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    _choose_backup(qtbot, dialog)
    assert dialog.unlock_button.text() == "Terugzetten en openen"
    _submit(qtbot, dialog, PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=10_000)
    restored = dialog.store
    assert restored is not None
    try:
        assert dialog.restored is not None and dialog.restored.gone_accounts == (BOB,)
        assert len(told) == 1 and "Geen toegang meer" in told[0] and BOB in told[0]
    finally:
        accounts.lock(restored)
    with pytest.raises(WrongKey):
        accounts.unlock(store.path, BOB, BOB_PASSPHRASE)


def test_a_removed_account_is_told_why_it_cannot_restore(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = make_store(tmp_path)
    accounts.add_account(store, BOB, BOB_PASSPHRASE, kdf=FAST_KDF)
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    accounts.remove_account(store, BOB)
    accounts.lock(store)
    _damage(store.path)
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: zip_path)
    dialog = UnlockDialog(store.path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    _choose_backup(qtbot, dialog)
    dialog.account_edit.setText(BOB)
    _submit(qtbot, dialog, BOB_PASSPHRASE)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.message_label.isVisible(), timeout=10_000)
    assert "verwijderd nadat de back-up werd gemaakt" in dialog.message_label.text()
    assert dialog.store is None and dialog.restored is None


def test_another_stores_backup_is_put_back_only_after_a_yes(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elders").mkdir()
    other, _ = make_store(tmp_path / "elders")
    zip_path = backup.backup(other, tmp_path / "elders.zip")
    accounts.lock(other)
    store, _ = make_store(tmp_path)
    accounts.lock(store)
    _damage(store.path)
    questions: list[str] = []
    answers = [False, True]

    def confirm(_parent: object, _title: str, text: str, _yes: str, **_kw: object) -> bool:
        questions.append(text)
        return answers.pop(0)

    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: zip_path)
    monkeypatch.setattr(dialogs, "confirm", confirm)
    dialog = UnlockDialog(store.path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()

    _choose_backup(qtbot, dialog)
    assert "andere opslag" in questions[0]
    assert other.key_file.store_id[:8] in questions[0]
    assert store.key_file.store_id[:8] in questions[0]
    assert dialog.unlock_button.text() == "Ontgrendelen"
    assert "niets teruggezet" in dialog.message_label.text()

    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.unlock_button.text() == "Terugzetten en openen")
    _submit(qtbot, dialog, PASSPHRASE)
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=10_000)
    restored = dialog.store
    assert restored is not None
    try:
        assert restored.key_file.store_id == other.key_file.store_id
    finally:
        accounts.lock(restored)


def test_a_passphrase_changed_since_the_backup_is_asked_for_after_the_restore(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = make_store(tmp_path)
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    today = "het wachtwoord van vandaag"
    accounts.change_passphrase(store, ACCOUNT, PASSPHRASE, today)
    accounts.lock(store)
    _damage(store.path)
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: zip_path)
    dialog = UnlockDialog(store.path, account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    _submit(qtbot, dialog, today)
    qtbot.waitUntil(lambda: dialog.restore_button.isVisibleTo(dialog), timeout=10_000)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.unlock_button.text() == "Terugzetten en openen")

    _submit(qtbot, dialog, PASSPHRASE)  # the backup's passphrase
    qtbot.waitUntil(lambda: dialog.restored is not None and not dialog.busy, timeout=10_000)
    assert dialog.store is None
    assert "huidige wachtwoord" in dialog.message_label.text()
    assert dialog.unlock_button.text() == "Ontgrendelen"
    _submit(qtbot, dialog, today)
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=10_000)
    assert dialog.store is not None
    accounts.lock(dialog.store)
