"""How Overleggen writes a meeting: its date in lists, its heading, its status and agenda."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, QLocale

from casusoverleg.domain.enums import MeetingStatus
from casusoverleg.services.agenda import AgendaCount
from casusoverleg.services.meetings import MeetingInfo

from ui.common import long_date, plural

_DUTCH = QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands)


def short_date(value: date) -> str:
    """A date as lists show it: "di 13 januari 2026"."""
    return _DUTCH.toString(QDate(value.year, value.month, value.day), "ddd d MMMM yyyy")


def _until(meeting: MeetingInfo) -> time:
    minutes = meeting.start_time.hour * 60 + meeting.start_time.minute + meeting.minutes
    return time((minutes // 60) % 24, minutes % 60)


def meeting_heading(meeting: MeetingInfo) -> str:
    """ "dinsdag 13 januari 2026, 09:30–11:30"."""
    return f"{long_date(meeting.date)}, {meeting.start_time:%H:%M}–{_until(meeting):%H:%M}"


def is_moved(meeting: MeetingInfo) -> bool:
    """Whether a series meeting was moved off the date its rule gave it."""
    return meeting.original_date is not None and meeting.original_date != meeting.date


def status_text(meeting: MeetingInfo) -> str:
    """The status column: gepland, verplaatst, gehouden or geannuleerd."""
    if meeting.status is MeetingStatus.GEPLAND and is_moved(meeting):
        return "verplaatst"
    return meeting.status.label


def agenda_text(meeting: MeetingInfo, count: AgendaCount | None) -> str:
    """The agenda column: "geen agenda", "4 casussen"."""
    if meeting.cancelled:
        return "—"
    if count is None:
        return "geen agenda"
    return plural(count.cases, "casus", "casussen")


def moved_from(meeting: MeetingInfo) -> str:
    """ "verplaatst van di 16 maart 2027" for a moved meeting, else ""."""
    if is_moved(meeting) and meeting.original_date is not None:
        return f"verplaatst van {short_date(meeting.original_date)}"
    return ""
