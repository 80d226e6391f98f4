"""The main window: title, lock (Ctrl+L) and unlock again, closing locks, the demo says DEMO."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts, backup, cases
from casusoverleg.store.keyslots import FAST_KDF, KeyFile
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case
from tests.ui.conftest import CASES

from ui import dialogs, tasks
from ui.app import demo_session
from ui.mainwindow import SECTIONS, WORKING_SECTIONS, MainWindow
from ui.ops import Change, StoreOp
from ui.widgets.tables import wanted_widths


@pytest.fixture
def window(qtbot: QtBot, store_path: Path) -> Iterator[MainWindow]:
    """A main window on the unlocked test store, its cases loaded; closed (and locked) after."""
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    # The fixture holds the window: qtbot keeps only a weak reference, and a window that is
    # garbage-collected without closing would leave its store open.
    main = MainWindow(store)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == len(CASES))
    yield main
    main.close()


def test_title_account_and_location(window: MainWindow, store_path: Path) -> None:
    assert window.windowTitle() == "Casusoverleg"
    assert window.account_label.text() == f"Account: {ACCOUNT}"
    assert str(store_path) in window.location_label.text()
    enabled = [
        window.navigation.item(i).text()
        for i in range(window.navigation.count())
        if window.navigation.item(i).flags() & Qt.ItemFlag.ItemIsEnabled
    ]
    assert enabled == [s for s in SECTIONS if s in WORKING_SECTIONS]


def test_ctrl_l_locks_and_the_unlock_dialog_opens_it_again(
    qtbot: QtBot, window: MainWindow
) -> None:
    store = window.store
    assert store is not None
    window.activateWindow()
    qtbot.waitActive(window)

    with qtbot.waitSignal(window.locked):
        qtbot.keySequence(window, QKeySequence("Ctrl+L"))
    assert store.closed
    assert window.store is None
    assert window.cases_view.model.rowCount() == 0
    assert window.cases_view.model.total_count == 0
    dialog = window.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.account_edit.text() == ACCOUNT
    assert window.account_label.text() == "Vergrendeld"

    with qtbot.waitSignal(window.unlocked):
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.cases_view.model.rowCount() == len(CASES))
    assert window.store is not None and not window.store.closed
    assert window.account_label.text() == f"Account: {ACCOUNT}"


def test_closing_the_window_locks_the_store(
    qtbot: QtBot, window: MainWindow, store_path: Path
) -> None:
    store = window.store
    assert store is not None
    with qtbot.waitSignal(window.closed):
        window.close()
    assert store.closed
    # The lock is released: the store opens again.
    accounts.lock(accounts.unlock(store_path, ACCOUNT, PASSPHRASE))


def test_demo_window_says_demo(qtbot: QtBot, tmp_path: Path) -> None:
    session = demo_session(tmp_path)
    dialog = session.dialog
    assert dialog is not None
    session.start()
    assert dialog.account_edit.text() == "demo"
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    qtbot.keyClicks(dialog.passphrase_edit, "demo")
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.window is not None)
    window = session.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.cases_view.model.rowCount() > 0, timeout=10_000)
    assert window.windowTitle() == "Casusoverleg — DEMO (geen echte gegevens)"
    assert window.store is not None and window.store.is_demo
    with qtbot.waitSignal(session.finished):
        window.close()


def _activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_ctrl_1_to_8_switch_screens_and_later_ones_are_greyed(
    qtbot: QtBot, window: MainWindow
) -> None:
    _activate(qtbot, window)
    for number, name in enumerate(SECTIONS, start=1):
        before = window.current_section
        qtbot.keySequence(window, QKeySequence(f"Ctrl+{number}"))
        if name in WORKING_SECTIONS:
            assert window.current_section == name
            assert window.stack.currentWidget() is window.screens[name]
            assert window.navigation.currentRow() == number - 1
        else:
            assert window.current_section == before
            assert not window.section_actions[number - 1].isEnabled()
            item = window.navigation.item(number - 1)
            assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
            assert item.toolTip() == f"{name} komt in een volgende versie van Casusoverleg."
    qtbot.waitUntil(tasks.is_idle)


def test_file_menu_and_status_bar(qtbot: QtBot, window: MainWindow) -> None:
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Bestand", "&Ga naar", "&Help"]
    file_menu = window.menuBar().actions()[0].menu()
    entries = [(a.text(), a.shortcut().toString()) for a in file_menu.actions() if a.text()]
    assert entries == [
        ("Casussen &importeren…", ""),
        ("Casussen &exporteren…", ""),
        ("&Back-up maken…", ""),
        ("Back-up &terugzetten…", ""),
        ("Vergrendelen", "Ctrl+L"),
        ("&Afsluiten", "Ctrl+Q"),
    ]
    qtbot.waitUntil(lambda: window.backup_label.text() != "")
    assert window.backup_label.text() == "Laatste back-up: nog geen back-up"


def test_backup_from_the_file_menu_updates_the_status_bar(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "back-up.zip"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *args: target)
    qtbot.waitUntil(lambda: window.backup_label.text() != "")
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: window.backup_label.text() != "Laatste back-up: nog geen back-up")
    assert target.is_file()
    assert window.backup_label.text().startswith("Laatste back-up: ")
    assert window.statusBar().currentMessage() == f"Back-up gemaakt: {target}"


def test_export_warns_once_that_the_file_is_not_encrypted(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = iter([tmp_path / "casussen.csv", tmp_path / "nog een keer.xlsx"])
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *args: next(targets))
    warnings: list[str] = []

    def confirm(parent: object, title: str, text: str, yes: str, check: str) -> tuple[bool, bool]:
        warnings.append(text)
        return True, True  # "Exporteren", and do not ask again

    informed: list[str] = []
    monkeypatch.setattr(dialogs, "confirm_with_checkbox", confirm)
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text, **kw: informed.append(text))
    window.export_action.trigger()
    qtbot.waitUntil(lambda: len(informed) == 1)
    assert "NIET versleuteld" in warnings[0]
    assert informed[0].startswith(f"{len(CASES)} casussen geëxporteerd")
    lines = (tmp_path / "casussen.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == len(CASES) + 1
    window.export_action.trigger()
    qtbot.waitUntil(lambda: len(informed) == 2)
    assert len(warnings) == 1  # asked once
    assert (tmp_path / "nog een keer.xlsx").is_file()


def test_window_state_is_remembered_and_holds_no_case_data(qtbot: QtBot, store_path: Path) -> None:
    state = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "t", "vensterstaat")
    first = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE), state=state)
    qtbot.addWidget(first)
    first.show()
    first.show_section("Casussen")
    view = first.cases_view
    qtbot.waitUntil(lambda: view.model.rowCount() == len(CASES))
    qtbot.keyClicks(view.filter_edit, "Bakker")
    view.table.setColumnWidth(2, 211)
    first.resize(first.width() - 37, first.height() - 23)
    size = first.size()
    first.splitter.setSizes([first.splitter.sizes()[0] + 9, first.splitter.sizes()[1] - 9])
    splitter_sizes = first.splitter.sizes()
    first.show_section("Logboek")
    qtbot.waitUntil(tasks.is_idle)
    with qtbot.waitSignal(first.closed):
        first.close()

    text = Path(state.fileName()).read_text(encoding="utf-8", errors="replace")
    keys = state.allKeys()
    assert "venster/geometrie" in keys and "venster/splitter" in keys
    assert any(k.startswith("kolommen/Casussen/") for k in keys)
    for first_name, last_name, school, *_rest in CASES:
        for word in (first_name, last_name, school, "Bakker"):
            assert word not in text
    assert ACCOUNT not in text and str(store_path) not in text

    second = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE), state=state)
    qtbot.addWidget(second)
    second.show()
    try:
        assert second.current_section == "Logboek"  # where the user left off
        # Remembered; shown as soon as the window has room for it (else narrowed to fit).
        assert wanted_widths(second.cases_view.table)[2] == 211
        assert second.size() == size
        assert second.splitter.sizes() == splitter_sizes
        assert second.cases_view.filter_edit.text() == ""  # no typed text from the ini file
        qtbot.waitUntil(tasks.is_idle)
    finally:
        second.close()


def test_another_account_gets_fresh_screens(
    qtbot: QtBot, window: MainWindow, store_path: Path
) -> None:
    store = window.store
    assert store is not None
    accounts.add_account(store, "collega", "een ander lang wachtwoord", kdf=FAST_KDF)
    window.show_section("Casussen")
    qtbot.keyClicks(window.cases_view.filter_edit, "Bakker")
    old_view = window.cases_view
    with qtbot.waitSignal(window.locked):
        window.lock()
    dialog = window.unlock_dialog
    assert dialog is not None
    dialog.account_edit.clear()
    qtbot.keyClicks(dialog.account_edit, "collega")
    with qtbot.waitSignal(window.unlocked):
        qtbot.keyClicks(dialog.passphrase_edit, "een ander lang wachtwoord")
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    assert window.cases_view is not old_view
    assert window.cases_view.filter_edit.text() == ""
    assert window.account_label.text() == "Account: collega"
    qtbot.waitUntil(lambda: window.cases_view.model.rowCount() == len(CASES))


def test_a_change_reloads_the_screens_that_show_it_and_only_those(
    qtbot: QtBot, window: MainWindow
) -> None:
    store = window.store
    assert store is not None
    settings_view = window.settings_view
    with qtbot.waitSignal(settings_view.loaded):
        window.show_section("Instellingen")
    overview = window.screens["Overzicht"]
    window.show_section("Overzicht")  # loaded when the window opened
    assert tasks.wait_for_idle()

    # A new case, written by another part of the window (the import dialog, say).
    source = QWidget(window)
    with qtbot.waitSignal(overview.loaded):  # type: ignore[attr-defined]
        StoreOp(source, store, lambda s: cases.create_case(s, sample_case("Noor"))).changes(
            Change.CASES
        ).run()

    # The register shows it when shown; the settings do not load again for a case.
    with qtbot.waitSignal(window.cases_view.loaded):
        window.show_section("Casussen")
    assert window.cases_view.model.total_count == len(CASES) + 1
    with qtbot.assertNotEmitted(settings_view.loaded):
        window.show_section("Instellingen")
        assert tasks.wait_for_idle()


def test_a_change_made_in_meeting_mode_shows_when_the_user_comes_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    store = window.store
    assert store is not None
    other_window = QWidget()  # meeting mode is a window of its own
    qtbot.addWidget(other_window)
    with qtbot.assertNotEmitted(window.cases_view.loaded):
        StoreOp(other_window, store, lambda s: cases.create_case(s, sample_case("Noor"))).changes(
            Change.CASES
        ).run()
        assert tasks.wait_for_idle()
    assert window.cases_view.model.total_count == len(CASES)
    with qtbot.waitSignal(window.cases_view.loaded):
        window.show_section("Overzicht")
        window.show_section("Casussen")
    assert window.cases_view.model.total_count == len(CASES) + 1


def test_export_or_backup_onto_the_store_itself_is_refused_in_dutch(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store named like an export: the file dialog (which asked before replacing) returns it.
    made, _ = make_store(tmp_path, "zaken.xlsx")
    cases.create_case(made, sample_case("Sanne"))
    accounts.lock(made)
    key_before = KeyFile.path_for(made.path).read_bytes()
    main = MainWindow(accounts.unlock(made.path, ACCOUNT, PASSPHRASE))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == 1)
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *args: made.path)

    def files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    before = files()
    monkeypatch.setattr(dialogs, "confirm_with_checkbox", lambda *args: (True, False))
    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(
        dialogs, "warn", lambda parent, title, text, detail="": warned.append((title, detail))
    )
    main.export_action.trigger()
    qtbot.waitUntil(lambda: len(warned) == 1)
    main.backup_action.trigger()
    qtbot.waitUntil(lambda: len(warned) == 2)
    assert files() == before  # the store, its WAL and key file: byte for byte
    main.close()
    assert [title for title, _ in warned] == ["Casussen exporteren", "Back-up maken"]
    for _title, detail in warned:
        assert "is de opslag zelf of een bestand ernaast" in detail
    # Still the encrypted store (not a workbook), with its key file, and it still opens.
    assert made.path.read_bytes()[:2] != b"PK"
    assert KeyFile.path_for(made.path).read_bytes() == key_before
    reopened = accounts.unlock(made.path, ACCOUNT, PASSPHRASE)
    try:
        assert [c.first_name for c in cases.list_cases(reopened)] == ["Sanne"]
        assert backup.check(reopened).ok
    finally:
        accounts.lock(reopened)
