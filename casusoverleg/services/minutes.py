"""Minutes, advice and decisions per agenda item, and their lifecycle (concept → vastgesteld).

The minute-taker's text is saved as they type (`save_entry`). Advice and a next review date
flow back into the case; the case's discussion history is read from the entries. Minutes are
fixed by a later meeting; after that they are read-only and a correction is a visible
amendment (an entry with `amends_id`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from casusoverleg.domain.agenda import Discussion, case_status_after, item_title
from casusoverleg.domain.alternatives import (
    alternatives_problem,
    format_alternatives,
    kept_alternatives,
)
from casusoverleg.domain.enums import (
    ActionEventKind,
    ActionStatus,
    Advice,
    AgendaItemKind,
    Alternative,
    AuditAction,
    CaseStatus,
    ItemOutcome,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.domain.review import review_date_problem
from casusoverleg.domain.text import initials
from casusoverleg.errors import BadInput, Conflict
from casusoverleg.services import audit, conflicts
from casusoverleg.services.actions import ActionInfo, list_actions, list_meeting_actions
from casusoverleg.services.meetings import (
    AttendanceInfo,
    MeetingInfo,
    get_meeting,
    get_meeting_in,
    list_attendance,
    previous_held_meeting_in,
)
from casusoverleg.services.store import Store
from casusoverleg.services.unchanged import UNCHANGED, Keep
from casusoverleg.store.models import (
    ActionEvent,
    ActionItem,
    AgendaItem,
    Case,
    Meeting,
    MinutesEntry,
)

MAX_AMENDMENT = 4000
MAX_FIXED_NOTE = 4000

# Fixed items (opening, verslag, actielijst, rondvraag, sluiting) are held or not with the
# meeting itself: they can only be marked as discussed or "geen bijzonderheden".
_FIXED_ITEM_OUTCOMES = (ItemOutcome.BESPROKEN, ItemOutcome.GEEN_BIJZONDERHEDEN)

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
    outcome: ItemOutcome | None = None  # what happened to the item; None: nothing yet
    deferred_to: date | None = None  # a deferred item: the date of the meeting it goes to
    version: int = 0  # the entry's saved changes (0: no entry): `save_entry`'s expected_version


class MinutesConflict(Conflict):
    """Someone else saved a field of this entry that this save changes too; nothing written.

    `mine` holds the fields this save would have written (as `save_entry` takes them, stored
    form), `theirs` the entry as stored now, `fields` the names both changed.
    """

    mine: dict[str, object]
    theirs: EntryInfo

    def __init__(
        self, message: str, *, mine: dict[str, object], theirs: EntryInfo, fields: tuple[str, ...]
    ) -> None:
        super().__init__(message, mine=mine, theirs=theirs, fields=fields)

    @property
    def detail(self) -> str:
        """Each field both changed, with both texts (Dutch), one field a paragraph."""
        stored = _stored_form(self.theirs)
        return "\n".join(
            f"{_FIELD_LABELS[name]}:\n  uw versie: {_shown(name, self.mine.get(name))}\n"
            f"  hun versie: {_shown(name, stored.get(name))}"
            for name in self.fields
        )


def _shown(name: str, value: object) -> str:
    """A stored-form field value as the user reads it."""
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    if name == "advice":
        return Advice(str(value)).label
    if name == "alternatives":
        return ", ".join(a.label for a in _parse_codes(str(value)))
    return str(value)


def _parse_codes(codes: str) -> tuple[Alternative, ...]:
    wanted = set(codes.split(","))
    return tuple(a for a in Alternative if str(a) in wanted)


def _stored_form(info: EntryInfo) -> dict[str, object]:
    """An entry's fields as `save_entry` compares and stores them."""
    return {
        "notes": info.notes,
        "advice": str(info.advice) if info.advice else None,
        "decision": info.decision,
        "next_review_date": info.next_review_date,
        "alternatives": format_alternatives(info.alternatives),
    }


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
    outcome: ItemOutcome | None = None  # None: nothing recorded (a fixed item left alone)
    deferred_to: date | None = None  # DOORGESCHOVEN: the meeting it went to (None: not planned)


