"""Action items: who does what by when, for a case or from an agenda item. Every change is logged.

An action is agreed on a day (`created_on`): the date of the meeting it came from, or the day it
was added from a case. Open actions come back under "actielijst" on every later agenda.

Its id is its stable number ("actiepunt 17"): it never changes and is never reused, so minutes,
action lists and exports can refer to it. Every change also writes an `ActionEvent` in the same
transaction: the action's own history (agreed, changed, done, cancelled, reopened; by whom).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import (
    ActionEventKind,
    ActionStatus,
    AgendaItemKind,
    AuditAction,
    CaseStatus,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.domain.text import initials
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.services.unchanged import UNCHANGED, Keep
from casusoverleg.store.models import (
    ActionEvent,
    ActionItem,
    AgendaItem,
    Case,
    Meeting,
    Organisation,
    Participant,
)

MAX_DESCRIPTION = 2000

_FIELD_LABELS = {
    "description": "omschrijving",
    "owner_id": "eigenaar",
    "due_date": "uiterste datum",
    "note": "notitie",
}


@dataclass(frozen=True)
class ActionInfo:
    """One action item as lists, agendas and documents show it."""

    id: int
    description: str
    owner_id: int
    owner_name: str
    organisation_name: str
    case_id: int | None
    case_number: str
    due_date: date | None
    status: ActionStatus
    done_on: date | None
    note: str
    created_at: datetime
    overdue: bool
    case_initials: str = ""
    agenda_item_id: int | None = None
    meeting_id: int | None = None
    created_on: date | None = None  # always set by the service; None only in hand-made ones
    owner_archived: bool = False
    agreed_meeting_date: date | None = None  # the meeting of its agenda item; None: outside one

    @property
    def owner_label(self) -> str:
        """ "Naam (organisatie)", as the action list prints the owner."""
        return f"{self.owner_name} ({self.organisation_name})"

    @property
    def number(self) -> int:
        """The action's stable number (its id): the same on screen, in minutes and exports."""
        return self.id

    @property
    def agreed_on(self) -> date | None:
        """The day the action was agreed (its meeting's date, or the day it was added)."""
        return self.created_on

    @property
    def agreed_text(self) -> str:
        """ "afgesproken op 03-11-2026 (overleg van 03-11-2026)"; without a meeting no brackets."""
        return agreed_text(self.agreed_on, self.agreed_meeting_date)


def agreed_text(agreed_on: date | None, meeting_date: date | None) -> str:
    """ "afgesproken op 03-11-2026 (overleg van 03-11-2026)", as the issue words it.

    The meeting is named even when its date is the day agreed: it says the action came from a
    meeting (and which one) rather than from a case form. "" when nothing is known.
    """
    parts = [f"afgesproken op {agreed_on:%d-%m-%Y}"] if agreed_on is not None else []
    if meeting_date is not None:
        parts.append(f"(overleg van {meeting_date:%d-%m-%Y})")
    return " ".join(parts)


@dataclass(frozen=True)
class ActionEventInfo:
    """One step in an action's history, as the Geschiedenis view shows it."""

    id: int
    action_id: int
    kind: ActionEventKind
    at: datetime
    account: str  # "" when not known (actions from before the history was kept)
    on_date: date | None
    meeting_id: int | None
    meeting_date: date | None
    detail: str

    @property
    def day(self) -> date:
        """The day it happened as the user gave it (e.g. the day done), else the day recorded."""
        return self.on_date or self.at.date()

    @property
    def text(self) -> str:
        """ "gereed gemeld op 05-11-2026 door jan (in het overleg van 05-11-2026)"."""
        line = f"{self.kind.label} op {self.day:%d-%m-%Y}"
        line += f" door {self.account}" if self.account else " (door wie is niet vastgelegd)"
        if self.meeting_date is not None:
            line += f" (in het overleg van {self.meeting_date:%d-%m-%Y})"
        return line


def is_overdue(status: ActionStatus, due_date: date | None, on: date) -> bool:
    """An open action whose due date lies before `on` (due today is not yet overdue)."""
    return status == ActionStatus.OPEN and due_date is not None and due_date < on


