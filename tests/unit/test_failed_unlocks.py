"""Failed unlocks beside the store (issue 10, defects 2 and 8): a damaged line never blocks an
unlock, and a name that is no account (a passphrase typed in the wrong field) is never kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import WrongKey
from casusoverleg.services import accounts, audit
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

TYPED_IN_THE_WRONG_FIELD = "geheime zin van Els 2026"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    store, _recovery = make_store(tmp_path)
    accounts.lock(store)
    return store.path


def _failed(store: Store) -> list[audit.AuditEntry]:
    return [e for e in audit.list_events(store) if e.action == AuditAction.UNLOCK_FAILED]


def test_an_unknown_account_name_is_never_kept(store_path: Path) -> None:
    with pytest.raises(WrongKey):
        accounts.unlock(store_path, TYPED_IN_THE_WRONG_FIELD, PASSPHRASE)
    with pytest.raises(WrongKey):
        accounts.unlock(store_path, ACCOUNT, "niet het goede wachtwoord")
    side_file = audit.pending_path(store_path).read_text(encoding="utf-8")
    assert TYPED_IN_THE_WRONG_FIELD not in side_file

    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        failed = _failed(store)
        assert sorted(e.account for e in failed) == sorted([audit.UNKNOWN_ACCOUNT, ACCOUNT])
        assert all(TYPED_IN_THE_WRONG_FIELD not in (e.account + e.detail) for e in store_log(store))
    finally:
        accounts.lock(store)


def store_log(store: Store) -> list[audit.AuditEntry]:
    return audit.list_events(store)


@pytest.mark.parametrize(
    "damage",
    [
        b"dit is geen json\n",
        b"[1, 2, 3]\n",
        b'{"account": "secretaris"}\n',
        b'{"at": "gisteren", "account": "secretaris"}\n',
        b'{"at": 12, "account": "secretaris"}\n',
        b"\xff\xfe\x00 kapot\n",
        b'"enkel een tekst"\n',
    ],
)
def test_a_damaged_line_is_skipped_and_reported_and_never_blocks_unlocking(
    store_path: Path, damage: bytes
) -> None:
    with pytest.raises(WrongKey):
        accounts.unlock(store_path, ACCOUNT, "niet het goede wachtwoord")
    side_file = audit.pending_path(store_path)
    side_file.write_bytes(damage + side_file.read_bytes() + damage)

    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        failed = _failed(store)
        refused = [e for e in failed if e.result == "geweigerd"]
        unreadable = [e for e in failed if e.result == "onleesbaar"]
        assert [e.account for e in refused] == [ACCOUNT]
        assert [e.detail for e in unreadable] == [
            "2 onleesbare regel(s) in casusoverleg.db.mislukt.jsonl overgeslagen"
        ]
    finally:
        accounts.lock(store)
    assert not side_file.exists()
