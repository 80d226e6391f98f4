"""One store, one running app: a lock file that names account, host and time.

The lock file is held with an OS file lock while the store is open; the OS drops that lock when
the process dies, so a lock file that can be locked again is stale and is taken over.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path
from typing import IO

from casusoverleg.errors import StoreInUse

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh: IO[bytes]) -> bool:
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh: IO[bytes]) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class StoreLock:
    """Exclusive use of one store by one process."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path.with_name(store_path.name + ".lock")
        self._fh: IO[bytes] | None = None

    def acquire(self, account: str) -> None:
        """Take the lock or raise StoreInUse naming who holds it."""
        while True:
            fh = open(self.path, "a+b")  # noqa: SIM115 - held open for the life of the lock
            if not _try_lock(fh):
                fh.seek(0)
                holder = _describe(fh.read())
                fh.close()
                raise StoreInUse(
                    f"De opslag is in gebruik {holder}. Sluit het programma daar eerst af."
                )
            if _is_current(fh, self.path):
                break
            # The holder removed the file between our open and our lock: this lock is on a
            # file nobody else will look at, so start again on the one at the path now.
            _unlock(fh)
            fh.close()
        os.chmod(self.path, 0o600)
        fh.seek(0)
        fh.truncate()
        info = {
            "account": account,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        fh.write(json.dumps(info).encode("utf-8"))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        if self._fh is None:
            return
        fh, self._fh = self._fh, None
        fh.seek(0)
        fh.truncate()
        if os.name == "nt":  # pragma: no cover - an open file cannot be removed there
            _unlock(fh)
            fh.close()
            self.path.unlink(missing_ok=True)
            return
        # Remove the name while still locked: whoever opened the old file meanwhile then sees
        # (in acquire) that it is gone, instead of holding a lock that no one else checks.
        self.path.unlink(missing_ok=True)
        _unlock(fh)
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


def _describe(raw: bytes) -> str:
    try:
        info = json.loads(raw.decode("utf-8"))
        since = datetime.fromisoformat(info["since"]).strftime("%d-%m-%Y %H:%M")
        return f"door account {info['account']} op {info['host']} sinds {since}"
    except (ValueError, KeyError, TypeError):
        return "door een ander programma"
