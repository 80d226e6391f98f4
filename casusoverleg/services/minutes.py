"""Minutes, advice and decisions per agenda item, and their lifecycle (concept → vastgesteld).

The minute-taker's text is saved as they type (`save_entry`). Advice and a next review date
flow back into the case; the case's discussion history is read from the entries. Minutes are
fixed by a later meeting; after that they are read-only and a correction is a visible
amendment (an entry with `amends_id`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from casusoverleg.domain.agenda import Discussion, case_status_after, item_title
from casusoverleg.domain.alternatives import (
    alternatives_problem,
    format_alternatives,
    kept_alternatives,
)
from casusoverleg.domain.enums import (
    Advice,
    AgendaItemKind,
    Alternative,
    AuditAction,
    CaseStatus,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.domain.review import review_date_problem
from casusoverleg.domain.text import initials
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.actions import ActionInfo, list_meeting_actions
from casusoverleg.services.meetings import (
    AttendanceInfo,
    MeetingInfo,
    get_meeting,
    list_attendance,
)
from casusoverleg.services.store import Store
from casusoverleg.services.unchanged import UNCHANGED, Keep
from casusoverleg.store.models import (
    AgendaItem,
    Case,
    Meeting,
    MinutesEntry,
)

MAX_AMENDMENT = 4000

_FIELD_LABELS = {
    "notes": "notities",
    "advice": "advies",
    "decision": "besluit",
    "next_review_date": "herbeoordeling",
    "alternatives": "afgewogen alternatieven",
}

MeetingKey = tuple[date, time, int]


def meeting_key(meeting: Meeting) -> MeetingKey:
    """Meetings in the order they take place (two can fall on one day)."""
    return (meeting.date, meeting.start_time, meeting.id)


@dataclass(frozen=True)
class EntryInfo:
    """The minutes of one agenda item as last saved (entry_id None: nothing recorded yet)."""

    agenda_item_id: int
    entry_id: int | None
    notes: str
    advice: Advice | None
    decision: str
    next_review_date: date | None
    updated_at: datetime | None
    alternatives: tuple[Alternative, ...] = ()  # weighed before an exemption advice


@dataclass(frozen=True)
class Amendment:
    """A correction added to an agenda item's minutes after they were fixed."""

    id: int
    agenda_item_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    """One discussion of a case: the meeting, what was advised and decided, and corrections."""

    meeting_id: int
    meeting_date: date
    agenda_item_id: int
    advice: Advice | None
    decision: str
    notes: str
    minutes_status: MinutesStatus
    amendments: list[str]
    next_review_date: date | None = None
    alternatives: tuple[Alternative, ...] = ()  # weighed before an exemption advice


@dataclass(frozen=True)
class MinutesItem:
    """The minutes of one agenda item, with its corrections and the actions agreed there."""

    agenda_item_id: int
    position: int
    kind: AgendaItemKind
    title: str
    case_id: int | None
    case_number: str
    initials: str
    child_name: str  # for documents that show names by explicit choice only
    notes: str
    advice: Advice | None
    decision: str
    next_review_date: date | None
    amendments: list[Amendment]
    actions: list[ActionInfo]
    alternatives: tuple[Alternative, ...] = ()  # weighed before an exemption advice


@dataclass(frozen=True)
class Minutes:
    """A meeting's minutes: status, attendance, every agenda item, and all actions agreed."""

    meeting: MeetingInfo
    status: MinutesStatus
    fixed_at_meeting_id: int | None
    fixed_at_date: date | None
    attendance: list[AttendanceInfo]
    items: list[MinutesItem]
    actions: list[ActionInfo]


# -- shared with the agenda ----------------------------------------------------------------------


