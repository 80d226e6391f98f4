"""A meeting's agenda: the proposal from the case file, the fixed frame, and the time slots.

Items are numbered 1..n without gaps after every change. The fixed items (opening, verslag,
actielijst, rondvraag, sluiting) are always there; case items go in between. Every change is
logged, with the casusnummer when an item concerns a case.

Proposals are ranked by domain.urgency (deferred and held over, legal deadlines, days at home,
the rest). "Agenda opstellen" (`fill_agenda`) takes them in that order until the meeting's
planned length is full; a case added by hand past the planned end is refused (AgendaOverrun)
unless the overrun is chosen, which is then kept on the meeting (Meeting.overrun_minutes) and
logged. A screen asks `propose_first` for the first proposals and the count of the rest.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casusoverleg.domain.agenda import (
    DEFAULT_MINUTES,
    FIXED_AFTER,
    FIXED_BEFORE,
    CaseFacts,
    ProposalReason,
    assess,
    case_insert_index,
    check_item_minutes,
    check_order,
    end_time,
    item_title,
    overrun_minutes,
    overrun_note,
    reason_label,
    reason_text,
    start_times,
)
from casusoverleg.domain.enums import (
    ActionStatus,
    AgendaItemKind,
    AuditAction,
    CaseStatus,
    ItemOutcome,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.domain.text import initials
from casusoverleg.domain.urgency import RankKey, UrgencyFacts, rank_key
from casusoverleg.errors import BadInput, Conflict
from casusoverleg.services import audit, conflicts
from casusoverleg.services.cases import LAW_COLUMNS, law_facts_from, region_of
from casusoverleg.services.minutes import discussions_before
from casusoverleg.services.store import Store
from casusoverleg.services.unchanged import UNCHANGED, Keep
from casusoverleg.store.models import (
    ActionItem,
    AgendaItem,
    Case,
    Meeting,
    MinutesEntry,
    Participant,
)

_FIELD_LABELS = {"minutes": "duur", "presenter_id": "inbrenger", "question": "vraag"}
MAX_QUESTION = 2000


@dataclass(frozen=True)
class Proposal:
    """A case proposed for a meeting, with every reason, most urgent first."""

    case_id: int
    case_number: str
    initials: str
    reasons: list[ProposalReason]
    urgency: int  # the tier of domain.urgency: 1 is most urgent
    on_agenda: bool = False  # already an item of this meeting's agenda
    deferred_on: date | None = None  # the meeting it was deferred in (DOORGESCHOVEN)

    @property
    def reason_text(self) -> str:
        """The reasons as one Dutch line."""
        return reason_text(self.reasons, self.deferred_on)

    @property
    def reason_labels(self) -> list[str]:
        """Each reason in Dutch, most urgent first."""
        return [reason_label(r, self.deferred_on) for r in self.reasons]


@dataclass(frozen=True)
class AgendaItemInfo:
    """One agenda item with its computed start time."""

    id: int
    position: int
    kind: AgendaItemKind
    title: str
    case_id: int | None
    case_number: str
    initials: str
    minutes: int
    start_time: time
    presenter_id: int | None
    presenter_name: str
    question: str
    reason: str
    meeting_id: int
    end_time: time
    has_minutes: bool  # something is recorded for it, so it can no longer be removed
    version: int = 1  # saved changes of duration, presenter, question: `update_item`'s check

    @property
    def is_fixed(self) -> bool:
        """A fixed item (opening, verslag, actielijst, rondvraag, sluiting)."""
        return self.kind != AgendaItemKind.CASUS


@dataclass(frozen=True)
class Agenda:
    """A meeting's agenda: items in order with times, when it ends, and Dutch warnings.

    `end_time` is when the items end; `planned_end` when the meeting is planned to end;
    `overrun_minutes` how far the items run past it; `chosen_overrun` the overrun chosen on
    purpose (Meeting.overrun_minutes), so the items may end at `allowed_end`.
    """

    items: list[AgendaItemInfo]
    end_time: time
    overrun_minutes: int
    warnings: list[str]
    meeting_id: int
    total_minutes: int
    planned_end: time
    chosen_overrun: int

    @property
    def allowed_end(self) -> time:
        """The latest the items may end: the planned end plus the chosen overrun."""
        return end_time(self.planned_end, [self.chosen_overrun])


class AgendaOverrun(BadInput):
    """Adding a case would run the meeting past its planned end (plus any chosen overrun).

    The screen asks whether to allow the overrun; `add_case_item(..., allow_overrun=True)`
    then adds it and records the overrun as chosen.
    """

    def __init__(self, new_end: time, planned_end: time, overrun_minutes: int) -> None:
        super().__init__(
            f"Met deze casus loopt het overleg uit tot {new_end:%H.%M} uur (gepland tot "
            f"{planned_end:%H.%M} uur). Sta de uitloop bewust toe, of haal eerst een andere "
            "casus van de agenda."
        )
        self.new_end = new_end
        self.planned_end = planned_end
        self.overrun_minutes = overrun_minutes


@dataclass(frozen=True)
class AgendaFill:
    """What "Agenda opstellen" did: the agenda, the proposed cases it placed, those left."""

    agenda: Agenda
    placed: int
    remaining: int  # proposed cases that did not fit; they stay proposed


# -- proposal ------------------------------------------------------------------------------------

# How many proposals a screen is given (the rest is counted, not built): 37,561 proposed cases
# of a 50,000-case store are no list anyone reads, and the agenda takes a dozen of them.
PROPOSAL_LIMIT = 60


@dataclass(frozen=True)
class _CaseLine:
    id: int
    case_number: str
    first_name: str
    last_name: str
    owner_id: int | None


@dataclass(frozen=True)
class _Found:
    """One proposed case with its reasons and its place in the order (domain.urgency)."""

    line: _CaseLine
    reasons: list[ProposalReason]
    key: RankKey
    deferred_on: date | None


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
    return meeting


def _deferrals(
    session: Session, meeting: Meeting | date, wanted: list[int] | None
) -> dict[int, date]:
    """Per case whose latest agenda item before `meeting` was deferred (not reached), the day
    of the meeting it was deferred in.

    The minutes helper records DOORGESCHOVEN with the meeting it was deferred to (or None when
    no later meeting was planned). The case comes back at that meeting, or at any meeting once
    that one has passed or was cancelled; not at a meeting before it. A case that has been on a
    later agenda since is not deferred any more: its latest item is that later one.
    """
    on = meeting if isinstance(meeting, date) else meeting.date
    query = (
        select(
            AgendaItem.case_id,
            AgendaItem.outcome,
            AgendaItem.deferred_to_id,
            Meeting.id,
            Meeting.date,
            Meeting.start_time,
        )
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            AgendaItem.case_id.is_not(None),
            Meeting.status != str(MeetingStatus.GEANNULEERD),
            Meeting.date <= on,
        )
    )
    if wanted is not None:
        query = query.where(AgendaItem.case_id.in_(wanted))
    this = None if isinstance(meeting, date) else (meeting.date, meeting.start_time, meeting.id)
    latest: dict[int, tuple[tuple[date, time, int], str | None, int | None]] = {}
    for case_id, outcome, to_id, m_id, m_date, m_start in session.execute(query):
        when = (m_date, m_start, m_id)
        if (this is not None and when[:2] >= this[:2]) or (this is None and m_date >= on):
            continue  # this meeting itself, or one not before it
        if case_id is not None and (case_id not in latest or when > latest[case_id][0]):
            latest[case_id] = (when, outcome, to_id)
    deferred = {
        case_id: (when, to_id)
        for case_id, (when, outcome, to_id) in latest.items()
        if outcome == str(ItemOutcome.DOORGESCHOVEN)
    }
    targets = {to_id for _when, to_id in deferred.values() if to_id is not None}
    if this is not None:
        targets.discard(this[2])
    waiting_for: set[int] = set()
    if targets:
        for m_id, m_date, m_start, status in session.execute(
            select(Meeting.id, Meeting.date, Meeting.start_time, Meeting.status).where(
                Meeting.id.in_(targets)
            )
        ):
            later = (m_date, m_start) > this[:2] if this is not None else m_date > on
            if later and status != str(MeetingStatus.GEANNULEERD):
                waiting_for.add(m_id)
    return {
        case_id: when[0]
        for case_id, (when, to_id) in deferred.items()
        if to_id is None or to_id not in waiting_for
    }


def _reasons(
    session: Session, meeting: Meeting | date, case_ids: Iterable[int] | None = None
) -> list[_Found]:
    """Every open case with at least one reason to discuss it at `meeting` (or at a meeting on
    a day: `cases --json --on`), unordered: sort by `_Found.key` (most urgent first)."""
    on = meeting if isinstance(meeting, date) else meeting.date
    wanted = list(case_ids) if case_ids is not None else None
    query = select(
        Case.id,
        Case.case_number,
        Case.first_name,
        Case.last_name,
        Case.owner_id,
        Case.registered_on,
        Case.review_date,
        *LAW_COLUMNS,
    ).where(Case.status != str(CaseStatus.AFGESLOTEN))
    due_query = select(ActionItem.case_id, ActionItem.due_date).where(
        ActionItem.status == str(ActionStatus.OPEN),
        ActionItem.case_id.is_not(None),
        ActionItem.due_date <= on,
    )
    if wanted is not None:
        query = query.where(Case.id.in_(wanted))
        due_query = due_query.where(ActionItem.case_id.in_(wanted))
    due: dict[int, list[date]] = defaultdict(list)
    for case_id, due_date in session.execute(due_query):
        if case_id is not None and due_date is not None:  # the query asks for both
            due[case_id].append(due_date)
    discussed = discussions_before(session, meeting, wanted)
    deferred = _deferrals(session, meeting, wanted)
    region = region_of(session)
    found = []
    for row in session.execute(query):
        case_id, number, first, last, owner_id, registered, review = row[:7]
        law_facts = law_facts_from(row[7:])
        discussions = discussed.get(case_id, ())
        facts = CaseFacts(
            ground=law_facts.ground,
            status=law_facts.status,
            registered_on=registered,
            review_date=review,
            absent_since=law_facts.absent_since,
            discussions=discussions,
            open_action_due=due.get(case_id, ()),
            birth_date=law_facts.birth_date,
            law=law_facts,
            region=region,
            deferred_on=deferred.get(case_id),
        )
        reasons, law = assess(facts, on)
        if not reasons:
            continue
        key = rank_key(
            UrgencyFacts(
                reasons=reasons,
                case_number=number,
                days_at_home=law.home.days if law is not None else 0,
                deferred_on=facts.deferred_on,
                held_on=discussions[-1].on if discussions else None,
                notice_due=law.notice_due if law is not None else None,
                review_date=review,
                on=on,
            )
        )
        line = _CaseLine(case_id, number, first, last, owner_id)
        found.append(_Found(line, reasons, key, facts.deferred_on))
    return found


def _ranked(session: Session, meeting: Meeting | date) -> list[_Found]:
    return sorted(_reasons(session, meeting), key=_rank)


def _rank(found: _Found) -> RankKey:
    return found.key


def reasons_on(session: Session, on: date) -> dict[int, list[ProposalReason]]:
    """Per open case id, why it would be proposed for a meeting on day `on` (none: left out)."""
    return {found.line.id: found.reasons for found in _ranked(session, on)}


def _case_ids_on_agenda(session: Session, meeting_id: int) -> set[int]:
    return set(
        session.scalars(
            select(AgendaItem.case_id).where(
                AgendaItem.meeting_id == meeting_id, AgendaItem.case_id.is_not(None)
            )
        )
    )


def _proposal(found: _Found, on_agenda: set[int]) -> Proposal:
    case = found.line
    return Proposal(
        case_id=case.id,
        case_number=case.case_number,
        initials=initials(case.first_name, case.last_name),
        reasons=found.reasons,
        urgency=found.key[0],
        on_agenda=case.id in on_agenda,
        deferred_on=found.deferred_on,
    )


def propose_agenda(store: Store, meeting_id: int) -> list[Proposal]:
    """The cases to discuss at a meeting, each with its reasons, most urgent first."""
    with store.read() as session:
        return propose_agenda_in(session, meeting_id)


def propose_agenda_in(session: Session, meeting_id: int) -> list[Proposal]:
    """`propose_agenda` inside an open transaction (every proposal: see `propose_first_in`)."""
    meeting = _meeting(session, meeting_id)
    on_agenda = _case_ids_on_agenda(session, meeting_id)
    return [_proposal(found, on_agenda) for found in _ranked(session, meeting)]


@dataclass(frozen=True)
class ProposalPage:
    """The most urgent proposals for a screen, and how many there are in all.

    `proposals` holds the first `limit` proposed cases not on the agenda yet, then those on it,
    each group most urgent first; `total` counts every proposed case, `waiting` those not on
    the agenda, so `waiting - shown_waiting` are proposed but not listed.
    """

    proposals: list[Proposal]
    total: int
    waiting: int

    @property
    def not_listed(self) -> int:
        """Proposed cases not on the agenda and not among `proposals`."""
        return self.waiting - sum(1 for p in self.proposals if not p.on_agenda)


def propose_first(store: Store, meeting_id: int, limit: int = PROPOSAL_LIMIT) -> ProposalPage:
    """The first `limit` proposals for a meeting, most urgent first, with the counts."""
    with store.read() as session:
        return propose_first_in(session, meeting_id, limit)


def propose_first_in(
    session: Session, meeting_id: int, limit: int = PROPOSAL_LIMIT
) -> ProposalPage:
    """`propose_first` inside an open transaction."""
    meeting = _meeting(session, meeting_id)
    on_agenda = _case_ids_on_agenda(session, meeting_id)
    found = _reasons(session, meeting)
    waiting = [f for f in found if f.line.id not in on_agenda]
    # Only the first few are built and sorted; the rest is counted.
    first = heapq.nsmallest(limit, waiting, key=_rank)
    placed = sorted((f for f in found if f.line.id in on_agenda), key=_rank)
    return ProposalPage(
        proposals=[_proposal(f, on_agenda) for f in (*first, *placed)],
        total=len(found),
        waiting=len(waiting),
    )


# -- reading -------------------------------------------------------------------------------------


def _item_infos(session: Session, meeting: Meeting) -> list[AgendaItemInfo]:
    with_minutes = set(
        session.scalars(
            select(MinutesEntry.agenda_item_id)
            .join(AgendaItem, MinutesEntry.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting.id)
        )
    )
    with_actions = set(
        session.scalars(
            select(ActionItem.agenda_item_id)
            .join(AgendaItem, ActionItem.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting.id)
        )
    )
    rows = session.execute(
        select(
            AgendaItem, Case.case_number, Case.first_name, Case.last_name, Participant.name, Case.id
        )
        .outerjoin(Case, AgendaItem.case_id == Case.id)
        .outerjoin(Participant, AgendaItem.presenter_id == Participant.id)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    starts = start_times(meeting.start_time, [row[0].minutes for row in rows])
    infos = []
    for (item, number, first, last, presenter, _), start in zip(rows, starts, strict=True):
        kind = AgendaItemKind(item.kind)
        case_initials = initials(first, last) if number else ""
        infos.append(
            AgendaItemInfo(
                id=item.id,
                position=item.position,
                kind=kind,
                title=item_title(kind, item.title, number or "", case_initials),
                case_id=item.case_id,
                case_number=number or "",
                initials=case_initials,
                minutes=item.minutes,
                start_time=start,
                presenter_id=item.presenter_id,
                presenter_name=presenter or "",
                question=item.question,
                reason=item.reason,
                meeting_id=meeting.id,
                end_time=end_time(start, [item.minutes]),
                has_minutes=item.id in with_minutes or item.id in with_actions,
                version=item.version or 1,
            )
        )
    return infos


def _warnings(session: Session, meeting: Meeting, items: list[AgendaItemInfo]) -> list[str]:
    durations = [i.minutes for i in items]
    meeting_end = end_time(meeting.start_time, [meeting.minutes])
    warnings = []
    if meeting.status == str(MeetingStatus.GEANNULEERD):
        warnings.append("Dit overleg is geannuleerd.")
    overrun = overrun_note(durations, meeting.minutes, meeting_end, meeting.overrun_minutes)
    if overrun:
        warnings.append(overrun)
    case_ids = [i.case_id for i in items if i.case_id is not None]
    if case_ids:
        closed = session.scalars(
            select(Case.case_number)
            .where(Case.id.in_(case_ids), Case.status == str(CaseStatus.AFGESLOTEN))
            .order_by(Case.case_number)
        )
        warnings.extend(f"Casus {number} is inmiddels afgesloten." for number in closed)
    presenters = {i.presenter_id for i in items if i.presenter_id is not None}
    if presenters:
        archived = session.scalars(
            select(Participant.name)
            .where(Participant.id.in_(presenters), Participant.archived_on.is_not(None))
            .order_by(Participant.name)
        )
        warnings.extend(f"{name} is gearchiveerd; kies een andere inbrenger." for name in archived)
    return warnings


def _agenda(session: Session, meeting: Meeting) -> Agenda:
    items = _item_infos(session, meeting)
    durations = [i.minutes for i in items]
    return Agenda(
        items=items,
        end_time=end_time(meeting.start_time, durations),
        overrun_minutes=overrun_minutes(durations, meeting.minutes),
        warnings=_warnings(session, meeting, items),
        meeting_id=meeting.id,
        total_minutes=sum(durations),
        planned_end=end_time(meeting.start_time, [meeting.minutes]),
        chosen_overrun=meeting.overrun_minutes,
    )


def get_agenda(store: Store, meeting_id: int) -> Agenda:
    """A meeting's agenda with start times and warnings (no items: no agenda built yet)."""
    with store.read() as session:
        return get_agenda_in(session, meeting_id)


