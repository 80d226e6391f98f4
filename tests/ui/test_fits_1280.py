"""The main screens fit 1280×800 (a common laptop): no text cut off without a tooltip holding
it, no sideways scrolling (issue 13, item 8: the meeting list's Agenda column, "Inbrenger" in
the agenda, the Advies box in meeting mode, the case's action list were cut off).

Assumed: the window gets the whole 1280×800 (no panel or task bar taken off); a real desktop
with a panel leaves about 1280×760, which the same checks pass at too (the screens scroll
vertically, never sideways).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import MeetingStatus
from casusoverleg.services import accounts, actions, meetings
from casusoverleg.services.store import Store
from tests.helpers.fit import cut_off, words_of
from tests.helpers.ui import idle

from ui.mainwindow import SECTIONS, MainWindow
from ui.meetings.view import MeetingsView

WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> Iterator[MainWindow]:
    path = demo_path
    main = MainWindow(accounts.unlock(path, "demo", "demo"))
    qtbot.addWidget(main)
    main.resize(WIDTH, HEIGHT)
    main.show()
    qtbot.waitExposed(main)
    yield main
    if main.meeting_mode is not None:
        main.meeting_mode.close()
    main.close()


def _store(window: MainWindow) -> Store:
    store = window.store
    assert store is not None
    return store


def _settle(window: MainWindow) -> None:
    idle()
    idle()  # a screen may ask for more once its first answer is in
    window.resize(WIDTH, HEIGHT)
    for _ in range(3):  # a label that took its height asks its layout again
        QApplication.processEvents()


def _check(window: MainWindow) -> list[str]:
    _settle(window)
    problems = cut_off(window)
    if window.width() > WIDTH:
        problems.append(f"the window is {window.width()} px wide")
    return problems


def _next_meeting(store: Store) -> int:
    planned = [
        m
        for m in meetings.list_meetings(store, since=date.today())
        if m.status == MeetingStatus.GEPLAND
    ]
    return planned[0].id


def _held_meeting(store: Store) -> int:
    held = [m for m in meetings.list_meetings(store) if m.status == MeetingStatus.GEHOUDEN]
    return held[-1].id


def _case_with_most_actions(store: Store) -> int:
    counts = Counter(a.case_id for a in actions.list_actions(store, include_done=True) if a.case_id)
    return counts.most_common(1)[0][0]


@pytest.mark.parametrize("section", SECTIONS)
def test_each_main_screen_fits_1280x800(qtbot: QtBot, window: MainWindow, section: str) -> None:
    assert window.show_section(section)
    problems = _check(window)
    assert problems == [], f"{section}:\n{words_of(problems)}"


def test_a_case_form_with_its_actions_fits(qtbot: QtBot, window: MainWindow) -> None:
    window.open_case(_case_with_most_actions(_store(window)))
    form = window.cases_view.form
    qtbot.waitUntil(lambda: form.isVisible())
    problems: list[str] = []
    for page in range(form.tabs.count()):  # Gegevens, Leerplicht, history, actions, Logboek
        form.tabs.setCurrentIndex(page)
        problems += [f"{form.tabs.tabText(page)}: {p}" for p in _check(window)]
    assert problems == [], words_of(problems)


@pytest.mark.parametrize("which", ["next", "held"])
def test_a_meeting_page_with_its_agenda_fits(qtbot: QtBot, window: MainWindow, which: str) -> None:
    store = _store(window)
    meeting_id = _next_meeting(store) if which == "next" else _held_meeting(store)
    window.open_meeting(meeting_id)
    view = window.screens["Overleggen"]
    assert isinstance(view, MeetingsView)
    _settle(window)
    qtbot.waitUntil(lambda: view.selected_meeting is not None)
    assert view.selected_meeting is not None and view.selected_meeting.id == meeting_id
    problems = _check(window)
    assert problems == [], words_of(problems)


def test_meeting_mode_fits_1280x800(qtbot: QtBot, window: MainWindow) -> None:
    window.open_meeting_mode(_next_meeting(_store(window)))
    mode = window.meeting_mode
    assert mode is not None
    mode.showNormal()
    mode.resize(WIDTH, HEIGHT)
    qtbot.waitExposed(mode)
    seen: list[str] = []
    idle()
    qtbot.waitUntil(lambda: bool(mode.items))
    for index in range(min(len(mode.items), 8)):  # the opening, the minutes, the first cases
        mode.go_to(index)
        idle()
        idle()
        mode.resize(WIDTH, HEIGHT)
        QApplication.processEvents()
        seen += cut_off(mode)
        if mode.width() > WIDTH:
            seen.append(f"meeting mode is {mode.width()} px wide")
    problems = sorted(set(seen))
    assert problems == [], words_of(problems)
