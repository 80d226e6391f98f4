"""Two edits of one minutes entry or agenda item from the same loaded version: a field both
changed is a Dutch conflict with both versions and nothing written; a field only the other
changed is no conflict (the save goes ahead); a fresh version saves as before."""

from __future__ import annotations

from datetime import date

import pytest

from casusoverleg.errors import Conflict
from casusoverleg.services import agenda, audit, minutes
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import add_case, add_meeting
from tests.helpers.stores import ACCOUNT

pytestmark = pytest.mark.both_kinds

ON = date(2027, 5, 18)


def _case_item(store: Store) -> agenda.AgendaItemInfo:
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, ON)
    agenda.build_agenda(store, meeting)
    return next(i for i in agenda.get_agenda(store, meeting).items if i.case_id == case_id)


def test_a_stale_minutes_save_of_a_field_both_changed_is_a_conflict(store: Store) -> None:
    item = _case_item(store).id
    loaded = minutes.save_entry(store, item, notes="Moeder belt.")
    assert loaded.version == 1
    theirs = minutes.save_entry(
        store, item, notes="Moeder belt morgen.", expected_version=1, loaded=loaded
    )
    assert theirs.version == 2
    logged = len(audit.list_events(store))
    with pytest.raises(Conflict) as caught:
        minutes.save_entry(
            store, item, notes="Moeder belt. Vader ook.", expected_version=1, loaded=loaded
        )
    conflict = caught.value
    assert isinstance(conflict, minutes.MinutesConflict)
    assert conflict.message.startswith(
        f"{ACCOUNT} heeft het verslag van dit punt intussen gewijzigd (om "
    )
    assert "niets opgeslagen" in conflict.message and "notities" in conflict.message
    assert conflict.fields == ("notes",)
    assert conflict.mine == {"notes": "Moeder belt. Vader ook."}
    assert conflict.theirs.notes == "Moeder belt morgen." and conflict.theirs.version == 2
    assert "uw versie: Moeder belt. Vader ook." in conflict.detail
    assert "hun versie: Moeder belt morgen." in conflict.detail
    # Nothing written, nothing logged.
    stored = minutes.get_entry(store, item)
    assert (stored.notes, stored.version) == ("Moeder belt morgen.", 2)
    assert len(audit.list_events(store)) == logged
    # Saving over theirs, knowingly: with the version the conflict showed.
    mine = minutes.save_entry(
        store,
        item,
        notes="Moeder belt. Vader ook.",
        expected_version=conflict.theirs.version,
        loaded=conflict.theirs,
    )
    assert (mine.notes, mine.version) == ("Moeder belt. Vader ook.", 3)


def test_a_field_only_the_other_changed_is_no_conflict(store: Store) -> None:
    item = _case_item(store).id
    loaded = minutes.save_entry(store, item, notes="Moeder belt.")
    minutes.save_entry(store, item, decision="Advies volgt.", expected_version=1, loaded=loaded)
    saved = minutes.save_entry(
        store, item, notes="Moeder belt morgen.", expected_version=1, loaded=loaded
    )
    assert (saved.notes, saved.decision, saved.version) == (
        "Moeder belt morgen.",
        "Advies volgt.",
        3,
    )


def test_two_first_entries_at_once_conflict_too(store: Store) -> None:
    item = _case_item(store).id
    empty = minutes.get_entry(store, item)
    assert (empty.entry_id, empty.version) == (None, 0)
    minutes.save_entry(store, item, notes="A's tekst", expected_version=0, loaded=empty)
    with pytest.raises(minutes.MinutesConflict) as caught:
        minutes.save_entry(store, item, notes="B's tekst", expected_version=0, loaded=empty)
    assert caught.value.theirs.notes == "A's tekst"
    assert minutes.get_entry(store, item).notes == "A's tekst"


def test_a_stale_agenda_edit_is_a_conflict_with_both_values(store: Store) -> None:
    shown = _case_item(store)
    assert shown.version == 1
    theirs = agenda.update_item(store, shown.id, question="Past school?", expected_version=1)
    assert theirs.version == 2
    logged = len(audit.list_events(store))
    with pytest.raises(Conflict) as caught:
        agenda.update_item(store, shown.id, question="Welk rooster?", expected_version=1)
    conflict = caught.value
    assert isinstance(conflict, agenda.AgendaItemConflict)
    assert conflict.message.startswith(f"{ACCOUNT} heeft dit agendapunt intussen gewijzigd (om ")
    assert "uw waarde Welk rooster?" in conflict.message
    assert "hun waarde Past school?" in conflict.message
    assert conflict.fields == ("question",)
    assert conflict.theirs.question == "Past school?" and conflict.theirs.version == 2
    assert len(audit.list_events(store)) == logged
    # Fresh version: saved, version up.
    mine = agenda.update_item(store, shown.id, question="Welk rooster?", expected_version=2)
    assert (mine.question, mine.version) == ("Welk rooster?", 3)
    # Without an expected version: as before.
    assert agenda.update_item(store, shown.id, minutes=20).minutes == 20
