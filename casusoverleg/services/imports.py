"""Import cases from the group's Excel list (.xlsx) or a CSV export of it: all or nothing.

The file is read and checked completely before anything is written, so that the user sees every
rejected row (with its row number as Excel shows it, the column and the reason) at once. Only a
file without a single problem is imported, in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from casusoverleg.domain.dates import parse_date
from casusoverleg.domain.enums import AuditAction, CaseStatus, ExemptionGround, Team
from casusoverleg.errors import BadInput, os_reason
from casusoverleg.services import audit, cases, people
from casusoverleg.services.cases import CaseInput
from casusoverleg.services.store import Store
from casusoverleg.store.models import Participant

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
}
_COLUMN_ORDER = {c: i for i, c in enumerate((*COLUMNS, *OPTIONAL_DATE_COLUMNS))}

# The organisation that new case owners from an import join.
LEERPLICHT_ORGANISATION = "Team Leerplicht"

# Export puts a quote before text that a spreadsheet would read as a formula; undo that here.
_NEUTRALISED = re.compile(r"'(?=[=+\-@\t\r])")
_HEADER_FOLD = re.compile(r"[\s\-]+")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


@dataclass(frozen=True)
class RowProblem:
    """Why one cell keeps a row out: `row` as Excel numbers it (header = 1), Dutch column name."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"regel {self.row}, kolom {self.column}: {self.reason}"


