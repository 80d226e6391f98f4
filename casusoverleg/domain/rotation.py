"""Which automatic backups to keep: the newest of each recent day, ISO week and month.

Automatic backups are named `<store>-YYYY-MM-DDTHHMM.zip` (local time; `-2`, `-3` … when
two fall in the same minute). Only a name that matches that pattern exactly, for this store, is
ever considered, so a file the feature did not make is never chosen for deletion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class RotationPolicy:
    """How many days, ISO weeks and months each keep their newest backup."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    def describe(self) -> str:
        """The rule in Dutch, for the settings screen."""
        return (
            f"Bewaard blijft de nieuwste back-up van elk van de laatste {self.daily} dagen, "
            f"van elk van de laatste {self.weekly} weken en van elk van de laatste "
            f"{self.monthly} maanden; de nieuwste back-up blijft altijd bewaard. Oudere "
            "automatische back-ups worden verwijderd; andere bestanden in de map nooit."
        )


DEFAULT_POLICY = RotationPolicy()


@dataclass(frozen=True, order=True)
class BackupFile:
    """An automatic backup recognised by its name: when it was made and its place that minute."""

    made: datetime  # local time, to the minute
    sequence: int  # 1 for the first backup of that minute, 2 for the next …
    name: str


def stem_of(store_name: str) -> str:
    """The part of the store's file name that starts each of its backups' names."""
    stem = store_name.rsplit(".", 1)[0] if "." in store_name[1:] else store_name
    return stem or "opslag"


def backup_name(store_name: str, made: datetime, sequence: int = 1) -> str:
    """The name of an automatic backup of `store_name` made at `made` (local time)."""
    suffix = f"-{sequence}" if sequence > 1 else ""
    return f"{stem_of(store_name)}-{made:%Y-%m-%dT%H%M}{suffix}.zip"


def _pattern(store_name: str) -> re.Pattern[str]:
    # The shape only; the round trip in `parse_backup_name` makes the match exact.
    return re.compile(re.escape(stem_of(store_name)) + r"-(.{15})(?:-([0-9]{1,3}))?\.zip")


def parse_backup_name(store_name: str, name: str) -> BackupFile | None:
    """The backup a file name stands for, or None if the name is not exactly one of ours.

    Exactly: the name must be the very name `backup_name` gives for the time and number it
    holds (so no other spelling of a time, no `-1`, no `-02`, no impossible day).
    """
    match = _pattern(store_name).fullmatch(name)
    if match is None:
        return None
    stamp, sequence = match.group(1), int(match.group(2) or 1)
    try:
        made = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if made.tzinfo is not None or backup_name(store_name, made, sequence) != name:
        return None
    return BackupFile(made, sequence, name)


def recognise(store_name: str, names: Iterable[str]) -> list[BackupFile]:
    """The automatic backups of `store_name` among `names`, oldest first."""
    found = (parse_backup_name(store_name, name) for name in names)
    return sorted(f for f in found if f is not None)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # the Monday of its ISO week


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def to_keep(backups: Iterable[BackupFile], now: datetime, policy: RotationPolicy) -> set[str]:
    """The names to keep: the newest of each of the last days, ISO weeks and months.

    The newest backup of all is always kept (even when it is older than every period), and so
    is a backup dated after `now` (a clock that was ahead): nothing is deleted on a guess.
    """
    files = sorted(backups)
    if not files:
        return set()
    today = now.date()
    days = {today - timedelta(days=n) for n in range(policy.daily)}
    weeks = {_week_start(today) - timedelta(weeks=n) for n in range(policy.weekly)}
    months = {_month_index(today) - n for n in range(policy.monthly)}
    newest_per_day: dict[date, BackupFile] = {}
    newest_per_week: dict[date, BackupFile] = {}
    newest_per_month: dict[int, BackupFile] = {}
    keep = {files[-1].name}
    for backup in files:  # oldest first, so the last one stored per period is its newest
        day = backup.made.date()
        if backup.made > now:
            keep.add(backup.name)
            continue
        newest_per_day[day] = backup
        newest_per_week[_week_start(day)] = backup
        newest_per_month[_month_index(day)] = backup
    keep.update(b.name for d, b in newest_per_day.items() if d in days)
    keep.update(b.name for w, b in newest_per_week.items() if w in weeks)
    keep.update(b.name for m, b in newest_per_month.items() if m in months)
    return keep


def to_delete(
    store_name: str, names: Iterable[str], now: datetime, policy: RotationPolicy = DEFAULT_POLICY
) -> list[str]:
    """The names among `names` that the rotation removes (only ever our own backups)."""
    backups = recognise(store_name, names)
    keep = to_keep(backups, now, policy)
    return [b.name for b in backups if b.name not in keep]
