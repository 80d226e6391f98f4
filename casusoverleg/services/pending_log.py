"""Log lines that wait for disk space: unlock, lock and backup on a full disk.

When the store's disk is full, nothing can be written to the store, not even its log. Reading
still works (store/engine.py opens it read-only), so `check` and a backup to another disk go
on; their log lines (unlock, backup, lock) wait here and are written into the chain, with their
own time, at the next write that succeeds (the next unlock with space, at the latest).

Where they wait: a side file `<store>.logboek-wacht.json` of a fixed size, made while there was
space and overwritten in place (on ext4, NTFS and tmpfs that needs no new blocks), plus memory
for the life of the process when the file is missing or full. Only these actions may wait, and
their lines carry no data about a child (no case number, no name): account, workstation, time,
action and a fixed detail. Every other write on a full disk fails with DiskFull, so an edit is
never logged "later": it is not made at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import weakref
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services.store import Store

SUFFIX = ".logboek-wacht.json"
SIZE = 16 * 1024
# Actions whose line may wait: none of them names a case.
DEFERRABLE = frozenset({str(AuditAction.UNLOCK), str(AuditAction.LOCK), str(AuditAction.BACKUP)})
WAITING_NOTE = "Het logboek wordt bijgewerkt zodra er weer ruimte is."
_EMPTY: dict[str, Any] = {"lines": [], "lost": 0}


@dataclass(frozen=True)
class WaitingLine:
    """One log line that could not be written yet (no data about a child)."""

    at: str  # ISO time, UTC
    account: str
    workstation: str
    action: str
    object_type: str = ""
    object_id: str = ""
    result: str = "ok"
    detail: str = ""
    settings: dict[str, str] = field(default_factory=dict)


@dataclass
class Waiting:
    """What waits for one store: lines, lines that fitted nowhere, and a damaged file."""

    lines: list[WaitingLine] = field(default_factory=list)
    lost: int = 0
    damaged: bool = False

    def __bool__(self) -> bool:
        return bool(self.lines or self.lost or self.damaged)


@dataclass
class _State:
    memory: list[WaitingLine] = field(default_factory=list)  # lines the file could not take
    lost: int = 0
    file_checked: bool = False  # the file was read once; after that only this process adds
    file_has_lines: bool = False
    reserved: bool = False
    deferred: bool = False  # a line of this store object had to wait


_states: weakref.WeakKeyDictionary[Store, _State] = weakref.WeakKeyDictionary()
# Lines this process had to keep waiting: in a side file, or only in memory (gone at exit).
_kept = {"file": 0, "memory": 0}


def path_for(store_path: Path) -> Path:
    """The side file of log lines that wait for space."""
    return store_path.with_name(store_path.name + SUFFIX)


def _state(store: Store) -> _State:
    state = _states.get(store)
    if state is None:
        state = _states[store] = _State()
    return state


def _read_file(path: Path) -> Waiting:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Waiting()
    except OSError:
        return Waiting(damaged=True)
    try:
        data = json.loads(raw.decode("utf-8"))
        lines = [WaitingLine(**line) for line in data["lines"]]
        lost = int(data["lost"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return Waiting(damaged=True)
    return Waiting(lines, lost)


def _overwrite(path: Path, data: dict[str, Any], *, create: bool = False) -> bool:
    """Write `data` into the file in place, padded to SIZE; False if it does not fit or fails."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(body) > SIZE:
        return False
    flags = os.O_RDWR | getattr(os, "O_BINARY", 0) | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        return False
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, body.ljust(SIZE, b" "))
        os.fsync(fd)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def has_waiting(store: Store) -> bool:
    """Whether lines wait for this store (the file is read once per opened store)."""
    state = _state(store)
    if not state.file_checked:
        state.file_checked = True
        state.file_has_lines = bool(_read_file(path_for(store.path)))
    return state.file_has_lines or bool(state.memory) or state.lost > 0


def keep(store: Store, line: WaitingLine) -> None:
    """Keep a line until space returns: in the side file if it fits, else in memory."""
    state = _state(store)
    state.deferred = True
    path = path_for(store.path)
    on_file = _read_file(path)
    if path.exists() and not on_file.damaged:
        data: dict[str, Any] = {
            "lines": [asdict(x) for x in (*on_file.lines, line)],
            "lost": on_file.lost,
        }
        if _overwrite(path, data):
            state.file_checked = state.file_has_lines = True
            _kept["file"] += 1
            return
        # Full: the file still says that a line is missing, if that much fits.
        if _overwrite(path, {**data, "lines": data["lines"][:-1], "lost": on_file.lost + 1}):
            state.file_checked = state.file_has_lines = True
            return
    state.memory.append(line)
    _kept["memory"] += 1


def take_file(store_path: Path) -> Waiting:
    """What waits in the side file of the store at `store_path`."""
    return _read_file(path_for(store_path))


def take(store: Store) -> Waiting:
    """Everything that waits for this store (file first, then memory), without removing it."""
    state = _state(store)
    on_file = _read_file(path_for(store.path))
    return Waiting([*on_file.lines, *state.memory], on_file.lost + state.lost, on_file.damaged)


def written(store: Store, *, flushed: bool) -> None:
    """After a successful write: empty the waiting lines if they went in, and keep room."""
    state = _state(store)
    path = path_for(store.path)
    if flushed:
        state.memory.clear()
        state.lost = 0
        state.file_has_lines = False
        state.file_checked = True
        if path.exists() and not _overwrite(path, _EMPTY):
            with contextlib.suppress(OSError):
                path.unlink()
    if not state.reserved:
        state.reserved = True
        reserve(store.path)


def reserve(store_path: Path) -> None:
    """Make the side file (full size, so later writes need no new space) if it is missing."""
    path = path_for(store_path)
    try:
        if path.stat().st_size >= SIZE:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    current = _read_file(path)
    data = (
        _EMPTY
        if current.damaged
        else {
            "lines": [asdict(x) for x in current.lines],
            "lost": current.lost,
        }
    )
    if not _overwrite(path, data, create=True):
        # No room for it now; lines wait in memory until it can be made.
        with contextlib.suppress(OSError):
            if path.stat().st_size < SIZE and not current:
                path.unlink()


def waiting(store: Store) -> bool:
    """Whether a log line of this (possibly closed) store object had to wait for space."""
    state = _states.get(store)
    return state is not None and state.deferred and has_waiting(store)


def note_for_this_process() -> str | None:
    """What a command should say at its end about lines that waited (None: nothing waited)."""
    if _kept["memory"]:
        return (
            f"De schijf is vol: {_kept['memory']} logregel(s) (ontgrendelen, vergrendelen, "
            "back-up) konden nergens worden bewaard en ontbreken in het logboek."
        )
    if _kept["file"]:
        return WAITING_NOTE
    return None
