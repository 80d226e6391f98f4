"""Overleggen: the meeting list and month, the page of one meeting, and its agenda builder.

- `view`: the section (`MeetingsView`) that holds the list and the page and changes meetings;
- `meeting_list`: the series filter, the list and the month; `meeting_page`: one meeting's
  page, with `attendance`; `meeting_dialog` and `series_dialog`: planning and moving;
- `agenda/`: the agenda builder (`builder`), its models and its editors.
"""

from ui.meetings.view import MeetingsView

__all__ = ["MeetingsView"]
