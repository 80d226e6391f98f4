"""Meeting series and single meetings in a real encrypted store: plan, edit, move, attend."""

from __future__ import annotations

import os
from collections import Counter
from datetime import date, time
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from casusoverleg.domain.enums import (
    AttendanceStatus,
    AuditAction,
    MeetingRole,
    MeetingStatus,
    Team,
)
from casusoverleg.domain.recurrence import Recurrence, Region, SkipMode, SkipRules, plan_series
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, meetings, people
from casusoverleg.services.meetings import MeetingInfo, SeriesInput
from casusoverleg.services.store import Store
from casusoverleg.store.engine import create_store_file
from casusoverleg.store.migrate import alembic_config

NOORD = SkipRules(public=True, school=True, region=Region.NOORD)
TUESDAY = 1


def weekly_input(**changes: object) -> SeriesInput:
    """Every Tuesday 13:00-14:30 from 6 January to 30 June 2026, Noord holidays skipped."""
    values: dict[str, object] = {
        "name": "Casusoverleg Zwolle",
        "start_date": date(2026, 1, 6),
        "start_time": time(13, 0),
        "minutes": 90,
        "recurrence": Recurrence.weekly(TUESDAY),
        "until": date(2026, 6, 30),
        "location": "Stadskantoor, kamer 2.14",
        "skip": NOORD,
    }
    values.update(changes)
    return SeriesInput(**values)  # type: ignore[arg-type]


def by_date(found: list[MeetingInfo]) -> dict[date, MeetingInfo]:
    """Meetings keyed by date (each date has one meeting in these tests)."""
    keyed = {m.date: m for m in found}
    assert len(keyed) == len(found)
    return keyed


def events(store: Store, object_type: str) -> list[audit.AuditEntry]:
    """Audit events about one kind of object, oldest first."""
    return [e for e in reversed(audit.list_events(store)) if e.object_type == object_type]


def test_create_series_saves_the_previewed_dates(store: Store) -> None:
    data = weekly_input()
    plan = meetings.preview_series(data)
    assert meetings.list_series(store) == []  # preview writes nothing
    info = meetings.create_series(store, data, meetings.PastDates.AS_PLANNED)
    saved = meetings.list_meetings(store, series_id=info.id)
    assert [m.date for m in saved] == plan.dates
    assert {m.start_time for m in saved} == {time(13, 0)}
    assert {m.location for m in saved} == {"Stadskantoor, kamer 2.14"}
    assert all(not m.edited_by_hand and m.sequence == 0 for m in saved)
    assert all(m.original_date == m.date for m in saved)
    assert len({m.uid for m in saved}) == len(saved)
    assert {m.title for m in saved} == {"Casusoverleg Zwolle"}
    assert info.meeting_count == len(plan.dates)
    assert info.description == "elke week op dinsdag, 13:00-14:30"
    assert meetings.get_series(store, info.id) == meetings.find_series(store, "casusoverleg zwolle")
    assert meetings.find_series(store, str(info.id)).id == info.id
    assert meetings.get_series(store, info.id).to_input() == data
    # One event for the series, one per meeting.
    assert [e.action for e in events(store, "overlegreeks")] == [AuditAction.CREATE]
    assert len(events(store, "overleg")) == len(saved)


def test_a_series_name_is_unique_and_the_input_is_checked(store: Store) -> None:
    meetings.create_series(store, weekly_input(), meetings.PastDates.AS_PLANNED)
    with pytest.raises(BadInput, match="al een overlegreeks"):
        meetings.create_series(
            store, weekly_input(name="CASUSOVERLEG ZWOLLE"), meetings.PastDates.AS_PLANNED
        )
    with pytest.raises(BadInput, match="naam"):
        meetings.create_series(store, weekly_input(name="  "), meetings.PastDates.AS_PLANNED)
    with pytest.raises(BadInput, match="niet allebei"):
        meetings.preview_series(weekly_input(count=5))
    with pytest.raises(BadInput, match="minuten"):
        meetings.create_series(
            store, weekly_input(name="B", minutes=0), meetings.PastDates.AS_PLANNED
        )
    with pytest.raises(BadInput, match="Er is geen overlegreeks"):
        meetings.find_series(store, "bestaat niet")
    assert len(meetings.list_series(store)) == 1


