"""Vaste deelnemers en secretaris, picked by keyboard in the series dialogs, end up in the store."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from casusoverleg.domain.enums import MeetingRole
from casusoverleg.domain.recurrence import Recurrence, SkipRules
from casusoverleg.services import meetings, people
from casusoverleg.services.series_members import StandingMember, series_people, set_series_people
from casusoverleg.services.store import Store
from tests.helpers.series_people import make_cast
from tests.helpers.ui import idle, screen

from ui.meetings.series_dialog import SeriesDialog
from ui.meetings.series_people import NO_EMAIL, SeriesPeopleDialog


def _pick(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Choose an entry the way a keyboard user does: focus the box and type its first letters."""
    combo.setFocus()
    # A user pauses between two picks, after which the box's type-ahead forgets what was typed.
    combo.view().keyboardSearch("")
    qtbot.keyClicks(combo, text)
    assert combo.currentText().startswith(text), combo.currentText()


def test_new_series_with_standing_participants_and_secretary_by_keyboard(
    qtbot: QtBot, store: Store
) -> None:
    cast = make_cast(store)
    with screen(qtbot, SeriesDialog(store, start=date(2027, 3, 2))) as dialog:
        dialog.show()
        idle()  # the participants are read on the worker
        panel = dialog.people_panel
        assert panel.isEnabled()
        offered = [panel.person_combo.itemText(i) for i in range(panel.person_combo.count())]
        assert "Oud Lid (Team Leerplicht)" not in offered  # archived: not invited anew
        assert len(offered) == 4

        qtbot.keyClicks(dialog.name_edit, "Casusoverleg Zwolle")
        for person, role in (("Ahmed", "v"), ("Noor", "n"), ("Pieter", "d"), ("Ilse", "d")):
            _pick(qtbot, panel.person_combo, person)
            _pick(qtbot, panel.role_combo, role)
            qtbot.keyClick(panel.add_button, Qt.Key.Key_Space)
        # Ilse is secretary, not a standing participant: Delete takes her line off again.
        panel.members_tree.setFocus()
        assert panel.members_tree.currentItem().text(0) == "Ilse Brouwer"
        qtbot.keyClick(panel.members_tree, Qt.Key.Key_Delete)
        assert panel.member_texts() == [
            ("Ahmed el Idrissi", "Sociaal Wijkteam", "voorzitter", "a.elidrissi@swt.example"),
            (
                "Noor de Graaf",
                "Samenwerkingsverband passend onderwijs",
                "notulist",
                "noor@swv.example",
            ),
            ("Pieter Smit", "Orthopedagoog", "deelnemer", NO_EMAIL),
        ]
        assert "Zonder secretaris" in panel.note_label.text()
        _pick(qtbot, panel.secretary_combo, "Ilse")
        assert panel.note_label.text() == (
            "Zonder (bruikbaar) e-mailadres, dus niet uitgenodigd in de agendabestanden: "
            "Pieter Smit."
        )

        # It fits on a 1280×800 screen (with room for the title bar and the task bar).
        hint = dialog.sizeHint()
        assert hint.width() <= 1280 and hint.height() <= 740, hint

        with qtbot.waitSignal(dialog.created):
            qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
        idle()
    (saved,) = meetings.list_series(store)
    assert [(m.participant_id, m.role) for m in saved.people.members] == [
        (cast.chair, MeetingRole.VOORZITTER),
        (cast.minute_taker, MeetingRole.NOTULIST),
        (cast.no_email, MeetingRole.DEELNEMER),
    ]
    assert saved.people.secretary is not None
    assert saved.people.secretary.participant_id == cast.secretary


def test_a_second_chair_replaces_the_first(qtbot: QtBot, store: Store) -> None:
    make_cast(store)
    with screen(qtbot, SeriesDialog(store, start=date(2027, 3, 2))) as dialog:
        idle()
        panel = dialog.people_panel
        for person in ("Ahmed", "Noor"):
            _pick(qtbot, panel.person_combo, person)
            panel.role_combo.setCurrentIndex(panel.role_combo.findData("VOORZITTER"))
            qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
        assert [(t[0], t[2]) for t in panel.member_texts()] == [
            ("Noor de Graaf", "voorzitter"),
            ("Ahmed el Idrissi", "deelnemer"),
        ]


def test_the_people_of_an_existing_series_are_changed_and_saved(qtbot: QtBot, store: Store) -> None:
    cast = make_cast(store)
    series = meetings.create_series(
        store,
        meetings.SeriesInput(
            name="Casusoverleg Zwolle",
            start_date=date(2027, 3, 2),
            start_time=time(13, 0),
            minutes=120,
            recurrence=Recurrence.weekly(1, 2),
            count=2,
            skip=SkipRules(public=True, school=False),
        ),
        meetings.PastDates.AS_PLANNED,
    )
    set_series_people(
        store,
        series.id,
        [StandingMember(cast.chair, MeetingRole.VOORZITTER), StandingMember(cast.no_email)],
        None,
    )
    people.archive_participant(store, cast.no_email, on=date(2027, 1, 1))
    with screen(qtbot, SeriesPeopleDialog(store, meetings.get_series(store, series.id))) as dialog:
        dialog.show()
        idle()
        panel = dialog.panel
        assert [t[0] for t in panel.member_texts()] == [
            "Ahmed el Idrissi",
            "Pieter Smit (gearchiveerd)",
        ]
        panel.members_tree.setFocus()
        panel.members_tree.setCurrentItem(panel.members_tree.topLevelItem(1))
        qtbot.keyClick(panel.members_tree, Qt.Key.Key_Delete)
        _pick(qtbot, panel.secretary_combo, "Ilse")
        with qtbot.waitSignal(dialog.saved):
            qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
        idle()
    chosen = series_people(store, series.id)
    assert [m.participant_id for m in chosen.members] == [cast.chair]
    assert chosen.secretary is not None and chosen.secretary.participant_id == cast.secretary
