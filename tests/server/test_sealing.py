"""Children's data sealed by ORM events on a real PostgreSQL server (store.sealing_events)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
from alembic import command
from sqlalchemy import Engine, insert, make_url, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from casusoverleg.errors import DamagedStore
from casusoverleg.store.migrate import alembic_config
from casusoverleg.store.models import (
    AccessRequest,
    ActionEvent,
    ActionItem,
    AgendaItem,
    Base,
    Case,
    Meeting,
    MinutesEntry,
    Organisation,
    Participant,
)
from casusoverleg.store.sealed import PREFIX, SEALED_COLUMNS, column_key, open_date, open_sealed
from casusoverleg.store.sealing_events import columns_needing_text, install_sealing
from casusoverleg.store.server import make_server_engine, upgrade_server
from tests.helpers.postgres import SUPERUSER, PgServer

KEY = column_key(b"\x07" * 32)
NOW = datetime(2026, 3, 2, 9, 30)
CHILDREN = {
    "A-1": ("Noortje", "Vermeulen-Oosterhuis", date(2014, 5, 17), "Het Palet"),
    "A-2": ("Daan", "Kuipers", date(2012, 11, 2), "De Regenboog"),
}
SECRETS = [
    "Noortje",
    "Vermeulen-Oosterhuis",
    "2014-05-17",
    "Het Palet",
    "Daan",
    "Kuipers",
    "2012-11-02",
    "De Regenboog",
    "thuiszitter sinds de herfst",
    "huisbezoek bij moeder",
]


def _case(number: str) -> Case:
    first, last, born, school = CHILDREN[number]
    return Case(
        case_number=number,
        first_name=first,
        last_name=last,
        birth_date=born,
        school=school,
        ground="5A",
        status="AANGEMELD",
        registered_on=date(2026, 1, 5),
        notes="thuiszitter sinds de herfst" if number == "A-1" else "",
        search_text=f"{number} {first} {last} {school}".lower(),
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    """A server store's schema, made by the migrations (0008 makes the sealed columns TEXT)."""
    engine = make_server_engine(pg_url)
    upgrade_server(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine)
    install_sealing(factory, KEY)
    return factory


@pytest.fixture
def ids(factory: sessionmaker[Session]) -> dict[str, int]:
    """Two cases and an action on the first, written through a sealing session."""
    with factory() as session:
        organisation = Organisation(name="Leerplicht", team="LP")
        owner = Participant(name="J. de Vries", organisation=organisation)
        cases = {number: _case(number) for number in CHILDREN}
        session.add_all([organisation, owner, *cases.values()])
        session.flush()
        # After the flush the objects hold plain values again, and are not dirty.
        assert cases["A-1"].first_name == "Noortje"
        assert cases["A-1"].birth_date == date(2014, 5, 17)
        assert not session.dirty and not session.is_modified(cases["A-1"])
        action = ActionItem(
            description="huisbezoek bij moeder",
            owner_id=owner.id,
            case_id=cases["A-1"].id,
            created_at=NOW,
        )
        session.add(action)
        session.commit()
        assert cases["A-1"].id < cases["A-2"].id  # ids taken in the order the cases were added
        return {"A-1": cases["A-1"].id, "A-2": cases["A-2"].id, "action": action.id}


