"""Whether a window's text fits what it is given: no label, button, header or cell cut off
without a tooltip that holds the whole text, and no sideways scrolling (issue 13, item 8).

`cut_off(root)` lists every problem under `root` (a screen, a dialog, a whole window) as a
short readable line; a test asserts the list is empty. Only what is visible counts, and of a
table only the rows in its viewport.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QHeaderView,
    QLabel,
    QStyle,
    QTableView,
    QWidget,
)

SLACK = 1  # pixels of rounding a text may exceed its room by


def _plain(text: str) -> str:
    """`text` without rich-text markup and collapsed whitespace (what a tooltip must hold)."""
    if GuiQt.mightBeRichText(text):
        doc = QTextDocument()
        doc.setHtml(text)
        text = doc.toPlainText()
    return " ".join(text.split())


def _told(full: str, tooltip: object) -> bool:
    """Whether `tooltip` says the whole of `full` (markup and line breaks aside)."""
    return isinstance(tooltip, str) and bool(full) and _plain(full) in _plain(tooltip)


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__}({widget.objectName() or '-'})"


def _without_mnemonic(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label_needs(label: QLabel) -> int:
    """The width the label's text takes on one line (per line for plain multi-line text)."""
    text = label.text()
    if label.buddy() is not None:
        text = _without_mnemonic(text)
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    ):
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        return int(doc.idealWidth())
    metrics = label.fontMetrics()
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def label_problem(label: QLabel) -> str | None:
    """Why this visible label's text is cut off without a tooltip, or None when it fits."""
    text = label.text()
    if not text.strip() or _told(text, label.toolTip()):
        return None
    room = label.contentsRect()
    margin = label.margin() * 2 + max(label.indent(), 0)
    if label.wordWrap():
        needed = label.heightForWidth(label.width())  # frame, margins and padding included
        if needed <= label.height() + SLACK:
            return None
        high = label.height()
        return f"{_name(label)} {_plain(text)[:60]!r}: wraps to {needed} px high in {high}"
    needs = _label_needs(label) + margin
    if needs <= room.width() + SLACK:
        return None
    return f"{_name(label)} {_plain(text)[:60]!r}: {needs} px in {room.width()}"


def button_problem(button: QAbstractButton) -> str | None:
    """Why this visible button's text is cut off without a tooltip, or None when it fits."""
    text = _without_mnemonic(button.text())
    if not text.strip() or _told(text, button.toolTip()):
        return None
    needs = button.sizeHint().width()
    if needs <= button.width() + SLACK:
        return None
    return f"{_name(button)} {text!r}: {needs} px in {button.width()}"


def _header_needs(header: QHeaderView, section: int, text: str) -> int:
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    needs = header.fontMetrics().horizontalAdvance(text) + 2 * margin
    if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
        needs += style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin
    return needs


def header_problems(view: QAbstractItemView, header: QHeaderView) -> list[str]:
    """Visible column titles wider than their column, without a tooltip holding them."""
    model = view.model()
    found: list[str] = []
    if model is None or not header.isVisible():
        return found
    for logical in range(header.count()):
        if header.isSectionHidden(logical) or header.sectionSize(logical) == 0:
            continue
        if header.sectionViewportPosition(logical) >= header.viewport().width():
            continue
        text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text.strip():
            continue
        tip = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        needs = _header_needs(header, logical, text)
        if needs > header.sectionSize(logical) + SLACK and not _told(text, tip):
            found.append(
                f"{_name(view)} header {text!r}: {needs} px in {header.sectionSize(logical)}"
            )
    return found


def cell_problems(view: QTableView) -> list[str]:
    """Visible cells (rows in the viewport) whose text is wider than the column, without a tip."""
    model = view.model()
    found: list[str] = []
    if model is None:
        return found
    height = view.viewport().height()
    first = view.rowAt(0)
    if first < 0:
        return found
    last = view.rowAt(height - 1)
    last = model.rowCount() - 1 if last < 0 else last
    for column in range(model.columnCount()):
        if view.isColumnHidden(column) or view.columnWidth(column) == 0:
            continue
        if view.columnViewportPosition(column) >= view.viewport().width():
            continue
        for row in range(first, last + 1):
            if view.isRowHidden(row):
                continue
            index = model.index(row, column, QModelIndex())
            if view.indexWidget(index) is not None:
                continue
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text is None or isinstance(text, bool):
                continue
            text = str(text)
            if not text.strip():
                continue
            needs = view.sizeHintForIndex(index).width()
            room = view.columnWidth(column)
            if needs > room + SLACK and not _told(text, index.data(Qt.ItemDataRole.ToolTipRole)):
                found.append(f"{_name(view)} cell {text[:50]!r}: {needs} px in {room}")
                break  # one line per column is enough to see what to fix
    return found


def scroll_problems(root: QWidget) -> list[str]:
    """Visible scroll areas (lists, tables, frames) that scroll sideways."""
    return [
        f"{_name(area)} scrolls sideways ({area.horizontalScrollBar().maximum()} px)"
        for area in [root, *root.findChildren(QAbstractScrollArea)]
        if isinstance(area, QAbstractScrollArea)
        and area.isVisible()
        and area.horizontalScrollBar().isVisible()
        and not isinstance(area.parentWidget(), QComboBox)
    ]


def _really_visible(widget: QWidget, root: QWidget) -> bool:
    """Visible, and with some of it inside the window (not scrolled or pushed out of it)."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    return not widget.visibleRegion().isEmpty() or widget is root


def cut_off(root: QWidget) -> list[str]:
    """Every cut-off text and sideways scroll under `root` (empty when everything fits)."""
    found: list[str] = []
    for label in root.findChildren(QLabel):
        if _really_visible(label, root) and (problem := label_problem(label)):
            found.append(problem)
    for button in root.findChildren(QAbstractButton):
        if _really_visible(button, root) and (problem := button_problem(button)):
            found.append(problem)
    for view in root.findChildren(QAbstractItemView):
        if not _really_visible(view, root) or isinstance(view.parentWidget(), QComboBox):
            continue
        if isinstance(view, QTableView):
            found += header_problems(view, view.horizontalHeader())
            found += cell_problems(view)
    found += scroll_problems(root)
    return sorted(set(found))


def words_of(problems: list[str]) -> str:
    """The problems, one per line (an assertion message)."""
    return "\n".join(problems)
