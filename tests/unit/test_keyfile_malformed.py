"""Every malformed key file gives a Dutch message naming the file and exit 4 (issue 10, item 2).

Before: 15 of 52 malformed key files exited 1 with "onverwachte fout (…)", and an absurd
Argon2 memory cost in a damaged file was handed to the key derivation as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from casusoverleg.errors import CasusoverlegError, DamagedStore
from casusoverleg.services import accounts
from casusoverleg.store.keyslots import KeyFile
from tests.helpers.keyfiles import read_json, slot_of
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store

SCRIPT = Path(sys.executable).with_name("casusoverleg")

Damage = Callable[[dict[str, Any]], Any]


def _own(data: dict[str, Any]) -> dict[str, Any]:
    return slot_of(data, ACCOUNT)


def _set(change: Callable[[dict[str, Any]], None]) -> Damage:
    def damage(data: dict[str, Any]) -> dict[str, Any]:
        change(data)
        return data

    return damage


# Whole-file damage: nobody can unlock; the message names the key file.
WHOLE_FILE: dict[str, bytes | Damage] = {
    "leeg": b"",
    "geen json": b"dit is geen json",
    "afgebroken": b'{"format": 1, "store_id": "',
    "ongeldige utf-8 in de opbouw": b"\xff\xfe{}",
    "een lijst": b"[1, 2, 3]",
    "null": b"null",
    "diep genest": b"[" * 100_000 + b"]" * 100_000,
    "te groot": b" " * 2_000_000 + b"{}",
    "format als tekst": _set(lambda d: d.update(format="1")),
    "format 2": _set(lambda d: d.update(format=2)),
    "format true": _set(lambda d: d.update(format=True)),
    "store_id getal": _set(lambda d: d.update(store_id=12)),
    "store_id geen uuid": _set(lambda d: d.update(store_id="abc")),
    "key_generation tekst": _set(lambda d: d.update(key_generation="1")),
    "key_generation negatief": _set(lambda d: d.update(key_generation=-1)),
    "key_generation enorm": _set(lambda d: d.update(key_generation=10**400)),
    "slots een object": _set(lambda d: d.update(slots={})),
    "slots null": _set(lambda d: d.update(slots=None)),
    "slots ontbreekt": _set(lambda d: d.pop("slots")),
}

# Damage to the unlocking account's own slot: that account is told its key is damaged.
OWN_SLOT: dict[str, Damage] = {
    "account getal": _set(lambda d: d["slots"][0].update(account=7)),
    "kind onbekend": _set(lambda d: _own(d).update(kind="wachtwoord")),
    "kdf geen object": _set(lambda d: _own(d).update(kdf="argon2id")),
    "kdf onbekend": _set(lambda d: _own(d)["kdf"].update(name="scrypt")),
    "geheugen absurd": _set(lambda d: _own(d)["kdf"].update(memory_cost=2**42)),
    "geheugen negatief": _set(lambda d: _own(d)["kdf"].update(memory_cost=-1)),
    "tijd absurd": _set(lambda d: _own(d)["kdf"].update(time_cost=10**9)),
    "tijd als boolean": _set(lambda d: _own(d)["kdf"].update(time_cost=True)),
    "parallel als float": _set(lambda d: _own(d)["kdf"].update(parallelism=1.0)),
    "salt geen base64": _set(lambda d: _own(d).update(salt="***")),
    "salt te kort": _set(lambda d: _own(d).update(salt="AAAA")),
    "salt getal": _set(lambda d: _own(d).update(salt=5)),
    "publieke sleutel 31 bytes": _set(lambda d: _own(d).update(public_key="A" * 40 + "==")),
    "nonce te lang": _set(lambda d: _own(d)["private_key"].update(nonce="A" * 24)),
    "private_key lijst": _set(lambda d: _own(d).update(private_key=[1])),
    "store_key null": _set(lambda d: _own(d).update(store_key=None)),
    "ephemeral te kort": _set(lambda d: _own(d)["store_key"].update(ephemeral_public="AAAA")),
    "ciphertext leeg": _set(lambda d: _own(d)["store_key"].update(ciphertext="")),
    "created getal": _set(lambda d: _own(d).update(created=1)),
    "account ontbreekt": _set(lambda d: _own(d).pop("account") and None),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    """A closed store, its bytes and its key file's bytes (each test works on a copy)."""
    store, _recovery = make_store(tmp_path_factory.mktemp("opslag"))
    accounts.lock(store)
    return store.path, store.path.read_bytes(), KeyFile.path_for(store.path).read_bytes()


