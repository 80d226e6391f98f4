"""Print agenda, minutes, action list and case dossier to PDF: gather, render, write, log.

The rendering layer (`casusoverleg.documents`) takes plain input dataclasses; this module maps
the services' results onto them. Privacy by default: agenda and action list get casusnummer
and initials only; minutes get names only with `show_names=True`; the dossier names the child.
Every file is written atomically with owner-only permissions, and every print is logged.
A document can also be rendered in memory only (`render_document`, for the on-screen preview)
and written later (`save_document`); file and memory share one rendering path per document.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Literal, cast

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.documents.actions import ActionLine, ActionListDocument, render_actions
from casusoverleg.documents.agenda import (
    AgendaAction,
    AgendaDocument,
    AgendaLine,
    AgendaPerson,
    NextMeeting,
    render_agenda,
)
from casusoverleg.documents.dossier import (
    DossierDiscussion,
    DossierDocument,
    DossierEvent,
    render_dossier,
)
from casusoverleg.documents.layout import DEFAULT_ORGANISATION, LOCALE, DocumentMeta
from casusoverleg.documents.minutes import (
    Adoption,
    AgreedAction,
    Attendee,
    Correction,
    MinutesDocument,
    MinutesPoint,
    render_minutes,
)
from casusoverleg.domain.alternatives import alternatives_text
from casusoverleg.domain.enums import (
    AgendaItemKind,
    AuditAction,
    MeetingRole,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.errors import BadInput
from casusoverleg.services import actions as action_service
from casusoverleg.services import agenda as agenda_service
from casusoverleg.services import audit, cases, invitees, meetings, output, settings
from casusoverleg.services import minutes as minutes_service
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.dossier_law import dossier_law_facts
from casusoverleg.services.meetings import MeetingInfo
from casusoverleg.services.store import Store
from casusoverleg.store.models import Meeting

GroupBy = Literal["owner", "case"]


@dataclass(frozen=True)
class Printed:
    """A document that was written: where, how many pages."""

    path: Path
    pages: int


DocumentKind = Literal["agenda", "minutes", "actions", "dossier"]


@dataclass(frozen=True)
class DocumentRequest:
    """Which document to make: of which meeting or case, with which choices."""

    kind: DocumentKind
    meeting_id: int | None = None  # agenda, minutes
    case_id: int | None = None  # dossier
    include_done: bool = False  # actions
    group_by: str = "owner"  # actions: "owner" or "case"
    show_names: bool = False  # minutes


@dataclass(frozen=True)
class RenderedDocument:
    """A PDF made in memory (for the preview): its bytes never touch the disk by themselves."""

    title: str
    data: bytes = field(repr=False)
    suggested_name: str
    pages: int
    case_number: str | None
    request: DocumentRequest | None = None


# What a document is called in the log (object_type), by kind.
_SUBJECTS: dict[str, str] = {
    "agenda": "agenda",
    "minutes": "verslag",
    "actions": "actielijst",
    "dossier": "dossier",
}


@dataclass(frozen=True)
class _Job:
    """A document ready to render: into a file or a buffer, and how to log where it went."""

    title: str
    suggested_name: str
    case_number: str | None
    render: Callable[[str | IO[bytes]], int]
    # Called with where the document went ("naar agenda.pdf", "als voorbeeld"), before it is
    # handed over: a print that cannot be logged is not made.
    log: Callable[[str], None]


def organisation_name(store: Store) -> str:
    """The organisation named as author on every document (setting, else the default)."""
    return settings.load_settings(store).organisation_name.strip() or DEFAULT_ORGANISATION


def _long_date(day: date) -> str:
    return str(format_date(day, "d MMMM y", locale=LOCALE))


def _meta(
    store: Store, *, title: str, header: str, subject: str, today: date | None
) -> DocumentMeta:
    return DocumentMeta(
        title=title,
        header=header,
        subject=subject,
        organisation=organisation_name(store),
        printed_on=today or date.today(),
        demo=store.is_demo,
    )


def _write_pdf(
    store: Store,
    path: Path,
    render: Callable[[str], int],
    log: Callable[[], None],
    overwrite: bool,
) -> Printed:
    """Render into a temp file beside `path`, log, then put the file in place (atomically)."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise BadInput(f"Geef een bestandsnaam die eindigt op .pdf (niet '{path.name}').")
    # The shared guard: never the store or a file beside it, never over a file unasked.
    # Logged before the file appears: a print that cannot be logged is not made.
    pages = output.write_atomically(
        store.path, path, render, overwrite=overwrite, before_replace=lambda _pages: log()
    )
    return Printed(path, pages)


