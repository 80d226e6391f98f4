"""How a screen reaches the store: `StoreOp` (and `Op` before one is open), one error policy.

Modelled on Anki's `aqt.operations` (`QueryOp`, `CollectionOp`, `operation_did_execute`)::

    StoreOp(self, store, lambda s: cases.get_case(s, case_id)).key("case").success(self._show).run()

- The op receives the store and runs on the single database worker (`ui.tasks`); it must not
  touch widgets. Success and failure come back on the GUI thread.
- One error policy. A `CasusoverlegError` carries a Dutch message: it goes to the `failure`
  callback, or, without one, to a warning dialog over `parent`. Anything else is a bug: it is
  logged (type only, never the message, which may hold a child's data) and handed to the global
  handler (`sys.excepthook`, which the app sets to a calm Dutch dialog).
- Staleness lives here, not in the screens: an op started under a `key` makes the result of an
  older op with the same parent and key be dropped, and `drop_pending(parent)` (a screen being
  emptied) or `drop_all_pending()` (the store being locked) drops every result still on its way.
- After a successful change, `changes(...)` is announced on `change_bus()`; each screen says in
  its `reload_on` which changes make it load again (the main window applies that).
"""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Self, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QSocketNotifier, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from casusoverleg.errors import CasusoverlegError

from ui import dialogs, tasks

if TYPE_CHECKING:  # the store layer is imported by what opens a store (the unlock dialog's start)
    from casusoverleg.services.server_changes import ChangeListener, Notice
    from casusoverleg.services.store import Store

T = TypeVar("T")

log = logging.getLogger(__name__)


class Change(enum.Flag):
    """What an operation changed in the store; screens reload on the kinds they show."""

    NONE = 0
    CASES = enum.auto()
    PEOPLE = enum.auto()  # participants and organisations
    MEETINGS = enum.auto()  # series, meetings, attendance
    AGENDA = enum.auto()
    MINUTES = enum.auto()
    ACTIONS = enum.auto()
    SETTINGS = enum.auto()
    ACCOUNTS = enum.auto()
    AUDIT = enum.auto()  # only log lines: a view, a print, an export, a backup
    CLAIMS = enum.auto()  # who takes the minutes of a meeting (meeting mode's soft claim)

    @classmethod
    def everything(cls) -> Change:
        """Every kind at once (an import, a restore)."""
        result = cls.NONE
        for member in cls:
            result |= member
        return result


class ChangeBus(QObject):
    """Announces every change an op made: `did_change(change, source_widget)`."""

    did_change = Signal(object, object)


_bus: ChangeBus | None = None


def change_bus() -> ChangeBus:
    """The one change announcer (made on first use, on the GUI thread)."""
    global _bus
    if _bus is None:
        _bus = ChangeBus()
    return _bus


# Staleness. `_epoch[parent]` rises when a parent's pending results are dropped; `_latest`
# holds the newest ticket per (parent, key). A result is delivered only if both still match.
_global_epoch = 0
_epoch: dict[int, int] = {}
_latest: dict[tuple[int, str], int] = {}
_tickets = 0


def drop_pending(parent: QObject) -> None:
    """Drop every result still on its way to `parent` (the screen is emptied or reloads)."""
    _epoch[id(parent)] = _epoch.get(id(parent), 0) + 1


def drop_all_pending() -> None:
    """Drop every result still on its way to any screen (the store is being locked)."""
    global _global_epoch
    _global_epoch += 1


def _report_unexpected(exc: BaseException) -> None:
    # The message may quote data from the store: log the type only.
    log.error("Onverwachte fout in een achtergrondtaak: %s", type(exc).__name__)
    sys.excepthook(type(exc), exc, exc.__traceback__)


class Counter(QObject):
    """How far a long op is: the op calls `report(done, total)` on the database worker; the
    op's progress bar (`Op.with_progress(..., counter=)`) follows on the GUI thread."""

    moved = Signal(int, int)

    def __init__(self, parent: QObject, words: str) -> None:
        super().__init__(parent)
        self.words = words  # "{done} van {total} …", shown under the bar

    def report(self, done: int, total: int) -> None:
        """Called by the op, from the worker thread (the signal crosses to the GUI thread)."""
        self.moved.emit(done, total)


