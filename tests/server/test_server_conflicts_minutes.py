"""Two clients type minutes and edit the agenda of one meeting on a server store at once: the
second one's stale save is a Dutch conflict naming the first, and nothing of it is written."""

from __future__ import annotations

from datetime import date

import pytest

from casusoverleg.errors import Conflict
from casusoverleg.services import accounts, agenda, minutes
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.meeting_data import add_case, add_meeting
from tests.helpers.stores import ACCOUNT, PASSPHRASE

COLLEAGUE = "jeugdarts"


def test_the_second_client_gets_the_conflict_naming_the_first(pg_url: str) -> None:
    created = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    accounts.add_account(
        created.store, COLLEAGUE, PASSPHRASE, kdf=FAST_KDF, display_name="Anna de Jeugdarts"
    )
    case_id = add_case(created.store, "2027-0001")
    meeting = add_meeting(created.store, date(2027, 5, 18))
    agenda.build_agenda(created.store, meeting)
    accounts.lock(created.store)
    first = unlock_server(pg_url, COLLEAGUE, PASSPHRASE)
    second = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        item = next(i for i in agenda.get_agenda(first, meeting).items if i.case_id == case_id)
        seen_by_a = minutes.get_entry(first, item.id)
        seen_by_b = minutes.get_entry(second, item.id)
        minutes.save_entry(
            first, item.id, notes="Anna: school belt.", expected_version=0, loaded=seen_by_a
        )
        with pytest.raises(Conflict) as caught:
            minutes.save_entry(
                second,
                item.id,
                notes="Secretaris: moeder belt.",
                expected_version=0,
                loaded=seen_by_b,
            )
        assert caught.value.message.startswith(
            "Anna de Jeugdarts heeft het verslag van dit punt intussen gewijzigd (om "
        )
        assert isinstance(caught.value, minutes.MinutesConflict)
        assert "Secretaris: moeder belt." in caught.value.detail
        assert "Anna: school belt." in caught.value.detail
        assert minutes.get_entry(first, item.id).notes == "Anna: school belt."

        agenda.update_item(first, item.id, question="Past school?", expected_version=item.version)
        with pytest.raises(agenda.AgendaItemConflict) as edited:
            agenda.update_item(second, item.id, minutes=25, expected_version=item.version)
        assert edited.value.message.startswith("Anna de Jeugdarts heeft dit agendapunt intussen")
        # Theirs changed the question, B's edit the duration: B's duration is not written...
        assert edited.value.fields == ("minutes",)
        assert agenda.get_agenda(first, meeting).items[item.position - 1].minutes == item.minutes
        # ...until B saves it with the version the conflict showed.
        saved = agenda.update_item(
            second, item.id, minutes=25, expected_version=edited.value.theirs.version
        )
        assert (saved.minutes, saved.question, saved.version) == (25, "Past school?", 3)
    finally:
        accounts.lock(first)
        accounts.lock(second)
