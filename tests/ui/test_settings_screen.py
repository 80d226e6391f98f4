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


def test_every_setting_is_typed_saved_in_one_go_and_logged(qtbot: QtBot, store_path: Path) -> None:
    window = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE))
    qtbot.addWidget(window)
    window.show()
    try:
        view = window.settings_view
        with qtbot.waitSignal(view.loaded):
            window.show_section("Instellingen")
        view.organisation_edit.setFocus()
        qtbot.keyClicks(view.organisation_edit, "Gemeente Zwolle, team Leerplicht")
        view.region_combo.setFocus()
        qtbot.keyClick(view.region_combo, Qt.Key.Key_Down)  # noord → midden
        for spin, text in ((view.retention_spin, "20"), (view.meeting_spin, "90")):
            spin.setFocus()
            spin.selectAll()
            qtbot.keyClicks(spin, text)
        with qtbot.waitSignal(view.saved):
            qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        store = window.store
        assert store is not None
        saved = settings.load_settings(store)
        assert saved.organisation_name == "Gemeente Zwolle, team Leerplicht"
        assert saved.region == "midden"
        assert saved.retention_years == 20
        assert saved.default_meeting_minutes == 90
        changed = {e.object_id for e in audit.list_events(store, limit=4)}
        assert changed == {
            "organisation_name",
            "region",
            "retention_years",
            "default_meeting_minutes",
        }
        assert not view.save_button.isEnabled()
        qtbot.waitUntil(tasks.is_idle)
    finally:
        window.close()
