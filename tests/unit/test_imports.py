"""Case import from CSV and XLSX: parsing, all-or-nothing, every rejected row named."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from casusoverleg.domain.enums import AuditAction, CaseStatus, ExemptionGround, Team
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, cases, imports, people
from casusoverleg.services.imports import ImportRejected
from casusoverleg.services.store import Store
from tests.helpers.stores import sample_case

TODAY = date(2026, 10, 15)
HEADER = (
    "casusnummer",
    "voornaam",
    "achternaam",
    "geboortedatum",
    "school",
    "grond",
    "status",
    "aangemeld_op",
    "casushouder",
)
ROWS = [
    ("2026-0101", "Sanne", "de Vries", "12-03-2014", "De Kievitsbloem", "5 onder a", "", "", ""),
    ("2026-0102", "Daan", "Bakker", "2012-07-01", "", "thuiszitter", "in behandeling", "", ""),
    ("2026-0103", "Fleur", "Jansen", "1-9-2013", "CBS De Vechtoever", "5b", "aangehouden", "", ""),
]


def write_csv(
    path: Path,
    rows: list[tuple[str, ...]],
    *,
    sep: str = ";",
    bom: bool = True,
    header: tuple[str, ...] = HEADER,
) -> Path:
    """A CSV case list as Excel writes it (';' and BOM) or as other tools do."""
    lines = [sep.join(header), *(sep.join(row) for row in rows)]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines).encode("utf-8"))
    return path


def write_xlsx(
    path: Path, rows: list[tuple[object, ...]], header: tuple[str, ...] = HEADER
) -> Path:
    """An .xlsx case list made with openpyxl, as a user's Excel list would be."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Casussen"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def events(store: Store, action: AuditAction) -> list[audit.AuditEntry]:
    """The audit events of one kind, newest first."""
    return [e for e in audit.list_events(store) if e.action == action]


# -- reading -------------------------------------------------------------------------------------


