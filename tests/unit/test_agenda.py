"""Agenda proposal rules, time slots, and the agenda service (frame, items, order, warnings)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from casusoverleg.domain.agenda import (
    URGENCY_ORDER,
    CaseFacts,
    Discussion,
    ProposalReason,
    case_insert_index,
    check_order,
    end_time,
    item_title,
    overrun_minutes,
    overrun_warning,
    proposal_reasons,
    start_times,
    urgency,
)
from casusoverleg.domain.enums import (
    Advice,
    AgendaItemKind,
    AuditAction,
    CaseStatus,
    ExemptionGround,
    MeetingStatus,
)
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, agenda, audit, cases, meetings, minutes, people
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import Members, add_case, add_meeting, make_members

# Each test runs on an embedded store and on a store on a PostgreSQL server (issue 15).
pytestmark = pytest.mark.both_kinds

R = ProposalReason
K = AgendaItemKind
ON = date(2027, 5, 18)  # a Tuesday; the renewal deadline 30 June 2027 is 43 days later


def facts(**kwargs: object) -> CaseFacts:
    """Facts of an open ART15 case registered long ago, discussed once in January."""
    values: dict[str, object] = {
        "ground": ExemptionGround.ART15,
        "status": CaseStatus.IN_BEHANDELING,
        "registered_on": date(2026, 9, 1),
        "discussions": (Discussion(date(2027, 1, 12), Advice.DEELTIJDROOSTER),),
        "birth_date": date(2012, 3, 12),  # leerplichtig throughout
    }
    values.update(kwargs)
    return CaseFacts(**values)  # type: ignore[arg-type]


# -- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "reasons"),
    [
        (facts(), []),
        # New: registered, never discussed; not when registered after the meeting.
        (facts(discussions=()), [R.NIEUW]),
        (facts(discussions=(), registered_on=ON), [R.NIEUW]),
        (facts(discussions=(), registered_on=ON + timedelta(days=1)), []),
        # Review date on or before the meeting, until a discussion on or after it.
        (facts(review_date=ON), [R.HERBEOORDELING]),
        (facts(review_date=ON + timedelta(days=1)), []),
        (facts(review_date=date(2027, 1, 12)), []),
        (facts(review_date=date(2027, 1, 13)), [R.HERBEOORDELING]),
        # An open action due by the meeting.
        (facts(open_action_due=(ON,)), [R.ACTIE]),
        (facts(open_action_due=(ON + timedelta(days=1),)), []),
        # Closed cases never.
        (facts(status=CaseStatus.AFGESLOTEN, discussions=(), review_date=ON), []),
        # Held over at the last discussion.
        (facts(discussions=(Discussion(date(2027, 5, 4), Advice.AANHOUDEN),)), [R.AANGEHOUDEN]),
        (
            facts(
                discussions=(
                    Discussion(date(2027, 4, 20), Advice.AANHOUDEN),
                    Discussion(date(2027, 5, 4), Advice.VRIJSTELLING_PASSEND),
                )
            ),
            [],
        ),
        # Everything at once, most urgent first.
        (
            facts(
                ground=ExemptionGround.THUISZITTER,
                absent_since=date(2027, 1, 4),
                discussions=(),
                review_date=ON,
                open_action_due=(ON,),
            ),
            [R.HERBEOORDELING, R.THUISZITTER, R.ACTIE, R.NIEUW],
        ),
    ],
)
def test_proposal_reasons(case: CaseFacts, reasons: list[ProposalReason]) -> None:
    assert proposal_reasons(case, ON) == reasons


@pytest.mark.parametrize(
    ("on", "discussed", "proposed"),
    [
        # The notice is due "voor 1 juli" (Lpw art. 6 lid 2 onder b): 30 June 2027.
        (date(2027, 5, 5), None, True),  # exactly 8 weeks before 30 June
        (date(2027, 5, 4), None, False),  # 57 days before
        (date(2027, 6, 30), None, True),  # on the last day itself
        (date(2027, 7, 1), None, False),  # 1 July is too late: the next one is a year away
        (ON, (date(2027, 5, 5), Advice.VRIJSTELLING_PASSEND), False),  # settled in the window
        (ON, (date(2027, 5, 4), Advice.VRIJSTELLING_PASSEND), True),  # before the window
        (ON, (date(2027, 5, 11), Advice.NADER_ONDERZOEK), True),  # not settled
    ],
)
def test_renewal_within_eight_weeks(
    on: date, discussed: tuple[date, Advice] | None, proposed: bool
) -> None:
    history = (Discussion(*discussed),) if discussed else (Discussion(date(2026, 10, 6)),)
    case = facts(ground=ExemptionGround.ART5_A, discussions=history)
    assert (R.VERLENGING in proposal_reasons(case, on)) is proposed
    # Other grounds are not renewed yearly.
    assert R.VERLENGING not in proposal_reasons(facts(discussions=history), on)


@pytest.mark.parametrize(
    ("absent_since", "last_discussed", "proposed"),
    [
        (ON - timedelta(days=29), None, True),
        (ON - timedelta(days=28), None, False),  # exactly 4 weeks: not yet past
        (date(2027, 1, 4), ON - timedelta(days=42), True),  # 6 weeks ago: due again
        (date(2027, 1, 4), ON - timedelta(days=41), False),
    ],
)
def test_thuiszitter(absent_since: date, last_discussed: date | None, proposed: bool) -> None:
    history = (Discussion(last_discussed),) if last_discussed else (Discussion(date(2026, 9, 8)),)
    case = facts(ground=ExemptionGround.THUISZITTER, absent_since=absent_since, discussions=history)
    assert (R.THUISZITTER in proposal_reasons(case, ON)) is proposed


def test_urgency_and_order() -> None:
    assert urgency([R.NIEUW]) == len(URGENCY_ORDER)
    assert urgency([R.NIEUW, R.THUISZITTER]) == URGENCY_ORDER.index(R.THUISZITTER) + 1
    assert urgency([R.NIEUW, R.DOORGESCHOVEN]) == 1
    assert urgency([]) == len(URGENCY_ORDER) + 1
    assert R.VERLENGING.label == "verlenging vóór 1 juli binnen 8 weken"


def test_time_slots() -> None:
    assert start_times(time(13, 0), [5, 5, 10, 15]) == [
        time(13, 0),
        time(13, 5),
        time(13, 10),
        time(13, 20),
    ]
    assert end_time(time(13, 0), [5, 5, 10, 15]) == time(13, 35)
    assert end_time(time(23, 30), [45]) == time(0, 15)  # past midnight wraps round
    assert overrun_minutes([60, 70], 120) == 10
    assert overrun_minutes([60, 60], 120) == 0
    assert overrun_warning([60, 60], 120, time(15, 0)) == ""
    assert overrun_warning([60, 75], 120, time(15, 0)) == (
        "De agenda duurt 135 minuten: 15 minuten langer dan het overleg (120 minuten, tot "
        "15:00). Kort agendapunten in of verplaats een casus naar een volgend overleg."
    )


def test_frame_rules() -> None:
    frame = [K.OPENING, K.VERSLAG, K.ACTIELIJST, K.RONDVRAAG, K.SLUITING]
    assert case_insert_index(frame) == 3
    assert case_insert_index([*frame[:3], K.CASUS, *frame[3:]]) == 4
    assert case_insert_index([]) == 0
    assert check_order(frame) is None
    assert check_order([K.VERSLAG, K.OPENING]) == "De opening blijft het eerste agendapunt."
    assert check_order([K.SLUITING, K.RONDVRAAG]) == "De sluiting blijft het laatste agendapunt."
    assert item_title(K.CASUS, "", "2027-0001", "S. de V.") == "Casus 2027-0001 (S. de V.)"
    assert item_title(K.VERSLAG, "", "", "") == "Vaststellen verslag vorig overleg"


# -- service -------------------------------------------------------------------------------------


@pytest.fixture
def team(store: Store) -> Members:
    """The four core members."""
    return make_members(store)


def test_build_agenda_frame_and_times(store: Store, team: Members) -> None:
    first = add_case(store, "2027-0001", owner_id=team.wijkteam.id)
    second = add_case(store, "2027-0002", "Bram")
    meeting = add_meeting(store, ON, minutes=90)
    built = agenda.build_agenda(store, meeting, [second, first])
    assert [(i.position, i.kind, i.minutes, f"{i.start_time:%H:%M}") for i in built.items] == [
        (1, K.OPENING, 5, "13:00"),
        (2, K.VERSLAG, 5, "13:05"),
        (3, K.ACTIELIJST, 10, "13:10"),
        (4, K.CASUS, 15, "13:20"),
        (5, K.CASUS, 15, "13:35"),
        (6, K.RONDVRAAG, 5, "13:50"),
        (7, K.SLUITING, 5, "13:55"),
    ]
    assert [i.title for i in built.items[3:5]] == [
        "Casus 2027-0002 (B. de V.)",
        "Casus 2027-0001 (S. de V.)",
    ]
    # Hand-picked cases still carry the rule's reason (both are new).
    assert built.items[3].reason == "aangemeld, nog niet besproken"
    assert (built.items[4].presenter_id, built.items[4].presenter_name) == (
        team.wijkteam.id,
        "Ahmed el Amrani",
    )
    assert (built.end_time, built.total_minutes, built.overrun_minutes) == (time(14, 0), 60, 0)
    assert built.warnings == []
    assert agenda.get_agenda(store, meeting) == built
    with pytest.raises(BadInput, match="al een agenda"):
        agenda.build_agenda(store, meeting)
    logged = audit.list_events(store, case_number="2027-0001")
    assert logged[0].action == AuditAction.CREATE
    assert logged[0].object_type == "agendapunt"


def test_build_agenda_refuses_closed_doubles_and_cancelled(store: Store) -> None:
    case_id = add_case(store, "2027-0001")
    closed = add_case(store, "2027-0002")
    cases.close_case(store, closed, today=date(2027, 5, 10))
    meeting = add_meeting(store, ON)
    with pytest.raises(BadInput, match="afgesloten"):
        agenda.build_agenda(store, meeting, [case_id, closed])
    with pytest.raises(BadInput, match="één keer"):
        agenda.build_agenda(store, meeting, [case_id, case_id])
    assert agenda.get_agenda(store, meeting).items == []
    meetings.cancel_meeting(store, meeting)
    with pytest.raises(BadInput, match="geannuleerd"):
        agenda.build_agenda(store, meeting)
    assert agenda.get_agenda(store, meeting).warnings == ["Dit overleg is geannuleerd."]


def test_overrun_warning(store: Store) -> None:
    ids = [add_case(store, f"2027-{n:04d}") for n in range(1, 8)]
    meeting = add_meeting(store, ON, minutes=120)
    # Six cases fill the meeting ("Agenda opstellen"); the seventh goes on only by hand.
    built = agenda.build_agenda(store, meeting, ids)
    assert sorted(i.case_id for i in built.items if i.case_id) == ids
    # 30 minutes of fixed items and 7 × 15 minutes of cases: 135 minutes.
    assert (built.total_minutes, built.overrun_minutes) == (135, 15)
    assert built.end_time == time(15, 15)
    assert built.warnings == [
        "De agenda duurt 135 minuten: 15 minuten langer dan het overleg (120 minuten, tot "
        "15:00). Kort agendapunten in of verplaats een casus naar een volgend overleg."
    ]
    case_item = built.items[3]
    agenda.update_item(store, case_item.id, minutes=0)
    assert agenda.get_agenda(store, meeting).warnings == []


def test_add_remove_move_update(store: Store, team: Members) -> None:
    a = add_case(store, "2027-0001")
    b = add_case(store, "2027-0002")
    c = add_case(store, "2027-0003")
    meeting = add_meeting(store, ON)
    # Adding to a meeting without an agenda makes the fixed frame first.
    item_a = agenda.add_case_item(store, meeting, a, minutes=20, question="Is vrijstelling nodig?")
    assert (item_a.position, item_a.minutes, item_a.question) == (4, 20, "Is vrijstelling nodig?")
    assert item_a.reason == "aangemeld, nog niet besproken"
    item_b = agenda.add_case_item(store, meeting, b, presenter_id=team.swv.id)
    assert (item_b.position, item_b.presenter_name) == (5, "Petra Mulder")
    with pytest.raises(BadInput, match="staat al op de agenda"):
        agenda.add_case_item(store, meeting, a)
    with pytest.raises(BadInput, match="tussen 0 en 240"):
        agenda.add_case_item(store, meeting, c, minutes=300)
    item_c = agenda.add_case_item(store, meeting, c)
    kinds = [i.kind for i in agenda.get_agenda(store, meeting).items]
    assert kinds == [
        K.OPENING,
        K.VERSLAG,
        K.ACTIELIJST,
        K.CASUS,
        K.CASUS,
        K.CASUS,
        K.RONDVRAAG,
        K.SLUITING,
    ]
    assert [p.on_agenda for p in agenda.propose_agenda(store, meeting)] == [True] * 3

    # Move c to the front of the cases, then the actielijst after the cases.
    moved = agenda.move_item(store, item_c.id, 4)
    assert [i.case_id for i in moved.items if i.case_id] == [c, a, b]
    actielijst = next(i for i in moved.items if i.kind == K.ACTIELIJST)
    moved = agenda.move_item(store, actielijst.id, 6)
    assert [i.kind for i in moved.items][2:7] == [
        K.CASUS,
        K.CASUS,
        K.CASUS,
        K.ACTIELIJST,
        K.RONDVRAAG,
    ]
    assert [i.position for i in moved.items] == list(range(1, 9))
    opening = moved.items[0]
    with pytest.raises(BadInput, match="opening blijft"):
        agenda.move_item(store, opening.id, 2)
    with pytest.raises(BadInput, match="sluiting blijft"):
        agenda.move_item(store, item_c.id, 8)
    with pytest.raises(BadInput, match="van 1 tot en met 8"):
        agenda.move_item(store, item_c.id, 9)

    # Remove: a case item goes and the rest close up; fixed items stay.
    removed = agenda.remove_item(store, item_b.id)
    assert [i.position for i in removed.items] == list(range(1, 8))
    assert b not in [i.case_id for i in removed.items]
    with pytest.raises(BadInput, match="Vaste agendapunten"):
        agenda.remove_item(store, opening.id)
    minutes.save_entry(store, item_a.id, notes="Besproken.")
    with pytest.raises(BadInput, match="al verslag of actiepunten"):
        agenda.remove_item(store, item_a.id)
    has_minutes = {i.case_id: i.has_minutes for i in agenda.get_agenda(store, meeting).items}
    assert (has_minutes[a], has_minutes[c]) == (True, False)

    # Update: only what is given changes; an archived presenter is refused.
    updated = agenda.update_item(store, item_a.id, presenter_id=team.ortho.id)
    assert (updated.minutes, updated.presenter_name, updated.question) == (
        20,
        "Joost de Wit",
        "Is vrijstelling nodig?",
    )
    updated = agenda.update_item(store, item_a.id, presenter_id=None, question=" ")
    assert (updated.presenter_id, updated.question) == (None, "")
    people.archive_participant(store, team.swv.id, on=date(2027, 5, 1))
    with pytest.raises(BadInput, match="gearchiveerd"):
        agenda.update_item(store, item_a.id, presenter_id=team.swv.id)
    with pytest.raises(BadInput, match="tussen 0 en 240"):
        agenda.update_item(store, item_a.id, minutes=-1)

    details = [e.detail for e in audit.list_events(store) if e.object_type == "agendapunt"]
    assert f"overleg {meeting}; verplaatst van punt 6 naar punt 4" in details
    assert f"overleg {meeting}; van de agenda gehaald" in details
    assert f"overleg {meeting}; gewijzigd: inbrenger, vraag" in details
    assert any(
        e.action == AuditAction.DELETE for e in audit.list_events(store, case_number="2027-0002")
    )


def test_warnings_for_closed_case_and_archived_presenter(store: Store, team: Members) -> None:
    case_id = add_case(store, "2027-0001", owner_id=team.swv.id)
    meeting = add_meeting(store, ON)
    agenda.build_agenda(store, meeting)
    cases.close_case(store, case_id, today=date(2027, 5, 12))
    people.archive_participant(store, team.swv.id, on=date(2027, 5, 12))
    assert agenda.get_agenda(store, meeting).warnings == [
        "Casus 2027-0001 is inmiddels afgesloten.",
        "Petra Mulder is gearchiveerd; kies een andere inbrenger.",
    ]
    # A closed case is proposed no more, and a new agenda item gets no archived presenter.
    assert agenda.propose_agenda(store, meeting) == []


def test_fixed_minutes_freeze_the_agenda(store: Store) -> None:
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, ON)
    later = add_meeting(store, ON + timedelta(days=14))
    built = agenda.build_agenda(store, meeting)
    meetings.set_meeting_status(store, meeting, MeetingStatus.GEHOUDEN)
    minutes.fix_minutes(store, meeting, at_meeting_id=later)
    with pytest.raises(BadInput, match="vastgesteld"):
        agenda.update_item(store, built.items[0].id, minutes=10)
    other = add_case(store, "2027-0002")
    with pytest.raises(BadInput, match="vastgesteld"):
        agenda.add_case_item(store, meeting, other)
    # Discussed at the held meeting: not new at the next one (the other case still is).
    assert [p.case_id for p in agenda.propose_agenda(store, later)] == [other]
    assert case_id in [p.case_id for p in agenda.propose_agenda(store, meeting)]


def test_discussed_by_minutes_before_held_and_cancelled_meetings_do_not_count(
    store: Store, team: Members
) -> None:
    case_id = add_case(store, "2027-0001")
    cancelled = add_meeting(store, ON - timedelta(days=28))
    agenda.build_agenda(store, cancelled)
    meetings.cancel_meeting(store, cancelled)
    typed = add_meeting(store, ON - timedelta(days=14))
    built = agenda.build_agenda(store, typed)
    meeting = add_meeting(store, ON)
    assert [p.reasons for p in agenda.propose_agenda(store, meeting)] == [[R.NIEUW]]
    # Minutes typed at a meeting not (yet) marked held still count as a discussion.
    minutes.save_entry(store, built.items[3].id, advice=Advice.AANHOUDEN)
    assert [p.reasons for p in agenda.propose_agenda(store, meeting)] == [[R.AANGEHOUDEN]]
    actions.create_action(
        store,
        description="Gesprek met school",
        owner_id=team.leerplicht.id,
        due_date=ON,
        case_id=case_id,
        today=ON - timedelta(days=14),
    )
    assert [p.reasons for p in agenda.propose_agenda(store, meeting)] == [[R.AANGEHOUDEN, R.ACTIE]]


def test_lpw_art4b_no_thuiszitter_proposal_after_the_18th_birthday() -> None:
    # Turns 18 on 2027-03-05; the app used to propose "thuiszitter > 4 weken" on 2027-03-09.
    case = facts(
        ground=ExemptionGround.THUISZITTER,
        absent_since=date(2026, 12, 1),
        discussions=(),
        birth_date=date(2009, 3, 5),
    )
    assert R.THUISZITTER in proposal_reasons(case, date(2027, 3, 2))
    assert R.THUISZITTER not in proposal_reasons(case, date(2027, 3, 9))
