"""Start the window: options, Dutch Qt, the unlock dialog, then the main window."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    QSocketNotifier,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from casusoverleg.paths import STORE_FILE_NAME, default_store_path, is_server_address

from ui import ops, tasks
from ui.gc_guard import GuiThreadCollector
from ui.help import app_icon
from ui.style import APP_TITLE
from ui.unlock import UnlockDialog

# Only what the unlock dialog needs is imported before it is shown: the main window, the
# first-start wizard and the store layer come when they are wanted (issue 14: fast start;
# tests/e2e/test_cli_start.py checks it, `make bench` times it as gui_start_to_unlock).
if TYPE_CHECKING:
    from ui.mainwindow import MainWindow
    from ui.server_store import ServerCreator
    from ui.wizard import Creator, SetupWizard

STORE_ENV = "CASUSOVERLEG_STORE"
START_PROBE_ENV = "CASUSOVERLEG_START_PROBE"
START_PROBE_LINE = "casusoverleg: ontgrendelvenster getoond"
DEMO_FILE = "demo.db"
STORE_FILE = STORE_FILE_NAME

CRASH_MESSAGE = (
    "Er is een onverwachte fout opgetreden in Casusoverleg ({name}).\n\n"
    "Wat al was opgeslagen, blijft bewaard. Sluit het programma af en start het opnieuw. "
    "Komt de fout terug, meld dan aan de beheerder wat u deed toen dit gebeurde."
)


def resolve_store_path(option: str | None, environ: dict[str, str] | None = None) -> Path:
    """--store, else $CASUSOVERLEG_STORE, else the per-user data folder. A folder means the
    store in it (made there at the first start)."""
    env = os.environ if environ is None else environ
    chosen = option or env.get(STORE_ENV, "")
    path = Path(chosen).expanduser() if chosen else default_store_path()
    return path / STORE_FILE if path.is_dir() else path


def chosen_server(option: str | None, environ: dict[str, str] | None = None) -> str:
    """A server address from --store or $CASUSOVERLEG_STORE, else the one remembered from an
    earlier start (only when neither names a store); "" for a store file."""
    env = os.environ if environ is None else environ
    chosen = option or env.get(STORE_ENV, "")
    if chosen:
        return chosen if is_server_address(chosen) else ""
    from ui.server_store import remembered_server

    return remembered_server()


def missing_store_message(path: Path) -> str:
    """What to do when the chosen store's folder does not exist (perhaps a typing error)."""
    return (
        f"Hier kan geen opslag worden aangemaakt:\n{path}\n\n"
        f"De map {path.parent} bestaat niet. "
        "Is de plek verkeerd getypt? Laat de snelkoppeling (of --store) naar de juiste plek "
        "wijzen. Wijst die naar een bestaande map zonder opslag, dan helpt het programma u daar "
        "een nieuwe opslag aan te maken.\n\n"
        "Wilt u het programma eerst bekijken met verzonnen gegevens? "
        "Start dan 'casusoverleg --demo'."
    )


def show_message(parent: QWidget | None, title: str, text: str) -> None:
    """A modal warning; tests replace this function instead of clicking a message box."""
    QMessageBox.warning(parent, title, text)


def _print_crash(exc_type: type[BaseException], tb: TracebackType | None) -> None:
    # Only the kind of error and where in the code: an exception's message may carry a child's
    # name or other data, and stderr may be redirected to a file. Nothing else is written.
    # Not even the source lines: they are code, but a test or a literal may hold a name.
    lines = [f"Casusoverleg: onverwachte fout {exc_type.__name__}"]
    lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
    print("\n".join(lines), file=sys.stderr)


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Report an uncaught exception in Dutch without showing or saving its message."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    _print_crash(exc_type, tb)
    if QApplication.instance() is None:
        return
    try:
        show_message(None, APP_TITLE, CRASH_MESSAGE.format(name=exc_type.__name__))
    except Exception as inner:  # the report must never raise in turn
        _print_crash(type(inner), inner.__traceback__)


def install_dutch(app: QCoreApplication) -> QTranslator | None:
    """Dutch for Qt's own texts (buttons, context menus) and dates; returns the translator."""
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_nl", folder):
        return None
    app.installTranslator(translator)
    return translator


