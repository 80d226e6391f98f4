"""The Logboek in words: row ids in log lines turned into what a privacy officer can read.

The hash-chained lines keep what was written ("casus 23", "overleg 5", "uit agendapunt 94");
only the reading translates them, through lookups batched per table in the caller's read
transaction (a few IN queries for a whole page, never one query per line). A case destroyed at
the end of its retention period has no name any more: its lines show what the log itself holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.domain.text import initials
from casusoverleg.services.audit import AuditEntry
from casusoverleg.store.models import (
    ActionItem,
    AgendaItem,
    Case,
    Meeting,
    MeetingSeries,
    Participant,
)

LOCALE = "nl_NL"
# SQLite allows 999 bound parameters in older builds; stay below it per IN query.
_CHUNK = 900
_MEETING_TYPES = frozenset({"overleg", "agenda", "verslag"})
# "overleg 5", optionally followed by the date an older line already gave ("overleg 5 van 01-…").
# "overleg 5 van 18-05-2027": the logged date is taken along (not read) so it is said once.
_MEETING_RE = re.compile(r"\boverleg (\d+)(?: van [\d-]{10})?(?![\d-])")
_ITEM_RE = re.compile(r"\buit agendapunt (\d+)\b")
_POSITION_RE = re.compile(r"(?<!uit )\bagendapunt (\d+)\b")
_SERIES_RE = re.compile(r"\breeks (\d+)\b")

K = TypeVar("K")


@dataclass(frozen=True)
class ReadableEntry:
    """A log line with, beside what it holds, the same in words (case, object, detail)."""

    entry: AuditEntry
    case_text: str  # "2026-0012 (J. de V.)"; the bare number when the case is gone
    object_text: str  # "overleg van 1 december 2026", "punt 4, casus 2026-0012", …
    detail_text: str  # the detail with ids replaced by dates and titles


@dataclass
class _Lookups:
    cases_by_id: dict[int, tuple[str, str]] = field(default_factory=dict)  # number, initials
    initials_by_number: dict[str, str] = field(default_factory=dict)
    meetings: dict[int, date] = field(default_factory=dict)
    items: dict[int, tuple[int, int, str, int | None]] = field(default_factory=dict)
    actions: dict[int, str] = field(default_factory=dict)
    series: dict[int, str] = field(default_factory=dict)
    participants: dict[int, str] = field(default_factory=dict)


def long_date(day: date) -> str:
    """A date as people write it: "1 december 2026"."""
    return str(format_date(day, "d MMMM y", locale=LOCALE))


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _chunks(values: Iterable[K]) -> Iterable[list[K]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _ids(entries: Sequence[AuditEntry]) -> dict[str, set[int]]:
    """Every row id the lines mention, per kind of row."""
    kinds_wanted = ("case", "meeting", "item", "action", "series", "participant")
    wanted: dict[str, set[int]] = {kind: set() for kind in kinds_wanted}
    kinds = {
        "casus": "case",
        "dossier": "case",
        "agendapunt": "item",
        "actiepunt": "action",
        "overlegreeks": "series",
        "deelnemer": "participant",
    }
    for entry in entries:
        if entry.object_type == "aanwezigheid":  # "meeting/participant"
            meeting, _, person = entry.object_id.partition("/")
            if meeting.isdigit() and person.isdigit():
                wanted["meeting"].add(int(meeting))
                wanted["participant"].add(int(person))
        number = _int(entry.object_id)
        if number is not None:
            kind = kinds.get(entry.object_type)
            if entry.object_type in _MEETING_TYPES:
                kind = "meeting"
            if kind:
                wanted[kind].add(number)
        detail = entry.detail
        if "overleg " in detail:
            wanted["meeting"].update(int(m.group(1)) for m in _MEETING_RE.finditer(detail))
        if "uit agendapunt " in detail:
            wanted["item"].update(int(m.group(1)) for m in _ITEM_RE.finditer(detail))
        if "reeks " in detail:
            wanted["series"].update(int(m.group(1)) for m in _SERIES_RE.finditer(detail))
    return wanted


def _lookups(session: Session, entries: Sequence[AuditEntry]) -> _Lookups:
    wanted = _ids(entries)
    found = _Lookups()
    for chunk in _chunks(wanted["item"]):
        for item_id, meeting_id, position, title, case_id in session.execute(
            select(
                AgendaItem.id,
                AgendaItem.meeting_id,
                AgendaItem.position,
                AgendaItem.title,
                AgendaItem.case_id,
            ).where(AgendaItem.id.in_(chunk))
        ):
            found.items[item_id] = (meeting_id, position, title, case_id)
            wanted["meeting"].add(meeting_id)
            if case_id is not None:
                wanted["case"].add(case_id)
    for chunk in _chunks(wanted["case"]):
        rows = session.execute(
            select(Case.id, Case.case_number, Case.first_name, Case.last_name).where(
                Case.id.in_(chunk)
            )
        )
        for case_id, number, first, last in rows:
            found.cases_by_id[case_id] = (number, initials(first, last))
    numbers = {e.case_number for e in entries if e.case_number}
    numbers -= {number for number, _ in found.cases_by_id.values()}
    for number, name in found.cases_by_id.values():
        found.initials_by_number[number] = name
    for names in _chunks(numbers):
        by_number = session.execute(
            select(Case.case_number, Case.first_name, Case.last_name, Case.id).where(
                Case.case_number.in_(names)
            )
        )
        for number, first, last, _ in by_number:
            found.initials_by_number[number] = initials(first, last)
    for chunk in _chunks(wanted["meeting"]):
        for meeting_id, day in session.execute(
            select(Meeting.id, Meeting.date).where(Meeting.id.in_(chunk))
        ):
            found.meetings[meeting_id] = day
    for chunk in _chunks(wanted["action"]):
        for action_id, text in session.execute(
            select(ActionItem.id, ActionItem.description).where(ActionItem.id.in_(chunk))
        ):
            found.actions[action_id] = text
    for chunk in _chunks(wanted["series"]):
        for series_id, name in session.execute(
            select(MeetingSeries.id, MeetingSeries.name).where(MeetingSeries.id.in_(chunk))
        ):
            found.series[series_id] = name
    for chunk in _chunks(wanted["participant"]):
        for person_id, name in session.execute(
            select(Participant.id, Participant.name).where(Participant.id.in_(chunk))
        ):
            found.participants[person_id] = name
    return found


def _case_words(number: str, name: str) -> str:
    return f"{number} ({name})" if name else number


class _Translator:
    def __init__(self, found: _Lookups) -> None:
        self.found = found

    def case_text(self, entry: AuditEntry) -> str:
        number = entry.case_number or ""
        if not number:
            return ""
        return _case_words(number, self.found.initials_by_number.get(number, ""))

    def meeting(self, meeting_id: int) -> str | None:
        day = self.found.meetings.get(meeting_id)
        return None if day is None else f"overleg van {long_date(day)}"

    def item(self, item_id: int) -> str | None:
        known = self.found.items.get(item_id)
        if known is None:
            return None
        meeting_id, position, title, case_id = known
        case = self.found.cases_by_id.get(case_id) if case_id is not None else None
        what = f"casus {_case_words(*case)}" if case else title or "agendapunt"
        day = self.found.meetings.get(meeting_id)
        where = f" (overleg van {long_date(day)})" if day else ""
        return f"punt {position}, {what}{where}"

    def object_text(self, entry: AuditEntry) -> str:
        kind, raw = entry.object_type, entry.object_id
        number = _int(raw)
        plain = " ".join(p for p in (kind, raw) if p)
        found = self.found
        if kind == "aanwezigheid":
            meeting_id, _, person_id = raw.partition("/")
            if meeting_id.isdigit() and person_id.isdigit():
                meeting = self.meeting(int(meeting_id))
                person = found.participants.get(int(person_id))
                if meeting and person is not None:
                    return f"aanwezigheid {person}, {meeting}"
            return plain
        if number is None:
            return plain
        if kind in _MEETING_TYPES:
            meeting = self.meeting(number)
            if meeting is None:
                return plain
            return meeting if kind == "overleg" else f"{kind}, {meeting}"
        if kind in ("casus", "dossier"):
            case = found.cases_by_id.get(number)
            if case is None:  # destroyed: the line's own case number is all there is
                return f"{kind} {entry.case_number}" if entry.case_number else plain
            return f"{kind} {_case_words(*case)}" if kind == "dossier" else _case_words(*case)
        if kind == "agendapunt":
            text = self.item(number)
            if text is None:
                return plain
            # The line's detail names the meeting already ("overleg 5; …"): say it once.
            meeting = f" ({self.meeting(found.items[number][0])})"
            if f"overleg {found.items[number][0]}" in entry.detail:
                text = text.removesuffix(meeting)
            return text
        if kind == "actiepunt":
            text = found.actions.get(number)
            return f"actiepunt: {_short(text)}" if text is not None else plain
        if kind == "overlegreeks":
            name = found.series.get(number)
            return f"overlegreeks {name}" if name is not None else plain
        if kind == "deelnemer":
            name = found.participants.get(number)
            return f"deelnemer {name}" if name is not None else plain
        return plain

    def detail_text(self, detail: str) -> str:
        if "overleg " in detail:
            detail = _MEETING_RE.sub(self._meeting_sub, detail)
        if "uit agendapunt " in detail:
            detail = _ITEM_RE.sub(self._item_sub, detail)
        if "agendapunt " in detail:
            # "overleg 5, agendapunt 3" holds the item's place on the agenda, not its row id.
            detail = _POSITION_RE.sub(r"punt \1", detail)
        if "reeks " in detail:
            detail = _SERIES_RE.sub(self._series_sub, detail)
        return detail

    def _meeting_sub(self, match: re.Match[str]) -> str:
        return self.meeting(int(match.group(1))) or match.group(0)

    def _item_sub(self, match: re.Match[str]) -> str:
        item = self.item(int(match.group(1)))
        return f"uit {item}" if item else match.group(0)

    def _series_sub(self, match: re.Match[str]) -> str:
        name = self.found.series.get(int(match.group(1)))
        return f"reeks {name}" if name is not None else match.group(0)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def in_words(session: Session, entries: Sequence[AuditEntry]) -> list[ReadableEntry]:
    """The lines with their case, object and detail in words (lookups batched, one session)."""
    words = _Translator(_lookups(session, entries))
    return [
        ReadableEntry(
            entry=entry,
            case_text=words.case_text(entry),
            object_text=words.object_text(entry),
            detail_text=words.detail_text(entry.detail),
        )
        for entry in entries
    ]
