"""Meeting mode: "vrijstelling passend" asks for the alternatives weighed (issue 11 item 3).

The group's aim "vrijstelling mag niet het afvoerputje worden" (not a Leerplichtwet article):
the advice is saved only with at least one alternative; until then the notes and decision are
saved as typed and the advice waits on screen, with the reason beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casusoverleg.domain.alternatives import NEEDS_ALTERNATIVE
from casusoverleg.domain.enums import Advice, AgendaItemKind, Alternative
from casusoverleg.services import agenda, minutes
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import add_case, add_meeting

from ui import tasks
from ui.case_form.tabs import history_html
from ui.meeting_mode import ItemText, MeetingModeWindow, changes
from ui.meeting_mode.item_page import ItemPage

ON = date(2027, 5, 18)
WAITING = "Advies nog niet opgeslagen: vink een afgewogen alternatief aan"


@pytest.fixture
def meeting_id(store: Store) -> int:
    """A meeting with one case on its agenda."""
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, ON)
    agenda.build_agenda(store, meeting, [case_id])
    return meeting


@pytest.fixture
def window(qtbot: QtBot, store: Store, meeting_id: int) -> Iterator[MeetingModeWindow]:
    """Meeting mode on the case item, shown, loaded and active."""
    widget = MeetingModeWindow(meeting_id)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(store)
    widget.activateWindow()
    qtbot.waitActive(widget)
    widget.go_to(next(i for i, it in enumerate(widget.items, 1) if it.kind is AgendaItemKind.CASUS))
    yield widget
    tasks.wait_for_idle()


def test_afvoerputje_changes_hold_back_an_exemption_advice_without_alternative() -> None:
    on = ON
    typed = ItemText(notes="a", advice=str(Advice.VRIJSTELLING_PASSEND), decision="b")
    assert changes(typed, ItemText(), on) == {"notes": "a", "decision": "b"}
    ticked = ItemText(advice=str(Advice.VRIJSTELLING_PASSEND), alternatives="ANDERE_SCHOOL")
    assert changes(ticked, ItemText(), on) == {
        "advice": Advice.VRIJSTELLING_PASSEND,
        "alternatives": (Alternative.ANDERE_SCHOOL,),
    }


def test_afvoerputje_exemption_advice_waits_for_a_ticked_alternative(
    qtbot: QtBot, window: MeetingModeWindow, store: Store
) -> None:
    page = window.item_page
    item = window.current_item
    assert item is not None
    assert not page.alternatives_box.isVisible()  # no advice yet: nothing to weigh
    qtbot.keyClicks(page.notes_edit, "Moeder en school gesproken.")
    page.advice_combo.setFocus()
    page.advice_combo.setCurrentIndex(page.advice_combo.findData(str(Advice.VRIJSTELLING_PASSEND)))
    # The five alternatives appear, each with an accessible name; nothing is ticked.
    assert page.alternatives_box.isVisible()
    names = [c.accessibleName() for c in page.alternative_checks.values()]
    assert names == [f"Afgewogen alternatief: {a.label}" for a in Alternative]
    qtbot.waitUntil(lambda: window.status_label.text() == WAITING and tasks.is_idle())
    assert page.advice_error.isVisible()
    assert page.advice_error.text().startswith(NEEDS_ALTERNATIVE)
    # The notes reached the store; the advice did not.
    entry = minutes.get_entry(store, item.id)
    assert (entry.notes, entry.advice, entry.alternatives) == (
        "Moeder en school gesproken.",
        None,
        (),
    )
    # The decision typed meanwhile is saved too; leaving would warn about the advice.
    qtbot.keyClicks(page.decision_edit, "Advies aan leerplicht.")
    qtbot.waitUntil(lambda: window.status_label.text() == WAITING and tasks.is_idle())
    assert minutes.get_entry(store, item.id).decision == "Advies aan leerplicht."
    assert minutes.get_entry(store, item.id).advice is None
    assert window.has_unsaved()
    assert "wacht op een afgewogen alternatief" in window.unsaved_warning()

    # By keyboard: Tab from the advice passes the review date, then reaches the first
    # alternative; Space ticks it.
    page.advice_combo.setFocus()
    qtbot.keyClick(page.advice_combo, Qt.Key.Key_Tab)
    assert window.focusWidget() is page.review_field.edit
    qtbot.keyClick(page.review_field.edit, Qt.Key.Key_Tab)
    first = page.alternative_checks[Alternative.ONDERWIJSZORGARRANGEMENT]
    assert window.focusWidget() is first
    qtbot.keyClick(first, Qt.Key.Key_Space)
    assert first.isChecked()
    qtbot.waitUntil(lambda: window.status_label.text() == "✓ Opgeslagen" and tasks.is_idle())
    assert not page.advice_error.isVisible()
    entry = minutes.get_entry(store, item.id)
    assert (entry.advice, entry.alternatives) == (
        Advice.VRIJSTELLING_PASSEND,
        (Alternative.ONDERWIJSZORGARRANGEMENT,),
    )
    assert entry.notes == "Moeder en school gesproken."
    assert not window.has_unsaved()

    # Unticking the last one: the store keeps the ticked one, the screen says why.
    qtbot.keyClick(first, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.status_label.text() == WAITING and tasks.is_idle())
    assert minutes.get_entry(store, item.id).alternatives == (Alternative.ONDERWIJSZORGARRANGEMENT,)


def test_afvoerputje_bespreekhistorie_shows_the_alternatives_with_the_advice(
    store: Store, meeting_id: int
) -> None:
    item = next(i for i in agenda.get_agenda(store, meeting_id).items if i.case_id is not None)
    assert item.case_id is not None
    minutes.save_entry(
        store,
        item.id,
        advice=Advice.VRIJSTELLING_PASSEND,
        alternatives=[Alternative.THUISONDERWIJS, Alternative.ANDERS],
    )
    history = minutes.case_history(store, item.case_id)
    weighed = "Afgewogen alternatieven:</b> thuisonderwijs met begeleiding, anders"
    assert weighed in history_html(history)  # the case form's Bespreekhistorie
    page = ItemPage()
    page.show_history(history)  # meeting mode's "Eerder besproken"
    assert "Afgewogen alternatieven: thuisonderwijs met begeleiding, anders" in (
        page.history_label.text()
    )
    page.deleteLater()
