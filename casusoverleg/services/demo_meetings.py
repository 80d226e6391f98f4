"""Demo meetings: a series with past meetings (minutes, advice, actions) and future ones.

Everything goes through the same services a user's work goes through, so the demo shows what
a year of real use looks like: fixed minutes, held-over cases, open and overdue actions.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from casusoverleg.domain.enums import (
    Advice,
    AgendaItemKind,
    Alternative,
    AttendanceStatus,
    MeetingRole,
    MeetingStatus,
    Team,
)
from casusoverleg.domain.recurrence import Recurrence, SkipMode, SkipRules
from casusoverleg.services import actions, agenda, meetings, minutes, people
from casusoverleg.services.store import Store

SERIES_NAME = "Casusoverleg vrijstellingen en thuiszitters Zwolle"
LOCATION = "Stadskantoor Zwolle, vergaderzaal 2.14"
PAST_MEETINGS = 4
CASES_PER_MEETING = 4
UPCOMING_CASES = 6

_NOTES = [
    "Ouders en kind zijn gehoord. School ziet mogelijkheden voor een aangepast rooster.",
    "De orthopedagoog licht het onderzoek toe; belastbaarheid is beperkt maar groeiend.",
    "Het wijkteam heeft contact met het gezin; zorg en onderwijs worden op elkaar afgestemd.",
    "Het samenwerkingsverband zoekt een passende plek; er is een proefplaatsing mogelijk.",
]
# The decision that goes with each advice (an advice and a decision that contradict each
# other would teach the wrong thing): "Advies" is what the group advises leerplicht.
_DECISIONS = {
    Advice.VRIJSTELLING_PASSEND: (
        "Advies aan leerplicht: vrijstelling passend; terugkoppeling aan ouders door de "
        "casushouder."
    ),
    Advice.ONDERWIJS_ZORGARRANGEMENT: (
        "Het samenwerkingsverband werkt met school een onderwijs-zorgarrangement uit; "
        "terugkoppeling in het volgende overleg."
    ),
    Advice.DEELTIJDROOSTER: (
        "Deeltijdrooster van drie ochtenden per week met begeleiding vanuit het wijkteam; "
        "evaluatie na zes weken."
    ),
    Advice.TERUGLEIDINGSTRAJECT: (
        "Start terugleiding met twee ochtenden per week; evaluatie in het volgende overleg."
    ),
    Advice.AANHOUDEN: "Aanhouden; opnieuw bespreken zodra ouders en school zijn gesproken.",
    Advice.NADER_ONDERZOEK: ("Over zes weken opnieuw bespreken met de uitkomst van het onderzoek."),
    Advice.ANDERS: "Zie de aantekeningen; de casushouder koppelt terug aan ouders.",
}
_QUESTIONS = [
    "Is een vrijstelling passend, of is er een onderwijs-zorgarrangement mogelijk?",
    "Welke stap naar school is haalbaar vóór de kerstvakantie?",
    "Is aanvullend onderzoek nodig voordat we adviseren?",
    "Kan een deeltijdrooster met begeleiding vanuit het wijkteam starten?",
]
_ACTIONS = [
    "Gesprek met ouders en school plannen over het rooster",
    "Verslag van het psychologisch onderzoek opvragen",
    "Mogelijkheden onderwijs-zorgarrangement verkennen",
    "Terugkoppeling aan de jeugdarts geven",
]


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
    )
    planned = [m for m in meetings.list_meetings(store, series_id=series.id) if not m.cancelled]
    core = [p for p in people.list_participants(store) if p.team.is_core]
    leerplicht = [p for p in core if p.team == Team.LEERPLICHT]
    previous: meetings.MeetingInfo | None = None
    for meeting in planned:
        if meeting.date >= today:
            break
        _attend(store, meeting.id, core, leerplicht, rng)
        _hold(store, meeting, core, rng, today)
        if previous is not None:
            minutes.fix_minutes(store, previous.id, at_meeting_id=meeting.id)
        previous = meeting
    upcoming = next((m for m in planned if m.date >= today), None)
    if upcoming is not None:
        _attend(store, upcoming.id, core, leerplicht, rng)
        # The most urgent cases, as many as a two-hour meeting can discuss.
        proposals = agenda.propose_agenda(store, upcoming.id)[:UPCOMING_CASES]
        built = agenda.build_agenda(store, upcoming.id, [p.case_id for p in proposals])
        for item in built.items:
            if item.kind == AgendaItemKind.CASUS:
                agenda.update_item(store, item.id, question=rng.choice(_QUESTIONS))


def _attend(
    store: Store,
    meeting_id: int,
    core: list[people.ParticipantInfo],
    leerplicht: list[people.ParticipantInfo],
    rng: random.Random,
) -> None:
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


def _hold(
    store: Store,
    meeting: meetings.MeetingInfo,
    core: list[people.ParticipantInfo],
    rng: random.Random,
    today: date,
) -> None:
    """Build the agenda, record minutes and actions as a minute-taker would, mark it held."""
    proposals = agenda.propose_agenda(store, meeting.id)[:CASES_PER_MEETING]
    built = agenda.build_agenda(store, meeting.id, [p.case_id for p in proposals])
    case_items = [i for i in built.items if i.kind == AgendaItemKind.CASUS]
    advices = list(Advice)
    for index, item in enumerate(case_items):
        advice = Advice.AANHOUDEN if index == 0 else rng.choice(advices[:-1])
        weighed = (
            rng.sample(list(Alternative)[:-1], 2) if advice is Advice.VRIJSTELLING_PASSEND else []
        )
        minutes.save_entry(
            store,
            item.id,
            notes=rng.choice(_NOTES),
            advice=advice,
            alternatives=weighed,
            decision=_DECISIONS[advice],
            next_review_date=meeting.date + timedelta(weeks=rng.choice((6, 8, 12))),
        )
        owner = rng.choice(core)
        due = meeting.date + timedelta(days=rng.choice((7, 14, 21, 28)))
        action = actions.create_action(
            store,
            description=rng.choice(_ACTIONS),
            owner_id=owner.id,
            due_date=due,
            case_id=item.case_id,
            agenda_item_id=item.id,
            today=meeting.date,
        )
        # Some actions were done in time; the rest stay open, and the older ones are overdue.
        if rng.random() < 0.4:
            actions.complete_action(
                store, action.id, done_on=min(due, today), note="Afgerond.", today=due
            )
    meetings.set_meeting_status(store, meeting.id, MeetingStatus.GEHOUDEN)
