"""Issue 10 item 7: an import file cannot exhaust the machine or hold the store.

Each test feeds a hostile file to the real reader (and, where the store matters, to a real
encrypted store) and checks that it is refused at once with a Dutch BadInput naming the limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from casusoverleg.errors import BadInput
from casusoverleg.services import audit, cases, imports
from casusoverleg.services.imports import ImportRejected
from casusoverleg.services.store import Store
from tests.helpers import import_files
from tests.helpers.import_files import SHEET, inline_row
from tests.helpers.stores import sample_case

TODAY = date(2026, 10, 15)
HEADER = (
    "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;casushouder"
)
GOOD_ROW = "2026-0101;Sanne;de Vries;12-03-2014;De Kievitsbloem;5 onder a;;;"


@pytest.fixture(scope="module")
def rows_500k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The attack of the issue: a small workbook whose 500,000 rows used 1.4 GB."""
    return import_files.many_rows_workbook(tmp_path_factory.mktemp("rijen") / "r.xlsx", 500_000)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A zip bomb: 100 MB of spaces packed into ~100 KB, its declared size over the limit."""
    path = tmp_path_factory.mktemp("bom") / "bom.xlsx"
    return import_files.bomb_workbook(path, imports.MAX_SHEET_XML + 1)


def _csv(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


# -- only regular files, never blocking -----------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_fifo_is_refused_at_once_without_blocking(store: Store, tmp_path: Path) -> None:
    fifo = tmp_path / "lijst.csv"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            imports.import_cases(store, fifo, today=TODAY)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=20)
    if reader.is_alive():  # the old code blocks in open(): release it, then fail
        with open(fifo, "wb"):
            pass
        reader.join(timeout=20)
        pytest.fail("reading a FIFO blocked")
    (exc,) = outcome
    assert isinstance(exc, BadInput)
    assert "geen gewoon bestand" in exc.message
    assert cases.count_cases(store) == 0


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_and_a_link_to_it_are_refused(tmp_path: Path) -> None:
    link = tmp_path / "nullen.csv"
    link.symlink_to("/dev/zero")
    for path in (Path("/dev/zero"), link):
        with pytest.raises(BadInput, match="geen gewoon bestand"):
            imports.read_case_file(path)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "groot.csv"
    with open(path, "wb") as fh:  # sparse: the size is there, the disk blocks are not
        fh.truncate(imports.MAX_FILE_BYTES + 1)
    with pytest.raises(BadInput, match="groter dan 20 MB"):
        imports.read_case_file(path)


# -- row, cell and problem limits -----------------------------------------------------------------


def test_rows_past_the_limit_are_refused_blank_rows_are_not(tmp_path: Path) -> None:
    blank = ";" * 8
    # 100,000 data rows of which all but one are blank: within the limit.
    within = _csv(tmp_path / "binnen.csv", GOOD_ROW, *([blank] * (imports.MAX_ROWS - 1)))
    assert [r.row for r in imports.read_case_file(within, today=TODAY).rows] == [2]
    beyond = _csv(tmp_path / "buiten.csv", *([blank] * imports.MAX_ROWS), GOOD_ROW)
    with pytest.raises(BadInput, match=r"meer dan 100\.000 regels"):
        imports.read_case_file(beyond, today=TODAY)


def test_the_500000_row_xlsx_is_refused_quickly(rows_500k: Path) -> None:
    # It used 1.4 GB and gave 2,000,001 error lines; the sheet scan refuses it before
    # openpyxl reads a row.
    assert rows_500k.stat().st_size < 5_000_000
    with pytest.raises(BadInput, match=r"meer dan 100\.000 regels"):
        imports.read_case_file(rows_500k, today=TODAY)


def test_a_long_cell_is_a_problem_naming_the_limit(store: Store, tmp_path: Path) -> None:
    long_name = "Bartholomeus" * 100  # 1,200 characters
    path = _csv(tmp_path / "lang.csv", f"2026-0101;{long_name};de Vries;12-03-2014;;5a;;;")
    preview = imports.preview_import(store, path, today=TODAY)
    (problem,) = preview.problems
    assert (problem.row, problem.column) == (2, "voornaam")
    assert "hoogstens 1.000 tekens" in problem.reason
    assert "Bartholomeus" not in problem.reason


def test_the_problem_list_is_capped_with_a_count_of_the_rest(store: Store, tmp_path: Path) -> None:
    bad = "2026-{:04d};;de Vries;31-02-2014;;vijf;klaar;;"  # four problems a row
    path = _csv(tmp_path / "fout.csv", *(bad.format(i) for i in range(2_000)))
    preview = imports.preview_import(store, path, today=TODAY)
    assert len(preview.problems) == imports.MAX_PROBLEMS
    assert preview.problem_count == 8_000
    assert preview.more_problems == 8_000 - imports.MAX_PROBLEMS
    assert preview.rejected_count == 2_000
    # The first ones by row and column: rows 2 to 26, four problems each.
    assert preview.problems[0].row == 2 and preview.problems[-1].row == 26
    assert imports.more_problems_text(preview.more_problems) == "en nog 7.900 problemen"
    with pytest.raises(ImportRejected) as caught:
        imports.import_cases(store, path, today=TODAY)
    assert len(caught.value.problems) == imports.MAX_PROBLEMS
    assert caught.value.more == 7_900
    assert "8.000 fout(en) in 2.000 regel(s)" in caught.value.message
    assert cases.count_cases(store) == 0


# -- xlsx: the zip and the sheet are checked before openpyxl unpacks them -----------------------


def test_a_zip_bomb_is_refused_without_unpacking(bomb: Path, tmp_path: Path) -> None:
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(BadInput, match="uitgepakt te groot"):
        imports.read_case_file(bomb)
    # A directory that declares 4 GB is refused as it stands.
    small = import_files.bomb_workbook(tmp_path / "vier.xlsx", 1024)
    import_files.declare_size(small, SHEET, 0xFFFF_FFF0)
    with pytest.raises(BadInput, match="uitgepakt te groot"):
        imports.read_case_file(small)


def test_a_zip_that_lies_about_its_size_is_cut_off(tmp_path: Path) -> None:
    # Declared 1,000 bytes, packed 5 MB of spaces: zipfile stops at the declared size.
    liar = import_files.bomb_workbook(tmp_path / "leugen.xlsx", 5 * 1024 * 1024)
    import_files.declare_size(liar, SHEET, 1_000)
    with pytest.raises(BadInput, match="beschadigd"):
        imports.read_case_file(liar)


def test_too_many_zip_entries_are_refused(tmp_path: Path) -> None:
    path = import_files.many_entries_workbook(tmp_path / "veel.xlsx", imports.MAX_ZIP_ENTRIES)
    with pytest.raises(BadInput, match="te veel onderdelen"):
        imports.read_case_file(path)


def test_a_row_wider_than_excel_is_refused(tmp_path: Path) -> None:
    wide = b"<row r='2'>" + b"<c><v>1</v></c>" * (imports.EXCEL_MAX_COLUMNS + 1) + b"</row>"
    path = import_files.workbook_with_sheet(tmp_path / "breed.xlsx", [inline_row(1, ["a"]), wide])
    with pytest.raises(BadInput, match="groter dan Excel toestaat"):
        imports.read_case_file(path)
    far = import_files.workbook_with_sheet(
        tmp_path / "ver.xlsx", [inline_row(1, ["a"]), b'<row r="99999999999"><c><v>1</v></c></row>']
    )
    with pytest.raises(BadInput, match="groter dan Excel toestaat"):
        imports.read_case_file(far)


def test_a_wrong_dimension_does_not_drop_rows(tmp_path: Path) -> None:
    # A sheet whose <dimension> says A1:I2 while it has three data rows: openpyxl's read-only
    # mode would stop at row 2; the import reads every row.
    rows = [
        import_files.header_row(),
        inline_row(2, ["A-1", "Sanne", "Vries", "12-03-2014", "", "5a"]),
        inline_row(3, ["A-2", "Daan", "Bakker", "12-03-2014", "", "5a"]),
        inline_row(4, ["A-3", "Noor", "Smit", "12-03-2014", "", "5a"]),
    ]
    path = import_files.workbook_with_sheet(tmp_path / "dim.xlsx", rows, dimension="A1:I2")
    read = imports.read_case_file(path, today=TODAY)
    assert [r.data.case_number for r in read.rows] == ["A-1", "A-2", "A-3"]


# -- memory, measured in a process of its own -----------------------------------------------------

# VmHWM, the peak resident size of this process's own memory: ru_maxrss would report the
# parent's peak (Linux carries it over an exec, and pytest's own process is large by then).
_MEASURE = """
import sys
from casusoverleg.errors import BadInput
from casusoverleg.services import imports
for name in sys.argv[1:]:
    try:
        imports.read_case_file(name)
    except BadInput as exc:
        print(exc.message.split(";")[0])
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="/proc/self/status is Linux only")
def test_hostile_files_stay_far_below_300_mb(rows_500k: Path, bomb: Path, tmp_path: Path) -> None:
    bad = "2026-{:04d};;de Vries;31-02-2014;;vijf;klaar;;"
    files = [
        rows_500k,
        bomb,
        _csv(tmp_path / "fout.csv", *(bad.format(i) for i in range(5_000))),
    ]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    *refusals, peak = done.stdout.splitlines()
    assert refusals == [
        "Het bestand heeft meer dan 100.000 regels met casussen",
        "Dit Excel-bestand bevat te veel onderdelen of zou uitgepakt te groot worden (meer dan "
        "200 MB)",
    ]
    peak_mb = int(peak) / 1024
    assert peak_mb < 300, f"{peak_mb:.0f} MB"


