"""A full disk, end to end: check and a backup elsewhere still work, an edit exits 5 in Dutch,
the store stays as it was, and the log lines that waited are written once space returns.

The disk is a small tmpfs mounted in the test (as root), or, where that is impossible, a
file-size limit on the CLI's process (RLIMIT_FSIZE): both variants run where they can, and
the tmpfs one says why when it cannot.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import accounts, audit, backup, cases, pending_log
from casusoverleg.store.engine import connect_raw
from tests.helpers.small_disk import NoSmallDisk, fill, fsize_limit, small_disk
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store, sample_case

SCRIPT = Path(sys.executable).with_name("casusoverleg")
ENGLISH = ("database or disk is full", "No space left", "disk I/O error", "File too large")
CSV = (
    "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;casushouder\n"
    ";Lotte;Bakker;12-03-2014;De Fonkeling;5a;aangemeld;01-09-2026;\n"
)


class FullDisk:
    """A store on a disk that is full for the CLI, and a way to give the space back."""

    def __init__(
        self, store_path: Path, preexec: Callable[[], None] | None, free: Callable[[], None]
    ) -> None:
        self.store_path = store_path
        self.preexec = preexec
        self.free = free

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The CLI on the full disk."""
        return subprocess.run(
            [str(SCRIPT), *args],
            env=cli_env(self.store_path),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=self.preexec,
        )


def _new_store(folder: Path) -> Path:
    store, _ = make_store(folder)
    for first in ("Sanne", "Daan"):
        cases.create_case(store, sample_case(first))
    store.close()
    return store.path


@pytest.fixture(params=["tmpfs", "rlimit"])
def full_disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FullDisk]:
    """The store's disk, full: a tmpfs filled to the last byte, or a file-size limit."""
    if request.param == "tmpfs":
        try:
            with small_disk(tmp_path, size_kib=1024) as disk:
                store_path = _new_store(disk)
                filler = fill(disk)
                yield FullDisk(store_path, None, lambda: filler.unlink())
            return
        except NoSmallDisk as exc:
            pytest.skip(f"geen tmpfs: {exc}; de variant met RLIMIT_FSIZE test hetzelfde")
    # Every file the CLI writes stops at 20 KiB: the -shm (32 KiB) and the probe cannot grow.
    folder = tmp_path / "opslag"
    folder.mkdir()
    store_path = _new_store(folder)
    yield FullDisk(store_path, fsize_limit(20), lambda: None)


def _events(store_path: Path) -> list[audit.AuditEntry]:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        assert audit.verify_chain(store).ok
        return list(reversed(audit.list_events(store)))
    finally:
        accounts.lock(store)


def _assert_dutch(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr
    for english in ENGLISH:
        assert english not in done.stderr + done.stdout


def test_a_full_disk_lets_check_and_backup_work_and_refuses_an_edit(
    full_disk: FullDisk, tmp_path: Path
) -> None:
    store_path = full_disk.store_path
    key_file = accounts._load_key_file(store_path)
    key = key_file.unwrap(ACCOUNT, PASSPHRASE)
    before_bytes = store_path.read_bytes()
    events_before = _count(store_path, key, "audit_event")

    checked = full_disk.run("check")
    assert checked.returncode == 0, checked.stderr
    assert "Opslag in orde" in checked.stdout
    assert pending_log.WAITING_NOTE in checked.stderr
    _assert_dutch(checked)

    backed_up = None
    if full_disk.preexec is None:  # a file-size limit would stop the backup file too
        elsewhere = tmp_path / "elders"
        elsewhere.mkdir()
        backed_up = full_disk.run("backup", str(elsewhere / "kopie.zip"))
        assert backed_up.returncode == 0, backed_up.stderr
        assert pending_log.WAITING_NOTE in backed_up.stderr
        _assert_dutch(backed_up)
        assert backup.read_info(elsewhere / "kopie.zip").store_id == key_file.store_id

    source = tmp_path / "nieuw.csv"
    source.write_text(CSV, encoding="utf-8")
    edit = full_disk.run("import", "cases", str(source))
    assert edit.returncode == 5, edit.stderr
    assert "De schijf is vol" in edit.stderr
    assert "Er is niets half opgeslagen" in edit.stderr
    _assert_dutch(edit)

    # Nothing was written to the store: the file is byte for byte what it was.
    assert store_path.read_bytes() == before_bytes

    full_disk.free()
    events = _events(store_path)
    waited = [e for e in events if "schijfruimte" in e.detail]
    expected = [AuditAction.UNLOCK, AuditAction.LOCK]
    if backed_up is not None:
        expected += [AuditAction.UNLOCK, AuditAction.BACKUP, AuditAction.LOCK]
    expected += [AuditAction.UNLOCK, AuditAction.LOCK]
    assert [e.action for e in waited] == expected
    assert all(e.case_number is None for e in waited)
    # Before them the old log, after them this unlock: nothing lost, nothing twice.
    assert len(events) == events_before + len(expected) + 1
    assert events[-1].action == AuditAction.UNLOCK and "schijfruimte" not in events[-1].detail
    assert _count(store_path, key, "case_file") == 2
    if backed_up is not None:
        store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
        try:
            assert backup.last_backup_time(store) is not None
        finally:
            accounts.lock(store)
    assert not pending_log.take_file(store_path)


def _count(store_path: Path, key: bytes, table: str) -> int:
    conn = connect_raw(store_path, key)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    finally:
        conn.close()
