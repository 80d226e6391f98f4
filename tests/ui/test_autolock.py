"""Auto-lock: after the idle time the screens are emptied and the store closed; typing survives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import accounts, audit
from tests.helpers.stores import ACCOUNT, PASSPHRASE
from tests.helpers.stubs import FakeClock, FakeTimer
from tests.ui.conftest import CASES

from ui.autolock import IdleWatcher
from ui.cases import COL_NAME
from ui.mainwindow import MainWindow

IDLE_MS = 200


@pytest.fixture
def window(qtbot: QtBot, store_path: Path) -> Iterator[MainWindow]:
    """A main window on the Casussen screen, its cases loaded (the test sets the idle time)."""
    # A long idle time while setting up: on a busy machine 200 ms can pass before the cases
    # or the case form arrive, and the window would lock itself half-way. The test shortens it
    # just before it stops giving input.
    main = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE), idle_lock_ms=60_000)
    qtbot.addWidget(main)
    main.show()
    main.show_section("Casussen")
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == len(CASES))
    yield main
    main.close()


def _mouse_move() -> None:
    target = QApplication.instance()
    assert target is not None
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(1, 1),
        QPointF(1, 1),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, move)


def test_the_watcher_fires_only_after_a_quiet_interval(qtbot: QtBot) -> None:
    clock, timer = FakeClock(), FakeTimer()
    watcher = IdleWatcher(150, clock=clock, timer=timer)
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    watcher.start()
    try:
        assert timer.started_with == [150]
        # Input keeps it from firing: a mouse move every 50 ms for 300 ms.
        for _ in range(6):
            clock.advance_ms(50)
            _mouse_move()
        # The timer comes due 150 ms after the start; the last input was 0 ms ago.
        timer.fire()
        assert fired == []
        assert timer.started_with[-1] == 150  # re-armed for a whole interval after the input
        clock.advance_ms(140)
        timer.fire()
        assert fired == []
        assert timer.started_with[-1] == 10
        clock.advance_ms(10)
        timer.fire()
        assert fired == [True]
    finally:
        watcher.stop()
    assert not watcher.running


def test_a_shorter_idle_time_counts_from_the_last_input(qtbot: QtBot) -> None:
    clock, timer = FakeClock(), FakeTimer()
    watcher = IdleWatcher(60_000, clock=clock, timer=timer)
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    watcher.start()
    try:
        clock.advance_ms(40_000)
        watcher.set_interval_ms(30_000)  # Instellingen: a shorter time, already passed
        assert timer.started_with[-1] == 0
        timer.fire()
        assert fired == [True]
    finally:
        watcher.stop()


def test_idle_locks_empties_the_screens_and_keeps_the_typed_text(
    qtbot: QtBot, window: MainWindow, store_path: Path
) -> None:
    view = window.cases_view
    row = [view.model.index(r, COL_NAME).data() for r in range(view.model.rowCount())].index(
        "Emma Bakker"
    )
    view.table.setFocus()
    view.table.selectRow(row)
    with qtbot.waitSignal(view.form.loaded):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    form = view.form
    form.school_edit.setFocus()
    form.school_edit.selectAll()
    qtbot.keyClicks(form.school_edit, "Getypt voordat de telefoon ging")
    store = window.store
    assert store is not None

    # Now nobody touches the keyboard or the mouse (for 200 ms, counted from the last key).
    window.idle_watcher.set_interval_ms(IDLE_MS)
    with qtbot.waitSignal(window.locked, timeout=5000):
        pass
    assert store.closed and window.store is None
    assert view.model.rowCount() == 0
    assert form.school_edit.text() == "" and form.first_name_edit.text() == ""
    assert window.account_label.text() == "Vergrendeld"
    dialog = window.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert "zonder gebruik" in dialog.intro_label.text()

    # The unlock dialog waits: no second lock while it is open.
    qtbot.wait(IDLE_MS * 2)
    assert not window.idle_watcher.running

    # Back to a long idle time, so a slow reload cannot lock the window again mid-test.
    window.idle_watcher.set_interval_ms(60_000)
    with qtbot.waitSignal(form.loaded, timeout=5000):
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    assert form.first_name_edit.text() == "Emma"
    assert form.school_edit.text() == "Getypt voordat de telefoon ging"
    assert window.idle_watcher.running

    # The typed text was never written: the store still has the old school.
    reopened = window.store
    assert reopened is not None
    events = audit.list_events(reopened, account=ACCOUNT)
    assert any(e.action == AuditAction.LOCK for e in events)
    assert not any(e.action == AuditAction.UPDATE for e in events)


def test_the_idle_time_comes_from_the_settings(qtbot: QtBot, store_path: Path) -> None:
    from casusoverleg.services import settings

    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    settings.set_setting(store, "idle_lock_minutes", 7)
    main = MainWindow(store)
    qtbot.addWidget(main)
    main.show()
    try:
        qtbot.waitUntil(lambda: main.idle_watcher.interval_ms == 7 * 60_000)
        assert main.idle_watcher.running
    finally:
        main.close()


def test_a_minute_before_the_lock_the_watcher_warns_and_input_takes_it_back(
    qtbot: QtBot,
) -> None:
    clock, timer = FakeClock(), FakeTimer()
    watcher = IdleWatcher(5 * 60_000, clock=clock, timer=timer)
    warned: list[int] = []
    resumed: list[bool] = []
    fired: list[bool] = []
    watcher.warning.connect(warned.append)
    watcher.resumed.connect(lambda: resumed.append(True))
    watcher.idle.connect(lambda: fired.append(True))
    watcher.start()
    try:
        assert timer.started_with == [4 * 60_000]  # first due at the warning, not the lock
        clock.advance_ms(4 * 60_000)
        timer.fire()
        assert warned == [60] and fired == [] and watcher.warned
        assert timer.started_with[-1] == 60_000
        _mouse_move()  # someone is back: the warning goes, the lock is a whole interval away
        assert resumed == [True] and not watcher.warned
        clock.advance_ms(60_000)
        timer.fire()
        assert fired == []
        assert timer.started_with[-1] == 3 * 60_000  # to the next warning point
        clock.advance_ms(3 * 60_000)
        timer.fire()
        assert warned == [60, 60]
        clock.advance_ms(60_000)
        timer.fire()
        assert fired == [True]
    finally:
        watcher.stop()


def test_the_window_shows_the_lock_warning_until_someone_types(
    qtbot: QtBot, store_path: Path
) -> None:
    clock, timer = FakeClock(), FakeTimer()
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    main = MainWindow(store, idle_lock_ms=5 * 60_000, idle_timer=timer, idle_clock=clock)
    qtbot.addWidget(main)
    main.show()
    try:
        clock.advance_ms(4 * 60_000)
        timer.fire()
        qtbot.waitUntil(main.lock_warning.isVisible)
        assert "vergrendelt over 1 minuut" in main.lock_warning.text()
        assert "toets" in main.lock_warning.accessibleName()
        qtbot.keyClick(main.navigation, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: not main.lock_warning.isVisible())
        clock.advance_ms(60_000)
        timer.fire()
        assert main.store is not None  # the key press kept it unlocked
    finally:
        main.close()
