"""Where a command or screen may write a file the user chose, and how it writes it.

One guard for every export, print, calendar file and backup: never onto the store, its key
file, WAL, lock or any other file beside it (all are named after the store), never onto a
folder, and never over an existing file unless the caller says `overwrite`. Files are written
to a temp file in the target's own folder (same file system), synced, and renamed into place,
so a failed write leaves an existing target as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from casusoverleg.errors import BadInput, disk_full, is_disk_full, os_reason
from casusoverleg.store.keyslots import KeyFile, fsync_dir
from casusoverleg.store.lock import StoreLock

T = TypeVar("T")

# Files SQLite and the app keep beside the store (each named `<store><suffix>`).
SIDE_SUFFIXES = (
    "-wal",
    "-shm",
    "-journal",
    ".lock",
    ".mislukt.jsonl",
    ".keys.json",
    ".keys.new",
    ".logboek-wacht.json",  # services/pending_log.py: log lines waiting for disk space
    ".logkop.json",  # the log anchor (services.anchor)
    ".vertraging.json",  # services/backoff.py: wrong passphrases counted for the back-off
)


def _exists_message(target: Path) -> str:
    return f"{target} bestaat al; gebruik --overwrite om het te vervangen."


def _store_message(target: Path) -> str:
    return (
        f"{target} is de opslag zelf of een bestand ernaast (sleutels, WAL, vergrendeling); "
        "kies een andere plek."
    )


def _real(path: Path) -> Path:
    """The absolute path with every symlink resolved (also when the file does not exist)."""
    return Path(os.path.realpath(os.path.abspath(path)))


def _named_after_store(store: Path, candidate: Path) -> bool:
    """Whether `candidate` sits in the store's folder with a name that starts with the store's."""
    # Case-folded: on Windows and macOS `Zaken.db` and `zaken.db` are the same file.
    same_folder = os.path.normcase(str(candidate.parent)) == os.path.normcase(str(store.parent))
    return same_folder and candidate.name.casefold().startswith(store.name.casefold())


def store_files(store_path: Path) -> tuple[Path, ...]:
    """The store and every file that belongs beside it, as absolute paths."""
    store_abs = Path(os.path.abspath(store_path))
    named = (store_abs.with_name(store_abs.name + suffix) for suffix in SIDE_SUFFIXES)
    return (store_abs, KeyFile.path_for(store_abs), StoreLock(store_abs).path, *named)


def is_store_file(store_path: Path, target: Path) -> bool:
    """Whether writing `target` could touch the store at `store_path` or a file beside it."""
    store_real = _real(store_path)
    store_abs = Path(os.path.abspath(store_path))
    # The store as named (a symlink to the store has its side files beside the link).
    store_named = _real(store_abs.parent) / store_abs.name
    target_abs = Path(os.path.abspath(target))
    # The path as given (its folder resolved) and the fully resolved path (a symlink's target).
    candidates = {_real(target_abs.parent) / target_abs.name, _real(target_abs)}
    own = {_real(p) for p in store_files(store_path)}
    for candidate in candidates:
        if candidate in own or any(
            _named_after_store(s, candidate) for s in (store_real, store_named)
        ):
            return True
    try:
        # A hard link or another name for the very same file.
        return target_abs.exists() and os.path.samefile(target_abs, store_real)
    except OSError:
        return False


def check_target(store_path: Path, target: Path | str, *, overwrite: bool = False) -> Path:
    """The absolute target path if a file may be written there; BadInput (Dutch) otherwise."""
    target = Path(os.path.abspath(Path(target).expanduser()))
    if is_store_file(store_path, target):
        raise BadInput(_store_message(target))
    if target.is_dir():
        raise BadInput(f"{target} is een map; geef een bestandsnaam.")
    if not target.parent.is_dir():
        raise BadInput(f"De map {target.parent} bestaat niet.")
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise BadInput(_exists_message(target))
    return target


def write_atomically(
    store_path: Path,
    target: Path | str,
    write: Callable[[str], T],
    *,
    overwrite: bool = False,
    before_replace: Callable[[T], None] | None = None,
) -> T:
    """Check `target`, let `write` fill a temp file beside it, sync, and rename it into place.

    `write` gets the temp file's path and returns what the caller needs (a count, pages).
    `before_replace` runs when the file is complete but not yet in place (callers log there:
    a file that cannot be logged is not made). On any error the temp file is removed and an
    existing target is left untouched. The file is readable by its owner only.
    """
    target = check_target(store_path, target, overwrite=overwrite)
    try:
        # mkstemp makes the file 0o600 from the start: no moment where others may read it.
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(target.name) from exc
        raise BadInput(f"Kan niet schrijven in {target.parent}: {os_reason(exc)}.") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        result = write(name)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        if before_replace is not None:
            before_replace(result)
        publish(tmp, target, overwrite=overwrite)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise disk_full(target.name) from exc
        if isinstance(exc, OSError):
            raise BadInput(f"Kan {target.name} niet schrijven: {os_reason(exc)}.") from exc
        raise
    fsync_dir(target.parent)
    return result


def publish(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Give a finished temp file its name; without `overwrite`, never replace an existing file."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        # A hard link fails if the target exists, even when it appeared a moment ago.
        os.link(tmp, target)
    except FileExistsError as exc:
        raise BadInput(_exists_message(target)) from exc
    except OSError:
        # File systems without hard links (FAT on a USB stick): check, then rename.
        if target.exists() or target.is_symlink():
            raise BadInput(_exists_message(target)) from None
        os.replace(tmp, target)
        return
    tmp.unlink()
