"""The demo store tells one consistent story (issue 12, item 6).

Walks a demo store as a new user would read it: advice and decision agree (and the case
follows the advice), each held meeting's minutes are adopted at the next one, every agenda item
of a held meeting says what happened to it (one case deferred to the next meeting, first on its
agenda), the next meeting has a chosen overrun its agenda uses, the series has standing
participants with e-mail addresses and a secretary, and every action's history fits its state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from casusoverleg.domain.agenda import case_status_after
from casusoverleg.domain.enums import (
    ActionEventKind,
    ActionStatus,
    Advice,
    AgendaItemKind,
    AttendanceStatus,
    CaseStatus,
    ExemptionGround,
    ItemOutcome,
    MeetingRole,
    MeetingStatus,
    MinutesStatus,
    Team,
)
from casusoverleg.services import audit
from casusoverleg.services.demo import populate_demo
from casusoverleg.services.demo_meetings import populate_demo_meetings
from casusoverleg.services.demo_story import ADVICES, STORIES
from casusoverleg.services.store import Store
from casusoverleg.store.models import (
    ActionEvent,
    ActionItem,
    AgendaItem,
    Attendance,
    Case,
    Meeting,
    MeetingSeries,
    MinutesEntry,
    Participant,
    SeriesMember,
)
from tests.helpers.stores import ACCOUNT, make_store

TODAY = date(2027, 3, 1)

# The word that names each advice in its decision; no decision may name another advice's.
ADVICE_WORDS = {
    Advice.VRIJSTELLING_PASSEND: "vrijstelling",
    Advice.ONDERWIJS_ZORGARRANGEMENT: "zorgarrangement",
    Advice.DEELTIJDROOSTER: "deeltijdrooster",
    Advice.TERUGLEIDINGSTRAJECT: "terugleiding",
    Advice.AANHOUDEN: "aanhouden",
    Advice.NADER_ONDERZOEK: "onderzoek",
}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The default demo (40 cases) with its meetings, made as if today were TODAY."""
    store, _recovery = make_store(tmp_path_factory.mktemp("story"))
    populate_demo(store, cases=40, today=TODAY)
    populate_demo_meetings(store, today=TODAY)
    yield store
    store.close()


def _meetings(store: Store) -> list[Meeting]:
    with store.read() as session:
        rows = list(session.scalars(select(Meeting).order_by(Meeting.date, Meeting.id)))
        session.expunge_all()
        return rows


def _items(store: Store, meeting_id: int) -> list[AgendaItem]:
    with store.read() as session:
        rows = list(
            session.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting_id)
                .order_by(AgendaItem.position)
            )
        )
        session.expunge_all()
        return rows


def _held(store: Store) -> list[Meeting]:
    return [m for m in _meetings(store) if m.status == str(MeetingStatus.GEHOUDEN)]


@pytest.mark.parametrize("advice", list(Advice))
def test_each_advice_has_a_decision_that_names_it_and_no_other(advice: Advice) -> None:
    """The table itself: "Advies: aanhouden" never stands beside "Besluit: start terugleiding"."""
    story = STORIES[advice]
    decision = story.decision.lower()
    if advice in ADVICE_WORDS:
        assert ADVICE_WORDS[advice] in decision
    others = [word for other, word in ADVICE_WORDS.items() if other is not advice]
    assert not [word for word in others if word in decision]
    # Lpw art. 5 with art. 7: alternatives are weighed before, and only before, an exemption.
    assert bool(story.alternatives) is (advice is Advice.VRIJSTELLING_PASSEND)
    assert story.review_weeks > 0