def test_count_gives_exactly_that_many_meetings(store: Store) -> None:
    info = meetings.create_series(
        store, weekly_input(until=None, count=25), meetings.PastDates.AS_PLANNED
    )
    saved = meetings.list_meetings(store, series_id=info.id)
    assert len(saved) == 25
    plan = plan_series(date(2026, 1, 6), Recurrence.weekly(TUESDAY), count=25, skip=NOORD)
    assert [m.date for m in saved] == plan.dates
    assert not {s.date for s in plan.skipped} & {m.date for m in saved}


def test_move_and_cancel_raise_the_sequence_and_mark_the_meeting(store: Store) -> None:
    info = meetings.create_series(store, weekly_input(), meetings.PastDates.AS_PLANNED)
    first, second, third = meetings.list_meetings(store, series_id=info.id)[:3]
    moved = meetings.move_meeting(store, first.id, date(2026, 1, 7), time(14, 0))
    assert (moved.date, moved.start_time, moved.sequence) == (date(2026, 1, 7), time(14, 0), 1)
    assert moved.edited_by_hand and moved.uid == first.uid
    assert moved.original_date == date(2026, 1, 6)
    again = meetings.edit_meeting(store, first.id, location="Raadszaal")
    assert again.sequence == 2 and again.location == "Raadszaal"
    unchanged = meetings.edit_meeting(store, first.id, location="Raadszaal")
    assert unchanged.sequence == 2  # nothing changed, nothing raised

    cancelled = meetings.cancel_meeting(store, second.id)
    assert cancelled.status is MeetingStatus.GEANNULEERD and cancelled.cancelled
    assert cancelled.sequence == 1 and cancelled.edited_by_hand
    assert second.id in {m.id for m in meetings.list_meetings(store)}  # kept for calendars
    with pytest.raises(BadInput, match="alleen een gepland overleg"):
        meetings.move_meeting(store, second.id, date(2026, 1, 14))

    held = meetings.set_meeting_status(store, third.id, MeetingStatus.GEHOUDEN)
    assert held.sequence == 1
    with pytest.raises(BadInput, match="al is gehouden"):
        meetings.cancel_meeting(store, third.id)
    with pytest.raises(BadInput, match="Er is geen overleg met nummer 9999"):
        meetings.move_meeting(store, 9999, date(2026, 1, 14))

    details = [e.detail for e in events(store, "overleg") if e.action is AuditAction.UPDATE]
    assert details == [
        "06-01-2026 13:00 → 07-01-2026 14:00",
        "locatie gewijzigd",
        "status gepland → geannuleerd",
        "status gepland → gehouden",
    ]


def test_an_extra_meeting_stands_apart_from_any_series(store: Store) -> None:
    extra = meetings.add_meeting(store, date(2026, 2, 18), time(9, 30), 60, location="Stadhuis")
    assert extra.series_id is None and extra.edited_by_hand and extra.title == "Casusoverleg"
    assert extra.original_date is None


