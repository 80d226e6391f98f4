"""The Logboek in words: case numbers with initials, meeting dates and item titles, not row ids."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import actions, agenda, audit, logbook, minutes, retention
from casusoverleg.services.log_words import ReadableEntry
from casusoverleg.services.logbook import LogQuery
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import add_case, add_meeting, make_members
from tests.helpers.retention_data import DESTROY_ON, GONE_NUMBER, make_retention_store
from tests.helpers.transactions import counting_transactions

ON = date(2027, 5, 18)


def _words(store: Store, query: LogQuery | None = None) -> list[ReadableEntry]:
    page = logbook.read_log(store, query or LogQuery())
    return [page.words[e.id] for e in page.entries]


def _raw_lines(store: Store) -> list[tuple[str, str, str]]:
    with store.read() as session:
        rows = session.execute(text("SELECT object_type, object_id, detail FROM audit_event"))
        return [tuple(row) for row in rows]


def test_cases_meetings_and_items_read_in_words(store: Store) -> None:
    members = make_members(store)
    case_id = add_case(store, "2027-0012", first="Jasmijn")  # Jasmijn de Vries
    meeting = add_meeting(store, ON)
    agenda.build_agenda(store, meeting, [case_id])
    item = next(i for i in agenda.get_agenda(store, meeting).items if i.case_id == case_id)
    minutes.save_entry(store, item.id, notes="Moeder belt")
    actions.create_action(
        store,
        description="Gesprek met school plannen",
        owner_id=members.leerplicht.id,
        due_date=date(2027, 6, 1),
        agenda_item_id=item.id,
        today=ON,
    )
    before = _raw_lines(store)

    lines = _words(store)
    case_line = next(w for w in lines if w.entry.object_type == "casus")
    assert case_line.entry.object_id == str(case_id)
    assert case_line.object_text == "2027-0012 (J. de V.)"
    assert case_line.case_text == "2027-0012 (J. de V.)"

    meeting_line = next(w for w in lines if w.entry.object_type == "overleg")
    assert meeting_line.object_text == "overleg van 18 mei 2027"

    item_line = next(w for w in lines if w.entry.object_type == "agendapunt")
    # The meeting is in the detail already, so the item names it once, there.
    assert item_line.object_text == f"punt {item.position}, casus 2027-0012 (J. de V.)"
    assert f"overleg {meeting}" in item_line.entry.detail  # what the log holds
    assert item_line.detail_text.startswith("overleg van 18 mei 2027; ")

    minutes_line = next(w for w in lines if w.entry.object_type == "verslag")
    assert minutes_line.detail_text.startswith(f"overleg van 18 mei 2027, punt {item.position}")

    action_line = next(w for w in lines if w.entry.object_type == "actiepunt")
    assert action_line.entry.detail == f"uit agendapunt {item.id}"
    assert action_line.object_text == "actiepunt: Gesprek met school plannen"
    assert action_line.detail_text == (
        f"uit punt {item.position}, casus 2027-0012 (J. de V.) (overleg van 18 mei 2027)"
    )
    participant_line = next(w for w in lines if w.entry.object_type == "deelnemer")
    assert participant_line.object_text.startswith("deelnemer ")
    assert not any(ch.isdigit() for ch in participant_line.object_text)

    # Reading translated nothing in the chain: the same rows (plus the log's own lines), intact.
    assert _raw_lines(store)[: len(before)] == before
    assert audit.verify_chain(store).ok


def test_the_page_is_read_in_one_transaction_with_batched_lookups(store: Store) -> None:
    for n in range(1, 31):
        add_case(store, f"2027-{n:04d}")
    meeting = add_meeting(store, ON)
    agenda.build_agenda(store, meeting, list(range(1, 31)))
    with counting_transactions(store) as began:
        page = logbook.read_log(store, LogQuery())
    # One write (the look at the log is logged) and one read for lines, accounts and words.
    assert len(began) == 2
    assert len(page.words) == len(page.entries) > 60
    texts = [page.words[e.id].object_text for e in page.entries]
    assert "2027-0030 (S. de V.)" in texts


def test_a_destroyed_case_shows_what_the_log_holds(tmp_path: Path) -> None:
    data = make_retention_store(tmp_path)
    store = data.store
    try:
        retention.destroy(store, [GONE_NUMBER], DESTROY_ON)
        lines = _words(store, LogQuery(case_number=GONE_NUMBER))
        created = [w for w in lines if w.entry.object_type == "casus"]
        assert created
        for line in created:
            # No initials any more, and no row id: the case number the line itself holds.
            assert line.object_text == f"casus {GONE_NUMBER}"
            assert line.case_text == GONE_NUMBER
        assert audit.verify_chain(store).ok
    finally:
        store.close()


def test_an_unknown_id_is_shown_as_the_log_holds_it(store: Store) -> None:
    # A line that names a meeting that no longer exists (e.g. removed) keeps its own text.
    with store.write() as session:
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="overleg",
            object_id=999,
            detail="overleg 999; uit agendapunt 12345",
        )
    line = next(w for w in _words(store) if w.entry.object_id == "999")
    assert line.object_text == "overleg 999"
    assert line.detail_text == "overleg 999; uit agendapunt 12345"


def test_details_that_name_a_meeting_by_id_and_date_say_the_date_once(store: Store) -> None:
    meeting = add_meeting(store, ON)
    with store.write() as session:
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="verslag",
            object_id=meeting,
            detail=f"verslag vastgesteld in overleg {meeting} van 18-05-2027",
        )
        audit.record(
            session,
            store,
            AuditAction.PRINT,
            object_type="agenda",
            object_id=meeting,
            detail="agenda overleg 18-05-2027 naar agenda.pdf",
        )
    lines = _words(store)
    fixed = next(w for w in lines if w.entry.detail.startswith("verslag vastgesteld"))
    assert fixed.detail_text == "verslag vastgesteld in overleg van 18 mei 2027"
    assert fixed.object_text == "verslag, overleg van 18 mei 2027"
    printed = next(w for w in lines if w.entry.action == AuditAction.PRINT)
    assert printed.detail_text == "agenda overleg 18-05-2027 naar agenda.pdf"  # a date already
