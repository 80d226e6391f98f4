"""What happened to each agenda item: chosen outcomes, closing defers the rest, adoption notes.

Issue 12 item 1: the minutes record only what happened. An item left untouched when the
meeting is closed is deferred to the next planned meeting; "geen bijzonderheden" is a choice;
adopting the previous minutes (with amendments) is recorded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest

from casusoverleg.domain.enums import (
    ActionStatus,
    AgendaItemKind,
    AuditAction,
    ItemOutcome,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.domain.recurrence import Recurrence
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, agenda, audit, documents, meetings, minutes
from casusoverleg.services.store import Store
from casusoverleg.store.models import Meeting
from tests.helpers.meeting_data import add_case, add_meeting, make_members
from tests.helpers.pdfs import all_text, squashed

# Each test runs on an embedded store and on a store on a PostgreSQL server (issue 15).
pytestmark = pytest.mark.both_kinds

EARLIER = date(2027, 3, 2)
HELD = date(2027, 3, 16)
NEXT = date(2027, 3, 30)
LATER = date(2027, 4, 13)


def _items(store: Store, meeting_id: int) -> dict[AgendaItemKind | int, int]:
    """Agenda item ids by kind (fixed items) and by case id."""
    found: dict[AgendaItemKind | int, int] = {}
    for item in agenda.get_agenda(store, meeting_id).items:
        found[item.case_id if item.case_id is not None else item.kind] = item.id
    return found


@pytest.fixture
def cycle(store: Store) -> dict[str, int]:
    """Four cases on a meeting, with later meetings planned (the second one cancelled)."""
    team = make_members(store)
    ids = {
        f"case{n}": add_case(store, f"2027-000{n}", name)
        for n, name in ((1, "Anna"), (2, "Bram"), (3, "Cas"), (4, "Daan"))
    }
    ids["owner"] = team.swv.id
    ids["earlier"] = add_meeting(store, EARLIER)
    ids["held"] = add_meeting(store, HELD)
    ids["cancelled"] = add_meeting(store, date(2027, 3, 23))
    meetings.cancel_meeting(store, ids["cancelled"])
    ids["next"] = add_meeting(store, NEXT)
    ids["later"] = add_meeting(store, LATER)
    agenda.build_agenda(store, ids["held"], [ids[f"case{n}"] for n in (1, 2, 3, 4)])
    return ids


def test_writing_marks_discussed_choices_stay_and_closing_defers_the_rest(
    store: Store, cycle: dict[str, int]
) -> None:
    held = cycle["held"]
    items = _items(store, held)
    discussed, quiet, withdrawn, untouched = (items[cycle[f"case{n}"]] for n in (1, 2, 3, 4))

    saved = minutes.save_entry(store, discussed, notes="Moeder en school gesproken.")
    assert saved.outcome is ItemOutcome.BESPROKEN
    assert minutes.set_outcome(store, quiet, ItemOutcome.GEEN_BIJZONDERHEDEN).outcome is (
        ItemOutcome.GEEN_BIJZONDERHEDEN
    )
    # A note typed afterwards does not overrule the choice made on purpose.
    assert minutes.save_entry(store, quiet, notes="Loopt.").outcome is (
        ItemOutcome.GEEN_BIJZONDERHEDEN
    )
    # Wiping the text of a discussed case takes "besproken" back.
    minutes.save_entry(store, untouched, notes="x")
    assert minutes.save_entry(store, untouched, notes="").outcome is None
    minutes.set_outcome(store, withdrawn, ItemOutcome.INGETROKKEN)
    # Fixed items: no particulars, yes; deferred or withdrawn, no.
    minutes.set_outcome(store, items[AgendaItemKind.RONDVRAAG], ItemOutcome.GEEN_BIJZONDERHEDEN)
    with pytest.raises(BadInput, match="Alleen een casus"):
        minutes.set_outcome(store, items[AgendaItemKind.OPENING], ItemOutcome.DOORGESCHOVEN)

    plan = minutes.closing_plan(store, held)
    assert [u.agenda_item_id for u in plan.untouched] == [untouched]
    assert plan.untouched[0].title == "Casus 2027-0004 (D. de V.)"
    # The cancelled meeting in between is skipped: the next *planned* one.
    assert (plan.next_meeting_id, plan.next_meeting_date) == (cycle["next"], NEXT)

    closed = minutes.close_meeting(store, held)
    assert closed.status is MeetingStatus.GEHOUDEN
    got = {i: minutes.get_entry(store, i) for i in (discussed, quiet, withdrawn, untouched)}
    assert [got[i].outcome for i in (discussed, quiet, withdrawn, untouched)] == [
        ItemOutcome.BESPROKEN,
        ItemOutcome.GEEN_BIJZONDERHEDEN,
        ItemOutcome.INGETROKKEN,
        ItemOutcome.DOORGESCHOVEN,
    ]
    assert got[untouched].deferred_to == NEXT
    # Fixed items nobody touched keep "nothing recorded": no invented "geen bijzonderheden".
    opening = minutes.get_entry(store, items[AgendaItemKind.OPENING])
    assert opening.outcome is None
    (event,) = [
        e
        for e in audit.list_events(store)
        if e.object_type == "overleg" and e.object_id == str(held) and "gehouden" in e.detail
    ]
    assert event.action == AuditAction.UPDATE
    assert "1 niet besproken, doorgeschoven" in event.detail
    with pytest.raises(BadInput, match="al afgesloten"):
        minutes.close_meeting(store, held)


def test_closing_sets_chosen_outcomes_in_one_transaction_or_nothing(
    store: Store, cycle: dict[str, int]
) -> None:
    held = cycle["held"]
    items = _items(store, held)
    first, second = items[cycle["case1"]], items[cycle["case2"]]
    # A bad choice (an item of another meeting) leaves everything as it was.
    other = add_meeting(store, date(2027, 5, 11))
    agenda.build_agenda(store, other, [cycle["case1"]])
    foreign = _items(store, other)[cycle["case1"]]
    with pytest.raises(BadInput, match="hoort niet bij dit overleg"):
        minutes.close_meeting(
            store, held, {first: ItemOutcome.INGETROKKEN, foreign: ItemOutcome.INGETROKKEN}
        )
    assert meetings.get_meeting(store, held).status is MeetingStatus.GEPLAND
    assert minutes.get_entry(store, first).outcome is None

    minutes.close_meeting(
        store, held, {first: ItemOutcome.INGETROKKEN, second: ItemOutcome.GEEN_BIJZONDERHEDEN}
    )
    assert minutes.get_entry(store, first).outcome is ItemOutcome.INGETROKKEN
    assert minutes.get_entry(store, second).outcome is ItemOutcome.GEEN_BIJZONDERHEDEN
    third = minutes.get_entry(store, items[cycle["case3"]])
    assert (third.outcome, third.deferred_to) == (ItemOutcome.DOORGESCHOVEN, NEXT)
    # Taking a choice back after closing: an untouched case of a held meeting is deferred.
    again = minutes.set_outcome(store, first, None)
    assert (again.outcome, again.deferred_to) == (ItemOutcome.DOORGESCHOVEN, NEXT)


def test_no_planned_meeting_defers_to_the_next_one_and_fixed_minutes_refuse(
    store: Store, cycle: dict[str, int]
) -> None:
    for later in (cycle["next"], cycle["later"]):
        meetings.cancel_meeting(store, later)
    held = cycle["held"]
    minutes.close_meeting(store, held)
    item = _items(store, held)[cycle["case1"]]
    entry = minutes.get_entry(store, item)
    assert (entry.outcome, entry.deferred_to) == (ItemOutcome.DOORGESCHOVEN, None)
    after = add_meeting(store, date(2027, 6, 1))
    minutes.fix_minutes(store, held, at_meeting_id=after)
    with pytest.raises(BadInput, match="vastgesteld"):
        minutes.set_outcome(store, item, ItemOutcome.INGETROKKEN)


def test_adoption_with_amendments_is_stored_logged_and_printed(
    store: Store, cycle: dict[str, int], tmp_path: Path
) -> None:
    earlier, held = cycle["earlier"], cycle["held"]
    agenda.build_agenda(store, earlier, [cycle["case1"]])
    old = actions.create_action(
        store,
        description="Schoolverslag opvragen",
        owner_id=cycle["owner"],
        case_id=cycle["case1"],
        agenda_item_id=_items(store, earlier)[cycle["case1"]],
        due_date=date(2027, 3, 12),
        today=EARLIER,
    )
    done = actions.create_action(
        store,
        description="Ouders uitnodigen",
        owner_id=cycle["owner"],
        case_id=cycle["case1"],
        agenda_item_id=_items(store, earlier)[cycle["case1"]],
        due_date=date(2027, 3, 12),
        today=EARLIER,
    )
    gone = actions.create_action(
        store,
        description="Al lang klaar",
        owner_id=cycle["owner"],
        case_id=cycle["case1"],
        agenda_item_id=_items(store, earlier)[cycle["case1"]],
        due_date=date(2027, 3, 12),
        today=EARLIER,
    )
    actions.complete_action(store, gone.id, done_on=date(2027, 3, 5))
    minutes.close_meeting(store, earlier)
    # In the held meeting: the earlier minutes adopted with a change, one action done there.
    fixed = minutes.fix_minutes(
        store, earlier, at_meeting_id=held, note="Bij punt 4: ‘school’ wordt ‘SWV’."
    )
    assert fixed.status is MinutesStatus.VASTGESTELD
    actions.complete_action(store, done.id, done_on=HELD)
    new = actions.create_action(
        store,
        description="Plan van aanpak maken",
        owner_id=cycle["owner"],
        case_id=cycle["case2"],
        agenda_item_id=_items(store, held)[cycle["case2"]],
        due_date=date(2027, 4, 1),
        today=HELD,
    )
    verslag = minutes.get_entry(store, _items(store, held)[AgendaItemKind.VERSLAG])
    assert verslag.outcome is ItemOutcome.BESPROKEN
    (logged,) = [e for e in audit.list_events(store) if "verslag vastgesteld" in e.detail]
    assert "met wijzigingen" in logged.detail and "SWV" not in logged.detail
    minutes.save_entry(store, _items(store, held)[cycle["case2"]], notes="Besproken.")
    minutes.set_outcome(store, _items(store, held)[cycle["case3"]], ItemOutcome.GEEN_BIJZONDERHEDEN)
    minutes.close_meeting(store, held)

    got = minutes.get_minutes(store, held)
    assert [(a.meeting_id, a.note) for a in got.adopted] == [
        (earlier, "Bij punt 4: ‘school’ wordt ‘SWV’.")
    ]
    assert got.not_adopted is None
    # Open when the meeting began: the open one and the one done in it; not the one done
    # before it, and not the one agreed in it (that is among its own actions).
    assert [(a.id, a.status) for a in got.carried_over] == [
        (old.id, ActionStatus.OPEN),
        (done.id, ActionStatus.GEREED),
    ]
    assert [a.id for a in got.actions] == [new.id]

    path = tmp_path / "verslag.pdf"
    documents.print_minutes(store, held, path, today=HELD)
    text = squashed(all_text(path))
    assert (
        "Het verslag van het overleg van dinsdag 2 maart 2027 is vastgesteld met de volgende "
        "wijzigingen: Bij punt 4: ‘school’ wordt ‘SWV’." in text
    )
    assert text.count("Geen bijzonderheden.") == 1  # only the case where it was chosen
    assert (
        text.count("Niet besproken — doorgeschoven naar het overleg van dinsdag 30 maart 2027.")
        == 2  # cases 1 and 4
    )
    for words in (
        f"nr. {old.id}",
        f"nr. {done.id}",
        f"nr. {new.id}",
        "afgesproken op 02-03-2027",
        "gereed op 16-03-2027",
        "Schoolverslag opvragen",
        "Openstaande actiepunten uit eerdere overleggen (2)",
    ):
        assert words in text, words
    assert "Al lang klaar" not in text

    # The earlier meeting's own minutes: nothing was there to adopt.
    earlier_minutes = minutes.get_minutes(store, earlier)
    assert (earlier_minutes.adopted, earlier_minutes.not_adopted) == ((), None)
    # The next meeting does not adopt the held one's minutes: it says so.
    assert minutes.get_minutes(store, cycle["next"]).not_adopted == HELD


def test_adoption_note_is_limited(store: Store, cycle: dict[str, int]) -> None:
    minutes.close_meeting(store, cycle["earlier"])
    with pytest.raises(BadInput, match="te lang"):
        minutes.fix_minutes(store, cycle["earlier"], at_meeting_id=cycle["held"], note="x" * 4001)
    assert meetings.get_meeting(store, cycle["earlier"]).minutes_status is MinutesStatus.CONCEPT


def test_deferred_goes_to_the_same_series_first(store: Store) -> None:
    case = add_case(store, "2027-0001", "Anna")
    weekly = meetings.SeriesInput(
        name="Casusoverleg",
        start_date=date(2027, 3, 2),  # Tuesdays
        start_time=time(13, 0),
        minutes=120,
        recurrence=Recurrence.weekly(1, every_weeks=4),
        count=2,
    )
    ours = meetings.create_series(store, weekly, meetings.PastDates.AS_PLANNED)
    # Another group meets in between (a Thursday): not where our cases go.
    other = meetings.create_series(
        store,
        replace(
            weekly,
            name="Thuiszittersoverleg",
            start_date=date(2027, 3, 4),
            recurrence=Recurrence.weekly(3, 1),
        ),
        meetings.PastDates.AS_PLANNED,
    )
    ours_first, ours_next = [m for m in meetings.list_meetings(store) if m.series_id == ours.id]
    assert any(
        m.series_id == other.id and m.date < ours_next.date for m in meetings.list_meetings(store)
    )
    agenda.build_agenda(store, ours_first.id, [case])
    minutes.close_meeting(store, ours_first.id)
    item = _items(store, ours_first.id)[case]
    assert minutes.get_entry(store, item).deferred_to == ours_next.date


def test_an_action_agreed_on_a_case_counts_as_discussed(
    store: Store, cycle: dict[str, int]
) -> None:
    held = cycle["held"]
    items = _items(store, held)
    actions.create_action(
        store,
        description="Ouders bellen",
        owner_id=cycle["owner"],
        agenda_item_id=items[cycle["case1"]],
        due_date=date(2027, 3, 30),
        today=HELD,
    )
    plan = minutes.closing_plan(store, held)
    assert items[cycle["case1"]] not in [u.agenda_item_id for u in plan.untouched]
    minutes.close_meeting(store, held)
    assert minutes.get_entry(store, items[cycle["case1"]]).outcome is ItemOutcome.BESPROKEN
    # Choosing is logged per item, with the case.
    minutes.set_outcome(store, items[cycle["case2"]], ItemOutcome.INGETROKKEN)
    (event,) = [
        e
        for e in audit.list_events(store)
        if e.object_type == "agendapunt" and "uitkomst" in e.detail
    ]
    assert event.case_number == "2027-0002"
    assert event.detail.endswith("uitkomst: ingetrokken")


def test_an_action_dropped_in_the_meeting_is_carried_over_one_dropped_before_is_not(
    store: Store, cycle: dict[str, int]
) -> None:
    earlier, held = cycle["earlier"], cycle["held"]
    agenda.build_agenda(store, earlier, [cycle["case1"]])
    made = [
        actions.create_action(
            store,
            description=f"Actie {n}",
            owner_id=cycle["owner"],
            agenda_item_id=_items(store, earlier)[cycle["case1"]],
            due_date=date(2027, 4, 1),
            today=EARLIER,
        )
        for n in range(3)
    ]
    minutes.close_meeting(store, earlier)
    # The actions service keeps each step's day (ActionEvent, migration 0006): one dropped in
    # the meeting, one the week before it; the third is still open.
    actions.cancel_action(store, made[0].id, today=HELD, meeting_id=held)
    actions.cancel_action(store, made[1].id, today=date(2027, 3, 9))
    carried = minutes.get_minutes(store, held).carried_over
    assert {(a.id, a.status) for a in carried} == {
        (made[0].id, ActionStatus.VERVALLEN),
        (made[2].id, ActionStatus.OPEN),
    }


def test_a_deferred_or_withdrawn_case_was_not_discussed_in_that_meeting(
    store: Store, cycle: dict[str, int]
) -> None:
    # A case's discussion history (and so its "nieuw" reason and its last advice) must not
    # count a meeting in which it was only deferred or withdrawn.
    held = cycle["held"]
    items = _items(store, held)
    minutes.save_entry(store, items[cycle["case1"]], notes="Besproken.")
    minutes.set_outcome(store, items[cycle["case3"]], ItemOutcome.INGETROKKEN)
    minutes.close_meeting(store, held, {})
    with store.read() as session:
        later = session.get(Meeting, cycle["next"])
        assert later is not None
        found = minutes.discussions_before(session, later)
    assert [d.on for d in found[cycle["case1"]]] == [HELD]
    for case in ("case2", "case3", "case4"):  # deferred, withdrawn, deferred
        assert cycle[case] not in found


def test_the_minutes_give_the_planned_time_not_the_end_of_the_items(
    store: Store, cycle: dict[str, int], tmp_path: Path
) -> None:
    # Four cases and the fixed items end well before the planned 15:00; the store does not
    # know when the meeting really ended, so the minutes say what the agenda and .ics say.
    held = cycle["held"]
    assert agenda.get_agenda(store, held).end_time < time(15, 0)
    minutes.close_meeting(store, held)
    path = tmp_path / "verslag.pdf"
    documents.print_minutes(store, held, path, today=HELD)
    assert "13.00 – 15.00 uur" in squashed(all_text(path))
