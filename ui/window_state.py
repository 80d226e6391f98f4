"""What the window remembers between sessions: sizes, splitters and column widths, never data."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView, QTreeView, QWidget

from ui.widgets.tables import header_state, widths_restored


def ui_settings() -> QSettings:
    """Where the window keeps its size, splitters and column widths (never any case data)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Casusoverleg", "casusoverleg"
    )


def screen_keys(name: str, screen: QWidget) -> list[tuple[str, QHeaderView | QSplitter]]:
    """The settings keys of a screen's tables, trees and splitters, with the widget each keeps."""
    # The number of columns (or panes) is part of the key: widths saved for a table with
    # other columns would garble this one (after an update, or for another table).
    keys: list[tuple[str, QHeaderView | QSplitter]] = []
    for i, table in enumerate(screen.findChildren(QTableView)):
        label = table.objectName() or f"tabel{i}"
        header = table.horizontalHeader()
        keys.append((f"kolommen/{name}/{label}/{header.count()}", header))
    for i, tree in enumerate(screen.findChildren(QTreeView)):
        label = tree.objectName() or f"boom{i}"
        keys.append((f"kolommen/{name}/{label}/{tree.header().count()}", tree.header()))
    for i, splitter in enumerate(screen.findChildren(QSplitter)):
        label = splitter.objectName() or f"splitter{i}"
        keys.append((f"splitters/{name}/{label}/{splitter.count()}", splitter))
    return keys


def save_screen_state(state: QSettings, name: str, screen: QWidget) -> None:
    """Remember the column widths and splitters of the screen called `name`."""
    for key, widget in screen_keys(name, screen):
        table = widget.parentWidget()
        if isinstance(widget, QHeaderView) and isinstance(table, QTableView):
            # The widths the user gave, also when the window was narrow at closing.
            state.setValue(key, header_state(table))
        else:
            state.setValue(key, widget.saveState())


def restore_screen_state(state: QSettings, name: str, screen: QWidget) -> None:
    """Give the screen called `name` the column widths and splitters it had."""
    for key, widget in screen_keys(name, screen):
        value = state.value(key)
        if isinstance(value, QByteArray):
            widget.restoreState(value)
            table = widget.parentWidget()
            if isinstance(widget, QHeaderView) and isinstance(table, QTableView):
                widths_restored(table)
