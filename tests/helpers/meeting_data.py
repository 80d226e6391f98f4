"""People, cases and meetings for the agenda, minutes and action tests (fixed dates in 2027)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from casusoverleg.domain.enums import ExemptionGround, Team
from casusoverleg.services import cases, meetings, people
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.store import Store
from tests.helpers.stores import sample_case

# The day the test cases are registered; every later date in these tests is chosen by hand.
REGISTERED = date(2027, 5, 10)
START = time(13, 0)


@dataclass(frozen=True)
class Members:
    """One participant of each of the four core teams."""

    leerplicht: ParticipantInfo
    wijkteam: ParticipantInfo
    swv: ParticipantInfo
    ortho: ParticipantInfo


def make_members(store: Store) -> Members:
    """The group's four core members, each in an organisation of their own."""

    def member(name: str, org: str, team: Team) -> ParticipantInfo:
        """A participant in a new organisation of kind `team`."""
        organisation = people.create_organisation(store, org, team)
        return people.create_participant(store, name, organisation.id)

    return Members(
        leerplicht=member("Karin Bos", "Team Leerplicht Zwolle", Team.LEERPLICHT),
        wijkteam=member("Ahmed el Amrani", "Sociaal Wijkteam Zwolle-Zuid", Team.SOCIAAL_WIJKTEAM),
        swv=member("Petra Mulder", "SWV IJssel-Vecht", Team.SAMENWERKINGSVERBAND),
        ortho=member("Joost de Wit", "Praktijk Orthopedagogiek", Team.ORTHOPEDAGOOG),
    )


def add_case(store: Store, number: str, first: str = "Sanne", **kwargs: object) -> int:
    """Register a case with casusnummer `number` (default: art. 15, no renewal); returns its id."""
    kwargs.setdefault("registered_on", date(2026, 9, 1))
    kwargs.setdefault("ground", ExemptionGround.ART15)
    if kwargs["ground"] == ExemptionGround.ART15:
        # Art. 15 is for a kwalificatieplichtige (Lpw art. 15 lid 1): 17 on registration.
        kwargs.setdefault("birth_date", date(2009, 3, 12))
    record = cases.create_case(
        store, sample_case(first, "de Vries", case_number=number, **kwargs), today=REGISTERED
    )
    return record.id


def add_meeting(store: Store, on: date, minutes: int = 120) -> int:
    """An extra meeting at 13:00 on `on`; returns its id."""
    return meetings.add_meeting(store, on, START, minutes, location="Stadskantoor").id
