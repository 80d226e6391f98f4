"""`casusoverleg retention` and `accounts add --beheerder` end to end, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from casusoverleg.services import accounts
from casusoverleg.store.engine import connect_raw
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.retention_data import (
    DESTROY_ON,
    GONE_NUMBER,
    GONE_TOO_NUMBER,
    KEPT_NUMBER,
    make_retention_store,
)
from tests.helpers.stores import PASSPHRASE, cli_env

SCRIPT = Path(sys.executable).with_name("casusoverleg")
ON = DESTROY_ON.isoformat()


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the installed command with no terminal (as a script would)."""
    return subprocess.run(
        [str(SCRIPT), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A closed store with two cases past retention on DESTROY_ON and one that is not."""
    made = make_retention_store(tmp_path)
    accounts.lock(made.store)
    return made.store.path


def _key(store_path: Path) -> bytes:
    store = accounts.unlock(store_path, "secretaris", PASSPHRASE)
    try:
        return store.key
    finally:
        accounts.lock(store)


def child_data(store_path: Path, key: bytes) -> list[object]:
    """Every row about children (the log grows with each unlock, so it is left out)."""
    conn = connect_raw(store_path, key)
    try:
        return [
            conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608
            for table in ("case_file", "agenda_item", "minutes_entry", "action_item")
        ]
    finally:
        conn.close()


def test_cli_retention_lists_and_destroys_after_yes(store_path: Path) -> None:
    """retention --json lists; destroy without --yes and without a terminal refuses."""
    env = cli_env(store_path)
    listed = run("retention", "--on", ON, "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["casusnummer"] for r in rows] == [GONE_NUMBER, GONE_TOO_NUMBER]
    assert rows[0] == {
        "casusnummer": GONE_NUMBER,
        "initialen": "Z. H.",
        "bewaren_tot": "2033-03-12",
        "afgesloten": False,
    }
    text = run("retention", "--on", ON, env=env)
    assert text.returncode == 0 and GONE_NUMBER in text.stdout and "Zeynep" not in text.stdout

    key = _key(store_path)
    before = child_data(store_path, key)
    refused = run("retention", "destroy", GONE_NUMBER, "--on", ON, env=env)
    assert refused.returncode == 2
    assert "--yes" in refused.stderr and "niets vernietigd" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert child_data(store_path, key) == before

    done = run("retention", "destroy", GONE_NUMBER, GONE_TOO_NUMBER, "--on", ON, "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert f"2 casussen vernietigd: {GONE_NUMBER}, {GONE_TOO_NUMBER}." in done.stdout
    after = run("retention", "--on", ON, "--json", env=env)
    assert json.loads(after.stdout) == []


def test_cli_retention_destroy_refuses_a_case_not_past_retention(store_path: Path) -> None:
    """All or nothing, exit 2, the message names the case that is kept."""
    env = cli_env(store_path)
    key = _key(store_path)
    before = child_data(store_path, key)
    done = run("retention", "destroy", GONE_NUMBER, KEPT_NUMBER, "--on", ON, "--yes", env=env)
    assert done.returncode == 2
    assert KEPT_NUMBER in done.stderr and "niets vernietigd" in done.stderr
    assert child_data(store_path, key) == before
    bad = run("retention", "--on", "2034-13-01", env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_cli_accounts_roles_and_a_medewerker_cannot_destroy(tmp_path: Path) -> None:
    """accounts add --beheerder; accounts list shows the role; a medewerker is refused."""
    made = make_retention_store(tmp_path)
    accounts.add_account(made.store, "mw", "een ander lang wachtwoord", kdf=FAST_KDF)
    key = made.store.key
    accounts.lock(made.store)
    store_path = made.store.path
    env = cli_env(store_path)
    secret = tmp_path / "wachtwoord.txt"
    secret.write_text("nog een ander lang wachtwoord\n", encoding="utf-8")
    boss = run(
        "accounts", "add", "baas", "--beheerder", "--new-passphrase-file", str(secret), env=env
    )
    assert boss.returncode == 0, boss.stderr
    assert "als beheerder" in boss.stdout
    listed = run("accounts", "list", env=env).stdout.splitlines()
    roles = {line.split("\t")[0]: line.split("\t")[-1] for line in listed}
    assert roles == {"baas": "beheerder", "mw": "lid", "secretaris": "beheerder"}

    before = child_data(store_path, key)
    mw = cli_env(store_path, passphrase="een ander lang wachtwoord", account="mw")
    done = run("retention", "destroy", GONE_NUMBER, "--on", ON, "--yes", env=mw)
    assert done.returncode == 2
    assert "Alleen een beheerder" in done.stderr
    assert child_data(store_path, key) == before
