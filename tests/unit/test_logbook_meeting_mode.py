"""Meeting mode logs each case's earlier discussions once per meeting, remembered in the log."""

from __future__ import annotations

from datetime import date

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import audit, logbook
from casusoverleg.services.log_words import long_date
from casusoverleg.services.logbook import LogQuery
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_mode import (
    HISTORY_SHOWN,
    meeting_mode_view,
    open_meeting_mode,
)
from tests.helpers.scenario import build

TODAY = date(2026, 11, 10)


def _history_views(store: Store) -> list[audit.AuditEntry]:
    return [
        e
        for e in audit.list_events(store)
        if e.action == AuditAction.VIEW and e.detail == HISTORY_SHOWN
    ]


def test_each_shown_history_is_logged_once_per_meeting(store: Store) -> None:
    scenario = build(store, cases_on_next=3, today=TODAY)
    view = open_meeting_mode(store, scenario.next_id, today=TODAY)
    shown = {i.agenda_item.case_number for i in view.items if i.history}
    without = {i.agenda_item.case_number for i in view.items if i.agenda_item.case_id} - shown
    assert shown, "the scenario discusses cases again at the next meeting"

    first = _history_views(store)
    assert sorted(e.case_number or "" for e in first) == sorted(shown)
    assert {e.object_id for e in first} == {str(scenario.next_id)}
    assert not without & {e.case_number for e in first}  # no history shown, nothing logged

    # Reopening the meeting (another page, a lock and unlock, a restart) logs nothing again.
    open_meeting_mode(store, scenario.next_id, today=TODAY)
    open_meeting_mode(store, scenario.next_id, today=TODAY)
    assert _history_views(store) == first
    assert audit.verify_chain(store).ok

    # The plain read (documents, tests) logs nothing of its own.
    count = len(audit.list_events(store))
    meeting_mode_view(store, scenario.next_id, today=TODAY)
    assert len(audit.list_events(store)) == count


def test_another_meeting_logs_the_view_again_and_the_logboek_names_it(store: Store) -> None:
    scenario = build(store, cases_on_next=3, today=TODAY)
    open_meeting_mode(store, scenario.next_id, today=TODAY)
    held = open_meeting_mode(store, scenario.held_id, today=TODAY)
    at_held = [e for e in _history_views(store) if e.object_id == str(scenario.held_id)]
    assert sorted(e.case_number or "" for e in at_held) == sorted(
        i.agenda_item.case_number for i in held.items if i.history
    )

    number = _history_views(store)[0].case_number or ""
    page = logbook.read_log(store, LogQuery(case_number=number))
    words = [page.words[e.id] for e in page.entries if e.detail == HISTORY_SHOWN]
    assert f"overleg van {long_date(scenario.next_date)}" in {w.object_text for w in words}
