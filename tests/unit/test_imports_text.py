"""Issue 10 items 8 and 9: import messages without children's data, and normalised input.

Messages name row, column and the kind of problem, never a cell; names are stored NFC without
invisible characters; casusnummers are unique regardless of letter case and dash variants.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from casusoverleg.domain.enums import CaseStatus, ExemptionGround, Team
from casusoverleg.domain.text import case_number_key, clean_line, printable
from casusoverleg.errors import BadInput
from casusoverleg.services import cases, imports, people
from casusoverleg.services.cases import ValidationError
from casusoverleg.services.store import Store
from tests.helpers.stores import sample_case

TODAY = date(2026, 10, 15)
HEADER = (
    "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;casushouder"
)


def _csv(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


# -- item 8: no cell content in a message ---------------------------------------------------------


def test_swapped_columns_never_echo_a_child(store: Store, tmp_path: Path) -> None:
    # The case: grond and a free-text column swapped, names in the wrong places.
    secret = "Bartholomeus heeft autisme"
    rows = [
        f"2026-0101;Sanne;de Vries;12-03-2014;De Kievitsbloem;{secret};;;",
        "2026-0102;Daan;Bakker;Bartholomeus;Het Stedelijk;5a;Jansen;Visser;",
        "Pietje Puk;Noor;Smit;31-02-2013;;11;;Fleur de Wit;",
    ]
    preview = imports.preview_import(store, _csv(tmp_path / "l.csv", *rows), today=TODAY)
    got = {(p.row, p.column): p.reason for p in preview.problems}
    assert got[(2, "grond")].startswith("Onbekende grond; gebruik 5 onder a")
    assert set(got) >= {(3, "geboortedatum"), (3, "status"), (3, "aangemeld_op")}
    assert set(got) >= {(4, "geboortedatum"), (4, "aangemeld_op")}
    for reason in got.values():
        for word in ("Bartholomeus", "autisme", "Jansen", "Visser", "31-02", "Fleur", "Pietje"):
            assert word not in reason, reason
    with pytest.raises(imports.ImportRejected) as caught:
        imports.import_cases(store, tmp_path / "l.csv", today=TODAY)
    assert "Bartholomeus" not in caught.value.message
    assert "Bartholomeus" not in "\n".join(map(str, caught.value.problems))


def test_a_duplicate_number_is_not_repeated_back(store: Store, tmp_path: Path) -> None:
    cases.create_case(store, sample_case(case_number="Sanne de Vries"), today=TODAY)
    path = _csv(tmp_path / "l.csv", "sanne de vries;X;Y;12-03-2014;;5a;;;")
    (problem,) = imports.preview_import(store, path, today=TODAY).problems
    assert problem.reason.startswith("Dit casusnummer bestaat al in de opslag")
    assert "anne" not in problem.reason


def test_printable_escapes_terminal_codes_and_keeps_lines() -> None:
    assert printable("F-\x1b[2J0001\u202e\nregel 2\tx") == "F-\\u001b[2J0001\\u202e\nregel 2\tx"
    assert printable("José, Zoë — 中文") == "José, Zoë — 中文"


# -- item 9: normalised input ----------------------------------------------------------------------


def test_zero_width_only_first_name_is_empty(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        cases.create_case(store, sample_case("\u200b\u200d\ufeff"), today=TODAY)
    assert caught.value.errors == {"first_name": "Vul de voornaam in."}
    path = _csv(tmp_path / "l.csv", "2026-0101;\u200b;de Vries;12-03-2014;;5a;;;")
    (problem,) = imports.preview_import(store, path, today=TODAY).problems
    assert (problem.row, problem.column, problem.reason) == (2, "voornaam", "Vul de voornaam in.")


def test_names_are_stored_nfc_without_invisible_characters(store: Store) -> None:
    decomposed = unicodedata.normalize("NFD", "José")
    record = cases.create_case(
        store,
        sample_case(f"\ufeff{decomposed}\u200b", "de\u00a0 Vries\u202e", school="De\tBrug"),
        today=TODAY,
    )
    assert (record.first_name, record.last_name, record.school) == ("José", "de Vries", "De Brug")


def test_control_characters_are_refused(store: Store) -> None:
    with pytest.raises(ValidationError) as caught:
        cases.create_case(store, sample_case("An\x1bna", case_number="F-\x1b[31m1"), today=TODAY)
    assert set(caught.value.errors) == {"first_name", "case_number"}
    assert "stuurteken" in caught.value.errors["first_name"]
    assert cases.count_cases(store) == 0


@pytest.mark.parametrize(
    "variant", ["f-0001", "F\u20100001", "F\u20130001", "f\u22120001", " F-0001 "]
)
def test_case_numbers_are_unique_across_case_and_dashes(store: Store, variant: str) -> None:
    first = cases.create_case(store, sample_case(case_number="F-0001"), today=TODAY)
    with pytest.raises(ValidationError, match="bestaat al"):
        cases.create_case(store, sample_case("Daan", case_number=variant), today=TODAY)
    other = cases.create_case(store, sample_case("Noor", case_number="F-0002"), today=TODAY)
    changed = cases.CaseInput(**{**vars(other.to_input()), "case_number": variant})
    with pytest.raises(ValidationError, match="bestaat al"):
        cases.update_case(store, other.id, changed, today=TODAY)
    with pytest.raises(cases.BulkValidationError):
        cases.create_cases(store, [sample_case("Bas", case_number=variant)], today=TODAY)
    # The case itself may change the case of its own number.
    cases.update_case(
        store, first.id, cases.CaseInput(**{**vars(first.to_input()), "case_number": "f-0001"})
    )
    assert cases.count_cases(store) == 2


def test_a_dash_variant_is_stored_as_a_plain_dash(store: Store) -> None:
    record = cases.create_case(store, sample_case(case_number="F\u20110003"), today=TODAY)
    assert record.case_number == "F-0003"
    assert case_number_key("F\u2014ABC") == case_number_key("f-abc")
    # Looking a case up by number (dossier CASE) finds it by any of its spellings.
    assert cases.find_case_id(store, "f\u20130003") == record.id
    with pytest.raises(BadInput, match="geen casus"):
        cases.find_case_id(store, "F-0004")


def test_import_finds_number_variants_in_the_file_and_the_store(
    store: Store, tmp_path: Path
) -> None:
    cases.create_case(store, sample_case(case_number="F-0001"), today=TODAY)
    path = _csv(
        tmp_path / "l.csv",
        "f-0001;Anna;Mulder;01-02-2014;;5a;;;",
        "G-0002;Bas;de Boer;01-02-2013;;5a;;;",
        "g\u20100002;Cas;Dekker;01-02-2012;;5a;;;",
    )
    problems = imports.preview_import(store, path, today=TODAY).problems
    assert [(p.row, p.column) for p in problems] == [(2, "casusnummer"), (4, "casusnummer")]
    assert "bestaat al in de opslag" in problems[0].reason
    assert "staat ook in regel 3" in problems[1].reason


def test_participant_names_have_a_limit(store: Store, tmp_path: Path) -> None:
    team = people.create_organisation(store, "Team Leerplicht", Team.LEERPLICHT)
    with pytest.raises(BadInput, match="hoogstens 200 tekens"):
        people.create_participant(store, "x" * 32_767, team.id)
    person = people.create_participant(store, "Karin\u200b Bos", team.id)
    assert person.name == "Karin Bos"
    with pytest.raises(BadInput, match="hoogstens 200 tekens"):
        people.update_participant(store, person.id, name="y" * 201)
    with pytest.raises(BadInput, match="hoogstens 50 tekens"):
        people.update_participant(store, person.id, phone="0" * 51)
    owner = "Z" * 201
    path = _csv(tmp_path / "l.csv", f"2026-0101;Sanne;de Vries;12-03-2014;;5a;;;{owner}")
    (problem,) = imports.preview_import(store, path, today=TODAY).problems
    assert (problem.column, problem.reason) == ("casushouder", "Te lang (hoogstens 200 tekens).")
    assert [p.name for p in people.list_participants(store)] == ["Karin Bos"]


@pytest.mark.parametrize("text", ["1 5", "1-5", "5 1", "3 a 1", "1.1", "5 onder a b"])
def test_grounds_are_parsed_strictly(text: str) -> None:
    with pytest.raises(ValueError, match="Onbekende grond"):
        imports.parse_ground(text)


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        ("15", ExemptionGround.ART15),
        ("5 a", ExemptionGround.ART5_A),
        ("3-b", ExemptionGround.ART3B),
    ],
)
def test_grounds_still_read_with_spaces_before_the_letter(
    text: str, ground: ExemptionGround
) -> None:
    assert imports.parse_ground(text) == ground


def test_a_bom_inside_a_cell_is_removed(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path / "l.csv", "\ufeff2026-0101;\ufeffSanne;de Vries\ufeff;12-03-2014;;5a;;;")
    imports.import_cases(store, path, today=TODAY)
    (row,) = cases.list_cases(store, log_search=False)
    assert (row.case_number, row.first_name, row.last_name) == ("2026-0101", "Sanne", "de Vries")
    assert clean_line("\ufeff") == ""


def test_imported_closed_cases_get_a_closing_date(store: Store, tmp_path: Path) -> None:
    header = HEADER + ";afgesloten_op"
    path = _csv(
        tmp_path / "l.csv",
        "A-1;Sanne;de Vries;12-03-2014;;5a;afgesloten;01-09-2026;;",
        "A-2;Daan;Bakker;12-03-2013;;5a;afgesloten;01-09-2026;;30-09-2026",
        "A-3;Noor;Smit;12-03-2012;;5a;in behandeling;01-09-2026;;30-09-2026",
        header=header,
    )
    imports.import_cases(store, path, today=TODAY)
    closed = {r.case_number: r.closed_on for r in cases.list_cases(store, log_search=False)}
    assert closed == {"A-1": TODAY, "A-2": date(2026, 9, 30), "A-3": None}
    statuses = {r.status for r in cases.list_cases(store, log_search=False)}
    assert CaseStatus.AFGESLOTEN in statuses


def test_bulk_created_closed_cases_get_a_closing_date(store: Store) -> None:
    cases.create_cases(
        store, [sample_case(case_number="B-1", status=CaseStatus.AFGESLOTEN)], today=TODAY
    )
    (row,) = cases.list_cases(store, log_search=False)
    assert row.closed_on == TODAY


def test_an_xlsx_named_csv_is_read_as_xlsx(store: Store, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["2026-0101", "Sanne", "de Vries", "12-03-2014", "", "5a"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "lijst.csv"
    path.write_bytes(buffer.getvalue())
    assert zipfile.is_zipfile(path)
    result = imports.import_cases(store, path, today=TODAY)
    assert result.case_numbers == ["2026-0101"]


def test_an_encoding_error_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (HEADER + "\n2026-0101;Ren\xe9e;de Vries;12-03-2014;;5a;;;\n").encode()
        + "2026-0102;Ren\xe9;Bakker;12-03-2014;;5a;;;\n".encode("latin-1")
    )
    with pytest.raises(BadInput, match=r"UTF-8.*regel 3, kolom 2") as caught:
        imports.read_case_file(path)
    assert "Ren" not in caught.value.message
