"""A store with cases past retention whose children are named in agenda, minutes and actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from casusoverleg.domain.enums import AgendaItemKind, CaseStatus, ExemptionGround, Team
from casusoverleg.services import cases, meetings, people
from casusoverleg.services.store import Store
from casusoverleg.store.models import ActionItem, AgendaItem, MinutesEntry
from tests.helpers.stores import make_store, sample_case

# Born 2014-03-12: with the default term (19 years) kept until 2033-03-12.
DESTROY_ON = date(2034, 1, 1)
GONE = ("Zeynep", "Hoogstraten")  # destroyed
GONE_TOO = ("Mirte", "Kallenbach")  # destroyed (a closed case)
KEPT = ("Sanne", "Vermeulen")  # born 2016: kept until 2035-05-01
GONE_NUMBER = "2026-0007"
GONE_TOO_NUMBER = "2026-0008"
KEPT_NUMBER = "2026-0009"


@dataclass(frozen=True)
class RetentionStore:
    """The store and the ids the tests look at."""

    store: Store
    gone_id: int
    kept_id: int
    rondvraag_entry_id: int
    kept_action_id: int


def make_retention_store(directory: Path) -> RetentionStore:
    """A new store in `directory`, filled by `fill_retention_store`."""
    store, _ = make_store(directory)
    return fill_retention_store(store)


def fill_retention_store(store: Store) -> RetentionStore:
    """Three cases, a meeting that discusses two of them, minutes and actions naming them."""
    gone = cases.create_case(
        store,
        sample_case(
            *GONE,
            case_number=GONE_NUMBER,
            notes="Zeynep Hoogstraten zit thuis; moeder belt elke week.",
        ),
    )
    cases.create_case(
        store,
        sample_case(
            *GONE_TOO,
            case_number=GONE_TOO_NUMBER,
            status=CaseStatus.AFGESLOTEN,
            closed_on=date(2026, 9, 20),
        ),
    )
    kept = cases.create_case(
        store,
        sample_case(
            *KEPT,
            case_number=KEPT_NUMBER,
            birth_date=date(2016, 5, 1),
            ground=ExemptionGround.ART5_A,
        ),
    )
    org = people.create_organisation(store, "Team Leerplicht Zwolle", Team.LEERPLICHT)
    owner = people.create_participant(store, "Karin Bos", org.id)
    meeting = meetings.add_meeting(store, date(2026, 10, 5), time(13, 0), 120, location="Stadhuis")
    now = datetime(2026, 10, 5, 14, 0)
    with store.write() as session:
        gone_item = AgendaItem(
            meeting_id=meeting.id,
            position=1,
            kind=str(AgendaItemKind.CASUS),
            case_id=gone.id,
            question="Kan Zeynep na de herfstvakantie terug naar school?",
        )
        kept_item = AgendaItem(
            meeting_id=meeting.id, position=2, kind=str(AgendaItemKind.CASUS), case_id=kept.id
        )
        rondvraag = AgendaItem(
            meeting_id=meeting.id,
            position=3,
            kind=str(AgendaItemKind.RONDVRAAG),
            question="Vraag over Hoogstraten en Sanne",
        )
        session.add_all([gone_item, kept_item, rondvraag])
        session.flush()
        session.add(
            MinutesEntry(
                agenda_item_id=gone_item.id,
                notes="Zeynep Hoogstraten is gezien door de jeugdarts.",
                decision="Vrijstelling voor Zeynep wordt verlengd.",
                created_at=now,
                updated_at=now,
            )
        )
        entry = MinutesEntry(
            agenda_item_id=rondvraag.id,
            notes="Sanne en Zeynep zitten in dezelfde klas; HOOGSTRATEN belt school.",
            decision="",
            created_at=now,
            updated_at=now,
        )
        session.add(entry)
        session.add(
            ActionItem(
                description="Bel de moeder van Zeynep Hoogstraten",
                note="Hoogstraten wil eerst de jeugdarts spreken",
                owner_id=owner.id,
                case_id=gone.id,
                agenda_item_id=gone_item.id,
                created_at=now,
                created_on=now.date(),
            )
        )
        kept_action = ActionItem(
            description="Overleg met school over Sanne (zit naast Zeynep)",
            owner_id=owner.id,
            case_id=kept.id,
            agenda_item_id=kept_item.id,
            created_at=now,
            created_on=now.date(),
        )
        session.add(kept_action)
        session.flush()
        ids = (entry.id, kept_action.id)
    return RetentionStore(store, gone.id, kept.id, *ids)