def test_csv_with_semicolons_and_bom_is_imported(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lijst.csv", ROWS)
    result = imports.import_cases(store, path, today=TODAY)
    assert result.count == 3
    assert result.case_numbers == ["2026-0101", "2026-0102", "2026-0103"]
    rows = {r.case_number: r for r in cases.list_cases(store, log_search=False)}
    sanne = rows["2026-0101"]
    # The BOM must not end up in the first column's name or value.
    assert (sanne.first_name, sanne.last_name) == ("Sanne", "de Vries")
    assert sanne.birth_date == date(2014, 3, 12)
    assert sanne.ground == ExemptionGround.ART5_A
    assert sanne.status == CaseStatus.AANGEMELD  # empty status
    assert sanne.registered_on == TODAY  # empty aangemeld_op
    assert sanne.school == "De Kievitsbloem"
    assert rows["2026-0102"].status == CaseStatus.IN_BEHANDELING
    assert rows["2026-0103"].birth_date == date(2013, 9, 1)


def test_csv_with_commas_without_bom_is_imported(store: Store, tmp_path: Path) -> None:
    rows = [(*ROWS[0][:4], '"School, locatie Zuid"', *ROWS[0][5:])]
    path = write_csv(tmp_path / "lijst.csv", rows, sep=",", bom=False)
    imports.import_cases(store, path, today=TODAY)
    (row,) = cases.list_cases(store, log_search=False)
    assert row.school == "School, locatie Zuid"


def test_header_is_case_insensitive_and_extra_columns_are_ignored(
    store: Store, tmp_path: Path
) -> None:
    header = (" Casusnummer ", "VOORNAAM", "Achternaam", "Geboortedatum", "opmerking", "Grond")
    rows = [("2026-0201", "Noor", "Visser", "05-05-2010", "niet overnemen", "15")]
    imports.import_cases(store, write_csv(tmp_path / "l.csv", rows, header=header), today=TODAY)
    (row,) = cases.list_cases(store, log_search=False)
    assert (row.case_number, row.first_name, row.ground) == ("2026-0201", "Noor", "ART15")
    assert row.school == ""


def test_xlsx_with_date_cells_is_imported(store: Store, tmp_path: Path) -> None:
    rows: list[tuple[object, ...]] = [
        ("2026-0301", "Sanne", "de Vries", datetime(2014, 3, 12), "X", "5a", None, None, None),
        (
            2026302,
            "Bram",
            "Smit",
            "2011-11-30",
            None,
            "preventief",
            "Advies uitgebracht",
            date(2026, 9, 1),
            "",
        ),
    ]
    path = write_xlsx(tmp_path / "lijst.xlsx", rows)
    result = imports.import_cases(store, path, today=TODAY)
    assert result.count == 2
    rows_by_number = {r.case_number: r for r in cases.list_cases(store, log_search=False)}
    assert rows_by_number["2026-0301"].birth_date == date(2014, 3, 12)
    bram = rows_by_number["2026302"]  # a number cell, not "2026302.0"
    assert bram.registered_on == date(2026, 9, 1)
    assert bram.status == CaseStatus.ADVIES_UITGEBRACHT
    assert bram.ground == ExemptionGround.PREVENTIEF


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        ("5 onder a", ExemptionGround.ART5_A),
        ("5a", ExemptionGround.ART5_A),
        ("5A", ExemptionGround.ART5_A),
        ("5 sub a", ExemptionGround.ART5_A),
        ("art. 5 onder a", ExemptionGround.ART5_A),
        ("Artikel 5 onder a", ExemptionGround.ART5_A),
        ("art 5 a", ExemptionGround.ART5_A),  # "art 5a" is art. 5a: test_imports_law.py
        ("ART5_A", ExemptionGround.ART5_A),
        ("art. 5 onder a (lichamelijk/psychisch ongeschikt)", ExemptionGround.ART5_A),
        ("5 onder b", ExemptionGround.ART5_B),
        ("5b", ExemptionGround.ART5_B),
        ("ART5_B", ExemptionGround.ART5_B),
        ("5 onder c", ExemptionGround.ART5_C),
        ("5c", ExemptionGround.ART5_C),
        ("5 sub c", ExemptionGround.ART5_C),
        ("15", ExemptionGround.ART15),
        ("art. 15", ExemptionGround.ART15),
        ("ART15", ExemptionGround.ART15),
        ("3a", ExemptionGround.ART3A),
        ("art. 3a", ExemptionGround.ART3A),
        ("3b", ExemptionGround.ART3B),
        ("ART3B", ExemptionGround.ART3B),
        ("11", ExemptionGround.ART11),
        ("artikel 11", ExemptionGround.ART11),
        ("thuiszitter", ExemptionGround.THUISZITTER),
        ("Thuiszitter", ExemptionGround.THUISZITTER),
        ("preventief", ExemptionGround.PREVENTIEF),
        (" PREVENTIEF ", ExemptionGround.PREVENTIEF),
    ],
)
def test_every_ground_alias(text: str, ground: ExemptionGround) -> None:
    assert imports.parse_ground(text) == ground


def test_every_export_ground_form_imports_again() -> None:
    for ground, text in imports.GROUND_TEXT.items():
        assert imports.parse_ground(text) == ground


@pytest.mark.parametrize("text", ["5", "5d", "vijf a", "12", "art.", "thuis"])
def test_unknown_ground_is_refused_in_dutch(text: str) -> None:
    with pytest.raises(ValueError, match="Onbekende grond"):
        imports.parse_ground(text)


def test_every_ground_alias_in_one_file(store: Store, tmp_path: Path) -> None:
    aliases = [
        "5 onder a",
        "5a",
        "5 sub a",
        "art. 5 onder a",
        "ART5_A",
        "5 onder b",
        "5b",
        "5 onder c",
        "5c",
        "15",
        "3a",
        "3b",
        "11",
        "thuiszitter",
        "preventief",
    ]
    rows = [
        # Born 2011: in the last school year of the leerplicht, where 3a, 3b and 15 fit the law.
        (f"G-{i}", "Kind", f"Nr{i}", "01-01-2011", "", a, "", "", "")
        for i, a in enumerate(aliases)
    ]
    result = imports.import_cases(store, write_csv(tmp_path / "g.csv", rows), today=TODAY)
    assert result.count == len(aliases)
    found = {r.ground for r in cases.list_cases(store, log_search=False)}
    assert found == set(ExemptionGround)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("", CaseStatus.AANGEMELD),
        ("Aangemeld", CaseStatus.AANGEMELD),
        ("in behandeling", CaseStatus.IN_BEHANDELING),
        ("IN  BEHANDELING", CaseStatus.IN_BEHANDELING),
        ("aangehouden", CaseStatus.AANGEHOUDEN),
        ("advies uitgebracht", CaseStatus.ADVIES_UITGEBRACHT),
        ("afgesloten", CaseStatus.AFGESLOTEN),
    ],
)
def test_statuses(text: str, status: CaseStatus) -> None:
    assert imports.parse_status(text) == status


