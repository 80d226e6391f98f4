"""Import cases from the group's Excel list (.xlsx) or a CSV export of it: all or nothing.

The file is read and checked completely before anything is written, so that the user sees the
rejected rows (with the row number as Excel shows it, the column and the kind of problem) at
once. Only a file without a single problem is imported, in one transaction.

Reading is bounded, whatever the file holds: only regular files (a pipe or device would block
or never end), at most `MAX_FILE_BYTES`, `MAX_ROWS` rows and `MAX_CELL_CHARS` per cell; an
.xlsx is checked as a zip (entries, declared unpacked sizes) and as XML (rows, cells per row)
before openpyxl parses it, and its rows are streamed. At most `MAX_PROBLEMS` problems are kept,
with a count of the rest. A message names row, column and the kind of problem, never the
content of a cell: with swapped columns that content is a child's name or diagnosis.

A CSV is read as Excel-NL saves it (`_decode`): UTF-16 when it starts with a UTF-16 BOM
('Unicode-tekst', tab-separated), else UTF-8 when all of it is, else Windows-1252; the preview
names the one used. An .xlsx part that declares a DTD (an entity bomb) is refused.
"""

from __future__ import annotations

import csv
import heapq
import io
import os
import posixpath
import re
import stat
import struct
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casusoverleg.domain import plausibility
from casusoverleg.domain.dates import DATE_HINT, parse_date
from casusoverleg.domain.enums import AuditAction, CaseStatus, ExemptionGround, Team
from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.text import case_number_key, clean_line, line_problem
from casusoverleg.errors import BadInput, os_reason
from casusoverleg.services import audit, case_numbers, cases, people
from casusoverleg.services.cases import CaseInput
from casusoverleg.services.store import Store
from casusoverleg.store.models import Organisation, Participant

