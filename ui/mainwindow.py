"""The main window: navigation, the Casussen screen, the lock button and the store's location."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import accounts
from casusoverleg.services.store import Store

from ui import tasks
from ui.cases import CasesView
from ui.unlock import UnlockDialog

APP_TITLE = "Casusoverleg"
DEMO_SUFFIX = " — DEMO (geen echte gegevens)"

# The sections the design names; only those that work are enabled (the rest come later).
SECTIONS = (
    "Overzicht",
    "Casussen",
    "Overleggen",
    "Actiepunten",
    "Deelnemers",
    "Rapportage",
    "Logboek",
    "Instellingen",
)
WORKING_SECTIONS = frozenset({"Casussen"})


def window_title(*, is_demo: bool) -> str:
    """The title bar text; a demo store always says so."""
    return APP_TITLE + (DEMO_SUFFIX if is_demo else "")


class MainWindow(QMainWindow):
    """The window around the screens of one unlocked store."""

    locked = Signal()  # the store is closed and the view emptied
    unlocked = Signal()  # a store is open again
    closed = Signal()  # the window was closed and its store locked

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: Store | None = store
        self._store_path: Path = store.path
        self._account = store.account
        self._is_demo = store.is_demo
        self._closing = False
        self.unlock_dialog: UnlockDialog | None = None

        self.setWindowTitle(window_title(is_demo=store.is_demo))

        self.lock_action = QAction("Vergrendelen", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.lock_action.triggered.connect(self._lock_or_unlock)
        self.addAction(self.lock_action)

        toolbar = QToolBar("Account")
        toolbar.setObjectName("accountbalk")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.toggleViewAction().setVisible(False)
        toolbar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        if store.is_demo:
            banner = QLabel("DEMO — verzonnen gegevens, niet voor echte casussen")
            banner.setStyleSheet(
                "background: #ffe08a; color: #3d2c00; font-weight: bold; padding: 3px 8px;"
                "border-radius: 3px;"
            )
            toolbar.addWidget(banner)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.account_label = QLabel()
        self.account_label.setContentsMargins(0, 0, 8, 0)
        toolbar.addWidget(self.account_label)
        toolbar.addAction(self.lock_action)
        lock_button = toolbar.widgetForAction(self.lock_action)
        if isinstance(lock_button, QToolButton):
            lock_button.setAutoRaise(False)  # looks like a button, not like a label
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

        self.navigation = QListWidget()
        self.navigation.setAccessibleName("Onderdelen")
        self.navigation.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for name in SECTIONS:
            item = QListWidgetItem(name)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 14))
            if name not in WORKING_SECTIONS:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip("Dit onderdeel komt in een volgende versie.")
            self.navigation.addItem(item)
            if name == "Casussen":
                item.setSelected(True)
                self.navigation.setCurrentItem(item)
        width = max(self.fontMetrics().horizontalAdvance(n) for n in SECTIONS) + 48
        self.navigation.setFixedWidth(width)

        self.cases_view = CasesView()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.navigation)
        layout.addWidget(self.cases_view, 1)
        self.setCentralWidget(central)

        self.location_label = QLabel(f"Opslag: {store.path}")
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.location_label, 1)

        self._size_to_screen()
        self._update_chrome()
        self.cases_view.filter_edit.setFocus()  # ready to type a name or casusnummer
        self.cases_view.load(store)

    @property
    def store(self) -> Store | None:
        """The open store, or None while locked."""
        return self._store

    def _size_to_screen(self) -> None:
        screen = self.screen().availableGeometry()
        self.resize(min(1280, screen.width() * 9 // 10), min(800, screen.height() * 9 // 10))

    def _update_chrome(self) -> None:
        if self._store is not None:
            self.account_label.setText(f"Account: {self._account}")
            self.lock_action.setText("Vergrendelen")
            self.lock_action.setToolTip("Vergrendelen (Ctrl+L): sluit de opslag tot u terugkomt")
        else:
            self.account_label.setText("Vergrendeld")
            self.lock_action.setText("Ontgrendelen…")
            self.lock_action.setToolTip("Ontgrendelen (Ctrl+L)")
        self.cases_view.setEnabled(self._store is not None)
        self.navigation.setEnabled(self._store is not None)

    def _lock_or_unlock(self) -> None:
        if self._store is not None:
            self.lock()
        else:
            self.show_unlock_dialog()

    def lock(self) -> None:
        """Empty the view, close the store in the background, then ask to unlock again."""
        store = self._store
        if store is None:
            return
        self._store = None
        self.cases_view.clear()
        self._update_chrome()
        tasks.run_in_background(lambda: accounts.lock(store), self._after_lock, self._lock_failed)

    def _after_lock(self, _result: object) -> None:
        self.locked.emit()
        if not self._closing:
            self.show_unlock_dialog()

    def _lock_failed(self, exc: BaseException) -> None:
        # accounts.lock closes the store even when logging the lock fails.
        if not isinstance(exc, CasusoverlegError):
            raise exc
        self.statusBar().showMessage(exc.message, 10_000)
        self._after_lock(None)

    def show_unlock_dialog(self) -> None:
        """Ask for account and passphrase again (after locking)."""
        if self._store is not None or self._closing:
            return
        if self.unlock_dialog is not None:
            self.unlock_dialog.raise_()
            self.unlock_dialog.activateWindow()
            return
        dialog = UnlockDialog(self._store_path, account=self._account, parent=self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(self._unlock_accepted)
        dialog.finished.connect(self._unlock_finished)
        self.unlock_dialog = dialog
        dialog.open()

    def _unlock_accepted(self) -> None:
        dialog = self.unlock_dialog
        if dialog is None or dialog.store is None:
            return
        if self._closing:
            accounts.lock(dialog.store)
            return
        self.set_store(dialog.store)

    def _unlock_finished(self, _result: int) -> None:
        if self.unlock_dialog is not None:
            self.unlock_dialog.deleteLater()
            self.unlock_dialog = None

    def set_store(self, store: Store) -> None:
        """Show an unlocked store (after the unlock dialog)."""
        self._store = store
        self._account = store.account
        self._update_chrome()
        self.cases_view.load(store)
        self.unlocked.emit()

    def close_store(self) -> None:
        """Let running work finish, then lock the store (closing the window, quitting)."""
        self._closing = True
        tasks.wait_for_idle()
        if self.unlock_dialog is not None:
            self.unlock_dialog.reject()
        store, self._store = self._store, None
        self.cases_view.clear()
        if store is not None:
            accounts.lock(store)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Lock the store when the window closes."""
        self.close_store()
        super().closeEvent(event)
        self.closed.emit()