@dataclass(frozen=True)
class AdoptedMinutes:
    """Earlier minutes adopted (vastgesteld) in this meeting, with the amendments stated then."""

    meeting_id: int
    meeting_date: date
    note: str


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
    # The minutes this meeting adopted (item 2), oldest first; () when none were.
    adopted: tuple[AdoptedMinutes, ...] = ()
    # Actions agreed before this meeting and still open when it began: the actielijst it
    # went through, with their state now.
    carried_over: tuple[ActionInfo, ...] = ()
    # The last meeting held before this one, when its minutes were up for adoption here but
    # were not adopted here (None: adopted here, or nothing to adopt).
    not_adopted: date | None = None


@dataclass(frozen=True)
class UntouchedItem:
    """A case item with nothing recorded, that closing the meeting would defer."""

    agenda_item_id: int
    position: int
    title: str


@dataclass(frozen=True)
class ClosingPlan:
    """What closing a meeting does to its untouched case items, and where they would go."""

    meeting: MeetingInfo
    untouched: tuple[UntouchedItem, ...]
    next_meeting_id: int | None  # the meeting deferred items go to (None: none planned)
    next_meeting_date: date | None


# -- shared with the agenda ----------------------------------------------------------------------


def discussions_before(
    session: Session, meeting: Meeting | date, case_ids: Iterable[int] | None = None
) -> dict[int, list[Discussion]]:
    """Per case, the earlier meetings that discussed it (oldest first), with their advice.

    `meeting` is the meeting to look back from, or a day (meetings before that day count).
    A case was discussed at a meeting that was not cancelled and either was held or has
    minutes for the case's agenda item (minutes typed before "held" was clicked count). An item
    deferred or withdrawn in its meeting was not discussed there, whatever its meeting's state.
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
            or_(
                AgendaItem.outcome.is_(None),
                AgendaItem.outcome.not_in(
                    [str(ItemOutcome.DOORGESCHOVEN), str(ItemOutcome.INGETROKKEN)]
                ),
            ),
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


def _main_entry(
    session: Session, agenda_item_id: int, *, for_update: bool = False
) -> MinutesEntry | None:
    query = (
        select(MinutesEntry)
        .where(MinutesEntry.agenda_item_id == agenda_item_id, MinutesEntry.amends_id.is_(None))
        .order_by(MinutesEntry.id)
    )
    if for_update:
        query = query.with_for_update()  # on a server: another save waits for this one
    return session.scalars(query).first()


def _check_version(
    session: Session,
    item: AgendaItem,
    entry: MinutesEntry | None,
    wanted: dict[str, object],
    expected_version: int | None,
    loaded: EntryInfo | None,
) -> None:
    """MinutesConflict when someone else saved, since `expected_version`, a field this save
    changes (to another value than this one); a field only they changed is no conflict.

    Without `loaded` (the entry as the caller had it) every field this save changes counts.
    """
    if expected_version is None or entry is None or entry.version == expected_version:
        return
    theirs = _item_entry_info(session, item, entry)
    stored = _stored_form(theirs)
    before = _stored_form(loaded) if loaded is not None else None
    fields = tuple(
        name
        for name in _FIELD_LABELS
        if name in wanted
        and stored[name] != wanted[name]
        and (before is None or stored[name] != before[name])
    )
    if not fields:
        return
    name, when = conflicts.last_editor(session, "verslag", entry.id)
    listed = ", ".join(_FIELD_LABELS[f] for f in fields)
    raise MinutesConflict(
        f"{name} heeft het verslag van dit punt intussen gewijzigd{conflicts.when_text(when)}. "
        f"Er is niets opgeslagen. Uw versie en die van hen verschillen in: {listed}. "
        "Kies of u uw versie opslaat of hun versie laadt.",
        mine={f: wanted[f] for f in fields},
        theirs=theirs,
        fields=fields,
    )


def _stored_alternatives(entry: MinutesEntry | None) -> tuple[Alternative, ...]:
    """The entry's alternatives; a code this version does not know is left out, not fatal."""
    if entry is None or not entry.alternatives:
        return ()
    codes = set(entry.alternatives.split(","))
    return tuple(a for a in Alternative if str(a) in codes)