def test_editing_a_series_changes_only_future_meetings_not_edited_by_hand(store: Store) -> None:
    today = date(2026, 3, 1)
    info = meetings.create_series(store, weekly_input(), meetings.PastDates.AS_PLANNED)
    before = by_date(meetings.list_meetings(store, series_id=info.id))
    held = meetings.set_meeting_status(store, before[date(2026, 1, 6)].id, MeetingStatus.GEHOUDEN)
    moved = meetings.move_meeting(store, before[date(2026, 3, 10)].id, date(2026, 3, 11))
    cancelled = meetings.cancel_meeting(store, before[date(2026, 3, 17)].id)
    hand = {held.id: held, moved.id: moved, cancelled.id: cancelled}

    # Later start, another room: same dates.
    meetings.update_series(
        store, info.id, weekly_input(start_time=time(14, 30), location="Raadszaal"), today=today
    )
    after = by_date(meetings.list_meetings(store, series_id=info.id))
    assert set(after) == set(before) - {date(2026, 3, 10)} | {date(2026, 3, 11)}
    for day, meeting in after.items():
        if meeting.id in hand:
            assert meeting == hand[meeting.id]  # by hand: untouched
        elif day <= today:
            assert meeting == before[day]  # past: untouched
        else:
            old = before[day]
            assert (meeting.start_time, meeting.location) == (time(14, 30), "Raadszaal")
            assert meeting.uid == old.uid and meeting.sequence == old.sequence + 1
    # No new meeting on the moved or the cancelled one's date.
    assert date(2026, 3, 10) not in after
    assert after[date(2026, 3, 17)].status is MeetingStatus.GEANNULEERD

    # Every two weeks from now on.
    meetings.update_series(
        store,
        info.id,
        weekly_input(recurrence=Recurrence.weekly(TUESDAY, 2), start_time=time(14, 30)),
        today=today,
    )
    final = meetings.list_meetings(store, series_id=info.id)
    regenerated = [
        m.date
        for m in final
        if m.date > today and not m.edited_by_hand and m.status is MeetingStatus.GEPLAND
    ]
    expected = plan_series(
        date(2026, 1, 6),
        Recurrence.weekly(TUESDAY, 2),
        until=date(2026, 6, 30),
        skip=NOORD,
        since=date(2026, 3, 2),
        reserved={date(2026, 3, 10), date(2026, 3, 17)},
        taken={date(2026, 3, 11)},
    )
    assert regenerated == expected.dates
    assert regenerated == [
        date(2026, 3, 3),
        date(2026, 3, 31),
        date(2026, 4, 14),
        date(2026, 5, 12),
        date(2026, 5, 26),
        date(2026, 6, 9),
        date(2026, 6, 23),
    ]
    # Meetings that no longer fit are cancelled (kept, for calendars), not deleted; past and
    # hand-edited ones are as they were.
    ids = {m.id for m in final}
    assert {m.id for m in before.values()} <= ids
    for meeting in final:
        if meeting.id in hand:
            assert meeting == hand[meeting.id]
        elif meeting.date <= today:
            assert meeting == before[meeting.date]
    dropped = [m for m in final if m.status is MeetingStatus.GEANNULEERD and m.id != cancelled.id]
    assert dropped and all(m.date > today and m.original_date is None for m in dropped)
    # UIDs were reused, not replaced: nothing new was needed.
    assert len(final) == len(before)

    series_events = events(store, "overlegreeks")
    assert [e.action for e in series_events] == [AuditAction.CREATE] + [AuditAction.UPDATE] * 2
    assert series_events[-1].detail == "7 gewijzigd, 0 toegevoegd, 7 geannuleerd, 9 ongemoeid"


def test_an_edit_can_bring_back_a_meeting_it_cancelled_with_the_same_uid(store: Store) -> None:
    today = date(2026, 1, 31)
    data = weekly_input(until=None, count=10, skip=SkipRules(False, False))
    info = meetings.create_series(store, data, meetings.PastDates.AS_PLANNED)
    original = by_date(meetings.list_meetings(store, series_id=info.id))

    shorter = meetings.update_series(store, info.id, weekly_input(until=None, count=6), today=today)
    assert shorter.meeting_count == 6  # four in the past (January) and two to come
    live = [m for m in meetings.list_meetings(store) if m.status is MeetingStatus.GEPLAND]
    assert [m.date for m in live][-2:] == [date(2026, 2, 3), date(2026, 2, 10)]

    longer = meetings.update_series(store, info.id, data, today=today)
    assert longer.meeting_count == 10
    back = by_date(meetings.list_meetings(store, series_id=info.id))
    assert set(back) == set(original)
    for day, meeting in back.items():
        assert meeting.uid == original[day].uid
        assert meeting.status is MeetingStatus.GEPLAND
        # Cancelled and brought back: two changes a calendar must see.
        assert meeting.sequence == (2 if day > date(2026, 2, 10) else 0)


def test_renaming_a_series_raises_the_sequence_of_its_future_meetings(store: Store) -> None:
    info = meetings.create_series(store, weekly_input(), meetings.PastDates.AS_PLANNED)
    meetings.update_series(
        store, info.id, weekly_input(name="Vrijstellingenoverleg"), today=date(2026, 6, 1)
    )
    after = meetings.list_meetings(store, series_id=info.id)
    assert {m.series_name for m in after} == {"Vrijstellingenoverleg"}
    assert {m.sequence for m in after if m.date > date(2026, 6, 1)} == {1}
    assert {m.sequence for m in after if m.date <= date(2026, 6, 1)} == {0}