# The columns of the case list, in the order export writes them.
COLUMNS = (
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
# Without these a row cannot become a case; the others may be left out of the header.
REQUIRED_COLUMNS = ("casusnummer", "voornaam", "achternaam", "geboortedatum", "grond")
# Written by export after the import columns; read back when present so a round trip keeps them.
OPTIONAL_DATE_COLUMNS = ("thuis_sinds", "herbeoordeling", "vrijstelling_tot")
# Export writes the closing date after those; an imported closed case keeps it (else: today).
CLOSED_COLUMN = "afgesloten_op"
# The case file's law facts (issue 11), written by export after the closing date. Dates as the
# other date columns; `ingeschreven` ja/nee (empty: not known); `afwijking_bevestigd` ja/nee.
LAW_DATE_COLUMNS = ("vrijstelling_vanaf", "terug_op_school", "deskundige_verklaring_op")
ENROLLED_COLUMN = "ingeschreven"
CONFIRMED_COLUMN = "afwijking_bevestigd"
LAW_COLUMNS = (
    "vrijstelling_vanaf",
    "terug_op_school",
    ENROLLED_COLUMN,
    "deskundige_verklaring_op",
    CONFIRMED_COLUMN,
)
_DATE_COLUMNS = ("geboortedatum", "aangemeld_op", *OPTIONAL_DATE_COLUMNS, CLOSED_COLUMN,
                 *LAW_DATE_COLUMNS)  # fmt: skip
_ALL_COLUMNS = (*COLUMNS, *OPTIONAL_DATE_COLUMNS, CLOSED_COLUMN, *LAW_COLUMNS)
_KNOWN_COLUMNS = frozenset(_ALL_COLUMNS)

# -- limits: a case list is far smaller; anything beyond is refused with its own message ------
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000  # data rows, the header not counted
MAX_CELL_CHARS = 1_000
# One row as read, before its cells are split: bounds the cell list a crafted row could make.
MAX_ROW_CHARS = 1_000_000
MAX_PROBLEMS = 100  # problems listed; the rest are counted
MAX_OWNER_CHARS = 200  # models.Participant.name
# Excel's own sheet size: a row or column beyond it means a damaged or crafted file.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# Columns read from a sheet: the header's known columns are far to the left of this.
MAX_SHEET_COLUMNS = 200
# An .xlsx is a zip: its directory and its members' declared unpacked sizes are checked before
# anything is unpacked (zipfile never unpacks more than a member declares).
MAX_ZIP_ENTRIES = 1_000
MAX_ZIP_DIRECTORY = 1024 * 1024
MAX_ZIP_TOTAL = 200 * 1024 * 1024
MAX_SHEET_XML = 100 * 1024 * 1024  # a sheet is streamed
MAX_SHARED_STRINGS = 12 * 1024 * 1024  # openpyxl keeps every shared string in a list
MAX_OTHER_XML = 4 * 1024 * 1024  # styles, workbook, relations: parsed whole by openpyxl
MAX_OTHER_MEMBER = 50 * 1024 * 1024  # pictures and the like, never unpacked by the import

# The form export writes for each ground; import accepts it and many variants.
GROUND_TEXT = {
    ExemptionGround.ART5_A: "5 onder a",
    ExemptionGround.ART5_B: "5 onder b",
    ExemptionGround.ART5_C: "5 onder c",
    ExemptionGround.ART15: "15",
    ExemptionGround.ART3A: "3a",
    ExemptionGround.ART3B: "3b",
    ExemptionGround.ART11: "11",
    ExemptionGround.THUISZITTER: "thuiszitter",
    ExemptionGround.PREVENTIEF: "preventief",
}
# Key: the text folded by `_fold_ground`. In import files "5a" means "5 onder a" (users write
# it that way), not the travelling-families article 5a.
_GROUNDS = {
    "5a": ExemptionGround.ART5_A,
    "5b": ExemptionGround.ART5_B,
    "5c": ExemptionGround.ART5_C,
    "15": ExemptionGround.ART15,
    "3a": ExemptionGround.ART3A,
    "3b": ExemptionGround.ART3B,
    "11": ExemptionGround.ART11,
    "thuiszitter": ExemptionGround.THUISZITTER,
    "preventief": ExemptionGround.PREVENTIEF,
}
_GROUND_HINT = "gebruik 5 onder a, 5 onder b, 5 onder c, 15, 3a, 3b, 11, thuiszitter of preventief"
# By label ("in behandeling") and by code with underscores as spaces ("in_behandeling").
_STATUSES = {s.label: s for s in CaseStatus} | {
    s.value.lower().replace("_", " "): s for s in CaseStatus
}

# Where a problem with a case field shows up in the file.
_FIELD_COLUMNS = {
    "case_number": "casusnummer",
    "first_name": "voornaam",
    "last_name": "achternaam",
    "birth_date": "geboortedatum",
    "school": "school",
    "ground": "grond",
    "status": "status",
    "registered_on": "aangemeld_op",
    "owner_id": "casushouder",
    "absent_since": "thuis_sinds",
    "review_date": "herbeoordeling",
    "exemption_until": "vrijstelling_tot",
    "exemption_from": "vrijstelling_vanaf",
    "back_at_school_on": "terug_op_school",
    "enrolled": ENROLLED_COLUMN,
    "expert_statement_on": "deskundige_verklaring_op",
    "confirmed_rules": CONFIRMED_COLUMN,
}
_COLUMN_ORDER = {c: i for i, c in enumerate(_ALL_COLUMNS)}
# How a yes/no cell may be written (case-insensitive); an empty cell is neither.
_YES = frozenset({"ja", "j"})
_NO = frozenset({"nee", "n"})
_YES_NO_HINT = "Vul ja of nee in (of j of n), of laat de cel leeg."

# The organisation that new case owners from an import join when none is chosen.
LEERPLICHT_ORGANISATION = "Team Leerplicht"

# Export puts a quote before text that a spreadsheet would read as a formula; undo that here.
_NEUTRALISED = re.compile(r"'(?=[=+\-@\t\r])")
_HEADER_FOLD = re.compile(r"[\s\-]+")
# What the UTF-8 decoder's surrogateescape makes of a byte that is not UTF-8.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
_DAMAGED_XLSX = (
    "Het Excel-bestand kan niet worden gelezen; het is beschadigd of geen .xlsx-bestand."
)


def _number(value: int) -> str:
    """A count as Dutch text: 1.999.900."""
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class RowProblem:
    """Why one cell keeps a row out: `row` as Excel numbers it (header = 1), Dutch column name."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"regel {self.row}, kolom {self.column}: {self.reason}"


def more_problems_text(count: int) -> str:
    """The line under a cut-off problem list: "en nog 1.999.900 problemen"."""
    return f"en nog {_number(count)} {'probleem' if count == 1 else 'problemen'}"


class ImportRejected(BadInput):
    """The file has rejected rows, so nothing was imported.

    `problems` holds the first `MAX_PROBLEMS` (by row and column), `more` how many follow.
    """

    def __init__(
        self, problems: list[RowProblem], *, more: int = 0, rows: int | None = None
    ) -> None:
        self.problems = problems
        self.more = more
        total = len(problems) + more
        rows = len({p.row for p in problems}) if rows is None else rows
        # A summary only: callers list `problems` themselves, one line each (see `RowProblem`).
        super().__init__(
            f"Import geweigerd: {_number(total)} fout(en) in {_number(rows)} regel(s); er is "
            "niets opgeslagen. Verbeter het bestand en importeer het opnieuw."
        )


@dataclass(frozen=True)
class OwnerCandidate:
    """An active participant an unknown casushouder might mean."""

    id: int
    label: str  # "Naam (organisatie)"


@dataclass(frozen=True)
class UnknownOwner:
    """A casushouder value that names no single active participant, with its cases counted.

    `key` is the folded value (`people.code_key`): "SWT", "swt" and "s.w.t." are one value.
    `candidates` are the participants it matches equally well (empty: it matches nobody).
    """

    key: str
    value: str  # as the file first writes it
    count: int
    candidates: tuple[OwnerCandidate, ...] = ()

    @property
    def cases_text(self) -> str:
        """ "3 casussen", "1 casus"."""
        return f"{_number(self.count)} {'casus' if self.count == 1 else 'casussen'}"

    @property
    def text(self) -> str:
        """How the preview names it: "onbekende casushouder 'swt' (3 casussen)"."""
        what = "dubbelzinnige" if self.candidates else "onbekende"
        return f"{what} casushouder '{self.value}' ({self.cases_text})"


@dataclass(frozen=True)
class LinkOwner:
    """Choice for an unknown casushouder: its cases go to this existing participant."""

    participant_id: int


@dataclass(frozen=True)
class NewOwner:
    """Choice for an unknown casushouder: a new participant with this name owns its cases.

    The organisation is an existing one (`organisation_id`) or one named here (found by name,
    else made); with neither, the first Leerplicht team (made when there is none).
    """

    name: str
    organisation_id: int | None = None
    organisation_name: str = ""


@dataclass(frozen=True)
class LeaveEmpty:
    """Choice for an unknown casushouder: its cases get no casushouder."""


OwnerChoice = LinkOwner | NewOwner | LeaveEmpty


@dataclass(frozen=True)
class ImportPreview:
    """A checked file before import: its cases (rejected ones too), problems, unknown owners."""

    cases: list[CaseInput]
    rows: list[int]  # the Excel row number of each case
    owner_names: list[str]  # the casushouder as written in each row ("" for none)
    problems: list[RowProblem]  # the first MAX_PROBLEMS, by row and column
    unknown_owners: list[UnknownOwner]  # values matching no single participant, by first row
    more_problems: int = 0  # problems beyond `problems`, counted only
    rejected_row_count: int | None = None  # rows with a problem (None: those in `problems`)
    encoding: str = ""  # how a CSV was read (see `encoding_line`); "" for an .xlsx

    @property
    def ok(self) -> bool:
        """Whether the file can be imported as it is."""
        return not self.problems

    def undecided(self, choices: Mapping[str, OwnerChoice]) -> list[UnknownOwner]:
        """The unknown casushouders without a choice in `choices` (by `UnknownOwner.key`)."""
        return [owner for owner in self.unknown_owners if owner.key not in choices]

    @property
    def problem_count(self) -> int:
        """All problems, the listed and the counted ones."""
        return len(self.problems) + self.more_problems

    @property
    def rejected_rows(self) -> list[int]:
        """Row numbers of the listed problems, in order."""
        return sorted({p.row for p in self.problems})

    @property
    def rejected_count(self) -> int:
        """How many rows have at least one problem (listed or not)."""
        if self.rejected_row_count is None:
            return len(self.rejected_rows)
        return self.rejected_row_count


@dataclass(frozen=True)
class ImportResult:
    """What an import added."""

    count: int
    case_numbers: list[str] = field(default_factory=list)
    new_owners: list[str] = field(default_factory=list)  # participants made by a NewOwner choice
    left_empty: list[UnknownOwner] = field(default_factory=list)  # their cases have no owner


# -- problems, kept within bounds ----------------------------------------------------------------


def _sort_key(problem: RowProblem) -> tuple[int, int, str]:
    return (problem.row, _COLUMN_ORDER.get(problem.column, 99), problem.reason)


class _Largest:
    """A heap entry ordered backwards, so that the heap's top is the largest kept problem."""

    __slots__ = ("key", "problem")

    def __init__(self, problem: RowProblem) -> None:
        self.key = _sort_key(problem)
        self.problem = problem

    def __lt__(self, other: _Largest) -> bool:
        return self.key > other.key


class _Problems:
    """The first MAX_PROBLEMS problems by row and column, and a count of all (bounded memory)."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self._limit = limit
        self._heap: list[_Largest] = []
        self.total = 0
        self.rows: set[int] = set()

    def add(self, problem: RowProblem) -> None:
        self.total += 1
        self.rows.add(problem.row)
        if len(self._heap) == self._limit and problem.row > self._heap[0].key[0]:
            return  # rows come in order: a later row cannot be among the first ones
        entry = _Largest(problem)
        if len(self._heap) < self._limit:
            heapq.heappush(self._heap, entry)
        elif entry.key < self._heap[0].key:
            heapq.heapreplace(self._heap, entry)

    def extend(self, problems: Iterable[RowProblem]) -> None:
        for problem in problems:
            self.add(problem)

    def listed(self) -> list[RowProblem]:
        return [e.problem for e in sorted(self._heap, key=lambda e: e.key)]

    @property
    def more(self) -> int:
        return self.total - len(self._heap)


# -- reading the file ----------------------------------------------------------------------------


@dataclass
class _ParsedRow:
    row: int  # as Excel numbers it
    data: CaseInput
    owner_name: str
    confirmed: bool = False  # `afwijking_bevestigd` = ja: the file confirms what does not fit


@dataclass(frozen=True)
class CaseFile:
    """A case list read and checked on its own, before the store is opened.

    `problems` are those found without the store (cells that cannot be read, missing fields),
    the first MAX_PROBLEMS of them; `problem_total` counts all.
    """

    name: str  # the file's base name, for the log
    rows: list[_ParsedRow]
    problems: list[RowProblem]
    problem_total: int = 0
    problem_rows: frozenset[int] = frozenset()
    encoding: str = ""  # how a CSV was read (UTF8, CP1252, UTF16); "" for an .xlsx


def _header_key(value: str) -> str:
    return _HEADER_FOLD.sub("_", clean_line(value).lower())


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates as ISO, 1234.0 as 1234)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _header(cells: Sequence[object]) -> dict[str, int]:
    """The known columns of the header row by position; BadInput for a missing or double one."""
    texts = [_cell_text(cell)[: MAX_CELL_CHARS + 1] for cell in cells]
    if not any(texts):
        raise BadInput("Het bestand is leeg: de eerste regel moet de kolomnamen bevatten.")
    positions: dict[str, int] = {}
    for index, text in enumerate(texts):
        name = _header_key(text)
        if name not in _KNOWN_COLUMNS:
            continue  # other columns are ignored; their names are never repeated back
        if name in positions:
            raise BadInput(f"De kolom '{name}' staat twee keer in de kopregel.")
        positions[name] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise BadInput(
            "In de kopregel ontbreekt de kolom "
            + ", ".join(f"'{c}'" for c in missing)
            + ". Verwacht worden de kolommen: "
            + ", ".join(COLUMNS)
            + "."
        )
    return positions


def _too_many_rows() -> BadInput:
    return BadInput(
        f"Het bestand heeft meer dan {_number(MAX_ROWS)} regels met casussen; zo groot is "
        "een casuslijst niet. Kies het juiste bestand of splits het."
    )


def _parse_rows(
    rows: Iterable[Sequence[object]], name: str, today: date, encoding: str = ""
) -> CaseFile:
    """Rows of cells (header first) checked and parsed one at a time (bounded memory)."""
    iterator = iter(rows)
    header_row = next(iterator, None)
    if header_row is None:
        raise BadInput("Het bestand is leeg: de eerste regel moet de kolomnamen bevatten.")
    columns = _header(header_row)
    parsed: list[_ParsedRow] = []
    problems = _Problems()
    for row, cells in enumerate(iterator, start=2):  # the header is row 1
        if row > EXCEL_MAX_ROWS + 1:
            raise BadInput(
                f"Het bestand heeft meer dan {_number(EXCEL_MAX_ROWS)} regels (ook lege "
                "regels tellen mee); het is beschadigd of geen casuslijst."
            )
        width = len(cells)
        record = {c: _cell_text(cells[i]) if i < width else "" for c, i in columns.items()}
        if not any(record.values()):
            continue  # a blank row: skipped, its number kept for the rows after it
        if row > MAX_ROWS + 1:
            raise _too_many_rows()
        parsed.append(_parse_row(row, record, today, problems))
    return CaseFile(
        name, parsed, problems.listed(), problems.total, frozenset(problems.rows), encoding
    )


def _open_regular(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; never blocks on a pipe or device."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise BadInput(f"{path.name} is een map, geen bestand.")
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path)
        if info.st_size > MAX_FILE_BYTES:
            raise _too_big(path)
        # O_NONBLOCK: should the name be swapped for a pipe after the check, opening it does
        # not wait for a writer; fstat below then refuses it.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise _not_regular(path)
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise BadInput(f"Het bestand {path.name} bestaat niet.") from exc
    except IsADirectoryError as exc:
        raise BadInput(f"{path.name} is een map, geen bestand.") from exc
    except ValueError as exc:  # a NUL in the name
        raise BadInput("De bestandsnaam is ongeldig.") from exc
    except OSError as exc:
        raise BadInput(
            f"Het bestand {path.name} kan niet worden geopend: {os_reason(exc)}."
        ) from exc
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(path)
    return data


def _not_regular(path: Path) -> BadInput:
    return BadInput(
        f"{path.name} is geen gewoon bestand (maar bijvoorbeeld een apparaat of een pijp). "
        "Kies een .csv- of .xlsx-bestand."
    )


def _too_big(path: Path) -> BadInput:
    return BadInput(
        f"Het bestand {path.name} is groter dan {MAX_FILE_BYTES // (1024 * 1024)} MB; zo groot "
        "is een casuslijst niet. Kies het juiste bestand of splits het."
    )


# What the preview and the CLI say about how a CSV was read.
UTF8 = "UTF-8"
CP1252 = "Windows-1252 (Excel 'CSV (gescheiden door lijstscheidingsteken)')"
UTF16 = "UTF-16 (Excel 'Unicode-tekst')"
# Bytes that no text file holds (tab, line ends and form feed are text); a file that is not
# UTF-8 and holds them is no CSV in Windows-1252 either, but something else read as one.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A well-formed UTF-8 sequence of two to four bytes. A file that holds these next to bytes
# that are no UTF-8 is mixed (partly pasted from elsewhere): reading it as Windows-1252 would
# garble its UTF-8 letters ("Ã©"), so it is refused, naming the first row that is no UTF-8.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NO_TEXT = (
    "Dit bestand is geen CSV-tekstbestand (of het is in een onbekende tekenset opgeslagen). "
    "Kies een .csv- of .xlsx-bestand; sla in Excel bij 'Opslaan als' op als "
    "'CSV UTF-8 (door komma's gescheiden)'."
)


def encoding_line(encoding: str) -> str:
    """The line naming how a file was read ("" for an .xlsx, which has no text encoding)."""
    return f"Tekenset van het bestand: {encoding}." if encoding else ""


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV and how it was read: UTF-16 by its BOM, else UTF-8, else Windows-1252.

    Windows-1252 decodes almost any bytes, so it is only tried when UTF-8 fails and the file
    holds no UTF-8 letters at all (see `_UTF8_SEQUENCE`); a mixed file comes back as UTF-8
    with markers for the bytes that are not, so that `_csv_rows` names the first such row.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            text = data[2:].decode(codec)
        except UnicodeDecodeError as exc:
            raise BadInput(
                "Het bestand begint als 'Unicode-tekst' (UTF-16) maar is beschadigd of "
                "afgebroken. Sla de lijst in Excel opnieuw op, bij voorkeur als "
                "'CSV UTF-8 (door komma's gescheiden)'."
            ) from exc
        if _CONTROL.search(text):
            raise BadInput(_NO_TEXT)
        return text, UTF16
    if b"\x00" in data:
        raise BadInput("Dit bestand is geen CSV-tekstbestand. Kies een .csv- of .xlsx-bestand.")
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        return data.decode("utf-8-sig", "surrogateescape"), UTF8
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:  # five bytes have no meaning in Windows-1252
        raise BadInput(_NO_TEXT) from exc
    if _CONTROL.search(text):
        raise BadInput(_NO_TEXT)
    return text, CP1252


def _csv_rows(text: str) -> Iterator[list[str]]:
    """The rows of a decoded CSV, streamed; BadInput naming the row of a byte that is no UTF-8."""
    first_line = text[:65536].split("\n", 1)[0]
    # Excel-NL writes ';' because the comma is the decimal sign, and a tab in 'Unicode-tekst';
    # the header line tells which.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    lines_in = io.StringIO(text, newline="")
    read = [0]  # characters of the row being read (the reader asks for one line at a time)

    def lines() -> Iterator[str]:
        for line in lines_in:
            read[0] += len(line)
            if read[0] > MAX_ROW_CHARS:
                raise BadInput(
                    f"Regel {row + 1} van het CSV-bestand is langer dan "
                    f"{_number(MAX_ROW_CHARS)} tekens; controleer de aanhalingstekens of kies "
                    "het juiste bestand."
                )
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            read[0] = 0
            for column, cell in enumerate(cells, start=1):
                if not cell.isascii() and _NOT_UTF8.search(cell):
                    raise BadInput(
                        "Het CSV-bestand is deels in UTF-8 en deels in een andere tekenset "
                        f"opgeslagen (regel {row}, kolom {column}, is het eerste teken dat niet "
                        "klopt). Kies in Excel bij "
                        "'Opslaan als' het type 'CSV UTF-8 (door komma's gescheiden)'."
                    )
            yield cells
    except csv.Error as exc:
        raise BadInput(
            f"Het CSV-bestand kan niet worden gelezen vanaf regel {row + 1}; controleer de "
            "aanhalingstekens (een cel is niet afgesloten of veel te lang)."
        ) from exc


def _zip_directory(data: bytes) -> tuple[int, int]:
    """(entries, directory size) as the zip's end record says, before zipfile parses it."""
    end = len(data) - 22
    if not (end >= 0 and data[end : end + 4] == b"PK\x05\x06" and data[-2:] == b"\x00\x00"):
        end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557), len(data) - 21)
    if end < 0:
        raise BadInput(_DAMAGED_XLSX)
    entries, size = struct.unpack_from("<HI", data, end + 10)
    # A zip64 locator right before the end record overrides both numbers (zipfile reads it).
    locator = end - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 > len(data) or data[offset : offset + 4] != b"PK\x06\x06":
            raise BadInput(_DAMAGED_XLSX)
        entries, size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, size


