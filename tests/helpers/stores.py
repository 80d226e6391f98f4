"""Real encrypted stores for tests, made with cheap Argon2id parameters."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path

from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.services import accounts, cases, pending_log
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw
from casusoverleg.store.keyslots import FAST_KDF, KeyFile

ACCOUNT = "secretaris"
PASSPHRASE = "correct paard batterij nietje"


class _Template:
    """One new store per test process, copied for the first store a test makes.

    Creating a store runs every migration (~0.3 s); a copy is opened in ~0.05 s. Only the first
    store of a test is a copy: a second one is made new, so two stores of one test never share a
    key or a recovery key (tests of "the other store's key does not fit" stay real).
    """

    folder: Path | None = None  # set per test session (tests/conftest.py); None: no copies
    path: Path | None = None
    recovery_key = ""
    taken = True  # the current test already has its copy (or no test runs)

    @classmethod
    def copy_to(cls, path: Path) -> Store:
        if cls.path is None:
            assert cls.folder is not None
            created = accounts.init_store(
                cls.folder / "sjabloon.db", ACCOUNT, PASSPHRASE, kdf=FAST_KDF
            )
            created.store.close()
            cls.path, cls.recovery_key = created.store.path, created.recovery_key
        if path.exists() or not path.parent.is_dir():
            raise AssertionError(f"make_store: {path} bestaat al of de map ontbreekt")
        shutil.copyfile(cls.path, path)
        shutil.copyfile(KeyFile.path_for(cls.path), KeyFile.path_for(path))
        key_file = KeyFile.load(KeyFile.path_for(path))
        store = accounts._open(path, ACCOUNT, key_file.unwrap(ACCOUNT, PASSPHRASE), key_file)
        pending_log.reserve(path)  # as init_store leaves it
        return store


def use_template_folder(folder: Path) -> None:
    """Keep the template store in `folder` (the test session's temporary folder)."""
    _Template.folder = folder


def new_test() -> None:
    """Called before each test (tests/conftest.py): its first store may be a copy again."""
    _Template.taken = _Template.folder is None


def make_store(directory: Path, name: str = "casusoverleg.db") -> tuple[Store, str]:
    """A new store with one account (ACCOUNT/PASSPHRASE); returns it and its recovery key."""
    if not _Template.taken:
        _Template.taken = True
        return _Template.copy_to(directory / name), _Template.recovery_key
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