def _entry_info(
    agenda_item_id: int,
    entry: MinutesEntry | None,
    outcome: ItemOutcome | None = None,
    deferred_to: date | None = None,
) -> EntryInfo:
    if entry is None:
        return EntryInfo(
            agenda_item_id, None, "", None, "", None, None, outcome=outcome, deferred_to=deferred_to
        )
    return EntryInfo(
        agenda_item_id=agenda_item_id,
        entry_id=entry.id,
        notes=entry.notes,
        advice=Advice(entry.advice) if entry.advice else None,
        decision=entry.decision,
        next_review_date=entry.next_review_date,
        updated_at=entry.updated_at,
        alternatives=_stored_alternatives(entry),
        outcome=outcome,
        deferred_to=deferred_to,
        version=entry.version or 1,
    )


def _outcome_of(item: AgendaItem) -> ItemOutcome | None:
    """The item's stored outcome; a code this version does not know reads as none."""
    try:
        return ItemOutcome(item.outcome) if item.outcome else None
    except ValueError:
        return None


def _meeting_dates(session: Session, meeting_ids: Iterable[int | None]) -> dict[int, date]:
    wanted = {i for i in meeting_ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Meeting.id, Meeting.date).where(Meeting.id.in_(wanted)))
    return {meeting_id: on for meeting_id, on in rows}


def _item_entry_info(session: Session, item: AgendaItem, entry: MinutesEntry | None) -> EntryInfo:
    dates = _meeting_dates(session, [item.deferred_to_id])
    deferred = dates.get(item.deferred_to_id) if item.deferred_to_id is not None else None
    return _entry_info(item.id, entry, _outcome_of(item), deferred)


def _has_content(entry: MinutesEntry | None) -> bool:
    return entry is not None and bool(
        entry.notes.strip()
        or entry.advice
        or entry.decision.strip()
        or entry.next_review_date is not None
    )


def next_planned_meeting_in(session: Session, meeting: Meeting) -> Meeting | None:
    """Where an item deferred at `meeting` goes: the first planned meeting after it in the same
    series, else the first planned meeting after it at all, else None."""
    here = meeting_key(meeting)
    later = [
        m
        for m in session.scalars(
            select(Meeting).where(
                Meeting.status == str(MeetingStatus.GEPLAND), Meeting.date >= meeting.date
            )
        )
        if meeting_key(m) > here
    ]
    later.sort(key=meeting_key)
    if meeting.series_id is not None:
        same = [m for m in later if m.series_id == meeting.series_id]
        if same:
            return same[0]
    return later[0] if later else None


def _apply_outcome(
    session: Session, item: AgendaItem, meeting: Meeting, outcome: ItemOutcome | None
) -> None:
    """Store `outcome` on the item, with the meeting a deferred item goes to."""
    item.outcome = str(outcome) if outcome is not None else None
    if outcome is ItemOutcome.DOORGESCHOVEN:
        target = next_planned_meeting_in(session, meeting)
        item.deferred_to_id = target.id if target is not None else None
    else:
        item.deferred_to_id = None


def _derived_outcome(
    session: Session, item: AgendaItem, meeting: Meeting, entry: MinutesEntry | None
) -> ItemOutcome | None:
    """The outcome when none is chosen: discussed when something is written or an action
    agreed; otherwise a case item of a held meeting was deferred, and anything else has
    nothing recorded."""
    if _has_content(entry) or _with_actions(session, [item.id]):
        return ItemOutcome.BESPROKEN
    if item.kind == str(AgendaItemKind.CASUS) and meeting.status == str(MeetingStatus.GEHOUDEN):
        return ItemOutcome.DOORGESCHOVEN
    return None


