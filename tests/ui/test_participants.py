"""Deelnemers: add and edit by typing, archive with confirmation (never delete)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import Team
from casusoverleg.services import actions, people
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw
from tests.helpers.transactions import READ, counting_transactions
from tests.helpers.ui import add_leerplicht_owner, add_wijkteam, idle, screen, unlocked

from ui import common, ops, tasks
from ui.participants import ARCHIVED_ROLE, ParticipantsView


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store with two organisations and three people."""
    with unlocked(store_path) as store:
        add_leerplicht_owner(store)
        add_wijkteam(store)
        yield store


@pytest.fixture
def fresh(qtbot: QtBot) -> Iterator[ParticipantsView]:
    """A ParticipantsView that has loaded nothing yet."""
    with screen(qtbot, ParticipantsView()) as widget:
        yield widget


@pytest.fixture
def view(qtbot: QtBot, fresh: ParticipantsView, open_store: Store) -> ParticipantsView:
    """A ParticipantsView on the test store, shown and active (for Ctrl+S and Ctrl+N)."""
    widget = fresh
    widget.resize(1100, 600)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(open_store)
    widget.activateWindow()
    qtbot.waitActive(widget)
    return widget


def _item(view: ParticipantsView, name: str) -> QTreeWidgetItem:
    item = view.item_of(name)
    assert item is not None, name
    return item


def _person(store: Store, name: str) -> people.ParticipantInfo:
    found = [p for p in people.list_participants(store, include_archived=True) if p.name == name]
    assert len(found) == 1
    return found[0]


def _click(qtbot: QtBot, view: ParticipantsView, name: str) -> None:
    rect = view.tree.visualItemRect(_item(view, name))
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _ctrl(qtbot: QtBot, view: ParticipantsView, key: Qt.Key) -> None:
    focus = view.focusWidget() or view
    qtbot.keyClick(focus, key, Qt.KeyboardModifier.ControlModifier)


def test_organisations_with_their_team_and_people_under_them(view: ParticipantsView) -> None:
    org = _item(view, "Sociaal Wijkteam Zwolle")
    assert org.text(1) == "Sociaal Wijkteam"
    assert [org.child(i).text(0) for i in range(org.childCount())] == ["Anouk Smit", "Piet Peters"]
    assert _item(view, "Els de Boer").text(1) == "Leerplichtambtenaar"
    assert view.item_of("Gearchiveerd (0)") is None


def test_add_a_participant_by_typing(
    qtbot: QtBot, view: ParticipantsView, open_store: Store
) -> None:
    _click(qtbot, view, "Sociaal Wijkteam Zwolle")
    _ctrl(qtbot, view, Qt.Key.Key_N)
    editor = view.person_editor
    assert editor.name_edit.hasFocus()
    assert editor.organisation_combo.currentText() == "Sociaal Wijkteam Zwolle (Sociaal Wijkteam)"
    qtbot.keyClicks(editor.name_edit, "Fatima Yilmaz")
    qtbot.keyClicks(editor.function_edit, "Jeugdconsulent")
    qtbot.keyClicks(editor.email_edit, "f.yilmaz@wijkteam.example")
    qtbot.keyClicks(editor.phone_edit, "038 498 00 00")
    with qtbot.waitSignal(view.loaded):
        _ctrl(qtbot, view, Qt.Key.Key_S)
    stored = _person(open_store, "Fatima Yilmaz")
    assert stored.organisation_name == "Sociaal Wijkteam Zwolle"
    assert (stored.function, stored.email, stored.phone) == (
        "Jeugdconsulent",
        "f.yilmaz@wijkteam.example",
        "038 498 00 00",
    )
    assert view.tree.currentItem() is _item(view, "Fatima Yilmaz")
    assert view.message_label.text() == "Fatima Yilmaz is opgeslagen."


def test_a_wrong_email_and_a_missing_name_are_shown_next_to_the_field(
    qtbot: QtBot, view: ParticipantsView, open_store: Store
) -> None:
    qtbot.mouseClick(view.new_person_button, Qt.MouseButton.LeftButton)
    editor = view.person_editor
    qtbot.keyClicks(editor.email_edit, "f.yilmaz wijkteam")
    _ctrl(qtbot, view, Qt.Key.Key_S)
    assert editor.errors["name"].text() == "Vul de naam in."
    assert editor.errors["email"].isVisible()
    assert editor.errors["organisation"].isVisible()
    assert editor.email_edit.text() == "f.yilmaz wijkteam"
    assert len(people.list_participants(open_store)) == 3
    assert tasks.is_idle()


