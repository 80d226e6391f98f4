"""An agenda that fits the meeting (issue 12, item 2): the urgency order, filling up to the
planned length, an overrun only when chosen, and the first proposals of a large store."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from casusoverleg.domain.agenda import ProposalReason
from casusoverleg.domain.enums import Advice, AgendaItemKind, ExemptionGround, ItemOutcome
from casusoverleg.domain.enums import MeetingStatus as MS
from casusoverleg.domain.urgency import UrgencyFacts, UrgencyTier, rank_key, tier
from casusoverleg.services import actions, agenda, audit, cases, meetings, minutes
from casusoverleg.services.agenda import AgendaOverrun
from casusoverleg.services.store import Store
from casusoverleg.store.models import AgendaItem, Meeting
from tests.helpers.meeting_data import add_case, add_meeting, make_members
from tests.helpers.stores import sample_case

R = ProposalReason
ON = date(2027, 5, 18)  # a Tuesday; the renewal deadline (30 June 2027) is within 8 weeks
EARLIER = date(2027, 5, 4)


def _defer(store: Store, meeting_id: int, case_id: int, to: int | None) -> None:
    """Record a case's item as not reached ("doorgeschoven"), as the minutes helper does."""
    with store.write() as session:
        item = session.scalars(
            select(AgendaItem).where(
                AgendaItem.meeting_id == meeting_id, AgendaItem.case_id == case_id
            )
        ).one()
        item.outcome = str(ItemOutcome.DOORGESCHOVEN)
        item.deferred_to_id = to


def _item(built: agenda.Agenda, case_id: int) -> int:
    return next(i.id for i in built.items if i.case_id == case_id)


# -- the order ------------------------------------------------------------------------------------


def test_rank_key_orders_the_tiers_and_breaks_ties_by_casusnummer() -> None:
    def key(number: str, *reasons: R, **kwargs: object) -> tuple[int, int, int, int, str]:
        return rank_key(UrgencyFacts(reasons=reasons, case_number=number, **kwargs))  # type: ignore[arg-type]

    keys = {
        "new": key("0001", R.NIEUW),
        "action": key("0002", R.ACTIE, R.NIEUW),
        "home 40": key("0003", R.THUISZITTER, days_at_home=40),
        "home 90": key("0004", R.THUISZITTER, days_at_home=90),
        "renewal": key("0005", R.VERLENGING, notice_due=date(2027, 6, 30)),
        "review": key("0006", R.HERBEOORDELING, R.THUISZITTER, review_date=date(2027, 5, 11)),
        "held": key("0007", R.AANGEHOUDEN, R.VERLENGING, held_on=date(2027, 5, 4)),
        "deferred": key("0008", R.DOORGESCHOVEN, R.NIEUW, deferred_on=date(2027, 5, 4)),
        "deferred earlier": key("0009", R.DOORGESCHOVEN, deferred_on=date(2027, 4, 20)),
        "new too": key("0000", R.NIEUW),
    }
    assert sorted(keys, key=keys.__getitem__) == [
        "deferred earlier",
        "deferred",
        "held",
        "review",
        "renewal",
        "home 90",
        "home 40",
        "action",
        "new too",
        "new",
    ]
    # A new registration of a child at home is about a child at home.
    assert tier(UrgencyFacts([R.NIEUW], "1", days_at_home=3)) is UrgencyTier.THUISZITTER
    assert tier(UrgencyFacts([R.VERKLARING], "1", days_at_home=300)) is UrgencyTier.TERMIJN


