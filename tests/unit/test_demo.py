"""The demo store: every ground and status, the core teams, reproducible from a seed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from casusoverleg.domain.enums import CORE_TEAMS, CaseStatus, ExemptionGround, Team
from casusoverleg.domain.thuiszitter import ThuiszitterSignal, thuiszitter_signal
from casusoverleg.services import accounts, audit, cases, demo, people
from casusoverleg.services.store import Store
from tests.helpers.stores import make_store

TODAY = date(2026, 10, 15)


def snapshot(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[str, str, str]]]:
    """Cases and participants without ids and clock times, to compare two stores."""
    rows = [
        (
            r.case_number,
            r.first_name,
            r.last_name,
            r.birth_date,
            r.school,
            r.ground,
            r.status,
            r.registered_on,
            r.owner_name,
            r.review_date,
            r.absent_since,
            r.closed_on,
        )
        for r in cases.list_cases(store, log_search=False)
    ]
    persons = [(p.name, p.organisation_name, p.function) for p in people.list_participants(store)]
    return rows, persons


def test_all_grounds_and_statuses_are_present(store: Store) -> None:
    demo.populate_demo(store, cases=40, today=TODAY)
    rows = cases.list_cases(store, log_search=False)
    assert len(rows) == 40
    assert {r.ground for r in rows} == set(ExemptionGround)
    assert {r.status for r in rows} == set(CaseStatus)


def test_even_nine_cases_show_every_ground(store: Store) -> None:
    demo.populate_demo(store, cases=9, today=TODAY)
    rows = cases.list_cases(store, log_search=False)
    assert {r.ground for r in rows} == set(ExemptionGround)
    assert {r.status for r in rows} == set(CaseStatus)


def test_four_core_teams_with_two_or_three_people(store: Store) -> None:
    demo.populate_demo(store, cases=0, today=TODAY)
    orgs = people.list_organisations(store)
    core = [o for o in orgs if o.team.is_core]
    assert sorted(o.team for o in core) == sorted(CORE_TEAMS)
    assert {o.name for o in core} == {
        "Team Leerplicht Zwolle",
        "Sociaal Wijkteam Zwolle",
        "Samenwerkingsverband Zwolle e.o.",
        "Orthopedagogisch adviesbureau",
    }
    per_team = Counter(p.team for p in people.list_participants(store))
    for team in CORE_TEAMS:
        assert 2 <= per_team[team] <= 3, team
    assert cases.count_cases(store) == 0


def test_schools_and_care_providers_come_from_the_resource_files(store: Store) -> None:
    schools = demo.demo_schools()
    providers = demo.demo_care_providers()
    assert len(schools) >= 5
    assert len(providers) >= 3
    assert all(name == name.strip() and name for name in [*schools, *providers])
    assert len(set(schools)) == len(schools)
    demo.populate_demo(store, cases=30, today=TODAY)
    orgs = people.list_organisations(store)
    assert sorted(o.name for o in orgs if o.team == Team.SCHOOL) == sorted(schools)
    assert sorted(o.name for o in orgs if o.team == Team.ZORGAANBIEDER) == sorted(providers)
    used = {r.school for r in cases.list_cases(store, log_search=False)} - {""}
    assert used <= set(schools)


def test_cases_look_like_a_real_group(store: Store) -> None:
    demo.populate_demo(store, cases=200, today=TODAY)
    rows = cases.list_cases(store, log_search=False)
    owners = {p.id: p.team for p in people.list_participants(store)}
    for row in rows:
        # Between 4 and 18 years old today.
        assert TODAY - relativedelta(years=18) < row.birth_date < TODAY - relativedelta(years=4)
        assert row.registered_on <= TODAY
        assert row.owner_id is not None
        assert owners[row.owner_id] in (Team.LEERPLICHT, Team.SOCIAAL_WIJKTEAM)
        assert (row.closed_on is not None) == (row.status == CaseStatus.AFGESLOTEN)
        if row.closed_on:
            assert row.registered_on <= row.closed_on <= TODAY
    thuis = [r for r in rows if r.ground == ExemptionGround.THUISZITTER]
    assert all(r.absent_since is not None for r in thuis)
    signals = Counter(thuiszitter_signal(r.absent_since, TODAY) for r in thuis)
    assert signals[ThuiszitterSignal.VIER_WEKEN] > 0
    assert signals[ThuiszitterSignal.DRIE_MAANDEN] > 0
    for row in rows:
        if row.ground.is_art5:
            record = cases.get_case(store, row.id, today=TODAY)
            assert record.exemption_until == date(2027, 7, 31)
            assert record.review_date is not None
    assert any(r.review_date for r in rows if r.ground == ExemptionGround.PREVENTIEF)


def test_same_seed_same_store(tmp_path: Path) -> None:
    first, _ = make_store(tmp_path, "een.db")
    second, _ = make_store(tmp_path, "twee.db")
    third, _ = make_store(tmp_path, "drie.db")
    try:
        demo.populate_demo(first, cases=60, seed=7, today=TODAY)
        demo.populate_demo(second, cases=60, seed=7, today=TODAY)
        demo.populate_demo(third, cases=60, seed=8, today=TODAY)
        assert snapshot(first) == snapshot(second)
        assert snapshot(first) != snapshot(third)
    finally:
        for store in (first, second, third):
            store.close()


def test_batches_are_one_consistent_store(store: Store) -> None:
    demo.populate_demo(store, cases=demo._BATCH + 5, today=TODAY)
    rows = cases.list_cases(store, log_search=False)
    assert len(rows) == demo._BATCH + 5
    assert len({r.case_number for r in rows}) == len(rows)
    assert audit.verify_chain(store).ok


def test_create_demo_store_opens_with_demo_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    store = demo.create_demo_store(path, cases=12)
    try:
        assert store.is_demo
        assert store.account == "demo"
        assert cases.count_cases(store) == 12
    finally:
        store.close()
    again = accounts.unlock(path, "demo", "demo")
    try:
        assert again.is_demo
        assert cases.count_cases(again) == 12
    finally:
        again.close()
