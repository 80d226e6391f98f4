"""Logboek: newest first, filters by case, account and period, the chain check, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import audit, cases
from casusoverleg.services.audit import AuditEntry
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw
from tests.helpers.stores import ACCOUNT
from tests.helpers.transactions import READ, WRITE, counting_transactions
from tests.helpers.ui import idle, screen, unlocked

from ui.audit_log import (
    ALL_ACCOUNTS,
    COL_ACCOUNT,
    COL_ACTION,
    COL_CASE,
    AuditLogView,
    AuditTableModel,
)


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store, unlocked, with a second account and a few older lines."""
    with unlocked(store_path) as store:
        number = cases.list_cases(store, log_search=False)[0].case_number
        long_ago = datetime(2020, 3, 15, 12, 0, tzinfo=UTC)
        with store.write() as session:
            audit.record(
                session,
                store,
                AuditAction.VIEW,
                case_number=number,
                object_type="casus",
                at=long_ago,
                account="collega",
            )
            audit.record(session, store, AuditAction.PRINT, at=long_ago, account="collega")
        yield store


@pytest.fixture
def fresh(qtbot: QtBot) -> Iterator[AuditLogView]:
    """A Logboek screen that has loaded nothing yet."""
    with screen(qtbot, AuditLogView()) as widget:
        yield widget


@pytest.fixture
def view(qtbot: QtBot, fresh: AuditLogView, open_store: Store) -> AuditLogView:
    """The Logboek screen on the test store, its lines and check shown."""
    widget = fresh
    widget.resize(1200, 500)
    widget.show()
    with qtbot.waitSignals([widget.loaded, widget.checked]):
        widget.load(open_store)
    return widget


def _column(view: AuditLogView, column: int) -> list[str]:
    return [view.model.index(r, column).data() for r in range(view.model.rowCount())]


