"""Case export to CSV and XLSX: import columns first, safe cells, atomic file, logged."""

from __future__ import annotations

import csv
import stat
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from casusoverleg.domain.enums import AuditAction, CaseStatus, ExemptionGround, Team
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, cases, exports, imports, people
from casusoverleg.services.store import Store
from tests.helpers.stores import make_store, sample_case

TODAY = date(2026, 10, 15)
# Tab and CR cannot start a stored name (names are trimmed); `neutralise` is tested on them.
DANGEROUS = ['=HYPERLINK("http://x")', "+31 6 1234", "-2+3", "@SUM(A1)"]


def fill(store: Store) -> None:
    """A few cases with every kind of value an export must carry."""
    team = people.create_organisation(store, "Team Leerplicht Zwolle", Team.LEERPLICHT)
    owner = people.create_participant(store, "Karin Bos", team.id)
    cases.create_cases(
        store,
        [
            sample_case(case_number="2026-0001", owner_id=owner.id),
            sample_case(
                "Daan",
                "van den Berg",
                case_number="2026-0002",
                ground=ExemptionGround.THUISZITTER,
                status=CaseStatus.IN_BEHANDELING,
                absent_since=date(2026, 8, 20),
                school="'s-Hertogenbosch, De Brug",
            ),
            sample_case(
                "Fleur",
                "Jansen",
                case_number="2026-0003",
                ground=ExemptionGround.ART5_C,
                status=CaseStatus.ADVIES_UITGEBRACHT,
                review_date=date(2027, 1, 10),
                exemption_until=date(2027, 7, 31),
                school="",
            ),
            *(
                sample_case(
                    "Kind",
                    f"Nr {i}",
                    case_number=f"2026-01{i:02d}",
                    ground=ground,
                    # In the last school year of the leerplicht: every ground fits the law
                    # (Lpw art. 3a, 3b, 15), so the import takes them without confirmation.
                    birth_date=date(2011, 1, 1),
                    status=list(CaseStatus)[i % len(CaseStatus)],
                    owner_id=owner.id if i % 2 else None,
                )
                for i, ground in enumerate(ExemptionGround)
            ),
        ],
        today=TODAY,
    )


def comparable(store: Store) -> list[tuple[object, ...]]:
    """What must survive an export and import: every import column, plus the extra dates."""
    rows = cases.list_cases(store, log_search=False)
    return [
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
            r.absent_since,
            r.review_date,
            cases.get_case(store, r.id, today=TODAY).exemption_until,
        )
        for r in rows
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_into_an_empty_store(store: Store, tmp_path: Path, suffix: str) -> None:
    fill(store)
    path = tmp_path / f"export{suffix}"
    count = exports.export_cases(store, path)
    assert count == cases.count_cases(store) == 12
    other, _ = make_store(tmp_path, "leeg.db")
    try:
        # The casushouder is unknown in the empty store: the user chooses a new participant.
        (owner,) = imports.preview_import(other, path, today=TODAY).unknown_owners
        assert owner.value == "Karin Bos"
        choice = imports.NewOwner("Karin Bos", organisation_name="Sociaal Wijkteam")
        result = imports.import_cases(other, path, today=TODAY, owners={owner.key: choice})
        assert result.count == 12
        assert result.new_owners == ["Karin Bos"]
        assert comparable(other) == comparable(store)
    finally:
        other.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_injection_round_trips_as_text(store: Store, tmp_path: Path, suffix: str) -> None:
    cases.create_cases(
        store,
        [sample_case(text, "X", case_number=f"F-{i}") for i, text in enumerate(DANGEROUS)],
        today=TODAY,
    )
    path = tmp_path / f"f{suffix}"
    exports.export_cases(store, path)
    other, _ = make_store(tmp_path, "leeg.db")
    try:
        imports.import_cases(other, path, today=TODAY)
        names = sorted(r.first_name for r in cases.list_cases(other, log_search=False))
    finally:
        other.close()
    # Imported again, the guarding quote is gone.
    assert names == sorted(DANGEROUS)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+31", "'+31"),
        ("-5", "'-5"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("Jan-Willem", "Jan-Willem"),
        ("", ""),
    ],
)
def test_neutralise(text: str, safe: str) -> None:
    assert exports.neutralise(text) == safe


