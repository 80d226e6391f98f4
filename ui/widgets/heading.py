"""A heading a screen reader can tell from plain text (WCAG 1.3.1).

Qt 6 knows the role `QAccessible.Role.Heading`, but a QLabel reports StaticText, and the only
way to change that from Python is an accessibility factory (`QAccessible.installFactory`)
written in Python. Qt calls such a factory for every object it describes and keeps and deletes
the interfaces it returns; with one installed, the test suite crashed now and then with a
segmentation fault on the GUI thread (issue 13). A crash loses what is being typed, so a heading
here is a label whose accessible description says "kop" (and its level): a screen reader reads
"Overzicht, kop" without any Python in Qt's accessibility path.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class Heading(QLabel):
    """A title above a screen or a part of it; `level` 1 for a screen, 2 for a part."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, level: int = 1) -> None:
        super().__init__(text, parent)
        self.level = level
        self.setAccessibleDescription("kop" if level == 1 else f"kop niveau {level}")