def get_agenda_in(session: Session, meeting_id: int) -> Agenda:
    """`get_agenda` inside an open transaction."""
    return _agenda(session, _meeting(session, meeting_id))


@dataclass(frozen=True)
class AgendaCount:
    """How far a meeting's agenda is: all its items, and the case items among them."""

    items: int
    cases: int


def agenda_counts(store: Store) -> dict[int, AgendaCount]:
    """Per meeting id that has an agenda, its item counts (one query, for meeting lists)."""
    with store.read() as session:
        return agenda_counts_in(session)


def agenda_counts_in(session: Session) -> dict[int, AgendaCount]:
    """`agenda_counts` inside an open transaction."""
    query = select(
        AgendaItem.meeting_id,
        func.count(AgendaItem.id),
        func.count(AgendaItem.id).filter(AgendaItem.kind == str(AgendaItemKind.CASUS)),
    ).group_by(AgendaItem.meeting_id)
    return {
        meeting_id: AgendaCount(int(items), int(case_items))
        for meeting_id, items, case_items in session.execute(query)
    }


# -- changing ------------------------------------------------------------------------------------


def _check_editable(meeting: Meeting) -> None:
    if meeting.status == str(MeetingStatus.GEANNULEERD):
        raise BadInput("Dit overleg is geannuleerd; de agenda kan niet meer worden gewijzigd.")
    if meeting.minutes_status == str(MinutesStatus.VASTGESTELD):
        raise BadInput(
            "Het verslag van dit overleg is vastgesteld; de agenda kan niet meer worden gewijzigd."
        )


