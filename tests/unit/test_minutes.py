"""Minutes per agenda item: save as you type, advice into the case, fixing and amendments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casusoverleg.domain.enums import (
    Advice,
    AgendaItemKind,
    Alternative,
    AuditAction,
    CaseStatus,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, agenda, audit, cases, meetings, minutes
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import add_case, add_meeting, make_members

# Each test runs on an embedded store and on a store on a PostgreSQL server (issue 15).
pytestmark = pytest.mark.both_kinds

ON = date(2027, 5, 18)
LATER = date(2027, 6, 1)


def case_item(store: Store, meeting_id: int, case_id: int) -> int:
    """The agenda item id of a case on a meeting's agenda."""
    return next(i.id for i in agenda.get_agenda(store, meeting_id).items if i.case_id == case_id)


def verslag_events(store: Store) -> list[audit.AuditEntry]:
    """The log's minutes events, oldest first."""
    return [e for e in reversed(audit.list_events(store)) if e.object_type == "verslag"]


def test_save_entry_is_an_idempotent_upsert(store: Store) -> None:
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, ON)
    agenda.build_agenda(store, meeting)
    item = case_item(store, meeting, case_id)
    assert minutes.get_entry(store, item).entry_id is None
    # Nothing typed yet: nothing stored, nothing logged.
    assert minutes.save_entry(store, item, notes="").entry_id is None
    assert verslag_events(store) == []

    first = minutes.save_entry(store, item, notes="Moeder")
    assert first.entry_id is not None
    second = minutes.save_entry(store, item, notes="Moeder belt")
    assert second.entry_id == first.entry_id
    minutes.save_entry(store, item, notes="Moeder belt")  # the same again: no change, no event
    minutes.save_entry(store, item, decision="Advies volgt.")
    entry = minutes.get_entry(store, item)
    # Fields left out stay as they were.
    assert (entry.notes, entry.decision, entry.advice) == ("Moeder belt", "Advies volgt.", None)
    events = verslag_events(store)
    assert [(e.action, e.case_number) for e in events] == [
        (AuditAction.CREATE, "2027-0001"),
        (AuditAction.UPDATE, "2027-0001"),
        (AuditAction.UPDATE, "2027-0001"),
    ]
    assert events[-1].detail == f"overleg {meeting}, agendapunt 4; gewijzigd: besluit"
    assert "Moeder" not in " ".join(e.detail for e in events)  # the log names fields only


@pytest.mark.parametrize(
    ("advice", "status"),
    [
        (Advice.AANHOUDEN, CaseStatus.AANGEHOUDEN),
        (Advice.NADER_ONDERZOEK, CaseStatus.IN_BEHANDELING),
        (Advice.VRIJSTELLING_PASSEND, CaseStatus.ADVIES_UITGEBRACHT),
        (Advice.ONDERWIJS_ZORGARRANGEMENT, CaseStatus.ADVIES_UITGEBRACHT),
        (Advice.DEELTIJDROOSTER, CaseStatus.ADVIES_UITGEBRACHT),
        (Advice.TERUGLEIDINGSTRAJECT, CaseStatus.ADVIES_UITGEBRACHT),
        (Advice.ANDERS, CaseStatus.ADVIES_UITGEBRACHT),
    ],
)
def test_advice_sets_the_case_status(store: Store, advice: Advice, status: CaseStatus) -> None:
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, ON)
    agenda.build_agenda(store, meeting)
    weighed = [Alternative.DEELTIJDROOSTER] if advice is Advice.VRIJSTELLING_PASSEND else []
    item = case_item(store, meeting, case_id)
    minutes.save_entry(store, item, advice=advice, alternatives=weighed)
    assert cases.get_case(store, case_id, today=ON).status == status
    fields = "advies, afgewogen alternatieven" if weighed else "advies"
    assert verslag_events(store)[-1].detail.endswith(f"gewijzigd: {fields}; casus: status")


