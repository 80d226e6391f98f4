"""Overleggen: the meetings on the left, the page of the chosen meeting on the right.

The section reads the list (one read), opens the page of the meeting chosen in it (the page
reads itself, in one read), and plans, moves and cancels meetings, after which it reads the
list again and says what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from casusoverleg.domain.enums import MeetingStatus
from casusoverleg.domain.recurrence import Region, school_holidays
from casusoverleg.services import agenda, meetings
from casusoverleg.services.meetings import MeetingInfo, SeriesInfo
from casusoverleg.services.settings import Settings
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_page import MeetingList, meeting_list

from ui import common, ops, style
from ui.common import long_date, plural
from ui.meetings.meeting_dialog import MeetingDialog
from ui.meetings.meeting_list import MeetingListWidget
from ui.meetings.meeting_page import MeetingPageWidget
from ui.meetings.series_dialog import SeriesDialog
from ui.meetings.series_people import SeriesPeopleDialog
from ui.meetings.texts import meeting_heading
from ui.ops import Change, StoreOp

LIST = "lijst"  # the key of the list's read
COUNTS = "tellingen"  # the key of the agenda counts' read


def _load(store: Store) -> MeetingList:
    loaded = meeting_list(store)
    # The series dialog previews on the GUI thread; the holiday tables (read from files once)
    # are loaded here, so that its first preview is instant too.
    with suppress(ValueError):
        school_holidays(loaded.today.year, Region(loaded.settings.region))
    return loaded


class MeetingsView(QWidget):
    """The Overleggen screen: series, meetings (list and month), and the meeting page."""

    # The changes after which this screen loads again (see ui.ops).
    reload_on = (
        Change.MEETINGS
        | Change.AGENDA
        | Change.MINUTES
        | Change.ACTIONS
        | Change.CASES
        | Change.PEOPLE
    )

    loaded = Signal()  # series and meetings are shown
    meeting_shown = Signal()  # the page of the selected meeting is filled
    open_meeting_mode = Signal(int)  # meeting id: run this meeting in meeting mode
    open_case = Signal(int)  # case id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._settings = Settings()
        self._notice = ""  # said once the list is read again after a change
        self._when_accepted: Callable[[MeetingDialog], None] | None = None
        self.series_dialog: SeriesDialog | None = None
        self.people_dialog: SeriesPeopleDialog | None = None
        self.meeting_dialog: MeetingDialog | None = None

        self.list = MeetingListWidget()
        self.list.meeting_chosen.connect(self._meeting_chosen)
        self.list.new_series_button.clicked.connect(self.new_series)
        self.list.extra_button.clicked.connect(self.new_extra_meeting)
        self.page = MeetingPageWidget()
        self.page.shown.connect(self.meeting_shown.emit)
        self.page.move_button.clicked.connect(self.move_meeting)
        self.page.cancel_button.clicked.connect(self.cancel_meeting)
        self.page.mode_button.clicked.connect(self._open_mode)
        self.page.people_button.clicked.connect(self.edit_series_people)
        self.page.builder.open_case.connect(self.open_case.emit)
        self.page.builder.changed.connect(self._agenda_changed)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("overleggen")
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(self.page)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([self.list.width_hint(), 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        for keys, slot in (
            (QKeySequence(QKeySequence.StandardKey.New), self.new_series),
            (QKeySequence("Ctrl+M"), self._open_mode),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._update_buttons()

    # Loading ------------------------------------------------------------------------------------

    def load(self, store: Store) -> None:
        """Read series, meetings and settings of `store` in the background."""
        self._store = store
        self.list.show_loading()
        self._update_buttons()
        StoreOp(self, store, _load).key(LIST).success(self._loaded).failure(
            self.list.show_failure
        ).run()

    def _loaded(self, loaded: MeetingList) -> None:
        self._settings = loaded.settings
        self.list.show_list(loaded)  # opens the page of the chosen meeting
        if self._notice:
            self.page.show_message(self._notice)
            self._notice = ""
        self.loaded.emit()

    def clear(self) -> None:
        """Drop everything shown (the store is being locked); the selected meeting is kept."""
        self._store = None
        ops.drop_pending(self)
        if self.series_dialog is not None:
            self.series_dialog.forget_store()
        if self.people_dialog is not None:
            self.people_dialog.forget_store()
            self.people_dialog = None
        if self.meeting_dialog is not None:
            self.meeting_dialog.reject()
        self.series_dialog = self.meeting_dialog = None
        self.list.clear()
        self.page.clear()
        self._update_buttons()

    def reload(self) -> None:
        """Read everything again (after a change), keeping the selected meeting."""
        if self._store is not None:
            self.load(self._store)

    def show_meeting(self, meeting_id: int) -> None:
        """Select a meeting (from the overview, say); after the next load if not shown yet."""
        self.list.select(meeting_id)

    @property
    def selected_meeting(self) -> MeetingInfo | None:
        """The meeting whose page is shown."""
        return self.page.meeting

    @property
    def message(self) -> str:
        """The last message on the meeting page ('' when none)."""
        return self.page.message

    def _meeting_chosen(self, meeting: MeetingInfo | None) -> None:
        self.page.show_meeting(self._store, meeting)

    def _agenda_changed(self) -> None:
        # Only the agenda column changed: count again without reading the page again.
        if self._store is not None:
            StoreOp(self, self._store, agenda.agenda_counts).key(COUNTS).success(
                self.list.set_counts
            ).failure(self.list.show_failure).run()

    def _update_buttons(self) -> None:
        has_store = self._store is not None
        self.list.new_series_button.setEnabled(has_store)
        self.list.extra_button.setEnabled(has_store)

    def _open_mode(self) -> None:
        meeting = self.page.meeting
        if meeting is not None and self._store is not None and not meeting.cancelled:
            self.open_meeting_mode.emit(meeting.id)

    # Changing meetings ------------------------------------------------------------------------

    def _change_meeting(
        self, op: Callable[[Store], MeetingInfo], message: str, *, select: bool = False
    ) -> None:
        """Plan, move or cancel a meeting; then read the list again and say `message`."""
        store = self._store
        if store is None:
            return

        def done(info: MeetingInfo) -> None:
            if select:
                self.list.remember(info.id)
            self._notice = message
            self.reload()

        StoreOp(self, store, op).changes(Change.MEETINGS).success(done).failure(
            lambda exc: self.page.show_message(style.failed_because(exc), error=True)
        ).run()

    def new_series(self) -> None:
        """Open the dialog for a new series (Ctrl+N)."""
        store = self._store
        if store is None or self.series_dialog is not None:
            return
        try:
            region = Region(self._settings.region)
        except ValueError:
            region = Region.NOORD
        dialog = SeriesDialog(
            store, region=region, minutes=self._settings.default_meeting_minutes, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._series_created)
        dialog.finished.connect(self._dialog_closed)
        self.series_dialog = dialog
        dialog.open()

    def edit_series_people(self) -> None:
        """Open the standing participants and secretary of the shown meeting's series."""
        store, meeting = self._store, self.page.meeting
        if store is None or meeting is None or meeting.series_id is None:
            return
        series = self.list.series(meeting.series_id)
        if series is None or self.people_dialog is not None:
            return
        dialog = SeriesPeopleDialog(store, series, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._series_people_saved)
        dialog.finished.connect(self._dialog_closed)
        self.people_dialog = dialog
        dialog.open()

    def _series_people_saved(self) -> None:
        self._notice = "Vaste deelnemers en secretaris van de overlegreeks opgeslagen."
        self.reload()

    # The dialogs' signals go to methods, not to lambdas that hold this screen: a lambda would
    # keep it alive until the dialog is deleted, and then let it go in the middle of that.
    def _dialog_closed(self) -> None:
        closed = self.sender()
        if closed is self.series_dialog:
            self.series_dialog = None
        if closed is self.people_dialog:
            self.people_dialog = None
        if closed is self.meeting_dialog:
            self.meeting_dialog = None
            self._when_accepted = None

    def _meeting_dialog_accepted(self) -> None:
        dialog, then = self.meeting_dialog, self._when_accepted
        if dialog is not None and then is not None:
            then(dialog)

    def _series_created(self, info: SeriesInfo) -> None:
        self._notice = (
            f"Overlegreeks '{info.name}' opgeslagen met "
            f"{plural(info.meeting_count, 'overleg', 'overleggen')}."
        )
        self.list.remember(None)
        self.list.show_all_series()
        self.reload()

    def new_extra_meeting(self) -> None:
        """Plan one meeting outside the series."""
        if self._store is None or self.meeting_dialog is not None:
            return
        shown = self.page.meeting
        dialog = MeetingDialog(
            "Extra overleg",
            on=self.list.today,
            start=shown.start_time if shown else time(9, 30),
            minutes=shown.minutes if shown else self._settings.default_meeting_minutes,
            location=shown.location if shown else "",
            note="Een extra overleg hoort bij geen reeks; wijzigingen van een reeks laten het "
            "ongemoeid.",
            ok_text="Overleg plannen",
            parent=self,
        )

        def accepted(dialog: MeetingDialog) -> None:
            on, start = dialog.chosen_date(), dialog.chosen_time()
            minutes = dialog.minutes_spin.value() if dialog.minutes_spin else 120
            location = dialog.location_edit.text() if dialog.location_edit else ""
            self._change_meeting(
                lambda store: meetings.add_meeting(store, on, start, minutes, location=location),
                f"Extra overleg gepland op {long_date(on)} om {start:%H:%M}.",
                select=True,
            )

        self._open_dialog(dialog, accepted)

    def _open_dialog(
        self, dialog: MeetingDialog, accepted: Callable[[MeetingDialog], None]
    ) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._meeting_dialog_accepted)
        dialog.finished.connect(self._dialog_closed)
        self.meeting_dialog = dialog
        self._when_accepted = accepted
        dialog.open()

    def move_meeting(self) -> None:
        """Move the selected meeting to another day or time."""
        meeting = self.page.meeting
        if self._store is None or meeting is None or self.meeting_dialog is not None:
            return
        if meeting.status is not MeetingStatus.GEPLAND:
            return
        dialog = MeetingDialog(
            "Overleg verplaatsen",
            on=meeting.date,
            start=meeting.start_time,
            note=f"Het overleg van {meeting_heading(meeting)} verplaatsen. Stuur daarna de "
            "uitnodiging (.ics) opnieuw: agenda's van de deelnemers werken de afspraak dan bij.",
            ok_text="Verplaatsen",
            parent=self,
        )

        def accepted(dialog: MeetingDialog) -> None:
            on, start = dialog.chosen_date(), dialog.chosen_time()
            self._change_meeting(
                lambda store: meetings.move_meeting(store, meeting.id, on, start),
                f"Overleg verplaatst naar {long_date(on)} om {start:%H:%M}.",
            )

        self._open_dialog(dialog, accepted)

    def cancel_meeting(self) -> None:
        """Cancel the selected meeting, after asking; it stays listed as cancelled."""
        meeting = self.page.meeting
        if self._store is None or meeting is None or meeting.status is not MeetingStatus.GEPLAND:
            return
        if not common.ask(
            self,
            "Overleg annuleren",
            f"Wilt u het overleg van {meeting_heading(meeting)} annuleren?",
            yes="Overleg annuleren",
            detail="Het overleg blijft in de lijst staan als geannuleerd; de agenda kan dan niet "
            "meer worden gewijzigd. Stuur de uitnodiging (.ics) opnieuw, dan verdwijnt het uit "
            "de agenda's van de deelnemers.",
        ):
            return
        self._change_meeting(
            lambda store: meetings.cancel_meeting(store, meeting.id),
            f"Het overleg van {long_date(meeting.date)} is geannuleerd.",
        )
