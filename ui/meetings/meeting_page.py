"""The right of Overleggen: the page of one meeting (heading, agenda builder, attendance).

The whole page comes from one read (`services.views.meeting_page`): the meeting, who attends,
the agenda and the proposal. A warning above it says when one of the four core teams has
nobody present. Attendance is saved here; the agenda builder saves the agenda itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import AttendanceStatus, MeetingRole, MeetingStatus
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import meetings
from casusoverleg.services.meetings import AttendanceInfo, MeetingInfo
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.store import Store
from casusoverleg.services.views import meeting_page as page_data

from ui import ops, style
from ui.common import plural
from ui.meetings.agenda.builder import AgendaBuilder
from ui.meetings.attendance import AttendancePanel
from ui.meetings.texts import meeting_heading, moved_from
from ui.ops import Change, StoreOp
from ui.widgets.flow import FlowLayout
from ui.widgets.heading import Heading
from ui.widgets.message import MessageLabel

# A red frame: the group should not meet without one of its core teams.
ALERT_STYLE = (
    "QFrame#aanwezigheidswaarschuwing { background: #fde7e9; border: 1px solid #d13438;"
    " border-radius: 4px; } QLabel { color: #6e0b12; }"
)
NO_MEETINGS = (
    "Er zijn nog geen overleggen. Plan een reeks met 'Nieuwe overlegreeks…' (Ctrl+N) of een los "
    "overleg met 'Extra overleg…'."
)
PAGE = "pagina"  # the key of the page's read, and of the changes it reads again after

AttendanceChange = tuple[int, MeetingRole, AttendanceStatus]  # participant id, role, status


def _selectable(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class MeetingPageWidget(QWidget):
    """The page of one meeting: date and place, moving and cancelling, agenda and attendance."""

    shown = Signal()  # the page of the chosen meeting is filled from the store

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._meeting: MeetingInfo | None = None
        self._participants: list[ParticipantInfo] = []

        self.heading = Heading()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)  # a long date wraps in a narrow page
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subheading = _selectable(QLabel())
        self.move_button = QPushButton("&Verplaatsen…")
        self.move_button.setToolTip("Dit overleg naar een andere dag of tijd verplaatsen")
        self.cancel_button = QPushButton("Overleg &annuleren…")
        self.cancel_button.setToolTip("Dit overleg laten vervallen (het blijft zichtbaar)")
        self.people_button = QPushButton("Vaste deelnemer&s…")
        self.people_button.setToolTip(
            "Vaste deelnemers en secretaris van de overlegreeks: zij staan op de agenda en "
            "krijgen de uitnodiging (.ics)"
        )
        self.mode_button = QPushButton("Vergader&modus ▶")
        self.mode_button.setToolTip("Dit overleg voeren: agendapunt voor agendapunt (Ctrl+M)")
        self.message_label = MessageLabel()

        self.alert = QFrame()
        self.alert.setObjectName("aanwezigheidswaarschuwing")
        self.alert.setStyleSheet(ALERT_STYLE)
        alert_icon = QLabel()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        size = self.fontMetrics().height() * 2
        alert_icon.setPixmap(icon.pixmap(size, size))
        self.alert_label = QLabel()
        self.alert_label.setWordWrap(True)
        alert_font = self.alert_label.font()
        alert_font.setBold(True)
        self.alert_label.setFont(alert_font)
        alert_row = QHBoxLayout(self.alert)
        alert_row.addWidget(alert_icon, 0, Qt.AlignmentFlag.AlignTop)
        alert_row.addWidget(self.alert_label, 1)
        self.alert.hide()

        self.builder = AgendaBuilder()
        self.attendance = AttendancePanel()
        self.attendance.model.edit_requested.connect(self._save_attendance)
        self.attendance.selection_changed.connect(self._update_buttons)
        self.attendance.add_person_button.clicked.connect(self.add_person)
        self.attendance.add_core_button.clicked.connect(self.add_core_teams)
        for status, button in self.attendance.status_buttons.items():
            button.clicked.connect(lambda _c=False, s=status: self.set_selected_status(s))
        self.attendance.remove_person_button.clicked.connect(self.remove_selected_people)

        self.page_tabs = QTabWidget()
        self.page_tabs.addTab(self.builder, "Agen&da")
        self.page_tabs.addTab(self.attendance, "Aanwe&zigheid")

        # The date on a line of its own, the buttons below it: beside them a page of 1280 px
        # wrapped "maandag 4 januari 2027, 09:30–11:30" onto four lines.
        header_buttons = QWidget()  # on two lines when the page is narrow (200 % text)
        flow = FlowLayout(header_buttons)
        for button in (self.move_button, self.cancel_button, self.people_button, self.mode_button):
            flow.addWidget(button)
        filled = QWidget()
        page_column = QVBoxLayout(filled)
        page_column.setContentsMargins(0, 0, 0, 0)
        page_column.addWidget(self.heading)
        page_column.addWidget(header_buttons)
        page_column.addWidget(self.subheading)
        page_column.addWidget(self.alert)
        page_column.addWidget(self.message_label)
        page_column.addWidget(self.page_tabs, 1)

        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(filled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.show_meeting(None, None)

    # Reading ----------------------------------------------------------------------------------

    @property
    def meeting(self) -> MeetingInfo | None:
        """The meeting whose page is shown."""
        return self._meeting

    def show_meeting(self, store: Store | None, meeting: MeetingInfo | None) -> None:
        """Show `meeting` at once as the list has it, and read its whole page in the background."""
        changed = meeting is None or self._meeting is None or self._meeting.id != meeting.id
        self._store = store
        self._meeting = meeting
        if changed:
            self.show_message("")
        if meeting is None or store is None:
            ops.drop_pending(self)
            self.empty_label.setText("" if store is None else NO_MEETINGS)
            self.stack.setCurrentIndex(0)
            self.attendance.clear()
            self.alert.hide()
            self._update_buttons()
            return
        self.stack.setCurrentIndex(1)
        self._show_heading(meeting)
        if changed:
            self.attendance.clear()
            self.alert.hide()
        self.builder.expect(meeting)
        self._update_buttons()
        self._read(store, meeting.id)

    def reload(self) -> None:
        """Read the shown meeting's page again."""
        if self._store is not None and self._meeting is not None:
            self._read(self._store, self._meeting.id)

    def _read(self, store: Store, meeting_id: int) -> None:
        StoreOp(self, store, lambda s: page_data.meeting_page(s, meeting_id)).key(PAGE).success(
            self._show_page
        ).failure(self._failed).run()

    def _failed(self, exc: CasusoverlegError) -> None:
        self.show_message(style.failed_because(exc), error=True)

    def _show_page(self, page: page_data.MeetingPage) -> None:
        store = self._store
        if store is None:
            return
        meeting = page.meeting
        self._meeting = meeting
        self._participants = page.participants
        self._show_heading(meeting)
        self.attendance.show_attendance(
            page.attendance, page.participants, editable=not meeting.cancelled
        )
        self._show_alert(meeting, page.attendance, page.missing_teams)
        present = sum(1 for a in page.attendance if a.status is AttendanceStatus.AANWEZIG)
        self.page_tabs.setTabText(1, f"Aanwe&zigheid ({present})")
        self.builder.show_page(store, page)
        self._update_buttons()
        self.shown.emit()

    def clear(self) -> None:
        """Show nothing (the store is being locked); results still on their way are dropped."""
        ops.drop_pending(self)
        self._participants = []
        self.builder.clear()
        self.show_meeting(None, None)

    # What is shown ----------------------------------------------------------------------------

    def _show_heading(self, meeting: MeetingInfo) -> None:
        self.heading.setText(meeting_heading(meeting))
        parts = [meeting.title]
        if meeting.location:
            parts.append(meeting.location)
        moved = moved_from(meeting)
        parts.append(f"{meeting.status.label}, {moved}" if moved else meeting.status.label)
        self.subheading.setText(" · ".join(parts))

    def _show_alert(
        self, meeting: MeetingInfo, attendance: list[AttendanceInfo], warning: str | None
    ) -> None:
        if warning is None or meeting.cancelled:
            self.alert.hide()
            return
        if not attendance:
            text = (
                "Er staat nog niemand op de presentielijst. Voeg deelnemers toe op het tabblad "
                "Aanwezigheid (of klik daar op 'Kernteams toevoegen')."
            )
        else:
            text = warning + " Elk van de vier kernteams hoort bij het overleg te zijn."
        self.alert_label.setText(text)
        self.alert.show()

    @property
    def attendance_alert(self) -> str:
        """The warning about missing teams, as shown ('' when none)."""
        return self.alert_label.text() if self.alert.isVisibleTo(self) else ""

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Say what happened (a result, or why something was not done) above the tabs."""
        self.message_label.show_message(text, error=error)

    @property
    def message(self) -> str:
        """The last message on the page ('' when none)."""
        return self.message_label.message

    def _update_buttons(self) -> None:
        meeting = self._meeting
        has_meeting = self._store is not None and meeting is not None
        planned = has_meeting and meeting is not None and meeting.status is MeetingStatus.GEPLAND
        editable = has_meeting and meeting is not None and not meeting.cancelled
        self.move_button.setEnabled(planned)
        self.cancel_button.setEnabled(planned)
        self.mode_button.setEnabled(editable)
        self.people_button.setEnabled(
            has_meeting and meeting is not None and bool(meeting.series_id)
        )
        on_list = self.attendance.model.participant_ids()
        self.attendance.update_buttons(
            editable=editable,
            core_to_add=any(p.team.is_core and p.id not in on_list for p in self._participants),
        )

    # Attendance -------------------------------------------------------------------------------

    def _save_attendance_many(self, changes: list[AttendanceChange], message: str = "") -> None:
        store, meeting = self._store, self._meeting
        if store is None or meeting is None or not changes:
            return

        def save(store: Store) -> None:
            for participant_id, role, status in changes:
                meetings.set_attendance(store, meeting.id, participant_id, role, status)

        # Under the page's key: once another meeting is chosen, this answer is not shown.
        StoreOp(self, store, save).key(PAGE).changes(Change.MEETINGS).success(
            lambda _none: self._attendance_saved(message)
        ).failure(self._attendance_refused).run()

    def _attendance_saved(self, message: str) -> None:
        self.show_message(message)
        self.reload()

    def _attendance_refused(self, exc: CasusoverlegError) -> None:
        self.show_message(style.failed_because(exc), error=True)
        self.reload()

    def _save_attendance(
        self, participant_id: int, role: MeetingRole, status: AttendanceStatus
    ) -> None:
        self._save_attendance_many([(participant_id, role, status)])

    def add_person(self) -> None:
        """Put the participant chosen in the combo box on the list, as present."""
        participant_id = self.attendance.chosen_person()
        if participant_id is not None:
            self._save_attendance_many(
                [(participant_id, MeetingRole.DEELNEMER, AttendanceStatus.AANWEZIG)]
            )

    def add_core_teams(self) -> None:
        """Put everyone of the four core teams who is not on the list yet on it, as present."""
        on_list = self.attendance.model.participant_ids()
        new = [
            (p.id, MeetingRole.DEELNEMER, AttendanceStatus.AANWEZIG)
            for p in self._participants
            if p.team.is_core and p.archived_on is None and p.id not in on_list
        ]
        self._save_attendance_many(
            new, f"{plural(len(new), 'deelnemer', 'deelnemers')} op de lijst gezet."
        )

    def set_selected_status(self, status: AttendanceStatus) -> None:
        """Mark the selected people present, excused or absent."""
        self._save_attendance_many(
            [(a.participant_id, a.role, status) for a in self.attendance.selected_people()]
        )

    def remove_selected_people(self) -> None:
        """Take the selected people off the list (invited by mistake)."""
        store, meeting = self._store, self._meeting
        chosen = self.attendance.selected_people()
        if store is None or meeting is None or not chosen:
            return

        def remove(store: Store) -> None:
            for person in chosen:
                meetings.remove_attendance(store, meeting.id, person.participant_id)

        StoreOp(self, store, remove).key(PAGE).changes(Change.MEETINGS).success(
            lambda _none: self.reload()
        ).failure(self._attendance_refused).run()
