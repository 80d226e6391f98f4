"""Child process for the crash test: unlock a store and create cases until it is killed.

Usage: python crash_child.py STORE ACCOUNT PASSPHRASE SEED

After each commit it prints the new casusnummer on a line of its own and flushes, so that the
parent knows exactly which cases were committed before it killed this process. Only the
`casusoverleg` package is imported, so the script runs from any working directory.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.services import accounts, cases


def main(argv: list[str]) -> int:
    """Create cases, one transaction each, and report every commit on stdout."""
    store_path, account, passphrase, seed = argv
    rng = random.Random(int(seed))
    store = accounts.unlock(Path(store_path), account, passphrase)
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
        sys.stdout.write(record.case_number + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
