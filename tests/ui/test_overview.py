"""The Overzicht screen: what needs attention, and each line opens what it names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import ExemptionGround, Team
from casusoverleg.services import accounts, cases, meetings, people
from casusoverleg.services.store import Store
from casusoverleg.store.models import ActionItem
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case

from ui import tasks
from ui.cases import CasesView
from ui.common import long_date
from ui.overview import OverviewView

TODAY = date.today()


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store with a long thuiszitter, an overdue action and a planned meeting."""
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    org = people.create_organisation(store, "Sociaal Wijkteam Zwolle", Team.SOCIAAL_WIJKTEAM)
    piet = people.create_participant(store, "Piet Peters", org.id)
    long_home = cases.create_case(
        store,
        sample_case(
            "Finn",
            "Mulder",
            ground=ExemptionGround.THUISZITTER,
            absent_since=TODAY - timedelta(days=120),
            registered_on=TODAY - timedelta(days=100),
            owner_id=piet.id,
        ),
    )
    with store.write() as session:
        session.add(
            ActionItem(
                description="Verslag schoolarts opvragen",
                owner_id=piet.id,
                case_id=long_home.id,
                due_date=TODAY - timedelta(days=5),
                created_at=datetime.now(),
            )
        )
    meetings.add_meeting(store, TODAY + timedelta(days=7), time(14), 90, location="Stadshuis")
    yield store
    accounts.lock(store)


@pytest.fixture
def view(qtbot: QtBot, open_store: Store) -> OverviewView:
    """An OverviewView that has loaded the test store."""
    widget = OverviewView()
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(open_store)
    return widget


def _click_line(qtbot: QtBot, lines: QListWidget, row: int) -> None:
    rect = lines.visualItemRect(lines.item(row))
    qtbot.mouseClick(lines.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_lists_the_long_thuiszitter_the_late_action_and_the_next_meeting(
    view: OverviewView,
) -> None:
    assert view.date_label.text() == long_date(TODAY)
    [home] = view.section_texts(view.three_months)
    assert "Finn Mulder" in home
    assert "17 weken" in home
    assert view.three_months.title_label.text().endswith("(1)")
    assert view.section_texts(view.four_weeks) == []
    assert view.four_weeks.empty_label.text() == "Geen thuiszitters langer dan 4 weken."
    [action] = view.section_texts(view.late_actions)
    assert action.startswith("Verslag schoolarts opvragen\nPiet Peters, Sociaal Wijkteam Zwolle")
    assert "5 dagen te laat" in action
    [meeting] = view.section_texts(view.meeting)
    assert long_date(TODAY + timedelta(days=7)) in meeting
    assert "14:00–15:30 · Stadshuis" in meeting
    assert meeting.endswith("Nog geen agenda.")
    # The CASES store's art. 5 onder a case (Sanne) has no exemption end: renewal due.
    assert any("Sanne de Vries" in line for line in view.section_texts(view.renewals))


def test_clicking_a_line_opens_what_it_names(qtbot: QtBot, view: OverviewView) -> None:
    with qtbot.waitSignal(view.open_case) as opened:
        _click_line(qtbot, view.three_months.lines, 0)
    assert opened.args is not None
    case_id = opened.args[0]
    assert isinstance(case_id, int)
    with qtbot.waitSignal(view.open_actions):
        _click_line(qtbot, view.late_actions.lines, 0)
    with qtbot.waitSignal(view.open_meeting):
        _click_line(qtbot, view.meeting.lines, 0)


def test_enter_on_a_line_opens_it_too(qtbot: QtBot, view: OverviewView) -> None:
    lines = view.three_months.lines
    lines.setFocus()
    lines.setCurrentRow(0)
    with qtbot.waitSignal(view.open_case):
        qtbot.keyClick(lines, Qt.Key.Key_Return)


def test_clicking_the_thuiszitter_opens_its_case_form_in_casussen(
    qtbot: QtBot, view: OverviewView, open_store: Store
) -> None:
    cases_view = CasesView()
    qtbot.addWidget(cases_view)
    with qtbot.waitSignal(cases_view.loaded):
        cases_view.load(open_store)
    view.open_case.connect(cases_view.open_case_form)  # what the main window does
    with qtbot.waitSignal(cases_view.form.loaded):
        _click_line(qtbot, view.three_months.lines, 0)
    assert cases_view.is_form_shown()
    assert cases_view.form.first_name_edit.text() == "Finn"
    tasks.wait_for_idle()


def test_clear_drops_every_line_and_refresh_loads_again(
    qtbot: QtBot, view: OverviewView, open_store: Store
) -> None:
    view.clear()
    for section in view.sections:
        assert view.section_texts(section) == []
    assert view.date_label.text() == ""
    assert not view.refresh_button.isEnabled()
    with qtbot.waitSignal(view.loaded):
        view.load(open_store)
    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert len(view.section_texts(view.three_months)) == 1
