"""Meeting mode when someone else saved the minutes of the item being typed (issue 15): the
autosave meets a Dutch conflict, the typed text stays, and the user's choice is carried out.
Also the lock gap: text kept over a lock still builds on the version it was typed on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from casusoverleg.services import agenda, minutes
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import add_case, add_meeting
from tests.helpers.stores import ACCOUNT, make_store

from ui import common, tasks
from ui.meeting_mode import MeetingModeWindow
from ui.meeting_mode import minutes_conflict as conflict_ui


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store with one meeting whose agenda holds one case."""
    opened, _ = make_store(tmp_path)
    add_case(opened, "2027-0001")
    agenda.build_agenda(opened, add_meeting(opened, date(2027, 5, 18)))
    yield opened
    opened.close()


@pytest.fixture
def window(qtbot: QtBot, store: Store) -> Iterator[MeetingModeWindow]:
    """Meeting mode on the case item, shown, loaded and active."""
    meeting_id = _meeting(store)
    widget = MeetingModeWindow(meeting_id)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(store)
    widget.activateWindow()
    qtbot.waitActive(widget)
    widget.go_to(next(i for i, item in enumerate(widget.items, 1) if item.case_id is not None))
    yield widget
    tasks.wait_for_idle()


def _meeting(store: Store) -> int:
    return next(iter(agenda.agenda_counts(store)))


def _typed_and_saved(qtbot: QtBot, window: MeetingModeWindow, text: str) -> int:
    item = window.current_item
    assert item is not None
    with qtbot.waitSignal(window.saved):
        qtbot.keyClicks(window.item_page.notes_edit, text)
    tasks.wait_for_idle()
    return item.id


def _choosing(monkeypatch: pytest.MonkeyPatch, choice: str) -> list[tuple[str, str]]:
    asked: list[tuple[str, str]] = []

    def choose(_parent: object, text: str, detail: str) -> str:
        asked.append((text, detail))
        return choice

    monkeypatch.setattr(conflict_ui, "choose", choose)
    return asked


def test_a_conflict_keeps_the_typed_text_and_my_version_stores_it(
    qtbot: QtBot, window: MeetingModeWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    item_id = _typed_and_saved(qtbot, window, "Moeder belt.")
    minutes.save_entry(store, item_id, notes="Moeder belt morgen.")  # another client
    asked = _choosing(monkeypatch, conflict_ui.LATER)
    with qtbot.waitSignal(window.save_failed):
        qtbot.keyClicks(window.item_page.notes_edit, " Vader ook.")
    tasks.wait_for_idle()
    text, detail = asked[0]
    assert text.startswith(f"{ACCOUNT} heeft het verslag van dit punt intussen gewijzigd (om ")
    assert "uw versie: Moeder belt. Vader ook." in detail
    assert "hun versie: Moeder belt morgen." in detail
    # Nothing lost, nothing written: the typed text is on screen, theirs in the store.
    assert window.item_page.notes_edit.toPlainText() == "Moeder belt. Vader ook."
    assert minutes.get_entry(store, item_id).notes == "Moeder belt morgen."
    assert "Niet opgeslagen" in window.status_label.text()
    assert window.has_unsaved()

    # The next save meets the same choice; now "Mijn versie opslaan".
    asked = _choosing(monkeypatch, conflict_ui.MINE)
    with qtbot.waitSignal(window.saved):
        window.retry_button.click()
    tasks.wait_for_idle()
    assert len(asked) == 1
    stored = minutes.get_entry(store, item_id)
    assert (stored.notes, stored.version) == ("Moeder belt. Vader ook.", 3)
    qtbot.waitUntil(lambda: window.status_label.text() == "✓ Opgeslagen")


def test_their_version_is_loaded_after_confirmation(
    qtbot: QtBot, window: MeetingModeWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    item_id = _typed_and_saved(qtbot, window, "Moeder belt.")
    minutes.save_entry(store, item_id, notes="Moeder belt morgen.")
    _choosing(monkeypatch, conflict_ui.THEIRS)
    confirmed: list[str] = []
    monkeypatch.setattr(common, "ask", lambda _p, title, *_a, **_k: confirmed.append(title) or True)
    with qtbot.waitSignal(window.save_failed):
        qtbot.keyClicks(window.item_page.notes_edit, " Vader ook.")
    tasks.wait_for_idle()
    assert confirmed == ["Hun versie laden?"]
    assert window.item_page.notes_edit.toPlainText() == "Moeder belt morgen."
    assert minutes.get_entry(store, item_id).notes == "Moeder belt morgen."
    assert not window.has_unsaved()


def test_a_field_only_they_changed_is_taken_in_not_undone(
    qtbot: QtBot, window: MeetingModeWindow, store: Store
) -> None:
    item_id = _typed_and_saved(qtbot, window, "Moeder belt.")
    minutes.save_entry(store, item_id, decision="Advies volgt.")  # another client
    with qtbot.waitSignal(window.saved):
        qtbot.keyClicks(window.item_page.notes_edit, " Vader ook.")
    tasks.wait_for_idle()
    stored = minutes.get_entry(store, item_id)
    assert (stored.notes, stored.decision) == ("Moeder belt. Vader ook.", "Advies volgt.")
    assert window.item_page.decision_edit.toPlainText() == "Advies volgt."
    assert not window.has_unsaved()


def test_text_kept_over_a_lock_does_not_overwrite_a_change_made_during_it(
    qtbot: QtBot, window: MeetingModeWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    item_id = _typed_and_saved(qtbot, window, "Moeder belt.")
    qtbot.keyClicks(window.item_page.notes_edit, " Vader ook.")
    window.clear()  # locked before the save timer fired
    tasks.wait_for_idle()
    minutes.save_entry(store, item_id, notes="Anders, tijdens het slot.")  # another client
    asked = _choosing(monkeypatch, conflict_ui.LATER)
    with qtbot.waitSignal(window.save_failed):
        window.load(store)
    tasks.wait_for_idle()
    assert len(asked) == 1
    assert window.item_page.notes_edit.toPlainText() == "Moeder belt. Vader ook."
    assert minutes.get_entry(store, item_id).notes == "Anders, tijdens het slot."
