"""Security of the store on disk: encryption, keys, lock, damage, backup and the audit chain.

Every test works on real encrypted stores in tmp_path (cheap Argon2id parameters); no mocks.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput, DamagedStore, StoreInUse, StoreNotFound, WrongKey
from casusoverleg.services import accounts, audit, backup, cases
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw, make_engine
from casusoverleg.store.keyslots import FAST_KDF, RECOVERY_ACCOUNT, KeyFile, new_store_key
from casusoverleg.store.lock import StoreLock
from tests.helpers.stores import ACCOUNT, PASSPHRASE, content_hash, make_store, sample_case

FIRST = "Xylofoonia"
LAST = "Zwartewaterland"
SECOND = "tweede"
SECOND_PASSPHRASE = "een tweede lang wachtwoord"
SQLITE_MAGIC = b"SQLite format 3\x00"
TODAY = date(2026, 11, 25)


# -- helpers -------------------------------------------------------------------------------------


def _needles() -> list[bytes]:
    """The child's name as bytes in every form a leak could take."""
    out: list[bytes] = []
    for text in (f"{FIRST} {LAST}", FIRST, LAST):
        for variant in {text, text.lower(), text.upper()}:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                out.append(variant.encode(encoding))
    return out


def _files(root: Path) -> Iterator[Path]:
    for directory, _dirs, names in os.walk(root):
        for name in names:
            yield Path(directory) / name


def _leaks(root: Path) -> list[str]:
    """Every file under `root` that holds the child's name in plain text."""
    needles = _needles()
    found: list[str] = []
    for path in _files(root):
        data = path.read_bytes()
        found.extend(f"{path.name}: {n!r}" for n in needles if n in data)
    return found


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Name → (sha-256 of the bytes, mtime) of every file in a directory."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).digest(), p.stat().st_mtime_ns)
        for p in directory.iterdir()
        if p.is_file()
    }


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _closed_store_with_cases(directory: Path, count: int = 3) -> tuple[Path, bytes, str]:
    """A closed store with `count` cases: its path, its key and its recovery key."""
    store, recovery = make_store(directory)
    cases.create_cases(store, [sample_case(f"Kind{i}") for i in range(count)])
    key = store.key
    store.close()
    return store.path, key, recovery


# -- nothing readable on disk ------------------------------------------------------------------


def test_the_leak_search_finds_a_name_in_any_of_its_forms(tmp_path: Path) -> None:
    for n, form in enumerate((f"{FIRST} {LAST}".lower(), LAST.upper())):
        (tmp_path / f"plat{n}.txt").write_bytes(b"\x00" + form.encode("utf-16-le") + b"\x00")
    assert {hit.split(":")[0] for hit in _leaks(tmp_path)} == {"plat0.txt", "plat1.txt"}


