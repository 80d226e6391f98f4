"""The agenda builder fills a meeting without passing its length, lists the first proposals
with a count of the rest, asks before an overrun, and stays responsive (issue 12, item 2)."""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtCore import QItemSelectionModel, QTimer
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import ExemptionGround
from casusoverleg.services import agenda, cases, meetings
from casusoverleg.services.meetings import MeetingInfo
from casusoverleg.services.store import Store
from casusoverleg.services.views.meeting_page import meeting_page
from tests.helpers.meeting_data import add_meeting
from tests.helpers.stores import sample_case
from tests.helpers.ui import idle

from ui.meetings.agenda import builder as agenda_builder
from ui.meetings.agenda.builder import AgendaBuilder

MEETING_DAY = date(2027, 6, 8)


def _add_cases(store: Store, count: int) -> None:
    """`count` new registrations 2027-0001…, in one bulk insert."""
    cases.create_cases(
        store,
        [
            sample_case(
                "Kind",
                f"Nummer {n}",
                case_number=f"2027-{n:04d}",
                ground=ExemptionGround.ART11,
                registered_on=date(2026, 9, 1),
            )
            for n in range(1, count + 1)
        ],
        today=date(2027, 5, 10),
    )


def _builder(qtbot: QtBot, store: Store, meeting: MeetingInfo) -> AgendaBuilder:
    widget = AgendaBuilder()
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    widget.show_page(store, meeting_page(store, meeting.id))
    return widget


@pytest.fixture
def meeting(store: Store) -> MeetingInfo:
    """A two-hour meeting at 13:00 (90 minutes for cases) with 80 new cases proposed."""
    _add_cases(store, 80)
    return meetings.get_meeting(store, add_meeting(store, MEETING_DAY))


def test_the_list_shows_the_first_sixty_and_counts_the_rest(
    qtbot: QtBot, store: Store, meeting: MeetingInfo
) -> None:
    builder = _builder(qtbot, store, meeting)
    assert builder.proposals.rowCount() == 60
    assert builder.proposals.proposal_at(0).case_number == "2027-0001"
    assert builder.proposal_more.isVisible()
    assert builder.proposal_more.text() == "en nog 20 voorgesteld"
    assert (
        builder.proposal_title.text() == "Voorgestelde casussen (80 van 80 nog niet op de agenda)"
    )

    builder.build_button.click()
    qtbot.waitUntil(lambda: builder.message.startswith("Agenda opgesteld"))
    idle()
    assert builder.message.startswith(
        "Agenda opgesteld met 6 casussen, de meest urgente; 74 casussen blijven voorgesteld "
        "voor een volgend overleg."
    )
    built = agenda.get_agenda(store, meeting.id)
    assert [i.case_number for i in built.items if i.case_id] == [
        f"2027-{n:04d}" for n in range(1, 7)
    ]
    assert (built.total_minutes, built.end_time, built.warnings) == (120, time(15), [])
    assert builder.warnings == []


def test_adding_past_the_planned_end_asks_and_only_a_yes_allows_it(
    qtbot: QtBot, store: Store, meeting: MeetingInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    agenda.fill_agenda(store, meeting.id)
    builder = _builder(qtbot, store, meeting)
    asked: list[str] = []
    answer = False

    def ask(_parent: object, text: str) -> bool:
        asked.append(text)
        return answer

    monkeypatch.setattr(agenda_builder, "ask_allow_overrun", ask)
    row = next(
        r for r in range(builder.proposals.rowCount()) if not builder.proposals.is_on_agenda(r)
    )
    number = builder.proposals.proposal_at(row).case_number
    assert number == "2027-0007"

    def add() -> None:
        builder.proposal_view.selectionModel().select(
            builder.proposals.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        builder.add_button.click()

    add()
    qtbot.waitUntil(lambda: len(asked) == 1)
    idle()
    assert asked == [
        "Met deze casus loopt het overleg uit tot 15.15 uur (gepland tot 15.00 uur). "
        "Uitloop toestaan?"
    ]
    assert builder.message.startswith(
        "Niet op de agenda gezet: Met deze casus loopt het overleg uit tot 15.15 uur"
    )
    unchanged = agenda.get_agenda(store, meeting.id)
    assert (unchanged.total_minutes, unchanged.chosen_overrun) == (120, 0)
    assert number not in [i.case_number for i in unchanged.items]

    answer = True
    row = next(
        r
        for r in range(builder.proposals.rowCount())
        if builder.proposals.proposal_at(r).case_number == number
    )
    add()
    qtbot.waitUntil(lambda: builder.message == f"Casus {number} op de agenda gezet.")
    idle()
    assert len(asked) == 2
    chosen = agenda.get_agenda(store, meeting.id)
    assert (chosen.total_minutes, chosen.chosen_overrun, chosen.end_time) == (135, 15, time(15, 15))
    assert builder.warnings == [
        "Uitloop toegestaan: de agenda loopt tot 15.15 uur (gepland tot 15.00 uur)."
    ]
    assert builder.clear_overrun_button.isVisible()

    builder.clear_overrun_button.click()
    qtbot.waitUntil(lambda: builder.message.startswith("Uitloop ingetrokken"))
    idle()
    assert agenda.get_agenda(store, meeting.id).chosen_overrun == 0
    assert builder.warnings[0].startswith("De agenda duurt 135 minuten")
    assert not builder.clear_overrun_button.isVisible()


def test_the_screen_stays_responsive_while_a_large_store_is_ranked(
    qtbot: QtBot, store: Store
) -> None:
    _add_cases(store, 2_000)
    big = meetings.get_meeting(store, add_meeting(store, MEETING_DAY))
    builder = _builder(qtbot, store, big)
    assert builder.proposal_more.text() == "en nog 1.940 voorgesteld"
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    try:
        builder.build_button.click()
        # The click returned before the agenda was made: the work runs off the GUI thread and
        # its answer comes back through the event loop, which keeps running meanwhile.
        assert builder.message == ""
        before = len(ticks)
        qtbot.waitUntil(lambda: builder.message.startswith("Agenda opgesteld"), timeout=20_000)
        assert len(ticks) > before
    finally:
        timer.stop()
    idle()
    assert builder.message.startswith(
        "Agenda opgesteld met 6 casussen, de meest urgente; 1.994 casussen blijven voorgesteld"
    )
