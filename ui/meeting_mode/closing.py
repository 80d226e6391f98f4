"""Closing a meeting: the question (with the date when it is early) and, when case items were
not reached, how many and what happens to each (deferred unless the chair chooses otherwise).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.domain.enums import ItemOutcome
from casusoverleg.services.minutes import ClosingPlan

from ui.common import long_date

# What the chair can choose per untouched case item; the first is what closing does anyway.
CHOICES = (
    (ItemOutcome.DOORGESCHOVEN, "Doorschuiven"),
    (ItemOutcome.INGETROKKEN, "Intrekken"),
    (ItemOutcome.GEEN_BIJZONDERHEDEN, "Geen bijzonderheden"),
)


def deferred_sentence(count: int, next_date: date | None) -> str:
    """ "3 casussen zijn niet besproken; zij worden doorgeschoven naar het overleg van …"."""
    where = (
        f"het overleg van {long_date(next_date)}"
        if next_date is not None
        else "het volgende overleg (er is nog geen overleg gepland)"
    )
    if count == 1:
        return f"1 casus is niet besproken; deze wordt doorgeschoven naar {where}."
    return f"{count} casussen zijn niet besproken; zij worden doorgeschoven naar {where}."


class ClosingDialog(QDialog):
    """The closing question with a choice per case item that was not reached."""

    def __init__(self, parent: QWidget | None, question: str, detail: str, plan: ClosingPlan):
        super().__init__(parent)
        self.setWindowTitle("Overleg afsluiten")
        self.plan = plan
        self.question_label = QLabel(question)
        self.question_label.setWordWrap(True)
        self.count_label = QLabel(deferred_sentence(len(plan.untouched), plan.next_meeting_date))
        self.count_label.setWordWrap(True)
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        hint = QLabel("Kies per casus wat ermee gebeurt (anders: doorschuiven).")
        hint.setWordWrap(True)
        self.choice_combos: dict[int, QComboBox] = {}
        rows = QWidget()
        form = QFormLayout(rows)
        for item in plan.untouched:
            combo = QComboBox()
            for outcome, label in CHOICES:
                combo.addItem(label, str(outcome))
            combo.setAccessibleName(f"Wat gebeurt er met punt {item.position}, {item.title}")
            self.choice_combos[item.agenda_item_id] = combo
            form.addRow(QLabel(f"{item.position}. {item.title}"), combo)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a stop for Tab
        scroll.setWidget(rows)
        scroll.setWidgetResizable(True)
        self.detail_label = QLabel(detail)
        self.detail_label.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.close_button = QPushButton("Overleg &afsluiten")
        self.cancel_button = QPushButton("Annuleren")
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # Not closing is the default: Enter in the list must not close the meeting by accident.
        self.close_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question_label)
        layout.addWidget(self.count_label)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.detail_label)
        layout.addWidget(buttons)
        if self.choice_combos:
            next(iter(self.choice_combos.values())).setFocus(Qt.FocusReason.OtherFocusReason)

    def choices(self) -> dict[int, ItemOutcome]:
        """What the chair chose per untouched case item (agenda item id → outcome)."""
        return {
            item_id: ItemOutcome(combo.currentData())
            for item_id, combo in self.choice_combos.items()
        }


def ask_closing(
    parent: QWidget, question: str, detail: str, plan: ClosingPlan
) -> dict[int, ItemOutcome] | None:
    """Ask to close with a choice per untouched case item; None when not closing.

    The window calls it as `closing.ask_closing`, so that tests can replace it.
    """
    dialog = ClosingDialog(parent, question, detail, plan)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choices()
    finally:
        dialog.deleteLater()
