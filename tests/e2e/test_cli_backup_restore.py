"""`restore` and `check` in a subprocess (issue 10, defects 3 and 4): a removed account stays
removed and the command says so, another store's backup needs --other-store, and a cut log is
exit 4 with a Dutch reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusoverleg.errors import WrongKey
from casusoverleg.services import accounts, backup, cases
from casusoverleg.store.engine import connect_raw
from casusoverleg.store.keyslots import FAST_KDF
from tests.e2e.test_cli import run
from tests.helpers.stores import ACCOUNT, cli_env, make_store, sample_case

BOB = "bob"
BOB_PASSPHRASE = "bob zijn eigen lange zin"


def test_restore_says_who_lost_access_and_bob_stays_out(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    accounts.add_account(store, BOB, BOB_PASSPHRASE, kdf=FAST_KDF)
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    accounts.remove_account(store, BOB)
    accounts.lock(store)

    refused = run("restore", str(zip_path), env=cli_env(store.path, BOB_PASSPHRASE, BOB))
    assert refused.returncode == 3, refused.stderr
    assert "verwijderd nadat de back-up werd gemaakt" in refused.stderr
    done = run("restore", str(zip_path), env=cli_env(store.path))
    assert done.returncode == 0, done.stderr
    assert "Geen toegang meer (verwijderd nadat de back-up werd gemaakt): bob." in done.stdout
    assert f"de accounts van nu: {ACCOUNT}." in done.stdout
    with pytest.raises(WrongKey):
        accounts.unlock(store.path, BOB, BOB_PASSPHRASE)
    checked = run("check", env=cli_env(store.path))
    assert checked.returncode == 0, checked.stderr
    assert "Logboek klopt met het ankerbestand" in checked.stdout


def test_another_stores_backup_needs_other_store(tmp_path: Path) -> None:
    (tmp_path / "elders").mkdir()
    other, _ = make_store(tmp_path / "elders")
    zip_path = backup.backup(other, tmp_path / "elders.zip")
    accounts.lock(other)
    store, _ = make_store(tmp_path)
    accounts.lock(store)
    env = cli_env(store.path)

    refused = run("restore", str(zip_path), env=env)
    assert refused.returncode == 2
    assert "andere opslag" in refused.stderr and "--other-store" in refused.stderr
    assert "Traceback" not in refused.stderr
    done = run("restore", str(zip_path), "--other-store", env=env)
    assert done.returncode == 0, done.stderr
    assert "Toegang hebben de accounts uit de back-up" in done.stdout


def test_check_finds_a_cut_log_with_exit_4(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    cases.create_cases(store, [sample_case(f"Kind{i}") for i in range(3)])
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    key = store.key
    accounts.lock(store)
    conn = connect_raw(store.path, key)
    try:
        conn.execute("DELETE FROM audit_event WHERE id > 3")
        last, digest = conn.execute("SELECT id, hash FROM audit_event WHERE id = 3").fetchone()
        conn.execute(
            "UPDATE audit_head SET last_id = ?, last_hash = ?, count = 3 WHERE id = 1",
            (last, digest),
        )
    finally:
        conn.close()

    checked = run("check", "--backup", str(zip_path), env=cli_env(store.path))
    assert checked.returncode == 4, checked.stderr
    assert "Logboek klopt niet met het ankerbestand" in checked.stdout
    assert "Logboek klopt niet met de back-up back-up.zip" in checked.stdout
    assert "Traceback" not in checked.stderr
