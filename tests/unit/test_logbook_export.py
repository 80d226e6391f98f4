"""The Logboek exported to .xlsx for a privacy officer: filtered, in words, safely, logged."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.log_export import COLUMN_NAMES, export_log
from casusoverleg.services.logbook import LogQuery
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import add_case


def _read(path: Path) -> tuple[str, list[dict[str, object]]]:
    sheet = load_workbook(path, read_only=True)["Logboek"]
    rows = list(sheet.iter_rows(values_only=True))
    title, header, lines = rows[0][0], rows[1], rows[2:]
    assert tuple(header) == COLUMN_NAMES
    width = len(COLUMN_NAMES)
    padded = [tuple(line) + (None,) * (width - len(line)) for line in lines]
    return str(title), [dict(zip(COLUMN_NAMES, line, strict=True)) for line in padded]


def _line_at(store: Store, at: datetime, number: str, detail: str) -> None:
    """A view of a case at a given moment (as a line written back from a waiting file is)."""
    with store.write() as session:
        audit.record(
            session, store, AuditAction.VIEW, at=at, case_number=number, object_type="casus",
            detail=detail,
        )  # fmt: skip


def test_export_by_case_reads_back_in_words(store: Store, tmp_path: Path) -> None:
    first = add_case(store, "2027-0001", first="Jasmijn")
    add_case(store, "2027-0002", first="Pieter")
    target = tmp_path / "logboek.xlsx"

    count = export_log(store, target, LogQuery(case_number="2027-0001"))

    title, lines = _read(target)
    assert title == "Logboek: casus 2027-0001"
    assert count == len(lines) >= 1
    assert {line["Casusnummer"] for line in lines} == {"2027-0001"}
    created = next(line for line in lines if line["Handeling"] == "aanmaken")
    assert created["Casus"] == "2027-0001 (J. de V.)"
    assert created["Onderdeel"] == "2027-0001 (J. de V.)"
    assert created["Zoals vastgelegd"] == f"casus {first}"  # the row id the chain holds
    assert isinstance(created["Tijdstip"], datetime)
    assert [line["Regel"] for line in lines] == sorted(line["Regel"] for line in lines)
    assert target.stat().st_mode & 0o077 == 0  # owner only: it names children

    # The export is itself in the log, under the case it was about.
    newest = audit.list_events(store, limit=1)[0]
    assert (newest.action, newest.case_number, newest.object_type) == (
        AuditAction.EXPORT,
        "2027-0001",
        "logboek",
    )
    assert newest.detail == f"{count} regels (casus 2027-0001) naar logboek.xlsx"
    assert audit.verify_chain(store).ok


def test_export_by_period_and_account(store: Store, tmp_path: Path) -> None:
    add_case(store, "2027-0001")
    _line_at(store, datetime(2027, 3, 31, 21, 0, tzinfo=UTC), "2027-0001", "maart")
    _line_at(store, datetime(2027, 4, 15, 10, 0, tzinfo=UTC), "2027-0001", "april")
    _line_at(store, datetime(2027, 5, 2, 10, 0, tzinfo=UTC), "2027-0001", "mei")
    target = tmp_path / "april.xlsx"

    query = LogQuery(since=date(2027, 4, 1), until=date(2027, 4, 30))
    export_log(store, target, query)

    title, lines = _read(target)
    assert title == "Logboek: periode 01-04-2027 t/m 30-04-2027"
    assert [line["Toelichting"] for line in lines] == ["april"]

    by_account = tmp_path / "account.xlsx"
    export_log(store, by_account, LogQuery(account="nobody"))
    assert _read(by_account)[1] == []


def test_bad_requests_write_nothing_and_log_nothing(store: Store, tmp_path: Path) -> None:
    add_case(store, "2027-0001")
    existing = tmp_path / "bestaat.xlsx"
    existing.write_bytes(b"eerder")
    logged = len(audit.list_events(store))

    with pytest.raises(BadInput, match="bestaat al"):
        export_log(store, existing, LogQuery())
    with pytest.raises(BadInput, match=r"\.xlsx"):
        export_log(store, tmp_path / "logboek.csv", LogQuery())
    with pytest.raises(BadInput, match="begindatum"):
        export_log(
            store, tmp_path / "x.xlsx", LogQuery(since=date(2027, 5, 1), until=date(2027, 4, 1))
        )
    beside = store.path.with_name(store.path.name + ".xlsx")
    with pytest.raises(BadInput, match="opslag zelf"):
        export_log(store, beside, LogQuery(), overwrite=True)

    assert existing.read_bytes() == b"eerder"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == ["bestaat.xlsx"]
    assert len(audit.list_events(store)) == logged

    export_log(store, existing, LogQuery(), overwrite=True)  # asked: replaced
    assert _read(existing)[1]
