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
from tests.helpers.stores import ACCOUNT, PASSPHRASE
from tests.ui.conftest import CASES

from ui import dialogs
from ui.import_dialog import ImportDialog, TextTableModel
from ui.mainwindow import MainWindow

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
    rows = [dialog.problems.row_texts(r) for r in range(dialog.problems.rowCount())]
    assert [(regel, kolom) for regel, kolom, _reden in rows] == [
        ("4", "geboortedatum"),
        ("4", "grond"),
    ]
    assert "geen bestaande datum" in rows[0][2]
    assert "Onbekende grond 'vakantie'" in rows[1][2]
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
    assert dialog.cases.row_texts(1)[2] == "Bram de Jong"
    assert "Fatima Yilmaz" in dialog.owners_label.text()
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.cases_view.model.rowCount() == len(CASES) + 2)
    assert cases.count_cases(store) == len(CASES) + 2
    assert window.statusBar().currentMessage().startswith("2 casussen geïmporteerd.")


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


def test_text_table_model(qtmodeltester: ModelTester) -> None:
    model = TextTableModel(("Regel", "Kolom", "Reden"))
    model.set_rows([("2", "grond", "Onbekende grond"), ("3", "voornaam", "Leeg")])
    qtmodeltester.check(model)
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Reden"