def _member_limit(name: str) -> int:
    lower = name.lower()
    if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
        return MAX_SHEET_XML
    if lower == "xl/sharedstrings.xml":
        return MAX_SHARED_STRINGS
    if lower.endswith((".xml", ".rels", ".vml")):
        return MAX_OTHER_XML
    return MAX_OTHER_MEMBER


def _checked_zip(data: bytes) -> zipfile.ZipFile:
    """The workbook as a zip, after its entry count and unpacked sizes are found within bounds."""
    entries, directory = _zip_directory(data)
    too_many = BadInput(
        "Dit Excel-bestand bevat te veel onderdelen of zou uitgepakt te groot worden "
        f"(meer dan {MAX_ZIP_TOTAL // (1024 * 1024)} MB); zo ziet een casuslijst er niet uit. "
        "Sla de lijst in Excel opnieuw op als .xlsx of als CSV UTF-8."
    )
    if entries > MAX_ZIP_ENTRIES or directory > MAX_ZIP_DIRECTORY:
        raise too_many
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    # RuntimeError covers NotImplementedError: a damaged header can claim a zip version or a
    # method zipfile does not know ("zip file version 8.4"), found by the hypothesis attack.
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, struct.error) as exc:
        raise BadInput(_DAMAGED_XLSX) from exc
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if (
        len(members) > MAX_ZIP_ENTRIES
        or total > MAX_ZIP_TOTAL
        or any(m.file_size > _member_limit(m.filename) for m in members)
    ):
        archive.close()
        raise too_many
    return archive


