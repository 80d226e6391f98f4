"""The case form: gegevens, vrijstelling/school/betrokkenheid, bespreekhistorie, actiepunten
and logboek of one case (or a new one).

Typed text is never lost: a failed save leaves every field as it was and says why, and when the
store locks the form keeps unsaved values in memory (not on screen, not on disk) and puts them
back after the next unlock. A case is read in one transaction (`services.views.case_form`).
The signals on the form are what `case_law.law_status` says about the values being typed; a
case that does not fit the law is saved only after the user confirmed each finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain import plausibility
from casusoverleg.domain.enums import CaseStatus, ExemptionGround, ExpertProfession
from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.retention import RetentionTerm
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import cases
from casusoverleg.services.cases import CaseInput, CaseRecord, NeedsConfirmation, ValidationError
from casusoverleg.services.store import Store
from casusoverleg.services.views import case_form as case_form_view
from casusoverleg.services.views.case_form import CaseFormData, CaseTabs

from ui import access_request, common, style
from ui.case_form import conflict
from ui.case_form.confirm import (
    CONFIRM_NO,
    CONFIRM_TITLE,
    CONFIRM_YES,
    NOT_CONFIRMED,
    confirmation_question,
)
from ui.case_form.fields import (
    CHECK_FIELDS,
    CHECKED,
    COMBO_FIELDS,
    DATE_FIELDS,
    ENROLLED_CHOICES,
    FIELD_NAMES,
    FIELDS,
    LAW_TAB_FIELDS,
    LAW_TAB_TITLE,
    SIGNALS,
    TAB_ACTIONS,
    TAB_DETAILS,
    TAB_HISTORY,
    TAB_LAW,
    TAB_LOG,
    TEXT_FIELDS,
    FormState,
    enrolled_value,
    new_case_state,
    record_state,
    signal_texts,
)
from ui.case_form.layout import error_label, form_layout, scrolling
from ui.case_form.tabs import CaseTabPages
from ui.common import format_date
from ui.ops import Change, StoreOp, drop_pending
from ui.widgets.date_field import CALENDAR_HINT, DateField
from ui.widgets.heading import Heading
from ui.widgets.message import MessageLabel

SAVING = "Bezig met opslaan…"
RESTORED = "Uw niet opgeslagen wijzigingen staan er weer."


@dataclass
class _Save:
    """One save sent to the store, filled in by the worker as it ends.

    The form reads it on the GUI thread even when the op's result is dropped (the store was
    locked while saving), so that the next save changes the stored case instead of making
    another one.
    """

    snapshot: FormState  # what the form held when the save started
    record: CaseRecord | None = None
    done: bool = False


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
        self._retention: RetentionTerm | None = None  # the store's term, read with the case
        self._region = Region.NOORD  # the store's school-holiday region, read with the case
        self._baseline: FormState = {}
        self._draft: FormState | None = None  # unsaved values kept over a lock or a reload
        self._draft_focus = ""  # the field the cursor was in when the store locked
        self._draft_note = ""  # what to say when the draft is back on screen
        self._draft_version: int | None = None  # the version the draft was typed on
        self._filling = True  # until every widget exists: building fires change signals
        self._save: _Save | None = None  # the save running (or ended unseen) for this case
        self._today: date | None = None  # a fixed day for the signals (tests)

        self.back_button = QPushButton("← Terug naar de lijst")
        self.back_button.setToolTip("Terug naar de lijst (Alt+Links)")
        self.back_button.clicked.connect(self.back_requested.emit)
        self.title_label = Heading()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton("Casus afsluiten…")
        self.close_button.clicked.connect(self._request_close)
        self.access_button = QPushButton(access_request.OPEN_TEXT)
        self.access_button.setToolTip("Een inzageverzoek (AVG art. 15) vastleggen en beantwoorden")
        self.access_button.clicked.connect(self.open_access_requests)
        self.save_button = QPushButton("Opslaan")
        self.save_button.setToolTip("Opslaan (Ctrl+S)")
        self.save_button.clicked.connect(lambda: self.save())
        self.message_label = MessageLabel()

        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(12)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.access_button)
        header.addWidget(self.close_button)
        header.addWidget(self.save_button)

        self.tabs = QTabWidget()
        self._build_inputs()
        self.tabs.addTab(self._details_page(), "Gegeven&s")
        self.tabs.addTab(self._law_page(), LAW_TAB_TITLE)
        self.pages = CaseTabPages(self.tabs)

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

        self._filling = False
        self._show_nothing()

    # Building ---------------------------------------------------------------------------------

    def _build_inputs(self) -> None:
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._descriptions: dict[str, str] = {}  # each field's own accessible description
        self.case_number_edit = QLineEdit()
        self.first_name_edit = QLineEdit()
        self.last_name_edit = QLineEdit()
        self.school_edit = QLineEdit()
        self.ground_combo = QComboBox()
        self.status_combo = QComboBox()
        self.owner_combo = QComboBox()
        self.expert_name_edit = QLineEdit()
        self.profession_combo = QComboBox()
        self.enrolled_combo = QComboBox()
        self.parents_how_edit = QLineEdit()
        self.checks = {name: QCheckBox(dict(FIELDS)[name]) for name in CHECK_FIELDS}
        self.dates = {name: DateField() for name in DATE_FIELDS}
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        for name, edit in (
            ("case_number", self.case_number_edit),
            ("first_name", self.first_name_edit),
            ("last_name", self.last_name_edit),
            ("school", self.school_edit),
            ("expert_name", self.expert_name_edit),
            ("parents_involved_how", self.parents_how_edit),
        ):
            edit.setMaxLength({"case_number": 40, "parents_involved_how": 300}.get(name, 200))
            edit.textEdited.connect(self._edited)
            self.inputs[name] = edit
        for name, combo in (
            ("ground", self.ground_combo),
            ("status", self.status_combo),
            ("owner_id", self.owner_combo),
            ("expert_profession", self.profession_combo),
            ("enrolled", self.enrolled_combo),
        ):
            combo.currentIndexChanged.connect(self._edited)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            self.inputs[name] = combo
        for name, field in self.dates.items():
            field.edited.connect(self._edited)
            field.edit.editingFinished.connect(lambda name=name: self._check_date(name))
            self.inputs[name] = field
        for name, check in self.checks.items():
            check.toggled.connect(self._edited)
            self.inputs[name] = check
        self.notes_edit.textChanged.connect(self._edited)
        self.inputs["notes"] = self.notes_edit
        for name, _label in FIELDS:
            self._field_widget(name).setAccessibleName(FIELD_NAMES[name])

        self.ground_combo.addItem("Kies een grond…", "")
        for ground in ExemptionGround:
            self.ground_combo.addItem(ground.label, str(ground))
        self.case_number_edit.setPlaceholderText("wordt automatisch toegekend")
        self.profession_combo.addItem("Kies een beroep…", "")
        for profession in ExpertProfession:
            self.profession_combo.addItem(profession.label, str(profession))
        for value, text in ENROLLED_CHOICES:
            self.enrolled_combo.addItem(text, value)
        self.absent_hint = "eerste dag dat het kind niet meer op school was"
        self.dates["absent_since"].edit.setToolTip(f"{self.absent_hint}; {CALENDAR_HINT}")
        self.dates["back_at_school_on"].edit.setToolTip(
            "eerste dag dat het kind weer naar school ging; de dagen thuis tellen tot dan; "
            + CALENDAR_HINT
        )
        self.expert_name_edit.setToolTip(
            "wie de verklaring van art. 7 gaf (arts, pedagoog of psycholoog)"
        )
        self.parents_how_edit.setPlaceholderText("bijvoorbeeld: gesprek op school met beide ouders")

    def _details_page(self) -> QWidget:
        labels = dict(FIELDS)
        child = QGroupBox("Kind")
        child_form = form_layout(child)
        for name in ("case_number", "first_name", "last_name", "birth_date", "school"):
            self._add_row(child_form, name, labels[name])
        case = QGroupBox("Casus")
        case_form = form_layout(case)
        for name in (
            "ground",
            "status",
            "owner_id",
            "registered_on",
            "absent_since",
            "review_date",
        ):
            self._add_row(case_form, name, labels[name])

        notes = QGroupBox("Notities")
        notes_layout = QVBoxLayout(notes)
        notes_layout.addWidget(self.notes_edit)
        self.errors["notes"] = error_label()
        notes_layout.addWidget(self.errors["notes"])

        signals = QGroupBox("Signalen (berekend, niet te wijzigen)")
        self.signal_labels: dict[str, QLabel] = {}
        self.signal_rows: dict[str, QLabel] = {}  # the row labels ("Leerplicht:")
        signal_form = form_layout(signals)
        for key, text in SIGNALS:
            label = QLabel()  # no word wrap: in a form row it cuts the text off
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.signal_labels[key] = label
            self.signal_rows[key] = QLabel(text + ":")
            signal_form.addRow(self.signal_rows[key], label)

        grid = QGridLayout()
        grid.addWidget(child, 0, 0)
        grid.addWidget(case, 0, 1)
        grid.addWidget(notes, 1, 0)
        grid.addWidget(signals, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)
        return scrolling(grid)

    def _law_page(self) -> QWidget:
        """Vrijstelling en verklaring (art. 5, 7), school, and who was involved."""
        labels = dict(FIELDS)
        exemption = QGroupBox("Vrijstelling en verklaring deskundige (art. 7)")
        exemption_form = form_layout(exemption)
        for name in (
            "exemption_from",
            "exemption_until",
            "expert_name",
            "expert_profession",
            "expert_statement_on",
        ):
            self._add_row(exemption_form, name, labels[name])
        for name in CHECK_FIELDS:
            exemption_form.addRow(self._with_error(name, self.checks[name]))
        school = QGroupBox("School")
        school_form = form_layout(school)
        for name in ("enrolled", "enrolled_since", "back_at_school_on"):
            self._add_row(school_form, name, labels[name])
        involved = QGroupBox("Betrokkenheid van ouders en kind")
        involved_form = form_layout(involved)
        for name in ("parents_involved_on", "parents_involved_how", "child_heard_on"):
            self._add_row(involved_form, name, labels[name])

        grid = QGridLayout()
        grid.addWidget(exemption, 0, 0, 2, 1)
        grid.addWidget(school, 0, 1)
        grid.addWidget(involved, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)
        return scrolling(grid)

    def _with_error(self, name: str, widget: QWidget) -> QWidget:
        """`widget` above its (hidden) error label, which `errors[name]` then holds."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        self.errors[name] = error_label()
        column.addWidget(self.errors[name])
        return holder

    def _add_row(self, form: QFormLayout, name: str, label_text: str) -> None:
        holder = self._with_error(name, self.inputs[name])
        label = QLabel(label_text + ":")
        label.setBuddy(self.dates[name].edit if name in self.dates else self.inputs[name])
        form.addRow(label, holder)

    # State ------------------------------------------------------------------------------------

    @property
    def case_id(self) -> int | None:
        """The id of the open case; None for a new, unsaved case or when nothing is open."""
        self._take_unseen_save()
        return self._case_id

    @property
    def is_active(self) -> bool:
        """Whether a case (or a new case) is open in the form."""
        return self._active

    @property
    def is_saving(self) -> bool:
        """Whether a save is running."""
        return self._save is not None and not self._save.done

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
            "notes": self.notes_edit.toPlainText(),
            "expert_name": self.expert_name_edit.text(),
            "expert_profession": self.profession_combo.currentData() or "",
            "enrolled": self.enrolled_combo.currentData() or "",
            "parents_involved_how": self.parents_how_edit.text(),
            **{name: field.text() for name, field in self.dates.items()},
            **{name: CHECKED if box.isChecked() else "" for name, box in self.checks.items()},
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
            for name in COMBO_FIELDS:
                combo = self.inputs[name]
                assert isinstance(combo, QComboBox)
                combo.setCurrentIndex(max(0, combo.findData(state.get(name, ""))))
            for name, box in self.checks.items():
                box.setChecked(state.get(name, "") == CHECKED)
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
        saving = self.is_saving
        ready = self._active and self.tabs.isEnabled() and not saving
        self.save_button.setEnabled(ready and dirty)
        self.access_button.setEnabled(self._record is not None and self._store is not None)
        self.close_button.setEnabled(
            self._record is not None
            and self._record.status != CaseStatus.AFGESLOTEN
            and not dirty
            and not saving
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

    def today(self) -> date:
        """The day the signals are computed for: today, or the day a test fixed."""
        return self._today or date.today()

    def set_today(self, today: date | None) -> None:
        """Compute the signals for a fixed day (tests); None: the real today."""
        self._today = today
        self._update_signals()

    def _update_signals(self) -> None:
        typed, _errors = self._typed_input()
        facts = typed.law_facts()
        if facts is not None and self._record is not None:
            # A closed case stops counting days at home on the day it was closed.
            facts = replace(facts, closed_on=self._record.closed_on)
        texts = signal_texts(
            facts,
            birth=typed.birth_date,
            retention=self._retention,
            region=self._region,
            today=self.today(),
        )
        for key, text in texts.items():
            self.signal_labels[key].setText(text)

    def _typed_date(self, name: str) -> date | None:
        """The date in a field, or None while it is empty or not (yet) a date."""
        try:
            return self.dates[name].value()
        except ValueError:
            return None

    # Opening, loading, locking ----------------------------------------------------------------

    def open_case(self, store: Store, case_id: int) -> None:
        """Show a stored case (its opening is logged by the service)."""
        self._start(store, case_id)

    def new_case(self, store: Store) -> None:
        """Show an empty form for a new case."""
        self._start(store, None)

    def _start(self, store: Store, case_id: int | None) -> None:
        self._forget()
        self._store = store
        self._active = True
        self._case_id = case_id
        self.tabs.setCurrentIndex(TAB_DETAILS)
        self._fetch()

    def _forget(self) -> None:
        """Drop the open case, its unsaved values and the reads still on their way."""
        drop_pending(self)
        self._active = False
        self._case_id = None
        self._record = None
        self._draft = None
        self._save = None  # a save still running reports to the list only (see `_saved`)
        self._baseline = {}
        self._show_nothing()

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
            self.profession_combo.setCurrentIndex(0)
            self.enrolled_combo.setCurrentIndex(0)
            for box in self.checks.values():
                box.setChecked(False)
            self.status_combo.clear()
            self.owner_combo.clear()
        finally:
            self._filling = False
        for label in self.errors.values():
            label.clear()
            label.hide()
        self._show_message("")
        self.pages.clear()
        self._retention = None
        self._region = Region.NOORD
        self.tabs.setEnabled(False)
        self._edited()

    def load(self, store: Store) -> None:
        """Fill the form again (after an unlock, or a change elsewhere), unsaved values kept."""
        self._store = store
        if not self._active:
            return
        self._take_unseen_save()
        if self._draft is None and self.is_dirty():
            self._keep_draft(note="")
        self._fetch()

    def clear(self) -> None:
        """Empty the screen for a lock; unsaved values stay in memory until the next `load`."""
        drop_pending(self)
        if self._active and self._draft is None and self.is_dirty():
            self._keep_draft(note=RESTORED)
        self._store = None
        self._record = None
        self._baseline = {}
        self._show_nothing()

    def _keep_draft(self, *, note: str) -> None:
        self._draft = self.state()
        self._draft_focus = conflict.focused_field(self.inputs)
        self._draft_note = note
        self._draft_version = self._record.version if self._record else None  # over a lock too

    def close_form(self) -> None:
        """Forget the open case and any unsaved values (the user chose to leave it)."""
        self._forget()

    def _fetch(self) -> None:
        store = self._store
        if store is None:
            return
        case_id = self._case_id
        self._show_message("De casus wordt geladen…" if case_id else "")

        def read(store: Store) -> CaseFormData:
            if case_id is None:
                return case_form_view.new_case(store)
            return case_form_view.open_case(store, case_id)

        StoreOp(self, store, read).key("case").success(self._fill).failure(self._not_loaded).run()

    def _not_loaded(self, exc: CasusoverlegError) -> None:
        self._show_message(style.could_not_load("De casus", exc), error=True)

    def _fill(self, data: CaseFormData) -> None:
        record = data.record
        if record and self._draft is not None and self._draft_version is not None:  # typed on it:
            record = replace(record, version=self._draft_version)  # a newer save is a conflict
        self._record = record
        self._retention = data.retention
        self._region = data.region
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
            for person in data.participants:
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
            self._show_message(self._draft_note)
            if self._draft_focus:
                self.inputs[self._draft_focus].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._show_message("")
        self._edited()
        if record is None:
            self.first_name_edit.setFocus()
        if data.tabs is not None:
            self.pages.show(data.tabs)
        self.loaded.emit()
        if data.tabs is not None:
            self.extras_loaded.emit()

    def _fetch_tabs(self) -> None:
        store, record = self._store, self._record
        if store is None or record is None:
            return
        StoreOp(self, store, lambda store: case_form_view.case_tabs(store, record.id)).key(
            "tabs"
        ).success(self._show_tabs).failure(self.pages.show_failure).run()

    def _show_tabs(self, tabs: CaseTabs) -> None:
        self.pages.show(tabs)
        self.extras_loaded.emit()

    # Saving -----------------------------------------------------------------------------------

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.show_message(text, error=error)

    def _field_widget(self, name: str) -> QWidget:
        """The widget that takes the focus for field `name` (a date field's edit)."""
        return self.dates[name].edit if name in self.dates else self.inputs[name]

    def _set_error(self, name: str, message: str) -> None:
        label = self.errors[name]
        label.setText(message)
        label.setVisible(bool(message))
        # A screen reader reads the error with the field (WCAG 3.3.1): its description.
        widget = self._field_widget(name)
        base = self._descriptions.setdefault(name, widget.accessibleDescription())
        widget.setAccessibleDescription(f"Fout: {message} {base}".strip() if message else base)

    def _error_summary(self, errors: dict[str, str]) -> str:
        """ "Verbeter: Geboortedatum, Thuis sinds." — the wrong fields in screen order."""
        names = [FIELD_NAMES[name] for name, _label in FIELDS if name in errors]
        return f"verbeter: {', '.join(names)}." if names else "verbeter de velden."

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

    def _typed_input(self) -> tuple[CaseInput, dict[str, str]]:
        """The typed case (a date that is not one yet as None) and the dates that are wrong."""
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
        profession = self.profession_combo.currentData()
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
            exemption_from=values["exemption_from"],
            enrolled=enrolled_value(self.enrolled_combo.currentData() or ""),
            enrolled_since=values["enrolled_since"],
            back_at_school_on=values["back_at_school_on"],
            expert_name=self.expert_name_edit.text(),
            expert_profession=ExpertProfession(profession) if profession else None,
            expert_statement_on=values["expert_statement_on"],
            expert_not_treating=self.checks["expert_not_treating"].isChecked(),
            never_fit=self.checks["never_fit"].isChecked(),
            parents_involved_on=values["parents_involved_on"],
            parents_involved_how=self.parents_how_edit.text(),
            child_heard_on=values["child_heard_on"],
            # What the user confirmed before stays confirmed (the service asks only for new).
            confirmed_rules=self._record.confirmed_rules if self._record else "",
        )
        return data, date_errors

    def _collect(self) -> tuple[CaseInput | None, dict[str, str]]:
        """The typed case, or the Dutch message per field that is wrong."""
        data, date_errors = self._typed_input()
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
        first = next(name for name, _label in FIELDS if name in errors)
        self.tabs.setCurrentIndex(TAB_LAW if first in LAW_TAB_FIELDS else TAB_DETAILS)
        self._field_widget(first).setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self, then: Callable[[], None] | None = None, *, confirmed: str = "") -> None:
        """Check and save in the background; `then` runs after a successful save.

        `confirmed`: plausibility codes the user just confirmed (the stored ones are kept).
        """
        store = self._store
        if store is None or not self._active or self.is_saving or not self.tabs.isEnabled():
            return
        data, errors = self._collect()
        self._show_errors(errors)
        if data is None:
            self._show_message(f"Niet opgeslagen: {self._error_summary(errors)}", error=True)
            self.save_failed.emit("controleer de velden")
            return
        if confirmed:
            data = replace(data, confirmed_rules=confirmed)
        self._take_unseen_save()
        case_id = self._case_id
        loaded = self._record.version if self._record else None  # a newer one is a conflict
        save = self._save = _Save(self.state())
        self._edited()
        self._show_message(SAVING)

        def write(store: Store) -> CaseRecord:
            try:
                if case_id is None:
                    save.record = cases.create_case(store, data)
                else:
                    save.record = cases.update_case(store, case_id, data, expected_version=loaded)
                return save.record
            finally:
                save.done = True

        # The op answers to the save button, not the form: emptying the form drops its reads,
        # never what the store says about a save.
        StoreOp(self.save_button, store, write).changes(Change.CASES).success(
            lambda record: self._saved(save, record, then)
        ).failure(lambda exc: self._save_failed(save, exc, data, then)).finished(
            lambda: self._save_ended(save)
        ).run()

    def _take_unseen_save(self) -> None:
        """Take in a save whose result was dropped (the store locked while it ran)."""
        save = self._save
        if save is None or not save.done:
            return
        self._save = None
        if save.record is not None:
            # Known from now on: a second save must change this case, not make another one.
            self._case_id = save.record.id
            self._record = self._record and save.record  # its version, for the next save
            if self._draft == save.snapshot:
                self._draft = None  # exactly what was kept is now stored

    def _saved(self, save: _Save, record: CaseRecord, then: Callable[[], None] | None) -> None:
        if save is not self._save or self._store is None:
            # The form was emptied or moved on meanwhile; the list still shows the new row.
            self._take_unseen_save()
            self.saved.emit(record)
            return
        self._save = None
        self._case_id = record.id
        self._record = record
        self._baseline = record_state(record)
        if self._draft == save.snapshot:
            self._draft = None
        if self.state() == save.snapshot:  # nothing typed while saving: show it as stored
            self._set_state(self._baseline)
        for index in (TAB_HISTORY, TAB_ACTIONS, TAB_LOG):
            self.tabs.setTabEnabled(index, True)
        self._show_message(f"Opgeslagen om {datetime.now():%H:%M}.")
        self._edited()
        self.saved.emit(record)
        self._fetch_tabs()
        if then is not None:
            then()

    def _save_failed(
        self,
        save: _Save,
        exc: CasusoverlegError,
        data: CaseInput,
        then: Callable[[], None] | None,
    ) -> None:
        if save is not self._save or self._store is None:
            return
        self._save = None
        if isinstance(exc, cases.CaseConflict):
            conflict.resolve(self, exc, then)
            return
        if isinstance(exc, NeedsConfirmation):
            self._edited()
            self._confirm_and_save(exc, data, then)
            return
        if isinstance(exc, ValidationError):
            self._show_errors(exc.errors)
            why = self._error_summary(exc.errors)
        else:
            why = exc.message
        # Every typed character stays where it is; only the message changes.
        self._show_message(f"Niet opgeslagen: {why}", error=True)
        self._edited()
        self.save_failed.emit(why)

    def _confirm_and_save(
        self, exc: NeedsConfirmation, data: CaseInput, then: Callable[[], None] | None
    ) -> None:
        """Ask to confirm what does not fit the law; save again with it confirmed on yes."""
        self._show_message("")
        text, detail = confirmation_question(exc.findings)
        if not common.ask(self, CONFIRM_TITLE, text, yes=CONFIRM_YES, no=CONFIRM_NO, detail=detail):
            self._show_message(NOT_CONFIRMED, error=True)
            self.save_failed.emit("niet bevestigd")
            return
        if self._store is None or not self._active:
            return  # locked or closed while asking: the values wait as a draft
        self.save(then, confirmed=plausibility.confirmed_codes(exc.findings, data.confirmed_rules))

    def _save_ended(self, save: _Save) -> None:
        # After success or failure this save is taken in already; after an unexpected error
        # (shown by the global handler) the form is ready to try again.
        if save is self._save:
            self._save = None
            if self.message_label.text() == SAVING:
                self._show_message("")
            self._edited()

    def open_access_requests(self) -> None:
        """The Inzageverzoek (dossier) dialog of the open case."""
        if self._record is not None and self._store is not None:
            access_request.open_access_request_dialog(
                self, self._store, self._record.id, today=self.today()
            )

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
        self._fetch_tabs()
