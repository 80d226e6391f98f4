"""The automatic backups listed for the restore screen (issue 13, item 3): newest first, with
time, size and whether the store's log knows them as checked; a check by hand logs it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from casusoverleg.errors import DamagedStore
from casusoverleg.services import accounts, autobackup, cases, settings
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Store]:
    made, _recovery = make_store(tmp_path)
    settings.set_setting(made, "auto_backup", "aan")  # test stores have it off by default
    accounts.lock(made)
    opened = accounts.unlock(made.path, ACCOUNT, PASSPHRASE)
    yield opened
    accounts.lock(opened)


def _auto_backup(store: Store, name: str, now: datetime) -> Path:
    cases.create_case(store, sample_case(name))
    result = autobackup.run_auto_backup(store, now=now)
    assert result.ok and result.made is not None, result.failure
    return result.made


def test_no_folder_no_backups(session: Store) -> None:
    assert autobackup.list_backups(session) == []


def test_backups_are_listed_newest_first_with_size_and_checked(
    session: Store, tmp_path: Path
) -> None:
    older = _auto_backup(session, "Sanne", datetime(2026, 11, 30, 9, 15))
    newer = _auto_backup(session, "Daan", datetime(2026, 12, 1, 16, 40))
    (older.parent / "boodschappen.zip").write_bytes(b"geen back-up")  # never listed

    listed = autobackup.list_backups(session)

    assert [b.path for b in listed] == [newer, older]
    assert [b.made for b in listed] == [
        datetime(2026, 12, 1, 16, 40),
        datetime(2026, 11, 30, 9, 15),
    ]
    assert [b.size for b in listed] == [newer.stat().st_size, older.stat().st_size]
    assert all(b.size > 0 for b in listed)
    assert [b.verified for b in listed] == [True, True]


def test_a_backup_the_log_does_not_know_is_unchecked_until_checked(session: Store) -> None:
    made = _auto_backup(session, "Sanne", datetime(2026, 11, 30, 9, 15))
    # A backup this store's log never saw (made by a copy, or after a backup put back).
    stranger = made.parent / "casusoverleg-2026-12-01T0800.zip"
    shutil.copyfile(made, stranger)

    first = autobackup.list_backups(session)
    assert [(b.path.name, b.verified) for b in first] == [(stranger.name, False), (made.name, True)]

    autobackup.check_backup(session, stranger)

    assert [b.verified for b in autobackup.list_backups(session)] == [True, True]
    # The check is logged, but is no mark that the session's changes are in a backup.
    cases.create_case(session, sample_case("Emma"))
    autobackup.check_backup(session, stranger)
    assert autobackup.session_changed(session)


def test_a_damaged_backup_fails_its_check_and_stays_unchecked(session: Store) -> None:
    made = _auto_backup(session, "Sanne", datetime(2026, 11, 30, 9, 15))
    damaged = made.parent / "casusoverleg-2026-12-01T0800.zip"
    data = bytearray(made.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))

    with pytest.raises(DamagedStore):
        autobackup.check_backup(session, damaged)

    listed = {b.path.name: b.verified for b in autobackup.list_backups(session)}
    assert listed == {damaged.name: False, made.name: True}