class _SheetTooLarge(Exception):
    """Raised from inside the XML scan: the sheet is beyond Excel's own size."""


class _RowTooLong(Exception):
    """Raised from inside the XML scan: one row holds more than MAX_ROW_CHARS of text."""


class _SheetTooLong(Exception):
    """Raised from inside the XML scan: a value stands beyond row MAX_ROWS + 1."""


class _DoctypeFound(Exception):
    """Raised from inside the XML scan: a part declares a DTD (Excel never writes one)."""


def _no_doctype(*_args: object) -> None:
    raise _DoctypeFound


_DOCTYPE = (
    "Het Excel-bestand bevat XML-definities (een DTD of entiteiten) die Excel zelf nooit "
    "schrijft; zo'n bestand kan de computer vastzetten en wordt niet gelezen. Sla de lijst in "
    "Excel opnieuw op als .xlsx of als CSV UTF-8."
)


def _scan_sheet(archive: zipfile.ZipFile, member: str) -> bool:
    """Check a sheet's XML (rows, cells per row) without building it, before openpyxl does.

    openpyxl holds one whole row in memory and, opening a workbook, reads every sheet once;
    a crafted row of millions of cells, or a row number far beyond Excel's last row, must be
    refused before that. Returns whether the sheet has values beyond row MAX_ROWS + 1.
    """
    parser = expat.ParserCreate()
    rows = 0
    row = 0
    cells = 0
    chars = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal rows, row, cells, chars
        local = name.rpartition(":")[2]
        if local == "row":
            rows += 1
            cells = 0
            chars = 0
            number = attrs.get("r", "")
            if number and not (number.isdigit() and len(number) <= 7):
                raise _SheetTooLarge
            row = int(number) if number else row + 1
            if rows > EXCEL_MAX_ROWS or row > EXCEL_MAX_ROWS:
                raise _SheetTooLarge
        elif local == "c":
            cells += 1
            if cells > EXCEL_MAX_COLUMNS:
                raise _SheetTooLarge
        elif local in ("v", "is") and row > MAX_ROWS + 1:
            raise _SheetTooLong

    def text(data: str) -> None:
        nonlocal chars
        chars += len(data)
        if chars > MAX_ROW_CHARS:
            raise _RowTooLong

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    # Before any entity is declared, let alone expanded (a "billion laughs" bomb).
    parser.StartDoctypeDeclHandler = _no_doctype
    try:
        with archive.open(member) as source:
            parser.ParseFile(source)
    except _SheetTooLong:
        return True
    except _DoctypeFound as exc:
        raise BadInput(_DOCTYPE) from exc
    except _RowTooLong as exc:
        raise BadInput(
            f"Een regel van het werkblad bevat meer dan {_number(MAX_ROW_CHARS)} tekens; zo "
            "ziet een casuslijst er niet uit."
        ) from exc
    except _SheetTooLarge as exc:
        raise BadInput(
            "Het werkblad is groter dan Excel toestaat (regels of kolommen); het bestand is "
            "beschadigd of geen casuslijst."
        ) from exc
    return False