def _ordered_items(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _renumber(items: list[AgendaItem]) -> None:
    for index, item in enumerate(items, start=1):
        item.position = index


def _fixed_item(meeting_id: int, kind: AgendaItemKind) -> AgendaItem:
    return AgendaItem(
        meeting_id=meeting_id,
        position=0,
        kind=str(kind),
        title=kind.label,
        minutes=DEFAULT_MINUTES[kind],
        question="",
        reason="",
    )


def _active_presenter(session: Session, presenter_id: int) -> None:
    person = session.get(Participant, presenter_id)
    if person is None:
        raise BadInput("Kies een bestaande deelnemer als inbrenger.")
    if person.archived_on is not None:
        raise BadInput(f"{person.name} is gearchiveerd; kies een actieve deelnemer als inbrenger.")


def _presenter_for(session: Session, owner_id: int | None) -> int | None:
    """The case's casushouder presents it by default, if they are still active."""
    if owner_id is None:
        return None
    owner = session.get(Participant, owner_id)
    return owner_id if owner is not None and owner.archived_on is None else None


def _check_cases(session: Session, case_ids: list[int]) -> dict[int, Case]:
    if len(set(case_ids)) != len(case_ids):
        raise BadInput("Een casus kan maar één keer op de agenda staan.")
    found = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    for case_id in case_ids:
        case = found.get(case_id)
        if case is None:
            raise BadInput("Een van de gekozen casussen bestaat niet (meer).")
        if case.status == str(CaseStatus.AFGESLOTEN):
            raise BadInput(f"Casus {case.case_number} is afgesloten en kan niet op de agenda.")
    return found


def _case_item(session: Session, meeting: Meeting, case: Case, found: _Found | None) -> AgendaItem:
    return AgendaItem(
        meeting_id=meeting.id,
        position=0,
        kind=str(AgendaItemKind.CASUS),
        case_id=case.id,
        title="",
        minutes=DEFAULT_MINUTES[AgendaItemKind.CASUS],
        presenter_id=_presenter_for(session, case.owner_id),
        question="",
        # Hand-picked cases without a rule's reason keep an empty reason.
        reason=reason_text(found.reasons, found.deferred_on) if found is not None else "",
    )


def _frame(session: Session, store: Store, meeting: Meeting) -> list[AgendaItem]:
    """Create the fixed items of an empty agenda (logged once for the agenda)."""
    items = [_fixed_item(meeting.id, k) for k in (*FIXED_BEFORE, *FIXED_AFTER)]
    session.add_all(items)
    audit.record(
        session,
        store,
        AuditAction.CREATE,
        object_type="agenda",
        object_id=meeting.id,
        detail="vaste agendapunten",
    )
    return items


def _log_item(
    session: Session,
    store: Store,
    action: AuditAction,
    item: AgendaItem,
    detail: str,
    case_number: str | None = None,
) -> None:
    if case_number is None and item.case_id is not None:
        case_number = session.scalar(select(Case.case_number).where(Case.id == item.case_id))
    audit.record(
        session,
        store,
        action,
        case_number=case_number,
        object_type="agendapunt",
        object_id=item.id,
        detail=f"overleg {item.meeting_id}; {detail}",
    )


def build_agenda(store: Store, meeting_id: int, case_ids: list[int] | None = None) -> Agenda:
    """Create a meeting's agenda: the fixed items and the given cases, or (None) the proposed
    cases most urgent first, as many as fit in the meeting (`fill_agenda`)."""
    if case_ids is None:
        return fill_agenda(store, meeting_id).agenda
    with store.write() as session:
        meeting = _new_agenda_of(session, meeting_id)
        found = {f.line.id: f for f in _reasons(session, meeting, case_ids)}
        agenda = _build(session, store, meeting, list(case_ids), found)
        return agenda


def fill_agenda(store: Store, meeting_id: int) -> AgendaFill:
    """ "Agenda opstellen": the fixed items, then the proposed cases in the order of
    domain.urgency until the planned length is full, never past it.

    The room for cases is the meeting's length (plus an overrun chosen on purpose) minus the
    fixed items; a case that does not fit stops the filling, so no less urgent case jumps the
    queue. What does not fit stays proposed for a later meeting.
    """
    with store.write() as session:
        meeting = _new_agenda_of(session, meeting_id)
        ranked = _ranked(session, meeting)
        room = meeting.minutes + meeting.overrun_minutes
        room -= sum(DEFAULT_MINUTES[k] for k in (*FIXED_BEFORE, *FIXED_AFTER))
        case_minutes = DEFAULT_MINUTES[AgendaItemKind.CASUS]
        fits = max(0, room) // case_minutes if case_minutes else len(ranked)
        chosen = ranked[:fits]
        agenda = _build(
            session, store, meeting, [f.line.id for f in chosen], {f.line.id: f for f in chosen}
        )
        return AgendaFill(agenda=agenda, placed=len(chosen), remaining=len(ranked) - len(chosen))


def _new_agenda_of(session: Session, meeting_id: int) -> Meeting:
    meeting = _meeting(session, meeting_id)
    _check_editable(meeting)
    exists = session.scalar(
        select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting_id)
    )
    if exists:
        raise BadInput("Dit overleg heeft al een agenda; voeg casussen toe of haal ze eraf.")
    return meeting


