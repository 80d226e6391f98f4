"""Alt+letter does what its underlined letter says: on every screen of the main window, no two
visible controls (nor a screen and the menu bar) share a mnemonic (issue 13: Alt+M opened the
Maand tab instead of Vergadermodus, Alt+G and Alt+B went elsewhere than the menu)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts
from tests.helpers.ui import idle

from ui.mainwindow import MainWindow
from ui.meetings import MeetingsView

_MNEMONIC = re.compile(r"&([^&\s])")


def _letter(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _mnemonics(window: MainWindow) -> Counter[str]:
    """Every mnemonic that Alt+letter can reach now: menu bar titles and visible controls."""
    texts = [action.text() for action in window.menuBar().actions() if action.isVisible()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    return Counter(letter for text in texts if (letter := _letter(text)))


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> Iterator[MainWindow]:
    path = demo_path
    main = MainWindow(accounts.unlock(path, "demo", "demo"))
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def test_no_two_visible_controls_share_a_mnemonic_on_any_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    keys = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4]
    keys += [Qt.Key.Key_5, Qt.Key.Key_6, Qt.Key.Key_7, Qt.Key.Key_8]
    clashes: dict[str, list[str]] = {}
    for number, key in enumerate(keys, start=1):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        idle()
        pages = [f"Ctrl+{number}"]
        view = window.screens.get("Overleggen")
        if number == 3 and isinstance(view, MeetingsView):
            qtbot.waitUntil(lambda v=view: v.selected_meeting is not None)  # type: ignore[misc]
            pages = []
            for tab in range(view.page.page_tabs.count()):
                view.page.page_tabs.setCurrentIndex(tab)
                idle()
                doubled = [k for k, n in _mnemonics(window).items() if n > 1]
                if doubled:
                    clashes[f"Ctrl+3, tab {tab}"] = doubled
        for page in pages:
            doubled = [k for k, n in _mnemonics(window).items() if n > 1]
            if doubled:
                clashes[page] = doubled
    assert clashes == {}