def discussions_before(
    session: Session, meeting: Meeting | date, case_ids: Iterable[int] | None = None
) -> dict[int, list[Discussion]]:
    """Per case, the earlier meetings that discussed it (oldest first), with their advice.

    `meeting` is the meeting to look back from, or a day (meetings before that day count).
    A case was discussed at a meeting that was not cancelled and either was held or has
    minutes for the case's agenda item (minutes typed before "held" was clicked count).
    """
    if isinstance(meeting, date):
        here: tuple[date, time, int] = (meeting, time.min, 0)
        until = meeting
    else:
        here = meeting_key(meeting)
        until = meeting.date
    query = (
        select(
            AgendaItem.case_id,
            Meeting.date,
            Meeting.start_time,
            Meeting.id,
            Meeting.status,
            MinutesEntry.id,
            MinutesEntry.advice,
        )
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .outerjoin(
            MinutesEntry,
            and_(MinutesEntry.agenda_item_id == AgendaItem.id, MinutesEntry.amends_id.is_(None)),
        )
        .where(
            AgendaItem.case_id.is_not(None),
            Meeting.status != str(MeetingStatus.GEANNULEERD),
            Meeting.date <= until,
        )
    )
    if case_ids is not None:
        query = query.where(AgendaItem.case_id.in_(list(case_ids)))
    rows = sorted(session.execute(query), key=lambda r: (r[1], r[2], r[3]))
    found: dict[int, list[Discussion]] = defaultdict(list)
    for case_id, on, start, meeting_id, status, entry_id, advice in rows:
        if (on, start, meeting_id) >= here:
            continue
        held = status == str(MeetingStatus.GEHOUDEN) or entry_id is not None
        if held and case_id is not None:  # the query leaves out items without a case
            found[case_id].append(Discussion(on, Advice(advice) if advice else None))
    return found


# -- helpers -------------------------------------------------------------------------------------


def _item_and_meeting(session: Session, agenda_item_id: int) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, agenda_item_id)
    if item is None:
        raise BadInput("Dit agendapunt bestaat niet (meer).")
    meeting = session.get(Meeting, item.meeting_id)
    assert meeting is not None  # the foreign key guarantees it
    return item, meeting


def _check_writable(meeting: Meeting) -> None:
    if meeting.status == str(MeetingStatus.GEANNULEERD):
        raise BadInput("Dit overleg is geannuleerd; er kan geen verslag bij.")
    if meeting.minutes_status == str(MinutesStatus.VASTGESTELD):
        raise BadInput(
            f"Het verslag van het overleg van {meeting.date:%d-%m-%Y} is vastgesteld en kan niet "
            "meer worden gewijzigd. Leg een correctie vast als aanvulling op het verslag."
        )


def _main_entry(session: Session, agenda_item_id: int) -> MinutesEntry | None:
    return session.scalars(
        select(MinutesEntry)
        .where(MinutesEntry.agenda_item_id == agenda_item_id, MinutesEntry.amends_id.is_(None))
        .order_by(MinutesEntry.id)
    ).first()


def _stored_alternatives(entry: MinutesEntry | None) -> tuple[Alternative, ...]:
    """The entry's alternatives; a code this version does not know is left out, not fatal."""
    if entry is None or not entry.alternatives:
        return ()
    codes = set(entry.alternatives.split(","))
    return tuple(a for a in Alternative if str(a) in codes)


def _entry_info(agenda_item_id: int, entry: MinutesEntry | None) -> EntryInfo:
    if entry is None:
        return EntryInfo(agenda_item_id, None, "", None, "", None, None)
    return EntryInfo(
        agenda_item_id=agenda_item_id,
        entry_id=entry.id,
        notes=entry.notes,
        advice=Advice(entry.advice) if entry.advice else None,
        decision=entry.decision,
        next_review_date=entry.next_review_date,
        updated_at=entry.updated_at,
        alternatives=_stored_alternatives(entry),
    )


def _case_entries(session: Session, case_id: int) -> list[tuple[MeetingKey, MinutesEntry]]:
    """The case's minutes entries (not amendments) in meeting order, oldest first."""
    rows = session.execute(
        select(MinutesEntry, Meeting.date, Meeting.start_time, Meeting.id)
        .join(AgendaItem, MinutesEntry.agenda_item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            AgendaItem.case_id == case_id,
            MinutesEntry.amends_id.is_(None),
            Meeting.status != str(MeetingStatus.GEANNULEERD),
        )
    )
    return sorted((((d, s, i), e) for e, d, s, i in rows), key=lambda pair: pair[0])


def _update_case(session: Session, case: Case, changed: list[str]) -> list[str]:
    """Let the case follow its newest advice and review date; returns what changed."""
    entries = [entry for _key, entry in _case_entries(session, case.id)]
    updates: list[str] = []
    # Derived from all entries, not from this save alone: a correction typed into an older
    # meeting's minutes must not overrule what a newer meeting advised, and clearing a
    # mistyped advice falls back to the one before it.
    if "advice" in changed and case.status != str(CaseStatus.AFGESLOTEN):
        advised = [e.advice for e in entries if e.advice]
        if advised:
            status = str(case_status_after(Advice(advised[-1])))
            if status != case.status:
                case.status = status
                updates.append("status")
    if "next_review_date" in changed:
        dates = [e.next_review_date for e in entries if e.next_review_date is not None]
        if dates and dates[-1] != case.review_date:
            case.review_date = dates[-1]
            updates.append("herbeoordeling")
    if updates:
        case.updated_at = datetime.now()
    return updates


