"""A shared store on a server, as the window sees it (issue 15): the address it remembers, the
choice on the wizard's first page, and what the wizard and the unlock dialog call to reach it.

The address is kept in the window's settings without the database login's password (libpq
then takes it from ~/.pgpass or PGPASSWORD). The store layer is imported only when needed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui import style

if TYPE_CHECKING:
    from casusoverleg.services.accounts import NewStore
    from casusoverleg.services.store import Store

    ServerCreator = Callable[[str, str, str], NewStore]

_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@?#]*):[^@/?#]*@")
SETTINGS_KEY = "opslag/server"
ADDRESS_EXAMPLE = "postgresql://gebruiker@host/database?sslmode=verify-full"
BUSY_CONNECTING = "Verbinding met de server maken…"
LOCAL_CHOICE = "&Eigen opslag op deze computer"
SERVER_CHOICE = "&Gedeelde opslag op een server"
LOCAL_EXPLAIN = "Voor wie de casussen alleen op deze computer voorbereidt."
SERVER_EXPLAIN = (
    "Als meerdere mensen of organisaties casussen voorbereiden. De gegevens van kinderen "
    "worden op deze computer versleuteld: de beheerder van de server ziet ze alleen versleuteld."
)


def remembered_server() -> str:
    """The server address chosen at an earlier start ("" if the store is a file here)."""
    from ui.window_state import ui_settings

    return str(ui_settings().value(SETTINGS_KEY, "") or "")


def without_password(url: str) -> str:
    """The address as typed, less the login's password (libpq then finds it in ~/.pgpass or
    PGPASSWORD): the window never keeps or shows it."""
    base, mark, query = _PASSWORD.sub(r"\1@", url.strip()).partition("?")
    kept = [part for part in query.split("&") if part and not part.startswith("password=")]
    return base + (mark + "&".join(kept) if kept else "")


def remember_server(url: str) -> None:
    """Keep the address for the next start, without the login's password."""
    from ui.window_state import ui_settings

    settings = ui_settings()
    settings.setValue(SETTINGS_KEY, without_password(url))
    settings.sync()


def forget_server() -> None:
    """The next start opens a store file again (the user chose another store)."""
    from ui.window_state import ui_settings

    settings = ui_settings()
    settings.remove(SETTINGS_KEY)
    settings.sync()


def shown_address(url: str) -> str:
    """The address as the window shows it: never a password (without loading the store
    layer, so the unlock dialog shows at once)."""
    return without_password(url)


def default_server_creator(url: str, account: str, passphrase: str) -> NewStore:
    """Make the store in the server's empty database, with the real key-derivation cost."""
    from casusoverleg.services import server_store

    return server_store.init_server_store(url, account, passphrase)


def store_exists(url: str) -> bool:
    """Connect and look: True if the database holds a store (BadInput in Dutch if it fails)."""
    from casusoverleg.services import server_store

    return server_store.store_exists(url)


def server_unlocker(url: str) -> Callable[[Path, str, str], Store]:
    """The unlock dialog's way of opening: the server at `url`, not a file."""

    def unlock(_path: Path, account: str, passphrase: str) -> Store:
        from casusoverleg.services import server_store

        return server_store.unlock_server(url, account, passphrase)

    return unlock


class StoreChoice(QWidget):
    """The wizard's choice between a store file here and a shared store on a server."""

    def __init__(self, store_path: Path) -> None:
        super().__init__()
        self.local_radio = QRadioButton(LOCAL_CHOICE)
        self.local_radio.setChecked(True)
        self.server_radio = QRadioButton(SERVER_CHOICE)
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.server_radio)
        self.where_label = where = QLabel(
            f"{LOCAL_EXPLAIN} De nieuwe opslag komt hier:<br><b>{html.escape(str(store_path))}</b>"
        )
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        server_explain = QLabel(SERVER_EXPLAIN)
        server_explain.setWordWrap(True)
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText(ADDRESS_EXAMPLE)
        self.address_edit.setAccessibleName("Serveradres")
        example_width = self.fontMetrics().horizontalAdvance(ADDRESS_EXAMPLE)
        self.address_edit.setMinimumWidth(example_width + 16)
        address_form = QFormLayout()
        address_form.setContentsMargins(0, 0, 0, 0)
        address_form.addRow("&Serveradres:", self.address_edit)
        self.address_row = QWidget()
        self.address_row.setLayout(address_form)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(style.ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        indent = self.fontMetrics().averageCharWidth() * 4
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.local_radio)
        layout.addWidget(_indented(where, indent))
        layout.addWidget(self.server_radio)
        layout.addWidget(_indented(server_explain, indent))
        layout.addWidget(_indented(self.address_row, indent))
        layout.addWidget(_indented(self.error_label, indent))
        self.server_radio.toggled.connect(self._update)
        self.address_edit.textChanged.connect(lambda _text: self.error_label.hide())
        self._update()

    @property
    def on_server(self) -> bool:
        """True when the shared store on a server is chosen."""
        return self.server_radio.isChecked()

    def address(self) -> str:
        """The typed server address."""
        return self.address_edit.text().strip()

    def show_error(self, text: str) -> None:
        """Say why the server could not be used (nothing was written)."""
        self.error_label.setText(text)
        self.error_label.show()

    def _update(self) -> None:
        self.address_row.setEnabled(self.on_server)
        self.error_label.hide()
        if self.on_server:
            self.address_edit.setFocus()


def _indented(widget: QWidget, indent: int) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(indent, 0, 0, 0)
    layout.addWidget(widget)
    return holder
