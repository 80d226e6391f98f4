"""Every screen and dialog works from the keyboard and names its controls (WCAG 2.1.1, 2.1.2,
4.1.2; issue 13 item 11).

For each entry of SCREENS: Tab from the first control comes round having reached every control
a keyboard user needs (visible, enabled, takes Tab) without getting stuck on one, Shift+Tab does
the same backwards, and Qt's accessibility tree holds no focusable control, table or text field
without a name. A new dialog joins by adding one `Screen` to SCREENS: a name and a function that
opens it on the demo store (`Opened` gives the main window, its store and a folder).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.services import (
    access_requests,
    accounts,
    actions,
    cases,
    documents,
    meetings,
    minutes,
)
from casusoverleg.services.cases import CaseFilter
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.store import Store
from tests.helpers.a11y import tab_round, unnamed
from tests.helpers.import_files import header_row, workbook_with_sheet
from tests.helpers.ui import idle

from ui import pdf_preview
from ui.access_request import AccessRequestDialog, AnsweredDialog, ExtendDialog
from ui.accounts_view import (
    AccountsDialog,
    AddAccountDialog,
    ChangePassphraseDialog,
    OneTimeCodeDialog,
    RecoveryUnlockDialog,
)
from ui.actions import DoneDialog, HistoryDialog
from ui.help import AboutDialog, HelpDialog
from ui.import_dialog import ImportDialog
from ui.mainwindow import SECTIONS, MainWindow
from ui.meeting_mode import MeetingModeWindow
from ui.meeting_mode.closing import ClosingDialog
from ui.meetings.meeting_dialog import MeetingDialog
from ui.meetings.series_dialog import SeriesDialog
from ui.meetings.series_people import SeriesPeopleDialog
from ui.restore_backup import RestoreBackupDialog
from ui.retention import RetentionDialog
from ui.unlock import UnlockDialog
from ui.wizard import SetupWizard


@dataclass
class Opened:
    """What a factory gets: the real main window on a demo store, its store and a folder."""

    qtbot: QtBot
    main: MainWindow
    store: Store
    folder: Path


@dataclass(frozen=True)
class Screen:
    """One window to check: `open` shows it and returns its top-level widget."""

    name: str
    open: Callable[[Opened], QWidget]


def _section(name: str) -> Callable[[Opened], QWidget]:
    def show(opened: Opened) -> QWidget:
        assert opened.main.show_section(name)
        idle()
        return opened.main

    return show


def _case_form(opened: Opened) -> QWidget:
    first = cases.list_cases(opened.store, CaseFilter(), log_search=False)[0]
    opened.main.open_case(first.id)
    form = opened.main.cases_view.form
    opened.qtbot.waitUntil(lambda: form.tabs.isEnabled())
    idle()
    return opened.main


def _dialog(opened: Opened, dialog: QWidget) -> QWidget:
    opened.qtbot.addWidget(dialog)
    dialog.show()
    idle()
    return dialog


def _meeting_dialog(opened: Opened) -> QWidget:
    dialog = MeetingDialog(
        "Extra overleg", on=date(2027, 3, 2), start=time(9, 30), minutes=90, location="Stadhuis"
    )
    return _dialog(opened, dialog)


def _series_dialog(opened: Opened) -> QWidget:
    return _dialog(opened, SeriesDialog(opened.store, start=date(2027, 3, 2)))


def _series_people(opened: Opened) -> QWidget:
    series = meetings.list_series(opened.store)[0]
    dialog = _dialog(opened, SeriesPeopleDialog(opened.store, series))
    idle()
    return dialog


def _retention(opened: Opened) -> QWidget:
    return _dialog(opened, RetentionDialog(opened.store, on=date(2090, 1, 1)))


def _import(opened: Opened) -> QWidget:
    path = workbook_with_sheet(opened.folder / "import.xlsx", [header_row()])
    dialog = _dialog(opened, ImportDialog(opened.store, path))
    idle()
    return dialog


def _import_unknown_owners(opened: Opened) -> QWidget:
    """An import whose casushouder matches nobody: a choice, name and organisation per value."""
    path = opened.folder / "onbekend.csv"
    path.write_text(
        "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;"
        "casushouder\n2025-9001;Kind;Een;04-05-2013;;5 onder a;aangemeld;01-09-2025;swt\n",
        encoding="utf-8",
    )
    dialog = _dialog(opened, ImportDialog(opened.store, path))
    dialog.check()
    opened.qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.owner_rows, "the unknown casushouder is offered a choice"
    idle()
    return dialog


def _a_case_id(store: Store) -> int:
    return cases.list_cases(store, CaseFilter(), log_search=False)[0].id


def _a_request(store: Store) -> access_requests.AccessRequestInfo:
    return access_requests.record_request(
        store,
        _a_case_id(store),
        received_on=date.today(),
        requested_by="J. de Vries",
        relation=access_requests.RELATIONS[0],
    )


def _access_request(opened: Opened) -> QWidget:
    _a_request(opened.store)
    dialog = AccessRequestDialog(opened.store, _a_case_id(opened.store))
    with opened.qtbot.waitSignal(dialog.loaded, timeout=10_000):
        _dialog(opened, dialog)
    idle()
    return dialog


def _restore(opened: Opened) -> QWidget:
    dialog = RestoreBackupDialog(opened.store)
    with opened.qtbot.waitSignal(dialog.loaded, timeout=10_000):
        _dialog(opened, dialog)
    idle()
    return dialog


def _accounts(opened: Opened) -> QWidget:
    dialog = AccountsDialog(opened.store)
    with opened.qtbot.waitSignal(dialog.view.loaded, timeout=10_000):
        _dialog(opened, dialog)
    idle()
    return dialog


def _unlock(opened: Opened) -> QWidget:
    return _dialog(opened, UnlockDialog(opened.store.path, account="demo"))


def _wizard(opened: Opened) -> QWidget:
    return _dialog(opened, SetupWizard(opened.folder / "nieuw" / "casusoverleg.db"))


def _next_meeting(store: Store) -> int:
    return documents.next_meeting_id(store)


def _closing(opened: Opened) -> QWidget:
    plan = minutes.closing_plan(opened.store, _next_meeting(opened.store))
    question = "Het overleg afsluiten en als gehouden vastleggen?"
    return _dialog(opened, ClosingDialog(None, question, "", plan))


def _meeting_mode(opened: Opened) -> QWidget:
    window = MeetingModeWindow(_next_meeting(opened.store))
    opened.qtbot.addWidget(window)
    window.load(opened.store)
    window.show()
    idle()
    return window


def _an_action(store: Store) -> actions.ActionInfo:
    return actions.list_actions(store)[0]


def _history(opened: Opened) -> QWidget:
    action = _an_action(opened.store)
    events = actions.action_history(opened.store, action.id)
    return _dialog(opened, HistoryDialog(action, events))


def _done(opened: Opened) -> QWidget:
    return _dialog(opened, DoneDialog(_an_action(opened.store), date.today()))


def _preview(opened: Opened) -> QWidget:
    request = DocumentRequest("agenda", meeting_id=_next_meeting(opened.store))
    dialog = pdf_preview.show_pdf_preview(opened.main, opened.store, request)
    with opened.qtbot.waitSignal(dialog.ready, timeout=20_000):
        pass
    idle()
    return dialog


SCREENS = (
    *(Screen(name, _section(name)) for name in SECTIONS),
    Screen("Casus (formulier)", _case_form),
    Screen("Overleg plannen", _meeting_dialog),
    Screen("Overlegreeks", _series_dialog),
    Screen("Deelnemers van een reeks", _series_people),
    Screen("Bewaartermijn", _retention),
    Screen("Importeren", _import),
    Screen("Ontgrendelen", _unlock),
    Screen("Eerste start", _wizard),
    Screen("Overlegmodus", _meeting_mode),
    Screen("Overleg afsluiten", _closing),
    Screen("Geschiedenis actiepunt", _history),
    Screen("Actiepunt gereed", _done),
    Screen("Voorbeeld (pdf)", _preview),
    Screen("Over", lambda opened: _dialog(opened, AboutDialog(opened.store.path))),
    Screen("Help", lambda opened: _dialog(opened, HelpDialog("Casussen"))),
    Screen("Importeren (onbekende casushouder)", _import_unknown_owners),
    Screen("Inzageverzoek", _access_request),
    Screen(
        "Inzageverzoek beantwoord",
        lambda opened: _dialog(opened, AnsweredDialog(_a_request(opened.store), date.today())),
    ),
    Screen(
        "Inzageverzoek verlengen",
        lambda opened: _dialog(opened, ExtendDialog(_a_request(opened.store))),
    ),
    Screen("Back-up terugzetten", _restore),
    Screen("Accounts", _accounts),
    Screen("Collega toevoegen", lambda opened: _dialog(opened, AddAccountDialog())),
    Screen(
        "Eenmalige code",
        lambda opened: _dialog(opened, OneTimeCodeDialog("bob", accounts.new_one_time_code())),
    ),
    Screen(
        "Wachtwoord wijzigen", lambda opened: _dialog(opened, ChangePassphraseDialog(opened.store))
    ),
    Screen(
        "Eigen wachtwoord kiezen",
        lambda opened: _dialog(opened, ChangePassphraseDialog(opened.store, first_time=True)),
    ),
    Screen(
        "Herstelsleutel",
        lambda opened: _dialog(opened, RecoveryUnlockDialog(opened.store.path, "demo")),
    ),
)


@pytest.fixture
def opened(qtbot: QtBot, demo_path: Path, tmp_path: Path) -> Iterator[Opened]:
    main = MainWindow(accounts.unlock(demo_path, "demo", "demo"))
    qtbot.addWidget(main)
    main.show()
    main.activateWindow()
    qtbot.waitActive(main)
    idle()
    store = main.store
    assert store is not None
    yield Opened(qtbot, main, store, tmp_path)
    idle()
    pdf_preview.close_all_previews()
    for widget in QApplication.topLevelWidgets():
        if widget is not main and shiboken6.isValid(widget) and widget.isVisible():
            widget.close()
    main.close()


def _shown(opened: Opened, screen: Screen) -> QWidget:
    window = screen.open(opened)
    window.activateWindow()
    opened.qtbot.waitActive(window)
    return window


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
def test_tab_reaches_every_control_and_every_control_has_a_name(
    opened: Opened, screen: Screen
) -> None:
    # One window per screen for all three checks: opening the main window on a fresh demo
    # store is most of each check's time.
    window = _shown(opened, screen)
    forward = tab_round(opened.qtbot, window)
    assert forward.stuck == []
    assert forward.unreached == []
    backward = tab_round(opened.qtbot, window, backwards=True)
    assert backward.stuck == []
    assert backward.unreached == []
    assert unnamed(window) == []
