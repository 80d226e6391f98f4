"""The document preview: pages on screen, zoom, save as (asked once), print, closed on lock."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from types import TracebackType

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPageSize, QPdfWriter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import audit, documents, meetings
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.store import Store
from tests.helpers.scenario import Scenario, build

from ui import dialogs, pdf_preview, tasks
from ui.pdf_preview import PdfPreviewDialog, show_pdf_preview


@pytest.fixture
def scenario(store: Store) -> Scenario:
    """A next meeting with an agenda long enough for two pages."""
    return build(store, cases_on_next=12)


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    """A stand-in for the main window."""
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(1000, 800)
    widget.show()
    return widget


@pytest.fixture(autouse=True)
def _fresh_session() -> Iterator[None]:
    """Every test starts as a new session: no confirmation given, no preview open."""
    pdf_preview.close_all_previews()
    yield
    pdf_preview.close_all_previews()


def _open(
    qtbot: QtBot, parent: QWidget, store: Store, request: DocumentRequest
) -> PdfPreviewDialog:
    dialog = show_pdf_preview(parent, store, request)
    # The result comes back by a queued signal: it cannot have arrived before we wait.
    assert dialog.busy_label.isVisible() and not dialog.save_action.isEnabled()
    with qtbot.waitSignal(dialog.ready, timeout=10_000):
        pass
    return dialog


def _agenda(scenario: Scenario) -> DocumentRequest:
    return DocumentRequest("agenda", meeting_id=scenario.next_id)


def _pdf_pages(data: bytes) -> int:
    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def test_the_agenda_shows_all_its_pages_and_is_logged_as_a_preview(
    qtbot: QtBot, parent: QWidget, store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    before = _files(tmp_path)
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    assert _files(tmp_path) == before  # made and shown in memory only

    assert dialog.rendered is not None
    expected = _pdf_pages(dialog.rendered.data)
    assert expected >= 2
    assert dialog.page_count == expected == len(dialog.findChildren(pdf_preview.PageView))
    assert dialog.page_label.text() == f"pagina 1 van {expected}"
    assert dialog.windowTitle().startswith("Voorbeeld — Agenda ")
    assert dialog.print_action.isEnabled() and dialog.save_action.isEnabled()
    # The first page is drawn on screen: not a blank sheet.
    image = dialog.grab().toImage()
    assert not image.isNull()
    page = dialog.page_image(0, 400, 1.0)
    assert page is not None and page.width() == 400
    assert len({page.pixel(x, y) for x in range(0, 400, 7) for y in range(0, 560, 7)}) > 2
    event = audit.list_events(store, limit=1)[0]
    assert event.action == AuditAction.PRINT and "voorbeeld" in event.detail
    assert event.object_type == "agenda" and event.object_id == str(scenario.next_id)


def test_scrolling_to_the_end_shows_the_last_page_number(
    qtbot: QtBot, parent: QWidget, store: Store, scenario: Scenario
) -> None:
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    bar = dialog.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    assert dialog.page_label.text() == f"pagina {dialog.page_count} van {dialog.page_count}"


def test_zoom_keys_and_fit_width(
    qtbot: QtBot, parent: QWidget, store: Store, scenario: Scenario
) -> None:
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    qtbot.waitActive(dialog)
    fitted = dialog.zoom
    first = dialog.findChildren(pdf_preview.PageView)[0]
    room = dialog.scroll_area.viewport().width()
    assert first.width() <= room
    assert dialog.fit_action.isChecked()

    qtbot.keyClick(dialog, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert dialog.zoom > fitted and not dialog.fit_action.isChecked()
    assert dialog.zoom_label.text() == f"{round(dialog.zoom * 100)} %"
    bigger = first.width()
    qtbot.keyClick(dialog, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert first.width() < bigger
    qtbot.keyClick(dialog, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert dialog.zoom == pytest.approx(fitted) and dialog.fit_action.isChecked()


def test_save_as_asks_once_writes_the_file_and_logs_an_export(
    qtbot: QtBot,
    parent: QWidget,
    store: Store,
    scenario: Scenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "uit"
    out.mkdir()
    targets = iter([out / "agenda.pdf", out / "tweede"])  # a name typed without .pdf
    suggestions: list[str] = []
    asked: list[str] = []

    def choose(_parent: QWidget, suggestion: str) -> Path:
        suggestions.append(suggestion)
        return next(targets)

    def confirm(_parent: QWidget, name: str) -> bool:
        asked.append(name)
        return True

    monkeypatch.setattr(pdf_preview, "ask_save_path", choose)
    monkeypatch.setattr(pdf_preview, "ask_plain_file", confirm)
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    assert dialog.rendered is not None
    data = dialog.rendered.data
    qtbot.waitActive(dialog)

    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == [out / "agenda.pdf"]
    assert asked == ["agenda.pdf"]
    assert Path(suggestions[0]).name == dialog.rendered.suggested_name
    assert (out / "agenda.pdf").read_bytes() == data
    assert stat.S_IMODE(os.stat(out / "agenda.pdf").st_mode) == 0o600
    event = audit.list_events(store, limit=1)[0]
    assert event.action == AuditAction.EXPORT
    assert event.detail.endswith("opgeslagen als agenda.pdf")
    assert "niet versleuteld" in dialog.status_label.text()

    # The second save in this session does not ask again.
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_action.trigger()
    assert asked == ["agenda.pdf"]
    assert (out / "tweede.pdf").read_bytes() == data
    assert sorted(p.name for p in out.iterdir()) == ["agenda.pdf", "tweede.pdf"]


def test_saying_no_saves_nothing_and_asks_again(
    qtbot: QtBot,
    parent: QWidget,
    store: Store,
    scenario: Scenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = iter([False, True])
    asked: list[str] = []

    def confirm(_parent: QWidget, name: str) -> bool:
        asked.append(name)
        return next(answers)

    monkeypatch.setattr(pdf_preview, "ask_save_path", lambda _p, _s: tmp_path / "a.pdf")
    monkeypatch.setattr(pdf_preview, "ask_plain_file", confirm)
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    count = len(audit.list_events(store))
    with qtbot.assertNotEmitted(dialog.saved):
        dialog.save_as()
    assert not (tmp_path / "a.pdf").exists() and len(audit.list_events(store)) == count
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_as()
    assert asked == ["a.pdf", "a.pdf"]


def test_locking_closes_every_preview_drops_the_bytes_and_forgets_the_answer(
    qtbot: QtBot,
    parent: QWidget,
    store: Store,
    scenario: Scenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(pdf_preview, "ask_save_path", lambda _p, _s: tmp_path / "a.pdf")
    monkeypatch.setattr(pdf_preview, "ask_plain_file", lambda _p, n: asked.append(n) or True)
    agenda = _open(qtbot, parent, store, _agenda(scenario))
    actions = _open(qtbot, parent, store, DocumentRequest("actions", include_done=True))
    with qtbot.waitSignal(agenda.saved, timeout=10_000):
        agenda.save_as()
    assert set(pdf_preview.open_previews()) == {agenda, actions}

    pdf_preview.close_all_previews()

    for dialog in (agenda, actions):
        assert dialog.is_discarded
        assert dialog.rendered is None and dialog.pages is None
    assert pdf_preview.open_previews() == []
    qtbot.waitUntil(lambda: not parent.findChildren(PdfPreviewDialog))
    # After unlocking again, the first save asks again.
    again = _open(qtbot, parent, store, _agenda(scenario))
    with qtbot.waitSignal(again.saved, timeout=10_000):
        again.save_as()
    assert asked == ["a.pdf", "a.pdf"]


def test_escape_closes_and_forgets_the_document(
    qtbot: QtBot, parent: QWidget, store: Store, scenario: Scenario
) -> None:
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    qtbot.waitActive(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.is_discarded and dialog.rendered is None and dialog.pages is None
    assert pdf_preview.open_previews() == []


def test_a_document_that_cannot_be_made_says_why(
    qtbot: QtBot, parent: QWidget, store: Store, scenario: Scenario
) -> None:
    empty = meetings.add_meeting(store, scenario.next_date, time(9, 0), 60)
    dialog = show_pdf_preview(parent, store, DocumentRequest("agenda", meeting_id=empty.id))
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        pass
    assert "nog geen agenda" in failed.args[0]
    assert "nog geen agenda" in dialog.error_label.text()
    assert not dialog.save_action.isEnabled() and not dialog.print_action.isEnabled()


def test_pages_are_painted_onto_a_paged_device_in_memory(
    qtbot: QtBot, parent: QWidget, store: Store, scenario: Scenario
) -> None:
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    assert dialog.pages is not None
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)  # in memory: the same painting code as for a QPrinter
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(150)
    count = pdf_preview.paint_pages(dialog.pages, writer, [0, 1], 150)
    buffer.close()
    assert count == 2
    assert _pdf_pages(bytes(data.data())) == 2


def test_print_asks_for_a_printer_and_logs_what_went_to_it(
    qtbot: QtBot,
    parent: QWidget,
    store: Store,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[QPrinter, int]] = []
    painted: list[tuple[object, list[int], int]] = []
    answer = [False]

    def ask(_parent: QWidget, printer: QPrinter, pages: int) -> bool:
        seen.append((printer, pages))
        return answer[0]

    def paint(pages: object, device: QPrinter, indices: list[int], dpi: int) -> int:
        # No real printer here: record what the dialog would paint, and on what.
        assert isinstance(device, QPrinter) and device.fullPage()
        assert device.pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
        painted.append((pages, indices, dpi))
        return len(indices)

    monkeypatch.setattr(pdf_preview, "ask_printer", ask)
    monkeypatch.setattr(pdf_preview, "paint_pages", paint)
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    qtbot.waitActive(dialog)
    count = len(audit.list_events(store))

    with qtbot.assertNotEmitted(dialog.printed):
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(seen) == 1 and seen[0][1] == dialog.page_count
    assert painted == [] and len(audit.list_events(store)) == count

    answer[0] = True
    with qtbot.waitSignal(dialog.printed, timeout=10_000) as printed:
        dialog.print_action.trigger()
    assert printed.args == [dialog.page_count]
    assert painted[0][0] is dialog.pages
    assert painted[0][1] == list(range(dialog.page_count))
    assert 0 < painted[0][2] <= pdf_preview.MAX_PRINT_DPI
    event = audit.list_events(store, limit=1)[0]
    assert event.action == AuditAction.PRINT and "afgedrukt op" in event.detail
    assert tasks.is_idle()


def test_print_to_file_onto_the_store_or_save_onto_it_is_refused(
    qtbot: QtBot,
    parent: QWidget,
    store: Store,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def ask(_parent: QWidget, printer: QPrinter, _pages: int) -> bool:
        printer.setOutputFileName(str(store.path) + "-wal")  # "Print to file" onto the WAL
        return True

    painted: list[object] = []
    warned: list[str] = []
    monkeypatch.setattr(pdf_preview, "ask_printer", ask)
    monkeypatch.setattr(pdf_preview, "paint_pages", lambda *args: painted.append(args) or 1)
    monkeypatch.setattr(
        dialogs, "warn", lambda _parent, _title, _text, detail="": warned.append(detail)
    )
    dialog = _open(qtbot, parent, store, _agenda(scenario))
    count = len(audit.list_events(store))
    dialog.print_action.trigger()
    assert painted == [] and len(warned) == 1
    assert "is de opslag zelf of een bestand ernaast" in warned[0]

    # Saving onto the store itself (the file dialog has asked "replace?") is refused too.
    head = store.path.read_bytes()[:64]
    monkeypatch.setattr(pdf_preview, "ask_save_path", lambda _p, _s: store.path)
    monkeypatch.setattr(pdf_preview, "confirm_plain_file", lambda _p, _n: True)
    dialog.save_action.trigger()
    qtbot.waitUntil(lambda: len(warned) == 2)
    assert "is de opslag zelf" in warned[1]  # casusoverleg.db.pdf is named after the store
    assert store.path.read_bytes()[:64] == head
    assert len(audit.list_events(store)) == count
    qtbot.waitUntil(tasks.is_idle)


def test_closing_while_it_is_being_made_ignores_the_late_result(
    qtbot: QtBot, parent: QWidget, store: Store, scenario: Scenario
) -> None:
    dialog = show_pdf_preview(parent, store, _agenda(scenario))
    with qtbot.assertNotEmitted(dialog.ready):
        dialog.reject()
        assert tasks.wait_for_idle()
    assert dialog.is_discarded and dialog.rendered is None and dialog.pages is None
    qtbot.waitUntil(lambda: not parent.findChildren(PdfPreviewDialog))


def test_an_unexpected_error_goes_to_the_crash_dialog_and_the_busy_bar_stops(
    qtbot: QtBot,
    parent: QWidget,
    store: Store,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handled: list[type[BaseException]] = []

    def hook(kind: type[BaseException], _exc: BaseException, _tb: TracebackType | None) -> None:
        handled.append(kind)

    def broken(*_args: object) -> None:
        raise KeyError("Sanne de Vries")

    monkeypatch.setattr(sys, "excepthook", hook)
    monkeypatch.setattr(documents, "render_document", broken)
    dialog = show_pdf_preview(parent, store, _agenda(scenario))
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        pass
    assert handled == [KeyError]
    assert failed.args == [""]
    assert dialog.stack.currentWidget() is dialog.error_label
    assert dialog.error_label.text() == pdf_preview.NOT_MADE
    assert not dialog.save_action.isEnabled() and not dialog.print_action.isEnabled()
