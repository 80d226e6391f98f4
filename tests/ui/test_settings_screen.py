"""Instellingen: the idle time is typed, saved in the store (logged) and used at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import accounts, audit, settings
from tests.helpers.stores import ACCOUNT, PASSPHRASE

from ui import tasks
from ui.mainwindow import MainWindow


def test_typing_a_new_idle_time_saves_it_and_the_window_uses_it(
    qtbot: QtBot, store_path: Path
) -> None:
    window = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE))
    qtbot.addWidget(window)
    window.show()
    try:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        view = window.settings_view
        with qtbot.waitSignal(view.loaded):
            qtbot.keySequence(window, QKeySequence("Ctrl+8"))
        assert window.current_section == "Instellingen"
        assert view.idle_spin.value() == 5
        assert not view.save_button.isEnabled()

        view.idle_spin.setFocus()
        view.idle_spin.selectAll()
        qtbot.keyClicks(view.idle_spin, "12")
        assert view.save_button.isEnabled()
        with qtbot.waitSignal(view.saved):
            qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        assert view.status_label.text() == "Opgeslagen."
        assert window.idle_watcher.interval_ms == 12 * 60_000
        store = window.store
        assert store is not None
        assert settings.load_settings(store).idle_lock_minutes == 12
        change = audit.list_events(store, limit=1)[0]
        assert change.action == AuditAction.UPDATE and change.object_id == "idle_lock_minutes"
        assert change.detail.endswith("5 → 12")

        view.clear()
        assert not view.idle_spin.isEnabled() and not view.save_button.isEnabled()
        qtbot.waitUntil(tasks.is_idle)
    finally:
        window.close()
