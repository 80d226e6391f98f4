"""Casussen importeren: the file is checked and shown first; nothing is written until "Importeren".

Import is all or nothing (services.imports): while the file has a rejected row, "Importeren"
stays disabled and the table lists every problem (regel, kolom, reden). The user can fix the file
in Excel and check it again without choosing it anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.text import printable
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import imports
from casusoverleg.services.cases import CaseInput
from casusoverleg.services.imports import ImportPreview, ImportRejected, ImportResult, RowProblem
from casusoverleg.services.store import Store

from ui import style
from ui.common import format_date
from ui.ops import Change, StoreOp, drop_pending
from ui.table_model import RowsTableModel
from ui.widgets.tables import rows_table

PROBLEM_COLUMNS = ("Regel", "Kolom", "Reden")
CASE_COLUMNS = (
    "Regel",
    "Casusnummer",
    "Naam",
    "Geboortedatum",
    "School",
    "Grond",
    "Status",
    "Casushouder",
)
FILE_FILTER = "Casuslijst (*.xlsx *.csv);;Excel-werkmap (*.xlsx);;CSV-bestand (*.csv)"
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ProblemTableModel(RowsTableModel[RowProblem]):
    """The rejected rows of a file: regel, kolom, reden (each text also its tooltip)."""

    column_titles = PROBLEM_COLUMNS

    @staticmethod
    def row_id(row: RowProblem) -> object:
        """A problem is one cell: its row and column."""
        return (row.row, row.column)

    def cell(self, row: RowProblem, column: int, role: int) -> Any:
        """The texts of one problem; the regel right-aligned."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (str(row.row), row.column, printable(row.reason))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return _RIGHT
        return None


@dataclass(frozen=True)
class PreviewRow:
    """One case a clean file would add: its regel in the file, the case, its casushouder."""

    line: int
    case: CaseInput
    owner: str

    @property
    def id(self) -> int:
        """The regel: unique within one file."""
        return self.line

    @property
    def texts(self) -> tuple[str, ...]:
        """The row as the table shows it (CASE_COLUMNS)."""
        data = self.case
        return (
            str(self.line),
            data.case_number or "(nieuw nummer)",
            f"{data.first_name} {data.last_name}".strip(),
            format_date(data.birth_date),
            data.school,
            data.ground.label if data.ground else "",
            data.status.label,
            self.owner,
        )


