"""Rapportage per school year (Lpw art. 25): exemptions by ground, children at home, advice.

The figures come from `services.reports.school_year_report` (numbers only, no names, every
duration from the law's one computation). A school year is chosen at the top; for it the screen
shows three small tables and two charts: plain bars drawn with QPainter (PySide6-Essentials has
no QtCharts). The Excel export holds the same figures for every school year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QHelpEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import exports, reports
from casusoverleg.services.reports import EXEMPTION_GROUNDS, HomeGroup, Report, YearFigures
from casusoverleg.services.store import Store

from ui import dialogs, ops, pdf_preview, style
from ui.common import GROUND_SHORT, long_date
from ui.ops import Change, StoreOp
from ui.table_model import RowsTableModel
from ui.widgets.flow import FlowLayout
from ui.widgets.heading import Heading
from ui.widgets.message import MessageLabel
from ui.widgets.tables import rows_table

XLSX_FILTER = "Excel-werkmap (*.xlsx)"
COMPUTING = "Wordt berekend…"
# Short names for the chart's bars; the tables and tooltips use the groups' full labels.
HOME_SHORT = {
    HomeGroup.THUISZITTER: "thuiszitter, ingeschreven",
    HomeGroup.ABSOLUUT: "absoluut verzuim",
    HomeGroup.ONBEKEND: "inschrijving onbekend",
    HomeGroup.ART11: "art. 11 (ziekte, verlof)",
}
FROM_REGISTRATION = (
    "Een vrijstelling zonder ingangsdatum is geteld vanaf de aanmelddatum van de casus "
    "({count} in dit schooljaar). Vul de ingangsdatum in de casus in voor een juist cijfer."
)


def ask_export_path(parent: QWidget, suggestion: str) -> Path | None:
    """Where to write the statistics workbook; None if cancelled (tests replace this)."""
    return dialogs.ask_save_file(parent, "Statistiek exporteren", XLSX_FILTER, suggestion)


def days_text(value: float | int | None) -> str:
    """A number of days as the table shows it: "23", "23,5", or "—" when there is none."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


# -- the tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    """One row of figures: a label and its numbers; bold if it is a total."""

    cells: tuple[str | int, ...]
    total: bool = False
    tooltip: str = ""  # on the label


@dataclass(frozen=True)
class FigureTable:
    """A small table of figures: column titles and rows."""

    header: tuple[str, ...]
    rows: tuple[FigureRow, ...]


class FiguresModel(RowsTableModel[FigureRow]):
    """A read-only table of figures; numbers right-aligned, total rows bold."""

    @staticmethod
    def row_id(row: FigureRow) -> object:
        """Rows are found by their label."""
        return row.cells[0]

    def set_table(self, table: FigureTable) -> None:
        """Show other figures (other years make other columns)."""
        # Only views read the columns, and only after the reset that `set_rows` makes.
        self.column_titles = table.header
        self.set_rows(list(table.rows))

    def value(self, row: int, column: int) -> str | int:
        """The value in a cell as computed (tests read the numbers through this)."""
        return self.row_at(row).cells[column]

    def cell(self, row: FigureRow, column: int, role: int) -> Any:
        """Text, alignment, bold totals and the label's tooltip."""
        if role == Qt.ItemDataRole.DisplayRole:
            return str(row.cells[column])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignLeft if column == 0 else Qt.AlignmentFlag.AlignRight
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.total:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and row.tooltip:
            return row.tooltip
        return None


EMPTY_TABLE = FigureTable((), ())


def exemptions_table(figures: YearFigures) -> FigureTable:
    """Exemptions by ground in one school year: new, renewed, ended; with a total."""
    rows = []
    for ground in EXEMPTION_GROUNDS:
        c = figures.exemption(ground)
        rows.append(
            FigureRow(
                (GROUND_SHORT[ground], c.new, c.renewed, c.ended, c.from_registration),
                tooltip=ground.label,
            )
        )
    t = figures.exemption_total
    rows.append(FigureRow(("Totaal", t.new, t.renewed, t.ended, t.from_registration), total=True))
    header = ("Grond", "Nieuw", "Verlengd", "Beëindigd", "Zonder ingangsdatum")
    return FigureTable(header, tuple(rows))


