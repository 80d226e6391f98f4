"""Meeting mode's soft claim on an embedded store: claim, see, renew, lapse, release, take over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import accounts, audit, meeting_claim
from casusoverleg.services.meeting_claim import ClaimHeld
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

T0 = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)
MEETING = 7


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made, _ = make_store(tmp_path)
    accounts.add_account(made, "bram", PASSPHRASE, kdf=FAST_KDF, display_name="Bram de Boer")
    yield made
    accounts.lock(made)


def _as(store: Store, account: str) -> Store:
    """The same store as another person's window (own account, own client id)."""
    return replace(store, account=account, client_id=f"venster-{account}")


def test_a_claim_is_seen_and_lapses_after_five_minutes_without_a_sign_of_life(
    store: Store,
) -> None:
    assert meeting_claim.current(store, MEETING, now=T0) is None
    held = meeting_claim.claim(store, MEETING, now=T0)
    assert held.account == ACCOUNT and held.since == T0 and held.mine(store)

    seen = meeting_claim.current(store, MEETING, now=T0 + timedelta(minutes=4, seconds=59))
    assert seen == held
    assert meeting_claim.current(store, MEETING + 1, now=T0) is None  # per meeting
    assert meeting_claim.current(store, MEETING, now=T0 + timedelta(minutes=5)) is None


def test_renewing_keeps_the_claim_alive_and_its_since(store: Store) -> None:
    meeting_claim.claim(store, MEETING, now=T0)
    for minute in range(1, 9):
        renewed = meeting_claim.renew(store, MEETING, now=T0 + timedelta(minutes=minute))
        assert renewed is not None and renewed.since == T0
    seen = meeting_claim.current(store, MEETING, now=T0 + timedelta(minutes=12))
    assert seen is not None and seen.renewed == T0 + timedelta(minutes=8)


def test_another_account_sees_the_claim_by_name_and_cannot_claim_without_taking_over(
    store: Store,
) -> None:
    bram = _as(store, "bram")
    meeting_claim.claim(bram, MEETING, now=T0)
    seen = meeting_claim.current(store, MEETING, now=T0 + timedelta(minutes=1))
    assert seen is not None and not seen.mine(store)
    assert seen.display_name == "Bram de Boer"
    assert seen.banner() == f"Bram de Boer notuleert dit overleg (sinds {seen.since_text})."

    with pytest.raises(ClaimHeld, match="Bram de Boer notuleert dit overleg al"):
        meeting_claim.claim(store, MEETING, now=T0 + timedelta(minutes=1))
    # A lapsed claim is simply taken, without a log line.
    before = len(audit.list_events(store))
    later = T0 + timedelta(minutes=6)
    mine = meeting_claim.claim(store, MEETING, now=later)
    assert mine.account == ACCOUNT and mine.since == later
    assert len(audit.list_events(store)) == before


def test_taking_over_a_live_claim_is_logged_and_the_loser_notices_it(store: Store) -> None:
    bram = _as(store, "bram")
    meeting_claim.claim(bram, MEETING, now=T0)
    before = len(audit.list_events(store))
    mine = meeting_claim.claim(store, MEETING, take_over=True, now=T0 + timedelta(minutes=2))
    assert mine.account == ACCOUNT

    events = audit.list_events(store)
    assert len(events) == before + 1
    line = events[0]
    assert line.action is AuditAction.UPDATE and line.account == ACCOUNT
    assert (line.object_type, line.object_id) == ("overleg", str(MEETING))
    assert line.detail == "notuleren overgenomen van bram"
    assert audit.verify_chain(store).ok

    # Bram's heartbeat does not take it back, and closing his window leaves it alone.
    assert meeting_claim.renew(bram, MEETING, now=T0 + timedelta(minutes=3)) is None
    assert not meeting_claim.release(bram, MEETING)
    seen = meeting_claim.current(store, MEETING, now=T0 + timedelta(minutes=3))
    assert seen is not None and seen.mine(store)


def test_a_plain_claim_renew_and_release_write_no_log_line(store: Store) -> None:
    before = len(audit.list_events(store))
    meeting_claim.claim(store, MEETING, now=T0)
    meeting_claim.renew(store, MEETING, now=T0 + timedelta(minutes=1))
    assert meeting_claim.release(store, MEETING)
    assert len(audit.list_events(store)) == before
    assert meeting_claim.current(store, MEETING, now=T0 + timedelta(minutes=1)) is None
    assert not meeting_claim.release(store, MEETING)  # nothing held any more


def test_two_windows_of_one_person_are_two_claimants(store: Store) -> None:
    meeting_claim.claim(store, MEETING, client="venster-1", now=T0)
    with pytest.raises(ClaimHeld):
        meeting_claim.claim(store, MEETING, client="venster-2", now=T0)
    # The first window keeps its claim over a lock and unlock (a new store handle).
    again = replace(store, client_id="nieuwe-handle")
    renewed = meeting_claim.renew(again, MEETING, client="venster-1", now=T0)
    assert renewed is not None and renewed.since == T0
    assert meeting_claim.release(again, MEETING, client="venster-1")