# -- the minute-taker's work ---------------------------------------------------------------------


def get_entry(store: Store, agenda_item_id: int) -> EntryInfo:
    """What is recorded for one agenda item (empty if nothing yet)."""
    with store.read() as session:
        _item_and_meeting(session, agenda_item_id)
        return _entry_info(agenda_item_id, _main_entry(session, agenda_item_id))


def get_entries_in(session: Session, agenda_item_ids: Iterable[int]) -> dict[int, EntryInfo]:
    """`get_entry` for several agenda items at once, inside an open transaction."""
    wanted = list(agenda_item_ids)
    main: dict[int, MinutesEntry] = {}
    if wanted:
        for entry in session.scalars(
            select(MinutesEntry)
            .where(MinutesEntry.agenda_item_id.in_(wanted), MinutesEntry.amends_id.is_(None))
            .order_by(MinutesEntry.id)
        ):
            main.setdefault(entry.agenda_item_id, entry)  # the first, as `_main_entry` takes
    return {item_id: _entry_info(item_id, main.get(item_id)) for item_id in wanted}


def save_entry(
    store: Store,
    agenda_item_id: int,
    *,
    notes: str | Keep = UNCHANGED,
    advice: Advice | Keep | None = UNCHANGED,
    decision: str | Keep = UNCHANGED,
    next_review_date: date | Keep | None = UNCHANGED,
    alternatives: Sequence[Alternative] | Keep = UNCHANGED,
) -> EntryInfo:
    """Save what is typed for an agenda item (idempotent); advice and review date go to the case.

    Fields left out stay as they are. One log event per save that changes something. An advice
    "vrijstelling passend" needs at least one weighed alternative: a save that would leave it
    without one is refused (BadInput) and nothing of it is saved; alternatives are kept with
    that advice only.
    """
    with store.write() as session:
        item, meeting = _item_and_meeting(session, agenda_item_id)
        _check_writable(meeting)
        is_case = item.kind == str(AgendaItemKind.CASUS)
        gives_advice = advice is not UNCHANGED and advice is not None
        gives_review = next_review_date is not UNCHANGED and next_review_date is not None
        if not is_case and (gives_advice or gives_review):
            raise BadInput("Een advies en een herbeoordelingsdatum horen bij een casus.")
        if next_review_date is not UNCHANGED and (
            problem := review_date_problem(next_review_date, meeting.date)
        ):
            raise BadInput(problem)
        entry = _main_entry(session, agenda_item_id)
        wanted: dict[str, object] = {}
        kept: str | None = None  # the alternatives to store, when advice or they are saved
        if advice is not UNCHANGED or alternatives is not UNCHANGED:
            # Checked on the advice and alternatives the entry would have after this save; a
            # save of notes alone leaves an older entry (from before the rule) as it was.
            new_advice = (
                (Advice(advice) if advice is not None else None)
                if advice is not UNCHANGED
                else (Advice(entry.advice) if entry is not None and entry.advice else None)
            )
            new_alternatives = (
                tuple(Alternative(a) for a in alternatives)
                if alternatives is not UNCHANGED
                else _stored_alternatives(entry)
            )
            if problem := alternatives_problem(new_advice, new_alternatives):
                raise BadInput(problem)
            kept = format_alternatives(kept_alternatives(new_advice, new_alternatives))
        if notes is not UNCHANGED:
            wanted["notes"] = notes
        if advice is not UNCHANGED:
            wanted["advice"] = str(Advice(advice)) if advice is not None else None
        if decision is not UNCHANGED:
            # Kept as typed (no strip): the editor sends every keystroke, trailing space too.
            wanted["decision"] = decision
        if next_review_date is not UNCHANGED:
            wanted["next_review_date"] = next_review_date
        if kept is not None:
            wanted["alternatives"] = kept
        created = entry is None
        if entry is None:
            if not any(wanted.values()):
                return _entry_info(agenda_item_id, None)  # nothing typed yet: nothing to keep
            now = datetime.now()
            entry = MinutesEntry(
                agenda_item_id=agenda_item_id,
                notes="",
                advice=None,
                decision="",
                next_review_date=None,
                alternatives="",
                created_at=now,
                updated_at=now,
            )
            session.add(entry)
        changed = [name for name, value in wanted.items() if getattr(entry, name) != value]
        if not changed and not created:
            return _entry_info(agenda_item_id, entry)
        for name in changed:
            setattr(entry, name, wanted[name])
        entry.updated_at = datetime.now()
        session.flush()
        case = session.get(Case, item.case_id) if item.case_id is not None else None
        case_updates = _update_case(session, case, changed) if case is not None else []
        detail = "gewijzigd: " + ", ".join(_FIELD_LABELS[c] for c in changed)
        if case_updates:
            detail += "; casus: " + ", ".join(case_updates)
        audit.record(
            session,
            store,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            case_number=case.case_number if case is not None else None,
            object_type="verslag",
            object_id=entry.id,
            detail=f"overleg {meeting.id}, agendapunt {item.position}; {detail}",
        )
        return _entry_info(agenda_item_id, entry)


