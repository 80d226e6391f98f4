"""Issue 13 item 11 in detail: a date field is one Tab stop with a keyboard calendar, the case
form links its errors to the fields and names them, colour is never the only sign, headings are
headings, the preview's pages carry their text, and meeting mode's attendance comes before
"Volgende" (WCAG 1.1.1, 1.3.1, 1.4.1, 2.1.1, 2.1.2, 2.4.3, 3.3.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts, actions, cases, documents, people
from casusoverleg.services.cases import CaseFilter
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.store import Store
from tests.helpers.ui import add_leerplicht_owner, idle, shown_cases_view, unlocked

from ui import pdf_preview
from ui.case_form.fields import DATE_FIELDS, LAW_TAB_FIELDS, TAB_ACTIONS
from ui.cases import CasesView
from ui.common import format_date
from ui.meeting_mode import MeetingModeWindow
from ui.reports import Bar, BarChart
from ui.widgets.heading import Heading

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    with unlocked(store_path) as store:
        add_leerplicht_owner(store)
        yield store


@pytest.fixture
def view(qtbot: QtBot, open_store: Store) -> CasesView:
    return shown_cases_view(qtbot, open_store, 1200, 800)


def _press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier) -> QWidget:
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, modifier)
    after = QApplication.focusWidget()
    assert after is not None
    return after


def test_tab_and_shift_tab_pass_every_date_field_of_the_case_form_in_one_press(
    qtbot: QtBot, view: CasesView
) -> None:
    with qtbot.waitSignal(view.form.loaded):
        view.new_case()
    form = view.form
    for tab, names in (
        (0, [n for n in DATE_FIELDS if n not in LAW_TAB_FIELDS]),
        (1, [n for n in DATE_FIELDS if n in LAW_TAB_FIELDS]),
    ):
        form.tabs.setCurrentIndex(tab)
        for name in names:
            edit = form.dates[name].edit
            edit.setFocus()
            forward = _press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
            assert forward is not edit and forward is not form.dates[name].button, name
            edit.setFocus()
            back = _press(qtbot, Qt.Key.Key_Backtab, SHIFT)
            assert back is not edit and back is not form.dates[name].button, name
    # Geboortedatum → School and back: one press each way.
    form.tabs.setCurrentIndex(0)
    form.dates["birth_date"].edit.setFocus()
    assert _press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier) is form.school_edit
    assert _press(qtbot, Qt.Key.Key_Backtab, SHIFT) is form.dates["birth_date"].edit


# The offscreen platform has no keyboard to grab for a popup; a real display has.
@pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints\(|raise\(|grabbing the keyboard)"
)
def test_alt_down_opens_the_calendar_and_enter_picks_the_day(qtbot: QtBot, view: CasesView) -> None:
    with qtbot.waitSignal(view.form.loaded):
        view.new_case()
    field = view.form.dates["review_date"]
    assert "Alt+Omlaag of F4" in field.edit.toolTip()
    assert "Alt+Omlaag of F4" in field.edit.accessibleDescription()
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "10-03-2027")
    qtbot.keyClick(field.edit, Qt.Key.Key_Down, ALT)
    qtbot.waitUntil(field.menu.isVisible)
    assert field.calendar.hasFocus()
    qtbot.keyClick(field.calendar.focusWidget() or field.calendar, Qt.Key.Key_Right)
    qtbot.keyClick(field.calendar.focusWidget() or field.calendar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not field.menu.isVisible())
    assert field.text() == "11-03-2027"
    assert field.edit.hasFocus()
    # F4 opens it too; Esc closes it and leaves the date alone.
    qtbot.keyClick(field.edit, Qt.Key.Key_F4)
    qtbot.waitUntil(field.menu.isVisible)
    qtbot.keyClick(field.calendar.focusWidget() or field.calendar, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not field.menu.isVisible())
    assert field.text() == "11-03-2027"


def test_errors_are_linked_to_their_fields_and_the_summary_names_them(
    qtbot: QtBot, view: CasesView
) -> None:
    with qtbot.waitSignal(view.form.loaded):
        view.new_case()
    form = view.form
    qtbot.keyClicks(form.first_name_edit, "Lotte")
    qtbot.keyClicks(form.last_name_edit, "Visser")
    qtbot.keyClicks(form.dates["birth_date"].edit, "31-02-2014")
    qtbot.keyClicks(form.dates["absent_since"].edit, "1-13-2026")
    qtbot.keyClick(form.first_name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert form.message_label.text() == (
        "Niet opgeslagen: verbeter: Geboortedatum, Grond, Thuis sinds."
    )
    birth = form.dates["birth_date"].edit
    assert birth.hasFocus()  # the first wrong field
    assert birth.accessibleName() == "Geboortedatum"
    assert birth.accessibleDescription().startswith("Fout: 31-02-2014 is geen bestaande datum.")
    assert form.ground_combo.accessibleDescription() == "Fout: Kies een grond."
    # The screen reader's own view of the field holds the same.
    face = QAccessible.queryAccessibleInterface(birth)
    assert face is not None
    assert face.text(QAccessible.Text.Name) == "Geboortedatum"
    assert "geen bestaande datum" in face.text(QAccessible.Text.Description)

    birth.selectAll()
    qtbot.keyClicks(birth, "28-02-2014")
    qtbot.keyClick(form.first_name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not birth.accessibleDescription().startswith("Fout")
    assert "Alt+Omlaag" in birth.accessibleDescription()  # its own description is back


def test_every_label_of_the_case_form_is_linked_to_its_field(qtbot: QtBot, view: CasesView) -> None:
    with qtbot.waitSignal(view.form.loaded):
        view.new_case()
    form = view.form
    buddies = {id(label.buddy()) for label in form.findChildren(QLabel) if label.buddy()}
    for name, widget in form.inputs.items():
        target = form.dates[name].edit if name in form.dates else widget
        if name in ("notes", "expert_not_treating", "never_fit"):
            continue  # a group box's title and check boxes' own text name these
        assert id(target) in buddies, name
        assert target.accessibleName(), name


def test_an_overdue_action_says_te_laat_in_words(
    qtbot: QtBot, view: CasesView, open_store: Store
) -> None:
    case = cases.list_cases(open_store, CaseFilter(), log_search=False)[0]
    person = people.list_participants(open_store)[0]
    past = date.today() - timedelta(days=30)
    actions.create_action(
        open_store,
        description="Schoolplek zoeken",
        owner_id=person.id,
        due_date=past,
        case_id=case.id,
        today=past - timedelta(days=7),
    )
    with qtbot.waitSignal(view.form.extras_loaded):
        view.open_case_form(case.id)
    table = view.form.pages.actions_table
    texts = [table.item(r, 4).text() for r in range(table.rowCount())]
    assert f"{format_date(past)} (te laat)" in texts
    assert view.form.tabs.isTabEnabled(TAB_ACTIONS)


def test_the_chart_marks_verzuim_with_words_and_hatching(qtbot: QtBot) -> None:
    chart = BarChart("Kinderen thuis zonder school", "geen")
    qtbot.addWidget(chart)
    chart.set_bars([Bar("absoluut verzuim", 3, "#9B1C1C", mark="verzuim"), Bar("art. 11", 2)])
    chart.resize(500, 200)
    chart.grab()  # paints without error
    assert chart.bars[0].figure == "3 (verzuim)"
    assert chart.accessibleDescription() == "absoluut verzuim: 3 (verzuim), art. 11: 2"


def test_a_heading_is_a_heading_for_screen_readers(qtbot: QtBot) -> None:
    heading = Heading("Rapportage")
    qtbot.addWidget(heading)
    face = QAccessible.queryAccessibleInterface(heading)
    assert face is not None
    # Read as "Rapportage, kop"; a part of a screen says its level.
    assert face.text(QAccessible.Text.Name) == "Rapportage"
    assert face.text(QAccessible.Text.Description) == "kop"
    part = Heading("Vrijstellingen", level=2)
    qtbot.addWidget(part)
    assert part.accessibleDescription() == "kop niveau 2"


@pytest.fixture
def demo_store(demo_path: Path) -> Iterator[Store]:
    store = accounts.unlock(demo_path, "demo", "demo")
    yield store
    idle()
    accounts.lock(store)


def test_the_preview_offers_each_page_text_to_screen_readers(
    qtbot: QtBot, demo_store: Store
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    request = DocumentRequest("agenda", meeting_id=documents.next_meeting_id(demo_store))
    dialog = pdf_preview.show_pdf_preview(parent, demo_store, request)
    with qtbot.waitSignal(dialog.ready, timeout=20_000):
        pass
    pages = dialog._page_views
    assert pages
    first = pages[0].accessibleDescription()
    assert "Agenda" in first or "agenda" in first
    assert pages[0].accessibleName() == "pagina 1"
    dialog.discard()
    assert pages[0].accessibleDescription() == ""
    pdf_preview.close_all_previews()


def test_attendance_rows_come_before_volgende_in_tab_order(qtbot: QtBot, demo_store: Store) -> None:
    window = MeetingModeWindow(documents.next_meeting_id(demo_store))
    qtbot.addWidget(window)
    window.load(demo_store)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: bool(window.attendance_page.rows))
    idle()
    assert window.pages.currentWidget() is window.attendance_page
    window.jump_list.setFocus()
    seen: list[QWidget] = []
    for _ in range(60):
        seen.append(_press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier))
        if seen[-1] is window.next_button:
            break
    assert seen[-1] is window.next_button
    rows = window.attendance_page.rows
    assert all(row in seen for row in rows)
    assert seen.index(rows[-1]) < seen.index(window.next_button)
    assert all(not isinstance(w, QLineEdit) or w.accessibleName() for w in seen)
    window.close()
