"""Rapportage: the table and charts show the service's numbers; export writes an .xlsx."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import TracebackType

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction, ExemptionGround
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, cases, exports, reports
from casusoverleg.services.store import Store
from tests.helpers.scenario import build
from tests.helpers.stores import sample_case

from ui import pdf_preview, tasks
from ui import reports as reports_ui
from ui.common import GROUND_SHORT
from ui.reports import ReportsView, days_text

TODAY = date.today()
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def filled(store: Store) -> Store:
    """A held meeting with advice (this year), and cases of last year, thuiszitters among them."""
    build(store)
    home = ExemptionGround.THUISZITTER
    for number, ground in enumerate((ExemptionGround.ART5_A, ExemptionGround.ART5_A, home)):
        cases.create_case(
            store,
            sample_case(
                "Oud",
                f"Geval{number}",
                case_number=f"{LAST_YEAR}-{number + 1:04d}",
                ground=ground,
                registered_on=date(LAST_YEAR, 3, 1),
                absent_since=date(LAST_YEAR, 2, 1)
                if ground == ExemptionGround.THUISZITTER
                else None,
            ),
        )
    return store


@pytest.fixture(autouse=True)
def _fresh_session() -> Iterator[None]:
    """No plain-file confirmation carried over from another test."""
    pdf_preview.forget_save_confirmation()
    yield
    pdf_preview.forget_save_confirmation()


@pytest.fixture
def view(qtbot: QtBot, filled: Store) -> ReportsView:
    """A ReportsView that has loaded the filled store."""
    widget = ReportsView()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.load(filled)
    return widget


def test_the_table_shows_the_numbers_the_service_computes(
    view: ReportsView, filled: Store, qtmodeltester: ModelTester
) -> None:
    figures = reports.statistics(filled)
    model = view.counts_model
    assert figures.years == [LAST_YEAR, TODAY.year]
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header == ["Grond", str(LAST_YEAR), str(TODAY.year), "Totaal"]
    grounds = list(ExemptionGround)
    assert model.rowCount() == len(grounds) + 1
    for row, ground in enumerate(grounds):
        assert model.value(row, 0) == ground.label
        for column, year in enumerate(figures.years, start=1):
            assert model.value(row, column) == figures.count(ground, year)
        assert model.value(row, 3) == figures.total_for_ground(ground)
    total = len(grounds)
    assert model.value(total, 0) == "Totaal"
    assert model.value(total, 1) == figures.total_for_year(LAST_YEAR) == 3
    assert model.value(total, 3) == sum(figures.counts.values())

    advice = view.advice_model
    overall = figures.advice_overall
    assert overall.cases >= 2
    last = advice.rowCount() - 1
    assert advice.value(last, 0) == "Alle jaren"
    assert advice.value(last, 1) == overall.cases
    assert advice.value(last, 2) == days_text(overall.median_days)
    thuis = view.thuis_model
    assert thuis.value(0, 1) == figures.thuiszitters.total >= 1
    assert thuis.value(2, 1) == days_text(figures.thuiszitters.median_days)

    for checked in (view.counts_model, view.advice_model, view.thuis_model):
        qtmodeltester.check(checked, force_py=True)


def test_the_chart_follows_the_chosen_year(view: ReportsView, filled: Store) -> None:
    figures = reports.statistics(filled)
    assert view.year_combo.currentText() == str(TODAY.year)
    bars = {bar.label: bar.value for bar in view.ground_chart.bars}
    assert bars == {GROUND_SHORT[g]: figures.count(g, TODAY.year) for g in ExemptionGround}
    assert str(TODAY.year) in view.ground_chart.title

    view.year_combo.setCurrentIndex(view.year_combo.findData(LAST_YEAR))
    bars = {bar.label: bar.value for bar in view.ground_chart.bars}
    assert bars[GROUND_SHORT[ExemptionGround.ART5_A]] == 2
    assert bars[GROUND_SHORT[ExemptionGround.THUISZITTER]] == 1
    assert str(LAST_YEAR) in view.ground_chart.title
    # The thuiszitter chart counts the bands the service counts.
    home = figures.thuiszitters
    assert [b.value for b in view.thuis_chart.bars] == list(home.by_signal.values())
    assert not view.grab().isNull()  # the charts paint without complaint


def test_clear_drops_every_figure_and_a_late_result(
    qtbot: QtBot, view: ReportsView, filled: Store
) -> None:
    view.clear()
    assert view.figures is None
    assert view.counts_model.rowCount() == 0 and view.advice_model.rowCount() == 0
    assert view.ground_chart.bars == [] and view.thuis_chart.bars == []
    assert view.year_combo.count() == 0 and not view.export_button.isEnabled()

    # A result that arrives after the lock is not shown.
    with qtbot.assertNotEmitted(view.loaded):
        view.load(filled)
        view.clear()
        assert tasks.wait_for_idle()
    assert view.figures is None and view.counts_model.rowCount() == 0


def test_export_asks_once_and_writes_the_figures_to_xlsx(
    qtbot: QtBot,
    view: ReportsView,
    filled: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    targets = iter([tmp_path / "rapportage", tmp_path / "tweede.xlsx"])
    asked: list[str] = []
    monkeypatch.setattr(reports_ui, "ask_export_path", lambda _p, _s: next(targets))
    monkeypatch.setattr(pdf_preview, "ask_plain_file", lambda _p, n: asked.append(n) or True)

    with qtbot.waitSignal(view.exported, timeout=10_000) as exported:
        view.export_button.click()
    path = tmp_path / "rapportage.xlsx"
    assert exported.args == [path]
    assert asked == ["rapportage.xlsx"]
    figures = reports.statistics(filled)
    book = load_workbook(path, read_only=True)
    try:
        rows = list(book["Per grond en jaar"].iter_rows(values_only=True))
    finally:
        book.close()  # a read-only workbook keeps its file open until closed
    assert rows[0] == ("grond", str(LAST_YEAR), str(TODAY.year), "totaal")
    by_ground = {row[0]: row[1:] for row in rows[1:]}
    for ground in ExemptionGround:
        assert by_ground[ground.label] == (
            figures.count(ground, LAST_YEAR),
            figures.count(ground, TODAY.year),
            figures.total_for_ground(ground),
        )
    event = audit.list_events(filled, limit=1)[0]
    assert event.action == AuditAction.EXPORT and "rapportage.xlsx" in event.detail
    assert "niet versleuteld" in view.message_label.text()

    with qtbot.waitSignal(view.exported, timeout=10_000):
        view.export()
    assert asked == ["rapportage.xlsx"]  # once per session
    assert (tmp_path / "tweede.xlsx").exists()


def test_export_not_confirmed_writes_nothing(
    view: ReportsView, filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports_ui, "ask_export_path", lambda _p, _s: tmp_path / "r.xlsx")
    monkeypatch.setattr(pdf_preview, "ask_plain_file", lambda _p, _n: False)
    count = len(audit.list_events(filled))
    view.export()
    assert tasks.is_idle()
    assert not (tmp_path / "r.xlsx").exists() and len(audit.list_events(filled)) == count


@pytest.fixture
def crashes(monkeypatch: pytest.MonkeyPatch) -> list[type[BaseException]]:
    """The unexpected errors that reached the global handler (the app's crash dialog)."""
    handled: list[type[BaseException]] = []

    def hook(kind: type[BaseException], _exc: BaseException, _tb: TracebackType | None) -> None:
        handled.append(kind)

    monkeypatch.setattr(sys, "excepthook", hook)
    return handled


def test_figures_that_cannot_be_computed_say_why_and_keep_the_last_ones(
    qtbot: QtBot, view: ReportsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = view.figures
    stand = view.date_label.text()

    def refuse(_store: Store) -> reports.Statistics:
        raise BadInput("De opslag is even niet bereikbaar.")

    monkeypatch.setattr(reports, "statistics", refuse)
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message_label.isVisibleTo(view))
    assert view.message_label.text() == (
        "De cijfers konden niet worden berekend: De opslag is even niet bereikbaar."
    )
    assert view.figures is before and view.date_label.text() == stand
    assert view.refresh_button.isEnabled() and view.export_button.isEnabled()


def test_an_unexpected_error_goes_to_the_crash_dialog_and_the_buttons_come_back(
    qtbot: QtBot,
    view: ReportsView,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    crashes: list[type[BaseException]],
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError

    monkeypatch.setattr(reports, "statistics", broken)
    with qtbot.assertNotEmitted(view.loaded):
        view.refresh()
        qtbot.waitUntil(lambda: bool(crashes))
    assert view.refresh_button.isEnabled() and view.date_label.text().startswith("stand ")
    assert not view.message_label.isVisibleTo(view)

    monkeypatch.setattr(reports_ui, "ask_export_path", lambda _p, _s: tmp_path / "r.xlsx")
    monkeypatch.setattr(pdf_preview, "ask_plain_file", lambda _p, _n: True)
    monkeypatch.setattr(exports, "export_statistics", broken)
    with qtbot.assertNotEmitted(view.exported):
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
        assert not view.export_button.isEnabled()
        qtbot.waitUntil(lambda: len(crashes) == 2)
    assert crashes == [ZeroDivisionError, ZeroDivisionError]
    assert view.export_button.isEnabled() and view.date_label.text().startswith("stand ")
