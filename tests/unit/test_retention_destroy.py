"""Retention carried out (issue 11, item 5): the list past retention, and destroying cases.

The term is the VNG Selectielijst's (category 12.1.3, 19 years after the birth date) or the
store's setting; see domain/retention.py. That only a BEHEERDER destroys, and that a name in
another item's text is replaced, are this app's rules, not the law's.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import accounts, agenda, audit, backup, retention, settings
from casusoverleg.store.engine import raw_connection
from casusoverleg.store.keyslots import FAST_KDF
from casusoverleg.store.models import ActionItem, AgendaItem, Case, MinutesEntry
from tests.helpers.cipher_pages import contains_name, store_plaintext, wal_plaintext
from tests.helpers.retention_data import (
    DESTROY_ON,
    GONE,
    GONE_NUMBER,
    GONE_TOO,
    GONE_TOO_NUMBER,
    KEPT,
    KEPT_NUMBER,
    RetentionStore,
    make_retention_store,
)
from tests.helpers.stores import PASSPHRASE, content_hash

GONE_NAMES = (*GONE, *GONE_TOO)


@pytest.fixture
def data(tmp_path: Path) -> Iterator[RetentionStore]:
    """The store with two cases past retention on DESTROY_ON and one that is not."""
    made = make_retention_store(tmp_path)
    yield made
    accounts.lock(made.store)


def _page_size(made: RetentionStore) -> int:
    with raw_connection(made.store.engine) as conn:
        return int(conn.execute("PRAGMA cipher_page_size").fetchone()[0])


def _plaintexts(path: Path, key: bytes, page_size: int) -> dict[str, bytes]:
    """The decrypted store file and WAL beside it."""
    found = {"opslag": store_plaintext(path.read_bytes(), key, page_size)}
    wal = path.with_name(path.name + "-wal")
    found["WAL"] = wal_plaintext(wal.read_bytes(), key, page_size)[0] if wal.exists() else b""
    return found


def _names_in(plain: dict[str, bytes], names: tuple[str, ...]) -> list[str]:
    return [
        f"{name} in {where}"
        for where, text in plain.items()
        for name in names
        if contains_name(text, name)
    ]


def _backup_plaintext(zip_path: Path, key: bytes, page_size: int) -> bytes:
    with zipfile.ZipFile(zip_path) as zf:
        return store_plaintext(zf.read(backup.BACKUP_DB), key, page_size)


def test_retention_list_has_open_and_closed_cases_past_the_term_and_honours_the_setting(
    data: RetentionStore,
) -> None:
    """Selectielijst 12.1.3 (19 years after birth) or the store's own term, one computation."""
    found = retention.past_retention(data.store, DESTROY_ON)
    assert [(p.case_number, p.initials, p.retention_date, p.closed) for p in found] == [
        (GONE_NUMBER, "Z. H.", date(2033, 3, 12), False),
        (GONE_TOO_NUMBER, "M. K.", date(2033, 3, 12), True),
    ]
    # The retention date itself is the first day the file may go (RetentionTerm.is_past).
    assert [p.case_number for p in retention.past_retention(data.store, date(2033, 3, 11))] == []
    settings.set_setting(data.store, "retention_years", 25)
    assert retention.past_retention(data.store, DESTROY_ON) == []
    settings.set_setting(data.store, "retention_years", 10)
    assert {p.case_number for p in retention.past_retention(data.store, DESTROY_ON)} == {
        GONE_NUMBER,
        GONE_TOO_NUMBER,
        KEPT_NUMBER,
    }


def test_retention_destroy_leaves_no_name_in_the_store_its_wal_or_a_later_backup(
    data: RetentionStore, tmp_path: Path
) -> None:
    """Decrypted page by page, the store, WAL and a backup made afterwards hold no name."""
    store = data.store
    page_size = _page_size(data)
    key = store.key
    before = _plaintexts(store.path, key, page_size)
    # The search can fail: before, every name is found (decryption and search work).
    joined = {"alles": before["opslag"] + before["WAL"]}
    assert _names_in(joined, GONE_NAMES) == [f"{n} in alles" for n in GONE_NAMES]

    done = retention.destroy(store, [GONE_NUMBER, GONE_TOO_NUMBER], DESTROY_ON)
    assert done.case_numbers == (GONE_NUMBER, GONE_TOO_NUMBER)

    after = _plaintexts(store.path, key, page_size)
    assert _names_in(after, GONE_NAMES) == []
    # The child that was kept is still found: the plaintext after VACUUM is readable.
    assert contains_name(after["opslag"] + after["WAL"], KEPT[1])

    later = backup.backup(store, tmp_path / "na-vernietigen.zip")
    in_backup = _backup_plaintext(later, key, page_size)
    assert _names_in({"back-up": in_backup}, GONE_NAMES) == []
    assert contains_name(in_backup, KEPT[0])

    accounts.lock(store)  # the last connection closes: the WAL is checkpointed
    assert _names_in(_plaintexts(store.path, key, page_size), GONE_NAMES) == []