def _counting(progress: QProgressDialog, words: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        if shiboken6.isValid(progress) and total > 0:
            progress.setRange(0, total)
            progress.setValue(min(done, total))
            # Dutch thousands: 12.500
            shown = {k: f"{v:,}".replace(",", ".") for k, v in (("done", done), ("total", total))}
            progress.setLabelText(words.format(**shown))

    return show


class Op(Generic[T]):
    """One slow operation run off the GUI thread (no store open yet: unlocking, creating one).

    The same policies as `StoreOp`; build it, then `run()`.
    """

    def __init__(self, parent: QWidget, op: Callable[[], T]) -> None:
        self._parent = parent
        self._op = op
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[CasusoverlegError], None] | None = None
        self._on_finished: Callable[[], None] | None = None
        self._on_dropped: Callable[[T], None] | None = None
        self._key: str | None = None
        self._changes = Change.NONE
        self._progress: tuple[str, str] | None = None
        self._counter: Counter | None = None
        self._failure_title = "Niet gelukt"

    def success(self, on_success: Callable[[T], None]) -> Self:
        """Call `on_success(result)` on the GUI thread when the op succeeded."""
        self._on_success = on_success
        return self

    def failure(self, on_failure: Callable[[CasusoverlegError], None]) -> Self:
        """Show a Dutch `CasusoverlegError` this way instead of in a warning dialog."""
        self._on_failure = on_failure
        return self

    def finished(self, on_finished: Callable[[], None]) -> Self:
        """Call `on_finished()` after success or failure (re-enable a button, say)."""
        self._on_finished = on_finished
        return self

    def dropped(self, on_dropped: Callable[[T], None]) -> Self:
        """Release a result nobody takes any more (an unlocked store whose dialog is gone)."""
        self._on_dropped = on_dropped
        return self

    def key(self, key: str) -> Self:
        """A newer op of the same parent with this key makes this op's result be dropped."""
        self._key = key
        return self

    def changes(self, change: Change) -> Self:
        """Announce `change` on the change bus after success."""
        self._changes = change
        return self

    def titled(self, title: str) -> Self:
        """The title of the warning dialog the default failure policy shows."""
        self._failure_title = title
        return self

    def with_progress(self, title: str, text: str, counter: Counter | None = None) -> Self:
        """Show a window-modal busy bar over the parent while the op runs; with a `counter`
        the op reports to, the bar counts and says so in the counter's words."""
        self._progress = (title, text)
        self._counter = counter
        return self

    def run(self) -> None:
        """Start the op on the database worker."""
        global _tickets
        parent_id = id(self._parent)
        _tickets += 1
        ticket = _tickets
        if self._key is not None:
            _latest[(parent_id, self._key)] = ticket
        epoch = (_global_epoch, _epoch.get(parent_id, 0))
        progress: QProgressDialog | None = None
        if self._progress is not None:
            progress = dialogs.busy_progress(self._parent, *self._progress)
            if self._counter is not None:
                self._counter.moved.connect(_counting(progress, self._counter.words))

        def is_current() -> bool:
            if not shiboken6.isValid(self._parent):
                return False
            if (_global_epoch, _epoch.get(parent_id, 0)) != epoch:
                return False
            return self._key is None or _latest.get((parent_id, self._key)) == ticket

        def close_progress() -> None:
            if progress is not None and shiboken6.isValid(progress):
                progress.close()
                progress.deleteLater()

        def done(result: T) -> None:
            close_progress()
            if is_current():
                if self._on_success is not None:
                    self._on_success(result)
                if self._on_finished is not None:
                    self._on_finished()
            elif self._on_dropped is not None:
                self._on_dropped(result)
            # A change happened even if the screen that asked for it has moved on.
            if self._changes and shiboken6.isValid(self._parent):
                change_bus().did_change.emit(self._changes, self._parent)

        def failed(exc: BaseException) -> None:
            close_progress()
            current = is_current()
            if not isinstance(exc, CasusoverlegError):
                if current and self._on_finished is not None:
                    self._on_finished()
                _report_unexpected(exc)
                return
            if not current:
                return
            if self._on_failure is not None:
                self._on_failure(exc)
            else:
                dialogs.warn(self._parent, self._failure_title, exc.message)
            if self._on_finished is not None:
                self._on_finished()

        tasks.run_in_background(self._op, done, failed)


