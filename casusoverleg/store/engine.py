"""The SQLCipher engine: raw key, pragmas, integrity checks, and transactions that begin right.

The key is applied as a raw 32-byte key in hex (`PRAGMA key = "x'…'"`): no passphrase ever
reaches SQL text, and opening costs no key derivation.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import QueuePool

from casusoverleg.errors import BadInput, DamagedStore, DiskFull, WrongKey, disk_full, is_disk_full

_MISSING_CIPHER = (
    "Deze SQLite-versie kan niet versleutelen (geen SQLCipher). "
    "Installeer het programma opnieuw; het weigert onversleuteld te werken."
)


def _key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("store key must be 32 bytes")
    # Only hex digits of a random key reach the SQL text, never a passphrase.
    return f"PRAGMA key = \"x'{key.hex()}'\""


def rekey_pragma(key: bytes) -> str:
    """The PRAGMA that re-encrypts the open store under a new raw key."""
    return _key_pragma(key).replace("PRAGMA key", "PRAGMA rekey", 1)


def require_cipher(conn: Any) -> None:
    """Refuse a SQLite without SQLCipher: it would silently write children's data in plain."""
    version = conn.execute("PRAGMA cipher_version").fetchone()
    if not version or not version[0]:
        raise DamagedStore(_MISSING_CIPHER)


class ReadOnlyConnection(sqlcipher.Connection):
    """A connection that only reads: opened when the store's disk is full (see connect_raw)."""


def is_read_only(conn: Any) -> bool:
    """Whether a DB-API connection is a full-disk, read-only one."""
    return isinstance(conn, ReadOnlyConnection)


# SQLite result codes (primary, the low byte of an extended code).
_SQLITE_IOERR = 10
_SQLITE_FULL = 13
_PROBE_SIZE = 64 * 1024


def _sqlite_code(exc: BaseException) -> int:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else -1


