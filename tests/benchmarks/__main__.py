"""`make bench`: the speed budgets of DESIGN.md, printed as `BENCH <name> <median> <unit>`.

Not part of `make test`: these are measurements, not pass/fail tests. Run on the 2-core machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from datetime import time as datetime_time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event

from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.services import accounts, cases
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF, KdfParams, new_key_file
from casusoverleg.store.lock import StoreLock
from casusoverleg.store.models import Base

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


def case_inputs(n: int, offset: int = 0) -> list[cases.CaseInput]:
    """`n` varied, valid case inputs with their own case numbers."""
    grounds = list(ExemptionGround)
    statuses = list(CaseStatus)
    return [
        cases.CaseInput(
            first_name=FIRST[i % len(FIRST)],
            last_name=f"{LAST[i % len(LAST)]} {i}",
            birth_date=date(2008, 1, 1) + timedelta(days=(i * 37) % 4000),
            ground=grounds[i % len(grounds)],
            school=SCHOOLS[i % len(SCHOOLS)],
            status=statuses[i % len(statuses)],
            registered_on=date(2025, 1, 1) + timedelta(days=i % 600),
            case_number=f"B-{offset + i:06d}",
            # The same varied data as the figures before the plausibility rules (issue 11):
            # what does not fit the law is confirmed, as a user may; the check still runs.
            confirmed_rules=_EVERY_RULE,
        )
        for i in range(n)
    ]


def median_of(runs: int, func: Callable[[], object]) -> float:
    """Median wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, value: float, unit: str) -> None:
    """One machine-readable line."""
    print(f"BENCH {name} {value:.3f} {unit}", flush=True)


def bench_unlock(work: Path) -> None:
    """Unlock (real Argon2id cost, integrity checks, migrations check) of a 10k-case store."""
    created = accounts.init_store(
        work / "unlock.db", "bench", "bench wachtwoord 1", kdf=KdfParams()
    )
    cases.create_cases(created.store, case_inputs(10_000))
    created.store.close()

    def unlock() -> None:
        accounts.unlock(work / "unlock.db", "bench", "bench wachtwoord 1").close()

    report("unlock", median_of(5, unlock), "s")


def bench_create(work: Path) -> None:
    """Creating 10,000 cases through the service (one transaction, with audit rows)."""
    times = []
    for run in range(3):
        store = accounts.init_store(work / f"create{run}.db", "b", "b" * 12, kdf=FAST_KDF).store
        inputs = case_inputs(10_000)
        start = time.perf_counter()
        cases.create_cases(store, inputs)
        times.append(time.perf_counter() - start)
        store.close()
    report("create_10k_cases", statistics.median(times), "s")


def bench_filter(work: Path) -> None:
    """A text filter over 50,000 cases through the service (SQL LIKE on folded text)."""
    store = accounts.init_store(work / "filter.db", "b", "b" * 12, kdf=FAST_KDF).store
    for start in range(0, 50_000, 10_000):
        cases.create_cases(store, case_inputs(10_000, start))
    words = iter(["jan", "vries 12", "fonkel", "noor", "smit 4", "b-0012", "mila", "boer"] * 5)

    def search() -> None:
        cases.list_cases(store, cases.CaseFilter(text=next(words)))

    report("filter_50k_cases", median_of(9, search) * 1000, "ms")
    store.close()


def _plain_store(path: Path) -> Store:
    """A Store on plain (unencrypted) SQLite with the same schema and pragmas, for comparison."""
    import sqlite3

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        for pragma in (
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
            "secure_delete = ON",
            "temp_store = MEMORY",
        ):
            conn.execute(f"PRAGMA {pragma}")
        return conn

    engine = create_engine("sqlite+pysqlite://", creator=connect)

    @event.listens_for(engine, "begin")
    def _begin(conn: object) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")  # type: ignore[attr-defined]
        conn.exec_driver_sql(f"BEGIN {mode}")  # type: ignore[attr-defined]

    Base.metadata.create_all(engine)
    lock = StoreLock(path)
    lock.acquire("b")
    return Store(path, "b", engine, b"\0" * 32, new_key_file(), lock)


