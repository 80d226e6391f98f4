"""`make bench` on a shared store (issue 15): 100,000 cases on a PostgreSQL server, 8 writers.

`bench_server` starts its own PostgreSQL (tests/helpers/postgres.py), makes a server store with
the real key derivation, fills it with 100,000 sealed cases (built here and copied in with
COPY on a bare Connection, with their audit events chained as the service would: the fill
is not what is measured; the filled database is kept as a pg_dump in ~/.cache/casusoverleg-bench
and restored by later runs, see `cache_file`), and prints:

- `pg_unlock_to_cases_100k`: from `unlock_server` until the case list's rows are ready (the
  call the window's Casussen screen makes), median of 3;
- `pg_write_throughput`, `pg_p95_write_ms` (over every write) and p50/p95 per kind: 8 threads,
  each with its own unlocked Store, update cases, save minutes entries and add actions at once;
  afterwards the audit chain must verify and hold exactly one new event per write (none lost,
  none forked), or the benchmark fails.

tests/server/test_server_bench.py runs the same code on a tiny scale, so that it does not rot.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as datetime_time
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from casusoverleg.domain.enums import AuditAction, CaseStatus, ExemptionGround, Team
from casusoverleg.services import accounts, actions, agenda, audit, cases, meetings, minutes, people
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import KdfParams
from casusoverleg.store.migrate import HEAD_REVISION
from casusoverleg.store.models import AuditEvent, Case
from casusoverleg.store.sealed import PREFIX, SEALED_COLUMNS, column_key, seal, seal_date
from casusoverleg.store.sealing_events import date_columns
from tests.helpers.postgres import SUPERUSER, PgServer, start_server

ACCOUNT = "bench"
PASSPHRASE = "bench wachtwoord 1"

FIRST = ["Sanne", "Daan", "Noor", "Liam", "Emma", "Sem", "Julia", "Lucas", "Mila", "Finn"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder"]
SCHOOLS = ["De Fonkeling", "Het Stadsmus", "De Toermalijn", "Het Noorderlicht", "De Kleine Wereld"]
_EVERY_RULE = ",".join(
    (
        "ART15_LEEFTIJD",
        "ART3A_LEEFTIJD",
        "ART3B_SCHOOLJAAR",
        "NIET_MEER_PLICHTIG",
        "NOG_NIET_LEERPLICHTIG",
        "VRIJSTELLING_VOOR_LEERPLICHT",
        "VERKLARING_TE_OUD",
    )
)
_GROUNDS = list(ExemptionGround)
_STATUSES = list(CaseStatus)

KINDS = ("update_case", "minutes_entry", "action")


def case_input(i: int) -> cases.CaseInput:
    """The i-th generated case (the same varied, valid data as the other benchmarks)."""
    return cases.CaseInput(
        first_name=FIRST[i % len(FIRST)],
        last_name=f"{LAST[i % len(LAST)]} {i}",
        birth_date=date(2008, 1, 1) + timedelta(days=(i * 37) % 4000),
        ground=_GROUNDS[i % len(_GROUNDS)],
        school=SCHOOLS[i % len(SCHOOLS)],
        status=_STATUSES[i % len(_STATUSES)],
        registered_on=date(2025, 1, 1) + timedelta(days=i % 600),
        case_number=f"S-{i:06d}",
        confirmed_rules=_EVERY_RULE,
    )


def _case_row(key: bytes, row_id: int, i: int, now: datetime, today: date) -> dict[str, object]:
    """One case_file row as the service would write it, its children's columns sealed."""
    data = cases.normalised(case_input(i))
    values = cases._case_values(data)
    closed = data.status == CaseStatus.AFGESLOTEN
    values.update(
        id=row_id,
        case_number=data.case_number,
        closed_on=(data.closed_on or today) if closed else None,
        created_at=now,
        updated_at=now,
        search_text=cases.search_text_for(
            data.case_number, data.first_name, data.last_name, data.school
        ),
    )
    for column in Case.__table__.columns:  # any column the service leaves to its default
        if column.key in values:
            continue
        default = column.default
        if default is not None and default.is_scalar:
            values[column.key] = getattr(default, "arg", None)
        elif column.server_default is None:
            values[column.key] = None
        # else: left out, so the server's default fills it (e.g. a version column)
    dates = date_columns("case_file")
    for column_name in SEALED_COLUMNS["case_file"]:
        plain = values[column_name]
        if column_name in dates:
            values[column_name] = seal_date(key, "case_file", column_name, row_id, plain)
        else:
            values[column_name] = seal(key, "case_file", column_name, row_id, plain)
    return values


