"""Reading a server store: every read service shows plain text, never a sealed "z1:" value.

The store is built through the services (tests/helpers/scenario.py: cases, a held meeting with
minutes and actions, an agenda for the next one); the children's names must come back opened
from every list and view, a search by name must find them (in the client: the server holds
only sealed values), and the server itself must hold none of the names.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, union
from sqlalchemy.orm import aliased

from casusoverleg.services import (
    access_requests,
    accounts,
    actions,
    agenda,
    case_overview,
    cases,
    dashboard,
    documents,
    exports,
    logbook,
    minutes,
    reports,
    retention,
)
from casusoverleg.services.cases import CaseFilter
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.services.store import Store
from casusoverleg.services.views import case_form, meeting_mode, meeting_page
from casusoverleg.store.keyslots import FAST_KDF
from casusoverleg.store.models import ActionItem, AgendaItem, Base, Case
from casusoverleg.store.sealed import PREFIX, SEALED_COLUMNS
from tests.helpers import scenario
from tests.helpers.postgres import PgServer
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case

TODAY = date(2026, 3, 16)


@pytest.fixture(scope="module")
def template(pg_server: PgServer) -> tuple[str, scenario.Scenario]:
    """A server store with the scenario, built once per module (about 2.5 s) and copied."""
    name = f"lezen_{uuid.uuid4().hex[:8]}"
    created = init_server_store(pg_server.create_database(name), ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    try:
        built = scenario.build(created.store, today=TODAY)
    finally:
        accounts.lock(created.store)
        created.store.engine.dispose()  # a template database takes no connections
    return name, built


@pytest.fixture
def store(request: pytest.FixtureRequest, pg_server: PgServer, pg_url: str) -> Iterator[Store]:
    """A new server store; with the scenario (a copy of the template) for tests using `built`."""
    if "built" in request.fixturenames:
        name, _built = request.getfixturevalue("template")
        url = pg_server.copy_database(name, f"kopie_{uuid.uuid4().hex[:8]}")
        opened = unlock_server(url, ACCOUNT, PASSPHRASE)
    else:
        opened = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store
    yield opened
    accounts.lock(opened)


@pytest.fixture
def built(template: tuple[str, scenario.Scenario]) -> scenario.Scenario:
    return template[1]


def _plain(value: object) -> None:
    assert PREFIX not in repr(value)


def test_the_case_list_shows_the_names_opened(store: Store, built: scenario.Scenario) -> None:
    rows = cases.list_cases(store, log_search=False)
    _plain(rows)
    assert [(r.first_name, r.last_name) for r in rows] == [
        (first, last) for first, last, _ in scenario.CHILDREN
    ]
    assert [r.case_number for r in rows] == built.case_numbers
    assert all(r.birth_date is not None and r.search_text for r in rows)


def test_a_search_by_name_finds_the_child_in_the_client(store: Store) -> None:
    sanne = cases.create_case(store, sample_case("Sanne", "de Vries", case_number="2026-0002"))
    other = cases.create_case(store, sample_case("Pieter", "Jansen", case_number="2026-0001"))

    def found(typed: str) -> list[int]:
        return [r.id for r in cases.list_cases(store, CaseFilter(text=typed), log_search=False)]

    assert found("sanne") == [sanne.id]
    assert found("de vries") == [sanne.id]
    assert found("SANNE VRIES") == [sanne.id]
    assert found("jansen") == [other.id]
    assert found("2026") == [other.id, sanne.id]  # by casusnummer, as on the embedded store
    assert found("sanne jansen") == []
    assert found("") == [other.id, sanne.id]
    # Logged as on the embedded store: the search is recorded, the typed text is not.
    assert len(cases.list_cases(store, CaseFilter(text="Sanne"))) == 1


def test_a_search_finds_the_same_cases_on_the_server_as_in_a_store_file(
    store: Store, tmp_path: Path
) -> None:
    local, _ = make_store(tmp_path)
    names = [("Sanne", "de Vries"), ("Zoë", "Çelik"), ("Anne-Sophie", "’t Hart"), ("Ömer", "Öz")]
    try:
        for index, (first, last) in enumerate(names):
            for target in (store, local):
                cases.create_case(
                    target, sample_case(first, last, case_number=f"2026-{index + 1:04d}")
                )
        for typed in ["zoe", "ÇELIK", "t hart", "anne sophie", "om", "öz", "s", "2026-0003", "x"]:
            filt = CaseFilter(text=typed)
            on_server = [r.case_number for r in cases.list_cases(store, filt, log_search=False)]
            in_file = [r.case_number for r in cases.list_cases(local, filt, log_search=False)]
            assert on_server == in_file, typed
    finally:
        accounts.lock(local)


def test_a_case_and_its_form_read_plain(store: Store, built: scenario.Scenario) -> None:
    case_id = built.case_ids[0]
    record = cases.get_case(store, case_id, today=TODAY)
    _plain(record)
    assert (record.first_name, record.last_name) == scenario.CHILDREN[0][:2]
    form = case_form.open_case(store, case_id, today=TODAY)
    _plain(form)
    tabs = case_form.case_tabs(store, case_id, today=TODAY)
    _plain(tabs)
    assert "Deeltijdrooster" in repr(tabs)  # the decision in the case's history, opened
    _plain(minutes.case_history(store, case_id))


def test_the_overviews_read_plain(store: Store, built: scenario.Scenario) -> None:
    _plain(dashboard.dashboard(store, TODAY, log_view=False))
    _plain(case_overview.case_statuses(store, TODAY))
    _plain(reports.school_year_report(store, today=TODAY))


def test_actions_agenda_and_minutes_read_plain(store: Store, built: scenario.Scenario) -> None:
    listed = actions.list_actions(store, today=TODAY)
    _plain(listed)
    descriptions = {a.description for a in listed}
    assert "Verslag orthopedagogisch onderzoek opvragen" in descriptions
    initials = {a.case_initials for a in listed if a.case_initials}
    assert initials == {scenario.CHILDREN[0][2], scenario.CHILDREN[1][2]}
    _plain(actions.list_meeting_actions(store, built.held_id))
    _plain(actions.open_actions_for_agenda(store, built.next_id))
    next_agenda = agenda.get_agenda(store, built.next_id)
    _plain(next_agenda)
    assert any(
        item.question and item.question.startswith("Is een vrijstelling")
        for item in next_agenda.items
    )
    _plain(agenda.propose_agenda(store, built.next_id))
    _plain(minutes.get_minutes(store, built.held_id, today=TODAY))


def test_open_access_requests_name_the_child_by_initials(
    store: Store, built: scenario.Scenario
) -> None:
    access_requests.record_request(
        store,
        built.case_ids[2],
        received_on=TODAY,
        requested_by="Moeder van het kind",
        relation="ouder/verzorger",
        today=TODAY,
    )
    requests = access_requests.open_requests(store)
    _plain(requests)
    assert [r.initials for r in requests] == [scenario.CHILDREN[2][2]]
    _plain(access_requests.list_requests(store, built.case_ids[2]))


def test_the_server_holds_none_of_the_names(store: Store, built: scenario.Scenario) -> None:
    with store.engine.connect() as connection:  # a bare connection: nothing is opened
        held = " ".join(
            repr(list(connection.execute(select(Base.metadata.tables[table]))))
            for table in SEALED_COLUMNS
        )
    assert PREFIX in held  # the scenario is there, sealed
    assert "Deeltijdrooster van drie" not in held
    for name in scenario.child_names():
        assert name not in held


def test_selected_columns_open_with_their_row_id_also_through_an_alias(
    store: Store, built: scenario.Scenario
) -> None:
    other = aliased(Case)
    with store.read() as session:
        rows = session.execute(
            select(Case.id, Case.first_name.label("voornaam"), other.id, other.birth_date)
            .join(other, other.id == Case.id)
            .order_by(Case.id)
        ).all()
        assert [row.voornaam for row in rows] == [first for first, _, _ in scenario.CHILDREN]
        assert all(isinstance(row[3], date) for row in rows)
        # Entities with columns: the entity by the load event, the column by the row's id.
        mixed = session.execute(
            select(ActionItem, ActionItem.id, ActionItem.description).order_by(ActionItem.id)
        ).all()
        assert all(action.description == described for action, _, described in mixed)
        inner = select(Case.id, Case.last_name).where(Case.id == built.case_ids[1]).subquery()
        assert session.execute(select(inner.c.last_name, inner.c.id)).one() == (
            scenario.CHILDREN[1][1],
            built.case_ids[1],
        )
        assert session.scalar(select(func.count(Case.school))) == len(scenario.CHILDREN)
        assert (
            session.scalar(select(func.count()).select_from(Case).where(Case.notes.is_(None)))
            is not None
        )


def test_a_select_the_server_cannot_answer_is_a_programming_error(
    store: Store, built: scenario.Scenario
) -> None:
    with store.read() as session:
        with pytest.raises(RuntimeError, match=r"case_file\.first_name .*must also select"):
            session.execute(select(Case.case_number, Case.first_name))
        with pytest.raises(RuntimeError, match=r"agenda_item\.title .*must also select"):
            session.execute(select(AgendaItem.title, Case.id).join(Case))
        with pytest.raises(RuntimeError, match=r"case_file\.search_text is sealed"):
            session.execute(select(Case.id).where(Case.search_text.like("%sanne%")))
        with pytest.raises(RuntimeError, match=r"case_file\.last_name is sealed"):
            session.execute(select(Case).order_by(Case.last_name))
        with pytest.raises(RuntimeError, match=r"action_item\.description is sealed"):
            session.execute(select(ActionItem.status).group_by(ActionItem.description))
        with pytest.raises(RuntimeError, match=r"case_file\.school is sealed .* not a UNION"):
            session.execute(union(select(Case.id, Case.school), select(Case.id, Case.school)))
        with pytest.raises(RuntimeError, match="cannot compute"):
            session.execute(select(Case.id, func.lower(Case.school)))


def test_documents_exports_logbook_and_meeting_views_read_plain(
    store: Store, built: scenario.Scenario, tmp_path: Path
) -> None:
    _plain(documents.agenda_document(store, built.next_id))
    _plain(documents.minutes_document(store, built.held_id, show_names=True, today=TODAY))
    _plain(documents.actions_document(store, group_by="case", include_done=True, today=TODAY))
    dossier = documents.dossier_document(store, built.case_ids[0], today=TODAY)
    _plain(dossier)
    assert scenario.CHILDREN[0][1] in repr(dossier)  # the dossier names the child in full
    _plain(meeting_mode.meeting_mode_view(store, built.held_id, today=TODAY))
    _plain(meeting_page.meeting_page(store, built.next_id))
    _plain(retention.past_retention(store, TODAY))
    page = logbook.read_log(store, logbook.LogQuery())
    _plain(page)
    assert page.entries
    exported = tmp_path / "casussen.csv"
    assert exports.export_cases(store, exported) == len(scenario.CHILDREN)
    sheet = exported.read_text(encoding="utf-8-sig")
    assert PREFIX not in sheet and scenario.CHILDREN[0][0] in sheet
    actions_sheet = tmp_path / "acties.csv"
    exports.export_actions(store, actions_sheet, today=TODAY)
    assert PREFIX not in actions_sheet.read_text(encoding="utf-8-sig")
