"""Real encrypted stores for tests, made with cheap Argon2id parameters."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.services import accounts, cases
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw
from casusoverleg.store.keyslots import FAST_KDF

ACCOUNT = "secretaris"
PASSPHRASE = "correct paard batterij nietje"


def make_store(directory: Path, name: str = "casusoverleg.db") -> tuple[Store, str]:
    """A new store with one account (ACCOUNT/PASSPHRASE); returns it and its recovery key."""
    created = accounts.init_store(directory / name, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    return created.store, created.recovery_key


def sample_case(first: str = "Sanne", last: str = "de Vries", **kwargs: object) -> cases.CaseInput:
    """A valid case input; override any field by keyword."""
    values: dict[str, object] = {
        "first_name": first,
        "last_name": last,
        "birth_date": date(2014, 3, 12),
        "ground": ExemptionGround.ART5_A,
        "school": "Basisschool De Fonkeling",
        "registered_on": date(2026, 9, 1),
    }
    values.update(kwargs)
    return cases.CaseInput(**values)  # type: ignore[arg-type]


def content_hash(path: Path, key: bytes) -> str:
    """A hash over every row of every table, independent of page layout (for backup tests)."""
    digest = hashlib.sha256()
    conn = connect_raw(path, key)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        for table in tables:
            digest.update(table.encode())
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):  # noqa: S608
                digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()


def cli_env(
    store_path: Path, passphrase: str = PASSPHRASE, account: str = ACCOUNT
) -> dict[str, str]:
    """Environment for running the CLI non-interactively against a test store."""
    env = dict(os.environ)
    env["CASUSOVERLEG_STORE"] = str(store_path)
    env["CASUSOVERLEG_USER"] = account
    env["CASUSOVERLEG_PASSPHRASE"] = passphrase
    env.pop("QT_QPA_PLATFORM", None)
    return env
