"""One agenda item: what it is about on the left, what is recorded on the right."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.alternatives import (
    ALTERNATIVES_LABEL,
    alternatives_problem,
    alternatives_text,
    format_alternatives,
    parse_alternatives,
)
from casusoverleg.domain.enums import (
    Advice,
    AgendaItemKind,
    Alternative,
    ItemOutcome,
    MinutesStatus,
)
from casusoverleg.services.agenda import AgendaItemInfo
from casusoverleg.services.meetings import MeetingInfo
from casusoverleg.services.minutes import HistoryEntry

from ui.common import long_date
from ui.meeting_mode.action_boxes import OpenActionsBox, QuickAddBox
from ui.meeting_mode.autosave import ItemText, review_problem
from ui.meeting_mode.look import buddy, capitalised, heading, set_colour, short
from ui.style import ERROR_COLOUR
from ui.widgets.date_field import DateField

HISTORY_SHOWN = 3  # earlier discussions shown per case

# The outcomes chosen with a button; "besproken" follows from writing on the item.
OUTCOME_BUTTONS = (
    (ItemOutcome.GEEN_BIJZONDERHEDEN, "&Geen bijzonderheden", "Alt+G"),
    (ItemOutcome.DOORGESCHOVEN, "Door&schuiven", "Alt+S"),
    (ItemOutcome.INGETROKKEN, "&Intrekken", "Alt+I"),
)


def outcome_state(outcome: ItemOutcome | None, deferred_to: date | None) -> str:
    """The item's state in words, for the page and the agenda list."""
    if outcome is None:
        return "nog niets vastgelegd"
    if outcome is ItemOutcome.DOORGESCHOVEN:
        if deferred_to is not None:
            return f"niet besproken, doorgeschoven naar {long_date(deferred_to)}"
        return "niet besproken, doorgeschoven naar het volgende overleg"
    return outcome.label


