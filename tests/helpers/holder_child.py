"""Child process for the lock tests: hold a store open, write one case when told, then close.

Usage: python holder_child.py STORE ACCOUNT PASSPHRASE

Prints "open" once the store is unlocked (and so locked for everyone else), then waits for a
line on stdin; on it, creates one case, prints its casusnummer and closes the store. Only the
`casusoverleg` package is imported, so the script runs from any working directory.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.services import accounts, cases


def main(argv: list[str]) -> int:
    """Hold the store until told to write, write one case, report it and close."""
    store_path, account, passphrase = argv
    store = accounts.unlock(Path(store_path), account, passphrase)
    try:
        print("open", flush=True)
        sys.stdin.readline()
        record = cases.create_case(
            store,
            cases.CaseInput(
                first_name="Houder",
                last_name="Proef",
                birth_date=date(2014, 3, 12),
                ground=ExemptionGround.THUISZITTER,
                absent_since=date(2025, 1, 6),
            ),
        )
        print(record.case_number, flush=True)
    finally:
        accounts.lock(store)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
