"""Organisations and participants. Participants who leave are archived, never deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction, Team
from casusoverleg.domain.text import checked_line, search_key
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.store.models import Organisation, Participant


@dataclass(frozen=True)
class OrganisationInfo:
    """An organisation with its kind of team."""

    id: int
    name: str
    team: Team
    archived: bool


@dataclass(frozen=True)
class ParticipantInfo:
    """A participant with the organisation they work for."""

    id: int
    name: str
    function: str
    email: str
    phone: str
    organisation_id: int
    organisation_name: str
    team: Team
    archived_on: date | None
    code: str = ""  # the short code an import may use ("lp", "swt")

    @property
    def label(self) -> str:
        """ "Naam (organisatie)", as pickers and documents show a person."""
        return f"{self.name} ({self.organisation_name})"


# The column lengths of the store's model (models.Participant, models.Organisation).
NAME_LIMIT = 200
PHONE_LIMIT = 50
CODE_LIMIT = 40


def code_key(code: str) -> str:
    """A code or name as matching compares it: folded as search, no dots ("S.W.T." → "swt")."""
    return search_key(code).replace(".", "")


def _checked_code(session: Session, code: str, participant_id: int | None) -> str:
    """The code cleaned, or BadInput when another active participant already has it."""
    code = checked_line(code, "code", CODE_LIMIT)
    key = code_key(code)
    if not key:
        return ""  # nothing to match on (empty, or only dots and spaces)
    others = session.execute(
        select(Participant.id, Participant.name, Participant.code).where(
            Participant.archived_on.is_(None), Participant.code != ""
        )
    )
    for pid, name, other in others:
        if pid != participant_id and code_key(other) == key:
            raise BadInput(
                f"De code '{code}' is al in gebruik bij {name}. Kies een andere code; "
                "een code hoort bij één deelnemer."
            )
    return code


def _person_fields(name: str, function: str, email: str, phone: str) -> tuple[str, str, str, str]:
    """A participant's fields cleaned and within the store's lengths, or BadInput."""
    return (
        checked_line(name, "naam", NAME_LIMIT),
        checked_line(function, "functie", NAME_LIMIT),
        checked_line(email, "e-mail", NAME_LIMIT),
        checked_line(phone, "telefoon", PHONE_LIMIT),
    )


def _org_info(org: Organisation) -> OrganisationInfo:
    return OrganisationInfo(org.id, org.name, Team(org.team), org.archived)


def _participant_info(p: Participant) -> ParticipantInfo:
    return ParticipantInfo(
        id=p.id,
        name=p.name,
        function=p.function,
        email=p.email,
        phone=p.phone,
        organisation_id=p.organisation_id,
        organisation_name=p.organisation.name,
        team=Team(p.organisation.team),
        archived_on=p.archived_on,
        code=p.code or "",
    )


def create_organisation(store: Store, name: str, team: Team) -> OrganisationInfo:
    """Add an organisation (team, school, care provider)."""
    with store.write() as session:
        org = session.get(Organisation, create_organisation_in(session, store, name, team))
        assert org is not None
        return _org_info(org)


def create_organisation_in(session: Session, store: Store, name: str, team: Team) -> int:
    """`create_organisation` inside the caller's transaction (used by import); returns the id."""
    name = checked_line(name, "naam", NAME_LIMIT)
    if not name:
        raise BadInput("Geef de naam van de organisatie.")
    if session.scalar(select(Organisation).where(Organisation.name == name)) is not None:
        raise BadInput(f"De organisatie '{name}' bestaat al.")
    org = Organisation(name=name, team=str(team))
    session.add(org)
    session.flush()
    audit.record(session, store, AuditAction.CREATE, object_type="organisatie", object_id=org.id)
    return org.id


def update_organisation(
    store: Store, organisation_id: int, *, name: str | None = None, team: Team | None = None
) -> OrganisationInfo:
    """Rename an organisation or change its kind of team."""
    with store.write() as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise BadInput("Deze organisatie bestaat niet (meer).")
        if name is not None:
            name = checked_line(name, "naam", NAME_LIMIT)
            if not name:
                raise BadInput("Geef de naam van de organisatie.")
            clash = session.scalar(select(Organisation.id).where(Organisation.name == name))
            if clash is not None and clash != org.id:
                raise BadInput(f"De organisatie '{name}' bestaat al.")
            org.name = name
        if team is not None:
            org.team = str(team)
        audit.record(
            session, store, AuditAction.UPDATE, object_type="organisatie", object_id=org.id
        )
        return _org_info(org)


def list_organisations(store: Store, *, include_archived: bool = False) -> list[OrganisationInfo]:
    """Organisations by name."""
    with store.read() as session:
        return list_organisations_in(session, include_archived=include_archived)


def list_organisations_in(
    session: Session, *, include_archived: bool = False
) -> list[OrganisationInfo]:
    """`list_organisations` inside an open transaction."""
    query = select(Organisation).order_by(Organisation.name)
    if not include_archived:
        query = query.where(Organisation.archived.is_(False))
    return [_org_info(o) for o in session.scalars(query)]


