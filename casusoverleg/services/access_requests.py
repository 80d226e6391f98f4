"""Inzageverzoeken (AVG art. 15): record a request to see a child's file, its deadline, its answer.

The law (Verordening (EU) 2016/679, AVG):

- Art. 15 lid 1: the data subject (here the child, usually through a parent or legal
  representative) has the right to know whether data about them are processed and to see them;
  lid 3: the controller provides a copy (the dossier PDF, `documents.print_dossier`).
- Art. 12 lid 3: the controller answers "onverwijld en in ieder geval binnen een maand na
  ontvangst van het verzoek". Depending on the complexity and the number of requests that term
  may, where needed, be extended by two more months; the requester is told of the extension,
  with the reasons, within one month of receiving the request.

How this module reads that (decisions, not settled law):

- "Een maand" is counted as a calendar month with `dateutil.relativedelta(months=1)`: received
  on 15 March → 15 April; received on 31 January → 28 (or 29) February, the last day of the
  shorter month. The AVG itself does not say how a month ending on a missing day is counted.
- The extended term is received + 3 months (`relativedelta(months=3)`), i.e. the first month
  plus "nog eens twee maanden", counted from the day of receipt again (31 January → 30 April,
  not 28 February + 2 months = 28 April).
- An extension can be recorded only up to and including the first deadline, because the
  requester must be told of it within that month (art. 12 lid 3, third sentence), only once,
  only with a reason (the same sentence: "onder opgave van de redenen"), and not after the
  request was answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.domain.text import clean_block, clean_line, has_control, initials
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.store.models import AccessRequest, Case

# Who asked, as the dialog offers it (stored as this text).
RELATIONS = ("ouder/verzorger", "jongere zelf", "wettelijk vertegenwoordiger", "anders")

# The log's name for what these events are about (object_type).
SUBJECT = "inzageverzoek"

_MAX_REQUESTED_BY = 200  # the column's length


def first_deadline(received_on: date) -> date:
    """The answer is due one month after receipt (AVG art. 12 lid 3, first sentence)."""
    return received_on + relativedelta(months=1)


def extended_deadline(received_on: date) -> date:
    """The deadline after an extension "met nog eens twee maanden" (AVG art. 12 lid 3)."""
    return received_on + relativedelta(months=3)


@dataclass(frozen=True)
class AccessRequestInfo:
    """One inzageverzoek of a case, as the dialog shows it."""

    id: int
    case_id: int
    received_on: date
    requested_by: str
    relation: str
    deadline: date
    extended_reason: str
    answered_on: date | None
    note: str
    created_by: str

    @property
    def is_extended(self) -> bool:
        """Whether the term was extended (art. 12 lid 3)."""
        return bool(self.extended_reason)

    @property
    def is_open(self) -> bool:
        """Not answered yet."""
        return self.answered_on is None

    def days_left(self, today: date) -> int:
        """Days until the deadline (0 on the day itself); negative when it has passed."""
        return (self.deadline - today).days

    def can_extend(self, today: date) -> bool:
        """Whether an extension may still be recorded on `today` (see the module docstring)."""
        return self.is_open and not self.is_extended and today <= first_deadline(self.received_on)


@dataclass(frozen=True)
class OpenAccessRequest:
    """An unanswered inzageverzoek for the Overzicht: casusnummer and initials, no name."""

    id: int
    case_id: int
    case_number: str
    initials: str
    received_on: date
    deadline: date
    extended: bool

    def days_left(self, today: date) -> int:
        """Days until the deadline (0 on the day itself); negative when it has passed."""
        return (self.deadline - today).days


def _info(row: AccessRequest) -> AccessRequestInfo:
    return AccessRequestInfo(
        id=row.id,
        case_id=row.case_id,
        received_on=row.received_on,
        requested_by=row.requested_by,
        relation=row.relation,
        deadline=row.deadline,
        extended_reason=row.extended_reason,
        answered_on=row.answered_on,
        note=row.note,
        created_by=row.created_by,
    )


def _day(value: date) -> str:
    return f"{value:%d-%m-%Y}"


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise BadInput("Deze casus bestaat niet (meer).")
    return case


def _request(session: Session, request_id: int) -> tuple[AccessRequest, Case]:
    row = session.get(AccessRequest, request_id)
    if row is None:
        raise BadInput("Dit inzageverzoek bestaat niet (meer).")
    return row, _case(session, row.case_id)


def _log(
    session: Session, store: Store, action: AuditAction, case: Case, row: AccessRequest, detail: str
) -> None:
    # The requester's name stays out of the log: the log names what happened, not who asked.
    audit.record(
        session,
        store,
        action,
        case_number=case.case_number,
        object_type=SUBJECT,
        object_id=row.id,
        detail=detail,
    )


def check_request(
    received_on: date | None, requested_by: str, relation: str, today: date
) -> dict[str, str]:
    """What is wrong with a new request, by field ("received_on", "requested_by", "relation")."""
    errors: dict[str, str] = {}
    if received_on is None:
        errors["received_on"] = "Vul de datum van ontvangst in."
    elif received_on > today:
        errors["received_on"] = "De datum van ontvangst ligt in de toekomst."
    name = clean_line(requested_by)
    if not name:
        errors["requested_by"] = "Vul in wie om inzage vraagt."
    elif has_control(name):
        errors["requested_by"] = "De naam bevat een teken dat niet kan worden opgeslagen."
    elif len(name) > _MAX_REQUESTED_BY:
        errors["requested_by"] = f"Hooguit {_MAX_REQUESTED_BY} tekens."
    if relation not in RELATIONS:
        errors["relation"] = "Kies de relatie tot het kind: " + ", ".join(RELATIONS) + "."
    return errors


def record_request(
    store: Store,
    case_id: int,
    *,
    received_on: date | None,
    requested_by: str,
    relation: str,
    note: str = "",
    today: date | None = None,
) -> AccessRequestInfo:
    """Register an inzageverzoek for a case; its deadline is received + 1 month (art. 12(3))."""
    today = today or date.today()
    errors = check_request(received_on, requested_by, relation, today)
    if errors:
        raise BadInput("Controleer het inzageverzoek:\n" + "\n".join(errors.values()))
    assert received_on is not None  # checked above
    with store.write() as session:
        case = _case(session, case_id)
        row = AccessRequest(
            case_id=case.id,
            received_on=received_on,
            requested_by=clean_line(requested_by),
            relation=relation,
            deadline=first_deadline(received_on),
            extended_reason="",
            answered_on=None,
            note=clean_block(note).strip(),
            created_by=store.account,
            created_at=datetime.now(),
        )
        session.add(row)
        session.flush()
        _log(
            session,
            store,
            AuditAction.CREATE,
            case,
            row,
            f"inzageverzoek (AVG art. 15) ontvangen op {_day(received_on)} van {relation}; "
            f"antwoord uiterlijk {_day(row.deadline)}",
        )
        return _info(row)


def extend_request(
    store: Store, request_id: int, reason: str, *, today: date | None = None
) -> AccessRequestInfo:
    """Extend the term by two more months (art. 12(3)): once, with a reason, within the month."""
    today = today or date.today()
    reason = clean_block(reason).strip()
    if not reason:
        # Art. 12 lid 3: the requester is told of the extension "onder opgave van de redenen".
        raise BadInput("Vul de reden voor de verlenging in; de aanvrager moet die horen.")
    with store.write() as session:
        row, case = _request(session, request_id)
        if row.answered_on is not None:
            raise BadInput("Dit inzageverzoek is al beantwoord; verlengen kan niet meer.")
        if row.extended_reason:
            raise BadInput("De termijn van dit inzageverzoek is al verlengd (dat kan één keer).")
        first = first_deadline(row.received_on)
        if today > first:
            # Art. 12 lid 3: the extension must be made known within a month of receipt.
            raise BadInput(
                f"Verlengen kan alleen tot en met {_day(first)}: de aanvrager moet binnen een "
                "maand na ontvangst horen dat de termijn wordt verlengd (AVG art. 12 lid 3)."
            )
        row.extended_reason = reason
        row.deadline = extended_deadline(row.received_on)
        _log(
            session,
            store,
            AuditAction.UPDATE,
            case,
            row,
            f"termijn inzageverzoek verlengd tot {_day(row.deadline)} (AVG art. 12 lid 3)",
        )
        return _info(row)


def mark_answered(
    store: Store, request_id: int, answered_on: date | None, *, today: date | None = None
) -> AccessRequestInfo:
    """Record the day the inzageverzoek was answered (not before receipt, not in the future)."""
    today = today or date.today()
    if answered_on is None:
        raise BadInput("Vul de datum in waarop het verzoek is beantwoord.")
    if answered_on > today:
        raise BadInput("De datum van het antwoord ligt in de toekomst.")
    with store.write() as session:
        row, case = _request(session, request_id)
        if row.answered_on is not None:
            raise BadInput(f"Dit inzageverzoek is al beantwoord op {_day(row.answered_on)}.")
        if answered_on < row.received_on:
            raise BadInput(
                f"Het antwoord kan niet vóór de ontvangst ({_day(row.received_on)}) liggen."
            )
        row.answered_on = answered_on
        late = (answered_on - row.deadline).days
        timing = f", {late} dagen na de termijn" if late > 0 else ", binnen de termijn"
        _log(
            session,
            store,
            AuditAction.UPDATE,
            case,
            row,
            f"inzageverzoek beantwoord op {_day(answered_on)}{timing}",
        )
        return _info(row)


@dataclass(frozen=True)
class CaseAccessRequests:
    """A case's inzageverzoeken, with what the dialog names the case by (no full name)."""

    case_id: int
    case_number: str
    initials: str
    requests: list[AccessRequestInfo]


