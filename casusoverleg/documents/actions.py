"""The action list PDF: actions grouped by owner or by case, overdue ones marked.

Like the agenda it names a case by casusnummer and initials only; the input has no name field.
Each action carries its stable number and the day (and meeting) it was agreed. A group (a case
or an owner) of up to half a page is never cut over two pages: its heading and its rows move to
the next page together; a longer one continues under its repeated heading and column header.
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
    MARGIN_BOTTOM,
    MARGIN_TOP,
    PAGE_HEIGHT,
    DocumentMeta,
    PagedTable,
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
    agreed_meeting: date | None = None  # the meeting it was agreed in; None: outside a meeting

    @property
    def identity(self) -> str:
        """ "nr. 17 · afgesproken op 12-10-2026 (overleg van 12-10-2026)", or "" if unknown."""
        parts = [f"nr. {self.number}"] if self.number is not None else []
        agreed = []
        if self.agreed_on is not None:
            agreed.append(f"afgesproken op {dutch_date_short(self.agreed_on)}")
        if self.agreed_meeting is not None:
            # Named even on the same day: it says the action came from a meeting, and which.
            agreed.append(f"(overleg van {dutch_date_short(self.agreed_meeting)})")
        if agreed:
            parts.append(" ".join(agreed))
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


# The height of the text frame on every page (layout.build_pdf: no frame padding). A group up to
# half of it moves to the next page whole rather than be cut; a longer one is cut (and goes on
# under "(vervolg)"), so that no page is left more than half empty.
_FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
_KEEP_WHOLE = _FRAME_HEIGHT / 2


class GroupedTable(PagedTable):
    """A PagedTable that does not cut a group of up to half a page over two pages.

    PagedTable already keeps a group title off the bottom of a page; here a group that would be
    cut moves to the next page whole (its heading with all its rows) when it is at most half a
    page long. A longer group is cut as before, under "(vervolg)" and the repeated header.
    """

    @classmethod
    def from_table(cls, table: PagedTable) -> GroupedTable:
        """The same rows, titles and marks as `table` (made by `data_table`)."""
        return cls(table._data, table._cols, table._groups, table._emphasis, table._warn)

    def _kept_whole(self, title: int) -> bool:
        """Whether the group under `title` is short enough to move to a new page whole."""
        heights = self._measure()
        later = [g for g in self._groups if g > title]
        end = min(later) if later else len(self._data)
        return heights[0] + sum(heights[title:end]) <= _KEEP_WHOLE

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """As PagedTable, but a short group that would be cut goes to the next page whole."""
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        first, rest = parts
        assert isinstance(rest, PagedTable)
        start = rest._start
        title = self._group_of(start)
        # (A group already continued from an earlier page is long: it is cut as before.)
        if title is not None and title >= self._start and self._kept_whole(title):
            if title == self._start:
                # This part starts with the group itself: nothing here, all of it on the next
                # page (where it fits, being at most half a page).
                return []
            first, start = self._table(self._start, title), title
        rest = GroupedTable(
            self._data,
            self._cols,
            self._groups,
            self._emphasis,
            self._warn,
            start=start,
            heights=self._measure(),
        )
        return [first, rest]


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
    table = data_table(header, rows, widths, group_rows=group_rows, emphasis=emphasis, warn=warn)
    assert isinstance(table, PagedTable)
    return GroupedTable.from_table(table)


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
