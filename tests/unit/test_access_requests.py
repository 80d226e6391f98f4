"""Inzageverzoeken (AVG art. 15): deadline one month after receipt, extension, answer, log."""

from __future__ import annotations

from datetime import date

import pytest

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import access_requests, audit, cases
from casusoverleg.services.access_requests import (
    extend_request,
    extended_deadline,
    first_deadline,
    list_requests,
    mark_answered,
    open_requests,
    record_request,
)
from casusoverleg.services.dashboard import dashboard
from casusoverleg.services.store import Store
from tests.helpers.stores import sample_case

TODAY = date(2026, 11, 25)


def _case(store: Store, first: str = "Sanne", last: str = "de Vries") -> tuple[int, str]:
    record = cases.create_case(store, sample_case(first, last), today=TODAY)
    return record.id, record.case_number


def _record(store: Store, case_id: int, received: date, **kwargs: object) -> int:
    values: dict[str, object] = {
        "received_on": received,
        "requested_by": "Mevr. De Vries",
        "relation": "ouder/verzorger",
        "today": TODAY,
    }
    values.update(kwargs)
    return record_request(store, case_id, **values).id  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("received", "due", "extended"),
    [
        (date(2026, 3, 15), date(2026, 4, 15), date(2026, 6, 15)),
        # A month ending on a day the next month lacks: its last day (relativedelta).
        (date(2026, 1, 31), date(2026, 2, 28), date(2026, 4, 30)),
        (date(2028, 1, 31), date(2028, 2, 29), date(2028, 4, 30)),  # leap year
        (date(2026, 12, 20), date(2027, 1, 20), date(2027, 3, 20)),  # over the year's end
    ],
)
def test_deadlines_are_calendar_months_after_receipt(
    received: date, due: date, extended: date
) -> None:
    assert first_deadline(received) == due
    assert extended_deadline(received) == extended


def test_a_request_is_stored_with_its_deadline_and_logged(store: Store) -> None:
    case_id, number = _case(store)
    info = record_request(
        store,
        case_id,
        received_on=date(2026, 11, 10),
        requested_by="  Mevr.  De Vries ",
        relation="ouder/verzorger",
        note="Per brief, wil een kopie.",
        today=TODAY,
    )
    assert info.deadline == date(2026, 12, 10)
    assert info.requested_by == "Mevr. De Vries"
    assert info.is_open and not info.is_extended
    assert info.created_by == store.account
    assert list_requests(store, case_id) == [info]
    logged = [
        e for e in audit.list_events(store, case_number=number) if e.object_type == "inzageverzoek"
    ]
    assert [e.action for e in logged] == [AuditAction.VIEW, AuditAction.CREATE]
    assert "10-12-2026" in logged[1].detail
    assert "Vries" not in logged[1].detail  # who asked stays out of the log


@pytest.mark.parametrize(
    ("received", "requested_by", "relation", "message"),
    [
        (date(2026, 11, 26), "Mevr. De Vries", "ouder/verzorger", "toekomst"),
        (None, "Mevr. De Vries", "ouder/verzorger", "ontvangst"),
        (date(2026, 11, 20), "   ", "ouder/verzorger", "wie om inzage"),
        (date(2026, 11, 20), "Mevr. De Vries", "buurvrouw", "relatie"),
        (date(2026, 11, 20), "x" * 201, "anders", "200"),
    ],
)
def test_a_wrong_request_is_refused_in_dutch(
    store: Store, received: date | None, requested_by: str, relation: str, message: str
) -> None:
    case_id, _ = _case(store)
    with pytest.raises(BadInput, match=message):
        record_request(
            store,
            case_id,
            received_on=received,
            requested_by=requested_by,
            relation=relation,
            today=TODAY,
        )
    assert list_requests(store, case_id) == []


def test_a_request_for_a_missing_case_is_refused(store: Store) -> None:
    with pytest.raises(BadInput, match="bestaat niet"):
        _record(store, 999, date(2026, 11, 1))


def test_extension_needs_a_reason_and_gives_three_months(store: Store) -> None:
    case_id, number = _case(store)
    request_id = _record(store, case_id, date(2026, 11, 10))
    with pytest.raises(BadInput, match="reden"):
        extend_request(store, request_id, "  ", today=TODAY)
    info = extend_request(store, request_id, "Veel stukken van drie organisaties", today=TODAY)
    assert info.deadline == date(2027, 2, 10)
    assert info.is_extended
    with pytest.raises(BadInput, match="al verlengd"):
        extend_request(store, request_id, "Nog meer", today=TODAY)
    details = [e.detail for e in audit.list_events(store, case_number=number)]
    assert any("verlengd tot 10-02-2027" in d for d in details)


def test_extension_only_within_the_first_month(store: Store) -> None:
    case_id, _ = _case(store)
    request_id = _record(store, case_id, date(2026, 10, 25))  # first deadline 25-11-2026
    assert list_requests(store, case_id)[0].can_extend(TODAY)  # the last day it may
    with pytest.raises(BadInput, match="binnen een maand"):
        extend_request(store, request_id, "Complex", today=date(2026, 11, 26))
    assert not list_requests(store, case_id)[0].can_extend(date(2026, 11, 26))


def test_answering_closes_the_request(store: Store) -> None:
    case_id, number = _case(store)
    request_id = _record(store, case_id, date(2026, 11, 10))
    with pytest.raises(BadInput, match="toekomst"):
        mark_answered(store, request_id, date(2026, 11, 26), today=TODAY)
    with pytest.raises(BadInput, match="vóór de ontvangst"):
        mark_answered(store, request_id, date(2026, 11, 9), today=TODAY)
    info = mark_answered(store, request_id, date(2026, 11, 20), today=TODAY)
    assert info.answered_on == date(2026, 11, 20) and not info.is_open
    assert not info.can_extend(TODAY)
    with pytest.raises(BadInput, match="al beantwoord"):
        mark_answered(store, request_id, date(2026, 11, 21), today=TODAY)
    with pytest.raises(BadInput, match="al beantwoord"):
        extend_request(store, request_id, "Te laat bedacht", today=TODAY)
    assert open_requests(store) == []
    details = [e.detail for e in audit.list_events(store, case_number=number)]
    assert any("beantwoord op 20-11-2026, binnen de termijn" in d for d in details)


def test_open_requests_across_the_store_with_initials_and_days(store: Store) -> None:
    sanne, sanne_number = _case(store, "Sanne", "de Vries")
    daan, daan_number = _case(store, "Daan", "Jansen")
    late = _record(store, daan, date(2026, 10, 1))  # due 01-11-2026: 24 days late
    soon = _record(store, sanne, date(2026, 11, 20))  # due 20-12-2026: 25 days left
    answered = _record(store, sanne, date(2026, 11, 1))
    mark_answered(store, answered, date(2026, 11, 2), today=TODAY)

    found = open_requests(store)
    assert [r.id for r in found] == [late, soon]  # earliest deadline first
    first, second = found
    assert (first.case_number, first.initials) == (daan_number, "D. J.")
    assert first.days_left(TODAY) == -24
    assert (second.case_number, second.initials) == (sanne_number, "S. de V.")
    assert second.days_left(TODAY) == 25

    board = dashboard(store, TODAY)
    assert board.access_requests == found


def test_relations_offered() -> None:
    assert access_requests.RELATIONS == (
        "ouder/verzorger",
        "jongere zelf",
        "wettelijk vertegenwoordiger",
        "anders",
    )
