"""At 200 % text the main window still fits a 1280 px wide screen: labels wrap, filter rows
flow onto a second line, nothing keeps the window wide (issue 13, item 11: it needed 2,117 px).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts
from tests.helpers.ui import idle

from ui.mainwindow import SECTIONS, MainWindow

# The widest the main window may ask for at 200 % text. Measured: 2,117 px when the issue was
# filed, 1,818 px at the start of this branch, 1,197 px after it.
LIMIT = 1280


@pytest.fixture
def double_text(qtbot: QtBot) -> Iterator[QFont]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    normal = app.font()
    big = QFont(normal)
    big.setPointSizeF(normal.pointSizeF() * 2)
    app.setFont(big)
    yield big
    app.setFont(normal)


def test_the_main_window_fits_1280_px_at_200_percent_text(
    qtbot: QtBot, demo_path: Path, double_text: QFont
) -> None:
    path = demo_path
    window = MainWindow(accounts.unlock(path, "demo", "demo"))
    qtbot.addWidget(window)
    window.resize(LIMIT, 800)
    window.show()
    qtbot.waitExposed(window)
    widths: dict[str, int] = {}
    for section in SECTIONS:  # each screen filled with the demo data
        window.show_section(section)
        idle()
        idle()
        widths[section] = window.screens[section].minimumSizeHint().width()
    try:
        assert window.font().pointSizeF() == double_text.pointSizeF()
        assert window.minimumSizeHint().width() <= LIMIT, widths
    finally:
        window.close()
