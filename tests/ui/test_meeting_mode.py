"""Meeting mode: a whole meeting typed on the keyboard, saved as typed, closed in one step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QStyle, QStyleOptionComboBox, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import (
    ActionStatus,
    Advice,
    AgendaItemKind,
    AttendanceStatus,
    MeetingStatus,
    MinutesStatus,
    Team,
)
from casusoverleg.errors import BadInput
from casusoverleg.services import accounts, actions, agenda, cases, documents, meetings, minutes
from casusoverleg.services.demo import populate_demo
from casusoverleg.services.demo_meetings import populate_demo_meetings
from casusoverleg.services.documents import DocumentRequest
from casusoverleg.services.store import Store
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store
from tests.helpers.transactions import READ, WRITE, counting_transactions

from ui import common, ops, tasks
from ui.common import format_date, long_date
from ui.meeting_mode import ItemText, MeetingModeWindow, changes, closing, previews, review_problem
from ui.ops import Change

# The demo is built as if today were this Tuesday: its meetings, actions and overdue ones are
# fixed, whatever day the tests run.
TODAY = date(2026, 11, 10)
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store per module (made once: it takes a second or two), copied per test."""
    folder = tmp_path_factory.mktemp("demo")
    store, _recovery = make_store(folder)
    try:
        populate_demo(store, cases=40, today=TODAY)
        populate_demo_meetings(store, today=TODAY)
    finally:
        store.close()
    return folder