def _query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            ActionItem,
            Participant.name,
            Participant.archived_on,
            Organisation.name,
            Case.case_number,
            Case.first_name,
            Case.last_name,
            AgendaItem.meeting_id,
            Meeting.date,
            Case.id,  # a server store opens the sealed names with it
        )
        .join(Participant, ActionItem.owner_id == Participant.id)
        .join(Organisation, Participant.organisation_id == Organisation.id)
        .outerjoin(Case, ActionItem.case_id == Case.id)
        .outerjoin(AgendaItem, ActionItem.agenda_item_id == AgendaItem.id)
        .outerjoin(Meeting, AgendaItem.meeting_id == Meeting.id)
    )


def _info(values: Any, on: date) -> ActionInfo:
    action, owner, archived_on, org, number, first, last, meeting_id, meeting_date, _ = values
    status = ActionStatus(action.status)
    return ActionInfo(
        id=action.id,
        description=action.description,
        owner_id=action.owner_id,
        owner_name=owner,
        organisation_name=org,
        case_id=action.case_id,
        case_number=number or "",
        due_date=action.due_date,
        status=status,
        done_on=action.done_on,
        note=action.note,
        created_at=action.created_at,
        overdue=is_overdue(status, action.due_date, on),
        case_initials=initials(first, last) if number else "",
        agenda_item_id=action.agenda_item_id,
        meeting_id=meeting_id,
        # Rows written without a day agreed (stores older than revision 0003) use the day made.
        created_on=action.created_on or action.created_at.date(),
        owner_archived=archived_on is not None,
        agreed_meeting_date=meeting_date,
    )


def _load(session: Session, action_id: int, on: date) -> ActionInfo:
    values = session.execute(_query().where(ActionItem.id == action_id)).one()
    return _info(values, on)


def _get(session: Session, action_id: int) -> ActionItem:
    action = session.get(ActionItem, action_id)
    if action is None:
        raise BadInput("Dit actiepunt bestaat niet (meer).")
    return action


def _active_owner(session: Session, owner_id: int) -> Participant:
    owner = session.get(Participant, owner_id)
    if owner is None:
        raise BadInput("Kies een bestaande deelnemer als eigenaar van het actiepunt.")
    if owner.archived_on is not None:
        raise BadInput(
            f"{owner.name} is gearchiveerd en kan geen nieuwe actiepunten krijgen; "
            "kies een actieve deelnemer."
        )
    return owner


def _clean_description(description: str) -> str:
    text = description.strip()
    if not text:
        raise BadInput("Beschrijf wat er moet gebeuren.")
    if len(text) > MAX_DESCRIPTION:
        raise BadInput(f"De omschrijving is te lang (hoogstens {MAX_DESCRIPTION} tekens).")
    return text


def _check_due(due_date: date | None, created_on: date) -> None:
    if due_date is not None and due_date < created_on:
        raise BadInput(
            "De uiterste datum ligt vóór de dag waarop het actiepunt is afgesproken "
            f"({created_on:%d-%m-%Y})."
        )


def _case_number(session: Session, case_id: int | None) -> str | None:
    if case_id is None:
        return None
    return session.scalar(select(Case.case_number).where(Case.id == case_id))


def _meeting_of(session: Session, meeting_id: int | None) -> int | None:
    if meeting_id is not None and session.get(Meeting, meeting_id) is None:
        raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
    return meeting_id


def _record_event(
    session: Session,
    store: Store,
    action_id: int,
    kind: ActionEventKind,
    *,
    on_date: date | None,
    meeting_id: int | None = None,
    detail: str = "",
) -> None:
    # In the caller's transaction: a change and its history line are written together or not.
    session.add(
        ActionEvent(
            action_id=action_id,
            at=datetime.now(),
            kind=str(kind),
            account=store.account,
            on_date=on_date,
            meeting_id=meeting_id,
            detail=detail,
        )
    )


def _owner_name(session: Session, owner_id: int) -> str:
    return session.scalar(select(Participant.name).where(Participant.id == owner_id)) or "?"


def _day(value: date | None) -> str:
    return f"{value:%d-%m-%Y}" if value is not None else "geen"