def _parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="casusoverleg", description="Casusoverleg vrijstelling en thuiszitters"
    )
    parser.add_argument(
        "--demo", action="store_true", help="start op een nieuwe demo-opslag met verzonnen gegevens"
    )
    parser.add_argument("--store", metavar="PAD", help="de opslag om te openen")
    # For the bundle's check (packaging/dist_check.py): unlock with the command line's
    # CASUSOVERLEG_USER/CASUSOVERLEG_PASSPHRASE through the real dialog, quit once the main
    # window is shown. Exit code 0 only then.
    parser.add_argument("--selftest", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_known_args(argv)


SELFTEST_USER = "CASUSOVERLEG_USER"
SELFTEST_PASSPHRASE = "CASUSOVERLEG_PASSPHRASE"  # noqa: S105 - a variable name
SELFTEST_SHOWN = "Casusoverleg: hoofdvenster getoond"


def _selftest(app: QCoreApplication, session: GuiSession) -> list[bool]:
    """Submit the unlock dialog from the environment; quit when the main window shows."""
    shown: list[bool] = []

    def on_shown() -> None:
        shown.append(True)
        print(SELFTEST_SHOWN, flush=True)
        app.quit()

    session.window_shown.connect(on_shown)
    dialog = session.dialog
    if isinstance(dialog, UnlockDialog):
        dialog.account_edit.setText(os.environ.get(SELFTEST_USER, ""))
        dialog.passphrase_edit.setText(os.environ.get(SELFTEST_PASSPHRASE, ""))
        dialog.submit()
    else:  # no store there: the first-start wizard has nothing to unlock
        print("Casusoverleg: --selftest vraagt een bestaande opslag", file=sys.stderr)
        QTimer.singleShot(0, app.quit)
    return shown


def _application(qt_args: list[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0] if sys.argv else "casusoverleg", *qt_args])
    app.setApplicationName("Casusoverleg")
    app.setOrganizationName("Casusoverleg")
    app.setDesktopFileName("casusoverleg")
    GuiThreadCollector(app)  # cycles are freed on this thread, never in a worker
    return app


SERVER_FOUND_HINT = "Op deze server staat al een opslag. Geef uw account en wachtwoord."


class GuiSession(QObject):
    """One run of the window: the unlock dialog (or first-start wizard), then the main window.

    `server`: a shared store on that PostgreSQL address instead of the file (issue 15); a
    server store once opened is remembered for the next start (ui.server_store)."""

    finished = Signal()
    window_shown = Signal()

    def __init__(
        self,
        store_path: Path,
        *,
        account: str = "",
        prepare: Callable[[], object] | None = None,
        preparing_text: str = "",
        hint: str = "",
        first_start: bool = False,
        create: Creator | None = None,
        server: str = "",
        create_server: ServerCreator | None = None,
    ) -> None:
        super().__init__()
        self.store_path = store_path
        self.server = server
        self.window: MainWindow | None = None
        self.dialog: UnlockDialog | SetupWizard | None
        self._create, self._create_server = create, create_server
        if first_start:
            self.dialog = self._wizard()
        elif server:
            self.dialog = self._server_dialog(account, hint)
        else:
            self.dialog = UnlockDialog(
                store_path,
                account=account,
                prepare=prepare,
                preparing_text=preparing_text or "Even geduld…",
                hint=hint,
            )
        self.dialog.finished.connect(self._dialog_finished)
        self._switching = False
        self._next: Callable[[], UnlockDialog | SetupWizard] | None = None

    def _wizard(self) -> SetupWizard:
        from ui.wizard import SetupWizard

        wizard = SetupWizard(
            self.store_path, create=self._create, create_server=self._create_server
        )
        wizard.open_existing.connect(self._open_existing)
        wizard.open_server.connect(self._open_server)
        return wizard

    def _server_dialog(self, account: str = "", hint: str = "") -> UnlockDialog:
        dialog = UnlockDialog(self.store_path, account=account, hint=hint, server=self.server)
        dialog.choose_other.connect(self._choose_other)
        return dialog

    def _open_server(self, url: str, account: str) -> None:
        # The server holds a store already: the session goes on with its unlock dialog.
        self.server = url
        self._next = lambda: self._server_dialog(account, SERVER_FOUND_HINT)

    def _choose_other(self) -> None:
        # Back to the choice: a store file here, if there is one, else the first-start wizard.
        from ui.server_store import forget_server

        forget_server()
        self.server = ""
        path = self.store_path
        self._next = (lambda: UnlockDialog(path)) if path.is_file() else self._wizard

    def start(self) -> None:
        """Show the unlock dialog or the wizard."""
        if self.dialog is not None:
            self.dialog.show()

    def _open_existing(self, path: Path) -> None:
        # The wizard closes next; the session goes on with an unlock dialog for that store.
        self._switching = True
        self.store_path = path

    def _dialog_finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None:
            return
        dialog.deleteLater()
        if self._switching or self._next is not None:
            make, self._next = self._next, None
            self._switching = False
            self.dialog = make() if make is not None else UnlockDialog(self.store_path)
            self.dialog.finished.connect(self._dialog_finished)
            self.dialog.show()
            return
        if result != QDialog.DialogCode.Accepted or dialog.store is None:
            self.finished.emit()
            return
        url = dialog.server if isinstance(dialog, UnlockDialog) else dialog.server_url
        if url:
            from ui.server_store import remember_server

            remember_server(url)
        from ui.mainwindow import MainWindow, restore_notice

        notice = ""
        if isinstance(dialog, UnlockDialog) and dialog.restored is not None:
            notice = restore_notice(dialog.restored.previous)
        self.window = MainWindow(dialog.store, notice=notice)
        self.window.closed.connect(self.finished)
        self.window.show()
        self.window.activateWindow()  # the dialog had the focus; typing goes here now
        self.window_shown.emit()

    def close_store(self) -> None:
        """Lock whatever is still open (the app is quitting)."""
        if self.window is not None:
            self.window.close_store()
        if self.dialog is not None and not isinstance(self.dialog, UnlockDialog):
            self.dialog.close_store()  # the first-start wizard


