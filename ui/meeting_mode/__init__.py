"""Vergadermodus: run a meeting from the projector, one agenda item at a time, saved as typed.

Attendance comes first, then each agenda item in turn. Notes, advice, decision and the next
review date are saved shortly after the last keystroke; an action is added with Enter. A save
that fails keeps the text on screen and says why; when the store locks, unsaved text stays in
memory (not on screen) and is saved after the next unlock. Writing on an item makes it
discussed; "Geen bijzonderheden", "Doorschuiven" and "Intrekken" (Alt+G, Alt+S, Alt+I) record
what else happened to it, and the agenda list shows each item's state. "Overleg afsluiten" says
how many cases were not reached and lets the chair choose per case (deferred unless chosen
otherwise), marks the meeting held and offers the minutes and the action list in that same step.

The rooms: `window` (the window, its navigation and the ops it starts), `attendance` (who is
there), `item_page` (one agenda item), `action_boxes` (quick-add and the actielijst),
`autosave` (saving as typed), `closing` (the closing dialog), `previews` (the documents it
opens), `look` (projector type).
The window opens from one read: `casusoverleg.services.views.meeting_mode`.
"""

from ui.meeting_mode.autosave import ItemText, changes, review_problem
from ui.meeting_mode.window import MeetingModeWindow

__all__ = ["ItemText", "MeetingModeWindow", "changes", "review_problem"]
