"""The case form: create and edit by typing, validation next to the field, nothing lost."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction, CaseStatus, ExemptionGround
from casusoverleg.errors import BadInput
from casusoverleg.services import accounts, audit, cases, documents, settings
from casusoverleg.services.cases import CaseRecord
from casusoverleg.services.store import Store
from tests.helpers.pdfs import all_text, squashed
from tests.helpers.stores import ACCOUNT, PASSPHRASE
from tests.helpers.transactions import WRITE, counting_transactions
from tests.helpers.ui import (
    add_leerplicht_owner,
    case_of,
    open_case_by_keyboard,
    shown_cases_view,
    unlocked,
)
from tests.ui.conftest import CASES

from ui import common, ops, tasks
from ui.case_form import TAB_ACTIONS, TAB_LOG, CaseForm
from ui.cases import CasesView
from ui.mainwindow import MainWindow, reload_wanted
from ui.ops import Change


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store, unlocked, with one casushouder."""
    with unlocked(store_path) as store:
        add_leerplicht_owner(store)
        yield store


@pytest.fixture
def view(qtbot: QtBot, open_store: Store) -> CasesView:
    """A CasesView on the test store at 1200×700, shown and active."""
    return shown_cases_view(qtbot, open_store, 1200, 700)


def _retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _save(qtbot: QtBot, form: CaseForm) -> None:
    with qtbot.waitSignal(form.saved):
        qtbot.keyClick(form.first_name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_new_case_typed_with_ctrl_n_and_saved_with_ctrl_s(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    with qtbot.waitSignal(view.form.loaded):
        qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = view.form
    assert view.is_form_shown()
    assert form.title_label.text() == "Nieuwe casus"
    assert form.first_name_edit.hasFocus()
    qtbot.keyClicks(form.first_name_edit, "Lotte")
    qtbot.keyClicks(form.last_name_edit, "van der Veen")
    qtbot.keyClicks(form.dates["birth_date"].edit, "14-2-2013")
    qtbot.keyClicks(form.school_edit, "Het Stedelijk Lyceum")
    form.ground_combo.setFocus()
    qtbot.keyClicks(form.ground_combo, "thuis")
    assert form.ground_combo.currentData() == "THUISZITTER"
    form.owner_combo.setFocus()
    qtbot.keyClicks(form.owner_combo, "Els")
    qtbot.keyClicks(form.dates["absent_since"].edit, "01-06-2026")
    qtbot.keyClicks(form.notes_edit, "Moeder belde: ziek sinds juni.")
    assert form.is_dirty()
    assert form.title_label.text().endswith("•")
    assert "3 maanden" in form.signal_labels["thuiszitter"].text()

    _save(qtbot, form)
    stored = case_of(open_store, "lotte")
    assert (stored.first_name, stored.last_name) == ("Lotte", "van der Veen")
    assert stored.birth_date == date(2013, 2, 14)
    assert stored.ground == ExemptionGround.THUISZITTER
    assert stored.absent_since == date(2026, 6, 1)
    assert stored.owner_name == "Els de Boer"
    assert stored.registered_on == date.today()
    assert stored.notes == "Moeder belde: ziek sinds juni."
    # The form now shows the stored case, number given; the list has the new row.
    assert form.case_id == stored.id
    assert form.case_number_edit.text() == stored.case_number
    assert form.dates["birth_date"].text() == "14-02-2013"
    assert not form.is_dirty()
    assert view.model.total_count == len(CASES) + 1
    assert view.count_label.text() == "6 casussen"
    tasks.wait_for_idle()


def test_enter_on_a_row_opens_the_form_and_the_view_is_logged(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    number = case_of(open_store, "daan").case_number
    before = len(audit.list_events(open_store, case_number=number))
    form = open_case_by_keyboard(qtbot, view, "Daan Jansen")
    events = audit.list_events(open_store, case_number=number)
    assert len(events) == before + 1
    assert events[0].action == AuditAction.VIEW
    assert form.title_label.text() == f"Casus {number} — Daan Jansen"
    assert form.first_name_edit.text() == "Daan"
    assert form.dates["birth_date"].text() == "01-07-2011"
    assert form.ground_combo.currentData() == "THUISZITTER"
    assert form.status_combo.currentData() == "IN_BEHANDELING"
    assert not form.is_dirty()

    # The other tabs came with the case, from the same read: the logboek has this view.
    form.tabs.setCurrentIndex(TAB_LOG)
    assert form.pages.log_table.rowCount() == len(events)
    assert form.pages.log_table.item(0, 3).text() == "inzien"
    assert "in geen overleg besproken" in form.pages.history_view.toPlainText()
    assert form.pages.actions_empty.text() == "Er zijn geen actiepunten bij deze casus."
    tasks.wait_for_idle()


def test_opening_a_case_in_the_form_is_one_transaction(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    with counting_transactions(open_store) as begun:
        form = open_case_by_keyboard(qtbot, view, "Daan Jansen")
        tasks.wait_for_idle()
    assert begun == [WRITE]  # the view is logged in the same transaction
    assert form.first_name_edit.text() == "Daan"
    assert form.pages.log_table.rowCount() > 0
    assert form.tabs.tabText(TAB_ACTIONS) == "Actiep&unten"  # none yet: no count


def _dossier_text(store: Store, case_id: int, path: Path) -> str:
    documents.print_dossier(store, case_id, path)
    return squashed(all_text(path))


def test_one_retention_date_in_the_form_the_case_record_and_the_dossier(
    qtbot: QtBot, view: CasesView, open_store: Store, tmp_path: Path
) -> None:
    settings.set_setting(open_store, "retention_years", 25)
    sanne = case_of(open_store, "sanne")  # born 12-03-2014
    assert sanne.retention_date == date(2039, 3, 12)
    form = open_case_by_keyboard(qtbot, view, "Sanne de Vries")
    shown = form.signal_labels["retention"].text()
    assert shown == "zaterdag 12 maart 2039"
    assert f"bewaard tot {shown}" in _dossier_text(open_store, sanne.id, tmp_path / "a.pdf")
    # The form follows the birth date being typed, with the store's term.
    _retype(qtbot, form.dates["birth_date"].edit, "01-01-2015")
    assert form.signal_labels["retention"].text() == "zondag 1 januari 2040"
    _retype(qtbot, form.dates["birth_date"].edit, "12-03-2014")
    assert not form.is_dirty()

    # The setting changes (Instellingen): the main window reloads this screen; all three follow.
    settings.set_setting(open_store, "retention_years", 19)
    assert reload_wanted(view, Change.SETTINGS, None)
    with qtbot.waitSignal(form.loaded):
        view.load(open_store)
    shown = form.signal_labels["retention"].text()
    assert shown == "zaterdag 12 maart 2033"
    assert case_of(open_store, "sanne").retention_date == date(2033, 3, 12)
    assert f"bewaard tot {shown}" in _dossier_text(open_store, sanne.id, tmp_path / "b.pdf")
    tasks.wait_for_idle()


def test_a_reload_keeps_what_is_typed_in_the_form(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    form = open_case_by_keyboard(qtbot, view, "Emma Bakker")
    _retype(qtbot, form.school_edit, "Nog niet opgeslagen")
    # Another screen changed a person: the main window loads this screen again.
    with qtbot.waitSignal(form.loaded):
        view.load(open_store)
    assert form.school_edit.text() == "Nog niet opgeslagen"
    assert form.first_name_edit.text() == "Emma"
    assert form.is_dirty()
    assert form.message_label.text() == ""  # nothing was lost, so nothing to say
    tasks.wait_for_idle()


def test_editing_by_typing_is_stored_and_shown_in_the_list(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    form = open_case_by_keyboard(qtbot, view, "Sanne de Vries")
    _retype(qtbot, form.school_edit, "OBS De Toermalijn")
    _retype(qtbot, form.dates["review_date"].edit, "15-01-2027")
    qtbot.keyClicks(form.notes_edit, "Gesprek met ouders gepland.")
    form.status_combo.setFocus()
    qtbot.keyClick(form.status_combo, Qt.Key.Key_Down)
    assert form.status_combo.currentData() == "IN_BEHANDELING"
    # The tabs are read again after the save; wait for that read before `case_of`, which
    # logs a view of its own and would otherwise race it to the top of the logboek.
    with qtbot.waitSignals([form.saved, form.extras_loaded], order="strict"):
        qtbot.keyClick(form.first_name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.pages.log_table.item(0, 3).text() == "wijzigen"

    stored = case_of(open_store, "sanne")
    assert stored.school == "OBS De Toermalijn"
    assert stored.review_date == date(2027, 1, 15)
    assert stored.notes == "Gesprek met ouders gepland."
    assert stored.status == CaseStatus.IN_BEHANDELING
    assert "Opgeslagen om" in form.message_label.text()
    changes = audit.list_events(open_store, case_number=stored.case_number)
    assert [event.action for event in changes[:2]] == [AuditAction.VIEW, AuditAction.UPDATE]
    qtbot.keyClick(form.first_name_edit, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert not view.is_form_shown()
    assert view.current_case() is not None
    assert view.current_case().school == "OBS De Toermalijn"  # type: ignore[union-attr]
    tasks.wait_for_idle()


def test_validation_errors_show_next_to_the_field_and_keep_the_text(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    with qtbot.waitSignal(view.form.loaded):
        view.new_case()
    form = view.form
    qtbot.keyClicks(form.first_name_edit, "Lotte")
    qtbot.keyClicks(form.dates["birth_date"].edit, "31-02-2014")
    qtbot.keyClick(form.first_name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert form.errors["birth_date"].isVisible()
    assert form.errors["birth_date"].text() == "31-02-2014 is geen bestaande datum."
    assert form.dates["birth_date"].text() == "31-02-2014"
    assert form.first_name_edit.text() == "Lotte"
    assert "Niet opgeslagen" in form.message_label.text()
    assert form.errors["last_name"].text() == "Vul de achternaam in."  # all at once
    assert form.last_name_edit.hasFocus()  # the first wrong field, in screen order

    _retype(qtbot, form.dates["birth_date"].edit, "28-02-2014")
    qtbot.keyClick(form.first_name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not form.errors["birth_date"].isVisible()
    assert form.errors["last_name"].text() == "Vul de achternaam in."
    assert form.errors["ground"].text() == "Kies een grond."
    assert form.errors["last_name"].isVisible()
    assert not form.errors["first_name"].isVisible()
    assert form.first_name_edit.text() == "Lotte"
    assert cases.count_cases(open_store) == len(CASES)
    assert tasks.is_idle()  # nothing was sent to the store


def test_a_failed_save_keeps_every_character_and_says_why(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = case_of(open_store, "daan").case_number
    form = open_case_by_keyboard(qtbot, view, "Sanne de Vries")
    _retype(qtbot, form.case_number_edit, taken)
    _retype(qtbot, form.school_edit, "Nieuwe school")
    with qtbot.waitSignal(form.save_failed):
        qtbot.keyClick(form.school_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.errors["case_number"].text() == f"Casusnummer {taken} bestaat al."
    assert form.case_number_edit.text() == taken
    assert form.school_edit.text() == "Nieuwe school"
    assert form.is_dirty()

    def refuse(*_args: object, **_kwargs: object) -> CaseRecord:
        raise BadInput("De schijf is vol.")

    monkeypatch.setattr(cases, "update_case", refuse)
    _retype(qtbot, form.case_number_edit, "2026-9999")
    with qtbot.waitSignal(form.save_failed):
        qtbot.keyClick(form.school_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.message_label.text() == "Niet opgeslagen: De schijf is vol."
    assert form.case_number_edit.text() == "2026-9999"
    assert form.school_edit.text() == "Nieuwe school"
    assert form.save_button.isEnabled()
    assert case_of(open_store, "sanne").school == "Basisschool De Fonkeling"
    tasks.wait_for_idle()


def test_leaving_with_unsaved_changes_asks_first(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[str] = []
    monkeypatch.setattr(common, "ask_save_changes", lambda *_a: answers.pop(0))
    form = open_case_by_keyboard(qtbot, view, "Emma Bakker")
    qtbot.keyClicks(form.school_edit, " (locatie Zuid)")

    answers.append(common.CANCEL)
    qtbot.mouseClick(form.back_button, Qt.MouseButton.LeftButton)
    assert view.is_form_shown()
    assert form.school_edit.text().endswith("(locatie Zuid)")

    answers.append(common.SAVE)
    qtbot.mouseClick(form.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.is_form_shown())
    assert case_of(open_store, "emma").school == "Basisschool De Fonkeling (locatie Zuid)"

    form = open_case_by_keyboard(qtbot, view, "Emma Bakker")
    qtbot.keyClicks(form.school_edit, " X")
    answers.append(common.DISCARD)
    qtbot.mouseClick(form.back_button, Qt.MouseButton.LeftButton)
    assert not view.is_form_shown()
    assert case_of(open_store, "emma").school == "Basisschool De Fonkeling (locatie Zuid)"
    assert answers == []
    tasks.wait_for_idle()


def test_a_lock_empties_the_form_and_the_typed_text_comes_back(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    form = open_case_by_keyboard(qtbot, view, "Zoë van den Berg")
    _retype(qtbot, form.school_edit, "Nog niet opgeslagen school")
    qtbot.keyClicks(form.notes_edit, "geheim")

    view.clear()  # what the main window does on lock
    assert form.school_edit.text() == ""
    assert form.first_name_edit.text() == ""
    assert form.notes_edit.toPlainText() == ""
    assert view.has_unsaved_changes()
    assert view.is_form_shown()

    with qtbot.waitSignal(form.loaded):
        view.load(open_store)
    assert form.first_name_edit.text() == "Zoë"
    assert form.school_edit.text() == "Nog niet opgeslagen school"
    assert form.notes_edit.toPlainText() == "geheim"
    assert form.is_dirty()
    assert "niet opgeslagen wijzigingen" in form.message_label.text()
    _save(qtbot, form)
    assert case_of(open_store, "zoe").school == "Nog niet opgeslagen school"
    tasks.wait_for_idle()


def test_a_new_case_typed_before_a_lock_is_not_stored_twice(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    with qtbot.waitSignal(view.form.loaded):
        view.new_case()
    form = view.form
    qtbot.keyClicks(form.first_name_edit, "Noor")
    qtbot.keyClicks(form.last_name_edit, "Smit")
    qtbot.keyClicks(form.dates["birth_date"].edit, "02-02-2016")
    form.ground_combo.setCurrentIndex(form.ground_combo.findData("PREVENTIEF"))
    # Saved, and the screen locks before the result is back.
    form.save()
    view.clear()
    tasks.wait_for_idle()
    assert form.case_id is not None
    with qtbot.waitSignal(form.loaded):
        view.load(open_store)
    assert form.first_name_edit.text() == "Noor"
    assert not form.is_dirty()
    assert cases.count_cases(open_store) == len(CASES) + 1
    tasks.wait_for_idle()


def test_closing_the_case_from_the_form_asks_and_stores_it(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions: list[str] = []

    def yes(_parent: object, _title: str, text: str, **_kwargs: object) -> bool:
        questions.append(text)
        return True

    monkeypatch.setattr(common, "ask", yes)
    form = open_case_by_keyboard(qtbot, view, "Daan Jansen")
    assert form.close_button.isEnabled()
    with qtbot.waitSignal(view.case_closed):
        qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
    assert "Daan Jansen" in questions[0]
    stored = case_of(open_store, "daan")
    assert stored.status == CaseStatus.AFGESLOTEN
    assert stored.closed_on == date.today()
    assert form.status_combo.currentData() == "AFGESLOTEN"
    assert "afgesloten op" in form.title_label.text()
    assert not form.close_button.isEnabled()
    tasks.wait_for_idle()


def test_locking_the_main_window_keeps_the_typed_text_of_the_form(
    qtbot: QtBot, store_path: Path
) -> None:
    window = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE))
    qtbot.addWidget(window)
    window.show()
    view = window.cases_view
    qtbot.waitUntil(lambda: view.model.rowCount() == len(CASES))
    window.show_section("Casussen")
    try:
        form = open_case_by_keyboard(qtbot, view, "Emma Bakker")
        _retype(qtbot, form.school_edit, "Getypt voordat de telefoon ging")
        with qtbot.waitSignal(window.locked):
            window.lock()
        assert form.school_edit.text() == ""
        assert form.first_name_edit.text() == ""
        dialog = window.unlock_dialog
        assert dialog is not None
        with qtbot.waitSignal(form.loaded):
            qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
            qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
        assert view.is_form_shown()
        assert form.first_name_edit.text() == "Emma"
        assert form.school_edit.text() == "Getypt voordat de telefoon ging"
        assert form.is_dirty()
        tasks.wait_for_idle()
    finally:
        window.close()


def test_a_lock_while_a_new_case_is_saved_does_not_store_it_twice(
    qtbot: QtBot, store_path: Path
) -> None:
    window = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE))
    qtbot.addWidget(window)
    window.show()
    view = window.cases_view
    qtbot.waitUntil(lambda: view.model.rowCount() == len(CASES))
    window.show_section("Casussen")
    try:
        with qtbot.waitSignal(view.form.loaded):
            view.new_case()
        form = view.form
        qtbot.keyClicks(form.first_name_edit, "Noor")
        qtbot.keyClicks(form.last_name_edit, "Smit")
        qtbot.keyClicks(form.dates["birth_date"].edit, "02-02-2016")
        form.ground_combo.setCurrentIndex(form.ground_combo.findData("PREVENTIEF"))
        # Saved, and the window locks before the answer is back: the answer is dropped.
        form.save()
        with qtbot.waitSignal(window.locked):
            window.lock()
        dialog = window.unlock_dialog
        assert dialog is not None
        with qtbot.waitSignal(form.loaded):
            qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
            qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
        store = window.store
        assert store is not None
        assert form.case_id is not None
        assert form.case_number_edit.text() != ""  # the stored case, with its number
        assert not form.is_dirty()
        assert cases.count_cases(store) == len(CASES) + 1

        _retype(qtbot, form.school_edit, "De Kleine Wereld")
        with qtbot.waitSignal(form.saved):
            qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        assert cases.count_cases(store) == len(CASES) + 1
        assert case_of(store, "noor").school == "De Kleine Wereld"
        tasks.wait_for_idle()
    finally:
        window.close()


def test_a_save_announces_the_change_but_does_not_reload_its_own_screen(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    announced: list[tuple[object, object]] = []

    def note(change: object, source: object) -> None:
        announced.append((change, source))

    form = open_case_by_keyboard(qtbot, view, "Daan Jansen")
    _retype(qtbot, form.school_edit, "Het Stedelijk Lyceum, locatie Centrum")
    ops.change_bus().did_change.connect(note)
    try:
        _save(qtbot, form)
    finally:
        ops.change_bus().did_change.disconnect(note)
    [(change, source)] = announced
    assert change == Change.CASES
    assert not reload_wanted(view, Change.CASES, source)  # the list has the row already
    assert view.current_case().school == "Het Stedelijk Lyceum, locatie Centrum"  # type: ignore[union-attr]
    tasks.wait_for_idle()


def test_an_unexpected_error_while_saving_goes_to_the_crash_dialog_and_keeps_the_text(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    handled: list[type[BaseException]] = []

    def hook(kind: type[BaseException], _exc: BaseException, _tb: TracebackType | None) -> None:
        handled.append(kind)

    def broken(*_args: object, **_kwargs: object) -> CaseRecord:
        raise KeyError("Emma Bakker")

    form = open_case_by_keyboard(qtbot, view, "Emma Bakker")
    _retype(qtbot, form.school_edit, "Getypt")
    monkeypatch.setattr(sys, "excepthook", hook)
    monkeypatch.setattr(cases, "update_case", broken)
    form.save()
    assert tasks.wait_for_idle()
    assert handled == [KeyError]
    assert "onverwacht" not in form.message_label.text()
    assert form.message_label.text() != "Bezig met opslaan…"
    assert form.school_edit.text() == "Getypt"
    assert form.is_dirty() and not form.is_saving
    assert form.save_button.isEnabled()  # ready to try again
