"""`cases --json --on D` end to end: the rules' answers per case, agreeing with the Overzicht
and the agenda proposal on the same store and day (one computation, issue 11)."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.services import accounts, agenda, cases, meetings
from casusoverleg.services.dashboard import dashboard
from casusoverleg.services.store import Store
from tests.e2e.test_cli import run
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store, sample_case

ON = date(2027, 5, 18)  # a Tuesday, 6 weeks before the yearly notice of 30 June 2027
G = ExemptionGround


def _add(store: Store, number: str, **kwargs: Any) -> None:
    kwargs.setdefault("registered_on", date(2026, 9, 1))
    cases.create_case(store, sample_case(case_number=number, **kwargs), today=ON)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """The examples of issue 11, and a meeting on ON."""
    store, _ = make_store(tmp_path)
    # Leerplichtig only from 2 November 2026 (Lpw art. 3 lid 1).
    _add(store, "T-01", ground=G.THUISZITTER, birth_date=date(2021, 10, 3),
         absent_since=date(2026, 4, 8), enrolled=True)  # fmt: skip
    # 18 on 5 March 2027 (art. 4b): no longer a thuiszitter on ON.
    _add(store, "T-02", ground=G.THUISZITTER, birth_date=date(2009, 3, 5),
         absent_since=date(2026, 11, 8))  # fmt: skip
    # At home since January, enrolled: past 3 months.
    _add(store, "T-03", ground=G.THUISZITTER, birth_date=date(2014, 2, 2),
         absent_since=date(2027, 1, 11), enrolled=True)  # fmt: skip
    # An exemption in force: not counted.
    _add(store, "T-04", ground=G.THUISZITTER, birth_date=date(2014, 2, 2),
         absent_since=date(2026, 10, 5), exemption_from=date(2027, 1, 4))  # fmt: skip
    # Back at school.
    _add(store, "T-05", ground=G.THUISZITTER, birth_date=date(2014, 2, 2),
         absent_since=date(2026, 10, 5), back_at_school_on=date(2027, 3, 1))  # fmt: skip
    # 18 on 1 March 2027: no "verlenging" (art. 4b, art. 6 lid 2 onder b).
    _add(store, "V-01", ground=G.ART5_A, birth_date=date(2009, 3, 1),
         expert_statement_on=date(2026, 8, 1))  # fmt: skip
    # Not yet leerplichtig: the first notice, due 1 November 2027 (art. 6 lid 2 onder a).
    _add(store, "V-02", ground=G.ART5_A, birth_date=date(2022, 11, 10),
         expert_statement_on=date(2026, 8, 1))  # fmt: skip
    # The yearly notice, within 8 weeks.
    _add(store, "V-03", ground=G.ART5_B, birth_date=date(2014, 2, 2))
    # 5 onder a without an art. 7 statement.
    _add(store, "V-04", ground=G.ART5_A, birth_date=date(2014, 2, 2))
    meetings.add_meeting(store, ON, time(13, 0), 120)
    store.close()
    return store


def test_cases_json_agrees_with_the_overzicht_and_the_agenda_proposal(store: Store) -> None:
    done = run("cases", "--json", "--on", ON.isoformat(), env=cli_env(store.path))
    assert done.returncode == 0, done.stderr
    rows = {row["casusnummer"]: row for row in json.loads(done.stdout)}

    # The examples, as the issue asks.
    assert rows["T-01"]["leerplicht_vanaf"] == "2026-11-02"
    assert rows["T-01"]["thuiszitter"] == "3 maanden"  # from 2 November, not from April
    assert rows["T-01"]["dagen_thuis"] == (ON - date(2026, 11, 2)).days
    assert rows["T-02"]["leerplicht"] == "niet meer leerplichtig"
    assert rows["T-02"]["thuiszitter"] is None
    assert rows["T-04"]["thuiszitter"] is None and rows["T-04"]["vrijstelling_loopt"]
    assert rows["T-05"]["thuiszitter"] is None
    assert rows["V-01"]["kennisgeving_uiterlijk"] is None
    assert rows["V-02"]["leerplicht"] == "nog niet leerplichtig"
    assert rows["V-02"]["kennisgeving_uiterlijk"] == "2027-11-01"
    assert rows["V-03"]["kennisgeving_uiterlijk"] == "2027-06-30"
    assert rows["V-04"]["verklaring_art7_ontbreekt"] is True
    assert {"grond", "status", "bewaren_tot", "agenda_redenen"} <= set(rows["V-04"])

    # The Overzicht and the agenda proposal on the same day and store.
    reopened = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
    try:
        _agrees_with_the_screens(reopened, rows)
    finally:
        accounts.lock(reopened)


def _agrees_with_the_screens(reopened: Store, rows: dict[str, Any]) -> None:
    board = dashboard(reopened, ON, log_view=False)
    signalled = {
        **{s.case_number: "4 weken" for s in board.thuiszitters_four_weeks},
        **{s.case_number: "3 maanden" for s in board.thuiszitters_three_months},
    }
    assert signalled == {n: r["thuiszitter"] for n, r in rows.items() if r["thuiszitter"]}
    renewals = {s.case_number: s.on.isoformat() for s in board.renewals}
    assert renewals == {
        n: r["kennisgeving_uiterlijk"]
        for n, r in rows.items()
        if r["kennisgeving_uiterlijk"]
        and r["kennisgeving_uiterlijk"] <= board.renewal_deadline.isoformat()
    }
    assert renewals  # the comparison is not between two empty sets

    # The agenda proposal for the meeting on that day.
    meeting_id = meetings.list_meetings(reopened)[0].id
    proposed = {p.case_number: [r.label for r in p.reasons] for p in agenda.propose_agenda(
        reopened, meeting_id)}  # fmt: skip
    assert proposed == {n: r["agenda_redenen"] for n, r in rows.items() if r["agenda_redenen"]}
    assert "verklaring deskundige (art. 7) ontbreekt" in proposed["V-04"]
    assert "verlenging vóór 1 juli binnen 8 weken" in proposed["V-03"]
    assert "verlenging vóór 1 juli binnen 8 weken" not in proposed.get("V-01", [])


def test_cases_without_json_prints_a_line_per_case(store: Store) -> None:
    done = run("cases", "--on", ON.isoformat(), env=cli_env(store.path))
    assert done.returncode == 0, done.stderr
    assert "V-02" in done.stdout and "nog niet leerplichtig" in done.stdout


def test_cases_refuses_a_bad_date(store: Store) -> None:
    done = run("cases", "--json", "--on", "31-02-2027", env=cli_env(store.path))
    assert done.returncode == 2
    assert "geen bestaande datum" in done.stderr
