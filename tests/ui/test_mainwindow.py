"""The main window: title, lock (Ctrl+L) and unlock again, closing locks, the demo says DEMO."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts
from tests.helpers.stores import ACCOUNT, PASSPHRASE
from tests.ui.conftest import CASES

from ui.app import demo_session
from ui.mainwindow import SECTIONS, WORKING_SECTIONS, MainWindow


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