def _scan_doctype(archive: zipfile.ZipFile, member: str) -> None:
    """Refuse a part other than a sheet that declares a DTD, before openpyxl parses it.

    openpyxl parses with defusedxml (a dependency), which refuses entities too; this scan
    also covers the parts read here (`_first_sheet`) and gives the refusal its own message.
    A part that is no XML is left to openpyxl.
    """
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_doctype
    try:
        with archive.open(member) as source:
            parser.ParseFile(source)
    except _DoctypeFound as exc:
        raise BadInput(_DOCTYPE) from exc
    except expat.ExpatError:
        return


def _scan_sheets(archive: zipfile.ZipFile) -> set[str]:
    """`_scan_sheet` for every sheet in the zip; the names of sheets with too many rows.

    The other XML parts are checked for a DTD (`_scan_doctype`).
    """
    too_long = set()
    for info in archive.infolist():
        limit = _member_limit(info.filename)
        if limit == MAX_SHEET_XML:
            if _scan_sheet(archive, info.filename):
                too_long.add(info.filename)
        elif limit != MAX_OTHER_MEMBER:
            _scan_doctype(archive, info.filename)
    return too_long


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first sheet, as openpyxl will find it (None: unknown)."""
    try:
        # Both parts are small (_checked_zip held them to MAX_OTHER_XML), expat refuses entity
        # bombs, and openpyxl parses the same parts in the same way right after this.
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        sheet = workbook.find(f"{_MAIN_NS}sheets/{_MAIN_NS}sheet")
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
        if sheet is None:
            return None
        for relation in relations:
            if relation.get("Id") == sheet.get(_REL_ID):
                target = relation.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                return posixpath.normpath(posixpath.join("xl", target))
    except (KeyError, ElementTree.ParseError):
        return None
    return None


def _xlsx_rows(data: bytes) -> Iterator[Sequence[object]]:
    """The first sheet's rows as cell values, streamed (openpyxl read-only)."""
    from openpyxl import load_workbook  # imported here: a CSV import does not need it

    archive = _checked_zip(data)
    try:
        too_long = _scan_sheets(archive)
        if _first_sheet(archive) in too_long:
            raise _too_many_rows()  # before openpyxl reads the whole sheet once
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips; they do not matter here.
            warnings.simplefilter("ignore")
            # A file object, not the path: openpyxl would refuse a workbook named .csv.
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise BadInput("Het Excel-bestand bevat geen werkblad.")
                sheet: Any = workbook.worksheets[0]
                # openpyxl has no public name for the sheet's part; pyproject pins openpyxl <3.2.
                if sheet._worksheet_path in too_long:
                    raise _too_many_rows()
                # The stored dimension may be wrong (rows beyond it would be lost): ignore it.
                sheet.reset_dimensions()
                header: Sequence[object] = next(
                    sheet.iter_rows(max_row=1, max_col=MAX_SHEET_COLUMNS, values_only=True), ()
                )
                yield header
                # The data rows as wide as the header's last named column, no wider.
                named = [i for i, v in enumerate(header) if _cell_text(v)]
                width = named[-1] + 1 if named else 1
                yield from sheet.iter_rows(min_row=2, max_col=width, values_only=True)
            finally:
                workbook.close()
    except BadInput:
        raise
    except Exception as exc:
        # openpyxl raises many kinds of errors on a damaged or foreign file (zip, XML, key,
        # value errors); to the user they all mean the same.
        raise BadInput(_DAMAGED_XLSX) from exc
    finally:
        archive.close()