def create_action(
    store: Store,
    *,
    description: str,
    owner_id: int,
    due_date: date | None,
    case_id: int | None = None,
    agenda_item_id: int | None = None,
    today: date | None = None,
) -> ActionInfo:
    """Agree a new action, from a case or from an agenda item (then its case is the item's)."""
    today = today or date.today()
    text = _clean_description(description)
    with store.write() as session:
        _active_owner(session, owner_id)
        created_on = today
        meeting_id: int | None = None
        if agenda_item_id is not None:
            item = session.get(AgendaItem, agenda_item_id)
            if item is None:
                raise BadInput("Dit agendapunt bestaat niet (meer).")
            meeting = session.get(Meeting, item.meeting_id)
            assert meeting is not None  # the foreign key guarantees it
            if meeting.status == str(MeetingStatus.GEANNULEERD):
                raise BadInput("Dit overleg is geannuleerd; er kunnen geen actiepunten bij.")
            if meeting.minutes_status == str(MinutesStatus.VASTGESTELD):
                raise BadInput(
                    "Het verslag van dit overleg is vastgesteld; leg een nieuw actiepunt vast "
                    "bij de casus of in een volgend overleg."
                )
            if item.kind == str(AgendaItemKind.CASUS):
                if case_id is not None and case_id != item.case_id:
                    raise BadInput("Dit agendapunt gaat over een andere casus.")
                case_id = item.case_id
            # Agreed in the meeting, so it belongs to the meeting's day (also when the
            # minutes are typed up afterwards).
            created_on = meeting.date
            meeting_id = meeting.id
        if case_id is not None:
            case = session.get(Case, case_id)
            if case is None:
                raise BadInput("Deze casus bestaat niet (meer).")
            if case.status == str(CaseStatus.AFGESLOTEN):
                raise BadInput(f"Casus {case.case_number} is afgesloten.")
        _check_due(due_date, created_on)
        action = ActionItem(
            description=text,
            owner_id=owner_id,
            case_id=case_id,
            agenda_item_id=agenda_item_id,
            due_date=due_date,
            status=str(ActionStatus.OPEN),
            note="",
            created_at=datetime.now(),
            created_on=created_on,
        )
        session.add(action)
        session.flush()
        _record_event(
            session,
            store,
            action.id,
            ActionEventKind.AANGEMAAKT,
            on_date=created_on,
            meeting_id=meeting_id,
        )
        audit.record(
            session,
            store,
            AuditAction.CREATE,
            case_number=_case_number(session, case_id),
            object_type="actiepunt",
            object_id=action.id,
            detail=f"uit agendapunt {agenda_item_id}" if agenda_item_id else "",
        )
        return _load(session, action.id, today)


def update_action(
    store: Store,
    action_id: int,
    *,
    description: str | Keep = UNCHANGED,
    owner_id: int | Keep = UNCHANGED,
    due_date: date | Keep | None = UNCHANGED,
    note: str | Keep = UNCHANGED,
    today: date | None = None,
    meeting_id: int | None = None,
) -> ActionInfo:
    """Change what, who or by when; fields left out stay as they are.

    `meeting_id`: the change is made during that meeting (its history says so).
    """
    today = today or date.today()
    with store.write() as session:
        action = _get(session, action_id)
        meeting_id = _meeting_of(session, meeting_id)
        changed = []
        # What the history says changed: old → new for who and when; the texts by name only.
        steps = []
        if description is not UNCHANGED:
            text = _clean_description(description)
            if text != action.description:
                action.description = text
                changed.append("description")
                steps.append("omschrijving")
        if owner_id is not UNCHANGED and owner_id != action.owner_id:
            new_owner = _active_owner(session, owner_id)
            steps.append(f"eigenaar {_owner_name(session, action.owner_id)} → {new_owner.name}")
            action.owner_id = owner_id
            changed.append("owner_id")
        if due_date is not UNCHANGED and due_date != action.due_date:
            _check_due(due_date, action.created_on or action.created_at.date())
            steps.append(f"uiterste datum {_day(action.due_date)} → {_day(due_date)}")
            action.due_date = due_date
            changed.append("due_date")
        if note is not UNCHANGED and note.strip() != action.note:
            action.note = note.strip()
            changed.append("note")
            steps.append("notitie")
        if steps:
            _record_event(
                session,
                store,
                action.id,
                ActionEventKind.GEWIJZIGD,
                on_date=today,
                meeting_id=meeting_id,
                detail="; ".join(steps),
            )
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            case_number=_case_number(session, action.case_id),
            object_type="actiepunt",
            object_id=action.id,
            detail="gewijzigd: " + ", ".join(_FIELD_LABELS[c] for c in changed)
            if changed
            else "niets gewijzigd",
        )
        session.flush()
        return _load(session, action.id, today)