@pytest.fixture
def store_path(tmp_path: Path, pristine: tuple[Path, bytes, bytes]) -> Path:
    path = tmp_path / "casusoverleg.db"
    path.write_bytes(pristine[1])
    KeyFile.path_for(path).write_bytes(pristine[2])
    return path


def _damage(path: Path, damage: bytes | Damage) -> None:
    key_path = KeyFile.path_for(path)
    if isinstance(damage, bytes):
        key_path.write_bytes(damage)
    else:
        key_path.write_text(json.dumps(damage(read_json(path))), encoding="utf-8")


@pytest.mark.parametrize("name", sorted(WHOLE_FILE))
def test_a_malformed_key_file_names_the_file(store_path: Path, name: str) -> None:
    _damage(store_path, WHOLE_FILE[name])
    before = store_path.read_bytes()
    with pytest.raises(DamagedStore) as caught:
        accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    assert (
        f"Het sleutelbestand {KeyFile.path_for(store_path)} is beschadigd" in caught.value.message
    )
    assert store_path.read_bytes() == before


@pytest.mark.parametrize("name", sorted(OWN_SLOT))
def test_a_malformed_own_slot_says_the_key_is_damaged(store_path: Path, name: str) -> None:
    _damage(store_path, OWN_SLOT[name])
    before = store_path.read_bytes()
    with pytest.raises(CasusoverlegError) as caught:
        accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    assert caught.value.exit_code in (3, 4)
    if name != "account getal" and name != "account ontbreekt":  # the name itself is gone
        assert isinstance(caught.value, DamagedStore)
        assert str(KeyFile.path_for(store_path)) in caught.value.message
    assert store_path.read_bytes() == before


@pytest.mark.parametrize("damage", [b"{kapot", b"[]", json.dumps({"format": 1}).encode()])
def test_a_malformed_pending_key_file_names_that_file(store_path: Path, damage: bytes) -> None:
    pending = accounts.pending_key_path(store_path)
    pending.write_bytes(damage)
    before = store_path.read_bytes()
    for passphrase in (PASSPHRASE, "niet het goede wachtwoord"):
        with pytest.raises(DamagedStore) as caught:
            accounts.unlock(store_path, ACCOUNT, passphrase)
        assert f"Het sleutelbestand {pending} is beschadigd" in caught.value.message
    assert store_path.read_bytes() == before


def _cli(store_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        env=cli_env(store_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "name", ["ongeldige utf-8 in de opbouw", "diep genest", "format true", "slots null"]
)
def test_the_command_line_exits_4_naming_the_key_file(store_path: Path, name: str) -> None:
    _damage(store_path, WHOLE_FILE[name])
    done = _cli(store_path, "check")
    assert done.returncode == 4, done.stderr
    assert "onverwachte fout" not in done.stderr
    assert f"Het sleutelbestand {KeyFile.path_for(store_path)} is beschadigd" in done.stderr


def test_the_command_line_names_a_damaged_own_slot(store_path: Path) -> None:
    _damage(store_path, OWN_SLOT["geheugen absurd"])
    done = _cli(store_path, "check")
    assert done.returncode == 4, done.stderr
    assert "De sleutel van dit account in het sleutelbestand" in done.stderr
    assert "Traceback" not in done.stderr and os.environ.get("CASUSOVERLEG_DEBUG") is None
