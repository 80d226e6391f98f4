"""Demo meetings: a series with past meetings (minutes, advice, actions) and future ones.

Everything a user's work goes through a service for goes through that service here, so the
demo shows what a year of real use looks like, as one consistent story: each held meeting
adopts the minutes of the one before (once with an amendment), every agenda item has an
outcome (discussed, once "geen bijzonderheden", once deferred to the next meeting when time ran
out), advice and decision agree (`demo_story`), actions have a dated history (one done and then
reopened), the series has standing participants and a secretary, and the next meeting has an
overrun chosen on purpose that its agenda uses. What no service writes yet, `demo_records`
writes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from casusoverleg.domain.agenda import DEFAULT_MINUTES, FIXED_AFTER, FIXED_BEFORE
from casusoverleg.domain.enums import (
    Advice,
    AgendaItemKind,
    AttendanceStatus,
    ExemptionGround,
    ItemOutcome,
    MeetingRole,
    MeetingStatus,
    Team,
)
from casusoverleg.domain.recurrence import Recurrence, SkipMode, SkipRules
from casusoverleg.services import actions, agenda, meetings, minutes, people
from casusoverleg.services.demo_records import (
    ActionHistory,
    choose_overrun,
    set_outcomes,
)
from casusoverleg.services.demo_story import (
    DONE_NOTE,
    FIXED_NOTE,
    OVERRUN_MINUTES,
    REOPENED_DETAIL,
    STORIES,
    advice_for,
    question_for,
    reopened_note,
)
from casusoverleg.services.series_members import StandingMember, set_series_people
from casusoverleg.services.store import Store
from casusoverleg.store.models import Case

SERIES_NAME = "Casusoverleg vrijstellingen en thuiszitters Zwolle"
LOCATION = "Stadskantoor Zwolle, vergaderzaal 2.14"
PAST_MEETINGS = 4
CASES_PER_MEETING = 4
DONE_AFTER_DAYS = 7  # the reopened action was reported done a week after its meeting


@dataclass
class _Story:
    """What the held meetings leave behind for the ones after them."""

    history: ActionHistory
    advised: set[int] = field(default_factory=set)  # cases that have had an advice
    held_over: set[int] = field(default_factory=set)  # cases whose newest advice: aanhouden
    just_discussed: set[int] = field(default_factory=set)  # in the meeting before
    deferred_case: int | None = None
    reopen: int | None = None  # the action reported done, to be reopened at the next meeting


def _first_tuesday_on_or_after(day: date) -> date:
    return day + timedelta(days=(1 - day.weekday()) % 7)


def populate_demo_meetings(store: Store, *, today: date | None = None, seed: int = 2026) -> None:
    """Add the demo series: past meetings with minutes and actions, and future ones."""
    today = today or date.today()
    rng = random.Random(seed)
    start = _first_tuesday_on_or_after(today - timedelta(weeks=3 * PAST_MEETINGS + 1))
    series = meetings.create_series(
        store,
        meetings.SeriesInput(
            name=SERIES_NAME,
            start_date=start,
            start_time=time(9, 30),
            minutes=120,
            recurrence=Recurrence.weekly(1, every_weeks=3),
            count=PAST_MEETINGS + 8,
            location=LOCATION,
            skip=SkipRules(public=True, school=True),
            skip_mode=SkipMode.MOVE,
        ),
        # The demo holds each past meeting itself below, with agenda and minutes.
        meetings.PastDates.AS_PLANNED,
        today=today,
    )
    planned = [m for m in meetings.list_meetings(store, series_id=series.id) if not m.cancelled]
    core = [p for p in people.list_participants(store) if p.team.is_core]
    leerplicht = [p for p in core if p.team == Team.LEERPLICHT]
    _add_standing(store, series.id, core, leerplicht)
    held = [m for m in planned if m.date < today]
    upcoming = next((m for m in planned if m.date >= today), None)
    story = _Story(history=ActionHistory(store.account))
    for index, meeting in enumerate(held):
        reopened: actions.ActionInfo | None = None
        if index and story.reopen is not None:
            # Under "Actielijst": the action reported done turns out not to be done.
            # The old "Afgerond." would contradict its state: the note says why it is open again.
            reopened = actions.reopen_action(
                store, story.reopen, today=meeting.date, note=REOPENED_DETAIL
            )
            story.history.reopened(
                story.reopen, meeting.id, meeting.date, meeting.start_time, REOPENED_DETAIL
            )
            story.reopen = None
        present = _attend(store, meeting.id, core, leerplicht, rng)
        last = index == len(held) - 1
        _hold(
            store,
            meeting,
            present,
            rng,
            today,
            story,
            quiet=index == len(held) - 2,
            # Time ran out in the last meeting: its last case goes to the next one.
            defer=last,
            defer_to=upcoming.id if upcoming is not None else None,
            reopen_before=held[1].date if index == 0 and not last else None,
            reopened=reopened,
        )
        if index:
            # Once, the meeting adopts the minutes with an amendment (item 2 of meeting mode).
            note = FIXED_NOTE if index == 1 else ""
            minutes.fix_minutes(store, held[index - 1].id, at_meeting_id=meeting.id, note=note)
    if upcoming is not None:
        _attend(store, upcoming.id, core, leerplicht, rng)
        _prepare(store, upcoming, story.deferred_case)
    story.history.write(store)


def _add_standing(
    store: Store,
    series_id: int,
    core: list[people.ParticipantInfo],
    leerplicht: list[people.ParticipantInfo],
) -> None:
    """A chair and a minute-taker (who is also the secretary), and one person per other core
    team, as the series' standing participants."""
    if len(leerplicht) < 2:
        return
    chair, minute_taker = leerplicht[0], leerplicht[1]
    members = [
        StandingMember(chair.id, MeetingRole.VOORZITTER),
        StandingMember(minute_taker.id, MeetingRole.NOTULIST),
    ]
    for team in (Team.SOCIAAL_WIJKTEAM, Team.SAMENWERKINGSVERBAND, Team.ORTHOPEDAGOOG):
        first = next((p for p in core if p.team == team), None)
        if first is not None:
            members.append(StandingMember(first.id, MeetingRole.DEELNEMER))
    set_series_people(store, series_id, members, secretary_id=minute_taker.id)


