"""The action list PDF: actions grouped by owner or by case, overdue ones marked.

Like the agenda it names a case by casusnummer and initials only; the input has no name field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Literal
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Paragraph

from casusoverleg.documents.layout import (
    DocumentMeta,
    Plain,
    build_pdf,
    cell,
    cell_text,
    chars_that_fit,
    data_table,
    dutch_date,
    dutch_date_short,
    number,
    spacer,
    styles,
    text,
)

GroupBy = Literal["owner", "case"]


@dataclass(frozen=True)
class ActionLine:
    """One action as the list prints it."""

    description: str
    owner: str
    organisation: str
    case_number: str = ""
    initials: str = ""
    due_date: date | None = None
    status: str = "open"  # the Dutch label: open, gereed, vervallen
    done_on: date | None = None
    overdue: bool = False
    note: str = ""
    number: int | None = None  # the action's stable number (its id)
    agreed_on: date | None = None  # the day it was agreed (its meeting's date)

    @property
    def identity(self) -> str:
        """ "nr. 17 · afgesproken op 12-10-2026", or "" when neither is known."""
        parts = [f"nr. {self.number}"] if self.number is not None else []
        if self.agreed_on is not None:
            parts.append(f"afgesproken op {dutch_date_short(self.agreed_on)}")
        return " · ".join(parts)

    @property
    def case_label(self) -> str:
        """ "2026-0012 · S. de V.", or "" for an action without a case."""
        return " · ".join(filter(None, (self.case_number, self.initials)))


@dataclass(frozen=True)
class ActionListDocument:
    """The action list: which actions, as of which day, grouped how."""

    lines: Sequence[ActionLine]
    as_of: date
    group_by: GroupBy = "owner"
    include_done: bool = False


def _sort_key(line: ActionLine) -> tuple[bool, date, str]:
    # Undated actions last; then the soonest deadline first (the overdue ones on top).
    return (line.due_date is None, line.due_date or date.max, line.case_number)


def _groups(doc: ActionListDocument) -> list[tuple[str, list[ActionLine]]]:
    groups: dict[tuple[int, str], list[ActionLine]] = {}
    titles: dict[tuple[int, str], str] = {}
    for line in doc.lines:
        if doc.group_by == "case":
            # Actions without a case after all cases.
            key = (0, line.case_number) if line.case_number else (1, "")
            titles[key] = f"Casus {line.case_label}" if line.case_number else "Zonder casus"
        else:
            key = (0, f"{line.owner.casefold()}\0{line.organisation.casefold()}")
            titles[key] = f"{line.owner} — {line.organisation}" if line.organisation else line.owner
        groups.setdefault(key, []).append(line)
    return [(titles[k], sorted(groups[k], key=_sort_key)) for k in sorted(groups)]


def _case_cell(line: ActionLine) -> Plain:
    # Number and initials on two lines: "S. de V." must not break after "de".
    return Plain("\n".join(filter(None, (line.case_number, line.initials))))


def _description(line: ActionLine, limit: int) -> Flowable:
    value = cell_text(line.description, limit)
    if line.identity:
        # The number and the day it was agreed let a reader point at "actiepunt 17".
        value = f'<font color="#5B6470">{text(line.identity)}</font><br/>' + value
    if line.note.strip():
        value += f'<br/><font color="#5B6470">{cell_text(line.note, 400)}</font>'
    return cell(value)


def _row(doc: ActionListDocument, line: ActionLine, limit: int) -> list[str | Flowable]:
    # Dates, status and case number are Plain (no Paragraph): a 1,000-action list stays fast.
    status = Plain("verlopen" if line.overdue else line.status)
    due = Plain(dutch_date_short(line.due_date))
    if doc.group_by == "case":
        who = cell(f'{text(line.owner)}<br/><font color="#5B6470">{text(line.organisation)}</font>')
        row: list[str | Flowable] = [_description(line, limit), who, due, status]
    else:
        row = [_case_cell(line), _description(line, limit), due, status]
    if doc.include_done:
        row.append(Plain(dutch_date_short(line.done_on)))
    return row


def _columns(doc: ActionListDocument) -> tuple[list[str], list[float]]:
    dates = 0.13
    status = 0.115
    if doc.group_by == "case":
        header = ["Actiepunt", "Wie", "Deadline", "Status"]
        widths = [1 - 0.25 - dates - status, 0.25, dates, status]
    else:
        header = ["Casus", "Actiepunt", "Deadline", "Status"]
        widths = [0.14, 1 - 0.14 - dates - status, dates, status]
    if doc.include_done:
        header.append("Gereed op")
        # The extra column comes out of the description.
        widths[header.index("Actiepunt")] -= dates
        widths.append(dates)
    return header, widths


def _table(doc: ActionListDocument) -> Flowable:
    """One table for the whole list, a spanning title row per group: the column header repeats
    on every page, and a group of one action costs one line, not a heading and a header."""
    header, widths = _columns(doc)
    limit = chars_that_fit(widths[header.index("Actiepunt")])
    rows: list[list[str | Flowable]] = []
    group_rows: list[int] = []
    emphasis: list[tuple[int, int]] = []
    warn: list[tuple[int, int]] = []
    for title, lines in _groups(doc):
        group_rows.append(len(rows))
        rows.append([f"{title} ({len(lines)})"])
        for line in lines:
            if line.overdue:
                warn.append((len(rows), 2))
                emphasis.append((len(rows), 3))
            rows.append(_row(doc, line, limit))
    return data_table(header, rows, widths, group_rows=group_rows, emphasis=emphasis, warn=warn)


def actions_story(doc: ActionListDocument) -> list[Flowable]:
    """The action list's flowables (for build_pdf)."""
    s = styles()
    title = "Actielijst — alle actiepunten" if doc.include_done else "Actielijst"
    overdue = sum(1 for line in doc.lines if line.overdue)
    count = len(doc.lines)
    kind = "actiepunten" if doc.include_done else "open actiepunten"
    summary = f"{number(count)} {kind}" if count != 1 else f"1 {kind[:-2]}"
    if overdue:
        summary += f", waarvan {number(overdue)} verlopen"
    grouping = "per casus" if doc.group_by == "case" else "per eigenaar"
    story: list[Flowable] = [
        Paragraph(escape(title), s.title),
        Paragraph(f"Stand van {escape(dutch_date(doc.as_of))}", s.subtitle),
        Paragraph(f"{escape(summary)}; gerangschikt {grouping}, vroegste deadline eerst.", s.small),
        spacer(2),
    ]
    if not doc.lines:
        story += [spacer(4), Paragraph("Er zijn geen actiepunten.", s.body)]
    else:
        story += [spacer(2), _table(doc)]
    return story


def render_actions(
    doc: ActionListDocument, target: str | Path | IO[bytes], meta: DocumentMeta
) -> int:
    """Write the action list PDF to `target`; returns the page count."""
    return build_pdf(target, actions_story(doc), meta)
