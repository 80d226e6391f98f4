"""Import from the File menu: the check is shown first; a bad row keeps "Importeren" disabled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import accounts, audit, cases
from casusoverleg.services.imports import ImportPreview, RowProblem
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case
from tests.ui.conftest import CASES

from ui import dialogs, ops
from ui.import_dialog import ImportDialog, PreviewTableModel, ProblemTableModel, case_rows
from ui.mainwindow import MainWindow
from ui.ops import Change

HEADER = (
    "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;casushouder"
)
GOOD = (
    "2025-0101;Lotte;Visser;04-05-2013;De Toermalijn;5 onder a;aangemeld;01-09-2025;\n"
    "2025-0102;Bram;de Jong;17-11-2010;Het Stedelijk;thuiszitter;in behandeling;02-09-2025;"
    "Fatima Yilmaz\n"
)
BAD_ROW = "2025-0103;Mila;Smit;31-02-2012;De Kleine Wereld;vakantie;aangemeld;03-09-2025;\n"


@pytest.fixture
def window(qtbot: QtBot, store_path: Path) -> Iterator[MainWindow]:
    """A main window on the test store, on the Casussen screen."""
    main = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE))
    qtbot.addWidget(main)
    main.show()
    main.show_section("Casussen")
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == len(CASES))
    yield main
    main.close()


def _open_import(
    qtbot: QtBot, window: MainWindow, path: Path, monkeypatch: pytest.MonkeyPatch
) -> ImportDialog:
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: path)
    window.import_action.trigger()
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.busy)
    return dialog


def test_a_bad_row_is_shown_and_nothing_is_written(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lijst.csv"
    path.write_text(HEADER + "\n" + GOOD + BAD_ROW, encoding="utf-8")
    dialog = _open_import(qtbot, window, path, monkeypatch)

    assert dialog.isVisible()
    assert dialog.problem_table.isVisibleTo(dialog) and not dialog.case_table.isVisibleTo(dialog)
    rows = [dialog.problems.row_at(r) for r in range(dialog.problems.rowCount())]
    assert [(p.row, p.column) for p in rows] == [(4, "geboortedatum"), (4, "grond")]
    assert dialog.problems.index(0, 0).data() == "4"
    assert "geen bestaande datum" in dialog.problems.index(0, 2).data()
    assert rows[1].reason.startswith("Onbekende grond; gebruik")
    assert "vakantie" not in rows[1].reason
    assert "2 fout(en) in 1 van de 3 regels" in dialog.summary_label.text()
    assert dialog.reason_label.text().startswith("Regel 4, kolom geboortedatum: ")
    assert not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)  # disabled: nothing

    store = window.store
    assert store is not None
    assert cases.count_cases(store) == len(CASES)
    assert not [e for e in audit.list_events(store) if e.action == AuditAction.IMPORT]

    # The user fixes the file and checks it again: now it can be imported.
    path.write_text(HEADER + "\n" + GOOD, encoding="utf-8")
    with qtbot.waitSignal(dialog.checked):
        qtbot.mouseClick(dialog.recheck_button, Qt.MouseButton.LeftButton)
    assert dialog.case_table.isVisibleTo(dialog) and not dialog.problem_table.isVisibleTo(dialog)
    assert dialog.cases.rowCount() == 2
    assert dialog.cases.index(1, 2).data() == "Bram de Jong"
    assert dialog.cases.index(1, 3).data() == "17-11-2010"
    # "Fatima Yilmaz" names nobody in the store: the user decides before the import can start.
    (row,) = dialog.owner_rows
    assert row.label.text() == "Onbekende casushouder 'Fatima Yilmaz' (1 casus)"
    assert not dialog.import_button.isEnabled()
    qtbot.keyClicks(row.choice, "Leeg")
    assert dialog.import_button.isEnabled()

    announced: list[tuple[object, object]] = []

    def note(change: object, source: object) -> None:
        announced.append((change, source))

    ops.change_bus().did_change.connect(note)
    try:
        with qtbot.waitSignal(dialog.imported):
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    finally:
        ops.change_bus().did_change.disconnect(note)
    # New cases and a new casushouder: the screens showing either load again.
    assert (Change.CASES | Change.PEOPLE, dialog) in announced
    qtbot.waitUntil(lambda: window.cases_view.model.rowCount() == len(CASES) + 2)
    assert cases.count_cases(store) == len(CASES) + 2
    assert window.statusBar().currentMessage().startswith("2 casussen geïmporteerd.")


def test_the_preview_names_the_encoding(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Excel's 'Unicode-tekst': UTF-16 LE with a BOM, tab-separated.
    path = tmp_path / "unicode.txt"
    text = (HEADER + "\n" + GOOD).replace(";", "\t").replace("\n", "\r\n")
    path.write_bytes(b"\xff\xfe" + text.replace("Lotte", "Chloë").encode("utf-16-le"))
    dialog = _open_import(qtbot, window, path, monkeypatch)
    assert dialog.encoding_label.isVisibleTo(dialog)
    expected = "Tekenset van het bestand: UTF-16 (Excel 'Unicode-tekst')."
    assert dialog.encoding_label.text() == expected
    assert dialog.cases.rowCount() == 2
    assert dialog.cases.index(0, 2).data() == "Chloë Visser"

    # Junk: no encoding line, a Dutch reason.
    path.write_bytes(bytes(range(256)))
    with qtbot.waitSignal(dialog.checked):
        qtbot.mouseClick(dialog.recheck_button, Qt.MouseButton.LeftButton)
    assert not dialog.encoding_label.isVisibleTo(dialog)
    assert "geen CSV-tekstbestand" in dialog.summary_label.text()

    # The same list saved as Windows-1252: checked again, the line says so.
    path.write_bytes((HEADER + "\n" + GOOD).replace("Lotte", "Chloë").encode("cp1252"))
    with qtbot.waitSignal(dialog.checked):
        qtbot.mouseClick(dialog.recheck_button, Qt.MouseButton.LeftButton)
    assert "Windows-1252" in dialog.encoding_label.text()
    assert dialog.cases.index(0, 2).data() == "Chloë Visser"
    (row,) = dialog.owner_rows
    qtbot.keyClicks(row.choice, "Leeg")
    with qtbot.waitSignal(dialog.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    store = window.store
    assert store is not None
    imported = {r.case_number: r.first_name for r in cases.list_cases(store, log_search=False)}
    assert imported["2025-0101"] == "Chloë"


@pytest.fixture(autouse=True)
def _no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "inform", lambda *args, **kwargs: None)


def test_an_unreadable_file_says_why(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lijst.csv"
    path.write_text("naam;school\nSanne;De Fonkeling\n", encoding="utf-8")
    dialog = _open_import(qtbot, window, path, monkeypatch)
    assert "ontbreekt de kolom" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.recheck_button.isEnabled()
    dialog.reject()


def test_a_long_problem_list_shows_a_hundred_and_a_count(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = "2025-{:04d};;Smit;31-02-2012;;vakantie;;;"  # three problems a row
    path = tmp_path / "lijst.csv"
    path.write_text("\n".join([HEADER, *(bad.format(i) for i in range(500))]), encoding="utf-8")
    dialog = _open_import(qtbot, window, path, monkeypatch)
    assert dialog.problems.rowCount() == 100
    text = dialog.summary_label.text()
    assert text.startswith("1.500 fout(en) in 500 van de 500 regels.")
    assert text.endswith("De eerste 100 staan hieronder, en nog 1.400 problemen.")
    assert not dialog.import_button.isEnabled()
    dialog.reject()


def test_locking_closes_the_preview(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lijst.csv"
    path.write_text(HEADER + "\n" + GOOD, encoding="utf-8")
    dialog = _open_import(qtbot, window, path, monkeypatch)
    assert dialog.cases.rowCount() == 2
    seen: list[int] = []
    dialog.finished.connect(lambda _result: seen.append(dialog.cases.rowCount()))
    with qtbot.waitSignal(window.locked):
        window.lock()
    assert seen == [0]  # emptied before it closed
    qtbot.waitUntil(lambda: window.findChild(ImportDialog) is None)  # and then deleted


def test_problem_table_model(qtmodeltester: ModelTester) -> None:
    model = ProblemTableModel()
    model.set_rows([RowProblem(2, "grond", "Onbekende grond"), RowProblem(3, "voornaam", "Leeg")])
    qtmodeltester.check(model)
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Reden"
    assert model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole) == "Leeg"
    assert model.row_of((3, "voornaam")) == 1


def test_preview_table_model(qtmodeltester: ModelTester) -> None:
    preview = ImportPreview(
        cases=[sample_case("Lotte", "Visser"), sample_case("Bram", "de Jong", case_number="X-1")],
        rows=[2, 3],
        owner_names=["", "Fatima Yilmaz"],
        problems=[],
        unknown_owners=[],
    )
    model = PreviewTableModel()
    model.set_rows(case_rows(preview))
    qtmodeltester.check(model)
    assert [model.index(r, 1).data() for r in range(2)] == ["(nieuw nummer)", "X-1"]
    assert model.index(1, 7).data() == "Fatima Yilmaz (onbekend)"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Naam"