def test_a_childs_name_never_reaches_the_disk_in_plain_text(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    record = cases.create_case(
        store, sample_case(FIRST, LAST, notes=f"Gesprek met {FIRST} {LAST} en ouders.")
    )
    cases.update_case(store, record.id, sample_case(FIRST, LAST, school=f"School van {FIRST}"))
    cases.get_case(store, record.id)
    assert [r.case_number for r in cases.list_cases(store, cases.CaseFilter(text=FIRST))] == [
        record.case_number
    ]
    backup.backup(store, tmp_path / "back-up.zip")

    # While open: the committed pages sit in the -wal, which must be encrypted too.
    wal = _wal(store.path)
    assert wal.is_file() and wal.stat().st_size > 0
    assert _leaks(tmp_path) == []
    store.close()

    assert not wal.exists()
    assert _leaks(tmp_path) == []
    assert not store.path.read_bytes().startswith(SQLITE_MAGIC)
    with zipfile.ZipFile(tmp_path / "back-up.zip") as zf:
        assert not zf.read("opslag.db").startswith(SQLITE_MAGIC)


def test_a_wrong_passphrase_changes_nothing_on_disk(tmp_path: Path) -> None:
    path, _key, _recovery = _closed_store_with_cases(tmp_path)
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    for account, passphrase in ((ACCOUNT, "dit is niet het wachtwoord"), ("onbekend", PASSPHRASE)):
        with pytest.raises(WrongKey, match="onjuist wachtwoord"):
            accounts.unlock(path, account, passphrase)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime
    names = {p.name for p in tmp_path.iterdir()}
    assert not {n for n in names if n.endswith(("-wal", "-journal", "-shm", ".lock"))}


@pytest.mark.parametrize("missing", ["elders.db", "typfout/opslag.db"])
def test_unlocking_a_missing_store_creates_nothing(tmp_path: Path, missing: str) -> None:
    _path, _key, recovery = _closed_store_with_cases(tmp_path)
    before = _snapshot(tmp_path)
    with pytest.raises(StoreNotFound, match="Geen opslag gevonden"):
        accounts.unlock(tmp_path / missing, ACCOUNT, PASSPHRASE)
    with pytest.raises(StoreNotFound, match="Geen opslag gevonden"):
        accounts.unlock_with_recovery(tmp_path / missing, recovery)
    assert _snapshot(tmp_path) == before


# -- passphrases ---------------------------------------------------------------------------------

AWKWARD_PASSPHRASES = [
    'aanhalingsteken " in het midden',
    "apostrof ' en nog één '",
    "back\\slash \\ en \\\\ dubbel",
    "   spaties voor en achter   ",
    "Ĳsselmeer façade ø",
    "x'00'; PRAGMA key = 'y'; --",
    "".join(chr(0x41 + (i % 26)) for i in range(199)) + "é",
]


@pytest.mark.parametrize("passphrase", AWKWARD_PASSPHRASES, ids=range(len(AWKWARD_PASSPHRASES)))
def test_awkward_passphrases_work_everywhere(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "opslag.db"
    created = accounts.init_store(path, ACCOUNT, passphrase, kdf=FAST_KDF)
    accounts.add_account(created.store, SECOND, passphrase[::-1], kdf=FAST_KDF)
    created.store.close()

    store = accounts.unlock(path, ACCOUNT, passphrase)
    new = "nieuw: " + passphrase
    accounts.change_passphrase(store, ACCOUNT, passphrase, new)
    store.close()

    with pytest.raises(WrongKey):
        accounts.unlock(path, ACCOUNT, passphrase)
    accounts.unlock(path, ACCOUNT, new).close()
    accounts.unlock(path, SECOND, passphrase[::-1]).close()


def test_a_passphrase_opens_in_either_unicode_form(tmp_path: Path) -> None:
    # "ç" typed as one character or as c + cedilla is the same passphrase to the user.
    composed = unicodedata.normalize("NFC", "Ĳsselmeer façade ø")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    created = accounts.init_store(tmp_path / "opslag.db", ACCOUNT, composed, kdf=FAST_KDF)
    created.store.close()
    accounts.unlock(tmp_path / "opslag.db", ACCOUNT, decomposed).close()


@pytest.mark.parametrize("short", ["", "elf tekens!"])
def test_short_passphrases_are_refused_in_dutch(tmp_path: Path, short: str) -> None:
    assert len(short) in (0, 11)
    path = tmp_path / "opslag.db"
    with pytest.raises(BadInput, match="minstens 12 tekens"):
        accounts.init_store(path, ACCOUNT, short, kdf=FAST_KDF)
    assert list(tmp_path.iterdir()) == []

    store, _ = make_store(tmp_path)
    with pytest.raises(BadInput, match="minstens 12 tekens"):
        accounts.add_account(store, SECOND, short, kdf=FAST_KDF)
    with pytest.raises(BadInput, match="minstens 12 tekens"):
        accounts.change_passphrase(store, ACCOUNT, PASSPHRASE, short)
    store.close()
    accounts.unlock(store.path, ACCOUNT, PASSPHRASE).close()
    assert KeyFile.load(store.key_path).accounts() == [ACCOUNT]


def test_an_empty_passphrase_does_not_unlock(tmp_path: Path) -> None:
    path, _key, _recovery = _closed_store_with_cases(tmp_path)
    with pytest.raises(BadInput, match="Geef een wachtwoord"):
        accounts.unlock(path, ACCOUNT, "")


# -- recovery key, passphrase change, key rotation ------------------------------------------------


def test_the_recovery_key_unlocks_also_typed_loosely(tmp_path: Path) -> None:
    path, _key, recovery = _closed_store_with_cases(tmp_path)
    loose = "  " + recovery.lower().replace("-", " ") + " "
    for typed in (recovery, loose, recovery.replace("-", "")):
        store = accounts.unlock_with_recovery(path, typed)
        assert store.account == RECOVERY_ACCOUNT
        store.close()
    with pytest.raises(WrongKey, match="herstelsleutel past niet"):
        accounts.unlock_with_recovery(path, recovery[:-1] + ("A" if recovery[-1] != "A" else "B"))

    # With the recovery key a forgotten passphrase can be replaced (no old passphrase needed).
    store = accounts.unlock_with_recovery(path, recovery)
    accounts.change_passphrase(store, ACCOUNT, "", "een nieuw lang wachtwoord")
    store.close()
    accounts.unlock(path, ACCOUNT, "een nieuw lang wachtwoord").close()


def test_after_a_passphrase_change_only_the_new_one_works(tmp_path: Path) -> None:
    path, _key, _recovery = _closed_store_with_cases(tmp_path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    with pytest.raises(WrongKey):
        accounts.change_passphrase(store, ACCOUNT, "niet het oude wachtwoord", "iets anders nieuws")
    accounts.change_passphrase(store, ACCOUNT, PASSPHRASE, "het nieuwe wachtwoord")
    store.close()
    with pytest.raises(WrongKey):
        accounts.unlock(path, ACCOUNT, PASSPHRASE)
    accounts.unlock(path, ACCOUNT, "het nieuwe wachtwoord").close()


def test_a_removed_account_cannot_use_a_copy_of_its_old_slot(tmp_path: Path) -> None:
    store, recovery = make_store(tmp_path)
    cases.create_case(store, sample_case())
    accounts.add_account(store, SECOND, SECOND_PASSPHRASE, kdf=FAST_KDF)
    accounts.add_account(store, "derde", "het derde wachtwoord", kdf=FAST_KDF)
    copy = tmp_path / "gekopieerde-sleutels.json"
    shutil.copyfile(store.key_path, copy)
    old_key = store.key

    accounts.remove_account(store, SECOND, rotate=True)
    assert store.key != old_key
    cases.create_case(store, sample_case("Na de rotatie"))  # the open store goes on working
    store.close()

    stolen = KeyFile.load(copy).unwrap(SECOND, SECOND_PASSPHRASE)
    assert stolen == old_key
    with pytest.raises(WrongKey):
        make_engine(store.path, stolen)
    with pytest.raises(WrongKey):
        accounts.unlock(store.path, SECOND, SECOND_PASSPHRASE)
    for account, passphrase in ((ACCOUNT, PASSPHRASE), ("derde", "het derde wachtwoord")):
        opened = accounts.unlock(store.path, account, passphrase)
        assert cases.count_cases(opened) == 2
        opened.close()
    accounts.unlock_with_recovery(store.path, recovery).close()


def test_a_rotation_cut_off_before_re_encryption_is_finished_at_unlock(tmp_path: Path) -> None:
    store, recovery = make_store(tmp_path)
    accounts.add_account(store, SECOND, SECOND_PASSPHRASE, kdf=FAST_KDF)
    # What remove_account leaves when the process dies after writing the new key file and
    # before `PRAGMA rekey`: a pending key file for a key the store is not encrypted with.
    pending = KeyFile.load(store.key_path)
    pending.slots = [s for s in pending.slots if s.account != SECOND]
    pending.reseal_all(new_store_key())
    pending.save(accounts.pending_key_path(store.path))
    store.close()

    for _ in range(2):
        accounts.unlock(store.path, ACCOUNT, PASSPHRASE).close()
    assert not accounts.pending_key_path(store.path).exists()
    with pytest.raises(WrongKey):
        accounts.unlock(store.path, SECOND, SECOND_PASSPHRASE)
    accounts.unlock_with_recovery(store.path, recovery).close()


def test_a_rotation_cut_off_after_re_encryption_is_finished_at_unlock(tmp_path: Path) -> None:
    store, recovery = make_store(tmp_path)
    accounts.add_account(store, SECOND, SECOND_PASSPHRASE, kdf=FAST_KDF)
    old_key_file = store.key_path.read_bytes()
    accounts.remove_account(store, SECOND, rotate=True)
    store.close()
    # Put the files back as they were after `PRAGMA rekey` but before the new file took over.
    store.key_path.replace(accounts.pending_key_path(store.path))
    store.key_path.write_bytes(old_key_file)

    accounts.unlock_with_recovery(store.path, recovery).close()
    assert not accounts.pending_key_path(store.path).exists()
    accounts.unlock(store.path, ACCOUNT, PASSPHRASE).close()
    with pytest.raises(WrongKey):
        accounts.unlock(store.path, SECOND, SECOND_PASSPHRASE)


# -- the store lock ------------------------------------------------------------------------------


def test_a_second_unlock_while_open_names_the_account(tmp_path: Path) -> None:
    path, _key, _recovery = _closed_store_with_cases(tmp_path)
    first = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        with pytest.raises(StoreInUse, match=f"door account {ACCOUNT} op "):
            accounts.unlock(path, ACCOUNT, PASSPHRASE)
    finally:
        first.close()
    accounts.unlock(path, ACCOUNT, PASSPHRASE).close()
    assert not StoreLock(path).path.exists()


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    path, _key, _recovery = _closed_store_with_cases(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from casusoverleg.store.lock import StoreLock\n"
            "lock = StoreLock(Path(sys.argv[1]))\n"
            "lock.acquire('collega')\n"
            "print('vast', flush=True)\n"
            "sys.stdin.read()\n",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "vast"
        with pytest.raises(StoreInUse, match="door account collega"):
            accounts.unlock(path, ACCOUNT, PASSPHRASE)
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    assert StoreLock(path).path.exists()  # left behind, naming the dead process
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    store.close()


# -- damage --------------------------------------------------------------------------------------


def test_one_flipped_byte_in_a_page_makes_the_store_refuse_to_open(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path, key, _recovery = _closed_store_with_cases(tmp_path, count=300)
    good_backup = tmp_path / "goed.zip"
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    backup.backup(store, good_backup)
    store.close()  # the last connection checkpoints: every page is in the main file
    assert not _wal(path).exists()
    cases_before = _query(path, key, "SELECT * FROM case_file ORDER BY id")
    conn = connect_raw(path, key)
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    conn.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 3 * page_size
    data[page_size * 2 + 100] ^= 0x01
    path.write_bytes(bytes(data))
    capfd.readouterr()

    with pytest.raises(DamagedStore, match="beschadigd") as caught:
        accounts.unlock(path, ACCOUNT, PASSPHRASE)
    assert "back-up" in caught.value.message
    with pytest.raises(DamagedStore):
        backup.check_store(path, ACCOUNT, PASSPHRASE)
    # SQLCipher's own complaints stay out of the terminal; the Dutch message says it all.
    assert capfd.readouterr().err == ""
    assert path.read_bytes() == bytes(data)
    names = {p.name for p in tmp_path.iterdir()}
    assert not {n for n in names if n.endswith(("-wal", "-journal", ".lock"))}

    # The way out: restore a backup over the damaged store, which is kept aside as it was.
    result = backup.restore(good_backup, path, ACCOUNT, PASSPHRASE)
    assert result.previous is not None
    assert result.previous.read_bytes() == bytes(data)
    # Restored under a new key, sealed to today's key file (the backup's old key is retired).
    new_key = _key_in_key_file(path)
    assert new_key != key
    assert _query(path, new_key, "SELECT * FROM case_file ORDER BY id") == cases_before
    assert backup.check_store(path, ACCOUNT, PASSPHRASE).ok


# -- backup and restore --------------------------------------------------------------------------


def _query(path: Path, key: bytes, sql: str) -> list[tuple[Any, ...]]:
    conn = connect_raw(path, key)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def _key_in_key_file(path: Path) -> bytes:
    """The store key as the key file beside `path` gives it (no unlock, so no log line)."""
    return KeyFile.load(KeyFile.path_for(path)).unwrap(ACCOUNT, PASSPHRASE)


def _unpacked_copy(zip_path: Path, directory: Path) -> Path:
    """The encrypted store inside a backup, copied out as it is."""
    directory.mkdir()
    with zipfile.ZipFile(zip_path) as zf:
        (directory / "opslag.db").write_bytes(zf.read("opslag.db"))
    return directory / "opslag.db"


def _case_count(path: Path, key: bytes) -> int:
    return int(_query(path, key, "SELECT count(*) FROM case_file")[0][0])


def test_backup_then_restore_gives_the_same_rows(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    cases.create_cases(store, [sample_case(f"Kind{i}") for i in range(10)])
    key = store.key
    before = content_hash(store.path, key)
    events_before = _query(store.path, key, "SELECT * FROM audit_event ORDER BY id")
    dest = backup.backup(store, tmp_path / "back-up.zip")

    assert dest == tmp_path / "back-up.zip"
    if os.name == "posix":
        assert dest.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(dest) as zf:
        assert sorted(zf.namelist()) == ["info.json", "opslag.db", "sleutels.json"]
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    copy = _unpacked_copy(dest, tmp_path / "uit")
    assert content_hash(copy, key) == before
    info = backup.read_info(dest)
    assert info.store_id == store.key_file.store_id
    assert info.schema_revision == backup.check(store).expected_revision
    assert backup.last_backup_time(store) == info.created
    logged = audit.list_events(store, limit=1)[0]
    assert logged.action == AuditAction.BACKUP and str(dest) in logged.detail

    cases.create_case(store, sample_case("Na de back-up"))
    store.close()
    result = backup.restore(dest, store.path, ACCOUNT, PASSPHRASE)

    assert result.audit.ok and result.info == info
    assert result.previous is not None and _case_count(result.previous, key) == 11
    new_key = _key_in_key_file(store.path)
    tables = [t for (t,) in _query(copy, key, "SELECT name FROM sqlite_master WHERE type='table'")]
    # Restore adds its own log line and the backup time, and re-keys: the copy of the key file
    # inside the store is sealed anew. Every other row is the backup's.
    for table in set(tables) - {"audit_event", "audit_head", "setting", "key_slot_copy"}:
        sql = f'SELECT * FROM "{table}" ORDER BY rowid'  # noqa: S608
        assert _query(store.path, new_key, sql) == _query(copy, key, sql), table
    events = _query(store.path, new_key, "SELECT * FROM audit_event ORDER BY id")
    assert events[: len(events_before)] == events_before
    assert [e[4] for e in events[len(events_before) :]] == [str(AuditAction.RESTORE)]
    reopened = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
    assert backup.check(reopened).ok
    assert backup.last_backup_time(reopened) == info.created
    reopened.close()


def test_a_backup_is_never_written_over_something(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    dest = tmp_path / "back-up.zip"
    dest.write_bytes(b"iets anders")
    with pytest.raises(BadInput, match="bestaat al; gebruik --overwrite"):
        backup.backup(store, dest)
    assert dest.read_bytes() == b"iets anders"
    for own in (store.path, store.key_path):
        with pytest.raises(BadInput, match="de opslag zelf of een bestand ernaast"):
            backup.backup(store, own, overwrite=True)
    with pytest.raises(BadInput, match="bestaat niet"):
        backup.backup(store, tmp_path / "nergens" / "b.zip")
    assert backup.last_backup_time(store) is None
    backup.backup(store, dest, overwrite=True)
    assert backup.read_info(dest).store_id == store.key_file.store_id
    store.close()
    # No temporary files are left beside the backup.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_backup_during_a_write_holds_only_committed_rows(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    cases.create_cases(store, [sample_case(f"Vooraf{i}") for i in range(5)])
    inside = threading.Event()
    release = threading.Event()
    problems: list[BaseException] = []

    def writer() -> None:
        try:
            cases.create_cases(store, [sample_case(f"Later{i}") for i in range(50)])
            with store.write() as session:
                for i in range(50):
                    cases.add_case(session, store, sample_case(f"Onaf{i}"), today=TODAY)
                session.flush()
                inside.set()
                # Held open (uncommitted) until the backup has made its copy.
                if not release.wait(60):
                    raise TimeoutError("de back-up begon nooit aan zijn logregel")
        except BaseException as exc:
            problems.append(exc)
            inside.set()

    main = threading.current_thread()

    @event.listens_for(store.engine, "before_cursor_execute")
    def _copy_done(*args: Any) -> None:
        # The backup's first write of its own is its log line, after the copy: let the writer
        # commit now, so that the backup's BEGIN IMMEDIATE waits for it instead of timing out.
        if threading.current_thread() is main and args[2].startswith("BEGIN IMMEDIATE"):
            release.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(60)
        dest = backup.backup(store, tmp_path / "tijdens.zip")
    finally:
        release.set()
        thread.join(60)
    assert problems == []
    assert cases.count_cases(store) == 105
    key = store.key
    store.close()

    copy = _unpacked_copy(dest, tmp_path / "uit")
    assert _case_count(copy, key) == 55
    target = tmp_path / "terug" / "opslag.db"
    target.parent.mkdir()
    result = backup.restore(dest, target, ACCOUNT, PASSPHRASE)
    assert result.previous is None and result.audit.ok
    assert backup.check_store(target, ACCOUNT, PASSPHRASE).ok


def test_backups_between_busy_writes_are_each_consistent(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    busy = threading.Event()
    stop = threading.Event()
    problems: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(2000):
                if stop.is_set():
                    return
                cases.create_case(store, sample_case(f"Druk{i}", notes="x" * (i % 7 * 900)))
                if i == 10:
                    busy.set()
        except BaseException as exc:
            problems.append(exc)
        finally:
            busy.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert busy.wait(60)
        made = [backup.backup(store, tmp_path / f"b{n}.zip") for n in range(3)]
    finally:
        stop.set()
        thread.join(60)
    assert problems == []
    key = store.key
    store.close()
    counts = []
    for n, dest in enumerate(made):
        copy = _unpacked_copy(dest, tmp_path / f"uit{n}")
        logged = "SELECT count(*) FROM audit_event WHERE action = 'CREATE'"
        # Each case and its log line were committed together; a torn copy would differ.
        counts.append(_case_count(copy, key))
        assert counts[-1] == _query(copy, key, logged)[0][0]
        target = tmp_path / f"terug{n}" / "opslag.db"
        target.parent.mkdir()
        assert backup.restore(dest, target, ACCOUNT, PASSPHRASE).audit.ok
        assert backup.check_store(target, ACCOUNT, PASSPHRASE).ok
    assert 11 <= counts[0] <= counts[1] <= counts[2] <= _case_count(store.path, key)


def test_restore_with_a_wrong_passphrase_leaves_the_store_untouched(tmp_path: Path) -> None:
    path, _key, recovery = _closed_store_with_cases(tmp_path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    dest = backup.backup(store, tmp_path / "back-up.zip")
    store.close()
    before = _snapshot(tmp_path)
    for account, passphrase in ((ACCOUNT, "dit is niet het wachtwoord"), ("onbekend", PASSPHRASE)):
        with pytest.raises(WrongKey):
            backup.restore(dest, path, account, passphrase)
    with pytest.raises(WrongKey):
        backup.restore(dest, path, RECOVERY_ACCOUNT, "AAAA-BBBB")
    assert _snapshot(tmp_path) == before
    # The recovery key opens a backup too (typed loosely, like at unlock).
    result = backup.restore(dest, path, RECOVERY_ACCOUNT, recovery.lower().replace("-", " "))
    assert result.previous is not None


def test_restore_refuses_what_is_not_a_whole_backup(tmp_path: Path) -> None:
    path, _key, _recovery = _closed_store_with_cases(tmp_path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    good = backup.backup(store, tmp_path / "back-up.zip")
    store.close()
    data = good.read_bytes()
    bad = tmp_path / "slecht"
    bad.mkdir()
    (bad / "tekst.zip").write_bytes(b"Dit is geen zip-bestand maar een briefje.\n")
    (bad / "afgebroken.zip").write_bytes(data[: len(data) // 2])
    (bad / "leeg.zip").write_bytes(b"")
    with zipfile.ZipFile(bad / "onvolledig.zip", "w") as zf:
        zf.writestr("opslag.db", b"x")
    before = _snapshot(tmp_path)
    for src in sorted(bad.iterdir()):
        with pytest.raises(BadInput, match="geen \\(volledige\\) back-up van Casusoverleg"):
            backup.restore(src, path, ACCOUNT, PASSPHRASE)
    with pytest.raises(BadInput, match="niet gevonden"):
        backup.restore(tmp_path / "bestaat-niet.zip", path, ACCOUNT, PASSPHRASE)

    # One flipped byte in the stored database: the zip's CRC (or the page HMAC) finds it.
    damaged = bytearray(data)
    damaged[data.index(b"sleutels.json") - 5000] ^= 0x01
    (bad / "beschadigd.zip").write_bytes(bytes(damaged))
    with pytest.raises(DamagedStore, match="beschadigd"):
        backup.restore(bad / "beschadigd.zip", path, ACCOUNT, PASSPHRASE)
    assert _snapshot(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".terugzetten")]


def test_restore_refuses_while_the_app_has_the_store_open(tmp_path: Path) -> None:
    path, key, _recovery = _closed_store_with_cases(tmp_path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    dest = backup.backup(store, tmp_path / "back-up.zip")
    cases.create_case(store, sample_case("Nog open"))
    try:
        with pytest.raises(StoreInUse, match=f"door account {ACCOUNT}"):
            backup.restore(dest, path, ACCOUNT, PASSPHRASE)
        assert cases.count_cases(store) == 4
    finally:
        store.close()
    assert _case_count(path, key) == 4
    assert [p.name for p in tmp_path.iterdir() if "voor-terugzetten" in p.name] == []


def test_restore_keeps_the_replaced_store_openable(tmp_path: Path) -> None:
    path, _key, _recovery = _closed_store_with_cases(tmp_path)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    dest = backup.backup(store, tmp_path / "back-up.zip")
    cases.create_case(store, sample_case("Alleen in de oude"))
    store.close()
    result = backup.restore(dest, path, ACCOUNT, PASSPHRASE)
    assert result.previous is not None
    assert ".voor-terugzetten-" in result.previous.name
    assert KeyFile.path_for(result.previous) in result.kept_aside
    kept = accounts.unlock(result.previous, ACCOUNT, PASSPHRASE)
    assert "Alleen in de oude" in {r.first_name for r in cases.list_cases(kept, log_search=False)}
    kept.close()
    assert _case_count(path, _key_in_key_file(path)) == 3


# -- the audit chain -----------------------------------------------------------------------------


def _store_with_log(tmp_path: Path) -> Store:
    store, _ = make_store(tmp_path)
    for i in range(4):
        cases.create_case(store, sample_case(f"Kind{i}"))
    assert audit.verify_chain(store).ok
    return store


def _tamper(store: Store, sql: str) -> None:
    """Change the log behind the app's back: a raw connection with the store key."""
    conn = connect_raw(store.path, store.key)
    try:
        conn.execute(sql)
    finally:
        conn.close()


def test_an_edited_log_line_is_found(tmp_path: Path) -> None:
    store = _store_with_log(tmp_path)
    _tamper(store, "UPDATE audit_event SET detail = 'niets gebeurd' WHERE id = 3")
    report = audit.verify_chain(store)
    assert not report.ok and report.first_bad_id == 3
    assert "gewijzigd" in report.message
    checked = backup.check(store)
    assert checked.integrity_ok and not checked.ok
    store.close()


def test_a_removed_log_line_in_the_middle_is_found(tmp_path: Path) -> None:
    store = _store_with_log(tmp_path)
    _tamper(store, "DELETE FROM audit_event WHERE id = 2")
    report = audit.verify_chain(store)
    assert not report.ok and report.first_bad_id == 3
    assert "onderbroken" in report.message
    store.close()


def test_a_removed_last_log_line_is_found(tmp_path: Path) -> None:
    store = _store_with_log(tmp_path)
    _tamper(store, "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
    report = audit.verify_chain(store)
    assert not report.ok
    assert "aan het eind" in report.message
    store.close()
    # Also after the next unlock has added lines behind the gap.
    reopened = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
    assert not backup.check(reopened).ok
    reopened.close()


def test_check_store_reports_in_dutch(tmp_path: Path) -> None:
    path, _key, _recovery = _closed_store_with_cases(tmp_path)
    report = backup.check_store(path, ACCOUNT, PASSPHRASE)
    assert report.ok and report.cases == 3 and report.actions == 0
    assert report.schema_revision == report.expected_revision
    assert report.audit_events is not None and report.audit_events >= 4
    text = "\n".join(report.lines())
    assert "Opslag in orde" in text and "Logboek in orde" in text
    assert "Laatste back-up: nog nooit." in text
    assert not StoreLock(path).path.exists()
