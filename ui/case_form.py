"""The case form: gegevens, bespreekhistorie, actiepunten and logboek of one case (or a new one).

Typed text is never lost: a failed save leaves every field as it was and says why, and when the
store locks the form keeps unsaved values in memory (not on screen, not on disk) and puts them
back after the next unlock.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.deadlines import renewal_deadline
from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.domain.leerplicht import leerplicht_status
from casusoverleg.domain.retention import retention_date
from casusoverleg.domain.review import REVIEW_LABEL
from casusoverleg.domain.thuiszitter import ThuiszitterSignal, thuiszitter_signal, weeks_absent
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import actions, audit, cases, minutes, people
from casusoverleg.services.actions import ActionInfo
from casusoverleg.services.audit import AuditEntry
from casusoverleg.services.cases import CaseInput, CaseRecord, ValidationError
from casusoverleg.services.minutes import HistoryEntry
from casusoverleg.services.people import ParticipantInfo
from casusoverleg.services.store import Store

from ui import tasks
from ui.common import format_date, long_date, plural
from ui.widgets.date_field import DateField

# The fields of a case in screen order: (name, label with mnemonic).
FIELDS = (
    ("case_number", "Casus&nummer"),
    ("first_name", "&Voornaam"),
    ("last_name", "&Achternaam"),
    ("birth_date", "Geboorte&datum"),
    ("school", "Sc&hool"),
    ("ground", "G&rond"),
    ("status", "S&tatus"),
    ("owner_id", "&Casushouder"),
    ("registered_on", "Aangemeld &op"),
    ("absent_since", "Thuis s&inds"),
    ("review_date", "Herb&eoordeling"),
    ("exemption_until", "Vri&jstelling tot"),
    ("notes", "Notities"),
)
# Alt+B and Alt+G open the main window's menus, so no mnemonic here uses those letters.
DATE_FIELDS = ("birth_date", "registered_on", "absent_since", "review_date", "exemption_until")
TEXT_FIELDS = ("case_number", "first_name", "last_name", "school")
TAB_DETAILS, TAB_HISTORY, TAB_ACTIONS, TAB_LOG = range(4)

# What a form holds, as the widgets show it: raw text for text and date fields, the chosen
# value for combos. Unsaved values are kept in this form while the store is locked.
FormState = dict[str, str]

ERROR_COLOUR = "#b00020"
ACTION_COLUMNS = ("Actiepunt", "Wie", "Organisatie", "Uiterlijk", "Status", "Gereed op", "Notitie")
LOG_COLUMNS = (
    "Wanneer",
    "Account",
    "Werkplek",
    "Handeling",
    "Onderdeel",
    "Resultaat",
    "Toelichting",
)


def record_state(record: CaseRecord) -> FormState:
    """The form state that shows `record` as stored."""
    return {
        "case_number": record.case_number,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "birth_date": format_date(record.birth_date),
        "school": record.school,
        "ground": str(record.ground),
        "status": str(record.status),
        "owner_id": "" if record.owner_id is None else str(record.owner_id),
        "registered_on": format_date(record.registered_on),
        "absent_since": format_date(record.absent_since),
        "review_date": format_date(record.review_date),
        "exemption_until": format_date(record.exemption_until),
        "notes": record.notes,
    }


def new_case_state(today: date) -> FormState:
    """The form state of a new case: registered today, status aangemeld, the rest empty."""
    state = dict.fromkeys((name for name, _label in FIELDS), "")
    state["status"] = str(CaseStatus.AANGEMELD)
    state["registered_on"] = format_date(today)
    return state


@dataclass
class _Extras:
    """What the other three tabs show."""

    history: list[HistoryEntry]
    actions: list[ActionInfo]
    events: list[AuditEntry]


def _read_only_table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _cell(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tooltip or text)
    return item


class CaseForm(QWidget):
    """One case in four tabs; `open_case` shows a stored case, `new_case` an empty one."""

    loaded = Signal()  # the case (or the empty form) is on screen
    extras_loaded = Signal()  # bespreekhistorie, actiepunten and logboek are filled
    saved = Signal(object)  # CaseRecord, after a successful save
    save_failed = Signal(str)  # why (Dutch)
    back_requested = Signal()  # "← Terug naar de lijst"
    close_requested = Signal(int)  # "Casus afsluiten…" for this case id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._active = False  # a case or a new case is open in the form (also while locked)
        self._case_id: int | None = None
        self._record: CaseRecord | None = None
        self._baseline: FormState = {}
        self._draft: FormState | None = None  # unsaved values kept while the store is locked
        self._draft_focus = ""  # the field the cursor was in when the store locked
        self._filling = True  # until every widget exists: building fires change signals
        self._saving = False
        self._generation = 0
        self._participants: list[ParticipantInfo] = []

        self.back_button = QPushButton("← Terug naar de lijst")
        self.back_button.setToolTip("Terug naar de lijst (Alt+Links)")
        self.back_button.clicked.connect(self.back_requested.emit)
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton("Casus afsluiten…")
        self.close_button.clicked.connect(self._request_close)
        self.save_button = QPushButton("Opslaan")
        self.save_button.setToolTip("Opslaan (Ctrl+S)")
        self.save_button.clicked.connect(lambda: self.save())
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(12)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.close_button)
        header.addWidget(self.save_button)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._details_page(), "Gegeven&s")
        self.history_view = QTextBrowser()
        self.history_view.setOpenLinks(False)
        self.tabs.addTab(self.history_view, "Bes&preekhistorie")
        self.actions_table = _read_only_table(ACTION_COLUMNS)
        self.actions_table.setObjectName("casus-actiepunten")
        self.actions_empty = QLabel()
        self.tabs.addTab(self._with_empty_label(self.actions_table, self.actions_empty), "")
        self.log_table = _read_only_table(LOG_COLUMNS)
        self.log_table.setObjectName("casus-logboek")
        self.tabs.addTab(self.log_table, "&Logboek")
        self._set_tab_titles(None, None)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)

        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(lambda: self.save())
        back = QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back_requested.emit)

        self._set_column_widths()
        self._filling = False
        self._show_nothing()

    # Building ---------------------------------------------------------------------------------

    def _details_page(self) -> QWidget:
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.case_number_edit = QLineEdit()
        self.first_name_edit = QLineEdit()
        self.last_name_edit = QLineEdit()
        self.school_edit = QLineEdit()
        self.ground_combo = QComboBox()
        self.status_combo = QComboBox()
        self.owner_combo = QComboBox()
        self.dates = {name: DateField() for name in DATE_FIELDS}
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        for name, edit in (
            ("case_number", self.case_number_edit),
            ("first_name", self.first_name_edit),
            ("last_name", self.last_name_edit),
            ("school", self.school_edit),
        ):
            edit.setMaxLength(40 if name == "case_number" else 200)
            edit.textEdited.connect(self._edited)
            self.inputs[name] = edit
        for name, combo in (
            ("ground", self.ground_combo),
            ("status", self.status_combo),
            ("owner_id", self.owner_combo),
        ):
            combo.currentIndexChanged.connect(self._edited)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            self.inputs[name] = combo
        for name, field in self.dates.items():
            field.edited.connect(self._edited)
            field.edit.editingFinished.connect(lambda name=name: self._check_date(name))
            self.inputs[name] = field
        self.notes_edit.textChanged.connect(self._edited)
        self.inputs["notes"] = self.notes_edit

        self.ground_combo.addItem("Kies een grond…", "")
        for ground in ExemptionGround:
            self.ground_combo.addItem(ground.label, str(ground))
        self.case_number_edit.setPlaceholderText("wordt automatisch toegekend")
        self.absent_hint = "eerste dag dat het kind niet meer op school was"
        self.dates["absent_since"].edit.setToolTip(self.absent_hint)

        labels = dict(FIELDS)
        child = QGroupBox("Kind")
        child_form = self._form_layout(child)
        for name in ("case_number", "first_name", "last_name", "birth_date", "school"):
            self._add_row(child_form, name, labels[name])
        case = QGroupBox("Casus")
        case_form = self._form_layout(case)
        for name in (
            "ground",
            "status",
            "owner_id",
            "registered_on",
            "absent_since",
            "review_date",
            "exemption_until",
        ):
            self._add_row(case_form, name, labels[name])

        notes = QGroupBox("Notities")
        notes_layout = QVBoxLayout(notes)
        notes_layout.addWidget(self.notes_edit)
        self.errors["notes"] = self._error_label()
        notes_layout.addWidget(self.errors["notes"])

        signals = QGroupBox("Signalen (berekend, niet te wijzigen)")
        self.signal_labels: dict[str, QLabel] = {}
        signal_form = self._form_layout(signals)
        for key, text in (
            ("leerplicht", "Leerplicht"),
            ("renewal", "Verlengen vóór"),
            ("thuiszitter", "Thuiszitter"),
            ("retention", "Bewaren tot"),
        ):
            label = QLabel()
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.signal_labels[key] = label
            signal_form.addRow(text + ":", label)

        grid = QGridLayout()
        grid.addWidget(child, 0, 0)
        grid.addWidget(case, 0, 1)
        grid.addWidget(notes, 1, 0)
        grid.addWidget(signals, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)

        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        return scroll

    @staticmethod
    def _form_layout(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return form

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {ERROR_COLOUR};")
        label.hide()
        return label

    def _add_row(self, form: QFormLayout, name: str, label_text: str) -> None:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.inputs[name])
        self.errors[name] = self._error_label()
        column.addWidget(self.errors[name])
        label = QLabel(label_text + ":")
        label.setBuddy(self.dates[name].edit if name in self.dates else self.inputs[name])
        form.addRow(label, holder)

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
        metrics = self.fontMetrics()
        char = metrics.averageCharWidth()
        day = metrics.horizontalAdvance("00-00-0000") + 16
        moment = metrics.horizontalAdvance("00-00-0000 00:00:00") + 16
        for table, widths in (
            (self.actions_table, (char * 44, char * 20, char * 28, day, char * 10, day)),
            (self.log_table, (moment, char * 14, char * 18, char * 16, char * 14, char * 10)),
        ):
            for column, width in enumerate(widths):
                header = table.model().headerData(column, Qt.Orientation.Horizontal)
                title = metrics.horizontalAdvance(str(header))
                table.setColumnWidth(column, max(width, title + 24))

    def _set_tab_titles(self, history: int | None, actions: int | None) -> None:
        self.tabs.setTabText(
            TAB_HISTORY, "Bes&preekhistorie" + (f" ({history})" if history else "")
        )
        self.tabs.setTabText(TAB_ACTIONS, "Actiep&unten" + (f" ({actions})" if actions else ""))

    # State ------------------------------------------------------------------------------------

    @property
    def case_id(self) -> int | None:
        """The id of the open case; None for a new, unsaved case or when nothing is open."""
        return self._case_id

    @property
    def is_active(self) -> bool:
        """Whether a case (or a new case) is open in the form."""
        return self._active

    @property
    def is_saving(self) -> bool:
        """Whether a save is running."""
        return self._saving

    def state(self) -> FormState:
        """The values on screen (raw text for text and date fields)."""
        return {
            "case_number": self.case_number_edit.text(),
            "first_name": self.first_name_edit.text(),
            "last_name": self.last_name_edit.text(),
            "birth_date": self.dates["birth_date"].text(),
            "school": self.school_edit.text(),
            "ground": self.ground_combo.currentData() or "",
            "status": self.status_combo.currentData() or "",
            "owner_id": self.owner_combo.currentData() or "",
            "registered_on": self.dates["registered_on"].text(),
            "absent_since": self.dates["absent_since"].text(),
            "review_date": self.dates["review_date"].text(),
            "exemption_until": self.dates["exemption_until"].text(),
            "notes": self.notes_edit.toPlainText(),
        }

    def _set_state(self, state: FormState) -> None:
        self._filling = True
        try:
            for name in TEXT_FIELDS:
                edit = self.inputs[name]
                assert isinstance(edit, QLineEdit)
                if edit.text() != state.get(name, ""):
                    edit.setText(state.get(name, ""))
            for name in DATE_FIELDS:
                if self.dates[name].text() != state.get(name, ""):
                    self.dates[name].set_text(state.get(name, ""))
            for name in ("ground", "status", "owner_id"):
                combo = self.inputs[name]
                assert isinstance(combo, QComboBox)
                combo.setCurrentIndex(max(0, combo.findData(state.get(name, ""))))
            if self.notes_edit.toPlainText() != state.get("notes", ""):
                self.notes_edit.setPlainText(state.get("notes", ""))
        finally:
            self._filling = False
        self._edited()

    def is_dirty(self) -> bool:
        """Whether the form holds typed values that are not saved."""
        if self._draft is not None:
            return True
        return self._active and bool(self._baseline) and self.state() != self._baseline

    def _edited(self) -> None:
        if self._filling:
            return
        dirty = self.is_dirty()
        ready = self._active and self.tabs.isEnabled() and not self._saving
        self.save_button.setEnabled(ready and dirty)
        self.close_button.setEnabled(
            self._record is not None
            and self._record.status != CaseStatus.AFGESLOTEN
            and not dirty
            and not self._saving
        )
        self.close_button.setToolTip(
            "Sla eerst de wijzigingen op" if dirty else "Zet de casus op afgesloten"
        )
        self._update_title(dirty)
        self._update_signals()

    def _update_title(self, dirty: bool) -> None:
        if not self._active:
            self.title_label.setText("")
            return
        if self._record is None:
            title = "Nieuwe casus"
        else:
            title = f"Casus {self._record.case_number} — {self._record.full_name}"
            if self._record.status == CaseStatus.AFGESLOTEN:
                closed = format_date(self._record.closed_on)
                title += f" (afgesloten{' op ' + closed if closed else ''})"
        self.title_label.setText(title + (" •" if dirty else ""))
        self.title_label.setToolTip("Niet opgeslagen wijzigingen" if dirty else "")

    def _update_signals(self) -> None:
        today = date.today()
        try:
            birth = self.dates["birth_date"].value()
        except ValueError:
            birth = None
        try:
            absent = self.dates["absent_since"].value()
        except ValueError:
            absent = None
        ground_value = self.ground_combo.currentData()
        ground = ExemptionGround(ground_value) if ground_value else None
        unknown = "— (vul de geboortedatum in)"
        if birth is None:
            self.signal_labels["leerplicht"].setText(unknown)
            self.signal_labels["retention"].setText(unknown)
        else:
            self.signal_labels["leerplicht"].setText(leerplicht_status(birth, today).label)
            self.signal_labels["retention"].setText(long_date(retention_date(birth)))
        deadline = renewal_deadline(ground, today) if ground else None
        self.signal_labels["renewal"].setText(
            long_date(deadline) if deadline else "niet van toepassing (alleen art. 5)"
        )
        if ground != ExemptionGround.THUISZITTER:
            self.signal_labels["thuiszitter"].setText("niet van toepassing")
        elif absent is None:
            self.signal_labels["thuiszitter"].setText("— (vul 'thuis sinds' in)")
        else:
            signal = thuiszitter_signal(absent, today)
            weeks = plural(weeks_absent(absent, today), "week", "weken")
            text = f"{signal.label} ({weeks} thuis)"
            if signal == ThuiszitterSignal.GEEN:
                text = f"nog geen signaal ({weeks} thuis)"
            self.signal_labels["thuiszitter"].setText(text)

    # Opening, loading, locking ----------------------------------------------------------------

    def open_case(self, store: Store, case_id: int) -> None:
        """Show a stored case (its opening is logged by the service)."""
        self._start(store, case_id)

    def new_case(self, store: Store) -> None:
        """Show an empty form for a new case."""
        self._start(store, None)

    def _start(self, store: Store, case_id: int | None) -> None:
        self._store = store
        self._active = True
        self._case_id = case_id
        self._record = None
        self._draft = None
        self._baseline = {}
        self._show_nothing()
        self.tabs.setCurrentIndex(TAB_DETAILS)
        self._fetch()

    def _show_nothing(self) -> None:
        """Empty every widget (no case data left on screen)."""
        self._filling = True
        try:
            for name in TEXT_FIELDS:
                edit = self.inputs[name]
                assert isinstance(edit, QLineEdit)
                edit.clear()
            for field in self.dates.values():
                field.set_text("")
            self.notes_edit.clear()
            self.ground_combo.setCurrentIndex(0)
            self.status_combo.clear()
            self.owner_combo.clear()
        finally:
            self._filling = False
        for label in self.errors.values():
            label.clear()
            label.hide()
        self._show_message("")
        self._clear_extras()
        self._participants = []
        self.tabs.setEnabled(False)
        self._edited()

    def _clear_extras(self) -> None:
        self.history_view.clear()
        self.actions_table.setRowCount(0)
        self.actions_empty.setText("")
        self.actions_empty.hide()
        self.log_table.setRowCount(0)
        self._set_tab_titles(None, None)

    def load(self, store: Store) -> None:
        """Fill the form again after an unlock (the open case, with any unsaved values)."""
        self._store = store
        if self._active:
            self._fetch()

    def clear(self) -> None:
        """Empty the screen for a lock; unsaved values stay in memory until the next `load`."""
        self._generation += 1
        if self._active and self._draft is None and self.is_dirty():
            self._draft = self.state()
            self._draft_focus = self._focused_field()
        self._store = None
        self._record = None
        self._baseline = {}
        self._show_nothing()

    def _focused_field(self) -> str:
        focus = QApplication.focusWidget()
        for name, widget in self.inputs.items():
            if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
                return name
        return ""

    def close_form(self) -> None:
        """Forget the open case and any unsaved values (the user chose to leave it)."""
        self._generation += 1
        self._active = False
        self._case_id = None
        self._record = None
        self._draft = None
        self._baseline = {}
        self._show_nothing()

    def _fetch(self) -> None:
        store = self._store
        if store is None:
            return
        self._generation += 1
        generation = self._generation
        case_id = self._case_id
        self._show_message("De casus wordt geladen…" if case_id else "")

        def fetch() -> tuple[list[ParticipantInfo], CaseRecord | None]:
            participants = people.list_participants(store, include_archived=True)
            return participants, cases.get_case(store, case_id) if case_id else None

        def done(result: tuple[list[ParticipantInfo], CaseRecord | None]) -> None:
            if generation != self._generation:
                return
            participants, record = result
            self._fill(participants, record)
            self.loaded.emit()
            if record is not None:
                self._fetch_extras()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self._show_message(f"De casus kon niet worden geladen: {exc.message}", error=True)

        tasks.run_in_background(fetch, done, failed)

    def _fill(self, participants: list[ParticipantInfo], record: CaseRecord | None) -> None:
        self._record = record
        self._participants = participants
        self._filling = True
        try:
            self.status_combo.clear()
            current_status = record.status if record else CaseStatus.AANGEMELD
            for status in CaseStatus:
                # Closing is its own step (it sets the closing date): "Casus afsluiten…".
                if status != CaseStatus.AFGESLOTEN or status == current_status:
                    self.status_combo.addItem(status.label, str(status))
            self.owner_combo.clear()
            self.owner_combo.addItem("Geen casushouder", "")
            owner = record.owner_id if record else None
            for person in participants:
                if person.archived_on is None:
                    self.owner_combo.addItem(person.label, str(person.id))
                elif person.id == owner:
                    self.owner_combo.addItem(f"{person.label} (gearchiveerd)", str(person.id))
        finally:
            self._filling = False
        self._baseline = record_state(record) if record else new_case_state(date.today())
        self.tabs.setEnabled(True)
        for index in (TAB_HISTORY, TAB_ACTIONS, TAB_LOG):
            self.tabs.setTabEnabled(index, record is not None)
        self._set_state(self._baseline)
        if self._draft is not None:
            draft, self._draft = self._draft, None
            self._set_state(draft)
            self._show_message("Uw niet opgeslagen wijzigingen staan er weer.")
            if self._draft_focus:
                self.inputs[self._draft_focus].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._show_message("")
        self._edited()
        if record is None:
            self.first_name_edit.setFocus()

    def _fetch_extras(self) -> None:
        store, record = self._store, self._record
        if store is None or record is None:
            return
        generation = self._generation

        def fetch() -> _Extras:
            return _Extras(
                history=minutes.case_history(store, record.id),
                actions=actions.list_actions(store, case_id=record.id, include_done=True),
                events=audit.list_events(store, case_number=record.case_number),
            )

        def done(extras: _Extras) -> None:
            if generation != self._generation:
                return
            self._show_history(extras.history)
            self._show_actions(extras.actions)
            self._show_log(extras.events)
            self._set_tab_titles(len(extras.history), len(extras.actions))
            self.extras_loaded.emit()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if not isinstance(exc, CasusoverlegError):
                raise exc
            self.history_view.setPlainText(f"Kon niet worden geladen: {exc.message}")

        tasks.run_in_background(fetch, done, failed)

    # The other tabs ---------------------------------------------------------------------------

    def _show_history(self, entries: list[HistoryEntry]) -> None:
        if not entries:
            self.history_view.setHtml("<p><i>Deze casus is nog in geen overleg besproken.</i></p>")
            return
        parts = []
        for entry in entries:
            heading = html.escape(long_date(entry.meeting_date))
            status = html.escape(entry.minutes_status.label)
            parts.append(f"<h3>{heading} <small>(verslag {status})</small></h3>")
            if entry.advice:
                parts.append(f"<p><b>Advies:</b> {html.escape(entry.advice.label)}</p>")
            if entry.decision:
                parts.append(f"<p><b>Besluit:</b> {self._paragraphs(entry.decision)}</p>")
            if entry.next_review_date:
                review = html.escape(format_date(entry.next_review_date))
                parts.append(f"<p><b>{REVIEW_LABEL}:</b> {review}</p>")
            if entry.notes:
                parts.append(f"<p><b>Aantekeningen:</b> {self._paragraphs(entry.notes)}</p>")
            for amendment in entry.amendments:
                parts.append(f"<p><b>Correctie:</b> {self._paragraphs(amendment)}</p>")
        self.history_view.setHtml("".join(parts))

    @staticmethod
    def _paragraphs(text: str) -> str:
        return html.escape(text).replace("\n", "<br>")

    def _show_actions(self, items: list[ActionInfo]) -> None:
        self.actions_table.setRowCount(0)
        if not items:
            self.actions_table.hide()
            self.actions_empty.setText("Er zijn geen actiepunten bij deze casus.")
            self.actions_empty.show()
            return
        self.actions_empty.hide()
        self.actions_table.show()
        self.actions_table.setRowCount(len(items))
        late = QBrush(QColor(ERROR_COLOUR))
        for row, action in enumerate(items):
            due = format_date(action.due_date)
            cells = (
                _cell(action.description),
                _cell(action.owner_name + (" (gearchiveerd)" if action.owner_archived else "")),
                _cell(action.organisation_name),
                _cell(due, f"uiterlijk {due} — te laat" if action.overdue else due),
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

    # Saving -----------------------------------------------------------------------------------

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message_label.setVisible(bool(text))

    def _set_error(self, name: str, message: str) -> None:
        label = self.errors[name]
        label.setText(message)
        label.setVisible(bool(message))

    def _check_date(self, name: str) -> None:
        try:
            value = self.dates[name].value()
        except ValueError as exc:
            self._set_error(name, str(exc))
            return
        self._set_error(name, "")
        if value is not None and self.dates[name].text() != format_date(value):
            self.dates[name].set_text(format_date(value))  # "1-9-2026" → "01-09-2026"
            self._edited()

    def _collect(self) -> tuple[CaseInput | None, dict[str, str]]:
        """The typed case, or the Dutch message per field that is wrong."""
        date_errors: dict[str, str] = {}
        values: dict[str, date | None] = {}
        for name, field in self.dates.items():
            try:
                values[name] = field.value()
            except ValueError as exc:
                date_errors[name] = str(exc)
                values[name] = None
        ground = self.ground_combo.currentData()
        owner = self.owner_combo.currentData()
        data = CaseInput(
            case_number=self.case_number_edit.text().strip(),
            first_name=self.first_name_edit.text(),
            last_name=self.last_name_edit.text(),
            birth_date=values["birth_date"],
            school=self.school_edit.text(),
            ground=ExemptionGround(ground) if ground else None,
            status=CaseStatus(self.status_combo.currentData() or CaseStatus.AANGEMELD),
            registered_on=values["registered_on"],
            owner_id=int(owner) if owner else None,
            absent_since=values["absent_since"],
            review_date=values["review_date"],
            exemption_until=values["exemption_until"],
            notes=self.notes_edit.toPlainText(),
        )
        # Everything wrong at once; a date that is no date says so rather than "vul in".
        errors = {**cases.validate(data), **date_errors}
        if self._record is not None and not data.case_number:
            errors["case_number"] = "Een bestaande casus houdt een casusnummer."
        return (None if errors else data), errors

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in self.errors:
            self._set_error(name, errors.get(name, ""))
        if not errors:
            return
        self.tabs.setCurrentIndex(TAB_DETAILS)
        first = next(name for name, _label in FIELDS if name in errors)
        widget = self.inputs[first]
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Check and save in the background; `then` runs after a successful save."""
        store = self._store
        if store is None or not self._active or self._saving or not self.tabs.isEnabled():
            return
        data, errors = self._collect()
        self._show_errors(errors)
        if data is None:
            self._show_message(
                "Niet opgeslagen: verbeter wat in rood bij de velden staat.", error=True
            )
            self.save_failed.emit("controleer de velden")
            return
        snapshot = self.state()
        case_id = self._case_id
        self._saving = True
        self._edited()
        self._show_message("Bezig met opslaan…")
        generation = self._generation

        def write() -> CaseRecord:
            if case_id is None:
                return cases.create_case(store, data)
            return cases.update_case(store, case_id, data)

        def done(record: CaseRecord) -> None:
            self._saving = False
            # Known from now on even if the screen was locked meanwhile: a second save must
            # change this case, not make another one.
            self._case_id = record.id
            if generation != self._generation:
                if self._draft == snapshot:
                    self._draft = None  # exactly what was kept is now stored
                self.saved.emit(record)
                return
            self._record = record
            self._baseline = record_state(record)
            if self.state() == snapshot:  # nothing typed while saving: show it as stored
                self._set_state(self._baseline)
            for index in (TAB_HISTORY, TAB_ACTIONS, TAB_LOG):
                self.tabs.setTabEnabled(index, True)
            now = datetime.now().strftime("%H:%M")
            self._show_message(f"Opgeslagen om {now}.")
            self._edited()
            self.saved.emit(record)
            self._fetch_extras()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self._saving = False
            if generation != self._generation:
                return
            if isinstance(exc, ValidationError):
                self._show_errors(exc.errors)
                why = "verbeter wat in rood bij de velden staat."
            elif isinstance(exc, CasusoverlegError):
                why = exc.message
            else:
                why = f"er ging iets mis bij het schrijven ({exc})."
            # Every typed character stays where it is; only the message changes.
            self._show_message(f"Niet opgeslagen: {why}", error=True)
            self._edited()
            self.save_failed.emit(why)

        tasks.run_in_background(write, done, failed)

    def _request_close(self) -> None:
        if self._record is not None and not self.is_dirty():
            self.close_requested.emit(self._record.id)

    def show_closed(self, record: CaseRecord) -> None:
        """Show a case that was just closed elsewhere (the list's "Casus afsluiten…")."""
        if record.id != self._case_id or self.is_dirty():
            return
        self._filling = True
        try:
            if self.status_combo.findData(str(record.status)) < 0:
                self.status_combo.addItem(record.status.label, str(record.status))
        finally:
            self._filling = False
        self._record = record
        self._baseline = record_state(record)
        self._set_state(self._baseline)
        self._fetch_extras()