def test_proposal_deferred_first_then_deadlines_then_days_at_home(store: Store) -> None:
    team = make_members(store)
    new = add_case(store, "2027-0001")
    home_short = add_case(
        store, "2027-0004", ground=ExemptionGround.THUISZITTER, absent_since=date(2027, 3, 1)
    )
    home_long = add_case(
        store, "2027-0005", ground=ExemptionGround.THUISZITTER, absent_since=date(2027, 1, 11)
    )
    renewal = add_case(
        store, "2027-0006", ground=ExemptionGround.ART5_A, expert_statement_on=date(2026, 8, 20)
    )
    review = add_case(store, "2027-0007", review_date=date(2027, 5, 11))
    held = add_case(store, "2027-0008")
    deferred = add_case(store, "2027-0009")
    action_due = add_case(store, "2027-0010")
    actions.create_action(
        store,
        description="Verslag van de school opvragen",
        owner_id=team.swv.id,
        due_date=ON - timedelta(days=1),
        case_id=action_due,
        today=EARLIER,
    )
    earlier = add_meeting(store, EARLIER)
    before = agenda.build_agenda(store, earlier, [held, deferred])
    minutes.save_entry(store, _item(before, held), advice=Advice.AANHOUDEN)
    _defer(store, earlier, deferred, to=None)
    meetings.set_meeting_status(store, earlier, MS.GEHOUDEN)

    meeting = add_meeting(store, ON)
    proposed = agenda.propose_agenda(store, meeting)
    assert [p.case_id for p in proposed] == [
        deferred,
        held,
        review,  # review date 11 May before the art. 6 notice of 30 June
        renewal,
        home_long,  # at home since 11 January before since 1 March
        home_short,
        action_due,
        new,
    ]
    assert [p.urgency for p in proposed] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert proposed[0].reasons[0] is R.DOORGESCHOVEN
    assert proposed[0].reason_text.startswith(
        "niet besproken in het overleg van 04-05-2027, doorgeschoven"
    )
    # The first page of proposals is the same order.
    page = agenda.propose_first(store, meeting, limit=3)
    assert page.proposals == proposed[:3]
    assert (page.total, page.waiting, page.not_listed) == (8, 8, 5)
    # The reason goes with it onto the agenda (and so onto the printed agenda); the meeting
    # is full after six, so the action and the new registration wait.
    fill = agenda.fill_agenda(store, meeting)
    first_case = next(i for i in fill.agenda.items if i.case_id is not None)
    assert first_case.case_id == deferred
    assert first_case.reason.startswith("niet besproken in het overleg van 04-05-2027")
    assert (fill.placed, fill.remaining) == (6, 2)
    page = agenda.propose_first(store, meeting, limit=3)
    assert [p.case_id for p in page.proposals] == [
        action_due,
        new,
        *[p.case_id for p in proposed[:6]],
    ]


def test_a_deferral_waits_for_the_meeting_it_was_deferred_to(store: Store) -> None:
    case_id = add_case(store, "2027-0001")
    earlier = add_meeting(store, EARLIER)
    agenda.build_agenda(store, earlier, [case_id])
    meeting = add_meeting(store, ON)
    later = add_meeting(store, ON + timedelta(days=14))

    def reasons(at: int) -> list[R]:
        """Why the case is proposed for meeting `at` (nothing: not proposed)."""
        found = [p.reasons for p in agenda.propose_agenda(store, at) if p.case_id == case_id]
        return found[0] if found else []

    meetings.set_meeting_status(store, earlier, MS.GEHOUDEN)
    _defer(store, earlier, case_id, to=later)
    assert R.DOORGESCHOVEN not in reasons(meeting)  # it is to come back at `later`
    assert reasons(later)[0] is R.DOORGESCHOVEN
    # Deferred to this meeting: it comes first here.
    _defer(store, earlier, case_id, to=meeting)
    assert reasons(meeting)[0] is R.DOORGESCHOVEN
    # The meeting it was deferred to was cancelled: it comes back at the next one.
    _defer(store, earlier, case_id, to=later)
    meetings.cancel_meeting(store, later)
    assert reasons(meeting)[0] is R.DOORGESCHOVEN
    # Once on a later held agenda, it is no longer deferred.
    agenda.build_agenda(store, meeting, [case_id])
    meetings.set_meeting_status(store, meeting, MS.GEHOUDEN)
    after = add_meeting(store, ON + timedelta(days=28))
    assert all(R.DOORGESCHOVEN not in p.reasons for p in agenda.propose_agenda(store, after))


# -- filling ------------------------------------------------------------------------------------


def test_agenda_opstellen_fills_up_to_the_planned_length_and_reports_the_rest(
    store: Store,
) -> None:
    ids = [add_case(store, f"2027-{n:04d}") for n in range(1, 11)]
    meeting = add_meeting(store, ON, minutes=120)
    fill = agenda.fill_agenda(store, meeting)
    # 30 minutes of fixed items leave 90 minutes: 6 cases of 15 minutes, the first six.
    assert (fill.placed, fill.remaining) == (6, 4)
    assert [i.case_id for i in fill.agenda.items if i.case_id] == ids[:6]
    assert fill.agenda.total_minutes == 120
    assert (fill.agenda.overrun_minutes, fill.agenda.warnings) == (0, [])
    assert (fill.agenda.end_time, fill.agenda.planned_end) == (time(15), time(15))
    # The four left stay proposed for the next meeting.
    waiting = [p.case_id for p in agenda.propose_agenda(store, meeting) if not p.on_agenda]
    assert waiting == ids[6:]


