"""The agenda builder of one meeting: proposed cases on the left, the agenda on the right.

Cases go onto the agenda with a click ("Toevoegen →"), Enter or a drag; items are reordered by
drag-and-drop or Ctrl+Up/Ctrl+Down; durations are edited in place. The agenda model applies a
change at once and asks the builder to save it; the store's answer then replaces its rows.
What the builder shows comes with the meeting page (`show_page`); it saves by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import (
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPoint,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.agenda import DEFAULT_MINUTES, end_time, overrun_note
from casusoverleg.domain.enums import AgendaItemKind, MeetingStatus, MinutesStatus
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import agenda as agenda_service
from casusoverleg.services import calendar
from casusoverleg.services.agenda import Agenda, AgendaFill, AgendaItemConflict, AgendaOverrun
from casusoverleg.services.calendar import CANCEL, CalendarExport
from casusoverleg.services.meetings import MeetingInfo
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_page import MeetingPage

from ui import dialogs, ops, style
from ui.common import plural
from ui.meetings.agenda.delegates import MinutesDelegate
from ui.meetings.agenda.models import (
    COL_MINUTES,
    COL_POS,
    COL_PRESENTER,
    COL_START,
    COL_TITLE,
    PINNED,
    AgendaTableModel,
    ProposalListModel,
)
from ui.meetings.agenda.views import AgendaTable, ProposalList
from ui.ops import Change, StoreOp
from ui.widgets.choice_delegate import ChoiceDelegate
from ui.widgets.flow import FlowLayout
from ui.widgets.message import MessageLabel
from ui.widgets.tables import set_up_rows_table

T = TypeVar("T")

ICS_FILTER = "Agendabestand (*.ics)"
NOT_ENCRYPTED_NOTE = (
    "Dit bestand is niet versleuteld; het bevat alleen de naam, datum, tijd en plaats van het "
    "overleg, geen gegevens over kinderen."
)
# A little taller than a plain list: a spin box or combo box opens in the cells.
_EDITOR_ROW_PADDING = 10


RETYPE = "De agenda toont nu hun versie; voer uw waarde opnieuw in als u die wilt houden."


def _ics_saved_text(done: CalendarExport, path: Path) -> str:
    """What was saved: an invitation, a cancellation or a plain calendar entry, and why."""
    if done.method == CANCEL:
        what = "Afzegging opgeslagen"
    elif done.is_invitation:
        what = f"Uitnodiging voor {plural(done.invited, 'genodigde', 'genodigden')} opgeslagen"
    else:
        what = "Agenda-afspraak (geen uitnodiging) opgeslagen"
    notes = " ".join(done.notes)
    return " ".join(filter(None, (f"{what} in {path}.", notes, NOT_ENCRYPTED_NOTE)))


def ask_ics_path(parent: QWidget, suggestion: str) -> Path | None:
    """Where to save a meeting invitation (.ics); None if cancelled. Tests replace this."""
    return dialogs.ask_save_file(parent, "Uitnodiging opslaan", ICS_FILTER, suggestion)


def show_agenda_pdf(parent: QWidget, store: Store, meeting_id: int) -> None:
    """Open the agenda of a meeting in the in-app PDF preview."""
    # Imported here: the preview pulls in QtPdf, which only this button needs.
    from casusoverleg.services.documents import DocumentRequest

    from ui.pdf_preview import show_pdf_preview

    show_pdf_preview(parent, store, DocumentRequest(kind="agenda", meeting_id=meeting_id))


def ask_allow_overrun(parent: QWidget, text: str) -> bool:
    """Ask whether the meeting may run past its planned end; False is the default. Tests
    replace this."""
    return dialogs.confirm(parent, "Uitloop toestaan?", text, "Uitloop toestaan")


@dataclass(frozen=True)
class _Added:
    """What adding cases by hand did, and the cases that would pass the planned end."""

    agenda: Agenda
    last_item_id: int
    refused: list[int] = field(default_factory=list)  # not added: they would run over
    position: int | None = None  # where the refused ones were to go
    new_end: time | None = None  # when the meeting would end with them
    planned_end: time | None = None


def _button(text: str, tooltip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tooltip)
    return button


class AgendaBuilder(QWidget):
    """Build the agenda of one meeting from the proposal, by click, Enter or drag."""

    loaded = Signal()  # proposal and agenda of the meeting are shown
    changed = Signal()  # the agenda in the store changed (the meeting list shows its status)
    open_case = Signal(int)  # case id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._meeting: MeetingInfo | None = None
        self._pending = 0  # saves under way; only the last one's agenda is shown
        # Item versions our own saves reached since the agenda was shown (read and set on the
        # worker, which runs the saves in order): a second edit of a row before the first
        # one's agenda is back expects the version that one left, not the shown one.
        self._versions: dict[int, int] = {}
        self._other_warnings: list[str] = []
        self._select_after: int | None = None  # item id to select once the agenda is shown
        self._not_listed = 0  # proposed cases not on the agenda that the list leaves out
        self._chosen_overrun = 0  # minutes the meeting may run over, chosen on purpose

        self.proposals = ProposalListModel(self)
        self.model = AgendaTableModel(self)

        self.proposal_title = QLabel("Voorgestelde casussen")
        self.proposal_title.setWordWrap(True)  # "(23 van 30 nog niet op de agenda)" is long
        self.proposal_view = ProposalList()
        self.proposal_view.setObjectName("voorstel")
        self.proposal_view.setModel(self.proposals)
        self.proposal_view.setAccessibleName("Voorgestelde casussen")
        self.proposal_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.proposal_view.setDragEnabled(True)
        self.proposal_view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.proposal_view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.proposal_view.setAlternatingRowColors(True)
        self.proposal_view.setWordWrap(True)
        self.proposal_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.proposal_view.setSpacing(1)
        self.proposal_view.add_pressed.connect(self.add_selected)
        self.proposal_view.doubleClicked.connect(lambda _i: self.add_selected())
        self.proposal_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.proposal_view.customContextMenuRequested.connect(self._proposal_menu)
        self.add_button = _button(
            "Toevoegen →", "De geselecteerde casussen op de agenda zetten (Enter of slepen)"
        )
        self.add_button.clicked.connect(self.add_selected)
        self.proposal_more = QLabel()
        self.proposal_more.setObjectName("voorstel_meer")
        self.proposal_more.setWordWrap(True)
        self.proposal_more.setToolTip(
            "Minder urgente casussen; ze komen in de lijst zodra de casussen erboven op de agenda "
            "staan of niet meer voorgesteld worden."
        )
        self.proposal_more.hide()
        self.proposal_empty = QLabel()
        self.proposal_empty.setWordWrap(True)
        self.proposal_empty.hide()

        self.table = AgendaTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Agenda")
        set_up_rows_table(self.table, name="agenda", editable=True)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + _EDITOR_ROW_PADDING
        )
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDragDropOverwriteMode(False)  # a move never clears the dragged row
        self._minutes_delegate = MinutesDelegate(self.table)
        self._choice_delegate = ChoiceDelegate(self.table)
        self.table.setItemDelegateForColumn(COL_MINUTES, self._minutes_delegate)
        self.table.setItemDelegateForColumn(COL_PRESENTER, self._choice_delegate)
        self.table.move_pressed.connect(self.move_current)
        self.table.remove_pressed.connect(self.remove_current)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._agenda_menu)
        self._set_column_widths()

        self.up_button = _button("↑ Omhoog", "Het agendapunt een plaats omhoog (Ctrl+Omhoog)")
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = _button("↓ Omlaag", "Het agendapunt een plaats omlaag (Ctrl+Omlaag)")
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.remove_button = _button("Van de agenda halen", "De casus van de agenda halen (Delete)")
        self.remove_button.clicked.connect(self.remove_current)

        self.build_button = _button(
            "Agenda &opstellen",
            "De vaste agendapunten en de meest urgente voorgestelde casussen op de agenda "
            "zetten, zoveel als in de geplande tijd passen",
        )
        self.build_button.clicked.connect(self.build_default)
        self.pdf_button = _button("Agenda (&PDF)", "De agenda bekijken en afdrukken (Ctrl+P)")
        self.pdf_button.clicked.connect(self.show_pdf)
        self.ics_button = _button(
            "&Uitnodiging (.ics)",
            "Een agendabestand opslaan om de deelnemers uit te nodigen (Ctrl+Shift+U)",
        )
        self.ics_button.clicked.connect(self.save_ics)
        for keys, slot in (
            (QKeySequence(QKeySequence.StandardKey.Print), self.show_pdf),
            (QKeySequence("Ctrl+Shift+U"), self.save_ics),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(style.WARNING_STYLE)
        self.warning_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning_label.hide()
        self.clear_overrun_button = _button(
            "Uitloop intrekken", "De agenda moet weer binnen de geplande tijd passen"
        )
        self.clear_overrun_button.clicked.connect(self.clear_overrun)
        self.clear_overrun_button.hide()
        self.message_label = MessageLabel()

        self.model.timing_changed.connect(self._show_timing)
        self.model.move_requested.connect(self._save_move)
        self.model.add_requested.connect(self._save_add)
        self.model.edit_requested.connect(self._save_edit)
        self.model.refused.connect(lambda text: self._show_message(text, error=True))
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.proposal_view.selectionModel().selectionChanged.connect(self._update_buttons)

        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.proposal_title)
        left_column.addWidget(self.proposal_view, 1)
        left_column.addWidget(self.proposal_more)
        left_column.addWidget(self.proposal_empty)
        left_row = QHBoxLayout()
        left_row.addStretch(1)
        left_row.addWidget(self.add_button)
        left_column.addLayout(left_row)

        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        self.agenda_title = QLabel("Agenda")
        right_column.addWidget(self.agenda_title)
        right_column.addWidget(self.table, 1)
        right_buttons = QWidget()  # on two lines when the agenda is narrow (200 % text)
        right_row = FlowLayout(right_buttons)
        right_row.addWidget(self.up_button)
        right_row.addWidget(self.down_button)
        right_row.addWidget(self.remove_button)
        right_column.addWidget(right_buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("agendabouwer")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        # The proposal keeps its size hint; the agenda takes the rest.
        self.proposal_view.setMinimumWidth(self.fontMetrics().averageCharWidth() * 28)

        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top_buttons = QWidget()  # on two lines when the page is narrow (200 % text)
        top_flow = FlowLayout(top_buttons)
        for button in (self.build_button, self.pdf_button, self.ics_button):
            top_flow.addWidget(button)
        top.addWidget(top_buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        warning_row = QHBoxLayout()
        warning_row.addWidget(self.warning_label, 1)
        warning_row.addWidget(self.clear_overrun_button)
        layout.addLayout(warning_row)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    def _set_column_widths(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        widths = {
            COL_POS: metrics.horizontalAdvance("Nr.") + 18,
            COL_START: metrics.horizontalAdvance("00:00") + 18,
            COL_TITLE: metrics.horizontalAdvance("Casus 2026-0000 (A. B. C.)") + 18,
            COL_MINUTES: metrics.horizontalAdvance("240 min") + 28,
            COL_PRESENTER: char * 16,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)

    # Loading ------------------------------------------------------------------------------------

    @property
    def meeting(self) -> MeetingInfo | None:
        """The meeting whose agenda is shown."""
        return self._meeting

    def expect(self, meeting: MeetingInfo) -> None:
        """The page of `meeting` is being read: another meeting's agenda goes at once."""
        if self._meeting is None or self._meeting.id != meeting.id:
            self._forget_meeting()
            self._meeting = meeting
            self.proposal_title.setText("Voorgestelde casussen (worden geladen…)")
            self._update_buttons()

    def show_page(self, store: Store, page: MeetingPage) -> None:
        """Show the proposal and agenda of a meeting page as it was read."""
        if self._meeting is None or self._meeting.id != page.meeting.id:
            self._forget_meeting()
        self._store = store
        self._meeting = page.meeting
        self.model.set_participants(page.participants)
        self.proposals.set_proposals(page.proposals)
        self._not_listed = page.proposals_not_listed
        if self._pending:
            # A save is under way: its answer shows the agenda as it is after it.
            self.proposals.set_on_agenda(self.model.case_ids())
            self._update_buttons()
        else:
            self._show_agenda(page.agenda)
        self.loaded.emit()

    def _forget_meeting(self) -> None:
        ops.drop_pending(self)  # answers about the meeting shown before are not shown
        self._pending = 0
        self._select_after = None
        self._other_warnings = []
        self._not_listed = 0
        self._chosen_overrun = 0
        self.proposals.set_proposals([])
        self.model.clear()
        self._show_message("")

    def clear(self) -> None:
        """Drop proposal and agenda (the store is being locked)."""
        self._forget_meeting()
        self._store = None
        self._meeting = None
        self.model.set_participants([])
        self.proposal_title.setText("Voorgestelde casussen")
        self._update_buttons()

    def _editable(self, meeting: MeetingInfo) -> bool:
        # Only a planned meeting's agenda is made here; once held it is the record of what was
        # on it, and what happened to each item is kept in meeting mode.
        return (
            meeting.status is MeetingStatus.GEPLAND
            and meeting.minutes_status is not MinutesStatus.VASTGESTELD
        )

    def _show_agenda(self, agenda: Agenda) -> None:
        meeting = self._meeting
        if meeting is None:
            return
        self._versions = {}  # the rows now carry the versions
        keep = self._select_after
        if keep is None:
            current = self.table.currentIndex()
            if current.isValid() and current.row() < self.model.rowCount():
                keep = self.model.row_at(current.row()).id
        self._select_after = None
        self._chosen_overrun = agenda.chosen_overrun
        own = overrun_note(
            [i.minutes for i in agenda.items],
            meeting.minutes,
            self._meeting_end(meeting),
            agenda.chosen_overrun,
        )
        self._other_warnings = [w for w in agenda.warnings if w != own]
        self.model.set_agenda(agenda, meeting.start_time, editable=self._editable(meeting))
        self.proposals.set_on_agenda(self.model.case_ids())
        waiting = self.proposals.waiting_count() + self._not_listed
        total = self.proposals.rowCount() + self._not_listed
        if self._not_listed and self.model.editable:
            self.proposal_more.setText(f"en nog {QLocale().toString(self._not_listed)} voorgesteld")
        self.proposal_more.setVisible(bool(self._not_listed) and self.model.editable)
        if total:
            self.proposal_title.setText(
                f"Voorgestelde casussen ({waiting} van {total} nog niet op de agenda)"
            )
        else:
            self.proposal_title.setText("Voorgestelde casussen")
        if self.model.editable:
            self.proposal_empty.setText(
                "Geen casussen voorgesteld: geen nieuwe aanmeldingen, herbeoordelingen, verlopen "
                "actiepunten of naderende termijnen voor dit overleg."
            )
        else:
            self.proposal_empty.setText(
                "Deze agenda kan niet meer worden gewijzigd: het overleg is geannuleerd of het "
                "verslag is vastgesteld."
            )
        self.proposal_view.setVisible(self.model.editable)
        self.proposal_empty.setVisible(total == 0 or not self.model.editable)
        cases = sum(1 for i in agenda.items if i.case_id is not None)
        self.agenda_title.setText(
            f"Agenda ({plural(cases, 'casus', 'casussen')})" if agenda.items else "Agenda"
        )
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, COL_TITLE),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_buttons()

    @staticmethod
    def _meeting_end(meeting: MeetingInfo) -> time:
        return end_time(meeting.start_time, [meeting.minutes])

    # Timing and warnings ----------------------------------------------------------------------

    def _show_timing(self) -> None:
        meeting = self._meeting
        if meeting is None or self.model.rowCount() == 0:
            if meeting is not None and meeting.status is not MeetingStatus.GEANNULEERD:
                self.summary_label.setText(
                    f"Nog geen agenda. Het overleg duurt van {meeting.start_time:%H:%M} tot "
                    f"{self._meeting_end(meeting):%H:%M}."
                )
            else:
                self.summary_label.setText("")
            self._show_warnings(self._other_warnings if meeting is not None else [])
            return
        durations = self.model.durations()
        total = sum(durations)
        self.summary_label.setText(
            f"Van {meeting.start_time:%H:%M} tot {self.model.end_time():%H:%M}: "
            f"{total} van de {meeting.minutes} minuten ingepland."
        )
        overrun = overrun_note(
            durations, meeting.minutes, self._meeting_end(meeting), self._chosen_overrun
        )
        if not self.model.editable:
            # A held (or cancelled) meeting's agenda is a record: nothing left to fix in it.
            overrun = ""
        self._show_warnings(([overrun] if overrun else []) + self._other_warnings)

    def _show_warnings(self, warnings: list[str]) -> None:
        self.warning_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warning_label.setVisible(bool(warnings))

    @property
    def warnings(self) -> list[str]:
        """The warnings shown above the agenda (overrun first)."""
        text = self.warning_label.text() if self.warning_label.isVisibleTo(self) else ""
        return [line.removeprefix("⚠ ") for line in text.splitlines() if line]

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.show_message(text, error=error)

    @property
    def message(self) -> str:
        """The last message (a result, or why something was not done)."""
        return self.message_label.message

    def _update_buttons(self) -> None:
        meeting = self._meeting
        has_meeting = meeting is not None and self._store is not None
        editable = has_meeting and self.model.editable
        current = self.table.currentIndex()
        item = self.model.row_at(current.row()) if current.isValid() else None
        has_agenda = self.model.rowCount() > 0
        selected = self.proposal_view.selectionModel().selectedRows()
        self.add_button.setEnabled(
            editable and any(not self.proposals.is_on_agenda(i.row()) for i in selected)
        )
        self.build_button.setVisible(not has_agenda)
        self.build_button.setEnabled(editable and not has_agenda)
        movable = editable and item is not None and item.kind not in PINNED
        self.up_button.setEnabled(movable)
        self.down_button.setEnabled(movable)
        self.remove_button.setEnabled(
            editable and item is not None and item.kind == AgendaItemKind.CASUS
        )
        # A held meeting's agenda cannot change: its editing buttons go, not only grey out.
        for button in (self.add_button, self.up_button, self.down_button, self.remove_button):
            button.setVisible(editable or not has_meeting)
        cancelled = meeting is not None and meeting.status is MeetingStatus.GEANNULEERD
        self.pdf_button.setEnabled(has_meeting and has_agenda and not cancelled)
        self.ics_button.setEnabled(has_meeting)
        self.clear_overrun_button.setVisible(editable and self._chosen_overrun > 0)
        self.table.setDragEnabled(editable)
        self.proposal_view.setDragEnabled(editable)

    # Changing the agenda ------------------------------------------------------------------------

    def add_selected(self) -> None:
        """Put the selected proposed cases on the agenda (Toevoegen →, Enter)."""
        rows = sorted(i.row() for i in self.proposal_view.selectionModel().selectedRows())
        if not rows and self.proposal_view.currentIndex().isValid():
            rows = [self.proposal_view.currentIndex().row()]
        case_ids = [
            self.proposals.proposal_at(r).case_id
            for r in rows
            if not self.proposals.is_on_agenda(r)
        ]
        if case_ids:
            self._save_add(case_ids, None)
        elif rows:
            self._show_message("Deze casus staat al op de agenda.")

    def _save_add(
        self, case_ids: list[int], position: int | None, *, allow_overrun: bool = False
    ) -> None:
        store, meeting = self._store, self._meeting
        if store is None or meeting is None or not self.model.editable:
            return
        wanted = [c for c in case_ids if c not in self.model.case_ids()]
        if not wanted:
            return

        def add(store: Store) -> _Added:
            last = 0
            for offset, case_id in enumerate(wanted):
                try:
                    item = agenda_service.add_case_item(
                        store, meeting.id, case_id, allow_overrun=allow_overrun
                    )
                except AgendaOverrun as exc:
                    # Asked on the GUI thread; the cases before this one are on the agenda.
                    rest = wanted[offset:]
                    more = [DEFAULT_MINUTES[AgendaItemKind.CASUS]] * (len(rest) - 1)
                    return _Added(
                        agenda_service.get_agenda(store, meeting.id),
                        last,
                        refused=rest,
                        position=None if position is None else position + offset,
                        new_end=end_time(exc.new_end, more),
                        planned_end=exc.planned_end,
                    )
                last = item.id
                if position is not None:
                    agenda_service.move_item(store, item.id, position + offset)
            return _Added(agenda_service.get_agenda(store, meeting.id), last)

        def added(result: _Added) -> None:
            agenda = result.agenda
            if result.last_item_id:
                self._select_after = result.last_item_id
            done = set(wanted) - set(result.refused)
            numbers = [i.case_number for i in agenda.items if i.case_id in done and i.case_number]
            if numbers:
                self._show_message(
                    f"Casus {', '.join(numbers)} op de agenda gezet."
                    if len(numbers) == 1
                    else f"Casussen {', '.join(numbers)} op de agenda gezet."
                )
            self._saved(agenda)
            if result.refused:
                self._ask_overrun(result)

        self._agenda_change(store, add).success(added).run()

    def _ask_overrun(self, result: _Added) -> None:
        """Adding by hand would pass the planned end: only on a deliberate yes."""
        if result.new_end is None or result.planned_end is None:
            return
        which = "deze casus" if len(result.refused) == 1 else "deze casussen"
        text = (
            f"Met {which} loopt het overleg uit tot {result.new_end:%H.%M} uur (gepland tot "
            f"{result.planned_end:%H.%M} uur). Uitloop toestaan?"
        )
        if ask_allow_overrun(self, text):
            self._save_add(result.refused, result.position, allow_overrun=True)
        else:
            self._show_message(
                f"Niet op de agenda gezet: {text.removesuffix(' Uitloop toestaan?')} Haal eerst "
                "een andere casus van de agenda, of kort agendapunten in."
            )

    def clear_overrun(self) -> None:
        """Withdraw the chosen overrun: the agenda is to fit the planned time again."""
        store, meeting = self._store, self._meeting
        if store is None or meeting is None or not self.model.editable:
            return

        def cleared(agenda: Agenda) -> None:
            self._show_message("Uitloop ingetrokken: de agenda hoort weer in de geplande tijd.")
            self._saved(agenda)

        self._agenda_change(store, lambda s: agenda_service.clear_overrun(s, meeting.id)).success(
            cleared
        ).run()

    def _save_move(self, item_id: int, position: int) -> None:
        store = self._store
        if store is None:
            return
        self._select_after = item_id
        self._agenda_change(
            store, lambda s: agenda_service.move_item(s, item_id, position)
        ).success(self._saved).run()

    def _save_edit(self, item_id: int, field: str, value: object) -> None:
        store, meeting = self._store, self._meeting
        if store is None or meeting is None:
            return

        # The version of the row as shown: someone else's change since is a conflict.
        shown = next((r.version for r in self.model.rows if r.id == item_id), None)
        versions = self._versions

        def edit(store: Store) -> Agenda:
            expected = versions.get(item_id, shown)
            if field == "minutes":
                info = agenda_service.update_item(
                    store, item_id, minutes=int(str(value)), expected_version=expected
                )
            elif field == "presenter_id":
                presenter = value if isinstance(value, int) else None
                info = agenda_service.update_item(
                    store, item_id, presenter_id=presenter, expected_version=expected
                )
            else:
                info = agenda_service.update_item(
                    store, item_id, question=str(value), expected_version=expected
                )
            versions[item_id] = info.version
            return agenda_service.get_agenda(store, meeting.id)

        self._agenda_change(store, edit).success(self._saved).run()

    def move_current(self, step: int) -> None:
        """Move the current item one place up (-1) or down (+1) (Ctrl+Up/Ctrl+Down)."""
        current = self.table.currentIndex()
        if not current.isValid() or not self.model.editable:
            return
        row = current.row()
        if self.model.row_at(row).kind in PINNED:
            self._show_message("Opening en sluiting blijven op hun plaats.", error=True)
            return
        if self.model.move_row(row, row + step):
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row + step, current.column()),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def remove_current(self) -> None:
        """Take the current case off the agenda (Delete); it returns to the proposal."""
        store = self._store
        current = self.table.currentIndex()
        if store is None or not current.isValid() or not self.model.editable:
            return
        item = self.model.row_at(current.row())
        if item.kind != AgendaItemKind.CASUS:
            self._show_message("Vaste agendapunten blijven op de agenda.", error=True)
            return

        def removed(agenda: Agenda) -> None:
            self._show_message(f"{item.title} is van de agenda gehaald.")
            self._saved(agenda)

        self._agenda_change(store, lambda s: agenda_service.remove_item(s, item.id)).success(
            removed
        ).run()

    def build_default(self) -> None:
        """Make the agenda: the fixed items, then the proposed cases most urgent first until
        the planned time is full ("Agenda opstellen"); say how many stay proposed."""
        store, meeting = self._store, self._meeting
        if store is None or meeting is None or self.model.rowCount():
            return

        def built(fill: AgendaFill) -> None:
            text = f"Agenda opgesteld met {plural(fill.placed, 'casus', 'casussen')}"
            if fill.remaining:
                left = plural(fill.remaining, "casus blijft", "casussen blijven")
                text += f", de meest urgente; {left} voorgesteld voor een volgend overleg"
            self._show_message(
                f"{text}. Sleep om de volgorde te wijzigen; typ in de kolom Duur om de tijd aan "
                "te passen."
            )
            self._saved(fill.agenda)

        self._agenda_change(store, lambda s: agenda_service.fill_agenda(s, meeting.id)).success(
            built
        ).run()

    def _agenda_change(self, store: Store, op: Callable[[Store], T]) -> StoreOp[T]:
        """An op that changes the agenda, counted while it is under way; give it `success`.

        A refusal is said, and the agenda read again to show it as the store has it.
        """
        self._pending += 1
        return (
            StoreOp(self, store, op)
            .changes(Change.AGENDA)
            .failure(self._change_refused)
            .finished(self._change_done)
        )

    def _change_done(self) -> None:
        self._pending -= 1

    def _change_refused(self, exc: CasusoverlegError) -> None:
        text = style.failed_because(exc)
        if isinstance(exc, AgendaItemConflict):
            text += f" {RETYPE}"  # the reload shows theirs; the message names both values
        self._show_message(text, error=True)
        self._reload_agenda()

    def _saved(self, agenda: Agenda) -> None:
        # This save still counts itself (see `finished`): with more under way, the last one
        # shows the final agenda.
        if self._pending == 1:
            self._show_agenda(agenda)
        self.changed.emit()

    def _reload_agenda(self) -> None:
        store, meeting = self._store, self._meeting
        if store is None or meeting is None:
            return
        StoreOp(self, store, lambda s: agenda_service.get_agenda(s, meeting.id)).key(
            "agenda"
        ).success(self._reloaded).failure(self._reload_failed).run()

    def _reloaded(self, agenda: Agenda) -> None:
        if self._pending == 0:
            self._show_agenda(agenda)

    def _reload_failed(self, exc: CasusoverlegError) -> None:
        self._show_message(style.could_not_load("De agenda", exc), error=True)

    # Opening cases ------------------------------------------------------------------------------

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() in (COL_POS, COL_START, COL_TITLE):
            case_id = self.model.row_at(index.row()).case_id
            if case_id is not None:
                self.open_case.emit(case_id)

    def _proposal_menu(self, position: QPoint) -> None:
        index = self.proposal_view.indexAt(position)
        if not index.isValid():
            return
        proposal = self.proposals.proposal_at(index.row())
        menu = QMenu(self)
        add = menu.addAction("Op de agenda zetten")
        add.setEnabled(self.model.editable and not self.proposals.is_on_agenda(index.row()))
        add.triggered.connect(self.add_selected)
        menu.addAction(f"Casus {proposal.case_number} openen").triggered.connect(
            lambda: self.open_case.emit(proposal.case_id)
        )
        menu.exec(self.proposal_view.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _agenda_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        item = self.model.row_at(index.row())
        menu = QMenu(self)
        if item.case_id is not None:
            case_id = item.case_id
            menu.addAction(f"Casus {item.case_number} openen").triggered.connect(
                lambda: self.open_case.emit(case_id)
            )
            remove = menu.addAction("Van de agenda halen")
            remove.setEnabled(self.model.editable)
            remove.triggered.connect(self.remove_current)
        if menu.isEmpty():
            menu.deleteLater()
            return
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    # Documents --------------------------------------------------------------------------------

    def show_pdf(self) -> None:
        """Show the agenda as PDF in the preview (print and save from there)."""
        store, meeting = self._store, self._meeting
        if store is None or meeting is None or self.model.rowCount() == 0:
            return
        show_agenda_pdf(self, store, meeting.id)

    def save_ics(self) -> None:
        """Save the meeting as a calendar invitation (.ics) where the user says."""
        store, meeting = self._store, self._meeting
        if store is None or meeting is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = f"Uitnodiging {meeting.title} {meeting.date:%Y-%m-%d}.ics".replace("/", "-")
        path = ask_ics_path(self, str(Path(folder) / name) if folder else name)
        if path is None or self._store is not store:
            return
        # The file dialog asked before replacing a file; the service still refuses the store and
        # its side files, and turns a disk's refusal into a Dutch error (BadInput).
        overwrite = path.exists()
        StoreOp(
            self,
            store,
            lambda s: calendar.write_meeting_ics(s, meeting.id, path, overwrite=overwrite),
        ).success(lambda done: self._show_message(_ics_saved_text(done, path))).failure(
            lambda exc: self._show_message(
                f"De uitnodiging is niet opgeslagen: {exc.message}", error=True
            )
        ).run()