def test_attendance_and_the_missing_team_warning(store: Store) -> None:
    meeting = meetings.add_meeting(store, date(2026, 2, 10), time(13, 0), 90)
    orgs = {
        team: people.create_organisation(store, name, team)
        for team, name in [
            (Team.LEERPLICHT, "Team Leerplicht Zwolle"),
            (Team.SOCIAAL_WIJKTEAM, "Sociaal Wijkteam Zwolle-Zuid"),
            (Team.SAMENWERKINGSVERBAND, "SWV IJssel | Vecht"),
            (Team.ORTHOPEDAGOOG, "Praktijk Ortho"),
            (Team.SCHOOL, "Basisschool De Fonkeling"),
        ]
    }
    ans = people.create_participant(store, "Ans Jansen", orgs[Team.LEERPLICHT].id)
    bert = people.create_participant(store, "Bert Smit", orgs[Team.SOCIAAL_WIJKTEAM].id)
    carla = people.create_participant(store, "Carla Mulder", orgs[Team.SAMENWERKINGSVERBAND].id)
    dirk = people.create_participant(store, "Dirk de Boer", orgs[Team.ORTHOPEDAGOOG].id)
    eva = people.create_participant(store, "Eva Visser", orgs[Team.SCHOOL].id)

    assert meetings.missing_teams(store, meeting.id) == [
        Team.LEERPLICHT,
        Team.SOCIAAL_WIJKTEAM,
        Team.SAMENWERKINGSVERBAND,
        Team.ORTHOPEDAGOOG,
    ]
    meetings.set_attendance(store, meeting.id, bert.id, MeetingRole.NOTULIST)
    meetings.set_attendance(store, meeting.id, ans.id, MeetingRole.VOORZITTER)
    meetings.set_attendance(
        store, meeting.id, carla.id, MeetingRole.DEELNEMER, AttendanceStatus.AFGEMELD
    )
    meetings.set_attendance(store, meeting.id, eva.id)
    listed = meetings.list_attendance(store, meeting.id)
    assert [(a.name, a.role, a.status) for a in listed] == [
        ("Ans Jansen", MeetingRole.VOORZITTER, AttendanceStatus.AANWEZIG),
        ("Bert Smit", MeetingRole.NOTULIST, AttendanceStatus.AANWEZIG),
        ("Carla Mulder", MeetingRole.DEELNEMER, AttendanceStatus.AFGEMELD),
        ("Eva Visser", MeetingRole.DEELNEMER, AttendanceStatus.AANWEZIG),
    ]
    assert listed[2].organisation_name == "SWV IJssel | Vecht"
    assert listed[2].team is Team.SAMENWERKINGSVERBAND
    # A school is no core team; an AFGEMELD participant does not count as present.
    assert meetings.missing_teams(store, meeting.id) == [
        Team.SAMENWERKINGSVERBAND,
        Team.ORTHOPEDAGOOG,
    ]
    assert meetings.attendance_warning(store, meeting.id) == (
        "Niemand aanwezig van Samenwerkingsverband passend onderwijs en Orthopedagoog."
    )
    meetings.set_attendance(store, meeting.id, carla.id, status=AttendanceStatus.AANWEZIG)
    meetings.set_attendance(store, meeting.id, dirk.id)
    assert meetings.missing_teams(store, meeting.id) == []
    assert meetings.attendance_warning(store, meeting.id) is None
    meetings.remove_attendance(store, meeting.id, eva.id)
    assert len(meetings.list_attendance(store, meeting.id)) == 4

    people.archive_participant(store, eva.id)
    with pytest.raises(BadInput, match="gearchiveerd"):
        meetings.set_attendance(store, meeting.id, eva.id)
    actions = Counter(e.action for e in events(store, "aanwezigheid"))
    assert actions == {AuditAction.CREATE: 5, AuditAction.UPDATE: 1, AuditAction.DELETE: 1}


