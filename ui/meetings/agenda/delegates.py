"""The editor of a duration in the agenda: start times and warnings follow every step."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QSpinBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from casusoverleg.domain.agenda import MAX_ITEM_MINUTES

from ui.meetings.agenda.models import AgendaTableModel
from ui.table_model import ModelIndex


class MinutesDelegate(QStyledItemDelegate):
    """A spin box for durations; start times and warnings follow every step, saved on Enter."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        """A spin box in minutes."""
        spin = QSpinBox(parent)
        spin.setRange(0, MAX_ITEM_MINUTES)
        spin.setSingleStep(5)
        spin.setSuffix(" min")
        spin.setAccessibleName("Duur in minuten")
        model = index.model()
        row = index.row()
        if isinstance(model, AgendaTableModel):
            spin.valueChanged.connect(lambda value: model.preview_minutes(row, value))
        return spin

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        """Start from the shown duration."""
        if isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        """Save the typed duration."""
        if isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)

    def destroyEditor(self, editor: QWidget, index: ModelIndex) -> None:
        """An editor closed without saving (Esc) takes its typed duration with it."""
        model = index.model()
        if isinstance(model, AgendaTableModel):
            model.cancel_preview()
        super().destroyEditor(editor, index)