def _build(
    session: Session, store: Store, meeting: Meeting, chosen: list[int], found: dict[int, _Found]
) -> Agenda:
    cases = _check_cases(session, chosen)
    frame = _frame(session, store, meeting)
    case_items = [_case_item(session, meeting, cases[c], found.get(c)) for c in chosen]
    session.add_all(case_items)
    items = frame[: len(FIXED_BEFORE)] + case_items + frame[len(FIXED_BEFORE) :]
    _renumber(items)
    session.flush()
    for item in case_items:
        _log_item(
            session,
            store,
            AuditAction.CREATE,
            item,
            f"op de agenda gezet als punt {item.position}",
            cases[item.case_id].case_number if item.case_id is not None else None,
        )
    return _agenda(session, meeting)


def _info_of(session: Session, meeting: Meeting, item_id: int) -> AgendaItemInfo:
    return next(i for i in _item_infos(session, meeting) if i.id == item_id)


def _record_overrun(session: Session, store: Store, meeting: Meeting, minutes: int) -> None:
    meeting.overrun_minutes = minutes
    planned_end = end_time(meeting.start_time, [meeting.minutes])
    detail = (
        f"uitloop toegestaan: {minutes} minuten, tot {end_time(planned_end, [minutes]):%H:%M}"
        if minutes
        else "uitloop ingetrokken"
    )
    audit.record(
        session,
        store,
        AuditAction.UPDATE,
        object_type="overleg",
        object_id=meeting.id,
        detail=detail,
    )


