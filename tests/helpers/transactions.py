"""Counting what a screen or a view asks of the store, with SQLAlchemy's own event on the real
engine (no mock stands in for the store)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Connection

from casusoverleg.services.store import Store

READ, WRITE = "DEFERRED", "IMMEDIATE"  # how the store begins a read and a write


@contextmanager
def counting_transactions(store: Store) -> Iterator[list[str]]:
    """Every transaction begun on `store` while inside, in order: READ or WRITE."""
    begun: list[str] = []

    def on_begin(connection: Connection) -> None:
        # Runs on the database worker too; list.append is atomic.
        begun.append(connection.get_execution_options().get("sqlite_begin", READ))

    event.listen(store.engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(store.engine, "begin", on_begin)
