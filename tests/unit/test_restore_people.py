"""Restore keeps today's people (issue 10, defect 3): an account removed after a backup was made
does not come back with it, the backup's old slots no longer open the restored store, the log
says who is gone, and a backup of another store is refused unless asked for."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput, WrongKey
from casusoverleg.services import accounts, audit, backup, cases
from casusoverleg.services.backup import OtherStore
from casusoverleg.store.engine import connect_raw
from casusoverleg.store.keyslots import FAST_KDF, RECOVERY_ACCOUNT, KeyFile
from casusoverleg.store.models import Account
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case

BOB = "bob"
BOB_PASSPHRASE = "bob zijn eigen lange zin"
CAROL = "carol"
CAROL_PASSPHRASE = "carol komt er later bij"


def _snapshot(directory: Path) -> dict[str, bytes]:
    """Name → sha-256 of every file (recursively) in a directory."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).digest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def with_bob(tmp_path: Path) -> tuple[Path, Path, str]:
    """A closed store whose backup (back-up.zip) has bob, who was removed afterwards."""
    (tmp_path / "opslag").mkdir()
    store, recovery = make_store(tmp_path / "opslag")
    cases.create_case(store, sample_case("Sanne"))
    accounts.add_account(store, BOB, BOB_PASSPHRASE, kdf=FAST_KDF)
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    accounts.remove_account(store, BOB)
    accounts.lock(store)
    return store.path, zip_path, recovery


def test_a_removed_account_does_not_come_back_with_a_restore(
    with_bob: tuple[Path, Path, str],
) -> None:
    path, zip_path, _recovery = with_bob
    result = backup.restore(zip_path, path, ACCOUNT, PASSPHRASE)

    assert result.rekeyed and result.gone_accounts == (BOB,)
    assert result.accounts == (ACCOUNT,) and result.audit.ok
    with pytest.raises(WrongKey):
        accounts.unlock(path, BOB, BOB_PASSPHRASE)
    # Bob's slot as the backup has it still gives the old store key; it opens nothing here.
    with zipfile.ZipFile(zip_path) as zf:
        (path.parent / "oud.keys.json").write_bytes(zf.read("sleutels.json"))
    old_key = KeyFile.load(path.parent / "oud.keys.json").unwrap(BOB, BOB_PASSPHRASE)
    with pytest.raises(WrongKey):
        connect_raw(path, old_key)

    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        assert [a.name for a in accounts.list_accounts(store)] == [ACCOUNT]
        with store.read() as session:
            bob = session.query(Account).filter_by(name=BOB).one()
            assert bob.removed_at is not None
        events = audit.list_events(store)
        removal = [e for e in events if e.action == AuditAction.ACCOUNT and e.object_id == BOB]
        # Newest first: the removal the restore wrote back, then the backup's "toegevoegd".
        assert [e.detail[:10] for e in removal] == ["verwijderd", "toegevoegd"]
        restore_line = next(e for e in events if e.action == AuditAction.RESTORE)
        assert "geen toegang meer: bob" in restore_line.detail
        assert f"toegang zoals nu: {ACCOUNT}" in restore_line.detail
        # The copy of the key file inside the store is today's: check repairs nothing back.
        report = backup.check(store)
        assert report.ok and report.key_file is not None and report.key_file.repaired == ()
        assert {c.first_name for c in cases.list_cases(store, log_search=False)} == {"Sanne"}
    finally:
        accounts.lock(store)


def test_a_removed_account_cannot_restore_and_nothing_changes(
    tmp_path: Path, with_bob: tuple[Path, Path, str]
) -> None:
    path, zip_path, _recovery = with_bob
    before = _snapshot(path.parent)
    with pytest.raises(WrongKey, match="verwijderd nadat de back-up werd gemaakt"):
        backup.restore(zip_path, path, BOB, BOB_PASSPHRASE)
    with pytest.raises(WrongKey, match="Onbekend account"):
        backup.restore(zip_path, path, "niemand", PASSPHRASE)
    assert _snapshot(path.parent) == before