def _set_status(
    store: Store,
    action_id: int,
    status: ActionStatus,
    *,
    done_on: date | None,
    note: str,
    detail: str,
    today: date,
    meeting_id: int | None,
) -> ActionInfo:
    with store.write() as session:
        action = _get(session, action_id)
        meeting_id = _meeting_of(session, meeting_id)
        current = ActionStatus(action.status)
        if status == ActionStatus.OPEN:
            if current == ActionStatus.OPEN:
                raise BadInput("Dit actiepunt staat al open.")
        elif current != ActionStatus.OPEN:
            raise BadInput(f"Dit actiepunt is al {current.label}.")
        agreed = action.created_on or action.created_at.date()
        if done_on is not None and done_on < agreed:
            raise BadInput(
                "De datum gereed ligt vóór de dag waarop het actiepunt is afgesproken "
                f"({agreed:%d-%m-%Y})."
            )
        action.status = str(status)
        action.done_on = done_on
        if note.strip():
            action.note = note.strip()
        kind = {
            ActionStatus.GEREED: ActionEventKind.GEREED,
            ActionStatus.VERVALLEN: ActionEventKind.VERVALLEN,
            ActionStatus.OPEN: ActionEventKind.HEROPEND,
        }[status]
        _record_event(
            session,
            store,
            action.id,
            kind,
            on_date=done_on or today,
            meeting_id=meeting_id,
            # Reopening says what it undid; done and cancelled keep the note given with them.
            detail=f"was {current.label}" if status == ActionStatus.OPEN else note.strip(),
        )
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            case_number=_case_number(session, action.case_id),
            object_type="actiepunt",
            object_id=action.id,
            detail=detail,
        )
        session.flush()
        return _load(session, action.id, today)


def complete_action(
    store: Store,
    action_id: int,
    *,
    done_on: date,
    note: str = "",
    today: date | None = None,
    meeting_id: int | None = None,
) -> ActionInfo:
    """Mark an open action done on `done_on`, with an optional note (`meeting_id`: in it)."""
    return _set_status(
        store,
        action_id,
        ActionStatus.GEREED,
        done_on=done_on,
        note=note,
        detail="gereed",
        today=today or done_on,
        meeting_id=meeting_id,
    )


def cancel_action(
    store: Store,
    action_id: int,
    *,
    note: str = "",
    today: date | None = None,
    meeting_id: int | None = None,
) -> ActionInfo:
    """Drop an open action that is no longer needed (status vervallen)."""
    return _set_status(
        store,
        action_id,
        ActionStatus.VERVALLEN,
        done_on=None,
        note=note,
        detail="vervallen",
        today=today or date.today(),
        meeting_id=meeting_id,
    )


def reopen_action(
    store: Store,
    action_id: int,
    *,
    today: date | None = None,
    meeting_id: int | None = None,
    note: str = "",
) -> ActionInfo:
    """Open a done or dropped action again (its done date is cleared; `note` says why)."""
    return _set_status(
        store,
        action_id,
        ActionStatus.OPEN,
        done_on=None,
        note=note,
        detail="heropend",
        today=today or date.today(),
        meeting_id=meeting_id,
    )


def action_history(store: Store, action_id: int) -> list[ActionEventInfo]:
    """Every step in one action's history, oldest first."""
    with store.read() as session:
        _get(session, action_id)
        return action_history_in(session, action_id)


