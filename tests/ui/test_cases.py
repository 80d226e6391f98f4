"""The Casussen screen: the model, filter as you type, the count, sorting by header."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import CaseStatus, ExemptionGround, Team
from casusoverleg.services import cases, people
from casusoverleg.services.cases import CaseFilter, CaseRow
from casusoverleg.services.store import Store
from tests.helpers.ui import unlocked
from tests.ui.conftest import CASES

from ui import common, ops, tasks
from ui.cases import (
    COL_BIRTH,
    COL_GROUND,
    COL_NAME,
    COL_STATUS,
    CasesView,
    CaseTableModel,
    RowFilter,
    count_text,
)
from ui.ops import Change


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store, unlocked."""
    with unlocked(store_path) as store:
        yield store


@pytest.fixture
def rows(open_store: Store) -> list[CaseRow]:
    """The five test cases as the service returns them."""
    return cases.list_cases(open_store, log_search=False)


@pytest.fixture
def view(qtbot: QtBot, open_store: Store) -> CasesView:
    """A CasesView that has loaded the test store."""
    widget = CasesView()
    qtbot.addWidget(widget)
    widget.resize(1000, 400)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(open_store)
    return widget


def _names(model: CaseTableModel) -> list[str]:
    return [model.index(r, COL_NAME).data() for r in range(model.rowCount())]


def test_model_passes_qt_model_checks(qtmodeltester: ModelTester, rows: list[CaseRow]) -> None:
    model = CaseTableModel()
    model.set_cases(rows)
    qtmodeltester.check(model)
    model.set_filter_text("fonkeling")
    model.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_model_shows_dutch_dates_and_labels(rows: list[CaseRow]) -> None:
    model = CaseTableModel()
    model.set_cases(rows)
    model.set_filter_text("sanne")
    assert model.rowCount() == 1
    assert model.index(0, COL_NAME).data() == "Sanne de Vries"
    assert model.index(0, COL_BIRTH).data() == "12-03-2014"
    assert model.index(0, COL_GROUND).data() == "art. 5 onder a"
    tooltip = model.index(0, COL_GROUND).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "art. 5 onder a (lichamelijk/psychisch ongeschikt)"
    assert model.index(0, COL_STATUS).data() == "aangemeld"
    assert model.headerData(COL_BIRTH, Qt.Orientation.Horizontal) == "Geboortedatum"


def test_filter_needs_every_word_and_ignores_accents(rows: list[CaseRow]) -> None:
    model = CaseTableModel()
    model.set_cases(rows)
    model.set_filter_text("ZOE")
    assert _names(model) == ["Zoë van den Berg"]
    model.set_filter_text("fonkeling")
    assert sorted(_names(model)) == ["Emma Bakker", "Sanne de Vries"]
    model.set_filter_text("fonkeling emma")
    assert _names(model) == ["Emma Bakker"]
    model.set_filter_text("fonk")  # deleting characters widens the result again
    assert model.rowCount() == 2
    model.set_filter_text("")
    assert model.rowCount() == len(CASES)


def test_typing_in_the_filter_narrows_the_table_and_the_count(
    qtbot: QtBot, view: CasesView
) -> None:
    assert view.model.rowCount() == len(CASES)
    assert view.count_label.text() == "5 casussen"
    qtbot.keyClicks(view.filter_edit, "basisschool")
    assert view.model.rowCount() == 3
    assert view.count_label.text() == "3 van 5 casussen"
    qtbot.keyClicks(view.filter_edit, " het")
    assert _names(view.model) == ["Mohammed El Amrani"]
    assert view.count_label.text() == "1 van 5 casussen"
    view.filter_edit.clear()
    assert view.model.rowCount() == len(CASES)


def test_clicking_a_header_sorts_by_that_column(qtbot: QtBot, view: CasesView) -> None:
    header = view.table.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(COL_NAME) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    # By surname proper, as a Dutch register sorts: "van den Berg" under B, "El Amrani" under A.
    expected = [
        "Mohammed El Amrani",
        "Emma Bakker",
        "Zoë van den Berg",
        "Daan Jansen",
        "Sanne de Vries",
    ]
    assert _names(view.model) == expected
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert _names(view.model) == expected[::-1]
    assert header.sortIndicatorSection() == COL_NAME


def test_sort_and_filter_keep_the_selection(qtbot: QtBot, view: CasesView) -> None:
    row = _names(view.model).index("Emma Bakker")
    view.table.selectRow(row)
    view.model.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    view.model.set_filter_text("fonkeling")
    selected = view.table.selectionModel().selectedRows()
    assert [view.model.row_at(i.row()).full_name for i in selected] == ["Emma Bakker"]


def test_ctrl_f_focuses_the_filter(qtbot: QtBot, view: CasesView) -> None:
    view.activateWindow()
    qtbot.waitActive(view)
    view.table.setFocus()
    qtbot.keySequence(view, QKeySequence(QKeySequence.StandardKey.Find))
    assert view.filter_edit.hasFocus()


def test_count_uses_the_dutch_thousands_separator() -> None:
    assert count_text(312, 4120, filtered=True) == "312 van 4.120 casussen"
    assert count_text(12_345, 12_345, filtered=False) == "12.345 casussen"
    assert count_text(1, 1, filtered=False) == "1 casus"


def test_clear_empties_the_table(qtbot: QtBot, view: CasesView) -> None:
    qtbot.keyClicks(view.filter_edit, "sanne")
    view.clear()
    assert view.model.rowCount() == 0
    assert view.model.total_count == 0
    assert view.filter_edit.text() == ""


