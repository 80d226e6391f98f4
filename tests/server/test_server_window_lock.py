"""The main window on a shared store: a backup from the menu, locking and unlocking on the
server again, and putting a backup back through the unlock dialog (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts, backup, cases
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case
from tests.server.test_server_window import OFFSCREEN_NOISE

import ui.mainwindow
from ui import tasks
from ui.mainwindow import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _numbers(url: str) -> set[str]:
    store = unlock_server(url, ACCOUNT, PASSPHRASE)
    try:
        return {row.case_number for row in cases.list_cases(store)}
    finally:
        accounts.lock(store)


def test_backup_lock_unlock_and_restore_in_the_window_stay_on_the_server(
    qtbot: QtBot, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store
    kept = cases.create_case(store, sample_case("Daan", "Jansen")).case_number
    state = QSettings(str(tmp_path / "venster.ini"), QSettings.Format.IniFormat)
    state.setValue("venster/onderdeel", "Instellingen")
    zip_path = tmp_path / "back-up.zip"
    monkeypatch.setattr(ui.mainwindow.dialogs, "ask_save_file", lambda *_a: zip_path)
    main = MainWindow(store, state=state)
    qtbot.addWidget(main)
    main.show()
    try:
        assert "Gedeelde opslag: postgresql" in main.location_label.text()
        # Archief → Back-up maken…: the same kind of file as of a store on this computer.
        main.backup_action.trigger()
        qtbot.waitUntil(lambda: "Back-up gemaakt" in main.statusBar().currentMessage())
        assert backup.read_info(zip_path).store_id == store.key_file.store_id
        later = cases.create_case(store, sample_case("Emma", "Bakker")).case_number

        # Lock, then unlock: on the server again, not in this computer's folder for it.
        with qtbot.waitSignal(main.locked):
            main.lock()
        dialog = main.unlock_dialog
        assert dialog is not None and dialog.server
        # Put the backup back, as "Back-up terugzetten…" does after locking.
        dialog.use_backup(zip_path)
        qtbot.waitUntil(lambda: dialog.unlock_button.text() == "Terugzetten en openen")
        assert "gedeelde opslag" in dialog.message_label.text()
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: main.store is not None, timeout=30_000)
        reopened = main.store
        assert reopened is not None and reopened.is_server
        assert {r.case_number for r in cases.list_cases(reopened)} == {kept}
    finally:
        main.close()
        assert tasks.wait_for_idle(10_000)
    assert _numbers(pg_url) == {kept}  # the later case went with the restore …
    assert later not in _numbers(pg_url)
    # … and no store file was made on this computer.
    assert not list(tmp_path.rglob("*.db"))