class ImportRejected(BadInput):
    """The file has rejected rows, so nothing was imported; `problems` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        rows = len({p.row for p in problems})
        # A summary only: callers list `problems` themselves, one line each (see `RowProblem`).
        super().__init__(
            f"Import geweigerd: {len(problems)} fout(en) in {rows} regel(s); er is niets "
            "opgeslagen. Verbeter het bestand en importeer het opnieuw."
        )


@dataclass(frozen=True)
class ImportPreview:
    """A checked file before import: its cases (rejected ones too), problems and new owners."""

    cases: list[CaseInput]
    rows: list[int]  # the Excel row number of each case
    owner_names: list[str]  # the casushouder as written in each row ("" for none)
    problems: list[RowProblem]
    new_owners: list[str]  # casushouders the import would add to Team Leerplicht

    @property
    def ok(self) -> bool:
        """Whether the file can be imported as it is."""
        return not self.problems

    @property
    def rejected_rows(self) -> list[int]:
        """Row numbers with at least one problem, in order."""
        return sorted({p.row for p in self.problems})


@dataclass(frozen=True)
class ImportResult:
    """What an import added."""

    count: int
    case_numbers: list[str] = field(default_factory=list)
    new_owners: list[str] = field(default_factory=list)


# -- reading the file ----------------------------------------------------------------------------


def _header_key(value: str) -> str:
    return _HEADER_FOLD.sub("_", value.strip().lower())


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates as ISO, 1234.0 as 1234)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _records(rows: Iterable[Sequence[object]]) -> list[dict[str, str]]:
    """Rows (header first) as dicts by folded header; blank rows stay, to keep row numbers."""
    iterator = iter(rows)
    header_row = next(iterator, None)
    if header_row is None or not any(_cell_text(v) for v in header_row):
        raise BadInput("Het bestand is leeg: de eerste regel moet de kolomnamen bevatten.")
    header = [_header_key(_cell_text(v)) for v in header_row]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise BadInput(f"De kolom '{name}' staat twee keer in de kopregel.")
        seen.add(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise BadInput(
            "In de kopregel ontbreekt de kolom "
            + ", ".join(f"'{c}'" for c in missing)
            + ". Verwacht worden de kolommen: "
            + ", ".join(COLUMNS)
            + "."
        )
    records = []
    for row in iterator:
        cells = [_cell_text(v) for v in row]
        records.append(
            {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name}
        )
    # Spreadsheets often carry formatted but empty rows at the end; they are no rows to the user.
    while records and not any(records[-1].values()):
        records.pop()
    return records


def _read_csv(data: bytes) -> list[dict[str, str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput(
            "Het CSV-bestand is als 'Unicode-tekst' (UTF-16) opgeslagen. Kies in Excel bij "
            "'Opslaan als' het type 'CSV UTF-8 (door komma's gescheiden)'."
        )
    if b"\x00" in data:
        raise BadInput("Dit bestand is geen CSV-tekstbestand. Kies een .csv- of .xlsx-bestand.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            "Het CSV-bestand is niet in UTF-8 opgeslagen. Kies in Excel bij 'Opslaan als' het "
            "type 'CSV UTF-8 (door komma's gescheiden)'."
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Excel-NL writes ';' because the comma is the decimal sign; the header line tells which.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        return _records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise BadInput(
            "Het CSV-bestand kan niet worden gelezen; controleer de aanhalingstekens."
        ) from exc


def _read_xlsx(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook  # imported here: a CSV import does not need it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips; they do not matter here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise BadInput("Het Excel-bestand bevat geen werkblad.")
                return _records(workbook.worksheets[0].iter_rows(values_only=True))
            finally:
                workbook.close()
    except BadInput:
        raise
    except Exception as exc:
        # openpyxl raises many kinds of errors on a damaged or foreign file (zip, XML, key,
        # value errors); to the user they all mean the same.
        raise BadInput(
            "Het Excel-bestand kan niet worden gelezen; het is beschadigd of geen .xlsx-bestand."
        ) from exc


def read_case_file(path: Path | str) -> list[dict[str, str]]:
    """The data rows of a .csv or .xlsx case list, keyed by lower-case column name."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError as exc:
        raise BadInput(f"Het bestand {path.name} bestaat niet.") from exc
    except IsADirectoryError as exc:
        raise BadInput(f"{path.name} is een map, geen bestand.") from exc
    except OSError as exc:
        raise BadInput(
            f"Het bestand {path.name} kan niet worden geopend: {os_reason(exc)}."
        ) from exc
    if not data.strip():
        raise BadInput(f"Het bestand {path.name} is leeg.")
    suffix = path.suffix.lower()
    if data.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise BadInput(
            "Dit is een oud Excel-bestand (.xls). Sla het in Excel op als .xlsx of als CSV UTF-8."
        )
    # Go by content, not by name: a workbook renamed to .csv is still a workbook.
    if data.startswith(_ZIP_MAGIC) or suffix in (".xlsx", ".xlsm"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise BadInput(
                "Het Excel-bestand kan niet worden gelezen; het is beschadigd of geen "
                ".xlsx-bestand."
            )
        return _read_xlsx(path)
    if suffix not in (".csv", ".txt", ""):
        raise BadInput("Kies een .csv- of .xlsx-bestand.")
    return _read_csv(data)


# -- one row ---------------------------------------------------------------------------------------


def _shown(value: str) -> str:
    """A cell value quoted in a message, cut short so a long cell cannot flood the screen."""
    return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"


def _fold_ground(value: str) -> str:
    text = value.casefold().strip()
    text = re.sub(r"\(.*\)\s*$", "", text).strip()  # "(lichamelijk/…)", "(Lpw)"
    text = re.sub(r"\s*(lpw|leerplichtwet)$", "", text)
    text = re.sub(r"^(artikel|art\.?)\s*", "", text)
    text = re.sub(r"[\s._\-]+", "", text)
    return re.sub(r"^(\d+)(onder|sub|lid)([a-z])$", r"\1\3", text)


def parse_ground(value: str) -> ExemptionGround:
    """The ground as import files write it ("5 onder a", "5a", "ART5_A", "thuiszitter", …)."""
    ground = _GROUNDS.get(_fold_ground(value))
    if ground is None:
        raise ValueError(
            f"Onbekende grond {_shown(value.strip())}; gebruik 5 onder a, 5 onder b, 5 onder c, "
            "15, 3a, 3b, 11, thuiszitter of preventief."
        )
    return ground


def parse_status(value: str) -> CaseStatus:
    """The status by its Dutch label (case-insensitive); empty means aangemeld."""
    text = " ".join(value.replace("_", " ").split()).lower()
    if not text:
        return CaseStatus.AANGEMELD
    status = _STATUSES.get(text)
    if status is None:
        raise ValueError(
            f"Onbekende status {_shown(value.strip())}; gebruik aangemeld, in behandeling, "
            "aangehouden, advies uitgebracht of afgesloten."
        )
    return status


def _text(record: dict[str, str], column: str) -> str:
    value = record.get(column, "").strip()
    return _NEUTRALISED.sub("", value, count=1) if value.startswith("'") else value


@dataclass
class _ParsedRow:
    data: CaseInput
    owner_name: str
    problems: dict[str, str]  # column → reason


def _parse_row(record: dict[str, str], today: date) -> _ParsedRow:
    problems: dict[str, str] = {}
    dates: dict[str, date | None] = {}
    for column in ("geboortedatum", "aangemeld_op", *OPTIONAL_DATE_COLUMNS):
        text = _text(record, column)
        dates[column] = None
        if text:
            try:
                dates[column] = parse_date(text)
            except ValueError as exc:
                problems[column] = str(exc)
    ground: ExemptionGround | None = None
    if _text(record, "grond"):
        try:
            ground = parse_ground(_text(record, "grond"))
        except ValueError as exc:
            problems["grond"] = str(exc)
    status = CaseStatus.AANGEMELD
    try:
        status = parse_status(_text(record, "status"))
    except ValueError as exc:
        problems["status"] = str(exc)
    data = CaseInput(
        case_number=_text(record, "casusnummer"),
        first_name=_text(record, "voornaam"),
        last_name=_text(record, "achternaam"),
        birth_date=dates["geboortedatum"],
        school=_text(record, "school"),
        ground=ground,
        status=status,
        registered_on=dates["aangemeld_op"] or today,
        absent_since=dates["thuis_sinds"],
        review_date=dates["herbeoordeling"],
        exemption_until=dates["vrijstelling_tot"],
    )
    return _ParsedRow(data, " ".join(_text(record, "casushouder").split()), problems)


# -- preview and import --------------------------------------------------------------------------


def _active_participants(store: Store) -> dict[str, int]:
    """Active participants by case-folded name (the oldest wins when two share a name)."""
    with store.read() as session:
        rows = session.execute(
            select(Participant.id, Participant.name)
            .where(Participant.archived_on.is_(None))
            .order_by(Participant.id.desc())
        )
        return {name.casefold(): pid for pid, name in rows}


def _sorted(problems: Iterable[RowProblem]) -> list[RowProblem]:
    return sorted(problems, key=lambda p: (p.row, _COLUMN_ORDER.get(p.column, 99), p.reason))


def _row_problems(
    found: Iterable[tuple[int, str, str]], rows: list[int], taken: set[tuple[int, str]]
) -> list[RowProblem]:
    """Map (index, field, message) from the case service to rows and columns of the file."""
    problems = []
    for index, name, message in found:
        row, column = rows[index], _FIELD_COLUMNS.get(name, cases.FIELD_LABELS.get(name, name))
        if (row, column) not in taken:  # a cell that failed to parse has its reason already
            taken.add((row, column))
            problems.append(RowProblem(row, column, message))
    return problems


def _check(store: Store, records: list[dict[str, str]], today: date) -> ImportPreview:
    known = _active_participants(store)
    inputs: list[CaseInput] = []
    rows: list[int] = []
    owner_names: list[str] = []
    problems: list[RowProblem] = []
    new_owners: dict[str, str] = {}
    first_row_of: dict[str, int] = {}
    for index, record in enumerate(records):
        if not any(record.values()):
            continue
        row = index + 2  # the header is row 1
        parsed = _parse_row(record, today)
        problems.extend(RowProblem(row, c, r) for c, r in parsed.problems.items())
        owner_id = None
        if parsed.owner_name:
            owner_id = known.get(parsed.owner_name.casefold())
            if owner_id is None:
                new_owners.setdefault(parsed.owner_name.casefold(), parsed.owner_name)
        number = parsed.data.case_number
        if number in first_row_of:
            problems.append(
                RowProblem(
                    row,
                    "casusnummer",
                    f"Casusnummer {number} staat ook in regel {first_row_of[number]}.",
                )
            )
        elif number:
            first_row_of.setdefault(number, row)
        inputs.append(_with_owner(parsed.data, owner_id))
        rows.append(row)
        owner_names.append(parsed.owner_name)
    taken = {(p.row, p.column) for p in problems}
    with store.read() as session:
        found = cases.check_cases(session, inputs, today=today)
    problems.extend(_row_problems(found, rows, taken))
    return ImportPreview(inputs, rows, owner_names, _sorted(problems), list(new_owners.values()))


def _with_owner(data: CaseInput, owner_id: int | None) -> CaseInput:
    return replace(data, owner_id=owner_id)


def preview_import(store: Store, path: Path | str, *, today: date | None = None) -> ImportPreview:
    """Read and check a case file without writing anything, for the screen to show first."""
    return _check(store, read_case_file(path), today or date.today())


def _log_refusal(store: Store, file_name: str, exc: BadInput) -> None:
    # The detail names the file and the kind of refusal, never a cell of the file.
    if isinstance(exc, ImportRejected):
        rows = len({p.row for p in exc.problems})
        detail = f"{file_name}: {len(exc.problems)} fout(en) in {rows} regel(s)"
    else:
        detail = f"{file_name}: bestand niet ingelezen"
    audit.log(store, AuditAction.IMPORT, object_type="casussen", result="geweigerd", detail=detail)


def import_cases(store: Store, path: Path | str, *, today: date | None = None) -> ImportResult:
    """Import a case file, all or nothing; ImportRejected lists every rejected row."""
    today = today or date.today()
    file_name = Path(path).name
    try:
        preview = preview_import(store, path, today=today)
        if not preview.cases:
            raise BadInput(f"Het bestand {file_name} bevat geen casussen, alleen een kopregel.")
        if preview.problems:
            raise ImportRejected(preview.problems)
        with store.write() as session:
            inputs = preview.cases
            if preview.new_owners:
                org_id = people.team_organisation_id(
                    session, store, Team.LEERPLICHT, LEERPLICHT_ORGANISATION
                )
                made = {
                    name.casefold(): people.add_participant(
                        session, store, name, org_id, detail=f"casushouder uit import {file_name}"
                    )
                    for name in preview.new_owners
                }
                inputs = [
                    _with_owner(data, made[owner.casefold()])
                    if owner and owner.casefold() in made
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
                )
            except cases.BulkValidationError as exc:
                # Someone else changed the store between the check and the write.
                raise ImportRejected(
                    _sorted(_row_problems(exc.problems, preview.rows, set()))
                ) from exc
    except BadInput as exc:
        _log_refusal(store, file_name, exc)
        raise
    return ImportResult(len(numbers), numbers, preview.new_owners)