def _copy(conn: Connection, table: str, rows: Sequence[Mapping[str, object]]) -> None:
    """COPY `rows` into `table` in the connection's transaction (much faster than INSERT)."""
    if not rows:
        return
    columns = list(rows[0])
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:  # type: ignore[attr-defined]
        names = ", ".join(f'"{name}"' for name in columns)
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])


def fill_cases(store: Store, count: int, *, batch: int = 5_000) -> list[int]:
    """Add `count` cases with their CREATE events to an empty server store, fast; the ids of
    the open ones.

    The rows are sealed here with the store's column key and copied in (COPY) on a bare
    Connection (the sealing guard watches sessions only); the events extend the chain under
    the head's row lock, as audit.record does, so `verify_chain` accepts them.
    """
    key = column_key(store.key)
    now = datetime.now()
    today = date.today()
    open_ids: list[int] = []
    with store.engine.begin() as conn:
        head = conn.execute(
            text("SELECT last_id, last_hash, count FROM audit_head WHERE id = 1 FOR UPDATE")
        ).one()
        last_id, last_hash, events = int(head[0]), str(head[1]), int(head[2])
        first = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM case_file")) or 0) + 1
        for start in range(0, count, batch):
            rows = []
            lines = []
            for i in range(start, min(start + batch, count)):
                row_id = first + i
                row = _case_row(key, row_id, i, now, today)
                rows.append(row)
                if row["status"] != str(CaseStatus.AFGESLOTEN):
                    open_ids.append(row_id)
                last_id += 1
                line: dict[str, str | None] = {
                    "at": datetime.now(UTC).isoformat(timespec="microseconds"),
                    "account": store.account,
                    "workstation": store.workstation,
                    "action": str(AuditAction.CREATE),
                    "case_number": str(row["case_number"]),
                    "object_type": "casus",
                    "object_id": str(row_id),
                    "result": "ok",
                    "detail": "",
                }
                digest = audit.digest(last_hash, line)
                lines.append({**line, "id": last_id, "prev_hash": last_hash, "hash": digest})
                last_hash = digest
            _copy(conn, Case.__table__.name, rows)
            _copy(conn, AuditEvent.__table__.name, lines)
            events += len(lines)
        conn.execute(
            text("UPDATE audit_head SET last_id = :i, last_hash = :h, count = :c WHERE id = 1"),
            {"i": last_id, "h": last_hash, "c": events},
        )
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence('case_file', 'id'), :v)"),
            {"v": first + count - 1},
        )
    return open_ids


@dataclass
class WriterPlan:
    """What one writer works on: its own cases, its own meeting's agenda items."""

    case_ids: list[int]
    item_ids: list[int]


@dataclass
class Plan:
    """The shared setup of the writers: the action owner and one plan per writer."""

    owner_id: int
    writers: list[WriterPlan]
    ops: int


def prepare_writers(
    store: Store, open_ids: list[int], writers: int, ops: int, *, items: int = 5
) -> Plan:
    """Through the services: an owner for actions, and per writer a meeting with `items`
    agenda items (its minutes entries: the first round adds them, later rounds change them)
    and cases of its own to update and give actions."""
    org = people.create_organisation(store, "Sociaal Wijkteam Zwolle", Team.SOCIAAL_WIJKTEAM)
    owner = people.create_participant(store, "Fatima El Amrani", org.id)
    per_writer = math.ceil(ops / len(KINDS))
    needed = writers * per_writer
    if len(open_ids) < 2 * needed:
        raise ValueError(f"{len(open_ids)} open cases, {2 * needed} needed")
    day = date.today() + timedelta(days=7)
    plans = []
    for w in range(writers):
        meeting = meetings.add_meeting(
            store, day + timedelta(days=w), datetime_time(9, 30), 240, location=f"Zaal {w}"
        )
        on_agenda = open_ids[w * per_writer : w * per_writer + min(items, per_writer)]
        item_ids = [
            agenda.add_case_item(store, meeting.id, case_id, minutes=5, allow_overrun=True).id
            for case_id in on_agenda
        ]
        own = open_ids[needed + w * per_writer : needed + (w + 1) * per_writer]
        plans.append(WriterPlan(case_ids=own, item_ids=item_ids))
    return Plan(owner_id=owner.id, writers=plans, ops=ops)


