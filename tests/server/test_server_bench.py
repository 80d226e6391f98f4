"""The server benchmark's code on a tiny scale (tests/benchmarks/server.py), so it does not rot:
sealed cases filled in bulk open in the case list, and 8 writers at once leave a chain that
verifies with one new event per write."""

from __future__ import annotations

from casusoverleg.services import accounts, audit, backup, cases
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.store.keyslots import FAST_KDF
from tests.benchmarks.server import (
    ACCOUNT,
    KINDS,
    PASSPHRASE,
    case_input,
    check_writes,
    fill_cases,
    percentile,
    prepare_writers,
    run_writers,
)


def test_bulk_filled_cases_open_and_eight_writers_lose_and_fork_no_event(pg_url: str) -> None:
    created = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    open_ids = fill_cases(created.store, 200, batch=64)
    assert len(open_ids) == 160  # every fifth generated case is closed
    plan = prepare_writers(created.store, open_ids, writers=8, ops=3, items=1)
    accounts.lock(created.store)

    store = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        rows = cases.list_cases(store, log_search=True)
        assert len(rows) == 200
        first = cases.get_case(store, open_ids[0])  # every sealed column opens in its row
        assert (first.first_name, first.birth_date) == (
            case_input(0).first_name,
            case_input(0).birth_date,
        )
        assert audit.verify_chain(store).ok
    finally:
        accounts.lock(store)

    result = run_writers(pg_url, plan)
    assert result.writes == 8 * 3
    assert {kind: len(result.latencies[kind]) for kind in KINDS} == {
        "update_case": 8,
        "minutes_entry": 8,
        "action": 8,
    }
    assert check_writes(result) == []
    assert result.chain_ok and result.new_events == 24
    assert percentile(result.all_latencies, 0.95) >= percentile(result.all_latencies, 0.5) > 0

    store = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        assert backup.check(store).ok  # the chain, its anchor, every sealed value
    finally:
        accounts.lock(store)
