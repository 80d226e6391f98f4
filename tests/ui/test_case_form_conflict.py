"""The case form when someone else saved the case meanwhile: a Dutch conflict that shows both
values of each differing field, keeps what was typed, and lets the user save theirs over it or
load the other version."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.services import cases
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT
from tests.helpers.ui import case_of, open_case_by_keyboard, shown_cases_view, unlocked

from ui import common, tasks
from ui.case_form import CaseForm
from ui.case_form import conflict as conflict_ui
from ui.cases import CasesView

NOTE = "Moeder gebeld over het rooster."


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store, unlocked."""
    with unlocked(store_path) as store:
        yield store


@pytest.fixture
def view(qtbot: QtBot, open_store: Store) -> CasesView:
    """A CasesView on the test store, shown and active."""
    return shown_cases_view(qtbot, open_store, 1200, 700)


def _retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _typed_after_someone_else_saved(qtbot: QtBot, view: CasesView, store: Store) -> CaseForm:
    """Sanne's case open in the form, a note typed, while another client changed her school."""
    form = open_case_by_keyboard(qtbot, view, "Sanne de Vries")
    stored = case_of(store, "sanne")
    cases.update_case(store, stored.id, replace(stored.to_input(), school="Het Stedelijk"))
    form.notes_edit.setFocus()
    qtbot.keyClicks(form.notes_edit, NOTE)
    return form


def _choosing(monkeypatch: pytest.MonkeyPatch, choice: str) -> list[tuple[str, str]]:
    asked: list[tuple[str, str]] = []

    def choose(_parent: object, text: str, detail: str) -> str:
        asked.append((text, detail))
        return choice

    monkeypatch.setattr(conflict_ui, "choose", choose)
    return asked


def _press_save(qtbot: QtBot, form: CaseForm) -> None:
    qtbot.keyClick(form.first_name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_a_conflict_shows_both_versions_and_keeps_what_was_typed(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = case_of(open_store, "sanne").school
    form = _typed_after_someone_else_saved(qtbot, view, open_store)
    asked = _choosing(monkeypatch, conflict_ui.LATER)
    with qtbot.waitSignal(form.save_failed):
        _press_save(qtbot, form)
    [(text, detail)] = asked
    assert text.startswith(f"{ACCOUNT} heeft deze casus intussen gewijzigd (om ")
    assert f"School:\n  uw versie: {school}\n  hun versie: Het Stedelijk" in detail
    assert f"Notities:\n  uw versie: {NOTE}\n  hun versie: (leeg)" in detail
    assert "intussen gewijzigd" in form.message_label.text()
    assert form.notes_edit.toPlainText() == NOTE and form.school_edit.text() == school
    assert form.is_dirty()
    stored = case_of(open_store, "sanne")
    assert (stored.school, stored.notes, stored.version) == ("Het Stedelijk", "", 2)
    tasks.wait_for_idle()


def test_save_mine_saves_over_their_version(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = case_of(open_store, "sanne").school
    form = _typed_after_someone_else_saved(qtbot, view, open_store)
    _choosing(monkeypatch, conflict_ui.MINE)
    with qtbot.waitSignals([form.save_failed, form.saved], order="strict"):
        _press_save(qtbot, form)
    stored = case_of(open_store, "sanne")
    assert (stored.school, stored.notes, stored.version) == (school, NOTE, 3)
    assert not form.is_dirty()
    tasks.wait_for_idle()


def test_load_theirs_drops_the_typed_values_after_a_confirmation(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = _typed_after_someone_else_saved(qtbot, view, open_store)
    _choosing(monkeypatch, conflict_ui.THEIRS)
    answers = iter([False, True])
    monkeypatch.setattr(common, "ask", lambda *_args, **_kwargs: next(answers))
    with qtbot.waitSignal(form.save_failed):
        _press_save(qtbot, form)  # "Terug": nothing is dropped
    assert form.notes_edit.toPlainText() == NOTE
    with qtbot.waitSignals([form.save_failed, form.loaded], order="strict"):
        _press_save(qtbot, form)
    assert form.school_edit.text() == "Het Stedelijk"
    assert form.notes_edit.toPlainText() == ""
    assert not form.is_dirty()
    # Their version is now the one loaded: the next save is no conflict.
    _retype(qtbot, form.school_edit, "De Tol")
    with qtbot.waitSignal(form.saved):
        _press_save(qtbot, form)
    assert case_of(open_store, "sanne").school == "De Tol"
    tasks.wait_for_idle()


def test_the_choice_is_asked_in_dutch_and_escape_chooses_nothing_yet(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[list[str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append([button.text() for button in box.buttons()])
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, answer)
    assert conflict_ui.choose(parent, "Iemand heeft deze casus gewijzigd.", "") == conflict_ui.LATER
    assert sorted(seen[0]) == sorted(
        [conflict_ui.SAVE_MINE, conflict_ui.LOAD_THEIRS, conflict_ui.NOT_YET]
    )


def test_a_change_saved_during_a_lock_is_a_conflict_not_overwritten(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = open_case_by_keyboard(qtbot, view, "Sanne de Vries")
    form.notes_edit.setFocus()
    qtbot.keyClicks(form.notes_edit, NOTE)
    view.clear()  # the store locks with unsaved typing
    stored = case_of(open_store, "sanne")  # another client saves during the lock
    cases.update_case(open_store, stored.id, replace(stored.to_input(), school="Het Stedelijk"))
    with qtbot.waitSignal(form.loaded):
        view.load(open_store)
    assert form.notes_edit.toPlainText() == NOTE  # the typed text is back
    asked = _choosing(monkeypatch, conflict_ui.LATER)
    with qtbot.waitSignal(form.save_failed):
        _press_save(qtbot, form)
    [(text, _detail)] = asked
    assert text.startswith(f"{ACCOUNT} heeft deze casus intussen gewijzigd")
    after = case_of(open_store, "sanne")
    assert (after.school, after.notes, after.version) == ("Het Stedelijk", "", 2)
    tasks.wait_for_idle()
