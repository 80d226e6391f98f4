"""Action items: create from a case or an agenda item, change, finish, list, and the actielijst."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from casusoverleg.domain.enums import ActionStatus, AgendaItemKind, AuditAction, MeetingStatus
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, agenda, audit, cases, meetings, minutes, people
from casusoverleg.services.store import Store
from casusoverleg.store.engine import create_store_file
from casusoverleg.store.migrate import alembic_config
from tests.helpers.meeting_data import Members, add_case, add_meeting, make_members

# Each test runs on an embedded store and on a store on a PostgreSQL server (issue 15).
pytestmark = pytest.mark.both_kinds

ON = date(2027, 5, 18)
NEXT = date(2027, 6, 1)


@pytest.fixture
def team(store: Store) -> Members:
    """The four core members."""
    return make_members(store)


def test_create_from_a_case(store: Store, team: Members) -> None:
    case_id = add_case(store, "2027-0001", first="Sanne")
    made = actions.create_action(
        store,
        description="  Gesprek met ouders plannen ",
        owner_id=team.wijkteam.id,
        due_date=date(2027, 5, 31),
        case_id=case_id,
        today=ON,
    )
    assert made.description == "Gesprek met ouders plannen"
    assert (made.owner_name, made.organisation_name) == (
        "Ahmed el Amrani",
        "Sociaal Wijkteam Zwolle-Zuid",
    )
    assert (made.case_number, made.case_initials, made.created_on) == (
        "2027-0001",
        "S. de V.",
        ON,
    )
    assert (made.status, made.done_on, made.overdue, made.agenda_item_id) == (
        ActionStatus.OPEN,
        None,
        False,
        None,
    )
    event = audit.list_events(store, case_number="2027-0001")[0]
    assert (event.action, event.object_type, event.object_id) == (
        AuditAction.CREATE,
        "actiepunt",
        str(made.id),
    )


def test_create_refusals(store: Store, team: Members) -> None:
    case_id = add_case(store, "2027-0001")
    with pytest.raises(BadInput, match="Beschrijf"):
        actions.create_action(store, description=" ", owner_id=team.swv.id, due_date=None)
    with pytest.raises(BadInput, match="bestaande deelnemer"):
        actions.create_action(store, description="x", owner_id=999, due_date=None)
    with pytest.raises(BadInput, match="vóór de dag waarop"):
        actions.create_action(
            store, description="x", owner_id=team.swv.id, due_date=ON - timedelta(1), today=ON
        )
    with pytest.raises(BadInput, match="bestaat niet"):
        actions.create_action(
            store, description="x", owner_id=team.swv.id, due_date=None, case_id=999
        )
    cases.close_case(store, case_id, today=ON)
    with pytest.raises(BadInput, match="afgesloten"):
        actions.create_action(
            store, description="x", owner_id=team.swv.id, due_date=None, case_id=case_id
        )
    people.archive_participant(store, team.swv.id, on=ON)
    with pytest.raises(BadInput, match="Petra Mulder is gearchiveerd"):
        actions.create_action(store, description="x", owner_id=team.swv.id, due_date=None)
    assert actions.list_actions(store, include_done=True) == []


def test_create_from_an_agenda_item(store: Store, team: Members) -> None:
    case_id = add_case(store, "2027-0001")
    other = add_case(store, "2027-0002")
    meeting = add_meeting(store, ON)
    built = agenda.build_agenda(store, meeting, [case_id])
    item = next(i for i in built.items if i.case_id == case_id)
    made = actions.create_action(
        store,
        description="Dossier opvragen",
        owner_id=team.ortho.id,
        due_date=NEXT,
        agenda_item_id=item.id,
        today=date(2027, 5, 20),
    )
    # The case is the item's; the day agreed is the meeting's, also when typed up later.
    assert (made.case_id, made.meeting_id, made.created_on) == (case_id, meeting, ON)
    with pytest.raises(BadInput, match="andere casus"):
        actions.create_action(
            store,
            description="x",
            owner_id=team.ortho.id,
            due_date=None,
            agenda_item_id=item.id,
            case_id=other,
        )
    rondvraag = next(i for i in built.items if i.kind == AgendaItemKind.RONDVRAAG)
    general = actions.create_action(
        store,
        description="Folder maken",
        owner_id=team.ortho.id,
        due_date=None,
        agenda_item_id=rondvraag.id,
    )
    assert (general.case_id, general.case_number) == (None, "")
    # An item with actions cannot leave the agenda.
    with pytest.raises(BadInput, match="actiepunten"):
        agenda.remove_item(store, item.id)
    assert [a.id for a in actions.list_meeting_actions(store, meeting)] == [made.id, general.id]


def test_update_complete_reopen_cancel(store: Store, team: Members) -> None:
    case_id = add_case(store, "2027-0001")
    made = actions.create_action(
        store, description="Bellen", owner_id=team.swv.id, due_date=NEXT, case_id=case_id, today=ON
    )
    changed = actions.update_action(
        store, made.id, description="Bellen met school", due_date=date(2027, 6, 8), today=ON
    )
    assert (changed.description, changed.due_date, changed.owner_id) == (
        "Bellen met school",
        date(2027, 6, 8),
        team.swv.id,
    )
    changed = actions.update_action(
        store, made.id, owner_id=team.leerplicht.id, note="Overgedragen"
    )
    assert (changed.owner_name, changed.note) == ("Karin Bos", "Overgedragen")
    with pytest.raises(BadInput, match="vóór de dag waarop"):
        actions.update_action(store, made.id, due_date=ON - timedelta(days=1))

    with pytest.raises(BadInput, match="vóór de dag waarop"):
        actions.complete_action(store, made.id, done_on=ON - timedelta(days=1))
    done = actions.complete_action(store, made.id, done_on=date(2027, 6, 2), note="School gebeld.")
    assert (done.status, done.done_on, done.note, done.overdue) == (
        ActionStatus.GEREED,
        date(2027, 6, 2),
        "School gebeld.",
        False,
    )
    with pytest.raises(BadInput, match="al gereed"):
        actions.complete_action(store, made.id, done_on=date(2027, 6, 3))
    reopened = actions.reopen_action(store, made.id, today=date(2027, 6, 10))
    assert (reopened.status, reopened.done_on, reopened.overdue) == (ActionStatus.OPEN, None, True)
    with pytest.raises(BadInput, match="al open"):
        actions.reopen_action(store, made.id)
    dropped = actions.cancel_action(store, made.id, note="Niet meer nodig.")
    assert (dropped.status, dropped.note) == (ActionStatus.VERVALLEN, "Niet meer nodig.")

    details = [
        e.detail
        for e in audit.list_events(store, case_number="2027-0001")
        if e.object_type == "actiepunt"
    ]
    assert details == [
        "vervallen",
        "heropend",
        "gereed",
        "gewijzigd: eigenaar, notitie",
        "gewijzigd: omschrijving, uiterste datum",
        "",
    ]


def test_archived_owner_keeps_old_actions(store: Store, team: Members) -> None:
    made = actions.create_action(
        store, description="Verslag sturen", owner_id=team.swv.id, due_date=NEXT, today=ON
    )
    people.archive_participant(store, team.swv.id, on=date(2027, 5, 25))
    kept = actions.get_action(store, made.id, today=ON)
    assert (kept.owner_name, kept.owner_archived) == ("Petra Mulder", True)
    # It can still be finished or changed, but not handed to an archived participant.
    actions.update_action(store, made.id, description="Verslag per post sturen")
    other = actions.create_action(
        store, description="x", owner_id=team.ortho.id, due_date=None, today=ON
    )
    with pytest.raises(BadInput, match="gearchiveerd"):
        actions.update_action(store, other.id, owner_id=team.swv.id)
    assert actions.complete_action(store, made.id, done_on=NEXT).status == ActionStatus.GEREED


def test_list_actions_filters(store: Store, team: Members) -> None:
    a = add_case(store, "2027-0001")
    b = add_case(store, "2027-0002")

    def make(description: str, owner: int, due: date | None, case_id: int | None) -> int:
        """An action agreed on ON; returns its id."""
        return actions.create_action(
            store, description=description, owner_id=owner, due_date=due, case_id=case_id, today=ON
        ).id

    late = make("Te laat", team.swv.id, date(2027, 5, 20), a)
    soon = make("Binnenkort", team.ortho.id, date(2027, 6, 15), b)
    undated = make("Ooit", team.swv.id, None, None)
    finished = make("Klaar", team.swv.id, date(2027, 5, 19), a)
    actions.complete_action(store, finished, done_on=date(2027, 5, 19))

    def ids(**kwargs: object) -> list[int]:
        """The ids list_actions returns for these filters."""
        return [i.id for i in actions.list_actions(store, **kwargs)]  # type: ignore[arg-type]

    assert ids() == [late, soon, undated]  # open, by due date, undated last
    assert ids(include_done=True) == [finished, late, soon, undated]
    assert ids(status=ActionStatus.GEREED) == [finished]
    assert ids(case_id=a) == [late]
    assert ids(case_id=a, include_done=True) == [finished, late]
    assert ids(owner_id=team.swv.id) == [late, undated]
    assert ids(overdue_on=NEXT) == [late]
    assert ids(overdue_on=date(2027, 5, 20)) == []  # due that day: not yet overdue
    flagged = {i.id: i.overdue for i in actions.list_actions(store, today=NEXT)}
    assert flagged == {late: True, soon: False, undated: False}


def test_actielijst_of_each_meeting(store: Store, team: Members) -> None:
    case_id = add_case(store, "2027-0001")
    earlier = add_meeting(store, ON - timedelta(days=14))
    meeting = add_meeting(store, ON)
    same_day = add_meeting(store, ON)  # a second meeting later that day (a higher id)
    following = add_meeting(store, NEXT)
    before = agenda.build_agenda(store, earlier, [case_id])
    item = before.items[3].id
    from_earlier = actions.create_action(
        store,
        description="Van vorige keer",
        owner_id=team.swv.id,
        due_date=date(2027, 5, 11),
        agenda_item_id=item,
    )
    from_case = actions.create_action(
        store,
        description="Tussendoor",
        owner_id=team.swv.id,
        due_date=date(2027, 5, 25),
        case_id=case_id,
        today=date(2027, 5, 12),
    )
    on_the_day = actions.create_action(
        store, description="Op de dag", owner_id=team.ortho.id, due_date=None, today=ON
    )
    afterwards = actions.create_action(
        store,
        description="Na afloop",
        owner_id=team.ortho.id,
        due_date=None,
        today=ON + timedelta(days=1),
    )
    built = agenda.build_agenda(store, meeting, [])
    rondvraag = next(i for i in built.items if i.kind == AgendaItemKind.RONDVRAAG)
    in_meeting = actions.create_action(
        store,
        description="In het overleg",
        owner_id=team.ortho.id,
        due_date=None,
        agenda_item_id=rondvraag.id,
    )
    done = actions.create_action(
        store,
        description="Al gedaan",
        owner_id=team.ortho.id,
        due_date=None,
        today=ON - timedelta(days=20),
    )
    actions.complete_action(store, done.id, done_on=ON - timedelta(days=19))

    def listed(meeting_id: int) -> list[tuple[int, bool]]:
        """(id, overdue) of a meeting's actielijst."""
        return [(a.id, a.overdue) for a in actions.open_actions_for_agenda(store, meeting_id)]

    assert listed(earlier) == []
    # Overdue relative to the meeting's date; its own actions and later ones are not listed.
    assert listed(meeting) == [
        (from_earlier.id, True),
        (from_case.id, False),
        (on_the_day.id, False),
    ]
    assert listed(same_day) == [
        (from_earlier.id, True),
        (from_case.id, False),
        (on_the_day.id, False),
        (in_meeting.id, False),
    ]
    assert [a for a, _ in listed(following)] == [
        from_earlier.id,
        from_case.id,
        on_the_day.id,
        in_meeting.id,
        afterwards.id,
    ]
    assert dict(listed(following))[from_case.id] is True
    with pytest.raises(BadInput, match="geen overleg"):
        actions.open_actions_for_agenda(store, 999)