def test_model_passes_the_model_tester(
    qtmodeltester: ModelTester, view: AuditLogView, open_store: Store
) -> None:
    qtmodeltester.check(view.model)
    empty = AuditTableModel()
    qtmodeltester.check(empty)
    assert not view.model.flags(view.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def _entries(view: AuditLogView) -> list[AuditEntry]:
    return [view.model.row_at(r) for r in range(view.model.rowCount())]


def test_newest_first_and_opening_is_logged(view: AuditLogView, open_store: Store) -> None:
    ids = [entry.id for entry in _entries(view)]
    assert ids == sorted(ids, reverse=True)
    newest = view.model.row_at(0)
    assert newest.action == AuditAction.VIEW and newest.object_type == "logboek"
    assert newest.account == ACCOUNT and newest.detail.startswith("geopend")
    assert view.count_label.text() == f"{view.model.rowCount()} regels"


def test_chain_status_is_green_when_intact(view: AuditLogView) -> None:
    assert view.chain_label.text().startswith("✔ Logboek in orde")
    assert "#1b5e20" in view.chain_label.styleSheet()


def test_chain_status_is_red_when_a_line_was_changed(
    qtbot: QtBot, fresh: AuditLogView, open_store: Store, store_path: Path
) -> None:
    conn = connect_raw(store_path, open_store.key)
    try:
        conn.execute("UPDATE audit_event SET detail = 'weggepoetst' WHERE id = 2")
        conn.commit()
    finally:
        conn.close()
    widget = fresh
    with qtbot.waitSignal(widget.checked):
        widget.load(open_store)
    assert (
        widget.chain_label.text() == "✘ Het logboek is niet in orde: Logboekregel 2 is gewijzigd."
    )
    assert "#b00020" in widget.chain_label.styleSheet()
    idle()


def test_filter_by_case_number(qtbot: QtBot, view: AuditLogView, open_store: Store) -> None:
    number = cases.list_cases(open_store, log_search=False)[0].case_number
    with qtbot.waitSignal(view.loaded):
        qtbot.keyClicks(view.case_edit, number)
    assert view.model.rowCount() >= 2
    assert set(_column(view, COL_CASE)) == {number}
    newest = audit.list_events(open_store, limit=1)[0]
    assert newest.action == AuditAction.SEARCH and newest.object_type == "logboek"
    assert newest.detail == f"casus {number}"


def test_filter_by_account(qtbot: QtBot, view: AuditLogView) -> None:
    names = [view.account_combo.itemText(i) for i in range(view.account_combo.count())]
    assert names == [ALL_ACCOUNTS, "collega", ACCOUNT]
    with qtbot.waitSignal(view.loaded):
        view.account_combo.setCurrentIndex(1)
    assert set(_column(view, COL_ACCOUNT)) == {"collega"}
    assert sorted(_column(view, COL_ACTION)) == ["afdrukken", "inzien"]


def test_filter_by_period_with_dutch_dates(qtbot: QtBot, view: AuditLogView) -> None:
    assert view.since_edit.displayFormat() == "dd-MM-yyyy"
    assert not view.since_edit.isEnabled()
    with qtbot.waitSignal(view.loaded):
        qtbot.keyClick(view.period_check, Qt.Key.Key_Space)
    assert view.since_edit.isEnabled()
    # The period check box starts with this month: the 2020 lines are not in it.
    assert "collega" not in _column(view, COL_ACCOUNT)
    with qtbot.waitSignal(view.loaded):
        view.since_edit.setDate(QDate(2020, 3, 1))
    with qtbot.waitSignal(view.loaded):
        view.until_edit.setDate(QDate(2020, 3, 31))
    assert set(_column(view, COL_ACCOUNT)) == {"collega"}
    assert view.model.rowCount() == 2
    assert view.since_edit.text() == "01-03-2020"

    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(view.reset_button, Qt.MouseButton.LeftButton)
    assert not view.period_check.isChecked()
    assert "collega" in _column(view, COL_ACCOUNT) and ACCOUNT in _column(view, COL_ACCOUNT)


def test_an_inverted_period_is_explained(qtbot: QtBot, view: AuditLogView) -> None:
    today = date.today()
    view.until_edit.setDate(QDate(today.year, today.month, today.day))
    with qtbot.waitSignal(view.loaded):
        view.period_check.setChecked(True)
    later = today + timedelta(days=3)
    view.since_edit.setDate(QDate(later.year, later.month, later.day))
    assert view.count_label.text() == "De begindatum ligt na de einddatum."
    assert view.model.rowCount() == 0


def test_clear_drops_every_line(qtbot: QtBot, view: AuditLogView) -> None:
    view.clear()
    assert view.model.rowCount() == 0
    assert view.account_combo.count() == 1
    assert view.chain_label.text() == ""
    assert not view.case_edit.isEnabled()


def test_opening_reads_the_lines_and_checks_the_chain(
    qtbot: QtBot, fresh: AuditLogView, open_store: Store
) -> None:
    widget = fresh
    with counting_transactions(open_store) as begun:
        with qtbot.waitSignals([widget.loaded, widget.checked]):
            widget.load(open_store)
        idle()
    # read_log: the view is logged, then one read for the lines, the accounts and their words;
    # then the chain check.
    assert begun == [WRITE, READ, READ]


def test_filters_changed_while_a_query_runs_ask_once_more_not_each_time(
    qtbot: QtBot, view: AuditLogView, open_store: Store
) -> None:
    searches_before = [e.id for e in audit.list_events(open_store, limit=1000)]
    with qtbot.waitSignal(view.loaded) as shown:
        view.refresh()  # runs
        view.account_combo.setCurrentIndex(1)  # waits for it
        view.refresh()  # the same wait
    assert shown.signal_triggered
    idle()
    new = [e for e in audit.list_events(open_store, limit=1000) if e.id not in searches_before]
    assert [e.action for e in new] == [AuditAction.SEARCH, AuditAction.SEARCH]
    assert set(_column(view, COL_ACCOUNT)) == {"collega"}  # the last filter won


def test_a_lock_while_reading_drops_the_late_result(
    qtbot: QtBot, view: AuditLogView, open_store: Store
) -> None:
    with qtbot.assertNotEmitted(view.loaded), qtbot.assertNotEmitted(view.checked):
        view.load(open_store)
        view.clear()
        idle()
    assert view.model.rowCount() == 0
    assert view.count_label.text() == ""
    assert view.chain_label.text() == ""
    with qtbot.waitSignals([view.loaded, view.checked]):
        view.load(open_store)
    assert view.model.rowCount() > 0
