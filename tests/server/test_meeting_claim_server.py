"""Meeting mode's soft claim on a server store: two clients see each other's claim, one wins."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from casusoverleg.services import accounts, audit, meeting_claim
from casusoverleg.services.meeting_claim import Claim, ClaimHeld
from casusoverleg.services.server_changes import ChangeListener
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.stores import ACCOUNT, PASSPHRASE

MEETING = 3


@pytest.fixture
def two(pg_url: str) -> Iterator[tuple[Store, Store]]:
    """The secretary and Bram, each with their own client of one server store."""
    created = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    first = created.store
    accounts.add_account(first, "bram", PASSPHRASE, kdf=FAST_KDF, display_name="Bram de Boer")
    second = unlock_server(pg_url, "bram", PASSPHRASE)
    yield first, second
    accounts.lock(first)
    accounts.lock(second)


def test_one_client_sees_the_claim_of_the_other_and_hears_of_it(
    two: tuple[Store, Store],
) -> None:
    first, second = two
    listener = ChangeListener(second)
    try:
        held = meeting_claim.claim(first, MEETING)
        notices = listener.wait(10)
    finally:
        listener.close()
    assert [set(n.kinds) for n in notices] == [{"claims"}]

    seen = meeting_claim.current(second, MEETING)
    assert seen == held and not seen.mine(second)
    with pytest.raises(ClaimHeld, match="notuleert dit overleg al"):
        meeting_claim.claim(second, MEETING)

    taken = meeting_claim.claim(second, MEETING, take_over=True)
    assert taken.display_name == "Bram de Boer"
    assert meeting_claim.renew(first, MEETING) is None  # the secretary's heartbeat sees it
    assert not meeting_claim.release(first, MEETING)
    assert meeting_claim.current(first, MEETING) == taken
    line = audit.list_events(first, limit=1)[0]
    assert (line.account, line.detail) == ("bram", f"notuleren overgenomen van {ACCOUNT}")
    assert meeting_claim.release(second, MEETING)
    assert meeting_claim.current(first, MEETING) is None


@pytest.mark.parametrize("released_before", [False, True])
def test_two_clients_claiming_at_once_do_not_both_win(
    two: tuple[Store, Store], released_before: bool
) -> None:
    first, second = two
    if released_before:  # the row exists already (empty) rather than being made by the claim
        meeting_claim.claim(first, MEETING)
        meeting_claim.release(first, MEETING)
    start = threading.Barrier(2)
    results: dict[str, Claim | ClaimHeld] = {}

    def claim(store: Store) -> None:
        start.wait()
        try:
            results[store.account] = meeting_claim.claim(store, MEETING)
        except ClaimHeld as exc:
            results[store.account] = exc

    threads = [threading.Thread(target=claim, args=(store,)) for store in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    won = [r for r in results.values() if isinstance(r, Claim)]
    lost = [r for r in results.values() if isinstance(r, ClaimHeld)]
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].claim == won[0]
    assert meeting_claim.current(first, MEETING) == won[0]
