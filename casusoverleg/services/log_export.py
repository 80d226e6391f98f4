"""The Logboek as an .xlsx for a privacy officer: one case or account, over a period, in words.

AVG art. 5(2) asks the organisation to show who looked at and changed a child's data, and the
privacy officer (art. 39(1)(b)) checks it; that officer is rarely at this machine, so the lines
go out as a spreadsheet. It names
children by case number and initials, so it is written like every other export: through the
shared safe write (services.output: never onto the store or beside it, never over a file
unasked, atomically) and logged itself (NEN 7513). Each line keeps what the log holds beside
the words, so the export can be checked against the chain.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, log_words, output
from casusoverleg.services.exports import neutralise
from casusoverleg.services.log_words import ReadableEntry
from casusoverleg.services.logbook import LogQuery
from casusoverleg.services.store import Store

SHEET_TITLE = "Logboek"
# (column name, width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Regel", 8),
    ("Tijdstip", 20),
    ("Account", 16),
    ("Werkplek", 22),
    ("Handeling", 18),
    ("Casusnummer", 13),
    ("Casus", 24),
    ("Onderdeel", 44),
    ("Resultaat", 12),
    ("Toelichting", 60),
    ("Zoals vastgelegd", 40),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)


def _local(at: datetime) -> datetime:
    """The moment in local time without a zone (a spreadsheet cell has none)."""
    return at.astimezone().replace(tzinfo=None)


def _row(line: ReadableEntry) -> list[object]:
    entry = line.entry
    held = " ".join(p for p in (entry.object_type, entry.object_id) if p)
    if entry.detail != line.detail_text:
        held = f"{held}; {entry.detail}" if held else entry.detail
    elif held == line.object_text:
        held = ""
    return [
        entry.id,
        _local(entry.at),
        entry.account,
        entry.workstation,
        entry.action.label,
        entry.case_number or "",
        line.case_text,
        line.object_text,
        entry.result,
        line.detail_text,
        held,
    ]


def _write_xlsx(path: str, lines: list[ReadableEntry], query: LogQuery) -> int:
    from openpyxl import Workbook  # imported here, as in services.exports
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A3"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=neutralise(f"Logboek: {query.describe()}"))
    title.font = bold
    sheet.append([title])
    head = []
    for name in COLUMN_NAMES:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for line in lines:
        out: list[object] = []
        for value in _row(line):
            if isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD-MM-YYYY HH:MM:SS"
                out.append(cell)
            elif isinstance(value, str):
                out.append(neutralise(value) if value else None)
            else:
                out.append(value)
        sheet.append(out)
    workbook.save(path)
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    return len(lines)


def export_log(store: Store, path: Path | str, query: LogQuery, *, overwrite: bool = False) -> int:
    """Write the log lines that match `query` (oldest first, in words) to .xlsx; returns how many.

    BadInput for another file type or a period that ends before it starts; the export is logged
    (with the case number when the export is about one case).
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BadInput("Het logboek kan worden geëxporteerd naar een .xlsx-bestand; kies die.")
    if query.since and query.until and query.since > query.until:
        raise BadInput("De begindatum ligt na de einddatum; kies een periode die klopt.")
    output.check_target(store.path, path, overwrite=overwrite)
    number = query.case_number.strip()
    with store.read() as session:
        entries = audit.list_events_in(
            session,
            case_number=number or None,
            account=query.account or None,
            since=query.since,
            until=query.until,
        )
        entries.reverse()  # a report reads from the first line to the last
        lines = log_words.in_words(session, entries)

    def log_export(count: int) -> None:
        audit.log(
            store,
            AuditAction.EXPORT,
            case_number=number or None,
            object_type="logboek",
            detail=f"{count} regels ({query.describe()}) naar {path.name}",
        )

    return output.write_atomically(
        store.path,
        path,
        lambda tmp: _write_xlsx(tmp, lines, query),
        overwrite=overwrite,
        before_replace=log_export,
    )
