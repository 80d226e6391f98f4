"""Automatic backups in the window (issue 10, item 10): lock and quit after an edit make a
verified backup and the status bar shows it; no edit, no backup; the Overzicht warns after a
week; once a day while the window stays open (fake timer and clock, no sleeps)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.domain import rotation
from casusoverleg.services import accounts, autobackup, cases, settings
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case
from tests.helpers.stubs import FakeClock, FakeTimer
from tests.helpers.ui import idle
from tests.ui.conftest import CASES

from ui import ops
from ui.autobackup import CHECK_EVERY_MS, DAY_SECONDS, NO_BACKUP
from ui.mainwindow import MainWindow
from ui.ops import Change
from ui.overview import OverviewView
from ui.settings import SettingsView

STORE_NAME = "casusoverleg.db"


@pytest.fixture
def store_on(store_path: Path) -> Path:
    """The test store with automatic backups turned on (test stores have them off)."""
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        settings.set_setting(store, "auto_backup", "aan")
    finally:
        accounts.lock(store)
    return store_path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timer() -> FakeTimer:
    return FakeTimer()


@pytest.fixture
def window(
    qtbot: QtBot, store_on: Path, clock: FakeClock, timer: FakeTimer
) -> Iterator[MainWindow]:
    """A main window on the test store (backups on), its cases and status loaded.

    Not handed to qtbot: pytest-qt closes its widgets before fixtures end and expects them
    closed at once, while this window first finishes its backup. Closed and deleted here.
    """
    main = MainWindow(
        accounts.unlock(store_on, ACCOUNT, PASSPHRASE), backup_timer=timer, backup_clock=clock
    )
    closed: list[bool] = []
    main.closed.connect(lambda: closed.append(True))
    try:
        main.show()
        qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == len(CASES))
        qtbot.waitUntil(lambda: main.auto_backup.status is not None)
        yield main
    finally:
        if not closed:
            with qtbot.waitSignal(main.closed, timeout=20_000):
                main.close()
        idle()
        shiboken6.delete(main)


def _folder(store_path: Path) -> Path:
    return store_path.parent / "backups"


def _backups(store_path: Path) -> list[Path]:
    folder = _folder(store_path)
    if not folder.is_dir():
        return []
    found = rotation.recognise(STORE_NAME, [p.name for p in folder.iterdir()])
    return [folder / f.name for f in found]


def _edit_a_case(window: MainWindow) -> None:
    """Change something through the window's own worker, as a screen does."""
    store = window.store
    assert store is not None
    ops.StoreOp(window, store, lambda s: cases.create_case(s, sample_case("Finn", "Mulder"))).run()
    idle()


def test_the_status_bar_says_there_is_no_backup_yet_in_a_warning_colour(
    window: MainWindow,
) -> None:
    assert window.backup_label.text() == NO_BACKUP
    assert window.backup_label.styleSheet() != ""
    assert "staan aan" in window.backup_label.toolTip()


def test_lock_after_an_edit_makes_a_verified_backup_and_the_status_bar_shows_it(
    qtbot: QtBot, window: MainWindow, store_on: Path
) -> None:
    _edit_a_case(window)
    with (
        qtbot.waitSignal(window.auto_backup.attempted, timeout=20_000) as attempt,
        qtbot.waitSignal(window.locked, timeout=20_000),
    ):
        window.lock()
    result = attempt.args[0]
    assert result.ok and result.made is not None
    assert _backups(store_on) == [result.made]
    assert window.store is None  # the lock waited for the backup, then closed the store
    assert window.backup_label.text().startswith("Laatste back-up: vandaag ")
    assert window.backup_label.text().endswith(", gecontroleerd")
    assert window.backup_label.styleSheet() == ""
    assert result.made.name in window.statusBar().currentMessage()
    # The backup opens with the key and holds the new case.
    store = accounts.unlock(store_on, ACCOUNT, PASSPHRASE)
    try:
        autobackup.verify_backup(result.made, store.key, store.key_file.store_id)
        assert autobackup.backup_status(store).verified_file == result.made.name
    finally:
        accounts.lock(store)
    dialog = window.unlock_dialog
    assert dialog is not None
    dialog.reject()


