"""Issue 12, item 4: an action's number and the day and meeting it was agreed reach the export
and the printed action list, the same after edits; a group's heading stays with its rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from casusoverleg.documents import actions as action_pdf
from casusoverleg.documents.actions import ActionLine, ActionListDocument, render_actions
from casusoverleg.documents.layout import DocumentMeta
from casusoverleg.services import actions, agenda, documents, exports
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import Members, add_case, add_meeting, make_members
from tests.helpers.pdfs import page_texts, squashed

MEETING_DAY = date(2027, 5, 18)
TODAY = date(2027, 5, 25)


@pytest.fixture
def made(store: Store) -> tuple[actions.ActionInfo, actions.ActionInfo]:
    """One action agreed in a meeting, one added from a case a few days later."""
    team: Members = make_members(store)
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, MEETING_DAY)
    item = next(
        i for i in agenda.build_agenda(store, meeting, [case_id]).items if i.case_id == case_id
    )
    in_meeting = actions.create_action(
        store,
        description="Gesprek met ouders plannen",
        owner_id=team.wijkteam.id,
        due_date=date(2027, 6, 15),
        agenda_item_id=item.id,
        today=MEETING_DAY,
    )
    from_case = actions.create_action(
        store,
        description="Jeugdarts informeren",
        owner_id=team.ortho.id,
        due_date=None,
        case_id=case_id,
        today=date(2027, 5, 21),
    )
    return in_meeting, from_case


def test_xlsx_and_csv_carry_the_number_and_the_meeting_agreed_in(
    store: Store, made: tuple[actions.ActionInfo, actions.ActionInfo], tmp_path: Path
) -> None:
    in_meeting, from_case = made
    # An edit changes nothing about the number.
    actions.update_action(store, in_meeting.id, description="Gesprek met ouders en school plannen")
    xlsx, csv_path = tmp_path / "acties.xlsx", tmp_path / "acties.csv"
    exports.export_actions(store, xlsx, today=TODAY)
    exports.export_actions(store, csv_path, today=TODAY)
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "nr"
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_number) == {in_meeting.id, from_case.id}
    line = by_number[in_meeting.id]
    assert line["actiepunt"] == "Gesprek met ouders en school plannen"
    assert line["afgesproken_op"].date() == MEETING_DAY
    assert line["afgesproken_in_overleg_van"].date() == MEETING_DAY
    assert by_number[from_case.id]["afgesproken_op"].date() == date(2027, 5, 21)
    assert by_number[from_case.id]["afgesproken_in_overleg_van"] is None
    csv_lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert csv_lines[0].split(";")[:2] == ["nr", "casusnummer"]
    assert f"{in_meeting.id};2027-0001;" in csv_lines[1] + csv_lines[2]
    assert "18-05-2027;18-05-2027;" in "\n".join(csv_lines)


def test_action_list_pdf_prints_number_day_and_meeting_the_same_after_edits(
    store: Store, made: tuple[actions.ActionInfo, actions.ActionInfo], tmp_path: Path
) -> None:
    in_meeting, from_case = made
    path = tmp_path / "acties.pdf"
    documents.print_actions(store, path, today=TODAY)
    first = squashed(" ".join(page_texts(path)))
    meeting_line = f"nr. {in_meeting.id} · afgesproken op 18-05-2027 (overleg van 18-05-2027)"
    assert meeting_line in first
    assert f"nr. {from_case.id} · afgesproken op 21-05-2027 Jeugdarts" in first
    actions.update_action(store, in_meeting.id, due_date=date(2027, 7, 1), today=TODAY)
    actions.update_action(store, from_case.id, description="Jeugdarts bellen", today=TODAY)
    documents.print_actions(store, path, today=TODAY, overwrite=True)
    second = squashed(" ".join(page_texts(path)))
    assert meeting_line in second
    assert f"nr. {from_case.id} · afgesproken op 21-05-2027 Jeugdarts bellen" in second


# -- a group's heading stays with its rows ---------------------------------------------------


def _line(case: str, initials: str, index: int, number: int) -> ActionLine:
    return ActionLine(
        description=f"Actie-{initials[0]}{index:02d} uitvoeren",
        owner="Karin Bos",
        organisation="Team Leerplicht Zwolle",
        case_number=case,
        initials=initials,
        due_date=date(2027, 6, 1),
        number=number,
        agreed_on=MEETING_DAY,
    )


def _render(first: int, second: int, path: Path) -> list[str]:
    """The list grouped by case: `first` actions of 2027-0001, then `second` of 2027-0002."""
    lines = [_line("2027-0001", "A. A.", i, i) for i in range(1, first + 1)]
    lines += [_line("2027-0002", "B. B.", i, 100 + i) for i in range(1, second + 1)]
    doc = ActionListDocument(lines=lines, as_of=TODAY, group_by="case")
    render_actions(doc, path, DocumentMeta(title="Actielijst", header="Actielijst", subject=""))
    return [squashed(t) for t in page_texts(path)]


# The heading of the second case followed by its first action (not its "(vervolg)" title).
HEADING_B = "Casus 2027-0002 · B. B. (6) nr. 101"


def _pages_with(pages: list[str], text: str) -> list[int]:
    return [n for n, page in enumerate(pages) if text in page]


def _boundary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many 2027-0001 actions put the 2027-0002 heading at the bottom of page 1, with only
    part of its rows under it, when groups may be split (the layout before issue 12)."""
    with monkeypatch.context() as patch:
        patch.setattr(action_pdf.GroupedTable, "from_table", staticmethod(lambda table: table))
        for first in range(10, 60):
            pages = _render(first, 6, tmp_path / "split.pdf")
            heading = _pages_with(pages, HEADING_B)
            if heading == [0] and _pages_with(pages, "Actie-B06") == [1]:
                return first
    raise AssertionError("no count of actions puts the second heading at a page's foot")


def test_a_case_heading_moves_to_the_next_page_with_all_its_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _boundary(tmp_path, monkeypatch)
    pages = _render(first, 6, tmp_path / "kept.pdf")
    assert len(pages) == 2
    assert _pages_with(pages, HEADING_B) == [1]
    for index in range(1, 7):
        assert _pages_with(pages, f"Actie-B{index:02d}") == [1]
        assert _pages_with(pages, f"nr. {100 + index} ·") == [1]
    assert _pages_with(pages, f"Actie-A{first:02d}") == [0]  # page 1 ends with the first case
    assert "(vervolg)" not in " ".join(pages)
    assert "Casus Actiepunt" in pages[1] or "Actiepunt Wie" in pages[1]  # column header again


def test_a_group_longer_than_a_page_continues_under_its_heading(tmp_path: Path) -> None:
    pages = _render(3, 70, tmp_path / "long.pdf")
    assert len(pages) >= 2
    # The long group starts right after the short one and goes on under "(vervolg)".
    assert _pages_with(pages, "Casus 2027-0002 · B. B. (70) nr. 101") == [0]
    continued = "Casus 2027-0002 · B. B. (70) (vervolg)"
    assert _pages_with(pages, continued) == list(range(1, len(pages)))
    found = [_pages_with(pages, f"Actie-B{i:02d} ") for i in range(1, 71)]
    assert all(len(where) == 1 for where in found)
