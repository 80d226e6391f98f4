"""Child process for the crash test: writers that create cases until they are killed.

Usage: python crash_child.py STORE ACCOUNT PASSPHRASE

The app's modules are imported once (that takes seconds on the 2-core machine); then, for each
seed the parent writes on stdin, this process forks a writer and prints `pid N`. The writer
unlocks the store itself (nothing open is shared across the fork), creates cases one
transaction at a time and prints each new casusnummer on a line of its own right after the
commit, so the parent knows exactly which cases were committed when it sends SIGKILL. When the
writer is gone this process prints `einde S` (S: the signal that ended it, 0 if none) and waits
for the next seed. Only the `casusoverleg` package is imported, so the script runs from any
working directory. POSIX only (fork); the test is skipped elsewhere.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import date
from pathlib import Path

from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.services import accounts, cases


def _say(line: str) -> None:
    """One line straight to the pipe (no buffer that a fork could copy or a kill could lose)."""
    os.write(sys.stdout.fileno(), (line + "\n").encode())


def write_until_killed(store_path: Path, account: str, passphrase: str, seed: int) -> None:
    """Create cases, one transaction each, and report every commit on stdout."""
    rng = random.Random(seed)
    store = accounts.unlock(store_path, account, passphrase)
    number = 0
    while True:
        number += 1
        # Notes of varying length, so that some transactions span several pages and a kill
        # can land in the middle of writing them.
        notes = "Gesprek met school en ouders. " * rng.choice([0, 1, 40, 150, 400])
        record = cases.create_case(
            store,
            cases.CaseInput(
                first_name=f"Crash{number}",
                last_name="Proef",
                birth_date=date(2014, 3, 12),
                ground=ExemptionGround.THUISZITTER,
                absent_since=date(2025, 1, 6),
                notes=notes,
            ),
        )
        _say(record.case_number)


def main(argv: list[str]) -> int:
    """Fork one writer per seed read from stdin; report its pid and how it ended."""
    store_path, account, passphrase = argv
    for line in sys.stdin:
        seed = int(line)
        pid = os.fork()
        if pid == 0:
            try:
                write_until_killed(Path(store_path), account, passphrase, seed)
            except BaseException as exc:  # a writer that stops by itself: the parent fails
                _say(f"fout {type(exc).__name__}: {exc}")
            finally:
                os._exit(1)
        _say(f"pid {pid}")
        _pid, status = os.waitpid(pid, 0)
        _say(f"einde {os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