def create_participant(
    store: Store,
    name: str,
    organisation_id: int,
    *,
    function: str = "",
    email: str = "",
    phone: str = "",
    code: str = "",
) -> ParticipantInfo:
    """Add a participant to an organisation (`code`: unique among active participants)."""
    name, function, email, phone = _person_fields(name, function, email, phone)
    if not name:
        raise BadInput("Geef de naam van de deelnemer.")
    with store.write() as session:
        if session.get(Organisation, organisation_id) is None:
            raise BadInput("Kies een bestaande organisatie.")
        person = Participant(
            name=name,
            organisation_id=organisation_id,
            function=function,
            email=email,
            phone=phone,
            code=_checked_code(session, code, None),
        )
        session.add(person)
        session.flush()
        session.refresh(person)
        audit.record(
            session, store, AuditAction.CREATE, object_type="deelnemer", object_id=person.id
        )
        return _participant_info(person)


def update_participant(
    store: Store,
    participant_id: int,
    *,
    name: str | None = None,
    function: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    organisation_id: int | None = None,
    code: str | None = None,
) -> ParticipantInfo:
    """Change a participant's details (`code`: unique among active participants)."""
    with store.write() as session:
        person = session.get(Participant, participant_id)
        if person is None:
            raise BadInput("Deze deelnemer bestaat niet (meer).")
        if name is not None:
            name = checked_line(name, "naam", NAME_LIMIT)
            if not name:
                raise BadInput("Geef de naam van de deelnemer.")
            person.name = name
        if function is not None:
            person.function = checked_line(function, "functie", NAME_LIMIT)
        if email is not None:
            person.email = checked_line(email, "e-mail", NAME_LIMIT)
        if phone is not None:
            person.phone = checked_line(phone, "telefoon", PHONE_LIMIT)
        if organisation_id is not None:
            if session.get(Organisation, organisation_id) is None:
                raise BadInput("Kies een bestaande organisatie.")
            person.organisation_id = organisation_id
        if code is not None:
            person.code = _checked_code(session, code, person.id)
        session.flush()
        session.refresh(person)
        audit.record(
            session, store, AuditAction.UPDATE, object_type="deelnemer", object_id=person.id
        )
        return _participant_info(person)


def archive_participant(
    store: Store, participant_id: int, on: date | None = None
) -> ParticipantInfo:
    """Mark a participant as left; their past actions keep their name."""
    with store.write() as session:
        person = session.get(Participant, participant_id)
        if person is None:
            raise BadInput("Deze deelnemer bestaat niet (meer).")
        person.archived_on = on or date.today()
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="deelnemer",
            object_id=person.id,
            detail="gearchiveerd",
        )
        return _participant_info(person)


def list_participants(store: Store, *, include_archived: bool = False) -> list[ParticipantInfo]:
    """Participants by organisation and name."""
    with store.read() as session:
        return list_participants_in(session, include_archived=include_archived)


def list_participants_in(
    session: Session, *, include_archived: bool = False
) -> list[ParticipantInfo]:
    """`list_participants` inside an open transaction."""
    query = (
        select(Participant)
        .join(Participant.organisation)
        .order_by(Organisation.name, Participant.name)
    )
    if not include_archived:
        query = query.where(Participant.archived_on.is_(None))
    return [_participant_info(p) for p in session.scalars(query)]


def find_participant_by_name(store: Store, name: str) -> ParticipantInfo | None:
    """The active participant with exactly this name (case-insensitive), if there is one."""
    with store.read() as session:
        person = session.scalars(
            select(Participant)
            .where(func.lower(Participant.name) == name.strip().lower())
            .order_by(Participant.archived_on.is_not(None), Participant.id)
        ).first()
        return _participant_info(person) if person else None


def team_organisation_id(session: Session, store: Store, team: Team, name: str) -> int:
    """The id of an active `team` organisation (preferably named `name`); made here if none."""
    org = session.scalars(
        select(Organisation)
        .where(Organisation.team == str(team), Organisation.archived.is_(False))
        .order_by(Organisation.name != name, Organisation.id)
    ).first()
    if org is None:
        # The name is unique; an archived or differently typed namesake is reused, not doubled.
        org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, team=str(team))
        session.add(org)
        session.flush()
        audit.record(
            session, store, AuditAction.CREATE, object_type="organisatie", object_id=org.id
        )
    return org.id


def add_participant(
    session: Session,
    store: Store,
    name: str,
    organisation_id: int,
    *,
    detail: str = "",
    code: str = "",
) -> int:
    """Add a participant inside the caller's transaction (used by import); returns the id."""
    name = checked_line(name, "naam", NAME_LIMIT)
    if not name:
        raise BadInput("Geef de naam van de deelnemer.")
    if session.get(Organisation, organisation_id) is None:
        raise BadInput("Kies een bestaande organisatie.")
    code = _checked_code(session, code, None)
    person = Participant(name=name, organisation_id=organisation_id, code=code)
    session.add(person)
    session.flush()
    audit.record(
        session,
        store,
        AuditAction.CREATE,
        object_type="deelnemer",
        object_id=person.id,
        detail=detail,
    )
    return person.id
