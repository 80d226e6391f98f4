"""The Logboek screen shows lines in words, and exports the current filter with a click."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import audit, cases
from casusoverleg.services.log_export import COLUMN_NAMES
from casusoverleg.services.store import Store
from tests.helpers.ui import idle, screen, unlocked

from ui import dialogs
from ui.audit_log import COL_CASE, COL_OBJECT, AuditLogView


@pytest.fixture
def open_store(store_path: Path) -> Iterator[Store]:
    """The test store, unlocked."""
    with unlocked(store_path) as store:
        yield store


@pytest.fixture
def view(qtbot: QtBot, open_store: Store) -> Iterator[AuditLogView]:
    """The Logboek screen on the test store, its lines shown."""
    with screen(qtbot, AuditLogView()) as widget:
        widget.resize(1280, 700)
        widget.show()
        with qtbot.waitSignals([widget.loaded, widget.checked]):
            widget.load(open_store)
        yield widget


def test_case_lines_show_number_and_initials_not_row_ids(
    qtbot: QtBot, view: AuditLogView, open_store: Store
) -> None:
    case = cases.list_cases(open_store, log_search=False)[0]
    with qtbot.waitSignal(view.loaded):
        qtbot.keyClicks(view.case_edit, case.case_number)
    rows = range(view.model.rowCount())
    created = next(r for r in rows if view.model.row_at(r).action == AuditAction.CREATE)
    shown = view.model.index(created, COL_OBJECT).data()
    assert shown.startswith(f"{case.case_number} (") and shown.endswith(".)")  # its initials
    assert view.model.index(created, COL_CASE).data() == case.case_number
    # What the chain itself holds stays one hover away.
    tip = view.model.index(created, COL_OBJECT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith(f"In het logboek: casus {case.id}")


def test_export_button_writes_the_current_filter(
    qtbot: QtBot,
    view: AuditLogView,
    open_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = cases.list_cases(open_store, log_search=False)[0]
    with qtbot.waitSignal(view.loaded):
        qtbot.keyClicks(view.case_edit, case.case_number)
    target = tmp_path / "voor-de-fg.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *args: target)

    with qtbot.waitSignal(view.exported, timeout=20_000) as done:
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    idle()

    rows = list(load_workbook(target, read_only=True)["Logboek"].iter_rows(values_only=True))
    assert rows[1] == COLUMN_NAMES
    numbers = {row[COLUMN_NAMES.index("Casusnummer")] for row in rows[2:]}
    assert numbers == {case.case_number}
    assert done.args == [len(rows) - 2]
    assert str(target) in view.export_label.text()
    newest = audit.list_events(open_store, limit=1)[0]
    assert (newest.action, newest.object_type, newest.case_number) == (
        AuditAction.EXPORT,
        "logboek",
        case.case_number,
    )
