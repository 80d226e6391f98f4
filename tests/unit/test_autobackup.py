"""Automatic backups (issue 10, item 10): made only after a change, verified, rotated, never
deleting a file they did not make, and a failure reported instead of raised."""

from __future__ import annotations

import os
import stat
import time
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from casusoverleg.domain import rotation
from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput, DamagedStore, WrongKey
from casusoverleg.services import (
    accounts,
    audit,
    autobackup,
    backup,
    cases,
    dashboard,
    imports,
    settings,
)
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw
from casusoverleg.store.keyslots import FAST_KDF, KdfParams
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case

STORE_NAME = "casusoverleg.db"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Store]:
    """A store with one case, locked and unlocked again: a new session, nothing changed yet."""
    made, _recovery = make_store(tmp_path)
    cases.create_case(made, sample_case())
    settings.set_setting(made, "auto_backup", "aan")  # test stores have it off by default
    accounts.lock(made)
    opened = accounts.unlock(made.path, ACCOUNT, PASSPHRASE)
    yield opened
    accounts.lock(opened)


def _backups(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def _auto_lines(store: Store) -> list[audit.AuditEntry]:
    return [e for e in audit.list_events(store) if e.object_type == autobackup.AUDIT_OBJECT]


# -- no change, no backup ------------------------------------------------------------------------


def test_a_session_without_a_change_makes_no_backup(session: Store, tmp_path: Path) -> None:
    # Looking is no change: the Overzicht (a logged view), a case form, a search, an export.
    dashboard.dashboard(session)
    cases.get_case(session, 1)
    cases.list_cases(session, cases.CaseFilter(text="Sanne"))
    result = autobackup.run_auto_backup(session)
    assert result.skipped == "geen wijzigingen" and result.made is None
    assert not (tmp_path / "backups").exists()
    assert _auto_lines(session) == []


def test_a_change_makes_one_verified_backup_in_the_default_folder(
    session: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    assert autobackup.default_folder(session.path) == folder
    cases.create_case(session, sample_case("Daan", "Jansen"))
    now = datetime(2026, 12, 2, 3, 15)
    result = autobackup.run_auto_backup(session, now=now)
    assert result.ok and result.made == folder / "casusoverleg-2026-12-02T0315.zip"
    assert _backups(folder) == ["casusoverleg-2026-12-02T0315.zip"]
    # Owner only, the folder too; and nothing of the check is left behind.
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(result.made.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == [result.made.name]

    status = autobackup.backup_status(session)
    assert status.last_verified == result.verified_at
    assert status.verified_file == result.made.name
    assert not status.is_stale(date.today()) and not status.needs_warning(date.today())
    [line] = _auto_lines(session)
    assert line.action == AuditAction.BACKUP and line.result == "ok"
    assert "gecontroleerd" in line.detail

    # The backup is the session's save point: nothing new, nothing made.
    assert autobackup.run_auto_backup(session, now=now).skipped == "geen wijzigingen"
    cases.update_case(session, 1, sample_case("Sanne", "de Vries", school="Het Stedelijk"))
    again = autobackup.run_auto_backup(session, now=now)
    assert again.ok and again.made == folder / "casusoverleg-2026-12-02T0315-2.zip"


def test_the_unlock_lines_of_the_next_session_are_no_change(session: Store) -> None:
    cases.create_case(session, sample_case("Daan", "Jansen"))
    assert autobackup.session_changed(session)
    path = session.path
    accounts.lock(session)
    with pytest.raises(WrongKey):
        accounts.unlock(path, ACCOUNT, "niet het goede wachtwoord")
    later = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        # The change belongs to the last session, which (here) made no backup: the failed
        # unlock's line and this unlock are no change of this session.
        assert not autobackup.session_changed(later)
    finally:
        accounts.lock(later)


def test_a_refused_import_is_no_change(session: Store, tmp_path: Path) -> None:
    bad = tmp_path / "lijst.csv"
    bad.write_text("casusnummer;voornaam\nF-1;\n", encoding="utf-8")
    with pytest.raises(BadInput):
        imports.import_cases(session, bad)
    assert not autobackup.session_changed(session)


def test_on_by_default_for_a_real_store_off_for_test_and_demo_stores(tmp_path: Path) -> None:
    test_store, _recovery = make_store(tmp_path)
    try:
        assert autobackup.is_throwaway(test_store)
        assert not autobackup.is_enabled(test_store, settings.load_settings(test_store))
    finally:
        test_store.close()
    # Any key derivation other than the throw-away one is a real store's (cheap here, for speed).
    real_kdf = KdfParams(time_cost=1, memory_cost=2048, parallelism=1)
    real = accounts.init_store(tmp_path / "echt.db", ACCOUNT, PASSPHRASE, kdf=real_kdf).store
    try:
        assert not autobackup.is_throwaway(real)
        assert autobackup.is_enabled(real, settings.load_settings(real))
        cases.create_case(real, sample_case())
        assert autobackup.run_auto_backup(real).ok
    finally:
        accounts.lock(real)


def test_off_makes_none_and_the_demo_store_is_off_unless_turned_on(
    session: Store, tmp_path: Path
) -> None:
    cases.create_case(session, sample_case("Daan", "Jansen"))
    settings.set_setting(session, "auto_backup", "uit")
    assert autobackup.run_auto_backup(session).skipped == "uit"
    assert not (tmp_path / "backups").exists()

    (tmp_path / "demo").mkdir()
    demo = accounts.init_store(
        tmp_path / "demo" / "demo.db", "demo", "demo", kdf=FAST_KDF, demo=True
    ).store
    try:
        cases.create_case(demo, sample_case())
        assert autobackup.run_auto_backup(demo).skipped == "uit"
        assert not autobackup.backup_status(demo).needs_warning(date.today())
        settings.set_setting(demo, "auto_backup", "aan")
        assert autobackup.run_auto_backup(demo).ok
    finally:
        accounts.lock(demo)


# -- verification ----------------------------------------------------------------------------------


def _flip_byte_in_member(zip_path: Path, member: str, offset: int) -> None:
    """Change one byte inside a stored (uncompressed) member, as a bad disk would."""
    with zipfile.ZipFile(zip_path) as zf:
        info = zf.getinfo(member)
    with open(zip_path, "r+b") as fh:
        fh.seek(info.header_offset + 26)
        name_len = int.from_bytes(fh.read(2), "little")
        extra_len = int.from_bytes(fh.read(2), "little")
        at = info.header_offset + 30 + name_len + extra_len + offset
        fh.seek(at)
        byte = fh.read(1)
        fh.seek(at)
        fh.write(bytes([byte[0] ^ 0x01]))


def _rezip_with(zip_path: Path, member: str, data: bytes) -> None:
    """The same backup with one member replaced (a correct CRC over wrong content)."""
    with zipfile.ZipFile(zip_path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[member] = data
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)


@pytest.fixture
def good_backup(session: Store) -> Path:
    cases.create_case(session, sample_case("Daan", "Jansen"))
    result = autobackup.run_auto_backup(session)
    assert result.made is not None
    return result.made


def test_a_sound_backup_passes_the_verification(session: Store, good_backup: Path) -> None:
    autobackup.verify_backup(good_backup, session.key, session.key_file.store_id)


def test_a_flipped_byte_in_the_backup_is_found(session: Store, good_backup: Path) -> None:
    _flip_byte_in_member(good_backup, backup.BACKUP_DB, 5000)
    with pytest.raises(DamagedStore, match="beschadigd"):
        autobackup.verify_backup(good_backup, session.key, session.key_file.store_id)


def test_a_damaged_page_with_a_right_crc_is_found(
    session: Store, good_backup: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(good_backup) as zf:
        data = bytearray(zf.read(backup.BACKUP_DB))
    data[4096 + 300] ^= 0xFF  # the second page: its HMAC no longer fits
    _rezip_with(good_backup, backup.BACKUP_DB, bytes(data))
    with pytest.raises(DamagedStore, match="opslag erin"):
        autobackup.verify_backup(good_backup, session.key, session.key_file.store_id)


@pytest.mark.parametrize(
    ("damage", "found"),
    [
        ("UPDATE audit_event SET detail = 'niets gebeurd' WHERE id = 2", "regel 2 is gewijzigd"),
        ("DELETE FROM audit_event WHERE id = 3", "onderbroken bij regel 4"),
        ("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)", "aan het eind"),
    ],
)
def test_an_edited_log_in_the_backup_is_found(
    session: Store, good_backup: Path, tmp_path: Path, damage: str, found: str
) -> None:
    work = tmp_path / "uitgepakt"
    work.mkdir()
    with zipfile.ZipFile(good_backup) as zf:
        zf.extract(backup.BACKUP_DB, work)
    conn = connect_raw(work / backup.BACKUP_DB, session.key)
    try:
        conn.execute(damage)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    _rezip_with(good_backup, backup.BACKUP_DB, (work / backup.BACKUP_DB).read_bytes())
    with pytest.raises(DamagedStore, match=f"logboek erin is niet in orde\\. .*{found}"):
        autobackup.verify_backup(good_backup, session.key, session.key_file.store_id)


def test_a_backup_of_another_store_is_not_taken_for_ours(
    session: Store, good_backup: Path, tmp_path: Path
) -> None:
    (tmp_path / "ander").mkdir()
    other, _recovery = make_store(tmp_path / "ander")
    try:
        with pytest.raises(DamagedStore, match="hoort niet bij deze opslag"):
            autobackup.verify_backup(good_backup, other.key, other.key_file.store_id)
    finally:
        other.close()


def test_a_backup_that_fails_its_check_is_reported_and_not_counted(
    session: Store, good_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = good_backup.parent
    before = autobackup.backup_status(session)
    real_backup = backup.backup

    def written_then_damaged(store: Store, dest: Path, *, overwrite: bool = False) -> Path:
        made = real_backup(store, dest, overwrite=overwrite)
        _flip_byte_in_member(made, backup.BACKUP_DB, 3000)  # the disk garbles it after writing
        return made

    monkeypatch.setattr(backup, "backup", written_then_damaged)
    cases.create_case(session, sample_case("Emma", "Bakker"))
    result = autobackup.run_auto_backup(session, now=datetime.now() + timedelta(minutes=2))
    assert not result.ok and result.made is None
    assert "niet in orde" in result.failure and "beschadigd" in result.failure
    # The bad file is gone (it must not push the good one out of the rotation); the good one
    # is still the last verified backup, and the failure is logged and shown.
    assert _backups(folder) == [good_backup.name]
    after = autobackup.backup_status(session)
    assert after.last_verified == before.last_verified
    assert after.failed_at is not None and "niet in orde" in after.failure
    assert after.needs_warning(date.today())
    failed = [e for e in _auto_lines(session) if e.result == "mislukt"]
    assert len(failed) == 1 and "automatische back-up mislukt" in failed[0].detail
    # The change is still unsaved: the next attempt tries again, and a success clears it.
    monkeypatch.setattr(backup, "backup", real_backup)
    assert autobackup.session_changed(session)
    assert autobackup.run_auto_backup(session, now=datetime.now() + timedelta(minutes=3)).ok
    assert autobackup.backup_status(session).failed_at is None


# -- folder and stale-file safety --------------------------------------------------------------


def test_rotation_deletes_only_its_own_old_backups(session: Store, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime(2026, 12, 2, 22, 0)
    old = [rotation.backup_name(STORE_NAME, now - timedelta(days=n)) for n in range(1, 40)]
    for name in old:
        (folder / name).write_bytes(b"oud")
    foreign = {
        "notities.txt": b"eigen aantekeningen",
        "casusoverleg-2026-10-01T1000.zip.bak": b"kopie",
        "ander-2026-10-01T1000.zip": b"andere opslag",
        "casusoverleg-2026-02-30T1000.zip": b"geen echte datum",
        "Casusoverleg-2026-10-02T1000.zip": b"andere hoofdletter",
    }
    for name, data in foreign.items():
        (folder / name).write_bytes(data)
    # A folder and a symlink with our kind of name: not regular files, never touched.
    (folder / "casusoverleg-2026-10-03T1000.zip").mkdir()
    elsewhere = tmp_path / "elders.zip"
    elsewhere.write_bytes(b"ergens anders")
    (folder / "casusoverleg-2026-10-04T1000.zip").symlink_to(elsewhere)

    cases.create_case(session, sample_case("Daan", "Jansen"))
    result = autobackup.run_auto_backup(session, now=now)
    assert result.ok and result.made is not None
    left = set(os.listdir(folder))
    for name, data in foreign.items():
        assert (folder / name).read_bytes() == data
    assert (folder / "casusoverleg-2026-10-03T1000.zip").is_dir()
    assert (folder / "casusoverleg-2026-10-04T1000.zip").is_symlink()
    assert elsewhere.read_bytes() == b"ergens anders"
    ours = [n for n in left if rotation.parse_backup_name(STORE_NAME, n) and (folder / n).is_file()]
    ours = [n for n in ours if not (folder / n).is_symlink()]
    expected = set(old) | {result.made.name}
    expected -= set(rotation.to_delete(STORE_NAME, sorted(expected), now))
    assert set(ours) == expected
    assert set(result.removed) == set(old) - expected
    assert len(result.removed) > 20
    [line] = [e for e in _auto_lines(session) if e.result == "ok"]
    assert f"{len(result.removed)} oudere automatische back-up(s) verwijderd" in line.detail


def test_a_chosen_folder_is_used_and_must_not_be_the_stores_own(
    session: Store, tmp_path: Path
) -> None:
    with pytest.raises(BadInput, match="andere map dan die van de opslag"):
        settings.set_setting(session, "backup_folder", str(tmp_path))
    with pytest.raises(BadInput, match="volledig pad"):
        settings.set_setting(session, "backup_folder", "backups")
    with pytest.raises(BadInput, match="aan of uit"):
        settings.set_setting(session, "auto_backup", "misschien")
    chosen = tmp_path / "usb-schijf"
    chosen.mkdir()
    settings.set_setting(session, "backup_folder", str(chosen))
    cases.create_case(session, sample_case("Daan", "Jansen"))
    result = autobackup.run_auto_backup(session)
    assert result.ok and result.made is not None and result.made.parent == chosen


def test_a_missing_chosen_folder_is_reported_not_made(session: Store, tmp_path: Path) -> None:
    chosen = tmp_path / "usb-schijf"
    chosen.mkdir()
    settings.set_setting(session, "backup_folder", str(chosen))
    chosen.rmdir()  # the disk was unplugged
    cases.create_case(session, sample_case("Daan", "Jansen"))
    result = autobackup.run_auto_backup(session)
    assert not result.ok and "is er niet" in result.failure
    assert not chosen.exists()
    assert autobackup.backup_status(session).failed_at is not None


def test_a_folder_that_cannot_be_used_fails_without_raising(session: Store, tmp_path: Path) -> None:
    (tmp_path / "backups").write_text("een bestand, geen map", encoding="utf-8")
    cases.create_case(session, sample_case("Daan", "Jansen"))
    result = autobackup.run_auto_backup(session)
    assert not result.ok and result.failure
    assert "Errno" not in result.failure and "File exists" not in result.failure
    assert (tmp_path / "backups").read_text(encoding="utf-8") == "een bestand, geen map"


def test_stale_check_folders_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    stale = tmp_path / ".controle-abc"
    fresh = tmp_path / ".controle-def"
    other = tmp_path / ".back-up-xyz"
    for folder in (stale, fresh, other):
        folder.mkdir()
        (folder / "opslag.db").write_bytes(b"versleuteld")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    os.utime(other, (hours_ago, hours_ago))
    assert autobackup.remove_stale_checks(tmp_path) == [stale]
    assert not stale.exists() and fresh.is_dir() and other.is_dir()


def test_the_warning_comes_after_a_week(session: Store) -> None:
    cases.create_case(session, sample_case("Daan", "Jansen"))
    result = autobackup.run_auto_backup(session)
    assert result.verified_at is not None
    made_on = result.verified_at.astimezone().date()
    status = autobackup.backup_status(session)
    assert not status.is_stale(made_on + timedelta(days=7))
    assert status.is_stale(made_on + timedelta(days=8))
    board = dashboard.dashboard(session, made_on + timedelta(days=8))
    assert board.backup is not None and board.backup.needs_warning(board.today)