def demo_session(directory: Path) -> GuiSession:
    """A session that first makes a fresh demo store in `directory` (account, passphrase: demo)."""
    from casusoverleg.services import accounts

    path = directory / DEMO_FILE

    def prepare() -> None:
        from casusoverleg.services import demo

        accounts.lock(demo.create_demo_store(path))

    return GuiSession(
        path,
        account=accounts.DEMO_ACCOUNT,
        prepare=prepare,
        preparing_text="Demo-opslag wordt aangemaakt…",
        hint="Dit is een demo-opslag met verzonnen gegevens.\nAccount en wachtwoord: demo",
    )


@contextmanager
def quit_on_signals(app: QCoreApplication) -> Iterator[None]:
    """Let SIGTERM and Ctrl+C end the event loop normally, so the store is locked on the way out.

    Python runs its signal handlers only between bytecodes, and the Qt loop runs none: the
    wake-up socket gives the interpreter a moment when a signal arrives.
    """
    read, write = socket.socketpair()
    read.setblocking(False)
    write.setblocking(False)
    notifier = QSocketNotifier(read.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda: read.recv(64))
    handled = [signal.SIGINT, signal.SIGTERM]
    old_handlers = {sig: signal.getsignal(sig) for sig in handled}
    old_fd = signal.set_wakeup_fd(write.fileno())
    for sig in handled:
        signal.signal(sig, lambda _sig, _frame: app.quit())
    try:
        yield
    finally:
        signal.set_wakeup_fd(old_fd)
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        notifier.setEnabled(False)
        read.close()
        write.close()


def _load_store_layer() -> None:
    """Import what unlocking needs (SQLAlchemy, SQLCipher, the services), off the GUI thread."""
    from casusoverleg.services import accounts, backup  # noqa: F401


def run_gui(argv: list[str]) -> int:
    """Run the window until it closes; returns the exit code."""
    options, qt_args = _parse_args(argv)
    app = _application(qt_args)
    install_dutch(app)
    app.setWindowIcon(app_icon())  # every window, the first-start dialogs included
    previous_hook, sys.excepthook = sys.excepthook, excepthook
    demo_dir: Path | None = None
    session: GuiSession | None = None
    try:
        if options.demo:
            demo_dir = Path(tempfile.mkdtemp(prefix="casusoverleg-demo-"))
            session = demo_session(demo_dir)
        elif server := chosen_server(options.store):
            session = GuiSession(default_store_path(), server=server)
        else:
            path = resolve_store_path(options.store)
            if path.is_file():
                session = GuiSession(path)
            else:
                # First start. Only the default place may get its folder made: a folder that
                # is missing under a chosen path is more likely a typing error.
                from ui.wizard import default_creator

                is_default = path == default_store_path()
                if not is_default and not path.parent.is_dir():
                    show_message(None, APP_TITLE, missing_store_message(path))
                    return 2
                session = GuiSession(
                    path, first_start=True, create=default_creator(make_folder=is_default)
                )
        # Quit when the session says so, not when a window happens to be the last one shown.
        app.setQuitOnLastWindowClosed(False)
        session.finished.connect(app.quit)
        session.start()
        shown = _selftest(app, session) if options.selftest else None
        if shown is None and os.environ.get(START_PROBE_ENV):
            # `make bench` (gui_start_to_unlock): say when the first dialog is up, then stop.
            QTimer.singleShot(0, lambda: (print(START_PROBE_LINE, flush=True), app.quit()))
        elif shown is None and session.dialog is not None:
            # While the user types: the store layer loads on the worker, where unlocking runs.
            ops.Op(session.dialog, _load_store_layer).run()
        with quit_on_signals(app):
            code = app.exec()
        return (0 if shown else 1) if shown is not None else code
    finally:
        if session is not None:
            session.close_store()
        tasks.wait_for_idle()
        if demo_dir is not None:
            shutil.rmtree(demo_dir, ignore_errors=True)
        sys.excepthook = previous_hook
