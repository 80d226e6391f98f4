"""A meeting cycle in meeting mode, checked in the store and in the minutes PDF (issue 12).

One case discussed, one marked "Geen bijzonderheden" with its mnemonic, one withdrawn in the
closing dialog, the rest untouched: closing says how many are deferred and to which meeting;
they come out deferred; "Geen bijzonderheden" is printed for the chosen case only; the previous
minutes are adopted with an amendment; the actions carried over appear in the minutes with
their numbers and state.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.documents.layout import dutch_date, dutch_date_short
from casusoverleg.domain.enums import ActionStatus, AgendaItemKind, ItemOutcome, MeetingStatus
from casusoverleg.services import accounts, actions, documents, meetings, minutes
from casusoverleg.services.demo import populate_demo
from casusoverleg.services.demo_meetings import populate_demo_meetings
from casusoverleg.services.minutes import ClosingPlan
from casusoverleg.services.store import Store
from tests.helpers.pdfs import all_text, squashed
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

from ui import common, tasks
from ui.meeting_mode import MeetingModeWindow, closing, previews
from ui.meeting_mode.closing import ClosingDialog, deferred_sentence

TODAY = date(2026, 11, 10)  # the day the demo is built for (as in test_meeting_mode)
ALT = Qt.KeyboardModifier.AltModifier
AMENDMENT = "Bij punt 5: de school is het Thomas a Kempis College."


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store per module, copied per test."""
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
def window(qtbot: QtBot, store: Store) -> Iterator[MeetingModeWindow]:
    """Meeting mode for the demo's next meeting, on its own day."""
    meeting_id = documents.next_meeting_id(store, today=TODAY)
    widget = MeetingModeWindow(meeting_id)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(store)
    meeting = widget.meeting
    assert meeting is not None
    widget.today = lambda: meeting.date
    widget.activateWindow()
    qtbot.waitActive(widget)
    yield widget
    tasks.wait_for_idle()


def _row_text(window: MeetingModeWindow, item_id: int) -> str:
    row = next(n for n, item in enumerate(window.items, start=1) if item.id == item_id)
    line = window.jump_list.item(row)
    assert line is not None
    return line.text()