def _check_outcome(item: AgendaItem, outcome: ItemOutcome) -> None:
    if item.kind != str(AgendaItemKind.CASUS) and outcome not in _FIXED_ITEM_OUTCOMES:
        raise BadInput(
            "Alleen een casus kan worden doorgeschoven of ingetrokken; kies bij dit agendapunt "
            "'Geen bijzonderheden' of schrijf op wat er besproken is."
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
        item, _meeting = _item_and_meeting(session, agenda_item_id)
        return _item_entry_info(session, item, _main_entry(session, agenda_item_id))


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
    items: dict[int, AgendaItem] = {}
    if wanted:
        items = {
            i.id: i for i in session.scalars(select(AgendaItem).where(AgendaItem.id.in_(wanted)))
        }
    dates = _meeting_dates(session, [i.deferred_to_id for i in items.values()])
    found = {}
    for item_id in wanted:
        item = items.get(item_id)
        outcome = _outcome_of(item) if item is not None else None
        deferred = (
            dates.get(item.deferred_to_id)
            if item is not None and item.deferred_to_id is not None
            else None
        )
        found[item_id] = _entry_info(item_id, main.get(item_id), outcome, deferred)
    return found


def get_entries(store: Store, agenda_item_ids: Iterable[int]) -> dict[int, EntryInfo]:
    """`get_entry` for several agenda items, in one read."""
    with store.read() as session:
        return get_entries_in(session, agenda_item_ids)


def save_entry(
    store: Store,
    agenda_item_id: int,
    *,
    notes: str | Keep = UNCHANGED,
    advice: Advice | Keep | None = UNCHANGED,
    decision: str | Keep = UNCHANGED,
    next_review_date: date | Keep | None = UNCHANGED,
    alternatives: Sequence[Alternative] | Keep = UNCHANGED,
    expected_version: int | None = None,
    loaded: EntryInfo | None = None,
) -> EntryInfo:
    """Save what is typed for an agenda item (idempotent); advice and review date go to the case.

    Fields left out stay as they are. One log event per save that changes something. An advice
    "vrijstelling passend" needs at least one weighed alternative: a save that would leave it
    without one is refused (BadInput) and nothing of it is saved; alternatives are kept with
    that advice only.

    With `expected_version` (EntryInfo.version as the caller loaded it, and `loaded`, that
    entry) a field someone else saved meanwhile is not overwritten: MinutesConflict, with both
    versions, and nothing written. The entry's version goes up by one with each change.
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
        entry = _main_entry(session, agenda_item_id, for_update=expected_version is not None)
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
        _check_version(session, item, entry, wanted, expected_version, loaded)
        created = entry is None
        if entry is None:
            if not any(wanted.values()):
                # Nothing typed yet: nothing to keep.
                return _item_entry_info(session, item, None)
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
                version=0,  # raised to 1 below
            )
            session.add(entry)
        changed = [name for name, value in wanted.items() if getattr(entry, name) != value]
        if not changed and not created:
            return _item_entry_info(session, item, entry)
        for name in changed:
            setattr(entry, name, wanted[name])
        entry.updated_at = datetime.now()
        entry.version = (entry.version or 0) + 1
        session.flush()
        # Writing on an item means it was discussed; an outcome chosen on purpose (no
        # particulars, deferred, withdrawn) stays. A case item whose text is wiped again
        # goes back to "nothing recorded" (or deferred, once the meeting is held).
        before = _outcome_of(item)
        if before is None or (before is ItemOutcome.BESPROKEN and is_case):
            derived = _derived_outcome(session, item, meeting, entry)
            if derived is not before:
                # Follows from what is written (logged below): no log line of its own.
                _apply_outcome(session, item, meeting, derived)
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
        return _item_entry_info(session, item, entry)


def set_outcome(store: Store, agenda_item_id: int, outcome: ItemOutcome | None) -> EntryInfo:
    """Record what happened to an agenda item: no particulars, deferred, withdrawn (or discussed).

    None takes a chosen outcome back: the item is then discussed when something is written on
    it, and otherwise has nothing recorded (a case item of a held meeting: deferred). A deferred
    case goes to the next planned meeting (same series first). Fixed items can only be
    discussed or have no particulars. Refused on fixed minutes, like every edit.
    """
    with store.write() as session:
        item, meeting = _item_and_meeting(session, agenda_item_id)
        _check_writable(meeting)
        if outcome is not None:
            outcome = ItemOutcome(outcome)
            _check_outcome(item, outcome)
        entry = _main_entry(session, agenda_item_id)
        wanted = outcome if outcome is not None else _derived_outcome(session, item, meeting, entry)
        before = _outcome_of(item)
        target_before = item.deferred_to_id
        _apply_outcome(session, item, meeting, wanted)
        if wanted is not before or item.deferred_to_id != target_before:
            number = session.scalar(select(Case.case_number).where(Case.id == item.case_id))
            label = wanted.label if wanted is not None else "nog niets vastgelegd"
            audit.record(
                session,
                store,
                AuditAction.UPDATE,
                case_number=number,
                object_type="agendapunt",
                object_id=item.id,
                detail=f"overleg {meeting.id}, agendapunt {item.position}; uitkomst: {label}",
            )
        session.flush()
        return _item_entry_info(session, item, entry)


def _with_actions(session: Session, item_ids: Iterable[int]) -> set[int]:
    """The agenda items an action was agreed at (an action agreed means it was discussed)."""
    wanted = list(item_ids)
    if not wanted:
        return set()
    found = session.scalars(
        select(ActionItem.agenda_item_id).where(ActionItem.agenda_item_id.in_(wanted))
    )
    return {item_id for item_id in found if item_id is not None}


def _unrecorded(session: Session, meeting_id: int) -> tuple[list[AgendaItem], set[int]]:
    """The items with no outcome yet, and which of them were worked on (written on, or an
    action agreed there)."""
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.outcome.is_(None))
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    worked = _with_actions(session, [i.id for i in items])
    worked |= {i.id for i in items if _has_content(_main_entry(session, i.id))}
    return list(items), worked


def _untouched(session: Session, meeting_id: int) -> list[AgendaItem]:
    """The case items with no outcome and nothing written or agreed: what closing defers."""
    items, worked = _unrecorded(session, meeting_id)
    return [i for i in items if i.kind == str(AgendaItemKind.CASUS) and i.id not in worked]


def _load_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
    return meeting


def closing_plan(store: Store, meeting_id: int) -> ClosingPlan:
    """What closing the meeting would do: its untouched case items, and where they would go."""
    with store.read() as session:
        meeting = _load_meeting(session, meeting_id)
        untouched = _untouched(session, meeting_id)
        found = {
            c.id: c
            for c in session.scalars(
                select(Case).where(Case.id.in_([i.case_id for i in untouched if i.case_id]))
            )
        }
        target = next_planned_meeting_in(session, meeting)

        def title(item: AgendaItem) -> str:
            case = found.get(item.case_id) if item.case_id is not None else None
            if case is None:
                return item.title or AgendaItemKind.CASUS.label
            return item_title(
                AgendaItemKind.CASUS,
                item.title,
                case.case_number,
                initials(case.first_name, case.last_name),
            )

        return ClosingPlan(
            meeting=get_meeting_in(session, meeting_id),
            untouched=tuple(UntouchedItem(i.id, i.position, title(i)) for i in untouched),
            next_meeting_id=target.id if target is not None else None,
            next_meeting_date=target.date if target is not None else None,
        )


def close_meeting(
    store: Store, meeting_id: int, outcomes: Mapping[int, ItemOutcome] | None = None
) -> MeetingInfo:
    """Close a meeting (held): set the outcomes chosen, defer every case item left untouched,
    and mark it held, all in one transaction.

    `outcomes` maps agenda item ids of this meeting to what the chair chose when closing.
    """
    chosen = dict(outcomes or {})
    with store.write() as session:
        meeting = _load_meeting(session, meeting_id)
        if meeting.status == str(MeetingStatus.GEANNULEERD):
            raise BadInput("Dit overleg is geannuleerd en kan niet worden afgesloten.")
        if meeting.status == str(MeetingStatus.GEHOUDEN):
            raise BadInput(
                f"Het overleg van {meeting.date:%d-%m-%Y} is al afgesloten; het staat op gehouden."
            )
        items = {
            i.id: i
            for i in session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
        }
        for item_id, outcome in chosen.items():
            if item_id not in items:
                raise BadInput(f"Agendapunt {item_id} hoort niet bij dit overleg.")
            _check_outcome(items[item_id], ItemOutcome(outcome))
        unrecorded, worked = _unrecorded(session, meeting_id)
        open_ids = {i.id for i in unrecorded}
        counts: dict[ItemOutcome, int] = defaultdict(int)
        for item in sorted(items.values(), key=lambda i: (i.position, i.id)):
            if item.id in chosen:
                wanted: ItemOutcome | None = ItemOutcome(chosen[item.id])
            elif item.id in worked:
                wanted = ItemOutcome.BESPROKEN  # e.g. only an action was agreed there
            elif item.id in open_ids and item.kind == str(AgendaItemKind.CASUS):
                wanted = ItemOutcome.DOORGESCHOVEN
            else:
                continue
            _apply_outcome(session, item, meeting, wanted)
            if wanted is not None:
                counts[wanted] += 1
        old = MeetingStatus(meeting.status)
        meeting.status = str(MeetingStatus.GEHOUDEN)
        meeting.sequence += 1
        # A status set by a person is a hand edit: editing the series must not undo it.
        meeting.edited_by_hand = True
        detail = f"status {old.label} → {MeetingStatus.GEHOUDEN.label}"
        if counts:
            detail += "; bij afsluiten: " + ", ".join(
                f"{n} {o.label}" for o, n in sorted(counts.items(), key=lambda p: str(p[0]))
            )
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="overleg",
            object_id=meeting.id,
            detail=detail,
        )
        session.flush()
        return get_meeting_in(session, meeting_id)


def fix_minutes(store: Store, meeting_id: int, *, at_meeting_id: int, note: str = "") -> Minutes:
    """Fix (vaststellen) a held meeting's concept minutes at a later meeting.

    `note` holds the amendments stated when they were adopted ("" : adopted unchanged); it is
    kept with the adopted meeting and printed in both minutes. Item 2 (verslag) of the meeting
    that adopts them counts as discussed.
    """
    note = note.strip()
    if len(note) > MAX_FIXED_NOTE:
        raise BadInput(f"De wijzigingen zijn te lang (hoogstens {MAX_FIXED_NOTE} tekens).")
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
        meeting.minutes_fixed_note = note
        # The text itself may name a child: the log says only that there were amendments.
        changes = f", met wijzigingen ({len(note)} tekens)" if note else ""
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="overleg",
            object_id=meeting.id,
            detail=f"verslag vastgesteld in overleg {at.id} van {at.date:%d-%m-%Y}{changes}",
        )
        if at.minutes_status != str(MinutesStatus.VASTGESTELD):
            for item in session.scalars(
                select(AgendaItem).where(
                    AgendaItem.meeting_id == at.id,
                    AgendaItem.kind == str(AgendaItemKind.VERSLAG),
                )
            ):
                _apply_outcome(session, item, at, ItemOutcome.BESPROKEN)
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


def _closed_on(session: Session, closed: list[ActionInfo]) -> dict[int, date]:
    """The day each done or dropped action was closed, as far as known (latest step)."""
    found: dict[int, date] = {}
    wanted = {a.id for a in closed if not (a.status is ActionStatus.GEREED and a.done_on)}
    if wanted:
        kinds = [str(ActionEventKind.GEREED), str(ActionEventKind.VERVALLEN)]
        for action_id, on_date, at in session.execute(
            select(ActionEvent.action_id, ActionEvent.on_date, ActionEvent.at)
            .where(ActionEvent.action_id.in_(wanted), ActionEvent.kind.in_(kinds))
            .order_by(ActionEvent.at, ActionEvent.id)
        ):
            found[action_id] = on_date or at.date()  # the latest step wins
    for action in closed:
        if action.status is ActionStatus.GEREED and action.done_on is not None:
            found[action.id] = action.done_on
    return found


def carried_over_actions(store: Store, meeting_id: int) -> list[ActionInfo]:
    """The actions agreed before a meeting that were still open when it began, state as now.

    The actielijst the meeting went through: still open, done (in or after it) or dropped
    since. Overdue is judged on the meeting's day. A closed action whose closing day is not
    known is left out (it cannot be shown to have been open then).
    """
    meeting_info = get_meeting(store, meeting_id)
    day = meeting_info.date
    candidates = [
        a
        for a in list_actions(store, include_done=True, today=day)
        if (a.created_on or a.created_at.date()) <= day
    ]
    with store.read() as session:
        meeting = _load_meeting(session, meeting_id)
        here = meeting_key(meeting)
        origins = {
            m.id: meeting_key(m)
            for m in session.scalars(
                select(Meeting).where(
                    Meeting.id.in_({a.meeting_id for a in candidates if a.meeting_id is not None})
                )
            )
        }
        closed_on = _closed_on(
            session, [a for a in candidates if a.status is not ActionStatus.OPEN]
        )
    return [
        a
        for a in candidates
        # Agreed in a meeting: carried over only by the meetings after that one.
        if (a.meeting_id is None or origins[a.meeting_id] < here)
        and (a.status is ActionStatus.OPEN or (a.id in closed_on and closed_on[a.id] >= day))
    ]


def get_minutes(store: Store, meeting_id: int, *, today: date | None = None) -> Minutes:
    """A meeting's minutes for screen and documents (actions flagged overdue as of `today`)."""
    info = get_meeting(store, meeting_id)
    attendance = list_attendance(store, meeting_id)
    actions = list_meeting_actions(store, meeting_id, today=today)
    carried = carried_over_actions(store, meeting_id)
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
        deferred_dates = _meeting_dates(session, [item.deferred_to_id for item, _c, _e in rows])
        adopted = tuple(
            AdoptedMinutes(m.id, m.date, m.minutes_fixed_note)
            for m in sorted(
                session.scalars(select(Meeting).where(Meeting.minutes_fixed_at_id == meeting_id)),
                key=meeting_key,
            )
        )
        previous = previous_held_meeting_in(session, meeting_id)
        not_adopted = None
        if previous is not None and previous.id not in {a.meeting_id for a in adopted}:
            earlier = session.get(Meeting, previous.id)
            at = earlier.minutes_fixed_at_id if earlier is not None else None
            fixed_at = session.get(Meeting, at) if at is not None else None
            # Adopted at a meeting before this one: there was nothing left to adopt here.
            if fixed_at is None or meeting_key(fixed_at) > meeting_key(meeting):
                not_adopted = previous.date
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
                    outcome=_outcome_of(item),
                    deferred_to=deferred_dates.get(item.deferred_to_id)
                    if item.deferred_to_id is not None
                    else None,
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
            adopted=adopted,
            carried_over=tuple(carried),
            not_adopted=not_adopted,
        )
