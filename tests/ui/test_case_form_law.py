"""The case form and the law (issue 11): the new case-file fields, the signals of
`case_law.law_status` on what is typed, and confirming a case that does not fit the law.

Typed and clicked as a user does, against a real encrypted store. The articles are quoted in
docs/leerplichtwet.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import ExemptionGround, ExpertProfession
from casusoverleg.services import cases
from casusoverleg.services.store import Store
from tests.helpers.ui import (
    add_leerplicht_owner,
    case_of,
    open_case_by_keyboard,
    shown_cases_view,
    unlocked,
)
from tests.ui.conftest import CASES

from ui import common, tasks
from ui.case_form import TAB_DETAILS, TAB_LAW, CaseForm
from ui.case_form.confirm import CONFIRM_NO, CONFIRM_YES, NOT_CONFIRMED
from ui.cases import CasesView

ALT = Qt.KeyboardModifier.AltModifier
MENU_LETTERS = {"b", "g"}  # &Bestand, &Ga naar in the main window


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store, unlocked, with one casushouder."""
    with unlocked(store_path) as store:
        add_leerplicht_owner(store)
        yield store


@pytest.fixture
def view(qtbot: QtBot, open_store: Store) -> CasesView:
    """A CasesView on the test store at 1280×800, shown and active."""
    return shown_cases_view(qtbot, open_store, 1280, 800)


def _new(qtbot: QtBot, view: CasesView) -> CaseForm:
    with qtbot.waitSignal(view.form.loaded):
        qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    return view.form


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _type_date(qtbot: QtBot, form: CaseForm, name: str, text: str) -> None:
    _type(qtbot, form.dates[name].edit, text)


def _choose(qtbot: QtBot, form: CaseForm, name: str, text: str) -> None:
    """Pick the choice shown as `text` with the arrow keys, as a user does (typing its first
    letters depends on the keyboard-search interval, too slow on a loaded machine)."""
    combo = form.inputs[name]
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _step in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} niet te kiezen in {name}")


def _choose_ground(qtbot: QtBot, form: CaseForm, ground: ExemptionGround) -> None:
    """Pick a ground with the arrow keys."""
    _choose(qtbot, form, "ground", ground.label)