def _raw(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def _stored(engine: Engine, table: str, column: str, row_id: int) -> str:
    """What the server holds in one cell (Core, no ORM events)."""
    cells = Base.metadata.tables[table].c
    with engine.connect() as connection:
        return str(connection.scalar(select(cells[column]).where(cells.id == row_id)))


def test_the_server_holds_only_sealed_values(engine: Engine, ids: dict[str, int]) -> None:
    rows = _raw(
        engine, "SELECT id, first_name, last_name, birth_date, notes, school FROM case_file"
    )
    rows += _raw(engine, "SELECT id, description, note, '', '', '' FROM action_item")
    for row in rows:
        for value in row[1:]:
            assert value == "" or (isinstance(value, str) and value.startswith(PREFIX)), row
            assert all(secret.lower() not in str(value).lower() for secret in SECRETS)
    search = _stored(engine, "case_file", "search_text", ids["A-2"])
    assert open_sealed(KEY, "case_file", "search_text", ids["A-2"], search) == (
        "a-2 daan kuipers de regenboog"
    )
    # A column the case left at its default ("") is sealed too: not even its emptiness shows.
    parents = _stored(engine, "case_file", "parents_involved_how", ids["A-1"])
    assert open_sealed(KEY, "case_file", "parents_involved_how", ids["A-1"], parents) == ""
    born = _stored(engine, "case_file", "birth_date", ids["A-1"])
    assert open_date(KEY, "case_file", "birth_date", ids["A-1"], born) == date(2014, 5, 17)


def test_a_new_session_reads_plain_values(
    factory: sessionmaker[Session], engine: Engine, ids: dict[str, int]
) -> None:
    with factory() as session:
        case = session.get(Case, ids["A-1"])
        assert case is not None
        assert (case.first_name, case.last_name, case.birth_date, case.school) == CHILDREN["A-1"]
        assert case.notes == "thuiszitter sinds de herfst"
        assert not session.dirty
        action = session.get(ActionItem, ids["action"])
        assert action is not None and action.description == "huisbezoek bij moeder"
        # A refresh (an expired object read again) opens the values too.
        session.expire(case, ["first_name", "notes"])
        assert case.first_name == "Noortje" and case.notes == "thuiszitter sinds de herfst"
    # A session without sealing sees what the server holds.
    with Session(engine) as plain:
        case = plain.get(Case, ids["A-1"])
        assert case is not None and case.first_name.startswith(PREFIX)


def test_an_update_seals_the_new_value_and_leaves_the_rest(
    factory: sessionmaker[Session], engine: Engine, ids: dict[str, int]
) -> None:
    before = [
        _stored(engine, "case_file", column, ids["A-1"]) for column in ("first_name", "notes")
    ]
    with factory() as session:
        case = session.get(Case, ids["A-1"])
        assert case is not None
        case.notes = "weer naar school vanaf maandag"
        session.commit()
        assert case.notes == "weer naar school vanaf maandag"  # expired, read and opened again
    after = [_stored(engine, "case_file", column, ids["A-1"]) for column in ("first_name", "notes")]
    assert after[0] == before[0]  # the unchanged name was not written again
    assert after[1] != before[1] and after[1].startswith(PREFIX)
    assert "school" not in after[1]
    with factory() as session:
        case = session.get(Case, ids["A-1"])
        assert case is not None and case.notes == "weer naar school vanaf maandag"


def test_a_value_copied_into_another_row_does_not_open(
    factory: sessionmaker[Session], engine: Engine, ids: dict[str, int]
) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE case_file SET first_name = (SELECT first_name FROM case_file WHERE id = :a)"
                " WHERE id = :b"
            ),
            {"a": ids["A-1"], "b": ids["A-2"]},
        )
    with factory() as session, pytest.raises(DamagedStore) as caught:
        session.get(Case, ids["A-2"])
    assert "case_file" in str(caught.value) and "first_name" in str(caught.value)
    assert "Noortje" not in str(caught.value)


def test_a_dump_of_the_database_holds_no_name(
    pg_server: PgServer, pg_url: str, ids: dict[str, int]
) -> None:
    database = str(make_url(pg_url).database)
    dump = pg_server.run("pg_dump", "-h", str(pg_server.socket_dir), "-U", SUPERUSER, database)
    assert "case_file" in dump.stdout and PREFIX in dump.stdout
    for secret in SECRETS:
        assert secret not in dump.stdout


