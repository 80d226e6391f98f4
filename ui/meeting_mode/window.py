"""The meeting mode window: attendance first, then one agenda item at a time, closed in one step.

It opens from one read (`meeting_mode_view`) and writes through ops that announce what they
changed; what is typed is saved by `Autosave`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import (
    AgendaItemKind,
    AttendanceStatus,
    ItemOutcome,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import actions, meetings, minutes
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.agenda import AgendaItemInfo
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.meetings import AttendanceInfo, MeetingInfo
from casusoverleg.services.minutes import ClosingPlan, EntryInfo
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_mode import MeetingModeView, open_meeting_mode

from ui import common, ops, style
from ui.common import format_date, long_date
from ui.meeting_mode import closing, previews
from ui.meeting_mode.action_boxes import ActionDraft
from ui.meeting_mode.agenda_list import AgendaList
from ui.meeting_mode.attendance import AttendancePage
from ui.meeting_mode.autosave import Autosave, is_writable
from ui.meeting_mode.claim import ClaimKeeper
from ui.meeting_mode.item_page import ItemPage
from ui.meeting_mode.look import FONT_SCALE, fit_date_field, heading, set_colour
from ui.ops import Change, StoreOp
from ui.style import ERROR_COLOUR

ATTENDANCE_PAGE = 0


class MeetingModeWindow(QWidget):
    """A meeting on the projector: attendance, then one agenda item at a time."""

    # Meeting mode writes the meeting; reloading under the minute-taker's hands would move
    # their cursor, so it loads only when opened or unlocked.
    reload_on = Change.NONE

    loaded = Signal()  # the meeting is on screen
    saved = Signal(int)  # agenda item id, after a save reached the store
    save_failed = Signal(str)  # why (Dutch); the text stays
    action_added = Signal(object)  # ActionInfo
    action_changed = Signal(object)  # ActionInfo, marked done or reopened from the actielijst
    attendance_saved = Signal(object)  # AttendanceInfo
    minutes_fixed = Signal(int)  # the meeting id whose minutes were fixed
    outcome_saved = Signal(object)  # EntryInfo, after an outcome reached the store
    meeting_closed = Signal(int)  # this meeting id, now held
    left = Signal()  # the window was closed

    def __init__(self, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.meeting_id = meeting_id
        self.today: Callable[[], date] = date.today  # tests fix the day
        self._store: Store | None = None
        self._view: MeetingModeView | None = None
        self._index = ATTENDANCE_PAGE
        self._filling = False
        self._action_drafts: dict[int, ActionDraft] = {}
        self._adding = False
        # Per agenda item id: its outcome and, when deferred, the day of the meeting it went to.
        self._outcomes: dict[int, tuple[ItemOutcome | None, date | None]] = {}
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
        self.setFont(font)
        self.setWindowTitle("Vergadermodus")

        self.autosave = Autosave(self, self._save_target, self._remember_current)
        self.autosave.item_saved.connect(self._item_saved)
        self.autosave.save_failed.connect(self.save_failed)
        self.autosave.changed.connect(self._update_status)
        self.autosave.text_replaced.connect(lambda _id: self._show_page(self._index, focus=False))
        self.claim = ClaimKeeper(self, meeting_id, lambda: self._store)  # who takes the minutes

        self._build()
        fit_date_field(self.item_page.review_field)
        fit_date_field(self.item_page.quick_add.due_field)
        self._make_shortcuts()
        self._show_locked_or_empty("Het overleg wordt geladen…")

    # Building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header_label = heading("", 1.0)
        self.status_label = QLabel()
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.retry_button = QPushButton("Opnieuw proberen")
        self.retry_button.clicked.connect(self.autosave.retry)
        self.retry_button.hide()
        self.close_button = QPushButton("Overleg afsluiten…")
        self.close_button.setToolTip(
            "Zet het overleg op gehouden en toon verslag en actielijst (Ctrl+Shift+E)"
        )
        self.close_button.clicked.connect(self.close_meeting)
        self.leave_button = QPushButton("Verlaten (Esc)")
        self.leave_button.clicked.connect(self.ask_leave)
        header = QHBoxLayout()
        header.addWidget(self.header_label, 1)
        header.addWidget(self.retry_button)
        header.addSpacing(12)
        header.addWidget(self.close_button)
        header.addWidget(self.leave_button)

        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        set_colour(self.banner_label, ERROR_COLOUR)
        self.banner_label.hide()

        self.jump_list = AgendaList(self.autosave.is_recorded, self.outcome_of)
        self.jump_list.currentRowChanged.connect(self._jump)

        self.attendance_page = AttendancePage()
        self.attendance_page.status_chosen.connect(self._attendance_chosen)
        self.attendance_page.add_requested.connect(self._add_attendee)
        self.item_page = ItemPage()
        self.empty_label = heading("", 1.2, bold=False)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.attendance_page)
        self.pages.addWidget(self.item_page)
        self.pages.addWidget(self.empty_label)

        page = self.item_page
        page.notes_edit.textChanged.connect(self._edited)
        page.decision_edit.textChanged.connect(self._edited)
        page.advice_combo.currentIndexChanged.connect(self._edited)
        for check in page.alternative_checks.values():
            check.toggled.connect(self._edited)
        page.review_field.edited.connect(self._edited)
        page.review_field.edit.editingFinished.connect(
            lambda: page.show_review_problem(self._meeting_date(), final=True)
        )
        page.quick_add.submitted.connect(self.add_action)
        page.open_actions.done_requested.connect(self._complete_action)
        page.open_actions.reopen_requested.connect(self._reopen_action)
        page.fix_button.clicked.connect(self.fix_previous_minutes)
        page.outcome_chosen.connect(self.choose_outcome)
        page.view_previous_button.clicked.connect(self._view_previous)

        self.previous_button = QPushButton("← Vorige (PageUp)")
        self.previous_button.clicked.connect(self.go_previous)
        self.next_button = QPushButton("Volgende (PageDown) →")
        self.next_button.clicked.connect(self.go_next)
        self.position_label = QLabel()
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for button in (self.previous_button, self.next_button, self.close_button):
            button.setAutoDefault(False)
            button.setMinimumHeight(self.fontMetrics().height() * 2)
        footer = QHBoxLayout()
        footer.addWidget(self.previous_button)
        footer.addStretch(1)
        footer.addWidget(self.position_label)
        footer.addSpacing(24)
        footer.addWidget(self.status_label)
        footer.addStretch(1)
        footer.addWidget(self.next_button)

        body = QHBoxLayout()
        body.addWidget(self.jump_list)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addLayout(header)
        layout.addWidget(self.banner_label)
        layout.addWidget(self.claim.banner)
        layout.addLayout(body, 1)
        layout.addLayout(footer)

    def _make_shortcuts(self) -> None:
        def bind(
            keys: QKeySequence | QKeySequence.StandardKey | str, slot: Callable[[], object]
        ) -> None:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        bind("PgDown", self.go_next)
        bind("Alt+Right", self.go_next)
        bind("PgUp", self.go_previous)
        bind("Alt+Left", self.go_previous)
        bind("Ctrl+J", self.focus_jump_list)
        bind("Ctrl+Shift+E", self.close_meeting)
        bind("Esc", self.ask_leave)
        bind("F11", self._toggle_full_screen)

    def _keep_footer_last(self) -> None:
        """Tab reaches the attendance rows (made after the window) before Vorige and Volgende:
        the footer follows the page in the focus chain (WCAG 2.4.3, focus order)."""
        QWidget.setTabOrder(self.attendance_page.add_button, self.previous_button)
        QWidget.setTabOrder(self.previous_button, self.next_button)

    def sizeHint(self) -> QSize:
        """Large: it is meant to fill the screen."""
        return QSize(1280, 800)

    def present(self) -> None:
        """Show the window maximized and in front (F11: full screen); claim the minutes."""
        self.claim.start()
        self.setGeometry(self.screen().availableGeometry())
        self.showMaximized()
        self.raise_()
        self.activateWindow()

    def _toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showMaximized()
        else:
            self.showFullScreen()

    # State ------------------------------------------------------------------------------------

    @property
    def meeting(self) -> MeetingInfo | None:
        """The meeting as last read (None while locked or loading)."""
        return self._view.meeting if self._view else None

    @property
    def items(self) -> list[AgendaItemInfo]:
        """The agenda items in order."""
        return [item.agenda_item for item in self._view.items] if self._view else []

    @property
    def index(self) -> int:
        """The page shown: 0 is attendance, n is agenda item n."""
        return self._index

    @property
    def current_item(self) -> AgendaItemInfo | None:
        """The agenda item on screen (None on the attendance page)."""
        view = self._view
        if view is None or not 0 < self._index <= len(view.items):
            return None
        return view.items[self._index - 1].agenda_item

    def outcome_of(self, item_id: int) -> ItemOutcome | None:
        """The outcome stored for an agenda item (None: nothing recorded yet)."""
        return self._outcomes.get(item_id, (None, None))[0]

    @property
    def writable(self) -> bool:
        """Whether minutes can still be typed (not cancelled, not fixed)."""
        return is_writable(self.meeting)

    def _meeting_date(self) -> date | None:
        meeting = self.meeting
        return meeting.date if meeting else None

    def _save_target(self) -> tuple[Store, MeetingInfo] | None:
        store, meeting = self._store, self.meeting
        return (store, meeting) if store is not None and meeting is not None else None

    def has_unsaved(self) -> bool:
        """Whether typed text (or a quick-add action) has not reached the store."""
        self._remember_current()
        return self.autosave.busy() or any(
            d.description.strip() for d in self._action_drafts.values()
        )

    def unsaved_warning(self) -> str:
        """What leaving now would leave behind, in Dutch ("" when everything is stored)."""
        self._remember_current()
        parts = self.autosave.warnings()
        if any(d.description.strip() for d in self._action_drafts.values()):
            parts.append("een getypt actiepunt is nog niet toegevoegd (Enter)")
        return f"Let op: {'; '.join(parts)}. " if parts else ""

    # Loading and locking ----------------------------------------------------------------------

    def load(self, store: Store) -> None:
        """Read the meeting (one transaction) and show it (after an unlock: with unsaved text)."""
        self._store = store
        self._forget_pending()
        meeting_id = self.meeting_id
        (
            StoreOp(self, store, lambda s: open_meeting_mode(s, meeting_id))
            .key("load")
            .success(self._loaded)
            .failure(self._not_loaded)
            .run()
        )

    def _loaded(self, view: MeetingModeView) -> None:
        self._show(view)
        self.loaded.emit()

    def _not_loaded(self, exc: CasusoverlegError) -> None:
        self._show_locked_or_empty(style.could_not_load("Het overleg", exc))

    def clear(self) -> None:
        """Empty the window for a lock; unsaved text stays in memory until the next `load`."""
        self._forget_pending()
        self._remember_current()
        self.autosave.stop()
        self._action_drafts = {
            k: v for k, v in self._action_drafts.items() if v.description.strip()
        }
        self._store = None
        self._view = None
        self._show_locked_or_empty(
            "Casusoverleg is vergrendeld. Ontgrendel in het hoofdvenster om verder te gaan."
        )

    def _forget_pending(self) -> None:
        """Drop the results still on their way: they belong to what was on screen before."""
        ops.drop_pending(self)
        self._adding = False
        self.item_page.quick_add.add_button.setEnabled(True)

    def _show_locked_or_empty(self, text: str) -> None:
        self._filling = True
        try:
            self.jump_list.forget()
            self.attendance_page.clear_rows()
            self.item_page.clear()
        finally:
            self._filling = False
        self.header_label.setText("Vergadermodus")
        self.banner_label.hide()
        self.empty_label.setText(text)
        self.pages.setCurrentWidget(self.empty_label)
        self.position_label.clear()
        for widget in (self.previous_button, self.next_button, self.close_button):
            widget.setEnabled(False)
        self._update_status()

    def _show(self, view: MeetingModeView) -> None:
        self._view = view
        self.autosave.start({i.agenda_item.id: i.entry for i in view.items})
        self._outcomes = {
            i.agenda_item.id: (i.entry.outcome, i.entry.deferred_to) for i in view.items
        }
        self._show_meeting_state(view.meeting)
        self._show_attendance(view)
        self.item_page.set_writable(self.writable)
        self._index = min(self._index, len(view.items))
        self.jump_list.show_items(self.items, self._index, self.width())
        self._show_page(self._index, focus=True)
        # Typed text kept over a lock is on screen again: save it.
        self.autosave.save_kept()
        if not view.items:
            self.banner_label.setText(
                "Dit overleg heeft nog geen agenda; stel die eerst samen in Overleggen."
            )
            self.banner_label.show()

    def _show_meeting_state(self, meeting: MeetingInfo) -> None:
        """Header, window title, the banner (held, fixed, cancelled) and the close button."""
        when = f"{long_date(meeting.date)}, {meeting.start_time:%H:%M}"
        self.header_label.setText(f"{meeting.title} — {when}")
        self.setWindowTitle(f"Vergadermodus — {meeting.title} — {when}")
        banner = ""
        if meeting.status is MeetingStatus.GEANNULEERD:
            banner = "Dit overleg is geannuleerd; er kan geen verslag bij."
        elif meeting.minutes_status is MinutesStatus.VASTGESTELD:
            banner = "Het verslag van dit overleg is vastgesteld; u kunt het alleen lezen."
        elif meeting.status is MeetingStatus.GEHOUDEN:
            banner = "Dit overleg is al afgesloten; wijzigingen komen in het conceptverslag."
        self.banner_label.setText(banner)
        self.banner_label.setVisible(bool(banner))
        self.close_button.setEnabled(meeting.status is not MeetingStatus.GEANNULEERD)
        self.close_button.setText(
            "Verslag en actielijst…"
            if meeting.status is MeetingStatus.GEHOUDEN
            else "Overleg afsluiten…"
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Let the agenda list use the room a larger window has."""
        super().resizeEvent(event)
        self.jump_list.fit(self.width())

    def _item_saved(self, item_id: int) -> None:
        saved = self.autosave.saved_entries.get(item_id)
        if saved is not None:
            # Writing on an item makes it discussed (the store decides; this follows it).
            self._show_outcome(saved)
        self.jump_list.refresh(item_id)
        self.saved.emit(item_id)

    # Navigation -------------------------------------------------------------------------------

    def go_next(self) -> None:
        """The next agenda item (from attendance: the first)."""
        if self._view is not None and self._index < len(self._view.items):
            self.go_to(self._index + 1)

    def go_previous(self) -> None:
        """The previous agenda item (from the first: attendance)."""
        if self._view is not None and self._index > ATTENDANCE_PAGE:
            self.go_to(self._index - 1)

    def go_to(self, index: int) -> None:
        """Show page `index` (0 is attendance); what is typed is saved first."""
        if self._view is None or not 0 <= index <= len(self._view.items):
            return
        self.flush()
        self._index = index
        self._show_page(index, focus=True)

    def focus_jump_list(self) -> None:
        """Ctrl+J: the list of agenda items, to jump with the arrow keys."""
        self.jump_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _jump(self, row: int) -> None:
        if row >= 0 and row != self._index:
            focus_list = self.jump_list.hasFocus()
            self.go_to(row)
            if focus_list:
                self.jump_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remember_current(self) -> None:
        item = self.current_item
        if item is None:
            return
        page = self.item_page
        self.autosave.remember(item.id, page.text())
        draft = page.quick_add.draft()
        if draft.description.strip():
            self._action_drafts[item.id] = draft
        else:
            self._action_drafts.pop(item.id, None)

    def _show_page(self, index: int, *, focus: bool) -> None:
        view = self._view
        if view is None:
            return
        self.jump_list.choose(index)
        count = len(view.items)
        self.previous_button.setEnabled(index > ATTENDANCE_PAGE)
        self.next_button.setEnabled(index < count)
        if index == ATTENDANCE_PAGE:
            self.pages.setCurrentWidget(self.attendance_page)
            self.position_label.setText("Aanwezigheid")
            if focus:
                self.attendance_page.focus_first()
            self._update_status()
            return
        shown = view.items[index - 1]
        item = shown.agenda_item
        self.position_label.setText(f"Punt {item.position} van {count}")
        page = self.item_page
        self._filling = True
        try:
            page.show_item(item, count)
            page.show_outcome(*self._outcomes.get(item.id, (None, None)))
            page.set_text(self.autosave.text_of(item.id))
            if item.case_id is not None:
                page.show_history(shown.history)
            if item.kind is AgendaItemKind.VERSLAG:
                page.show_previous(view.previous, writable=self.writable)
            if item.kind is AgendaItemKind.ACTIELIJST:
                page.open_actions.show_actions(list(view.open_actions))
            meeting_date = self.meeting.date if self.meeting else None
            draft = self._action_drafts.get(item.id) or ActionDraft.first(
                item.presenter_id, meeting_date, self.attendance_page.attendance()
            )
            page.quick_add.set_draft(draft)
            page.quick_add.show_message("")
            page.quick_add.show_agreed([a for a in view.agreed if a.agenda_item_id == item.id])
        finally:
            self._filling = False
        page.show_review_problem(view.meeting.date, final=False)
        page.show_advice_problem()
        self.pages.setCurrentWidget(page)
        if focus:
            if item.kind is AgendaItemKind.ACTIELIJST and view.open_actions:
                page.open_actions.tree.setFocus(Qt.FocusReason.OtherFocusReason)
            elif self.writable:
                page.notes_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                page.notes_edit.moveCursor(page.notes_edit.textCursor().MoveOperation.End)
        self._update_status()

    # Saving as typed --------------------------------------------------------------------------

    def _edited(self) -> None:
        item = self.current_item
        if self._filling or item is None:
            return
        self.item_page.show_review_problem(self._meeting_date(), final=False)
        self.item_page.show_advice_problem()
        self.autosave.edited(item.id, self.item_page.text())

    def flush(self) -> None:
        """Save every agenda item whose typed text differs from the store, now."""
        self.autosave.flush()

    def _update_status(self) -> None:
        """The save indicator: saved, saving, or why not (in red, with a retry button)."""
        autosave = self.autosave
        self.retry_button.setVisible(bool(autosave.failed) and self._store is not None)
        if self._view is None:
            self.status_label.setText("")
            return
        self._set_status(*autosave.indicator({i.id: i.title for i in self.items}))

    def _set_status(self, text: str, colour: str) -> None:
        self.status_label.setText(text)
        set_colour(self.status_label, colour)

    def _say_not_done(self, what: str) -> Callable[[CasusoverlegError], None]:
        """A failure handler that says in the status line what did not happen, and why."""
        return lambda exc: self._set_status(f"{what}: {exc.message}", ERROR_COLOUR)

    # Attendance -------------------------------------------------------------------------------

    def _show_attendance(self, view: MeetingModeView) -> None:
        """The attendance rows as `view` has them; new actions may go to the people in it."""
        attendance = list(view.attendance)
        self.attendance_page.show_attendance(attendance, list(view.participants))
        self._keep_footer_last()
        self.item_page.quick_add.set_owners(attendance)

    def _attendance_chosen(self, participant_id: int, status: AttendanceStatus) -> None:
        store = self._store
        if store is None or self._view is None:
            return
        shown = self.attendance_page.attendance()
        role = next(a.role for a in shown if a.participant_id == participant_id)
        self.item_page.quick_add.set_owners(shown)
        meeting_id = self.meeting_id
        (
            StoreOp(
                self,
                store,
                lambda s: meetings.set_attendance(s, meeting_id, participant_id, role, status),
            )
            .success(self._attendance_stored)
            .failure(self._attendance_refused)
            .changes(Change.MEETINGS)
            .run()
        )

    def _attendance_stored(self, saved: AttendanceInfo) -> None:
        view = self._view
        if view is None:
            return
        attendance = tuple(
            saved if a.participant_id == saved.participant_id else a for a in view.attendance
        )
        self._view = replace(view, attendance=attendance)
        self.attendance_saved.emit(saved)

    def _attendance_refused(self, exc: CasusoverlegError) -> None:
        view = self._view
        if view is None:
            return
        self._show_attendance(view)  # back to what the store has
        self._set_status(f"Aanwezigheid niet opgeslagen: {exc.message}", ERROR_COLOUR)

    def _add_attendee(self, participant_id: int) -> None:
        store = self._store
        if store is None or self._view is None:
            return
        meeting_id = self.meeting_id
        (
            StoreOp(self, store, lambda s: meetings.set_attendance(s, meeting_id, participant_id))
            .success(self._attendee_added)
            .failure(self._say_not_done("Niet toegevoegd"))
            .changes(Change.MEETINGS)
            .run()
        )

    def _attendee_added(self, saved: AttendanceInfo) -> None:
        view = self._view
        if view is None:
            return
        self._view = view = replace(view, attendance=(*view.attendance, saved))
        self._show_attendance(view)
        self.attendance_page.row_of(saved.name).setFocus()
        self.attendance_saved.emit(saved)

    # Actions ----------------------------------------------------------------------------------

    def add_action(self) -> None:
        """Save the quick-add action of the current item (Enter)."""
        store, item, meeting = self._store, self.current_item, self.meeting
        box = self.item_page.quick_add
        if store is None or item is None or meeting is None or self._adding or not self.writable:
            return
        checked = box.checked()
        if checked is None:
            return
        description, owner_id, due = checked
        self._adding = True
        box.add_button.setEnabled(False)
        item_id, case_id = item.id, item.case_id

        def create(store: Store) -> ActionInfo:
            return actions.create_action(
                store,
                description=description,
                owner_id=owner_id,
                due_date=due,
                case_id=case_id,
                agenda_item_id=item_id,
            )

        def added(action: ActionInfo) -> None:
            self._action_added(item_id, description, action)

        (
            StoreOp(self, store, create)
            .success(added)
            .failure(lambda exc: box.show_message(f"Niet toegevoegd: {exc.message}", error=True))
            .finished(self._adding_ended)
            .changes(Change.ACTIONS)
            .run()
        )

    def _adding_ended(self) -> None:
        self._adding = False
        self.item_page.quick_add.add_button.setEnabled(True)

    def _action_added(self, item_id: int, description: str, action: ActionInfo) -> None:
        view = self._view
        if view is None:
            return
        self._view = view = replace(view, agreed=(*view.agreed, action))
        box = self.item_page.quick_add
        current = self.current_item
        if current is not None and current.id == item_id:
            if box.description_edit.text().strip() == description:
                box.description_edit.clear()
            box.show_agreed([a for a in view.agreed if a.agenda_item_id == item_id])
            box.show_message(f"Actiepunt toegevoegd voor {action.owner_name}.")
            box.description_edit.setFocus()
        elif (kept := self._action_drafts.get(item_id)) and kept.description.strip() == description:
            self._action_drafts.pop(item_id)
        if self.outcome_of(item_id) is None:
            # An action agreed on an item means it was discussed: the store derives it.
            self._set_outcome(item_id, None)
        self.action_added.emit(action)

    def _complete_action(self, action_id: int) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        on, meeting_id = meeting.date, meeting.id
        self._change_action(
            lambda store: actions.complete_action(
                store,
                action_id,
                done_on=on,
                note=f"Gereed gemeld in het overleg van {format_date(on)}.",
                meeting_id=meeting_id,  # the history says in which meeting
            )
        )

    def _reopen_action(self, action_id: int) -> None:
        meeting = self.meeting
        meeting_id = meeting.id if meeting is not None else None
        self._change_action(
            lambda store: actions.reopen_action(store, action_id, meeting_id=meeting_id)
        )

    def _change_action(self, change: Callable[[Store], ActionInfo]) -> None:
        store = self._store
        if store is None or self._view is None or not self.writable:
            return
        (
            StoreOp(self, store, change)
            .success(self._action_changed)
            .failure(self._say_not_done("Actiepunt niet gewijzigd"))
            .changes(Change.ACTIONS)
            .run()
        )

    def _action_changed(self, action: ActionInfo) -> None:
        view = self._view
        if view is None:
            return
        open_actions = tuple(action if a.id == action.id else a for a in view.open_actions)
        self._view = replace(view, open_actions=open_actions)
        self.item_page.open_actions.update_action(action)
        self.action_changed.emit(action)

    # Outcomes ---------------------------------------------------------------------------------

    def choose_outcome(self, outcome: ItemOutcome | None) -> None:
        """Geen bijzonderheden / doorschuiven / intrekken for the item on screen (None: undo)."""
        item = self.current_item
        if item is not None:
            self._set_outcome(item.id, outcome)

    def _set_outcome(self, item_id: int, outcome: ItemOutcome | None) -> None:
        store = self._store
        if store is None or not self.writable:
            return
        (
            StoreOp(self, store, lambda s: minutes.set_outcome(s, item_id, outcome))
            .success(self._show_outcome)
            .failure(self._say_not_done("Uitkomst niet opgeslagen"))
            .changes(Change.MINUTES)
            .run()
        )

    def _show_outcome(self, entry: EntryInfo) -> None:
        if self._view is None:
            return
        self._outcomes[entry.agenda_item_id] = (entry.outcome, entry.deferred_to)
        current = self.current_item
        if current is not None and current.id == entry.agenda_item_id:
            self.item_page.show_outcome(entry.outcome, entry.deferred_to)
        self.jump_list.refresh(entry.agenda_item_id)
        self.outcome_saved.emit(entry)

    # The previous minutes ---------------------------------------------------------------------

    def fix_previous_minutes(self) -> None:
        """Vaststellen: fix the previous meeting's concept minutes in this meeting."""
        store, view = self._store, self._view
        previous = view.previous if view else None
        if (
            store is None
            or previous is None
            or previous.minutes_status is not MinutesStatus.CONCEPT
        ):
            return
        note = self.item_page.fix_note_edit.toPlainText().strip()
        changes = "met de wijzigingen die u hebt opgeschreven" if note else "zonder wijzigingen"
        if not common.ask(
            self,
            "Verslag vaststellen",
            f"Het verslag van het overleg van {long_date(previous.date)} vaststellen, {changes}?",
            yes="Vaststellen",
            detail="Daarna kan het verslag alleen nog met een zichtbare correctie worden "
            "aangevuld.",
        ):
            return
        previous_id, meeting_id = previous.id, self.meeting_id
        note = self.item_page.fix_note_edit.toPlainText().strip()
        (
            StoreOp(
                self,
                store,
                lambda s: minutes.fix_minutes(s, previous_id, at_meeting_id=meeting_id, note=note),
            )
            .success(lambda _fixed: self._minutes_fixed(previous_id))
            .failure(self._say_not_done("Verslag niet vastgesteld"))
            .changes(Change.MINUTES | Change.MEETINGS)  # the meeting's minutes status
            .run()
        )

    def _minutes_fixed(self, previous_id: int) -> None:
        view = self._view
        if view is None or view.previous is None:
            return
        previous = replace(view.previous, minutes_status=MinutesStatus.VASTGESTELD)
        self._view = replace(view, previous=previous)
        self.item_page.show_previous(previous, writable=self.writable)
        # Adopting is what item 2 is for: it counts as discussed (the store did the same).
        for item in self.items:
            if item.kind is AgendaItemKind.VERSLAG:
                self._outcomes[item.id] = (ItemOutcome.BESPROKEN, None)
                self.jump_list.refresh(item.id)
                if self.current_item is not None and self.current_item.id == item.id:
                    self.item_page.show_outcome(ItemOutcome.BESPROKEN, None)
        self.minutes_fixed.emit(previous_id)

    def _view_previous(self) -> None:
        store, view = self._store, self._view
        if store is not None and view is not None and view.previous is not None:
            previews.preview_document(
                self, store, DocumentRequest(kind="minutes", meeting_id=view.previous.id)
            )

    # Closing ----------------------------------------------------------------------------------

    def document_requests(self) -> list[DocumentRequest]:
        """What closing the meeting produces: its minutes and the (open) action list."""
        return [
            DocumentRequest(kind="minutes", meeting_id=self.meeting_id),
            DocumentRequest(kind="actions", include_done=False),
        ]

    def close_meeting(self) -> None:
        """Overleg afsluiten: ask once (with a choice per case not reached), mark the meeting
        held with every untouched case deferred, offer minutes and action list."""
        store, meeting = self._store, self.meeting
        if store is None or meeting is None or meeting.status is MeetingStatus.GEANNULEERD:
            return
        self.flush()
        if meeting.status is MeetingStatus.GEHOUDEN:
            previews.offer_documents(self, store, self.document_requests())
            return
        meeting_id = self.meeting_id
        # Queued after the saves that flush() started: the single worker runs them first, so
        # the plan sees every note typed.
        (
            StoreOp(self, store, lambda s: minutes.closing_plan(s, meeting_id))
            .success(lambda plan: self._ask_closing(store, plan))
            .failure(self._say_not_done("Overleg niet afgesloten"))
            .run()
        )

    def _ask_closing(self, store: Store, plan: ClosingPlan) -> None:
        meeting = plan.meeting
        if self._store is not store or meeting.status is not MeetingStatus.GEPLAND:
            return
        detail = (
            "Daarna worden het verslag en de actielijst getoond, om te bewaren of af te drukken."
        )
        detail = self.unsaved_warning() + detail
        question = "Het overleg afsluiten en als gehouden vastleggen?"
        days_ahead = (meeting.date - self.today()).days
        if days_ahead > 0:
            # A meeting closed before its day is almost always the wrong meeting.
            question = (
                f"Dit overleg is gepland op {long_date(meeting.date)}, over "
                f"{days_ahead} {'dag' if days_ahead == 1 else 'dagen'}. Toch nu afsluiten en "
                "als gehouden vastleggen?"
            )
        chosen: dict[int, ItemOutcome] | None
        if plan.untouched:
            chosen = closing.ask_closing(self, question, detail, plan)
        else:
            yes = common.ask(
                self, "Overleg afsluiten", question, yes="Overleg afsluiten", detail=detail
            )
            chosen = {} if yes else None
        if chosen is None:
            return
        self.close_button.setEnabled(False)
        meeting_id = self.meeting_id

        def closed(info: MeetingInfo) -> None:
            self._meeting_closed(store, info)

        (
            StoreOp(self, store, lambda s: minutes.close_meeting(s, meeting_id, chosen))
            .success(closed)
            .failure(self._say_not_done("Overleg niet afgesloten"))
            .finished(lambda: self.close_button.setEnabled(self.meeting is not None))
            .changes(Change.MEETINGS | Change.MINUTES | Change.ACTIONS)
            .run()
        )

    def _meeting_closed(self, store: Store, info: MeetingInfo) -> None:
        view = self._view
        if view is None:
            return
        self._view = replace(view, meeting=info)
        self._show_meeting_state(info)
        # The outcomes closing set (deferred cases): read back, so the list shows them.
        item_ids = [i.id for i in self.items]

        def show(entries: dict[int, EntryInfo]) -> None:
            for entry in entries.values():
                self._show_outcome(entry)

        StoreOp(self, store, lambda s: minutes.get_entries(s, item_ids)).success(show).run()
        self.meeting_closed.emit(info.id)
        previews.offer_documents(self, store, self.document_requests())

    def ask_leave(self) -> None:
        """Escape: ask, then close the window (everything typed is saved first)."""
        self.flush()
        detail = "Het overleg blijft zoals het is; u kunt later verdergaan."
        detail = self.unsaved_warning() + detail
        if common.ask(
            self,
            "Vergadermodus verlaten",
            "De vergadermodus verlaten?",
            yes="Verlaten",
            detail=detail,
        ):
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save what is typed before the window goes; give up the claim on the minutes."""
        self.flush()
        self.claim.stop()
        self.left.emit()
        super().closeEvent(event)
