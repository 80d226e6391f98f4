"""The demo store keeps to the rules it demonstrates (issue 11, "What must be true").

Every demo case passes `domain.plausibility.check` (Lpw art. 3, 3a, 3b, 4b, 5, 7, 11, 15 as
that module reads them), exemptions start on or after the leerplicht (art. 3 lid 1; a child not
yet leerplichtig has one only as a first notice, art. 6 lid 2 onder a), 5 onder a cases carry
the art. 7 statement, and the minutes' advice and decision agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from casusoverleg.domain.enums import Advice, ExemptionGround
from casusoverleg.domain.leerplicht import leerplicht_start
from casusoverleg.domain.plausibility import check
from casusoverleg.services import accounts, agenda, cases
from casusoverleg.services.demo import populate_demo
from casusoverleg.services.demo_meetings import populate_demo_meetings
from casusoverleg.services.store import Store
from casusoverleg.store.models import Case, MinutesEntry
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

# Two days in different halves of the school year (before and after 1 July).
DAYS = (date(2026, 10, 15), date(2027, 6, 20))
CASES = 150  # enough for every ground many times; the store takes a few seconds


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, date]]:
    """A demo store of CASES cases with its meetings, made as if today were DAYS[0]."""
    today = DAYS[0]
    folder = tmp_path_factory.mktemp("demo")
    store, _recovery = make_store(folder)
    try:
        populate_demo(store, cases=CASES, today=today)
        populate_demo_meetings(store, today=today)
    finally:
        store.close()
    opened = accounts.unlock(folder / "casusoverleg.db", ACCOUNT, PASSPHRASE)
    yield opened, today
    accounts.lock(opened)


def all_cases(store: Store) -> list[Case]:
    """Every case row (detached), read in one transaction."""
    with store.read() as session:
        rows = list(session.scalars(select(Case).order_by(Case.id)))
        session.expunge_all()
        return rows


def test_lpw_plausibility_finds_nothing_in_any_demo_case(demo_store: tuple[Store, date]) -> None:
    """Lpw art. 3a, 3b, 4b, 5/3 lid 1, 7, 11 and 15: `plausibility.check` is empty for all."""
    store, _today = demo_store
    assert_plausible(store)


def test_lpw_plausibility_holds_for_a_demo_made_after_1_july(tmp_path: Path) -> None:
    """The same rules for a demo made late in the school year (cases only, no meetings)."""
    store, _recovery = make_store(tmp_path)
    try:
        populate_demo(store, cases=CASES, today=DAYS[1])
        assert_plausible(store)
        assert_exemptions_after_leerplicht_start(store, DAYS[1])
    finally:
        store.close()


def assert_plausible(store: Store) -> None:
    """`plausibility.check` finds nothing in any case of `store`."""
    with store.read() as session:
        region = cases.region_of(session)
    found = {
        case.case_number: [
            f.code for f in check(cases.law_facts_of(case), case.registered_on, region)
        ]
        for case in all_cases(store)
    }
    assert {number: codes for number, codes in found.items() if codes} == {}


def test_lpw_art3_art6_exemption_never_before_the_leerplicht(
    demo_store: tuple[Store, date],
) -> None:
    """Lpw art. 3 lid 1, art. 6 lid 2 onder a: before the leerplicht only as a first notice."""
    store, today = demo_store
    assert_exemptions_after_leerplicht_start(store, today)


def assert_exemptions_after_leerplicht_start(store: Store, today: date) -> None:
    """Every exemption starts on or after the leerplicht; one is a first notice."""
    exempted = [c for c in all_cases(store) if c.exemption_from is not None]
    assert exempted
    first_notices = 0
    for case in exempted:
        start = leerplicht_start(case.birth_date)
        assert case.exemption_from is not None and case.exemption_from >= start
        assert case.exemption_until is not None and case.exemption_until >= case.exemption_from
        assert ExemptionGround(case.ground).is_art5
        first_notices += start > today
    assert first_notices >= 1  # a child not yet leerplichtig, with its first notice


def test_lpw_art7_most_5a_cases_have_the_statement_a_few_not_one_never_fit(
    demo_store: tuple[Store, date],
) -> None:
    """Lpw art. 7 (statement of arts, pedagoog or psycholoog, not treating, ≤ 3 months old)
    and art. 6 lid 3 (never fit for school: no yearly notice)."""
    store, today = demo_store
    art5a = [c for c in all_cases(store) if c.ground == str(ExemptionGround.ART5_A)]
    with_statement = [c for c in art5a if c.expert_statement_on is not None]
    assert len(with_statement) >= 0.7 * len(art5a)
    assert len(art5a) - len(with_statement) >= 1
    assert any(c.never_fit for c in with_statement)
    for case in with_statement:
        assert case.expert_name and case.expert_profession and case.expert_not_treating
        assert case.exemption_from is not None and case.expert_statement_on is not None
        assert case.expert_statement_on <= today
        assert case.exemption_from - relativedelta(months=3) <= case.expert_statement_on
    assert not any(c.never_fit for c in art5a if c.expert_statement_on is None)
    # The statement that is missing shows: the agenda proposal gives that reason.
    with store.read() as session:
        reasons = agenda.reasons_on(session, today)
    missing = [c.id for c in art5a if c.expert_statement_on is None and c.status != "AFGESLOTEN"]
    if missing:
        assert any(
            agenda.ProposalReason.VERKLARING in reasons.get(case_id, []) for case_id in missing
        )


def test_thuiszitters_enrolled_a_few_not_a_few_back_at_school(
    demo_store: tuple[Store, date],
) -> None:
    store, _today = demo_store
    rows = all_cases(store)
    home = [c for c in rows if c.ground == str(ExemptionGround.THUISZITTER)]
    enrolled = [c for c in home if c.enrolled]
    not_enrolled = [c for c in home if c.enrolled is False]
    assert len(enrolled) > len(not_enrolled) >= 1  # absoluut verzuim: a few
    assert all(c.school == "" and c.enrolled_since is None for c in not_enrolled)
    back = [c for c in home if c.back_at_school_on is not None]
    assert back
    for case in back:
        assert case.absent_since is not None and case.absent_since <= case.back_at_school_on
    # Parents involved and child heard on most cases (the seeds' aims).
    assert sum(bool(c.parents_involved_on and c.parents_involved_how) for c in rows) > 0.7 * len(
        rows
    )
    assert sum(c.child_heard_on is not None for c in rows) > 0.6 * len(rows)


FORBIDDEN = {
    # advice: words its decision must not contain (they belong to another advice)
    Advice.AANHOUDEN: ("terugleiding", "vrijstelling", "deeltijdrooster"),
    Advice.VRIJSTELLING_PASSEND: ("uitkomst van het onderzoek", "terugleiding", "aanhouden"),
    Advice.TERUGLEIDINGSTRAJECT: ("vrijstelling", "aanhouden"),
    Advice.NADER_ONDERZOEK: ("vrijstelling", "terugleiding"),
    Advice.DEELTIJDROOSTER: ("vrijstelling", "aanhouden"),
    Advice.ONDERWIJS_ZORGARRANGEMENT: ("vrijstelling", "aanhouden"),
}


def test_afvoerputje_demo_advice_and_decision_agree_and_exemptions_weigh_alternatives(
    demo_store: tuple[Store, date],
) -> None:
    store, _today = demo_store
    with store.read() as session:
        entries = list(
            session.scalars(select(MinutesEntry).where(MinutesEntry.advice.is_not(None)))
        )
        pairs = [(Advice(e.advice), e.decision, e.alternatives) for e in entries if e.advice]
    assert len({advice for advice, _d, _a in pairs}) >= 3
    for advice, decision, alternatives in pairs:
        lowered = decision.lower()
        assert not any(word in lowered for word in FORBIDDEN.get(advice, ())), (advice, decision)
        assert bool(alternatives) is (advice is Advice.VRIJSTELLING_PASSEND), (advice, alternatives)


def test_the_default_demo_of_40_cases_shows_each_new_field(tmp_path: Path) -> None:
    store, _recovery = make_store(tmp_path)
    try:
        populate_demo(store, cases=40, today=DAYS[0])
        rows = all_cases(store)
    finally:
        store.close()
    art5a = [c for c in rows if c.ground == str(ExemptionGround.ART5_A)]
    assert any(c.expert_statement_on is not None for c in art5a)
    assert any(c.expert_statement_on is None for c in art5a)
    assert any(c.never_fit for c in art5a)
    assert any(c.enrolled is False for c in rows)
    assert any(c.back_at_school_on is not None for c in rows)
    assert any(c.exemption_from is not None for c in rows)
