"""Casussen importeren: the file is checked and shown first; nothing is written until "Importeren".

Import is all or nothing (services.imports): while the file has a rejected row, "Importeren"
stays disabled and the table lists every problem (regel, kolom, reden). The user can fix the file
in Excel and check it again without choosing it anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import imports
from casusoverleg.services.imports import ImportPreview, ImportRejected, ImportResult, RowProblem
from casusoverleg.services.store import Store

from ui import dialogs, tasks
from ui.table_model import TitledTableModel

ModelIndex = QModelIndex | QPersistentModelIndex

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
ERROR_COLOUR = "#b00020"
OK_COLOUR = "#1b5e20"


class TextTableModel(TitledTableModel):
    """A read-only table of texts (the rejected rows, or the cases about to be imported)."""

    def __init__(self, columns: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column_titles = tuple(columns)
        self._rows: list[tuple[str, ...]] = []

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The text of a cell, also as tooltip (reasons can be long)."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        """Show these rows (each as many texts as there are columns)."""
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self.endResetModel()

    def row_texts(self, row: int) -> tuple[str, ...]:
        """The texts of one row."""
        return self._rows[row]


def problem_rows(problems: Sequence[RowProblem]) -> list[tuple[str, str, str]]:
    """Rejected rows as table texts."""
    return [(str(p.row), p.column, p.reason) for p in problems]


def case_rows(preview: ImportPreview) -> list[tuple[str, ...]]:
    """The cases a clean file would add, as table texts."""
    out: list[tuple[str, ...]] = []
    for row, data, owner in zip(preview.rows, preview.cases, preview.owner_names, strict=True):
        out.append(
            (
                str(row),
                data.case_number or "(nieuw nummer)",
                f"{data.first_name} {data.last_name}".strip(),
                f"{data.birth_date:%d-%m-%Y}" if data.birth_date else "",
                data.school,
                data.ground.label if data.ground else "",
                data.status.label,
                owner,
            )
        )
    return out


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setCornerButtonEnabled(False)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setHighlightSections(False)
    return table


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
        self._discarded = False
        self.result_value: ImportResult | None = None

        self.setWindowTitle(f"Casussen importeren — {path.name}")
        self.file_label = QLabel(f"Bestand: {path}")
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.owners_label = QLabel()
        self.owners_label.setWordWrap(True)
        self.owners_label.hide()

        self.problems = TextTableModel(PROBLEM_COLUMNS, self)
        self.problem_table = _table(self.problems, "afgekeurde_regels")
        metrics = self.problem_table.fontMetrics()
        self.problem_table.setColumnWidth(0, metrics.horizontalAdvance("Regel 00000") + 16)
        self.problem_table.setColumnWidth(1, metrics.horizontalAdvance("vrijstelling_tot") + 32)
        self.problem_table.setAccessibleName("Afgekeurde regels")
        # A long reason is cut off in the table; the selected one is shown whole below it.
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label.hide()
        self.problem_table.selectionModel().currentRowChanged.connect(self._show_reason)
        self.cases = TextTableModel(CASE_COLUMNS, self)
        self.case_table = _table(self.cases, "te_importeren_casussen")
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
        store, path = self._store, self._path
        self._set_busy(True)
        self._preview = None
        self.summary_label.setStyleSheet("")
        self.summary_label.setText("Het bestand wordt gelezen en gecontroleerd…")
        self.owners_label.hide()
        tasks.run_in_background(
            lambda: imports.preview_import(store, path), self._checked, self._check_failed
        )

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
        if self._discarded:
            return
        self._preview = preview
        self._set_busy(False)
        locale = QLocale()
        count = len(preview.cases)
        if not preview.cases:
            self._show_error("Het bestand bevat geen casussen, alleen een kopregel.")
        elif preview.problems:
            rows = len(preview.rejected_rows)
            self._show_problems(
                preview.problems,
                f"{locale.toString(len(preview.problems))} fout(en) in "
                f"{locale.toString(rows)} van de {locale.toString(count)} regels. "
                "Er wordt niets geïmporteerd zolang er een fout in staat: verbeter het bestand "
                "(bijvoorbeeld in Excel), sla het op en kies 'Opnieuw controleren'.",
            )
        else:
            noun = "casus" if count == 1 else "casussen"
            self.summary_label.setStyleSheet(f"color: {OK_COLOUR};")
            self.summary_label.setText(
                f"Het bestand is in orde: {locale.toString(count)} {noun} kunnen worden "
                "geïmporteerd. Er is nog niets opgeslagen."
            )
            self.cases.set_rows(case_rows(preview))
            self.problem_table.hide()
            self.reason_label.hide()
            self.case_table.show()
            self.import_button.setFocus()
        if preview.new_owners and not preview.problems:
            self.owners_label.setText(
                "Nieuwe casushouders (worden toegevoegd aan Team Leerplicht): "
                + ", ".join(preview.new_owners)
            )
            self.owners_label.show()
        self.checked.emit()

    def _show_problems(self, problems: Sequence[RowProblem], text: str) -> None:
        self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.summary_label.setText(text)
        self.problems.set_rows(problem_rows(problems))
        self.case_table.hide()
        self.problem_table.show()
        self.reason_label.show()
        self.problem_table.setCurrentIndex(self.problems.index(0, 0))

    def _show_reason(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.reason_label.clear()
            return
        row, column, reason = self.problems.row_texts(current.row())
        self.reason_label.setText(f"Regel {row}, kolom {column}: {reason}")

    def _show_error(self, text: str) -> None:
        self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.summary_label.setText(text)
        self.problem_table.hide()
        self.reason_label.hide()
        self.case_table.hide()

    def _check_failed(self, exc: BaseException) -> None:
        if self._discarded:
            return
        self._set_busy(False)
        if not isinstance(exc, CasusoverlegError):
            self._show_error("Het bestand kon niet worden gelezen (onverwachte fout).")
            self.checked.emit()
            raise exc
        self._show_error(exc.message)
        self.checked.emit()

    def start_import(self) -> None:
        """Import the checked file in the background, with a progress dialog."""
        preview = self._preview
        if self._busy or preview is None or not preview.ok or not preview.cases:
            return
        store, path = self._store, self._path
        self._set_busy(True)
        count = QLocale().toString(len(preview.cases))
        progress = dialogs.busy_progress(
            self, "Casussen importeren", f"{count} casussen worden geïmporteerd…"
        )

        def done(result: ImportResult) -> None:
            progress.close()
            progress.deleteLater()
            if self._discarded:
                return
            self._set_busy(False)
            self.result_value = result
            self.imported.emit(result)
            self.accept()

        def failed(exc: BaseException) -> None:
            progress.close()
            progress.deleteLater()
            if self._discarded:
                return
            self._preview = None
            self._set_busy(False)
            if isinstance(exc, ImportRejected):
                # The file changed since it was checked: show what is wrong now.
                self._show_problems(exc.problems, exc.message)
            elif isinstance(exc, CasusoverlegError):
                self._show_error(exc.message)
            else:
                self._show_error("Importeren is mislukt door een onverwachte fout.")
                raise exc

        tasks.run_in_background(lambda: imports.import_cases(store, path), done, failed)

    def reject(self) -> None:
        """Close, but not while the import is running (it finishes or fails as a whole)."""
        if not self._busy:
            super().reject()

    def discard(self) -> None:
        """Close at once and forget what the file holds (the window is being locked)."""
        self._discarded = True
        self._preview = None
        self.problems.set_rows([])
        self.cases.set_rows([])
        self.owners_label.clear()
        self.summary_label.clear()
        self.reason_label.clear()
        super().reject()
