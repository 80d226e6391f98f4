"""The case form's building blocks: scrolling tab pages, form groups and error lines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QWidget,
)

from ui import style


def scrolling(grid: QGridLayout) -> QWidget:
    """A tab page: the grid in a frameless scroll area that is no Tab stop."""
    inner = QWidget()
    inner.setLayout(grid)
    scroll = QScrollArea()
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a stop for Tab
    scroll.setWidget(inner)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    return scroll


def form_layout(box: QGroupBox) -> QFormLayout:
    """The form layout of one group of fields: labels right-aligned, fields growing."""
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return form


def error_label() -> QLabel:
    """A field's error line: red, wrapping, hidden until there is an error."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style.ERROR_STYLE)
    label.hide()
    return label
