"""Documents made in memory for the preview, and saved from there: nothing on disk until saved."""

from __future__ import annotations

import os
import stat
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, documents
from casusoverleg.services.documents import DocumentRequest, RenderedDocument
from casusoverleg.services.store import Store
from tests.helpers.pdfs import all_text, squashed
from tests.helpers.scenario import Scenario, build, child_names


@pytest.fixture
def scenario(store: Store) -> Scenario:
    """A held meeting with minutes and actions, and a next meeting with an agenda."""
    return build(store, cases_on_next=12)


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _requests(scenario: Scenario) -> list[DocumentRequest]:
    return [
        DocumentRequest("agenda", meeting_id=scenario.next_id),
        DocumentRequest("minutes", meeting_id=scenario.held_id, show_names=True),
        DocumentRequest("actions", include_done=True, group_by="case"),
        DocumentRequest("dossier", case_id=scenario.case_ids[0]),
    ]


def _text(rendered: RenderedDocument) -> str:
    return squashed(
        "\n".join(p.extract_text() or "" for p in PdfReader(BytesIO(rendered.data)).pages)
    )


def test_rendering_in_memory_writes_no_file_anywhere_and_is_logged(
    store: Store, scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Any temp file Python's tempfile would make lands here, where the test can see it.
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    before = _files(tmp_path)
    prints_before = len(audit.list_events(store))

    made = [documents.render_document(store, request) for request in _requests(scenario)]

    assert _files(tmp_path) == before
    assert not any(temp.iterdir())
    for rendered in made:
        assert rendered.data.startswith(b"%PDF-")
        assert len(PdfReader(BytesIO(rendered.data)).pages) == rendered.pages >= 1
        assert rendered.suggested_name.endswith(".pdf")
    agenda, _minutes, _actions, dossier = made
    assert agenda.case_number is None and agenda.title.startswith("Agenda ")
    assert dossier.case_number == scenario.case_numbers[0]
    assert dossier.suggested_name == f"dossier-{scenario.case_numbers[0]}.pdf"
    # The dossier names the child on paper, never in the file name or the title.
    assert not any(name in dossier.suggested_name + dossier.title for name in child_names())
    assert "pagina 1 van" in _text(agenda)

    events = audit.list_events(store)[: len(audit.list_events(store)) - prints_before]
    prints = [e for e in events if e.action == AuditAction.PRINT]
    by_type = {e.object_type for e in prints if e.case_number is None}
    assert by_type >= {"agenda", "verslag", "actielijst"}
    assert all("voorbeeld" in e.detail for e in prints if "naam afgedrukt" not in e.detail)
    dossier_events = [e for e in prints if e.object_type == "dossier"]
    assert [e.case_number for e in dossier_events] == [scenario.case_numbers[0]]
    # Names shown in the minutes preview are logged per child, as for a printed file.
    named = {e.case_number for e in prints if "naam afgedrukt" in e.detail}
    assert named == set(scenario.case_numbers[:2])


def test_memory_and_file_share_one_rendering(
    store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    rendered = documents.render_document(
        store, DocumentRequest("agenda", meeting_id=scenario.next_id)
    )
    printed = documents.print_agenda(store, scenario.next_id, tmp_path / "agenda.pdf")
    assert printed.pages == rendered.pages
    assert squashed(all_text(printed.path)) == _text(rendered)


def test_save_writes_the_bytes_owner_only_and_logs_an_export(
    store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    rendered = documents.render_document(
        store, DocumentRequest("dossier", case_id=scenario.case_ids[1])
    )
    out = tmp_path / "uit"
    out.mkdir()
    path = documents.save_document(store, rendered, out / "dossier.pdf")

    assert path == out / "dossier.pdf"
    assert path.read_bytes() == rendered.data
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["dossier.pdf"]  # no temp file left
    event = audit.list_events(store, limit=1)[0]
    assert event.action == AuditAction.EXPORT
    assert event.detail.endswith("opgeslagen als dossier.pdf")
    assert event.case_number == scenario.case_numbers[1]
    assert event.object_type == "dossier"


def test_save_refuses_a_bad_name_and_leaves_nothing(
    store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    rendered = documents.render_document(store, DocumentRequest("actions"))
    count = len(audit.list_events(store))
    with pytest.raises(BadInput, match=r"\.pdf"):
        documents.save_document(store, rendered, tmp_path / "acties.txt")
    with pytest.raises(BadInput, match="bestaat niet"):
        documents.save_document(store, rendered, tmp_path / "nergens" / "acties.pdf")
    assert len(audit.list_events(store)) == count
    assert not (tmp_path / "acties.txt").exists()


def test_a_request_without_what_it_needs_says_so(store: Store, scenario: Scenario) -> None:
    with pytest.raises(BadInput, match="overleg"):
        documents.render_document(store, DocumentRequest("agenda"))
    with pytest.raises(BadInput, match="casus"):
        documents.render_document(store, DocumentRequest("dossier"))
    with pytest.raises(BadInput, match="Groepeer"):
        documents.render_document(store, DocumentRequest("actions", group_by="school"))
