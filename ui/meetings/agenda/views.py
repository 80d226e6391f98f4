"""The builder's two item views and their keys: Enter adds a proposal; Ctrl+arrows move."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QTableView


class ProposalList(QListView):
    """The proposed cases; Enter puts the selected ones on the agenda."""

    add_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Return adds; every other key as usual."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.add_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class AgendaTable(QTableView):
    """The agenda; Ctrl+Up/Ctrl+Down move the current item, Delete takes a case off."""

    move_pressed = Signal(int)  # -1 up, +1 down
    remove_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The agenda's own keys, when no cell is being edited."""
        if self.state() != QAbstractItemView.State.EditingState:
            control = event.modifiers() == Qt.KeyboardModifier.ControlModifier
            if control and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move_pressed.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
                event.accept()
                return
            if event.key() == Qt.Key.Key_Delete and not event.modifiers():
                self.remove_pressed.emit()
                event.accept()
                return
        super().keyPressEvent(event)
