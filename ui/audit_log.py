"""Logboek: the audit log, newest first, filtered by case, account and period; read-only.

The chain check runs when the screen opens and says in green or red whether any line was
changed or removed. Reading the log is itself logged (services.logbook).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import log_export, logbook
from casusoverleg.services.audit import AuditEntry, ChainReport
from casusoverleg.services.log_words import ReadableEntry
from casusoverleg.services.logbook import LogPage, LogQuery
from casusoverleg.services.store import Store

from ui import dialogs, ops, style
from ui.ops import Change, StoreOp
from ui.table_model import RowsTableModel
from ui.widgets.flow import FlowLayout, together
from ui.widgets.heading import Heading
from ui.widgets.tables import set_up_rows_table

COLUMNS = (
    "Tijdstip",
    "Account",
    "Werkplek",
    "Handeling",
    "Casusnummer",
    "Onderdeel",
    "Resultaat",
    "Toelichting",
)
COL_AT, COL_ACCOUNT, COL_WORKSTATION, COL_ACTION, COL_CASE, COL_OBJECT, COL_RESULT, COL_DETAIL = (
    range(8)
)
ALL_ACCOUNTS = "Alle accounts"
DATE_FORMAT = "dd-MM-yyyy"
TYPING_DELAY_MS = 400  # wait for a pause in typing before asking (and logging) again
READING = "Logboek wordt gelezen…"
EXPORT_TITLE = "Logboek exporteren"
EXPORT_FILTER = "Excel-werkmap (*.xlsx)"


def _cell(entry: AuditEntry, column: int, words: ReadableEntry | None = None) -> str:
    if words is not None and column == COL_OBJECT:
        return words.object_text
    if words is not None and column == COL_DETAIL:
        return words.detail_text
    if column == COL_AT:
        return f"{entry.at.astimezone():%d-%m-%Y %H:%M:%S}"
    if column == COL_ACCOUNT:
        return entry.account
    if column == COL_WORKSTATION:
        return entry.workstation
    if column == COL_ACTION:
        return entry.action.label
    if column == COL_CASE:
        return entry.case_number or ""
    if column == COL_OBJECT:
        return " ".join(p for p in (entry.object_type, entry.object_id) if p)
    if column == COL_RESULT:
        return entry.result
    if column == COL_DETAIL:
        return entry.detail
    return ""


class AuditTableModel(RowsTableModel[AuditEntry]):
    """Log lines as the service returns them (newest first); nothing can be edited."""

    column_titles = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The lines in words (services.log_words), by id; a line without them shows its text.
        self.words: dict[int, ReadableEntry] = {}

    def set_page(self, entries: list[AuditEntry], words: dict[int, ReadableEntry]) -> None:
        """Show these lines, with ids in words where the page has them."""
        self.words = words
        self.set_rows(entries)

    def cell(self, entry: AuditEntry, column: int, role: int) -> Any:
        """Text of a cell; the long columns also as tooltip, with what the line itself holds."""
        words = self.words.get(entry.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(entry, column, words)
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL_DETAIL, COL_OBJECT):
            shown, held = _cell(entry, column, words), _cell(entry, column)
            if shown != held:
                return f"{shown}\nIn het logboek: {held}"
            return shown or None
        return None

    def clear(self) -> None:
        """Drop every line (locking)."""
        self.words = {}
        self.set_rows([])


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def chain_text(report: ChainReport) -> str:
    """The chain check as one Dutch sentence for the top of the screen."""
    if report.ok:
        return (
            f"✔ {report.message} Geen regel is gewijzigd of verwijderd sinds hij werd geschreven."
        )
    return f"✘ Het logboek is niet in orde: {report.message}"


class AuditLogView(QWidget):
    """The Logboek screen."""

    # The changes after which this screen loads again (see ui.ops).
    reload_on = Change.everything()  # every change writes log lines

    loaded = Signal()  # lines for the current filter are shown
    exported = Signal(int)  # an export of the log is written (how many lines)
    checked = Signal()  # the chain check result is shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._query_running = False
        self._query_again = False

        title = Heading("Logboek")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        self.chain_label = QLabel()
        self.chain_label.setWordWrap(True)
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.case_edit = QLineEdit()
        self.case_edit.setPlaceholderText("bijv. 2026-0001")
        self.case_edit.setClearButtonEnabled(True)
        self.case_edit.setAccessibleName("Casusnummer")
        self.case_edit.setMaximumWidth(self.fontMetrics().averageCharWidth() * 22)
        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName("Account")
        self.account_combo.addItem(ALL_ACCOUNTS, "")
        self.account_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_check = QCheckBox("&Periode van")
        today = date.today()
        self.since_edit = self._date_edit(_qdate(today.replace(day=1)), "Van")
        self.until_edit = self._date_edit(_qdate(today), "Tot en met")
        self.reset_button = QPushButton("Filters &wissen")
        self.reset_button.setAutoDefault(False)
        self.export_button = QPushButton("E&xporteren…")
        self.export_button.setAutoDefault(False)
        self.export_button.setToolTip(
            "De regels van het huidige filter als Excel-werkmap, bijvoorbeeld voor de "
            "privacyfunctionaris"
        )

        case_label = QLabel("&Casusnummer:")
        case_label.setBuddy(self.case_edit)
        account_label = QLabel("&Account:")
        account_label.setBuddy(self.account_combo)
        filter_row = QWidget()  # wraps at 200 % text instead of widening the window
        filters = FlowLayout(filter_row)
        filters.addWidget(together(case_label, self.case_edit))
        filters.addWidget(together(account_label, self.account_combo))
        filters.addWidget(
            together(self.period_check, self.since_edit, QLabel("t/m"), self.until_edit)
        )
        filters.addWidget(self.reset_button)
        filters.addWidget(self.export_button)

        self.count_label = QLabel()
        self.export_label = QLabel()
        self.export_label.setWordWrap(True)
        self.export_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        # Several lines at once, to copy them into a report.
        set_up_rows_table(self.table, name="logboektabel", multiple=True)
        self.table.setAccessibleName("Logboek")
        self._set_column_widths()

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.chain_label)
        layout.addSpacing(4)
        layout.addWidget(filter_row)
        layout.addWidget(self.count_label)
        layout.addWidget(self.export_label)
        layout.addWidget(self.table, 1)

        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.setInterval(TYPING_DELAY_MS)
        self._typing_timer.timeout.connect(self.refresh)
        self.case_edit.textChanged.connect(self._typing_timer.start)
        self.case_edit.returnPressed.connect(self.refresh)
        self.account_combo.currentIndexChanged.connect(self.refresh)
        self.period_check.toggled.connect(self._period_toggled)
        self.since_edit.dateChanged.connect(self._dates_changed)
        self.until_edit.dateChanged.connect(self._dates_changed)
        self.reset_button.clicked.connect(self.reset_filters)
        self.export_button.clicked.connect(self.export_log)
        self._period_toggled(False)
        self._set_enabled(False)

    def _date_edit(self, value: QDate, name: str) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.setAccessibleName(name)
        edit.setLocale(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
        return edit

    def _set_column_widths(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        widths = {
            COL_AT: metrics.horizontalAdvance("00-00-0000 00:00:00"),
            COL_ACCOUNT: char * 14,
            COL_WORKSTATION: char * 14,
            COL_ACTION: metrics.horizontalAdvance("ontgrendelen mislukt"),
            COL_CASE: metrics.horizontalAdvance("2026-00000"),
            COL_OBJECT: char * 44,
            COL_RESULT: metrics.horizontalAdvance("geweigerd"),
        }
        for column, width in widths.items():
            title = metrics.horizontalAdvance(COLUMNS[column]) + 16
            self.table.setColumnWidth(column, max(width + 16, title))

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.case_edit,
            self.account_combo,
            self.period_check,
            self.reset_button,
            self.export_button,
        ):
            widget.setEnabled(enabled)
        period = enabled and self.period_check.isChecked()
        self.since_edit.setEnabled(period)
        self.until_edit.setEnabled(period)

    def _period_toggled(self, on: bool) -> None:
        self.since_edit.setEnabled(on and self._store is not None)
        self.until_edit.setEnabled(on and self._store is not None)
        self.refresh()

    def _dates_changed(self) -> None:
        if self.period_check.isChecked():
            self.refresh()

    def current_query(self) -> LogQuery:
        """The filters as they stand on screen."""
        since = until = None
        if self.period_check.isChecked():
            since = _pydate(self.since_edit.date())
            until = _pydate(self.until_edit.date())
        return LogQuery(
            case_number=self.case_edit.text().strip(),
            account=str(self.account_combo.currentData() or ""),
            since=since,
            until=until,
        )

    def reset_filters(self) -> None:
        """Show every line again."""
        for widget in (self.case_edit, self.account_combo, self.period_check):
            widget.blockSignals(True)
        self.case_edit.clear()
        self.account_combo.setCurrentIndex(0)
        self.period_check.setChecked(False)
        for widget in (self.case_edit, self.account_combo, self.period_check):
            widget.blockSignals(False)
        self._set_enabled(self._store is not None)
        self.refresh()

    # The screen protocol ---------------------------------------------------------------------

    def load(self, store: Store) -> None:
        """Open the log of `store`: its lines (logged as a view) and then the chain check."""
        self._store = store
        self._set_enabled(True)
        self.chain_label.setStyleSheet("")
        self.chain_label.setText("Het logboek wordt gecontroleerd…")
        self._run_query(opened=True)
        check = StoreOp(self, store, logbook.check_log).key("check")
        check.success(self._show_check).failure(self._check_failed).run()

    def _show_check(self, report: ChainReport) -> None:
        colour = style.OK_COLOUR if report.ok else style.ERROR_COLOUR
        self.chain_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.chain_label.setText(chain_text(report))
        self.checked.emit()

    def _check_failed(self, exc: CasusoverlegError) -> None:
        self.chain_label.setStyleSheet(style.ERROR_STYLE)
        self.chain_label.setText(f"Het logboek kon niet worden gecontroleerd: {exc.message}")

    def clear(self) -> None:
        """Drop every line, the accounts and the check result (locking)."""
        ops.drop_pending(self)
        self._store = None
        self._typing_timer.stop()
        self._query_running = self._query_again = False
        self.model.clear()
        self.account_combo.blockSignals(True)
        while self.account_combo.count() > 1:
            self.account_combo.removeItem(1)
        self.account_combo.setCurrentIndex(0)
        self.account_combo.blockSignals(False)
        self.case_edit.blockSignals(True)
        self.case_edit.clear()
        self.case_edit.blockSignals(False)
        self.chain_label.setText("")
        self.chain_label.setStyleSheet("")
        self.count_label.setText("")
        self.export_label.setText("")
        self._set_enabled(False)

    # Export ------------------------------------------------------------------------------------

    def export_log(self) -> None:
        """Write the lines of the current filter to an .xlsx the user chooses (logged)."""
        store = self._store
        if store is None:
            return
        query = self.current_query()
        if query.since and query.until and query.since > query.until:
            self.export_label.setText("De begindatum ligt na de einddatum; pas de periode aan.")
            return
        which = query.case_number or "logboek"
        suggestion = str(Path.home() / f"logboek-{which}-{date.today():%Y-%m-%d}.xlsx")
        path = dialogs.ask_save_file(self, EXPORT_TITLE, EXPORT_FILTER, suggestion)
        if path is None or self._store is not store:
            return
        # The file dialog already asked whether an existing file may be replaced; the service
        # still refuses the store itself and every file beside it.
        overwrite = path.exists()

        def done(count: int) -> None:
            noun = "regel" if count == 1 else "regels"
            self.export_label.setStyleSheet("")
            self.export_label.setText(
                f"{count} {noun} ({query.describe()}) geëxporteerd naar {path}. Het bestand is "
                "niet versleuteld: bewaar het op een beveiligde plek en verwijder het als het "
                "niet meer nodig is."
            )
            self.exported.emit(count)

        def failed(exc: CasusoverlegError) -> None:
            self.export_label.setStyleSheet(style.ERROR_STYLE)
            self.export_label.setText(f"Exporteren is mislukt: {exc.message}")

        export = StoreOp(
            self, store, lambda s: log_export.export_log(s, path, query, overwrite=overwrite)
        )
        export.key("export").changes(Change.AUDIT).with_progress(
            EXPORT_TITLE, f"Het logboek wordt geschreven naar {path.name}…"
        ).success(done).failure(failed).run()

    # Queries -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask again for the lines that match the filters (one query at a time)."""
        self._typing_timer.stop()
        if self._store is None:
            return
        if self._query_running:
            # Every query is itself logged: ask once more when this one is done, not now.
            self._query_again = True
            return
        self._run_query(opened=False)

    def _run_query(self, *, opened: bool) -> None:
        store = self._store
        if store is None:
            return
        query = self.current_query()
        if query.since and query.until and query.since > query.until:
            self.count_label.setText("De begindatum ligt na de einddatum.")
            self.model.clear()
            return
        self._query_running = True
        self._query_again = False
        self.count_label.setText(READING)
        read = StoreOp(self, store, lambda s: logbook.read_log(s, query, opened=opened))
        read.key("query").success(self._show_page).failure(self._query_failed)
        read.finished(self._query_finished).run()

    def _show_page(self, page: LogPage) -> None:
        self._fill_accounts(page.accounts)
        self.model.set_page(page.entries, page.words)
        self.count_label.setText(self._count_text(page))
        if not self._query_again:
            self.loaded.emit()

    def _query_failed(self, exc: CasusoverlegError) -> None:
        self.count_label.setText(style.could_not_load("Het logboek", exc))

    def _query_finished(self) -> None:
        self._query_running = False
        if self.count_label.text() == READING:
            self.count_label.clear()  # an unexpected error, which the crash dialog reports
        if self._query_again:
            self.refresh()

    @staticmethod
    def _count_text(page: LogPage) -> str:
        count = QLocale().toString(len(page.entries))
        if page.truncated:
            return f"De nieuwste {count} regels; verfijn de filters om oudere regels te zien."
        return f"{count} regel" if len(page.entries) == 1 else f"{count} regels"

    def _fill_accounts(self, names: list[str]) -> None:
        current = str(self.account_combo.currentData() or "")
        known = [str(self.account_combo.itemData(i)) for i in range(1, self.account_combo.count())]
        if known == names:
            return
        self.account_combo.blockSignals(True)
        while self.account_combo.count() > 1:
            self.account_combo.removeItem(1)
        for name in names:
            self.account_combo.addItem(name, name)
        index = self.account_combo.findData(current) if current else 0
        self.account_combo.setCurrentIndex(max(0, index))
        self.account_combo.blockSignals(False)
