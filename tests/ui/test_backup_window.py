"""Backup and restore in the window (issue 13, item 3): Bestand → Back-up maken… writes a
backup that reads back; Bestand → Back-up terugzetten… lists the automatic backups with date,
size and check, says what happens, locks, puts the chosen backup back and unlocks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts, autobackup, backup, cases, settings
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case
from tests.helpers.ui import idle
from tests.ui.conftest import CASES

from ui import dialogs
from ui.mainwindow import MainWindow, restore_notice
from ui.restore_backup import CHECKED, UNCHECKED, RestoreBackupDialog, size_text

MADE = datetime(2026, 11, 30, 9, 15)
LATE_CASE = "Later"


@pytest.fixture
def auto_backup(store_path: Path) -> Path:
    """One automatic backup of the test store (five cases); a sixth case is added after it."""
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        settings.set_setting(store, "auto_backup", "aan")
        result = autobackup.run_auto_backup(store, now=MADE)
        assert result.made is not None, result.failure
        cases.create_case(store, sample_case(LATE_CASE, "Toegevoegd"))
    finally:
        accounts.lock(store)
    return result.made


def _open_window(qtbot: QtBot, store_path: Path, count: int) -> MainWindow:
    main = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE))
    main.show()
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == count)
    return main


@pytest.fixture
def close_after(qtbot: QtBot) -> Iterator[list[MainWindow]]:
    """Windows to close (after their quit backup, if one is due) and delete at the end."""
    windows: list[MainWindow] = []
    yield windows
    for main in windows:
        _close(qtbot, main)


def _close(qtbot: QtBot, main: MainWindow) -> None:
    closed: list[bool] = []
    main.closed.connect(lambda: closed.append(True))
    main.close()
    qtbot.waitUntil(lambda: bool(closed), timeout=20_000)
    idle()
    shiboken6.delete(main)


def _restore_dialog(qtbot: QtBot, main: MainWindow) -> RestoreBackupDialog:
    main.restore_action.trigger()
    dialog = main.restore_dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass  # the list is read on the worker; nothing has run the event loop yet
    return dialog


def test_a_backup_made_from_the_menu_reads_back(
    qtbot: QtBot,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    close_after: list[MainWindow],
) -> None:
    main = _open_window(qtbot, store_path, len(CASES))
    close_after.append(main)
    target = tmp_path / "handmatig.zip"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *args: target)
    main.backup_action.trigger()
    qtbot.waitUntil(lambda: main.statusBar().currentMessage() == f"Back-up gemaakt: {target}")
    assert target.is_file()
    store = main.store
    assert store is not None
    info = backup.read_info(target)
    assert info.store_id == store.key_file.store_id


def test_the_list_shows_each_automatic_backup_with_date_size_and_check(
    qtbot: QtBot, store_path: Path, auto_backup: Path, close_after: list[MainWindow]
) -> None:
    # A backup this store's log never saw: not checked until "Controleren".
    stranger = auto_backup.parent / "casusoverleg-2026-12-01T0800.zip"
    shutil.copyfile(auto_backup, stranger)
    main = _open_window(qtbot, store_path, len(CASES) + 1)
    close_after.append(main)
    dialog = _restore_dialog(qtbot, main)

    size = size_text(auto_backup.stat().st_size)
    assert size.endswith(("kB", "MB"))
    assert dialog.rows() == [
        ("01-12-2026", "08:00", size, UNCHECKED),
        ("30-11-2026", "09:15", size, CHECKED),
    ]
    # What happens is said before anything is done, for the selected (newest) backup.
    explained = dialog.explain_label.text()
    assert "01-12-2026 om 08:00" in explained
    assert f"{store_path.name}.voor-terugzetten-" in explained
    assert "Er gaat niets verloren" in explained
    assert "wachtwoord dat gold toen de back-up werd gemaakt" in explained

    with qtbot.waitSignal(dialog.checked, timeout=20_000):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.rows()[0][3] == CHECKED)
    assert "in orde" in dialog.message_label.text()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert main.store is not None  # cancelled: nothing locked


def test_putting_back_an_automatic_backup_from_the_window(
    qtbot: QtBot,
    store_path: Path,
    auto_backup: Path,
    monkeypatch: pytest.MonkeyPatch,
    close_after: list[MainWindow],
) -> None:
    main = _open_window(qtbot, store_path, len(CASES) + 1)
    close_after.append(main)
    dialog = _restore_dialog(qtbot, main)
    assert dialog.selected_path() == auto_backup
    asked: list[str] = []

    def confirm(_parent: object, _title: str, text: str, _yes: str, **kw: str) -> bool:
        asked.append(text + "\n" + kw.get("detail", ""))
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)
    with qtbot.waitSignal(main.locked, timeout=20_000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "30-11-2026 om 09:15" in asked[0]
    assert main.store is None

    unlock = main.unlock_dialog
    assert unlock is not None
    qtbot.waitUntil(lambda: unlock.unlock_button.text() == "Terugzetten en openen")
    assert "zoals ze waren toen de back-up werd gemaakt" in unlock.message_label.text()
    qtbot.keyClicks(unlock.passphrase_edit, PASSPHRASE)
    with qtbot.waitSignal(main.unlocked, timeout=30_000):
        qtbot.keyClick(unlock.passphrase_edit, Qt.Key.Key_Return)

    restored = main.store
    assert restored is not None
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == len(CASES))
    names = [c.first_name for c in cases.list_cases(restored, log_search=False)]
    assert LATE_CASE not in names and len(names) == len(CASES)
    aside = sorted(store_path.parent.glob(f"{store_path.name}.voor-terugzetten-*"))
    assert aside, "the current store was not kept aside"
    assert main.statusBar().currentMessage().startswith("De back-up is teruggezet; de vorige")
    assert any(main.statusBar().currentMessage() == restore_notice(p) for p in aside)
    assert auto_backup.is_file()  # the lock made no new automatic backup to rotate it away


def test_another_backup_file_is_chosen_with_the_file_dialog(
    qtbot: QtBot,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    close_after: list[MainWindow],
) -> None:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        made = backup.backup(store, tmp_path / "handmatig.zip")
        created = backup.read_info(made).created.astimezone()
    finally:
        accounts.lock(store)
    main = _open_window(qtbot, store_path, len(CASES))
    close_after.append(main)
    dialog = _restore_dialog(qtbot, main)
    assert dialog.rows() == []
    assert not dialog.restore_button.isEnabled()
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: made)
    qtbot.mouseClick(dialog.other_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.restore_button.isEnabled())
    assert "handmatig.zip" in dialog.explain_label.text()
    assert f"{created:%H:%M}" in dialog.explain_label.text()
    monkeypatch.setattr(dialogs, "confirm", lambda *args, **kw: False)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and main.store is not None  # no: nothing happens
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
