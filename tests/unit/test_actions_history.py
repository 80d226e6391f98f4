"""Issue 12, item 4: an action has a stable number, says when (and in which meeting) it was
agreed, and keeps its history: every change writes one line, with the account that made it."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import ActionEventKind, ActionStatus
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, agenda
from casusoverleg.services.store import Store
from casusoverleg.store.engine import create_store_file
from casusoverleg.store.migrate import alembic_config
from casusoverleg.store.models import ActionEvent, ActionItem
from tests.helpers.meeting_data import Members, add_case, add_meeting, make_members
from tests.helpers.stores import ACCOUNT

MEETING_DAY = date(2027, 5, 18)
LATER_MEETING = date(2027, 6, 1)
DUE = date(2027, 6, 15)


@pytest.fixture
def team(store: Store) -> Members:
    """The four core members."""
    return make_members(store)


def _agreed_in_meeting(store: Store, team: Members) -> tuple[actions.ActionInfo, int, int]:
    """An action agreed at a case item of a meeting on MEETING_DAY, typed up two days later;
    returns it, that meeting's id and a later meeting's id."""
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, MEETING_DAY)
    later = add_meeting(store, LATER_MEETING)
    built = agenda.build_agenda(store, meeting, [case_id])
    item = next(i for i in built.items if i.case_id == case_id)
    made = actions.create_action(
        store,
        description="Gesprek met ouders plannen",
        owner_id=team.wijkteam.id,
        due_date=DUE,
        agenda_item_id=item.id,
        today=date(2027, 5, 20),
    )
    return made, meeting, later


def _rows(store: Store, action_id: int) -> list[ActionEvent]:
    with store.read() as session:
        found = session.scalars(
            select(ActionEvent).where(ActionEvent.action_id == action_id).order_by(ActionEvent.id)
        ).all()
        session.expunge_all()
        return list(found)


def test_every_change_writes_one_history_line_with_the_account_and_the_day(
    store: Store, team: Members
) -> None:
    made, meeting, later = _agreed_in_meeting(store, team)
    actions.update_action(
        store, made.id, owner_id=team.ortho.id, due_date=date(2027, 7, 1), today=date(2027, 5, 25)
    )
    actions.update_action(store, made.id, note="  ", today=date(2027, 5, 25))  # no change
    actions.complete_action(
        store, made.id, done_on=LATER_MEETING, note="Gesprek gevoerd.", meeting_id=later
    )
    actions.reopen_action(store, made.id, today=date(2027, 6, 3))
    actions.cancel_action(store, made.id, note="Niet meer nodig.", today=date(2027, 6, 10))

    rows = _rows(store, made.id)
    assert [r.kind for r in rows] == ["AANGEMAAKT", "GEWIJZIGD", "GEREED", "HEROPEND", "VERVALLEN"]
    assert {r.account for r in rows} == {ACCOUNT}
    assert [r.on_date for r in rows] == [
        MEETING_DAY,  # agreed on the meeting's day, though typed up on the 20th
        date(2027, 5, 25),
        LATER_MEETING,
        date(2027, 6, 3),
        date(2027, 6, 10),
    ]
    assert [r.meeting_id for r in rows] == [meeting, None, later, None, None]
    assert rows[1].detail == (
        "eigenaar Ahmed el Amrani → Joost de Wit; uiterste datum 15-06-2027 → 01-07-2027"
    )
    assert rows[2].detail == "Gesprek gevoerd."
    assert rows[3].detail == "was gereed"

    history = actions.action_history(store, made.id)
    assert [e.kind.value for e in history] == [r.kind for r in rows]
    assert [e.text for e in history] == [
        f"afgesproken op 18-05-2027 door {ACCOUNT} (in het overleg van 18-05-2027)",
        f"gewijzigd op 25-05-2027 door {ACCOUNT}",
        f"gereed gemeld op 01-06-2027 door {ACCOUNT} (in het overleg van 01-06-2027)",
        f"heropend op 03-06-2027 door {ACCOUNT}",
        f"vervallen verklaard op 10-06-2027 door {ACCOUNT}",
    ]


def test_the_number_stays_the_same_through_every_change(store: Store, team: Members) -> None:
    made, _meeting, _later = _agreed_in_meeting(store, team)
    other = actions.create_action(
        store, description="Schoolplek zoeken", owner_id=team.swv.id, due_date=None, today=DUE
    )
    assert (made.number, other.number) == (made.id, other.id)
    assert made.number != other.number
    actions.update_action(store, made.id, description="Gesprek met ouders en school plannen")
    actions.complete_action(store, made.id, done_on=LATER_MEETING)
    actions.reopen_action(store, made.id)
    again = actions.get_action(store, made.id)
    assert again.number == made.number
    assert again.description == "Gesprek met ouders en school plannen"
    assert {a.number for a in actions.list_actions(store, include_done=True)} == {
        made.number,
        other.number,
    }


def test_agreed_says_the_day_and_the_meeting_it_came_from(store: Store, team: Members) -> None:
    made, _meeting, _later = _agreed_in_meeting(store, team)
    assert made.agreed_on == MEETING_DAY
    assert made.agreed_meeting_date == MEETING_DAY
    assert made.agreed_text == "afgesproken op 18-05-2027 (overleg van 18-05-2027)"
    from_case = actions.create_action(
        store,
        description="Jeugdarts informeren",
        owner_id=team.ortho.id,
        due_date=None,
        case_id=made.case_id,
        today=date(2027, 5, 21),
    )
    assert from_case.agreed_meeting_date is None
    assert from_case.agreed_text == "afgesproken op 21-05-2027"
    assert actions.action_history(store, from_case.id)[0].meeting_id is None


def test_a_refused_change_leaves_action_and_history_as_they_were(
    store: Store, team: Members
) -> None:
    made, _meeting, _later = _agreed_in_meeting(store, team)
    actions.complete_action(store, made.id, done_on=LATER_MEETING)
    before = [(r.id, r.kind, r.detail) for r in _rows(store, made.id)]
    with pytest.raises(BadInput, match="al gereed"):
        actions.complete_action(store, made.id, done_on=LATER_MEETING)
    with pytest.raises(BadInput, match="vóór de dag waarop"):
        actions.update_action(store, made.id, due_date=date(2027, 5, 1))
    with pytest.raises(BadInput, match="geen overleg met nummer 999"):
        actions.reopen_action(store, made.id, meeting_id=999)
    assert [(r.id, r.kind, r.detail) for r in _rows(store, made.id)] == before
    still = actions.get_action(store, made.id)
    assert (still.status, still.due_date) == (ActionStatus.GEREED, DUE)


def test_the_history_of_an_unknown_action_is_a_dutch_message(store: Store) -> None:
    with pytest.raises(BadInput, match="Dit actiepunt bestaat niet"):
        actions.action_history(store, 12345)


def test_history_from_before_0006_says_who_is_not_known(tmp_path: Path) -> None:
    """Migration 0006 fills in what older stores know (agreed, done); the account is unknown."""
    engine = create_store_file(tmp_path / "oud.db", os.urandom(32))
    cfg = alembic_config()
    rows = [
        "INSERT INTO organisation (id, name, team, archived) VALUES (1, 'SWV', 'LEERPLICHT', 0)",
        "INSERT INTO participant (id, name, function, email, phone, organisation_id) "
        "VALUES (1, 'Ans', '', '', '', 1)",
        "INSERT INTO action_item (id, description, owner_id, status, note, created_at, "
        "created_on, done_on) VALUES (1, 'a', 1, 'GEREED', '', '2027-01-14 09:00:00.000000', "
        "'2027-01-14', '2027-01-20')",
    ]
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
            for row in rows:
                conn.execute(text(row))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
        with Session(engine) as session:
            assert session.get(ActionItem, 1) is not None
            history = actions.action_history_in(session, 1)
    finally:
        engine.dispose()
    assert [e.kind for e in history] == [ActionEventKind.AANGEMAAKT, ActionEventKind.GEREED]
    assert [e.text for e in history] == [
        "afgesproken op 14-01-2027 (door wie is niet vastgelegd)",
        "gereed gemeld op 20-01-2027 (door wie is niet vastgelegd)",
    ]


def test_reopening_can_say_why_so_the_old_done_note_does_not_stand(
    store: Store, team: Members
) -> None:
    action, _, _ = _agreed_in_meeting(store, team)
    actions.complete_action(store, action.id, done_on=MEETING_DAY, note="Afgerond.")
    why = "Bij de actielijst bleek het nog niet uitgevoerd."
    reopened = actions.reopen_action(store, action.id, today=LATER_MEETING, note=why)
    assert (reopened.status, reopened.note) == (ActionStatus.OPEN, why)
    assert _rows(store, action.id)[-1].kind == str(ActionEventKind.HEROPEND)
