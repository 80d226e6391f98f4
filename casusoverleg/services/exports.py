"""Export cases to .csv or .xlsx in the import's own columns, so an export imports again.

An export is a plain, unencrypted file with children's data: it is written atomically with
owner-only permissions, text that a spreadsheet would run as a formula is neutralised, and
every export is in the audit log.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, audit, cases, output, reports
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.cases import CaseFilter, CaseRow
from casusoverleg.services.imports import COLUMNS, GROUND_TEXT, LAW_COLUMNS, LAW_DATE_COLUMNS
from casusoverleg.services.store import Store
from casusoverleg.store.models import Case

# After the import columns, and read back by import (a closed case keeps `afgesloten_op`); the
# law's facts (issue 11) last, so that older lists keep their column positions.
EXTRA_COLUMNS = ("thuis_sinds", "herbeoordeling", "vrijstelling_tot", "afgesloten_op",
                 *LAW_COLUMNS)  # fmt: skip
EXPORT_COLUMNS = (*COLUMNS, *EXTRA_COLUMNS)
_DATE_COLUMNS = frozenset(
    {
        "geboortedatum",
        "aangemeld_op",
        "thuis_sinds",
        "herbeoordeling",
        "vrijstelling_tot",
        "afgesloten_op",
        *LAW_DATE_COLUMNS,
    }
)
# Column widths in characters for the .xlsx (names and schools are long, dates are not).
_WIDTHS = {
    "casusnummer": 14,
    "voornaam": 16,
    "achternaam": 22,
    "geboortedatum": 14,
    "school": 34,
    "grond": 14,
    "status": 18,
    "aangemeld_op": 14,
    "casushouder": 24,
    "thuis_sinds": 13,
    "herbeoordeling": 15,
    "vrijstelling_tot": 16,
    "afgesloten_op": 14,
    "vrijstelling_vanaf": 18,
    "terug_op_school": 16,
    "ingeschreven": 13,
    "deskundige_verklaring_op": 24,
    "afwijking_bevestigd": 19,
}
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | date | None


def neutralise(text: str) -> str:
    """Text that a spreadsheet shows as text, never runs as a formula (a leading quote)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


# The case fields the table row lacks, in the order `_cells` writes them.
_MORE = (
    Case.exemption_until,
    Case.exemption_from,
    Case.back_at_school_on,
    Case.enrolled,
    Case.expert_statement_on,
    Case.confirmed_rules,
)
_NOTHING_MORE = (None, None, None, None, None, "")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "ja" if value else "nee"


def _rows(store: Store, filt: CaseFilter | None) -> Iterator[list[Cell]]:
    found = cases.list_cases(store, filt, log_search=False)
    # One query for the fields the table row lacks, for those cases that have any set.
    with store.read() as session:
        query = select(Case.id, *_MORE).where(
            or_(
                *(column.is_not(None) for column in _MORE[:-1]),
                Case.confirmed_rules != "",
            )
        )
        more = {values[0]: tuple(values[1:]) for values in session.execute(query)}
    for row in found:
        yield _cells(row, more.get(row.id, _NOTHING_MORE))


def _cells(row: CaseRow, more: tuple[Any, ...]) -> list[Cell]:
    exemption_until, exemption_from, back_at_school, enrolled, statement_on, confirmed = more
    return [
        row.case_number,
        row.first_name,
        row.last_name,
        row.birth_date,
        row.school,
        GROUND_TEXT[row.ground],
        row.status.label,
        row.registered_on,
        row.owner_name,
        row.absent_since,
        row.review_date,
        exemption_until,
        row.closed_on,
        exemption_from,
        back_at_school,
        _yes_no(enrolled),
        statement_on,
        # Import confirms again what does not fit the law; the codes follow from the facts.
        "ja" if confirmed else "",
    ]


