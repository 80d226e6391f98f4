"""The Overzicht service: next meeting, renewals, reviews, thuiszitters, late actions."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from casusoverleg.domain.enums import (
    ActionStatus,
    AgendaItemKind,
    AuditAction,
    CaseStatus,
    ExemptionGround,
    MeetingStatus,
    Team,
)
from casusoverleg.services import audit, cases, meetings, people
from casusoverleg.services.dashboard import dashboard
from casusoverleg.services.store import Store
from casusoverleg.store.models import ActionItem, AgendaItem, Meeting
from tests.helpers.stores import sample_case

# Each test runs on an embedded store and on a store on a PostgreSQL server (issue 15).
pytestmark = pytest.mark.both_kinds

TODAY = date(2026, 11, 25)  # a Wednesday


def _case(store: Store, first: str, **kwargs: object) -> int:
    kwargs.setdefault("registered_on", date(2026, 1, 5))
    return cases.create_case(store, sample_case(first, "Jansen", **kwargs), today=TODAY).id


def _action(
    store: Store, owner_id: int, description: str, due: date | None, **kwargs: object
) -> int:
    with store.write() as session:
        item = ActionItem(
            description=description,
            owner_id=owner_id,
            due_date=due,
            created_at=datetime(2026, 10, 1, 12),
            **kwargs,
        )
        session.add(item)
        session.flush()
        return item.id


def _agenda(store: Store, meeting_id: int, kinds: list[AgendaItemKind]) -> None:
    with store.write() as session:
        for position, kind in enumerate(kinds):
            session.add(AgendaItem(meeting_id=meeting_id, position=position, kind=str(kind)))


def test_an_empty_store_has_nothing_to_show(store: Store) -> None:
    board = dashboard(store, TODAY)
    assert board.next_meeting is None
    assert board.renewal_deadline == date(2027, 6, 30)  # Lpw art. 6 lid 2 onder b
    assert board.renewals == board.reviews_passed == []
    assert board.thuiszitters_four_weeks == board.thuiszitters_three_months == []
    assert board.overdue_actions == []


def test_next_meeting_is_the_first_planned_one_from_today_with_its_agenda(store: Store) -> None:
    meetings.add_meeting(store, date(2026, 11, 18), time(14), 120)  # last week
    cancelled = meetings.add_meeting(store, date(2026, 11, 30), time(9), 60)
    with store.write() as session:
        row = session.get(Meeting, cancelled.id)
        assert row is not None
        row.status = str(MeetingStatus.GEANNULEERD)
    later = meetings.add_meeting(store, date(2026, 12, 15), time(14), 120)
    first = meetings.add_meeting(store, date(2026, 12, 1), time(13, 30), 150, location="Stadshuis")

    board = dashboard(store, TODAY)
    assert board.next_meeting is not None
    assert board.next_meeting.id == first.id
    assert board.next_meeting.location == "Stadshuis"
    assert board.next_meeting.title == "Casusoverleg"
    assert board.next_meeting.end_time == time(16)
    assert board.next_meeting.agenda_items == 0

    kinds = [AgendaItemKind.OPENING, AgendaItemKind.CASUS, AgendaItemKind.CASUS]
    _agenda(store, first.id, [*kinds, AgendaItemKind.SLUITING])
    _agenda(store, later.id, [AgendaItemKind.CASUS])
    board = dashboard(store, TODAY)
    assert board.next_meeting is not None
    assert (board.next_meeting.agenda_items, board.next_meeting.case_items) == (4, 2)


def test_lpw_art6_lid2b_every_open_art5_case_gives_notice_each_year(store: Store) -> None:
    # "zolang nadien aanspraak op vrijstelling wordt gemaakt, elk jaar opnieuw voor 1 juli":
    # an exemption that runs on into the next school year is no exception.
    due = _case(store, "Anna", ground=ExemptionGround.ART5_A, exemption_until=date(2027, 7, 31),
                expert_statement_on=date(2026, 8, 1))  # fmt: skip
    no_end = _case(store, "Bram", ground=ExemptionGround.ART5_C)
    long_one = _case(store, "Cas", ground=ExemptionGround.ART5_B, exemption_until=date(2028, 7, 31))
    _case(store, "Dirk", ground=ExemptionGround.ART15, birth_date=date(2009, 3, 12))
    closed = _case(store, "Eva", ground=ExemptionGround.ART5_A)
    cases.close_case(store, closed, today=TODAY)
    # Art. 6 lid 3: no yearly notice when the art. 7 statement says "nooit geschikt".
    _case(store, "Fien", ground=ExemptionGround.ART5_A, expert_statement_on=date(2026, 8, 1),
          never_fit=True)  # fmt: skip
    # Art. 4b: 18 on 1 March 2027, so nothing is left to claim for the next school year.
    _case(store, "Gijs", ground=ExemptionGround.ART5_B, birth_date=date(2009, 3, 1))

    board = dashboard(store, TODAY)
    assert sorted(r.case_id for r in board.renewals) == sorted([due, no_end, long_one])
    assert {r.on for r in board.renewals} == {date(2027, 6, 30)}
    anna = next(r for r in board.renewals if r.case_id == due)
    assert anna.exemption_until == date(2027, 7, 31)
    assert anna.full_name == "Anna Jansen"


def test_renewal_deadline_moves_to_next_year_after_30_june(store: Store) -> None:
    # Lpw art. 6 lid 2 onder b, "voor 1 juli": on 1 July this year's notice is late, so the
    # board shows next year's; 30 June 2029 is a Saturday, so Friday 29 June is the day to act.
    assert dashboard(store, date(2028, 6, 30)).renewal_deadline == date(2028, 6, 30)
    assert dashboard(store, date(2028, 7, 1)).renewal_deadline == date(2029, 6, 29)


def test_review_dates_passed_are_listed_oldest_first(store: Store) -> None:
    recent = _case(store, "Anna", review_date=date(2026, 11, 24))
    older = _case(store, "Bram", review_date=date(2026, 9, 1))
    _case(store, "Cas", review_date=TODAY)  # today is not yet passed
    _case(store, "Dirk", review_date=date(2027, 1, 10))
    board = dashboard(store, TODAY)
    assert [(r.case_id, r.on) for r in board.reviews_passed] == [
        (older, date(2026, 9, 1)),
        (recent, date(2026, 11, 24)),
    ]


def test_thuiszitters_past_four_weeks_and_past_three_months(store: Store) -> None:
    ground = ExemptionGround.THUISZITTER
    owner_org = people.create_organisation(store, "Team Leerplicht", Team.LEERPLICHT)
    owner = people.create_participant(store, "Els de Boer", owner_org.id)
    long_ago = _case(store, "Anna", ground=ground, absent_since=date(2026, 6, 1), owner_id=owner.id)
    exactly_three_months = _case(store, "Bram", ground=ground, absent_since=date(2026, 8, 25))
    five_weeks = _case(store, "Cas", ground=ground, absent_since=date(2026, 10, 21))
    _case(store, "Dirk", ground=ground, absent_since=date(2026, 10, 28))  # exactly 4 weeks
    _case(store, "Eva", ground=ExemptionGround.PREVENTIEF, absent_since=date(2026, 1, 1))
    closed = _case(store, "Fleur", ground=ground, absent_since=date(2026, 1, 1))
    cases.close_case(store, closed, today=TODAY)

    board = dashboard(store, TODAY)
    assert [s.case_id for s in board.thuiszitters_three_months] == [long_ago]
    assert board.thuiszitters_three_months[0].owner_name == "Els de Boer"
    assert board.thuiszitters_three_months[0].on == date(2026, 6, 1)
    assert [s.case_id for s in board.thuiszitters_four_weeks] == [
        exactly_three_months,
        five_weeks,
    ]


def test_overdue_actions_name_owner_organisation_and_case(store: Store) -> None:
    org = people.create_organisation(store, "Sociaal Wijkteam Zwolle", Team.SOCIAAL_WIJKTEAM)
    piet = people.create_participant(store, "Piet Peters", org.id)
    case_id = _case(store, "Anna")
    number = cases.get_case(store, case_id).case_number
    late = _action(
        store, piet.id, "Verslag schoolarts opvragen", date(2026, 11, 1), case_id=case_id
    )
    later = _action(store, piet.id, "Ouders bellen", date(2026, 11, 24))
    _action(store, piet.id, "Vandaag", TODAY)
    _action(store, piet.id, "Zonder datum", None)
    _action(store, piet.id, "Al gedaan", date(2026, 10, 1), status=str(ActionStatus.GEREED))
    _action(store, piet.id, "Vervallen", date(2026, 10, 1), status=str(ActionStatus.VERVALLEN))
    people.archive_participant(store, piet.id, on=date(2026, 11, 20))

    board = dashboard(store, TODAY)
    assert [a.id for a in board.overdue_actions] == [late, later]
    first = board.overdue_actions[0]
    assert first.description == "Verslag schoolarts opvragen"
    assert (first.owner_name, first.organisation_name) == ("Piet Peters", org.name)
    assert first.owner_archived  # left the group, but the action keeps the name
    assert (first.case_id, first.case_number) == (case_id, number)
    assert first.days_late(TODAY) == 24
    assert board.overdue_actions[1].case_id is None


def test_closed_cases_give_no_signals_and_the_view_is_logged(store: Store) -> None:
    case_id = _case(store, "Anna", review_date=date(2026, 9, 1), status=CaseStatus.IN_BEHANDELING)
    cases.close_case(store, case_id, today=TODAY)
    assert dashboard(store, TODAY).reviews_passed == []
    views = [e for e in audit.list_events(store) if e.object_type == "overzicht"]
    assert [e.action for e in views] == [AuditAction.VIEW]
    dashboard(store, TODAY, log_view=False)
    assert len([e for e in audit.list_events(store) if e.object_type == "overzicht"]) == 1


def test_lpw_art3_a_thuiszitter_counts_only_days_in_leerplicht(store: Store) -> None:
    # Born 2021-10-03, leerplichtig from 2 November 2026, at home since 2026-04-08: on
    # 2026-12-01 past 4 weeks, not past 3 months (the Overzicht used to say 3 months).
    young = _case(
        store,
        "Mila",
        ground=ExemptionGround.THUISZITTER,
        birth_date=date(2021, 10, 3),
        absent_since=date(2026, 4, 8),
    )
    board = dashboard(store, date(2026, 12, 1))
    assert [s.case_id for s in board.thuiszitters_four_weeks] == [young]
    assert board.thuiszitters_three_months == []
