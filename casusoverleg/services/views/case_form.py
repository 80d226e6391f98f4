"""The case form's data: the case, who can hold it, retention term, region and other tabs.

Opening a case is one write transaction (the view is logged in the audit log, as `get_case`
does) that also reads the bespreekhistorie, actiepunten and logboek, so the four tabs show one
consistent snapshot, and the logboek already holds the line for this view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.retention import RetentionTerm
from casusoverleg.services import actions, audit, cases, minutes, people
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.audit import AuditEntry
from casusoverleg.services.cases import CaseRecord
from casusoverleg.services.minutes import HistoryEntry
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.store import Store


@dataclass(frozen=True)
class CaseTabs:
    """The form's other three tabs: bespreekhistorie, actiepunten and logboek of one case."""

    history: list[HistoryEntry]  # newest meeting first
    actions: list[ActionInfo]  # done ones too, by due date
    events: list[AuditEntry]  # newest first


@dataclass(frozen=True)
class CaseFormData:
    """What the case form shows when it opens a stored case, or an empty one (`record` None)."""

    record: CaseRecord | None
    participants: list[ParticipantInfo]  # archived ones too: a case may still name one
    retention: RetentionTerm  # for the retention date of the birth date being typed
    tabs: CaseTabs | None  # None for a new case
    region: Region = Region.NOORD  # the store's school-holiday region, for the law's signals


def _tabs(session: Session, case_id: int, case_number: str, today: date) -> CaseTabs:
    return CaseTabs(
        history=minutes.case_history_in(session, case_id),
        actions=actions.case_actions_in(session, case_id, today=today),
        events=audit.list_events_in(session, case_number=case_number),
    )


def open_case(store: Store, case_id: int, *, today: date | None = None) -> CaseFormData:
    """A stored case with everything its form shows, in one transaction; the view is logged."""
    today = today or date.today()
    with store.write() as session:
        record = cases.view_case(session, store, case_id, today=today)
        return CaseFormData(
            record=record,
            participants=people.list_participants_in(session, include_archived=True),
            retention=cases.retention_term(session),
            tabs=_tabs(session, record.id, record.case_number, today),
            region=cases.region_of(session),
        )


def new_case(store: Store) -> CaseFormData:
    """What an empty form for a new case needs: casushouders, retention term and region."""
    with store.read() as session:
        return CaseFormData(
            record=None,
            participants=people.list_participants_in(session, include_archived=True),
            retention=cases.retention_term(session),
            tabs=None,
            region=cases.region_of(session),
        )


def case_tabs(store: Store, case_id: int, *, today: date | None = None) -> CaseTabs:
    """The other three tabs again (after a save or a close), in one read; not logged as a view."""
    today = today or date.today()
    with store.read() as session:
        return _tabs(session, case_id, cases.case_number_of(session, case_id), today)