def test_retention_destroy_logs_one_line_per_case_and_the_count_and_the_chain_checks(
    data: RetentionStore,
) -> None:
    """NEN 7513 log: "casus N vernietigd (bewaartermijn)" per case and a count, no names."""
    retention.destroy(data.store, [GONE_NUMBER, GONE_TOO_NUMBER], DESTROY_ON)
    events = [e for e in audit.list_events(data.store) if e.action == AuditAction.DELETE]
    details = sorted(e.detail for e in events)
    assert details == [
        "2 casussen vernietigd (bewaartermijn)",
        f"casus {GONE_NUMBER} vernietigd (bewaartermijn)",
        f"casus {GONE_TOO_NUMBER} vernietigd (bewaartermijn)",
    ]
    for event in audit.list_events(data.store):
        line = " ".join(str(v) for v in vars(event).values())
        assert not any(name.casefold() in line.casefold() for name in GONE_NAMES)
    assert audit.verify_chain(data.store).ok
    report = backup.check(data.store)
    assert report.ok, report.lines()


def test_retention_destroy_removes_case_agenda_minutes_actions_and_names_elsewhere(
    data: RetentionStore,
) -> None:
    """The case row (with its search text) goes; its items keep only their place."""
    retention.destroy(data.store, [GONE_NUMBER], DESTROY_ON)
    with data.store.read() as session:
        assert session.get(Case, data.gone_id) is None
        assert session.scalar(select(AgendaItem).where(AgendaItem.case_id == data.gone_id)) is None
        item = session.scalar(select(AgendaItem).where(AgendaItem.position == 1))
        assert item is not None
        assert item.title == f"Casus {GONE_NUMBER} (vernietigd)"
        assert item.question == ""
        entry = session.scalar(select(MinutesEntry).where(MinutesEntry.agenda_item_id == item.id))
        assert entry is not None and (entry.notes, entry.decision) == ("", "")
        descriptions = list(session.scalars(select(ActionItem.description)))
        assert descriptions == [
            f"Overleg met school over Sanne (zit naast {retention.NAME_REMOVED})"
        ]
        other = session.get(MinutesEntry, data.rondvraag_entry_id)
        assert other is not None
        assert other.notes == (
            f"Sanne en {retention.NAME_REMOVED} zitten in dezelfde klas; "
            f"{retention.NAME_REMOVED} belt school."
        )
        kept = session.get(Case, data.kept_id)
        assert kept is not None and kept.first_name == KEPT[0]
        assert session.scalar(select(Case).where(Case.case_number == GONE_TOO_NUMBER))
        meeting_id = item.meeting_id
    # The agenda and the minutes show the title the item was given, not "Casus " and a blank.
    shown = [i.title for i in agenda.get_agenda(data.store, meeting_id).items]
    assert f"Casus {GONE_NUMBER} (vernietigd)" in shown


def test_retention_destroy_refuses_a_case_not_yet_past_retention_and_destroys_nothing(
    data: RetentionStore,
) -> None:
    """All or nothing: one case kept until 2035-05-01 stops the whole destruction."""
    before = content_hash(data.store.path, data.store.key)
    with pytest.raises(BadInput) as refused:
        retention.destroy(data.store, [GONE_NUMBER, KEPT_NUMBER, "2099-0001"], DESTROY_ON)
    message = refused.value.message
    assert f"{KEPT_NUMBER} (bewaren tot 01-05-2035)" in message
    assert "2099-0001" in message and "niets vernietigd" in message
    assert content_hash(data.store.path, data.store.key) == before


def test_retention_destroy_by_a_medewerker_is_refused(data: RetentionStore) -> None:
    """Only a BEHEERDER destroys (Account.role); a medewerker cannot make one either."""
    store = data.store
    assert accounts.current_role(store) == accounts.ROLE_BEHEERDER
    accounts.add_account(store, "medewerker", PASSPHRASE, kdf=FAST_KDF)
    roles = {a.name: a.role for a in accounts.list_accounts(store)}
    assert roles["medewerker"] == accounts.ROLE_MEDEWERKER
    accounts.lock(store)
    other = accounts.unlock(store.path, "medewerker", PASSPHRASE)
    try:
        assert not retention.may_destroy(other)
        before = content_hash(other.path, other.key)
        with pytest.raises(retention.NotAllowed) as refused:
            retention.destroy(other, [GONE_NUMBER], DESTROY_ON)
        assert refused.value.exit_code == 2
        assert "beheerder" in refused.value.message
        with pytest.raises(BadInput, match="beheerder"):
            accounts.add_account(other, "nog een", PASSPHRASE, kdf=FAST_KDF, beheerder=True)
        assert content_hash(other.path, other.key) == before
    finally:
        accounts.lock(other)


def test_retention_destroy_reports_progress_for_many_cases(
    data: RetentionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progress: one step per batch of cases (here a batch of one), then the clean-up."""
    monkeypatch.setattr(retention, "BATCH", 1)
    steps: list[tuple[int, int, str]] = []
    retention.destroy(
        data.store,
        [GONE_NUMBER, GONE_TOO_NUMBER],
        DESTROY_ON,
        progress=lambda done, total, what: steps.append((done, total, what)),
    )
    assert [s[:2] for s in steps] == [(0, 2), (1, 2), (2, 2), (2, 2)]
    assert "2026-0007" in steps[0][2]


def test_retention_confirmation_names_how_many_and_which() -> None:
    """The confirmation names the count and every casusnummer."""
    text = retention.confirmation_text([GONE_NUMBER, GONE_TOO_NUMBER])
    assert text.startswith(f"2 casussen definitief vernietigen: {GONE_NUMBER}, {GONE_TOO_NUMBER}?")
