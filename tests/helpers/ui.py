"""What the screen tests share: an unlocked test store, people to pick, waiting for the worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import Team
from casusoverleg.services import accounts, cases, people
from casusoverleg.services.cases import CaseFilter, CaseRecord
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE

from ui import tasks
from ui.case_form import CaseForm
from ui.cases import COL_NAME, CasesView

W = TypeVar("W", bound=QWidget)


def idle() -> None:
    """Deliver queued events (an editor commits queued), then finish the background work."""
    QCoreApplication.processEvents()
    assert tasks.wait_for_idle(10_000)


@contextmanager
def unlocked(store_path: Path) -> Iterator[Store]:
    """The test store, unlocked for one test and locked again after it (a fixture's body)."""
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        yield store
    finally:
        accounts.lock(store)


def add_leerplicht_owner(store: Store) -> people.ParticipantInfo:
    """Team Leerplicht Zwolle with Els de Boer, leerplichtambtenaar (a casushouder to pick)."""
    org = people.create_organisation(store, "Team Leerplicht Zwolle", Team.LEERPLICHT)
    return people.create_participant(store, "Els de Boer", org.id, function="Leerplichtambtenaar")


def add_wijkteam(store: Store) -> list[people.ParticipantInfo]:
    """Sociaal Wijkteam Zwolle with Piet Peters (jeugdconsulent) and Anouk Smit (wijkcoach)."""
    org = people.create_organisation(store, "Sociaal Wijkteam Zwolle", Team.SOCIAAL_WIJKTEAM)
    return [
        people.create_participant(store, "Piet Peters", org.id, function="Jeugdconsulent"),
        people.create_participant(store, "Anouk Smit", org.id, function="Wijkcoach"),
    ]


@contextmanager
def screen(qtbot: QtBot, widget: W) -> Iterator[W]:
    """`widget` for one test, deleted at its end on the GUI thread (after the worker is idle).

    pytest-qt's own clean-up uses `deleteLater`, which is not processed outside an event loop;
    a screen that outlived its test would still receive the results of its last ops.
    """
    # Not also given to qtbot.addWidget: its own clean-up would then close a deleted widget
    # ("Internal C++ object already deleted") whenever something still held the wrapper.
    try:
        yield widget
    finally:
        idle()
        if shiboken6.isValid(widget):
            shiboken6.delete(widget)


def shown_cases_view(qtbot: QtBot, store: Store, width: int, height: int) -> CasesView:
    """A CasesView on `store` at width×height, shown and active (shortcuts need that)."""
    widget = CasesView()
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(store)
    widget.activateWindow()
    qtbot.waitActive(widget)
    return widget


def case_of(store: Store, text: str) -> CaseRecord:
    """The one case whose search text matches `text`, as stored."""
    found = cases.list_cases(store, CaseFilter(text=text), log_search=False)
    assert len(found) == 1, found
    return cases.get_case(store, found[0].id)


def open_case_by_keyboard(qtbot: QtBot, view: CasesView, name: str) -> CaseForm:
    """Select the row of `name` and press Enter, as a user does."""
    row = [view.model.index(r, COL_NAME).data() for r in range(view.model.rowCount())].index(name)
    view.table.setFocus()
    view.table.selectRow(row)
    with qtbot.waitSignal(view.form.loaded):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert view.is_form_shown()
    return view.form