def _write_csv(fh_path: str, rows: Iterator[list[Cell]]) -> int:
    count = 0
    # BOM and ';' so that Excel-NL opens it with the right characters in the right columns.
    with open(fh_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        for cells in rows:
            writer.writerow(
                [
                    ""
                    if value is None
                    else f"{value:%d-%m-%Y}"
                    if isinstance(value, date)
                    else neutralise(value)
                    for value in cells
                ]
            )
            count += 1
        fh.flush()
        os.fsync(fh.fileno())
    return count


def _write_xlsx(fh_path: str, rows: Iterator[list[Cell]]) -> int:
    from openpyxl import Workbook  # imported here: a CSV export does not need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # Write-only streams rows to disk, so 50,000 cases do not sit in memory as cell objects.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Casussen")
    sheet.freeze_panes = "A2"
    for index, name in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(name, 14)
    bold = Font(bold=True)
    header = []
    for name in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for cells in rows:
        out: list[object] = []
        for value in cells:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD-MM-YYYY"
                out.append(cell)
            else:
                out.append(None if value is None else neutralise(value))
        sheet.append(out)
        count += 1
    workbook.save(fh_path)
    with open(fh_path, "rb+") as fh:
        os.fsync(fh.fileno())
    return count


def _atomic_write(
    store: Store,
    path: Path,
    write: Callable[[str], int],
    done: Callable[[int], None],
    overwrite: bool,
) -> int:
    """Run `write` on a temp file beside `path`, call `done`, then put the file in place."""
    # The shared guard: never the store or a file beside it, never over a file unasked.
    return output.write_atomically(
        store.path, path, write, overwrite=overwrite, before_replace=done
    )


def export_cases(
    store: Store, path: Path | str, filt: CaseFilter | None = None, *, overwrite: bool = False
) -> int:
    """Write the cases (all, or those matching `filt`) to .csv or .xlsx; returns how many."""
    path = Path(path)
    suffix = path.suffix.lower()
    writers = {".csv": _write_csv, ".xlsx": _write_xlsx}
    if suffix not in writers:
        raise BadInput("Exporteren kan naar een .csv- of .xlsx-bestand; kies een van die twee.")
    writer = writers[suffix]
    selection = " (selectie)" if filt is not None and filt != CaseFilter(today=filt.today) else ""

    def log_export(count: int) -> None:
        audit.log(
            store,
            AuditAction.EXPORT,
            object_type="casussen",
            detail=f"{count} casussen{selection} naar {path.name}",
        )

    return _atomic_write(
        store, path, lambda tmp: writer(tmp, _rows(store, filt)), log_export, overwrite
    )


# -- action list and statistics ------------------------------------------------------------------
# Like the printed action list, the export names a case by casusnummer and initials only.
# "nr" is the action's stable number, as on screen and in the minutes and the action list.

ACTION_COLUMNS = (
    "nr",
    "casusnummer",
    "initialen",
    "actiepunt",
    "eigenaar",
    "organisatie",
    "afgesproken_op",
    "afgesproken_in_overleg_van",
    "deadline",
    "status",
    "verlopen",
    "gereed_op",
    "notitie",
)
_ACTION_WIDTHS = (7, 14, 12, 60, 24, 32, 15, 26, 12, 12, 10, 12, 40)
_ACTION_DATES = frozenset({"afgesproken_op", "afgesproken_in_overleg_van", "deadline", "gereed_op"})


def _action_cells(action: ActionInfo) -> list[Cell | int]:
    return [
        action.number,
        action.case_number,
        action.case_initials,
        action.description,
        action.owner_name,
        action.organisation_name,
        action.agreed_on,
        action.agreed_meeting_date,
        action.due_date,
        action.status.label,
        "ja" if action.overdue else "nee",
        action.done_on,
        action.note,
    ]


def _write_table_csv(path: str, header: tuple[str, ...], rows: list[list[Cell | int]]) -> int:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for cells in rows:
            writer.writerow(
                [
                    ""
                    if value is None
                    else f"{value:%d-%m-%Y}"
                    if isinstance(value, date)
                    else str(value)
                    if isinstance(value, int)
                    else neutralise(value)
                    for value in cells
                ]
            )
        fh.flush()
        os.fsync(fh.fileno())
    return len(rows)


SheetCell = Cell | int | float
# (title, header, rows, column widths in characters)
Sheet = tuple[str, tuple[str, ...], Sequence[Sequence[SheetCell]], tuple[int, ...]]


def _write_table_xlsx(path: str, sheets: list[Sheet]) -> int:
    """Sheets of (title, header, rows, column widths); dates as dates, text neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    count = 0
    for title, header, rows, widths in sheets:
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        head = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for cells in rows:
            out: list[object] = []
            for value in cells:
                if isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "DD-MM-YYYY"
                    out.append(cell)
                elif isinstance(value, str):
                    out.append(neutralise(value))
                else:
                    out.append(value)
            sheet.append(out)
            count += 1
    workbook.save(path)
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    return count


def export_actions(
    store: Store,
    path: Path | str,
    *,
    include_done: bool = True,
    today: date | None = None,
    overwrite: bool = False,
) -> int:
    """Write the action list (all actions, or open ones only) to .csv or .xlsx; returns how many."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BadInput("Exporteren kan naar een .csv- of .xlsx-bestand; kies een van die twee.")
    found = actions.list_actions(store, include_done=include_done, today=today)
    rows = [_action_cells(a) for a in found]
    which = "alle" if include_done else "open"

    def write(tmp: str) -> int:
        if suffix == ".csv":
            return _write_table_csv(tmp, ACTION_COLUMNS, rows)
        return _write_table_xlsx(tmp, [("Actiepunten", ACTION_COLUMNS, list(rows), _ACTION_WIDTHS)])

    def log_export(count: int) -> None:
        audit.log(
            store,
            AuditAction.EXPORT,
            object_type="actielijst",
            detail=f"{count} {which} actiepunten naar {path.name}",
        )

    return _atomic_write(store, path, write, log_export, overwrite)


def _days(value: float | int | None) -> float | int | str:
    return "" if value is None else value


def statistics_sheets(report: reports.Report) -> list[Sheet]:
    """The Rapportage figures per school year as spreadsheet tables (title, header, rows,
    widths): the same figures as the screen, numbers only."""
    exempt: list[list[SheetCell]] = []
    home: list[list[SheetCell]] = []
    advice: list[list[SheetCell]] = []
    waited: list[list[SheetCell]] = []
    for figures in report.years:
        label = figures.year.label
        for ground in reports.EXEMPTION_GROUNDS:
            c = figures.exemption(ground)
            exempt.append([label, ground.label, c.new, c.renewed, c.ended, c.from_registration])
        t = figures.exemption_total
        exempt.append([label, "Totaal", t.new, t.renewed, t.ended, t.from_registration])
        for group, h in figures.home.items():
            home.append(
                [
                    label,
                    group.label,
                    h.children,
                    h.over_four_weeks,
                    h.over_three_months,
                    h.at_home_at_end,
                    _days(h.median_days),
                    _days(h.max_days),
                ]
            )
        given = figures.advice
        advice += [[label, a.label, n] for a, n in given.by_advice.items()]
        advice += [
            [label, "alternatief in plaats van vrijstelling", given.alternative_instead],
            [label, "vrijstelling met gewogen alternatieven", given.exemption_with_alternatives],
            [label, "Totaal", given.total],
        ]
        t_adv = figures.advice_time
        waited.append([label, t_adv.cases, _days(t_adv.median_days), _days(t_adv.max_days)])
    return [
        (
            "Vrijstellingen",
            (
                "schooljaar",
                "grond",
                "nieuw",
                "verlengd",
                "beëindigd",
                "zonder ingangsdatum (vanaf aanmelddatum)",
            ),
            exempt,
            (12, 48, 9, 10, 11, 24),
        ),
        (
            "Thuis",
            (
                "schooljaar",
                "groep",
                "kinderen",
                "> 4 weken",
                "> 3 maanden",
                "nog thuis eind schooljaar",
                "mediaan dagen thuis",
                "langste (dagen)",
            ),
            home,
            (12, 52, 10, 11, 12, 14, 14, 14),
        ),
        ("Adviezen", ("schooljaar", "advies", "aantal"), advice, (12, 42, 10)),
        (
            "Tijd tot advies",
            (
                "schooljaar van aanmelding",
                "casussen met advies",
                "mediaan dagen",
                "langste (dagen)",
            ),
            waited,
            (24, 20, 16, 16),
        ),
    ]


def export_statistics(
    store: Store, path: Path | str, *, today: date | None = None, overwrite: bool = False
) -> int:
    """Write the Rapportage figures per school year to .xlsx (four sheets); returns the
    number of rows."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BadInput("De statistiek wordt als .xlsx-bestand geëxporteerd.")
    figures = reports.school_year_report(store, today=today)

    def log_export(count: int) -> None:
        audit.log(
            store,
            AuditAction.EXPORT,
            object_type="statistiek",
            detail=f"statistiek per {figures.as_of:%d-%m-%Y} naar {path.name}",
        )

    return _atomic_write(
        store,
        path,
        lambda tmp: _write_table_xlsx(tmp, statistics_sheets(figures)),
        log_export,
        overwrite,
    )
