"""Issue 13, item 7 in the window: a series that starts in the past asks what those dates are."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import MeetingStatus
from casusoverleg.services import meetings
from casusoverleg.services.store import Store
from tests.helpers.ui import idle, screen

from ui.meetings.series_dialog import SeriesDialog

TODAY = date(2026, 12, 8)  # a Tuesday
START = date(2026, 9, 15)  # 12 Tuesdays before TODAY


def _open(qtbot: QtBot, dialog: SeriesDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(dialog.name_edit, "Casusoverleg Zwolle")
    dialog.weeks_spin.selectAll()
    qtbot.keyClicks(dialog.weeks_spin, "1")
    dialog.count_spin.selectAll()
    qtbot.keyClicks(dialog.count_spin, "20")
    dialog.public_check.setChecked(False)
    dialog.school_check.setChecked(False)


def test_past_dates_are_a_choice_made_by_keyboard_and_saved_as_held(
    qtbot: QtBot, store: Store
) -> None:
    with screen(qtbot, SeriesDialog(store, start=START, today=TODAY)) as dialog:
        _open(qtbot, dialog)
        assert dialog.past_box.isVisible()
        assert dialog.held_radio.text().replace("&", "") == (
            "De 12 data vóór vandaag zijn al gehouden overleggen"
        )
        assert dialog.from_today_radio.text().replace("&", "") == (
            "Begin bij de eerste datum vanaf vandaag (dinsdag 8 december 2026)"
        )
        # Nothing chosen: Save is refused, Enter saves nothing.
        assert dialog.past_choice() is None
        assert not dialog.save_button.isEnabled()
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
        idle()
        assert dialog.isVisible()
        assert meetings.list_series(store) == []
        # Alt+G chooses "al gehouden"; the preview says which dates those are.
        qtbot.keyClick(dialog, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(dialog.held_radio.isChecked)
        texts = dialog.preview_texts()
        assert texts[0] == ("1", "di 15 september 2026", "al gehouden (verslag in concept)")
        assert texts[12] == ("13", "di 8 december 2026", "")
        assert dialog.save_button.isEnabled()
        with qtbot.waitSignal(dialog.created, timeout=10_000):
            qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    saved = meetings.list_meetings(store)
    assert len(saved) == 20
    assert [m.status for m in saved].count(MeetingStatus.GEHOUDEN) == 12
    assert all(m.status is MeetingStatus.GEHOUDEN for m in saved if m.date < TODAY)
    assert all(m.status is MeetingStatus.GEPLAND for m in saved if m.date >= TODAY)


def test_from_today_chosen_by_its_mnemonic_leaves_the_past_out(qtbot: QtBot, store: Store) -> None:
    with screen(qtbot, SeriesDialog(store, start=START, today=TODAY)) as dialog:
        _open(qtbot, dialog)
        # Alt+A (v_anaf vandaag) moves to the choice and makes it; Space keeps it.
        qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(dialog.from_today_radio.hasFocus)
        qtbot.keyClick(dialog.from_today_radio, Qt.Key.Key_Space)
        assert dialog.from_today_radio.isChecked()
        assert dialog.preview_texts()[0] == ("1", "di 8 december 2026", "")
        with qtbot.waitSignal(dialog.created, timeout=10_000):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = meetings.list_meetings(store)
    assert [m.date for m in saved] == [TODAY + timedelta(weeks=w) for w in range(20)]
    assert {m.status for m in saved} == {MeetingStatus.GEPLAND}


def test_no_choice_shown_for_a_series_from_today(qtbot: QtBot, store: Store) -> None:
    with screen(qtbot, SeriesDialog(store, start=TODAY, today=TODAY)) as dialog:
        _open(qtbot, dialog)
        assert not dialog.past_box.isVisible()
        assert dialog.save_button.isEnabled()
