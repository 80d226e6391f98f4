"""Shared fixtures. Qt runs offscreen; tests that use qapp/qtbot are marked `gui`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before any QApplication exists (Picard's conftest does the same).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from casusoverleg.services import demo
from casusoverleg.services.store import Store
from tests.helpers import stores
from tests.helpers.stores import make_store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a QApplication, so `-m "not gui"` runs without Qt."""
    for item in items:
        if {"qapp", "qtbot", "qtmodeltester"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(scope="session", autouse=True)
def _template_store_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Where make_store keeps the one new store it copies (tests/helpers/stores.py)."""
    stores.use_template_folder(tmp_path_factory.mktemp("sjabloon"))


@pytest.fixture(autouse=True)
def _first_store_may_be_a_copy() -> None:
    """Each test's first make_store is a copy of the template; later ones are made new."""
    stores.new_test()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh, unlocked, encrypted store in tmp_path (closed afterwards)."""
    opened, _recovery = make_store(tmp_path)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (account demo, passphrase demo), made once per test process."""
    folder = tmp_path_factory.mktemp("demo-sjabloon")
    demo.create_demo_store(folder / "demo.db").close()
    return folder


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo store in tmp_path, locked, as `casusoverleg demo` leaves it."""
    for path in demo_template.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path / "demo.db"
