"""README's steps for setting up a server, run as written against a real PostgreSQL: one
database owned by a group role, a login per person working as that role (issue 15)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import accounts, cases
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.postgres import SUPERUSER, PgServer
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case

README = Path(__file__).resolve().parents[2] / "README.md"


def _sql_blocks() -> list[list[str]]:
    """The SQL of the README's set-up steps, statement by statement (psql's \\ commands left out:
    they ask for a password at the keyboard)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("### Een server inrichten")
    section = text[start : text.index("\n## ", start)]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    return [
        [line for line in map(str.strip, block.splitlines()) if line and line[0] != "\\"]
        for block in blocks
    ]


def _psql(server: PgServer, statement: str) -> None:
    done = server.run(
        "psql", "-h", str(server.socket_dir), "-U", SUPERUSER, "-d", "postgres",
        "-v", "ON_ERROR_STOP=1", "-c", statement,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _url(server: PgServer, login: str) -> str:
    return f"postgresql+psycopg://{login}@/casusoverleg?host={server.socket_dir}"


@pytest.fixture
def set_up(pg_server: PgServer) -> Iterator[PgServer]:
    """A server set up by README's steps, with logins for jdevries and pbakker."""
    once, per_person = _sql_blocks()
    assert any("CREATE DATABASE casusoverleg" in line for line in once)
    for statement in once:
        _psql(pg_server, statement)
    for login in ("jdevries", "pbakker"):
        for statement in per_person:
            _psql(pg_server, statement.replace("jdevries", login))
    yield pg_server
    _psql(pg_server, "DROP DATABASE casusoverleg")
    for role in ("jdevries", "pbakker", "casusoverleg"):
        _psql(pg_server, f"DROP ROLE {role}")


def test_two_logins_set_up_as_the_readme_says_share_one_store(set_up: PgServer) -> None:
    # The first person makes the store with their own login; a colleague's login reaches it.
    made = init_server_store(_url(set_up, "jdevries"), ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    cases.create_case(made.store, sample_case("Noor", "Veenstra", case_number="2026-0701"))
    accounts.lock(made.store)

    colleague = unlock_server(_url(set_up, "pbakker"), ACCOUNT, PASSPHRASE)
    try:
        assert [c.case_number for c in cases.list_cases(colleague)] == ["2026-0701"]
    finally:
        accounts.lock(colleague)


def test_a_login_not_set_up_cannot_reach_the_store(set_up: PgServer) -> None:
    accounts.lock(
        init_server_store(_url(set_up, "jdevries"), ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store
    )
    _psql(set_up, "CREATE ROLE buitenstaander LOGIN")
    try:
        with pytest.raises(CasusoverlegError) as refused:
            unlock_server(_url(set_up, "buitenstaander"), ACCOUNT, PASSPHRASE)
        # In Dutch, without libpq's English.
        assert "De server weigert de aanmelding" in refused.value.message
    finally:
        _psql(set_up, "DROP ROLE buitenstaander")
