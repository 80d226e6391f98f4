"""Overleggen in one read each: the meeting page and the meeting list, against a real store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import event

from casusoverleg.domain.agenda import ProposalReason
from casusoverleg.domain.enums import AgendaItemKind, AttendanceStatus, AuditAction, MeetingRole
from casusoverleg.domain.recurrence import Recurrence
from casusoverleg.errors import BadInput
from casusoverleg.services import agenda, audit, documents, meetings, people, settings
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_page import meeting_list, meeting_page
from tests.helpers.meeting_data import Members, add_case, add_meeting, make_members

MEETING_DAY = date(2027, 6, 8)


@dataclass
class Traffic:
    """What the engine did while a block ran: transactions begun, and every SQL statement."""

    transactions: int = 0
    statements: list[str] = field(default_factory=list)

    def meeting_fetches(self) -> int:
        """How often one meeting's row was read by its id."""
        return sum(
            1 for s in self.statements if "FROM meeting WHERE meeting.id" in " ".join(s.split())
        )


@contextmanager
def traffic(store: Store) -> Iterator[Traffic]:
    """Count, with SQLAlchemy's own events on the real engine, what the block asks of the store."""
    seen = Traffic()

    def begun(_connection: Any) -> None:
        seen.transactions += 1

    def executed(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statements.append(statement)

    listeners: list[tuple[str, Callable[..., None]]] = [
        ("begin", begun),
        ("before_cursor_execute", executed),
    ]
    for name, listener in listeners:
        event.listen(store.engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(store.engine, name, listener)


@pytest.fixture
def team(store: Store) -> Members:
    """The four core members."""
    return make_members(store)


@pytest.fixture
def meeting_id(store: Store, team: Members) -> int:
    """A meeting with two proposed cases, one of them on the agenda, and three people listed."""
    first = add_case(store, "2027-0001", "Sanne", owner_id=team.leerplicht.id)
    add_case(store, "2027-0002", "Daan")
    meeting = add_meeting(store, MEETING_DAY)
    agenda.build_agenda(store, meeting, [first])
    meetings.set_attendance(store, meeting, team.wijkteam.id)
    meetings.set_attendance(store, meeting, team.leerplicht.id, MeetingRole.VOORZITTER)
    meetings.set_attendance(store, meeting, team.swv.id, status=AttendanceStatus.AFGEMELD)
    return meeting


def test_the_page_has_all_a_meeting_page_shows(
    store: Store, team: Members, meeting_id: int
) -> None:
    people.archive_participant(store, team.ortho.id, on=date(2027, 5, 1))
    page = meeting_page(store, meeting_id)

    assert page.meeting == meetings.get_meeting(store, meeting_id)
    assert page.meeting.date == MEETING_DAY
    # Chair first, then by name; as the attendance service gives it.
    assert page.attendance == meetings.list_attendance(store, meeting_id)
    assert [a.name for a in page.attendance] == [
        team.leerplicht.name,
        team.wijkteam.name,
        team.swv.name,
    ]
    assert page.missing_teams == meetings.attendance_warning(store, meeting_id)
    assert page.missing_teams == (
        "Niemand aanwezig van Samenwerkingsverband passend onderwijs en Orthopedagoog."
    )
    assert page.agenda == agenda.get_agenda(store, meeting_id)
    assert [i.case_number for i in page.agenda.items if i.kind is AgendaItemKind.CASUS] == [
        "2027-0001"
    ]
    # The first proposals not on the agenda, then those on it (agenda.propose_first).
    assert page.proposals == agenda.propose_first(store, meeting_id).proposals
    assert [(p.case_number, p.on_agenda) for p in page.proposals] == [
        ("2027-0002", False),
        ("2027-0001", True),
    ]
    assert (page.proposals_waiting, page.proposals_not_listed) == (1, 0)
    assert page.proposals[0].reasons == [ProposalReason.NIEUW]
    # The pickers offer the active participants only.
    assert page.participants == people.list_participants(store)
    assert team.ortho.id not in {p.id for p in page.participants}


def test_the_page_is_one_read_transaction_that_fetches_the_meeting_once(
    store: Store, meeting_id: int
) -> None:
    events_before = len(audit.list_events(store))
    with traffic(store) as seen:
        meeting_page(store, meeting_id)
    assert seen.transactions == 1
    assert seen.meeting_fetches() == 1
    assert len(audit.list_events(store)) == events_before  # reading a page logs nothing


def test_a_page_of_a_meeting_that_is_gone_says_so(store: Store) -> None:
    with pytest.raises(BadInput, match="Er is geen overleg met nummer 99"):
        meeting_page(store, 99)


def test_the_list_is_one_read_transaction(store: Store, meeting_id: int) -> None:
    series = meetings.create_series(
        store,
        meetings.SeriesInput(
            name="Casusoverleg Zwolle",
            start_date=date(2027, 3, 2),
            start_time=time(13, 0),
            minutes=120,
            recurrence=Recurrence.weekly(1, 2),
            count=3,
        ),
        meetings.PastDates.AS_PLANNED,
    )
    with traffic(store) as seen:
        found = meeting_list(store, today=date(2027, 3, 10))
    assert seen.transactions == 1
    assert [s.id for s in found.series] == [series.id]
    assert found.series[0].next_date == date(2027, 3, 16)  # as seen from `today`
    assert found.meetings == meetings.list_meetings(store)
    assert [m.date for m in found.meetings][-1] == MEETING_DAY
    assert found.agenda_counts == agenda.agenda_counts(store)
    assert found.agenda_counts[meeting_id] == agenda.AgendaCount(items=6, cases=1)
    assert found.today == date(2027, 3, 10)


def test_the_agenda_preview_fetches_the_meeting_once_and_logs_the_print(
    store: Store, meeting_id: int
) -> None:
    request = documents.DocumentRequest(kind="agenda", meeting_id=meeting_id)
    with traffic(store) as seen:
        rendered = documents.render_document(store, request)
    assert rendered.pages >= 1
    assert seen.meeting_fetches() == 1
    # One read for meeting, agenda and attendance; one for the organisation's name (a
    # setting); one write for the log line. It used to be five reads and the write.
    assert seen.transactions == 3
    printed = [e for e in audit.list_events(store) if e.action is AuditAction.PRINT]
    assert printed[-1].object_type == "agenda"
    assert printed[-1].detail.endswith("als voorbeeld")


def test_the_meeting_list_carries_the_settings_from_the_same_read(store: Store) -> None:
    settings.set_setting(store, "region", "zuid")
    with traffic(store) as seen:
        found = meeting_list(store)
    assert seen.transactions == 1
    assert found.settings.region == "zuid"
