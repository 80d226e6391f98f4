"""Automatic backups in the window: before locking, before quitting, once a day while open.

The work runs on the database worker like every other store access (`ui.ops.StoreOp`). Before
a lock the backup runs in the same operation as the lock, so the lock waits for it and the store
is closed after it. On quit the window stays open behind a progress bar until the backup is
made and checked, then closes. A failed backup never stops either: the service logs it and the
status bar says so. The status bar shows the last verified backup, in a warning colour when
there is none or it is more than a week old.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import accounts, autobackup
from casusoverleg.services.autobackup import AutoBackupResult, BackupStatus
from casusoverleg.services.store import Store

from ui import ops, tasks

CHECK_EVERY_MS = 3_600_000  # the daily backup is looked for once an hour
DAY_SECONDS = 24 * 3600
NO_BACKUP = "Laatste back-up: nog geen back-up"
# The warning colours of style.WARNING_STYLE, with room for the status bar's single line.
STATUS_WARNING_STYLE = "background: #fff4ce; color: #5c4400; padding: 0 6px;"


def when_text(when: datetime, today: date) -> str:
    """ "vandaag 10:42", "gisteren 10:42" or "23-11-2026 10:42" (local time)."""
    local = when.astimezone()
    days = (today - local.date()).days
    day = "vandaag" if days == 0 else "gisteren" if days == 1 else f"{local:%d-%m-%Y}"
    return f"{day} {local:%H:%M}"


def status_text(status: BackupStatus, today: date) -> str:
    """The status bar's backup note."""
    verified, any_backup = status.last_verified, status.last_backup
    if verified is not None and (any_backup is None or any_backup <= verified):
        text = f"Laatste back-up: {when_text(verified, today)}, gecontroleerd"
    elif any_backup is not None:
        text = f"Laatste back-up: {when_text(any_backup, today)}"
    else:
        text = NO_BACKUP
    if status.failed_at is not None:
        text += " · automatische back-up mislukt"
    return text


def status_tooltip(status: BackupStatus, today: date) -> str:
    """What the note's tooltip adds: why a backup failed, whether automatic backups are on."""
    lines = []
    if status.failed_at is not None:
        lines.append(
            f"De automatische back-up van {when_text(status.failed_at, today)} is mislukt: "
            f"{status.failure}."
        )
    if status.is_stale(today) and not status.is_demo:
        lines.append("Er is al meer dan een week geen gecontroleerde back-up.")
    lines.append(
        "Automatische back-ups staan aan (Instellingen)."
        if status.enabled
        else "Automatische back-ups staan uit (Instellingen)."
    )
    return "\n".join(lines)


def lock_with_backup(store: Store) -> AutoBackupResult:
    """On the worker: the automatic backup (if due), then the lock, whatever the backup did."""
    try:
        return autobackup.run_auto_backup(store, occasion="vergrendelen")
    finally:
        accounts.lock(store)


