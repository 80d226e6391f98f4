"""What one client of a server store changes, the other clients hear of (issue 15): NOTIFY/LISTEN.

Sending: every write transaction on a server store (`Store.write`) watches what its session
writes (`watch_writes`): the tables of the objects each flush inserts, changes or deletes, and
of the insert/update/delete statements it runs. Just before the commit it sends
`pg_notify('casusoverleg', '{"client": …, "kinds": [...]}')`, which PostgreSQL delivers to the
listeners when (and only if) the transaction commits. The kinds are those the window's op
helper knows (`ui.ops.Change`, lower case: "cases", "people" …), or "alles" when a table is not
known here (raw SQL, `text()`, is not watched: no service writes that way). `client` is the
writing Store object's own random id, so a client can ignore its own notices. The notice names
no child, no case number: only kinds of data.

Hearing: `ChangeListener(store)` holds its own connection (not one of the engine's pool) with
`LISTEN casusoverleg`; `wait(seconds)` returns the notices of other clients that came within
that time, `close()` ends it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.dml import UpdateBase

from casusoverleg.errors import CasusoverlegError

if TYPE_CHECKING:
    import psycopg

    from casusoverleg.services.store import Store

CHANNEL = "casusoverleg"
LISTENER_NAME = "casusoverleg (wijzigingen)"  # the listening connection's application_name
EVERYTHING = "alles"
LOST = (
    "De verbinding die wijzigingen van andere gebruikers doorgeeft, werkt niet. Wat zij "
    "veranderen, ziet u na opnieuw ontgrendelen."
)

# Which kind of change (ui.ops.Change, lower case) a write to each table is.
CLAIM_TABLE = "notulist"
KIND_OF_TABLE: dict[str, str] = {
    "account": "accounts",
    "key_slot_copy": "accounts",
    "access_request": "accounts",
    "organisation": "people",
    "participant": "people",
    "case_file": "cases",
    "meeting_series": "meetings",
    "series_member": "meetings",
    "meeting": "meetings",
    "attendance": "meetings",
    "agenda_item": "agenda",
    "minutes_entry": "minutes",
    "action_item": "actions",
    "action_event": "actions",
    "setting": "settings",
    # Not a table: the soft claims of meeting mode (`setting` rows, see as_claim).
    CLAIM_TABLE: "claims",
    "audit_event": "audit",
    "audit_head": "audit",
}

_TABLES = "casusoverleg.changes.tables"


def kinds_of(tables: set[str]) -> list[str]:
    """The kinds of change writes to `tables` are (sorted); "alles" for a table not known."""
    kinds = {KIND_OF_TABLE.get(table, EVERYTHING) for table in tables}
    return [EVERYTHING] if EVERYTHING in kinds else sorted(kinds)


def _table_of(target: Any) -> str:
    return str(getattr(target, "__tablename__", "")) or "?"


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    # After the flush the session still lists what it flushed as new, dirty and deleted.
    tables: set[str] = session.info[_TABLES]
    for obj in (*session.new, *session.dirty, *session.deleted):
        tables.add(_table_of(type(obj)))


def _on_execute(state: ORMExecuteState) -> None:
    statement = state.statement
    if isinstance(statement, UpdateBase):
        table = getattr(statement, "table", None)
        session_tables: set[str] = state.session.info[_TABLES]
        session_tables.add(str(getattr(table, "name", "?")))


def watch_writes(session: Session) -> None:
    """Note, in this session, the tables its flushes and statements write to."""
    session.info[_TABLES] = set()
    event.listen(session, "after_flush", _after_flush)
    event.listen(session, "do_orm_execute", _on_execute)


def as_claim(session: Session) -> None:
    """The `setting` row this transaction wrote is a meeting's soft claim (meeting_claim): it is
    announced as "claims", not as settings, so that a window showing the settings does not reload
    on every open meeting mode's heartbeat (once a minute)."""
    tables: set[str] | None = session.info.get(_TABLES)
    if tables is None:  # an embedded store: nobody listens
        return
    session.flush()
    tables.discard("setting")
    tables.add(CLAIM_TABLE)


def announce(session: Session, client: str) -> list[str]:
    """Send the NOTIFY for what this transaction wrote (delivered at its commit); the kinds.

    Call it last in the transaction; a transaction that wrote nothing announces nothing.
    """
    session.flush()
    tables: set[str] = session.info.get(_TABLES, set())
    if not tables:
        return []
    kinds = kinds_of(tables)
    payload = json.dumps({"client": client, "kinds": kinds})
    session.connection().exec_driver_sql(
        "SELECT pg_notify(%(channel)s, %(payload)s)", {"channel": CHANNEL, "payload": payload}
    )
    return kinds


@dataclass(frozen=True)
class Notice:
    """One write transaction another client committed: the kinds of data it changed."""

    kinds: frozenset[str]

    @property
    def everything(self) -> bool:
        """Whether the writer did not know what it changed (reload all)."""
        return EVERYTHING in self.kinds


def _notice(payload: str, own: str) -> Notice | None:
    """The notice in a payload; None for one's own. An unreadable payload means "alles"."""
    try:
        data = json.loads(payload)
        client = str(data["client"])
        kinds = frozenset(str(kind) for kind in data["kinds"])
    except (ValueError, KeyError, TypeError):
        return Notice(frozenset({EVERYTHING}))
    if client == own:
        return None
    return Notice(kinds or frozenset({EVERYTHING}))


class ChangeListener:
    """Hears the notices of the other clients of a server store, on a connection of its own."""

    def __init__(self, store: Store) -> None:
        if not store.is_server:
            raise ValueError("only a server store announces its changes")
        self._own = store.client_id
        import psycopg  # only a server store's window listens: not loaded for a store file

        dialect = store.engine.dialect
        args, params = dialect.create_connect_args(store.engine.url)
        params.setdefault("application_name", LISTENER_NAME)
        try:
            self._conn: psycopg.Connection[Any] = psycopg.connect(*args, autocommit=True, **params)
        except psycopg.Error as exc:
            raise CasusoverlegError(LOST) from exc
        try:
            self._conn.execute(f"LISTEN {CHANNEL}")
        except BaseException as exc:
            self._conn.close()
            if isinstance(exc, psycopg.Error):
                raise CasusoverlegError(LOST) from exc
            raise

    @property
    def closed(self) -> bool:
        """Whether `close()` was called (or the connection was lost)."""
        return self._conn.closed

    def fileno(self) -> int:
        """The connection's socket: readable when a notice (or anything else) arrives."""
        return self._conn.fileno()

    def wait(self, seconds: float) -> list[Notice]:
        """The notices of other clients that arrive within `seconds` (0: only those in already).

        Returns as soon as a batch with another client's notice has arrived.
        """
        import psycopg

        deadline = time.monotonic() + seconds
        found: list[Notice] = []
        while True:
            left = max(0.0, deadline - time.monotonic())
            try:
                for notify in self._conn.notifies(timeout=left, stop_after=1):
                    notice = _notice(notify.payload, self._own)
                    if notice is not None:
                        found.append(notice)
            except psycopg.Error as exc:
                raise CasusoverlegError(LOST) from exc
            if found or left <= 0:
                return found

    def close(self) -> None:
        """End the listening connection (idempotent)."""
        self._conn.close()
