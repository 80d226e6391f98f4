"""The key file checked against its copy inside the store (issue 10, item 2).

Before: a flipped bit in the recovery slot left `check` at "Opslag in orde" while the recovery
key no longer opened the store, and a flipped byte in an account's public key passed `check`
and locked that account out at the next key rotation.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from alembic import command

from casusoverleg.errors import DamagedStore, WrongKey
from casusoverleg.services import accounts, audit, backup, keycheck
from casusoverleg.services.store import Store
from casusoverleg.store.engine import make_engine
from casusoverleg.store.keyslots import FAST_KDF, RECOVERY_ACCOUNT, KeyFile, new_store_key
from casusoverleg.store.migrate import alembic_config
from tests.helpers.keyfiles import flip_slot_bit, read_json, slot_of, write_json
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

BOB, BOB_PASSPHRASE = "bob", "bob zijn eigen wachtwoord"
CAROL, CAROL_PASSPHRASE = "carol", "carol haar eigen wachtwoord"


@pytest.fixture
def closed_store(tmp_path: Path) -> tuple[Path, str]:
    """A closed store with three accounts (secretaris, bob, carol); its path and recovery key."""
    store, recovery = make_store(tmp_path)
    accounts.add_account(store, BOB, BOB_PASSPHRASE, kdf=FAST_KDF)
    accounts.add_account(store, CAROL, CAROL_PASSPHRASE, kdf=FAST_KDF)
    accounts.lock(store)
    return store.path, recovery


def _check(path: Path) -> backup.CheckReport:
    return backup.check_store(path, ACCOUNT, PASSPHRASE)


def _repair_lines(store: Store) -> list[str]:
    return [e.detail for e in audit.list_events(store) if e.object_type == "sleutelbestand"]


@pytest.mark.parametrize(
    "field",
    [
        ("salt",),
        ("store_key", "nonce"),
        ("store_key", "ciphertext"),
        ("store_key", "ephemeral_public"),
        ("private_key", "nonce"),
        ("private_key", "ciphertext"),
        ("public_key",),
    ],
)
def test_a_flipped_bit_in_the_recovery_slot_is_found_and_repaired_by_check(
    closed_store: tuple[Path, str], field: tuple[str, ...]
) -> None:
    path, recovery = closed_store
    before = slot_of(read_json(path), RECOVERY_ACCOUNT)
    flip_slot_bit(path, RECOVERY_ACCOUNT, field, bit=13)

    report = _check(path)

    assert "Sleutelbestand hersteld: slot herstelsleutel." in report.lines()
    assert report.ok
    assert slot_of(read_json(path), RECOVERY_ACCOUNT) == before
    store = accounts.unlock_with_recovery(path, recovery)
    try:
        assert _repair_lines(store) == ["sleutelbestand hersteld: slot herstelsleutel"]
    finally:
        accounts.lock(store)
    assert _check(path).lines()[1].startswith("Sleutelbestand in orde (4 sleutel(s)")


def test_a_backup_carries_the_repaired_key_file_not_the_damaged_one(
    closed_store: tuple[Path, str], tmp_path: Path
) -> None:
    # Before: a backup copied the key file as it was read at unlock, damage and all.
    path, recovery = closed_store
    before = slot_of(read_json(path), RECOVERY_ACCOUNT)
    flip_slot_bit(path, RECOVERY_ACCOUNT, ("salt",), bit=5)

    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        dest = backup.backup(store, tmp_path / "back-up.zip")
    finally:
        accounts.lock(store)

    with zipfile.ZipFile(dest) as zf:
        in_backup = json.loads(zf.read(backup.BACKUP_KEYS))
    assert slot_of(in_backup, RECOVERY_ACCOUNT) == before
    assert slot_of(read_json(path), RECOVERY_ACCOUNT) == before
    # The recovery key opens the store again.
    accounts.lock(accounts.unlock_with_recovery(path, recovery))


def test_a_flipped_byte_in_a_public_key_never_locks_that_account_out_at_rotation(
    closed_store: tuple[Path, str],
) -> None:
    path, _recovery = closed_store
    flip_slot_bit(path, BOB, ("public_key",), bit=77)
    damaged = KeyFile.path_for(path).read_bytes()

    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        with pytest.raises(DamagedStore, match="wijkt af van de kopie in de opslag \\(bob\\)"):
            accounts.remove_account(store, CAROL)
        assert KeyFile.path_for(path).read_bytes() == damaged  # nothing changed
        assert not accounts.pending_key_path(path).exists()
        assert [a.name for a in accounts.list_accounts(store)] == [BOB, CAROL, ACCOUNT]
    finally:
        accounts.lock(store)

    report = _check(path)
    assert "Sleutelbestand hersteld: slot bob." in report.lines()
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        accounts.remove_account(store, CAROL)
    finally:
        accounts.lock(store)
    accounts.lock(accounts.unlock(path, BOB, BOB_PASSPHRASE))  # bob still gets in
    with pytest.raises(WrongKey):
        accounts.unlock(path, CAROL, CAROL_PASSPHRASE)
    assert _check(path).ok


def test_a_slot_damaged_beyond_parsing_is_replaced_from_the_copy(
    closed_store: tuple[Path, str],
) -> None:
    path, recovery = closed_store
    before = read_json(path)
    data = read_json(path)
    slot = slot_of(data, RECOVERY_ACCOUNT)
    slot["account"] = "herstelsleutem"  # a flipped bit in the name
    slot["kdf"]["memory_cost"] = 2**40  # and one that would make Argon2 eat the machine
    write_json(path, data)
    with pytest.raises(WrongKey):
        accounts.unlock_with_recovery(path, recovery)

    report = _check(path)

    assert "Sleutelbestand hersteld: slot herstelsleutel." in report.lines()
    assert read_json(path)["slots"] == before["slots"]
    accounts.lock(accounts.unlock_with_recovery(path, recovery))


def test_an_own_damaged_slot_says_so_and_another_account_repairs_it(
    closed_store: tuple[Path, str],
) -> None:
    path, _recovery = closed_store
    data = read_json(path)
    slot_of(data, BOB)["salt"] = "!!" + slot_of(data, BOB)["salt"][2:]
    write_json(path, data)
    with pytest.raises(DamagedStore, match="De sleutel van dit account in het sleutelbestand"):
        accounts.unlock(path, BOB, BOB_PASSPHRASE)
    assert "Sleutelbestand hersteld: slot bob." in _check(path).lines()
    accounts.lock(accounts.unlock(path, BOB, BOB_PASSPHRASE))


def test_a_slot_that_is_not_in_the_copy_is_reported_and_kept(
    closed_store: tuple[Path, str],
) -> None:
    path, _recovery = closed_store
    # A slot someone added beside the app: it opens a key, but not one the copy vouches for.
    forged = KeyFile.load(KeyFile.path_for(path))
    forged.add_slot("mallory", "mallory haar wachtwoord", new_store_key(), FAST_KDF)
    data = read_json(path)
    data["slots"].append(forged.to_json()["slots"][-1])
    write_json(path, data)

    report = _check(path)

    assert not report.ok
    assert (
        "Sleutelbestand: de sleutel van 'mallory' staat niet in de kopie in de opslag en kan "
        "niet worden gecontroleerd." in report.lines()
    )
    assert "mallory" in [s["account"] for s in read_json(path)["slots"]]


def test_a_key_file_lost_after_unlocking_is_rebuilt_from_the_copy(
    closed_store: tuple[Path, str],
) -> None:
    path, recovery = closed_store
    before = read_json(path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        KeyFile.path_for(path).write_bytes(b"\x00" * 100)
        report = backup.check(store)
    finally:
        accounts.lock(store)
    assert report.ok
    assert read_json(path)["slots"] == before["slots"]
    accounts.lock(accounts.unlock_with_recovery(path, recovery))


def test_the_copy_follows_every_slot_change(tmp_path: Path) -> None:
    store, recovery = make_store(tmp_path)
    path = store.path

    def clean(store: Store) -> None:
        report = keycheck.verify_and_repair(store)
        assert (report.repaired, report.unverified) == ((), ())
        assert report.checked == len(KeyFile.load(store.key_path).slots)

    try:
        clean(store)
        accounts.add_account(store, BOB, BOB_PASSPHRASE, kdf=FAST_KDF)
        accounts.add_account(store, CAROL, CAROL_PASSPHRASE, kdf=FAST_KDF)
        clean(store)
        accounts.change_passphrase(store, BOB, BOB_PASSPHRASE, "bob zijn nieuwe wachtwoord")
        clean(store)
        accounts.remove_account(store, CAROL, rotate=False)
        clean(store)
        accounts.remove_account(store, BOB)  # with a new store key
        clean(store)
    finally:
        accounts.lock(store)
    store = accounts.unlock_with_recovery(path, recovery)
    try:
        accounts.change_passphrase(store, ACCOUNT, "", "een nieuw wachtwoord voor mij")
        clean(store)
    finally:
        accounts.lock(store)


def test_a_rotation_cut_off_before_the_rekey_keeps_a_copy_that_fits(
    closed_store: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _recovery = closed_store
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)

    def killed(_store: Store, _key: bytes) -> None:
        raise KeyboardInterrupt  # the process dies between the new key file and the rekey

    monkeypatch.setattr(accounts, "_reencrypt", killed)
    with pytest.raises(KeyboardInterrupt):
        accounts.remove_account(store, CAROL)
    store.close()
    monkeypatch.undo()
    assert accounts.pending_key_path(path).exists()

    report = _check(path)  # the unlock finishes the rotation first

    assert report.ok, report.lines()
    assert report.key_file is not None and report.key_file.repaired == ()
    with pytest.raises(WrongKey):
        accounts.unlock(path, CAROL, CAROL_PASSPHRASE)
    accounts.lock(accounts.unlock(path, BOB, BOB_PASSPHRASE))


def test_a_store_from_before_the_copy_gets_one_at_its_first_unlock(tmp_path: Path) -> None:
    store, _recovery = make_store(tmp_path)
    path, key = store.path, store.key
    accounts.lock(store)
    engine = make_engine(path, key)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003")
    finally:
        engine.dispose()

    report = _check(path)  # upgrades to 0004, fills the copy, then compares

    assert report.ok and report.schema_revision == report.expected_revision
    assert report.key_file is not None and report.key_file.checked == 2
    flip_slot_bit(path, RECOVERY_ACCOUNT, ("salt",))
    assert "Sleutelbestand hersteld: slot herstelsleutel." in _check(path).lines()


def test_check_on_the_command_line_repairs_and_reports(
    closed_store: tuple[Path, str],
) -> None:
    path, _recovery = closed_store
    flip_slot_bit(path, RECOVERY_ACCOUNT, ("store_key", "ciphertext"))
    report = _check(path)
    assert report.ok
    assert json.dumps(read_json(path)).count("herstelsleutel") == 1


def test_a_repair_that_cannot_be_written_is_reported_not_raised(
    closed_store: tuple[Path, str],
) -> None:
    path, _recovery = closed_store
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        KeyFile.path_for(path).unlink()
        KeyFile.path_for(path).mkdir()  # the file cannot be written back in its place
        report = backup.check(store)
    finally:
        accounts.lock(store)
        KeyFile.path_for(path).rmdir()
    assert not report.ok
    assert (
        "Sleutelbestand: slot secretaris is beschadigd en kan nu niet worden hersteld "
        "(dat is een map)." in report.lines()
    )
    assert not any(e.startswith("Sleutelbestand hersteld") for e in report.lines())
