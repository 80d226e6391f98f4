"""A full disk inside the app: DiskFull (exit 5, Dutch) wherever it surfaces, nothing half
written, and unlock/lock/backup log lines that wait for space instead of failing."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy.exc import OperationalError

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import DiskFull, is_disk_full
from casusoverleg.services import accounts, audit, backup, cases, output, pending_log
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw
from tests.helpers.small_disk import NoSmallDisk, fill, small_disk
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case

ENGLISH = ("database or disk is full", "No space left", "disk I/O error")


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs (root only; the CLI test also covers a file-size limit for non-root)."""
    try:
        with small_disk(tmp_path, size_kib=1024) as mounted:
            yield mounted
    except NoSmallDisk as exc:
        pytest.skip(f"geen tmpfs: {exc}; tests/e2e/test_cli_disk_full.py dekt RLIMIT_FSIZE")


def _count(store_path: Path, key: bytes, table: str) -> int:
    conn = connect_raw(store_path, key)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    finally:
        conn.close()


@pytest.mark.parametrize(
    "exc",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        sqlcipher.OperationalError("database or disk is full"),
        OperationalError("INSERT …", {}, sqlcipher.OperationalError("database or disk is full")),
    ],
)
def test_every_form_of_a_full_disk_is_recognised(exc: Exception) -> None:
    assert is_disk_full(exc)
    try:
        raise RuntimeError("wrapped") from exc
    except RuntimeError as outer:
        assert is_disk_full(outer)


def test_other_errors_are_not_a_full_disk() -> None:
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(sqlcipher.OperationalError("database is locked"))
    assert not is_disk_full(ValueError("database or disk is full"))


def test_an_edit_on_a_disk_that_fills_up_while_open_is_refused_whole(disk: Path) -> None:
    store, _ = make_store(disk)
    cases.create_case(store, sample_case())
    key = store.key
    case_count = _count(store.path, key, "case_file")
    events = _count(store.path, key, "audit_event")
    filler = fill(disk)
    try:
        with pytest.raises(DiskFull) as raised:
            # Large notes: more pages than the WAL can take.
            cases.create_case(store, sample_case("Vol", "Schijf", notes="x" * 200_000))
        assert "De schijf is vol" in raised.value.message
        assert "Er is niets half opgeslagen" in raised.value.message
        assert not any(english in raised.value.message for english in ENGLISH)
        # The lock line waits instead of failing the lock.
        accounts.lock(store)
        assert pending_log.waiting(store)
    finally:
        store.close()
        filler.unlink()
    assert _count(store.path, key, "case_file") == case_count
    assert _count(store.path, key, "audit_event") == events
    again = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
    try:
        report = audit.verify_chain(again)
        assert report.ok, report.message
        latest = audit.list_events(again, limit=3)
        assert [e.action for e in latest] == [
            AuditAction.UNLOCK,
            AuditAction.LOCK,
            AuditAction.CREATE,
        ]
        assert "schijfruimte" in latest[1].detail
    finally:
        accounts.lock(again)
    assert not pending_log.take_file(store.path)


def test_a_file_written_to_a_full_disk_says_so_in_dutch(store: Store, disk: Path) -> None:
    filler = fill(disk)
    try:
        with pytest.raises(DiskFull) as raised:
            output.write_atomically(
                store.path, disk / "lijst.csv", lambda name: Path(name).write_bytes(b"x" * 100_000)
            )
        assert "lijst.csv" in raised.value.message
        with pytest.raises(DiskFull) as backup_full:
            backup.backup(store, disk / "kopie.zip")
        assert "De schijf is vol" in backup_full.value.message
        assert not any(english in backup_full.value.message for english in ENGLISH)
        # No temp file or folder is left on the full disk.
        assert sorted(p.name for p in disk.iterdir()) == ["vulling"]
    finally:
        filler.unlink()
    # The backup that could not be written left no log line (and no waiting one).
    assert not pending_log.waiting(store)
    assert AuditAction.BACKUP not in {e.action for e in audit.list_events(store)}


def test_a_full_waiting_file_counts_the_lines_it_could_not_take(store: Store) -> None:
    line = pending_log.WaitingLine(
        at="2026-12-01T10:00:00+00:00",
        account=ACCOUNT,
        workstation="proef@host",
        action=str(AuditAction.UNLOCK),
        detail="x" * 500,
    )
    for _ in range(40):  # about 600 bytes each: more than 16 KiB
        pending_log.keep(store, line)
    waiting = pending_log.take_file(store.path)
    assert waiting.lines and waiting.lost
    assert pending_log.path_for(store.path).stat().st_size == pending_log.SIZE
    audit.log(store, AuditAction.VIEW, object_type="opslag")
    events = audit.list_events(store)
    assert sum("schijfruimte" in e.detail for e in events) == len(waiting.lines)
    assert any("gingen verloren" in e.detail for e in events)
    assert audit.verify_chain(store).ok
    assert not pending_log.take_file(store.path)
    assert pending_log.path_for(store.path) in {p for p in output.store_files(store.path)}


def test_noted_failed_unlocks_wait_too_and_never_block_the_unlock(disk: Path) -> None:
    store, _ = make_store(disk)
    store.close()
    audit.note_failed_unlock(store.path, ACCOUNT)
    filler = fill(disk)
    try:
        opened = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
        try:
            assert backup.check(opened).ok
        finally:
            accounts.lock(opened)
        assert audit.pending_path(store.path).is_file()
    finally:
        filler.unlink()
    again = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
    try:
        actions = [e.action for e in audit.list_events(again)]
        assert AuditAction.UNLOCK_FAILED in actions
        assert audit.verify_chain(again).ok
    finally:
        accounts.lock(again)
    assert not audit.pending_path(store.path).exists()
