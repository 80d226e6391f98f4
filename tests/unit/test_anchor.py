"""The anchored log (issue 10, defect 4): an insider with the key and the sqlcipher3 module cuts
the last events and fixes the head, or rewrites events and recomputes the whole chain. The chain
inside the store then checks out; the head kept beside the store and in backups does not."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from casusoverleg.errors import DamagedStore
from casusoverleg.services import accounts, anchor, audit, backup, cases, output
from casusoverleg.store.engine import connect_raw
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case


def _closed_store(tmp_path: Path, events: int = 6) -> tuple[Path, bytes]:
    store, _ = make_store(tmp_path)
    for i in range(events):
        cases.create_case(store, sample_case(f"Kind{i}"))
    key = store.key
    accounts.lock(store)
    return store.path, key


def _cut_the_end(path: Path, key: bytes, rows: int) -> None:
    """The insider's first attack: delete the last rows and make the head match."""
    conn = connect_raw(path, key)
    try:
        (last,) = conn.execute("SELECT max(id) FROM audit_event").fetchone()
        conn.execute("DELETE FROM audit_event WHERE id > ?", (last - rows,))
        new_last, new_hash = conn.execute(
            "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1"
        ).fetchone()
        (count,) = conn.execute("SELECT count(*) FROM audit_event").fetchone()
        conn.execute(
            "UPDATE audit_head SET last_id = ?, last_hash = ?, count = ? WHERE id = 1",
            (new_last, new_hash, count),
        )
    finally:
        conn.close()


def _rewrite(path: Path, key: bytes, row_id: int, detail: str) -> None:
    """The insider's second attack: change a row, then recompute every hash and the head."""
    conn = connect_raw(path, key)
    try:
        columns = ", ".join(audit.CHAIN_FIELDS)
        rows = conn.execute(f"SELECT id, {columns} FROM audit_event ORDER BY id").fetchall()  # noqa: S608
        prev = audit.GENESIS
        conn.execute("BEGIN")
        for row in rows:
            fields = dict(zip(audit.CHAIN_FIELDS, row[1:], strict=True))
            if row[0] == row_id:
                fields["detail"] = detail
            payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            digest = hashlib.sha256((prev + payload).encode("utf-8")).hexdigest()
            conn.execute(
                "UPDATE audit_event SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (fields["detail"], prev, digest, row[0]),
            )
            prev = digest
        conn.execute("UPDATE audit_head SET last_hash = ? WHERE id = 1", (prev,))
        conn.execute("COMMIT")
    finally:
        conn.close()


