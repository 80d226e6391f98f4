"""The SQLCipher engine: raw key, pragmas, integrity checks, and transactions that begin right.

The key is applied as a raw 32-byte key in hex (`PRAGMA key = "x'…'"`): no passphrase ever
reaches SQL text, and opening costs no key derivation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from casusoverleg.errors import BadInput, DamagedStore, WrongKey

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


def connect_raw(path: Path, key: bytes) -> sqlcipher.Connection:
    """Open one keyed DB-API connection with the pragmas every connection needs."""
    conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_key_pragma(key))
        require_cipher(conn)
        conn.execute("PRAGMA cipher_memory_security = OFF")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as exc:
            raise WrongKey(
                "De opslag kan met deze sleutel niet worden geopend: de sleutel past niet of "
                "het bestand is geen Casusoverleg-opslag."
            ) from exc
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


def integrity_problems(conn: sqlcipher.Connection) -> list[str]:
    """Every problem `cipher_integrity_check` and `quick_check` report (empty list: sound)."""
    problems: list[str] = []
    try:
        problems.extend(str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check"))
        quick = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    except sqlcipher.DatabaseError as exc:
        return [*problems, str(exc)]
    if quick != ["ok"]:
        problems.extend(quick)
    return problems


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

    def creator() -> sqlcipher.Connection:
        if connections:
            return connections.pop()
        return connect_raw(path, key)

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
        conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def raw_connection(engine: Engine) -> Iterator[sqlcipher.Connection]:
    """The DB-API connection of a pooled connection (for pragmas and sqlcipher_export)."""
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        yield dbapi
