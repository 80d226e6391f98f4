"""Accounts and keys: create a store, unlock it, add and remove accounts, change passphrases."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput, DamagedStore, StoreNotFound, WrongKey
from casusoverleg.services import audit, backoff, cases, keycheck, pending_log
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw, create_store_file, make_engine, rekey_pragma
from casusoverleg.store.keyslots import (
    MIN_PASSPHRASE_LENGTH as MIN_PASSPHRASE_LENGTH,  # re-exported for the screens
)
from casusoverleg.store.keyslots import (
    RECOVERY_ACCOUNT,
    KdfParams,
    KeyFile,
    KeySlot,
    check_passphrase,
    new_key_file,
    new_recovery_key,
    new_store_key,
    normalise_recovery_key,
)
from casusoverleg.store.lock import StoreLock
from casusoverleg.store.migrate import upgrade_store
from casusoverleg.store.models import Account, AuditEvent, Setting

DEMO_ACCOUNT = "demo"
# Roles (Account.role, migration 0005): a BEHEERDER manages accounts, retention and settings;
# every other account is a "lid" (stored as MEDEWERKER, shown as "lid") and does the rest.
ROLE_BEHEERDER = "BEHEERDER"
ROLE_MEDEWERKER = "MEDEWERKER"
ROLE_LABELS = {ROLE_BEHEERDER: "beheerder", ROLE_MEDEWERKER: "lid"}
ONE_TIME_CODE_GROUPS = 4  # 4 groups of 4 characters: readable, passed on in person
DEMO_MARK = "DEMO"


@dataclass(frozen=True)
class NewStore:
    """A freshly created, unlocked store and its recovery key (shown once, never stored)."""

    store: Store
    recovery_key: str


@dataclass(frozen=True)
class AccountInfo:
    """An account as the account list shows it (last unlock from the log's UNLOCK lines)."""

    name: str
    display_name: str
    created_at: datetime
    role: str = ROLE_MEDEWERKER
    last_unlock: datetime | None = None
    must_change_passphrase: bool = False


class NotAllowed(BadInput):
    """The account that opened the store may not do this (it is no beheerder)."""


def require_beheerder(store: Store, what: str) -> None:
    """Raise NotAllowed, saying who may, unless the store was opened by a beheerder."""
    if current_role(store) != ROLE_BEHEERDER:
        raise NotAllowed(
            f"Alleen een beheerder mag {what}. Vraag een beheerder van deze opslag om dat te doen."
        )


def new_one_time_code() -> str:
    """A one-time passphrase to pass on in person, readable like the recovery key."""
    return "-".join(new_recovery_key().split("-")[:ONE_TIME_CODE_GROUPS])


def check_account_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 80 or name.casefold() == RECOVERY_ACCOUNT:
        raise BadInput("Geef een accountnaam van 1 tot 80 tekens (niet 'herstelsleutel').")
    return name


def pending_key_path(store_path: Path) -> Path:
    """During key rotation the new key file waits here until the store is re-encrypted."""
    return KeyFile.path_for(store_path).with_suffix(".new")


def init_store(
    path: Path,
    account: str,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    demo: bool = False,
    display_name: str = "",
) -> NewStore:
    """Create a new encrypted store with one account and a recovery key."""
    account = check_account_name(account)
    if not demo:
        check_passphrase(passphrase)
    kdf = kdf or KdfParams()
    key_path = KeyFile.path_for(path)
    if path.exists() or key_path.exists():
        raise BadInput(f"Er staat al een opslag op {path}; kies een andere plek.")
    if not path.parent.is_dir():
        raise BadInput(f"De map {path.parent} bestaat niet.")
    store_key = new_store_key()
    recovery_key = new_recovery_key()
    key_file = new_key_file()
    key_file.add_slot(account, passphrase, store_key, kdf)
    key_file.add_slot(RECOVERY_ACCOUNT, recovery_key, store_key, kdf, kind="recovery")
    lock = StoreLock(path)
    lock.acquire(account)
    try:
        engine = create_store_file(path, store_key)
        try:
            lock.hold(path)  # the new file now exists: hold it, as every opened store is held
            upgrade_store(engine, path, store_key)
            key_file.save(key_path)
        except BaseException:
            engine.dispose()
            for leftover in (path, key_path, *_wal_files(path)):
                leftover.unlink(missing_ok=True)
            raise
    except BaseException:
        lock.release()
        raise
    store = Store(path, account, engine, store_key, key_file, lock, is_demo=demo)
    with store.write() as session:
        set_up_new_store(session, store, display_name)
        if demo:
            session.add(Setting(key="demo", value="1"))
    pending_log.reserve(path)  # room for log lines that may one day wait for disk space
    return NewStore(store, recovery_key)


def set_up_new_store(session: Session, store: Store, display_name: str) -> None:
    """What every new store holds, of either kind: its first account (the beheerder, as it sets
    the store up), the copy of the key slots, the search folding, and "aangemaakt" in the log."""
    session.add(
        Account(
            name=store.account,
            display_name=display_name,
            role="BEHEERDER",
            created_at=datetime.now(),
        )
    )
    keycheck.remember(session, store.key, store.key_file)
    cases.note_search_fold(session)  # no cases yet: nothing to fold again at the first unlock
    audit.record(session, store, AuditAction.ACCOUNT, object_type="opslag", detail="aangemaakt")


def _wal_files(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _open(path: Path, account: str, store_key: bytes, key_file: KeyFile) -> Store:
    lock = StoreLock(path)
    lock.acquire(account)
    try:
        try:
            engine = make_engine(path, store_key)
        except WrongKey as exc:
            # The key came out of an authenticated slot, so it is right: the file is not.
            raise DamagedStore(
                "De opslag is beschadigd: de sleutel is juist, maar het bestand kan niet "
                "worden gelezen. Zet een back-up terug met 'casusoverleg restore'."
            ) from exc
        try:
            upgrade_store(engine, path, store_key)
            store = Store(path, account, engine, store_key, key_file, lock)
            with store.read() as session:
                store.is_demo = session.get(Setting, "demo") is not None
        except BaseException:
            engine.dispose()
            raise
    except BaseException:
        lock.release()
        raise
    return store


def ensure_store_exists(path: Path) -> None:
    """Raise StoreNotFound, with what to do, if there is no store at `path`."""
    if not path.is_file():
        raise StoreNotFound(
            f"Geen opslag gevonden op {path}. Maak er een met 'casusoverleg init' of geef "
            "met --store de juiste plek."
        )


def _load_key_file(path: Path) -> KeyFile:
    ensure_store_exists(path)
    key_path = KeyFile.path_for(path)
    if not key_path.is_file():
        raise DamagedStore(f"Het sleutelbestand {key_path.name} ontbreekt naast de opslag.")
    return KeyFile.load(key_path)


def _open_with_slot(path: Path, slot_account: str, secret: str, log_account: str) -> Store:
    """Unwrap a slot and open the store, finishing a key rotation that was cut off."""
    key_file = _load_key_file(path)
    pending = pending_key_path(path)
    from_pending = False
    try:
        store_key = key_file.unwrap(slot_account, secret)
    except WrongKey:
        if not pending.exists():
            # A name that is no account may be a passphrase typed in the wrong field: never
            # keep it, not beside the store and not in the log.
            known = key_file.find(slot_account) is not None
            audit.note_failed_unlock(path, log_account if known else audit.UNKNOWN_ACCOUNT)
            raise
        key_file = KeyFile.load(pending)
        store_key = key_file.unwrap(slot_account, secret)
        from_pending = True
    slot = key_file.find(slot_account)
    account = slot.account if slot else slot_account
    try:
        store = _open(path, account, store_key, key_file)
    except DamagedStore:
        # A rotation cut off mid-way: the store may already be under the new key.
        if from_pending or not pending.exists():
            raise
        key_file = KeyFile.load(pending)
        store_key = key_file.unwrap(slot_account, secret)
        store = _open(path, account, store_key, key_file)
        from_pending = True
    if pending.exists():
        try:
            if not from_pending:
                # Cut off before the re-encryption: the store is still under the old key, and
                # promoting the new key file now would lock everyone out. Finish the rotation,
                # so the removed account loses access as the log already says.
                new_file = KeyFile.load(pending)
                _reencrypt(store, new_file.unwrap(slot_account, secret))
                store.key_file = new_file
            pending.replace(KeyFile.path_for(path))
        except BaseException:
            store.close()
            raise
    try:
        keycheck.ensure_copy(store)  # first unlock after migration 0004, or after a restore
        cases.refresh_search_text(store)  # once, when the search folding has changed
    except BaseException:
        store.close()
        raise
    return store


def unlock(path: Path, account: str, passphrase: str) -> Store:
    """Open the store with an account's passphrase; WrongKey (noted for the log) if it fails."""
    if not passphrase:
        raise BadInput("Geef een wachtwoord.")
    backoff.refuse_while_waiting(path, account)
    try:
        store = _open_with_slot(path, account, passphrase, account)
    except WrongKey:
        backoff.note_failure(path, account)
        raise
    backoff.reset(path, account)
    audit.flush_failed_unlocks(store)
    audit.log(store, AuditAction.UNLOCK, object_type="opslag")
    return store


def unlock_with_recovery(path: Path, recovery_key: str) -> Store:
    """Open the store with the printed recovery key (then set a new passphrase)."""
    backoff.refuse_while_waiting(path, RECOVERY_ACCOUNT)
    try:
        store = _open_with_slot(
            path, RECOVERY_ACCOUNT, normalise_recovery_key(recovery_key), RECOVERY_ACCOUNT
        )
    except WrongKey as exc:
        backoff.note_failure(path, RECOVERY_ACCOUNT)
        raise WrongKey("Deze herstelsleutel past niet bij deze opslag.") from exc
    backoff.reset(path, RECOVERY_ACCOUNT)
    audit.flush_failed_unlocks(store)
    audit.log(store, AuditAction.UNLOCK, object_type="opslag", detail="met herstelsleutel")
    return store


def lock(store: Store) -> None:
    """Log the lock and close the store (auto-lock, lock button, quitting)."""
    if store.closed:
        return
    try:
        audit.log(store, AuditAction.LOCK, object_type="opslag")
    finally:
        store.close()


def list_accounts(store: Store) -> list[AccountInfo]:
    """Accounts that can unlock the store, each with its last unlock (from the log)."""
    if store.is_server:
        from casusoverleg.services import server_accounts

        return server_accounts.list_accounts(store)
    with store.read() as session:
        return accounts_in(session, store.key_file)


def accounts_in(session: Session, key_file: KeyFile) -> list[AccountInfo]:
    """The accounts of `key_file` as the account list shows them (either kind of store)."""
    names = {n.casefold() for n in key_file.accounts()}
    found = session.execute(
        select(AuditEvent.account, func.max(AuditEvent.at))
        .where(AuditEvent.action == AuditAction.UNLOCK.value, AuditEvent.result == "ok")
        .group_by(AuditEvent.account)
    )
    last: dict[str, str | None] = {account: at for account, at in found}
    rows = session.scalars(select(Account).order_by(Account.name))
    return [
        AccountInfo(
            a.name,
            a.display_name,
            a.created_at,
            a.role,
            _local_time(last.get(a.name)),
            bool(a.must_change_passphrase),
        )
        for a in rows
        if a.name.casefold() in names and a.removed_at is None
    ]


def _local_time(iso_utc: str | None) -> datetime | None:
    """A log time (ISO 8601, UTC) as a naive local time, as the screens show times."""
    if not iso_utc:
        return None
    moment = datetime.fromisoformat(iso_utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().replace(tzinfo=None)


def must_change_passphrase(store: Store) -> bool:
    """Whether the account that opened the store must first choose its own passphrase."""
    with store.read() as session:
        flag = session.scalar(
            select(Account.must_change_passphrase).where(
                Account.name == store.account, Account.removed_at.is_(None)
            )
        )
    return bool(flag)


def refuse_until_changed(store: Store) -> None:
    """Raise BadInput while the account still has a one-time passphrase (the CLI's commands)."""
    if must_change_passphrase(store):
        raise BadInput(
            f"Het account '{store.account}' heeft een eenmalig wachtwoord. Kies eerst een eigen "
            "wachtwoord met 'casusoverleg passwd'; daarna werken de andere opdrachten weer."
        )


def set_role(store: Store, name: str, *, beheerder: bool) -> None:
    """Make another account a beheerder or a lid (beheerder only)."""
    require_beheerder(store, "de rol van een account wijzigen")
    if name.casefold() == store.account.casefold():
        raise BadInput("U kunt uw eigen rol niet wijzigen; vraag een andere beheerder.")
    with store.write() as session:
        row = session.scalar(
            select(Account).where(Account.name == name, Account.removed_at.is_(None))
        )
        if row is None:
            raise BadInput(f"Onbekend account '{name}'.")
        row.role = ROLE_BEHEERDER if beheerder else ROLE_MEDEWERKER
        audit.record(
            session,
            store,
            AuditAction.ACCOUNT,
            object_id=row.name,
            detail="rol: " + ROLE_LABELS[row.role],
        )


def add_account(
    store: Store,
    name: str,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    display_name: str = "",
    beheerder: bool = False,
    one_time: bool = False,
) -> None:
    """Give another person access (beheerder only); a beheerder too if asked.

    With `one_time` the passphrase is one the beheerder chose or had made: the colleague must
    choose their own at the first unlock before anything else.
    """
    require_beheerder(store, "accounts toevoegen")
    name = check_account_name(name)
    check_passphrase(passphrase)
    if store.is_server:
        from casusoverleg.services import server_accounts

        server_accounts.add_account(
            store,
            name,
            passphrase,
            kdf=kdf,
            display_name=display_name,
            beheerder=beheerder,
            one_time=one_time,
        )
        return
    if store.key_file.find(name) is not None:
        raise BadInput(f"Het account '{name}' bestaat al.")
    role = ROLE_BEHEERDER if beheerder else ROLE_MEDEWERKER
    if kdf is None:
        # The same cost as the account that adds it (chosen when the store was made).
        own = store.key_file.find(store.account)
        kdf = own.kdf if own is not None else KdfParams()
    store.key_file.add_slot(name, passphrase, store.key, kdf)
    with store.write() as session:
        record_added(session, store, name, display_name, role=role, one_time=one_time)
        keycheck.remember(session, store.key, store.key_file, [name])
        store.key_file.save(store.key_path)


def record_added(
    session: Session, store: Store, name: str, display_name: str, *, role: str, one_time: bool
) -> None:
    """The account row of a new (or returning) account and its log line (either kind)."""
    existing = session.scalar(select(Account).where(Account.name == name))
    if existing is None:
        session.add(
            Account(
                name=name,
                display_name=display_name,
                role=role,
                created_at=datetime.now(),
                must_change_passphrase=one_time,
            )
        )
    else:
        existing.removed_at = None
        existing.role = role
        existing.display_name = display_name or existing.display_name
        existing.must_change_passphrase = one_time
    detail = (
        "toegevoegd"
        + (" (beheerder)" if role == ROLE_BEHEERDER else "")
        + (", eenmalig wachtwoord" if one_time else "")
    )
    audit.record(session, store, AuditAction.ACCOUNT, object_id=name, detail=detail)


def current_role(store: Store) -> str:
    """The role of the account that opened the store (the recovery key has none: MEDEWERKER)."""
    with store.read() as session:
        row = session.scalar(
            select(Account.role).where(Account.name == store.account, Account.removed_at.is_(None))
        )
    return row if row in ROLE_LABELS else ROLE_MEDEWERKER


def change_passphrase(store: Store, account: str, old: str, new: str) -> None:
    """Rewrite one account's slot under a new passphrase (the store key stays the same)."""
    check_passphrase(new)
    if store.is_server:
        from casusoverleg.services import server_accounts

        server_accounts.change_passphrase(store, account, old, new)
        return
    slot = store.key_file.find(account)
    if slot is None:
        raise BadInput(f"Onbekend account '{account}'.")
    if store.account != RECOVERY_ACCOUNT:
        store.key_file.unwrap(account, old)  # raises WrongKey
    store.key_file.add_slot(slot.account, new, store.key, slot.kdf)
    with store.write() as session:
        record_passphrase_changed(session, store, slot.account)
        keycheck.remember(session, store.key, store.key_file, [slot.account])
        store.key_file.save(store.key_path)


def record_passphrase_changed(session: Session, store: Store, account: str) -> None:
    """The account's own passphrase now, and the log line (either kind of store)."""
    row = session.scalar(select(Account).where(Account.name == account))
    if row is not None:
        row.must_change_passphrase = False  # their own passphrase now
    audit.record(
        session, store, AuditAction.ACCOUNT, object_id=account, detail="wachtwoord gewijzigd"
    )


def removable_slot(store: Store, key_file: KeyFile, name: str) -> KeySlot:
    """The slot of the account to remove; BadInput if it may not be removed (either kind)."""
    slot = key_file.find(name)
    if slot is None or slot.kind != "passphrase":
        raise BadInput(f"Onbekend account '{name}'.")
    if slot.account.casefold() == store.account.casefold():
        raise BadInput("U kunt uw eigen account niet verwijderen.")
    if len(key_file.accounts()) <= 1:
        raise BadInput("Het laatste account kan niet worden verwijderd.")
    return slot


def record_removed(session: Session, store: Store, account: str, *, rotate: bool) -> None:
    """The account row marked removed, its slot copies gone, and the log line (either kind)."""
    row = session.scalar(select(Account).where(Account.name == account))
    if row is not None:
        row.removed_at = datetime.now()
    audit.record(
        session,
        store,
        AuditAction.ACCOUNT,
        object_id=account,
        detail="verwijderd" + (", sleutel vernieuwd" if rotate else ""),
    )
    keycheck.forget(session, account)


def remove_account(
    store: Store,
    name: str,
    *,
    rotate: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Take an account's access away; with `rotate` the store gets a new key.

    `progress(done, total)` is told how far the re-sealing of a server store's values is
    (server_accounts.remove_account); the embedded store re-encrypts in one step.

    Rotation re-encrypts the store (`PRAGMA rekey`) and seals the new key to every remaining
    slot, so a copy of the removed account's old slot no longer opens the store. The new key
    file is written first beside the old one and promoted after the re-encryption, so a crash
    at any point leaves a store that opens.
    """
    require_beheerder(store, "accounts verwijderen")
    if store.is_server:
        from casusoverleg.services import server_accounts

        server_accounts.remove_account(store, name, rotate=rotate, progress=progress)
        return
    slot = removable_slot(store, store.key_file, name)
    if rotate:
        # The new key is sealed to each remaining public key: never to one that differs from
        # its copy in the store, or that account would be locked out.
        with store.read() as session:
            keycheck.require_verified(session, store.key, store.key_file)
    # Work on a copy: the open store keeps the key file that fits its key until all succeeded.
    new_file = copy.deepcopy(store.key_file)
    new_file.slots = [s for s in new_file.slots if s.account.casefold() != slot.account.casefold()]
    new_key = new_store_key() if rotate else None
    if new_key is not None:
        new_file.reseal_all(new_key)
    with store.write() as session:
        record_removed(session, store, slot.account, rotate=rotate)
        if new_key is None:
            new_file.save(store.key_path)
        else:
            # Copies for the new key, beside those for the old one until the rekey is done.
            keycheck.remember(session, new_key, new_file, replace=False)
    if new_key is None:
        store.key_file = new_file
        return
    pending = pending_key_path(store.path)
    new_file.save(pending)
    _reencrypt(store, new_key)
    store.key_file = new_file
    pending.replace(store.key_path)
    with store.write() as session:
        keycheck.drop_stale(session, store.key)


def _reencrypt(store: Store, new_key: bytes) -> None:
    """Re-encrypt the open store under `new_key` (`PRAGMA rekey`) and reconnect with it."""
    # Every pooled connection holds the old key; re-encrypt on one, then reconnect.
    store.engine.dispose()
    conn = connect_raw(store.path, store.key)
    try:
        conn.execute(rekey_pragma(new_key))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    store.key = new_key
    store.engine = make_engine(store.path, new_key)
