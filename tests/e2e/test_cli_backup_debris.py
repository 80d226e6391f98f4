"""Killed backups leave no lasting debris (issue 10, defect 10, first half): `casusoverleg backup`
is SIGKILLed at different moments; the store stays sound, no half backup appears under its
name, no file is ever readable by others, and the next backup removes what was left."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from casusoverleg.services import accounts, backup, cases, workdirs
from casusoverleg.store.copying import export_encrypted_copy
from casusoverleg.store.engine import raw_connection
from tests.e2e.test_cli import SCRIPT
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store, sample_case

# Seconds after the work folder appeared; the first kills land in the copy, later ones in the
# zip or the log line.
KILL_AFTER = (0.0, 0.02, 0.05, 0.1, 0.25)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and file modes are POSIX")


def _files_and_modes(folder: Path) -> dict[Path, int]:
    found: dict[Path, int] = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            try:
                found[path] = stat.S_IMODE(path.lstat().st_mode)
            except FileNotFoundError:
                continue  # removed between the listing and the look
    return found


def _debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_killed_backups_leave_nothing_lasting(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    # Enough rows that the copy takes a moment (notes make pages), still a small store.
    cases.create_cases(store, [sample_case(f"Kind{i}", notes="x" * 2000) for i in range(300)])
    accounts.lock(store)
    dest = tmp_path / "back-ups"
    dest.mkdir()
    env = cli_env(store.path)
    too_open: dict[str, int] = {}
    left_behind = 0

    for n, delay in enumerate(KILL_AFTER):
        target = dest / f"b{n}.zip"
        proc = subprocess.Popen(
            [str(SCRIPT), "backup", str(target)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started: float | None = None
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            for path, mode in _files_and_modes(dest).items():
                if mode & 0o077:
                    too_open[str(path.relative_to(dest))] = mode
            if started is None and any(p.name.startswith(".back-up-") for p in dest.iterdir()):
                started = time.monotonic()
            if started is not None and time.monotonic() - started >= delay:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(60)
        left_behind += bool(_debris(dest))

        # Under its name there is nothing, or a whole backup.
        if target.exists():
            with zipfile.ZipFile(target) as zf:
                assert zf.testzip() is None
            assert backup.read_info(target).store_id
        assert backup.check_store(store.path, ACCOUNT, PASSPHRASE).ok, f"na kill {n}"

    assert too_open == {}, "bestanden die anderen konden lezen"
    assert left_behind, "geen enkele kill liet iets achter: de test doodt te laat"
    # The next backup into that folder cleans up what the killed ones left.
    run = subprocess.run(
        [str(SCRIPT), "backup", str(dest / "daarna.zip")],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert _debris(dest) == []
    assert all(mode == 0o600 for mode in _files_and_modes(dest).values())


def test_what_is_stale_and_what_is_not(tmp_path: Path) -> None:
    prefix = (".back-up-",)
    two_hours_ago = time.time() - 7200

    dead = tmp_path / ".back-up-dood"  # a run that was killed: its lock file is free
    dead.mkdir()
    (dead / workdirs.LOCK_NAME).write_text('{"pid": 1}', encoding="utf-8")
    (dead / "opslag.db").write_bytes(b"x")
    young = tmp_path / ".back-up-jong"  # work but no lock file (older versions): judged by age
    young.mkdir()
    (young / "opslag.db").write_bytes(b"x")
    # Killed between making the folder and locking its lock file: nothing to wait for.
    never_started = tmp_path / ".back-up-leeg"
    never_started.mkdir()
    unfinished = tmp_path / ".back-up-half"
    unfinished.mkdir()
    (unfinished / workdirs.LOCK_NAME).write_bytes(b"")
    old = tmp_path / ".back-up-oud"
    old.mkdir()
    (old / "opslag.db").write_bytes(b"x")
    os.utime(old / "opslag.db", (two_hours_ago, two_hours_ago))
    os.utime(old, (two_hours_ago, two_hours_ago))
    old_tmp = tmp_path / ".b.zip.abcd1234.tmp"  # what older versions left beside the zip
    old_tmp.write_bytes(b"x")
    os.utime(old_tmp, (two_hours_ago, two_hours_ago))
    new_tmp = tmp_path / ".c.zip.efgh5678.tmp"
    new_tmp.write_bytes(b"x")
    someone_elses = tmp_path / ".iets.abcd1234.tmp"  # not a backup's
    someone_elses.write_bytes(b"x")
    os.utime(someone_elses, (two_hours_ago, two_hours_ago))

    with workdirs.work_dir(tmp_path, ".back-up-") as live:
        assert stat.S_IMODE(live.stat().st_mode) == 0o700
        assert workdirs.remove_stale(tmp_path, prefix, backup_temp_files=True) == 5
        assert live.exists()
    assert not live.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [young.name, new_tmp.name, someone_elses.name]
    )


def test_the_copy_inside_the_work_folder_is_owner_only_while_it_is_written(
    tmp_path: Path,
) -> None:
    store, _ = make_store(tmp_path)
    cases.create_cases(store, [sample_case(f"Kind{i}", notes="x" * 2000) for i in range(100)])
    work = tmp_path / "werk"
    work.mkdir()
    seen: dict[str, int] = {}

    def look() -> int:
        # Called by SQLite every few hundred steps of the export: the copy as it grows.
        for path in work.iterdir():
            seen[path.name] = stat.S_IMODE(path.stat().st_mode)
        return 0

    old_umask = os.umask(0o022)  # the usual umask, under which SQLite makes files 0644
    store.engine.dispose()  # one pooled connection from here on: the export's own
    try:
        with raw_connection(store.engine) as conn:
            conn.set_progress_handler(look, 500)
        export_encrypted_copy(store.engine, store.key, work / "opslag.db")
    finally:
        os.umask(old_umask)
        with raw_connection(store.engine) as conn:
            conn.set_progress_handler(None, 0)
        accounts.lock(store)
    assert ".opslag.db.tmp" in seen  # the handler did see the copy being written
    assert {name: mode for name, mode in seen.items() if mode != 0o600} == {}