def _tick(qtbot: QtBot, box: QCheckBox) -> None:
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def _ctrl_s(qtbot: QtBot, form: CaseForm) -> None:
    """Press Ctrl+S where the cursor is, as a user does."""
    focus = QApplication.focusWidget()
    assert focus is not None and form.isAncestorOf(focus)
    qtbot.keyClick(focus, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def _save(qtbot: QtBot, form: CaseForm) -> None:
    with qtbot.waitSignal(form.saved):
        _ctrl_s(qtbot, form)


def _law_tab(qtbot: QtBot, form: CaseForm) -> None:
    """Go to "Vrijstelling, school en betrokkenheid" with its mnemonic, as a user does."""
    qtbot.keyClick(form.first_name_edit, Qt.Key.Key_K, ALT)
    assert form.tabs.currentIndex() == TAB_LAW


def _never_asked(*_args: object, **_kwargs: object) -> bool:
    raise AssertionError("de gebruiker werd onverwacht iets gevraagd")


def _typed_thuiszitter(qtbot: QtBot, form: CaseForm, born: str, home_since: str) -> None:
    _type_date(qtbot, form, "birth_date", born)
    _choose_ground(qtbot, form, ExemptionGround.THUISZITTER)
    _type_date(qtbot, form, "absent_since", home_since)


def test_new_fields_round_trip_to_the_store_and_back_on_the_form(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lpw art. 5, 6 and 7: exemption start and end, the art. 7 statement, enrolment, back at
    school, parents and child involved; typed, saved, read from the store, shown again."""
    monkeypatch.setattr(common, "ask", _never_asked)
    form = open_case_by_keyboard(qtbot, view, "Sanne de Vries")  # 5 onder a, born 12-03-2014
    _law_tab(qtbot, form)
    _type_date(qtbot, form, "exemption_from", "01-09-2026")
    _type_date(qtbot, form, "exemption_until", "31-07-2027")
    _type(qtbot, form.expert_name_edit, "dr. A. Visser")
    _choose(qtbot, form, "expert_profession", "psycholoog")
    _type_date(qtbot, form, "expert_statement_on", "15-08-2026")
    _tick(qtbot, form.checks["expert_not_treating"])
    _tick(qtbot, form.checks["never_fit"])
    _choose(qtbot, form, "enrolled", "ja")
    _type_date(qtbot, form, "enrolled_since", "20-08-2018")
    _type_date(qtbot, form, "back_at_school_on", "02-11-2026")
    _type_date(qtbot, form, "parents_involved_on", "20-08-2026")
    _type(qtbot, form.parents_how_edit, "Gesprek met beide ouders")
    _type_date(qtbot, form, "child_heard_on", "25-08-2026")
    _save(qtbot, form)

    stored = case_of(open_store, "sanne")
    assert stored.exemption_from == date(2026, 9, 1)
    assert stored.exemption_until == date(2027, 7, 31)
    assert stored.expert_name == "dr. A. Visser"
    assert stored.expert_profession == ExpertProfession.PSYCHOLOOG
    assert stored.expert_statement_on == date(2026, 8, 15)
    assert stored.expert_not_treating and stored.never_fit
    assert stored.enrolled is True
    assert stored.enrolled_since == date(2018, 8, 20)
    assert stored.back_at_school_on == date(2026, 11, 2)
    assert stored.parents_involved_on == date(2026, 8, 20)
    assert stored.parents_involved_how == "Gesprek met beide ouders"
    assert stored.child_heard_on == date(2026, 8, 25)

    form.close_form()
    form = open_case_by_keyboard(qtbot, view, "Sanne de Vries")
    assert form.dates["exemption_from"].text() == "01-09-2026"
    assert form.expert_name_edit.text() == "dr. A. Visser"
    assert form.profession_combo.currentText() == "psycholoog"
    assert form.enrolled_combo.currentText() == "ja"
    assert form.checks["never_fit"].isChecked()
    assert form.checks["expert_not_treating"].isChecked()
    assert form.dates["child_heard_on"].text() == "25-08-2026"
    assert not form.is_dirty()
    # Lpw art. 6 lid 3: with the statement "nooit geschikt" no yearly notice is asked.
    assert form.signal_labels["notice"].text().startswith("niet nodig: art. 6 lid 3")
    assert form.signal_labels["statement"].text() == "gegeven op zaterdag 15 augustus 2026"

    _choose(qtbot, form, "enrolled", "nee")  # not enrolled, but a date of enrolment
    with qtbot.waitSignal(form.save_failed):
        _ctrl_s(qtbot, form)
    assert form.tabs.currentIndex() == TAB_LAW  # the first wrong field is on this tab
    assert form.errors["enrolled_since"].isVisible()
    assert "Niet ingeschreven" in form.errors["enrolled_since"].text()
    assert case_of(open_store, "sanne").enrolled is True
    tasks.wait_for_idle()


def test_new_field_errors_show_next_to_their_field(qtbot: QtBot, view: CasesView) -> None:
    """A date order the law's counting needs (back at school after thuis sinds) is checked."""
    form = open_case_by_keyboard(qtbot, view, "Daan Jansen")
    _type_date(qtbot, form, "absent_since", "01-10-2026")
    _law_tab(qtbot, form)
    _type_date(qtbot, form, "back_at_school_on", "15-09-2026")
    _type_date(qtbot, form, "exemption_from", "31-02-2026")
    _ctrl_s(qtbot, form)
    assert form.errors["back_at_school_on"].text() == "'Terug op school' ligt vóór 'thuis sinds'."
    assert form.errors["exemption_from"].text() == "31-02-2026 is geen bestaande datum."
    assert form.errors["exemption_from"].isVisible()
    assert form.dates["exemption_from"].edit.hasFocus()  # first wrong one in screen order
    assert form.dates["back_at_school_on"].text() == "15-09-2026"
    assert tasks.is_idle()  # nothing was sent to the store


def test_lpw_art3_days_at_home_count_from_the_leerplicht_not_from_thuis_sinds(
    qtbot: QtBot, view: CasesView
) -> None:
    """Lpw art. 3 lid 1: born 2021-10-03, leerplichtig from 2 November 2026; "thuis sinds"
    2026-04-08 is on 2026-12-01 29 counted days, more than 4 weeks, not "> 3 maanden"."""
    form = _new(qtbot, view)
    form.set_today(date(2026, 12, 1))
    _typed_thuiszitter(qtbot, form, "03-10-2021", "08-04-2026")
    leerplicht = form.signal_labels["leerplicht"].text()
    assert leerplicht == "leerplichtig (vanaf maandag 2 november 2026)"
    shown = form.signal_labels["thuiszitter"].text()
    assert shown == "langer dan 4 weken thuis (29 dagen thuis geteld)"
    assert "3 maanden" not in shown
    form.set_today(date(2026, 10, 30))
    assert form.signal_labels["leerplicht"].text().startswith("nog niet leerplichtig (vanaf")
    assert form.signal_labels["thuiszitter"].text().startswith("geen signaal: nog niet")


def test_lpw_art4b_an_18th_birthday_ends_the_thuiszitter_signal(
    qtbot: QtBot, view: CasesView
) -> None:
    """Lpw art. 4b: the kwalificatieplicht ends on the 18th birthday (2027-03-05 here); on
    2027-03-09 there is no signal any more, and only the days before the birthday count."""
    form = _new(qtbot, view)
    form.set_today(date(2027, 3, 4))
    _typed_thuiszitter(qtbot, form, "05-03-2009", "04-01-2027")
    assert form.signal_labels["leerplicht"].text().startswith("kwalificatieplichtig")
    assert form.signal_labels["thuiszitter"].text().startswith("langer dan 4 weken thuis")
    form.set_today(date(2027, 3, 9))
    assert form.signal_labels["thuiszitter"].text() == (
        "geen signaal: niet meer leer- of kwalificatieplichtig (60 dagen thuis geteld)"
    )


def test_lpw_art5_art15_an_exemption_in_force_or_back_at_school_stops_the_count(
    qtbot: QtBot, view: CasesView
) -> None:
    """A child with an exemption in force is not counted as thuiszitter (Lpw art. 5, 15; the
    policy definition), nor one back at school (the stretch ends on that day)."""
    form = _new(qtbot, view)
    form.set_today(date(2026, 11, 30))
    _typed_thuiszitter(qtbot, form, "14-02-2013", "01-06-2026")
    assert form.signal_labels["thuiszitter"].text().startswith("langer dan 3 maanden thuis")
    _law_tab(qtbot, form)
    _type_date(qtbot, form, "exemption_from", "01-09-2026")
    assert form.signal_labels["thuiszitter"].text().startswith("telt niet: vrijstelling loopt")
    _type_date(qtbot, form, "exemption_from", "")
    _type_date(qtbot, form, "back_at_school_on", "02-11-2026")
    assert (
        form.signal_labels["thuiszitter"]
        .text()
        .startswith("geen signaal: terug op school sinds maandag 2 november 2026")
    )


def test_lpw_art6_first_then_yearly_notice_and_art7_statement_on_the_form(
    qtbot: QtBot, view: CasesView
) -> None:
    """Lpw art. 6 lid 2 onder a: born 2022-11-10, leerplichtig from 1 December 2027, so the
    first notice is due by 1 November 2027; lid 2 onder b: the yearly one by 30 June 2028.
    Lpw art. 7: a 5 onder a case without the expert's statement says it is missing."""
    form = _new(qtbot, view)
    form.set_today(date(2027, 6, 15))
    _type_date(qtbot, form, "birth_date", "10-11-2022")
    _choose_ground(qtbot, form, ExemptionGround.ART5_A)
    assert form.signal_labels["notice"].text() == (
        "eerste kennisgeving, uiterlijk maandag 1 november 2027"
    )
    assert form.signal_labels["statement"].text().startswith("ontbreekt")
    assert form.signal_rows["statement"].text() == "Verklaring art. 7:"
    form.set_today(date(2028, 6, 1))
    assert form.signal_labels["notice"].text() == (
        "jaarlijkse kennisgeving, uiterlijk vrijdag 30 juni 2028"
    )
    _law_tab(qtbot, form)
    _type_date(qtbot, form, "expert_statement_on", "01-05-2028")
    assert form.signal_labels["statement"].text() == "gegeven op maandag 1 mei 2028"
    qtbot.keyClick(form.tabs, Qt.Key.Key_C, ALT)  # its mnemonic ticks the box (animated)
    qtbot.waitUntil(form.checks["never_fit"].isChecked)
    assert form.signal_labels["notice"].text().startswith("niet nodig: art. 6 lid 3")


def test_lpw_art15_for_a_10_year_old_asks_confirmation_terug_saves_nothing(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lpw art. 15 lid 1 (with art. 4a): only for a kwalificatieplichtige jongere. A case on
    that ground for a 10-year-old asks, naming the article; "Terug" stores nothing, "Toch
    opslaan" stores it with the rule confirmed, and saving it again does not ask again."""
    asked: list[tuple[str, str, dict[str, object]]] = []
    answers: list[bool] = []

    def ask(_parent: QWidget, title: str, text: str, **kwargs: object) -> bool:
        asked.append((title, text, kwargs))
        return answers.pop(0)

    monkeypatch.setattr(common, "ask", ask)
    today = date.today()
    form = _new(qtbot, view)
    qtbot.keyClicks(form.first_name_edit, "Noor")
    qtbot.keyClicks(form.last_name_edit, "Smit")
    _type_date(qtbot, form, "birth_date", f"01-01-{today.year - 10}")
    _choose_ground(qtbot, form, ExemptionGround.ART15)

    answers.append(False)
    with qtbot.waitSignal(form.save_failed):
        _ctrl_s(qtbot, form)
    title, text, kwargs = asked[0]
    assert kwargs["yes"] == CONFIRM_YES == "Toch opslaan"
    assert kwargs["no"] == CONFIRM_NO == "Terug"
    assert "Lpw art. 15 lid 1" in text and "kwalificatieplichtige" in text
    assert title == "Past niet bij de Leerplichtwet"
    assert form.message_label.text() == NOT_CONFIRMED
    assert cases.count_cases(open_store) == len(CASES)
    assert form.first_name_edit.text() == "Noor" and form.is_dirty()

    answers.append(True)
    _save(qtbot, form)
    assert len(asked) == 2
    stored = case_of(open_store, "noor")
    assert stored.ground == ExemptionGround.ART15
    assert "ART15_LEEFTIJD" in stored.confirmed_rules.split(",")

    qtbot.keyClicks(form.notes_edit, "Besproken met de school.")
    _save(qtbot, form)  # a re-save of a confirmed case does not ask again
    assert len(asked) == 2
    stored = case_of(open_store, "noor")
    assert stored.notes == "Besproken met de school."
    assert "ART15_LEEFTIJD" in stored.confirmed_rules.split(",")
    tasks.wait_for_idle()


def test_a_lock_keeps_the_new_fields_typed_and_puts_them_back(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    """Unsaved values of the new fields survive a lock, in memory only."""
    form = open_case_by_keyboard(qtbot, view, "Emma Bakker")
    _law_tab(qtbot, form)
    _type(qtbot, form.expert_name_edit, "mw. P. de Wit")
    _choose(qtbot, form, "expert_profession", "pedagoog")
    _choose(qtbot, form, "enrolled", "nee")
    _tick(qtbot, form.checks["expert_not_treating"])
    _type_date(qtbot, form, "parents_involved_on", "02-09-2026")

    view.clear()  # what the main window does on lock
    assert form.expert_name_edit.text() == ""
    assert form.enrolled_combo.currentData() == ""
    assert not form.checks["expert_not_treating"].isChecked()
    assert form.dates["parents_involved_on"].text() == ""

    with qtbot.waitSignal(form.loaded):
        view.load(open_store)
    assert form.expert_name_edit.text() == "mw. P. de Wit"
    assert form.profession_combo.currentText() == "pedagoog"
    assert form.enrolled_combo.currentText() == "nee"
    assert form.checks["expert_not_treating"].isChecked()
    assert form.dates["parents_involved_on"].text() == "02-09-2026"
    assert form.is_dirty()
    assert case_of(open_store, "emma").expert_name == ""
    tasks.wait_for_idle()


def _mnemonic(text: str) -> str:
    found = re.search(r"&(\w)", text)
    return found.group(1).lower() if found else ""


def test_mnemonics_do_not_clash_and_each_reaches_its_field(qtbot: QtBot, view: CasesView) -> None:
    """Per tab: its labels' and checkboxes' letters, the tab titles and the menus, all unique;
    Alt+I goes to "Thuis sinds" on Gegevens and to "Ingeschreven" on the other tab."""
    form = _new(qtbot, view)
    tabs = {_mnemonic(form.tabs.tabText(i)) for i in range(form.tabs.count())}
    assert len(tabs) == form.tabs.count() and not tabs & MENU_LETTERS
    for index in (TAB_DETAILS, TAB_LAW):
        page = form.tabs.widget(index)
        # Field labels (a signal's row label has its value label as buddy: no mnemonic).
        labels = [w for w in page.findChildren(QLabel) if w.buddy() is not None]
        letters = [_mnemonic(w.text()) for w in labels if not isinstance(w.buddy(), QLabel)]
        letters += [_mnemonic(w.text()) for w in page.findChildren(QCheckBox)]
        assert "" not in letters
        assert len(set(letters)) == len(letters), letters
        assert not set(letters) & (tabs | MENU_LETTERS), letters
    for name, widget in form.inputs.items():
        target = form.dates[name].edit if name in form.dates else widget
        assert target.accessibleName(), name

    qtbot.keyClick(form.first_name_edit, Qt.Key.Key_I, ALT)
    assert form.dates["absent_since"].edit.hasFocus()
    _law_tab(qtbot, form)
    qtbot.keyClick(form.tabs, Qt.Key.Key_I, ALT)
    assert form.enrolled_combo.hasFocus()