def read_case_file(path: Path | str, *, today: date | None = None) -> CaseFile:
    """Read and check a .csv or .xlsx case list without the store (so before unlocking it)."""
    path = Path(path)
    data = _open_regular(path)
    if not data.strip():
        raise BadInput(f"Het bestand {path.name} is leeg.")
    suffix = path.suffix.lower()
    if data.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise BadInput(
            "Dit is een oud Excel-bestand (.xls). Sla het in Excel op als .xlsx of als CSV UTF-8."
        )
    # Go by content, not by name: a workbook renamed to .csv is still a workbook.
    rows: Iterable[Sequence[object]]
    encoding = ""
    if data.startswith(_ZIP_MAGIC):
        rows = _xlsx_rows(data)
    elif suffix in (".xlsx", ".xlsm"):
        raise BadInput(_DAMAGED_XLSX)
    elif suffix not in (".csv", ".txt", ""):
        raise BadInput("Kies een .csv- of .xlsx-bestand.")
    else:
        text, encoding = _decode(data)
        rows = _csv_rows(text)
    return _parse_rows(rows, path.name, today or date.today(), encoding)


# -- one row ---------------------------------------------------------------------------------------


def _fold_ground(value: str) -> str:
    """A ground as a key of _GROUNDS: "Art. 5 onder a (…)" → "5a"; digits must stand together."""
    text = clean_line(value).casefold()
    text = re.sub(r"\(.*\)\s*$", "", text).strip()  # "(lichamelijk/…)", "(Lpw)"
    text = re.sub(r"\s*(lpw|leerplichtwet)$", "", text)
    text = re.sub(r"^(artikel|art\.?)[\s._\-]*", "", text)
    found = re.fullmatch(r"(\d+)(?:[\s._\-]*(?:(?:onder|sub|lid)[\s._\-]*)?([a-z]))?", text)
    if found:  # "1 5" is no "15": spaces may only stand between the number and its letter
        return found.group(1) + (found.group(2) or "")
    return re.sub(r"[\s._\-]+", "", text) if not any(ch.isdigit() for ch in text) else text


# Art. 5a Lpw (a "trekkend bestaan", travelling families) written out as an article: not the
# medical ground 5 onder a, and not a ground the case list knows.
ARTICLE_5A = (
    "Artikel 5a van de Leerplichtwet is de vrijstelling bij een trekkend bestaan (ouders die "
    "rondtrekken); die grond kent de casuslijst niet. Bedoelt u de lichamelijke of psychische "
    'grond, schrijf dan "5 onder a".'
)


def is_article_5a(value: str) -> bool:
    """Whether `value` cites article 5a as an article ("artikel 5a", "art. 5a", "5a Lpw").

    A bare "5a" is how users write 5 onder a (DESIGN.md) and is not matched; the word
    "artikel"/"art." before "5a" or the law's name after it makes it a citation of art. 5a.
    """
    text = clean_line(value).casefold()
    text = re.sub(r"\(.*\)\s*$", "", text).strip()
    core = re.sub(r"[\s,]*(lpw|leerplichtwet(\s*1969)?)\.?$", "", text)
    cited = core != text
    bare = re.sub(r"^(artikel|art\.?)[\s._\-]*", "", core)
    cited = cited or bare != core
    return cited and bare.strip() == "5a"


def parse_ground(value: str) -> ExemptionGround:
    """The ground as import files write it ("5 onder a", "5a", "ART5_A", "thuiszitter", …)."""
    if is_article_5a(value):
        raise ValueError(ARTICLE_5A)
    ground = _GROUNDS.get(_fold_ground(value))
    if ground is None:
        # The cell itself is not repeated: with swapped columns it is a child's data.
        raise ValueError(f"Onbekende grond; {_GROUND_HINT}.")
    return ground


def parse_status(value: str) -> CaseStatus:
    """The status by its Dutch label (case-insensitive); empty means aangemeld."""
    text = " ".join(clean_line(value).replace("_", " ").split()).lower()
    if not text:
        return CaseStatus.AANGEMELD
    status = _STATUSES.get(text)
    if status is None:
        raise ValueError(
            "Onbekende status; gebruik aangemeld, in behandeling, aangehouden, advies "
            "uitgebracht of afgesloten."
        )
    return status


def parse_yes_no(value: str) -> bool | None:
    """A ja/nee cell (also j/n, any case); None for an empty cell; ValueError otherwise."""
    text = clean_line(value).casefold().rstrip(".")
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(_YES_NO_HINT)


def _date_reason(exc: ValueError) -> str:
    """parse_date's reason without the cell it quotes."""
    if "bestaande" in str(exc):
        return "Dit is geen bestaande datum."
    return f"Dit is geen datum; typ {DATE_HINT} of jjjj-mm-dd, bijvoorbeeld 03-09-2026."


def _parse_row(row: int, record: dict[str, str], today: date, found: _Problems) -> _ParsedRow:
    problems: dict[str, str] = {}
    values: dict[str, str] = {}
    for column, raw in record.items():
        if len(raw) > MAX_CELL_CHARS:
            problems[column] = f"De cel is te lang (hoogstens {_number(MAX_CELL_CHARS)} tekens)."
            raw = ""
        text = clean_line(raw)
        values[column] = _NEUTRALISED.sub("", text, count=1) if text.startswith("'") else text
    dates: dict[str, date | None] = {}
    for column in _DATE_COLUMNS:
        dates[column] = None
        if values.get(column) and column not in problems:
            try:
                dates[column] = parse_date(values[column])
            except ValueError as exc:
                problems[column] = _date_reason(exc)
    ground: ExemptionGround | None = None
    if values.get("grond") and "grond" not in problems:
        try:
            ground = parse_ground(values["grond"])
        except ValueError as exc:
            problems["grond"] = str(exc)
    status = CaseStatus.AANGEMELD
    if "status" not in problems:
        try:
            status = parse_status(values.get("status", ""))
        except ValueError as exc:
            problems["status"] = str(exc)
    closed_on = dates[CLOSED_COLUMN] if status == CaseStatus.AFGESLOTEN else None
    if closed_on and closed_on > today:
        problems[CLOSED_COLUMN] = "De datum van afsluiten ligt in de toekomst."
    yes_no: dict[str, bool | None] = {}
    for column in (ENROLLED_COLUMN, CONFIRMED_COLUMN):
        yes_no[column] = None
        if column not in problems:
            try:
                yes_no[column] = parse_yes_no(values.get(column, ""))
            except ValueError as exc:
                problems[column] = str(exc)
    owner = values.get("casushouder", "")
    if "casushouder" not in problems and (reason := line_problem(owner, MAX_OWNER_CHARS)):
        problems["casushouder"] = reason[0].upper() + reason[1:] + "."
    data = CaseInput(
        case_number=values.get("casusnummer", ""),
        first_name=values.get("voornaam", ""),
        last_name=values.get("achternaam", ""),
        birth_date=dates["geboortedatum"],
        school=values.get("school", ""),
        ground=ground,
        status=status,
        registered_on=dates["aangemeld_op"] or today,
        absent_since=dates["thuis_sinds"],
        review_date=dates["herbeoordeling"],
        exemption_until=dates["vrijstelling_tot"],
        closed_on=closed_on,
        exemption_from=dates["vrijstelling_vanaf"],
        back_at_school_on=dates["terug_op_school"],
        enrolled=yes_no[ENROLLED_COLUMN],
        expert_statement_on=dates["deskundige_verklaring_op"],
    )
    # The case rules (required fields, lengths, dates in the future) for cells read well.
    for name, reason in cases.validate(data, today).items():
        problems.setdefault(_FIELD_COLUMNS.get(name, name), reason)
    found.extend(RowProblem(row, column, reason) for column, reason in problems.items())
    owner = owner if "casushouder" not in problems else ""
    return _ParsedRow(row, data, owner, confirmed=yes_no[CONFIRMED_COLUMN] is True)