@dataclass
class WriteResult:
    """What the writers did and how long each operation took."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    elapsed: float = 0.0
    new_events: int = 0
    events_by_type: dict[str, int] = field(default_factory=dict)
    chain_ok: bool = False
    chain_message: str = ""

    @property
    def writes(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def all_latencies(self) -> list[float]:
        return [t for v in self.latencies.values() for t in v]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95: p95) of `values`."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _write(store: Store, plan: Plan, mine: WriterPlan, k: int, writer: int) -> str:
    """Operation k of a writer; its kind."""
    kind = KINDS[k % len(KINDS)]
    round_ = k // len(KINDS)
    case_id = mine.case_ids[round_ % len(mine.case_ids)]
    if kind == "update_case":
        index = _index_of(store, case_id)
        data = replace(case_input(index), notes=f"besproken door schrijver {writer}, ronde {k}")
        cases.update_case(store, case_id, data)
    elif kind == "minutes_entry":
        minutes.save_entry(
            store,
            mine.item_ids[round_ % len(mine.item_ids)],
            notes=f"Besproken met school en ouders (schrijver {writer}, ronde {k}).",
        )
    else:
        actions.create_action(
            store,
            description=f"Gesprek met ouders en school plannen (schrijver {writer}, ronde {k})",
            owner_id=plan.owner_id,
            due_date=date.today() + timedelta(days=14),
            case_id=case_id,
        )
    return kind


_CASE_INDEX: dict[tuple[str, int], int] = {}


def _index_of(store: Store, case_id: int) -> int:
    """The generator index of a filled case (its number S-<index>)."""
    key = (store.server, case_id)
    if key not in _CASE_INDEX:
        with store.read() as session:
            number = session.scalar(
                text("SELECT case_number FROM case_file WHERE id = :id"), {"id": case_id}
            )
        _CASE_INDEX[key] = int(str(number).rsplit("-", 1)[1])
    return _CASE_INDEX[key]


def _head(store: Store) -> tuple[int, int]:
    with store.read() as session:
        row = session.execute(text("SELECT last_id, count FROM audit_head WHERE id = 1")).one()
    return int(row[0]), int(row[1])


def run_writers(
    url: str, plan: Plan, *, account: str = ACCOUNT, passphrase: str = PASSPHRASE
) -> WriteResult:
    """`len(plan.writers)` threads, each with its own unlocked Store, `plan.ops` writes each,
    all at once; then the chain is checked and the new events counted."""
    stores = [unlock_server(url, account, passphrase) for _ in plan.writers]
    result = WriteResult()
    try:
        for store, mine in zip(stores, plan.writers, strict=True):
            for case_id in mine.case_ids:
                _index_of(store, case_id)  # not part of a write's time
        before_id, before_count = _head(stores[0])
        start_line = threading.Barrier(len(stores) + 1)
        timings: list[list[tuple[str, float]]] = [[] for _ in stores]
        failures: list[BaseException] = []

        def work(w: int) -> None:
            start_line.wait()
            try:
                for k in range(plan.ops):
                    begun = time.perf_counter()
                    kind = _write(stores[w], plan, plan.writers[w], k, w)
                    timings[w].append((kind, time.perf_counter() - begun))
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=work, args=(w,)) for w in range(len(stores))]
        for thread in threads:
            thread.start()
        start_line.wait()
        begun = time.perf_counter()
        for thread in threads:
            thread.join()
        result.elapsed = time.perf_counter() - begun
        if failures:
            raise failures[0]
        for done in timings:
            for kind, seconds in done:
                result.latencies[kind].append(seconds)
        after_id, after_count = _head(stores[0])
        result.new_events = after_count - before_count
        with stores[0].read() as session:
            result.events_by_type = {
                str(kind): int(n)
                for kind, n in session.execute(
                    text(
                        "SELECT object_type, count(*) FROM audit_event "
                        "WHERE id > :a AND id <= :b GROUP BY object_type"
                    ),
                    {"a": before_id, "b": after_id},
                )
            }
        chain = audit.verify_chain(stores[0])
        result.chain_ok, result.chain_message = chain.ok, chain.message
    finally:
        for store in stores:
            accounts.lock(store)
    return result


def unlock_to_cases(url: str, expected: int) -> float:
    """Seconds from `unlock_server` until the Casussen screen's rows are ready."""
    begun = time.perf_counter()
    store = unlock_server(url, ACCOUNT, PASSPHRASE)
    rows = cases.list_cases(store, log_search=True)  # as ui/cases.py CasesView.load
    elapsed = time.perf_counter() - begun
    accounts.lock(store)
    if len(rows) != expected:
        raise AssertionError(f"{len(rows)} cases listed, {expected} expected")
    return elapsed


