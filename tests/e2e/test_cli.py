"""The command line end to end, in a subprocess, as a script would use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casusoverleg.services import accounts, cases, people
from casusoverleg.store.keyslots import KeyFile
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, content_hash, make_store, sample_case

SCRIPT = Path(sys.executable).with_name("casusoverleg")


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `casusoverleg` command with no terminal (as a script would)."""
    return subprocess.run(
        [str(SCRIPT), *args],
        env=env if env is not None else dict(os.environ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A closed test store with three cases."""
    store, _ = make_store(tmp_path)
    for first in ("Sanne", "Daan", "Noor"):
        cases.create_case(store, sample_case(first))
    store.close()
    return store.path


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir()}


def test_init_prints_the_recovery_key_once_and_refuses_an_existing_store(tmp_path: Path) -> None:
    path = tmp_path / "nieuw.db"
    env = cli_env(path, passphrase="een lang genoeg wachtwoord")
    env["CASUSOVERLEG_NEW_PASSPHRASE"] = "een lang genoeg wachtwoord"
    done = run("init", env=env)
    assert done.returncode == 0, done.stderr
    assert "HERSTELSLEUTEL" in done.stdout
    assert path.is_file() and KeyFile.path_for(path).is_file()
    assert oct(KeyFile.path_for(path).stat().st_mode & 0o777) == "0o600"
    again = run("init", env=env)
    assert again.returncode == 2
    assert "bestaat al" in again.stderr or "Er staat al" in again.stderr
    assert run("check", env=env).returncode == 0


@pytest.mark.parametrize("passphrase", ["", "te kort 11x"])
def test_init_refuses_an_empty_or_short_passphrase(tmp_path: Path, passphrase: str) -> None:
    env = cli_env(tmp_path / "s.db")
    env["CASUSOVERLEG_NEW_PASSPHRASE"] = passphrase
    done = run("init", env=env)
    assert done.returncode == 2
    assert "minstens 12 tekens" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_wrong_passphrase_exits_3_and_leaves_the_store_untouched(store_path: Path) -> None:
    before = _snapshot(store_path.parent)
    done = run("check", env=cli_env(store_path, passphrase="dit is niet het wachtwoord"))
    assert done.returncode == 3
    assert "onjuist wachtwoord" in done.stderr
    assert "Traceback" not in done.stderr
    after = _snapshot(store_path.parent)
    # Only the note of the failed attempt (for the audit log) and its count for the back-off
    # (a side file, and a "vertraging" map in the key file outside its slots) may change.
    key_name = KeyFile.path_for(store_path).name
    noted = (".mislukt.jsonl", ".vertraging.json", key_name)
    assert {k: v for k, v in after.items() if not k.endswith(noted)} == {
        k: v for k, v in before.items() if k != key_name
    }
    keys_after = json.loads(after[key_name][0])
    assert "vertraging" in keys_after
    del keys_after["vertraging"]
    assert keys_after == json.loads(before[key_name][0])
    assert not any(name.endswith(("-wal", "-journal")) for name in after)


@pytest.mark.parametrize("command", [["check"], ["backup", "b.zip"], ["export", "cases", "x.csv"]])
def test_a_missing_store_is_never_created(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typfout" / "opslag.db"
    done = run(*command, env=cli_env(missing), cwd=tmp_path)
    assert done.returncode == 2
    assert "Geen opslag gevonden" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_passwd_replaces_the_passphrase(store_path: Path) -> None:
    env = cli_env(store_path)
    env["CASUSOVERLEG_NEW_PASSPHRASE"] = "een heel nieuw wachtwoord"
    assert run("passwd", env=env).returncode == 0
    assert run("check", env=cli_env(store_path)).returncode == 3
    ok = run("check", env=cli_env(store_path, passphrase="een heel nieuw wachtwoord"))
    assert ok.returncode == 0, ok.stderr


def test_passwd_with_the_recovery_key(tmp_path: Path) -> None:
    store, recovery = make_store(tmp_path)
    store.close()
    env = cli_env(store.path, passphrase="vergeten")
    env["CASUSOVERLEG_RECOVERY_KEY"] = recovery.lower().replace("-", " ")
    env["CASUSOVERLEG_NEW_PASSPHRASE"] = "weer een goed wachtwoord"
    done = run("passwd", "--recovery", env=env)
    assert done.returncode == 0, done.stderr
    assert run("check", env=cli_env(store.path, "weer een goed wachtwoord")).returncode == 0


def test_accounts_add_list_and_remove_with_rotation(store_path: Path, tmp_path: Path) -> None:
    env = cli_env(store_path)
    env["CASUSOVERLEG_NEW_PASSPHRASE"] = "wachtwoord van bert 123"
    assert run("accounts", "add", "bert", env=env).returncode == 0
    listed = run("accounts", "list", env=cli_env(store_path))
    assert "bert" in listed.stdout and ACCOUNT in listed.stdout
    old_keys = KeyFile.load(KeyFile.path_for(store_path))
    removed = run("accounts", "remove", "bert", env=cli_env(store_path))
    assert removed.returncode == 0, removed.stderr
    assert run("check", env=cli_env(store_path, "wachtwoord van bert 123", "bert")).returncode == 3
    # Bert's copy of his old slot yields the old key, which no longer opens the store.
    old_key = old_keys.unwrap("bert", "wachtwoord van bert 123")
    from casusoverleg.store.engine import make_engine

    with pytest.raises(Exception, match="sleutel"):
        make_engine(store_path, old_key)
    assert run("check", env=cli_env(store_path)).returncode == 0


def test_a_flipped_byte_makes_check_exit_4(store_path: Path) -> None:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    cases.create_cases(store, [sample_case(f"Kind{i}", school="x" * 150) for i in range(200)])
    store.close()
    data = bytearray(store_path.read_bytes())
    offset = 4096 * 3 + 200
    assert len(data) > offset + 4096
    data[offset] ^= 0xFF
    store_path.write_bytes(bytes(data))
    done = run("check", env=cli_env(store_path))
    assert done.returncode == 4
    assert "beschadigd" in done.stderr
    assert "Traceback" not in done.stderr
    # The app refuses to write: nothing was changed by the attempt.
    assert store_path.read_bytes() == bytes(data)


def test_a_reader_that_stops_early_gets_no_error(store_path: Path) -> None:
    # `casusoverleg check | head -1`: the reader closes the pipe before the output is written.
    proc = subprocess.Popen(
        [str(SCRIPT), "check"],
        env=cli_env(store_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read().decode("utf-8")
    assert proc.wait(120) == 0
    assert err == ""


def test_import_with_one_bad_row_imports_nothing(store_path: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "aanmeldingen.csv"
    csv_file.write_text(
        "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;"
        "casushouder\n"
        "2026-0101;Fenna;Bakker;03-04-2015;De Kleine Wereld;5 onder a;aangemeld;01-09-2026;\n"
        "2026-0102;Ravi;Smit;31-02-2014;Het Stadsmus;thuiszitter;aangemeld;01-09-2026;\n"
        "2026-0103;Liv;Mulder;2013-11-30;De Toermalijn;5b;in behandeling;02-09-2026;\n",
        encoding="utf-8-sig",
    )
    done = run("import", "cases", str(csv_file), env=cli_env(store_path))
    assert done.returncode == 2
    assert "regel 3" in done.stderr and "geboortedatum" in done.stderr
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        assert cases.count_cases(store) == 3
    finally:
        store.close()


def test_export_then_import_into_an_empty_store(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.xlsx"
    done = run("export", "cases", str(out), env=cli_env(store_path))
    assert done.returncode == 0, done.stderr
    other, _ = make_store(tmp_path, "leeg.db")
    other.close()
    imported = run("import", "cases", str(out), env=cli_env(other.path))
    assert imported.returncode == 0, imported.stderr
    assert "3 casussen" in imported.stdout


def test_import_leaves_unknown_casushouders_empty_and_says_so(
    store_path: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "aanmeldingen.csv"
    csv_file.write_text(
        "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;"
        "casushouder\n"
        "2026-0101;Fenna;Bakker;03-04-2015;;5 onder a;aangemeld;01-09-2026;swt\n"
        "2026-0102;Ravi;Smit;01-02-2014;;thuiszitter;aangemeld;01-09-2026;SWT\n"
        "2026-0103;Liv;Mulder;2013-11-30;;5b;aangemeld;02-09-2026;leerplicht\n",
        encoding="utf-8",
    )
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    before = len(people.list_participants(store, include_archived=True))
    accounts.lock(store)
    done = run("import", "cases", str(csv_file), env=cli_env(store_path))
    assert done.returncode == 0, done.stderr
    assert "3 casussen geïmporteerd." in done.stdout
    assert "onbekende casushouder 'swt' bij 2 casussen: leeg gelaten" in done.stdout
    assert "onbekende casushouder 'leerplicht' bij 1 casus: leeg gelaten" in done.stdout
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        assert len(people.list_participants(store, include_archived=True)) == before
        owners = {r.case_number: r.owner_id for r in cases.list_cases(store, log_search=False)}
        assert owners["2026-0101"] is None and owners["2026-0103"] is None
    finally:
        store.close()


def test_backup_and_restore_give_the_same_rows(store_path: Path, tmp_path: Path) -> None:
    env = cli_env(store_path)
    assert run("backup", str(tmp_path / "backup.zip"), env=env).returncode == 0
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    key = store.key
    accounts.lock(store)
    before = content_hash(store_path, key)
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    cases.create_case(store, sample_case("Na de back-up"))
    accounts.lock(store)
    restored = run("restore", str(tmp_path / "backup.zip"), env=env)
    assert restored.returncode == 0, restored.stderr
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    names = {r.first_name for r in cases.list_cases(store, log_search=False)}
    store.close()
    assert "Na de back-up" not in names
    # The restore itself adds unlock/restore log lines; compare the cases table's content.
    assert names == {"Sanne", "Daan", "Noor"}
    assert before


def test_demo_then_check(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    made = run("demo", "--cases", "25", env=cli_env(path, "demo", "demo"))
    assert made.returncode == 0, made.stderr
    checked = run("check", env=cli_env(path, "demo", "demo"))
    assert checked.returncode == 0, checked.stderr
    assert "in orde" in checked.stdout


def test_no_module_of_the_core_loads_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, casusoverleg\n"
        "for m in pkgutil.walk_packages(casusoverleg.__path__, 'casusoverleg.'):\n"
        "    if m.name != 'casusoverleg.__main__' and '.migrations' not in m.name:\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'ui'))\n"
        "print(len(list(pkgutil.walk_packages(casusoverleg.__path__))), bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_cli_entry_does_not_load_qt(store_path: Path) -> None:
    code = (
        "import sys\n"
        "from ui.main import main\n"
        "rc = main(['check'])\n"
        "sys.exit(3 if 'PySide6' in sys.modules else rc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=cli_env(store_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_lid_cannot_add_or_remove_accounts_on_the_command_line(store_path: Path) -> None:
    """The CLI `accounts add/remove` respect the roles: a lid gets the Dutch refusal."""
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    accounts.add_account(store, "lid1", "een lang wachtwoord voor het lid")
    accounts.lock(store)
    lid = cli_env(store_path, passphrase="een lang wachtwoord voor het lid", account="lid1")
    listed = run("accounts", "list", env=lid)
    assert listed.returncode == 0, listed.stderr
    roles = {line.split("\t")[0]: line.split("\t")[-1] for line in listed.stdout.splitlines()}
    assert roles == {ACCOUNT: "beheerder", "lid1": "lid"}
    lid["CASUSOVERLEG_NEW_PASSPHRASE"] = "nog een lang wachtwoord"
    added = run("accounts", "add", "bert", env=lid)
    assert added.returncode != 0
    assert "Alleen een beheerder mag accounts toevoegen" in added.stderr
    removed = run("accounts", "remove", ACCOUNT, env=lid)
    assert removed.returncode != 0
    assert "Alleen een beheerder mag accounts verwijderen" in removed.stderr
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        assert {a.name for a in accounts.list_accounts(store)} == {ACCOUNT, "lid1"}
    finally:
        accounts.lock(store)


def test_a_one_time_passphrase_opens_only_passwd_on_the_command_line(store_path: Path) -> None:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    code = accounts.new_one_time_code()
    accounts.add_account(store, "nieuw", code, one_time=True)
    accounts.lock(store)
    env = cli_env(store_path, passphrase=code, account="nieuw")
    refused = run("cases", env=env)
    assert refused.returncode != 0
    assert "eenmalig wachtwoord" in refused.stderr and "casusoverleg passwd" in refused.stderr
    env["CASUSOVERLEG_NEW_PASSPHRASE"] = "mijn eigen lange wachtwoord"
    changed = run("passwd", env=env)
    assert changed.returncode == 0, changed.stderr
    mine = cli_env(store_path, passphrase="mijn eigen lange wachtwoord", account="nieuw")
    assert run("cases", env=mine).returncode == 0