def test_filling_uses_a_chosen_overrun_and_never_a_negative_room(store: Store) -> None:
    for n in range(1, 11):
        add_case(store, f"2027-{n:04d}")
    roomy = add_meeting(store, ON, minutes=120)
    with store.write() as session:
        meeting = session.get(Meeting, roomy)
        assert meeting is not None
        meeting.overrun_minutes = 30
    fill = agenda.fill_agenda(store, roomy)
    assert (fill.placed, fill.remaining, fill.agenda.total_minutes) == (8, 2, 150)
    assert fill.agenda.allowed_end == time(15, 30)
    assert fill.agenda.warnings == [
        "Uitloop toegestaan: de agenda loopt tot 15.30 uur (gepland tot 15.00 uur)."
    ]
    short = add_meeting(store, ON + timedelta(days=1), minutes=20)
    fill = agenda.fill_agenda(store, short)
    assert (fill.placed, fill.remaining) == (0, 10)
    assert [i.kind for i in fill.agenda.items] == [
        AgendaItemKind.OPENING,
        AgendaItemKind.VERSLAG,
        AgendaItemKind.ACTIELIJST,
        AgendaItemKind.RONDVRAAG,
        AgendaItemKind.SLUITING,
    ]


# -- overrun only when chosen ---------------------------------------------------------------------


def _events(store: Store) -> int:
    return len(audit.list_events(store))


def test_adding_past_the_planned_end_is_refused_unless_chosen(store: Store) -> None:
    ids = [add_case(store, f"2027-{n:04d}") for n in range(1, 9)]
    meeting = add_meeting(store, ON, minutes=120)
    agenda.fill_agenda(store, meeting)  # six cases: full
    before = agenda.get_agenda(store, meeting)
    events = _events(store)
    with pytest.raises(AgendaOverrun) as refused:
        agenda.add_case_item(store, meeting, ids[6])
    assert (refused.value.new_end, refused.value.planned_end) == (time(15, 15), time(15))
    assert refused.value.overrun_minutes == 15
    assert refused.value.exit_code == 2
    assert refused.value.message.startswith(
        "Met deze casus loopt het overleg uit tot 15.15 uur (gepland tot 15.00 uur)."
    )
    # Nothing was written.
    assert agenda.get_agenda(store, meeting) == before
    assert _events(store) == events

    added = agenda.add_case_item(store, meeting, ids[6], allow_overrun=True)
    assert added.case_id == ids[6]
    chosen = agenda.get_agenda(store, meeting)
    assert (chosen.chosen_overrun, chosen.allowed_end, chosen.end_time) == (
        15,
        time(15, 15),
        time(15, 15),
    )
    assert chosen.warnings == [
        "Uitloop toegestaan: de agenda loopt tot 15.15 uur (gepland tot 15.00 uur)."
    ]
    assert meetings.get_meeting(store, meeting).minutes == 120  # the planned length stays
    logged = [e.detail for e in audit.list_events(store) if e.object_type == "overleg"]
    assert "uitloop toegestaan: 15 minuten, tot 15:15" in logged
    # The chosen overrun is no blank cheque: another case asks again.
    with pytest.raises(AgendaOverrun, match=r"tot 15\.30 uur"):
        agenda.add_case_item(store, meeting, ids[7])

    cleared = agenda.clear_overrun(store, meeting)
    assert cleared.chosen_overrun == 0
    assert cleared.warnings[0].startswith("De agenda duurt 135 minuten: 15 minuten langer")
    assert "uitloop ingetrokken" in [e.detail for e in audit.list_events(store)]


def test_a_refused_first_case_leaves_no_agenda_frame(store: Store) -> None:
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, ON, minutes=30)  # the fixed items alone take 30 minutes
    with pytest.raises(AgendaOverrun, match=r"uit tot 13\.45 uur \(gepland tot 13\.30 uur\)"):
        agenda.add_case_item(store, meeting, case_id)
    with store.read() as session:
        count = session.scalar(
            select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting)
        )
    assert count == 0
    assert agenda.get_agenda(store, meeting).items == []


# -- a large store --------------------------------------------------------------------------------


def test_the_screen_gets_the_first_proposals_and_the_count_of_the_rest(store: Store) -> None:
    inputs = [
        sample_case(
            "Kind",
            f"Nummer {n}",
            case_number=f"2027-{n:04d}",
            ground=ExemptionGround.ART11,
            registered_on=date(2026, 9, 1),
        )
        for n in range(1, 301)
    ]
    cases.create_cases(store, inputs, today=date(2027, 5, 10))
    meeting = add_meeting(store, ON)
    everything = agenda.propose_agenda(store, meeting)
    assert len(everything) == 300
    page = agenda.propose_first(store, meeting)
    assert len(page.proposals) == agenda.PROPOSAL_LIMIT == 60
    assert (page.total, page.waiting, page.not_listed) == (300, 300, 240)
    assert page.proposals == everything[:60]

    fill = agenda.fill_agenda(store, meeting)
    assert (fill.placed, fill.remaining) == (6, 294)
    page = agenda.propose_first(store, meeting)
    # Sixty still waiting are listed, then the six on the agenda (greyed on screen).
    assert [p.on_agenda for p in page.proposals] == [False] * 60 + [True] * 6
    assert [p.case_number for p in page.proposals[:2]] == ["2027-0007", "2027-0008"]
    assert (page.total, page.waiting, page.not_listed) == (300, 294, 234)
