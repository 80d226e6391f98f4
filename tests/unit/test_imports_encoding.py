"""CSV files as Excel-NL writes them (issue 14 item 5): UTF-8 with or without BOM, Windows-1252
('CSV (gescheiden door lijstscheidingsteken)') and UTF-16 ('Unicode-tekst', tabs), decided
by trying UTF-8 first; the encoding used is named. An .xlsx with an XML entity bomb is refused.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl.xml
import pytest
from openpyxl import Workbook
from openpyxl.xml.functions import fromstring

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, cases, imports
from casusoverleg.services.store import Store
from tests.helpers.import_files import (
    billion_laughs,
    shared_strings_workbook,
    with_members,
)

TODAY = date(2026, 10, 15)
HEADER = (
    "casusnummer", "voornaam", "achternaam", "geboortedatum", "school", "grond", "status",
    "aangemeld_op", "casushouder",
)  # fmt: skip
ROWS = [
    ("2026-0101", "Chloë", "Müller", "12-03-2014", "De Brug € 5", "5 onder a", "", "", ""),
    ("2026-0102", "René", "Anaïs-Brûlé", "2012-07-01", "", "thuiszitter", "", "", ""),
    ("2026-0103", "Zoë", "Ĳzerman", "1-9-2013", "", "5b", "", "", ""),
]
# Ĳ has no place in Windows-1252: files in that encoding hold the two letters IJ.
CP1252_ROWS = [tuple(c.replace("Ĳ", "IJ") for c in row) for row in ROWS]
NAMES = {"2026-0101": ("Chloë", "Müller"), "2026-0102": ("René", "Anaïs-Brûlé")}


def _text(rows: list[tuple[str, ...]], sep: str = ";") -> str:
    return "\r\n".join(sep.join(row) for row in [HEADER, *rows]) + "\r\n"


def _stored(store: Store) -> dict[str, tuple[str, str, str]]:
    return {
        r.case_number: (r.first_name, r.last_name, r.school)
        for r in cases.list_cases(store, log_search=False)
    }


def _refused(store: Store) -> list[audit.AuditEntry]:
    return [
        e for e in audit.list_events(store) if e.action == AuditAction.IMPORT
        and e.result == "geweigerd"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "encoding", "rows"),
    [
        (_text(ROWS).encode("utf-8"), imports.UTF8, ROWS),
        (b"\xef\xbb\xbf" + _text(ROWS).encode("utf-8"), imports.UTF8, ROWS),
        (_text(CP1252_ROWS).encode("cp1252"), imports.CP1252, CP1252_ROWS),
        # Excel's 'Unicode-tekst': UTF-16 LE with a BOM, cells separated by tabs.
        (b"\xff\xfe" + _text(ROWS, "\t").encode("utf-16-le"), imports.UTF16, ROWS),
        (b"\xfe\xff" + _text(ROWS, "\t").encode("utf-16-be"), imports.UTF16, ROWS),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "utf-16-le-tabs", "utf-16-be-tabs"],
)
def test_each_excel_encoding_is_read_and_named(
    store: Store, tmp_path: Path, content: bytes, encoding: str, rows: list[tuple[str, ...]]
) -> None:
    path = tmp_path / "lijst.csv"
    path.write_bytes(content)
    case_file = imports.read_case_file(path, today=TODAY)
    assert case_file.encoding == encoding
    preview = imports.preview_import(store, path, today=TODAY)
    assert preview.ok, preview.problems
    assert preview.encoding == encoding
    assert imports.encoding_line(preview.encoding) == f"Tekenset van het bestand: {encoding}."
    result = imports.import_cases(store, case_file, today=TODAY)
    assert result.count == 3
    stored = _stored(store)
    for row in rows:
        assert stored[row[0]] == (row[1], row[2], row[4])
    assert stored["2026-0101"] == ("Chloë", "Müller", "De Brug € 5")


def test_an_xlsx_names_no_encoding(store: Store, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    sheet.append(list(ROWS[0]))
    workbook.save(tmp_path / "lijst.xlsx")
    preview = imports.preview_import(store, tmp_path / "lijst.xlsx", today=TODAY)
    assert preview.ok and preview.encoding == ""
    assert imports.encoding_line(preview.encoding) == ""


def test_cp1252_keeps_the_limits_and_all_or_nothing(store: Store, tmp_path: Path) -> None:
    long_school = "é" * (imports.MAX_CELL_CHARS + 1)
    extra = ("2026-0104", "Daan", "Bakker", "1-1-2013", long_school, "5a", "", "", "")
    rows = [*CP1252_ROWS, extra]
    path = tmp_path / "lijst.csv"
    path.write_bytes(_text(rows).encode("cp1252"))
    with pytest.raises(imports.ImportRejected) as caught:
        imports.import_cases(store, path, today=TODAY)
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "school")]
    assert "te lang" in caught.value.problems[0].reason
    assert cases.count_cases(store) == 0
    assert len(_refused(store)) == 1


def test_utf16_keeps_the_size_limit(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "groot.csv"
    with path.open("wb") as fh:
        fh.write(b"\xff\xfe" + _text(ROWS, "\t").encode("utf-16-le"))
        fh.write(b"\x20\x00" * (imports.MAX_FILE_BYTES // 2))
    with pytest.raises(BadInput, match="groter dan 20 MB"):
        imports.import_cases(store, path, today=TODAY)
    assert cases.count_cases(store) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # NUL bytes without a UTF-16 BOM: no text file.
        (bytes(range(256)) * 8, "geen CSV-tekstbestand"),
        # No NUL, but control bytes no text holds (not UTF-8, so Windows-1252 is tried).
        (bytes(range(1, 32)) * 10 + b"\xe9" * 10, "geen CSV-tekstbestand"),
        # A byte that has no meaning in Windows-1252 (0x81) and no UTF-8.
        (_text(CP1252_ROWS).encode("cp1252") + b"\x81\x8d", "onbekende tekenset"),
        # A UTF-16 BOM, then an odd number of bytes: damaged.
        (b"\xff\xfe" + "casusnummer".encode("utf-16-le") + b"\x00", r"UTF-16.*beschadigd"),
        # A UTF-16 BOM before binary junk.
        (b"\xff\xfe" + b"\x01\x00\x02\x00" * 20, "geen CSV-tekstbestand"),
    ],
    ids=["nul-bytes", "control-bytes", "not-cp1252", "broken-utf-16", "utf-16-junk"],
)
def test_junk_is_refused_in_dutch_and_nothing_stored(
    store: Store, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "rommel.csv"
    path.write_bytes(content)
    with pytest.raises(BadInput, match=message) as caught:
        imports.import_cases(store, path, today=TODAY)
    assert "Traceback" not in caught.value.message
    assert cases.count_cases(store) == 0
    assert len(_refused(store)) == 1


def test_a_mixed_file_is_refused_not_garbled(store: Store, tmp_path: Path) -> None:
    # Row 2 in UTF-8, row 3 pasted in from a Windows-1252 file: reading it all as Windows-1252
    # would make "Chloë" into "ChloÃ«"; the file is refused, naming the first wrong cell.
    path = tmp_path / "gemengd.csv"
    path.write_bytes(_text(ROWS[:1]).encode() + ";".join(CP1252_ROWS[1]).encode("cp1252"))
    with pytest.raises(BadInput, match=r"deels in UTF-8.*regel 3, kolom 2") as caught:
        imports.import_cases(store, path, today=TODAY)
    assert "René" not in caught.value.message
    assert cases.count_cases(store) == 0


# -- xlsx: XML entities ---------------------------------------------------------------------------


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    # openpyxl's own parser refuses entities, whatever reaches it.
    with pytest.raises(ValueError, match=r"(?i)entit"):
        fromstring(billion_laughs("sst", "<sst><si><t>&lol9;</t></si></sst>"))


def _workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    sheet.append(list(ROWS[0]))
    workbook.save(path)
    return path


_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_BOMBS = {
    "xl/sharedStrings.xml": billion_laughs(
        "sst", f'<sst {_MAIN} count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    ),
    "xl/styles.xml": billion_laughs("styleSheet", f"<styleSheet {_MAIN}>&lol9;</styleSheet>"),
    "xl/worksheets/sheet1.xml": billion_laughs(
        "worksheet",
        f'<worksheet {_MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t>'
        "</is></c></row></sheetData></worksheet>",
    ),
    "xl/workbook.xml": billion_laughs("workbook", f"<workbook {_MAIN}>&lol9;</workbook>"),
}


@pytest.mark.parametrize("member", sorted(_BOMBS))
def test_an_xlsx_with_an_entity_bomb_is_refused(store: Store, tmp_path: Path, member: str) -> None:
    path = with_members(_workbook(tmp_path / "lijst.xlsx"), {member: _BOMBS[member]})
    with pytest.raises(BadInput, match="XML-definities") as caught:
        imports.read_case_file(path, today=TODAY)
    assert caught.value.message.startswith("Het Excel-bestand bevat")
    with pytest.raises(BadInput, match="XML-definities"):
        imports.import_cases(store, path, today=TODAY)
    assert cases.count_cases(store) == 0
    assert len(_refused(store)) == 1


def test_shared_strings_are_read_and_their_bomb_refused(store: Store, tmp_path: Path) -> None:
    # The same workbook with a harmless shared string is read (so the bomb is what is refused).
    path = shared_strings_workbook(
        tmp_path / "gewoon.xlsx", f"<sst {_MAIN}><si><t>casusnummer</t></si></sst>".encode()
    )
    with pytest.raises(BadInput, match="ontbreekt de kolom 'voornaam'"):
        imports.read_case_file(path, today=TODAY)
    path = shared_strings_workbook(tmp_path / "bom.xlsx", _BOMBS["xl/sharedStrings.xml"])
    with pytest.raises(BadInput, match="XML-definities"):
        imports.import_cases(store, path, today=TODAY)
    assert cases.count_cases(store) == 0
    assert len(_refused(store)) == 1
