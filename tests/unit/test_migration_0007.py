"""Migration 0007 (everything in the window): existing accounts and participants keep working,
nobody is asked for a new passphrase, and the new table goes away again on downgrade."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, text

from casusoverleg.store.engine import create_store_file
from casusoverleg.store.migrate import alembic_config

ROWS = [
    "INSERT INTO account (id, name, display_name, role, created_at) "
    "VALUES (1, 'ans', '', 'BEHEERDER', '2026-01-01 09:00:00')",
    "INSERT INTO organisation (id, name, team, archived) VALUES (1, 'SWV', 'LEERPLICHT', 0)",
    "INSERT INTO participant (id, name, function, email, phone, organisation_id) "
    "VALUES (1, 'Ans', '', '', '', 1)",
]


def _columns(conn: Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(text(f"PRAGMA table_info('{table}')"))}


def test_migration_0007_keeps_accounts_and_participants_as_they_were(tmp_path: Path) -> None:
    engine = create_store_file(tmp_path / "oud.db", os.urandom(32))
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
            for row in ROWS:
                conn.execute(text(row))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0007")
            # An existing account is not forced to a new passphrase; a participant has no code.
            account = conn.execute(text("SELECT must_change_passphrase FROM account")).one()
            assert tuple(account) == (0,)
            assert conn.execute(text("SELECT code FROM participant")).scalar() == ""
            assert conn.execute(text("SELECT count(*) FROM access_request")).scalar() == 0
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
            assert "must_change_passphrase" not in _columns(conn, "account")
            assert "code" not in _columns(conn, "participant")
            assert conn.execute(text("SELECT count(*) FROM account")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM participant")).scalar() == 1
    finally:
        engine.dispose()
