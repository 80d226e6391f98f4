"""Case service rules that a user meets when editing a case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from casusoverleg.domain.enums import CaseStatus
from casusoverleg.services import cases, settings
from casusoverleg.services.store import Store
from tests.helpers.stores import sample_case


def test_reopening_a_closed_case_clears_its_closing_date(store: Store) -> None:
    created = cases.create_case(store, sample_case())
    closed = cases.close_case(store, created.id, on=date(2026, 10, 1))
    assert closed.closed_on == date(2026, 10, 1)
    reopened = cases.update_case(
        store, created.id, replace(closed.to_input(), status=CaseStatus.IN_BEHANDELING)
    )
    assert reopened.status == CaseStatus.IN_BEHANDELING
    assert reopened.closed_on is None


def test_saving_a_case_as_closed_gives_it_a_closing_date(store: Store) -> None:
    created = cases.create_case(store, sample_case())
    saved = cases.update_case(
        store, created.id, replace(created.to_input(), status=CaseStatus.AFGESLOTEN)
    )
    assert saved.closed_on is not None


def test_every_whole_case_has_the_retention_date_of_the_setting(store: Store) -> None:
    settings.set_setting(store, "retention_years", 25)
    created = cases.create_case(store, sample_case(birth_date=date(2014, 3, 12)))
    assert created.retention_date == date(2039, 3, 12)
    assert cases.get_case(store, created.id).retention_date == date(2039, 3, 12)
    settings.set_setting(store, "retention_years", 19)
    assert cases.close_case(store, created.id).retention_date == date(2033, 3, 12)
