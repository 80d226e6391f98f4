"""The case form's other tabs: bespreekhistorie, actiepunten and logboek (read-only)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.alternatives import ALTERNATIVES_LABEL, alternatives_text
from casusoverleg.domain.review import REVIEW_LABEL
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.audit import AuditEntry
from casusoverleg.services.minutes import HistoryEntry
from casusoverleg.services.views.case_form import CaseTabs

from ui import style
from ui.case_form.fields import TAB_ACTIONS, TAB_HISTORY
from ui.common import format_date, long_date
from ui.widgets.tables import read_only_table_widget

ACTION_COLUMNS = (
    "Nr.",
    "Actiepunt",
    "Wie",
    "Organisatie",
    "Uiterlijk",
    "Status",
    "Gereed op",
    "Notitie",
)
LOG_COLUMNS = (
    "Wanneer",
    "Account",
    "Werkplek",
    "Handeling",
    "Onderdeel",
    "Resultaat",
    "Toelichting",
)
NO_HISTORY = "Deze casus is nog in geen overleg besproken."
NO_ACTIONS = "Er zijn geen actiepunten bij deze casus."


def _cell(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tooltip or text)
    return item


def _paragraphs(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def history_html(entries: list[HistoryEntry]) -> str:
    """The bespreekhistorie as rich text: per meeting its advice, decision, review and notes."""
    if not entries:
        return f"<p><i>{NO_HISTORY}</i></p>"
    parts = []
    for entry in entries:
        heading = html.escape(long_date(entry.meeting_date))
        status = html.escape(entry.minutes_status.label)
        parts.append(f"<h3>{heading} <small>(verslag {status})</small></h3>")
        if entry.advice:
            parts.append(f"<p><b>Advies:</b> {html.escape(entry.advice.label)}</p>")
        if entry.alternatives:
            weighed = html.escape(alternatives_text(entry.alternatives))
            parts.append(f"<p><b>{ALTERNATIVES_LABEL}:</b> {weighed}</p>")
        if entry.decision:
            parts.append(f"<p><b>Besluit:</b> {_paragraphs(entry.decision)}</p>")
        if entry.next_review_date:
            review = html.escape(format_date(entry.next_review_date))
            parts.append(f"<p><b>{REVIEW_LABEL}:</b> {review}</p>")
        if entry.notes:
            parts.append(f"<p><b>Aantekeningen:</b> {_paragraphs(entry.notes)}</p>")
        for amendment in entry.amendments:
            parts.append(f"<p><b>Correctie:</b> {_paragraphs(amendment)}</p>")
    return "".join(parts)


class CaseTabPages:
    """The three read-only pages after "Gegevens", added to the form's tab widget."""

    def __init__(self, tabs: QTabWidget) -> None:
        self._tabs = tabs
        self.history_view = QTextBrowser()
        self.history_view.setOpenLinks(False)
        tabs.addTab(self.history_view, "Bes&preekhistorie")
        self.actions_table = read_only_table_widget(ACTION_COLUMNS, name="casus-actiepunten")
        self.actions_empty = QLabel()
        tabs.addTab(self._with_empty_label(self.actions_table, self.actions_empty), "")
        self.log_table = read_only_table_widget(LOG_COLUMNS, name="casus-logboek")
        tabs.addTab(self.log_table, "&Logboek")
        self._set_column_widths()
        self.set_titles(None, None)

    @staticmethod
    def _with_empty_label(table: QWidget, empty: QLabel) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        empty.setWordWrap(True)
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        column.addWidget(table, 1)
        column.addWidget(empty, 1)
        return holder

    def _set_column_widths(self) -> None:
        # From sample texts where the content has a fixed form, a share of characters where not.
        metrics = self.log_table.fontMetrics()
        char = metrics.averageCharWidth()
        day = metrics.horizontalAdvance("00-00-0000") + 16
        moment = metrics.horizontalAdvance("00-00-0000 00:00:00") + 16
        for table, widths in (
            (self.actions_table, (char * 6, char * 44, char * 20, char * 28, day, char * 10, day)),
            (self.log_table, (moment, char * 14, char * 18, char * 16, char * 14, char * 10)),
        ):
            for column, width in enumerate(widths):
                header = table.model().headerData(column, Qt.Orientation.Horizontal)
                title = metrics.horizontalAdvance(str(header))
                table.setColumnWidth(column, max(width, title + 24))

    def set_titles(self, history: int | None, actions: int | None) -> None:
        """Tab titles with the number of meetings and actions ("Actiepunten (3)")."""
        self._tabs.setTabText(
            TAB_HISTORY, "Bes&preekhistorie" + (f" ({history})" if history else "")
        )
        self._tabs.setTabText(TAB_ACTIONS, "Actiep&unten" + (f" ({actions})" if actions else ""))

    def show(self, tabs: CaseTabs) -> None:
        """Fill the three pages."""
        self.history_view.setHtml(history_html(tabs.history))
        self._show_actions(tabs.actions)
        self._show_log(tabs.events)
        self.set_titles(len(tabs.history), len(tabs.actions))

    def show_failure(self, exc: CasusoverlegError) -> None:
        """Say on the pages that they could not be read (the gegevens tab is still there)."""
        self.clear()
        text = style.could_not_load("Deze gegevens van de casus", exc)
        self.history_view.setPlainText(text)
        self.actions_table.hide()
        self.actions_empty.setText(text)
        self.actions_empty.show()

    def clear(self) -> None:
        """Empty the three pages (no case data left on screen)."""
        self.history_view.clear()
        self.actions_table.setRowCount(0)
        self.actions_empty.setText("")
        self.actions_empty.hide()
        self.log_table.setRowCount(0)
        self.set_titles(None, None)

    def _show_actions(self, items: list[ActionInfo]) -> None:
        self.actions_table.setRowCount(0)
        if not items:
            self.actions_table.hide()
            self.actions_empty.setText(NO_ACTIONS)
            self.actions_empty.show()
            return
        self.actions_empty.hide()
        self.actions_table.show()
        self.actions_table.setRowCount(len(items))
        late = QBrush(QColor(style.LATE_COLOUR))
        for row, action in enumerate(items):
            due = format_date(action.due_date)
            cells = (
                _cell(str(action.number), f"Actiepunt {action.number}, {action.agreed_text}"),
                _cell(action.description),
                _cell(action.owner_name + (" (gearchiveerd)" if action.owner_archived else "")),
                _cell(action.organisation_name),
                # In words, not only red (WCAG 1.4.1).
                _cell(f"{due} (te laat)", f"uiterlijk {due} (te laat)")
                if action.overdue
                else _cell(due),
                _cell(action.status.label),
                _cell(format_date(action.done_on)),
                _cell(action.note),
            )
            for column, item in enumerate(cells):
                if action.overdue:
                    item.setForeground(late)
                self.actions_table.setItem(row, column, item)

    def _show_log(self, events: list[AuditEntry]) -> None:
        self.log_table.setRowCount(len(events))
        for row, event in enumerate(events):
            when = event.at.astimezone().strftime("%d-%m-%Y %H:%M:%S")
            cells = (
                _cell(when),
                _cell(event.account),
                _cell(event.workstation),
                _cell(event.action.label),
                _cell(event.object_type),
                _cell(event.result),
                _cell(event.detail),
            )
            for column, item in enumerate(cells):
                self.log_table.setItem(row, column, item)
