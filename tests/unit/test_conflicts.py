"""Two edits of one case from the same loaded version: the second is a Dutch conflict that
carries both versions, and nothing of it is written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from casusoverleg.errors import Conflict
from casusoverleg.services import audit, cases
from tests.helpers.stores import ACCOUNT, make_store, sample_case


def test_a_stale_version_is_a_conflict_with_both_versions_and_nothing_written(
    tmp_path: Path,
) -> None:
    store, _ = make_store(tmp_path)
    try:
        loaded = cases.create_case(store, sample_case("Sanne", "de Vries"))
        assert loaded.version == 1
        theirs = cases.update_case(
            store,
            loaded.id,
            replace(loaded.to_input(), school="Het Stedelijk"),
            expected_version=loaded.version,
        )
        assert theirs.version == 2
        mine = replace(loaded.to_input(), school="De Tol", notes="Moeder gebeld.")
        with pytest.raises(Conflict) as caught:
            cases.update_case(store, loaded.id, mine, expected_version=loaded.version)
        conflict = caught.value
        assert isinstance(conflict, cases.CaseConflict)
        assert conflict.mine == mine
        assert conflict.theirs.school == "Het Stedelijk" and conflict.theirs.version == 2
        assert conflict.fields == ("school", "notes")
        assert conflict.message.startswith(f"{ACCOUNT} heeft deze casus intussen gewijzigd (om ")
        assert "school, notities" in conflict.message and "niets opgeslagen" in conflict.message
        stored = cases.get_case(store, loaded.id)
        assert (stored.school, stored.notes, stored.version) == ("Het Stedelijk", "", 2)
        # Saving over theirs, knowingly: with the version the conflict showed.
        saved = cases.update_case(store, loaded.id, mine, expected_version=conflict.theirs.version)
        assert (saved.school, saved.notes, saved.version) == ("De Tol", "Moeder gebeld.", 3)
    finally:
        store.close()


def test_a_save_without_an_expected_version_overwrites_as_before(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    try:
        loaded = cases.create_case(store, sample_case())
        cases.update_case(store, loaded.id, replace(loaded.to_input(), school="A"))
        saved = cases.update_case(store, loaded.id, replace(loaded.to_input(), school="B"))
        assert (saved.school, saved.version) == ("B", 3)
    finally:
        store.close()


def test_a_change_between_read_and_write_is_the_same_conflict(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    try:
        loaded = cases.create_case(store, sample_case())
        logged = len(audit.list_events(store))

        def someone_else_saves(session: Session, *_args: Any) -> None:
            # Another client's committed save, just before this save reaches the store.
            session.connection().execute(
                text("UPDATE case_file SET version = version + 1, school = 'Elders' WHERE id = :i"),
                {"i": loaded.id},
            )

        event.listen(Session, "before_flush", someone_else_saves, once=True)
        try:
            with pytest.raises(cases.CaseConflict) as caught:
                cases.update_case(
                    store,
                    loaded.id,
                    replace(loaded.to_input(), notes="Nieuw"),
                    expected_version=loaded.version,
                )
        finally:
            if event.contains(Session, "before_flush", someone_else_saves):
                event.remove(Session, "before_flush", someone_else_saves)
        # The race's transaction rolled back as a whole (the other save too, in this one
        # store); the conflict shows what is stored and what was typed.
        assert caught.value.mine.notes == "Nieuw"
        assert caught.value.theirs.notes == ""
        assert len(audit.list_events(store)) == logged
    finally:
        store.close()
