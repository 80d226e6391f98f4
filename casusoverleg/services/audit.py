"""The append-only access log (NEN 7513 style) with a hash chain.

Every event is written in the same transaction as the change it records. Each row's hash covers
its fields and the previous row's hash; `audit_head` keeps the chain's end, so an edited,
deleted or cut-off row is found by `verify_chain`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import DiskFull
from casusoverleg.services import anchor, pending_log
from casusoverleg.services.store import Store, workstation_name
from casusoverleg.store.models import AuditEvent, AuditHead, Setting

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """One line of the log as the screens and documents show it."""

    id: int
    at: datetime
    account: str
    workstation: str
    action: AuditAction
    case_number: str | None
    object_type: str
    object_id: str
    result: str
    detail: str


@dataclass(frozen=True)
class ChainReport:
    """Result of checking the chain: ok, or the first row where it breaks."""

    ok: bool
    count: int
    message: str
    first_bad_id: int | None = None


# The fields each line's hash covers, in the order other readers of the chain use them.
CHAIN_FIELDS = (
    "at",
    "account",
    "workstation",
    "action",
    "case_number",
    "object_type",
    "object_id",
    "result",
    "detail",
)


def digest(prev_hash: str, fields: dict[str, str | None]) -> str:
    """The hash of one log line: the previous line's hash and this line's CHAIN_FIELDS."""
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _fields(event: AuditEvent) -> dict[str, str | None]:
    return {name: getattr(event, name) for name in CHAIN_FIELDS}


def record(
    session: Session,
    store: Store,
    action: AuditAction,
    *,
    case_number: str | None = None,
    object_type: str = "",
    object_id: str | int = "",
    result: str = "ok",
    detail: str = "",
    at: datetime | None = None,
    account: str | None = None,
    workstation: str | None = None,
) -> None:
    """Append one event to the chain inside the caller's (write) transaction."""
    head = _head(session)
    prev = head.last_hash if head else GENESIS
    # Ids are given here, not by the database, so many events can be inserted in one batch;
    # writers are serialised (BEGIN IMMEDIATE on SQLite, the head's row lock on a server), so
    # two transactions never pick the same id.
    event = AuditEvent(
        id=(head.last_id if head else 0) + 1,
        at=(at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds"),
        account=account or store.account,
        workstation=workstation or store.workstation,
        action=str(action),
        case_number=case_number,
        object_type=object_type,
        object_id=str(object_id),
        result=result,
        detail=detail,
        prev_hash=prev,
        hash="",
    )
    event.hash = digest(prev, _fields(event))
    session.add(event)
    if head is None:
        session.add(AuditHead(id=1, last_id=event.id, last_hash=event.hash, count=1))
        session.flush()
    else:
        head.last_id = event.id
        head.last_hash = event.hash
        head.count += 1
    # Store.write anchors this head beside the store once the transaction has committed.
    anchor.note_head(session, anchor.ChainHead(event.id, head.count if head else 1, event.hash))


_HEAD_LOCKED = "casusoverleg.audit.head_locked"  # the transaction that holds the head's lock


def _head(session: Session) -> AuditHead | None:
    """The chain's end, locked for this transaction on a server (None: no event yet)."""
    if session.get_bind().dialect.name == "sqlite":
        # BEGIN IMMEDIATE already serialises writers; a plain get hits the identity map after
        # the first event, so a batch of events is flushed at once.
        return session.get(AuditHead, 1)
    # On PostgreSQL writers queue on the head's row (SELECT … FOR UPDATE) and read its newest
    # committed version once it is theirs. The row is made first if missing; ON CONFLICT lets
    # two first writers both go on, and the second then waits for the first's lock.
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_HEAD_LOCKED) is transaction:
        # Locked by this transaction's first event, and changed only by this transaction
        # since: the object in the session is current, so a batch asks the server once.
        return session.get(AuditHead, 1)
    head = session.get(AuditHead, 1, with_for_update=True, populate_existing=True)
    if head is None:
        session.execute(
            pg_insert(AuditHead)
            .values(id=1, last_id=0, last_hash=GENESIS, count=0)
            .on_conflict_do_nothing(index_elements=[AuditHead.id])
        )
        head = session.get(AuditHead, 1, with_for_update=True, populate_existing=True)
    session.info[_HEAD_LOCKED] = transaction
    return head