def test_model_with_filters_passes_qt_model_checks(
    qtmodeltester: ModelTester, rows: list[CaseRow]
) -> None:
    model = CaseTableModel()
    model.set_cases(rows)
    model.set_criteria(RowFilter(only_open=True, ground=ExemptionGround.ART5_A))
    qtmodeltester.check(model)
    model.upsert_row(rows[1])
    qtmodeltester.check(model)


def test_grounds_show_short_with_the_long_label_as_tooltip(rows: list[CaseRow]) -> None:
    model = CaseTableModel()
    model.set_cases(rows)
    shown = {model.index(r, COL_GROUND).data() for r in range(model.rowCount())}
    assert shown == {"art. 5 onder a", "thuiszitter", "preventief", "art. 15", "art. 5 onder c"}


def test_combo_filters_combine_with_the_text_and_the_count(qtbot: QtBot, view: CasesView) -> None:
    view.status_combo.setFocus()
    qtbot.keyClicks(view.status_combo, "afg")
    assert view.status_combo.currentText() == "afgesloten"
    assert _names(view.model) == ["Mohammed El Amrani"]
    assert view.count_label.text() == "1 van 5 casussen"
    view.status_combo.setCurrentIndex(0)
    qtbot.mouseClick(view.open_only, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 4
    assert "Mohammed El Amrani" not in _names(view.model)
    assert view.count_label.text() == "4 van 5 casussen"

    view.ground_combo.setCurrentIndex(view.ground_combo.findData("THUISZITTER"))
    assert _names(view.model) == ["Daan Jansen"]
    qtbot.keyClicks(view.filter_edit, "fonkeling")
    assert view.model.rowCount() == 0
    assert view.count_label.text() == "0 van 5 casussen"
    view.ground_combo.setCurrentIndex(0)
    assert sorted(_names(view.model)) == ["Emma Bakker", "Sanne de Vries"]
    tooltip = view.ground_combo.itemData(1, Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "art. 5 onder a (lichamelijk/psychisch ongeschikt)"


def test_owner_filter_lists_the_owners_of_the_loaded_cases(qtbot: QtBot, open_store: Store) -> None:
    org = people.create_organisation(open_store, "Sociaal Wijkteam", Team.SOCIAAL_WIJKTEAM)
    piet = people.create_participant(open_store, "Piet Peters", org.id)
    daan = cases.list_cases(open_store, CaseFilter(text="daan"), log_search=False)[0]
    data = cases.get_case(open_store, daan.id).to_input()
    cases.update_case(open_store, daan.id, replace(data, owner_id=piet.id))
    widget = CasesView()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded):
        widget.load(open_store)
    items = [widget.owner_combo.itemText(i) for i in range(widget.owner_combo.count())]
    assert items == ["Alle casushouders", "Zonder casushouder", "Piet Peters"]
    widget.owner_combo.setCurrentIndex(2)
    assert _names(widget.model) == ["Daan Jansen"]
    widget.owner_combo.setCurrentIndex(1)
    assert widget.model.rowCount() == len(CASES) - 1
    # A lock forgets the names; the choice comes back with the cases.
    widget.owner_combo.setCurrentIndex(2)
    widget.clear()
    assert widget.owner_combo.count() == 2
    with qtbot.waitSignal(widget.loaded):
        widget.load(open_store)
    assert widget.owner_combo.currentText() == "Piet Peters"
    assert _names(widget.model) == ["Daan Jansen"]


def test_sorting_keeps_working_under_a_filter(qtbot: QtBot, view: CasesView) -> None:
    view.open_only.setChecked(True)
    header = view.table.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(COL_BIRTH) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert _names(view.model) == [
        "Zoë van den Berg",
        "Daan Jansen",
        "Sanne de Vries",
        "Emma Bakker",
    ]


def test_close_case_asks_first_and_then_closes(
    qtbot: QtBot, view: CasesView, open_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [False, True]
    monkeypatch.setattr(common, "ask", lambda *_a, **_k: answers.pop(0))
    view.table.selectRow(_names(view.model).index("Emma Bakker"))
    assert view.close_button.isEnabled()
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert tasks.is_idle()  # "Annuleren": nothing sent to the store
    announced: list[object] = []

    def note(change: object, _source: object) -> None:
        announced.append(change)

    ops.change_bus().did_change.connect(note)
    try:
        with qtbot.waitSignal(view.case_closed):
            qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    finally:
        ops.change_bus().did_change.disconnect(note)
    assert announced == [Change.CASES]  # the other screens that show cases load again
    emma = cases.list_cases(open_store, CaseFilter(text="emma"), log_search=False)[0]
    assert emma.status == CaseStatus.AFGESLOTEN
    row = _names(view.model).index("Emma Bakker")
    assert view.model.index(row, COL_STATUS).data() == "afgesloten"
    assert not view.close_button.isEnabled()
    assert view.message_label.text() == f"Casus {emma.case_number} is afgesloten."


def test_double_click_opens_the_case_form(qtbot: QtBot, view: CasesView) -> None:
    row = _names(view.model).index("Emma Bakker")
    rect = view.table.visualRect(view.model.index(row, COL_NAME))
    # A real double-click is a press and release, then the double-click event.
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.form.loaded):
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.is_form_shown()
    assert view.form.first_name_edit.text() == "Emma"
    tasks.wait_for_idle()
