"""Backup and restore of a store on a server (issue 15), in the embedded store's file format.

A backup of a server store is the same zip as `backup.backup` writes (see backup.py):
`opslag.db` is a new SQLCipher file, keyed with the server store's own key, that holds every
row of every table with its id, opened (the file itself is encrypted); `sleutels.json` is the
server's key slots; `info.json` names the store, schema revision and log head. So it restores
with `backup.restore` into a store file, and with `restore_to_server` onto a server.

`restore_to_server` replaces everything on the server in one transaction: every table emptied,
the backup's rows inserted with their ids, each child's value sealed in this client with the
server store's key. A restore of the same store keeps today's key slots (today's people, as the
embedded restore keeps today's key file); an empty database or another store takes the
backup's slots and key. The current contents are first written to a backup file in this
computer's folder for the server, so nothing is lost.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, Table, delete, insert, inspect, select, text
from sqlalchemy.orm import Session

from casusoverleg.errors import BadInput, DamagedStore, WrongKey
from casusoverleg.services import anchor, audit, keycheck, output, server_store, workdirs
from casusoverleg.services.backup import (
    BACKUP_DB,
    BACKUP_WORK_PREFIX,
    DEFAULT_LIMITS,
    RESTORE_WORK_PREFIX,
    ArchiveLimits,
    BackupInfo,
    RestoreResult,
    align_accounts,
    check_known_revision,
    check_still_has_access,
    finish_backup,
    read_info,
    record_restore,
    refuse_other_store,
    unpacked_keys,
    verified_copy,
    write_error,
)
from casusoverleg.services.store import Store
from casusoverleg.store.engine import create_store_file, make_engine
from casusoverleg.store.keyslots import (
    RECOVERY_ACCOUNT,
    KeyFile,
    fsync_dir,
    normalise_recovery_key,
)
from casusoverleg.store.lock import NoFileLock
from casusoverleg.store.migrate import alembic_config, upgrade_store
from casusoverleg.store.models import AuditHead, Base, Setting
from casusoverleg.store.sealed import (
    SEALED_COLUMNS,
    column_key,
    open_date,
    open_sealed,
    seal,
    seal_date,
)
from casusoverleg.store.server import make_server_engine

_BATCH_ROWS = 1000
_APP_NAME = "Casusoverleg"
_ASIDE_MARK = "voor-terugzetten"
# Settings that describe the store on the server; a store file has its key file beside it.
_SERVER_SETTINGS = (server_store.STORE_ID, server_store.KEY_GENERATION)

Row = dict[str, Any]


# -- reading and writing every table -------------------------------------------------------------


def _tables() -> list[Table]:
    """Every table of the store, parents before children (the order to insert in)."""
    return list(Base.metadata.sorted_tables)


def _batches(conn: Connection, table: Table) -> Iterator[list[Row]]:
    """Every row of `table`, by primary key, in batches (keyset paging on an integer id)."""
    keys = list(table.primary_key.columns)
    if [c.name for c in keys] == ["id"]:
        after: int | None = None
        while True:
            query = select(table).order_by(table.c.id).limit(_BATCH_ROWS)
            if after is not None:
                query = query.where(table.c.id > after)
            rows = [dict(r._mapping) for r in conn.execute(query)]
            if not rows:
                return
            yield rows
            after = int(rows[-1]["id"])
    else:
        rows = [dict(r._mapping) for r in conn.execute(select(table).order_by(*keys))]
        for start in range(0, len(rows), _BATCH_ROWS):
            yield rows[start : start + _BATCH_ROWS]


def _sealed_plan(table: Table) -> list[tuple[str, bool]]:
    """The sealed columns of `table`, each with whether it holds a date."""
    from casusoverleg.store.sealing_events import date_columns  # a server store only

    dates = date_columns(table.name)
    return [(column, column in dates) for column in SEALED_COLUMNS.get(table.name, ())]


def _open_rows(key: bytes, table: Table, rows: list[Row]) -> list[Row]:
    """The rows with their sealed values opened (DamagedStore names table, column and row)."""
    plan = _sealed_plan(table)
    for row in rows:
        for column, is_date in plan:
            value = row[column]
            if value is None:
                continue
            if is_date:
                row[column] = open_date(key, table.name, column, int(row["id"]), value)
            else:
                row[column] = open_sealed(key, table.name, column, int(row["id"]), value)
    return rows


def _seal_rows(key: bytes, table: Table, rows: list[Row]) -> list[Row]:
    """The rows with their children's values sealed for their own table, column and row."""
    plan = _sealed_plan(table)
    for row in rows:
        for column, is_date in plan:
            value = row[column]
            if is_date:
                row[column] = seal_date(key, table.name, column, int(row["id"]), value)
            else:
                row[column] = seal(key, table.name, column, int(row["id"]), value)
    return rows


# -- backup ------------------------------------------------------------------------------------


