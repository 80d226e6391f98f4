"""What the list-screen tests share beyond tests.helpers: counting transactions, screen clean-up.

(Candidates for tests/helpers; kept here because that folder is shared.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from sqlalchemy.engine import Connection

from casusoverleg.services.store import Store
from tests.helpers.ui import idle

READ, WRITE = "DEFERRED", "IMMEDIATE"  # how the store begins a read and a write

W = TypeVar("W", bound=QWidget)


@contextmanager
def counting_transactions(store: Store) -> Iterator[list[str]]:
    """Every transaction begun on `store` while inside, in order: READ or WRITE."""
    begun: list[str] = []

    def on_begin(connection: Connection) -> None:
        # Runs on the database worker; list.append is atomic.
        begun.append(connection.get_execution_options().get("sqlite_begin", READ))

    event.listen(store.engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(store.engine, "begin", on_begin)


@contextmanager
def screen(qtbot: QtBot, widget: W) -> Iterator[W]:
    """`widget` for one test; afterwards deleted here, on the GUI thread.

    Right after a result is delivered the database worker may still hold the op's callbacks,
    and with them the widget. Were that the last reference, the widget would be destroyed on
    the worker thread (Qt: "QBasicTimer::stop: Failed", then a crash). pytest-qt's
    `deleteLater` is not processed outside an event loop, so delete the widget explicitly.
    """
    qtbot.addWidget(widget)
    try:
        yield widget
    finally:
        idle()
        if shiboken6.isValid(widget):
            shiboken6.delete(widget)