def action_history_in(session: Session, action_id: int) -> list[ActionEventInfo]:
    """`action_history` inside an open transaction."""
    rows = session.execute(
        select(ActionEvent, Meeting.date)
        .outerjoin(Meeting, ActionEvent.meeting_id == Meeting.id)
        .where(ActionEvent.action_id == action_id)
        .order_by(ActionEvent.at, ActionEvent.id)
    )
    return [
        ActionEventInfo(
            id=event.id,
            action_id=event.action_id,
            kind=ActionEventKind(event.kind),
            at=event.at,
            account=event.account,
            on_date=event.on_date,
            meeting_id=event.meeting_id,
            meeting_date=meeting_date,
            detail=event.detail,
        )
        for event, meeting_date in rows
    ]


def get_action(store: Store, action_id: int, *, today: date | None = None) -> ActionInfo:
    """One action item."""
    with store.read() as session:
        _get(session, action_id)
        return _load(session, action_id, today or date.today())


def _ordered(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    # Actions without a due date last; then by due date and the order they were made.
    return query.order_by(
        ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.created_on, ActionItem.id
    )


def list_actions(
    store: Store,
    *,
    case_id: int | None = None,
    owner_id: int | None = None,
    status: ActionStatus | None = None,
    overdue_on: date | None = None,
    include_done: bool = False,
    today: date | None = None,
) -> list[ActionInfo]:
    """Actions by due date: open ones unless `status` or `include_done` say otherwise.

    `overdue_on` keeps only actions overdue on that day; `overdue` on each result is computed
    for `today` (default: `overdue_on`, else the real today).
    """
    on = today or overdue_on or date.today()
    query = _query()
    if case_id is not None:
        query = query.where(ActionItem.case_id == case_id)
    if owner_id is not None:
        query = query.where(ActionItem.owner_id == owner_id)
    if status is not None:
        query = query.where(ActionItem.status == str(status))
    elif not include_done:
        query = query.where(ActionItem.status == str(ActionStatus.OPEN))
    if overdue_on is not None:
        query = query.where(
            ActionItem.status == str(ActionStatus.OPEN), ActionItem.due_date < overdue_on
        )
    with store.read() as session:
        return [_info(values, on) for values in session.execute(_ordered(query))]


def case_actions_in(session: Session, case_id: int, *, today: date) -> list[ActionInfo]:
    """Every action of one case (done ones too), by due date, inside the caller's transaction.

    The same list as `list_actions(store, case_id=…, include_done=True, today=…)`.
    """
    query = _query().where(ActionItem.case_id == case_id)
    return [_info(values, today) for values in session.execute(_ordered(query))]


def open_actions_for_agenda(store: Store, meeting_id: int) -> list[ActionInfo]:
    """The open actions agreed before a meeting, for its actielijst; overdue as of its date."""
    with store.read() as session:
        return open_actions_for_agenda_in(session, meeting_id)


def open_actions_for_agenda_in(session: Session, meeting_id: int) -> list[ActionInfo]:
    """`open_actions_for_agenda` inside an open transaction."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
    here = (meeting.date, meeting.start_time, meeting.id)
    query = _query().where(ActionItem.status == str(ActionStatus.OPEN))
    infos = [
        info
        for info in (_info(values, meeting.date) for values in session.execute(_ordered(query)))
        if (info.created_on or info.created_at.date()) <= meeting.date
    ]
    from_items = {i.agenda_item_id for i in infos if i.agenda_item_id is not None}
    origin = {
        item_id: (on, start, origin_id)
        for item_id, on, start, origin_id in session.execute(
            select(AgendaItem.id, Meeting.date, Meeting.start_time, Meeting.id)
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(AgendaItem.id.in_(from_items))
        )
    }
    # Agreed in a meeting: only on the agendas of the meetings after that one (two meetings
    # can fall on one day), never in its own actielijst.
    return [i for i in infos if i.agenda_item_id is None or origin[i.agenda_item_id] < here]


def list_meeting_actions(
    store: Store, meeting_id: int, *, today: date | None = None
) -> list[ActionInfo]:
    """Every action agreed at a meeting (from its agenda items), whatever its status now."""
    with store.read() as session:
        return list_meeting_actions_in(session, meeting_id, today=today)


def list_meeting_actions_in(
    session: Session, meeting_id: int, *, today: date | None = None
) -> list[ActionInfo]:
    """`list_meeting_actions` inside an open transaction."""
    query = _query().where(AgendaItem.meeting_id == meeting_id)
    return [_info(v, today or date.today()) for v in session.execute(_ordered(query))]
