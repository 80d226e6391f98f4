"""Overzicht: the next meeting, deadlines, thuiszitters, late actions and open inzageverzoeken;
each line opens itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProxyStyle,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleHintReturn,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.case_law import NoticeKind
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import dashboard as dashboard_service
from casusoverleg.services.access_requests import OpenAccessRequest
from casusoverleg.services.autobackup import BackupStatus
from casusoverleg.services.dashboard import (
    CaseSignal,
    Dashboard,
    NextMeeting,
    OverdueAction,
    RenewalSignal,
)
from casusoverleg.services.store import Store

from ui import ops, style
from ui.autobackup import when_text
from ui.common import format_date, long_date, plural
from ui.ops import Change, StoreOp
from ui.widgets.heading import Heading

# What a line opens: (kind, id). Kinds: "case", "meeting", "actions".
TARGET_ROLE = Qt.ItemDataRole.UserRole
# A section never grows taller than this many lines; the rest scrolls inside it.
MAX_VISIBLE_LINES = 8


class _OpenOnSingleClick(QProxyStyle):
    """Lines behave as links: one click opens them (Enter still does too)."""

    def styleHint(
        self,
        stylehint: QStyle.StyleHint,
        opt: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        """Ask item views to activate an item on a single click."""
        if stylehint == QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick:
            return 1
        return super().styleHint(stylehint, opt, widget, returnData)


class Section(QFrame):
    """One block of the overview: a title with a count and the lines under it."""

    def __init__(self, title: str, empty_text: str, style: QStyle, *, counted: bool = True) -> None:
        super().__init__()
        self._counted = counted
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._title = title
        self._empty_text = empty_text
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.lines = QListWidget()
        self.lines.setStyle(style)
        self.lines.setFrameShape(QFrame.Shape.NoFrame)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.lines.setSpacing(3)
        self.lines.setAccessibleName(title)
        self.lines.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.lines)
        layout.addWidget(self.empty_label)
        layout.addStretch(1)  # a short section beside a long one keeps its lines at the top
        self.set_title(title)
        self.set_lines([])

    def set_title(self, title: str) -> None:
        """Change the title (it may name a date)."""
        self._title = title
        self.lines.setAccessibleName(title)

    def set_lines(
        self, lines: list[tuple[str, str, tuple[str, int]]], *, loading: bool = False
    ) -> None:
        """Show (text, tooltip, target) lines; an empty list shows the empty text."""
        self.lines.clear()
        for text, tooltip, target in lines:
            item = QListWidgetItem(text)
            item.setToolTip(tooltip)
            item.setData(TARGET_ROLE, target)
            self.lines.addItem(item)
        count = f" ({len(lines)})" if lines and self._counted else ""
        self.title_label.setText(self._title + count)
        self.empty_label.setText(style.LOADING if loading else self._empty_text)
        self.empty_label.setVisible(not lines)
        self.lines.setVisible(bool(lines))
        self._fit_height()

    def _fit_height(self) -> None:
        rows = min(self.lines.count(), MAX_VISIBLE_LINES)
        height = sum(self.lines.sizeHintForRow(r) for r in range(rows))
        spacing = 2 * self.lines.spacing() * rows
        self.lines.setFixedHeight(height + spacing + 2 * self.lines.frameWidth() + 4)


class OverviewView(QWidget):
    """The Overzicht screen, filled in the background from `services.dashboard`.

    `dashboard()` reads everything in one transaction (a write one: the view is logged in it),
    so the screen is drawn from one consistent snapshot.
    """

    # The changes after which this screen loads again (see ui.ops).
    reload_on = (
        Change.CASES
        | Change.MEETINGS
        | Change.AGENDA
        | Change.MINUTES
        | Change.ACTIONS
        | Change.SETTINGS
    )

    loaded = Signal()
    open_case = Signal(int)  # case id
    open_meeting = Signal(int)  # meeting id
    open_actions = Signal()  # the Actiepunten screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._today_override: date | None = None
        self._style = _OpenOnSingleClick()

        self.title_label = Heading("Overzicht")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.date_label = QLabel()
        self.refresh_button = QPushButton("&Vernieuwen")
        self.refresh_button.setToolTip("Het overzicht opnieuw ophalen (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(style.ERROR_STYLE)
        self.message_label.hide()
        # A warning when the last verified backup is more than a week old (or there is none).
        self.backup_warning = QLabel()
        self.backup_warning.setObjectName("backupwaarschuwing")
        self.backup_warning.setWordWrap(True)
        self.backup_warning.setStyleSheet(style.WARNING_STYLE)
        self.backup_warning.hide()

        links = self._style
        self.meeting = Section(
            "Volgend overleg", "Er is geen overleg gepland.", links, counted=False
        )
        self.three_months = Section(
            "Thuiszitters langer dan 3 maanden thuis",
            "Geen thuiszitters langer dan 3 maanden.",
            links,
        )
        self.four_weeks = Section(
            "Thuiszitters langer dan 4 weken thuis", "Geen thuiszitters langer dan 4 weken.", links
        )
        self.late_actions = Section(
            "Actiepunten over de datum", "Geen openstaande actiepunten over de datum.", links
        )
        self.reviews = Section(
            "Herbeoordeling verstreken", "Geen herbeoordelingsdatum verstreken.", links
        )
        self.renewals = Section(
            "Kennisgeving vrijstelling art. 5", "Geen kennisgevingen te verwachten.", links
        )
        self.access_requests = Section(
            "Openstaande inzageverzoeken", "Geen openstaande inzageverzoeken.", links
        )
        self.sections = (
            self.meeting,
            self.three_months,
            self.four_weeks,
            self.late_actions,
            self.reviews,
            self.renewals,
            self.access_requests,
        )
        for section in self.sections:
            section.lines.itemActivated.connect(self._activated)

        grid = QGridLayout()
        grid.addWidget(self.meeting, 0, 0, 1, 2)
        grid.addWidget(self.three_months, 1, 0)
        grid.addWidget(self.four_weeks, 1, 1)
        grid.addWidget(self.late_actions, 2, 0, 1, 2)  # long lines: the whole width
        grid.addWidget(self.reviews, 3, 0)
        grid.addWidget(self.renewals, 3, 1)
        grid.addWidget(self.access_requests, 4, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(5, 1)
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a stop for Tab
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addSpacing(12)
        header.addWidget(self.date_label, 1)
        header.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.message_label)
        layout.addWidget(self.backup_warning)
        layout.addWidget(scroll, 1)
        # Parented last, so it is deleted after the lists that use it.
        self._style.setParent(self)
        self.clear()

    def sizeHint(self) -> QSize:
        """Room for two columns of lines."""
        return QSize(900, 600)

    def set_today(self, today: date | None) -> None:
        """Compute the overview for another day than today (tests, demos)."""
        self._today_override = today

    # Loading ----------------------------------------------------------------------------------

    def load(self, store: Store) -> None:
        """Fetch the overview of `store` in the background (the view is logged)."""
        self._store = store
        today = self._today_override or date.today()
        self.refresh_button.setEnabled(True)
        if not self.meeting.lines.count():
            for section in self.sections:
                section.set_lines([], loading=True)
        # One transaction for every section (see the class docstring).
        op = StoreOp(self, store, lambda s: dashboard_service.dashboard(s, today))
        op.key("load").success(self._loaded).failure(self._failed).run()

    def _loaded(self, board: Dashboard) -> None:
        self._show(board)
        self.loaded.emit()

    def _failed(self, exc: CasusoverlegError) -> None:
        self.message_label.setText(style.could_not_load("Het overzicht", exc))
        self.message_label.show()

    def refresh(self) -> None:
        """Fetch the overview again (F5)."""
        if self._store is not None:
            self.load(self._store)

    def clear(self) -> None:
        """Drop every line (the store is being locked)."""
        ops.drop_pending(self)
        self._store = None
        self.date_label.setText("")
        self.message_label.hide()
        self.backup_warning.hide()
        self.refresh_button.setEnabled(False)
        for section in self.sections:
            section.set_lines([])

    # Showing ----------------------------------------------------------------------------------

    def _show(self, board: Dashboard) -> None:
        today = board.today
        self.message_label.hide()
        self.date_label.setText(long_date(today))
        self.meeting.set_lines(
            [self._meeting_line(board.next_meeting)] if board.next_meeting else []
        )
        self.three_months.set_lines(
            [self._absent_line(s, today) for s in board.thuiszitters_three_months]
        )
        self.four_weeks.set_lines(
            [self._absent_line(s, today) for s in board.thuiszitters_four_weeks]
        )
        self.late_actions.set_lines([self._action_line(a, today) for a in board.overdue_actions])
        self.reviews.set_lines([self._review_line(s, today) for s in board.reviews_passed])
        deadline = board.renewal_deadline
        self.renewals.set_title(
            f"Kennisgeving vrijstelling art. 5 — jaarlijks uiterlijk {long_date(deadline)}, "
            f"nog {plural((deadline - today).days, 'dag', 'dagen')}"
        )
        self.renewals.set_lines([self._renewal_line(s) for s in board.renewals])
        self.access_requests.set_lines([self._access_line(r, today) for r in board.access_requests])
        warning = backup_warning(board.backup, today)
        self.backup_warning.setText(warning)
        self.backup_warning.setVisible(bool(warning))

    @staticmethod
    def _meeting_line(meeting: NextMeeting) -> tuple[str, str, tuple[str, int]]:
        when = f"{long_date(meeting.date)}, {meeting.start_time:%H:%M}–{meeting.end_time:%H:%M}"
        where = f" · {meeting.location}" if meeting.location else ""
        if meeting.agenda_items == 0:
            agenda = "Nog geen agenda."
        else:
            agenda = "Agenda: " + plural(meeting.agenda_items, "punt", "punten")
            agenda += ", waarvan " + plural(meeting.case_items, "casus", "casussen") + "."
        text = f"{meeting.title}: {when}{where}\n{agenda}"
        return text, "Het overleg openen", ("meeting", meeting.id)

    @staticmethod
    def _case_text(signal: CaseSignal) -> str:
        return f"{signal.case_number}  {signal.full_name}"

    @staticmethod
    def _owner_tip(signal: CaseSignal) -> str:
        owner = signal.owner_name or "geen casushouder"
        return f"Casus {signal.case_number} openen · casushouder: {owner}"

    def _absent_line(self, signal: CaseSignal, today: date) -> tuple[str, str, tuple[str, int]]:
        weeks = plural((today - signal.on).days // 7, "week", "weken")
        text = f"{self._case_text(signal)} — thuis sinds {format_date(signal.on)} ({weeks})"
        return text, self._owner_tip(signal), ("case", signal.case_id)

    def _review_line(self, signal: CaseSignal, today: date) -> tuple[str, str, tuple[str, int]]:
        ago = plural((today - signal.on).days, "dag", "dagen")
        text = (
            f"{self._case_text(signal)} — herbeoordeling {format_date(signal.on)} ({ago} geleden)"
        )
        return text, self._owner_tip(signal), ("case", signal.case_id)

    def _renewal_line(self, signal: RenewalSignal) -> tuple[str, str, tuple[str, int]]:
        if signal.kind == NoticeKind.EERSTE:
            # Lpw art. 6 lid 2 onder a: a month before the leerplicht begins.
            detail = f"eerste kennisgeving uiterlijk {format_date(signal.on)}"
        elif signal.exemption_until:
            detail = f"vrijstelling tot {format_date(signal.exemption_until)}"
        else:
            detail = "geen einddatum vastgelegd"
        text = f"{self._case_text(signal)} — {detail}"
        return text, self._owner_tip(signal), ("case", signal.case_id)

    @staticmethod
    def _access_line(request: OpenAccessRequest, today: date) -> tuple[str, str, tuple[str, int]]:
        # In words, not by colour only; casusnummer and initials, no name (AVG art. 15 request).
        left = request.days_left(today)
        if left > 0:
            when = f"nog {plural(left, 'dag', 'dagen')}"
        elif left == 0:
            when = "vandaag de laatste dag"
        else:
            since = format_date(request.deadline + timedelta(days=1))
            when = f"te laat sinds {since} ({plural(-left, 'dag', 'dagen')})"
        extended = " (verlengd)" if request.extended else ""
        text = (
            f"{request.case_number}  {request.initials} — ontvangen "
            f"{format_date(request.received_on)}, antwoord uiterlijk "
            f"{format_date(request.deadline)}{extended}: {when}"
        )
        return text, f"Casus {request.case_number} openen", ("case", request.case_id)

    @staticmethod
    def _action_line(action: OverdueAction, today: date) -> tuple[str, str, tuple[str, int]]:
        owner = action.owner_name + (" (gearchiveerd)" if action.owner_archived else "")
        late = plural(action.days_late(today), "dag", "dagen")
        case = f" · casus {action.case_number}" if action.case_number else ""
        text = (
            f"{action.description}\n{owner}, {action.organisation_name}{case} · "
            f"uiterlijk {format_date(action.due_date)}, {late} te laat"
        )
        return text, "De actiepunten openen", ("actions", action.id)

    def _activated(self, item: QListWidgetItem) -> None:
        kind, target_id = item.data(TARGET_ROLE)
        openers: dict[str, Callable[[], None]] = {
            "case": lambda: self.open_case.emit(target_id),
            "meeting": lambda: self.open_meeting.emit(target_id),
            "actions": self.open_actions.emit,
        }
        openers[kind]()

    def section_texts(self, section: Section) -> list[str]:
        """The lines a section shows (for tests and accessibility checks)."""
        return [section.lines.item(i).text() for i in range(section.lines.count())]


def backup_warning(status: BackupStatus | None, today: date) -> str:
    """The Overzicht's warning about backups, or "" when all is well (or it is the demo)."""
    if status is None or not status.needs_warning(today):
        return ""
    if status.failed_at is not None:
        problem = (
            f"De automatische back-up van {when_text(status.failed_at, today)} is mislukt: "
            f"{status.failure}."
        )
    elif status.last_verified is None:
        problem = "Er is nog geen gecontroleerde back-up van deze opslag."
    else:
        problem = (
            "De laatste gecontroleerde back-up is van "
            f"{when_text(status.last_verified, today)}, meer dan een week geleden."
        )
    if status.enabled:
        advice = (
            "Casusoverleg maakt er een wanneer u na een wijziging vergrendelt of afsluit; "
            "lukt dat niet, kijk dan bij Instellingen naar de map voor back-ups."
        )
    else:
        advice = (
            "Automatische back-ups staan uit. Zet ze aan bij Instellingen, of maak een back-up "
            "met Bestand › Back-up maken."
        )
    return f"{problem} {advice}"
