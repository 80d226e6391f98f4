"""The unlocked store handle every service takes: engine, key, account, workstation, lock."""

from __future__ import annotations

import getpass
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from casusoverleg.services import anchor, server_changes
from casusoverleg.store.keyslots import KeyFile
from casusoverleg.store.lock import StoreLock


def workstation_name() -> str:
    """Who at which machine, for the audit log (NEN 7513 asks for the workstation)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "?"
    return f"{user}@{socket.gethostname()}"


@dataclass(eq=False)
class Store:
    """An unlocked store. Services open one short session per operation on it."""

    path: Path
    account: str
    engine: Engine
    key: bytes = field(repr=False)
    key_file: KeyFile = field(repr=False)
    lock: StoreLock = field(repr=False)
    workstation: str = field(default_factory=workstation_name)
    is_demo: bool = False
    closed: bool = False
    # A store on a PostgreSQL server (issue 15): its address without a password. `path` is then
    # this computer's own folder for that server (the log's anchor, lines waiting for disk
    # space); the store itself is on the server.
    server: str = ""
    # This Store object's own id in the change notices of a server store (server_changes), so
    # that it can ignore its own.
    client_id: str = field(default_factory=lambda: secrets.token_hex(8), repr=False)
    # A server store during a re-key (services/server_accounts.py): the other column keys that
    # still open values not yet re-sealed under the store key; and this client's slot's private
    # key, to open its slot again when another client gave the store a new key.
    opening_keys: tuple[bytes, ...] = field(default=(), repr=False)
    slot_private: bytes | None = field(default=None, repr=False)

    @property
    def is_server(self) -> bool:
        """Whether the store is on a server (shared) rather than a file on this computer."""
        return bool(self.server)

    @property
    def key_path(self) -> Path:
        """The key file beside the store."""
        return KeyFile.path_for(self.path)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE): commits on success, rolls back on error.

        On a server store the other clients hear what kinds of data it changed, at its commit.
        """
        self._check_open()
        engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with self._session(engine, expire_on_commit=False) as session:
            with session.begin():
                if self.is_server:
                    self._follow_key(session, for_write=True)
                    server_changes.watch_writes(session)
                yield session
                moved = anchor.head_to_anchor(session, self.path, self.key_file.store_id)
                if self.is_server:
                    server_changes.announce(session, self.client_id)
            # After the commit: the anchor never names a head the store does not hold.
            if moved is not None:
                anchor.write_head_file(self.path, *moved)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (a consistent snapshot in WAL mode)."""
        self._check_open()
        with self._session(self.engine) as session, session.begin():
            if self.is_server:
                self._follow_key(session, for_write=False)
            yield session

    def _session(self, engine: Engine, *, expire_on_commit: bool = True) -> Session:
        """A session; on a server store one that seals the children's columns (issue 15)."""
        session = Session(engine, expire_on_commit=expire_on_commit)
        if self.is_server:
            # Imported here: an embedded store (and the command line's start) never needs it.
            from casusoverleg.store.sealed import column_key
            from casusoverleg.store.sealing_events import install_sealing

            install_sealing(session, column_key(self.key), also=self.opening_keys)
        return session

    def _follow_key(self, session: Session, *, for_write: bool) -> None:
        """A server store: seal and open with the key of the store's current key generation
        (a write holds that generation FOR SHARE until its commit; see server_accounts)."""
        from casusoverleg.services import server_accounts

        server_accounts.follow_key(session, self, for_write=for_write)

    def _check_open(self) -> None:
        if self.closed:
            raise RuntimeError("store is closed")

    def close(self) -> None:
        """Close the connections and give up the lock (idempotent)."""
        if self.closed:
            return
        self.closed = True
        self.engine.dispose()
        self.lock.release()
