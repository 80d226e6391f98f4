"""Shared fixtures. Qt runs offscreen; tests that use qapp/qtbot are marked `gui`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before any QApplication exists (Picard's conftest does the same).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from casusoverleg.services.store import Store
from tests.helpers.stores import make_store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a QApplication, so `-m "not gui"` runs without Qt."""
    for item in items:
        if {"qapp", "qtbot", "qtmodeltester"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh, unlocked, encrypted store in tmp_path (closed afterwards)."""
    opened, _recovery = make_store(tmp_path)
    yield opened
    opened.close()
