"""Deelnemers in one read: every organisation and every participant, archived ones too."""

from __future__ import annotations

from dataclasses import dataclass

from casusoverleg.services import people
from casusoverleg.services.people import OrganisationInfo, ParticipantInfo
from casusoverleg.services.store import Store


@dataclass(frozen=True)
class PeopleView:
    """What the Deelnemers screen shows, from one consistent snapshot."""

    organisations: list[OrganisationInfo]  # by name
    participants: list[ParticipantInfo]  # by organisation and name


def people_view(store: Store) -> PeopleView:
    """Every organisation and participant (archived ones too), from one read transaction."""
    with store.read() as session:
        return PeopleView(
            organisations=people.list_organisations_in(session, include_archived=True),
            participants=people.list_participants_in(session, include_archived=True),
        )