def backup_server(store: Store, dest: Path, *, overwrite: bool = False) -> Path:
    """Write an encrypted backup of the store on a server to `dest` (a .zip); returns its path.

    The file is the embedded store's format: it restores into either kind of store.
    """
    if not store.is_server:
        raise ValueError("backup_server takes a store on a server")
    dest = output.check_target(store.path, dest, overwrite=overwrite)
    workdirs.remove_stale(dest.parent, (BACKUP_WORK_PREFIX,), backup_temp_files=True)
    with store.read() as session:
        key_file = server_store.key_file_on(session)
        # A slot the server changed is refused: no backup carries it along.
        keycheck.require_verified(session, store.key, key_file)
    keys_json = json.dumps(key_file.to_json(), indent=2).encode("utf-8")
    with workdirs.work_dir(dest.parent, BACKUP_WORK_PREFIX) as work:
        copy = work / BACKUP_DB
        try:
            _copy_server_to_file(store, copy)
        except (sqlcipher.OperationalError, OSError) as exc:
            raise write_error(dest, exc) from exc
        finish_backup(
            store, work, copy, store.key, keys_json, key_file.store_id, dest, overwrite=overwrite
        )
    fsync_dir(dest.parent)
    return dest


def _copy_server_to_file(store: Store, copy: Path) -> None:
    """Every row on the server, opened, into a new store file keyed with the store key.

    Read in one REPEATABLE READ transaction: the copy is one consistent moment of the store,
    while others go on working.
    """
    key = column_key(store.key)
    target = create_store_file(copy, store.key)
    try:
        upgrade_store(target, copy, store.key)
        server = store.engine.execution_options(isolation_level="REPEATABLE READ")
        with server.connect() as source, target.begin() as dest:
            # Rows a migration may have put in the new file go: the copy is the server's.
            for table in reversed(_tables()):
                dest.execute(delete(table))
            for table in _tables():
                for rows in _batches(source, table):
                    if table.name == Setting.__tablename__:
                        rows = [r for r in rows if r["key"] not in _SERVER_SETTINGS]
                    if rows:
                        dest.execute(insert(table), _open_rows(key, table, rows))
            source.rollback()
    finally:
        target.dispose()


# -- restore -----------------------------------------------------------------------------------


def restore_to_server(
    src: Path,
    url: str,
    account: str,
    passphrase: str,
    *,
    other_store: bool = False,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> RestoreResult:
    """Replace the store on the server at `url` by a backup (of either kind of store).

    `account` and `passphrase` open that account's slot in the backup. If the server holds
    the same store, its key slots stay (the account must have one today, opening with the same
    passphrase) and the rows are sealed with the server's key; an empty database, or another
    store with `other_store`, gets the backup's slots and key. The current contents are first
    backed up into this computer's folder for the server (`RestoreResult.previous`). All rows
    change in one transaction: a failure leaves the server as it was.
    """
    if not src.is_file():
        raise BadInput(f"Back-upbestand niet gevonden: {src}")
    if not passphrase:
        raise BadInput("Geef een wachtwoord.")
    account = account.strip()
    is_recovery = account.casefold() == RECOVERY_ACCOUNT
    secret = normalise_recovery_key(passphrase) if is_recovery else passphrase
    address = server_store.address(url)
    path = server_store.local_path(address)
    engine = make_server_engine(url)
    try:
        current = _current_key_file(engine)
        info = read_info(src, limits=limits)
        refuse_other_store(src, info, current, address, other_store=other_store)
        workdirs.remove_stale(path.parent, (RESTORE_WORK_PREFIX,))
        with workdirs.work_dir(path.parent, RESTORE_WORK_PREFIX) as work:
            backup_keys = unpacked_keys(src, work, info, limits)
            today = current if current is not None and current.store_id == info.store_id else None
            if today is not None:
                check_still_has_access(today, backup_keys, account, is_recovery)
            backup_key = backup_keys.unwrap(account, secret)
            slot = backup_keys.find(account)
            assert slot is not None  # unwrap succeeded
            revision, _head = verified_copy(work / BACKUP_DB, backup_key)
            check_known_revision(revision)
            now = _current_store(engine, current, account, secret, address, path)
            previous = None
            if now is not None:
                previous = backup_server(now, _free_name(path.parent, "back-up", ".zip"))
            if today is not None:
                assert now is not None
                key, key_file = now.key, today
                gone: tuple[str, ...] | None = tuple(
                    a for a in backup_keys.accounts() if today.find(a) is None
                )
            else:
                key, key_file, gone = backup_key, backup_keys, None
            store = Store(
                path, slot.account, engine, key, key_file, NoFileLock(path), server=address
            )
            head, gone = _replace_rows(
                store,
                src,
                work / BACKUP_DB,
                backup_key,
                info,
                key_file,
                gone,
                previous,
                new_schema=current is None,
            )
        _move_anchor(path, head, key_file.store_id)
        chain = audit.verify_chain(store)
    finally:
        engine.dispose()
    return RestoreResult(
        store_path=path,
        info=info,
        previous=previous,
        kept_aside=() if previous is None else (previous,),
        audit=chain,
        gone_accounts=gone or (),
        accounts=tuple(key_file.accounts()),
        rekeyed=gone is not None,
    )


def _current_key_file(engine: Engine) -> KeyFile | None:
    """The key slots of the store on the server now; None for a database without a store."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("setting"):
            return None
        found = conn.execute(
            select(Setting.value).where(Setting.key == server_store.STORE_ID)
        ).first()
    if found is None:
        return None
    with Session(engine) as session:
        return server_store.key_file_on(session)


def _current_store(
    engine: Engine,
    current: KeyFile | None,
    account: str,
    secret: str,
    address: str,
    path: Path,
) -> Store | None:
    """The store on the server now, opened with the account (to back it up and to keep its
    key); None when the database holds none."""
    if current is None:
        return None
    try:
        key = current.unwrap(account, secret)
    except WrongKey as exc:
        raise WrongKey(
            "Met dit account en wachtwoord opent de back-up, maar niet de opslag die nu op de "
            "server staat; die moet eerst worden bewaard. Er is niets veranderd. Gebruik een "
            "account (of de herstelsleutel) dat beide opent."
        ) from exc
    with Session(engine) as session:
        keycheck.require_verified(session, key, current)
    slot = current.find(account)
    name = slot.account if slot is not None else account
    return Store(path, name, engine, key, current, NoFileLock(path), server=address)


def _replace_rows(
    store: Store,
    src: Path,
    db: Path,
    backup_key: bytes,
    info: BackupInfo,
    key_file: KeyFile,
    gone: tuple[str, ...] | None,
    previous: Path | None,
    *,
    new_schema: bool,
) -> tuple[anchor.ChainHead, tuple[str, ...] | None]:
    """In one server transaction: every row replaced by the backup's, sealed with the store's
    key, the key slots set, the restore logged. Returns the log's new head."""
    source = make_engine(db, backup_key, check=False)
    try:
        upgrade_store(source, db, backup_key)  # an older backup: to this version's schema
        sealing = column_key(store.key)
        with store.engine.begin() as conn:
            if new_schema:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                from alembic import command

                command.upgrade(cfg, "head")
            names = ", ".join(f'"{t.name}"' for t in _tables())
            conn.execute(text(f"TRUNCATE {names}"))  # the names come from the models
            with source.connect() as reader:
                for table in _tables():
                    for rows in _batches(reader, table):
                        if table.name == Setting.__tablename__:
                            rows = [r for r in rows if r["key"] not in _SERVER_SETTINGS]
                        if rows:
                            conn.execute(insert(table), _seal_rows(sealing, table, rows))
            for table in _tables():
                if "id" in table.c:
                    conn.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence(:t, 'id'), "  # noqa: S608
                            f'COALESCE(MAX(id), 0) + 1, false) FROM "{table.name}"'
                        ),
                        {"t": table.name},
                    )
            with Session(bind=conn) as session:
                _check_manifest(session, src, info)
                gone = _record(session, store, src, info, key_file, gone, previous)
                head = session.get(AuditHead, 1, populate_existing=True)
                assert head is not None
                result = anchor.ChainHead(head.last_id, head.count, head.last_hash)
    finally:
        source.dispose()
    return result, gone