# -- all or nothing ------------------------------------------------------------------------------


def test_one_bad_row_in_the_middle_imports_nothing(store: Store, tmp_path: Path) -> None:
    cases.create_case(store, sample_case(case_number="2026-0001"), today=TODAY)
    before = cases.count_cases(store)
    participants_before = people.list_participants(store)
    rows = [
        ("2026-0401", "Anna", "Mulder", "01-02-2014", "", "5a", "", "", "Nieuwe Houder"),
        ("2026-0402", "Bas", "de Boer", "01-02-2013", "", "thuiszitter", "", "", ""),
        ("2026-0403", "Cas", "Dekker", "01-02-2012", "", "vijf a", "", "", ""),
        ("2026-0404", "Dirk", "Peters", "01-02-2011", "", "preventief", "", "", ""),
        ("2026-0405", "Eva", "Hendriks", "01-02-2010", "", "15", "", "", ""),
    ]
    path = write_csv(tmp_path / "lijst.csv", rows)
    with pytest.raises(ImportRejected) as caught:
        imports.import_cases(store, path, today=TODAY)
    (problem,) = caught.value.problems
    # Row 4 as Excel shows it: the header is row 1, "Cas" the third data row.
    assert problem.row == 4
    assert problem.column == "grond"
    # The reason names the kind of problem, never the cell (it may be a child's data).
    assert problem.reason.startswith("Onbekende grond; gebruik 5 onder a")
    assert "vijf" not in problem.reason
    assert "niets opgeslagen" in caught.value.message
    assert isinstance(caught.value, BadInput)
    assert cases.count_cases(store) == before
    # The new casushouder of row 2 was not created either.
    assert people.list_participants(store) == participants_before
    (refused,) = events(store, AuditAction.IMPORT)
    assert refused.result == "geweigerd"


def test_several_bad_rows_are_all_reported(store: Store, tmp_path: Path) -> None:
    rows = [
        ("2026-0501", "Anna", "Mulder", "31-02-2014", "", "5a", "", "", ""),
        ("2026-0502", "", "de Boer", "01-02-2013", "", "thuiszitter", "", "", ""),
        ("2026-0503", "Cas", "Dekker", "01-02-2012", "", "5b", "", "", ""),
        ("2026-0504", "Dirk", "Peters", "", "", "11", "klaar", "01-01-2030", ""),
        ("2026-0505", "Eva", "Hendriks", "01-02-2010", "", "", "", "", ""),
    ]
    preview = imports.preview_import(store, write_csv(tmp_path / "l.csv", rows), today=TODAY)
    assert not preview.ok
    got = [(p.row, p.column) for p in preview.problems]
    assert got == [
        (2, "geboortedatum"),
        (3, "voornaam"),
        (5, "geboortedatum"),
        (5, "status"),
        (5, "aangemeld_op"),
        (6, "grond"),
    ]
    assert preview.rejected_rows == [2, 3, 5, 6]
    reasons = {(p.row, p.column): p.reason for p in preview.problems}
    assert "geen bestaande datum" in reasons[(2, "geboortedatum")]
    assert reasons[(3, "voornaam")] == "Vul de voornaam in."
    assert reasons[(5, "geboortedatum")] == "Vul de geboortedatum in."
    assert reasons[(5, "status")].startswith("Onbekende status; gebruik aangemeld")
    assert reasons[(5, "aangemeld_op")] == "De aanmelddatum ligt in de toekomst."
    assert reasons[(6, "grond")] == "Kies een grond."
    with pytest.raises(ImportRejected) as caught:
        imports.import_cases(store, tmp_path / "l.csv", today=TODAY)
    assert caught.value.problems == preview.problems
    assert "6 fout(en) in 4 regel(s)" in caught.value.message
    assert cases.count_cases(store) == 0