def _role(role: MeetingRole) -> str:
    return "" if role == MeetingRole.DEELNEMER else role.label


def _usable_meeting(store: Store, meeting_id: int) -> MeetingInfo:
    return _not_cancelled(meetings.get_meeting(store, meeting_id))


def _not_cancelled(meeting: MeetingInfo) -> MeetingInfo:
    if meeting.status == MeetingStatus.GEANNULEERD:
        raise BadInput(f"Het overleg van {_long_date(meeting.date)} is geannuleerd.")
    return meeting


def next_meeting_id(store: Store, today: date | None = None) -> int:
    """The id of the next planned meeting (today or later); BadInput if there is none."""
    today = today or date.today()
    for meeting in meetings.list_meetings(store, since=today):
        if meeting.status == MeetingStatus.GEPLAND:
            return meeting.id
    raise BadInput("Er is geen volgend overleg gepland.")


# -- agenda --------------------------------------------------------------------------------------


def agenda_document(store: Store, meeting_id: int) -> tuple[MeetingInfo, AgendaDocument]:
    """The agenda of a meeting as the PDF shows it (casusnummer and initials only)."""
    with store.read() as session:
        return agenda_document_in(session, meeting_id)


def agenda_document_in(session: Session, meeting_id: int) -> tuple[MeetingInfo, AgendaDocument]:
    """`agenda_document` inside an open transaction (the meeting is fetched once)."""
    # Held until the read ends, so that the meeting is fetched once (see meeting_rows_in).
    rows = meetings.meeting_rows_in(session, meeting_id)
    meeting = _not_cancelled(meetings.meeting_info(*rows))
    agenda = agenda_service.get_agenda_in(session, meeting_id)
    if not agenda.items:
        raise BadInput(
            f"Het overleg van {_long_date(meeting.date)} heeft nog geen agenda; stel die eerst op."
        )
    invited = invitees.invitees_in(session, meeting_id)
    participants = [
        AgendaPerson(
            name=p.name,
            organisation=p.organisation,
            role=_role(p.role),
            function=p.function,
            excused=p.excused,
        )
        for p in invited.people
    ]
    actions = [
        AgendaAction(
            number=a.id,
            description=a.description,
            owner=a.owner_name,
            owner_organisation=a.organisation_name,
            case_number=a.case_number,
            initials=a.case_initials,
            due_date=a.due_date,
            overdue=a.due_date is not None and a.due_date < meeting.date,
        )
        for a in action_service.open_actions_for_agenda_in(session, meeting_id)
    ]
    adopt = _minutes_to_adopt_in(session, meeting_id)
    lines = [_agenda_line(item, adopt, len(actions)) for item in agenda.items]
    actions_item = next(
        (i.position for i in agenda.items if i.kind == AgendaItemKind.ACTIELIJST), None
    )
    # The paper shows the meeting's planned times (as `meetings --json` and the .ics do). An
    # overrun chosen on purpose is printed beside them; items that run past the planned end
    # (or past the chosen overrun) are a warning, not a silently later end.
    meeting_row = rows[0]
    planned_end = _add_minutes(meeting.start_time, meeting.minutes)
    chosen = meeting_row.overrun_minutes
    chosen_until = _add_minutes(planned_end, chosen) if chosen > 0 else None
    limit = chosen_until or planned_end
    document = AgendaDocument(
        meeting_name=meeting.title,
        day=meeting.date,
        start=meeting.start_time,
        end=planned_end,
        location=meeting.location,
        items=lines,
        participants=participants,
        overrun_until=agenda.end_time if agenda.end_time > limit else None,
        chosen_overrun_until=chosen_until,
        invited_from_series=invited.source == invitees.InviteeSource.SERIES,
        secretary=invited.secretary.name if invited.secretary else "",
        in_series=meeting.series_id is not None,
        actions=actions,
        actions_item=actions_item,
        next_meeting=_next_meeting_in(session, meeting_row),
        show_next_meeting=True,
    )
    return meeting, document


