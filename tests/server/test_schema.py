"""The store's schema on a real PostgreSQL server: the same migrations, the same tables, the
same rules, and one unbroken audit chain with several writers at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.store.migrate import current_revision, head_revision
from casusoverleg.store.models import (
    AgendaItem,
    AuditEvent,
    Case,
    Meeting,
    MeetingSeries,
    MinutesEntry,
    Organisation,
    Participant,
)
from casusoverleg.store.server import (
    check_tls,
    is_server_url,
    make_server_engine,
    upgrade_server,
)
from tests.helpers.stores import make_store

NOW = datetime(2026, 12, 2, 9, 0)


@pytest.fixture
def server(pg_url: str) -> Iterator[Engine]:
    """An empty database on the test server, brought to the newest schema."""
    engine = make_server_engine(pg_url)
    upgrade_server(engine)
    yield engine
    engine.dispose()


def _shape(engine: Engine) -> dict[str, Any]:
    """Tables with their column names, index names and unique constraint names."""
    inspector = inspect(engine)
    return {
        table: (
            sorted(column["name"] for column in inspector.get_columns(table)),
            # PostgreSQL also lists the index behind each unique constraint; SQLite does not.
            sorted(
                str(index["name"])
                for index in inspector.get_indexes(table)
                if "duplicates_constraint" not in index
            ),
            sorted(str(unique["name"]) for unique in inspector.get_unique_constraints(table)),
        )
        for table in inspector.get_table_names()
    }


def test_migrations_build_the_same_schema_as_a_new_store(server: Engine, tmp_path: Path) -> None:
    assert current_revision(server) == head_revision()
    store, _ = make_store(tmp_path)
    try:
        expected = _shape(store.engine)
    finally:
        store.close()
    assert _shape(server) == expected
    # One fixed entry per agenda item: a partial index, as on SQLite, not a plain unique one.
    with server.connect() as conn:
        indexdef = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
            {"name": "uq_minutes_entry_agenda_item_id"},
        ).scalar_one()
    assert "UNIQUE" in indexdef
    assert "WHERE (amends_id IS NULL)" in indexdef


def test_upgrading_a_server_at_head_changes_nothing(server: Engine) -> None:
    upgrade_server(server)
    assert current_revision(server) == head_revision()


def test_the_server_sees_which_program_connects(server: Engine) -> None:
    with server.connect() as conn:
        name = conn.execute(text("SELECT current_setting('application_name')")).scalar()
    assert name == "casusoverleg"


def _agenda_item(session: Session) -> int:
    """An organisation, participant, case, series, meeting and one agenda item; its id."""
    organisation = Organisation(name="Leerplicht", team="LEERPLICHT")
    session.add(organisation)
    session.flush()
    participant = Participant(name="Ans", organisation_id=organisation.id)
    series = MeetingSeries(
        name="Casusoverleg", start_date=date(2026, 12, 7), start_time=time(9), minutes=90
    )
    session.add_all([participant, series])
    session.flush()
    case = Case(
        case_number="2026-0001",
        first_name="Sanne",
        last_name="de Vries",
        birth_date=date(2014, 3, 1),
        ground="5A",
        status="AANGEMELD",
        registered_on=date(2026, 11, 1),
        owner_id=participant.id,
        created_at=NOW,
        updated_at=NOW,
    )
    meeting = Meeting(
        series_id=series.id,
        original_date=date(2026, 12, 7),
        date=date(2026, 12, 7),
        start_time=time(9),
        minutes=90,
        uid="test-1@casusoverleg",
    )
    session.add_all([case, meeting])
    session.flush()
    item = AgendaItem(meeting_id=meeting.id, position=1, kind="CASUS", case_id=case.id)
    session.add(item)
    session.flush()
    return item.id


def _entry(item_id: int, amends_id: int | None = None) -> MinutesEntry:
    return MinutesEntry(
        agenda_item_id=item_id,
        notes="besproken",
        amends_id=amends_id,
        created_at=NOW,
        updated_at=NOW,
    )


def test_an_agenda_item_has_one_entry_and_amendments_on_top(server: Engine) -> None:
    with Session(server) as session, session.begin():
        item_id = _agenda_item(session)
        first = _entry(item_id)
        session.add(first)
        session.flush()
        first_id = first.id
        # Amendments of a fixed entry come on top of it: two are fine.
        session.add_all([_entry(item_id, amends_id=first_id), _entry(item_id, amends_id=first_id)])
    with Session(server) as session, session.begin():
        session.add(_entry(item_id))
        with pytest.raises(IntegrityError, match="uq_minutes_entry_agenda_item_id"):
            session.flush()
    with Session(server) as session:
        amends = session.scalars(
            select(MinutesEntry.amends_id).where(MinutesEntry.agenda_item_id == item_id)
        ).all()
    assert sorted(amends, key=lambda value: value or 0) == [None, first_id, first_id]


WRITERS = 8
EVENTS_EACH = 25


def test_concurrent_writers_keep_one_unbroken_chain(server: Engine) -> None:
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(number: int) -> None:
        # `record` reads only .account and .workstation from the store.
        who = cast(Store, SimpleNamespace(account=f"medewerker{number}", workstation=f"pc{number}"))
        try:
            start.wait(timeout=60)
            for event in range(EVENTS_EACH):
                with Session(server) as session, session.begin():
                    audit.record(
                        session,
                        who,
                        AuditAction.VIEW,
                        object_type="casus",
                        object_id=f"{number}-{event}",
                    )
        except BaseException as exc:  # reported by the test below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []

    total = WRITERS * EVENTS_EACH
    with Session(server) as session, session.begin():
        ids = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        objects = set(session.scalars(select(AuditEvent.object_id)).all())
        head = session.execute(text(audit.HEAD_SQL)).first()
        report = audit.walk_chain(session.execute(text(audit.CHAIN_SQL)), head)
    assert ids == list(range(1, total + 1))
    assert objects == {f"{n}-{e}" for n in range(WRITERS) for e in range(EVENTS_EACH)}
    assert report.ok, report.message
    assert report.count == total


def test_a_first_event_makes_the_chains_head(server: Engine) -> None:
    who = cast(Store, SimpleNamespace(account="ans", workstation="pc1"))
    with Session(server) as session, session.begin():
        audit.record(session, who, AuditAction.CREATE, object_type="casus", object_id="1")
        audit.record(session, who, AuditAction.UPDATE, object_type="casus", object_id="1")
    with Session(server) as session, session.begin():
        head = session.execute(text(audit.HEAD_SQL)).first()
        assert head is not None
        assert tuple(head)[:2] == (2, 2)
        report = audit.walk_chain(session.execute(text(audit.CHAIN_SQL)), head)
    assert report.ok, report.message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://casus@db.gemeente.nl/casusoverleg",
        "postgresql+psycopg://casus@db.gemeente.nl/casusoverleg",
        " postgresql://casus@db.gemeente.nl:5432/casusoverleg ",
    ],
)
def test_server_urls_are_recognised(url: str) -> None:
    assert is_server_url(url)


@pytest.mark.parametrize(
    "text_",
    ["C:/opslag/casusoverleg.db", "/home/ans/casusoverleg.db", "postgres://x/y", "mysql://x/y"],
)
def test_store_paths_and_other_urls_are_not_server_urls(text_: str) -> None:
    assert not is_server_url(text_)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://casus@/casusoverleg",  # the default Unix socket
        "postgresql://casus@/casusoverleg?host=/var/run/postgresql",
        "postgresql://casus@localhost/casusoverleg",
        "postgresql://casus@127.0.0.1:5432/casusoverleg",
        "postgresql://casus@[::1]/casusoverleg",
        "postgresql://casus@db.gemeente.nl/casusoverleg?sslmode=require",
        "postgresql://casus@db.gemeente.nl/casusoverleg?sslmode=verify-ca",
        "postgresql+psycopg://casus@10.0.0.5/casusoverleg?sslmode=verify-full",
    ],
)
def test_local_or_encrypted_connections_are_allowed(url: str) -> None:
    check_tls(url, environ={})


@pytest.mark.parametrize(
    ("url", "environ"),
    [
        ("postgresql://casus@/casusoverleg", {"PGHOST": "db.gemeente.nl"}),
        ("postgresql://casus@/casusoverleg", {"PGHOSTADDR": "10.0.0.5"}),
        ("postgresql://casus@/casusoverleg?service=overleg", {}),
        ("postgresql://casus@/casusoverleg", {"PGSERVICE": "overleg"}),
    ],
)
def test_a_host_from_libpqs_environment_counts_too(url: str, environ: dict[str, str]) -> None:
    with pytest.raises(BadInput, match=r"\?sslmode=verify-full"):
        check_tls(url, environ=environ)
    check_tls(url + ("&" if "?" in url else "?") + "sslmode=verify-full", environ=environ)
    check_tls("postgresql://casus@/casusoverleg", environ={"PGHOST": "/var/run/postgresql"})


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://casus@db.gemeente.nl/casusoverleg",
        "postgresql://casus@db.gemeente.nl/casusoverleg?sslmode=prefer",
        "postgresql://casus@db.gemeente.nl/casusoverleg?sslmode=disable",
        "postgresql://casus@10.0.0.5/casusoverleg?sslmode=allow",
        "postgresql://casus@/casusoverleg?host=db.gemeente.nl",
        "postgresql://casus@/casusoverleg?host=/var/run/postgresql,db.gemeente.nl",
    ],
)
def test_a_network_connection_without_tls_is_refused_in_dutch(url: str) -> None:
    with pytest.raises(BadInput, match=r"\?sslmode=verify-full"):
        check_tls(url, environ={})
    with pytest.raises(BadInput, match="niet versleuteld"):
        make_server_engine(url)


def test_a_plain_postgresql_url_gets_the_psycopg_driver() -> None:
    engine = make_server_engine("postgresql://casus@/casusoverleg")
    try:
        assert engine.dialect.name == "postgresql"
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()
