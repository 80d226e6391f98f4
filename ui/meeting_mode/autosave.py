"""Saving as typed: each agenda item's text goes to the store shortly after the last keystroke.

A save that fails keeps the text (the indicator says why, and a retry saves it); a review date
that cannot be saved yet (half typed, or not after the meeting) waits and is said to wait, and
so does an advice "vrijstelling passend" until an alternative is ticked: the notes and decision
typed meanwhile are saved, the advice (and its ticks) waits on screen and in `typed`. When
the store locks, unsaved text stays in memory (not on screen) and is saved after the next load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from casusoverleg.domain.alternatives import (
    alternatives_problem,
    format_alternatives,
    parse_alternatives,
)
from casusoverleg.domain.dates import parse_date
from casusoverleg.domain.enums import Advice, Alternative, MeetingStatus, MinutesStatus
from casusoverleg.domain.review import review_date_problem
from casusoverleg.services import minutes
from casusoverleg.services.meetings import MeetingInfo
from casusoverleg.services.minutes import EntryInfo, MinutesConflict
from casusoverleg.services.store import Store
from casusoverleg.services.unchanged import UNCHANGED, Keep

from ui.common import format_date
from ui.meeting_mode import minutes_conflict
from ui.ops import Change, StoreOp
from ui.style import ERROR_COLOUR, OK_COLOUR, UNEXPECTED

SAVE_DELAY_MS = 400  # save this long after the last keystroke


@dataclass(frozen=True)
class ItemText:
    """What is typed for one agenda item; the review date as typed (dd-mm-jjjj or partial)."""

    notes: str = ""
    advice: str = ""  # an Advice value, or "" for no advice
    decision: str = ""
    review: str = ""
    alternatives: str = ""  # ticked Alternative codes, comma-separated, with that advice only

    @staticmethod
    def of(entry: EntryInfo) -> ItemText:
        """The text as stored."""
        return ItemText(
            notes=entry.notes,
            advice=str(entry.advice) if entry.advice else "",
            decision=entry.decision,
            review=format_date(entry.next_review_date),
            alternatives=format_alternatives(entry.alternatives),
        )


def review_problem(text: str, meeting_date: date) -> str:
    """Why a typed review date cannot be saved (Dutch), or "" when it can (empty is fine)."""
    try:
        value = parse_date(text)
    except ValueError as exc:
        return str(exc)
    return review_date_problem(value, meeting_date)


def advice_waits(typed: ItemText) -> bool:
    """Whether the typed advice cannot be saved yet ("vrijstelling passend", nothing ticked)."""
    advice = Advice(typed.advice) if typed.advice else None
    return bool(alternatives_problem(advice, parse_alternatives(typed.alternatives)))


def changes(typed: ItemText, saved: ItemText, meeting_date: date) -> dict[str, object]:
    """The fields of `typed` that differ from `saved`, as `minutes.save_entry` takes them.

    A review date that cannot be saved yet (half typed, or not after the meeting) is left out,
    and so are an advice and its alternatives that cannot be saved yet (`advice_waits`).
    """
    found: dict[str, object] = {}
    if typed.notes != saved.notes:
        found["notes"] = typed.notes
    if not advice_waits(typed):
        if typed.advice != saved.advice:
            found["advice"] = Advice(typed.advice) if typed.advice else None
        if typed.alternatives != saved.alternatives:
            found["alternatives"] = parse_alternatives(typed.alternatives)
    if typed.decision != saved.decision:
        found["decision"] = typed.decision
    if not review_problem(typed.review, meeting_date):
        wanted = parse_date(typed.review)
        before = parse_date(saved.review) if not review_problem(saved.review, date.min) else None
        if wanted != before:
            found["next_review_date"] = wanted
    return found


def is_writable(meeting: MeetingInfo | None) -> bool:
    """Whether minutes can still be typed for `meeting` (not cancelled, not fixed)."""
    return (
        meeting is not None
        and meeting.status is not MeetingStatus.GEANNULEERD
        and meeting.minutes_status is not MinutesStatus.VASTGESTELD
    )


class Autosave(QObject):
    """The save state of every agenda item typed in, and the saves themselves.

    `target()` says where to save (None while locked or loading); `remember()` puts what is on
    screen into `typed` before a save. The saves are ops of `owner`, so that
    `ops.drop_pending(owner)` drops their results.
    """

    item_saved = Signal(int)  # agenda item id, after a save reached the store
    text_replaced = Signal(int)  # agenda item id whose text changed (another's, taken in)
    save_failed = Signal(str)  # why (Dutch); the text stays
    changed = Signal()  # the save state changed: the indicator follows

    def __init__(
        self,
        owner: QWidget,
        target: Callable[[], tuple[Store, MeetingInfo] | None],
        remember: Callable[[], None],
    ) -> None:
        super().__init__(owner)
        self.owner = owner
        self.target = target
        self._remember = remember
        self.typed: dict[int, ItemText] = {}
        self.stored: dict[int, ItemText] = {}  # as the store has it
        self.saved_entries: dict[int, EntryInfo] = {}  # what the last save of an item returned
        # Per item, the entry the typed text builds on (its version goes with each save, so a
        # change someone else saved meanwhile is a conflict); kept over a lock with the text.
        self.loaded: dict[int, EntryInfo] = {}
        # Items whose conflict the user left for later: not saved again until `retry`.
        self.held: set[int] = set()
        self.in_flight: set[int] = set()
        self.failed: dict[int, str] = {}
        self.again: set[int] = set()  # asked to save while a save was running
        self.note = ""  # shown instead of "Opgeslagen" once (e.g. text put back)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.flush)

    def is_recorded(self, item_id: int) -> bool:
        """Whether the store has some minutes for an agenda item."""
        return self.stored.get(item_id, ItemText()) != ItemText()

    def text_of(self, item_id: int) -> ItemText:
        """What to show for an item: as typed, else as stored."""
        return self.typed.get(item_id) or self.stored.get(item_id, ItemText())

    def start(self, entries: dict[int, EntryInfo]) -> None:
        """A (re)load: the store has `entries`; typed text kept over a lock stays if it differs.

        Kept text still builds on the entry it was typed on: a change saved by someone else
        during the lock is then a conflict, not overwritten.
        """
        stored = {k: ItemText.of(v) for k, v in entries.items()}
        self.stored = stored
        self.in_flight.clear()
        self.failed.clear()
        self.again.clear()
        self.held.clear()
        self.typed = {k: v for k, v in self.typed.items() if k in stored and v != stored[k]}
        self.loaded = {
            k: self.loaded[k] if k in self.typed and k in self.loaded else v
            for k, v in entries.items()
        }
        for item_id, entry in self.loaded.items():
            self.stored[item_id] = ItemText.of(entry)  # what the typed text is compared with

    def take_base(self, item_id: int, entry: EntryInfo) -> None:
        """Build the typed text on `entry` (theirs): fields not typed take its text."""
        theirs = ItemText.of(entry)
        typed = self.typed.get(item_id)
        if typed is not None:
            merged = minutes_conflict.rebased(typed, self.stored.get(item_id, ItemText()), theirs)
            self.typed[item_id] = merged
            if merged != typed:
                self.text_replaced.emit(item_id)
        self.stored[item_id] = theirs
        self.loaded[item_id] = entry
        self.failed.pop(item_id, None)
        self.held.discard(item_id)

    def retry(self) -> None:
        """The retry button: save everything again, a conflict left for later too."""
        self.held.clear()
        self.flush()

    def take_theirs(self, item_id: int, entry: EntryInfo) -> None:
        """Drop the typed text of an item; show and build on `entry` (theirs)."""
        self.typed.pop(item_id, None)
        self.stored[item_id] = ItemText.of(entry)
        self.loaded[item_id] = entry
        self.failed.pop(item_id, None)
        self.held.discard(item_id)
        self.text_replaced.emit(item_id)
        self.changed.emit()

    def save_kept(self) -> None:
        """Save the text kept over a lock (after it is back on screen)."""
        if self.typed:
            self.note = "Uw tekst van vóór het vergrendelen staat er weer."
            self.flush()

    def stop(self) -> None:
        """A lock: keep only the text the store does not have, in memory; forget the rest."""
        self.timer.stop()
        unsaved = set(self.unsaved_items()) | self.in_flight | set(self.failed)
        # An advice waiting for its alternative is kept too: it is typed, not yet stored.
        unsaved |= {
            item_id
            for item_id, typed in self.typed.items()
            if advice_waits(typed)
            and (typed.advice, typed.alternatives) != self._stored_advice(item_id)
        }
        self.typed = {k: v for k, v in self.typed.items() if k in unsaved}
        self.loaded = {k: v for k, v in self.loaded.items() if k in self.typed}
        self.stored = {}
        self.in_flight = set()
        self.failed = {}
        self.again = set()

    def edited(self, item_id: int, text: ItemText) -> None:
        """The user typed: save `text` shortly."""
        self.typed[item_id] = text
        self.note = ""
        self.timer.start()
        self.changed.emit()

    def remember(self, item_id: int, text: ItemText) -> None:
        """Keep `text` (on screen now) as typed, unless the store has it and nothing was typed."""
        if text != self.stored.get(item_id, ItemText()) or item_id in self.typed:
            self.typed[item_id] = text

    def unsaved_items(self) -> list[int]:
        """The items whose typed text the store does not have (a waiting review date aside)."""
        target = self.target()
        if target is None:
            return list(self.typed)
        on = target[1].date
        return [
            item_id
            for item_id, typed in self.typed.items()
            if changes(typed, self.stored.get(item_id, ItemText()), on)
        ]

    def waiting_dates(self) -> bool:
        """Whether a typed review date differs from the store but cannot be saved yet."""
        target = self.target()
        if target is None:
            return False
        on = target[1].date
        return any(
            typed.review.strip() != self.stored.get(item_id, ItemText()).review
            and bool(review_problem(typed.review, on))
            for item_id, typed in self.typed.items()
        )

    def waiting_advice(self) -> bool:
        """Whether a typed advice differs from the store but waits for a weighed alternative."""
        return any(
            (typed.advice, typed.alternatives) != self._stored_advice(item_id)
            and advice_waits(typed)
            for item_id, typed in self.typed.items()
        )

    def _stored_advice(self, item_id: int) -> tuple[str, str]:
        stored = self.stored.get(item_id, ItemText())
        return stored.advice, stored.alternatives

    def busy(self) -> bool:
        """Whether some typed text has not reached the store (yet)."""
        return bool(
            self.in_flight
            or self.failed
            or self.timer.isActive()
            or self.unsaved_items()
            or self.waiting_dates()
            or self.waiting_advice()
        )

    def warnings(self) -> list[str]:
        """What leaving now would leave unsaved, in Dutch (parts of one sentence)."""
        parts = []
        if self.failed:
            parts.append("niet alle tekst is opgeslagen")
        if self.waiting_dates():
            parts.append("een datum van de volgende herbeoordeling is onvolledig")
        if self.waiting_advice():
            parts.append("een advies 'vrijstelling passend' wacht op een afgewogen alternatief")
        return parts

    def indicator(self, titles: dict[int, str]) -> tuple[str, str]:
        """The save indicator's text and colour: saved, saving, or why not (item titles)."""
        failed = next(iter(self.failed.values()), None)
        if failed is not None:
            names = [title for item_id, title in titles.items() if item_id in self.failed]
            where = f" ({', '.join(names)})" if names else ""
            return f"Niet opgeslagen{where}: {failed} Uw tekst blijft staan.", ERROR_COLOUR
        if self.in_flight or self.timer.isActive() or self.unsaved_items():
            return "Bezig met opslaan…", ""
        if self.waiting_dates():
            return "Datum volgende herbeoordeling nog niet opgeslagen", ERROR_COLOUR
        if self.waiting_advice():
            return "Advies nog niet opgeslagen: vink een afgewogen alternatief aan", ERROR_COLOUR
        return self.note or "✓ Opgeslagen", OK_COLOUR

    def flush(self) -> None:
        """Save every agenda item whose typed text differs from the store, now."""
        self.timer.stop()
        self._remember()
        for item_id in self.unsaved_items():
            if item_id in self.in_flight:
                self.again.add(item_id)
            else:
                self._save(item_id)
        self.changed.emit()

    def _save(self, item_id: int) -> None:
        target = self.target()
        if target is None or not is_writable(target[1]) or item_id in self.held:
            return
        store, meeting = target
        typed = self.typed[item_id]
        wanted = changes(typed, self.stored.get(item_id, ItemText()), meeting.date)
        if not wanted:
            return
        self.in_flight.add(item_id)
        notes: str | Keep = UNCHANGED
        decision: str | Keep = UNCHANGED
        advice: Advice | Keep | None = UNCHANGED
        review: date | Keep | None = UNCHANGED
        alternatives: tuple[Alternative, ...] | Keep = UNCHANGED
        change = Change.MINUTES
        if "notes" in wanted:
            notes = typed.notes
        if "decision" in wanted:
            decision = typed.decision
        if "advice" in wanted:
            advice = Advice(typed.advice) if typed.advice else None
            change |= Change.CASES  # the case's status follows its advice
        if "alternatives" in wanted:
            alternatives = parse_alternatives(typed.alternatives)
        if "next_review_date" in wanted:
            review = parse_date(typed.review)
            change |= Change.CASES  # and its review date

        loaded = self.loaded.get(item_id)
        version = minutes_conflict.entry_version(loaded)

        def save(store: Store) -> EntryInfo:
            return minutes.save_entry(
                store,
                item_id,
                notes=notes,
                advice=advice,
                decision=decision,
                next_review_date=review,
                alternatives=alternatives,
                expected_version=version,
                loaded=loaded,
            )

        # What came back; nothing when the op failed unexpectedly (ops reported that already).
        outcome: list[EntryInfo | str | MinutesConflict] = []
        (
            StoreOp(self.owner, store, save)
            .success(outcome.append)
            .failure(
                lambda exc: outcome.append(exc if isinstance(exc, MinutesConflict) else exc.message)
            )
            .finished(lambda: self._ended(item_id, outcome[0] if outcome else UNEXPECTED))
            .changes(change)
            .run()
        )

    def _ended(self, item_id: int, outcome: EntryInfo | str | MinutesConflict) -> None:
        self.in_flight.discard(item_id)
        if isinstance(outcome, MinutesConflict):
            # Nothing written; the typed text stays and the user chooses.
            self.again.discard(item_id)
            self.failed[item_id] = outcome.message
            self.save_failed.emit(outcome.message)
            self.changed.emit()
            minutes_conflict.resolve(self, item_id, outcome)
            return
        if isinstance(outcome, EntryInfo):
            self.failed.pop(item_id, None)
            self.again.discard(item_id)  # the check below saves whatever is left
            # Fields someone else saved meanwhile (not typed here) are taken in, not undone.
            self.take_base(item_id, outcome)
            self.saved_entries[item_id] = outcome
            self.item_saved.emit(item_id)
            # Typed on while this save ran: save the rest (unless the timer will).
            if not self.timer.isActive() and item_id in self.unsaved_items():
                self._save(item_id)
        else:
            self.failed[item_id] = outcome
            self.save_failed.emit(outcome)
            # A retry asked for while this save ran gets its own attempt (once, not a loop).
            if item_id in self.again:
                self.again.discard(item_id)
                self._save(item_id)
        self.changed.emit()
