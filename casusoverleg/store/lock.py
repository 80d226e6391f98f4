"""One store, one running app: an OS lock on the store file itself, and a note of who holds it.

The guarantee is a lock on one byte of the store file, in SQLite's lock-byte page: the page at
1 GiB (PENDING_BYTE, 0x40000000) that SQLite never reads or writes. SQLite's own locks use the
first 512 bytes of that page (PENDING, RESERVED and the 510-byte SHARED range); our byte lies
past them (at +0x300), so it never conflicts with SQLite in this or another process, and it
stays inside the page for every page size of 1 KiB or more (SQLCipher's default is 4 KiB). A
lock on the store file cannot be bypassed by deleting a file: the OS drops it only when the
holder closes it or dies.

- Linux: an open-file-description lock (F_OFD_SETLK). A classic POSIX lock would be dropped
  as soon as SQLite closes any of its own descriptors of the store (POSIX locks belong to the
  process and go with the first close); an OFD lock belongs to our descriptor only.
- Windows: msvcrt.locking on that one byte, after seeking to it. Windows locks are mandatory,
  so a lock over bytes SQLite reads (portalocker locks bytes 0 to 64 KiB) would block SQLite
  itself; the lock-byte page is never read.
- Other POSIX systems (macOS): a classic POSIX lock on that byte (no OFD locks there); it holds
  while SQLite keeps its descriptor open, and the note's own lock stays as a second line.

The `<store>.lock` note says account, host and time for the "in use" message. It is held with
its own OS lock too, for the moments when no store file exists yet (init, a restore into an
empty folder), but deleting it no longer lets anyone in.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from casusoverleg.errors import BadInput, StoreInUse, os_reason

# SQLite's PENDING_BYTE; its own lock bytes end at PENDING_BYTE + 2 + 510.
_PENDING_BYTE = 0x40000000
HOLDER_BYTE = _PENDING_BYTE + 0x300
# The note is locked on a byte past its text, so (on Windows) the text stays readable.
_NOTE_BYTE = 0x100000

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int, offset: int) -> bool:
        os.lseek(fd, offset, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int, offset: int) -> None:
        os.lseek(fd, offset, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    _OFD = getattr(fcntl, "F_OFD_SETLK", None)

    def _flock_struct(kind: int, offset: int) -> bytes:
        # struct flock {short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid;}
        # with native alignment; padded, since the kernel reads sizeof(struct flock) bytes.
        return struct.pack("@hhqqi", kind, os.SEEK_SET, offset, 1, 0).ljust(64, b"\0")

    def _try_lock(fd: int, offset: int) -> bool:
        try:
            if _OFD is not None:
                fcntl.fcntl(fd, _OFD, _flock_struct(fcntl.F_WRLCK, offset))
            else:  # pragma: no cover - macOS and the BSDs
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
        except OSError:
            return False
        return True

    def _unlock(fd: int, offset: int) -> None:
        with contextlib.suppress(OSError):
            if _OFD is not None:
                fcntl.fcntl(fd, _OFD, _flock_struct(fcntl.F_UNLCK, offset))
            else:  # pragma: no cover
                fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)


_IN_USE = "De opslag is in gebruik {holder}. Sluit het programma daar eerst af."


class StoreLock:
    """Exclusive use of one store by one process."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self.path = store_path.with_name(store_path.name + ".lock")
        self._fh: IO[bytes] | None = None
        self._held: list[int] = []  # descriptors of store files whose holder byte we lock

    def acquire(self, account: str) -> None:
        """Take the lock or raise StoreInUse naming who holds it."""
        fh = self._lock_note()
        try:
            if self.store_path.exists():
                self.hold(self.store_path)
        except BaseException:
            # The store is held by a process whose note was removed: this note is no one's.
            self._drop_note(fh)
            raise
        self._fh = fh
        info = {
            "account": account,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        try:
            os.chmod(self.path, 0o600)
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps(info).encode("utf-8"))
            fh.flush()
        except OSError:
            pass  # a full disk: the note is only for the message, the OS lock is the guarantee

    def _lock_note(self) -> IO[bytes]:
        while True:
            # Unbuffered: on a full disk a failed note write must not come back at close.
            fh = open(self.path, "a+b", buffering=0)  # noqa: SIM115 - held open for the lock
            if not _try_lock(fh.fileno(), _NOTE_BYTE):
                holder = _read_holder(fh)
                fh.close()
                raise StoreInUse(_IN_USE.format(holder=holder))
            if _is_current(fh, self.path):
                return fh
            # The holder removed the file between our open and our lock: this lock is on a
            # file nobody else will look at, so start again on the one at the path now.
            _unlock(fh.fileno(), _NOTE_BYTE)
            fh.close()

    def hold(self, store_file: Path) -> None:
        """Lock the holder byte of a store file (the store, or a file about to become it)."""
        try:
            fd = os.open(store_file, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except OSError as exc:
            raise BadInput(
                f"De opslag {store_file} kan niet worden geopend: {os_reason(exc)}."
            ) from exc
        if not _try_lock(fd, HOLDER_BYTE):
            os.close(fd)
            holder = "door een ander programma"
            with contextlib.suppress(OSError), open(self.path, "rb") as note:
                holder = _read_holder(note)
            raise StoreInUse(_IN_USE.format(holder=holder))
        self._held.append(fd)

    @contextlib.contextmanager
    def swapping(self, new_file: Path) -> Iterator[None]:
        """Hold `new_file` across the renames (in the block) that make it the store.

        On POSIX the lock follows the file through a rename, so it is taken before. Windows
        cannot rename a file that is open, so there the old store is let go of before and the
        new one held after; the note's lock keeps others out for that moment.
        """
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            self._let_go_of_store_files()
            yield
            self.hold(self.store_path)
        else:
            self.hold(new_file)
            yield

    def _let_go_of_store_files(self) -> None:
        held, self._held = self._held, []
        for fd in held:
            _unlock(fd, HOLDER_BYTE)
            os.close(fd)

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        self._let_go_of_store_files()
        if self._fh is None:
            return
        fh, self._fh = self._fh, None
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
        self._drop_note(fh)

    def _drop_note(self, fh: IO[bytes]) -> None:
        """Remove the note and give up its lock."""
        if os.name == "nt":  # pragma: no cover - an open file cannot be removed there
            _unlock(fh.fileno(), _NOTE_BYTE)
            fh.close()
            with contextlib.suppress(OSError):  # another process may have it open to read
                self.path.unlink(missing_ok=True)
            return
        # Remove the name while still locked: whoever opened the old file meanwhile then sees
        # (in acquire) that it is gone, instead of holding a lock that no one else checks.
        self.path.unlink(missing_ok=True)
        _unlock(fh.fileno(), _NOTE_BYTE)
        fh.close()

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fh is not None


def _is_current(fh: IO[bytes], path: Path) -> bool:
    """Whether the open file is still the one at `path` (not removed or replaced)."""
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fh.fileno())
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


def _read_holder(fh: IO[bytes]) -> str:
    try:
        fh.seek(0)
        return _describe(fh.read(4096))
    except OSError:
        return "door een ander programma"


def _describe(raw: bytes) -> str:
    try:
        info = json.loads(raw.decode("utf-8"))
        since = datetime.fromisoformat(info["since"]).strftime("%d-%m-%Y %H:%M")
        return f"door account {info['account']} op {info['host']} sinds {since}"
    except (ValueError, KeyError, TypeError):
        return "door een ander programma"


class NoFileLock(StoreLock):
    """The lock of a store on a server: several clients work at once, so nothing is held.

    The server's transactions keep the data consistent (issue 15); the one-process lock file
    of an embedded store has no meaning there and is never written.
    """

    def acquire(self, account: str) -> None:
        """Nothing to take."""

    def hold(self, store_file: Path) -> None:
        """Nothing to hold."""

    def release(self) -> None:
        """Nothing to give up."""
