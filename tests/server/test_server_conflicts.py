"""Two clients edit one case on a server store at once: the second save is a Dutch conflict
with the first one's values as theirs, and saving over it keeps both saves in the log."""

from __future__ import annotations

from dataclasses import replace

import pytest

from casusoverleg.errors import Conflict
from casusoverleg.services import accounts, audit, cases
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case

COLLEAGUE = "jeugdarts"


def test_the_second_of_two_clients_gets_the_conflict_and_both_versions_survive(
    pg_url: str,
) -> None:
    created = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    accounts.add_account(
        created.store, COLLEAGUE, PASSPHRASE, kdf=FAST_KDF, display_name="Anna de Jeugdarts"
    )
    case_id = cases.create_case(created.store, sample_case("Daan", "Jansen")).id
    accounts.lock(created.store)
    first = unlock_server(pg_url, COLLEAGUE, PASSPHRASE)
    second = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        seen_by_a = cases.get_case(first, case_id)
        seen_by_b = cases.get_case(second, case_id)
        assert seen_by_a.version == seen_by_b.version == 1

        a_typed = replace(seen_by_a.to_input(), school="Het Stedelijk")
        saved_by_a = cases.update_case(first, case_id, a_typed, expected_version=1)
        assert saved_by_a.version == 2

        b_typed = replace(seen_by_b.to_input(), notes="Moeder gebeld over het rooster.")
        with pytest.raises(Conflict) as caught:
            cases.update_case(second, case_id, b_typed, expected_version=seen_by_b.version)
        conflict = caught.value
        assert isinstance(conflict, cases.CaseConflict)
        assert conflict.message.startswith("Anna de Jeugdarts heeft deze casus intussen gewijzigd")
        assert conflict.theirs.school == "Het Stedelijk" and conflict.theirs.version == 2
        assert conflict.mine == b_typed
        assert conflict.fields == ("school", "notes")
        # Nothing of B's was written.
        assert cases.get_case(first, case_id).notes == ""

        # B saves its own version over A's, knowingly; both saves are in the log as two updates.
        mine = cases.update_case(second, case_id, b_typed, expected_version=conflict.theirs.version)
        assert (mine.school, mine.notes, mine.version) == (
            "Basisschool De Fonkeling",
            "Moeder gebeld over het rooster.",
            3,
        )
        updates = [
            (e.account, e.detail)
            for e in audit.list_events(first, case_number=mine.case_number)
            if e.detail.startswith("gewijzigd")
        ]
        assert updates == [
            (ACCOUNT, "gewijzigd: school, notities"),
            (COLLEAGUE, "gewijzigd: school"),
        ]
    finally:
        accounts.lock(first)
        accounts.lock(second)
