"""Meeting mode's view: the whole screen from one read transaction, as the services say it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casusoverleg.domain.enums import Advice, AgendaItemKind, MinutesStatus
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, agenda, audit, meetings, minutes, people
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_mode import meeting_mode_view
from tests.helpers.scenario import Scenario, build
from tests.helpers.transactions import counting_transactions

TODAY = date(2026, 11, 10)


@pytest.fixture
def scenario(store: Store) -> Scenario:
    """A held meeting (minutes fixed, a correction, actions) and the next with three cases."""
    return build(store, cases_on_next=3, today=TODAY)


def test_the_view_is_read_in_one_transaction_and_logs_nothing(
    store: Store, scenario: Scenario
) -> None:
    logged = len(audit.list_events(store))
    with counting_transactions(store) as began:
        view = meeting_mode_view(store, scenario.next_id, today=TODAY)
    assert len(began) == 1
    assert len(view.items) == 3 + 5  # the cases and the five fixed items
    assert len(audit.list_events(store)) == logged


def test_the_view_says_what_the_services_say_one_by_one(store: Store, scenario: Scenario) -> None:
    meeting_id = scenario.next_id
    view = meeting_mode_view(store, meeting_id, today=TODAY)
    assert view.meeting == meetings.get_meeting(store, meeting_id)
    items = agenda.get_agenda(store, meeting_id).items
    assert [i.agenda_item for i in view.items] == items
    for shown in view.items:
        item = shown.agenda_item
        assert shown.entry == minutes.get_entry(store, item.id)
        if item.case_id is None:
            assert shown.history == ()
        else:
            history = minutes.case_history(store, item.case_id)
            assert shown.history == tuple(h for h in history if h.meeting_id != meeting_id)
    assert view.attendance == tuple(meetings.list_attendance(store, meeting_id))
    assert view.participants == tuple(people.list_participants(store))
    assert view.agreed == tuple(actions.list_meeting_actions(store, meeting_id, today=TODAY))
    assert view.open_actions == tuple(actions.open_actions_for_agenda(store, meeting_id))
    assert view.previous == meetings.get_meeting(store, scenario.held_id)


def test_each_case_item_shows_its_earlier_discussions(store: Store, scenario: Scenario) -> None:
    view = meeting_mode_view(store, scenario.next_id, today=TODAY)
    by_case = {i.agenda_item.case_id: i for i in view.items if i.agenda_item.case_id}
    first, second, third = (by_case[c] for c in scenario.case_ids[:3])
    # The first two were discussed at the held meeting, the third never.
    (earlier,) = first.history
    assert earlier.meeting_id == scenario.held_id
    assert earlier.advice is Advice.DEELTIJDROOSTER
    assert earlier.minutes_status is MinutesStatus.VASTGESTELD
    assert earlier.next_review_date == scenario.next_date + timedelta(days=42)
    (corrected,) = second.history
    assert corrected.advice is Advice.NADER_ONDERZOEK
    assert corrected.amendments == ["Het onderzoek is door de GZ-psycholoog, niet de school."]
    assert third.history == ()
    # Nothing is recorded at the next meeting yet.
    assert all(i.entry.entry_id is None for i in view.items)
    assert view.agreed == ()
    kinds = [i.agenda_item.kind for i in view.items]
    assert kinds[:3] == [AgendaItemKind.OPENING, AgendaItemKind.VERSLAG, AgendaItemKind.ACTIELIJST]


def test_the_actielijst_holds_the_open_actions_agreed_before(
    store: Store, scenario: Scenario
) -> None:
    view = meeting_mode_view(store, scenario.next_id, today=TODAY)
    assert [a.description for a in view.open_actions] == [
        "Gesprek met ouders en school plannen over het deeltijdrooster",
        "Verslag orthopedagogisch onderzoek opvragen",
    ]  # the action already done is not on it
    assert [a.overdue for a in view.open_actions] == [True, False]


def test_what_is_typed_at_this_meeting_is_its_entry_not_its_history(
    store: Store, scenario: Scenario
) -> None:
    meeting_id = scenario.next_id
    item = next(
        i for i in agenda.get_agenda(store, meeting_id).items if i.case_id == scenario.case_ids[0]
    )
    minutes.save_entry(store, item.id, notes="Het rooster loopt.", advice=Advice.AANHOUDEN)
    action = actions.create_action(
        store,
        description="Evaluatie plannen",
        owner_id=scenario.participant_ids[0],
        due_date=scenario.next_date + timedelta(days=14),
        agenda_item_id=item.id,
        today=scenario.next_date,
    )
    view = meeting_mode_view(store, meeting_id, today=TODAY)
    shown = next(i for i in view.items if i.agenda_item.id == item.id)
    assert shown.entry.notes == "Het rooster loopt."
    assert shown.entry.advice is Advice.AANHOUDEN
    assert [h.meeting_id for h in shown.history] == [scenario.held_id]
    assert [a.id for a in view.agreed] == [action.id]
    assert action.id not in {a.id for a in view.open_actions}  # not in its own actielijst


def test_the_first_held_meeting_has_no_previous_one(store: Store, scenario: Scenario) -> None:
    view = meeting_mode_view(store, scenario.held_id, today=TODAY)
    assert view.previous is None
    case_items = [i for i in view.items if i.agenda_item.case_id is not None]
    assert [i.history for i in case_items] == [(), ()]  # its own minutes are not history
    assert case_items[0].entry.advice is Advice.DEELTIJDROOSTER
    assert len(view.agreed) == 2


def test_an_unknown_meeting_is_bad_input(store: Store) -> None:
    with pytest.raises(BadInput, match="geen overleg met nummer 999"):
        meeting_mode_view(store, 999)
