"""Accounts, passphrases and the re-key of a store on a server (issue 15, item 4).

A server store keeps its key slots in `key_slot_copy` (each with its tag under the store key)
and its key generation in `setting`; there is no key file. Every change of a slot is written in
the same transaction as the account row and the log line. accounts.py dispatches here.

Removing an account with `rotate` gives the store a new key while other clients keep working:

1. One transaction (holding the key-generation row FOR UPDATE, so no write is under way):
   the account row and its slot go, the other slots get the new key (KeyFile.reseal_all), the
   generation goes up, and the old column key is kept in `setting` as PREVIOUS_KEY, sealed
   under the NEW key: a client that unlocks now (with the new key from its slot) can still
   open the values not yet re-sealed, and the removed person, who has only the old key,
   cannot open it.
2. Every sealed value of every table is re-sealed under the new key, in batches of
   BATCH_ROWS rows per transaction (`progress(done, total)` after each).
3. One last transaction, again holding the generation row FOR UPDATE, re-seals whatever is
   still under the old key and deletes PREVIOUS_KEY.

Every write transaction of a server store starts with `follow_key` (Store.write): it holds the
generation row FOR SHARE until its commit, and when the generation changed it opens its own slot
again (with the slot's private key kept on the Store since the unlock) and seals with the new
key from then on. So no value is sealed under the old key after step 1, and step 3 leaves none.
A read (Store.read) follows the generation too, without the lock. A client whose slot is gone
(the removed account) gets a Dutch WrongKey at its next read or write.

A re-key cut off before step 3 leaves a store every account can open (new key, and the old one
under it); the next rotation finishes it first (`finish_rekey`).
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Callable

from sqlalchemy import Connection, delete, select, text
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput, DamagedStore, WrongKey
from casusoverleg.services import accounts, audit, keycheck
from casusoverleg.services.accounts import AccountInfo
from casusoverleg.services.server_store import KEY_GENERATION, key_file_on
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import RECOVERY_ACCOUNT, KdfParams, KeyFile, new_store_key
from casusoverleg.store.models import KeySlotCopy, Setting
from casusoverleg.store.sealed import SEALED_COLUMNS, column_key, open_sealed, seal
from casusoverleg.store.sealing_events import set_keys

PREVIOUS_KEY = "vorige_sleutel"
BATCH_ROWS = 500

Progress = Callable[[int, int], None]


# -- following the store's key ----------------------------------------------------------------


def follow_key(session: Session, store: Store, *, for_write: bool) -> None:
    """Seal and open in this session with the keys of the store's current key generation.

    A write holds the generation row FOR SHARE until its commit, so a re-key (which takes it
    FOR UPDATE) never starts or ends while it writes with the key it read here."""
    query = select(Setting.key, Setting.value).where(
        Setting.key.in_((KEY_GENERATION, PREVIOUS_KEY))
    )
    if for_write:
        query = query.with_for_update(read=True)
    found: dict[str, str] = {key: value for key, value in session.execute(query)}
    generation = found.get(KEY_GENERATION)
    if generation is None:
        return  # a store being made (init_server_store); unlock_server refuses one without
    changed = int(generation) != store.key_file.key_generation
    if changed:
        _take_new_key(session, store)
    previous = found.get(PREVIOUS_KEY)
    opening = () if previous is None else (_open_previous(store.key, previous),)
    if changed or opening != store.opening_keys:
        store.opening_keys = opening
        set_keys(session, column_key(store.key), also=opening)


def _take_new_key(session: Session, store: Store) -> None:
    """Another client gave the store a new key: open this client's slot again."""
    if store.slot_private is None:
        raise WrongKey(
            "De sleutel van deze opslag is intussen vernieuwd. Vergrendel de opslag en "
            "ontgrendel hem opnieuw om verder te werken."
        )
    key_file = key_file_on(session)
    try:
        new_key = key_file.open_with_private(store.account, store.slot_private)
    except WrongKey:
        raise WrongKey(
            f"Het account '{store.account}' heeft geen toegang meer tot deze opslag: de "
            "sleutel is vernieuwd zonder dit account. Vraag een beheerder om toegang."
        ) from None
    keycheck.require_verified(session, new_key, key_file)
    store.key = new_key
    store.key_file = key_file


def _seal_previous(new_store_key: bytes, old_store_key: bytes) -> str:
    """The old column key, sealed under the new store key's column key."""
    plain = base64.b64encode(column_key(old_store_key)).decode("ascii")
    sealed = seal(column_key(new_store_key), "setting", PREVIOUS_KEY, 0, plain)
    assert sealed is not None
    return sealed


