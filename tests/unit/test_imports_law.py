"""Import and export of the law's facts (issue 11 items 3 and 4): the new columns, plausibility
findings as rejected rows unless confirmed, and a written-out "artikel 5a" refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.services import cases, exports, imports
from casusoverleg.services.imports import ImportRejected
from casusoverleg.services.store import Store
from tests.helpers.stores import make_store, sample_case

TODAY = date(2026, 10, 15)
HEADER = (*imports.COLUMNS, *imports.LAW_COLUMNS, "vrijstelling_tot", "thuis_sinds")
_BLANK = dict.fromkeys(HEADER, "")


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    """A ';' CSV with HEADER; each row names only the cells it fills."""
    lines = [";".join(HEADER)]
    lines += [";".join({**_BLANK, **row}[c] for c in HEADER) for row in rows]
    path.write_text("\r\n".join(lines), "utf-8")
    return path


def row(number: str, **cells: str) -> dict[str, str]:
    """A valid 5 onder a row for a child of 12 registered on 01-09-2026, changed by `cells`."""
    return {
        "casusnummer": number,
        "voornaam": "Sanne",
        "achternaam": "de Vries",
        "geboortedatum": "12-03-2014",
        "grond": "5 onder a",
        "aangemeld_op": "01-09-2026",
        **cells,
    }


# The three examples of cases that cannot be right.
ART15_AT_10 = {"geboortedatum": "01-05-2016", "grond": "15"}
ART3B_AT_12 = {"grond": "3b"}
EXEMPTION_AT_3 = {"geboortedatum": "10-01-2023", "vrijstelling_tot": "31-07-2027"}


def _rejected(store: Store, path: Path) -> list[imports.RowProblem]:
    with pytest.raises(ImportRejected) as caught:
        imports.import_cases(store, path, today=TODAY)
    assert cases.count_cases(store) == 0  # all or nothing
    return caught.value.problems


def test_lpw_art15_ground_at_age_10_is_a_rejected_row_naming_the_article(
    store: Store, tmp_path: Path
) -> None:
    """Lpw art. 15 lid 1 (with art. 4a): only for a kwalificatieplichtige jongere."""
    path = write_rows(tmp_path / "l.csv", [row("2026-0001"), row("2026-0002", **ART15_AT_10)])
    problems = _rejected(store, path)
    assert [(p.row, p.column) for p in problems] == [(3, "grond")]
    assert "art. 15" in problems[0].reason and "Leerplichtwet" in problems[0].reason
    assert "afwijking_bevestigd" in problems[0].reason  # says how to confirm


def test_lpw_art3b_at_age_12_is_a_rejected_row(store: Store, tmp_path: Path) -> None:
    """Lpw art. 3b lid 1 with art. 3 lid 1: only in the last school year of the leerplicht."""
    problems = _rejected(store, write_rows(tmp_path / "l.csv", [row("2026-0001", **ART3B_AT_12)]))
    assert [(p.row, p.column) for p in problems] == [(2, "grond")]
    assert "art. 3b" in problems[0].reason


def test_lpw_art3_exemption_for_a_three_year_old_until_2027_is_a_rejected_row(
    store: Store, tmp_path: Path
) -> None:
    """Lpw art. 3 lid 1, art. 5: an exemption cannot lie before the leerplicht begins."""
    path = write_rows(tmp_path / "l.csv", [row("2026-0001", **EXEMPTION_AT_3)])
    problems = _rejected(store, path)
    assert [(p.row, p.column) for p in problems] == [(2, "vrijstelling_tot")]
    assert "art. 3 lid 1" in problems[0].reason and "begin van de leerplicht" in problems[0].reason


def test_confirmed_rows_are_imported_and_keep_the_confirmed_codes(
    store: Store, tmp_path: Path
) -> None:
    """afwijking_bevestigd = ja confirms the findings (Lpw art. 15, 3b, 3), as the form does."""
    rows = [
        row("2026-0001", **ART15_AT_10, afwijking_bevestigd="ja"),
        row("2026-0002", **ART3B_AT_12, afwijking_bevestigd="J"),
        row("2026-0003", **EXEMPTION_AT_3, afwijking_bevestigd="ja"),
        row("2026-0004", afwijking_bevestigd="nee"),  # nothing to confirm: fine
    ]
    result = imports.import_cases(store, write_rows(tmp_path / "l.csv", rows), today=TODAY)
    assert result.count == 4
    confirmed = {
        number: cases.get_case(store, cases.find_case_id(store, number), today=TODAY)
        for number in result.case_numbers
    }
    assert confirmed["2026-0001"].confirmed_rules == "ART15_LEEFTIJD"
    assert confirmed["2026-0002"].confirmed_rules == "ART3B_SCHOOLJAAR"
    assert confirmed["2026-0003"].confirmed_rules == "VRIJSTELLING_VOOR_LEERPLICHT"
    assert confirmed["2026-0004"].confirmed_rules == ""


def test_a_row_saying_nee_is_still_rejected(store: Store, tmp_path: Path) -> None:
    """Lpw art. 15 lid 1: "nee" in afwijking_bevestigd confirms nothing."""
    path = write_rows(
        tmp_path / "l.csv", [row("2026-0001", **ART15_AT_10, afwijking_bevestigd="n")]
    )
    assert [p.column for p in _rejected(store, path)] == ["grond"]


def test_a_row_with_an_unreadable_birth_date_gets_no_law_finding(
    store: Store, tmp_path: Path
) -> None:
    """The rules wait until the cells they read can be read: one problem, not a spurious one."""
    path = write_rows(
        tmp_path / "l.csv", [row("2026-0001", grond="15", geboortedatum="31-02-2016")]
    )
    assert [p.column for p in _rejected(store, path)] == ["geboortedatum"]


@pytest.mark.parametrize(
    "written", ["artikel 5a", "art. 5a", "Art 5a Lpw", "artikel 5a Lpw", "ART.5A", "5a Lpw"]
)
def test_lpw_art5a_written_out_is_rejected_and_named(tmp_path: Path, written: str) -> None:
    """Lpw art. 5a (trekkend bestaan) is not art. 5 onder a: the row is refused, not guessed."""
    path = write_rows(tmp_path / "l.csv", [row("2026-0001", grond=written)])
    problems = imports.read_case_file(path, today=TODAY).problems  # before any store
    assert [(p.row, p.column) for p in problems] == [(2, "grond")]
    assert "Artikel 5a" in problems[0].reason and "trekkend bestaan" in problems[0].reason
    assert '"5 onder a"' in problems[0].reason


@pytest.mark.parametrize("written", ["5a", "5 a", "5 onder a", "art. 5 onder a", "5a (medisch)"])
def test_lpw_art5_onder_a_as_users_write_it_still_reads(written: str) -> None:
    """Lpw art. 5 onder a: a bare "5a" keeps meaning 5 onder a (DESIGN.md)."""
    assert imports.parse_ground(written) == ExemptionGround.ART5_A


def test_new_columns_are_read(store: Store, tmp_path: Path) -> None:
    """The optional columns of issue 11 reach the case (ingeschreven ja/nee/j/n/empty)."""
    rows = [
        row(
            "2026-0001",
            vrijstelling_vanaf="01-08-2026",
            vrijstelling_tot="31-07-2027",
            deskundige_verklaring_op="2026-07-01",
            ingeschreven="Ja",
        ),
        row(
            "2026-0002",
            grond="thuiszitter",
            thuis_sinds="01-09-2026",
            terug_op_school="05-10-2026",
            ingeschreven="n",
        ),
        row("2026-0003", ingeschreven=""),
    ]
    imports.import_cases(store, write_rows(tmp_path / "l.csv", rows), today=TODAY)
    got = [
        cases.get_case(store, cases.find_case_id(store, f"2026-000{i}"), today=TODAY)
        for i in (1, 2, 3)
    ]
    assert got[0].exemption_from == date(2026, 8, 1)
    assert got[0].exemption_until == date(2027, 7, 31)
    assert got[0].expert_statement_on == date(2026, 7, 1)
    assert got[0].enrolled is True
    assert got[1].absent_since == date(2026, 9, 1) and got[1].back_at_school_on == date(2026, 10, 5)
    assert got[1].enrolled is False
    assert got[2].enrolled is None


def test_bad_yes_no_and_dates_in_new_columns_are_named(tmp_path: Path) -> None:
    """A wrong ja/nee or date in a new column is a problem in that column, nothing imported."""
    rows = [
        row(
            "2026-0001",
            ingeschreven="misschien",
            afwijking_bevestigd="zeker",
            vrijstelling_vanaf="32-01-2026",
            terug_op_school="2027-01-01",
            thuis_sinds="2026-09-01",
        )
    ]
    problems = imports.read_case_file(write_rows(tmp_path / "l.csv", rows), today=TODAY).problems
    assert {p.column for p in problems} == {
        "ingeschreven",
        "afwijking_bevestigd",
        "vrijstelling_vanaf",
        "terug_op_school",  # in the future
    }
    assert all("misschien" not in p.reason and "zeker" not in p.reason for p in problems)


def _full_cases() -> list[cases.CaseInput]:
    """Cases with every column the export writes, including a confirmed finding."""
    return [
        sample_case(
            case_number="2026-0001",
            exemption_from=date(2026, 8, 1),
            exemption_until=date(2027, 7, 31),
            expert_statement_on=date(2026, 7, 1),
            enrolled=False,
            review_date=date(2027, 6, 1),
        ),
        sample_case(
            "Daan",
            "Bakker",
            case_number="2026-0002",
            ground=ExemptionGround.THUISZITTER,
            status=CaseStatus.IN_BEHANDELING,
            absent_since=date(2026, 5, 1),
            back_at_school_on=date(2026, 9, 14),
            enrolled=True,
        ),
        sample_case(
            "Fleur",
            "Jansen",
            case_number="2026-0003",
            birth_date=date(2016, 5, 1),
            ground=ExemptionGround.ART15,
            confirmed_rules="ART15_LEEFTIJD",
        ),
        sample_case(
            "Ids",
            "Smit",
            case_number="2026-0004",
            status=CaseStatus.AFGESLOTEN,
            closed_on=date(2026, 10, 1),
        ),
    ]


_COMPARED = (
    "case_number", "first_name", "last_name", "birth_date", "school", "ground", "status",
    "registered_on", "absent_since", "review_date", "exemption_until", "closed_on",
    "exemption_from", "back_at_school_on", "enrolled", "expert_statement_on", "confirmed_rules",
)  # fmt: skip


def _fields(store: Store) -> dict[str, tuple[object, ...]]:
    found = {}
    for item in cases.list_cases(store, cases.CaseFilter(include_closed=True), log_search=False):
        record = cases.get_case(store, item.id, today=TODAY)
        found[record.case_number] = tuple(getattr(record, name) for name in _COMPARED)
    return found


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_imports_again_with_every_field_equal(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    """The round trip keeps the new fields (issue 11 item 3), a confirmed finding too."""
    cases.create_cases(store, _full_cases(), today=TODAY)
    path = tmp_path / f"export{suffix}"
    assert exports.export_cases(store, path) == 4
    (tmp_path / "leeg").mkdir()
    other, _ = make_store(tmp_path / "leeg")
    try:
        imports.import_cases(other, path, today=TODAY)
        assert _fields(other) == _fields(store)
    finally:
        other.close()


def test_export_writes_the_new_columns_after_the_old_ones(store: Store, tmp_path: Path) -> None:
    """Older lists keep their column positions; the new columns come last."""
    cases.create_cases(store, _full_cases()[:1], today=TODAY)
    path = tmp_path / "export.csv"
    exports.export_cases(store, path)
    header, first = path.read_text("utf-8-sig").splitlines()[:2]
    names = header.split(";")
    assert names[:13] == [*imports.COLUMNS, "thuis_sinds", "herbeoordeling", "vrijstelling_tot",
                          "afgesloten_op"]  # fmt: skip
    assert names[13:] == list(imports.LAW_COLUMNS)
    cells = dict(zip(names, first.split(";"), strict=True))
    assert cells["vrijstelling_vanaf"] == "01-08-2026"
    assert cells["ingeschreven"] == "nee"
    assert cells["deskundige_verklaring_op"] == "01-07-2026"
    assert cells["afwijking_bevestigd"] == ""


def test_lpw_art15_check_cases_reports_unconfirmed_findings(store: Store) -> None:
    """Lpw art. 15 lid 1: `check_cases` names the rule; a confirmed case passes."""
    at_ten = sample_case(birth_date=date(2016, 5, 1), ground=ExemptionGround.ART15)
    confirmed = sample_case(
        birth_date=date(2016, 5, 1), ground=ExemptionGround.ART15, confirmed_rules="ART15_LEEFTIJD"
    )
    with store.read() as session:
        found = cases.check_cases(session, [confirmed, at_ten], today=TODAY)
    assert [(index, name) for index, name, _ in found] == [(1, "ground")]
    assert "art. 15" in found[0][2] and "Past niet bij de Leerplichtwet" in found[0][2]