def _agenda_line(
    item: agenda_service.AgendaItemInfo, adopt: tuple[str, str], actions: int
) -> AgendaLine:
    title = item.title
    note = ""
    if item.kind == AgendaItemKind.CASUS:
        title = ""  # a case item is named by number and initials; its stored title adds nothing
    elif item.kind == AgendaItemKind.VERSLAG:
        title, note = adopt
    elif item.kind == AgendaItemKind.ACTIELIJST:
        note = (
            f"{actions} open actiepunt{'en' if actions != 1 else ''}; zie de actielijst hieronder."
            if actions
            else "Er zijn geen open actiepunten."
        )
    return AgendaLine(
        number=item.position,
        start=item.start_time,
        minutes=item.minutes,
        title=title,
        case_number=item.case_number,
        initials=item.initials,
        presenter=item.presenter_name,
        question=item.question,
        reason=item.reason if item.kind == AgendaItemKind.CASUS else "",
        note=note,
    )


def _minutes_to_adopt_in(session: Session, meeting_id: int) -> tuple[str, str]:
    """Item 2's title and note: which minutes this meeting adopts (the last meeting held)."""
    generic = AgendaItemKind.VERSLAG.label
    previous = meetings.previous_held_meeting_in(session, meeting_id)
    if previous is None:
        return generic, "Er is nog geen overleg gehouden; er is geen verslag vast te stellen."
    row = session.get(Meeting, previous.id)
    when = _long_date(previous.date)
    if previous.minutes_status != MinutesStatus.CONCEPT and (
        row is None or row.minutes_fixed_at_id != meeting_id
    ):
        return generic, f"Het verslag van het overleg van {when} is al vastgesteld."
    return f"Vaststellen verslag van het overleg van {when}", ""


def _next_meeting_in(session: Session, meeting: Meeting) -> NextMeeting | None:
    """The first planned meeting after this one: in its series if it has one there, else any."""
    here = (meeting.date, meeting.start_time, meeting.id)
    later = [
        m
        for m in session.scalars(
            select(Meeting)
            .where(Meeting.status == str(MeetingStatus.GEPLAND), Meeting.date >= meeting.date)
            .order_by(Meeting.date, Meeting.start_time, Meeting.id)
        )
        if (m.date, m.start_time, m.id) > here
    ]
    same_series = [m for m in later if meeting.series_id and m.series_id == meeting.series_id]
    found = same_series or later
    return NextMeeting(found[0].date, found[0].start_time) if found else None


def _agenda_job(store: Store, meeting_id: int, today: date | None) -> _Job:
    meeting, document = agenda_document(store, meeting_id)
    when = _long_date(meeting.date)
    meta = _meta(
        store,
        title=f"Agenda {meeting.title} {when}",
        header=f"{meeting.title} — {when}",
        subject="Agenda",
        today=today,
    )
    return _Job(
        title=meta.title,
        suggested_name=f"agenda-{meeting.date:%Y-%m-%d}.pdf",
        case_number=None,
        render=lambda target: render_agenda(document, target, meta),
        log=lambda where: audit.log(
            store,
            AuditAction.PRINT,
            object_type="agenda",
            object_id=meeting_id,
            detail=f"agenda overleg {meeting.date:%d-%m-%Y} {where}",
        ),
    )


def print_agenda(
    store: Store,
    meeting_id: int,
    path: Path | str,
    *,
    today: date | None = None,
    overwrite: bool = False,
) -> Printed:
    """Write a meeting's agenda as PDF and log the print."""
    return _print(store, _agenda_job(store, meeting_id, today), path, overwrite)


# -- minutes -------------------------------------------------------------------------------------


