"""`check` on a store on a server (issue 15): the log chain, the key slots against their tags,
the schema revision, and every sealed value of the children's columns opening in its own row;
damage done with raw SQL on the server is reported, never the value itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from casusoverleg.errors import BadInput
from casusoverleg.services import accounts, backup
from casusoverleg.services.server_store import init_server_store
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from tests.e2e.test_cli import run
from tests.helpers import scenario
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:
    made = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store
    scenario.build(made)
    yield made
    accounts.lock(made)


def _sql(store: Store, sql: str, **params: object) -> None:
    """Raw SQL on the server, past the sealing sessions (as someone with server access)."""
    with store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _ids(store: Store, table: str) -> list[int]:
    with store.engine.connect() as conn:
        sql = text(f"SELECT id FROM {table} ORDER BY id")  # noqa: S608 - fixed names
        return [int(r[0]) for r in conn.execute(sql)]


def _text(report: backup.CheckReport) -> str:
    return "\n".join(report.lines())


def test_a_sound_server_store_checks_ok(store: Store) -> None:
    report = backup.check(store)
    assert report.ok, report.lines()
    assert report.server is not None
    assert report.server.values_checked > 20
    assert report.cases and report.actions and report.audit_events
    assert report.schema_revision == report.expected_revision
    out = _text(report)
    assert "Versleutelde gegevens in orde" in out
    assert "Sleutels op de server in orde (2 sleutel(s)" in out
    assert "geen bestand om te controleren" in out
    assert "Logboek klopt met het ankerbestand" in out


@pytest.mark.parametrize(
    ("table", "column"),
    [("case_file", "first_name"), ("case_file", "birth_date"), ("minutes_entry", "notes")],
)
def test_a_sealed_value_copied_into_another_row_is_reported(
    store: Store, table: str, column: str
) -> None:
    first, second = _ids(store, table)[:2]
    _sql(
        store,
        f"UPDATE {table} SET {column} = (SELECT {column} FROM {table} WHERE id = :a) "  # noqa: S608
        "WHERE id = :b",
        a=first,
        b=second,
    )
    report = backup.check(store)
    assert not report.ok
    assert report.server is not None and report.server.sealed_problem_count == 1
    out = _text(report)
    assert f"tabel {table}, kolom {column}, rij {second}: de versleutelde waarde opent niet" in out
    assert "z1:" not in out


def test_a_plain_name_in_a_sealed_column_is_reported_without_the_name(store: Store) -> None:
    last = _ids(store, "case_file")[-1]
    _sql(store, "UPDATE case_file SET first_name = 'Wobbeltje' WHERE id = :b", b=last)
    report = backup.check(store)
    assert not report.ok
    out = _text(report)
    assert f"tabel case_file, kolom first_name, rij {last}: de waarde staat onversleuteld" in out
    assert "Wobbeltje" not in out


def test_damage_is_found_across_batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "_BATCH_ROWS", 2)
    ids = _ids(store, "case_file")
    assert len(ids) > 4
    _sql(store, "UPDATE case_file SET school = 'De Klimop' WHERE id = :b", b=ids[-1])
    sound = backup.check(store)
    assert sound.server is not None and sound.server.rows_checked >= len(ids)
    assert sound.server.sealed_problem_count == 1
    assert f"kolom school, rij {ids[-1]}" in _text(sound)


def test_a_changed_audit_row_breaks_the_chain(store: Store) -> None:
    first = _ids(store, "audit_event")[0]
    _sql(store, "UPDATE audit_event SET detail = 'iets anders' WHERE id = :a", a=first)
    report = backup.check(store)
    assert not report.ok
    assert not report.audit.ok
    assert report.audit.message in report.lines()


def test_a_changed_key_slot_is_reported(store: Store) -> None:
    _sql(
        store,
        "UPDATE key_slot_copy SET slot = slot || ' ' WHERE account = :a",
        a=ACCOUNT.casefold(),
    )
    report = backup.check(store)
    assert not report.ok
    assert report.server is not None and len(report.server.slot_problems) == 1
    assert f"de sleutel van account {ACCOUNT.casefold()} past niet" in _text(report)


def test_a_backup_to_compare_is_refused_on_a_server(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="kan nog niet bij een gedeelde opslag"):
        backup.check(store, backups=(tmp_path / "b.zip",))


def test_check_on_the_command_line_exits_4_after_damage(pg_url: str, tmp_path: Path) -> None:
    env = cli_env(Path("onbelangrijk"))
    env["CASUSOVERLEG_STORE"] = pg_url
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    assert run("init", env=env).returncode == 0
    csv = tmp_path / "lijst.csv"
    csv.write_text(
        "casusnummer;voornaam;achternaam;geboortedatum;school;grond\n"
        "2026-0101;Yara;Yıldırım;04-05-2013;OBS De Toermalijn;5 onder a\n"
        "2026-0102;Siobhan;Bakker;12-03-2014;Het Stedelijk;thuiszitter\n",
        encoding="utf-8",
    )
    assert run("import", "cases", str(csv), env=env).returncode == 0

    done = run("check", env=env)
    assert done.returncode == 0, done.stderr
    assert "Versleutelde gegevens in orde" in done.stdout
    assert "Casussen: 2" in done.stdout

    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE case_file SET last_name = (SELECT last_name FROM case_file "
                    "WHERE case_number = '2026-0101') WHERE case_number = '2026-0102'"
                )
            )
    finally:
        engine.dispose()
    done = run("check", env=env)
    assert done.returncode == 4
    assert "Traceback" not in done.stderr
    assert "de controle heeft fouten gevonden" in done.stderr
    assert "kolom last_name" in done.stdout and "opent niet" in done.stdout
    assert "Yıldırım" not in done.stdout + done.stderr

    done = run("check", "--backup", str(tmp_path / "b.zip"), env=env)
    assert done.returncode != 0
    assert "kan nog niet bij een gedeelde opslag" in done.stderr
    assert "Traceback" not in done.stderr