def test_a_refused_file_leaves_the_store_as_it_was(store: Store, bomb: Path) -> None:
    cases.create_case(store, sample_case(case_number="2026-0001"), today=TODAY)
    logged = len(audit.list_events(store))
    with pytest.raises(BadInput):
        imports.import_cases(store, bomb, today=TODAY)
    assert cases.count_cases(store) == 1
    # One line more: the refusal itself, naming the file and nothing of its content.
    (refusal, *_rest) = audit.list_events(store)
    assert len(audit.list_events(store)) == logged + 1
    assert (refusal.result, refusal.detail) == ("geweigerd", "bom.xlsx: bestand niet ingelezen")
    assert audit.verify_chain(store).ok


def test_a_row_of_a_million_cells_is_refused_before_it_is_split(tmp_path: Path) -> None:
    # "ab;" a few hundred thousand times: as a list of cells it would cost far more memory
    # than the file; the reader refuses the row while reading it.
    path = tmp_path / "breed.csv"
    path.write_bytes((HEADER + "\n").encode() + b"ab;" * 400_000 + b"\n")
    with pytest.raises(BadInput, match=r"Regel 2 van het CSV-bestand is langer dan 1\.000\.000"):
        imports.read_case_file(path)
    text = "x" * 600_000
    sheet = [inline_row(1, ["casusnummer"]), inline_row(2, [text, text])]
    xlsx = import_files.workbook_with_sheet(tmp_path / "breed.xlsx", sheet)
    with pytest.raises(BadInput, match=r"meer dan 1\.000\.000 tekens"):
        imports.read_case_file(xlsx)


def test_a_name_with_a_nul_is_refused_in_dutch() -> None:
    with pytest.raises(BadInput, match="bestandsnaam is ongeldig"):
        imports.read_case_file("lijst\x00.csv")