def _open_previous(store_key: bytes, sealed: str) -> bytes:
    plain = open_sealed(column_key(store_key), "setting", PREVIOUS_KEY, 0, sealed)
    try:
        key = base64.b64decode(plain or "", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise DamagedStore("De vorige sleutel van deze opslag op de server is beschadigd.")
    return key


# -- accounts ---------------------------------------------------------------------------------


def _fresh_key_file(store: Store) -> KeyFile:
    """The slots as the server holds them now (another client may have changed them)."""
    with store.read() as session:
        key_file = key_file_on(session)
        keycheck.require_verified(session, store.key, key_file)
    return key_file


def _same_generation(store: Store, key_file: KeyFile) -> None:
    """Inside a write: refuse if the store got a new key since `key_file` was read."""
    if store.key_file.key_generation != key_file.key_generation:
        raise BadInput(
            "De sleutel van de opslag is net vernieuwd door een andere gebruiker; er is niets "
            "veranderd. Probeer het opnieuw."
        )


def list_accounts(store: Store) -> list[AccountInfo]:
    """Accounts that can unlock the store on the server, each with its last unlock."""
    with store.read() as session:
        return accounts.accounts_in(session, key_file_on(session))


def add_account(
    store: Store,
    name: str,
    passphrase: str,
    *,
    kdf: KdfParams | None,
    display_name: str,
    beheerder: bool,
    one_time: bool,
) -> None:
    """accounts.add_account on a server: the new slot written beside the account row."""
    key_file = _fresh_key_file(store)
    if key_file.find(name) is not None:
        raise BadInput(f"Het account '{name}' bestaat al.")
    if kdf is None:
        own = key_file.find(store.account)
        kdf = own.kdf if own is not None else KdfParams()
    # The costly key derivation before the transaction: no lock held meanwhile.
    key_file.add_slot(name, passphrase, store.key, kdf)
    role = accounts.ROLE_BEHEERDER if beheerder else accounts.ROLE_MEDEWERKER
    with store.write() as session:
        _same_generation(store, key_file)
        if key_file_on(session).find(name) is not None:
            raise BadInput(f"Het account '{name}' bestaat al.")
        accounts.record_added(session, store, name, display_name, role=role, one_time=one_time)
        keycheck.remember(session, store.key, key_file, [name])
    store.key_file = key_file


def change_passphrase(store: Store, account: str, old: str, new: str) -> None:
    """accounts.change_passphrase on a server: the slot rewritten under the new passphrase."""
    key_file = _fresh_key_file(store)
    slot = key_file.find(account)
    if slot is None:
        raise BadInput(f"Onbekend account '{account}'.")
    if store.account != RECOVERY_ACCOUNT:
        key_file.unwrap(slot.account, old)  # raises WrongKey
    key_file.add_slot(slot.account, new, store.key, slot.kdf)
    # The new slot has its own private key: keep it, to follow a later re-key.
    private = (
        key_file.unwrap_private(slot.account, new)
        if slot.account.casefold() == store.account.casefold()
        else None
    )
    with store.write() as session:
        _same_generation(store, key_file)
        accounts.record_passphrase_changed(session, store, slot.account)
        keycheck.remember(session, store.key, key_file, [slot.account])
    store.key_file = key_file
    if private is not None:
        store.slot_private = private


def remove_account(
    store: Store, name: str, *, rotate: bool, progress: Progress | None = None
) -> None:
    """accounts.remove_account on a server; with `rotate` the store gets a new key and every
    sealed value is re-sealed under it in batches (see the module docstring)."""
    if not rotate:
        with store.write() as session:
            key_file = key_file_on(session)
            slot = accounts.removable_slot(store, key_file, name)
            accounts.record_removed(session, store, slot.account, rotate=False)
            key_file.slots = [s for s in key_file.slots if s is not slot]
        store.key_file = key_file
        return
    finish_rekey(store, progress)  # one cut off earlier: its old key must not stay behind
    old_key = store.key
    with store.write() as session:
        _lock_generation(session)
        key_file = key_file_on(session)
        slot = accounts.removable_slot(store, key_file, name)
        # The new key is sealed to each remaining public key: never to one that differs from
        # its tagged copy, or that account would be locked out.
        keycheck.require_verified(session, old_key, key_file)
        new_file = copy.deepcopy(key_file)
        new_file.slots = [s for s in new_file.slots if s.account.casefold() != name.casefold()]
        new_key = new_store_key()
        new_file.reseal_all(new_key)
        accounts.record_removed(session, store, slot.account, rotate=True)
        session.execute(delete(KeySlotCopy))
        keycheck.remember(session, new_key, new_file, replace=False)
        generation = session.get(Setting, KEY_GENERATION)
        assert generation is not None  # follow_key found it
        generation.value = str(new_file.key_generation)
        session.add(Setting(key=PREVIOUS_KEY, value=_seal_previous(new_key, old_key)))
    store.key = new_key
    store.key_file = new_file
    store.opening_keys = (column_key(old_key),)
    finish_rekey(store, progress)


def _lock_generation(session: Session) -> None:
    """Hold the key-generation row FOR UPDATE: every write under way has committed."""
    session.execute(
        select(Setting.value).where(Setting.key == KEY_GENERATION).with_for_update()
    ).one()


# -- the re-key -------------------------------------------------------------------------------


def finish_rekey(store: Store, progress: Progress | None = None) -> bool:
    """Re-seal every value still under the previous key, in batches, then forget that key.

    Returns whether there was a re-key to finish. `progress(done, total)` goes from 0 to total
    (rows of the sealed tables)."""
    with store.read() as session:
        if session.get(Setting, PREVIOUS_KEY) is None:
            return False
        total = _count_rows(session.connection())
    new = column_key(store.key)
    keys = (new, *store.opening_keys)
    done = 0
    if progress is not None:
        progress(0, total)
    for table, columns in SEALED_COLUMNS.items():
        after = 0
        while True:
            # One transaction per batch: other clients keep working in between.
            with store.engine.begin() as conn:
                count, last = _reseal_batch(conn, table, columns, after, keys)
            if not count:
                break
            after = last
            done = min(total, done + count)
            if progress is not None:
                progress(done, total)
    with store.write() as session:
        _lock_generation(session)
        conn = session.connection()
        for table, columns in SEALED_COLUMNS.items():
            after = 0
            while True:
                count, after = _reseal_batch(conn, table, columns, after, keys)
                if not count:
                    break
        session.execute(delete(Setting).where(Setting.key == PREVIOUS_KEY))
        keycheck.drop_stale(session, store.key)
        audit.record(
            session,
            store,
            AuditAction.ACCOUNT,
            object_type="opslag",
            detail="sleutel vernieuwd: alle versleutelde gegevens opnieuw versleuteld",
        )
    store.opening_keys = ()
    if progress is not None:
        progress(total, total)
    return True


def _count_rows(conn: Connection) -> int:
    total = 0
    for table in SEALED_COLUMNS:
        # The names come from SEALED_COLUMNS, never from input.
        total += int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())  # noqa: S608
    return total


