"""Keyboard and screen-reader checks for any window (WCAG 2.1.1, 2.1.2, 4.1.2).

`tab_problems` presses Tab from the first control until the focus comes round and says which
focusable controls were never reached and where the focus could not leave; `unnamed` walks Qt's
accessibility tree and names every focusable control, table or text field without a name.
tests/ui/test_every_dialog.py runs both over every screen and dialog in its list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

# Tab presses a control may keep the focus: a time edit moves from hours to minutes first.
SECTION_PRESSES = 3

# Roles that must carry a name whether or not they take the focus.
NAMED_ROLES = frozenset(
    {
        QAccessible.Role.Table,
        QAccessible.Role.List,
        QAccessible.Role.Tree,
        QAccessible.Role.EditableText,
        QAccessible.Role.ComboBox,
        QAccessible.Role.SpinBox,
    }
)


def describe(widget: QWidget) -> str:
    """A widget as a failure message names it: class, object name, accessible name or text."""
    name = widget.accessibleName() or widget.objectName()
    text = getattr(widget, "text", None)
    if not name and callable(text):
        try:
            name = str(text())
        except TypeError:
            name = ""
    parent = widget.parentWidget()
    where = type(parent).__name__ if parent is not None else "-"
    return f"{type(widget).__name__}({name!r} in {where})"


def _stop(widget: QWidget) -> QWidget:
    """The widget that really takes the focus for `widget` (its focus proxy, followed)."""
    while widget.focusProxy() is not None:
        widget = widget.focusProxy()
    return widget


def tab_stops(window: QWidget) -> list[QWidget]:
    """Every control of `window` a keyboard user must reach: visible, enabled, takes Tab."""
    found: list[QWidget] = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        if not widget.isEnabled() or widget.focusProxy() is not None:
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget.parentWidget(), QAbstractItemView):
            continue  # an item view's own viewport or editor
        found.append(widget)
    return found


@dataclass
class TabRound:
    """What pressing Tab round a window showed."""

    visited: list[QWidget] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)  # focus stayed put after a Tab


def tab_round(qtbot: QtBot, window: QWidget, *, backwards: bool = False) -> TabRound:
    """Press Tab (or Shift+Tab) from the first control until the focus comes round."""
    stops = tab_stops(window)
    result = TabRound()
    if not stops:
        return result
    focus = QApplication.focusWidget()
    if focus is None or focus.window() is not window:
        window.activateWindow()
        stops[0].setFocus(Qt.FocusReason.TabFocusReason)
        focus = QApplication.focusWidget()
    assert focus is not None, f"geen focus in {describe(window)}"
    start = _stop(focus)
    modifier = Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    held = 0  # presses the focus stayed in one control (a time edit's sections take Tab)
    for _ in range(2 * len(stops) + 10 + SECTION_PRESSES):
        before = QApplication.focusWidget()
        assert before is not None
        qtbot.keyClick(before, key, modifier)
        after = QApplication.focusWidget()
        if after is None or after.window() is not window:
            result.stuck.append(f"{describe(before)}: de focus verliet het venster")
            break
        held = held + 1 if _stop(after) is _stop(before) and len(stops) > 1 else 0
        if held > SECTION_PRESSES:
            result.stuck.append(describe(before))
            break
        if held:
            continue
        result.visited.append(after)
        if _stop(after) is start:
            break
    reached = {id(_stop(w)) for w in result.visited} | {id(start)}
    for widget in stops:
        if id(widget) in reached:
            continue
        if any(widget.isAncestorOf(w) for w in result.visited):
            continue  # a compound control (spin box, combo box) focused through its part
        if isinstance(widget, QLineEdit) and widget.parentWidget() in stops:
            continue
        if isinstance(widget, QRadioButton) and any(_same_group(widget, w) for w in result.visited):
            continue  # Tab reaches the chosen one of a group; arrow keys move within
        result.unreached.append(describe(widget))
    return result


def _same_group(radio: QRadioButton, other: QWidget) -> bool:
    if not isinstance(other, QRadioButton):
        return False
    if radio.group() is not None:
        return radio.group() is other.group()
    return radio.autoExclusive() and other.parentWidget() is radio.parentWidget()


def _walk(interface: QAccessibleInterface, depth: int = 0) -> list[QAccessibleInterface]:
    found = [interface]
    if depth > 40:
        return found
    for index in range(interface.childCount()):
        child = interface.child(index)
        if child is not None and child.isValid():
            found.extend(_walk(child, depth + 1))
    return found


def unnamed(window: QWidget) -> list[str]:
    """The controls in `window`'s accessibility tree that a screen reader cannot name."""
    root = QAccessible.queryAccessibleInterface(window)
    assert root is not None
    problems: list[str] = []
    for interface in _walk(root):
        widget = interface.object()
        if not isinstance(widget, QWidget) or interface.state().invisible:
            continue
        if not widget.isVisibleTo(window) or not widget.isEnabled():
            continue
        focusable = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and (
            widget.focusProxy() is None
        )
        if not focusable and interface.role() not in NAMED_ROLES:
            continue
        if isinstance(widget.parentWidget(), QAbstractItemView):
            continue  # viewport of a list: the list itself carries the name
        if interface.text(QAccessible.Text.Name).strip():
            continue
        problems.append(describe(widget))
    return problems
