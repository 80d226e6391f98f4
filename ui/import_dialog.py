"""Casussen importeren: the file is checked and shown first; nothing is written until "Importeren".

Import is all or nothing (services.imports): while the file has a rejected row, "Importeren"
stays disabled and the table lists every problem (regel, kolom, reden). The user can fix the file
in Excel and check it again without choosing it anew.

A casushouder that names no single participant (by code, name or initials) is listed once per
value, with a choice: link to a participant, a new participant (name and organisation), or leave
the cases without casushouder. "Importeren" waits until every value has its choice; nothing is
made before the import, and the choices are applied in the import's own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.text import printable
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import imports, people
from casusoverleg.services.cases import CaseInput
from casusoverleg.services.imports import (
    ImportPreview,
    ImportRejected,
    ImportResult,
    LeaveEmpty,
    LinkOwner,
    NewOwner,
    OwnerChoice,
    RowProblem,
    UnknownOwner,
)
from casusoverleg.services.people import OrganisationInfo, ParticipantInfo
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


def owner_text(value: str, owner_id: int | None, names: dict[int, str]) -> str:
    """The casushouder column: who the value links to ("Els de Boer (EdB)"), or that it is open."""
    if not value:
        return ""
    if owner_id is None:
        return f"{value} (onbekend)"
    name = names.get(owner_id, value)
    return name if people.code_key(name) == people.code_key(value) else f"{name} ({value})"


def case_rows(preview: ImportPreview, names: dict[int, str] | None = None) -> list[PreviewRow]:
    """The cases a clean file would add, as table rows (`names`: participants by id)."""
    return [
        PreviewRow(line, data, owner_text(owner, data.owner_id, names or {}))
        for line, data, owner in zip(preview.rows, preview.cases, preview.owner_names, strict=True)
    ]


# The choice combo's items besides "link to <participant>".
UNDECIDED = "— kies wat er moet gebeuren —"
LEAVE_EMPTY = "Leeg laten (casussen zonder casushouder)"
NEW_PARTICIPANT = "Nieuwe deelnemer…"
LINK_PREFIX = "Koppelen aan "


@dataclass(frozen=True)
class _Checked:
    """What the check brings back: the preview and who an unknown casushouder may become."""

    preview: ImportPreview
    participants: list[ParticipantInfo]
    organisations: list[OrganisationInfo]


def _check_file(store: Store, path: Path) -> _Checked:
    preview = imports.preview_import(store, path)
    if preview.problems:
        return _Checked(preview, [], [])
    return _Checked(preview, people.list_participants(store), people.list_organisations(store))


class OwnerChoiceRow(QObject):
    """The choice for one unknown casushouder: a label, a choice combo, and for a new
    participant a name field and an organisation (choose one, or type a new name)."""

    changed = Signal()

    def __init__(
        self,
        owner: UnknownOwner,
        participants: Sequence[ParticipantInfo],
        organisations: Sequence[OrganisationInfo],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.owner = owner
        text = owner.text[0].upper() + owner.text[1:]
        if owner.candidates:
            text += ": past bij " + " en ".join(c.label for c in owner.candidates)
        self.label = QLabel(printable(text), parent)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.choice = QComboBox(parent)
        self.choice.addItem(UNDECIDED, None)
        self.choice.addItem(LEAVE_EMPTY, "leeg")
        self.choice.addItem(NEW_PARTICIPANT, "nieuw")
        # The candidates of an ambiguous value first, then everyone else.
        first = [c.id for c in owner.candidates]
        by_id = {p.id: p for p in participants}
        order = [by_id[i] for i in first if i in by_id]
        order += [p for p in participants if p.id not in first]
        for person in order:
            self.choice.addItem(printable(LINK_PREFIX + person.label), person.id)
        self.choice.setAccessibleName(f"Keuze voor casushouder '{owner.value}'")
        self.label.setBuddy(self.choice)
        self.name_edit = QLineEdit(parent)
        self.name_edit.setPlaceholderText("naam deelnemer")
        self.name_edit.setAccessibleName(f"Naam van de nieuwe deelnemer voor '{owner.value}'")
        self.name_edit.setMaxLength(people.NAME_LIMIT)
        self.organisation = QComboBox(parent)
        self.organisation.setEditable(True)
        self.organisation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.organisation.setAccessibleName(
            f"Organisatie van de nieuwe deelnemer voor '{owner.value}' (kies of typ een naam)"
        )
        for org in organisations:
            self.organisation.addItem(printable(org.name), org.id)
        leerplicht = next(
            (i for i, o in enumerate(organisations) if o.team.value == "LEERPLICHT"), -1
        )
        if leerplicht >= 0:
            self.organisation.setCurrentIndex(leerplicht)
        else:
            self.organisation.setEditText(imports.LEERPLICHT_ORGANISATION)
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.name_edit.textChanged.connect(self.changed)
        self.organisation.editTextChanged.connect(self.changed)
        self._choice_changed()

    def _choice_changed(self) -> None:
        new = self.choice.currentData() == "nieuw"
        self.name_edit.setVisible(new)
        self.organisation.setVisible(new)
        if new and not self.name_edit.text():
            self.name_edit.setFocus()
        self.changed.emit()

    def decision(self) -> OwnerChoice | None:
        """The choice made, or None while it is not (complete)."""
        data = self.choice.currentData()
        if data is None:
            return None
        if data == "leeg":
            return LeaveEmpty()
        if data == "nieuw":
            name = self.name_edit.text().strip()
            organisation = self.organisation.currentText().strip()
            if not name or not organisation:
                return None
            index = self.organisation.findText(organisation, Qt.MatchFlag.MatchFixedString)
            if index >= 0:
                return NewOwner(name, organisation_id=int(self.organisation.itemData(index)))
            return NewOwner(name, organisation_name=organisation)
        return LinkOwner(int(data))


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
        # How a CSV was read (UTF-8, Windows-1252, UTF-16), once it has been: one line.
        self.encoding_label = QLabel()
        self.encoding_label.setTextFormat(Qt.TextFormat.PlainText)
        self.encoding_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.encoding_label.hide()
        self.summary_label = QLabel()
        # Plain text: a file name or message is never read as HTML.
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # One row per unknown casushouder (OwnerChoiceRow), in a bounded area under the summary.
        self.owner_rows: list[OwnerChoiceRow] = []
        self.owners_label = QLabel()
        self.owners_label.setTextFormat(Qt.TextFormat.PlainText)
        self.owners_label.setWordWrap(True)
        self.owners_label.hide()
        self.owners_box = QWidget()
        self.owners_grid = QGridLayout(self.owners_box)
        self.owners_grid.setContentsMargins(0, 0, 0, 0)
        self.owners_grid.setColumnStretch(0, 3)
        self.owners_grid.setColumnStretch(1, 3)
        self.owners_grid.setColumnStretch(2, 3)
        self.owners_grid.setColumnStretch(3, 2)
        # "Onbekende casushouder 'leerplicht' (3 casussen)" on at most two lines.
        self.owners_grid.setColumnMinimumWidth(0, self.fontMetrics().averageCharWidth() * 34)
        self.owners_area = QScrollArea()
        self.owners_area.setWidget(self.owners_box)
        self.owners_area.setWidgetResizable(True)
        self.owners_area.setFrameShape(QFrame.Shape.NoFrame)
        self.owners_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # only scrolls: no Tab stop
        self.owners_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.owners_area.setMaximumHeight(self.fontMetrics().height() * 10)
        self.owners_area.setAccessibleName("Onbekende casushouders")
        self.owners_area.hide()

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
        # Fits the dialog's width (1280×800 and up): narrow columns elide, the tooltip holds the
        # whole text; no sideways scrolling.
        self.case_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.case_table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustIgnored)
        self.case_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.case_table.horizontalHeader()
        header.setMinimumSectionSize(metrics.averageCharWidth() * 4)
        char = metrics.averageCharWidth()
        titles = header.fontMetrics()
        for column, width in enumerate((7, 11, 0, 11, 0, 0, 13, 0)):
            if width:  # wide enough for its title and its usual values
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                needed = titles.horizontalAdvance(CASE_COLUMNS[column]) + 24
                self.case_table.setColumnWidth(column, max(char * width + 16, needed))
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
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
        layout.addWidget(self.encoding_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.owners_label)
        layout.addWidget(self.owners_area)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.problem_table, 1)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.case_table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.resize(self.fontMetrics().averageCharWidth() * 150, self.fontMetrics().height() * 34)

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
        self.encoding_label.hide()
        self._clear_owners()
        StoreOp(self, self._store, lambda store: _check_file(store, path)).key("check").success(
            self._checked
        ).failure(self._check_failed).finished(self._check_ended).run()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy)
        self.recheck_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self._update_import_button()

    def _update_import_button(self) -> None:
        preview = self._preview
        ready = not self._busy and preview is not None and preview.ok and bool(preview.cases)
        open_rows = [row for row in self.owner_rows if row.decision() is None]
        self.import_button.setEnabled(ready and not open_rows)
        if not self.owner_rows:
            return
        if open_rows:
            self.owners_label.setStyleSheet(style.ERROR_STYLE)
            self.owners_label.setText(
                f"Nog {len(open_rows)} van de {len(self.owner_rows)} casushouders uit het bestand "
                "zijn bij niemand bekend. Kies hieronder per waarde: koppelen aan een deelnemer, "
                "een nieuwe deelnemer (met naam en organisatie) of leeg laten; pas dan kan "
                "'Importeren'. Er wordt niemand aangemaakt zonder uw keuze."
            )
        else:
            self.owners_label.setStyleSheet("")
            self.owners_label.setText(
                "Bij elke onbekende casushouder is gekozen; die keuzes worden bij het "
                "importeren toegepast."
            )

    def owner_choices(self) -> dict[str, OwnerChoice]:
        """The choices made so far, by `UnknownOwner.key`."""
        return {
            row.owner.key: decision
            for row in self.owner_rows
            if (decision := row.decision()) is not None
        }

    def _clear_owners(self) -> None:
        for row in self.owner_rows:
            for widget in (row.label, row.choice, row.name_edit, row.organisation):
                widget.deleteLater()
            row.deleteLater()
        self.owner_rows = []
        self.owners_label.hide()
        self.owners_area.hide()

    def _show_owners(self, checked: _Checked) -> None:
        for index, owner in enumerate(checked.preview.unknown_owners):
            row = OwnerChoiceRow(
                owner, checked.participants, checked.organisations, self.owners_box
            )
            self.owners_grid.addWidget(row.label, index, 0)
            self.owners_grid.addWidget(row.choice, index, 1)
            self.owners_grid.addWidget(row.name_edit, index, 2)
            self.owners_grid.addWidget(row.organisation, index, 3)
            row.changed.connect(self._update_import_button)
            self.owner_rows.append(row)
        previous: QWidget = self.recheck_button
        for row in self.owner_rows:  # reading order: each row's choice, name, organisation
            for widget in (row.choice, row.name_edit, row.organisation):
                QWidget.setTabOrder(previous, widget)
                previous = widget
        self.owners_label.show()
        self.owners_area.show()

    def _checked(self, checked: _Checked) -> None:
        preview = checked.preview
        self._preview = preview
        self.encoding_label.setText(imports.encoding_line(preview.encoding))
        self.encoding_label.setVisible(bool(preview.encoding))
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
            names = {p.id: p.name for p in checked.participants}
            self.cases.set_rows(case_rows(preview, names))
            self.problem_table.hide()
            self.reason_label.hide()
            self.case_table.show()
        if preview.unknown_owners and preview.cases and not preview.problems:
            self._show_owners(checked)

    def _check_failed(self, exc: CasusoverlegError) -> None:
        self._show_error(exc.message)

    def _check_ended(self) -> None:
        self._set_busy(False)
        if self.import_button.isEnabled():
            self.import_button.setFocus()
        elif self.owner_rows:
            self.owner_rows[0].choice.setFocus()
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
        choices = self.owner_choices()
        if preview.undecided(choices):
            return
        path = self._path
        self._set_busy(True)
        count = QLocale().toString(len(preview.cases))
        StoreOp(
            self, self._store, lambda store: imports.import_cases(store, path, owners=choices)
        ).with_progress("Casussen importeren", f"{count} casussen worden geïmporteerd…").changes(
            Change.CASES | Change.PEOPLE
        ).success(self._imported).failure(self._import_failed).finished(
            lambda: self._set_busy(False)
        ).run()

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
        self._clear_owners()
        self.owners_label.clear()
        self.summary_label.clear()
        self.encoding_label.clear()
        self.reason_label.clear()
        super().reject()