def minutes_document(
    store: Store, meeting_id: int, *, show_names: bool = False, today: date | None = None
) -> tuple[MeetingInfo, MinutesDocument, list[str]]:
    """The minutes as the PDF shows them, and the casusnummers of the cases in them."""
    meeting = _usable_meeting(store, meeting_id)
    minutes = minutes_service.get_minutes(store, meeting_id, today=today)
    agenda = agenda_service.get_agenda(store, meeting_id)
    # The planned time, as on the agenda and in the invitation (with an overrun chosen on
    # purpose): the store does not know when the meeting really ended, so none is invented.
    end = agenda.allowed_end
    attendance = [
        Attendee(a.name, a.organisation_name, a.status, _role(a.role)) for a in minutes.attendance
    ]
    points = []
    numbers = []
    for item in minutes.items:
        child = ""
        if item.case_number:
            numbers.append(item.case_number)
            child = item.child_name if show_names else item.initials
        points.append(
            MinutesPoint(
                number=item.position,
                title=f"Casus {item.case_number}" if item.case_number else item.title,
                case_number=item.case_number,
                child=child,
                notes=item.notes,
                advice=item.advice.label if item.advice else "",
                alternatives=alternatives_text(item.alternatives),
                decision=item.decision,
                next_review=item.next_review_date,
                actions=[_agreed(a, item.position) for a in item.actions],
                corrections=[Correction(c.created_at, c.text) for c in item.amendments],
                outcome=item.outcome,
                deferred_to=item.deferred_to,
                role=_MINUTES_ROLES.get(item.kind, ""),
            )
        )
    document = MinutesDocument(
        meeting_name=meeting.title,
        day=meeting.date,
        start=meeting.start_time,
        end=end,
        location=meeting.location,
        status=minutes.status,
        points=points,
        attendance=attendance,
        fixed_on=minutes.fixed_at_date,
        show_names=show_names,
        adopted=[Adoption(a.meeting_date, a.note) for a in minutes.adopted],
        not_adopted=minutes.not_adopted,
        carried_over=[_agreed(a, None) for a in minutes.carried_over],
    )
    return meeting, document, numbers


# Fixed items whose minutes say more than what was typed (which minutes were adopted; the
# actions carried over).
_MINUTES_ROLES = {AgendaItemKind.VERSLAG: "verslag", AgendaItemKind.ACTIELIJST: "actielijst"}


