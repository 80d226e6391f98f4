"""Overzicht: what needs attention today (next meeting, deadlines, thuiszitters, late actions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from casusoverleg.domain.case_law import NoticeKind, law_status
from casusoverleg.domain.deadlines import renewal_deadline
from casusoverleg.domain.enums import (
    ActionStatus,
    AgendaItemKind,
    AuditAction,
    CaseStatus,
    ExemptionGround,
    MeetingStatus,
)
from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.thuiszitter import ThuiszitterSignal
from casusoverleg.services import access_requests, audit, autobackup
from casusoverleg.services.access_requests import OpenAccessRequest
from casusoverleg.services.autobackup import BackupStatus
from casusoverleg.services.cases import LAW_COLUMNS, law_facts_from, region_of
from casusoverleg.services.meetings import DEFAULT_TITLE
from casusoverleg.services.store import Store
from casusoverleg.store.models import (
    ActionItem,
    AgendaItem,
    Case,
    Meeting,
    MeetingSeries,
    Organisation,
    Participant,
)

_ART5 = tuple(str(g) for g in ExemptionGround if g.is_art5)
_FOUR_WEEKS = timedelta(days=28)


@dataclass(frozen=True)
class NextMeeting:
    """The first planned meeting from today on, with how far its agenda is."""

    id: int
    title: str
    date: date
    start_time: time
    minutes: int
    location: str
    agenda_items: int  # 0: no agenda yet
    case_items: int

    @property
    def end_time(self) -> time:
        """When the meeting is planned to end."""
        return (
            datetime.combine(self.date, self.start_time) + timedelta(minutes=self.minutes)
        ).time()


@dataclass(frozen=True)
class CaseSignal:
    """An open case that needs attention, with the date the signal is about."""

    case_id: int
    case_number: str
    first_name: str
    last_name: str
    owner_name: str
    on: date  # renewal deadline, review date or first day at home

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class RenewalSignal(CaseSignal):
    """An art. 6 notice of an art. 5 exemption due by `on` (yearly, or the first one)."""

    exemption_until: date | None = None
    kind: NoticeKind = NoticeKind.JAARLIJKS


@dataclass(frozen=True)
class OverdueAction:
    """An open action item past its due date."""

    id: int
    description: str
    owner_name: str
    organisation_name: str
    owner_archived: bool
    case_id: int | None
    case_number: str | None
    due_date: date

    def days_late(self, today: date) -> int:
        """Days past the due date on `today`."""
        return (today - self.due_date).days


@dataclass(frozen=True)
class Dashboard:
    """Everything the Overzicht screen shows, computed for one day."""

    today: date
    next_meeting: NextMeeting | None
    renewal_deadline: date
    renewals: list[RenewalSignal] = field(default_factory=list)
    reviews_passed: list[CaseSignal] = field(default_factory=list)
    thuiszitters_four_weeks: list[CaseSignal] = field(default_factory=list)
    thuiszitters_three_months: list[CaseSignal] = field(default_factory=list)
    overdue_actions: list[OverdueAction] = field(default_factory=list)
    backup: BackupStatus | None = None  # the Overzicht warns when it is more than a week old
    # Unanswered inzageverzoeken (AVG art. 15), earliest deadline first (art. 12 lid 3).
    access_requests: list[OpenAccessRequest] = field(default_factory=list)


def _next_meeting(session: Session, today: date) -> NextMeeting | None:
    row = session.execute(
        select(Meeting, MeetingSeries)
        .outerjoin(MeetingSeries, Meeting.series_id == MeetingSeries.id)
        .where(Meeting.date >= today, Meeting.status == str(MeetingStatus.GEPLAND))
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    meeting, series = row
    items, cases = session.execute(
        select(
            func.count(AgendaItem.id),
            func.count(AgendaItem.id).filter(AgendaItem.kind == str(AgendaItemKind.CASUS)),
        ).where(AgendaItem.meeting_id == meeting.id)
    ).one()
    return NextMeeting(
        id=meeting.id,
        title=series.name if series else DEFAULT_TITLE,
        date=meeting.date,
        start_time=meeting.start_time,
        minutes=meeting.minutes,
        location=meeting.location,
        agenda_items=int(items or 0),
        case_items=int(cases or 0),
    )


_SIGNAL_COLUMNS = (
    Case.id,
    Case.case_number,
    Case.first_name,
    Case.last_name,
    Participant.name,
)


def _open_cases() -> Select[*tuple[Any, ...]]:
    return (
        select(*_SIGNAL_COLUMNS)
        .outerjoin(Participant, Case.owner_id == Participant.id)
        .where(Case.status != str(CaseStatus.AFGESLOTEN))
    )


def _renewals(session: Session, today: date, deadline: date, region: Region) -> list[RenewalSignal]:
    """Art. 5 cases with a notice due by this year's deadline (`law_status`: yearly notices,
    first notices due before it; none once the plicht has ended or under art. 6 lid 3)."""
    query = _open_cases().add_columns(*LAW_COLUMNS).where(Case.ground.in_(_ART5))
    found = []
    for case_id, number, first, last, owner, *law_values in session.execute(query):
        facts = law_facts_from(law_values)
        law = law_status(facts, today, region)
        if law.notice_due is None or law.notice_kind is None or law.notice_due > deadline:
            continue
        found.append(
            RenewalSignal(
                case_id,
                number,
                first,
                last,
                owner or "",
                law.notice_due,
                facts.exemption_until,
                law.notice_kind,
            )
        )
    found.sort(key=_by_date)
    return found


def _reviews_passed(session: Session, today: date) -> list[CaseSignal]:
    query = (
        _open_cases()
        .add_columns(Case.review_date)
        .where(Case.review_date < today)
        .order_by(Case.review_date, Case.case_number)
    )
    return [
        CaseSignal(case_id, number, first, last, owner or "", review)
        for case_id, number, first, last, owner, review in session.execute(query)
    ]


def _thuiszitters(
    session: Session, today: date, region: Region
) -> tuple[list[CaseSignal], list[CaseSignal]]:
    """Thuiszitters past 4 weeks and past 3 months (`law_status`: only days in leer- or
    kwalificatieplicht, not under an exemption, until back at school), by first day counted."""
    query = (
        _open_cases()
        .add_columns(*LAW_COLUMNS)
        .where(
            Case.ground == str(ExemptionGround.THUISZITTER),
            Case.absent_since < today - _FOUR_WEEKS,
        )
        .order_by(Case.absent_since, Case.case_number)
    )
    four_weeks: list[CaseSignal] = []
    three_months: list[CaseSignal] = []
    for case_id, number, first, last, owner, *law_values in session.execute(query):
        law = law_status(law_facts_from(law_values), today, region)
        if law.home.since is None:
            continue
        item = CaseSignal(case_id, number, first, last, owner or "", law.home.since)
        if law.thuiszitter == ThuiszitterSignal.DRIE_MAANDEN:
            three_months.append(item)
        elif law.thuiszitter == ThuiszitterSignal.VIER_WEKEN:
            four_weeks.append(item)
    return sorted(four_weeks, key=_by_date), sorted(three_months, key=_by_date)


def _by_date(signal: CaseSignal) -> tuple[date, str]:
    return signal.on, signal.case_number


def _overdue_actions(session: Session, today: date) -> list[OverdueAction]:
    query = (
        select(
            ActionItem.id,
            ActionItem.description,
            Participant.name,
            Organisation.name,
            Participant.archived_on,
            ActionItem.case_id,
            Case.case_number,
            ActionItem.due_date,
        )
        .join(Participant, ActionItem.owner_id == Participant.id)
        .join(Organisation, Participant.organisation_id == Organisation.id)
        .outerjoin(Case, ActionItem.case_id == Case.id)
        .where(ActionItem.status == str(ActionStatus.OPEN), ActionItem.due_date < today)
        .order_by(ActionItem.due_date, ActionItem.id)
    )
    rows: list[Any] = list(session.execute(query))
    return [
        OverdueAction(
            id=action_id,
            description=description,
            owner_name=owner,
            organisation_name=organisation,
            owner_archived=archived is not None,
            case_id=case_id,
            case_number=number,
            due_date=due,
        )
        # Untyped rows: due_date is never None here (the query asks for one before today).
        for action_id, description, owner, organisation, archived, case_id, number, due in rows
    ]


def dashboard(store: Store, today: date | None = None, *, log_view: bool = True) -> Dashboard:
    """What the group must look at on `today`; the view is logged (it names children)."""
    today = today or date.today()
    deadline = renewal_deadline(ExemptionGround.ART5_A, today)
    assert deadline is not None  # art. 5 onder a always has a yearly deadline
    with store.write() as session:
        region = region_of(session)
        four_weeks, three_months = _thuiszitters(session, today, region)
        result = Dashboard(
            today=today,
            next_meeting=_next_meeting(session, today),
            renewal_deadline=deadline,
            renewals=_renewals(session, today, deadline, region),
            reviews_passed=_reviews_passed(session, today),
            thuiszitters_four_weeks=four_weeks,
            thuiszitters_three_months=three_months,
            overdue_actions=_overdue_actions(session, today),
            backup=autobackup.backup_status_in(session, store),
            access_requests=access_requests.open_requests_in(session),
        )
        if log_view:
            audit.record(
                session,
                store,
                AuditAction.VIEW,
                object_type="overzicht",
                detail=(
                    f"{len(result.renewals)} verlengingen, {len(result.reviews_passed)} "
                    f"herbeoordelingen, {len(four_weeks) + len(three_months)} thuiszitters, "
                    f"{len(result.overdue_actions)} actiepunten, "
                    f"{len(result.access_requests)} open inzageverzoeken"
                ),
            )
        return result
