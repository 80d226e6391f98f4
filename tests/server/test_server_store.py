"""A store on the server: made, opened by two clients at once, its keys checked on the way in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from casusoverleg.errors import BadInput, DamagedStore, WrongKey
from casusoverleg.services import accounts, audit, cases
from casusoverleg.services.server_store import address, init_server_store, unlock_server
from casusoverleg.store.keyslots import FAST_KDF, KeyFile
from casusoverleg.store.models import KeySlotCopy
from casusoverleg.store.server import make_server_engine
from tests.helpers.postgres import PgServer
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case


def _init(url: str) -> str:
    """A new server store; its recovery key (the store itself is locked again)."""
    created = init_server_store(url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    accounts.lock(created.store)
    return created.recovery_key


def test_a_new_server_store_opens_with_its_passphrase_and_keeps_what_was_written(
    pg_url: str,
) -> None:
    created = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    store = created.store
    assert store.is_server and store.server == address(pg_url)
    record = cases.create_case(store, sample_case("Sanne", "de Vries"))
    accounts.lock(store)

    again = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        assert [r.case_number for r in cases.list_cases(again, log_search=False)] == [
            record.case_number
        ]
        chain = audit.verify_chain(again)
        assert chain.ok and chain.count >= 4  # aangemaakt, nieuw, vergrendeld, ontgrendeld
        assert not again.path.exists()  # no store file on this computer
    finally:
        accounts.lock(again)


def test_a_wrong_passphrase_or_account_opens_nothing(pg_url: str) -> None:
    _init(pg_url)
    with pytest.raises(WrongKey):
        unlock_server(pg_url, ACCOUNT, "niet het goede wachtwoord")
    with pytest.raises(WrongKey):
        unlock_server(pg_url, "iemand", PASSPHRASE)


def test_init_refuses_a_database_that_holds_a_store_and_unlock_an_empty_one(
    pg_server: PgServer, pg_url: str
) -> None:
    _init(pg_url)
    with pytest.raises(BadInput, match="staat al een opslag"):
        init_server_store(pg_url, "tweede", PASSPHRASE, kdf=FAST_KDF)
    empty = pg_server.create_database("leeg_voor_unlock")
    with pytest.raises(BadInput, match="nog geen opslag"):
        unlock_server(empty, ACCOUNT, PASSPHRASE)


def test_two_clients_work_on_one_server_store_at_once(pg_url: str) -> None:
    _init(pg_url)
    first = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    second = unlock_server(pg_url, ACCOUNT, PASSPHRASE)  # no lock file: both are open
    try:
        made = {cases.create_case(first, sample_case("Daan", "Jansen")).case_number}
        made.add(cases.create_case(second, sample_case("Emma", "Bakker")).case_number)
        seen = {r.case_number for r in cases.list_cases(first, log_search=False)}
        assert seen == made
        assert audit.verify_chain(second).ok
    finally:
        accounts.lock(first)
        accounts.lock(second)


def test_a_slot_changed_on_the_server_is_refused(pg_url: str, tmp_path: Path) -> None:
    _init(pg_url)
    # The database administrator puts in a slot for the same account from another store,
    # whose passphrase they know: it does not open (the store id is bound into each slot),
    # and a slot that did would still lack a tag made with this store's key.
    other, _ = make_store(tmp_path)
    foreign = KeyFile.load(other.key_path).find(ACCOUNT)
    other.close()
    assert foreign is not None
    server = make_server_engine(pg_url)
    with Session(server) as session, session.begin():
        session.execute(
            update(KeySlotCopy)
            .where(KeySlotCopy.account == ACCOUNT)
            .values(slot=json.dumps(foreign.to_json()))
        )
    server.dispose()
    with pytest.raises((DamagedStore, WrongKey)):
        unlock_server(pg_url, ACCOUNT, PASSPHRASE)


def test_the_server_holds_no_passphrase_and_no_store_key(pg_server: PgServer, pg_url: str) -> None:
    created = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    key_hex = created.store.key.hex()
    accounts.lock(created.store)
    database = make_url(pg_url).database
    assert database is not None
    dump = pg_server.run("pg_dump", "-h", str(pg_server.socket_dir), "-U", "casus_test", database)
    text = dump.stdout
    assert PASSPHRASE not in text
    assert key_hex not in text
    assert created.recovery_key not in text
    assert "key_slot_copy" in text  # the wrapped slots are there
