"""Random damage to the key file (issue 10, item 12, the key file half).

Whatever happens to the key file (flipped bits, a cut-off end, values of the wrong type, parts
gone), every call gives a CasusoverlegError with a Dutch message and an exit code of 2, 3 or 4
(never another exception, never "onverwachte fout"), and a call that fails leaves the store file
byte for byte as it was.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import accounts, audit, backoff, backup
from casusoverleg.store.keyslots import FAST_KDF, KeyFile
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, content_hash, make_store

SCRIPT = Path(sys.executable).with_name("casusoverleg")
_ENGLISH = re.compile(r"\b(error|Error|invalid|Traceback|object|expected|not|None)\b")


class Pristine:
    """A closed store with two accounts, its bytes, and a way to put them back."""

    def __init__(self, directory: Path) -> None:
        store, self.recovery = make_store(directory)
        accounts.add_account(store, "bob", "bob zijn eigen wachtwoord", kdf=FAST_KDF)
        accounts.lock(store)
        self.path = store.path
        self.key_path = KeyFile.path_for(store.path)
        self.store_bytes = self.path.read_bytes()
        self.key_bytes = self.key_path.read_bytes()
        self.key_json: dict[str, Any] = json.loads(self.key_bytes)

    def reset(self, key_file: bytes, *, pending: bool = False) -> None:
        """The pristine store with `key_file` as its key file (or as the pending one)."""
        for leftover in (
            accounts.pending_key_path(self.path),
            audit.pending_path(self.path),
            backoff.side_path(self.path),
            self.path.with_name(self.path.name + "-wal"),
            self.path.with_name(self.path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        self.path.write_bytes(self.store_bytes)
        if pending:
            self.key_path.write_bytes(self.key_bytes)
            accounts.pending_key_path(self.path).write_bytes(key_file)
        else:
            self.key_path.write_bytes(key_file)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Pristine:
    return Pristine(tmp_path_factory.mktemp("aanval"))


# -- damage ------------------------------------------------------------------------------------


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree (keys and list indexes), the root's children first."""
    found: list[tuple[Any, ...]] = []
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in children:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


WRONG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([-1, 0, 1, 2, 7, 2**31, 2**64, 10**400]),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(-3, 3), max_size=2),
)


@st.composite
def damaged(draw: st.DrawFn, original: bytes, tree: dict[str, Any]) -> bytes:
    """The key file with one kind of damage."""
    kind = draw(st.sampled_from(["flip", "truncate", "replace", "delete"]))
    if kind == "flip":
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 3))):
            data[draw(st.integers(0, len(data) - 1))] ^= 1 << draw(st.integers(0, 7))
        return bytes(data)
    if kind == "truncate":
        return original[: draw(st.integers(0, len(original) - 1))]
    place = draw(st.sampled_from(_paths(tree)))
    changed: Any = json.loads(json.dumps(tree))
    holder = changed
    for key in place[:-1]:
        holder = holder[key]
    if kind == "replace":
        holder[place[-1]] = draw(WRONG_VALUES)
    else:
        del holder[place[-1]]
    return json.dumps(changed, indent=2).encode("utf-8")


def _unlock(p: Pristine) -> None:
    accounts.lock(accounts.unlock(p.path, ACCOUNT, PASSPHRASE))


def _bob(p: Pristine) -> None:
    accounts.lock(accounts.unlock(p.path, "bob", "bob zijn eigen wachtwoord"))


def _recover(p: Pristine) -> None:
    accounts.lock(accounts.unlock_with_recovery(p.path, p.recovery))


def _check(p: Pristine) -> None:
    backup.check_store(p.path, ACCOUNT, PASSPHRASE)


def _rotate(p: Pristine) -> None:
    store = accounts.unlock(p.path, ACCOUNT, PASSPHRASE)
    try:
        before = content_hash(store.path, store.key)
        try:
            accounts.remove_account(store, "bob")
        except CasusoverlegError:
            # Refused after a good unlock (which logged itself): nothing else changed.
            assert content_hash(store.path, store.key) == before
            raise _Refused from None
    finally:
        accounts.lock(store)


class _Refused(CasusoverlegError):
    """A refusal after a good unlock: the store holds its unlock line, nothing more."""

    exit_code = 4

    def __init__(self) -> None:
        super().__init__("Geweigerd na ontgrendelen.")


CALLS: dict[str, Callable[[Pristine], None]] = {
    "unlock": _unlock,
    "unlock bob": _bob,
    "recovery": _recover,
    "check": _check,
    "rotation": _rotate,
}


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,  # no .hypothesis folder in the checkout (it breaks collection)
)
@given(data=st.data())
def test_random_damage_gives_a_dutch_error_and_leaves_the_store_alone(
    pristine: Pristine, data: st.DataObject
) -> None:
    key_file = data.draw(damaged(pristine.key_bytes, pristine.key_json), label="sleutelbestand")
    pending = data.draw(st.booleans(), label="als tijdelijk sleutelbestand")
    call = data.draw(st.sampled_from(sorted(CALLS)), label="aanroep")
    pristine.reset(key_file, pending=pending)
    try:
        CALLS[call](pristine)
    except _Refused:
        pass
    except CasusoverlegError as exc:
        assert exc.exit_code in (2, 3, 4)
        assert exc.message and not _ENGLISH.search(exc.message), exc.message
        assert pristine.path.read_bytes() == pristine.store_bytes
    # Any other exception fails the test as it is.


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,  # no .hypothesis folder in the checkout (it breaks collection)
)
@given(data=st.data())
def test_random_damage_on_the_command_line_exits_2_3_or_4(
    pristine: Pristine, data: st.DataObject
) -> None:
    key_file = data.draw(damaged(pristine.key_bytes, pristine.key_json), label="sleutelbestand")
    pristine.reset(key_file)
    done = subprocess.run(
        [str(SCRIPT), "check"],
        env=cli_env(pristine.path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 2, 3, 4), done.stderr
    assert "onverwachte fout" not in done.stderr and "Traceback" not in done.stderr
    if done.returncode not in (0, 4):
        assert pristine.path.read_bytes() == pristine.store_bytes
