"""Inzageverzoek (dossier): record a request to see a child's file and answer it in time.

Opened from the case form ("Inzageverzoek (dossier)…") and from the case list's context menu.
The law is in `services.access_requests` (AVG art. 15; the answer within a month of receipt,
extendable by two months, art. 12 lid 3). "Dossier tonen" makes the dossier PDF in memory and
shows it in the app's preview (nothing in plain text on disk until the user saves it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import access_requests
from casusoverleg.services.access_requests import (
    RELATIONS,
    AccessRequestInfo,
    CaseAccessRequests,
    extended_deadline,
    first_deadline,
)
from casusoverleg.services.store import Store

from ui import dialogs, style
from ui.common import format_date, long_date, plural
from ui.ops import Change, StoreOp
from ui.widgets.date_field import DateField
from ui.widgets.message import MessageLabel

TITLE = "Inzageverzoek (dossier)"
OPEN_TEXT = "Inzageverzoek (dossier)…"  # the case form's button and the case list's menu entry
COLUMNS = ("Ontvangen", "Aangevraagd door", "Relatie", "Uiterlijk", "Stand")
# An inzageverzoek belongs to the case's file: the screens that show cases (and the Overzicht,
# which lists the open requests) load again after one changes.
CHANGES = Change.CASES


def state_text(request: AccessRequestInfo, today: date) -> str:
    """Where a request stands, in words: answered, days left, or late since when."""
    if request.answered_on is not None:
        return f"beantwoord op {format_date(request.answered_on)}"
    extended = ", termijn verlengd" if request.is_extended else ""
    left = request.days_left(today)
    if left > 0:
        return f"open, nog {plural(left, 'dag', 'dagen')}{extended}"
    if left == 0:
        return f"open, vandaag de laatste dag{extended}"
    since = format_date(request.deadline + timedelta(days=1))
    return f"te laat sinds {since} ({plural(-left, 'dag', 'dagen')}){extended}"


def deadline_text(received_on: date) -> str:
    """ "Antwoord uiterlijk op <Dutch date>" for a request received on `received_on`."""
    return f"Antwoord uiterlijk op {long_date(first_deadline(received_on))}"


class AnsweredDialog(QDialog):
    """Beantwoord op: the day the requester got the answer (today by default)."""

    def __init__(self, request: AccessRequestInfo, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Inzageverzoek beantwoord")
        self.request = request
        self._today = today
        what = QLabel(
            f"Verzoek van {request.requested_by} ({request.relation}), ontvangen op "
            f"{format_date(request.received_on)}, antwoord uiterlijk "
            f"{format_date(request.deadline)}."
        )
        what.setWordWrap(True)
        self.date_field = DateField()
        self.date_field.set_text(format_date(today))
        self.date_field.edit.setAccessibleName("Beantwoord op")
        label = QLabel("&Beantwoord op:")
        label.setBuddy(self.date_field.edit)
        form = QFormLayout()
        form.addRow(label, self.date_field)
        frame = dialogs.form_dialog(self, [what, form], "&Vastleggen")
        self.ok_button, self.error_label = frame.ok_button, frame.error_label
        self.date_field.edit.setFocus()

    def value(self) -> date:
        """The typed date; ValueError (Dutch) when it cannot be the day of the answer."""
        answered = self.date_field.value()
        if answered is None:
            raise ValueError("Vul de datum in waarop het verzoek is beantwoord.")
        if answered > self._today:
            raise ValueError("De datum van het antwoord ligt in de toekomst.")
        if answered < self.request.received_on:
            raise ValueError(
                "Het antwoord kan niet vóór de ontvangst "
                f"({format_date(self.request.received_on)}) liggen."
            )
        return answered

    def accept(self) -> None:
        """Close only with a usable date; say what is wrong otherwise."""
        try:
            self.value()
        except ValueError as exc:
            self.error_label.show_message(str(exc), error=True)
            return
        super().accept()


class ExtendDialog(QDialog):
    """Termijn verlengen: the reason (told to the requester) and the new deadline."""

    def __init__(self, request: AccessRequestInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Termijn inzageverzoek verlengen")
        self.request = request
        new_deadline = extended_deadline(request.received_on)
        first = first_deadline(request.received_on)
        # AVG art. 12 lid 3: two more months when needed, given the complexity and the number
        # of requests; the requester hears of it, with the reasons, within the first month.
        self.explain_label = what = QLabel(
            "De termijn kan met twee maanden worden verlengd als dat nodig is vanwege de "
            "complexiteit of het aantal verzoeken (AVG art. 12 lid 3). Laat de aanvrager dit "
            f"uiterlijk {long_date(first)} weten, met de reden.\n\n"
            f"Nieuwe termijn: antwoord uiterlijk op {long_date(new_deadline)}."
        )
        what.setWordWrap(True)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setAccessibleName("Reden van de verlenging")
        self.reason_edit.setPlaceholderText("bijvoorbeeld: stukken van drie organisaties nodig")
        label = QLabel("&Reden:")
        label.setBuddy(self.reason_edit)
        frame = dialogs.form_dialog(self, [what, label, self.reason_edit], "&Verlengen")
        self.ok_button, self.error_label = frame.ok_button, frame.error_label
        self.reason_edit.setFocus()

    def value(self) -> str:
        """The reason typed (trimmed)."""
        return self.reason_edit.toPlainText().strip()

    def accept(self) -> None:
        """Close only with a reason (the requester must hear it)."""
        if not self.value():
            self.error_label.show_message(
                "Vul de reden in; de aanvrager moet die horen.", error=True
            )
            return
        super().accept()


def ask_answered_on(parent: QWidget, request: AccessRequestInfo, today: date) -> date | None:
    """Ask the day the request was answered; None if cancelled. Tests replace this."""
    dialog = AnsweredDialog(request, today, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()
    finally:
        dialog.deleteLater()


def ask_extension_reason(parent: QWidget, request: AccessRequestInfo) -> str | None:
    """Ask why the term is extended; None if cancelled. Tests replace this."""
    dialog = ExtendDialog(request, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()
    finally:
        dialog.deleteLater()


def show_dossier(parent: QWidget, store: Store, case_id: int) -> None:
    """The case's dossier PDF in the in-app preview (made in memory; the preview is logged)."""
    # Imported here: the preview pulls in QtPdf, which only this button needs.
    from casusoverleg.services.documents import DocumentRequest

    from ui.pdf_preview import show_pdf_preview

    show_pdf_preview(parent, store, DocumentRequest(kind="dossier", case_id=case_id))