def test_a_meeting_cycle_records_only_what_happened(
    qtbot: QtBot,
    window: MeetingModeWindow,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meeting = window.meeting
    assert meeting is not None
    page = window.item_page
    monkeypatch.setattr(common, "ask", lambda *args, **kw: True)
    monkeypatch.setattr(previews, "offer_documents", lambda *args: None)
    kinds = [i.kind for i in window.items]
    case_items = [i for i in window.items if i.kind is AgendaItemKind.CASUS]
    assert len(case_items) >= 4
    carried = actions.open_actions_for_agenda(store, meeting.id)
    assert carried, "the demo's next meeting has open actions from earlier meetings"

    # Item 2: adopt the previous minutes with an amendment.
    window.go_to(kinds.index(AgendaItemKind.VERSLAG) + 1)
    previous = [m for m in meetings.list_meetings(store) if m.status is MeetingStatus.GEHOUDEN][-1]
    assert page.fix_note_edit.isVisible()
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Z, ALT)  # "Wij&zigingen …"
    assert page.fix_note_edit.hasFocus()
    qtbot.keyClicks(page.fix_note_edit, AMENDMENT)
    with qtbot.waitSignal(window.minutes_fixed):
        page.fix_button.click()
    verslag = window.current_item
    assert verslag is not None
    assert minutes.get_entry(store, verslag.id).outcome is ItemOutcome.BESPROKEN
    assert _row_text(window, verslag.id).endswith("✓")
    assert "besproken" in page.outcome_label.text()

    # Item 3: one carried-over action is done in the meeting.
    window.go_to(kinds.index(AgendaItemKind.ACTIELIJST) + 1)
    done_id = page.open_actions.current_id()
    assert done_id is not None
    with qtbot.waitSignal(window.action_changed):
        qtbot.keyClick(page.open_actions.tree, Qt.Key.Key_Return)

    # The first case is discussed: writing on it is enough.
    discussed, quiet, withdrawn = case_items[0], case_items[1], case_items[2]
    untouched = case_items[3:]
    window.go_to(window.items.index(discussed) + 1)
    with qtbot.waitSignal(window.saved):
        qtbot.keyClicks(page.notes_edit, "School en moeder zijn gesproken.")
        window.flush()
    qtbot.waitUntil(lambda: "besproken" in page.outcome_label.text())
    assert minutes.get_entry(store, discussed.id).outcome is ItemOutcome.BESPROKEN

    # The second: "Geen bijzonderheden" with Alt+G (the button's mnemonic).
    window.go_to(window.items.index(quiet) + 1)
    assert page.outcome_buttons[ItemOutcome.DOORGESCHOVEN].isVisible()
    with qtbot.waitSignal(window.outcome_saved):
        qtbot.keyClick(page.notes_edit, Qt.Key.Key_G, ALT)
    assert minutes.get_entry(store, quiet.id).outcome is ItemOutcome.GEEN_BIJZONDERHEDEN
    assert page.outcome_buttons[ItemOutcome.GEEN_BIJZONDERHEDEN].isChecked()
    assert _row_text(window, quiet.id).endswith("✓ geen bijz.")
    # A fixed item offers "geen bijzonderheden" only.
    window.go_to(kinds.index(AgendaItemKind.RONDVRAAG) + 1)
    assert page.outcome_buttons[ItemOutcome.GEEN_BIJZONDERHEDEN].isVisible()
    assert not page.outcome_buttons[ItemOutcome.DOORGESCHOVEN].isVisible()
    assert not page.outcome_buttons[ItemOutcome.INGETROKKEN].isVisible()
    # An action agreed there means the item was discussed.
    box = page.quick_add
    qtbot.keyClicks(box.description_edit, "Notitie rondsturen")
    qtbot.keyClick(box.description_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(box.owner_combo, "Luna")
    with qtbot.waitSignal(window.outcome_saved):
        qtbot.keyClick(box.owner_combo, Qt.Key.Key_Return)
    rondvraag = window.current_item
    assert rondvraag is not None
    assert minutes.get_entry(store, rondvraag.id).outcome is ItemOutcome.BESPROKEN
    assert _row_text(window, rondvraag.id).endswith("✓")

    # Closing: the dialog counts the cases not reached and names the meeting they go to; the
    # chair withdraws one of them there.
    later = sorted(
        (m for m in meetings.list_meetings(store) if m.status is MeetingStatus.GEPLAND),
        key=lambda m: (m.date, m.start_time, m.id),
    )
    after = [
        m
        for m in later
        if (m.date, m.start_time, m.id) > (meeting.date, meeting.start_time, meeting.id)
    ]
    target = next((m for m in after if m.series_id == meeting.series_id), after[0])
    seen: list[str] = []

    def answer(parent: MeetingModeWindow, question: str, detail: str, plan: ClosingPlan) -> object:
        dialog = ClosingDialog(parent, question, detail, plan)
        qtbot.addWidget(dialog)
        seen.append(dialog.count_label.text())
        assert [u.agenda_item_id for u in plan.untouched] == [i.id for i in (withdrawn, *untouched)]
        combo = dialog.choice_combos[withdrawn.id]
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # doorschuiven → intrekken
        assert combo.currentText() == "Intrekken"
        dialog.accept()
        return dialog.choices()

    monkeypatch.setattr(closing, "ask_closing", answer)
    with qtbot.waitSignal(window.meeting_closed):
        window.close_button.click()
    count = 1 + len(untouched)
    assert seen == [deferred_sentence(count, target.date)]
    assert seen[0] == (
        f"{count} casussen zijn niet besproken; zij worden doorgeschoven naar het overleg van "
        f"{dutch_date(target.date)}."
    )

    # The store: deferred to that meeting, withdrawn, discussed, no particulars.
    assert meetings.get_meeting(store, meeting.id).status is MeetingStatus.GEHOUDEN
    entries = minutes.get_entries(store, [i.id for i in case_items])
    assert entries[discussed.id].outcome is ItemOutcome.BESPROKEN
    assert entries[quiet.id].outcome is ItemOutcome.GEEN_BIJZONDERHEDEN
    assert entries[withdrawn.id].outcome is ItemOutcome.INGETROKKEN
    for item in untouched:
        assert (entries[item.id].outcome, entries[item.id].deferred_to) == (
            ItemOutcome.DOORGESCHOVEN,
            target.date,
        )
    qtbot.waitUntil(lambda: _row_text(window, untouched[0].id).endswith("→ doorgeschoven"))
    assert _row_text(window, withdrawn.id).endswith("✗ ingetrokken")
    assert meetings.get_meeting(store, previous.id).minutes_status.label == "vastgesteld"

    # The minutes PDF says just that.
    path = tmp_path / "verslag.pdf"
    documents.print_minutes(store, meeting.id, path, today=meeting.date)
    text = squashed(all_text(path))
    assert text.count("Geen bijzonderheden.") == 1
    assert text.count(
        f"Niet besproken — doorgeschoven naar het overleg van {dutch_date(target.date)}."
    ) == len(untouched)
    assert text.count("Ingetrokken.") == 1
    assert (
        f"Het verslag van het overleg van {dutch_date(previous.date)} is vastgesteld met de "
        f"volgende wijzigingen: {AMENDMENT}" in text
    )
    assert f"Openstaande actiepunten uit eerdere overleggen ({len(carried)})" in text
    for action in carried:
        assert f"nr. {action.id}" in text
        assert " ".join(action.description.split()[:3]) in text
    done = actions.get_action(store, done_id)
    assert done.status is ActionStatus.GEREED
    assert f"gereed op {dutch_date_short(meeting.date)}" in text


def test_closing_dialog_one_case_no_next_meeting_and_enter_does_not_close(
    qtbot: QtBot, store: Store
) -> None:
    plan = minutes.closing_plan(store, documents.next_meeting_id(store, today=TODAY))
    one = replace(plan, untouched=plan.untouched[:1], next_meeting_id=None, next_meeting_date=None)
    dialog = ClosingDialog(None, "Het overleg afsluiten en als gehouden vastleggen?", "", one)
    qtbot.addWidget(dialog)
    assert dialog.count_label.text() == (
        "1 casus is niet besproken; deze wordt doorgeschoven naar het volgende overleg "
        "(er is nog geen overleg gepland)."
    )
    (combo,) = dialog.choice_combos.values()
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Doorschuiven",
        "Intrekken",
        "Geen bijzonderheden",
    ]
    assert dialog.choices() == {one.untouched[0].agenda_item_id: ItemOutcome.DOORGESCHOVEN}
    # Enter is "Annuleren": closing a meeting is never an accident.
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert not dialog.isVisible()  # closed by the default button …
    assert dialog.result() == ClosingDialog.DialogCode.Rejected  # … which is Annuleren
