"""What the screen tests share: an unlocked test store, people to pick, waiting for the worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import Team
from casusoverleg.services import accounts, people
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE

from ui import tasks

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
    qtbot.addWidget(widget)
    try:
        yield widget
    finally:
        idle()
        if shiboken6.isValid(widget):
            shiboken6.delete(widget)