def case_requests(store: Store, case_id: int) -> CaseAccessRequests:
    """Every inzageverzoek of a case, newest first; the view is logged (it names who asked)."""
    with store.write() as session:
        case = _case(session, case_id)
        rows = session.scalars(
            select(AccessRequest)
            .where(AccessRequest.case_id == case_id)
            .order_by(AccessRequest.received_on.desc(), AccessRequest.id.desc())
        ).all()
        audit.record(
            session,
            store,
            AuditAction.VIEW,
            case_number=case.case_number,
            object_type=SUBJECT,
            detail=f"{len(rows)} inzageverzoeken bekeken",
        )
        return CaseAccessRequests(
            case_id=case.id,
            case_number=case.case_number,
            initials=initials(case.first_name, case.last_name),
            requests=[_info(row) for row in rows],
        )


def list_requests(store: Store, case_id: int) -> list[AccessRequestInfo]:
    """Every inzageverzoek of a case, newest first (the view is logged)."""
    return case_requests(store, case_id).requests


def open_requests_in(session: Session) -> list[OpenAccessRequest]:
    """Every unanswered inzageverzoek in the store, earliest deadline first (caller's session)."""
    rows = session.execute(
        select(
            AccessRequest.id,
            AccessRequest.case_id,
            Case.case_number,
            Case.first_name,
            Case.last_name,
            AccessRequest.received_on,
            AccessRequest.deadline,
            AccessRequest.extended_reason,
            Case.id,  # a server store opens the sealed names with it
        )
        .join(Case, AccessRequest.case_id == Case.id)
        .where(AccessRequest.answered_on.is_(None))
        .order_by(AccessRequest.deadline, Case.case_number, AccessRequest.id)
    ).all()
    return [
        OpenAccessRequest(
            id=request_id,
            case_id=case_id,
            case_number=number,
            initials=initials(first, last),
            received_on=received,
            deadline=deadline,
            extended=bool(reason),
        )
        for request_id, case_id, number, first, last, received, deadline, reason, _ in rows
    ]


def open_requests(store: Store) -> list[OpenAccessRequest]:
    """Every unanswered inzageverzoek in the store (casusnummer and initials only)."""
    with store.read() as session:
        return open_requests_in(session)
