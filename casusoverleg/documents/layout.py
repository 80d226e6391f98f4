"""The house style every printed document shares: A4, embedded fonts, header, footer, tables.

Only TrueType fonts shipped in `resources/fonts/` are used, embedded as subsets: a PDF/A-minded
archive and every reader show the same glyphs (ë, ï, é, ’) and no base-14 font is referenced.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib.resources import as_file, files
from pathlib import Path
from typing import IO, Any, TypeAlias
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

DEFAULT_ORGANISATION = "Gemeente Zwolle — casusoverleg"
LANGUAGE = "nl-NL"
LOCALE = "nl_NL"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 22 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 30 * mm
MARGIN_BOTTOM = 24 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

# Quiet colours: a dark blue for structure, greys for rules, one dark red for warnings.
INK = colors.HexColor("#1A1A1A")
ACCENT = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#5B6470")
RULE = colors.HexColor("#B8C0CA")
HEADER_FILL = colors.HexColor("#E6ECF2")
ZEBRA_FILL = colors.HexColor("#F6F8FA")
WARNING = colors.HexColor("#9B1C1C")
DEMO_COLOUR = colors.HexColor("#C0392B")


@functools.cache
def register_fonts() -> None:
    """Register the DejaVu family once per process (TrueType, embedded as subsets)."""
    fonts = files("casusoverleg.resources").joinpath("fonts")
    for name, filename in _FONT_FILES.items():
        # as_file: a zipped install gives a real path for as long as the font is read.
        with as_file(fonts.joinpath(filename)) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )


def _style(name: str, *, size: float = 9.5, leading: float | None = None, **kw: Any) -> Any:
    # fontName and bulletFontName both default to Helvetica in ReportLab: set them always.
    kw.setdefault("fontName", FONT)
    return ParagraphStyle(
        name,
        fontSize=size,
        leading=leading if leading is not None else round(size * 1.38, 1),
        bulletFontName=FONT,
        textColor=kw.pop("textColor", INK),
        **kw,
    )


class Styles:
    """The paragraph styles of all documents (one place, so the documents look alike)."""

    def __init__(self) -> None:
        register_fonts()
        self.title = _style(
            "titel", size=17, leading=21, fontName=FONT_BOLD, textColor=ACCENT, spaceAfter=3
        )
        self.subtitle = _style("ondertitel", size=11, leading=15, textColor=INK, spaceAfter=2)
        self.h2 = _style(
            "kop2",
            size=12,
            leading=15,
            fontName=FONT_BOLD,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=5,
        )
        self.h3 = _style(
            "kop3",
            size=10,
            leading=13,
            fontName=FONT_BOLD,
            spaceBefore=9,
            spaceAfter=3,
        )
        self.body = _style("tekst", size=9.5, leading=13.5, spaceAfter=4)
        self.label = _style("label", size=8.5, leading=12, fontName=FONT_BOLD, textColor=MUTED)
        self.small = _style("klein", size=8, leading=11, textColor=MUTED)
        self.cell = _style("cel", size=9, leading=11.8)
        self.cell_right = _style("cel-rechts", size=9, leading=11.8, alignment=TA_RIGHT)
        self.cell_head = _style("celkop", size=8.5, leading=11, fontName=FONT_BOLD)
        self.group = _style("groep", size=9.5, leading=12, fontName=FONT_BOLD, textColor=ACCENT)
        self.note = _style("kader", size=9, leading=12.5)


@functools.cache
def styles() -> Styles:
    """The shared styles (made once; fonts are registered on first use)."""
    return Styles()


# -- text ------------------------------------------------------------------------------------


def dutch_date(day: date) -> str:
    """A date in Dutch words: "dinsdag 13 januari 2026"."""
    return str(format_date(day, "EEEE d MMMM y", locale=LOCALE))


def number(value: int) -> str:
    """A whole number with the Dutch thousands separator: 1.002."""
    return f"{value:,}".replace(",", ".")


def dutch_date_short(day: date | None) -> str:
    """A date for table cells: "13-01-2026" (empty for no date)."""
    return "" if day is None else f"{day:%d-%m-%Y}"


def clock(at: time) -> str:
    """A time of day as Dutch style guides write it: "09.30"."""
    return f"{at:%H.%M}"


def timestamp(at: datetime) -> str:
    """A moment in local time: "13-01-2026 09:30"."""
    local = at.astimezone() if at.tzinfo is not None else at
    return f"{local:%d-%m-%Y %H:%M}"


def text(value: str) -> str:
    """User text made safe for Paragraph markup; line breaks kept."""
    return escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br/>")


# A table row cannot break across pages: a cell longer than this is cut with a note, so that
# no row grows taller than a page (about 25 lines in the narrowest text column).
MAX_CELL_CHARS = 1200


def chars_that_fit(width: float, lines: int = 36) -> int:
    """About how many characters of 9 pt cell text fill `lines` lines in a column of `width`
    (a fraction of the text column): a cap that keeps a row well below a page's height."""
    average_char = 5.0  # points, DejaVu Sans 9 pt in running Dutch text
    return int((width * CONTENT_WIDTH - 8) / average_char) * lines