class ItemPage(QWidget):
    """One agenda item: what it is about on the left, what is recorded on the right."""

    # An outcome button was pressed: the outcome chosen, or None to take the choice back.
    outcome_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = heading("", 1.4)
        self.meta_label = QLabel()
        self.meta_label.setWordWrap(True)

        # Left: the question, the case's history, the previous minutes, the action list.
        self.question_box = QGroupBox("Vraag aan het overleg")
        self.question_label = heading("", 1.1, bold=False)
        QVBoxLayout(self.question_box).addWidget(self.question_label)
        self.history_box = QGroupBox("Eerder besproken")
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setTextFormat(Qt.TextFormat.RichText)
        self.history_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        QVBoxLayout(self.history_box).addWidget(self.history_label)
        self.previous_box = QGroupBox("Verslag vorig overleg")
        self.previous_label = QLabel()
        self.previous_label.setWordWrap(True)
        self.fix_button = QPushButton("Verslag vaststellen")
        self.view_previous_button = QPushButton("Verslag bekijken")
        # Amendments stated when adopting: kept with the adopted minutes and printed.
        self.fix_note_edit = QPlainTextEdit()
        self.fix_note_edit.setTabChangesFocus(True)
        self.fix_note_edit.setPlaceholderText("Leeg laten als het verslag ongewijzigd is")
        self.fix_note_edit.setMaximumHeight(self.fontMetrics().height() * 5)
        self.fix_note_label = buddy("Wij&zigingen bij vaststelling (optioneel)", self.fix_note_edit)
        self.fix_note_label.setWordWrap(True)
        # One above the other: the column is narrow.
        previous_buttons = QVBoxLayout()
        previous_buttons.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignLeft)
        previous_buttons.addWidget(self.view_previous_button, 0, Qt.AlignmentFlag.AlignLeft)
        previous_layout = QVBoxLayout(self.previous_box)
        previous_layout.addWidget(self.previous_label)
        previous_layout.addWidget(self.fix_note_label)
        previous_layout.addWidget(self.fix_note_edit)
        previous_layout.addLayout(previous_buttons)
        self.open_actions = OpenActionsBox()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.question_box)
        left_layout.addWidget(self.previous_box)
        left_layout.addWidget(self.history_box)
        left_layout.addStretch(0)
        self.left_scroll = QScrollArea()
        self.left_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a stop for Tab
        self.left_scroll.setWidget(left)
        self.left_scroll.setWidgetResizable(True)
        self.left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left_scroll.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
        expanding = QSizePolicy.Policy.Expanding
        self.left_scroll.setSizePolicy(expanding, expanding)

        # Right: the minutes of this item and its actions.
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("Wat er besproken wordt…")
        self.advice_combo = QComboBox()
        self.advice_combo.addItem("Geen advies", "")
        for advice in Advice:
            self.advice_combo.addItem(capitalised(advice.label), str(advice))
        self.advice_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        # Wide enough for the longest advice ("Terugleidingstraject naar school" was cut off).
        longest = max(len(self.advice_combo.itemText(i)) for i in range(self.advice_combo.count()))
        self.advice_combo.setMinimumContentsLength(longest)
        self.decision_edit = QPlainTextEdit()
        self.decision_edit.setTabChangesFocus(True)
        self.decision_edit.setPlaceholderText("Wat het overleg besluit…")
        self.review_field = DateField()
        self.review_error = QLabel()
        set_colour(self.review_error, ERROR_COLOUR)
        self.review_error.setWordWrap(True)
        self.review_error.hide()
        self.notes_label = buddy("Aa&ntekeningen", self.notes_edit)
        self.advice_label = buddy("Ad&vies", self.advice_combo)
        self.decision_label = buddy("&Besluit", self.decision_edit)
        self.review_label = buddy("Volgende herbeoorde&ling", self.review_field.edit)
        # Shown for "vrijstelling passend" only: what was weighed first ("niet het afvoerputje").
        # Alt+A puts the keyboard on the first alternative (a group box's mnemonic does that).
        self.alternatives_box = QGroupBox("Afgewogen &alternatieven")
        self.alternatives_box.setAccessibleName(ALTERNATIVES_LABEL)
        self.alternative_checks: dict[Alternative, QCheckBox] = {}
        alternatives_row = QHBoxLayout(self.alternatives_box)
        for alternative in Alternative:
            check = QCheckBox(capitalised(alternative.label))
            check.setAccessibleName(f"Afgewogen alternatief: {alternative.label}")
            self.alternative_checks[alternative] = check
            alternatives_row.addWidget(check)
        alternatives_row.addStretch(1)
        self.alternatives_box.hide()
        self.advice_error = QLabel()
        set_colour(self.advice_error, ERROR_COLOUR)
        self.advice_error.setWordWrap(True)
        self.advice_error.setAccessibleName("Advies nog niet opgeslagen")
        self.advice_error.hide()
        self._is_case = False
        self.advice_combo.currentIndexChanged.connect(self._show_alternatives)
        self.case_fields = QWidget()
        # Two rows, not one: side by side the advice (whole, not cut off) and the review date
        # made meeting mode 1,507 px wide, wider than a 1280×800 laptop.
        case_rows = QGridLayout(self.case_fields)
        case_rows.setContentsMargins(0, 0, 0, 0)
        case_rows.addWidget(self.advice_label, 0, 0)
        case_rows.addWidget(self.advice_combo, 0, 1)
        case_rows.addWidget(self.review_label, 1, 0)
        case_rows.addWidget(self.review_field, 1, 1, Qt.AlignmentFlag.AlignLeft)
        case_rows.setColumnStretch(2, 1)
        self.quick_add = QuickAddBox()

        # What happened to the item: written on means discussed; the rest is a choice.
        self.outcome_label = QLabel()
        self.outcome_label.setWordWrap(True)
        self.outcome_buttons: dict[ItemOutcome, QPushButton] = {}
        outcome_row = QHBoxLayout()
        outcome_row.setContentsMargins(0, 0, 0, 0)
        outcome_row.addWidget(self.outcome_label, 1)
        for outcome, label, keys in OUTCOME_BUTTONS:
            button = QPushButton(label)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setToolTip(
                f"{outcome.label.capitalize()} ({keys}); nogmaals drukken maakt het ongedaan"
            )
            button.clicked.connect(lambda checked, o=outcome: self._outcome_clicked(o, checked))
            self.outcome_buttons[outcome] = button
            outcome_row.addWidget(button)
        self.outcome_row = QWidget()
        self.outcome_row.setLayout(outcome_row)

        right = QWidget()
        right.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.outcome_row)
        right_layout.addWidget(self.notes_label)
        right_layout.addWidget(self.notes_edit, 3)
        right_layout.addWidget(self.case_fields)
        right_layout.addWidget(self.alternatives_box)
        right_layout.addWidget(self.advice_error)
        right_layout.addWidget(self.review_error)
        right_layout.addWidget(self.decision_label)
        right_layout.addWidget(self.decision_edit, 1)
        right_layout.addWidget(self.quick_add)

        self.columns = QHBoxLayout()
        self.columns.addWidget(self.left_scroll, 2)
        self.columns.addWidget(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.open_actions, 3)
        layout.addLayout(self.columns, 2)
        # Typing order: notes, advice, review date, alternatives, decision, then an action.
        box = self.quick_add
        order = [
            self.notes_edit,
            self.advice_combo,
            # The date before the alternatives: the date field sits in the advice's row and
            # proxies its edit, so Tab from the advice would land on it first anyway.
            self.review_field.edit,
            *self.alternative_checks.values(),
            self.decision_edit,
            box.description_edit,
            box.owner_combo,
            box.due_field.edit,
            box.add_button,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _outcome_clicked(self, outcome: ItemOutcome, checked: bool) -> None:
        # The buttons show the stored state; `show_outcome` sets them once the store has it.
        self.outcome_buttons[outcome].setChecked(not checked)
        self.outcome_chosen.emit(outcome if checked else None)

    def show_outcome(self, outcome: ItemOutcome | None, deferred_to: date | None) -> None:
        """The item's outcome as stored: in words, and which button is down."""
        self.outcome_label.setText(
            f"Uitkomst: <b>{html.escape(outcome_state(outcome, deferred_to))}</b>"
        )
        for chosen, button in self.outcome_buttons.items():
            button.setChecked(chosen is outcome)

    def text(self) -> ItemText:
        """What is typed."""
        return ItemText(
            notes=self.notes_edit.toPlainText(),
            advice=self.advice_combo.currentData() or "",
            decision=self.decision_edit.toPlainText(),
            review=self.review_field.text(),
            # Ticks hidden behind another advice are not part of what is typed.
            alternatives=format_alternatives(self._ticked()) if self._weighs() else "",
        )

    def _weighs(self) -> bool:
        return bool(self.advice_combo.currentData() == str(Advice.VRIJSTELLING_PASSEND))

    def _ticked(self) -> list[Alternative]:
        return [a for a, check in self.alternative_checks.items() if check.isChecked()]

    def _show_alternatives(self) -> None:
        self.alternatives_box.setVisible(self._is_case and self._weighs())

    def set_text(self, text: ItemText) -> None:
        """Show typed or saved text (no cursor jump when it is already there)."""
        if self.notes_edit.toPlainText() != text.notes:
            self.notes_edit.setPlainText(text.notes)
        self.advice_combo.setCurrentIndex(max(0, self.advice_combo.findData(text.advice)))
        if self.decision_edit.toPlainText() != text.decision:
            self.decision_edit.setPlainText(text.decision)
        if self.review_field.text() != text.review:
            self.review_field.set_text(text.review)
        ticked = parse_alternatives(text.alternatives)
        for alternative, check in self.alternative_checks.items():
            check.setChecked(alternative in ticked)
        self._show_alternatives()

    def show_item(self, item: AgendaItemInfo, count: int) -> None:
        """Title, time and the parts that fit the kind of item."""
        self.title_label.setText(f"{item.position}. {item.title}")
        meta = [
            f"{item.start_time:%H:%M}–{item.end_time:%H:%M} ({item.minutes} minuten)",
            f"punt {item.position} van {count}",
        ]
        if item.presenter_name:
            meta.append(f"inbreng: {item.presenter_name}")
        if item.reason:
            meta.append(f"reden: {item.reason}")
        self.meta_label.setText(" · ".join(meta))
        is_case = item.kind is AgendaItemKind.CASUS
        self.case_fields.setVisible(is_case)
        # A fixed item can have no particulars; only a case can be deferred or withdrawn.
        self.outcome_buttons[ItemOutcome.DOORGESCHOVEN].setVisible(is_case)
        self.outcome_buttons[ItemOutcome.INGETROKKEN].setVisible(is_case)
        self._is_case = is_case
        self._show_alternatives()
        self.review_error.hide()
        self.advice_error.hide()
        self.question_label.setText(item.question)
        self.question_box.setVisible(bool(item.question))
        self.history_box.setVisible(is_case)
        self.previous_box.setVisible(item.kind is AgendaItemKind.VERSLAG)
        self.open_actions.setVisible(item.kind is AgendaItemKind.ACTIELIJST)
        has_left = bool(item.question) or is_case or item.kind is AgendaItemKind.VERSLAG
        self.left_scroll.setVisible(has_left)
        # The action list needs the width; a case needs room to write.

    def show_history(self, history: Sequence[HistoryEntry]) -> None:
        """The case's latest discussions, newest first."""
        if not history:
            self.history_label.setText("<i>Nog niet eerder besproken.</i>")
            return
        parts = []
        for entry in history[:HISTORY_SHOWN]:
            lines = [f"<b>{html.escape(long_date(entry.meeting_date))}</b>"]
            if entry.advice:
                lines.append(f"Advies: {html.escape(entry.advice.label)}")
            if entry.alternatives:
                weighed = alternatives_text(entry.alternatives)
                lines.append(f"{ALTERNATIVES_LABEL}: {html.escape(weighed)}")
            if entry.decision:
                lines.append(f"Besluit: {html.escape(short(entry.decision))}")
            if entry.notes:
                lines.append(html.escape(short(entry.notes)))
            parts.append("<br>".join(lines))
        more = len(history) - HISTORY_SHOWN
        if more > 0:
            parts.append(f"<i>en {more} eerdere bespreking{'en' if more > 1 else ''}</i>")
        self.history_label.setText("<p>" + "</p><p>".join(parts) + "</p>")

    def clear(self) -> None:
        """Nothing on the page (locked or loading)."""
        self.set_text(ItemText())
        self.quick_add.clear()
        self.open_actions.show_actions([])
        for label in (
            self.history_label,
            self.question_label,
            self.previous_label,
            self.title_label,
            self.meta_label,
            self.outcome_label,
        ):
            label.clear()
        self.fix_note_edit.clear()

    def set_writable(self, writable: bool) -> None:
        """Lock the fields of minutes that are fixed (or of a cancelled meeting)."""
        self.notes_edit.setReadOnly(not writable)
        self.decision_edit.setReadOnly(not writable)
        self.advice_combo.setEnabled(writable)
        self.alternatives_box.setEnabled(writable)
        self.review_field.setEnabled(writable)
        self.quick_add.setEnabled(writable)
        for button in self.outcome_buttons.values():
            button.setEnabled(writable)

    def show_review_problem(self, meeting_date: date | None, *, final: bool) -> None:
        """Say what is wrong with the typed review date: while typing only once it looks whole."""
        text = self.review_field.text()
        problem = review_problem(text, meeting_date) if meeting_date else ""
        if problem and not final and len(text.strip()) < len("1-1-2026"):
            problem = ""
        if problem:
            problem += " Deze datum is nog niet opgeslagen."
        self.review_error.setText(problem)
        self.review_error.setVisible(bool(problem))

    def show_advice_problem(self) -> None:
        """Say why the advice waits (an exemption advice without a weighed alternative)."""
        problem = alternatives_problem(
            Advice(self.advice_combo.currentData()) if self.advice_combo.currentData() else None,
            self._ticked(),
        )
        if problem and self._is_case:
            problem += (
                " Het advies is nog niet opgeslagen; aantekeningen en besluit worden wel "
                "opgeslagen."
            )
        else:
            problem = ""
        self.advice_error.setText(problem)
        self.advice_error.setVisible(bool(problem))

    def show_previous(self, previous: MeetingInfo | None, *, writable: bool) -> None:
        """The previous held meeting's minutes: their status, and the buttons that fit it."""
        if previous is None:
            self.previous_label.setText("Er is geen eerder gehouden overleg.")
            self.fix_button.hide()
            self.view_previous_button.hide()
            self.fix_note_label.hide()
            self.fix_note_edit.hide()
            return
        status = previous.minutes_status
        self.previous_label.setText(
            f"Verslag van het overleg van {long_date(previous.date)}: <b>{status.label}</b>."
        )
        self.view_previous_button.show()
        self.fix_button.setVisible(status is MinutesStatus.CONCEPT)
        self.fix_button.setEnabled(writable)
        self.fix_note_label.setVisible(status is MinutesStatus.CONCEPT)
        self.fix_note_edit.setVisible(status is MinutesStatus.CONCEPT)
        self.fix_note_edit.setReadOnly(not writable)
