"""Rapportage per school year: the tables and charts show the service's numbers for the chosen
school year; export writes an .xlsx."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import TracebackType

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction, ExemptionGround
from casusoverleg.domain.school_year import SchoolYear, school_year_of
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, cases, exports, reports
from casusoverleg.services.reports import HomeGroup
from casusoverleg.services.store import Store
from tests.helpers.scenario import build
from tests.helpers.stores import sample_case

from ui import pdf_preview, tasks
from ui import reports as reports_ui
from ui.common import GROUND_SHORT
from ui.reports import ReportsView, days_text

TODAY = date.today()
THIS_YEAR = school_year_of(TODAY)
LAST_YEAR = SchoolYear(THIS_YEAR.first_year - 1)


@pytest.fixture
def filled(store: Store) -> Store:
    """A held meeting with advice (this school year), and cases of the last school year,
    a thuiszitter among them."""
    build(store)
    home = ExemptionGround.THUISZITTER
    registered = LAST_YEAR.end - timedelta(days=40)
    for number, ground in enumerate((ExemptionGround.ART5_A, ExemptionGround.ART5_A, home)):
        cases.create_case(
            store,
            sample_case(
                "Oud",
                f"Geval{number}",
                case_number=f"{registered.year}-9{number + 1:03d}",
                ground=ground,
                birth_date=date(TODAY.year - 10, 3, 12),
                registered_on=registered,
                exemption_from=registered if ground != home else None,
                exemption_until=LAST_YEAR.end if ground != home else None,
                enrolled=True if ground == home else None,
                absent_since=registered if ground == home else None,
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


def test_lpw_art25_the_tables_show_the_chosen_school_years_figures(
    view: ReportsView, filled: Store, qtmodeltester: ModelTester
) -> None:
    """Lpw art. 25: the screen shows one school year (1 August – 31 July) at a time."""
    figures = reports.school_year_report(filled)
    assert [y.year for y in figures.years][-2:] == [LAST_YEAR, THIS_YEAR]
    assert view.year_combo.currentText() == THIS_YEAR.label
    assert view.year_combo.itemText(1) == LAST_YEAR.label
    assert "Schooljaar" in view.year_combo.accessibleName()

    view.year_combo.setCurrentIndex(view.year_combo.findData(LAST_YEAR.first_year))
    last = figures.year(LAST_YEAR.first_year)
    assert last is not None
    model = view.exemptions_model
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header == ["Grond", "Nieuw", "Verlengd", "Beëindigd", "Zonder ingangsdatum"]
    assert model.rowCount() == len(reports.EXEMPTION_GROUNDS) + 1
    for row, ground in enumerate(reports.EXEMPTION_GROUNDS):
        counts = last.exemption(ground)
        assert model.value(row, 0) == GROUND_SHORT[ground]
        assert [model.value(row, c) for c in (1, 2, 3)] == [
            counts.new,
            counts.renewed,
            counts.ended,
        ]
    assert [model.value(0, c) for c in (1, 2, 3)] == [2, 0, 2]  # art. 5 onder a
    total = model.rowCount() - 1
    assert model.value(total, 0) == "Totaal" and model.value(total, 1) == 2

    home = view.home_model
    assert home.rowCount() == len(HomeGroup)
    assert home.value(0, 0) == "thuiszitter, ingeschreven" and home.value(0, 1) == 1
    enrolled = last.home[HomeGroup.THUISZITTER]
    assert home.value(0, 5) == days_text(enrolled.median_days) == "40"

    view.year_combo.setCurrentIndex(view.year_combo.findData(THIS_YEAR.first_year))
    advice = view.advice_model
    this = figures.year(THIS_YEAR.first_year)
    assert this is not None
    last_row = advice.rowCount() - 1
    assert advice.value(last_row, 0) == "Totaal adviezen"
    assert advice.value(last_row, 1) == this.advice.total
    waited = view.advice_time_model
    assert waited.value(0, 1) == this.advice_time.cases
    assert waited.value(0, 2) == days_text(this.advice_time.median_days)
    for checked in (
        view.exemptions_model,
        view.home_model,
        view.advice_model,
        view.advice_time_model,
    ):
        qtmodeltester.check(checked, force_py=True)


def test_the_charts_follow_the_chosen_school_year(view: ReportsView, filled: Store) -> None:
    figures = reports.school_year_report(filled)
    view.year_combo.setCurrentIndex(view.year_combo.findData(LAST_YEAR.first_year))
    bars = {bar.label: bar.value for bar in view.ground_chart.bars}
    assert bars[GROUND_SHORT[ExemptionGround.ART5_A]] == 2
    assert LAST_YEAR.label in view.ground_chart.title
    home = {bar.label: bar.value for bar in view.thuis_chart.bars}
    assert home == {
        "thuiszitter, ingeschreven": 1,
        "absoluut verzuim": 0,
        "inschrijving onbekend": 0,
        "art. 11 (ziekte, verlof)": 0,
    }
    assert not view.note_label.isVisibleTo(view)  # every exemption has its start date

    view.year_combo.setCurrentIndex(view.year_combo.findData(THIS_YEAR.first_year))
    this = figures.year(THIS_YEAR.first_year)
    assert this is not None
    bars = {bar.label: bar.value for bar in view.ground_chart.bars}
    assert bars == {
        GROUND_SHORT[g]: this.exemption(g).new + this.exemption(g).renewed
        for g in reports.EXEMPTION_GROUNDS
    }
    # The scenario's cases have no exemption start: the screen says how they are counted.
    fallback = this.exemption_total.from_registration
    assert fallback > 0 and view.note_label.isVisibleTo(view)
    assert "aanmelddatum" in view.note_label.text() and str(fallback) in view.note_label.text()
    assert not view.grab().isNull()  # the charts paint without complaint


def test_clear_drops_every_figure_and_a_late_result(
    qtbot: QtBot, view: ReportsView, filled: Store
) -> None:
    view.clear()
    assert view.figures is None
    assert view.exemptions_model.rowCount() == 0 and view.advice_model.rowCount() == 0
    assert view.ground_chart.bars == [] and view.thuis_chart.bars == []
    assert view.year_combo.count() == 0 and not view.export_button.isEnabled()

    # A result that arrives after the lock is not shown.
    with qtbot.assertNotEmitted(view.loaded):
        view.load(filled)
        view.clear()
        assert tasks.wait_for_idle()
    assert view.figures is None and view.exemptions_model.rowCount() == 0


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
    figures = reports.school_year_report(filled)
    book = load_workbook(path, read_only=True)
    try:
        rows = list(book["Vrijstellingen"].iter_rows(values_only=True))
    finally:
        book.close()  # a read-only workbook keeps its file open until closed
    assert rows[0][:5] == ("schooljaar", "grond", "nieuw", "verlengd", "beëindigd")
    for year in figures.years:
        for ground in reports.EXEMPTION_GROUNDS:
            counts = year.exemption(ground)
            assert (year.year.label, ground.label, counts.new, counts.renewed, counts.ended) in {
                r[:5] for r in rows
            }
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

    def refuse(_store: Store) -> reports.Report:
        raise BadInput("De opslag is even niet bereikbaar.")

    monkeypatch.setattr(reports, "school_year_report", refuse)
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

    monkeypatch.setattr(reports, "school_year_report", broken)
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
