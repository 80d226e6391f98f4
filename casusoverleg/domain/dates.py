"""The one reading of a typed date, for the command line, the import and the screens."""

from __future__ import annotations

import re
from datetime import date

DATE_HINT = "dd-mm-jjjj"

# 03-09-2026, 3-9-2026, 03/09/2026, 03.09.2026, 03 09 2026
_DAY_FIRST = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})")
# 03092026
_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})")
# 2026-09-03, 2026-9-3, and a spreadsheet's "2026-09-03 00:00:00"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")


def _shown(text: str) -> str:
    """A typed value quoted in a message, cut short so that a long cell cannot flood a screen."""
    return text if len(text) <= 40 else f"{text[:37]}..."


def parse_date(text: str) -> date | None:
    """A typed date: dd-mm-jjjj (also d-m-jjjj, with / . or a space), ddmmjjjj or jjjj-mm-dd.

    None when `text` is empty; ValueError with a Dutch message for anything else that is not a
    date. Two-digit years are refused: "12-03-14" could be 1914 or 2014.
    """
    text = text.strip()
    if not text:
        return None
    if found := _DAY_FIRST.fullmatch(text) or _DIGITS.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
    elif found := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        raise ValueError(f"{_shown(text)} is geen datum; typ {DATE_HINT}, bijvoorbeeld 03-09-2026.")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{_shown(text)} is geen bestaande datum.") from None


def required_date(text: str) -> date:
    """`parse_date` for a date that must be given: an empty text is refused as well."""
    value = parse_date(text)
    if value is None:
        raise ValueError(f"Geen datum; typ {DATE_HINT}, bijvoorbeeld 03-09-2026.")
    return value
