"""A small file system to fill up in a test: tmpfs when root, else a file-size limit.

`small_disk(tmp_path)` mounts a tmpfs of a few hundred KiB (root only) and unmounts it after.
Where that is impossible, `fsize_limit(kib)` gives a `preexec_fn` for a subprocess that limits
every file it writes (RLIMIT_FSIZE, SIGXFSZ ignored, so a write fails with EFBIG instead of
killing the process): the closest a non-root test gets to a full disk.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class NoSmallDisk(Exception):
    """A small file system cannot be made here (the reason is the message)."""


@contextmanager
def small_disk(tmp_path: Path, size_kib: int = 1024) -> Iterator[Path]:
    """A fresh tmpfs of `size_kib` KiB under tmp_path; raises NoSmallDisk if it cannot be made."""
    if os.name != "posix" or os.geteuid() != 0:
        raise NoSmallDisk("een tmpfs aankoppelen kan alleen als root op Linux")
    mount = shutil.which("mount")
    if mount is None:
        raise NoSmallDisk("geen mount-programma")
    point = tmp_path / "kleine-schijf"
    point.mkdir()
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise NoSmallDisk(f"mount weigerde: {done.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def fill(folder: Path) -> Path:
    """Write a filler file until the disk is full; returns it (delete it to free the space)."""
    filler = folder / "vulling"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    block = b"\0" * 4096
    try:
        while True:
            os.write(fd, block)
    except OSError:
        pass
    finally:
        os.close(fd)
    # The last few bytes: a write of one block can fail while a smaller one still fits.
    fd = os.open(filler, os.O_WRONLY | os.O_APPEND)
    try:
        while True:
            os.write(fd, b"\0" * 64)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def fsize_limit(kib: int) -> Callable[[], None]:
    """A preexec_fn: every file the child writes stops at `kib` KiB (EFBIG, not a signal)."""

    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (kib * 1024, kib * 1024))

    return limit