def no_room_in(folder: Path) -> bool:
    """Whether `folder`'s disk has no room left (a 64 KiB probe file cannot be written).

    A probe, not statvfs: it also sees a used-up quota and a file-size limit.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=".ruimte-", dir=folder)
    except OSError as exc:
        return is_disk_full(exc)
    try:
        written = 0
        while written < _PROBE_SIZE:  # a short write first, then the error
            written += os.write(fd, b"\0" * (_PROBE_SIZE - written))
    except OSError as exc:
        return is_disk_full(exc)
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
    return False


def _no_room(exc: BaseException, path: Path) -> bool:
    """Whether a SQLite error on the store at `path` comes from a full disk."""
    code = _sqlite_code(exc)
    if code == _SQLITE_FULL or is_disk_full(exc):
        return True
    # SQLite reports a -shm file it cannot grow as an I/O error, not as "full".
    return code == _SQLITE_IOERR and no_room_in(path.parent)


def _prepare(conn: sqlcipher.Connection, key: bytes) -> None:
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(_key_pragma(key))
    require_cipher(conn)
    conn.execute("PRAGMA cipher_memory_security = OFF")


def _wrong_key() -> WrongKey:
    return WrongKey(
        "De opslag kan met deze sleutel niet worden geopend: de sleutel past niet of "
        "het bestand is geen Casusoverleg-opslag."
    )


def connect_raw(path: Path, key: bytes, *, read_only: bool = False) -> sqlcipher.Connection:
    """Open one keyed DB-API connection with the pragmas every connection needs.

    When the store's disk is full, SQLite cannot even create the -shm file it needs to read a
    WAL store; the store is then opened read-only (see `_connect_read_only`), so that `check`
    and a backup to another disk still work, and every write says the disk is full.
    """
    if read_only:
        return _connect_read_only(path, key)
    conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
    try:
        _prepare(conn, key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.OperationalError as exc:
            if not _no_room(exc, path):
                raise _wrong_key() from exc
            conn.close()
            return _connect_read_only(path, key)
        except sqlcipher.DatabaseError as exc:
            raise _wrong_key() from exc
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        # Temporary tables and sort files stay in memory, never unencrypted on disk.
        conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        conn.close()
        raise
    return conn


def _connect_read_only(path: Path, key: bytes) -> sqlcipher.Connection:
    """A read-only connection that needs no -shm file (for a store on a full disk).

    `immutable=1` makes SQLite read the main file without locks or a -shm file. That is safe
    only because this process holds the store's own lock (store/lock.py), so no one writes,
    and only when the -wal file holds nothing: committed pages still in it would be missed.
    """
    wal = path.with_name(path.name + "-wal")
    with contextlib.suppress(FileNotFoundError):
        if wal.stat().st_size > 0:
            raise DiskFull(
                "De schijf is vol: de opslag kan nu niet worden geopend, want de laatste "
                "wijzigingen staan nog in het WAL-bestand ernaast. Er is niets half "
                "opgeslagen. Maak ruimte vrij op de schijf en probeer het opnieuw."
            )
    uri = Path(os.path.abspath(path)).as_uri() + "?immutable=1"
    conn = sqlcipher.connect(
        uri,
        uri=True,
        factory=ReadOnlyConnection,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        _prepare(conn, key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as exc:
            raise _wrong_key() from exc
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        conn.close()
        raise
    return conn


def integrity_problems(conn: sqlcipher.Connection) -> list[str]:
    """Every problem `cipher_integrity_check` and `quick_check` report (empty list: sound).

    In Dutch: SQLCipher's and SQLite's own lines are English and may be printed to the user.
    """
    problems: list[str] = []
    try:
        problems.extend(
            _dutch_problem(str(r[0]), "cipher")
            for r in conn.execute("PRAGMA cipher_integrity_check")
        )
        quick = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    except sqlcipher.DatabaseError:
        return [*problems, "de opslag kan niet volledig worden gelezen"]
    if quick != ["ok"]:
        problems.extend(_dutch_problem(line, "quick") for line in quick)
    return problems


_PAGE = re.compile(r"\bpage (\d+)", re.IGNORECASE)


def _dutch_problem(line: str, check: str) -> str:
    """One problem line in Dutch, with its page number when SQLite names one."""
    page = _PAGE.search(line)
    where = f"pagina {page.group(1)}: " if page else ""
    if check == "cipher":
        return f"{where}de versleutelde inhoud klopt niet (HMAC)"
    return f"{where}fout in de structuur van de opslag"


def make_engine(path: Path, key: bytes, *, check: bool = True) -> Engine:
    """An engine over an existing store; raises DamagedStore when a check fails."""
    if not path.is_file():
        raise BadInput(f"Geen opslag gevonden op {path}.")
    first = connect_raw(path, key)
    if check:
        problems = integrity_problems(first)
        if problems:
            first.close()
            raise DamagedStore(
                "De opslag is beschadigd of er is buiten het programma aan gewerkt "
                f"({len(problems)} fout(en) bij de controle). Er wordt niets naar geschreven; "
                "zet een back-up terug met 'casusoverleg restore'."
            )
    connections = [first]
    # On a full disk every connection of this engine reads only (never some of each).
    read_only = is_read_only(first)

    def creator() -> sqlcipher.Connection:
        if connections:
            return connections.pop()
        return connect_raw(path, key, read_only=read_only)

    engine = create_engine(
        "sqlite+pysqlite://",
        module=sqlcipher,
        creator=creator,
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=2,
        # SQL errors must never carry a child's data into a message, log or crash report.
        hide_parameters=True,
    )
    _install_begin(engine)
    _install_disk_full(engine, path, read_only=read_only)
    return engine


def create_store_file(path: Path, key: bytes) -> Engine:
    """Create a new, empty encrypted store; refuses to touch an existing file."""
    if path.exists():
        raise BadInput(f"Er staat al een bestand op {path}; kies een andere plek.")
    if not path.parent.is_dir():
        raise BadInput(f"De map {path.parent} bestaat niet.")
    path.touch(mode=0o600, exist_ok=False)
    return make_engine(path, key, check=False)


def _install_begin(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, begin transactions, so writes can BEGIN IMMEDIATE."""

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode != "DEFERRED" and is_read_only(conn.connection.dbapi_connection):
            # Refused before anything is written: the store stays exactly as it was. This
            # engine stays read-only, so the way back is to open the store again.
            raise DiskFull(
                "De schijf is vol: de opslag is alleen te lezen en de wijziging kan niet worden "
                "opgeslagen. Er is niets half opgeslagen. Maak ruimte vrij op de schijf en open "
                "de opslag daarna opnieuw (vergrendelen en weer ontgrendelen)."
            )
        conn.exec_driver_sql(f"BEGIN {mode}")


def _install_disk_full(engine: Engine, path: Path, *, read_only: bool) -> None:
    """Turn SQLite's "database or disk is full" (English) into DiskFull (Dutch, exit 5)."""

    @event.listens_for(engine, "handle_error")
    def _disk_full(context: ExceptionContext) -> None:
        exc = context.original_exception
        readonly_write = read_only and _sqlite_code(exc) == 8  # SQLITE_READONLY
        if readonly_write or _no_room(exc, path):
            # SQLite rolled the statement (or the whole transaction) back; the session's
            # rollback does the rest, so nothing is half written.
            raise disk_full("de wijziging") from exc


@contextmanager
def raw_connection(engine: Engine) -> Iterator[sqlcipher.Connection]:
    """The DB-API connection of a pooled connection (for pragmas and sqlcipher_export)."""
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        yield dbapi