def test_edit_a_participant_by_typing(
    qtbot: QtBot, view: ParticipantsView, open_store: Store
) -> None:
    _click(qtbot, view, "Piet Peters")
    editor = view.person_editor
    assert editor.name_edit.text() == "Piet Peters"
    assert not editor.save_button.isEnabled()
    editor.phone_edit.setFocus()
    qtbot.keyClicks(editor.phone_edit, "06 12345678")
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert _person(open_store, "Piet Peters").phone == "06 12345678"
    assert _item(view, "Piet Peters").text(3) == "06 12345678"


def test_add_and_rename_an_organisation(
    qtbot: QtBot, view: ParticipantsView, open_store: Store
) -> None:
    qtbot.mouseClick(view.new_org_button, Qt.MouseButton.LeftButton)
    editor = view.org_editor
    qtbot.keyClicks(editor.name_edit, "OBS De Toermalijn")
    editor.team_combo.setFocus()
    qtbot.keyClicks(editor.team_combo, "Sch")
    assert editor.team_combo.currentData() == "SCHOOL"
    with qtbot.waitSignal(view.loaded):
        _ctrl(qtbot, view, Qt.Key.Key_S)
    assert _item(view, "OBS De Toermalijn").text(1) == "School"

    editor.name_edit.setFocus()
    qtbot.keyClicks(editor.name_edit, " (Zwolle-Zuid)")
    with qtbot.waitSignal(view.loaded):
        _ctrl(qtbot, view, Qt.Key.Key_S)
    names = [o.name for o in people.list_organisations(open_store)]
    assert "OBS De Toermalijn (Zwolle-Zuid)" in names
    assert "OBS De Toermalijn" not in names


