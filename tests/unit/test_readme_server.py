"""The README names every column the server sees sealed and every one it may read, with why."""

from __future__ import annotations

from pathlib import Path

from casusoverleg.store.sealed import PLAIN_COLUMNS, SEALED_COLUMNS

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Gedeelde opslag op een server")
    return text[start : text.index("\n## ", start + 1)]


def test_the_readme_lists_every_sealed_column() -> None:
    section = _section()
    for table, columns in SEALED_COLUMNS.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{table}` |"))
        assert [c for c in columns if f"`{c}`" not in row] == [], table


def test_the_readme_says_why_each_plain_column_is_plain() -> None:
    section = _section()
    for table, columns in PLAIN_COLUMNS.items():
        for column, why in columns.items():
            assert f"| `{table}.{column}` | {why} |" in section