def _reseal_batch(
    conn: Connection, table: str, columns: tuple[str, ...], after: int, keys: tuple[bytes, ...]
) -> tuple[int, int]:
    """Re-seal under keys[0] the values of up to BATCH_ROWS rows with id > `after` that only
    another of `keys` opens (rows locked FOR UPDATE meanwhile). Returns (rows, last id)."""
    listed = ", ".join(f'"{c}"' for c in columns)
    # The names come from SEALED_COLUMNS, never from input.
    rows = conn.execute(
        text(
            f'SELECT id, {listed} FROM "{table}" WHERE id > :after '  # noqa: S608
            "ORDER BY id LIMIT :n FOR UPDATE"
        ),
        {"after": after, "n": BATCH_ROWS},
    ).all()
    if not rows:
        return 0, after
    changes: list[dict[str, object]] = []
    for row in rows:
        row_id = int(row[0])
        values = dict(zip(columns, row[1:], strict=True))
        changed = False
        for column, value in values.items():
            resealed = _resealed(keys, table, column, row_id, value)
            if resealed is not None:
                values[column] = resealed
                changed = True
        if changed:
            changes.append({"row_id": row_id, **values})
    if changes:
        assignments = ", ".join(f'"{c}" = :{c}' for c in columns)
        conn.execute(
            text(f'UPDATE "{table}" SET {assignments} WHERE id = :row_id'),  # noqa: S608
            changes,
        )
    return len(rows), int(rows[-1][0])


def _resealed(
    keys: tuple[bytes, ...], table: str, column: str, row_id: int, value: object
) -> str | None:
    """The value sealed under keys[0] if only another key opens it; None if it needs nothing."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise DamagedStore(
            f"Tabel {table}, kolom {column}, rij {row_id}: geen versleutelde waarde."
        )
    try:
        open_sealed(keys[0], table, column, row_id, value)
        return None
    except DamagedStore:
        pass
    for key in keys[1:]:
        try:
            plain = open_sealed(key, table, column, row_id, value)
        except DamagedStore:
            continue
        return seal(keys[0], table, column, row_id, plain)
    raise DamagedStore(
        f"Een versleutelde waarde in tabel {table}, kolom {column} (rij {row_id}) opent met "
        "geen van de sleutels van deze opslag; de sleutelvernieuwing is gestopt. Voer "
        "'casusoverleg check' uit."
    )