class PreviewTableModel(RowsTableModel[PreviewRow]):
    """The cases about to be imported, as the file has them."""

    column_titles = CASE_COLUMNS

    def cell(self, row: PreviewRow, column: int, role: int) -> Any:
        """The text of a cell, also as tooltip; the regel right-aligned."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.texts[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return _RIGHT
        return None


def _more_text(more: int) -> str:
    """The note under a problem list that was cut off (services.imports.MAX_PROBLEMS)."""
    if not more:
        return ""
    return f" De eerste {imports.MAX_PROBLEMS} staan hieronder, {imports.more_problems_text(more)}."


def case_rows(preview: ImportPreview) -> list[PreviewRow]:
    """The cases a clean file would add, as table rows."""
    return [
        PreviewRow(line, data, owner)
        for line, data, owner in zip(preview.rows, preview.cases, preview.owner_names, strict=True)
    ]


class ImportDialog(QDialog):
    """Checks a case file, shows the result, and imports it on request (all or nothing)."""

    checked = Signal()  # the preview (or the reason it failed) is shown
    imported = Signal(object)  # ImportResult, after a successful import

    def __init__(self, store: Store, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._path = path
        self._preview: ImportPreview | None = None
        self._busy = False
        self.result_value: ImportResult | None = None

        self.setWindowTitle(f"Casussen importeren — {path.name}")
        self.file_label = QLabel(f"Bestand: {path}")
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label = QLabel()
        # Plain text: a file name or message is never read as HTML.
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.owners_label = QLabel()
        self.owners_label.setWordWrap(True)
        self.owners_label.hide()

        self.problems = ProblemTableModel(self)
        self.problem_table = rows_table(self.problems, "afgekeurde_regels")
        metrics = self.problem_table.fontMetrics()
        self.problem_table.setColumnWidth(0, metrics.horizontalAdvance("Regel 00000") + 16)
        self.problem_table.setColumnWidth(1, metrics.horizontalAdvance("vrijstelling_tot") + 32)
        self.problem_table.setAccessibleName("Afgekeurde regels")
        # A long reason is cut off in the table; the selected one is shown whole below it.
        self.reason_label = QLabel()
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label.hide()
        self.problem_table.selectionModel().currentRowChanged.connect(self._show_reason)
        self.cases = PreviewTableModel(self)
        self.case_table = rows_table(self.cases, "te_importeren_casussen")
        char = metrics.averageCharWidth()
        for column, width in enumerate((8, 14, 24, 13, 28, 26, 16)):
            self.case_table.setColumnWidth(column, char * width + 16)
        self.case_table.setAccessibleName("Casussen die worden geïmporteerd")
        self.problem_table.hide()
        self.case_table.hide()

        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 2)

        self.recheck_button = QPushButton("Opnieuw &controleren")
        self.recheck_button.setToolTip("Lees het bestand opnieuw in, bijvoorbeeld na verbeteren.")
        self.recheck_button.clicked.connect(self.check)
        self.import_button = QPushButton("&Importeren")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Annuleren")
        buttons = QDialogButtonBox()
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.recheck_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.owners_label)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.problem_table, 1)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.case_table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.resize(self.fontMetrics().averageCharWidth() * 150, self.fontMetrics().height() * 30)

    @property
    def preview(self) -> ImportPreview | None:
        """The last check of the file."""
        return self._preview

    @property
    def busy(self) -> bool:
        """True while the file is being checked or imported."""
        return self._busy

    def check(self) -> None:
        """Read and check the file in the background (nothing is written)."""
        if self._busy:
            return
        path = self._path
        self._set_busy(True)
        self._preview = None
        self.summary_label.setStyleSheet("")
        self.summary_label.setText("Het bestand wordt gelezen en gecontroleerd…")
        self.owners_label.hide()
        StoreOp(self, self._store, lambda store: imports.preview_import(store, path)).key(
            "check"
        ).success(self._checked).failure(self._check_failed).finished(self._check_ended).run()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy)
        self.recheck_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        preview = self._preview
        self.import_button.setEnabled(
            not busy and preview is not None and preview.ok and bool(preview.cases)
        )

    def _checked(self, preview: ImportPreview) -> None:
        self._preview = preview
        locale = QLocale()
        count = len(preview.cases)
        if not preview.cases:
            self._show_error("Het bestand bevat geen casussen, alleen een kopregel.")
        elif preview.problems:
            self._show_problems(
                preview.problems,
                f"{locale.toString(preview.problem_count)} fout(en) in "
                f"{locale.toString(preview.rejected_count)} van de {locale.toString(count)} "
                "regels. Er wordt niets geïmporteerd zolang er een fout in staat: verbeter het "
                "bestand (bijvoorbeeld in Excel), sla het op en kies 'Opnieuw controleren'."
                + _more_text(preview.more_problems),
            )
        else:
            noun = "casus" if count == 1 else "casussen"
            self.summary_label.setStyleSheet(style.OK_STYLE)
            self.summary_label.setText(
                f"Het bestand is in orde: {locale.toString(count)} {noun} kunnen worden "
                "geïmporteerd. Er is nog niets opgeslagen."
            )
            self.cases.set_rows(case_rows(preview))
            self.problem_table.hide()
            self.reason_label.hide()
            self.case_table.show()
        if preview.new_owners and not preview.problems:
            self.owners_label.setText(
                "Nieuwe casushouders (worden toegevoegd aan Team Leerplicht): "
                + ", ".join(preview.new_owners)
            )
            self.owners_label.show()

    def _check_failed(self, exc: CasusoverlegError) -> None:
        self._show_error(exc.message)

    def _check_ended(self) -> None:
        self._set_busy(False)
        if self.import_button.isEnabled():
            self.import_button.setFocus()
        self.checked.emit()

    def _show_problems(self, problems: Sequence[RowProblem], text: str) -> None:
        self.summary_label.setStyleSheet(style.ERROR_STYLE)
        self.summary_label.setText(printable(text))
        self.problems.set_rows(list(problems))
        self.case_table.hide()
        self.problem_table.show()
        self.reason_label.show()
        self.problem_table.setCurrentIndex(self.problems.index(0, 0))

    def _show_reason(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.reason_label.clear()
            return
        problem = self.problems.row_at(current.row())
        self.reason_label.setText(
            printable(f"Regel {problem.row}, kolom {problem.column}: {problem.reason}")
        )

    def _show_error(self, text: str) -> None:
        self.summary_label.setStyleSheet(style.ERROR_STYLE)
        self.summary_label.setText(printable(text))
        self.problem_table.hide()
        self.reason_label.hide()
        self.case_table.hide()

    def start_import(self) -> None:
        """Import the checked file in the background, with a progress dialog."""
        preview = self._preview
        if self._busy or preview is None or not preview.ok or not preview.cases:
            return
        path = self._path
        self._set_busy(True)
        count = QLocale().toString(len(preview.cases))
        StoreOp(self, self._store, lambda store: imports.import_cases(store, path)).with_progress(
            "Casussen importeren", f"{count} casussen worden geïmporteerd…"
        ).changes(Change.CASES | Change.PEOPLE).success(self._imported).failure(
            self._import_failed
        ).finished(lambda: self._set_busy(False)).run()

    def _imported(self, result: ImportResult) -> None:
        self._set_busy(False)
        self.result_value = result
        self.imported.emit(result)
        self.accept()

    def _import_failed(self, exc: CasusoverlegError) -> None:
        self._preview = None
        if isinstance(exc, ImportRejected):
            # The file changed since it was checked: show what is wrong now.
            self._show_problems(exc.problems, exc.message + _more_text(exc.more))
        else:
            self._show_error(exc.message)

    def reject(self) -> None:
        """Close, but not while the import is running (it finishes or fails as a whole)."""
        if not self._busy:
            super().reject()

    def discard(self) -> None:
        """Close at once and forget what the file holds (the window is being locked)."""
        drop_pending(self)
        self._preview = None
        self.problems.set_rows([])
        self.cases.set_rows([])
        self.owners_label.clear()
        self.summary_label.clear()
        self.reason_label.clear()
        super().reject()