# -- preview and import --------------------------------------------------------------------------


_WORD_SPLIT = re.compile(r"[\s\-]+")


def _initials_keys(name: str) -> set[str]:
    """A name's initials as an import may write them: "Sanne van der Wit" → "svdw" and "sw"."""
    words = [w for w in _WORD_SPLIT.split(name.strip()) if w]
    found = {
        people.code_key("".join(w[0] for w in words)),
        people.code_key("".join(w[0] for w in words if w[0].isupper())),
    }
    return {key for key in found if len(key) >= 2}


@dataclass
class _OwnerIndex:
    """Active participants by folded code, name and initials (in that order of preference)."""

    tiers: tuple[dict[str, set[int]], ...]
    labels: dict[int, str]

    def match(self, key: str) -> tuple[int | None, tuple[OwnerCandidate, ...]]:
        """The one participant `key` names, or None and the candidates when it is not one."""
        for tier in self.tiers:
            ids = tier.get(key)
            if ids and len(ids) == 1:
                return next(iter(ids)), ()
            if ids:
                return None, tuple(OwnerCandidate(i, self.labels[i]) for i in sorted(ids))
        return None, ()


def _owner_index(session: Session) -> _OwnerIndex:
    codes: dict[str, set[int]] = {}
    names: dict[str, set[int]] = {}
    initials: dict[str, set[int]] = {}
    labels: dict[int, str] = {}
    for person in people.list_participants_in(session):
        labels[person.id] = person.label
        if key := people.code_key(person.code):
            codes.setdefault(key, set()).add(person.id)
        if key := people.code_key(person.name):
            names.setdefault(key, set()).add(person.id)
        for key in _initials_keys(person.name):
            initials.setdefault(key, set()).add(person.id)
    return _OwnerIndex((codes, names, initials), labels)


def _row_problems(found: Iterable[tuple[int, str, str]], rows: list[int]) -> list[RowProblem]:
    """Map (index, field, message) from the case service to rows and columns of the file."""
    problems = []
    for index, name, message in found:
        column = _FIELD_COLUMNS.get(name, cases.FIELD_LABELS.get(name, name))
        if name == "case_number":  # the service's message repeats the number; this one not
            message = "Dit casusnummer bestaat al in de opslag."
        problems.append(RowProblem(rows[index], column, message))
    return problems


# The cells the plausibility rules read: while one of them could not be read, the rules wait.
_LAW_INPUT_COLUMNS = (
    "geboortedatum", "grond", "status", "aangemeld_op", "afgesloten_op",
    "vrijstelling_vanaf", "vrijstelling_tot", "deskundige_verklaring_op",
)  # fmt: skip
_CONFIRM_HINT = f"Klopt dit toch, zet dan ja in de kolom {CONFIRMED_COLUMN}."


def _law_problems(
    data: CaseInput, row: int, confirmed: bool, bad_cells: set[tuple[int, str]], region: Region,
    today: date,
) -> tuple[CaseInput, list[RowProblem]]:  # fmt: skip
    """The row's case with the codes it confirms, and its unconfirmed plausibility findings.

    The rules wait while a cell they read could not be read. The findings are computed once
    per row: they cost more than everything else the check does.
    """
    if any((row, column) in bad_cells for column in _LAW_INPUT_COLUMNS):
        return data, []
    found = cases.findings(data, region, today)
    if confirmed:
        # The file confirms what does not fit; the case keeps the codes, as the form does.
        return replace(data, confirmed_rules=plausibility.confirmed_codes(found)), []
    return data, [
        RowProblem(
            row,
            _FIELD_COLUMNS.get(name, name),
            f"Past niet bij de Leerplichtwet: {finding.text}. {_CONFIRM_HINT}",
        )
        for finding in plausibility.unconfirmed(found, data.confirmed_rules)
        for name in (cases.finding_field(finding, data),)
    ]


def _check(store: Store, case_file: CaseFile, today: date) -> ImportPreview:
    with store.read() as session:
        known = _owner_index(session)
        stored = case_numbers.stored_keys(session)
        region = cases.region_of(session)
    problems = _Problems()
    problems.extend(case_file.problems)
    problems.total = case_file.problem_total
    problems.rows.update(case_file.problem_rows)
    bad_cells = {(p.row, p.column) for p in case_file.problems}
    inputs: list[CaseInput] = []
    rows: list[int] = []
    owner_names: list[str] = []
    matched: dict[str, tuple[int | None, tuple[OwnerCandidate, ...]]] = {}
    unknown: dict[str, UnknownOwner] = {}
    first_row_of: dict[str, int] = {}
    for parsed in case_file.rows:
        owner_id = None
        if parsed.owner_name and (key := people.code_key(parsed.owner_name)):
            if key not in matched:
                matched[key] = known.match(key)
            owner_id, candidates = matched[key]
            if owner_id is None:
                seen = unknown.get(key)
                unknown[key] = (
                    UnknownOwner(key, parsed.owner_name, 1, candidates)
                    if seen is None
                    else replace(seen, count=seen.count + 1)
                )
        number = parsed.data.case_number
        if number and (parsed.row, "casusnummer") not in bad_cells:
            key = case_number_key(number)
            if key in first_row_of:
                problems.add(
                    RowProblem(
                        parsed.row,
                        "casusnummer",
                        f"Dit casusnummer staat ook in regel {first_row_of[key]} (hoofdletters "
                        "en soorten streepjes tellen niet als verschil).",
                    )
                )
            else:
                first_row_of[key] = parsed.row
                if key in stored:
                    problems.add(
                        RowProblem(
                            parsed.row,
                            "casusnummer",
                            "Dit casusnummer bestaat al in de opslag (hoofdletters en soorten "
                            "streepjes tellen niet als verschil).",
                        )
                    )
        data, law_problems = _law_problems(
            replace(parsed.data, owner_id=owner_id),
            parsed.row,
            parsed.confirmed,
            bad_cells,
            region,
            today,
        )
        problems.extend(law_problems)
        inputs.append(data)
        rows.append(parsed.row)
        owner_names.append(parsed.owner_name)
    listed = problems.listed()
    return ImportPreview(
        inputs,
        rows,
        owner_names,
        listed,
        list(unknown.values()),
        more_problems=problems.total - len(listed),
        rejected_row_count=len(problems.rows),
        encoding=case_file.encoding,
    )


