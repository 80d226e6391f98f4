"""The Help menu: a short Dutch help page per screen (F1), "Over Casusoverleg", and the app icon.

The pages are small Markdown files in the resources package (resources/help/), so they travel
in the wheel like the fonts, and a writer can change them without touching code.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from importlib import metadata
from importlib.resources import files
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.paths import data_folder

from ui.widgets.heading import Heading

PACKAGE = "casusoverleg"
LICENCE_FALLBACK = "EUPL-1.2"  # pyproject's license field; used when no metadata is installed
ABOUT_TITLE = "Over Casusoverleg"
HELP_ACTION_TEXT = "Help bij dit scherm"
MEETING_MODE = "Vergadermodus"

# The page for each screen (the main window's sections, and meeting mode).
HELP_PAGES: dict[str, str] = {
    "Overzicht": "overzicht.md",
    "Casussen": "casussen.md",
    "Overleggen": "overleggen.md",
    "Actiepunten": "actiepunten.md",
    "Deelnemers": "deelnemers.md",
    "Rapportage": "rapportage.md",
    "Logboek": "logboek.md",
    "Instellingen": "instellingen.md",
    MEETING_MODE: "vergadermodus.md",
}


def help_markdown(topic: str) -> str:
    """The Markdown text of the help page for `topic` (a section name or "Vergadermodus")."""
    name = HELP_PAGES.get(topic, HELP_PAGES["Overzicht"])
    return files("casusoverleg.resources").joinpath(f"help/{name}").read_text(encoding="utf-8")


def help_title(topic: str) -> str:
    """The page's own heading (its first line, "# …"), used as the dialog's title."""
    first = help_markdown(topic).lstrip().splitlines()[0]
    return first.lstrip("#").strip()


def app_icon() -> QIcon:
    """The Casusoverleg icon (a rounded blue square with "CO"), from the resources package."""
    icon = QIcon()
    data = files("casusoverleg.resources").joinpath("icons/casusoverleg.svg").read_bytes()
    pixmap = QPixmap()
    # Rendered once at the drawing's own size (256 px); Qt scales it down for each use.
    if pixmap.loadFromData(data, "SVG"):
        icon.addPixmap(pixmap)
    return icon


def version() -> str:
    """The installed version of Casusoverleg ("onbekend" when run without installing)."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "onbekend"


def licence() -> str:
    """The licence as the package metadata states it (SPDX), else pyproject's value."""
    try:
        meta = metadata.metadata(PACKAGE)
    except metadata.PackageNotFoundError:
        return LICENCE_FALLBACK
    return meta["License-Expression"] or meta["License"] or LICENCE_FALLBACK


def about_text(store_path: Path) -> str:
    """The plain Dutch lines of the About dialog (also what a user copies into a report)."""
    return "\n".join(
        (
            f"Casusoverleg, versie {version()}",
            f"Licentie: {licence()} (European Union Public Licence)",
            "",
            f"Opslag: {store_path}",
            f"Map van de opslag: {store_path.parent}",
            f"Standaardmap voor gegevens: {data_folder()}",
            "",
            f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}",
        )
    )


class AboutDialog(QDialog):
    """Version, licence, where the store is; the text can be selected and copied; Esc closes."""

    def __init__(self, store_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(ABOUT_TITLE)
        heading = Heading("Casusoverleg")
        heading.setAccessibleName("Casusoverleg")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.text_label = QLabel(about_text(store_path))
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.text_label.setAccessibleName("Over Casusoverleg")
        self.text_label.setAccessibleDescription(self.text_label.text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText("Sluiten")
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        logo.setAccessibleName("Pictogram van Casusoverleg")
        top = QHBoxLayout()
        top.addWidget(logo)
        top.addWidget(heading, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text_label)
        layout.addWidget(buttons)
        # Wide enough that the usual store paths fit on one line.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        close.setFocus()


class HelpDialog(QDialog):
    """One help page in a QTextBrowser; Esc closes."""

    def __init__(self, topic: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topic = topic if topic in HELP_PAGES else "Overzicht"
        self.setWindowTitle(f"Help — {help_title(self.topic)}")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(help_markdown(self.topic))
        self.browser.setAccessibleName(f"Help bij {self.topic}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Sluiten")
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(560, 480)
        self.browser.setFocus()


def show_help(parent: QWidget, topic: str) -> HelpDialog:
    """Open (non-modal) the help page of `topic` over `parent`; one per parent at a time."""
    for old in parent.findChildren(HelpDialog):
        if old.isVisible():
            old.close()
    dialog = HelpDialog(topic, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_about(parent: QWidget, store_path: Path) -> AboutDialog:
    """Open the About dialog over `parent`."""
    dialog = AboutDialog(store_path, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def add_help_menu(
    window: QMainWindow, topic: Callable[[], str], store_path: Callable[[], Path]
) -> QMenu:
    """The "&Help" menu: help for the screen shown (F1) and "Over Casusoverleg".

    `topic()` names the screen shown and `store_path()` the store; both are asked at the moment
    the user chooses, so they follow navigation, locking and another store.
    """
    menu = window.menuBar().addMenu("&Help")
    help_action = QAction(HELP_ACTION_TEXT, window)
    help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    help_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    help_action.triggered.connect(lambda: show_help(window, topic() or "Overzicht"))
    window.addAction(help_action)  # F1 works with the menu closed
    about_action = QAction("&Over Casusoverleg", window)
    about_action.triggered.connect(lambda: show_about(window, store_path()))
    menu.addAction(help_action)
    menu.addAction(about_action)
    return menu


def install_f1(window: QWidget, topic: str) -> QShortcut:
    """F1 in a window of its own (meeting mode) opens the help page of `topic`."""
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(lambda: show_help(window, topic))
    return shortcut