class AutoBackup(QObject):
    """The window's automatic backups and its status bar note; `attempted` after each try."""

    attempted = Signal(object)  # AutoBackupResult

    def __init__(
        self,
        window: QMainWindow,
        label: QLabel,
        current_store: Callable[[], Store | None],
        *,
        timer: QTimer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`timer` and `clock` (seconds) are for tests, which move time themselves."""
        super().__init__(window)
        self._window = window
        self._label = label
        self._current_store = current_store
        self._clock = clock
        self._since = clock()
        self._status: BackupStatus | None = None
        self._quitting = ""  # "", "running" (the window waits for the backup), "done"
        self._timer = timer if timer is not None else QTimer(self)
        self._timer.setSingleShot(False)
        self._timer.timeout.connect(self._hourly)
        ops.change_bus().did_change.connect(self._store_changed)

    @property
    def status(self) -> BackupStatus | None:
        """The last status shown (None until it is read)."""
        return self._status

    # The session ---------------------------------------------------------------------------

    def store_opened(self) -> None:
        """A session begins: a day from now the daily backup is due."""
        self._since = self._clock()
        self._status = None
        self._timer.start(CHECK_EVERY_MS)

    def store_closing(self) -> None:
        """The store is being locked or the window closed: no daily check meanwhile."""
        self._timer.stop()

    def _hourly(self) -> None:
        store = self._current_store()
        if store is None or self._quitting or (self._status and not self._status.enabled):
            return
        if self._clock() - self._since < DAY_SECONDS:
            return
        ops.StoreOp(
            self._window, store, lambda s: autobackup.run_auto_backup(s, occasion="dagelijks")
        ).changes(ops.Change.AUDIT).success(self._daily_done).run()

    def _daily_done(self, result: AutoBackupResult) -> None:
        if result.ok:
            self._since = self._clock()
        self.show_result(result)

    def _store_changed(self, change: ops.Change, _source: object) -> None:
        # The settings screen may have turned automatic backups on or off.
        store = self._current_store()
        if store is not None and change & ops.Change.SETTINGS:
            self.load_status(store)

    # Quitting ------------------------------------------------------------------------------

    def hold_close(self, store: Store | None) -> bool:
        """Whether the window must stay open for the backup that quitting makes (closing again
        when it is done); False when there is nothing to wait for."""
        if store is None:
            return False
        if self._quitting:
            return self._quitting == "running"
        self._quitting = "running"  # a second close while waiting below is ignored
        self.store_closing()
        tasks.wait_for_idle()  # writes still on their way land first, and the status with them
        if self._status is not None and not self._status.enabled:
            self._quitting = "done"
            return False
        ops.StoreOp(self._window, store, autobackup.backup_due).success(
            lambda due: self._quit_backup(store) if due else self._close_now()
        ).failure(lambda _exc: self._close_now()).dropped(lambda _due: self._close_now()).run()
        return True

    def _quit_backup(self, store: Store) -> None:
        ops.StoreOp(
            self._window, store, lambda s: autobackup.run_auto_backup(s, occasion="afsluiten")
        ).with_progress(
            "Casusoverleg afsluiten", "Er wordt een back-up gemaakt en gecontroleerd…"
        ).success(self.show_result).finished(self._close_now).dropped(
            lambda _result: self._close_now()
        ).run()

    def _close_now(self) -> None:
        self._quitting = "done"
        # After this callback has returned: closing waits until the worker is idle, and the
        # task that called back counts as busy until then.
        QTimer.singleShot(0, self._window.close)

    def before_exit(self, store: Store) -> None:
        """At exit without a close of the window (a signal ended the app): back up now, here.

        The worker is idle by then (the caller waited for it), so this is the only store work.
        """
        if self._quitting == "done" or (self._status is not None and not self._status.enabled):
            return
        self._quitting = "done"
        self.show_result(autobackup.run_auto_backup(store, occasion="afsluiten"))

    # The status bar ------------------------------------------------------------------------

    def load_status(self, store: Store) -> None:
        """Read the backup status in the background and show it."""
        ops.StoreOp(self._window, store, autobackup.backup_status).key("backup-status").success(
            self.show_status
        ).failure(self._show_message).run()

    def show_status(self, status: BackupStatus) -> None:
        """Show `status` in the status bar note."""
        self._status = status
        today = date.today()
        self._label.setText(status_text(status, today))
        self._label.setToolTip(status_tooltip(status, today))
        self._label.setStyleSheet(STATUS_WARNING_STYLE if status.needs_warning(today) else "")

    def show_result(self, result: AutoBackupResult | None) -> None:
        """Show what an attempt did (nothing for one that was not needed)."""
        if result is None or result.skipped:
            return
        self.attempted.emit(result)
        status = self._status
        if status is not None:
            if result.ok:
                status = replace(
                    status,
                    last_verified=result.verified_at,
                    verified_file=result.made.name if result.made else "",
                    last_backup=result.verified_at,
                    failed_at=None,
                    failure="",
                )
            else:
                status = replace(status, failed_at=datetime.now(UTC), failure=result.failure)
            self.show_status(status)
        if result.ok and result.made is not None:
            message = f"Automatische back-up gemaakt en gecontroleerd: {result.made.name}"
        else:
            message = f"De automatische back-up is mislukt: {result.failure}."
        self._window.statusBar().showMessage(message, 15_000)

    def _show_message(self, exc: CasusoverlegError) -> None:
        self._window.statusBar().showMessage(exc.message, 10_000)