def add_case_item(
    store: Store,
    meeting_id: int,
    case_id: int,
    *,
    minutes: int | None = None,
    presenter_id: int | None = None,
    question: str = "",
    allow_overrun: bool = False,
) -> AgendaItemInfo:
    """Put a case on a meeting's agenda, after the other cases (the frame is made if missing).

    Past the planned end (plus an overrun already chosen) it refuses with AgendaOverrun, unless
    `allow_overrun`: then the overrun is recorded as chosen (Meeting.overrun_minutes).
    """
    if minutes is not None and (problem := check_item_minutes(minutes)):
        raise BadInput(problem)
    if len(question) > MAX_QUESTION:
        raise BadInput(f"De vraag is te lang (hoogstens {MAX_QUESTION} tekens).")
    with store.write() as session:
        meeting = _meeting(session, meeting_id)
        _check_editable(meeting)
        case = _check_cases(session, [case_id])[case_id]
        if case_id in _case_ids_on_agenda(session, meeting_id):
            raise BadInput(f"Casus {case.case_number} staat al op de agenda.")
        if presenter_id is not None:
            _active_presenter(session, presenter_id)
        items = _ordered_items(session, meeting_id) or _frame(session, store, meeting)
        found = _reasons(session, meeting, [case_id])
        item = _case_item(session, meeting, case, found[0] if found else None)
        if minutes is not None:
            item.minutes = minutes
        total = sum(i.minutes for i in items) + item.minutes
        over = total - meeting.minutes
        if over > meeting.overrun_minutes:
            if not allow_overrun:
                # Nothing is written: the transaction (and a frame made above) is rolled back.
                raise AgendaOverrun(
                    end_time(meeting.start_time, [total]),
                    end_time(meeting.start_time, [meeting.minutes]),
                    over,
                )
            _record_overrun(session, store, meeting, over)
        if presenter_id is not None:
            item.presenter_id = presenter_id
        item.question = question.strip()
        session.add(item)
        items.insert(case_insert_index([AgendaItemKind(i.kind) for i in items]), item)
        _renumber(items)
        session.flush()
        _log_item(
            session,
            store,
            AuditAction.CREATE,
            item,
            f"op de agenda gezet als punt {item.position}",
            case.case_number,
        )
        return _info_of(session, meeting, item.id)