def test_review_date_and_newest_advice_win(store: Store) -> None:
    case_id = add_case(store, "2027-0001", review_date=date(2027, 5, 1))
    old = add_meeting(store, ON)
    new = add_meeting(store, LATER)
    agenda.build_agenda(store, old)
    agenda.build_agenda(store, new, [case_id])
    old_item = case_item(store, old, case_id)
    new_item = case_item(store, new, case_id)

    with pytest.raises(BadInput, match="na de datum van het overleg"):
        minutes.save_entry(store, old_item, next_review_date=ON)
    minutes.save_entry(store, old_item, advice=Advice.AANHOUDEN, next_review_date=LATER)
    record = cases.get_case(store, case_id, today=ON)
    assert (record.status, record.review_date) == (CaseStatus.AANGEHOUDEN, LATER)

    minutes.save_entry(
        store,
        new_item,
        advice=Advice.VRIJSTELLING_PASSEND,
        alternatives=[Alternative.ANDERE_SCHOOL],
        next_review_date=date(2028, 5, 1),
    )
    # A change to the older meeting's minutes does not overrule the newer advice.
    minutes.save_entry(store, old_item, advice=Advice.NADER_ONDERZOEK)
    record = cases.get_case(store, case_id, today=LATER)
    assert (record.status, record.review_date) == (
        CaseStatus.ADVIES_UITGEBRACHT,
        date(2028, 5, 1),
    )
    # Clearing a mistyped advice falls back to the one before it.
    minutes.save_entry(store, new_item, advice=None, next_review_date=None)
    record = cases.get_case(store, case_id, today=LATER)
    assert (record.status, record.review_date) == (CaseStatus.IN_BEHANDELING, LATER)


def test_fixed_items_take_notes_but_no_advice(store: Store) -> None:
    meeting = add_meeting(store, ON)
    built = agenda.build_agenda(store, meeting)
    opening = built.items[0]
    assert opening.kind == AgendaItemKind.OPENING
    with pytest.raises(BadInput, match="horen bij een casus"):
        minutes.save_entry(store, opening.id, advice=Advice.ANDERS)
    saved = minutes.save_entry(store, opening.id, notes="Welkom aan de nieuwe orthopedagoog.")
    assert saved.notes == "Welkom aan de nieuwe orthopedagoog."
    assert verslag_events(store)[-1].case_number is None


def test_fixing_and_amendments(store: Store) -> None:
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, ON)
    later = add_meeting(store, LATER)
    earlier = add_meeting(store, ON - timedelta(days=14))
    agenda.build_agenda(store, meeting)
    item = case_item(store, meeting, case_id)
    minutes.save_entry(store, item, notes="Besproken.", advice=Advice.DEELTIJDROOSTER)

    with pytest.raises(BadInput, match="nog een concept"):
        minutes.amend_entry(store, item, "Te vroeg.")
    with pytest.raises(BadInput, match="gehouden overleg"):
        minutes.fix_minutes(store, meeting, at_meeting_id=later)
    meetings.set_meeting_status(store, meeting, MeetingStatus.GEHOUDEN)
    with pytest.raises(BadInput, match="later overleg"):
        minutes.fix_minutes(store, meeting, at_meeting_id=earlier)
    with pytest.raises(BadInput, match="later overleg"):
        minutes.fix_minutes(store, meeting, at_meeting_id=meeting)
    fixed = minutes.fix_minutes(store, meeting, at_meeting_id=later)
    assert (fixed.status, fixed.fixed_at_meeting_id) == (MinutesStatus.VASTGESTELD, later)
    with pytest.raises(BadInput, match="al vastgesteld"):
        minutes.fix_minutes(store, meeting, at_meeting_id=later)

    with pytest.raises(BadInput) as refused:
        minutes.save_entry(store, item, notes="Nog iets.")
    assert str(refused.value) == (
        "Het verslag van het overleg van 18-05-2027 is vastgesteld en kan niet meer worden "
        "gewijzigd. Leg een correctie vast als aanvulling op het verslag."
    )
    with pytest.raises(BadInput, match="Schrijf de correctie op"):
        minutes.amend_entry(store, item, "  ")
    minutes.amend_entry(store, item, "Het advies was deeltijdrooster voor vier dagen.")
    minutes.amend_entry(store, item, "Aanwezig was ook de intern begeleider.")
    # An item with nothing noted can still be corrected.
    opening = agenda.get_agenda(store, meeting).items[0].id
    minutes.amend_entry(store, opening, "De opening begon tien minuten later.")

    got = minutes.get_minutes(store, meeting)
    by_id = {i.agenda_item_id: i for i in got.items}
    assert by_id[item].notes == "Besproken."  # the fixed text itself is unchanged
    assert [a.text for a in by_id[item].amendments] == [
        "Het advies was deeltijdrooster voor vier dagen.",
        "Aanwezig was ook de intern begeleider.",
    ]
    assert [a.text for a in by_id[opening].amendments] == ["De opening begon tien minuten later."]
    assert by_id[opening].notes == ""
    history = minutes.case_history(store, case_id)
    assert [h.amendments for h in history] == [
        [
            "Het advies was deeltijdrooster voor vier dagen.",
            "Aanwezig was ook de intern begeleider.",
        ]
    ]
    events = audit.list_events(store, case_number="2027-0001")
    assert sum(e.object_type == "correctie verslag" for e in events) == 2
    assert audit.verify_chain(store).ok