def test_duplicate_numbers_in_the_file_and_with_the_store(store: Store, tmp_path: Path) -> None:
    cases.create_case(store, sample_case(case_number="2026-0001"), today=TODAY)
    rows = [
        ("2026-0601", "Anna", "Mulder", "01-02-2014", "", "5a", "", "", ""),
        ("2026-0001", "Bas", "de Boer", "01-02-2013", "", "5a", "", "", ""),
        ("2026-0601", "Cas", "Dekker", "01-02-2012", "", "5a", "", "", ""),
    ]
    with pytest.raises(ImportRejected) as caught:
        imports.import_cases(store, write_csv(tmp_path / "l.csv", rows), today=TODAY)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (3, "casusnummer"),
        (4, "casusnummer"),
    ]
    reasons = [p.reason for p in caught.value.problems]
    assert reasons[0].startswith("Dit casusnummer bestaat al in de opslag")
    assert reasons[1].startswith("Dit casusnummer staat ook in regel 2")
    assert cases.count_cases(store) == 1


def test_empty_case_numbers_are_made(store: Store, tmp_path: Path) -> None:
    rows = [("", "Anna", "Mulder", "01-02-2014", "", "5a", "", "", "")] * 2
    result = imports.import_cases(store, write_csv(tmp_path / "l.csv", rows), today=TODAY)
    assert result.case_numbers == ["2026-0001", "2026-0002"]


def test_preview_writes_nothing(store: Store, tmp_path: Path) -> None:
    logged = len(audit.list_events(store))
    rows = [(*ROWS[0][:8], "Onbekende Persoon")]
    preview = imports.preview_import(store, write_csv(tmp_path / "l.csv", rows), today=TODAY)
    assert preview.ok
    assert preview.rows == [2]
    assert [(o.value, o.count) for o in preview.unknown_owners] == [("Onbekende Persoon", 1)]
    assert people.list_participants(store) == []  # nobody is made by a preview
    assert preview.cases[0].ground == ExemptionGround.ART5_A
    assert len(audit.list_events(store)) == logged
    assert cases.count_cases(store) == 0
    assert people.list_participants(store) == []


# -- file problems -------------------------------------------------------------------------------


def test_missing_column_is_named(store: Store, tmp_path: Path) -> None:
    header = tuple(c for c in HEADER if c != "grond")
    rows = [tuple(v for c, v in zip(HEADER, ROWS[0], strict=True) if c != "grond")]
    path = write_csv(tmp_path / "l.csv", rows, header=header)
    with pytest.raises(BadInput, match="ontbreekt de kolom 'grond'") as caught:
        imports.import_cases(store, path, today=TODAY)
    assert not isinstance(caught.value, ImportRejected)
    assert cases.count_cases(store) == 0
    (refused,) = events(store, AuditAction.IMPORT)
    assert refused.result == "geweigerd"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rommel.csv", bytes(range(256)) * 4, "geen CSV"),
        ("rommel.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(200)), "Excel-bestand kan niet"),
        ("kapot.xlsx", b"PK\x03\x04" + b"\x00" * 100, "Excel-bestand kan niet"),
        ("mixed.csv", ";".join(HEADER).encode() + "\r\nRen\xe9;".encode() + b"Ren\xe9", "UTF-8"),
        ("utf16.csv", b"\xff\xfe" + ";".join(HEADER).encode("utf-16-le")[:-1], "UTF-16"),
        ("quotes.csv", ";".join(HEADER).encode() + b'\r\n"' + b"x" * 200_000, "aanhalingstekens"),
        ("leeg.csv", b"", "leeg"),
        ("spaties.csv", b"  \r\n ", "leeg"),
        ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("verslag.pdf", b"%PDF-1.7\n", ".csv- of .xlsx"),
    ],
)
def test_unreadable_files_give_a_dutch_bad_input(
    store: Store, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInput, match=message):
        imports.read_case_file(path)
    with pytest.raises(BadInput):
        imports.import_cases(store, path, today=TODAY)
    assert cases.count_cases(store) == 0