def log(
    store: Store,
    action: AuditAction,
    *,
    settings: dict[str, str] | None = None,
    **kwargs: str | int | None,
) -> None:
    """Record an event in a transaction of its own (views, prints, lock, unlock).

    `settings` are stored in the same transaction. On a full disk the line of an unlock, lock
    or backup waits for space (services/pending_log.py); any other raises DiskFull.
    """
    flushed = False
    try:
        with store.write() as session:
            flushed = flush_waiting(session, store)
            record(session, store, action, **kwargs)  # type: ignore[arg-type]
            _store_settings(session, settings)
    except DiskFull:
        if str(action) not in pending_log.DEFERRABLE:
            raise
        pending_log.keep(store, _waiting_line(store, action, settings, kwargs))
        return
    pending_log.written(store, flushed=flushed)


def _waiting_line(
    store: Store,
    action: AuditAction,
    settings: dict[str, str] | None,
    fields: dict[str, str | int | None],
) -> pending_log.WaitingLine:
    return pending_log.WaitingLine(
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        account=store.account,
        workstation=store.workstation,
        action=str(action),
        object_type=str(fields.get("object_type") or ""),
        object_id=str(fields.get("object_id") or ""),
        result=str(fields.get("result") or "ok"),
        detail=str(fields.get("detail") or ""),
        settings=dict(settings or {}),
    )


def _store_settings(session: Session, settings: dict[str, str] | None) -> None:
    for key, value in (settings or {}).items():
        session.merge(Setting(key=key, value=value))


def flush_waiting(session: Session, store: Store) -> bool:
    """Write the lines that waited for disk space into the chain (caller's transaction)."""
    if not pending_log.has_waiting(store):
        return False
    waiting = pending_log.take(store)
    for line in waiting.lines:
        at = datetime.fromisoformat(line.at)
        record(
            session,
            store,
            AuditAction(line.action),
            at=at if at.tzinfo else at.replace(tzinfo=UTC),
            account=line.account,
            workstation=line.workstation,
            object_type=line.object_type,
            object_id=line.object_id,
            result=line.result,
            detail=f"{line.detail} (geschreven toen er weer schijfruimte was)".lstrip(),
        )
        _store_settings(session, line.settings)
    if waiting.lost or waiting.damaged:
        record(
            session,
            store,
            AuditAction.UNLOCK,
            result="onvolledig",
            detail=(
                f"{waiting.lost} logregel(s) gingen verloren toen de schijf vol was"
                if not waiting.damaged
                else f"wachtende logregels in {pending_log.path_for(store.path).name} onleesbaar"
            ),
        )
    return True


# The chain's rows as plain tuples (id, prev_hash, hash, *CHAIN_FIELDS): ORM objects cost about
# three times as much per line (measured on the 2-core machine: ~0.15 ms against ~0.045 ms), and
# the automatic backup walks the whole log of its copy at every lock.
CHAIN_SQL = f"SELECT id, prev_hash, hash, {', '.join(CHAIN_FIELDS)} FROM audit_event ORDER BY id"  # noqa: S608
HEAD_SQL = "SELECT count, last_id, last_hash FROM audit_head WHERE id = 1"


def walk_chain(rows: Iterable[Sequence[Any]], head: Sequence[Any] | None) -> ChainReport:
    """Whether the rows of CHAIN_SQL and the head of HEAD_SQL form an unbroken, whole chain."""
    prev, count, last_id = GENESIS, 0, 0
    for row in rows:
        count += 1
        event_id, prev_hash, event_hash = row[0], row[1], row[2]
        if prev_hash != prev:
            return ChainReport(
                False,
                count,
                f"Logboek onderbroken bij regel {event_id}: een eerdere regel is "
                "verwijderd of gewijzigd.",
                event_id,
            )
        if digest(prev, dict(zip(CHAIN_FIELDS, row[3:], strict=True))) != event_hash:
            return ChainReport(False, count, f"Logboekregel {event_id} is gewijzigd.", event_id)
        prev, last_id = event_hash, event_id
    if head is None:
        if count:
            return ChainReport(False, count, "Het einde van het logboek ontbreekt.")
        return ChainReport(True, 0, "Het logboek is leeg.")
    if tuple(head) != (count, last_id, prev):
        return ChainReport(
            False,
            count,
            "Er zijn regels aan het eind van het logboek verwijderd "
            f"(verwacht {head[0]}, gevonden {count}).",
        )
    return ChainReport(True, count, f"Logboek in orde ({count} regels).")