def home_table(figures: YearFigures) -> FigureTable:
    """Children at home without school in one school year, by group, with days at home."""
    rows = tuple(
        FigureRow(
            (
                HOME_SHORT[group],
                h.children,
                h.over_four_weeks,
                h.over_three_months,
                h.at_home_at_end,
                days_text(h.median_days),
                days_text(h.max_days),
            ),
            tooltip=group.label,
        )
        for group, h in figures.home.items()
    )
    header = (
        "Groep",
        "Kinderen",
        "> 4 weken",
        "> 3 maanden",
        "Nog thuis",
        "Mediaan dagen",
        "Langste (dagen)",
    )
    return FigureTable(header, rows)


def advice_table(figures: YearFigures) -> FigureTable:
    """How often the group gave each advice at the meetings of one school year."""
    given = figures.advice
    rows = [FigureRow((a.label, n)) for a, n in given.by_advice.items()]
    rows += [
        FigureRow(
            ("alternatief in plaats van vrijstelling", given.alternative_instead),
            tooltip="onderwijs-zorgarrangement, deeltijdrooster of terugleidingstraject",
        ),
        FigureRow(
            ("vrijstelling, met gewogen alternatieven", given.exemption_with_alternatives),
            tooltip="adviezen 'vrijstelling passend' met de gewogen alternatieven vastgelegd",
        ),
        FigureRow(("Totaal adviezen", given.total), total=True),
    ]
    return FigureTable(("Advies", "Aantal"), tuple(rows))


def advice_time_table(figures: YearFigures) -> FigureTable:
    """Days from registration to the first advice, for the cases registered in the school year."""
    t = figures.advice_time
    row = FigureRow(
        ("Aangemeld in dit schooljaar", t.cases, days_text(t.median_days), days_text(t.max_days))
    )
    header = ("", "Met advies", "Mediaan (dagen)", "Langste (dagen)")
    return FigureTable(header, (row,))


def _fit_table(view: QTableView) -> None:
    """Exactly as large as its cells: these tables are small and must not scroll on their own
    nor stretch a column of numbers far away from its labels."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    minimum = view.fontMetrics().horizontalAdvance("00000") + 18
    for column in range(view.model().columnCount()):
        # Some air between a label and the numbers next to it.
        wider = header.sectionSize(column) + 14
        header.resizeSection(column, wider if column == 0 else max(wider, minimum))
    columns = view.model().columnCount()
    frame = 2 * view.frameWidth()
    width = sum(header.sectionSize(c) for c in range(columns)) + frame
    height = header.height() + frame
    height += sum(view.rowHeight(r) for r in range(view.model().rowCount()))
    view.setFixedSize(max(width, 200), height)


def _table_view(model: FiguresModel, name: str, accessible: str) -> QTableView:
    view = rows_table(model, name, stretch_last=False)
    view.setAccessibleName(accessible)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return view


# -- the charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and a colour (None: the documents' blue)."""

    label: str
    value: int
    colour: str | None = None
    tooltip: str = ""
    # Said in words after the number, and the bar hatched, for what the colour stands for
    # (WCAG 1.4.1: not by colour alone).
    mark: str = ""

    @property
    def figure(self) -> str:
        """The number at the end of the bar, with its mark."""
        return f"{self.value} ({self.mark})" if self.mark else str(self.value)