def _prepare(store: Store, meeting: meetings.MeetingInfo, deferred_case: int | None) -> None:
    """The next meeting's agenda: the deferred case first, then the most urgent, one case more
    than two hours hold, with the overrun that takes chosen on purpose."""
    fixed = sum(DEFAULT_MINUTES[kind] for kind in (*FIXED_BEFORE, *FIXED_AFTER))
    per_case = DEFAULT_MINUTES[AgendaItemKind.CASUS]
    room = (meeting.minutes + OVERRUN_MINUTES - fixed) // per_case
    proposed = [p.case_id for p in agenda.propose_agenda(store, meeting.id)]
    first = [deferred_case] if deferred_case is not None else []
    case_ids = (first + [c for c in proposed if c != deferred_case])[:room]
    needed = fixed + per_case * len(case_ids) - meeting.minutes
    if needed > 0:
        choose_overrun(store, meeting.id, needed)
    built = agenda.build_agenda(store, meeting.id, case_ids)
    grounds = _grounds(store, case_ids)
    for item in built.items:
        if item.kind == AgendaItemKind.CASUS and item.case_id is not None:
            agenda.update_item(store, item.id, question=question_for(*grounds[item.case_id]))


def _grounds(store: Store, case_ids: list[int]) -> dict[int, tuple[ExemptionGround, bool]]:
    """The ground of each of these cases, and whether it has an art. 7 statement."""
    query = select(Case.id, Case.ground, Case.expert_statement_on).where(Case.id.in_(case_ids))
    with store.read() as session:
        return {
            case_id: (ExemptionGround(ground), statement_on is not None)
            for case_id, ground, statement_on in session.execute(query)
        }


def _attend(
    store: Store,
    meeting_id: int,
    core: list[people.ParticipantInfo],
    leerplicht: list[people.ParticipantInfo],
    rng: random.Random,
) -> list[people.ParticipantInfo]:
    """Record who came (now and then someone sends apologies); returns those present."""
    present: list[people.ParticipantInfo] = []
    chair = leerplicht[0].id if leerplicht else None
    minute_taker = leerplicht[1].id if len(leerplicht) > 1 else None
    for person in core:
        role = (
            MeetingRole.VOORZITTER
            if person.id == chair
            else MeetingRole.NOTULIST
            if person.id == minute_taker
            else MeetingRole.DEELNEMER
        )
        # Now and then someone sends apologies, but never the first of a team, so every team
        # is represented (the missing-team warning is for real gaps).
        first_of_team = next(p.id for p in core if p.team == person.team)
        excused = (
            role == MeetingRole.DEELNEMER and person.id != first_of_team and rng.random() < 0.15
        )
        status = AttendanceStatus.AFGEMELD if excused else AttendanceStatus.AANWEZIG
        meetings.set_attendance(store, meeting_id, person.id, role, status)
        if not excused:
            present.append(person)
    return present