class AccessRequestDialog(QDialog):
    """A case's inzageverzoeken: record a new one, answer or extend one, show the dossier."""

    loaded = Signal()  # the case's requests are on screen
    recorded = Signal(object)  # AccessRequestInfo, after a change was stored

    def __init__(
        self,
        store: Store,
        case_id: int,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self._store = store
        self._case_id = case_id
        self._today = today or date.today()
        self._requests: list[AccessRequestInfo] = []

        self.case_label = QLabel(style.LOADING)
        font = self.case_label.font()
        font.setBold(True)
        self.case_label.setFont(font)
        intro = QLabel(
            "Ouders, de jongere zelf of een wettelijk vertegenwoordiger mogen het dossier "
            "inzien (AVG art. 15). Het antwoord moet onverwijld en in ieder geval binnen een "
            "maand na ontvangst van het verzoek gegeven worden (AVG art. 12 lid 3)."
        )
        intro.setWordWrap(True)

        # A new request.
        self.received_field = DateField()
        self.received_field.set_text(format_date(self._today))
        self.received_field.edit.setAccessibleName("Ontvangen op")
        self.requested_by_edit = QLineEdit()
        self.requested_by_edit.setMaxLength(200)
        self.requested_by_edit.setAccessibleName("Aangevraagd door")
        self.requested_by_edit.setPlaceholderText("naam van wie om inzage vraagt")
        self.relation_combo = QComboBox()
        self.relation_combo.setAccessibleName("Relatie")
        self.relation_combo.addItems(list(RELATIONS))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setAccessibleName("Opmerking")
        self.note_edit.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        self.deadline_label = QLabel()
        self.deadline_label.setObjectName("termijn")
        self.deadline_label.setWordWrap(True)
        self.form_error = MessageLabel()
        self.save_button = QPushButton("Verzoek vast&leggen")
        self.save_button.setAccessibleName("Verzoek vastleggen")
        self.save_button.clicked.connect(self.save)
        self.received_field.edited.connect(self._update_deadline)
        self.received_field.edit.textChanged.connect(self._update_deadline)

        form = QFormLayout()
        for text, widget, buddy in (
            ("&Ontvangen op:", self.received_field, self.received_field.edit),
            ("Aangevraagd &door:", self.requested_by_edit, self.requested_by_edit),
            ("&Relatie:", self.relation_combo, self.relation_combo),
            ("Op&merking:", self.note_edit, self.note_edit),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, widget)
        new_box = QGroupBox("Nieuw verzoek")
        new_layout = QVBoxLayout(new_box)
        new_layout.addLayout(form)
        new_layout.addWidget(self.deadline_label)
        new_layout.addWidget(self.form_error)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        new_layout.addLayout(save_row)

        # Earlier requests.
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Eerdere inzageverzoeken")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(lambda *_args: self._update_buttons())
        self.empty_label = QLabel("Voor deze casus is nog geen inzageverzoek vastgelegd.")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        earlier_label = QLabel("&Eerdere verzoeken:")
        earlier_label.setBuddy(self.tree)
        self.message = MessageLabel()

        self.dossier_button = QPushButton("Dossier &tonen")
        self.dossier_button.setToolTip("Het dossier van deze casus als PDF bekijken en afdrukken")
        self.dossier_button.clicked.connect(self.show_dossier)
        self.answered_button = QPushButton("&Beantwoord op…")
        self.answered_button.clicked.connect(self.mark_answered)
        self.extend_button = QPushButton("Termijn &verlengen…")
        self.extend_button.clicked.connect(self.extend)
        close = QPushButton("&Sluiten")
        close.clicked.connect(self.reject)
        for button in (self.dossier_button, self.answered_button, self.extend_button, close):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dossier_button)
        buttons.addWidget(self.answered_button)
        buttons.addWidget(self.extend_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.case_label)
        layout.addWidget(intro)
        layout.addWidget(new_box)
        layout.addWidget(earlier_label)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        width = self.fontMetrics().averageCharWidth()
        self.resize(width * 125, self.fontMetrics().height() * 36)
        self._update_deadline()
        self._update_buttons()
        self.requested_by_edit.setFocus()
        self.reload()

    # Loading ----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the case's requests from the store (the view is logged)."""
        case_id = self._case_id
        StoreOp(self, self._store, lambda s: access_requests.case_requests(s, case_id)).key(
            "lijst"
        ).success(self._show).failure(
            lambda exc: self.message.show_message(
                style.could_not_load("De inzageverzoeken", exc), error=True
            )
        ).run()

    def _show(self, found: CaseAccessRequests, select_id: int | None = None) -> None:
        self.case_label.setText(f"Casus {found.case_number} ({found.initials})")
        self._requests = found.requests
        self.tree.clear()
        current: QTreeWidgetItem | None = None
        for request in found.requests:
            item = QTreeWidgetItem(
                [
                    format_date(request.received_on),
                    request.requested_by,
                    request.relation,
                    format_date(request.deadline),
                    state_text(request, self._today),
                ]
            )
            tips = [f"Verlengd: {request.extended_reason}"] if request.is_extended else []
            if request.note:
                tips.append(f"Opmerking: {request.note}")
            for column in range(len(COLUMNS)):
                # The whole cell first: a narrow column elides it (issue 13 item 8).
                item.setToolTip(column, "\n".join([item.text(column), *tips]))
            item.setData(0, Qt.ItemDataRole.UserRole, request.id)
            self.tree.addTopLevelItem(item)
            if request.id == select_id or (current is None and request.is_open):
                current = item
        for column in range(len(COLUMNS) - 1):  # the last one stretches
            self.tree.resizeColumnToContents(column)
        self.tree.setVisible(bool(found.requests))
        self.empty_label.setVisible(not found.requests)
        if current is None and self.tree.topLevelItemCount():
            current = self.tree.topLevelItem(0)
        if current is not None:
            self.tree.setCurrentItem(current)
        self._update_buttons()
        self.loaded.emit()

    def requests(self) -> list[AccessRequestInfo]:
        """The requests on screen, newest first."""
        return list(self._requests)

    def selected_request(self) -> AccessRequestInfo | None:
        """The request of the current row, if any."""
        item = self.tree.currentItem()
        if item is None:
            return None
        request_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((r for r in self._requests if r.id == request_id), None)

    def _update_buttons(self) -> None:
        request = self.selected_request()
        is_open = request is not None and request.is_open
        self.answered_button.setEnabled(is_open)
        self.answered_button.setToolTip(
            "Vastleggen op welke dag het gekozen verzoek is beantwoord"
            if is_open
            else "Kies een openstaand verzoek in de lijst"
        )
        may_extend = request is not None and request.can_extend(self._today)
        self.extend_button.setEnabled(may_extend)
        if may_extend:
            tip = "De termijn met twee maanden verlengen (AVG art. 12 lid 3)"
        elif request is None or not request.is_open:
            tip = "Kies een openstaand verzoek in de lijst"
        elif request.is_extended:
            tip = "De termijn is al verlengd; dat kan één keer"
        else:
            tip = "Verlengen kan alleen binnen een maand na ontvangst (AVG art. 12 lid 3)"
        self.extend_button.setToolTip(tip)

    def _update_deadline(self) -> None:
        try:
            received = self.received_field.value()
        except ValueError as exc:
            self.deadline_label.setText(str(exc))
            self.deadline_label.setStyleSheet(style.ERROR_STYLE)
            return
        self.deadline_label.setStyleSheet("")
        if received is None:
            self.deadline_label.setText("Vul de datum van ontvangst in.")
        elif received > self._today:
            self.deadline_label.setText("De datum van ontvangst ligt in de toekomst.")
            self.deadline_label.setStyleSheet(style.ERROR_STYLE)
        else:
            self.deadline_label.setText(deadline_text(received))

    # Changing ---------------------------------------------------------------------------------

    def save(self) -> None:
        """Record the typed request; the fields empty again after it is stored."""
        try:
            received = self.received_field.value()
        except ValueError as exc:
            self.form_error.show_message(str(exc), error=True)
            self.received_field.edit.setFocus()
            return
        requested_by = self.requested_by_edit.text()
        relation = self.relation_combo.currentText()
        note = self.note_edit.toPlainText()
        today = self._today
        errors = access_requests.check_request(received, requested_by, relation, today)
        if errors:
            self.form_error.show_message("\n".join(errors.values()), error=True)
            focus = {
                "received_on": self.received_field.edit,
                "requested_by": self.requested_by_edit,
                "relation": self.relation_combo,
            }
            focus[next(iter(errors))].setFocus()
            return
        self.form_error.show_message("")
        self.save_button.setEnabled(False)
        case_id = self._case_id

        def write(store: Store) -> CaseAccessRequests:
            access_requests.record_request(
                store,
                case_id,
                received_on=received,
                requested_by=requested_by,
                relation=relation,
                note=note,
                today=today,
            )
            return access_requests.case_requests(store, case_id)

        StoreOp(self, self._store, write).changes(CHANGES).success(self._recorded).failure(
            lambda exc: self.form_error.show_message(style.failed_because(exc), error=True)
        ).finished(lambda: self.save_button.setEnabled(True)).run()

    def _recorded(self, found: CaseAccessRequests) -> None:
        newest = max(found.requests, key=lambda r: r.id)
        self.requested_by_edit.clear()
        self.note_edit.clear()
        self.relation_combo.setCurrentIndex(0)
        self.received_field.set_text(format_date(self._today))
        self._show(found, select_id=newest.id)
        self.message.show_message(
            f"Inzageverzoek vastgelegd. Antwoord uiterlijk op {long_date(newest.deadline)}."
        )
        self.recorded.emit(newest)

    def mark_answered(self) -> None:
        """Ask the day of the answer and record it."""
        request = self.selected_request()
        if request is None or not request.is_open:
            return
        answered = ask_answered_on(self, request, self._today)
        if answered is None:
            return
        today = self._today
        case_id = self._case_id

        def write(store: Store) -> CaseAccessRequests:
            access_requests.mark_answered(store, request.id, answered, today=today)
            return access_requests.case_requests(store, case_id)

        self._run_change(write, request.id, f"Beantwoord op {format_date(answered)} vastgelegd.")

    def extend(self) -> None:
        """Ask the reason and extend the selected request's term by two months."""
        request = self.selected_request()
        if request is None or not request.can_extend(self._today):
            return
        reason = ask_extension_reason(self, request)
        if reason is None:
            return
        today = self._today
        case_id = self._case_id
        new_deadline = extended_deadline(request.received_on)

        def write(store: Store) -> CaseAccessRequests:
            access_requests.extend_request(store, request.id, reason, today=today)
            return access_requests.case_requests(store, case_id)

        self._run_change(
            write,
            request.id,
            f"Termijn verlengd: antwoord uiterlijk op {long_date(new_deadline)}. Laat de "
            "aanvrager dit weten, met de reden.",
        )

    def _run_change(
        self, write: Callable[[Store], CaseAccessRequests], request_id: int, done_text: str
    ) -> None:
        def shown(found: CaseAccessRequests) -> None:
            self._show(found, select_id=request_id)
            self.message.show_message(done_text)
            changed = next((r for r in found.requests if r.id == request_id), None)
            if changed is not None:
                self.recorded.emit(changed)

        def failed(exc: CasusoverlegError) -> None:
            self.message.show_message(style.failed_because(exc), error=True)

        StoreOp(self, self._store, write).changes(CHANGES).success(shown).failure(failed).run()

    def show_dossier(self) -> None:
        """The dossier PDF in the preview, to read, print or save as the answer."""
        show_dossier(self.parentWidget() or self, self._store, self._case_id)


def open_access_request_dialog(
    parent: QWidget, store: Store, case_id: int, *, today: date | None = None
) -> AccessRequestDialog:
    """Show the Inzageverzoek dialog of a case beside the screen (it loads in the background)."""
    dialog = AccessRequestDialog(store, case_id, parent, today=today)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
