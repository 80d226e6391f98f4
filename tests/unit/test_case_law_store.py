"""The law's rules through the case service, on a real encrypted store: new fields kept,
plausibility findings confirmed per case, the region setting honoured, migration 0005."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from casusoverleg.domain.enums import AuditAction, ExemptionGround, ExpertProfession
from casusoverleg.domain.leerplicht import LeerplichtStatus
from casusoverleg.domain.thuiszitter import ThuiszitterSignal
from casusoverleg.services import accounts, audit, cases, settings
from casusoverleg.services.cases import CaseFilter, NeedsConfirmation
from casusoverleg.services.store import Store
from casusoverleg.store.engine import make_engine
from casusoverleg.store.migrate import alembic_config
from casusoverleg.store.models import Account
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case

# Each test runs on an embedded store and on a store on a PostgreSQL server (issue 15).
pytestmark = pytest.mark.both_kinds

TODAY = date(2026, 12, 1)


def test_new_fields_are_kept_and_read_back(store: Store) -> None:
    data = sample_case(
        ground=ExemptionGround.ART5_A,
        exemption_from=date(2026, 9, 1),
        exemption_until=date(2027, 7, 31),
        enrolled=False,
        expert_name="dr. A. Visser",
        expert_profession=ExpertProfession.ARTS,
        expert_statement_on=date(2026, 8, 15),
        expert_not_treating=True,
        parents_involved_on=date(2026, 8, 20),
        parents_involved_how="gesprek op school",
        child_heard_on=date(2026, 9, 3),
    )
    record = cases.create_case(store, data, today=TODAY)
    again = cases.get_case(store, record.id, today=TODAY)
    assert again.to_input() == replace(cases.normalised(data), case_number=again.case_number)
    assert again.law is not None and not again.law.statement_missing


def test_lpw_art15_at_age_10_needs_confirmation_and_keeps_it(store: Store) -> None:
    data = sample_case(ground=ExemptionGround.ART15, birth_date=date(2016, 5, 1))
    with pytest.raises(NeedsConfirmation) as refused:
        cases.create_case(store, data, today=TODAY)
    assert [f.code for f in refused.value.findings] == ["ART15_LEEFTIJD"]
    assert "art. 15" in str(refused.value) and "Bevestig" in str(refused.value)
    assert cases.count_cases(store) == 0  # nothing saved

    confirmed = cases.confirmed_codes_for(data, refused.value.findings)
    record = cases.create_case(store, confirmed, today=TODAY)
    assert record.confirmed_rules == "ART15_LEEFTIJD"
    # Saving again (another field changed) does not ask again.
    changed = cases.update_case(
        store, record.id, replace(record.to_input(), school="Anders"), today=TODAY
    )
    assert changed.school == "Anders"


def test_a_new_finding_after_a_change_asks_again(store: Store) -> None:
    data = sample_case(ground=ExemptionGround.ART15, birth_date=date(2016, 5, 1))
    with pytest.raises(NeedsConfirmation) as refused:
        cases.create_case(store, data, today=TODAY)
    record = cases.create_case(
        store, cases.confirmed_codes_for(data, refused.value.findings), today=TODAY
    )
    adult = replace(record.to_input(), birth_date=date(2005, 1, 1))
    with pytest.raises(NeedsConfirmation) as again:
        cases.update_case(store, record.id, adult, today=TODAY)
    assert [f.code for f in again.value.findings] == ["NIET_MEER_PLICHTIG"]


def test_dates_in_the_wrong_order_are_field_errors(store: Store) -> None:
    data = sample_case(
        exemption_from=date(2026, 9, 1),
        exemption_until=date(2026, 8, 1),
        absent_since=date(2026, 5, 1),
        back_at_school_on=date(2026, 4, 1),
        enrolled=False,
        enrolled_since=date(2026, 1, 1),
    )
    with pytest.raises(cases.ValidationError) as refused:
        cases.create_case(store, data, today=TODAY)
    assert set(refused.value.errors) == {"exemption_until", "back_at_school_on", "enrolled_since"}


def test_lpw_art3_the_region_setting_decides_the_first_school_day(store: Store) -> None:
    # Born 2021-07-10: 5 on 2026-07-10, leerplicht from the first school day of August 2026.
    # Summer holiday 2026: Noord 4 July – 16 August, Zuid 11 July – 23 August (the holidays
    # package's Regeling schoolvakanties), so the regions start on different Mondays.
    data = sample_case(ground=ExemptionGround.PREVENTIEF, birth_date=date(2021, 7, 10))
    record = cases.create_case(store, data, today=TODAY)
    noord = record.law
    settings.set_setting(store, "region", "zuid")
    zuid = cases.get_case(store, record.id, today=TODAY).law
    assert noord is not None and zuid is not None
    assert noord.leerplicht_from == date(2026, 8, 17)
    assert zuid.leerplicht_from == date(2026, 8, 24)


def test_thuiszitter_filter_follows_the_leerplicht(store: Store) -> None:
    young = cases.create_case(
        store,
        sample_case(
            "Mila",
            ground=ExemptionGround.THUISZITTER,
            birth_date=date(2021, 10, 3),
            absent_since=date(2026, 4, 8),
        ),
        today=TODAY,
    )
    older = cases.create_case(
        store,
        sample_case(
            "Ruben",
            ground=ExemptionGround.THUISZITTER,
            birth_date=date(2014, 10, 3),
            absent_since=date(2026, 4, 8),
        ),
        today=TODAY,
    )
    assert young.leerplicht == LeerplichtStatus.LEERPLICHTIG
    assert young.thuiszitter == ThuiszitterSignal.VIER_WEKEN
    found = cases.list_cases(
        store, CaseFilter(thuiszitter=ThuiszitterSignal.DRIE_MAANDEN, today=TODAY)
    )
    assert [row.id for row in found] == [older.id]


def test_migration_0005_keeps_cases_and_makes_old_accounts_beheerder(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    cases.create_case(store, sample_case(case_number="2026-0001"), today=TODAY)
    path, key = store.path, store.key
    accounts.lock(store)
    engine = make_engine(path, key)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
    finally:
        engine.dispose()

    reopened = accounts.unlock(path, ACCOUNT, PASSPHRASE)  # upgrades to 0005
    try:
        record = cases.get_case(reopened, cases.find_case_id(reopened, "2026-0001"), today=TODAY)
        assert (record.exemption_from, record.enrolled, record.expert_name) == (None, None, "")
        assert record.never_fit is False and record.confirmed_rules == ""
        with reopened.read() as session:
            assert session.scalars(select(Account.role)).all() == ["BEHEERDER"]
    finally:
        accounts.lock(reopened)


def test_a_search_logs_how_long_the_text_was_not_the_name(store: Store) -> None:
    # The log is hash-chained and kept; a typed child's name in it would outlive the case
    # (also a case destroyed after its retention term).
    cases.create_case(store, sample_case("Yasmina", "Oudeboer"), today=TODAY)
    cases.list_cases(store, CaseFilter(text="Oudeboer", today=TODAY))
    line = [e for e in audit.list_events(store) if e.action == AuditAction.SEARCH][-1]
    assert "Oudeboer" not in line.detail
    assert line.detail == "1 gevonden; {'text': '8 tekens'}"