def clear_overrun(store: Store, meeting_id: int) -> Agenda:
    """Withdraw a chosen overrun: the agenda is to fit the planned length again (logged)."""
    with store.write() as session:
        meeting = _meeting(session, meeting_id)
        _check_editable(meeting)
        if meeting.overrun_minutes:
            _record_overrun(session, store, meeting, 0)
            session.flush()
        return _agenda(session, meeting)


def _item(
    session: Session, item_id: int, *, for_update: bool = False
) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id, with_for_update=for_update or None)
    if item is None:
        raise BadInput("Dit agendapunt bestaat niet (meer).")
    meeting = _meeting(session, item.meeting_id)
    _check_editable(meeting)
    return item, meeting


def remove_item(store: Store, item_id: int) -> Agenda:
    """Take a case off the agenda (fixed items stay; an item with minutes or actions too)."""
    with store.write() as session:
        item, meeting = _item(session, item_id)
        if item.kind != str(AgendaItemKind.CASUS):
            raise BadInput("Vaste agendapunten kunnen niet van de agenda worden gehaald.")
        recorded = session.scalar(
            select(func.count(MinutesEntry.id)).where(MinutesEntry.agenda_item_id == item_id)
        ) or session.scalar(
            select(func.count(ActionItem.id)).where(ActionItem.agenda_item_id == item_id)
        )
        if recorded:
            raise BadInput(
                "Bij dit agendapunt zijn al verslag of actiepunten vastgelegd; het kan niet meer "
                "van de agenda worden gehaald."
            )
        _log_item(session, store, AuditAction.DELETE, item, "van de agenda gehaald")
        session.delete(item)
        session.flush()
        _renumber(_ordered_items(session, meeting.id))
        session.flush()
        return _agenda(session, meeting)