def test_csv_neutralises_formulas(store: Store, tmp_path: Path) -> None:
    cases.create_cases(
        store,
        [
            sample_case(text, "X", case_number=f"F-{i}", school="=cmd|' /C calc'!A0")
            for i, text in enumerate(DANGEROUS)
        ],
        today=TODAY,
    )
    path = tmp_path / "f.csv"
    exports.export_cases(store, path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    first_names = sorted(row[1] for row in rows[1:])
    assert first_names == sorted("'" + text for text in DANGEROUS)
    assert {row[4] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_neutralises_formulas(store: Store, tmp_path: Path) -> None:
    cases.create_cases(
        store,
        [sample_case(text, "X", case_number=f"F-{i}") for i, text in enumerate(DANGEROUS)],
        today=TODAY,
    )
    path = tmp_path / "f.xlsx"
    exports.export_cases(store, path)
    sheet = load_workbook(path).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]  # no formula anywhere
    first_names = sorted(row[1].value for row in sheet.iter_rows(min_row=2))
    assert first_names == sorted("'" + text for text in DANGEROUS)


def test_csv_is_what_excel_nl_expects(store: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "casussen.csv"
    exports.export_cases(store, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n", 1)[0].decode()
    assert header.split(";")[:9] == list(imports.COLUMNS)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = {row[0]: row for row in csv.reader(fh, delimiter=";")}
    sanne = rows["2026-0001"]
    assert sanne[3] == "12-03-2014"
    assert sanne[5] == "5 onder a"
    assert sanne[6] == "aangemeld"
    assert sanne[7] == "01-09-2026"
    assert sanne[8] == "Karin Bos"
    assert rows["2026-0002"][9] == "20-08-2026"  # thuis_sinds
    assert rows["2026-0002"][4] == "'s-Hertogenbosch, De Brug"  # a quote that is not a guard
    assert rows["2026-0003"][5] == "5 onder c"
    assert rows["2026-0003"][6] == "advies uitgebracht"


def test_xlsx_has_a_bold_frozen_header_and_date_cells(store: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "casussen.xlsx"
    exports.export_cases(store, path)
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:9] == list(imports.COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["D"].width
    birth = sheet.cell(row=2, column=4)
    assert isinstance(birth.value, datetime)
    assert birth.value.date() == date(2014, 3, 12)
    assert birth.number_format == "DD-MM-YYYY"


def test_filter_limits_the_export(store: Store, tmp_path: Path) -> None:
    fill(store)
    filt = cases.CaseFilter(ground=ExemptionGround.THUISZITTER)
    count = exports.export_cases(store, tmp_path / "t.csv", filt)
    assert count == 2
    (event,) = [e for e in audit.list_events(store) if e.action == AuditAction.EXPORT]
    assert event.detail == "2 casussen (selectie) naar t.csv"


def test_export_is_logged_and_leaves_one_private_file(store: Store, tmp_path: Path) -> None:
    fill(store)
    out = tmp_path / "uit"
    out.mkdir()
    for name in ("casussen.csv", "casussen.xlsx"):
        exports.export_cases(store, out / name)
    assert sorted(p.name for p in out.iterdir()) == ["casussen.csv", "casussen.xlsx"]
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    logged = [e for e in audit.list_events(store) if e.action == AuditAction.EXPORT]
    assert sorted(e.detail for e in logged) == [
        "12 casussen naar casussen.csv",
        "12 casussen naar casussen.xlsx",
    ]
    assert audit.verify_chain(store).ok


def test_failed_export_leaves_the_previous_file_alone(store: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "casussen.csv"
    path.write_text("vorige export", encoding="utf-8")
    # The store locks (idle time-out) while the export runs: nothing may be written.
    store.close()
    with pytest.raises(RuntimeError):
        exports.export_cases(store, path, overwrite=True)
    assert path.read_text(encoding="utf-8") == "vorige export"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("name", ["casussen.pdf", "casussen", "casussen.xls"])
def test_other_extensions_are_refused(store: Store, tmp_path: Path, name: str) -> None:
    with pytest.raises(BadInput, match=r"\.csv- of \.xlsx"):
        exports.export_cases(store, tmp_path / name)
    assert list(tmp_path.glob("casussen*")) == []


def test_missing_folder_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="bestaat niet"):
        exports.export_cases(store, tmp_path / "weg" / "casussen.csv")
