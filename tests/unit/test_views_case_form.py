"""The case form's one read: the case, its casushouders, retention term and tabs, in one go."""

from __future__ import annotations

from datetime import date

import pytest

from casusoverleg.domain.enums import AuditAction
from casusoverleg.domain.retention import RetentionTerm
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, audit, cases, minutes, people, settings
from casusoverleg.services.store import Store
from casusoverleg.services.views import case_form
from tests.helpers.scenario import Scenario, build
from tests.helpers.transactions import counting_transactions


@pytest.fixture
def scenario(store: Store) -> Scenario:
    """A held meeting with minutes, actions and a correction; a planned next one."""
    return build(store)


def test_opening_a_case_reads_everything_in_one_transaction_and_logs_the_view(
    store: Store, scenario: Scenario
) -> None:
    case_id, number = scenario.case_ids[0], scenario.case_numbers[0]
    before = audit.list_events(store, case_number=number)
    with counting_transactions(store) as begun:
        data = case_form.open_case(store, case_id)
    assert len(begun) == 1

    assert data.record is not None and data.record.id == case_id
    assert data.tabs is not None
    # The logboek already holds this view, once; nothing else was logged.
    after = audit.list_events(store, case_number=number)
    assert len(after) == len(before) + 1
    assert after[0].action == AuditAction.VIEW and after[0].object_id == str(case_id)
    assert data.tabs.events == after
    # The same rows the services give one by one.
    assert data.tabs.history == minutes.case_history(store, case_id)
    assert data.tabs.history and data.tabs.history[0].advice is not None
    assert data.tabs.actions == actions.list_actions(store, case_id=case_id, include_done=True)
    assert {a.description for a in data.tabs.actions} >= {"Leerplichtdossier bijwerken"}
    assert data.participants == people.list_participants(store, include_archived=True)
    assert data.retention == RetentionTerm(19)
    assert data.record.retention_date == data.retention.until(data.record.birth_date)


def test_a_new_case_needs_one_read_and_logs_nothing(store: Store, scenario: Scenario) -> None:
    settings.set_setting(store, "retention_years", 25)
    count = len(audit.list_events(store))
    with counting_transactions(store) as begun:
        data = case_form.new_case(store)
    assert len(begun) == 1
    assert data.record is None and data.tabs is None
    assert data.retention == RetentionTerm(25)
    assert [p.id for p in data.participants] == [
        p.id for p in people.list_participants(store, include_archived=True)
    ]
    assert len(audit.list_events(store)) == count


def test_the_tabs_again_after_a_save_are_one_read_and_not_a_view(
    store: Store, scenario: Scenario
) -> None:
    case_id, number = scenario.case_ids[1], scenario.case_numbers[1]
    count = len(audit.list_events(store, case_number=number))
    with counting_transactions(store) as begun:
        tabs = case_form.case_tabs(store, case_id)
    assert len(begun) == 1
    assert len(tabs.events) == count
    assert tabs.history[0].amendments  # the correction made at the next meeting
    with pytest.raises(BadInput, match="bestaat niet"):
        case_form.case_tabs(store, 9999)
    with pytest.raises(BadInput, match="bestaat niet"):
        case_form.open_case(store, 9999)


def test_the_case_record_and_the_form_follow_the_retention_setting(
    store: Store, scenario: Scenario
) -> None:
    case_id = scenario.case_ids[0]
    birth = cases.get_case(store, case_id).birth_date
    for years in (25, 19, 7):
        settings.set_setting(store, "retention_years", years)
        data = case_form.open_case(store, case_id)
        expected = date(birth.year + years, birth.month, birth.day)
        assert data.retention.until(birth) == expected
        assert data.record is not None and data.record.retention_date == expected
        assert cases.get_case(store, case_id).retention_date == expected
        # Every service that hands out a whole case uses the same term.
        record = cases.update_case(store, case_id, data.record.to_input())
        assert record.retention_date == expected
