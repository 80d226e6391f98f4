"""Migration 0009 (a version per case, agenda item and minutes entry): every existing row
starts at version 1, and the column goes away again on downgrade."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, text

from casusoverleg.store.engine import create_store_file
from casusoverleg.store.migrate import alembic_config

# The rows that matter, in foreign-key order; every other NOT NULL column gets a plain value.
ROWS: list[tuple[str, dict[str, object]]] = [
    ("organisation", {"id": 1}),
    ("participant", {"id": 1, "organisation_id": 1}),
    ("case_file", {"id": 1, "case_number": "C-1", "ground": "ART5_A", "status": "AANGEMELD"}),
    ("case_file", {"id": 2, "case_number": "C-2", "ground": "ART5_A", "status": "AANGEMELD"}),
    ("meeting_series", {"id": 1}),
    ("meeting", {"id": 1, "series_id": 1, "uid": "m1"}),
    ("agenda_item", {"id": 1, "meeting_id": 1, "case_id": 1, "kind": "CASE"}),
    ("minutes_entry", {"id": 1, "agenda_item_id": 1, "amends_id": None}),
]
PLAIN = {
    "INTEGER": 0,
    "BOOLEAN": 0,
    "DATE": "2026-01-05",
    "DATETIME": "2026-01-05 09:00:00",
    "TIME": "09:00:00.000000",
}


def _insert(conn: Connection, table: str, given: dict[str, object]) -> None:
    """A row with `given` and a plain value in every other column that needs one."""
    values = dict(given)
    for _cid, name, kind, notnull, default, _pk in conn.execute(
        text(f"PRAGMA table_info('{table}')")
    ):
        if name not in values and notnull and default is None:
            values[name] = PLAIN.get(str(kind).upper(), "x")
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - fixed names
    conn.execute(text(sql), values)


TABLES = ("case_file", "agenda_item", "minutes_entry")


def _columns(conn: Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(text(f"PRAGMA table_info('{table}')"))}


def test_migration_0009_starts_every_row_at_version_1(tmp_path: Path) -> None:
    engine = create_store_file(tmp_path / "oud.db", os.urandom(32))
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0008")
            for table, given in ROWS:
                _insert(conn, table, given)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0009")
            for table in TABLES:
                sql = text(f"SELECT version FROM {table}")  # noqa: S608 - fixed names
                versions = conn.execute(sql).scalars().all()
                assert versions and set(versions) == {1}, table
            # A row written without a version (a plain INSERT) starts at 1 as well.
            _insert(conn, "case_file", {"id": 3, "case_number": "C-3"})
            assert conn.execute(text("SELECT version FROM case_file WHERE id = 3")).scalar() == 1
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0008")
            for table in TABLES:
                assert "version" not in _columns(conn, table)
            assert conn.execute(text("SELECT count(*) FROM case_file")).scalar() == 3
            assert conn.execute(text("SELECT count(*) FROM minutes_entry")).scalar() == 1
    finally:
        engine.dispose()