def test_cancelled_meeting_takes_no_minutes(store: Store) -> None:
    meeting = add_meeting(store, ON)
    built = agenda.build_agenda(store, meeting)
    meetings.cancel_meeting(store, meeting)
    with pytest.raises(BadInput, match="geannuleerd"):
        minutes.save_entry(store, built.items[0].id, notes="x")


def test_get_minutes_and_history(store: Store) -> None:
    team = make_members(store)
    case_id = add_case(store, "2027-0001", first="Sanne")
    held = add_meeting(store, ON - timedelta(days=14))
    meeting = add_meeting(store, ON)
    planned = add_meeting(store, LATER)
    agenda.build_agenda(store, held)
    meetings.set_meeting_status(store, held, MeetingStatus.GEHOUDEN)
    agenda.build_agenda(store, meeting, [case_id])
    agenda.build_agenda(store, planned, [case_id])
    item = case_item(store, meeting, case_id)
    minutes.save_entry(
        store,
        item,
        notes="School ziet mogelijkheden.",
        advice=Advice.TERUGLEIDINGSTRAJECT,
        decision="Terugleiding in vier weken.",
        next_review_date=LATER,
    )
    action = actions.create_action(
        store,
        description="Rooster opstellen",
        owner_id=team.swv.id,
        due_date=LATER,
        agenda_item_id=item,
    )
    meetings.set_attendance(store, meeting, team.leerplicht.id)

    got = minutes.get_minutes(store, meeting, today=LATER)
    assert got.meeting.id == meeting
    assert (got.status, got.fixed_at_meeting_id, got.fixed_at_date) == (
        MinutesStatus.CONCEPT,
        None,
        None,
    )
    assert [a.name for a in got.attendance] == ["Karin Bos"]
    assert [i.kind for i in got.items][:4] == [
        AgendaItemKind.OPENING,
        AgendaItemKind.VERSLAG,
        AgendaItemKind.ACTIELIJST,
        AgendaItemKind.CASUS,
    ]
    case_line = got.items[3]
    assert (case_line.title, case_line.initials, case_line.child_name) == (
        "Casus 2027-0001 (S. de V.)",
        "S. de V.",
        "Sanne de Vries",
    )
    assert (case_line.advice, case_line.decision, case_line.next_review_date) == (
        Advice.TERUGLEIDINGSTRAJECT,
        "Terugleiding in vier weken.",
        LATER,
    )
    assert [a.id for a in case_line.actions] == [action.id]
    assert [a.id for a in got.actions] == [action.id]

    # History: the held meeting without minutes counts, the planned one does not yet.
    history = minutes.case_history(store, case_id)
    assert [(h.meeting_id, h.advice, h.notes) for h in history] == [
        (meeting, Advice.TERUGLEIDINGSTRAJECT, "School ziet mogelijkheden."),
        (held, None, ""),
    ]
    assert history[0].decision == "Terugleiding in vier weken."
    with pytest.raises(BadInput, match="bestaat niet"):
        minutes.case_history(store, 999)
