"""Back-off after wrong passphrases (issue 10, item 11).

After FREE_ATTEMPTS wrong passphrases for one account (or for the recovery key) every next
attempt must wait: 30 s after the fifth, doubling with each further one, at most 15 minutes. The
count is kept twice, in the store's side file `<store>.vertraging.json` and in a top-level
"vertraging" map of the key file (outside the slots, so the slots' comparison with their copy
never sees it); the higher count wins, so deleting one file is not enough. A correct unlock
resets it. Only names of existing accounts are counted (a name that is no account may be a
passphrase typed in the wrong field, and is never written down).

This slows guessing through the app; someone with a copy of the key file can still guess
offline, at the key derivation's cost per try.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from casusoverleg.errors import TooManyAttempts
from casusoverleg.store.keyslots import (
    MAX_KEY_FILE_BYTES,
    RECOVERY_ACCOUNT,
    KeyFile,
    write_atomically,
)

FREE_ATTEMPTS = 5
FIRST_WAIT = 30  # seconds, after the fifth wrong passphrase
MAX_WAIT = 15 * 60
_KEY_FILE_MAP = "vertraging"
_MAX_SIDE_FILE_BYTES = 100_000


def _utc_now() -> datetime:
    return datetime.now(UTC)


# The clock every decision here reads; tests replace it instead of sleeping.
clock: Callable[[], datetime] = _utc_now


@dataclass(frozen=True)
class Attempts:
    """Wrong passphrases for one account since its last correct one."""

    count: int
    last: datetime


def side_path(store_path: Path) -> Path:
    """The store's own side file of wrong-passphrase counters."""
    return store_path.with_name(store_path.name + ".vertraging.json")


def wait_after(count: int) -> int:
    """Seconds to wait after `count` wrong passphrases in a row."""
    if count < FREE_ATTEMPTS:
        return 0
    return int(min(FIRST_WAIT * 2 ** min(count - FREE_ATTEMPTS, 20), MAX_WAIT))


def _parse(entry: Any) -> Attempts | None:
    """One counter; None for anything damaged (a damaged counter never blocks an unlock)."""
    if not isinstance(entry, dict):
        return None
    count, last = entry.get("mislukt"), entry.get("laatste")
    if type(count) is not int or count < 1 or not isinstance(last, str):
        return None
    try:
        when = datetime.fromisoformat(last)
    except ValueError:
        return None
    return Attempts(count, when if when.tzinfo else when.replace(tzinfo=UTC))


def _read_json(path: Path, limit: int = _MAX_SIDE_FILE_BYTES) -> Any:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
        if len(raw) > limit:
            return None
        return json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return None


def _maps(store_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The counters of the side file and of the key file (each {} if missing or damaged)."""
    side = _read_json(side_path(store_path))
    keys = _read_json(KeyFile.path_for(store_path), MAX_KEY_FILE_BYTES)
    in_keys = keys.get(_KEY_FILE_MAP) if isinstance(keys, dict) else None
    return (
        side if isinstance(side, dict) else {},
        in_keys if isinstance(in_keys, dict) else {},
    )


def attempts(store_path: Path, account: str) -> Attempts | None:
    """The wrong passphrases counted for `account` (the higher of the two files), or None."""
    found = [_parse(m.get(account.casefold())) for m in _maps(store_path)]
    counted = [a for a in found if a is not None]
    return max(counted, key=lambda a: (a.count, a.last)) if counted else None


def remaining(store_path: Path, account: str, now: datetime | None = None) -> int:
    """Seconds `account` must still wait before the next attempt (0: it may try now)."""
    counted = attempts(store_path, account)
    if counted is None:
        return 0
    wait = wait_after(counted.count)
    left = (counted.last + timedelta(seconds=wait) - (now or clock())).total_seconds()
    # A last attempt in the future (a clock set back) waits no longer than the rule says.
    return max(0, min(wait, math.ceil(left)))


def refuse_while_waiting(store_path: Path, account: str) -> None:
    """Raise TooManyAttempts if `account` is in back-off; call before any key derivation."""
    seconds = remaining(store_path, account)
    if seconds:
        raise TooManyAttempts(seconds, recovery=account.casefold() == RECOVERY_ACCOUNT)


def note_failure(store_path: Path, account: str) -> None:
    """Count one wrong passphrase for `account`, if it is an account of this store."""
    keys = _read_json(KeyFile.path_for(store_path), MAX_KEY_FILE_BYTES)
    slots = keys.get("slots") if isinstance(keys, dict) else None
    names = {
        s["account"].casefold()
        for s in (slots if isinstance(slots, list) else [])
        if isinstance(s, dict) and isinstance(s.get("account"), str)
    }
    if account.casefold() not in names:
        return
    counted = attempts(store_path, account)
    now = clock()
    _write_both(
        store_path, account.casefold(), Attempts((counted.count if counted else 0) + 1, now)
    )


def reset(store_path: Path, account: str) -> None:
    """Forget the wrong passphrases of `account` after a correct one."""
    if any(account.casefold() in m for m in _maps(store_path)):
        _write_both(store_path, account.casefold(), None)


def _updated(mapping: dict[str, Any], account: str, value: Attempts | None) -> dict[str, Any]:
    mapping = {k: v for k, v in mapping.items() if k != account and _parse(v) is not None}
    if value is not None:
        mapping[account] = {
            "mislukt": value.count,
            "laatste": value.last.astimezone(UTC).isoformat(timespec="seconds"),
        }
    return mapping


def _write_both(store_path: Path, account: str, value: Attempts | None) -> None:
    """Write the counter into both files, each atomically; a failed write never hides the
    wrong-passphrase message (the other file may still hold the count)."""
    side, _ = _maps(store_path)
    side = _updated(side, account, value)
    with contextlib.suppress(OSError):
        if side:
            write_atomically(side_path(store_path), json.dumps(side, indent=2).encode("utf-8"))
        else:
            side_path(store_path).unlink(missing_ok=True)
    key_path = KeyFile.path_for(store_path)
    data = _read_json(key_path, MAX_KEY_FILE_BYTES)
    if not isinstance(data, dict):
        return  # a damaged key file is never rewritten here
    delays = data.get(_KEY_FILE_MAP)
    delays = _updated(delays if isinstance(delays, dict) else {}, account, value)
    if delays:
        data[_KEY_FILE_MAP] = delays
    else:
        data.pop(_KEY_FILE_MAP, None)
    with contextlib.suppress(OSError):
        write_atomically(key_path, json.dumps(data, indent=2).encode("utf-8"))