def _hold(
    store: Store,
    meeting: meetings.MeetingInfo,
    present: list[people.ParticipantInfo],
    rng: random.Random,
    today: date,
    story: _Story,
    *,
    quiet: bool,
    defer: bool,
    defer_to: int | None,
    reopen_before: date | None,
    reopened: actions.ActionInfo | None,
) -> None:
    """Build the agenda, record minutes and actions as a minute-taker would, mark it held.

    `quiet`: the last case had nothing new ("geen bijzonderheden", chosen); `defer`: the last
    case was not reached and goes to `defer_to`; `reopen_before`: the first action is reported
    done a week later (at the latest the day before that date, the next meeting's), to be
    reopened there; `reopened`: the action reopened under "Actielijst" in this meeting.
    """
    proposed = [p.case_id for p in agenda.propose_agenda(store, meeting.id)]
    # A case discussed last time comes back this soon only when it was held over.
    fresh = [c for c in proposed if c not in story.just_discussed or c in story.held_over]
    chosen = (fresh + [c for c in proposed if c not in fresh])[:CASES_PER_MEETING]
    built = agenda.build_agenda(store, meeting.id, chosen)
    case_items = [i for i in built.items if i.kind == AgendaItemKind.CASUS]
    story.just_discussed = set()
    outcomes: dict[int, tuple[ItemOutcome, int | None]] = {}
    for item in built.items:
        if item.kind == AgendaItemKind.RONDVRAAG:  # nobody had a question: chosen, not assumed
            outcomes[item.id] = (ItemOutcome.GEEN_BIJZONDERHEDEN, None)
        elif item.kind != AgendaItemKind.CASUS:
            outcomes[item.id] = (ItemOutcome.BESPROKEN, None)
        if item.kind == AgendaItemKind.ACTIELIJST and reopened is not None:
            note = reopened_note(reopened.id, reopened.description)
            minutes.save_entry(store, item.id, notes=note)
    grounds = _grounds(store, [i.case_id for i in case_items if i.case_id is not None])
    for index, item in enumerate(case_items):
        assert item.case_id is not None  # a case item always has its case
        if index and index == len(case_items) - 1 and (defer or quiet):
            if defer:
                outcomes[item.id] = (ItemOutcome.DOORGESCHOVEN, defer_to)
                story.deferred_case = item.case_id
            else:
                outcomes[item.id] = (ItemOutcome.GEEN_BIJZONDERHEDEN, None)
                story.just_discussed.add(item.case_id)
            continue
        # A case new to the group is first held over until parents and school are heard.
        if index == 0 and item.case_id not in story.advised:
            advice = Advice.AANHOUDEN
        else:
            advice = advice_for(*grounds[item.case_id], rng.randrange(1000))
        told = STORIES[advice]
        minutes.save_entry(
            store,
            item.id,
            notes=told.notes,
            advice=advice,
            alternatives=list(told.alternatives),
            decision=told.decision,
            next_review_date=meeting.date + timedelta(weeks=told.review_weeks),
        )
        outcomes[item.id] = (ItemOutcome.BESPROKEN, None)
        story.advised.add(item.case_id)
        story.just_discussed.add(item.case_id)
        if advice is Advice.AANHOUDEN:
            story.held_over.add(item.case_id)
        else:
            story.held_over.discard(item.case_id)
        owner = rng.choice(present)  # someone who was there agrees to do it
        due = meeting.date + timedelta(days=rng.choice((7, 14, 21, 28)))
        action = actions.create_action(
            store,
            description=told.action,
            owner_id=owner.id,
            due_date=due,
            case_id=item.case_id,
            agenda_item_id=item.id,
            today=meeting.date,
        )
        story.history.agreed(action.id, meeting.id, meeting.date, meeting.start_time)
        done_on: date | None = None
        if reopen_before is not None and story.reopen is None:
            done_on = max(
                meeting.date,
                min(
                    meeting.date + timedelta(days=DONE_AFTER_DAYS),
                    reopen_before - timedelta(days=1),
                ),
            )
            story.reopen = action.id
        elif rng.random() < 0.4:
            # Some actions were done in time; the rest stay open, and the older ones overdue.
            done_on = min(due, today)
        if done_on is not None:
            actions.complete_action(store, action.id, done_on=done_on, note=DONE_NOTE, today=due)
            story.history.done(action.id, done_on, DONE_NOTE)
    # Recorded before the meeting is closed, as in meeting mode: nothing is left untouched.
    set_outcomes(store, outcomes)
    meetings.set_meeting_status(store, meeting.id, MeetingStatus.GEHOUDEN)
