"""A heading a screen reader announces as a heading (WCAG 1.3.1), not as plain text.

Qt gives every QLabel the role StaticText; `Heading` is a QLabel whose accessible interface has
the role `QAccessible.Role.Heading` (Qt 6), installed once through `QAccessible.installFactory`.
The interface is made by Python and handed to Qt, which keeps and deletes it with the widget
(PySide6 keeps one reference, so Python never frees it first).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleInterface, QTextDocumentFragment
from PySide6.QtWidgets import QAccessibleWidget, QLabel, QWidget


class Heading(QLabel):
    """A title above a screen or a part of it; `level` 1 for a screen, 2 for a part."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, level: int = 1) -> None:
        super().__init__(text, parent)
        self.level = level


class _HeadingInterface(QAccessibleWidget):
    def __init__(self, heading: Heading) -> None:
        super().__init__(heading, QAccessible.Role.Heading)
        self._heading = heading

    def text(self, kind: QAccessible.Text) -> str:
        if kind == QAccessible.Text.Name:
            name = self._heading.accessibleName()
            return name or QTextDocumentFragment.fromHtml(self._heading.text()).toPlainText()
        return str(super().text(kind))


def _factory(_class_name: str, obj: QObject) -> QAccessibleInterface | None:
    if isinstance(obj, Heading):
        return _HeadingInterface(obj)
    return None


QAccessible.installFactory(_factory)
