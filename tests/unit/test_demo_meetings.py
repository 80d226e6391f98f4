"""The demo store shows a year of real use: held meetings, fixed minutes, open actions."""

from __future__ import annotations

from datetime import date

from casusoverleg.domain.deadlines import feestdagen
from casusoverleg.domain.enums import ActionStatus, AgendaItemKind, MeetingStatus, MinutesStatus
from casusoverleg.domain.recurrence import Region, school_holidays
from casusoverleg.services import actions, agenda, audit, demo, minutes
from casusoverleg.services import meetings as meeting_service
from casusoverleg.services.demo_meetings import SERIES_NAME, populate_demo_meetings
from casusoverleg.services.store import Store

TODAY = date(2027, 3, 1)


def _demo(store: Store) -> list[meeting_service.MeetingInfo]:
    demo.populate_demo(store, cases=40, today=TODAY)
    populate_demo_meetings(store, today=TODAY)
    (series,) = meeting_service.list_series(store)
    assert series.name == SERIES_NAME
    return meeting_service.list_meetings(store, series_id=series.id)


def test_past_meetings_are_held_with_fixed_minutes_and_future_ones_planned(store: Store) -> None:
    planned = _demo(store)
    past = [m for m in planned if m.date < TODAY]
    future = [m for m in planned if m.date >= TODAY]
    assert len(past) >= 3 and len(future) >= 3
    assert all(m.status == MeetingStatus.GEHOUDEN for m in past)
    assert all(m.status == MeetingStatus.GEPLAND for m in future)
    # Every held meeting's minutes were fixed at the next one; the last are still a draft.
    assert [m.minutes_status for m in past] == [MinutesStatus.VASTGESTELD] * (len(past) - 1) + [
        MinutesStatus.CONCEPT
    ]
    holidays = {**feestdagen(2026), **feestdagen(2027)}
    for year in (2026, 2027):
        holidays.update(school_holidays(year, Region.NOORD))
    assert not [m.date for m in planned if m.date in holidays]


def test_the_demo_has_advice_overdue_actions_and_a_proposed_next_agenda(store: Store) -> None:
    planned = _demo(store)
    open_actions = actions.list_actions(store, status=ActionStatus.OPEN, today=TODAY)
    assert any(a.overdue for a in open_actions)
    assert actions.list_actions(store, status=ActionStatus.GEREED, include_done=True)
    first_held = planned[0]
    items = agenda.get_agenda(store, first_held.id).items
    case_items = [i for i in items if i.kind == AgendaItemKind.CASUS]
    assert case_items
    history = minutes.case_history(store, case_items[0].case_id or 0)
    assert history and history[-1].advice is not None
    upcoming = next(m for m in planned if m.date >= TODAY)
    kinds = [i.kind for i in agenda.get_agenda(store, upcoming.id).items]
    assert kinds[0] == AgendaItemKind.OPENING and kinds[-1] == AgendaItemKind.SLUITING
    assert meeting_service.missing_teams(store, upcoming.id) == []
    assert audit.verify_chain(store).ok