class StoreOp(Op[T]):
    """One operation on the open store, run off the GUI thread; build it, then `run()`."""

    def __init__(self, parent: QWidget, store: Store, op: Callable[[Store], T]) -> None:
        super().__init__(parent, lambda: op(store))
        self.store = store


def change_of_kinds(kinds: frozenset[str]) -> Change:
    """The `Change` that kinds named in a server notice stand for (an unknown one: everything)."""
    change = Change.NONE
    for kind in kinds:
        member = Change.__members__.get(kind.upper())
        if member is None:
            return Change.everything()
        change |= member
    return change


def remote_change(notices: list[frozenset[str]]) -> Change:
    """What other clients' notices (their kinds) make this window reload.

    Never for log lines alone: reading writes them too (opening the Logboek, a search), so two
    Logboek screens, each reloading on the other's lines, would load each other for ever.
    """
    change = Change.NONE
    for kinds in notices:
        change |= change_of_kinds(kinds)
    return change & ~Change.AUDIT


class ServerChanges(QObject):
    """For a server store: what other clients change is announced here as a local op would.

    The listener (casusoverleg.services.server_changes) has its own connection. A socket
    notifier on the GUI thread sees notices arrive; they are then read by an `Op` on the
    database worker (never a wait on the GUI thread) and announced on the change bus with no
    source widget, so every screen that shows that kind loads again. `stop()` on lock or close.
    For an embedded store (one client only) it does nothing.
    """

    def __init__(self, parent: QWidget, store: Store) -> None:
        super().__init__(parent)
        self._parent = parent
        self._listener: ChangeListener | None = None
        self._notifier: QSocketNotifier | None = None
        self._stopped = not store.is_server
        if self._stopped:
            return
        Op(parent, lambda: _listen(store)).success(self._listening).dropped(
            lambda listener: listener.close()
        ).failure(self._not_listening).run()

    def _listening(self, listener: ChangeListener) -> None:
        if self._stopped:
            Op(self._parent, listener.close).run()
            return
        self._listener = listener
        self._notifier = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        self._read()  # a notice that came with the LISTEN itself

    def _not_listening(self, exc: CasusoverlegError) -> None:
        # The window works on without hearing the others: their changes show on a reload.
        log.warning("Wijzigingen van anderen worden niet gevolgd: %s", type(exc).__name__)

    def _lost(self, exc: CasusoverlegError) -> None:
        self._not_listening(exc)
        self.stop()

    def _read(self) -> None:
        listener = self._listener
        if listener is None or self._notifier is None:
            return
        self._notifier.setEnabled(False)  # until the notices in now are read
        Op(self._parent, lambda: listener.wait(0)).success(self._heard).failure(
            self._lost
        ).finished(self._read_again).run()

    def _read_again(self) -> None:
        if self._notifier is not None and not self._stopped:
            self._notifier.setEnabled(True)

    def _heard(self, notices: list[Notice]) -> None:
        change = remote_change([notice.kinds for notice in notices])
        if change and not self._stopped:
            change_bus().did_change.emit(change, None)

    def stop(self) -> None:
        """Stop hearing (the store is locked or closed); the connection closes on the worker."""
        self._stopped = True
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        listener, self._listener = self._listener, None
        if listener is not None:
            Op(self._parent, listener.close).run()
        if shiboken6.isValid(self):  # a window closed while locked stops it a second time
            self.deleteLater()


def _listen(store: Store) -> ChangeListener:
    from casusoverleg.services import server_changes  # the store layer: only for a server store

    return server_changes.ChangeListener(store)