def cell_text(value: str, limit: int = MAX_CELL_CHARS) -> str:
    """User text for a table cell (escaped), cut at `limit` characters with a visible note."""
    value = value.strip()
    if len(value) <= limit:
        return text(value)
    cut = value[:limit].rsplit(" ", 1)[0]
    return text(cut) + " … <i>(ingekort; volledige tekst in de casusadministratie)</i>"


def para(value: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of user text (escaped)."""
    return Paragraph(text(value), style or styles().body)


def paragraphs(value: str, style: ParagraphStyle | None = None) -> list[Flowable]:
    """Long user text as one Paragraph per blank-line-separated block, so pages break cleanly."""
    blocks = [b for b in value.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [para(block, style) for block in blocks]


def labelled(label: str, value: str, style: ParagraphStyle | None = None) -> list[Flowable]:
    """ "<b>Besluit:</b> text …" with long text flowing on in further paragraphs."""
    blocks = [b for b in value.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if not blocks:
        return []
    style = style or styles().body
    first = Paragraph(f"<b>{escape(label)}:</b> {text(blocks[0])}", style)
    return [first, *(para(block, style) for block in blocks[1:])]


def heading(value: str, level: int = 2) -> list[Flowable]:
    """A section heading (level 2 or 3), escaped, that never ends a page on its own."""
    s = styles()
    # CondPageBreak, not keepWithNext: keepWithNext would push a whole long table to the next
    # page and leave the rest of this one empty.
    room = 40 * mm if level == 2 else 28 * mm
    return [CondPageBreak(room), Paragraph(escape(value), s.h2 if level == 2 else s.h3)]


def facts(rows: Sequence[tuple[str, str | Flowable]], label_width: float = 38 * mm) -> Table:
    """A borderless two-column "label: value" block (meeting data, case data); a value that is
    a Flowable (a warning in colour) is used as is."""
    s = styles()
    data = [
        [Paragraph(escape(k), s.label), v if isinstance(v, Flowable) else para(v or "—", s.cell)]
        for k, v in rows
    ]
    table = Table(data, colWidths=[label_width, CONTENT_WIDTH - label_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


class Plain(str):
    """Short text drawn as is in a table cell: no wrapping, no markup, so much cheaper than a
    Paragraph (dates, statuses, case numbers; a "\n" starts a new line)."""

    __slots__ = ()


class CellParagraph(Paragraph):
    """A Paragraph that remembers its last wrap: a Table wraps each cell again to measure rows,
    to split and to draw, and a table cell is never split itself."""

    _last_wrap: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Wrap once per width."""
        if self._last_wrap is not None and self._last_wrap[0] == availWidth:
            return self._last_wrap[1]
        size = super().wrap(availWidth, availHeight)
        self._last_wrap = (availWidth, size)
        return size


def cell(markup: str, style: ParagraphStyle | None = None) -> CellParagraph:
    """A table cell from (already escaped) markup."""
    return CellParagraph(markup, style or styles().cell)


Cell: TypeAlias = "str | Flowable"


class PagedTable(Flowable):
    """A long table that splits itself page by page, with the header row on every page.

    ReportLab's own Table re-measures every remaining row and span at each page break, which
    makes a 1,000-row list with group rows quadratic (seconds). This measures the rows once and
    hands the frame one small Table per page. A group title row is never the last row on a
    page, and a page that starts inside a group repeats its title with "(vervolg)". No row is
    split inside: cell texts are capped (`cell_text`) so that each row fits on a page.
    """

    def __init__(
        self,
        data: list[list[Flowable | str]],
        col_widths: list[float],
        groups: dict[int, str],
        emphasis: frozenset[tuple[int, int]] = frozenset(),
        warn: frozenset[tuple[int, int]] = frozenset(),
        *,
        start: int = 1,
        heights: list[float] | None = None,
    ) -> None:
        super().__init__()
        self._data = data  # row 0 is the header
        self._cols = col_widths
        self._groups = groups  # data row of a group title → its text (escaped markup)
        self._emphasis = emphasis  # (data row, column): bold, warning colour
        self._warn = warn  # (data row, column): warning colour
        self._start = start
        self._heights = heights
        self.hAlign = "LEFT"

    def _group_of(self, row: int) -> int | None:
        """The title row of the group that `row` continues (None: a title itself, or none)."""
        if row in self._groups:
            return None
        earlier = [g for g in self._groups if g < row]
        return max(earlier) if earlier else None

    def _table(self, start: int, end: int) -> Table:
        rows = [self._data[0]]
        continued = self._group_of(start)
        if continued is not None:
            title = f"{self._groups[continued]} (vervolg)"
            rows.append([cell(title, styles().group)] + [""] * (len(self._cols) - 1))
        rows += self._data[start:end]
        table = Table(rows, colWidths=self._cols, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(self._commands(start, end, continued is not None)))
        return table

    def _commands(self, start: int, end: int, continued: bool) -> list[tuple[Any, ...]]:
        s = styles()
        # Table row of data row r: r - start + offset (header, and perhaps a "vervolg" row).
        offset = 2 if continued else 1
        commands: list[tuple[Any, ...]] = [
            # For Plain cells: the same font, size and leading as the cell Paragraphs.
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), s.cell.fontSize),
            ("LEADING", (0, 0), (-1, -1), s.cell.leading),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ]
        for row, column in self._emphasis:
            if start <= row < end:
                spot = (column, row - start + offset)
                commands += [
                    ("FONTNAME", spot, spot, FONT_BOLD),
                    ("TEXTCOLOR", spot, spot, WARNING),
                ]
        for row, column in self._warn:
            if start <= row < end:
                spot = (column, row - start + offset)
                commands.append(("TEXTCOLOR", spot, spot, WARNING))
        titles = [row - start + offset for row in self._groups if start <= row < end]
        for at in ([1] if continued else []) + titles:
            commands += [
                ("SPAN", (0, at), (-1, at)),
                ("BACKGROUND", (0, at), (-1, at), ZEBRA_FILL),
                ("TOPPADDING", (0, at), (-1, at), 6),
                ("LINEBELOW", (0, at), (-1, at), 0.5, RULE),
            ]
        return commands

    def _measure(self) -> list[float]:
        if self._heights is None:
            # One Table over all rows, measured once: exact heights, spans included.
            table = self._table(1, len(self._data))
            table.wrap(sum(self._cols), 1e9)
            self._heights = list(table._rowHeights)
        return self._heights

    def _lead(self, start: int) -> float:
        """Height above the first data row on a page: header, and a "vervolg" title."""
        heights = self._measure()
        continued = self._group_of(start)
        return heights[0] + (heights[continued] if continued is not None else 0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The size of what is left of the table."""
        heights = self._measure()
        self.width = sum(self._cols)
        self.height = self._lead(self._start) + sum(heights[self._start :])
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """The rows that fit here as a Table, and the rest as a PagedTable."""
        heights = self._measure()
        room = availHeight - self._lead(self._start)
        end = self._start
        while end < len(self._data) and heights[end] <= room:
            room -= heights[end]
            end += 1
        # A group title row waits for the page where its first row goes.
        while end > self._start and (end - 1) in self._groups:
            end -= 1
        if end == self._start:
            return []
        if end == len(self._data):
            return [self._table(self._start, end)]
        rest = PagedTable(
            self._data,
            self._cols,
            self._groups,
            self._emphasis,
            self._warn,
            start=end,
            heights=heights,
        )
        return [self._table(self._start, end), rest]

    def draw(self) -> None:
        """Draw what is left (it fits: the frame checked the height)."""
        table = self._table(self._start, len(self._data))
        table.wrap(self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    group_rows: Sequence[int] = (),
    emphasis: Sequence[tuple[int, int]] = (),
    warn: Sequence[tuple[int, int]] = (),
) -> Flowable:
    """A table with a header row repeated on every page and wrapping cells.

    `widths` are fractions of the content width. Plain strings are escaped into Paragraphs; a
    Flowable (already a Paragraph) and a `Plain` string are used as is. The rows at the indices
    in `group_rows` hold one text (a group title) that spans the whole width; the (row, column)
    cells in `emphasis` are printed bold in the warning colour, those in `warn` only in the
    warning colour (both only for `Plain` cells).
    """
    s = styles()
    cols = [w * CONTENT_WIDTH for w in widths]
    data: list[list[Flowable | str]] = [[cell(escape(h), s.cell_head) for h in header]]
    groups = set(group_rows)
    titles: dict[int, str] = {}
    for index, row in enumerate(rows):
        if index in groups:
            titles[index + 1] = text(str(row[0]))
            data.append([cell(titles[index + 1], s.group)] + [""] * (len(cols) - 1))
            continue
        data.append(
            [c if isinstance(c, Flowable | Plain) else cell(cell_text(c), s.cell) for c in row]
        )
    return PagedTable(
        data,
        cols,
        titles,
        frozenset((r + 1, c) for r, c in emphasis),
        frozenset((r + 1, c) for r, c in warn),
    )


def note_box(markup: str) -> Table:
    """A shaded remark with a bar on the left (status of the minutes, a correction), exactly as
    wide as the text column (a Paragraph's own backColor spills into the margin)."""
    table = Table([[Paragraph(markup, styles().note)]], colWidths=[CONTENT_WIDTH], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA_FILL),
                ("LINEBEFORE", (0, 0), (0, -1), 2, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def spacer(height_mm: float = 3) -> Spacer:
    """Vertical space."""
    return Spacer(1, height_mm * mm)


# -- the page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentMeta:
    """What every document carries besides its content: names, metadata, print date, DEMO."""

    title: str  # PDF title, e.g. "Agenda casusoverleg 13 januari 2026"
    header: str  # the name at the top of every page (meeting or document name)
    subject: str
    organisation: str = DEFAULT_ORGANISATION
    printed_on: date | None = None
    demo: bool = False


def _draw_page(canvas: Canvas, meta: DocumentMeta, printed_on: date) -> None:
    """Header, footer (without the page count) and the DEMO mark, on every page."""
    canvas.saveState()
    top = PAGE_HEIGHT - 14 * mm
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, 7.5)
    canvas.drawString(MARGIN_LEFT, top + 3.6 * mm, meta.organisation)
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 9)
    header = meta.header
    room = CONTENT_WIDTH - 32 * mm
    while header and canvas.stringWidth(header, FONT_BOLD, 9) > room:
        header = header[:-2] + "…"
    canvas.drawString(MARGIN_LEFT, top, header)
    canvas.setFillColor(WARNING)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, top, "Vertrouwelijk")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_LEFT, top - 2.6 * mm, PAGE_WIDTH - MARGIN_RIGHT, top - 2.6 * mm)

    bottom = 13 * mm
    canvas.line(MARGIN_LEFT, bottom + 4 * mm, PAGE_WIDTH - MARGIN_RIGHT, bottom + 4 * mm)
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, 7.5)
    canvas.drawString(MARGIN_LEFT, bottom, f"Afgedrukt op {dutch_date(printed_on)}")
    if meta.demo:
        _draw_demo(canvas)
    canvas.restoreState()