def test_xlsx_that_is_a_zip_of_something_else(tmp_path: Path) -> None:
    path = tmp_path / "archief.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "geen werkmap")
    with pytest.raises(BadInput, match="Excel-bestand kan niet"):
        imports.read_case_file(path)


def test_missing_file_and_header_only(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="bestaat niet"):
        imports.read_case_file(tmp_path / "weg.csv")
    path = write_csv(tmp_path / "kop.csv", [])
    assert imports.read_case_file(path).rows == []
    with pytest.raises(BadInput, match="geen casussen"):
        imports.import_cases(store, path, today=TODAY)


def test_blank_rows_keep_the_row_numbers(store: Store, tmp_path: Path) -> None:
    rows = [ROWS[0], ("",) * 9, (*ROWS[1][:5], "zes", *ROWS[1][6:])]
    with pytest.raises(ImportRejected) as caught:
        imports.import_cases(store, write_csv(tmp_path / "l.csv", rows), today=TODAY)
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "grond")]


# -- case owners ---------------------------------------------------------------------------------


def test_known_owner_is_linked_and_unknown_one_left_empty(store: Store, tmp_path: Path) -> None:
    wijkteam = people.create_organisation(store, "Sociaal Wijkteam Zwolle", Team.SOCIAAL_WIJKTEAM)
    known = people.create_participant(store, "Karin Bos", wijkteam.id)
    rows = [
        (*ROWS[0][:8], "karin BOS"),
        (*ROWS[1][:8], "Piet Nieuw"),
        (*ROWS[2][:8], "piet nieuw"),
    ]
    result = imports.import_cases(store, write_csv(tmp_path / "l.csv", rows), today=TODAY)
    assert result.new_owners == []
    assert [(o.value, o.count) for o in result.left_empty] == [("Piet Nieuw", 2)]
    by_number = {r.case_number: r for r in cases.list_cases(store, log_search=False)}
    assert by_number["2026-0101"].owner_id == known.id
    assert by_number["2026-0102"].owner_id is None
    assert by_number["2026-0103"].owner_id is None
    assert [p.name for p in people.list_participants(store)] == ["Karin Bos"]  # nobody made


def test_new_owner_choice_joins_an_existing_leerplicht_team(store: Store, tmp_path: Path) -> None:
    team = people.create_organisation(store, "Team Leerplicht Zwolle", Team.LEERPLICHT)
    rows = [(*ROWS[0][:8], "Nieuwe Collega")]
    path = write_csv(tmp_path / "l.csv", rows)
    (unknown,) = imports.preview_import(store, path, today=TODAY).unknown_owners
    choice = imports.NewOwner("Nieuwe Collega")
    imports.import_cases(store, path, today=TODAY, owners={unknown.key: choice})
    (person,) = people.list_participants(store)
    assert person.organisation_id == team.id
    assert [o.name for o in people.list_organisations(store)] == ["Team Leerplicht Zwolle"]


# -- audit ---------------------------------------------------------------------------------------


def test_each_imported_case_is_logged_with_the_file_name(store: Store, tmp_path: Path) -> None:
    imports.import_cases(store, write_csv(tmp_path / "aanmeldingen.csv", ROWS), today=TODAY)
    logged = events(store, AuditAction.IMPORT)
    assert sorted(e.case_number or "" for e in logged) == ["2026-0101", "2026-0102", "2026-0103"]
    for event in logged:
        assert event.result == "ok"
        assert "aanmeldingen.csv" in event.detail
        assert str(tmp_path) not in event.detail  # the base name, not the whole path
        assert "Sanne" not in event.detail


def test_a_rejected_import_is_logged_once_without_content(store: Store, tmp_path: Path) -> None:
    rows = [ROWS[0], ("2026-0702", "Geheime", "Naam", "99-99-2014", "", "xyz", "", "", "")]
    with pytest.raises(ImportRejected):
        imports.import_cases(store, write_csv(tmp_path / "lijst.csv", rows), today=TODAY)
    (refused,) = events(store, AuditAction.IMPORT)
    assert refused.result == "geweigerd"
    assert "lijst.csv" in refused.detail
    for secret in ("Geheime", "Naam", "xyz", "99-99", "Sanne"):
        assert secret not in refused.detail
    assert audit.verify_chain(store).ok
