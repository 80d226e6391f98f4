"""Issue 12 on the demo store: `actions -o` prints each action's number and the day (and meeting)
it was agreed; the actions export carries the same numbers."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from casusoverleg.services import actions, demo, exports
from tests.e2e.test_cli import run
from tests.helpers.pdfs import page_texts, squashed
from tests.helpers.stores import cli_env


def test_demo_action_list_and_export_carry_number_and_day_agreed(tmp_path: Path) -> None:
    # The demo store as `demo` makes it (made here, not in a second subprocess: time).
    path = tmp_path / "demo.db"
    store = demo.create_demo_store(path, cases=10)
    xlsx = tmp_path / "acties.xlsx"
    try:
        found = actions.list_actions(store, include_done=True)
        exports.export_actions(store, xlsx)
    finally:
        store.close()
    pdf = tmp_path / "acties.pdf"
    printed = run("actions", "-o", str(pdf), "--all", env=cli_env(path, "demo", "demo"))
    assert printed.returncode == 0, printed.stderr
    assert found
    assert any(a.agreed_meeting_date is not None for a in found)
    text = squashed(" ".join(page_texts(pdf)))
    for action in found:
        assert f"nr. {action.number} · {action.agreed_text}" in text
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][0] == "nr"
    assert sorted(row[0] for row in rows[1:]) == sorted(a.number for a in found)