def _head_file(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(anchor.head_path(path).read_text(encoding="utf-8"))
    return data


def test_every_write_anchors_the_head_beside_the_store(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    try:
        cases.create_case(store, sample_case("Sanne"))
        head_file = anchor.head_path(store.path)
        assert head_file.name == "casusoverleg.db.logkop.json"
        if os.name == "posix":
            assert head_file.stat().st_mode & 0o777 == 0o600
        report = audit.verify_chain(store)
        data = _head_file(store.path)
        assert data["count"] == report.count and data["store_id"] == store.key_file.store_id
        with store.read() as session:
            assert anchor.chain_mismatch(session, anchor.ChainHead.from_json(data)) is None
        # A read changes nothing, so it writes nothing.
        before = head_file.stat().st_mtime_ns
        cases.count_cases(store)
        assert head_file.stat().st_mtime_ns == before
        # The head file is one of the store's own files: nothing may be written onto it.
        assert head_file in output.store_files(store.path)
        assert output.is_store_file(store.path, head_file)
    finally:
        accounts.lock(store)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cutting_the_last_events_and_fixing_the_head_is_reported(tmp_path: Path) -> None:
    path, key = _closed_store(tmp_path)
    _cut_the_end(path, key, rows=3)

    report = backup.check_store(path, ACCOUNT, PASSPHRASE)
    # The chain inside the store checks out: only the anchor finds the cut.
    assert report.audit.ok and report.integrity_ok
    assert not report.ok
    assert len(report.anchor_problems) == 1
    assert "minder dan" in report.anchor_problems[0]
    assert "casusoverleg.db.logkop.json" in report.anchor_problems[0]
    # The unlock and lock of that check wrote to the store, but the anchor stayed put.
    assert not backup.check_store(path, ACCOUNT, PASSPHRASE).ok


def test_rewriting_events_and_recomputing_the_chain_is_reported(tmp_path: Path) -> None:
    path, key = _closed_store(tmp_path)
    _rewrite(path, key, row_id=3, detail="niets gebeurd")

    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        assert audit.verify_chain(store).ok  # the recomputed chain itself is consistent
        report = backup.check(store)
        assert not report.ok
        assert any("opnieuw berekend" in p for p in report.anchor_problems)
        assert any("opnieuw berekend" in line for line in report.lines())
    finally:
        accounts.lock(store)


def test_a_backup_elsewhere_still_exposes_a_cut_when_the_anchor_beside_is_gone(
    tmp_path: Path,
) -> None:
    path, key = _closed_store(tmp_path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    (tmp_path / "usb").mkdir()
    zip_path = backup.backup(store, tmp_path / "usb" / "back-up.zip")
    accounts.lock(store)
    info = backup.read_info(zip_path)
    assert info.log_head is not None and info.log_head.count > 6

    _cut_the_end(path, key, rows=4)
    anchor.head_path(path).unlink()  # the insider removes the anchor beside the store too
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        # What the README says: with every anchor beside the store rewritten, check passes…
        assert backup.check(store).ok
        # …but a backup kept elsewhere still shows it.
        report = backup.check(store, backups=(zip_path,))
        assert not report.ok
        assert "de back-up back-up.zip" in report.anchor_problems[0]
    finally:
        accounts.lock(store)


def test_a_backup_whose_log_was_cut_after_it_was_made_is_not_restored(tmp_path: Path) -> None:
    path, key = _closed_store(tmp_path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    accounts.lock(store)
    # Unpack, cut the log in the copy (its key is the store's key of then), pack it again.
    unpacked = tmp_path / "uit"
    unpacked.mkdir()
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(unpacked)
    _cut_the_end(unpacked / "opslag.db", key, rows=2)
    tampered = tmp_path / "bewerkt.zip"
    with zipfile.ZipFile(tampered, "w") as zf:
        for member in ("opslag.db", "sleutels.json", "info.json"):
            zf.write(unpacked / member, member)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    with pytest.raises(DamagedStore, match="klopt niet met de back-up zelf"):
        backup.restore(tampered, path, ACCOUNT, PASSPHRASE)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert backup.check_store(path, ACCOUNT, PASSPHRASE).ok


def test_a_restore_brings_its_own_anchor_and_keeps_the_old_one_with_the_old_store(
    tmp_path: Path,
) -> None:
    path, _key = _closed_store(tmp_path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    cases.create_case(store, sample_case("Alleen in de oude"))
    accounts.lock(store)
    old_anchor = anchor.head_path(path).read_bytes()

    result = backup.restore(zip_path, path, ACCOUNT, PASSPHRASE)
    assert result.previous is not None
    assert anchor.head_path(result.previous).read_bytes() == old_anchor
    report = backup.check_store(path, ACCOUNT, PASSPHRASE)
    assert report.ok and report.anchors_checked
    assert backup.check_store(result.previous, ACCOUNT, PASSPHRASE).ok


def test_an_unreadable_anchor_is_reported_and_never_replaced(tmp_path: Path) -> None:
    path, _key = _closed_store(tmp_path)
    anchor.head_path(path).write_text("{kapot", encoding="utf-8")
    report = backup.check_store(path, ACCOUNT, PASSPHRASE)
    assert not report.ok
    assert any("onleesbaar" in p for p in report.anchor_problems)
    assert anchor.head_path(path).read_text(encoding="utf-8") == "{kapot"
    # Removing it (after looking into it) is the way back; the next write anchors afresh.
    anchor.head_path(path).unlink()
    assert backup.check_store(path, ACCOUNT, PASSPHRASE).ok
    assert anchor.head_path(path).exists()


def test_an_empty_anchor_after_a_power_cut_counts_as_none(tmp_path: Path) -> None:
    path, _key = _closed_store(tmp_path)
    anchor.head_path(path).write_bytes(b"")
    report = backup.check_store(path, ACCOUNT, PASSPHRASE)
    assert report.ok and report.anchors_checked  # the unlock anchored afresh
    assert _head_file(path)["count"] == report.audit.count + 1  # and the lock after it


def test_an_anchor_left_by_another_store_is_not_held_against_a_new_one(tmp_path: Path) -> None:
    path, _key = _closed_store(tmp_path)
    left_over = anchor.head_path(path).read_bytes()
    for own in (path, *output.store_files(path)[1:]):
        own.unlink(missing_ok=True)
    anchor.head_path(path).write_bytes(left_over)
    store, _ = make_store(tmp_path)
    accounts.lock(store)
    assert backup.check_store(path, ACCOUNT, PASSPHRASE).ok