def test_lock_without_an_edit_makes_no_backup(
    qtbot: QtBot, window: MainWindow, store_on: Path
) -> None:
    # Looking around writes log lines (views, searches), which are no change.
    window.show_section("Overzicht")
    window.show_section("Logboek")
    idle()
    with (
        qtbot.assertNotEmitted(window.auto_backup.attempted),
        qtbot.waitSignal(window.locked, timeout=20_000),
    ):
        window.lock()
    assert _backups(store_on) == []
    assert not _folder(store_on).exists()
    dialog = window.unlock_dialog
    assert dialog is not None
    dialog.reject()


def test_quit_after_an_edit_makes_a_backup_then_closes(
    qtbot: QtBot, window: MainWindow, store_on: Path
) -> None:
    store = window.store
    assert store is not None
    _edit_a_case(window)
    with qtbot.waitSignal(window.closed, timeout=20_000):
        window.close()
    assert store.closed
    [made] = _backups(store_on)
    reopened = accounts.unlock(store_on, ACCOUNT, PASSPHRASE)
    try:
        status = autobackup.backup_status(reopened)
        assert status.verified_file == made.name and status.failed_at is None
    finally:
        accounts.lock(reopened)


def test_quit_without_an_edit_closes_without_a_backup(
    qtbot: QtBot, window: MainWindow, store_on: Path
) -> None:
    with qtbot.waitSignal(window.closed, timeout=20_000):
        window.close()
    assert _backups(store_on) == []


def test_an_exit_without_closing_the_window_still_backs_up_first(
    qtbot: QtBot, window: MainWindow, store_on: Path
) -> None:
    # SIGTERM or a logout ends the event loop; the app then locks what is open (ui.app).
    store = window.store
    assert store is not None
    _edit_a_case(window)
    window.close_store()
    assert store.closed
    assert len(_backups(store_on)) == 1


def test_a_failed_backup_does_not_stop_the_lock_and_is_shown(
    qtbot: QtBot, window: MainWindow, store_on: Path
) -> None:
    _folder(store_on).write_text("een bestand waar de map moet staan", encoding="utf-8")
    _edit_a_case(window)
    with (
        qtbot.waitSignal(window.auto_backup.attempted, timeout=20_000) as attempt,
        qtbot.waitSignal(window.locked, timeout=20_000),
    ):
        window.lock()
    assert not attempt.args[0].ok
    assert window.store is None
    assert window.backup_label.text().endswith("automatische back-up mislukt")
    assert window.backup_label.styleSheet() != ""
    assert window.statusBar().currentMessage().startswith("De automatische back-up is mislukt")
    dialog = window.unlock_dialog
    assert dialog is not None
    dialog.reject()


def test_once_a_day_while_the_window_stays_open(
    qtbot: QtBot, window: MainWindow, store_on: Path, clock: FakeClock, timer: FakeTimer
) -> None:
    assert timer.isActive() and timer.started_with[-1] == CHECK_EVERY_MS
    _edit_a_case(window)
    # An hour later: not a day yet.
    clock.advance_ms(3_600_000)
    timer.fire()
    idle()
    assert _backups(store_on) == []
    # A day after the unlock: the change is saved.
    clock.advance_ms(DAY_SECONDS * 1000)
    with qtbot.waitSignal(window.auto_backup.attempted, timeout=20_000):
        timer.fire()
    assert len(_backups(store_on)) == 1
    # The next hours and the next day without a change: nothing more.
    clock.advance_ms(DAY_SECONDS * 1000)
    with qtbot.assertNotEmitted(window.auto_backup.attempted):
        timer.fire()
        idle()
    assert len(_backups(store_on)) == 1
    # Locking now finds nothing new either.
    with (
        qtbot.assertNotEmitted(window.auto_backup.attempted),
        qtbot.waitSignal(window.locked, timeout=20_000),
    ):
        window.lock()
    assert not timer.isActive()
    dialog = window.unlock_dialog
    assert dialog is not None
    dialog.reject()


