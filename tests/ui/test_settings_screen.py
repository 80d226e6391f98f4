"""Instellingen: the idle time is typed, saved in the store (logged) and used at once."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import accounts, audit, settings
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE

from ui import ops, tasks
from ui.mainwindow import MainWindow
from ui.ops import Change
from ui.settings import SettingsView


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


@pytest.fixture
def view(qtbot: QtBot, store: Store) -> SettingsView:
    """The settings screen on its own, loaded from a fresh store."""
    widget = SettingsView()
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(store)
    return widget


def _type_idle_minutes(qtbot: QtBot, view: SettingsView, text: str) -> None:
    view.idle_spin.setFocus()
    view.idle_spin.selectAll()
    qtbot.keyClicks(view.idle_spin, text)


def test_a_save_announces_the_change_and_the_new_idle_time(
    qtbot: QtBot, view: SettingsView
) -> None:
    _type_idle_minutes(qtbot, view, "7")
    with (
        qtbot.waitSignal(view.idle_lock_minutes_changed) as idle,
        qtbot.waitSignal(ops.change_bus().did_change) as announced,
    ):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert idle.args == [7]
    assert announced.args == [Change.SETTINGS, view]
    assert view.status_label.text() == "Opgeslagen." and not view.save_button.isEnabled()


def test_a_dutch_refusal_is_shown_and_the_button_comes_back(
    qtbot: QtBot, view: SettingsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_store: Store, _changes: object) -> settings.Settings:
        raise BadInput("Deze waarde kan niet.")

    monkeypatch.setattr(settings, "set_settings", refuse)
    _type_idle_minutes(qtbot, view, "7")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.status_label.text() != "")
    assert view.status_label.text() == "Niet gelukt: Deze waarde kan niet."
    assert view.save_button.isEnabled()


def test_an_unexpected_error_goes_to_the_crash_dialog_and_the_button_comes_back(
    qtbot: QtBot, view: SettingsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    handled: list[type[BaseException]] = []

    def hook(kind: type[BaseException], _exc: BaseException, _tb: TracebackType | None) -> None:
        handled.append(kind)

    def broken(_store: Store, _changes: object) -> settings.Settings:
        raise ZeroDivisionError

    monkeypatch.setattr(sys, "excepthook", hook)
    monkeypatch.setattr(settings, "set_settings", broken)
    _type_idle_minutes(qtbot, view, "7")
    with qtbot.assertNotEmitted(view.saved):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(handled))
    assert handled == [ZeroDivisionError]
    assert view.save_button.isEnabled()
    assert view.status_label.text() == ""
