"""Migration 0006 (a true record of every meeting): existing meetings, agendas and actions are
kept as they were; old actions get the history the store can vouch for, and no more."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, text

from casusoverleg.store.engine import create_store_file
from casusoverleg.store.migrate import alembic_config

ROWS = [
    "INSERT INTO organisation (id, name, team, archived) VALUES (1, 'SWV', 'LEERPLICHT', 0)",
    "INSERT INTO participant (id, name, function, email, phone, organisation_id) "
    "VALUES (1, 'Ans', '', '', '', 1)",
    "INSERT INTO meeting_series (id, name, location, start_date, start_time, minutes, recurrence,"
    " skip_public, skip_school, region, skip_mode) VALUES (1, 'Casusoverleg', '', '2027-01-12', "
    "'13:00:00', 90, '{}', 1, 1, 'noord', 'drop')",
    "INSERT INTO meeting (id, series_id, date, start_time, minutes, location, status, "
    "edited_by_hand, uid, sequence, minutes_status) VALUES (1, 1, '2027-01-12', '13:00:00', 90, "
    "'', 'GEHOUDEN', 0, 'u1', 0, 'CONCEPT')",
    "INSERT INTO agenda_item (id, meeting_id, position, kind, title, minutes, question, reason) "
    "VALUES (1, 1, 1, 'OPENING', '', 5, '', '')",
    "INSERT INTO minutes_entry (id, agenda_item_id, notes, decision, alternatives, created_at, "
    "updated_at) VALUES (1, 1, 'Welkom', '', '', '2027-01-12 14:00:00', '2027-01-12 14:00:00')",
    "INSERT INTO action_item (id, description, owner_id, agenda_item_id, status, note, "
    "created_at, created_on) VALUES (1, 'a', 1, 1, 'OPEN', '', '2027-01-12 14:10:00.000000', "
    "'2027-01-12')",
    "INSERT INTO action_item (id, description, owner_id, status, done_on, note, created_at, "
    "created_on) VALUES (2, 'b', 1, 'GEREED', '2027-01-20', '', '2027-01-13 09:00:00.000000', "
    "'2027-01-13')",
]


def _columns(conn: Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(text(f"PRAGMA table_info('{table}')"))}


def test_migration_0006_keeps_the_record_and_dates_the_history_of_old_actions(
    tmp_path: Path,
) -> None:
    engine = create_store_file(tmp_path / "oud.db", os.urandom(32))
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
            for row in ROWS:
                conn.execute(text(row))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
            # Nothing is invented about what happened in old meetings.
            item = conn.execute(text("SELECT outcome, deferred_to_id FROM agenda_item")).one()
            assert tuple(item) == (None, None)
            meeting = conn.execute(
                text("SELECT overrun_minutes, minutes_fixed_note FROM meeting")
            ).one()
            assert tuple(meeting) == (0, "")
            history = conn.execute(
                text("SELECT action_id, kind, account, on_date FROM action_event ORDER BY id")
            ).all()
            # Agreed on the day it was agreed; done on the recorded day; by whom is not known.
            assert [tuple(row) for row in history] == [
                (1, "AANGEMAAKT", "", "2027-01-12"),
                (2, "AANGEMAAKT", "", "2027-01-13"),
                (2, "GEREED", "", "2027-01-20"),
            ]
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
            assert "outcome" not in _columns(conn, "agenda_item")
            assert "overrun_minutes" not in _columns(conn, "meeting")
            # Dropping columns of `meeting` must not cascade into its agenda and minutes.
            assert conn.execute(text("SELECT count(*) FROM agenda_item")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM minutes_entry")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM action_item")).scalar() == 2
    finally:
        engine.dispose()