def test_the_overview_warns_when_the_last_verified_backup_is_older_than_a_week(
    qtbot: QtBot, store_on: Path
) -> None:
    store = accounts.unlock(store_on, ACCOUNT, PASSPHRASE)
    view = OverviewView()
    qtbot.addWidget(view)
    try:
        cases.create_case(store, sample_case("Finn", "Mulder"))
        result = autobackup.run_auto_backup(store)
        assert result.verified_at is not None
        made_on = result.verified_at.astimezone().date()
        view.show()
        for days, warned in ((0, False), (7, False), (8, True)):
            view.set_today(made_on + timedelta(days=days))
            with qtbot.waitSignal(view.loaded):
                view.load(store)
            assert view.backup_warning.isVisible() is warned, days
        assert "meer dan een week geleden" in view.backup_warning.text()
        assert "Automatische back-ups" not in view.backup_warning.text()  # they are on
    finally:
        idle()
        view.clear()
        accounts.lock(store)


def test_the_overview_warns_when_there_is_no_backup_at_all(qtbot: QtBot, store_on: Path) -> None:
    store = accounts.unlock(store_on, ACCOUNT, PASSPHRASE)
    view = OverviewView()
    qtbot.addWidget(view)
    try:
        view.show()
        with qtbot.waitSignal(view.loaded):
            view.load(store)
        assert view.backup_warning.isVisible()
        assert view.backup_warning.text().startswith("Er is nog geen gecontroleerde back-up")
    finally:
        idle()
        view.clear()
        accounts.lock(store)


def test_the_settings_screen_turns_backups_on_and_picks_a_folder(
    qtbot: QtBot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    view = SettingsView()
    qtbot.addWidget(view)
    try:
        view.show()
        with qtbot.waitSignal(view.loaded):
            view.load(store)
        # A test store: off by default; the default folder is shown; the rotation is named.
        assert not view.auto_backup_check.isChecked()
        assert view.backup_folder_edit.text() == f"{tmp_path / 'backups'} (standaard)"
        assert "7 dagen" in view.rotation_label.text()
        assert not view.save_button.isEnabled()

        # The store's own folder is refused with a Dutch reason, and nothing is saved.
        monkeypatch.setattr("ui.settings.ask_backup_folder", lambda *_args: tmp_path)
        qtbot.mouseClick(view.choose_folder_button, Qt.MouseButton.LeftButton)
        with qtbot.assertNotEmitted(view.saved):
            qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: view.status_label.text() != "")
        assert "andere map dan die van de opslag" in view.status_label.text()
        assert settings.load_settings(store).backup_folder == ""

        chosen = tmp_path / "back-ups op de server"
        chosen.mkdir()
        monkeypatch.setattr("ui.settings.ask_backup_folder", lambda *_args: chosen)
        qtbot.mouseClick(view.choose_folder_button, Qt.MouseButton.LeftButton)
        view.auto_backup_check.setChecked(True)
        with qtbot.waitSignal(view.saved):
            qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        saved = settings.load_settings(store)
        assert saved.auto_backup == "aan" and saved.backup_folder == str(chosen)
        assert view.backup_folder_edit.text() == str(chosen)

        # Back to the default folder.
        qtbot.mouseClick(view.default_folder_button, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(view.saved):
            qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        assert settings.load_settings(store).backup_folder == ""
    finally:
        idle()
        view.clear()
        accounts.lock(store)


def test_turning_backups_off_in_the_settings_shows_in_the_status_bar(
    qtbot: QtBot, window: MainWindow
) -> None:
    store = window.store
    assert store is not None
    ops.StoreOp(window, store, lambda s: settings.set_setting(s, "auto_backup", "uit")).changes(
        Change.SETTINGS
    ).run()
    idle()
    qtbot.waitUntil(lambda: "staan uit" in window.backup_label.toolTip())
    status = window.auto_backup.status
    assert status is not None and not status.enabled
