"""Fixtures for tests against a real PostgreSQL server (tests/helpers/postgres.py).

`pg_server` and `pg_url` are in tests/conftest.py, so that any test can use a server store (the
`both_kinds` marker)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server store's local folder (casusoverleg.paths.server_folder) under tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
