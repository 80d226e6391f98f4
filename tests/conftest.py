"""Shared fixtures. Qt runs offscreen; tests that use qapp/qtbot are marked `gui`."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before any QApplication exists (Picard's conftest does the same).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from casusoverleg.services import demo
from casusoverleg.services.store import Store
from tests.helpers import stores
from tests.helpers.postgres import PgServer, start_server
from tests.helpers.stores import make_store

EMBEDDED = "eigen"
SERVER = "server"
_NUMBERS = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_kinds: the `store` fixture is an embedded store and a store on a PostgreSQL "
        "server in turn (issue 15: the services behave the same on both)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked both_kinds that uses `store` runs on an embedded store and on a server."""
    if "store" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_kinds"):
        metafunc.parametrize("store", [EMBEDDED, SERVER], indirect=True)


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of this test process (tests/helpers/postgres.py), started once."""
    try:
        server = start_server()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A new, empty database on the test server."""
    return pg_server.create_database(f"t_{next(_NUMBERS)}")


@pytest.fixture(scope="session")
def server_template(pg_server: PgServer) -> str:
    """One new server store per test process (cheap Argon2), copied for each test."""
    from casusoverleg.services import accounts
    from casusoverleg.services.server_store import init_server_store
    from casusoverleg.store.keyslots import FAST_KDF

    name = f"sjabloon_{uuid.uuid4().hex[:8]}"
    created = init_server_store(
        pg_server.create_database(name), stores.ACCOUNT, stores.PASSPHRASE, kdf=FAST_KDF
    )
    accounts.lock(created.store)
    created.store.engine.dispose()  # a template database takes no connections
    return name


@pytest.fixture
def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """A fresh, unlocked store (closed afterwards): an encrypted file in tmp_path or, for a test
    marked both_kinds, in turn also a store on a PostgreSQL server."""
    if getattr(request, "param", EMBEDDED) == SERVER:
        from casusoverleg.services import accounts
        from casusoverleg.services.server_store import unlock_server

        # The server store's own folder on this computer (paths.server_folder) under tmp_path.
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        server: PgServer = request.getfixturevalue("pg_server")
        template: str = request.getfixturevalue("server_template")
        url = server.copy_database(template, f"t_{next(_NUMBERS)}_{uuid.uuid4().hex[:6]}")
        opened = unlock_server(url, stores.ACCOUNT, stores.PASSPHRASE)
        yield opened
        accounts.lock(opened)
        opened.engine.dispose()
        return
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
