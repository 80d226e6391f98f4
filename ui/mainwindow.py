"""The main window: navigation, the screens, the File menu, locking and the status bar.

Every screen follows one small protocol: `load(store)` fills it in the background, `clear()`
drops the data it shows (on lock; a screen with unsaved typed text keeps that in memory and puts
it back after the next load), and an optional `open_case(int)` signal asks for a case form.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Protocol, cast

from PySide6.QtCore import QByteArray, QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressDialog,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import accounts, autobackup, backup, exports, settings
from casusoverleg.services.autobackup import AutoBackupResult, BackupStatus
from casusoverleg.services.imports import ImportResult
from casusoverleg.services.settings import Settings
from casusoverleg.services.store import Store

from ui import dialogs, ops, pdf_preview, style, tasks, window_state
from ui.actions import ActionsView
from ui.audit_log import AuditLogView
from ui.autobackup import AutoBackup, lock_with_backup
from ui.autolock import IdleWatcher
from ui.cases import CasesView
from ui.help import MEETING_MODE, add_help_menu, install_f1
from ui.import_dialog import FILE_FILTER as IMPORT_FILTER
from ui.import_dialog import ImportDialog
from ui.meeting_mode import MeetingModeWindow
from ui.meetings import MeetingsView
from ui.overview import OverviewView
from ui.participants import ParticipantsView
from ui.reports import ReportsView
from ui.restore_backup import RestoreBackupDialog
from ui.server_store import shown_address
from ui.settings import SettingsView
from ui.unlock import UnlockDialog

APP_TITLE = style.APP_TITLE
DEMO_SUFFIX = " — DEMO (geen echte gegevens)"
LOCKED_TITLE = "Vergrendeld"

# The sections the design names, in the order of the navigation (Ctrl+1 … Ctrl+8).
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
LATER_TOOLTIP = "{name} komt in een volgende versie van Casusoverleg."
EXPORT_FILTER = "Excel-werkmap (*.xlsx);;CSV-bestand, puntkomma-gescheiden (*.csv)"
BACKUP_FILTER = "Back-up van Casusoverleg (*.zip)"
DEFAULT_IDLE_MINUTES = Settings().idle_lock_minutes


class Screen(Protocol):
    """What the main window needs of a screen."""

    def load(self, store: Store) -> None:
        """Fill the screen from `store` in the background."""

    def clear(self) -> None:
        """Drop the data shown (keep unsaved typed text in memory)."""


def _within(widget: QWidget, ancestor: QWidget) -> bool:
    """Whether `widget` is `ancestor` or sits in it, dialogs over it included."""
    found: QWidget | None = widget
    while found is not None:
        if found is ancestor:
            return True
        found = found.parentWidget()
    return False


def reload_wanted(screen: QObject, change: ops.Change, source: object) -> bool:
    """Whether `screen` must load again after `change` (its `reload_on` says which kinds).

    The screen that made the change (or holds the widget that did) has shown it already.
    """
    wanted = getattr(screen, "reload_on", ops.Change.NONE)
    if not wanted & change:
        return False
    if isinstance(source, QWidget) and isinstance(screen, QWidget):
        return not _within(source, screen)
    return source is not screen


# The screens, by section.
SCREEN_FACTORIES: dict[str, Callable[[], QWidget]] = {
    "Overzicht": OverviewView,
    "Casussen": CasesView,
    "Overleggen": MeetingsView,
    "Actiepunten": ActionsView,
    "Deelnemers": ParticipantsView,
    "Rapportage": ReportsView,
    "Logboek": AuditLogView,
    "Instellingen": SettingsView,
}
WORKING_SECTIONS = frozenset(SCREEN_FACTORIES)


def window_title(*, is_demo: bool) -> str:
    """The title bar text; a demo store always says so."""
    return APP_TITLE + (DEMO_SUFFIX if is_demo else "")


def locked_title(*, is_demo: bool) -> str:
    """The title bar text while the store is locked."""
    return f"{LOCKED_TITLE} — {window_title(is_demo=is_demo)}"


class MainWindow(QMainWindow):
    """The window around the screens of one unlocked store."""

    locked = Signal()  # the store is closed and the screens emptied
    unlocked = Signal()  # a store is open again
    closed = Signal()  # the window was closed and its store locked
    status_loaded = Signal()  # the last-backup time and the settings are read

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        idle_lock_ms: int | None = None,
        state: QSettings | None = None,
        notice: str = "",
        backup_timer: QTimer | None = None,
        backup_clock: Callable[[], float] = time.monotonic,
        idle_timer: QTimer | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._store_path: Path = store.path
        self._server = store.server  # a shared store's address (without a password), or ""
        self._account = store.account
        self._is_demo = store.is_demo
        self._closing = False
        self._export_confirmed = False
        self._idle_override = idle_lock_ms
        self._state = state if state is not None else window_state.ui_settings()
        self.unlock_dialog: UnlockDialog | None = None
        self.restore_dialog: RestoreBackupDialog | None = None
        self.screens: dict[str, QWidget] = {}
        self._stale: set[str] = set()
        self.meeting_mode: MeetingModeWindow | None = None
        self._current = ""
        self._lock_reason = ""
        self._restore_source: Path | None = None  # put back after the lock (restore_backup)

        self.setWindowTitle(window_title(is_demo=store.is_demo))
        self._make_actions()
        self._make_menus()
        self._make_toolbar()

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigatie")
        self.navigation.setAccessibleName("Onderdelen")
        self.navigation.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for number, name in enumerate(SECTIONS, start=1):
            item = QListWidgetItem(name)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 14))
            if name in WORKING_SECTIONS:
                item.setToolTip(f"{name} (Ctrl+{number})")
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(LATER_TOOLTIP.format(name=name))
            self.navigation.addItem(item)
        width = max(self.fontMetrics().horizontalAdvance(n) for n in SECTIONS) + 48
        self.navigation.setMinimumWidth(width)

        self.stack = QStackedWidget()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("hoofdsplitter")
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.stack)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([width, 1000])
        # Above the screens, full width and wrapping: in the tool bar a narrow window would
        # push it into the overflow menu, out of sight (WCAG 2.2.1: a warning one can see).
        self.lock_warning = QLabel()
        self.lock_warning.setObjectName("vergrendelwaarschuwing")
        self.lock_warning.setWordWrap(True)
        self.lock_warning.setStyleSheet(
            "background: #fff4ce; color: #3d2c00; border: 1px solid #8a6d00; padding: 3px 8px;"
        )
        self.lock_warning.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.lock_warning)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.location_label = QLabel()
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_label = QLabel()
        self.statusBar().addWidget(self.location_label, 1)
        self.statusBar().addPermanentWidget(self.backup_label)
        # Backups before lock and quit and once a day (timer and clock: tests move time).
        self.auto_backup = AutoBackup(
            self, self.backup_label, lambda: self._store, timer=backup_timer, clock=backup_clock
        )

        self.idle_watcher = IdleWatcher(
            idle_lock_ms if idle_lock_ms is not None else DEFAULT_IDLE_MINUTES * 60_000,
            self,
            clock=idle_clock,
            timer=idle_timer,
        )
        self.idle_watcher.idle.connect(self.idle_lock)
        self.idle_watcher.warning.connect(self._warn_of_lock)
        self.idle_watcher.resumed.connect(lambda: self.lock_warning.hide())

        self._build_screens()
        ops.change_bus().did_change.connect(self._store_changed)
        self._restore_window_state()
        self.navigation.currentRowChanged.connect(self._navigation_changed)
        self.set_store(store)
        if notice:
            self.statusBar().showMessage(notice, 20_000)

    # Building ------------------------------------------------------------------------------

    def _make_actions(self) -> None:
        self.lock_action = QAction("Vergrendelen", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.lock_action.triggered.connect(self._lock_or_unlock)
        self.addAction(self.lock_action)

        self.import_action = QAction("Casussen &importeren…", self)
        self.import_action.triggered.connect(self.import_cases)
        self.export_action = QAction("Casussen &exporteren…", self)
        self.export_action.triggered.connect(self.export_cases)
        self.backup_action = QAction("&Back-up maken…", self)
        self.backup_action.triggered.connect(self.make_backup)
        self.restore_action = QAction("Back-up &terugzetten…", self)
        self.restore_action.triggered.connect(self.restore_backup)
        self.quit_action = QAction("&Afsluiten", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.quit_action.triggered.connect(self.close)
        self.addAction(self.quit_action)

        self.section_actions: list[QAction] = []
        for number, name in enumerate(SECTIONS, start=1):
            action = QAction(name, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, n=name: self.show_section(n))
            if name not in WORKING_SECTIONS:
                action.setEnabled(False)
                action.setToolTip(LATER_TOOLTIP.format(name=name))
            self.addAction(action)
            self.section_actions.append(action)

    def _make_menus(self) -> None:
        menu = self.menuBar().addMenu("&Bestand")
        menu.setToolTipsVisible(True)
        menu.addAction(self.import_action)
        menu.addAction(self.export_action)
        menu.addSeparator()
        menu.addAction(self.backup_action)
        menu.addAction(self.restore_action)
        menu.addSeparator()
        menu.addAction(self.lock_action)
        menu.addAction(self.quit_action)
        go = self.menuBar().addMenu("&Ga naar")
        go.setToolTipsVisible(True)
        for action in self.section_actions:
            go.addAction(action)
        # Help for the screen shown (F1) and About; both read section and store when chosen.
        self.help_menu = add_help_menu(self, lambda: self._current, lambda: self._store_path)

    def _make_toolbar(self) -> None:
        toolbar = QToolBar("Account")
        toolbar.setObjectName("accountbalk")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.toggleViewAction().setVisible(False)
        toolbar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        if self._is_demo:
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

    def _build_screens(self) -> None:
        """Make every screen anew (at start, and when another account or store is opened)."""
        for screen in self.screens.values():
            self._save_screen_state_of(screen)
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.screens = {}
        for name in SECTIONS:
            factory = SCREEN_FACTORIES.get(name)
            if factory is None:
                continue
            screen = factory()
            self.screens[name] = screen
            self.stack.addWidget(screen)
            signal = getattr(screen, "open_case", None)
            if signal is not None:
                signal.connect(self.open_case)
            signal = getattr(screen, "open_actions", None)
            if signal is not None:
                signal.connect(lambda: self.show_section("Actiepunten"))
            signal = getattr(screen, "open_meeting", None)
            if signal is not None:
                signal.connect(self.open_meeting)
            signal = getattr(screen, "open_meeting_mode", None)
            if signal is not None:
                signal.connect(self.open_meeting_mode)
            if isinstance(screen, SettingsView):
                screen.idle_lock_minutes_changed.connect(self._idle_minutes_changed)
            self._restore_screen_state(name, screen)
        self._stale = set(self.screens)

    # Screens and navigation ----------------------------------------------------------------

    @property
    def store(self) -> Store | None:
        """The open store, or None while locked."""
        return self._store

    @property
    def cases_view(self) -> CasesView:
        """The Casussen screen."""
        return cast(CasesView, self.screens["Casussen"])

    @property
    def audit_view(self) -> AuditLogView:
        """The Logboek screen."""
        return cast(AuditLogView, self.screens["Logboek"])

    @property
    def settings_view(self) -> SettingsView:
        """The Instellingen screen."""
        return cast(SettingsView, self.screens["Instellingen"])

    @property
    def current_section(self) -> str:
        """The section on screen."""
        return self._current

    def show_section(self, name: str) -> bool:
        """Bring a section to the front (loading it if needed); False if it does not exist yet."""
        screen = self.screens.get(name)
        if screen is None:
            self.statusBar().showMessage(LATER_TOOLTIP.format(name=name), 5000)
            return False
        self._current = name
        row = SECTIONS.index(name)
        if self.navigation.currentRow() != row:
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(row)
            self.navigation.blockSignals(False)
        self.stack.setCurrentWidget(screen)
        self._load_if_stale(name)
        keep_search = getattr(screen, "focus_filter", None)
        if self._store is not None and callable(keep_search):
            keep_search()  # the case list: its search field, also when the table had the focus
        # Keyboard focus into the screen, so that its shortcuts work at once: its search field
        # if it has one, else its first widget that takes focus, else the navigation.
        focus = getattr(screen, "filter_edit", None)
        if not isinstance(focus, QWidget) or not focus.isVisible() or not focus.isEnabled():
            focus = next(
                (
                    w
                    for w in screen.findChildren(QWidget)
                    if w.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and w.isVisibleTo(screen)
                    and w.isEnabled()
                    and not isinstance(w, QAbstractButton)
                ),
                self.navigation,
            )
        current = QApplication.focusWidget()
        if self._store is not None and (current is None or not screen.isAncestorOf(current)):
            focus.setFocus()
        return True

    def _navigation_changed(self, row: int) -> None:
        if 0 <= row < len(SECTIONS):
            self.show_section(SECTIONS[row])

    def _load_if_stale(self, name: str) -> None:
        store = self._store
        if store is None or name not in self._stale:
            return
        self._stale.discard(name)
        cast(Screen, self.screens[name]).load(store)

    def open_meeting(self, meeting_id: int) -> None:
        """Show one meeting on the Overleggen screen."""
        if self.show_section("Overleggen"):
            cast(MeetingsView, self.screens["Overleggen"]).show_meeting(meeting_id)

    def open_meeting_mode(self, meeting_id: int) -> None:
        """Run a meeting in meeting mode, in a window of its own over the main window."""
        if self._store is None:
            return
        if self.meeting_mode is not None:
            self.meeting_mode.close()
        window = MeetingModeWindow(meeting_id)
        window.left.connect(self._meeting_mode_left)
        self.meeting_mode = window
        install_f1(window, MEETING_MODE)
        window.load(self._store)
        window.present()

    def _store_changed(self, change: ops.Change, source: object) -> None:
        """An op changed the store: screens that show that kind load again (the front one now)."""
        if self._store is None:
            return
        for name, screen in self.screens.items():
            if reload_wanted(screen, change, source):
                self._stale.add(name)
        if self.meeting_mode is not None and reload_wanted(self.meeting_mode, change, source):
            self.meeting_mode.load(self._store)
        # A change made in another window (meeting mode) shows when the user comes back.
        if not isinstance(source, QWidget) or _within(source, self):
            self._load_if_stale(self._current)

    def _meeting_mode_left(self) -> None:
        self.meeting_mode = None
        self._load_if_stale(self._current)

    def open_case(self, case_id: int) -> None:
        """Show the Casussen screen with the form of one case (a screen asked for it)."""
        self.show_section("Casussen")
        opener = getattr(self.cases_view, "open_case_form", None)
        if callable(opener):
            opener(case_id)

    # Store, lock and unlock ------------------------------------------------------------------

    def _update_chrome(self) -> None:
        is_open = self._store is not None
        if is_open:
            self.account_label.setText(f"Account: {self._account}")
            self.lock_action.setText("Vergrendelen")
            self.lock_action.setToolTip("Vergrendelen (Ctrl+L): sluit de opslag tot u terugkomt")
        else:
            self.account_label.setText("Vergrendeld")
            self.lock_action.setText("Ontgrendelen…")
            self.lock_action.setToolTip("Ontgrendelen (Ctrl+L)")
        # Locked, the title bar (and taskbar) says so instead of what a screen last showed.
        self.setWindowTitle(
            window_title(is_demo=self._is_demo) if is_open else locked_title(is_demo=self._is_demo)
        )
        self.location_label.setText(
            f"Gedeelde opslag: {shown_address(self._server)}"
            if self._server
            else f"Opslag: {self._store_path}"
        )
        self.stack.setEnabled(is_open)
        self.navigation.setEnabled(is_open)
        for action in (
            self.import_action,
            self.export_action,
            self.backup_action,
            self.restore_action,
        ):
            action.setEnabled(is_open)
        for action, name in zip(self.section_actions, SECTIONS, strict=True):
            action.setEnabled(is_open and name in self.screens)

    def _lock_or_unlock(self) -> None:
        if self._store is not None:
            self.lock()
        else:
            self.show_unlock_dialog()

    def _warn_of_lock(self, seconds: int) -> None:
        """A minute before the auto-lock: say so, and that any key or mouse move keeps working."""
        if self._store is None:
            return
        left = "1 minuut" if seconds >= 50 else f"{seconds} seconden"
        text = (
            f"Casusoverleg vergrendelt over {left} omdat er niet gewerkt wordt. Druk op een "
            "toets of beweeg de muis om door te werken."
        )
        self.lock_warning.setText(text)
        self.lock_warning.setAccessibleName(text)
        self.lock_warning.show()

    def idle_lock(self) -> None:
        """Lock because nobody used the app for the idle time."""
        if self._store is None:
            return
        minutes = max(1, round(self.idle_watcher.interval_ms / 60_000))
        period = "1 minuut" if minutes == 1 else f"{minutes} minuten"
        self.lock(reason=f"Casusoverleg is vergrendeld na {period} zonder gebruik.")

    def lock(self, reason: str = "", *, auto_backup: bool = True) -> None:
        """Empty the screens, close the store in the background, then ask to unlock again.

        `auto_backup=False` before a restore: the current store is kept aside whole anyway, and
        the rotation of a new automatic backup could remove the very backup being put back.
        """
        store = self._store
        if store is None:
            return
        self._store = None
        self._lock_reason = reason
        self.idle_watcher.stop()
        self._server_changes.stop()
        self.lock_warning.hide()
        self.auto_backup.store_closing()
        self._save_window_state()
        self._close_dialogs()
        pdf_preview.close_all_previews()
        for screen in self.screens.values():
            cast(Screen, screen).clear()
        if self.meeting_mode is not None:
            self.meeting_mode.clear()
        self._stale = set(self.screens)
        self.backup_label.setText("")
        self._update_chrome()
        ops.drop_all_pending()  # nothing read before the lock may show after it
        # The automatic backup (if due) runs first in the same op: the lock waits for it.
        ops.StoreOp(self, store, lock_with_backup if auto_backup else accounts.lock).success(
            self._after_lock
        ).failure(self._lock_failed).run()

    def _close_dialogs(self) -> None:
        """Close what a dialog shows of the store (an import preview, a file chooser …)."""
        for dialog in self.findChildren(QDialog):
            if dialog is self.unlock_dialog or isinstance(dialog, QProgressDialog):
                continue
            if isinstance(dialog, ImportDialog):
                dialog.discard()
            elif dialog.isVisible():
                dialog.reject()

    def _after_lock(self, result: object) -> None:
        if isinstance(result, AutoBackupResult):
            self.auto_backup.show_result(result)
        self.locked.emit()
        if not self._closing:
            self.show_unlock_dialog()

    def _lock_failed(self, exc: CasusoverlegError) -> None:
        # accounts.lock closes the store even when logging the lock fails.
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
        dialog = UnlockDialog(
            self._store_path,
            server=self._server,  # a shared store opens on its server again
            account=self._account,
            hint=self._lock_reason
            or "Casusoverleg is vergrendeld. Geef uw wachtwoord om verder te werken.",
            parent=self,
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setWindowTitle(locked_title(is_demo=self._is_demo))  # the lock screen says so
        dialog.accepted.connect(self._unlock_accepted)
        dialog.finished.connect(self._unlock_finished)
        self.unlock_dialog = dialog
        dialog.open()
        source, self._restore_source = self._restore_source, None
        if source is not None:
            dialog.use_backup(source)

    def _unlock_accepted(self) -> None:
        dialog = self.unlock_dialog
        if dialog is None or dialog.store is None:
            return
        if self._closing:
            accounts.lock(dialog.store)
            return
        self.set_store(dialog.store)
        if dialog.restored is not None:
            self.statusBar().showMessage(restore_notice(dialog.restored.previous), 20_000)

    def _unlock_finished(self, _result: int) -> None:
        if self.unlock_dialog is not None:
            self.unlock_dialog.deleteLater()
            self.unlock_dialog = None

    def set_store(self, store: Store) -> None:
        """Show an unlocked store: the current screen loads first, the others when shown."""
        other = (
            store.account.casefold() != self._account.casefold()
            or store.path.resolve() != self._store_path.resolve()
            or store.server != self._server
        )
        if other:
            # Someone else, or another store: nothing typed by the last user may show.
            self._build_screens()
        self._store = store
        self._account = store.account
        self._store_path = store.path
        self._server = store.server
        self._update_chrome()
        section = self._current or self._start_section()
        self.show_section(section)
        if section != "Casussen":
            self._load_if_stale("Casussen")  # the register is where most work starts
        self.auto_backup.store_opened()
        self._load_status(store)
        if self.meeting_mode is not None:
            if other:
                self.meeting_mode.close()
            else:
                self.meeting_mode.load(store)
        self.idle_watcher.start()
        self._server_changes = ops.ServerChanges(self, store)  # what other clients change
        self.unlocked.emit()

    def _start_section(self) -> str:
        remembered = str(self._state.value("venster/onderdeel", "") or "")
        if remembered in self.screens:
            return remembered
        return "Overzicht"

    def _load_status(self, store: Store) -> None:
        def fetch(store: Store) -> tuple[BackupStatus, Settings]:
            return autobackup.backup_status(store), settings.load_settings(store)

        def done(result: tuple[BackupStatus, Settings]) -> None:
            status, values = result
            self.auto_backup.show_status(status)
            self._idle_minutes_changed(values.idle_lock_minutes)
            self.status_loaded.emit()

        ops.StoreOp(self, store, fetch).key("status").success(done).failure(
            self._show_in_status_bar
        ).run()

    def _idle_minutes_changed(self, minutes: int) -> None:
        if self._idle_override is None:
            self.idle_watcher.set_interval_ms(minutes * 60_000)

    def _show_in_status_bar(self, exc: CasusoverlegError) -> None:
        self.statusBar().showMessage(exc.message, 10_000)

    def close_store(self) -> None:
        """Let running work finish, then lock the store (closing the window, quitting)."""
        self._closing = True
        self.idle_watcher.stop()
        self._server_changes.stop()
        self.auto_backup.store_closing()
        if self.meeting_mode is not None:
            # Closing meeting mode saves what was typed there; the wait below lets it land.
            self.meeting_mode.close()
            self.meeting_mode = None
        tasks.wait_for_idle()
        if self.unlock_dialog is not None:
            self.unlock_dialog.reject()
        self._close_dialogs()
        pdf_preview.close_all_previews()
        store, self._store = self._store, None
        for screen in self.screens.values():
            cast(Screen, screen).clear()
        if store is not None:
            try:
                self.auto_backup.before_exit(store)
            finally:
                accounts.lock(store)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Lock the store when the window closes (after the automatic backup, if one is due)."""
        if self._store is not None and self.meeting_mode is not None:
            # Meeting mode saves what was typed as it closes: that belongs in the backup too.
            self.meeting_mode.close()
            self.meeting_mode = None
        if self.auto_backup.hold_close(self._store):
            event.ignore()  # closes again when the backup is made
            return
        if not self._closing:
            self._save_window_state()
        self.close_store()
        super().closeEvent(event)
        self.closed.emit()

    # File menu -----------------------------------------------------------------------------

    def import_cases(self) -> None:
        """Choose a case list, show its check, and import it on request."""
        store = self._store
        if store is None:
            return
        path = dialogs.ask_open_file(self, "Casussen importeren", IMPORT_FILTER, str(Path.home()))
        if path is None or self._store is not store:
            return
        dialog = ImportDialog(store, path, parent=self)
        dialog.imported.connect(self._imported)
        dialog.finished.connect(dialog.deleteLater)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()
        dialog.check()

    def _imported(self, result: ImportResult) -> None:
        # The import announced its change itself (ui.ops); the screens reload from that.
        if self._store is None:
            return
        count = result.count
        text = f"{count} casus geïmporteerd." if count == 1 else f"{count} casussen geïmporteerd."
        if result.new_owners:
            text += " Nieuwe deelnemers: " + ", ".join(result.new_owners) + "."
        if result.left_empty:
            text += (
                " Zonder casushouder: "
                + ", ".join(f"'{owner.value}' ({owner.cases_text})" for owner in result.left_empty)
                + "."
            )
        self.statusBar().showMessage(text, 15_000)
        dialogs.inform(self, "Casussen importeren", text)

    def export_cases(self) -> None:
        """Write every case to an .xlsx or .csv file (after saying it is not encrypted)."""
        store = self._store
        if store is None:
            return
        suggestion = str(Path.home() / f"casussen-{date.today():%Y-%m-%d}.xlsx")
        path = dialogs.ask_save_file(self, "Casussen exporteren", EXPORT_FILTER, suggestion)
        if path is None or self._store is not store:
            return
        if not self._export_confirmed:
            yes, remember = dialogs.confirm_with_checkbox(
                self,
                "Casussen exporteren",
                f"Het bestand {path.name} wordt NIET versleuteld. Iedereen die het bestand "
                "kan openen, kan de namen en gegevens van de kinderen lezen.\n\n"
                "Bewaar het alleen op een beveiligde plek en verwijder het als u het niet meer "
                "nodig hebt. De export wordt in het logboek vastgelegd.",
                "Exporteren",
                "Niet meer vragen tot Casusoverleg wordt afgesloten",
            )
            if not yes or self._store is not store:
                return
            self._export_confirmed = remember
        # The file dialog already asked whether an existing file may be replaced; the service
        # still refuses the store itself and every file beside it.
        overwrite = path.exists()

        def done(count: int) -> None:
            noun = "casus" if count == 1 else "casussen"
            text = f"{count} {noun} geëxporteerd naar {path}."
            self.statusBar().showMessage(text, 15_000)
            if self._store is not None:
                dialogs.inform(self, "Casussen exporteren", text)

        ops.StoreOp(
            self, store, lambda s: exports.export_cases(s, path, overwrite=overwrite)
        ).changes(ops.Change.AUDIT).with_progress(
            "Casussen exporteren", f"De casussen worden geschreven naar {path.name}…"
        ).success(done).failure(
            lambda exc: self._report_failure("Casussen exporteren", "Exporteren is mislukt.", exc)
        ).run()

    def make_backup(self) -> None:
        """Write an encrypted backup (.zip) of the store to a chosen place."""
        store = self._store
        if store is None:
            return
        suggestion = str(Path.home() / f"casusoverleg-back-up-{date.today():%Y-%m-%d}.zip")
        path = dialogs.ask_save_file(self, "Back-up maken", BACKUP_FILTER, suggestion)
        if path is None or self._store is not store:
            return
        # The file dialog already asked whether an existing file may be replaced.
        overwrite = path.exists()

        def make(store: Store) -> BackupStatus:
            backup.backup(store, path, overwrite=overwrite)
            return autobackup.backup_status(store)

        def done(status: BackupStatus) -> None:
            if self._store is store:
                self.auto_backup.show_status(status)
            self.statusBar().showMessage(f"Back-up gemaakt: {path}", 15_000)

        ops.StoreOp(self, store, make).changes(ops.Change.AUDIT).with_progress(
            "Back-up maken", "De back-up wordt gemaakt…"
        ).success(done).failure(
            lambda exc: self._report_failure("Back-up maken", "De back-up is niet gemaakt.", exc)
        ).run()

    def restore_backup(self) -> None:
        """Choose a backup to put back; then lock and put it back in the unlock dialog."""
        store = self._store
        if store is None:
            return
        dialog = RestoreBackupDialog(store, parent=self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.restore_dialog = dialog

        def chosen() -> None:
            if dialog.chosen is not None and self._store is store:
                self._restore_source = dialog.chosen[0]
                self.lock(
                    reason="Casusoverleg is vergrendeld om een back-up terug te zetten.",
                    auto_backup=False,
                )

        dialog.accepted.connect(chosen)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _report_failure(self, title: str, text: str, exc: CasusoverlegError) -> None:
        dialogs.warn(self, title, text, detail=exc.message)

    # Remembered window state (sizes only, never data) ---------------------------------------

    def _size_to_screen(self) -> None:
        screen = self.screen().availableGeometry()
        self.resize(min(1280, screen.width() * 9 // 10), min(800, screen.height() * 9 // 10))

    def _restore_window_state(self) -> None:
        geometry = self._state.value("venster/geometrie")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._size_to_screen()
        splitter = self._state.value("venster/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def _save_window_state(self) -> None:
        self._state.setValue("venster/geometrie", self.saveGeometry())
        self._state.setValue("venster/splitter", self.splitter.saveState())
        if self._current:
            self._state.setValue("venster/onderdeel", self._current)
        for screen in self.screens.values():
            self._save_screen_state_of(screen)
        self._state.sync()

    def _save_screen_state_of(self, screen: QWidget) -> None:
        name = next((n for n, s in self.screens.items() if s is screen), "")
        if name:
            window_state.save_screen_state(self._state, name, screen)

    def _restore_screen_state(self, name: str, screen: QWidget) -> None:
        window_state.restore_screen_state(self._state, name, screen)


def restore_notice(previous: Path | None) -> str:
    """What the status bar says after a backup was put back."""
    if previous is None:
        return "De back-up is teruggezet."
    return f"De back-up is teruggezet; de vorige opslag is bewaard als {previous.name}."
