"""Issue 12, item 3: the agenda PDF is the one a secretary would send.

Read back from the PDF, on a real encrypted store: who is invited (attendance, else the series'
standing participants, else said plainly), chair and minute-taker, why each case is on it, which
minutes are adopted, the open actions with their numbers, a chosen overrun beside the planned
times, and the next meeting; every page rule of the agenda still holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date

from casusoverleg.documents.layout import dutch_date
from casusoverleg.domain.enums import MeetingRole, MeetingStatus
from casusoverleg.domain.recurrence import Recurrence
from casusoverleg.services import actions, agenda, documents, meetings, people
from casusoverleg.services.store import Store
from casusoverleg.store.models import Meeting, MeetingSeries, SeriesMember
from tests.helpers.pdfs import all_text, font_problems, page_texts, squashed
from tests.helpers.scenario import CHILDREN, Scenario, build, child_names
from tests.helpers.stores import make_store


@pytest.fixture
def scenario(store: Store) -> Scenario:
    """A held meeting (minutes fixed at the next), a planned next one with three cases."""
    return build(store, cases_on_next=3)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Scenario]]:
    """The same scenario, built once for the tests that only print from it."""
    opened, _recovery = make_store(tmp_path_factory.mktemp("gedeeld"))
    try:
        yield opened, build(opened, cases_on_next=3)
    finally:
        opened.close()


def _print(store: Store, meeting_id: int, tmp_path: Path, name: str = "agenda.pdf") -> str:
    path = tmp_path / name
    documents.print_agenda(store, meeting_id, path, overwrite=True)
    texts = page_texts(path)
    # The page rules of every agenda: "pagina i van N", embedded fonts, no child's name.
    assert all(f"pagina {i} van {len(texts)}" in t for i, t in enumerate(texts, start=1))
    assert font_problems(path) == []
    flat = squashed(all_text(path))
    assert [n for n in child_names() if n in flat] == []
    return flat


def _long(day: date) -> str:
    return str(format_date(day, "d MMMM y", locale="nl_NL"))


def _clock(at: time) -> str:
    return f"{at:%H.%M}"


def _plus(at: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), at) + timedelta(minutes=minutes)).time()


# -- who is invited --------------------------------------------------------------------------------


def test_attendance_gives_the_invited_people_per_organisation_with_chair_and_minute_taker(
    shared: tuple[Store, Scenario], tmp_path: Path
) -> None:
    store, scenario = shared
    text = _print(store, scenario.next_id, tmp_path)
    assert "Voorzitter Anouk Bos" in text and "Notulist Rik de Jong" in text
    for team in (
        "Team Leerplicht Zwolle",
        "Sociaal Wijkteam Zwolle",
        "Samenwerkingsverband Zwolle e.o.",
        "Orthopedagogisch adviesbureau",
    ):
        assert team in text
    assert "Marloes ter Horst (Consulent) afgemeld" in text
    assert "vaste deelnemers" not in text  # attendance is kept: it is the list


def _series_with_members(store: Store, scenario: Scenario) -> list[int]:
    """A series of three meetings whose standing participants (and secretary) are set."""
    start = scenario.next_date + timedelta(days=60)
    made = meetings.create_series(
        store,
        meetings.SeriesInput(
            name="Casusoverleg thuiszitters",
            start_date=start,
            start_time=time(9, 30),
            minutes=120,
            recurrence=Recurrence.weekly(start.weekday(), 1),
            count=3,
            location="Stadskantoor, zaal 2",
        ),
        meetings.PastDates.AS_PLANNED,
    )
    ids = [m.id for m in meetings.list_meetings(store, series_id=made.id)]
    anouk, rik, fatima, marloes, pieter = scenario.participant_ids
    with store.write() as session:
        for person, role in (
            (anouk, MeetingRole.NOTULIST),
            (fatima, MeetingRole.VOORZITTER),
            (marloes, MeetingRole.DEELNEMER),
            (pieter, MeetingRole.DEELNEMER),
        ):
            session.add(SeriesMember(series_id=made.id, participant_id=person, role=str(role)))
        series = session.get(MeetingSeries, made.id)
        assert series is not None
        series.secretary_id = rik
    people.archive_participant(store, pieter)  # left: no longer invited
    return ids


def test_without_attendance_the_series_standing_participants_are_invited(
    store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    first, *_ = _series_with_members(store, scenario)
    agenda.build_agenda(store, first, case_ids=scenario.case_ids[:2])
    text = _print(store, first, tmp_path)
    assert "Voorzitter Fatima El Amrani" in text and "Notulist Anouk Bos" in text
    assert "Secretaris Rik de Jong" in text  # who sends the invitations
    assert "Uitgenodigd zijn de vaste deelnemers van deze overlegreeks" in text
    for team in ("Team Leerplicht Zwolle", "Sociaal Wijkteam Zwolle", "Samenwerkingsverband"):
        assert team in text
    invited = text[text.index("Deelnemers") : text.index("Agendapunten")]
    assert "Marloes ter Horst" in invited
    assert "Pieter van Ommen" not in invited  # left; his open action keeps his name
    assert "Nog geen deelnemers uitgenodigd" not in text


def test_with_nobody_invited_the_agenda_says_so_plainly(
    shared: tuple[Store, Scenario], tmp_path: Path
) -> None:
    store, scenario = shared  # adds a meeting the other shared tests do not look at
    extra = meetings.add_meeting(store, scenario.next_date + timedelta(days=30), time(13, 30), 90)
    agenda.build_agenda(store, extra.id, case_ids=scenario.case_ids[:1])
    text = _print(store, extra.id, tmp_path)
    assert "Deelnemers Nog geen deelnemers uitgenodigd. Vul de aanwezigheid" in text
    assert "Voorzitter nog niet aangewezen" in text and "Notulist nog niet aangewezen" in text

    # A series without standing participants: the secretary is told where to set them.
    start = scenario.next_date + timedelta(days=40)
    series = meetings.create_series(
        store,
        meetings.SeriesInput(
            name="Reeks zonder vaste deelnemers",
            start_date=start,
            start_time=time(9, 30),
            minutes=60,
            recurrence=Recurrence.weekly(start.weekday(), 1),
            count=1,
        ),
        meetings.PastDates.AS_PLANNED,
    )
    (only,) = meetings.list_meetings(store, series_id=series.id)
    agenda.build_agenda(store, only.id, case_ids=[])
    text = _print(store, only.id, tmp_path, "reeks.pdf")
    assert "Nog geen deelnemers uitgenodigd. Leg de vaste deelnemers van de overlegreeks" in text


# -- the items -------------------------------------------------------------------------------------


def test_each_case_item_says_why_it_is_on_the_agenda_with_initials_only(
    shared: tuple[Store, Scenario], tmp_path: Path
) -> None:
    store, scenario = shared
    text = _print(store, scenario.next_id, tmp_path)
    cases = [i for i in agenda.get_agenda(store, scenario.next_id).items if i.case_number]
    assert len(cases) == 3 and all(i.reason for i in cases)
    for item, (_first, _last, short) in zip(cases, CHILDREN, strict=False):
        assert f"Casus {item.case_number} · {short} Reden: {item.reason}" in text


def test_item_2_names_the_minutes_to_adopt(
    store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    # The held meeting's minutes are adopted in the next meeting (the scenario fixed them there).
    text = _print(store, scenario.next_id, tmp_path)
    assert f"2. 13.35 Vaststellen verslag van het overleg van {_long(scenario.held_date)}" in text

    # A meeting after that one, with the held meeting's minutes adopted elsewhere: said so.
    later = meetings.add_meeting(store, scenario.next_date + timedelta(days=21), time(13, 30), 90)
    agenda.build_agenda(store, later.id, case_ids=[])
    text = _print(store, later.id, tmp_path, "later.pdf")
    assert (
        "Vaststellen verslag vorig overleg Het verslag van het overleg van "
        f"{_long(scenario.held_date)} is al vastgesteld." in text
    )

    # Once the next meeting is held with concept minutes, those are the ones to adopt.
    meetings.set_meeting_status(store, scenario.next_id, MeetingStatus.GEHOUDEN)
    text = _print(store, later.id, tmp_path, "later.pdf")
    assert f"Vaststellen verslag van het overleg van {_long(scenario.next_date)}" in text

    # The first meeting ever has nothing to adopt.
    first = meetings.add_meeting(store, scenario.held_date - timedelta(days=30), time(9, 0), 60)
    agenda.build_agenda(store, first.id, case_ids=[])
    text = _print(store, first.id, tmp_path, "first.pdf")
    assert "Er is nog geen overleg gehouden; er is geen verslag vast te stellen." in text


def test_actielijst_prints_the_open_actions_with_number_case_owner_and_date(
    shared: tuple[Store, Scenario], tmp_path: Path
) -> None:
    store, scenario = shared
    text = _print(store, scenario.next_id, tmp_path)
    with store.read() as session:
        expected = actions.open_actions_for_agenda_in(session, scenario.next_id)
    assert len(expected) == 2  # the third action of the held meeting is done
    assert "3. 13.40 Actielijst 2 open actiepunten; zie de actielijst hieronder." in text
    assert "Actielijst (agendapunt 3)" in text
    for action in expected:
        assert action.due_date is not None
        number, initials = action.case_number, action.case_initials
        assert (
            f"nr. {action.id} {number} {initials} {action.description} {action.owner_name}" in text
        )
        assert f"{action.due_date:%d-%m-%Y}" in text
    # Due before the meeting's day: marked on paper.
    overdue = [a for a in expected if a.due_date is not None and a.due_date < scenario.next_date]
    assert len(overdue) == 1 and f"{overdue[0].due_date:%d-%m-%Y} verlopen" in text
    assert "Leerplichtdossier bijwerken" not in text  # done


def test_a_long_action_list_repeats_its_header_and_keeps_each_action_on_one_page(
    store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    for n in range(45):
        actions.create_action(
            store,
            description=f"Begin{n}: contact met school en ouders over het rooster, dan eind{n}",
            owner_id=scenario.participant_ids[n % 4],
            due_date=scenario.next_date + timedelta(days=n),
            case_id=scenario.case_ids[n % 15],
            today=scenario.held_date,
        )
    path = tmp_path / "lang.pdf"
    documents.print_agenda(store, scenario.next_id, path)
    pages = [squashed(t) for t in page_texts(path)]
    assert len(pages) >= 3
    for n in range(45):
        (page,) = [p for p in pages if f"Begin{n}:" in p]
        assert f"eind{n}" in page  # the row was not split over two pages
    with_actions = [p for p in pages if re.search(r"nr\. \d+ 2026-", p)]
    assert len(with_actions) >= 2
    assert all("Nr. Casus Actiepunt Wie Deadline" in p for p in with_actions)
    assert all(f"pagina {i} van {len(pages)}" in p for i, p in enumerate(pages, start=1))


# -- times -----------------------------------------------------------------------------------------


def _set_overrun(store: Store, meeting_id: int, minutes: int) -> None:
    # The agenda screen sets this when the secretary chooses an overrun (helper "agenda").
    with store.write() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.overrun_minutes = minutes


def test_a_chosen_overrun_is_printed_beside_the_planned_times_and_an_unchosen_one_warns(
    store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    meetings.edit_meeting(store, scenario.next_id, minutes=30)
    ends = agenda.get_agenda(store, scenario.next_id).end_time
    start = time(13, 30)
    planned = _plus(start, 30)
    assert ends > planned

    # Nobody chose to run late: the planned times, and a warning of how far the items run past.
    text = _print(store, scenario.next_id, tmp_path)
    assert f"Tijd {_clock(start)} – {_clock(planned)} uur Uitloop" in text
    assert f"de agendapunten lopen tot {_clock(ends)} uur, " in text
    assert "na de geplande eindtijd" in text and "gepland)" not in text

    # A chosen overrun that covers the items: said beside the planned times, no warning.
    _set_overrun(store, scenario.next_id, 120)
    text = _print(store, scenario.next_id, tmp_path)
    until = _plus(planned, 120)
    assert (
        f"Tijd {_clock(start)} – {_clock(planned)} uur (uitloop: tot {_clock(until)} uur gepland)"
        in text
    )
    assert "de agendapunten lopen tot" not in text

    # A chosen overrun the items still run past: both.
    _set_overrun(store, scenario.next_id, 5)
    text = _print(store, scenario.next_id, tmp_path)
    assert f"(uitloop: tot {_clock(_plus(planned, 5))} uur gepland)" in text
    assert f"de agendapunten lopen tot {_clock(ends)} uur" in text and "de gekozen uitloop" in text


def test_the_next_meeting_is_named_at_the_end(
    store: Store, scenario: Scenario, tmp_path: Path
) -> None:
    text = _print(store, scenario.next_id, tmp_path)
    assert "Volgend overleg: nog niet gepland." in text

    cancelled = meetings.add_meeting(store, scenario.next_date + timedelta(days=7), time(9, 0), 60)
    meetings.cancel_meeting(store, cancelled.id)
    later = scenario.next_date + timedelta(days=14)
    meetings.add_meeting(store, later, time(9, 30), 120)
    text = _print(store, scenario.next_id, tmp_path)
    assert f"Volgend overleg: {dutch_date(later)}, 09.30 uur" in text

    # A meeting of a series: its series' next meeting, even with an extra meeting in between.
    first, second, _third = _series_with_members(store, scenario)
    on_second = meetings.get_meeting(store, second).date
    meetings.add_meeting(store, meetings.get_meeting(store, first).date, time(15, 0), 60)
    agenda.build_agenda(store, first, case_ids=[])
    text = _print(store, first, tmp_path, "reeks.pdf")
    assert f"Volgend overleg: {dutch_date(on_second)}, 09.30 uur" in text