def move_item(store: Store, item_id: int, new_position: int) -> Agenda:
    """Move an item to position `new_position` (1 is first); opening and sluiting stay put."""
    with store.write() as session:
        item, meeting = _item(session, item_id)
        items = _ordered_items(session, meeting.id)
        if not 1 <= new_position <= len(items):
            raise BadInput(f"Kies een positie van 1 tot en met {len(items)}.")
        items.remove(item)
        items.insert(new_position - 1, item)
        problem = check_order([AgendaItemKind(i.kind) for i in items])
        if problem:
            raise BadInput(problem)
        old_position = item.position
        _renumber(items)
        if item.position != old_position:
            _log_item(
                session,
                store,
                AuditAction.UPDATE,
                item,
                f"verplaatst van punt {old_position} naar punt {item.position}",
            )
        session.flush()
        return _agenda(session, meeting)


class AgendaItemConflict(Conflict):
    """Someone else changed this item's field meanwhile; nothing written.

    `mine` holds the values this edit would have written, `theirs` the item as stored now,
    `fields` the names that differ (keys of the field labels).
    """

    mine: dict[str, object]
    theirs: AgendaItemInfo

    def __init__(
        self,
        message: str,
        *,
        mine: dict[str, object],
        theirs: AgendaItemInfo,
        fields: tuple[str, ...],
    ) -> None:
        super().__init__(message, mine=mine, theirs=theirs, fields=fields)