def _workload(store: Store) -> None:
    """A day's mix: bulk create, searches, views and single edits (each its own commit)."""
    numbers = cases.create_cases(store, case_inputs(3_000))
    for word in ("jan", "vries", "fonkel", "noor", "smit"):
        cases.list_cases(store, cases.CaseFilter(text=word))
    for number in numbers[:100]:
        case_id = cases.find_case_id(store, number)
        record = cases.get_case(store, case_id)
        cases.update_case(
            store, case_id, cases.CaseInput(**{**vars(record.to_input()), "notes": "besproken"})
        )


def bench_ratio(work: Path) -> None:
    """Encrypted time / plain SQLite time for the same workload and schema."""
    enc_times, plain_times = [], []
    for run in range(3):
        enc = accounts.init_store(work / f"enc{run}.db", "b", "b" * 12, kdf=FAST_KDF).store
        plain = _plain_store(work / f"plain{run}.db")
        for store, times in ((enc, enc_times), (plain, plain_times)):
            start = time.perf_counter()
            _workload(store)
            times.append(time.perf_counter() - start)
            store.close()
    report(
        "ratio_encrypted_plain", statistics.median(enc_times) / statistics.median(plain_times), "x"
    )


def _documents_store(work: Path, name: str, case_count: int) -> tuple[Store, list[int], int]:
    """A store with `case_count` open cases, one participant and one planned meeting."""
    from casusoverleg.domain.enums import Team
    from casusoverleg.services import meetings, people

    store = accounts.init_store(work / name, "b", "b" * 12, kdf=FAST_KDF).store
    # A fifth of the generated cases is closed (and cannot be on an agenda or get actions).
    cases.create_cases(store, case_inputs(case_count * 5 // 4 + 1))
    org = people.create_organisation(store, "Sociaal Wijkteam Zwolle", Team.SOCIAAL_WIJKTEAM)
    person = people.create_participant(store, "Fatima El Amrani", org.id)
    open_only = cases.CaseFilter(include_closed=False)
    ids = [row.id for row in cases.list_cases(store, open_only, log_search=False)][:case_count]
    meetings.add_meeting(
        store, date.today() + timedelta(days=7), datetime_time(13, 30), 240, location="Zaal 3.14"
    )
    return store, ids, person.id


def bench_agenda_pdf(work: Path) -> None:
    """Print a 15-case agenda (gather, render, write atomically, log)."""
    from casusoverleg.services import agenda, documents

    store, ids, person_id = _documents_store(work, "agenda.db", 15)
    meeting_id = documents.next_meeting_id(store)
    agenda.build_agenda(store, meeting_id, case_ids=[])
    for case_id in ids:
        agenda.add_case_item(
            store,
            meeting_id,
            case_id,
            minutes=10,
            presenter_id=person_id,
            question="Is een vrijstelling passend, of is een onderwijs-zorgarrangement haalbaar?",
        )
    documents.print_agenda(
        store, meeting_id, work / "agenda.pdf", overwrite=True
    )  # fonts load once

    def run() -> None:
        documents.print_agenda(store, meeting_id, work / "agenda.pdf", overwrite=True)

    report("agenda_pdf_15", median_of(9, run) * 1000, "ms")
    store.close()


def bench_agenda_50k(work: Path) -> None:
    """Rank the proposal of a 50,000-case store for the screen, and "Agenda opstellen"."""
    from casusoverleg.services import agenda, meetings
    from casusoverleg.services.views.meeting_page import meeting_page

    store = accounts.init_store(work / "agenda50k.db", "b", "b" * 12, kdf=FAST_KDF).store
    for start in range(0, 50_000, 10_000):
        cases.create_cases(store, case_inputs(10_000, start))
    day = date.today() + timedelta(days=7)
    meeting_id = meetings.add_meeting(store, day, datetime_time(9, 30), 120, location="Zaal").id
    page = agenda.propose_first(store, meeting_id)
    print(f"# {page.total} proposed, {len(page.proposals)} built for the screen", flush=True)
    report(
        "agenda_propose_first_50k",
        median_of(5, lambda: agenda.propose_first(store, meeting_id)),
        "s",
    )
    report(
        "agenda_propose_all_50k",
        median_of(3, lambda: agenda.propose_agenda(store, meeting_id)),
        "s",
    )
    report("meeting_page_50k", median_of(3, lambda: meeting_page(store, meeting_id)), "s")
    times = []
    for run in range(5):
        other = meetings.add_meeting(
            store, day + timedelta(days=run + 1), datetime_time(9, 30), 120, location="Zaal"
        ).id
        start = time.perf_counter()
        fill = agenda.fill_agenda(store, other)
        times.append(time.perf_counter() - start)
        assert fill.agenda.total_minutes <= 120, fill.agenda.total_minutes
    print(f"# placed {fill.placed}, {fill.remaining} stay proposed", flush=True)
    report("agenda_fill_50k", statistics.median(times), "s")
    store.close()


def bench_actions_pdf(work: Path) -> None:
    """Print an action list of 1,000 open actions on 200 cases."""
    from casusoverleg.services import actions, documents

    store, ids, person_id = _documents_store(work, "acties.db", 200)
    today = date.today()
    for i in range(1000):
        actions.create_action(
            store,
            description=f"Actie {i}: gesprek met ouders en school plannen over het rooster",
            owner_id=person_id,
            due_date=today + timedelta(days=i % 60 - 20),
            case_id=ids[i % len(ids)],
            # Agreed a month ago, so that a third is overdue now.
            today=today - timedelta(days=30),
        )

    def run() -> None:
        documents.print_actions(store, work / "acties.pdf", overwrite=True)

    report("actions_pdf_1000", median_of(5, run), "s")
    store.close()


def _qt_app(work: Path) -> Any:
    """The offscreen QApplication, in Dutch, with window state kept in `work`."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.app import install_dutch

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
    app = QApplication.instance() or QApplication(["bench"])
    install_dutch(app)
    return app


def _process_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Run the event loop until `condition` holds (results of background work arrive)."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark condition not reached")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def bench_ui_filter(work: Path) -> None:
    """A keystroke in the Casussen filter field with 50,000 cases, until the table is repainted."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtTest import QTest

    from ui import tasks
    from ui.cases import CasesView

    _qt_app(work)
    store = accounts.init_store(work / "ui-filter.db", "b", "b" * 12, kdf=FAST_KDF).store
    for start in range(0, 50_000, 10_000):
        cases.create_cases(store, case_inputs(10_000, start))
    view = CasesView()
    view.resize(1200, 800)
    view.show()
    view.load(store)
    _process_until(lambda: view.model.total_count == 50_000 and tasks.is_idle())
    times = []
    # Typing on (narrowing), words that match many rows and few, and a backspace each time
    # (which searches every row again).
    for word in ("jansen", "fonkel", "b-0012", "mila 4", "de boer"):
        view.filter_edit.clear()
        QCoreApplication.processEvents()
        for char in word:
            start = time.perf_counter()
            QTest.keyClick(view.filter_edit, char)
            QCoreApplication.processEvents()  # the table repaints
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        QTest.keyClick(view.filter_edit, Qt.Key.Key_Backspace)
        QCoreApplication.processEvents()
        times.append(time.perf_counter() - start)
    report("ui_filter_50k", statistics.median(times) * 1000, "ms")
    view.close()
    view.deleteLater()
    tasks.wait_for_idle()
    store.close()


def bench_ui_unlock_to_window(work: Path) -> None:
    """Click on Ontgrendelen (real key derivation) until the main window shows 10,000 cases."""
    from PySide6.QtCore import QCoreApplication

    from ui import tasks
    from ui.app import GuiSession
    from ui.unlock import UnlockDialog

    _qt_app(work)
    path = work / "ui-unlock.db"
    created = accounts.init_store(path, "bench", "bench wachtwoord 1", kdf=KdfParams())
    cases.create_cases(created.store, case_inputs(10_000))
    accounts.lock(created.store)
    times = []
    for _ in range(3):
        session = GuiSession(path, account="bench")
        dialog = session.dialog
        assert isinstance(dialog, UnlockDialog)
        session.start()
        QCoreApplication.processEvents()
        dialog.passphrase_edit.setText("bench wachtwoord 1")
        start = time.perf_counter()
        dialog.unlock_button.click()

        def shown(session: GuiSession = session) -> bool:
            window = session.window
            return (
                window is not None
                and window.isVisible()
                and window.cases_view.model.total_count == 10_000
            )

        _process_until(shown)
        QCoreApplication.processEvents()  # the window paints with the table filled
        times.append(time.perf_counter() - start)
        window = session.window
        assert window is not None
        window.close()
        tasks.wait_for_idle()
        window.deleteLater()
        QCoreApplication.processEvents()
    report("ui_unlock_to_window_10k", statistics.median(times), "s")


def _process_seconds(args: list[str], env: dict[str, str], until: str | None = None) -> float:
    """Wall time from starting a process until it ends, or until it prints the line `until`."""
    import subprocess

    start = time.perf_counter()
    with subprocess.Popen(
        args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as proc:
        assert proc.stdout is not None
        if until is None:
            proc.stdout.read()
        else:
            for line in proc.stdout:
                if line.decode().strip() == until:
                    break
            else:
                raise RuntimeError(f"{args[0]} ended without saying {until!r}")
        elapsed = time.perf_counter() - start
        proc.stdout.close()
        proc.wait()
    return elapsed


def bench_cli_help_ratio(work: Path) -> None:
    """`casusoverleg --help` against a bare `python -c pass` (issue 14: within 4x)."""
    script = str(Path(sys.executable).with_name("casusoverleg"))
    env = dict(os.environ)
    bare = statistics.median(
        _process_seconds([sys.executable, "-c", "pass"], env) for _ in range(9)
    )
    helped = statistics.median(_process_seconds([script, "--help"], env) for _ in range(9))
    report("cli_help", helped * 1000, "ms")
    report("cli_help_ratio", helped / bare, "x")


def bench_gui_start_to_unlock(work: Path) -> None:
    """From starting `casusoverleg` until its unlock dialog is shown (offscreen; target 0.8 s)."""
    from ui.app import START_PROBE_ENV, START_PROBE_LINE

    store = accounts.init_store(work / "start.db", "b", "b" * 12, kdf=FAST_KDF).store
    store.close()
    script = str(Path(sys.executable).with_name("casusoverleg"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{START_PROBE_ENV: "1"})
    times = [
        _process_seconds([script, "--store", str(store.path)], env, until=START_PROBE_LINE)
        for _ in range(7)
    ]
    report("gui_start_to_unlock", statistics.median(times), "s")


def bench_pg_server(work: Path) -> None:
    """A shared store on PostgreSQL: 100,000 cases, 8 writers at once (benchmarks/server.py)."""
    from tests.benchmarks.server import bench_server

    bench_server(work, report)


def main() -> int:
    """Run every benchmark in a temp dir that is removed afterwards."""
    only = set(sys.argv[1:])  # e.g. `python -m tests.benchmarks bench_ui_filter`
    with tempfile.TemporaryDirectory(prefix="casusoverleg-bench-") as tmp:
        work = Path(tmp)
        for bench in (
            bench_cli_help_ratio,
            bench_gui_start_to_unlock,
            bench_unlock,
            bench_create,
            bench_filter,
            bench_ratio,
            bench_agenda_pdf,
            bench_agenda_50k,
            bench_actions_pdf,
            bench_ui_filter,
            bench_ui_unlock_to_window,
            bench_pg_server,
        ):
            if not only or bench.__name__ in only:
                bench(work)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
