"""Whole journeys through the main window, counted in user actions (issue: "in three actions")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AttendanceStatus, MeetingStatus
from casusoverleg.services import accounts, documents, meetings

from ui import pdf_preview
from ui.mainwindow import MainWindow
from ui.meeting_mode import MeetingModeWindow
from ui.meetings import MeetingsView


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> Iterator[MainWindow]:
    """The main window on a fresh demo store (a series with a next meeting and its agenda)."""
    path = demo_path
    store = accounts.unlock(path, "demo", "demo")
    main = MainWindow(store)
    qtbot.addWidget(main)
    main.show()
    main.activateWindow()
    qtbot.waitActive(main)
    yield main
    pdf_preview.close_all_previews()
    main.close()


def _meetings_view(window: MainWindow) -> MeetingsView:
    view = window.screens["Overleggen"]
    assert isinstance(view, MeetingsView)
    return view


def test_the_next_agenda_as_pdf_in_at_most_three_user_actions(
    qtbot: QtBot, window: MainWindow
) -> None:
    store = window.store
    assert store is not None
    next_id = documents.next_meeting_id(store)
    actions = 0

    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    actions += 1
    view = _meetings_view(window)
    qtbot.waitUntil(lambda: view.page.builder.pdf_button.isEnabled())
    assert view.selected_meeting is not None
    assert view.selected_meeting.id == next_id

    if not view.page.builder.isVisible():
        qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        actions += 1
    qtbot.waitUntil(view.page.builder.isVisible)

    qtbot.mouseClick(view.page.builder.pdf_button, Qt.MouseButton.LeftButton)
    actions += 1
    qtbot.waitUntil(lambda: bool(pdf_preview.open_previews()))
    (preview,) = pdf_preview.open_previews()
    qtbot.waitUntil(lambda: preview.page_count > 0, timeout=10_000)

    assert actions <= 3, actions
    print(f"agenda PDF after {actions} user actions")
    assert preview.request.kind == "agenda"
    assert preview.request.meeting_id == next_id


def test_meeting_mode_opens_from_overleggen_and_survives_a_lock(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    view = _meetings_view(window)
    qtbot.waitUntil(lambda: view.selected_meeting is not None)
    meeting = view.selected_meeting
    assert meeting is not None and meeting.status == MeetingStatus.GEPLAND

    qtbot.waitUntil(view.page.mode_button.isEnabled)
    qtbot.mouseClick(view.page.mode_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.meeting_mode is not None)
    mode = window.meeting_mode
    assert isinstance(mode, MeetingModeWindow)
    qtbot.waitUntil(mode.isVisible)

    with qtbot.waitSignal(window.locked):
        window.lock()
    dialog = window.unlock_dialog
    assert dialog is not None
    with qtbot.waitSignal(window.unlocked):
        qtbot.keyClicks(dialog.passphrase_edit, "demo")
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    assert window.meeting_mode is mode
    store = window.store
    assert store is not None
    attendance = meetings.list_attendance(store, meeting.id)
    assert any(a.status == AttendanceStatus.AANWEZIG for a in attendance)
    mode.close()
    qtbot.waitUntil(lambda: window.meeting_mode is None)
    QApplication.processEvents()