def _add_minutes(start: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()


def _agreed(action: ActionInfo, position: int | None) -> AgreedAction:
    case = " ".join(filter(None, (action.case_number, action.case_initials)))
    return AgreedAction(
        description=action.description,
        owner=action.owner_name,
        organisation=action.organisation_name,
        due_date=action.due_date,
        item_number=position,
        status=action.status.label,
        number=action.id,
        agreed_on=action.created_on or action.created_at.date(),
        case=case,
        done_on=action.done_on,
        overdue=action.overdue,
    )


def _minutes_job(store: Store, meeting_id: int, show_names: bool, today: date | None) -> _Job:
    meeting, document, numbers = minutes_document(
        store, meeting_id, show_names=show_names, today=today
    )
    when = _long_date(meeting.date)
    meta = _meta(
        store,
        title=f"Verslag {meeting.title} {when}",
        header=f"{meeting.title} — {when}",
        subject="Verslag (" + document.status.label + ")",
        today=today,
    )

    def log(where: str) -> None:
        names = " met namen van kinderen" if show_names else ""
        with store.write() as session:
            audit.record(
                session,
                store,
                AuditAction.PRINT,
                object_type="verslag",
                object_id=meeting_id,
                detail=f"verslag overleg {meeting.date:%d-%m-%Y}{names} {where}",
            )
            if show_names:
                # Names on paper are a disclosure per child: each case's own log shows it.
                for number in numbers:
                    audit.record(
                        session,
                        store,
                        AuditAction.PRINT,
                        case_number=number,
                        object_type="verslag",
                        object_id=meeting_id,
                        detail=f"naam afgedrukt in verslag overleg {meeting.date:%d-%m-%Y}",
                    )

    return _Job(
        title=meta.title,
        suggested_name=f"verslag-{meeting.date:%Y-%m-%d}.pdf",
        case_number=None,
        render=lambda target: render_minutes(document, target, meta),
        log=log,
    )


def print_minutes(
    store: Store,
    meeting_id: int,
    path: Path | str,
    *,
    show_names: bool = False,
    today: date | None = None,
    overwrite: bool = False,
) -> Printed:
    """Write a meeting's minutes as PDF (children's names only if asked) and log the print."""
    return _print(store, _minutes_job(store, meeting_id, show_names, today), path, overwrite)


# -- action list ---------------------------------------------------------------------------------


def _action_line(action: ActionInfo) -> ActionLine:
    return ActionLine(
        description=action.description,
        owner=action.owner_name,
        organisation=action.organisation_name,
        case_number=action.case_number,
        initials=action.case_initials,
        due_date=action.due_date,
        status=action.status.label,
        done_on=action.done_on,
        overdue=action.overdue,
        note=action.note,
        number=action.number,
        agreed_on=action.agreed_on,
        agreed_meeting=action.agreed_meeting_date,
    )


def actions_document(
    store: Store,
    *,
    include_done: bool = False,
    group_by: GroupBy = "owner",
    today: date | None = None,
) -> ActionListDocument:
    """The action list as the PDF shows it (casusnummer and initials only)."""
    if group_by not in ("owner", "case"):
        raise BadInput("Groepeer de actielijst per eigenaar (owner) of per casus (case).")
    today = today or date.today()
    found = action_service.list_actions(store, include_done=include_done, today=today)
    return ActionListDocument(
        lines=[_action_line(a) for a in found],
        as_of=today,
        group_by=group_by,
        include_done=include_done,
    )


def _actions_job(store: Store, include_done: bool, group_by: GroupBy, today: date | None) -> _Job:
    document = actions_document(store, include_done=include_done, group_by=group_by, today=today)
    title = "Actielijst — alle actiepunten" if include_done else "Actielijst"
    meta = _meta(
        store,
        title=f"{title} {_long_date(document.as_of)}",
        header=f"Actielijst casusoverleg — stand {_long_date(document.as_of)}",
        subject="Actielijst",
        today=today,
    )
    which = "alle" if include_done else "open"
    return _Job(
        title=meta.title,
        suggested_name=f"actielijst-{document.as_of:%Y-%m-%d}.pdf",
        case_number=None,
        render=lambda target: render_actions(document, target, meta),
        log=lambda where: audit.log(
            store,
            AuditAction.PRINT,
            object_type="actielijst",
            detail=f"{len(document.lines)} {which} actiepunten {where}",
        ),
    )


def print_actions(
    store: Store,
    path: Path | str,
    *,
    include_done: bool = False,
    group_by: GroupBy = "owner",
    today: date | None = None,
    overwrite: bool = False,
) -> Printed:
    """Write the action list (open actions, or all with `include_done`) as PDF; log it."""
    return _print(store, _actions_job(store, include_done, group_by, today), path, overwrite)


# -- case dossier --------------------------------------------------------------------------------


def _date_text(day: date | None) -> str:
    return f"{day:%d-%m-%Y}" if day else ""


def dossier_document(store: Store, case_id: int, *, today: date | None = None) -> DossierDocument:
    """Everything the store holds about one child, as the dossier PDF shows it."""
    today = today or date.today()
    case = cases.get_case(store, case_id, today=today)
    case_facts = [
        ("Casusnummer", case.case_number),
        ("Naam", case.full_name),
        ("Geboortedatum", _date_text(case.birth_date)),
        ("School", case.school),
        ("Grond", case.ground.label),
        ("Status", case.status.label),
        ("Aangemeld op", _date_text(case.registered_on)),
        ("Casushouder", case.owner_name),
        *dossier_law_facts(case),
        ("Herbeoordeling", _date_text(case.review_date)),
        ("Afgesloten op", _date_text(case.closed_on)),
    ]
    titles: dict[int, str] = {}
    discussions = []
    # Oldest first: the dossier reads as the course of the case.
    for entry in reversed(minutes_service.case_history(store, case_id)):
        if entry.meeting_id not in titles:
            titles[entry.meeting_id] = meetings.get_meeting(store, entry.meeting_id).title
        discussions.append(
            DossierDiscussion(
                day=entry.meeting_date,
                meeting_name=titles[entry.meeting_id],
                minutes_status=entry.minutes_status.label,
                notes=entry.notes,
                advice=entry.advice.label if entry.advice else "",
                alternatives=alternatives_text(entry.alternatives),
                decision=entry.decision,
                next_review=entry.next_review_date,
                corrections=list(entry.amendments),
            )
        )
    found = action_service.list_actions(store, case_id=case_id, include_done=True, today=today)
    events = [
        DossierEvent(
            at=e.at,
            account=e.account,
            workstation=e.workstation,
            action=e.action.label,
            result=e.result,
            detail=e.detail,
            subject=e.object_type,
        )
        for e in reversed(audit.list_events(store, case_number=case.case_number))
    ]
    return DossierDocument(
        case_number=case.case_number,
        child_name=case.full_name,
        case_facts=[(label, value) for label, value in case_facts if value],
        organisation=organisation_name(store),
        made_on=today,
        case_notes=case.notes,
        discussions=discussions,
        actions=[_action_line(a) for a in found],
        events=events,
        retention_until=case.retention_date,  # the store's term, as the case form shows
    )


def _dossier_job(store: Store, case_id: int, today: date | None) -> _Job:
    document = dossier_document(store, case_id, today=today)
    meta = _meta(
        store,
        # No name in the metadata: file managers and mail clients show it unasked.
        title=f"Dossier casus {document.case_number}",
        header=f"Dossier casus {document.case_number} — inzage AVG art. 15",
        subject="Dossier (inzageverzoek)",
        today=today,
    )
    return _Job(
        title=meta.title,
        # The casusnummer, never the name: a file name is seen by everyone who sees the folder.
        suggested_name=f"dossier-{document.case_number}.pdf",
        case_number=document.case_number,
        render=lambda target: render_dossier(document, target, meta),
        log=lambda where: audit.log(
            store,
            AuditAction.PRINT,
            case_number=document.case_number,
            object_type="dossier",
            object_id=case_id,
            detail=f"dossier (inzage) {where}",
        ),
    )


def print_dossier(
    store: Store,
    case_id: int,
    path: Path | str,
    *,
    today: date | None = None,
    overwrite: bool = False,
) -> Printed:
    """Write a child's whole dossier (answer to an inzageverzoek) as PDF and log the print."""
    return _print(store, _dossier_job(store, case_id, today), path, overwrite)


# -- one path for file and memory ----------------------------------------------------------------


def _print(store: Store, job: _Job, path: Path | str, overwrite: bool) -> Printed:
    path = Path(path)
    return _write_pdf(store, path, job.render, lambda: job.log(f"naar {path.name}"), overwrite)


def _job(store: Store, request: DocumentRequest, today: date | None) -> _Job:
    """The job for a request; BadInput when the request lacks what its kind needs."""
    if request.kind in ("agenda", "minutes"):
        if request.meeting_id is None:
            raise BadInput("Kies eerst een overleg.")
        if request.kind == "agenda":
            return _agenda_job(store, request.meeting_id, today)
        return _minutes_job(store, request.meeting_id, request.show_names, today)
    if request.kind == "actions":
        if request.group_by not in ("owner", "case"):
            raise BadInput("Groepeer de actielijst per eigenaar (owner) of per casus (case).")
        return _actions_job(store, request.include_done, cast(GroupBy, request.group_by), today)
    if request.kind == "dossier":
        if request.case_id is None:
            raise BadInput("Kies eerst een casus.")
        return _dossier_job(store, request.case_id, today)
    raise BadInput(f"Onbekend soort document '{request.kind}'.")


def render_document(
    store: Store, request: DocumentRequest, *, today: date | None = None
) -> RenderedDocument:
    """Make a document as PDF in memory (nothing written to disk) and log it as a preview."""
    job = _job(store, request, today)
    buffer = io.BytesIO()
    pages = job.render(buffer)
    job.log("als voorbeeld")
    return RenderedDocument(
        title=job.title,
        data=buffer.getvalue(),
        suggested_name=job.suggested_name,
        pages=pages,
        case_number=job.case_number,
        request=request,
    )


def _object(rendered: RenderedDocument) -> tuple[str, int | str]:
    request = rendered.request
    if request is None:
        return "document", ""
    object_id = request.case_id if request.kind == "dossier" else request.meeting_id
    return _SUBJECTS[request.kind], "" if object_id is None else object_id


def save_document(
    store: Store, rendered: RenderedDocument, path: Path | str, *, overwrite: bool = False
) -> Path:
    """Write a rendered document to a (.pdf) file, atomically and owner-only; log the export."""
    path = Path(path)
    object_type, object_id = _object(rendered)

    def write(tmp: str) -> int:
        Path(tmp).write_bytes(rendered.data)
        return rendered.pages

    def log() -> None:
        audit.log(
            store,
            AuditAction.EXPORT,
            case_number=rendered.case_number,
            object_type=object_type,
            object_id=object_id,
            detail=f"{rendered.title} opgeslagen als {path.name}",
        )

    return _write_pdf(store, path, write, log, overwrite).path


def log_paper_print(store: Store, rendered: RenderedDocument, printer: str) -> None:
    """Log that a rendered document was sent to a printer."""
    object_type, object_id = _object(rendered)
    audit.log(
        store,
        AuditAction.PRINT,
        case_number=rendered.case_number,
        object_type=object_type,
        object_id=object_id,
        detail=f"{rendered.title} afgedrukt op {printer or 'printer'}",
    )