def verify_chain(store: Store) -> ChainReport:
    """Walk the whole log and say whether any row was edited, removed or cut off."""
    with store.read() as session:
        head = session.execute(text(HEAD_SQL)).first()
        return walk_chain(session.execute(text(CHAIN_SQL)), head)


def list_events(
    store: Store,
    *,
    case_number: str | None = None,
    account: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Events, newest first, filtered by case, account and period."""
    with store.read() as session:
        return list_events_in(
            session, case_number=case_number, account=account, since=since, until=until, limit=limit
        )


def list_events_in(
    session: Session,
    *,
    case_number: str | None = None,
    account: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """`list_events`, inside the caller's transaction."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if case_number:
        query = query.where(AuditEvent.case_number == case_number)
    if account:
        query = query.where(AuditEvent.account == account)
    if since:
        query = query.where(AuditEvent.at >= since.isoformat())
    if until:
        query = query.where(AuditEvent.at < date.fromordinal(until.toordinal() + 1).isoformat())
    if limit:
        query = query.limit(limit)
    return [
        AuditEntry(
            id=e.id,
            at=datetime.fromisoformat(e.at),
            account=e.account,
            workstation=e.workstation,
            action=AuditAction(e.action),
            case_number=e.case_number,
            object_type=e.object_type,
            object_id=e.object_id,
            result=e.result,
            detail=e.detail,
        )
        for e in session.scalars(query)
    ]


# -- failed unlocks ------------------------------------------------------------------------------
# A failed unlock cannot be written to the store (there is no key yet). It goes to a small file
# beside the store that names only account, time and workstation, and is moved into the chain
# at the next successful unlock.


UNKNOWN_ACCOUNT = "onbekend account"


def pending_path(store_path: Path) -> Path:
    """The side file of not-yet-logged failed unlocks."""
    return store_path.with_name(store_path.name + ".mislukt.jsonl")


def note_failed_unlock(store_path: Path, account: str) -> None:
    """Remember a failed unlock until the store is next opened."""
    line = json.dumps(
        {
            "at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "account": account[:80],
            "workstation": workstation_name(),
        }
    )
    path = pending_path(store_path)
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        path.chmod(0o600)
    except OSError:
        pass  # not being able to note it must not hide the wrong-passphrase message


def flush_failed_unlocks(store: Store) -> int:
    """Move remembered failed unlocks into the chain; returns how many."""
    path = pending_path(store.path)
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        return 0
    except OSError:
        return 0  # unreadable now; tried again at the next unlock, never blocking this one
    entries = [_failed_unlock(line) for line in lines if line.strip()]
    found = [entry for entry in entries if entry is not None]
    skipped = len(entries) - len(found)
    try:
        _write_failed_unlocks(store, path, found, skipped)
    except DiskFull:
        return 0  # kept beside the store; written at the next unlock with space
    path.unlink(missing_ok=True)
    return len(found)


def _write_failed_unlocks(
    store: Store, path: Path, found: list[tuple[datetime, str, str]], skipped: int
) -> None:
    with store.write() as session:
        for at, account, workstation in found:
            record(
                session,
                store,
                AuditAction.UNLOCK_FAILED,
                at=at,
                account=account,
                workstation=workstation,
                result="geweigerd",
                detail="onjuist wachtwoord of onbekend account",
            )
        if skipped:
            record(
                session,
                store,
                AuditAction.UNLOCK_FAILED,
                result="onleesbaar",
                detail=f"{skipped} onleesbare regel(s) in {path.name} overgeslagen",
            )


def _failed_unlock(line: bytes) -> tuple[datetime, str, str] | None:
    """One remembered failed unlock (time, account, workstation); None for a damaged line."""
    try:
        entry = json.loads(line.decode("utf-8"))
        at = datetime.fromisoformat(entry["at"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not isinstance(entry, dict):
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    account = entry.get("account")
    workstation = entry.get("workstation")
    return (
        at,
        account[:80] if isinstance(account, str) else "?",
        workstation[:120] if isinstance(workstation, str) else "?",
    )
