"""Someone else saved the minutes of the item being typed (issue 15, a shared store): meeting
mode keeps the typed text, says who and when with both texts, and offers the conflict's
choices. "Mijn versie opslaan" saves the typed fields over theirs (fields only they changed
keep their text); "Hun versie laden" drops the typed text after a confirmation; "Nog niet
kiezen" keeps it unsaved (the indicator says so) until "Opnieuw proberen" meets the choice
again, or a reload after a lock does.
`choose` and `common.ask` are what tests replace."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from casusoverleg.services.minutes import EntryInfo, MinutesConflict

from ui import common
from ui import conflict as choosing

if TYPE_CHECKING:
    from ui.meeting_mode.autosave import Autosave, ItemText

TITLE = "Verslag intussen gewijzigd"
MINE, THEIRS, LATER = choosing.MINE, choosing.THEIRS, choosing.LATER
DROP_TYPED = "Uw getypte tekst bij dit punt gaat verloren; u ziet dan hun versie."
KEPT = "Kies Opnieuw proberen om uw tekst alsnog op te slaan."


def choose(parent: QWidget, text: str, detail: str) -> str:
    """MINE, THEIRS or LATER (the default, also Escape). Tests replace this function."""
    return choosing.choose(parent, TITLE, text, detail)


def rebased(typed: ItemText, base: ItemText, theirs: ItemText) -> ItemText:
    """`typed` on top of `theirs`: a field the user left as in `base` takes their text."""
    return replace(
        typed,
        **{
            f.name: getattr(theirs, f.name)
            for f in fields(typed)
            if getattr(typed, f.name) == getattr(base, f.name)
        },
    )


def resolve(autosave: Autosave, item_id: int, conflict: MinutesConflict) -> None:
    """Show the conflict and carry out the user's choice; the typed text stays until chosen."""
    choice = choose(autosave.owner, conflict.message, conflict.detail)
    if autosave.target() is None or item_id not in autosave.typed:
        return  # locked or closed while asking: the text is kept as typed
    if choice == MINE:
        autosave.take_base(item_id, conflict.theirs)
        autosave.flush()
    elif choice == THEIRS and common.ask(
        autosave.owner, "Hun versie laden?", DROP_TYPED, yes="Hun versie laden", no="Terug"
    ):
        autosave.take_theirs(item_id, conflict.theirs)
    else:
        autosave.held.add(item_id)  # saved again only by "Opnieuw proberen"
        autosave.failed[item_id] = f"{conflict.message} {KEPT}"
        autosave.changed.emit()


def entry_version(entry: EntryInfo | None) -> int:
    """The version to expect when saving on top of `entry` (0: nothing recorded yet)."""
    return entry.version if entry is not None else 0