def fix_minutes(store: Store, meeting_id: int, *, at_meeting_id: int) -> Minutes:
    """Fix (vaststellen) a held meeting's concept minutes at a later meeting."""
    with store.write() as session:
        meeting = session.get(Meeting, meeting_id)
        at = session.get(Meeting, at_meeting_id)
        if meeting is None:
            raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
        if at is None:
            raise BadInput(f"Er is geen overleg met nummer {at_meeting_id}.")
        if meeting.status != str(MeetingStatus.GEHOUDEN):
            raise BadInput("Alleen het verslag van een gehouden overleg kan worden vastgesteld.")
        if meeting.minutes_status != str(MinutesStatus.CONCEPT):
            raise BadInput(
                f"Het verslag van het overleg van {meeting.date:%d-%m-%Y} is al vastgesteld."
            )
        if at.status == str(MeetingStatus.GEANNULEERD):
            raise BadInput("Een geannuleerd overleg kan geen verslag vaststellen.")
        if meeting_key(at) <= meeting_key(meeting):
            raise BadInput("Een verslag wordt vastgesteld in een later overleg.")
        meeting.minutes_status = str(MinutesStatus.VASTGESTELD)
        meeting.minutes_fixed_at_id = at.id
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="overleg",
            object_id=meeting.id,
            detail=f"verslag vastgesteld in overleg {at.id} van {at.date:%d-%m-%Y}",
        )
    return get_minutes(store, meeting_id)


def amend_entry(store: Store, agenda_item_id: int, text: str) -> Amendment:
    """Add a visible correction to the fixed minutes of an agenda item."""
    text = text.strip()
    if not text:
        raise BadInput("Schrijf de correctie op.")
    if len(text) > MAX_AMENDMENT:
        raise BadInput(f"De correctie is te lang (hoogstens {MAX_AMENDMENT} tekens).")
    with store.write() as session:
        item, meeting = _item_and_meeting(session, agenda_item_id)
        if meeting.minutes_status != str(MinutesStatus.VASTGESTELD):
            raise BadInput(
                "Het verslag is nog een concept; pas het verslag zelf aan in plaats van een "
                "correctie toe te voegen."
            )
        now = datetime.now()
        base = _main_entry(session, agenda_item_id)
        if base is None:
            # Nothing was noted on the item; the correction still needs an entry to belong to.
            base = MinutesEntry(
                agenda_item_id=agenda_item_id,
                notes="",
                decision="",
                created_at=now,
                updated_at=now,
            )
            session.add(base)
            session.flush()
        amendment = MinutesEntry(
            agenda_item_id=agenda_item_id,
            notes=text,
            decision="",
            amends_id=base.id,
            created_at=now,
            updated_at=now,
        )
        session.add(amendment)
        session.flush()
        number = session.scalar(select(Case.case_number).where(Case.id == item.case_id))
        audit.record(
            session,
            store,
            AuditAction.CREATE,
            case_number=number,
            object_type="correctie verslag",
            object_id=amendment.id,
            detail=f"overleg {meeting.id}, agendapunt {item.position}",
        )
        return Amendment(amendment.id, agenda_item_id, text, now)


# -- reading -------------------------------------------------------------------------------------


def _amendments(session: Session, item_ids: list[int]) -> dict[int, list[Amendment]]:
    found: dict[int, list[Amendment]] = defaultdict(list)
    if not item_ids:
        return found
    for entry in session.scalars(
        select(MinutesEntry)
        .where(MinutesEntry.agenda_item_id.in_(item_ids), MinutesEntry.amends_id.is_not(None))
        .order_by(MinutesEntry.created_at, MinutesEntry.id)
    ):
        found[entry.agenda_item_id].append(
            Amendment(entry.id, entry.agenda_item_id, entry.notes, entry.created_at)
        )
    return found


