"""The Overzicht screen: what needs attention, and each line opens what it names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.services import audit, cases, meetings
from casusoverleg.services.store import Store
from casusoverleg.store.models import ActionItem
from tests.helpers.stores import sample_case
from tests.helpers.transactions import WRITE, counting_transactions
from tests.helpers.ui import add_wijkteam, idle, screen, unlocked

from ui.cases import CasesView
from ui.common import long_date
from ui.overview import OverviewView

TODAY = date.today()


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store with a long thuiszitter, an overdue action and a planned meeting."""
    with unlocked(store_path) as store:
        piet, _anouk = add_wijkteam(store)
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


@pytest.fixture
def fresh(qtbot: QtBot) -> Iterator[OverviewView]:
    """An OverviewView that has loaded nothing yet."""
    with screen(qtbot, OverviewView()) as widget:
        yield widget


@pytest.fixture
def view(qtbot: QtBot, fresh: OverviewView, open_store: Store) -> OverviewView:
    """An OverviewView that has loaded the test store."""
    widget = fresh
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
    with screen(qtbot, CasesView()) as cases_view:
        with qtbot.waitSignal(cases_view.loaded):
            cases_view.load(open_store)
        view.open_case.connect(cases_view.open_case_form)  # what the main window does
        with qtbot.waitSignal(cases_view.form.loaded):
            _click_line(qtbot, view.three_months.lines, 0)
        assert cases_view.is_form_shown()
        assert cases_view.form.first_name_edit.text() == "Finn"


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


def test_the_overview_opens_with_one_transaction(
    qtbot: QtBot, fresh: OverviewView, open_store: Store
) -> None:
    widget = fresh
    with counting_transactions(open_store) as begun:
        with qtbot.waitSignal(widget.loaded):
            widget.load(open_store)
        idle()
    # One snapshot for every section; a write transaction, as the view is logged in it.
    assert begun == [WRITE]
    [logged] = audit.list_events(open_store, limit=1)
    assert logged.object_type == "overzicht"


def test_a_newer_load_drops_the_older_result(
    qtbot: QtBot, fresh: OverviewView, open_store: Store
) -> None:
    widget = fresh
    shown: list[bool] = []
    widget.loaded.connect(lambda: shown.append(True))
    widget.load(open_store)
    widget.load(open_store)
    idle()
    assert shown == [True]
    assert len(widget.section_texts(widget.three_months)) == 1


def test_a_lock_while_loading_shows_nothing_late(
    qtbot: QtBot, fresh: OverviewView, open_store: Store
) -> None:
    widget = fresh
    with qtbot.assertNotEmitted(widget.loaded):
        widget.load(open_store)
        widget.clear()
        idle()
    for section in widget.sections:
        assert widget.section_texts(section) == []
    assert widget.date_label.text() == ""