def test_every_change_is_in_the_audit_log_and_the_chain_holds(store: Store) -> None:
    info = meetings.create_series(
        store, weekly_input(until=None, count=3), meetings.PastDates.AS_PLANNED
    )
    first = meetings.list_meetings(store, series_id=info.id)[0]
    before = len(audit.list_events(store))
    meetings.move_meeting(store, first.id, date(2026, 1, 8))
    meetings.cancel_meeting(store, first.id)
    meetings.set_meeting_status(store, first.id, MeetingStatus.GEPLAND)
    meetings.update_series(
        store, info.id, weekly_input(until=None, count=4), today=date(2026, 1, 1)
    )
    meetings.add_meeting(store, date(2026, 5, 1), time(10, 0), 60)
    new = audit.list_events(store)[: len(audit.list_events(store)) - before]
    # move, cancel, re-plan, series update (a re-planned and a new meeting), extra meeting
    assert Counter((e.action, e.object_type) for e in new) == {
        (AuditAction.UPDATE, "overleg"): 3,
        (AuditAction.UPDATE, "overlegreeks"): 1,
        (AuditAction.CREATE, "overleg"): 2,
    }
    assert audit.verify_chain(store).ok


def test_migration_0002_keeps_meetings_and_attendance(tmp_path: Path) -> None:
    engine = create_store_file(tmp_path / "oud.db", os.urandom(32))
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
            conn.execute(
                text(
                    "INSERT INTO organisation (id, name, team, archived) "
                    "VALUES (1, 'Team Leerplicht', 'LEERPLICHT', 0)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO participant (id, name, function, email, phone, organisation_id)"
                    " VALUES (1, 'Ans', '', '', '', 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO meeting_series (id, name, location, start_date, start_time, "
                    "minutes, recurrence, skip_public, skip_school, region, skip_mode) VALUES "
                    "(1, 'Reeks', '', '2026-01-06', '13:00:00', 90, '{}', 1, 1, 'noord', 'drop')"
                )
            )
            for mid, series in ((1, 1), (2, None)):
                conn.execute(
                    text(
                        "INSERT INTO meeting (id, series_id, date, start_time, minutes, location,"
                        " status, edited_by_hand, uid, sequence, minutes_status) VALUES "
                        "(:id, :series, '2026-01-06', '13:00:00', 90, '', 'GEPLAND', 0, :uid, 0,"
                        " 'CONCEPT')"
                    ),
                    {"id": mid, "series": series, "uid": f"u{mid}"},
                )
            conn.execute(
                text(
                    "INSERT INTO attendance (meeting_id, participant_id, role, status) "
                    "VALUES (1, 1, 'VOORZITTER', 'AANWEZIG')"
                )
            )
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002")
            rows = conn.execute(text("SELECT id, original_date FROM meeting ORDER BY id")).all()
            assert rows == [(1, "2026-01-06"), (2, None)]
            assert conn.execute(text("SELECT count(*) FROM attendance")).scalar() == 1
            indexes = conn.execute(text("PRAGMA index_list('meeting')")).all()
            assert "ix_meeting_series_id" in {row[1] for row in indexes}
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info('meeting')"))}
            assert "original_date" not in columns
            assert conn.execute(text("SELECT count(*) FROM attendance")).scalar() == 1
    finally:
        engine.dispose()


def test_skip_mode_move_is_saved_and_used(store: Store) -> None:
    data = weekly_input(
        name="Maandelijks",
        recurrence=Recurrence.monthly(TUESDAY, 2),
        start_date=date(2026, 7, 1),
        until=date(2026, 12, 31),
        skip_mode=SkipMode.MOVE,
    )
    info = meetings.create_series(store, data, meetings.PastDates.AS_PLANNED)
    assert info.skip_mode is SkipMode.MOVE and info.recurrence == Recurrence.monthly(TUESDAY, 2)
    saved = meetings.list_meetings(store, series_id=info.id)
    assert [(m.date, m.original_date) for m in saved if m.date != m.original_date] == [
        (date(2026, 8, 17), date(2026, 8, 11)),
        (date(2026, 10, 19), date(2026, 10, 13)),
    ]