def case_history(store: Store, case_id: int) -> list[HistoryEntry]:
    """Every meeting that discussed the case, newest first, with advice, decision and notes."""
    with store.read() as session:
        return case_history_in(session, case_id)


def case_history_in(session: Session, case_id: int) -> list[HistoryEntry]:
    """`case_history`, inside the caller's transaction."""
    if session.get(Case, case_id) is None:
        raise BadInput("Deze casus bestaat niet (meer).")
    return case_histories_in(session, [case_id])[case_id]


def case_histories_in(session: Session, case_ids: Iterable[int]) -> dict[int, list[HistoryEntry]]:
    """`case_history` of several cases at once, inside an open transaction (no check)."""
    wanted = list(case_ids)
    found: dict[int, list[HistoryEntry]] = {case_id: [] for case_id in wanted}
    if not wanted:
        return found
    rows = session.execute(
        select(AgendaItem.id, AgendaItem.case_id, Meeting, MinutesEntry)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .outerjoin(
            MinutesEntry,
            and_(MinutesEntry.agenda_item_id == AgendaItem.id, MinutesEntry.amends_id.is_(None)),
        )
        .where(
            AgendaItem.case_id.in_(wanted),
            Meeting.status != str(MeetingStatus.GEANNULEERD),
        )
    ).all()
    # A planned meeting with nothing recorded yet is the future, not history.
    rows = [r for r in rows if r[2].status == str(MeetingStatus.GEHOUDEN) or r[3] is not None]
    rows.sort(key=lambda r: meeting_key(r[2]), reverse=True)
    amendments = _amendments(session, [r[0] for r in rows])
    for item_id, case_id, meeting, entry in rows:
        if case_id is None:  # the query asks for items of the wanted cases only
            continue
        found[case_id].append(
            HistoryEntry(
                meeting_id=meeting.id,
                meeting_date=meeting.date,
                agenda_item_id=item_id,
                advice=Advice(entry.advice) if entry and entry.advice else None,
                decision=entry.decision if entry else "",
                notes=entry.notes if entry else "",
                minutes_status=MinutesStatus(meeting.minutes_status),
                amendments=[a.text for a in amendments[item_id]],
                next_review_date=entry.next_review_date if entry else None,
                alternatives=_stored_alternatives(entry),
            )
        )
    return found


def get_minutes(store: Store, meeting_id: int, *, today: date | None = None) -> Minutes:
    """A meeting's minutes for screen and documents (actions flagged overdue as of `today`)."""
    info = get_meeting(store, meeting_id)
    attendance = list_attendance(store, meeting_id)
    actions = list_meeting_actions(store, meeting_id, today=today)
    by_item: dict[int, list[ActionInfo]] = defaultdict(list)
    for action in actions:
        if action.agenda_item_id is not None:
            by_item[action.agenda_item_id].append(action)
    with store.read() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None  # get_meeting found it
        fixed_at = (
            session.get(Meeting, meeting.minutes_fixed_at_id)
            if meeting.minutes_fixed_at_id is not None
            else None
        )
        rows = session.execute(
            select(AgendaItem, Case, MinutesEntry)
            .outerjoin(Case, AgendaItem.case_id == Case.id)
            .outerjoin(
                MinutesEntry,
                and_(
                    MinutesEntry.agenda_item_id == AgendaItem.id, MinutesEntry.amends_id.is_(None)
                ),
            )
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        ).all()
        amendments = _amendments(session, [item.id for item, _c, _e in rows])
        items = []
        for item, case, entry in rows:
            kind = AgendaItemKind(item.kind)
            number = case.case_number if case else ""
            case_initials = initials(case.first_name, case.last_name) if case else ""
            items.append(
                MinutesItem(
                    agenda_item_id=item.id,
                    position=item.position,
                    kind=kind,
                    title=item_title(kind, item.title, number, case_initials),
                    case_id=item.case_id,
                    case_number=number,
                    initials=case_initials,
                    child_name=f"{case.first_name} {case.last_name}" if case else "",
                    notes=entry.notes if entry else "",
                    advice=Advice(entry.advice) if entry and entry.advice else None,
                    decision=entry.decision if entry else "",
                    next_review_date=entry.next_review_date if entry else None,
                    amendments=amendments[item.id],
                    actions=by_item[item.id],
                    alternatives=_stored_alternatives(entry),
                )
            )
        return Minutes(
            meeting=info,
            status=MinutesStatus(meeting.minutes_status),
            fixed_at_meeting_id=fixed_at.id if fixed_at else None,
            fixed_at_date=fixed_at.date if fixed_at else None,
            attendance=attendance,
            items=items,
            actions=actions,
        )