def _shown_value(session: Session, name: str, value: object) -> str:
    """A field value as the user reads it (a presenter by name, a duration in minutes)."""
    if value is None or value == "":
        return "(leeg)"
    if name == "presenter_id":
        return session.scalar(select(Participant.name).where(Participant.id == value)) or "?"
    if name == "minutes":
        return f"{value} min"
    return str(value)


def _check_item_version(
    session: Session,
    meeting: Meeting,
    item: AgendaItem,
    wanted: dict[str, object],
    expected_version: int | None,
) -> None:
    """AgendaItemConflict when the item was changed since `expected_version` and a field this
    edit sets now holds another value than the one typed (same value: nothing to choose)."""
    if expected_version is None or (item.version or 1) == expected_version:
        return
    fields = tuple(
        name for name in _FIELD_LABELS if name in wanted and getattr(item, name) != wanted[name]
    )
    if not fields:
        return
    name, when = conflicts.last_editor(session, "agendapunt", item.id)
    both = "; ".join(
        f"{_FIELD_LABELS[f]}: uw waarde {_shown_value(session, f, wanted[f])}, "
        f"hun waarde {_shown_value(session, f, getattr(item, f))}"
        for f in fields
    )
    raise AgendaItemConflict(
        f"{name} heeft dit agendapunt intussen gewijzigd{conflicts.when_text(when)}. "
        f"Er is niets opgeslagen ({both}).",
        mine={f: wanted[f] for f in fields},
        theirs=_info_of(session, meeting, item.id),
        fields=fields,
    )


def update_item(
    store: Store,
    item_id: int,
    *,
    minutes: int | Keep = UNCHANGED,
    presenter_id: int | Keep | None = UNCHANGED,
    question: str | Keep = UNCHANGED,
    expected_version: int | None = None,
) -> AgendaItemInfo:
    """Change an item's duration, presenter or question; fields left out stay as they are.

    With `expected_version` (AgendaItemInfo.version as shown) a field someone else changed
    meanwhile is not overwritten: AgendaItemConflict with both values, nothing written.
    """
    with store.write() as session:
        item, meeting = _item(session, item_id, for_update=expected_version is not None)
        wanted: dict[str, object] = {}
        if minutes is not UNCHANGED:
            wanted["minutes"] = minutes
        if presenter_id is not UNCHANGED:
            wanted["presenter_id"] = presenter_id
        if question is not UNCHANGED:
            wanted["question"] = question.strip()
        _check_item_version(session, meeting, item, wanted, expected_version)
        changed = []
        if minutes is not UNCHANGED and minutes != item.minutes:
            if problem := check_item_minutes(minutes):
                raise BadInput(problem)
            item.minutes = minutes
            changed.append("minutes")
        if presenter_id is not UNCHANGED and presenter_id != item.presenter_id:
            if presenter_id is not None:
                _active_presenter(session, presenter_id)
            item.presenter_id = presenter_id
            changed.append("presenter_id")
        if question is not UNCHANGED and question.strip() != item.question:
            if len(question) > MAX_QUESTION:
                raise BadInput(f"De vraag is te lang (hoogstens {MAX_QUESTION} tekens).")
            item.question = question.strip()
            changed.append("question")
        if changed:
            item.version = (item.version or 1) + 1
            _log_item(
                session,
                store,
                AuditAction.UPDATE,
                item,
                "gewijzigd: " + ", ".join(_FIELD_LABELS[c] for c in changed),
            )
        session.flush()
        return _info_of(session, meeting, item.id)
