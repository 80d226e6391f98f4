"""Participants for series tests: four teams, one without e-mail, one archived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casusoverleg.domain.enums import Team
from casusoverleg.services import people
from casusoverleg.services.store import Store


@dataclass(frozen=True)
class Cast:
    """The participants' ids by what they are for in a test."""

    secretary: int  # Team Leerplicht, has e-mail
    chair: int  # Sociaal Wijkteam, has e-mail
    minute_taker: int  # Samenwerkingsverband, has e-mail
    no_email: int  # Orthopedagoog, no e-mail address
    archived: int  # archived, has e-mail


def make_cast(store: Store) -> Cast:
    """Create the organisations and participants of `Cast` in `store`."""
    orgs = {
        team: people.create_organisation(store, team.label, team).id
        for team in (
            Team.LEERPLICHT,
            Team.SOCIAAL_WIJKTEAM,
            Team.SAMENWERKINGSVERBAND,
            Team.ORTHOPEDAGOOG,
        )
    }

    def person(name: str, team: Team, email: str) -> int:
        return people.create_participant(store, name, orgs[team], email=email).id

    cast = Cast(
        secretary=person("Ilse Brouwer", Team.LEERPLICHT, "i.brouwer@zwolle.example"),
        chair=person("Ahmed el Idrissi", Team.SOCIAAL_WIJKTEAM, "a.elidrissi@swt.example"),
        minute_taker=person("Noor de Graaf", Team.SAMENWERKINGSVERBAND, "noor@swv.example"),
        no_email=person("Pieter Smit", Team.ORTHOPEDAGOOG, ""),
        archived=person("Oud Lid", Team.LEERPLICHT, "oud@zwolle.example"),
    )
    people.archive_participant(store, cast.archived, on=date(2026, 1, 1))
    return cast