def test_no_new_actions_on_fixed_or_cancelled_minutes(store: Store, team: Members) -> None:
    meeting = add_meeting(store, ON)
    later = add_meeting(store, NEXT)
    built = agenda.build_agenda(store, meeting)
    meetings.set_meeting_status(store, meeting, MeetingStatus.GEHOUDEN)
    minutes.fix_minutes(store, meeting, at_meeting_id=later)
    with pytest.raises(BadInput, match="vastgesteld"):
        actions.create_action(
            store,
            description="x",
            owner_id=team.swv.id,
            due_date=None,
            agenda_item_id=built.items[0].id,
        )
    cancelled = add_meeting(store, NEXT + timedelta(days=14))
    other = agenda.build_agenda(store, cancelled)
    meetings.cancel_meeting(store, cancelled)
    with pytest.raises(BadInput, match="geannuleerd"):
        actions.create_action(
            store,
            description="x",
            owner_id=team.swv.id,
            due_date=None,
            agenda_item_id=other.items[0].id,
        )


def test_migration_0003_keeps_the_agenda_and_dates_old_actions(tmp_path: Path) -> None:
    engine = create_store_file(tmp_path / "oud.db", os.urandom(32))
    cfg = alembic_config()
    rows = [
        "INSERT INTO organisation (id, name, team, archived) VALUES (1, 'SWV', 'LEERPLICHT', 0)",
        "INSERT INTO participant (id, name, function, email, phone, organisation_id) "
        "VALUES (1, 'Ans', '', '', '', 1)",
        "INSERT INTO meeting (id, date, start_time, minutes, location, status, edited_by_hand, "
        "uid, sequence, minutes_status) "
        "VALUES (1, '2027-01-12', '13:00:00', 90, '', 'GEHOUDEN', 1, 'u1', 0, 'CONCEPT')",
        "INSERT INTO agenda_item (id, meeting_id, position, kind, title, minutes, question, "
        "reason) VALUES (1, 1, 1, 'OPENING', '', 5, '', '')",
        "INSERT INTO minutes_entry (id, agenda_item_id, notes, decision, created_at, updated_at) "
        "VALUES (1, 1, 'Welkom', '', '2027-01-12 14:00:00', '2027-01-12 14:00:00')",
        "INSERT INTO action_item (id, description, owner_id, agenda_item_id, status, note, "
        "created_at) VALUES (1, 'a', 1, 1, 'OPEN', '', '2027-01-14 09:00:00.000000')",
        "INSERT INTO action_item (id, description, owner_id, status, note, created_at) "
        "VALUES (2, 'b', 1, 'OPEN', '', '2027-01-20 09:00:00.000000')",
    ]
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002")
            for row in rows:
                conn.execute(text(row))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
            dated = conn.execute(text("SELECT id, created_on FROM action_item ORDER BY id")).all()
            # Agreed at its meeting, or else on the day it was made.
            assert dated == [(1, "2027-01-12"), (2, "2027-01-20")]
            assert conn.execute(text("SELECT count(*) FROM minutes_entry")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM agenda_item")).scalar() == 1
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info('meeting')"))}
            assert "minutes_fixed_at_id" in columns
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0002")
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info('action_item')"))}
            assert "created_on" not in columns
            assert conn.execute(text("SELECT count(*) FROM minutes_entry")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM action_item")).scalar() == 2
    finally:
        engine.dispose()