class BarChart(QWidget):
    """Horizontal bars with their labels on the left and their numbers at the end."""

    def __init__(self, title: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._empty_text = empty_text
        self.bars: list[Bar] = []
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_title(self, title: str) -> None:
        """Change the title (it names the year)."""
        self._title = title
        self.setAccessibleName(title)
        self.update()

    @property
    def title(self) -> str:
        """The title above the bars."""
        return self._title

    def set_bars(self, bars: list[Bar]) -> None:
        """Show these bars (an empty list shows the empty text)."""
        self.bars = list(bars)
        self.setAccessibleDescription(", ".join(f"{b.label}: {b.figure}" for b in bars))
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def sizeHint(self) -> QSize:
        """Room for the title and every bar."""
        rows = max(len(self.bars), 2)
        return QSize(420, self._title_height() + rows * self._row_height() + 12)

    def minimumSizeHint(self) -> QSize:
        """As tall as the bars need; narrow windows squeeze the bars, not the labels."""
        return QSize(260, self.sizeHint().height())

    def _title_height(self) -> int:
        return self.fontMetrics().height() + 14

    def _bar_rect(self, row: int, label_width: int, number_width: int, top: int) -> QRectF:
        height = self._row_height()
        left = label_width + 16
        room = max(self.width() - left - number_width - 16, 10)
        peak = max((b.value for b in self.bars), default=0)
        width = room * self.bars[row].value / peak if peak else 0
        return QRectF(left, top + row * height + 3, max(width, 0), height - 6)

    def _layout(self) -> tuple[int, int, int]:
        metrics = self.fontMetrics()
        label_width = max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0)
        # Labels take at most 45 % of the width; longer ones are cut with "…".
        label_width = min(label_width, int(self.width() * 0.45))
        number_width = max((metrics.horizontalAdvance(b.figure) for b in self.bars), default=0)
        return label_width, number_width, self._title_height()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Title, then one labelled bar per row."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = QColor(style.MUTED_COLOUR)
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(
            QRectF(0, 0, self.width(), self._title_height() - 4),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self._title,
        )
        painter.setFont(self.font())
        if not self.bars or all(b.value == 0 for b in self.bars):
            painter.setPen(muted)
            painter.drawText(
                QRectF(0, self._title_height(), self.width(), 2 * self._row_height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                self._empty_text,
            )
            painter.end()
            return
        label_width, number_width, top = self._layout()
        height = self._row_height()
        for row, bar in enumerate(self.bars):
            y = top + row * height
            painter.setPen(text)
            # A little slack: rounding must not cut off a label that was measured to fit.
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width + 2)
            painter.drawText(
                QRectF(0, y, label_width + 2, height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
            rect = self._bar_rect(row, label_width, number_width, top)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(bar.colour or style.DOCUMENT_BLUE))
            if rect.width() > 0:
                painter.drawRoundedRect(rect, 2, 2)
                if bar.mark:
                    painter.setBrush(QBrush(QColor("white"), Qt.BrushStyle.BDiagPattern))
                    painter.drawRoundedRect(rect, 2, 2)
            painter.setPen(text if bar.value else muted)
            painter.drawText(
                QRectF(rect.right() + 6, y, number_width + 10, height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                bar.figure,
            )
        # A thin axis line where the bars start.
        painter.setPen(muted)
        left = label_width + 16
        painter.drawLine(left, top, left, top + len(self.bars) * height)
        painter.end()

    def bar_at(self, x: float, y: float) -> int | None:
        """The row of the bar at a point (for tooltips), or None."""
        if not self.bars:
            return None
        top = self._title_height()
        row = int((y - top) // self._row_height())
        return row if 0 <= row < len(self.bars) and y >= top else None

    def event(self, e: QEvent) -> bool:
        """Tooltips name the full ground and the number."""
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            row = self.bar_at(e.pos().x(), e.pos().y())
            if row is None:
                QToolTip.hideText()
                e.ignore()
                return True
            bar = self.bars[row]
            QToolTip.showText(e.globalPos(), f"{bar.tooltip or bar.label}: {bar.value}", self)
            return True
        return super().event(e)


# -- the screen ----------------------------------------------------------------------------------


def _heading(text: str) -> QLabel:
    label = Heading(text, level=2)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.08)
    label.setFont(font)
    label.setContentsMargins(0, 10, 0, 2)
    return label


class ReportsView(QWidget):
    """The Rapportage screen, filled in the background from `services.reports`."""

    # The changes after which this screen loads again (see ui.ops).
    reload_on = Change.CASES | Change.MINUTES | Change.MEETINGS | Change.SETTINGS

    loaded = Signal()
    exported = Signal(object)  # Path of the written workbook

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._exporting = False
        self.figures: Report | None = None

        self.title_label = Heading("Rapportage")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.date_label = QLabel()
        self.refresh_button = QPushButton("&Vernieuwen")
        self.refresh_button.setToolTip("De cijfers opnieuw berekenen (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)
        self.export_button = QPushButton("&Exporteren naar Excel…")
        self.export_button.setToolTip(
            "De cijfers van alle schooljaren als Excel-werkmap opslaan "
            "(voor het verslag aan de raad, Leerplichtwet art. 25)"
        )
        self.export_button.clicked.connect(self.export)
        self.message_label = MessageLabel()

        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName("Schooljaar")
        self.year_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_combo.currentIndexChanged.connect(self._year_changed)
        year_label = QLabel("&Schooljaar (1 augustus – 31 juli):")
        year_label.setBuddy(self.year_combo)

        self.ground_chart = BarChart(
            "Vrijstellingen per grond", "Geen vrijstellingen in dit schooljaar."
        )
        self.thuis_chart = BarChart("Kinderen thuis zonder school", "Geen kinderen thuis.")
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(f"color: {style.DIM_COLOUR};")

        self.exemptions_model = FiguresModel(self)
        self.home_model = FiguresModel(self)
        self.advice_model = FiguresModel(self)
        self.exemptions_view = _table_view(
            self.exemptions_model, "vrijstellingen", "Vrijstellingen per grond"
        )
        self.home_view = _table_view(self.home_model, "thuis", "Kinderen thuis zonder school")
        self.advice_view = _table_view(self.advice_model, "adviezen", "Adviezen van het overleg")
        self.advice_time_model = FiguresModel(self)
        self.advice_time_view = _table_view(
            self.advice_time_model, "tijd_tot_advies", "Tijd van aanmelding tot eerste advies"
        )

        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        self.date_label.setWordWrap(True)  # wraps at 200 % text instead of widening the window
        head.addWidget(self.date_label, 1)
        head_buttons = QWidget()  # on two lines when the window is narrow (200 % text)
        head_flow = FlowLayout(head_buttons)
        head_flow.addWidget(self.refresh_button)
        head_flow.addWidget(self.export_button)
        head.addWidget(head_buttons)

        year_row = QHBoxLayout()
        year_row.addWidget(year_label)
        year_row.addWidget(self.year_combo)
        year_row.addStretch(1)

        charts = QGridLayout()
        charts.setHorizontalSpacing(32)
        charts.addWidget(self.ground_chart, 0, 0, Qt.AlignmentFlag.AlignTop)
        charts.addWidget(self.thuis_chart, 0, 1, Qt.AlignmentFlag.AlignTop)
        charts.setColumnStretch(0, 3)
        charts.setColumnStretch(1, 2)

        top_left = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        body = QVBoxLayout()
        body.addLayout(year_row)
        body.addLayout(charts)
        body.addWidget(_heading("Vrijstellingen per grond"))
        body.addWidget(self.exemptions_view, 0, top_left)
        body.addWidget(self.note_label)
        body.addWidget(_heading("Kinderen thuis zonder school"))
        body.addWidget(
            QLabel(
                "Dagen thuis tellen alleen zolang het kind leer- of kwalificatieplichtig is, "
                "zonder vrijstelling, tot de dag terug op school. 'Nog thuis': op 31 juli, "
                "of vandaag in het lopende schooljaar."
            )
        )
        body.addWidget(self.home_view, 0, top_left)
        body.addWidget(_heading("Adviezen van het overleg"))
        body.addWidget(self.advice_view, 0, top_left)
        body.addWidget(_heading("Tijd van aanmelding tot eerste advies"))
        body.addWidget(self.advice_time_view, 0, top_left)
        body.addStretch(1)
        inner = QWidget()
        inner.setLayout(body)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a stop for Tab
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.message_label)
        layout.addWidget(scroll, 1)
        self.clear()

    # The screen protocol ---------------------------------------------------------------------

    def load(self, store: Store) -> None:
        """Compute the figures in the background and show them."""
        self._store = store
        self.date_label.setText(COMPUTING)
        self.refresh_button.setEnabled(False)
        StoreOp(self, store, reports.school_year_report).key("figures").success(self._show).failure(
            self._failed
        ).finished(self._settled).run()

    def refresh(self) -> None:
        """Compute the figures again."""
        if self._store is not None:
            self.load(self._store)

    def clear(self) -> None:
        """Drop the figures (the window is being locked)."""
        ops.drop_pending(self)
        self._store = None
        self._exporting = False
        self.figures = None
        self.date_label.setText("")
        self.message_label.hide()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        self.year_combo.blockSignals(False)
        self.year_combo.setEnabled(False)
        self._show_year(None)
        self.export_button.setEnabled(False)
        self.refresh_button.setEnabled(False)

    # Showing ---------------------------------------------------------------------------------

    def _show(self, figures: Report) -> None:
        self.figures = figures
        self.message_label.hide()
        chosen = self.year_combo.currentData()
        firsts = [y.year.first_year for y in figures.years]
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in reversed(figures.years):
            self.year_combo.addItem(year.year.label, year.year.first_year)
        at = self.year_combo.findData(chosen if chosen in firsts else firsts[-1])
        self.year_combo.setCurrentIndex(max(at, 0))
        self.year_combo.blockSignals(False)
        self.year_combo.setEnabled(True)
        self._year_changed()
        self._settled()
        self.loaded.emit()

    @property
    def shown_year(self) -> YearFigures | None:
        """The figures of the school year chosen on screen."""
        year = self.year_combo.currentData()
        if self.figures is None or not isinstance(year, int):
            return None
        return self.figures.year(year)

    def _year_changed(self, _index: int = -1) -> None:
        self._show_year(self.shown_year)

    def _show_year(self, figures: YearFigures | None) -> None:
        if figures is None:
            for model in self._models:
                model.set_table(EMPTY_TABLE)
            self.ground_chart.set_title("Vrijstellingen per grond")
            self.ground_chart.set_bars([])
            self.thuis_chart.set_title("Kinderen thuis zonder school")
            self.thuis_chart.set_bars([])
            self.note_label.hide()
        else:
            label = figures.year.label
            self.exemptions_model.set_table(exemptions_table(figures))
            self.home_model.set_table(home_table(figures))
            self.advice_model.set_table(advice_table(figures))
            self.advice_time_model.set_table(advice_time_table(figures))
            self.ground_chart.set_title(f"Vrijstellingen per grond, nieuw en verlengd, {label}")
            self.ground_chart.set_bars(
                [
                    Bar(GROUND_SHORT[g], c.new + c.renewed, tooltip=g.label)
                    for g in EXEMPTION_GROUNDS
                    for c in (figures.exemption(g),)
                ]
            )
            self.thuis_chart.set_title(f"Kinderen thuis zonder school, {label}")
            self.thuis_chart.set_bars(
                [
                    Bar(
                        HOME_SHORT[g],
                        h.children,
                        None if g == HomeGroup.ART11 else style.DOCUMENT_RED,
                        g.label,
                        "" if g == HomeGroup.ART11 else "verzuim",
                    )
                    for g, h in figures.home.items()
                ]
            )
            fallback = figures.exemption_total.from_registration
            self.note_label.setText(FROM_REGISTRATION.format(count=fallback))
            self.note_label.setVisible(fallback > 0)
        for view in (self.exemptions_view, self.home_view, self.advice_view, self.advice_time_view):
            _fit_table(view)

    @property
    def _models(self) -> tuple[FiguresModel, ...]:
        return (self.exemptions_model, self.home_model, self.advice_model, self.advice_time_model)

    def _settled(self) -> None:
        """Back at rest after computing or exporting, whatever came of it."""
        figures = self.figures
        self.date_label.setText(f"stand {long_date(figures.as_of)}" if figures else "")
        self.refresh_button.setEnabled(self._store is not None)
        self.export_button.setEnabled(figures is not None and not self._exporting)

    def _failed(self, exc: CasusoverlegError) -> None:
        self._show_message(f"De cijfers konden niet worden berekend: {exc.message}", error=True)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.show_message(text, error=error)

    # Export ----------------------------------------------------------------------------------

    def export(self) -> None:
        """Write the figures to an .xlsx file (after saying once that it is not encrypted)."""
        store = self._store
        if store is None:
            return
        suggestion = str(Path.home() / f"rapportage-{date.today():%Y-%m-%d}.xlsx")
        path = ask_export_path(self, suggestion)
        if path is None or self._store is not store:
            return
        # The file dialog asked before replacing the file it returned (not one with .xlsx added).
        overwrite = path.exists()
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
            overwrite = False
        if not pdf_preview.confirm_plain_file(self, path.name) or self._store is not store:
            return
        self._exporting = True
        self.export_button.setEnabled(False)
        self.date_label.setText(f"Wordt geëxporteerd naar {path.name}…")

        def done(_rows: int) -> None:
            self._show_message(f"Geëxporteerd naar {path} (niet versleuteld).")
            self.exported.emit(path)

        def failed(exc: CasusoverlegError) -> None:
            dialogs.warn(
                self, "Statistiek exporteren", "Exporteren is mislukt.", detail=exc.message
            )

        def ended() -> None:
            self._exporting = False
            self._settled()

        # The same day as the figures on screen, so the workbook holds what the screen shows.
        as_of = self.figures.as_of if self.figures is not None else None

        def write(s: Store) -> int:
            # The service still refuses the store and the files beside it.
            return exports.export_statistics(s, path, today=as_of, overwrite=overwrite)

        StoreOp(self, store, write).success(done).failure(failed).finished(ended).run()