def check_writes(result: WriteResult) -> list[str]:
    """What is wrong with the log after the writers (empty: none lost, none forked)."""
    problems = []
    if not result.chain_ok:
        problems.append(f"chain: {result.chain_message}")
    if result.new_events != result.writes:
        problems.append(f"{result.new_events} new events for {result.writes} writes")
    wanted = {
        "casus": len(result.latencies["update_case"]),
        "verslag": len(result.latencies["minutes_entry"]),
        "actiepunt": len(result.latencies["action"]),
    }
    if result.events_by_type != wanted:
        problems.append(f"events {result.events_by_type}, writes {wanted}")
    return problems


@contextmanager
def _own_data_folder(work: Path) -> Iterator[None]:
    """The stores' local folders (anchor of the log) under `work`, not in the user's own."""
    old = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(work / "pg-data")
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = old


FILL_VERSION = 1  # raise when fill_cases or case_input change: older cached fills are not used


def cache_file(count: int) -> Path:
    """Where a filled database is kept between runs (outside the repository)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = f"pg-{count}-schema{HEAD_REVISION}-{PREFIX.rstrip(':')}-fill{FILL_VERSION}.dump"
    return base / "casusoverleg-bench" / name


def _open_ids(store: Store) -> list[int]:
    with store.read() as session:
        return [
            int(row_id)
            for row_id in session.scalars(
                text("SELECT id FROM case_file WHERE status <> :closed ORDER BY id"),
                {"closed": str(CaseStatus.AFGESLOTEN)},
            )
        ]


def _filled_store(
    server: PgServer, url: str, count: int, report: Callable[[str, float, str], None]
) -> Store:
    """The store in `url` with `count` cases (real key derivation), unlocked: restored from the
    cache of an earlier run (pg_restore), or made, filled and then kept in the cache."""
    database = make_url(url).database or ""
    socket = ("-h", str(server.socket_dir), "-U", SUPERUSER)
    cached = cache_file(count)
    dump = server.folder / "filled.dump"
    if cached.exists():
        begun = time.perf_counter()
        shutil.copyfile(cached, dump)
        dump.chmod(0o644)  # read by the server's user
        server.run("pg_restore", *socket, "--no-owner", "-d", database, str(dump))
        print(f"# filled database restored from {cached} in {time.perf_counter() - begun:.1f} s")
        return unlock_server(url, ACCOUNT, PASSPHRASE)
    created = init_server_store(url, ACCOUNT, PASSPHRASE, kdf=KdfParams())
    begun = time.perf_counter()
    fill_cases(created.store, count)
    report(f"pg_fill_{count // 1000}k_cases", time.perf_counter() - begun, "s")
    accounts.lock(created.store)
    server.run("pg_dump", *socket, "-Fc", "-f", str(dump), database)
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dump, cached.with_suffix(".part"))
    cached.with_suffix(".part").replace(cached)
    return unlock_server(url, ACCOUNT, PASSPHRASE)


def bench_server(
    work: Path,
    report: Callable[[str, float, str], None],
    *,
    count: int = 100_000,
    writers: int = 8,
    ops: int = 90,
) -> None:
    """The shared store's figures (see the module's docstring)."""
    try:
        server = start_server()
    except FileNotFoundError as exc:
        print(f"# pg benchmarks skipped: {exc}", flush=True)
        return
    try:
        with _own_data_folder(work):
            url = server.create_database("bench")
            store = _filled_store(server, url, count, report)
            plan = prepare_writers(store, _open_ids(store), writers, ops)
            accounts.lock(store)
            report(
                f"pg_unlock_to_cases_{count // 1000}k",
                statistics.median(unlock_to_cases(url, count) for _ in range(3)),
                "s",
            )
            result = run_writers(url, plan)
            problems = check_writes(result)
            print(
                f"# {writers} writers, {result.writes} writes in {result.elapsed:.1f} s; "
                f"{result.new_events} new audit events; chain: {result.chain_message}",
                flush=True,
            )
            report("pg_write_throughput", result.writes / result.elapsed, "ops/s")
            report("pg_p95_write_ms", percentile(result.all_latencies, 0.95) * 1000, "ms")
            for kind in KINDS:
                report(f"pg_p50_{kind}_ms", percentile(result.latencies[kind], 0.5) * 1000, "ms")
                report(f"pg_p95_{kind}_ms", percentile(result.latencies[kind], 0.95) * 1000, "ms")
            report("pg_lost_or_forked_events", float(len(problems)), "problems")
            if problems:
                raise AssertionError("; ".join(problems))
    finally:
        server.stop()