def test_the_recovery_key_restores_with_todays_people(with_bob: tuple[Path, Path, str]) -> None:
    path, zip_path, recovery = with_bob
    result = backup.restore(zip_path, path, RECOVERY_ACCOUNT, recovery)
    assert result.gone_accounts == (BOB,)
    accounts.lock(accounts.unlock_with_recovery(path, recovery))
    accounts.lock(accounts.unlock(path, ACCOUNT, PASSPHRASE))


def test_an_account_added_and_a_passphrase_changed_after_the_backup_keep_working(
    tmp_path: Path,
) -> None:
    store, _recovery = make_store(tmp_path)
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    accounts.add_account(store, CAROL, CAROL_PASSPHRASE, kdf=FAST_KDF)
    new_passphrase = "een nieuw en lang wachtwoord"
    accounts.change_passphrase(store, ACCOUNT, PASSPHRASE, new_passphrase)
    accounts.lock(store)

    # The backup opens with the passphrase of then; the restored store with today's.
    with pytest.raises(WrongKey):
        backup.restore(zip_path, store.path, ACCOUNT, new_passphrase)
    result = backup.restore(zip_path, store.path, ACCOUNT, PASSPHRASE)
    assert result.gone_accounts == () and set(result.accounts) == {ACCOUNT, CAROL}
    with pytest.raises(WrongKey):
        accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
    restored = accounts.unlock(store.path, ACCOUNT, new_passphrase)
    try:
        assert {a.name for a in accounts.list_accounts(restored)} == {ACCOUNT, CAROL}
    finally:
        accounts.lock(restored)
    accounts.lock(accounts.unlock(store.path, CAROL, CAROL_PASSPHRASE))


def test_a_backup_of_another_store_is_refused_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "hier").mkdir()
    (tmp_path / "elders").mkdir()
    here, _ = make_store(tmp_path / "hier")
    accounts.lock(here)
    other, _ = make_store(tmp_path / "elders")
    cases.create_case(other, sample_case("Elders"))
    zip_path = backup.backup(other, tmp_path / "elders.zip")
    other_id = other.key_file.store_id
    accounts.lock(other)
    before = _snapshot(here.path.parent)

    with pytest.raises(OtherStore, match="van een andere opslag") as refused:
        backup.restore(zip_path, here.path, ACCOUNT, PASSPHRASE)
    assert isinstance(refused.value, BadInput) and refused.value.exit_code == 2
    assert other_id[:8] in refused.value.message
    assert here.key_file.store_id[:8] in refused.value.message
    assert _snapshot(here.path.parent) == before
    assert backup.current_store_id(here.path) == here.key_file.store_id

    result = backup.restore(zip_path, here.path, ACCOUNT, PASSPHRASE, other_store=True)
    assert not result.rekeyed and result.previous is not None
    restored = accounts.unlock(here.path, ACCOUNT, PASSPHRASE)
    try:
        assert restored.key_file.store_id == other_id
        assert cases.count_cases(restored) == 1
    finally:
        accounts.lock(restored)


def test_on_a_fresh_machine_the_backup_comes_back_with_its_own_accounts(
    tmp_path: Path, with_bob: tuple[Path, Path, str]
) -> None:
    _path, zip_path, _recovery = with_bob
    target = tmp_path / "nieuw" / "casusoverleg.db"
    target.parent.mkdir()
    result = backup.restore(zip_path, target, ACCOUNT, PASSPHRASE)
    assert not result.rekeyed and result.previous is None
    assert set(result.accounts) == {ACCOUNT, BOB}
    accounts.lock(accounts.unlock(target, BOB, BOB_PASSPHRASE))


def test_a_damaged_key_file_in_place_is_not_guessed_around(
    with_bob: tuple[Path, Path, str],
) -> None:
    path, zip_path, _recovery = with_bob
    KeyFile.path_for(path).write_text(json.dumps({"format": 1}), encoding="utf-8")
    before = _snapshot(path.parent)
    with pytest.raises(Exception, match="wie er nu toegang heeft") as caught:
        backup.restore(zip_path, path, ACCOUNT, PASSPHRASE)
    assert getattr(caught.value, "exit_code", None) == 4
    assert _snapshot(path.parent) == before
