"""Hidden work folders of backups and restores, and the removal of those a killed run left.

A backup writes its copy and its zip inside a hidden folder beside the destination
(`.back-up-…`) and only then gives the zip its name. A killed backup leaves that folder behind
(and older versions left `.<name>.….tmp` files next to it). The next backup into the same folder
removes what is stale:

- a work folder whose lock file (`in-gebruik`, locked with an OS file lock for as long as its
  run lives, and naming that run) is no longer locked: the OS drops the lock when a process
  dies, also on SIGKILL, so this is exact even when a process id is reused;
- a work folder that holds nothing but an unfinished lock file (or nothing at all): a run
  that was killed between making its folder and locking its lock file. A live run is in that
  state for microseconds only; should a cleaner hit it there, that run fails with a Dutch
  message and leaves no half backup;
- any other work folder without a finished lock file, and a loose temp file, once it is more
  than an hour old (a run that is still busy touches its files far more often than that).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import portalocker

from casusoverleg.errors import (
    BadInput,
    CasusoverlegError,
    disk_full,
    is_disk_full,
    os_reason,
)

LOCK_NAME = "in-gebruik"
STALE_SECONDS = 3600.0
# What older versions' backups left beside a `.zip` (`mkstemp(prefix=".<name>.", suffix=".tmp")`);
# narrow on purpose: other programs' temp files in a user's folder are not ours to remove.
_BACKUP_TEMP_FILE = re.compile(r"^\..+\.zip\.[a-z0-9_]{8}\.tmp$")


@contextmanager
def work_dir(parent: Path, prefix: str) -> Iterator[Path]:
    """A new owner-only folder in `parent`, marked as in use until the block ends, then removed."""
    try:
        work = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    except OSError as exc:
        raise _cannot_write(parent, exc) from exc
    try:
        held = _hold(work)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _cannot_write(parent, exc) from exc
        raise
    try:
        yield work
    finally:
        # Closed first: Windows cannot remove a file that is still open.
        held.close()
        shutil.rmtree(work, ignore_errors=True)


def _cannot_write(parent: Path, exc: OSError) -> CasusoverlegError:
    """Why no work folder can be made in `parent`, in Dutch (a full disk has its own error)."""
    if is_disk_full(exc):
        return disk_full(f"een werkmap in {parent}")
    return BadInput(f"Kan niet schrijven in {parent}: {os_reason(exc)}.")


def _hold(work: Path) -> IO[bytes]:
    """Create, lock and then fill the folder's lock file; an empty one is never judged by lock."""
    fd = os.open(work / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fh = os.fdopen(fd, "r+b")
    try:
        portalocker.lock(fh, portalocker.LOCK_EX | portalocker.LOCK_NB)
        run = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        fh.write(json.dumps(run).encode("utf-8"))
        fh.flush()
    except BaseException:
        fh.close()
        raise
    return fh


def remove_stale(
    parent: Path,
    prefixes: tuple[str, ...],
    *,
    backup_temp_files: bool = False,
    now: float | None = None,
) -> int:
    """Remove stale work folders (and, if asked, old backup temp files) in `parent`.

    Returns how many went. Best effort: a folder that cannot be read or an entry that cannot
    be removed is left alone; it never stops the backup that is about to be made.
    """
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        try:
            if entry.is_dir(follow_symlinks=False) and name.startswith(prefixes):
                if _folder_is_stale(Path(entry.path), now):
                    shutil.rmtree(entry.path, ignore_errors=True)
                    removed += not os.path.lexists(entry.path)
            elif (
                backup_temp_files
                and entry.is_file(follow_symlinks=False)
                and _BACKUP_TEMP_FILE.match(name)
                and now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            ):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def _folder_is_stale(folder: Path, now: float) -> bool:
    lock = folder / LOCK_NAME
    try:
        fh = open(lock, "r+b")  # noqa: SIM115 - closed below, after the lock test
    except FileNotFoundError:
        return _holds_only(folder, set()) or _older_than(folder, now)
    except OSError:
        return False
    with fh:
        try:
            portalocker.lock(fh, portalocker.LOCK_EX | portalocker.LOCK_NB)
        except portalocker.LockException:
            return False  # its run is alive
        try:
            # Empty: the run died between creating and filling it (or is just doing that).
            return bool(fh.read(1)) or _holds_only(folder, {LOCK_NAME}) or _older_than(folder, now)
        finally:
            portalocker.unlock(fh)


def _holds_only(folder: Path, names: set[str]) -> bool:
    """Whether `folder` holds exactly the entries `names` (a run that never got further)."""
    try:
        return {child.name for child in folder.iterdir()} == names
    except OSError:
        return False


def _older_than(folder: Path, now: float) -> bool:
    """Whether nothing in `folder` (nor the folder itself) changed within the stale time."""
    try:
        newest = folder.stat().st_mtime
        for child in folder.iterdir():
            newest = max(newest, child.stat().st_mtime)
    except OSError:
        return False
    return now - newest > STALE_SECONDS