def test_minutes_entries_follow_their_advice_and_the_case_follows_the_newest(
    demo_store: Store,
) -> None:
    with demo_store.read() as session:
        rows = session.execute(
            select(MinutesEntry, AgendaItem.case_id, Meeting.date)
            .join(AgendaItem, AgendaItem.id == MinutesEntry.agenda_item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(MinutesEntry.advice.is_not(None))
            .order_by(Meeting.date)
        ).all()
        cases = {c.id: c for c in session.scalars(select(Case))}
        session.expunge_all()
    assert len({entry.advice for entry, _c, _d in rows}) >= 3
    newest: dict[int, Advice] = {}
    for entry, case_id, meeting_date in rows:
        advice = Advice(entry.advice)
        story = STORIES[advice]
        assert (entry.notes, entry.decision) == (story.notes, story.decision)
        assert entry.next_review_date == meeting_date + timedelta(weeks=story.review_weeks)
        assert bool(entry.alternatives) is (advice is Advice.VRIJSTELLING_PASSEND)
        case = cases[case_id]
        ground = ExemptionGround(case.ground)
        assert (
            advice is Advice.AANHOUDEN
            or advice in ADVICES[ground]
            or (ground == ExemptionGround.ART5_A and advice is Advice.NADER_ONDERZOEK)
        )
        if advice is Advice.VRIJSTELLING_PASSEND:  # Lpw art. 7: only with the statement
            assert case.expert_statement_on is not None
        newest[case_id] = advice
    for case_id, advice in newest.items():
        case = cases[case_id]
        if case.status != str(CaseStatus.AFGESLOTEN):
            assert case.status == str(case_status_after(advice)), case.case_number


def test_each_held_meeting_adopts_the_minutes_of_the_one_before(demo_store: Store) -> None:
    held = _held(demo_store)
    assert len(held) >= 3
    for meeting, adopting in pairwise(held):
        assert meeting.minutes_status == str(MinutesStatus.VASTGESTELD)
        assert meeting.minutes_fixed_at_id == adopting.id
    assert held[-1].minutes_status == str(MinutesStatus.CONCEPT)
    assert held[-1].minutes_fixed_at_id is None
    notes = [m.minutes_fixed_note for m in held if m.minutes_fixed_note]
    assert len(notes) == 1 and notes[0].startswith("Bij punt 4: de school is")
    with demo_store.read() as session:
        names = {n for c in session.scalars(select(Case)) for n in (c.first_name, c.last_name)}
    assert not [word for word in notes[0].replace(".", " ").split() if word in names]
    for meeting in held:
        verslag = _items(demo_store, meeting.id)[1]
        assert verslag.kind == str(AgendaItemKind.VERSLAG)
        assert verslag.outcome == str(ItemOutcome.BESPROKEN)


def test_every_held_item_has_an_outcome_and_one_case_is_deferred_to_the_next(
    demo_store: Store,
) -> None:
    meetings = _meetings(demo_store)
    held = _held(demo_store)
    outcomes: Counter[str | None] = Counter()
    deferred: list[AgendaItem] = []
    for meeting in held:
        for item in _items(demo_store, meeting.id):
            assert item.outcome is not None, (meeting.date, item.position)
            if item.kind == str(AgendaItemKind.CASUS):
                outcomes[item.outcome] += 1
            if item.outcome == str(ItemOutcome.DOORGESCHOVEN):
                deferred.append(item)
    assert outcomes[str(ItemOutcome.GEEN_BIJZONDERHEDEN)] == 1
    assert outcomes[str(ItemOutcome.BESPROKEN)] > 8
    (item,) = deferred
    assert item.meeting_id == held[-1].id
    following = next(m for m in meetings if m.date > held[-1].date)
    assert following.status == str(MeetingStatus.GEPLAND)
    assert item.deferred_to_id == following.id
    # Not reached: nothing was advised or agreed on it, and it comes first on the next agenda.
    with demo_store.read() as session:
        assert not session.scalars(
            select(MinutesEntry).where(MinutesEntry.agenda_item_id == item.id)
        ).all()
        assert not session.scalars(
            select(ActionItem).where(ActionItem.agenda_item_id == item.id)
        ).all()
    next_cases = [
        i.case_id for i in _items(demo_store, following.id) if i.kind == str(AgendaItemKind.CASUS)
    ]
    assert next_cases[0] == item.case_id


def test_the_next_meeting_has_a_chosen_overrun_its_agenda_uses(demo_store: Store) -> None:
    chosen = [m for m in _meetings(demo_store) if m.overrun_minutes > 0]
    (meeting,) = chosen
    assert meeting.status == str(MeetingStatus.GEPLAND) and meeting.date >= TODAY
    total = sum(i.minutes for i in _items(demo_store, meeting.id))
    start = datetime.combine(meeting.date, meeting.start_time)
    planned_end = start + timedelta(minutes=meeting.minutes)
    allowed_end = planned_end + timedelta(minutes=meeting.overrun_minutes)
    assert planned_end < start + timedelta(minutes=total) <= allowed_end


def test_the_series_has_standing_participants_with_email_and_a_secretary(
    demo_store: Store,
) -> None:
    with demo_store.read() as session:
        (series,) = session.scalars(select(MeetingSeries)).all()
        members = session.execute(
            select(SeriesMember.role, Participant)
            .join(Participant, Participant.id == SeriesMember.participant_id)
            .where(SeriesMember.series_id == series.id)
        ).all()
        session.expunge_all()
    roles = Counter(role for role, _p in members)
    assert roles[str(MeetingRole.VOORZITTER)] == 1 and roles[str(MeetingRole.NOTULIST)] == 1
    teams = {Team(p.organisation.team) for _r, p in members}
    assert teams == {Team.LEERPLICHT, Team.SOCIAAL_WIJKTEAM, Team.SAMENWERKINGSVERBAND} | {
        Team.ORTHOPEDAGOOG
    }
    for _role, person in members:
        # A reserved domain (RFC 2606): an invitation from the demo never reaches anyone.
        assert "@" in person.email and person.email.endswith(".example"), person.email
    secretary = next(p for r, p in members if r == str(MeetingRole.NOTULIST))
    assert series.secretary_id == secretary.id


def test_every_action_history_fits_its_state(demo_store: Store) -> None:
    with demo_store.read() as session:
        action_rows = list(session.scalars(select(ActionItem)))
        events = list(session.scalars(select(ActionEvent).order_by(ActionEvent.at)))
        meeting_of = dict(session.execute(select(AgendaItem.id, AgendaItem.meeting_id)).all())
        present = {
            (meeting_id, participant_id)
            for meeting_id, participant_id in session.execute(
                select(Attendance.meeting_id, Attendance.participant_id).where(
                    Attendance.status == str(AttendanceStatus.AANWEZIG)
                )
            )
        }
        session.expunge_all()
    assert action_rows
    history: dict[int, list[ActionEvent]] = {}
    for event in events:
        history.setdefault(event.action_id, []).append(event)
    reopened = []
    for action in action_rows:
        steps = history[action.id]
        kinds = [ActionEventKind(e.kind) for e in steps]
        first = steps[0]
        assert kinds[0] is ActionEventKind.AANGEMAAKT
        assert first.on_date == action.created_on
        assert first.meeting_id == meeting_of[action.agenda_item_id]
        # Agreed by someone who was there, not by someone who sent apologies.
        assert (first.meeting_id, action.owner_id) in present
        assert all(e.account == ACCOUNT for e in steps)
        if action.status == str(ActionStatus.GEREED):
            assert kinds[-1] is ActionEventKind.GEREED and steps[-1].on_date == action.done_on
        else:
            assert action.status == str(ActionStatus.OPEN) and action.done_on is None
            assert kinds[-1] in (ActionEventKind.AANGEMAAKT, ActionEventKind.HEROPEND)
        if ActionEventKind.HEROPEND in kinds:
            reopened.append(action)
            assert kinds == [
                ActionEventKind.AANGEMAAKT,
                ActionEventKind.GEREED,
                ActionEventKind.HEROPEND,
            ]
            done, again = steps[1], steps[2]
            assert done.on_date is not None and again.on_date is not None
            assert first.on_date is not None and first.on_date <= done.on_date < again.on_date
            assert again.meeting_id is not None and again.meeting_id != first.meeting_id
    (again_action,) = reopened
    # The minutes of the meeting that reopened it say so under "Actielijst", with its number.
    again_meeting = history[again_action.id][-1].meeting_id
    assert again_meeting is not None
    actielijst = _items(demo_store, again_meeting)[2]
    assert actielijst.kind == str(AgendaItemKind.ACTIELIJST)
    with demo_store.read() as session:
        note = session.scalar(
            select(MinutesEntry.notes).where(MinutesEntry.agenda_item_id == actielijst.id)
        )
    assert note is not None and f"nr. {again_action.id} " in note and "heropend" in note
    assert any(a.status == str(ActionStatus.GEREED) for a in action_rows)
    assert audit.verify_chain(demo_store).ok