def _draw_demo(canvas: Canvas) -> None:
    """A large, light, diagonal DEMO and a line in the header: nobody mistakes it for real."""
    canvas.saveState()
    canvas.setFillColor(DEMO_COLOUR)
    canvas.setFont(FONT_BOLD, 7.5)
    canvas.drawRightString(
        PAGE_WIDTH - MARGIN_RIGHT, PAGE_HEIGHT - 14 * mm + 3.6 * mm, "DEMO — verzonnen gegevens"
    )
    canvas.setFillAlpha(0.08)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(50)
    canvas.setFont(FONT_BOLD, 130)
    canvas.drawCentredString(0, -45, "DEMO")
    canvas.restoreState()


class _NumberedCanvas(Canvas):
    """A canvas that holds the pages back until the total is known ("pagina 2 van 7").

    One pass instead of two: each finished page's state is kept, and `save` stamps the page
    numbers on all of them at the end.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_states: list[dict[str, Any]] = []

    def showPage(self) -> None:
        """Keep the finished page instead of writing it."""
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Write every page with "pagina X van Y", then the file."""
        total = len(self._page_states)
        for page, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, 13 * mm, f"pagina {page} van {total}")
            self.restoreState()
            Canvas.showPage(self)
        Canvas.save(self)


def build_pdf(target: str | Path | IO[bytes], story: list[Flowable], meta: DocumentMeta) -> int:
    """Lay out `story` on A4 pages with header and footer; returns the number of pages."""
    register_fonts()
    printed_on = meta.printed_on or date.today()
    doc = BaseDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=meta.title,
        author=meta.organisation,
        subject=meta.subject,
        creator="Casusoverleg",
        lang=LANGUAGE,
        displayDocTitle=1,
        # The canvas otherwise starts every page in Helvetica.
        initialFontName=FONT,
        initialFontSize=9,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        id="tekst",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="pagina",
                frames=[frame],
                onPage=lambda canvas, _doc: _draw_page(canvas, meta, printed_on),
            )
        ]
    )
    doc.build(story, canvasmaker=_NumberedCanvas)
    return int(doc.page)