def _case_file(source: Path | str | CaseFile, today: date) -> CaseFile:
    return source if isinstance(source, CaseFile) else read_case_file(source, today=today)


def preview_import(
    store: Store, source: Path | str | CaseFile, *, today: date | None = None
) -> ImportPreview:
    """Read (unless already read) and check a case file without writing anything."""
    today = today or date.today()
    return _check(store, _case_file(source, today), today)


def _log_refusal(store: Store, file_name: str, exc: BadInput) -> None:
    # The detail names the file and the kind of refusal, never a cell of the file.
    if isinstance(exc, ImportRejected):
        total = len(exc.problems) + exc.more
        detail = f"{file_name}: {total} fout(en)"
    else:
        detail = f"{file_name}: bestand niet ingelezen"
    audit.log(store, AuditAction.IMPORT, object_type="casussen", result="geweigerd", detail=detail)


def _organisation_for(session: Session, store: Store, choice: NewOwner) -> int:
    """The organisation a new participant joins (see `NewOwner`)."""
    if choice.organisation_id is not None:
        org = session.get(Organisation, choice.organisation_id)
        if org is None:
            raise BadInput("De gekozen organisatie bestaat niet (meer). Kies een andere.")
        return org.id
    name = clean_line(choice.organisation_name)
    if not name:
        return people.team_organisation_id(session, store, Team.LEERPLICHT, LEERPLICHT_ORGANISATION)
    found = session.scalar(
        select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    )
    if found is not None:
        return found
    # A typed organisation is a team of the kind its name says ("Sociaal Wijkteam Zwolle").
    folded = people.code_key(name)
    team = next((t for t in Team if people.code_key(t.label) in folded), Team.LEERPLICHT)
    return people.create_organisation_in(session, store, name, team)


def _apply_choices(
    session: Session,
    store: Store,
    preview: ImportPreview,
    choices: Mapping[str, OwnerChoice],
    file_name: str,
) -> tuple[dict[str, int], list[str], list[UnknownOwner]]:
    """The participant id per unknown key, the names made and the owners left empty."""
    owner_ids: dict[str, int] = {}
    made: dict[str, int] = {}
    made_names: list[str] = []
    left_empty: list[UnknownOwner] = []
    for owner in preview.unknown_owners:
        choice = choices.get(owner.key, LeaveEmpty())
        if isinstance(choice, LinkOwner):
            person = session.get(Participant, choice.participant_id)
            if person is None or person.archived_on is not None:
                raise BadInput(
                    f"De deelnemer gekozen voor casushouder '{owner.value}' bestaat niet meer "
                    "of is gearchiveerd. Kies opnieuw."
                )
            owner_ids[owner.key] = person.id
        elif isinstance(choice, NewOwner):
            name = clean_line(choice.name)
            if not name:
                raise BadInput(f"Geef de naam van de nieuwe deelnemer voor '{owner.value}'.")
            key = people.code_key(name) + "\0" + str(choice.organisation_id or "")
            key += choice.organisation_name.casefold()
            if key not in made:
                made[key] = people.add_participant(
                    session,
                    store,
                    name,
                    _organisation_for(session, store, choice),
                    detail=f"casushouder uit import {file_name}",
                )
                made_names.append(name)
            owner_ids[owner.key] = made[key]
        else:
            left_empty.append(owner)
    return owner_ids, made_names, left_empty


def import_cases(
    store: Store,
    source: Path | str | CaseFile,
    *,
    today: date | None = None,
    owners: Mapping[str, OwnerChoice] | None = None,
) -> ImportResult:
    """Import a case file, all or nothing; ImportRejected lists the rejected rows.

    `source` may be a file read before with `read_case_file` (the CLI reads it before it
    unlocks the store, so that the store is not held while a file is being read).

    A casushouder that names one active participant (by code, name or initials) is linked to
    them. `owners` holds the choice per unknown casushouder (by `UnknownOwner.key`); one
    without a choice is left empty: an import never makes a participant nobody asked for.
    The choices are applied in the same transaction as the cases.
    """
    today = today or date.today()
    choices = owners or {}
    file_name = source.name if isinstance(source, CaseFile) else Path(source).name
    try:
        preview = preview_import(store, source, today=today)
        if not preview.cases:
            raise BadInput(f"Het bestand {file_name} bevat geen casussen, alleen een kopregel.")
        if preview.problems:
            raise ImportRejected(
                preview.problems, more=preview.more_problems, rows=preview.rejected_count
            )
        with store.write() as session:
            owner_ids, new_owners, left_empty = _apply_choices(
                session, store, preview, choices, file_name
            )
            inputs = [
                replace(data, owner_id=owner_ids[key])
                if owner and (key := people.code_key(owner)) in owner_ids
                else data
                for data, owner in zip(preview.cases, preview.owner_names, strict=True)
            ]
            try:
                numbers = cases.add_cases(
                    session,
                    store,
                    inputs,
                    today=today,
                    detail=f"import uit {file_name}",
                    action=AuditAction.IMPORT,
                    plausible=True,
                )
            except cases.BulkValidationError as exc:
                # Someone else changed the store between the check and the write.
                found = _Problems()
                found.extend(_row_problems(exc.problems, preview.rows))
                raise ImportRejected(found.listed(), more=found.more, rows=len(found.rows)) from exc
    except BadInput as exc:
        _log_refusal(store, file_name, exc)
        raise
    return ImportResult(len(numbers), numbers, new_owners, left_empty)
