"""The one date parser: what the command line, the import and the screens accept alike."""

from __future__ import annotations

import re
from datetime import date

import pytest

from casusoverleg.domain.dates import parse_date, required_date


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("03-09-2026", date(2026, 9, 3)),
        ("3-9-2026", date(2026, 9, 3)),
        ("03/09/2026", date(2026, 9, 3)),
        ("03.09.2026", date(2026, 9, 3)),
        ("03092026", date(2026, 9, 3)),
        ("2026-09-03", date(2026, 9, 3)),
        ("2026-9-3", date(2026, 9, 3)),
        ("  2026-09-03 ", date(2026, 9, 3)),
        ("2014-03-12 00:00:00", date(2014, 3, 12)),  # a spreadsheet's date cell as text
    ],
)
def test_dutch_and_iso_dates_are_read(text: str, day: date) -> None:
    assert parse_date(text) == day


def test_empty_is_no_date() -> None:
    assert parse_date("   ") is None


@pytest.mark.parametrize("text", ["12-03-14", "maart 2014", "2014/03/12", "12.3", "morgen"])
def test_what_is_no_date_is_refused_with_the_format_to_use(text: str) -> None:
    with pytest.raises(ValueError, match="dd-mm-jjjj"):
        parse_date(text)


@pytest.mark.parametrize("text", ["31-02-2026", "2026-13-01", "29022027"])
def test_a_date_that_does_not_exist_is_named(text: str) -> None:
    with pytest.raises(ValueError, match=f"^{text} is geen bestaande datum.$"):
        parse_date(text)


def test_a_long_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(ValueError) as caught:
        parse_date("x" * 500)
    assert len(str(caught.value)) < 120


def test_only_one_date_parser_in_the_tree() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root)}"
        for folder in ("casusoverleg", "ui")
        for path in (root / folder).rglob("*.py")
        # a parser of its own: a parse_date, or strptime/a pattern for day, month and year
        if re.search(r"def \w*parse_date|strptime\([^)]*%[dY]|\\d\{4\}", path.read_text("utf-8"))
    ]
    assert found == ["casusoverleg/domain/dates.py"]


def test_a_required_date_refuses_an_empty_text_in_dutch() -> None:
    with pytest.raises(ValueError, match=r"^Geen datum; typ dd-mm-jjjj"):
        required_date("  ")
    assert required_date("15-12-2026") == date(2026, 12, 15)