def _check_manifest(session: Session, src: Path, info: Any) -> None:
    if info.log_head is None:
        return
    problem = anchor.chain_mismatch(session, info.log_head)
    if problem is not None:
        raise DamagedStore(
            f"Het logboek in de back-up {src.name} klopt niet met de back-up zelf (info.json): "
            f"{problem}. Er is niets veranderd; kies een andere back-up."
        )


def _record(
    session: Session,
    store: Store,
    src: Path,
    info: BackupInfo,
    key_file: KeyFile,
    gone: tuple[str, ...] | None,
    previous: Path | None,
) -> tuple[str, ...] | None:
    """Key slots, accounts, settings and log lines of the restored store (in its transaction)."""
    session.execute(delete(Setting).where(Setting.key.in_(_SERVER_SETTINGS)))
    session.add(Setting(key=server_store.STORE_ID, value=key_file.store_id))
    session.add(Setting(key=server_store.KEY_GENERATION, value=str(key_file.key_generation)))
    keycheck.remember(session, store.key, key_file)
    if gone is not None:
        gone = align_accounts(session, key_file, gone)
    kept_note = f"; vorige opslag bewaard als {previous.name}" if previous is not None else ""
    record_restore(session, store, src, info, key_file, gone, kept_note)
    session.flush()
    return gone


def _move_anchor(path: Path, head: anchor.ChainHead, store_id: str) -> None:
    """The log's anchor on this computer now names the restored log's head; the old anchor is
    kept beside it (as the embedded restore keeps it with the replaced store)."""
    old = anchor.head_path(path)
    if old.exists():
        kept = _free_name(path.parent, path.name, anchor.HEAD_SUFFIX)
        os.replace(old, kept)
    anchor.write_head_file(path, head, store_id)


def _free_name(folder: Path, name: str, suffix: str) -> Path:
    """A free `<name>.voor-terugzetten-<tijd><suffix>` in `folder`."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        candidate = folder / f"{name}.{_ASIDE_MARK}-{stamp}{f'-{n}' if n else ''}{suffix}"
        if not candidate.exists():
            return candidate
    raise BadInput(f"Geen vrije naam gevonden in {folder} om de huidige opslag te bewaren.")
