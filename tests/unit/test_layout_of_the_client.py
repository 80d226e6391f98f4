"""How the client is built, as a maintainer relies on it (issue 9): one way to the store,
no staleness counters of a screen's own, rooms of a readable size."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
MAX_LINES = 900


def _modules() -> dict[str, str]:
    return {
        str(path.relative_to(UI.parent)): path.read_text(encoding="utf-8")
        for path in sorted(UI.rglob("*.py"))
    }


def test_only_the_op_helper_starts_background_work() -> None:
    users = [name for name, text in _modules().items() if "run_in_background" in text]
    assert sorted(users) == ["ui/ops.py", "ui/tasks.py"]


def test_no_screen_keeps_its_own_staleness_counter() -> None:
    counters = [name for name, text in _modules().items() if re.search(r"_generation\b", text)]
    assert counters == []


def test_no_module_in_the_client_is_too_long_to_read() -> None:
    long = {
        name: lines for name, text in _modules().items() if (lines := text.count("\n")) > MAX_LINES
    }
    assert long == {}


def test_every_colour_is_named_in_the_style_module() -> None:
    own = [
        name
        for name, text in _modules().items()
        if name != "ui/style.py" and re.search(r"^[A-Z_]*COLOUR\s*=\s*[\"']#", text, re.M)
    ]
    assert own == []
