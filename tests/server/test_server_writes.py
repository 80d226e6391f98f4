"""The services that write many rows at once, on a server store: every sealed column goes sealed.

On the embedded store these write with one bulk statement (fast: 50,000 demo cases); a server
store's sessions refuse such a statement for a sealed column (store.sealing_events), so there
they go through ORM objects, which the sealing events seal. Checked with raw SQL and pg_dump,
never through the read services (their column selects are another piece of issue 15).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from casusoverleg.domain.enums import AgendaItemKind, ItemOutcome, Team
from casusoverleg.services import (
    accounts,
    cases,
    demo,
    demo_records,
    imports,
    meetings,
    people,
    retention,
)
from casusoverleg.services.server_store import init_server_store
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from casusoverleg.store.models import (
    ActionEvent,
    ActionItem,
    AgendaItem,
    Case,
    MinutesEntry,
    Setting,
)
from casusoverleg.store.sealed import PREFIX, SEALED_COLUMNS
from tests.helpers.postgres import SUPERUSER, PgServer
from tests.helpers.retention_data import (
    DESTROY_ON,
    GONE,
    GONE_NUMBER,
    GONE_TOO,
    GONE_TOO_NUMBER,
    KEPT,
    KEPT_NUMBER,
    fill_retention_store,
    make_retention_store,
)
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case

TODAY = date(2026, 10, 15)
HEADER = ("casusnummer", "voornaam", "achternaam", "geboortedatum", "school", "grond")
ROWS = [
    ("2026-0101", "Sanne", "Vlietstra", "12-03-2014", "De Kievitsbloem", "5 onder a"),
    ("2026-0102", "Daantje", "Bakkenes", "2012-07-01", "", "thuiszitter"),
    ("", "Fleurine", "Jansonius", "1-9-2013", "CBS De Vechtoever", "5b"),
]
NAMES = ["Sanne", "Vlietstra", "Daantje", "Bakkenes", "Fleurine", "Jansonius", "Kievitsbloem"]


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:
    made = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store
    yield made
    accounts.lock(made)


def _write_csv(path: Path) -> Path:
    lines = [";".join(HEADER), *(";".join(row) for row in ROWS)]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    return path


def _write_xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    for row in ROWS:
        sheet.append(list(row))
    workbook.save(path)
    return path


def _unsealed(store: Store) -> list[str]:
    """Every value in a sealed column of any table that the server holds in plain text."""
    found = []
    with store.engine.connect() as conn:
        for table, columns in SEALED_COLUMNS.items():
            for column in columns:
                sql = text(f'SELECT id, "{column}" FROM "{table}"')  # noqa: S608 - fixed names
                for row_id, value in conn.execute(sql):
                    if value is not None and not str(value).startswith(PREFIX):
                        found.append(f"{table}.{column}[{row_id}] = {value!r}")
    return found


def _dump(server: PgServer, store: Store) -> str:
    database = make_url(store.engine.url).database
    assert database is not None
    return server.run("pg_dump", "-h", str(server.socket_dir), "-U", SUPERUSER, database).stdout


def _case_names(store: Store) -> dict[str, tuple[str, str, str]]:
    """casusnummer -> (first name, last name, search text), through entity loads (opened)."""
    with store.read() as session:
        return {
            case.case_number: (case.first_name, case.last_name, case.search_text)
            for case in session.scalars(select(Case))
        }


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_import_writes_the_cases_sealed_and_logs_each_with_its_own_id(
    pg_server: PgServer, store: Store, tmp_path: Path, suffix: str
) -> None:
    writer = _write_csv if suffix == "csv" else _write_xlsx
    path = writer(tmp_path / f"lijst.{suffix}")
    result = imports.import_cases(store, path, today=TODAY)
    assert result.count == 3
    made = result.case_numbers[2]
    assert result.case_numbers[:2] == ["2026-0101", "2026-0102"]
    names = _case_names(store)
    assert names["2026-0101"][:2] == ("Sanne", "Vlietstra")
    assert names[made][:2] == ("Fleurine", "Jansonius")
    assert names["2026-0102"][2] == cases.search_text_for("2026-0102", "Daantje", "Bakkenes", "")
    with store.read() as session:
        ids = dict(session.execute(select(Case.case_number, Case.id)).all())
        logged = session.execute(
            text("SELECT case_number, object_id FROM audit_event WHERE object_type = 'casus'")
        ).all()
        assert {number: int(object_id) for number, object_id in logged} == ids
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT first_name, last_name, notes FROM case_file")).all()
    assert len(rows) == 3
    assert all(value.startswith(PREFIX) for row in rows for value in row)
    assert _unsealed(store) == []
    dump = _dump(pg_server, store)
    assert [name for name in NAMES if name in dump] == []


def test_demo_cases_are_written_sealed(pg_server: PgServer, store: Store) -> None:
    demo.populate_demo(store, cases=10)
    names = _case_names(store)
    assert len(names) == 10
    with store.read() as session:
        closed = list(session.scalars(select(Case).where(Case.status == "AFGESLOTEN")))
        assert closed and all(case.closed_on is not None for case in closed)
    assert _unsealed(store) == []
    dump = _dump(pg_server, store)
    whole_names = [f"{first} {last}" for first, last, _ in names.values()]
    assert [name for name in whole_names if name in dump] == []
    assert [last for _, last, _ in names.values() if last in dump] == []


def test_the_demo_story_records_write_the_action_history_sealed(
    pg_server: PgServer, store: Store
) -> None:
    """demo_records, which populate_demo_meetings uses for what no service writes yet."""
    case = cases.create_case(store, sample_case("Zeynep", "Hoogstraten"), today=TODAY)
    org = people.create_organisation(store, "Team Leerplicht Zwolle", Team.LEERPLICHT)
    owner = people.create_participant(store, "Karin Bos", org.id)
    meeting = meetings.add_meeting(store, date(2026, 10, 5), time(13, 0), 120, location="Stadhuis")
    now = datetime(2026, 10, 5, 14, 0)
    with store.write() as session:
        item = AgendaItem(
            meeting_id=meeting.id, position=1, kind=str(AgendaItemKind.CASUS), case_id=case.id
        )
        session.add(item)
        session.flush()
        action = ActionItem(
            description="Bel de moeder van Zeynep",
            owner_id=owner.id,
            case_id=case.id,
            agenda_item_id=item.id,
            created_at=now,
            created_on=now.date(),
        )
        session.add(action)
        session.flush()
        item_id, action_id = item.id, action.id
    demo_records.set_outcomes(store, {item_id: (ItemOutcome.BESPROKEN, None)})
    history = demo_records.ActionHistory(store.account)
    history.agreed(action_id, meeting.id, date(2026, 10, 5), time(13, 0))
    history.done(action_id, date(2026, 10, 9), "Hoogstraten is gebeld")
    history.write(store)
    with store.read() as session:
        events = session.scalars(select(ActionEvent).order_by(ActionEvent.at)).all()
        assert [(e.action_id, e.detail) for e in events] == [
            (action_id, ""),
            (action_id, "Hoogstraten is gebeld"),
        ]
        stored = session.get(AgendaItem, item_id)
        assert stored is not None and stored.outcome == str(ItemOutcome.BESPROKEN)
    assert _unsealed(store) == []
    assert "Hoogstraten" not in _dump(pg_server, store)


def test_refreshing_the_search_text_writes_it_sealed(store: Store) -> None:
    for first, last in (("Sanne", "Vlietstra"), ("Daantje", "Bakkenes")):
        cases.create_case(store, sample_case(first, last), today=TODAY)
    with store.write() as session:
        for case in session.scalars(select(Case)):
            case.search_text = "oud gevouwen"
        session.merge(Setting(key="search_fold_version", value="0"))
    assert cases.refresh_search_text(store) == 2
    assert cases.refresh_search_text(store) == 0  # done once per folding
    for number, (first, last, search) in _case_names(store).items():
        school = "Basisschool De Fonkeling"
        assert search == cases.search_text_for(number, first, last, school)
    assert _unsealed(store) == []


def test_retention_destroy_on_a_server_does_what_it_does_in_a_store_file_and_writes_sealed(
    pg_server: PgServer, store: Store, tmp_path: Path
) -> None:
    data = fill_retention_store(store)
    numbers = [GONE_NUMBER, GONE_TOO_NUMBER]
    done = retention.destroy(store, numbers, DESTROY_ON)
    own = make_retention_store(tmp_path)
    try:
        same = retention.destroy(own.store, numbers, DESTROY_ON)
    finally:
        own.store.close()
    assert (done.case_numbers, done.texts_cleaned) == (same.case_numbers, same.texts_cleaned)
    assert set(_case_names(store)) == {KEPT_NUMBER}
    with store.read() as session:
        rondvraag = session.get(MinutesEntry, data.rondvraag_entry_id)
        action = session.get(ActionItem, data.kept_action_id)
        assert rondvraag is not None and action is not None
        for text_left in (rondvraag.notes, action.description):
            assert "Zeynep" not in text_left and "Hoogstraten" not in text_left
        assert "Sanne" in rondvraag.notes  # the kept child's own text stays
    assert _unsealed(store) == []
    dump = _dump(pg_server, store)
    assert [name for name in (*GONE, *GONE_TOO, *KEPT) if name in dump] == []
