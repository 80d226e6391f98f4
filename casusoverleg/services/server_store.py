"""A store on a PostgreSQL server (issue 15): made with `init_server_store`, opened with
`unlock_server`, then used by every service as a `Store`, like the embedded one.

The key slots live on the server, in the table that holds the embedded store's copy of its key
file (`key_slot_copy`), with the store's id and key generation in `setting`. The server holds
only wrapped keys: a slot opens with its account's passphrase (Argon2id, as on the embedded
store), and each copy carries a tag made with the store key, checked after the unwrap, so a
slot changed on the server is refused.

Every session of such a store seals the children's columns in the client (Store._session,
casusoverleg/store/sealing_events.py); several clients work at once, and each hears the others'
changes (services/server_changes.py). The command line reaches it with --store postgresql://…,
the window through the first-start wizard's choice (ui/server_store.py). `check` works there
too (the chain, the slots, every sealed value); accounts, passphrases and the re-key are in
services/server_accounts.py, backup and restore in services/server_backup.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput, DamagedStore
from casusoverleg.paths import server_folder
from casusoverleg.services import accounts, audit, keycheck
from casusoverleg.services.accounts import NewStore
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import (
    RECOVERY_ACCOUNT,
    KdfParams,
    KeyFile,
    KeySlot,
    check_passphrase,
    new_key_file,
    new_recovery_key,
    new_store_key,
)
from casusoverleg.store.lock import NoFileLock
from casusoverleg.store.models import Account, KeySlotCopy, Setting
from casusoverleg.store.server import (
    connection_errors_in_dutch,
    make_server_engine,
    upgrade_server,
)

STORE_ID = "server_store_id"
KEY_GENERATION = "server_key_generation"


def address(url: str) -> str:
    """The server address as shown and logged: never its password."""
    return make_url(url.strip()).render_as_string(hide_password=True)


def store_exists(url: str) -> bool:
    """Whether the database at `url` holds a store already; BadInput (Dutch) when the server
    cannot be reached, refuses the login or the address would send data without TLS."""
    engine = make_server_engine(url)
    try:
        with connection_errors_in_dutch():
            return _has_store(engine)
    finally:
        engine.dispose()


def local_path(server: str) -> Path:
    """What stands for the store's path on this computer: files beside it go to this folder."""
    folder = server_folder(server)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / "opslag"


def _has_store(engine: Engine) -> bool:
    with engine.connect() as conn:
        if not inspect(conn).has_table("account"):
            return False
        return conn.execute(select(Account.name).limit(1)).first() is not None


def init_server_store(
    url: str,
    account: str,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    display_name: str = "",
) -> NewStore:
    """Make a new store in an empty database on a server: schema, first account, recovery key."""
    account = accounts.check_account_name(account)
    check_passphrase(passphrase)
    kdf = kdf or KdfParams()
    engine = make_server_engine(url)
    try:
        with connection_errors_in_dutch():
            found = _has_store(engine)
        if found:
            raise BadInput(
                "Op deze server staat al een opslag. Ontgrendel die, of kies een lege database."
            )
        upgrade_server(engine)
        store_key = new_store_key()
        recovery_key = new_recovery_key()
        key_file = new_key_file()
        key_file.add_slot(account, passphrase, store_key, kdf)
        key_file.add_slot(RECOVERY_ACCOUNT, recovery_key, store_key, kdf, kind="recovery")
        server = address(url)
        path = local_path(server)
        store = Store(path, account, engine, store_key, key_file, NoFileLock(path), server=server)
        with store.write() as session:
            session.add(Setting(key=STORE_ID, value=key_file.store_id))
            session.add(Setting(key=KEY_GENERATION, value=str(key_file.key_generation)))
            accounts.set_up_new_store(session, store, display_name)
    except BaseException:
        engine.dispose()
        raise
    return NewStore(store, recovery_key)


def key_file_on(session: Session) -> KeyFile:
    """The key slots as the server holds them (not yet verified: that needs the store key)."""
    store_id = session.get(Setting, STORE_ID)
    generation = session.get(Setting, KEY_GENERATION)
    if store_id is None or generation is None:
        raise DamagedStore(
            "Op deze server staat geen (volledige) opslag van Casusoverleg: de sleutels ontbreken."
        )
    key_file = KeyFile(store_id=store_id.value, key_generation=int(generation.value))
    for row in session.scalars(select(KeySlotCopy).order_by(KeySlotCopy.id)):
        try:
            key_file.slots.append(KeySlot.from_json(json.loads(row.slot)))
        except ValueError:
            key_file.broken.append(row.slot)
    return key_file


def unlock_server(url: str, account: str, passphrase: str) -> Store:
    """Open the store on a server with an account's passphrase; WrongKey if it does not fit."""
    if not passphrase:
        raise BadInput("Geef een wachtwoord.")
    engine = make_server_engine(url)
    try:
        with connection_errors_in_dutch(), engine.connect() as conn:
            if not inspect(conn).has_table("setting"):
                raise BadInput(
                    "Op deze server staat nog geen opslag. Maak er een met 'casusoverleg init' of "
                    "bij de eerste start van het programma."
                )
        upgrade_server(engine)
        with Session(engine) as session:
            key_file = key_file_on(session)
            # The slot's private key is kept on the Store: with it the client opens its slot
            # again when another client gives the store a new key (server_accounts).
            private = key_file.unwrap_private(account, passphrase)
            slot = key_file.find(account)
            name = slot.account if slot else account
            store_key = key_file.open_with_private(name, private)
            # A slot the server changed (or one not made with this store key) is refused.
            keycheck.require_verified(session, store_key, key_file)
        server = address(url)
        path = local_path(server)
        store = Store(path, name, engine, store_key, key_file, NoFileLock(path), server=server)
        store.slot_private = private
    except BaseException:
        engine.dispose()
        raise
    audit.log(store, AuditAction.UNLOCK, object_type="opslag")
    return store
