"""One holder at a time, for real: the lock rests on the store file, not on the `.lock` note.

Process A (a subprocess) holds the store; the note beside it is deleted; B (the CLI in another
process) must still be refused with exit 3, and A's later write must land in the active store.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casusoverleg.errors import StoreInUse
from casusoverleg.services import accounts, backup, cases
from casusoverleg.store.lock import StoreLock
from tests.e2e.test_cli import run
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store, sample_case

SCRIPT = Path(sys.executable).with_name("casusoverleg")
CHILD = Path(__file__).parents[1] / "helpers" / "holder_child.py"
PROBE = """
import sys
from pathlib import Path
from casusoverleg.errors import StoreInUse
from casusoverleg.store.lock import StoreLock
lock = StoreLock(Path(sys.argv[1]))
try:
    lock.acquire("proef")
except StoreInUse:
    sys.exit(3)
lock.release()
"""


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A closed store with one case."""
    store, _ = make_store(tmp_path)
    cases.create_case(store, sample_case())
    store.close()
    return store.path


@pytest.fixture
def holder(store_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Process A: the store unlocked in another process, waiting for a line to write a case."""
    repo = Path(__file__).parents[2]
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(store_path), ACCOUNT, PASSPHRASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    assert proc.stdout is not None
    # The child says "open" once it holds the store: a signal, not a sleep.
    assert proc.stdout.readline().strip() == "open", proc.stderr.read() if proc.stderr else ""
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


def _write_and_close(proc: subprocess.Popen[str]) -> str:
    """Tell A to write its case; returns the casusnummer A reports."""
    out, err = proc.communicate("schrijf\n", timeout=60)
    assert proc.returncode == 0, err
    return out.strip()


def _case_numbers(store_path: Path) -> set[str]:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        return {c.case_number for c in cases.list_cases(store)}
    finally:
        accounts.lock(store)


def test_deleting_the_note_lets_no_second_process_in(
    store_path: Path, tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    note = StoreLock(store_path).path
    assert note.is_file()
    note.unlink()
    env = cli_env(store_path)
    csv = tmp_path / "nieuw.csv"
    csv.write_text(
        "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;"
        "casushouder\n;Lotte;Bakker;12-03-2014;De Fonkeling;5a;aangemeld;01-09-2026;\n",
        encoding="utf-8",
    )
    refused = {
        "check": run("check", env=env),  # a second unlock
        "import": run("import", "cases", str(csv), env=env),
    }
    for name, done in refused.items():
        assert done.returncode == 3, (name, done.stderr)
        assert "in gebruik" in done.stderr, name
        assert "Traceback" not in done.stderr
    number = _write_and_close(holder)
    assert number in _case_numbers(store_path)


def test_restore_is_refused_while_another_process_holds_the_store(
    store_path: Path, tmp_path: Path
) -> None:
    # A backup to restore, made before A opened the store (A's case is not in it).
    zipped = tmp_path / "kopie.zip"
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        backup.backup(store, zipped)
    finally:
        accounts.lock(store)
    repo = Path(__file__).parents[2]
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(store_path), ACCOUNT, PASSPHRASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "open"
        StoreLock(store_path).path.unlink()
        done = run("restore", str(zipped), env=cli_env(store_path))
        assert done.returncode == 3, done.stderr
        assert "in gebruik" in done.stderr
        # Nothing was moved aside: the store A has open is still the active one.
        assert not [p for p in tmp_path.iterdir() if "voor-terugzetten" in p.name]
        number = _write_and_close(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert number in _case_numbers(store_path)


def test_the_lock_survives_sqlite_closing_its_own_connections(store_path: Path) -> None:
    # A classic POSIX lock would be dropped when SQLite closes any descriptor of the store
    # (a check's fresh connection, a disposed pool); the holder byte must stay locked.
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        assert backup.check(store).ok
        store.engine.dispose()
        StoreLock(store_path).path.unlink()
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, str(store_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert probe.returncode == 3, probe.stderr
        # In this process too: a second holder is refused, also without the note.
        with pytest.raises(StoreInUse):
            StoreLock(store_path).acquire("tweede")
        cases.create_case(store, sample_case("Na", "Controle"))
    finally:
        accounts.lock(store)
    # Released: the next holder gets in and the note is gone again.
    again = StoreLock(store_path)
    again.acquire(ACCOUNT)
    again.release()
    assert not StoreLock(store_path).path.exists()


def test_the_note_still_names_the_holder(store_path: Path) -> None:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        with pytest.raises(StoreInUse, match=f"door account {ACCOUNT} op "):
            StoreLock(store_path).acquire("tweede")
    finally:
        accounts.lock(store)
