"""A store with a held meeting (minutes, actions, a correction) and a planned next one.

The children have names that occur nowhere else (not in a team, school or word), so a test can
check that none of them reaches a document that must show initials only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from casusoverleg.domain.enums import (
    Advice,
    AttendanceStatus,
    MeetingRole,
    MeetingStatus,
    Team,
)
from casusoverleg.services import actions, agenda, cases, meetings, minutes, people
from casusoverleg.services.store import Store
from tests.helpers.stores import sample_case

# (first name, last name, initials as documents print them)
CHILDREN: tuple[tuple[str, str, str], ...] = (
    ("Xandrijn", "Quaadvliet", "X. Q."),
    ("Zwaantje", "van Brouwerskamp", "Z. van B."),
    ("Olufemi", "Dijkhuyzen", "O. D."),
    ("Wigbolda", "Ter Ploeghuis", "W. ter P."),
    ("Jurriaantje", "Knoppersma", "J. K."),
    ("Tjitske-Fenna", "Oudevrielink", "T.F. O."),
    ("Brechtje", "Vleeshouwerkamp", "B. V."),
    ("Ezechiël", "Roggenkampf", "E. R."),
    ("Femmigje", "Slagersveld", "F. S."),
    ("Hiltjo", "Bolkesteijnde", "H. B."),
    ("Isebrand", "Wolterinkhof", "I. W."),
    ("Kornelisje", "Veenstrakamp", "K. V."),
    ("Lubbertje", "Zuidhoeksma", "L. Z."),
    ("Meindertje", "Haverkorte", "M. H."),
    ("Nannetje", "Grevelinkhuis", "N. G."),
)


@dataclass
class Scenario:
    """Ids of what the scenario made."""

    held_id: int
    next_id: int
    case_ids: list[int] = field(default_factory=list)
    case_numbers: list[str] = field(default_factory=list)
    participant_ids: list[int] = field(default_factory=list)
    held_date: date = date.min
    next_date: date = date.min


def child_names(count: int = len(CHILDREN)) -> list[str]:
    """Every first and last name of the scenario's children (the parts, not the whole)."""
    words = []
    for first, last, _ in CHILDREN[:count]:
        words.append(first)
        words.extend(w for w in last.split() if w.lower() not in ("van", "ter"))
    return words


def build(store: Store, *, cases_on_next: int = 3, today: date | None = None) -> Scenario:
    """Teams, people, cases; a held meeting with minutes fixed at the next; actions."""
    today = today or date.today()
    teams = [
        ("Team Leerplicht Zwolle", Team.LEERPLICHT, ["Anouk Bos", "Rik de Jong"]),
        ("Sociaal Wijkteam Zwolle", Team.SOCIAAL_WIJKTEAM, ["Fatima El Amrani"]),
        ("Samenwerkingsverband Zwolle e.o.", Team.SAMENWERKINGSVERBAND, ["Marloes ter Horst"]),
        ("Orthopedagogisch adviesbureau", Team.ORTHOPEDAGOOG, ["Pieter van Ommen"]),
    ]
    person_ids = []
    for org_name, team, names in teams:
        org = people.create_organisation(store, org_name, team)
        for name in names:
            person = people.create_participant(store, name, org.id, function="Consulent")
            person_ids.append(person.id)

    held_date = today - timedelta(days=14)
    next_date = today + timedelta(days=7)
    case_ids = []
    numbers = []
    for index, (first, last, _) in enumerate(CHILDREN):
        record = cases.create_case(
            store,
            sample_case(
                first,
                last,
                case_number=f"2026-{index + 1:04d}",
                registered_on=today - timedelta(days=60),
                owner_id=person_ids[index % len(person_ids)],
            ),
        )
        case_ids.append(record.id)
        numbers.append(record.case_number)

    held = meetings.add_meeting(
        store, held_date, time(13, 30), 120, location="Stadskantoor Zwolle, zaal 3.14"
    )
    nxt = meetings.add_meeting(
        store, next_date, time(13, 30), 180, location="Stadskantoor Zwolle, zaal 3.14"
    )
    roles = [MeetingRole.VOORZITTER, MeetingRole.NOTULIST]
    for index, person_id in enumerate(person_ids):
        status = AttendanceStatus.AFGEMELD if index == 3 else AttendanceStatus.AANWEZIG
        role = roles[index] if index < len(roles) else MeetingRole.DEELNEMER
        for meeting_id in (held.id, nxt.id):
            meetings.set_attendance(store, meeting_id, person_id, role, status)

    # The held meeting: two cases with minutes, advice, decision, actions.
    agenda.build_agenda(store, held.id, case_ids=case_ids[:2])
    items = agenda.get_agenda(store, held.id).items
    case_items = [i for i in items if i.case_id is not None]
    minutes.save_entry(
        store,
        items[0].id,
        notes="De voorzitter opent het overleg en heet iedereen welkom.",
    )
    minutes.save_entry(
        store,
        case_items[0].id,
        notes="Moeder en school zijn gesproken. Het kind wil graag terug naar school.\n\n"
        "De orthopedagoog adviseert eerst een deeltijdrooster.",
        advice=Advice.DEELTIJDROOSTER,
        decision="Deeltijdrooster van drie ochtenden per week, evaluatie na zes weken.",
        next_review_date=next_date + timedelta(days=42),
    )
    minutes.save_entry(
        store,
        case_items[1].id,
        notes="Onderzoek loopt nog.",
        advice=Advice.NADER_ONDERZOEK,
        decision="Aanhouden tot het onderzoek klaar is.",
    )
    actions.create_action(
        store,
        description="Gesprek met ouders en school plannen over het deeltijdrooster",
        owner_id=person_ids[2],
        due_date=today - timedelta(days=3),  # overdue
        agenda_item_id=case_items[0].id,
        today=held_date,
    )
    actions.create_action(
        store,
        description="Verslag orthopedagogisch onderzoek opvragen",
        owner_id=person_ids[4],
        due_date=today + timedelta(days=20),
        agenda_item_id=case_items[1].id,
        today=held_date,
    )
    done = actions.create_action(
        store,
        description="Leerplichtdossier bijwerken",
        owner_id=person_ids[0],
        due_date=today - timedelta(days=5),
        case_id=case_ids[0],
        today=held_date,
    )
    actions.complete_action(store, done.id, done_on=today - timedelta(days=6))
    meetings.set_meeting_status(store, held.id, MeetingStatus.GEHOUDEN)
    minutes.fix_minutes(store, held.id, at_meeting_id=nxt.id)
    minutes.amend_entry(
        store, case_items[1].id, "Het onderzoek is door de GZ-psycholoog, niet de school."
    )

    # The next meeting: an agenda with cases, each with presenter and question.
    agenda.build_agenda(store, nxt.id, case_ids=[])
    for index, case_id in enumerate(case_ids[:cases_on_next]):
        agenda.add_case_item(
            store,
            nxt.id,
            case_id,
            minutes=10,
            presenter_id=person_ids[index % len(person_ids)],
            question="Is een vrijstelling passend, of is een onderwijs-zorgarrangement haalbaar?",
        )
    return Scenario(
        held_id=held.id,
        next_id=nxt.id,
        case_ids=case_ids,
        case_numbers=numbers,
        participant_ids=person_ids,
        held_date=held_date,
        next_date=next_date,
    )
