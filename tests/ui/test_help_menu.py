"""The Help menu: F1 on every screen and in meeting mode, About, the lock title and the icon."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts
from tests.helpers.meeting_data import add_meeting
from tests.helpers.stores import ACCOUNT, PASSPHRASE
from tests.ui.conftest import CASES

from ui import app, tasks
from ui.help import ABOUT_TITLE, AboutDialog, HelpDialog, app_icon
from ui.mainwindow import SECTIONS, MainWindow

ROOT = Path(__file__).resolve().parents[2]
DESKTOP_FILE = ROOT / "packaging" / "linux" / "casusoverleg.desktop"
BLUE = QColor("#1F3A5F")
_MNEMONIC = re.compile(r"&([^&\s])")


@pytest.fixture
def window(qtbot: QtBot, store_path: Path) -> Iterator[MainWindow]:
    """A main window on the unlocked test store, shown, active and its cases loaded."""
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    main = MainWindow(store)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.cases_view.model.rowCount() == len(CASES))
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    yield main
    main.close()


def _visible(kind: type[QWidget]) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _press_f1(qtbot: QtBot, window: QWidget) -> None:
    target = QApplication.focusWidget() or window
    qtbot.keySequence(target, QKeySequence("F1"))


def test_f1_on_each_screen_opens_the_help_for_that_screen(qtbot: QtBot, window: MainWindow) -> None:
    for number, name in enumerate(SECTIONS, start=1):
        qtbot.keySequence(window, QKeySequence(f"Ctrl+{number}"))
        assert window.current_section == name
        _press_f1(qtbot, window)
        shown = window.findChildren(HelpDialog)
        assert [d.windowTitle() for d in shown if d.isVisible()] == [f"Help — {name}"]
        page = shown[-1].browser.toPlainText()
        assert "Waarvoor" in page and "Toetsen" in page and "Wat wordt vastgelegd" in page
        assert f"Ctrl+{number}" in page  # the page names the key that leads to it
        qtbot.keyClick(shown[-1].browser, "\x1b")  # Esc closes it
        qtbot.waitUntil(lambda: not any(d.isVisible() for d in window.findChildren(HelpDialog)))
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_f1_in_meeting_mode_opens_its_help(qtbot: QtBot, window: MainWindow) -> None:
    store = window.store
    assert store is not None
    meeting_id = add_meeting(store, date.today() + timedelta(days=7))
    window.open_meeting_mode(meeting_id)
    mode = window.meeting_mode
    assert mode is not None
    qtbot.waitUntil(lambda: mode.isVisible())
    mode.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is mode)
    _press_f1(qtbot, mode)
    titles = [d.windowTitle() for d in mode.findChildren(HelpDialog) if d.isVisible()]
    assert titles == ["Help — Vergadermodus"]
    assert "PgDown" in mode.findChildren(HelpDialog)[-1].browser.toPlainText()
    mode.close()
    qtbot.waitUntil(lambda: window.meeting_mode is None)


def test_help_menu_holds_help_and_about_and_its_letter_is_free_on_every_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[-1] == "&Help"
    entries = [(a.text(), a.shortcut().toString()) for a in window.help_menu.actions()]
    assert entries == [("Help bij dit scherm", "F1"), ("&Over Casusoverleg", "")]
    letter = _MNEMONIC.search("&Help")
    assert letter is not None
    others = {m.group(1).lower() for t in menus[:-1] if (m := _MNEMONIC.search(t))}
    assert letter.group(1).lower() not in others
    clashes = []
    for number, name in enumerate(SECTIONS, start=1):
        qtbot.keySequence(window, QKeySequence(f"Ctrl+{number}"))
        if letter.group(1).lower() in _screen_mnemonics(window.screens[name]):
            clashes.append(name)
    assert clashes == []  # Actiepunten's "He&ropenen" gave Alt+H up to the menu
    qtbot.waitUntil(tasks.is_idle)


def _screen_mnemonics(screen: QWidget) -> set[str]:
    """The Alt letters a screen offers while it is shown (buttons, labels, tabs, groups)."""
    texts: list[str] = []
    for widget in screen.findChildren(QWidget):
        if not widget.isVisibleTo(screen):
            continue
        if isinstance(widget, QAbstractButton | QLabel):
            # A label's letter works only when it has a buddy to move to.
            if not isinstance(widget, QLabel) or widget.buddy() is not None:
                texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return {m.group(1).lower() for t in texts for m in _MNEMONIC.finditer(t)}


def test_about_shows_version_licence_and_store_path(
    qtbot: QtBot, window: MainWindow, store_path: Path
) -> None:
    about = next(a for a in window.help_menu.actions() if a.text() == "&Over Casusoverleg")
    about.trigger()
    dialogs = [d for d in window.findChildren(AboutDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.windowTitle() == ABOUT_TITLE
    text = dialog.text_label.text()
    assert f"versie {metadata.version('casusoverleg')}" in text
    licence = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert f"Licentie: {licence}" in text
    assert f"Opslag: {store_path}" in text
    assert "Python 3." in text and "Qt 6." in text
    assert dialog.text_label.hasSelectedText() is False
    flags = dialog.text_label.textInteractionFlags()
    assert flags & flags.TextSelectableByMouse and flags & flags.TextSelectableByKeyboard
    qtbot.keyClick(dialog, "\x1b")
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_locked_window_is_titled_vergrendeld_and_not_after_unlock(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.windowTitle() == "Casusoverleg"
    with qtbot.waitSignal(window.locked):
        qtbot.keySequence(window, QKeySequence("Ctrl+L"))
    assert window.windowTitle() == "Vergrendeld — Casusoverleg"
    dialog = window.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Vergrendeld — Casusoverleg"
    with qtbot.waitSignal(window.unlocked):
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase_edit, "\r")
    assert window.windowTitle() == "Casusoverleg"
    qtbot.waitUntil(lambda: window.cases_view.model.rowCount() == len(CASES))


def test_the_app_sets_its_blue_icon(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "show_message", lambda parent, title, text: None)
    qapp.setWindowIcon(QIcon())
    # A store in a folder that does not exist: run_gui stops after setting up the application.
    assert app.run_gui(["--store", str(tmp_path / "nergens" / "geen.db")]) == 2
    icon = qapp.windowIcon()
    assert not icon.isNull()
    image = icon.pixmap(64, 64).toImage()
    assert not image.isNull()
    corner = image.pixelColor(1, 1)
    assert corner.alpha() < 40  # rounded corner: see-through
    edge = image.pixelColor(5, 32)
    assert abs(edge.red() - BLUE.red()) < 12 and abs(edge.blue() - BLUE.blue()) < 12
    assert not app_icon().isNull()


def test_the_desktop_entry_starts_the_app_with_its_icon() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep case
    parser.read(DESKTOP_FILE, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Casusoverleg"
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Office;"
    assert entry["Comment"] and "Casussen" in entry["Comment"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry["Exec"].split()[0] in scripts
    # Icon= is a theme name; the installed file is the SVG in the resources, under that name.
    assert (ROOT / "resources" / "icons" / f"{entry['Icon']}.svg").is_file()
    validate = shutil.which("desktop-file-validate")
    if validate is not None:  # not on every machine; configparser above checks the essentials
        result = subprocess.run([validate, str(DESKTOP_FILE)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