def test_a_long_name_fits_once_the_columns_are_text(
    factory: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with factory() as session:
        case = session.get(Case, ids["A-2"])
        assert case is not None
        case.last_name = "Ö" * 200  # String(200) in the model; sealed it is 3 + 4/3 x 428
        session.commit()
    with factory() as session:
        case = session.get(Case, ids["A-2"])
        assert case is not None and case.last_name == "Ö" * 200


def test_a_date_column_refuses_a_sealed_value_instead_of_holding_it_plain(pg_url: str) -> None:
    engine = make_server_engine(pg_url)
    cfg = alembic_config()
    with engine.begin() as connection:  # a server store from before 0008: birth_date a DATE
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0007")
    factory = sessionmaker(engine)
    install_sealing(factory, KEY)
    try:
        with factory() as session:
            session.add(_case("A-1"))
            with pytest.raises(DBAPIError):
                session.flush()
            session.rollback()
        assert _raw(engine, "SELECT count(*) FROM case_file") == [(0,)]
    finally:
        engine.dispose()


def test_the_migrations_make_every_sealed_column_text_on_the_server(engine: Engine) -> None:
    assert columns_needing_text() == []  # the models agree (sealable(), SealableDate)
    found = dict(
        ((table, column), kind)
        for table, column, kind in _raw(
            engine,
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public'",
        )
    )
    for table, columns in SEALED_COLUMNS.items():
        for column in columns:
            assert found[(table, column)] == "text", (table, column)


def test_every_sealed_column_of_every_table_is_sealed_on_the_server(
    factory: sessionmaker[Session], engine: Engine, ids: dict[str, int]
) -> None:
    with factory() as session:
        meeting = Meeting(
            date=date(2026, 3, 9),
            start_time=time(9, 0),
            minutes=90,
            uid="m-1",
            minutes_fixed_note="naam Noortje gecorrigeerd",
        )
        session.add(meeting)
        session.flush()
        item = AgendaItem(
            meeting_id=meeting.id,
            position=1,
            kind="CASUS",
            case_id=ids["A-1"],
            title="Casus Noortje",
            question="Is een vrijstelling passend?",
            reason="thuiszitter",
        )
        session.add(item)
        session.flush()
        session.add_all(
            [
                MinutesEntry(
                    agenda_item_id=item.id,
                    notes="Moeder vertelt over de angst",
                    decision="aanvraag vrijstelling",
                    created_at=NOW,
                    updated_at=NOW,
                ),
                ActionEvent(action_id=ids["action"], at=NOW, kind="GEREED", detail="gedaan"),
                AccessRequest(
                    case_id=ids["A-1"],
                    received_on=date(2026, 2, 1),
                    requested_by="Mevrouw Vermeulen",
                    relation="moeder",
                    deadline=date(2026, 3, 1),
                    created_at=NOW,
                ),
            ]
        )
        session.commit()
    tables = Base.metadata.tables
    with engine.connect() as connection:
        for table, columns in SEALED_COLUMNS.items():
            cells = tables[table].c
            rows = connection.execute(select(cells.id, *(cells[c] for c in columns))).all()
            assert rows, table
            for row in rows:
                for column, stored in zip(columns, row[1:], strict=True):
                    assert isinstance(stored, str) and stored.startswith(PREFIX), (table, column)
                    open_sealed(KEY, table, column, row[0], stored)  # opens where it lies
    with factory() as session:
        entry = session.scalars(select(MinutesEntry)).one()
        assert entry.notes == "Moeder vertelt over de angst"
        request = session.scalars(select(AccessRequest)).one()
        assert (request.requested_by, request.relation) == ("Mevrouw Vermeulen", "moeder")
        assert session.scalars(select(Meeting)).one().minutes_fixed_note.startswith("naam")


def test_a_failed_flush_leaves_the_objects_plain(
    factory: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with factory() as session:
        twin = _case("A-2")  # the case number is taken: the insert fails
        session.add(twin)
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
        assert (twin.first_name, twin.birth_date, twin.notes) == ("Daan", date(2012, 11, 2), "")
        cases = session.scalars(select(Case).order_by(Case.case_number)).all()
        assert [c.first_name for c in cases] == ["Noortje", "Daan"]


def test_statements_that_would_write_a_sealed_column_in_plain_are_refused(
    factory: sessionmaker[Session], engine: Engine, ids: dict[str, int]
) -> None:
    plain_row = {**_case("A-1").__dict__, "case_number": "A-3"}
    plain_row.pop("_sa_instance_state")
    with factory() as session:
        with pytest.raises(RuntimeError, match="first_name"):
            session.execute(update(Case).values(first_name="Noortje"))
        with pytest.raises(RuntimeError, match="search_text"):
            session.execute(update(Case), [{"id": ids["A-1"], "search_text": "a-1 noortje"}])
        with pytest.raises(RuntimeError, match="last_name"):
            session.execute(insert(Case), [plain_row])
        with pytest.raises(RuntimeError, match="description"):
            session.execute(insert(ActionItem).values(description="x", owner_id=1, created_at=NOW))
        # A plain column may be written that way.
        session.execute(update(Case).where(Case.id == ids["A-2"]).values(status="GESLOTEN"))
        session.commit()
    assert _stored(engine, "case_file", "status", ids["A-2"]) == "GESLOTEN"
    assert all("Noortje" not in str(row) for row in _raw(engine, "SELECT * FROM case_file"))
