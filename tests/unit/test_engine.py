"""The engine refuses plain SQLite and never creates a store from a mistyped path."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from casusoverleg.errors import BadInput, DamagedStore, WrongKey
from casusoverleg.store.engine import make_engine, require_cipher


def test_a_sqlite_without_sqlcipher_is_refused() -> None:
    plain = sqlite3.connect(":memory:")
    with pytest.raises(DamagedStore, match="niet versleutelen"):
        require_cipher(plain)


def test_a_plain_sqlite_file_does_not_open_as_a_store(tmp_path: Path) -> None:
    path = tmp_path / "excel-export.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(WrongKey, match="geen Casusoverleg-opslag"):
        make_engine(path, os.urandom(32))
    assert path.read_bytes() == before


def test_a_missing_path_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="Geen opslag"):
        make_engine(tmp_path / "typfout.db", os.urandom(32))
    assert list(tmp_path.iterdir()) == []