@pytest.fixture
def store(demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the demo store, unlocked."""
    for path in demo_template.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    opened = accounts.unlock(tmp_path / "casusoverleg.db", ACCOUNT, PASSPHRASE)
    yield opened
    accounts.lock(opened)


@pytest.fixture
def meeting_id(store: Store) -> int:
    """The demo's next meeting (agenda built, attendance set)."""
    return documents.next_meeting_id(store, today=TODAY)


@pytest.fixture
def window(qtbot: QtBot, store: Store, meeting_id: int) -> Iterator[MeetingModeWindow]:
    """Meeting mode for the next meeting, shown, loaded and active."""
    widget = MeetingModeWindow(meeting_id)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(store)
    widget.activateWindow()
    qtbot.waitActive(widget)
    yield widget
    tasks.wait_for_idle()


def _key(qtbot: QtBot, window: MeetingModeWindow, key: Qt.Key, mods: object = None) -> None:
    """Press a key where the keyboard is (as a user does)."""
    target = window.focusWidget() or window
    if mods is None:
        qtbot.keyClick(target, key)
    else:
        qtbot.keyClick(target, key, mods)  # type: ignore[arg-type]


def _focused(window: MeetingModeWindow) -> QWidget:
    widget = window.focusWidget()
    assert widget is not None
    return widget


def _wait_saved(qtbot: QtBot, window: MeetingModeWindow) -> None:
    qtbot.waitUntil(lambda: window.status_label.text() == "✓ Opgeslagen" and tasks.is_idle())


def _index_of(window: MeetingModeWindow, kind: AgendaItemKind) -> int:
    return next(i for i, item in enumerate(window.items, start=1) if item.kind is kind)


def test_opening_the_next_meeting_takes_one_read_transaction(
    qtbot: QtBot, store: Store, meeting_id: int
) -> None:
    widget = MeetingModeWindow(meeting_id)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    # Counted on the real engine: every transaction the screen starts while it opens. The first
    # time it also logs that the cases' earlier discussions were shown (one write); reopened, the
    # log already holds that, so one read is all.
    with counting_transactions(store) as began:
        with qtbot.waitSignal(widget.loaded):
            widget.load(store)
        assert tasks.wait_for_idle()
    assert began == [READ, WRITE]
    with counting_transactions(store) as began:
        with qtbot.waitSignal(widget.loaded):
            widget.load(store)
        assert tasks.wait_for_idle()
    assert began == [READ]

    # And that one read holds what the screen shows: the agenda, attendance, the history.
    built = agenda.get_agenda(store, meeting_id).items
    assert widget.items == built
    assert sum(i.case_id is not None for i in built) >= 5
    assert widget.jump_list.count() == len(built) + 1
    attendance = meetings.list_attendance(store, meeting_id)
    assert [r.info for r in widget.attendance_page.rows] == attendance
    index, item, history = next(
        (index, item, history)
        for index, item in enumerate(built, start=1)
        if item.case_id is not None and (history := minutes.case_history(store, item.case_id))
    )
    widget.go_to(index)
    assert widget.current_item == item
    assert long_date(history[0].meeting_date) in widget.item_page.history_label.text()
    tasks.wait_for_idle()


def test_each_write_announces_what_it_changed(
    qtbot: QtBot, window: MeetingModeWindow, store: Store
) -> None:
    announced: list[Change] = []

    def heard(change: Change, source: object) -> None:
        if source is window:
            announced.append(change)

    def announced_next(count: int) -> Change:
        qtbot.waitUntil(lambda: len(announced) == count)
        return announced[-1]

    ops.change_bus().did_change.connect(heard)
    try:
        row = window.attendance_page.rows[0]
        qtbot.keyClick(row, Qt.Key.Key_2)
        assert announced_next(1) == Change.MEETINGS
        qtbot.keyClick(row, Qt.Key.Key_1)
        assert announced_next(2) == Change.MEETINGS

        _key(qtbot, window, Qt.Key.Key_PageDown)  # opening: notes only
        qtbot.keyClicks(window.item_page.notes_edit, "Welkom.")
        assert announced_next(3) == Change.MINUTES
        window.go_to(_index_of(window, AgendaItemKind.CASUS))
        qtbot.keyClicks(window.item_page.advice_combo, "aanh")  # the case follows its advice
        assert announced_next(4) == Change.MINUTES | Change.CASES

        box = window.item_page.quick_add
        qtbot.keyClicks(box.description_edit, "School bellen")
        box.owner_combo.setCurrentIndex(0)
        with qtbot.waitSignal(window.action_added):
            qtbot.keyClick(box.description_edit, Qt.Key.Key_Return)
        assert announced_next(5) == Change.ACTIONS

        window.go_to(_index_of(window, AgendaItemKind.ACTIELIJST))
        with qtbot.waitSignal(window.action_changed):
            window.item_page.open_actions.done_button.click()
        assert announced_next(6) == Change.ACTIONS
    finally:
        ops.change_bus().did_change.disconnect(heard)
    tasks.wait_for_idle()


def test_changes_leave_out_a_review_date_that_cannot_be_saved() -> None:
    on = date(2026, 11, 24)
    saved = ItemText(notes="a", review="01-02-2027")
    assert changes(ItemText(notes="a", review="1-2-2027"), saved, on) == {}
    assert changes(ItemText(notes="ab", review="1-2-20"), saved, on) == {"notes": "ab"}
    assert changes(ItemText(notes="a", review=""), saved, on) == {"next_review_date": None}
    assert changes(ItemText(advice="AANHOUDEN"), ItemText(), on) == {"advice": Advice.AANHOUDEN}
    assert "na de datum van het overleg" in review_problem("24-11-2026", on)
    assert review_problem("25-11-2026", on) == ""


def test_a_meeting_typed_from_attendance_to_closing(
    qtbot: QtBot,
    window: MeetingModeWindow,
    store: Store,
    meeting_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meeting = meetings.get_meeting(store, meeting_id)
    page = window.item_page
    # Attendance first, the keyboard on the first person.
    assert window.index == 0
    assert window.pages.currentWidget() is window.attendance_page
    rows = window.attendance_page.rows
    assert isinstance(_focused(window), type(rows[0]))
    assert _focused(window) is rows[0]
    _key(qtbot, window, Qt.Key.Key_Down)
    _key(qtbot, window, Qt.Key.Key_Down)
    absent = rows[2]
    assert absent.hasFocus()
    # Rows that had the focus keep the font of the others (they switched to a smaller one).
    sizes = {label.font().pointSizeF() for row in rows for label in row.findChildren(QLabel)}
    assert len(sizes) == 1
    _key(qtbot, window, Qt.Key.Key_3)
    assert absent.status is AttendanceStatus.AFWEZIG

    # Opening: a note; PageDown saves it and goes on.
    _key(qtbot, window, Qt.Key.Key_PageDown)
    assert window.index == 1
    assert page.notes_edit.hasFocus()
    qtbot.keyClicks(page.notes_edit, "Welkom; Sep komt later.")
    # Verslag and actielijst: nothing to type; on to the first case.
    _key(qtbot, window, Qt.Key.Key_PageDown)
    _key(qtbot, window, Qt.Key.Key_PageDown)
    _key(qtbot, window, Qt.Key.Key_PageDown)
    item = window.current_item
    assert item is not None and item.kind is AgendaItemKind.CASUS and item.case_id is not None
    assert page.title_label.text() == f"{item.position}. {item.title}"
    assert page.question_label.text() == item.question
    assert page.history_box.isVisible()

    # Every advice fits its box in full (issue 13: "Terugleidingstraject naar scho…").
    combo = page.advice_combo
    widest = max(
        combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count())
    )
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    option.rect = QRect(QPoint(0, 0), combo.minimumSizeHint())  # as narrow as a layout makes it
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    assert field.width() >= widest
    review = meeting.date + timedelta(weeks=6)
    qtbot.keyClicks(_focused(window), "Moeder en school zijn gesproken.")
    qtbot.keyClick(_focused(window), Qt.Key.Key_Tab)
    assert page.advice_combo.hasFocus()
    qtbot.keyClicks(page.advice_combo, "aanh")
    assert page.advice_combo.currentData() == Advice.AANHOUDEN.value
    qtbot.keyClick(_focused(window), Qt.Key.Key_Tab)
    assert page.review_field.edit.hasFocus()
    qtbot.keyClicks(page.review_field.edit, format_date(review))
    qtbot.keyClick(_focused(window), Qt.Key.Key_Tab)
    assert page.decision_edit.hasFocus()
    qtbot.keyClicks(page.decision_edit, "Aanhouden tot het onderzoek er is.")
    assert window.status_label.text() == "Bezig met opslaan…"
    qtbot.keyClick(_focused(window), Qt.Key.Key_Tab)

    # Quick-add: what, who (typed in the combo), due date prefilled two weeks on; Enter.
    box = page.quick_add
    assert box.description_edit.hasFocus()
    assert box.due_field.text() == format_date(meeting.date + timedelta(weeks=2))
    qtbot.keyClicks(box.description_edit, "Onderzoeksverslag opvragen")
    qtbot.keyClick(_focused(window), Qt.Key.Key_Tab)
    assert box.owner_combo.hasFocus()
    qtbot.keyClicks(box.owner_combo, "Luna")
    owner_id = box.owner_combo.currentData()
    assert box.owner_combo.currentText().startswith("Luna")
    with qtbot.waitSignal(window.action_added) as added:
        qtbot.keyClick(_focused(window), Qt.Key.Key_Return)
    assert box.description_edit.text() == ""
    assert box.agreed.topLevelItemCount() == 1
    assert box.agreed.topLevelItem(0).text(1) == "Onderzoeksverslag opvragen"  # type: ignore[union-attr]
    _wait_saved(qtbot, window)

    # Close: one shortcut, one confirmation; the minutes and the action list come together.
    asked: list[str] = []
    offered: list[list[DocumentRequest]] = []
    monkeypatch.setattr(common, "ask", lambda *args, **kw: asked.append(args[1]) or True)
    # The other cases were not reached: the closing question lists them (deferred by default).
    monkeypatch.setattr(
        closing, "ask_closing", lambda *args: asked.append("Overleg afsluiten") or {}
    )
    monkeypatch.setattr(
        previews, "offer_documents", lambda _parent, _store, wanted: offered.append(wanted)
    )
    with qtbot.waitSignal(window.meeting_closed):
        _key(qtbot, window, Qt.Key.Key_E, CTRL | SHIFT)
    assert asked == ["Overleg afsluiten"]
    assert len(offered) == 1
    assert {r.kind for r in offered[0]} == {"minutes", "actions"}
    assert [r.meeting_id for r in offered[0] if r.kind == "minutes"] == [meeting_id]

    # The store has it all.
    assert meetings.get_meeting(store, meeting_id).status is MeetingStatus.GEHOUDEN
    opening = window.items[0]
    assert minutes.get_entry(store, opening.id).notes == "Welkom; Sep komt later."
    entry = minutes.get_entry(store, item.id)
    assert entry.notes == "Moeder en school zijn gesproken."
    assert entry.advice is Advice.AANHOUDEN
    assert entry.decision == "Aanhouden tot het onderzoek er is."
    assert entry.next_review_date == review
    agreed = actions.list_meeting_actions(store, meeting_id)
    assert [(a.description, a.owner_id, a.case_id) for a in agreed] == [
        ("Onderzoeksverslag opvragen", owner_id, item.case_id)
    ]
    assert added.args[0].due_date == meeting.date + timedelta(weeks=2)
    history = minutes.case_history(store, item.case_id)
    assert history[0].meeting_id == meeting_id
    assert history[0].advice is Advice.AANHOUDEN
    assert cases.get_case(store, item.case_id).review_date == review
    status = {a.participant_id: a.status for a in meetings.list_attendance(store, meeting_id)}
    assert status[absent.info.participant_id] is AttendanceStatus.AFWEZIG

    # Held now: the window says so; asking for the documents again needs no question.
    assert "al afgesloten" in window.banner_label.text()
    assert window.close_button.text() == "Verslag en actielijst…"
    assert window.status_label.text() == "✓ Opgeslagen"
    window.close_button.click()
    assert asked == ["Overleg afsluiten"]
    assert len(offered) == 2
    tasks.wait_for_idle()


def test_closing_opens_the_minutes_and_the_action_list_in_the_preview(
    qtbot: QtBot, window: MeetingModeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.pdf_preview import PdfPreviewDialog

    monkeypatch.setattr(common, "ask", lambda *args, **kw: True)
    monkeypatch.setattr(closing, "ask_closing", lambda *args: {})
    with qtbot.waitSignal(window.meeting_closed):
        window.close_button.click()
    shown = window.findChildren(PdfPreviewDialog)
    assert sorted(p.request.kind for p in shown) == ["actions", "minutes"]
    for preview in shown:
        qtbot.waitUntil(lambda p=preview: p.rendered is not None)
    tasks.wait_for_idle()
    for preview in shown:
        preview.discard()


def test_typed_text_survives_a_failed_save_and_is_saved_on_retry(
    qtbot: QtBot, window: MeetingModeWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = minutes.save_entry

    def full_disk(*_args: object, **_kw: object) -> object:
        raise BadInput("De schijf is vol.")

    monkeypatch.setattr(minutes, "save_entry", full_disk)
    _key(qtbot, window, Qt.Key.Key_PageDown)
    item = window.current_item
    assert item is not None
    with qtbot.waitSignal(window.save_failed) as failed:
        qtbot.keyClicks(window.item_page.notes_edit, "Belangrijk")
    assert failed.args == ["De schijf is vol."]
    tasks.wait_for_idle()
    assert window.item_page.notes_edit.toPlainText() == "Belangrijk"
    assert "Niet opgeslagen" in window.status_label.text()
    assert "De schijf is vol." in window.status_label.text()
    assert window.retry_button.isVisible()
    assert window.has_unsaved()
    # Paging away and back keeps it.
    _key(qtbot, window, Qt.Key.Key_PageDown)
    _key(qtbot, window, Qt.Key.Key_PageUp)
    assert window.item_page.notes_edit.toPlainText() == "Belangrijk"
    tasks.wait_for_idle()  # the saves that paging started have failed as well

    monkeypatch.setattr(minutes, "save_entry", real_save)
    with qtbot.waitSignal(window.saved):
        window.retry_button.click()
    _wait_saved(qtbot, window)
    assert not window.retry_button.isVisible()
    assert minutes.get_entry(store, item.id).notes == "Belangrijk"


def test_unsaved_text_is_kept_in_memory_over_a_lock(
    qtbot: QtBot, window: MeetingModeWindow, store: Store
) -> None:
    window.go_to(_index_of(window, AgendaItemKind.CASUS))
    item = window.current_item
    assert item is not None
    qtbot.keyClicks(window.item_page.notes_edit, "Nog niet bewaard")
    qtbot.keyClicks(window.item_page.quick_add.description_edit, "Half getypt actiepunt")
    window.clear()  # before the save timer fired
    assert window.item_page.notes_edit.toPlainText() == ""
    assert window.item_page.quick_add.description_edit.text() == ""
    assert window.attendance_page.rows == []
    assert window.jump_list.count() == 0
    assert "vergrendeld" in window.empty_label.text()
    tasks.wait_for_idle()
    assert minutes.get_entry(store, item.id).notes == ""

    with qtbot.waitSignal(window.loaded):
        window.load(store)
    assert window.current_item == item
    assert window.item_page.notes_edit.toPlainText() == "Nog niet bewaard"
    assert window.item_page.quick_add.description_edit.text() == "Half getypt actiepunt"
    qtbot.waitUntil(lambda: minutes.get_entry(store, item.id).notes == "Nog niet bewaard")
    tasks.wait_for_idle()


def test_paging_and_jumping_by_keyboard(qtbot: QtBot, window: MeetingModeWindow) -> None:
    count = len(window.items)
    _key(qtbot, window, Qt.Key.Key_Right, ALT)
    assert window.index == 1
    _key(qtbot, window, Qt.Key.Key_PageDown)
    assert window.index == 2
    _key(qtbot, window, Qt.Key.Key_Left, ALT)
    _key(qtbot, window, Qt.Key.Key_PageUp)
    assert window.index == 0
    _key(qtbot, window, Qt.Key.Key_PageUp)  # nothing before attendance
    assert window.index == 0
    _key(qtbot, window, Qt.Key.Key_J, CTRL)
    assert window.jump_list.hasFocus()
    qtbot.keyClick(window.jump_list, Qt.Key.Key_End)
    assert window.index == count
    assert window.position_label.text() == f"Punt {count} van {count}"
    assert not window.next_button.isEnabled()
    qtbot.keyClick(window.jump_list, Qt.Key.Key_Up)
    assert window.index == count - 1
    assert window.jump_list.hasFocus()  # jumping on with the arrows


def test_attendance_by_keyboard_warns_when_a_team_is_missing(
    qtbot: QtBot, window: MeetingModeWindow, store: Store, meeting_id: int
) -> None:
    page = window.attendance_page
    assert not page.warning_label.isVisible()
    orthos = [r for r in page.rows if r.info.team is Team.ORTHOPEDAGOOG]
    assert orthos
    for row in orthos:
        row.setFocus()
        qtbot.keyClick(row, Qt.Key.Key_2)
    assert page.warning_label.isVisible()
    assert "Niemand aanwezig van" in page.warning_label.text()
    assert Team.ORTHOPEDAGOOG.label in page.warning_label.text()
    tasks.wait_for_idle()
    assert meetings.attendance_warning(store, meeting_id) is not None
    saved = {a.participant_id: a.status for a in meetings.list_attendance(store, meeting_id)}
    assert {saved[r.info.participant_id] for r in orthos} == {AttendanceStatus.AFGEMELD}
    # Who is afgemeld cannot own a new action.
    owners = window.item_page.quick_add.owner_combo
    ids = {owners.itemData(i) for i in range(owners.count())}
    assert not ids & {r.info.participant_id for r in orthos}
    # Space steps back round to aanwezig... via afwezig.
    row = orthos[0]
    row.setFocus()
    qtbot.keyClick(row, Qt.Key.Key_Space)
    qtbot.keyClick(row, Qt.Key.Key_Space)
    assert row.status is AttendanceStatus.AANWEZIG
    assert not page.warning_label.isVisible()


def test_actielijst_marks_an_open_action_done_on_the_meeting_day(
    qtbot: QtBot, window: MeetingModeWindow, store: Store, meeting_id: int
) -> None:
    meeting = meetings.get_meeting(store, meeting_id)
    window.go_to(_index_of(window, AgendaItemKind.ACTIELIJST))
    box = window.item_page.open_actions
    assert box.isVisible()
    assert box.tree.hasFocus()
    assert box.tree.topLevelItemCount() == len(actions.open_actions_for_agenda(store, meeting_id))
    first = box.current_id()
    assert first is not None
    with qtbot.waitSignal(window.action_changed):
        qtbot.keyClick(box.tree, Qt.Key.Key_Return)
    done = actions.get_action(store, first)
    assert done.status is ActionStatus.GEREED
    assert done.done_on == meeting.date
    assert box.reopen_button.isEnabled()
    assert not box.done_button.isEnabled()
    with qtbot.waitSignal(window.action_changed):
        box.reopen_button.click()
    assert actions.get_action(store, first).status is ActionStatus.OPEN


def test_verslag_item_fixes_the_previous_minutes(
    qtbot: QtBot,
    window: MeetingModeWindow,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.go_to(_index_of(window, AgendaItemKind.VERSLAG))
    page = window.item_page
    assert page.previous_box.isVisible()
    assert "concept" in page.previous_label.text()
    assert page.fix_button.isVisible()
    previous = [m for m in meetings.list_meetings(store) if m.status is MeetingStatus.GEHOUDEN][-1]
    viewed: list[DocumentRequest] = []
    monkeypatch.setattr(previews, "preview_document", lambda _p, _s, r: viewed.append(r))
    page.view_previous_button.click()
    assert viewed == [DocumentRequest(kind="minutes", meeting_id=previous.id)]
    monkeypatch.setattr(common, "ask", lambda *args, **kw: True)
    with qtbot.waitSignal(window.minutes_fixed):
        page.fix_button.click()
    fixed = meetings.get_meeting(store, previous.id)
    assert fixed.minutes_status is MinutesStatus.VASTGESTELD
    assert "vastgesteld" in page.previous_label.text()
    assert not page.fix_button.isVisible()


def test_escape_asks_before_leaving(
    qtbot: QtBot, window: MeetingModeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([False, True])
    details: list[str] = []

    def ask(*_args: object, detail: str = "", **_kw: object) -> bool:
        details.append(detail)
        return next(answers)

    monkeypatch.setattr(common, "ask", ask)
    window.go_to(_index_of(window, AgendaItemKind.RONDVRAAG))
    qtbot.keyClicks(window.item_page.quick_add.description_edit, "Nog niet toegevoegd")
    _key(qtbot, window, Qt.Key.Key_Escape)
    assert "getypt actiepunt is nog niet toegevoegd" in details[0]
    assert window.isVisible()
    with qtbot.waitSignal(window.left):
        _key(qtbot, window, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_quick_add_says_what_is_missing(qtbot: QtBot, window: MeetingModeWindow) -> None:
    window.go_to(_index_of(window, AgendaItemKind.RONDVRAAG))
    box = window.item_page.quick_add
    box.description_edit.setFocus()
    qtbot.keyClick(box.description_edit, Qt.Key.Key_Return)
    assert box.message_label.text() == "Beschrijf wat er moet gebeuren."
    qtbot.keyClicks(box.description_edit, "Notitie rondsturen")
    box.owner_combo.setCurrentIndex(-1)
    qtbot.keyClick(box.description_edit, Qt.Key.Key_Return)
    assert box.message_label.text() == "Kies wie het actiepunt uitvoert."
    assert box.owner_combo.hasFocus()
    assert box.description_edit.text() == "Notitie rondsturen"


def test_a_half_typed_review_date_is_kept_and_said_to_be_unsaved(
    qtbot: QtBot, window: MeetingModeWindow, store: Store, meeting_id: int
) -> None:
    meeting = meetings.get_meeting(store, meeting_id)
    window.go_to(_index_of(window, AgendaItemKind.CASUS))
    item = window.current_item
    assert item is not None
    field = window.item_page.review_field.edit
    field.setFocus()
    qtbot.keyClicks(field, format_date(meeting.date)[:6])  # "15-12-" of the meeting day
    qtbot.waitUntil(
        lambda: window.status_label.text() == "Datum volgende herbeoordeling nog niet opgeslagen"
    )
    assert window.has_unsaved()
    assert "datum van de volgende herbeoordeling is onvolledig" in window.unsaved_warning()
    assert field.text() == format_date(meeting.date)[:6]
    qtbot.keyClicks(field, str(meeting.date.year))  # the meeting day itself: too early
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert "na de datum van het overleg" in window.item_page.review_error.text()
    field.selectAll()
    later = meeting.date + timedelta(weeks=8)
    qtbot.keyClicks(field, format_date(later))
    _wait_saved(qtbot, window)
    assert not window.item_page.review_error.isVisible()
    assert minutes.get_entry(store, item.id).next_review_date == later


def test_closing_a_meeting_before_its_day_names_the_date_and_no_keeps_it_planned(
    qtbot: QtBot,
    window: MeetingModeWindow,
    store: Store,
    meeting_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meeting = meetings.get_meeting(store, meeting_id)
    window.today = lambda: meeting.date - timedelta(days=14)
    asked: list[str] = []
    monkeypatch.setattr(common, "ask", lambda *args, **kw: asked.append(args[2]) or False)
    # Cases not reached yet: the question comes in the closing dialog, with the same words.
    monkeypatch.setattr(closing, "ask_closing", lambda *args: asked.append(args[1]) and None)
    _key(qtbot, window, Qt.Key.Key_E, CTRL | SHIFT)
    qtbot.waitUntil(lambda: len(asked) == 1)  # asked once the plan is read, off the GUI thread
    assert asked == [
        f"Dit overleg is gepland op {long_date(meeting.date)}, over 14 dagen. Toch nu "
        "afsluiten en als gehouden vastleggen?"
    ]
    tasks.wait_for_idle()
    assert meetings.get_meeting(store, meeting_id).status is MeetingStatus.GEPLAND

    # On the day itself the plain question.
    window.today = lambda: meeting.date
    _key(qtbot, window, Qt.Key.Key_E, CTRL | SHIFT)
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert asked[-1] == "Het overleg afsluiten en als gehouden vastleggen?"
    tasks.wait_for_idle()