def test_archiving_asks_first_and_keeps_the_name_on_past_actions(
    qtbot: QtBot, view: ParticipantsView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    piet = _person(open_store, "Piet Peters")
    actions.create_action(
        open_store, description="Ouders bellen", owner_id=piet.id, due_date=date(2030, 1, 1)
    )
    answers = [False, True]
    monkeypatch.setattr(common, "ask", lambda *_a, **_k: answers.pop(0))
    _click(qtbot, view, "Piet Peters")
    qtbot.mouseClick(view.person_editor.archive_button, Qt.MouseButton.LeftButton)
    assert tasks.is_idle()  # "Annuleren": nothing was written
    assert _person(open_store, "Piet Peters").archived_on is None

    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(view.person_editor.archive_button, Qt.MouseButton.LeftButton)
    assert _person(open_store, "Piet Peters").archived_on == date.today()
    # Shown greyed under "Gearchiveerd", no longer under the organisation.
    item = _item(view, "Piet Peters")
    parent = item.parent()
    assert parent is not None
    assert parent.text(0) == "Gearchiveerd (1)"
    assert item.data(0, ARCHIVED_ROLE) is True
    assert item.text(1) == "Jeugdconsulent, Sociaal Wijkteam Zwolle"
    assert item.foreground(0).color() != _item(view, "Anouk Smit").foreground(0).color()
    assert view.person_editor.archived_label.isVisible()
    assert view.person_editor.name_edit.isReadOnly()
    assert not view.person_editor.archive_button.isVisible()
    # Never deleted: the action keeps its owner's name.
    [action] = actions.list_actions(open_store, include_done=True)
    assert action.owner_name == "Piet Peters"


def test_the_filter_finds_people_by_organisation(qtbot: QtBot, view: ParticipantsView) -> None:
    qtbot.keyClicks(view.filter_edit, "wijkteam")
    assert _item(view, "Els de Boer").isHidden()
    assert not _item(view, "Piet Peters").isHidden()
    view.filter_edit.clear()
    assert not _item(view, "Els de Boer").isHidden()


def test_a_lock_drops_the_names_and_keeps_what_was_typed(
    qtbot: QtBot, view: ParticipantsView, open_store: Store
) -> None:
    _click(qtbot, view, "Anouk Smit")
    view.person_editor.function_edit.setFocus()
    view.person_editor.function_edit.selectAll()
    qtbot.keyClicks(view.person_editor.function_edit, "Teamleider")
    view.clear()
    assert view.tree.topLevelItemCount() == 0
    assert view.person_editor.name_edit.text() == ""
    assert view.person_editor.function_edit.text() == ""
    with qtbot.waitSignal(view.loaded):
        view.load(open_store)
    assert view.person_editor.name_edit.text() == "Anouk Smit"
    assert view.person_editor.function_edit.text() == "Teamleider"
    assert view.is_dirty()


def test_leaving_unsaved_changes_asks(
    qtbot: QtBot, view: ParticipantsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [common.CANCEL, common.DISCARD]
    monkeypatch.setattr(common, "ask_save_changes", lambda *_a: answers.pop(0))
    _click(qtbot, view, "Anouk Smit")
    view.person_editor.phone_edit.setFocus()
    qtbot.keyClicks(view.person_editor.phone_edit, "0612")
    _click(qtbot, view, "Els de Boer")
    assert view.person_editor.name_edit.text() == "Anouk Smit"
    assert view.person_editor.phone_edit.text() == "0612"
    _click(qtbot, view, "Els de Boer")
    assert view.person_editor.name_edit.text() == "Els de Boer"
    assert answers == []


def test_loading_reads_the_organisations_and_the_people_in_one_transaction(
    qtbot: QtBot, fresh: ParticipantsView, open_store: Store
) -> None:
    widget = fresh
    with counting_transactions(open_store) as begun:
        with qtbot.waitSignal(widget.loaded):
            widget.load(open_store)
        idle()
    # One read: organisations and people from the same snapshot.
    assert begun == [READ]


def test_saving_announces_a_change_of_people(
    qtbot: QtBot, view: ParticipantsView, open_store: Store
) -> None:
    _click(qtbot, view, "Els de Boer")
    view.person_editor.phone_edit.setFocus()
    qtbot.keyClicks(view.person_editor.phone_edit, "038 498 11 11")
    with qtbot.waitSignal(ops.change_bus().did_change) as announced:
        _ctrl(qtbot, view, Qt.Key.Key_S)
    assert announced.args == [ops.Change.PEOPLE, view]
    idle()
    assert not view.person_editor.save_button.isEnabled()  # saved: nothing left to save


def test_a_refused_save_is_said_in_dutch_and_the_text_stays(
    qtbot: QtBot, view: ParticipantsView, open_store: Store
) -> None:
    people.create_organisation(open_store, "Tijdelijk project", Team.ZORGAANBIEDER)
    with qtbot.waitSignal(view.loaded):
        view.load(open_store)
    _click(qtbot, view, "Els de Boer")
    combo = view.person_editor.organisation_combo
    combo.setCurrentIndex(combo.findText("Tijdelijk project", Qt.MatchFlag.MatchStartsWith))
    # Another workstation removes the organisation before this save arrives.
    conn = connect_raw(open_store.path, open_store.key)
    try:
        conn.execute("DELETE FROM organisation WHERE name = 'Tijdelijk project'")
        conn.commit()
    finally:
        conn.close()
    with qtbot.assertNotEmitted(ops.change_bus().did_change):
        qtbot.mouseClick(view.person_editor.save_button, Qt.MouseButton.LeftButton)
        idle()
    assert view.message_label.text() == "Niet gelukt: Kies een bestaande organisatie."
    assert "#b00020" in view.message_label.styleSheet()
    assert combo.currentText().startswith("Tijdelijk project")  # what was chosen stays
    assert view.person_editor.save_button.isEnabled()
    assert _person(open_store, "Els de Boer").organisation_name == "Team Leerplicht Zwolle"


def test_a_lock_while_saving_leaves_the_editor_usable(
    qtbot: QtBot, view: ParticipantsView, open_store: Store
) -> None:
    _click(qtbot, view, "Anouk Smit")
    view.person_editor.phone_edit.setFocus()
    qtbot.keyClicks(view.person_editor.phone_edit, "0612")
    _ctrl(qtbot, view, Qt.Key.Key_S)
    view.clear()  # the store locks before the save comes back
    idle()
    with qtbot.waitSignal(view.loaded):
        view.load(open_store)
    _click(qtbot, view, "Piet Peters")
    view.person_editor.phone_edit.setFocus()
    qtbot.keyClicks(view.person_editor.phone_edit, "0613")
    assert view.person_editor.save_button.isEnabled()
