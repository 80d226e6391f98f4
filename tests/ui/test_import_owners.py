"""Import names people, not codes: unknown casushouders wait for the user's choice, a new
participant is made only when chosen, and a code typed in Deelnemers makes the next import match."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts, cases, people
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE
from tests.helpers.ui import add_leerplicht_owner, unlocked
from tests.ui.conftest import CASES

from ui import dialogs
from ui.import_dialog import ImportDialog
from ui.mainwindow import MainWindow
from ui.participants import ParticipantsView

HEADER = (
    "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;casushouder"
)


def _line(number: int, owner: str) -> str:
    return (
        f"2025-{number:04d};Kind;Nummer{number};04-05-2013;;5 onder a;aangemeld;01-09-2025;{owner}"
    )


@pytest.fixture
def window(qtbot: QtBot, store_path: Path) -> Iterator[MainWindow]:
    """A main window on the test store (with Els de Boer of Team Leerplicht Zwolle)."""
    with unlocked(store_path) as setup:
        add_leerplicht_owner(setup)
    main = MainWindow(accounts.unlock(store_path, ACCOUNT, PASSPHRASE))
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    main.show_section("Casussen")
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == len(CASES))
    yield main
    main.close()


@pytest.fixture(autouse=True)
def _no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "inform", lambda *args, **kwargs: None)


def _store(window: MainWindow) -> Store:
    store = window.store
    assert store is not None
    return store


def _open_import(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    lines: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> ImportDialog:
    """Write `lines` under the header to a CSV and open it with Bestand → Importeren."""
    path = tmp_path / "lijst.csv"
    path.write_text("\n".join([HEADER, *lines]), encoding="utf-8")
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: path)
    window.import_action.trigger()
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.busy)
    return dialog


def _type_code_of_els(qtbot: QtBot, window: MainWindow, code: str) -> ParticipantsView:
    """Open Deelnemers, click Els de Boer and type `code` in her Code field (not saved yet)."""
    window.show_section("Deelnemers")
    view = window.findChild(ParticipantsView)
    assert view is not None
    qtbot.waitUntil(lambda: view.item_of("Els de Boer") is not None)
    item = view.item_of("Els de Boer")
    assert item is not None
    rect = view.tree.visualItemRect(item)
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.person_editor.name_edit.text() == "Els de Boer")
    view.person_editor.code_edit.setFocus()
    qtbot.keyClicks(view.person_editor.code_edit, code)
    return view


def _owners(store: Store) -> dict[str, str]:
    return {r.case_number: r.owner_name or "" for r in cases.list_cases(store, log_search=False)}


def test_unknown_casushouders_create_nobody_until_the_user_chooses(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [_line(1, "swt"), _line(2, "SWT"), _line(3, "leerplicht"), _line(4, "els de boer"),
             _line(5, "EdB"), _line(6, "")]  # fmt: skip
    store = _store(window)
    before = [p.name for p in people.list_participants(store, include_archived=True)]
    dialog = _open_import(qtbot, window, tmp_path, lines, monkeypatch)

    # One choice per distinct unknown value; the known name and initials are linked already.
    assert [r.label.text() for r in dialog.owner_rows] == [
        "Onbekende casushouder 'swt' (2 casussen)",
        "Onbekende casushouder 'leerplicht' (1 casus)",
    ]
    swt, leerplicht = dialog.owner_rows
    column = [dialog.cases.index(r, 7).data() for r in range(dialog.cases.rowCount())]
    assert column == ["swt (onbekend)", "SWT (onbekend)", "leerplicht (onbekend)", "Els de Boer",
                      "Els de Boer (EdB)", ""]  # fmt: skip
    assert not dialog.import_button.isEnabled()
    assert dialog.owners_label.text().startswith("Nog 2 van de 2 casushouders")
    assert "Er wordt niemand aangemaakt zonder uw keuze" in dialog.owners_label.text()
    assert swt.choice.hasFocus()  # the first thing to decide
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)  # disabled: nothing
    assert cases.count_cases(store) == len(CASES)

    # "Nieuwe deelnemer" with a typed name (and the Leerplicht team proposed).
    qtbot.keyClicks(swt.choice, "Nieuwe")
    assert swt.name_edit.isVisible() and swt.organisation.isVisible()
    assert swt.organisation.currentText() == "Team Leerplicht Zwolle"
    assert not dialog.import_button.isEnabled()  # no name yet
    qtbot.keyClicks(swt.name_edit, "Sanne Wit")
    assert not dialog.import_button.isEnabled()  # 'leerplicht' is still open
    assert dialog.owners_label.text().startswith("Nog 1 van de 2")
    assert [p.name for p in people.list_participants(store, include_archived=True)] == before

    qtbot.keyClicks(leerplicht.choice, "Koppelen")  # a space would open the list
    assert leerplicht.choice.currentText() == "Koppelen aan Els de Boer (Team Leerplicht Zwolle)"
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    after = [p.name for p in people.list_participants(store, include_archived=True)]
    assert sorted(after) == sorted([*before, "Sanne Wit"])  # exactly that one
    sanne = next(p for p in people.list_participants(store) if p.name == "Sanne Wit")
    assert sanne.organisation_name == "Team Leerplicht Zwolle"
    owners = _owners(store)
    assert [owners[f"2025-{n:04d}"] for n in range(1, 7)] == [
        "Sanne Wit", "Sanne Wit", "Els de Boer", "Els de Boer", "Els de Boer", ""
    ]  # fmt: skip
    assert "Nieuwe deelnemers: Sanne Wit." in window.statusBar().currentMessage()


def test_leaving_empty_makes_nobody_and_says_so(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(window)
    count = len(people.list_participants(store, include_archived=True))
    dialog = _open_import(qtbot, window, tmp_path, [_line(1, "swv"), _line(2, "swv")], monkeypatch)
    (row,) = dialog.owner_rows
    qtbot.keyClicks(row.choice, "Leeg")
    with qtbot.waitSignal(dialog.imported):
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Space)
    assert len(people.list_participants(store, include_archived=True)) == count
    assert set(_owners(store).values()) == {""}
    assert "Zonder casushouder: 'swv' (2 casussen)." in window.statusBar().currentMessage()


def test_a_code_typed_in_deelnemers_makes_the_next_import_match(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _type_code_of_els(qtbot, window, "lp")
    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(view.person_editor.save_button, Qt.MouseButton.LeftButton)
    store = _store(window)
    els = next(p for p in people.list_participants(store) if p.name == "Els de Boer")
    assert els.code == "lp"

    dialog = _open_import(qtbot, window, tmp_path, [_line(1, "LP"), _line(2, "l.p.")], monkeypatch)
    assert dialog.owner_rows == [] and not dialog.owners_area.isVisibleTo(dialog)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert set(_owners(store).values()) == {"", "Els de Boer"}
    assert [v for k, v in _owners(store).items() if k.startswith("2025-")] == ["Els de Boer"] * 2


def test_the_preview_fits_1280_by_800_without_sideways_scrolling(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_school = "Openbare Basisschool voor Montessorionderwijs De Regenboog locatie Zuid"
    line = (
        f"2025-0001;Anna-Maria Theodora;van den Heuvel-Oudshoorn;04-05-2013;{long_school};"
        "5 onder a;advies uitgebracht;01-09-2025;Sociaal Wijkteam Zwolle-Zuid (jeugd)"
    )
    dialog = _open_import(qtbot, window, tmp_path, [line, _line(2, "swt")], monkeypatch)
    assert dialog.width() <= 1280
    assert dialog.frameGeometry().height() <= 800
    table = dialog.case_table
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width()  # no sideways scrolling
    assert table.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    school = dialog.cases.index(0, 4)
    assert school.data(Qt.ItemDataRole.ToolTipRole) == long_school  # elided text: whole tooltip
    assert header.sectionSize(4) < table.fontMetrics().horizontalAdvance(long_school)
    dialog.reject()


def test_a_code_in_use_is_refused_in_dutch(qtbot: QtBot, window: MainWindow) -> None:
    store = _store(window)
    els = next(p for p in people.list_participants(store) if p.name == "Els de Boer")
    people.create_participant(store, "Sanne Wit", els.organisation_id, code="swt")
    view = _type_code_of_els(qtbot, window, "SWT")
    qtbot.mouseClick(view.person_editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "al in gebruik" in view.message_label.text())
    assert "De code 'SWT' is al in gebruik bij Sanne Wit" in view.message_label.text()
    assert next(p for p in people.list_participants(store) if p.name == "Els de Boer").code == ""
