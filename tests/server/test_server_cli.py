"""The command line on a store on a server, end to end in a subprocess, as a script would use
it: the same outputs as on the embedded store for the same input, and names only sealed on
the server (issue 15)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy.engine import make_url

from casusoverleg.services import accounts, agenda, cases, documents
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from tests.e2e.test_cli import run
from tests.e2e.test_cli_meetings import SERIES_ARGS
from tests.helpers.postgres import SUPERUSER, PgServer
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store

HEADER = "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op"
ROWS = (
    "2026-0101;Yara;Yıldırım;04-05-2013;OBS De Toermalijn;5 onder a;aangemeld;01-09-2026",
    "2026-0102;Siobhan;O'Neill-Bakker;12-03-2014;Het Stedelijk;thuiszitter;in behandeling;"
    "02-09-2026",
)
NAMES = ("Yara", "Yıldırım", "Siobhan", "O'Neill-Bakker", "OBS De Toermalijn")


def _env(store: str, tmp_path: Path) -> dict[str, str]:
    env = cli_env(Path("onbelangrijk"))
    env["CASUSOVERLEG_STORE"] = store
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


def _ok(*args: str, env: dict[str, str]) -> str:
    done = run(*args, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def _agenda_of_next(store: Store) -> None:
    """What a user does in the window before printing: an agenda for the next meeting."""
    try:
        next_id = documents.next_meeting_id(store)
        agenda.build_agenda(store, next_id, case_ids=[c.id for c in cases.list_cases(store)])
    finally:
        accounts.lock(store)


def _session(env: dict[str, str], folder: Path, unlock: Callable[[], Store]) -> dict[str, str]:
    """What a script sees, command by command, on one store."""
    folder.mkdir()
    csv = folder / "lijst.csv"
    csv.write_text("\n".join([HEADER, *ROWS]), encoding="utf-8")
    outputs = {"import": _ok("import", "cases", str(csv), env=env)}
    _ok("export", "cases", str(folder / "uit.csv"), env=env)
    outputs["export"] = (folder / "uit.csv").read_text(encoding="utf-8")
    outputs["cases"] = _ok("cases", env=env)
    _ok(*SERIES_ARGS, "--count", "4", env=env)
    meetings = json.loads(_ok("meetings", "--json", env=env))
    outputs["meetings"] = json.dumps(
        [{k: v for k, v in m.items() if k not in ("id", "uid")} for m in meetings]
    )
    _ok("ics", "Casusoverleg Zwolle", "-o", str(folder / "overleg.ics"), env=env)
    outputs["ics"] = _calendar_lines(folder / "overleg.ics")
    # A second series ahead of today, so that there is a next meeting to print the agenda of.
    ahead = (date.today() + timedelta(days=14)).isoformat()
    _ok(
        "series",
        "add",
        "--name",
        "Vooruit",
        "--start",
        ahead,
        "--time",
        "10:00",
        "--minutes",
        "60",
        "--every-weeks",
        "2",
        "--count",
        "2",
        env=env,
    )
    _agenda_of_next(unlock())
    _ok("agenda", "next", "-o", str(folder / "agenda.pdf"), env=env)
    outputs["agenda"] = _pdf_text(folder / "agenda.pdf")
    return outputs


def _calendar_lines(path: Path) -> str:
    """The calendar without what differs per run and per store (random UIDs, the time made)."""
    return "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("UID:", "DTSTAMP:"))
    )


def _pdf_text(path: Path) -> str:
    """The agenda's text without the moment it was printed ("gemaakt op …")."""
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\d{2}:\d{2}", "HH:MM", text)


def test_the_command_line_does_the_same_on_a_server_and_the_server_holds_no_name(
    pg_server: PgServer, pg_url: str, tmp_path: Path
) -> None:
    # Both stores made with cheap Argon2 parameters (`init` itself is run in the next test):
    # every command below unlocks once.
    server = _env(pg_url, tmp_path)
    accounts.lock(init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store)
    own, _ = make_store(tmp_path)
    own.close()
    embedded = _env(str(own.path), tmp_path)

    on_server = _session(
        server, tmp_path / "server", lambda: unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    )
    on_file = _session(
        embedded, tmp_path / "bestand", lambda: accounts.unlock(own.path, ACCOUNT, PASSPHRASE)
    )
    assert on_server == on_file
    assert "Yıldırım" in on_server["export"]
    assert "DTSTART" in on_server["ics"]
    assert "Agenda" in on_server["agenda"] and "2026-0102" in on_server["agenda"]

    database = make_url(pg_url).database
    assert database is not None
    dump = pg_server.run("pg_dump", "-h", str(pg_server.socket_dir), "-U", SUPERUSER, database)
    assert "2026-0101" in dump.stdout  # the case number is plain (README says why)
    for name in NAMES:
        assert name not in dump.stdout
    assert "2013-05-04" not in dump.stdout and "04-05-2013" not in dump.stdout


def test_what_does_not_work_on_a_server_yet_says_so_in_dutch(pg_url: str, tmp_path: Path) -> None:
    env = _env(pg_url, tmp_path)
    assert "Opslag aangemaakt op de server" in _ok("init", env=env)
    # backup, passwd and accounts work there now (test_server_backup.py, test_server_accounts.py).
    for command in (["demo"],):
        done = run(*command, env=env, cwd=tmp_path)
        assert done.returncode != 0, command
        assert "kan nog niet bij een gedeelde opslag op een server" in done.stderr, command
        assert "Traceback" not in done.stderr


def test_a_server_over_the_network_without_tls_is_refused(tmp_path: Path) -> None:
    env = _env("postgresql://casus@db.gemeente.example/casusoverleg", tmp_path)
    done = run("cases", env=env)
    assert done.returncode != 0
    assert "sslmode=verify-full" in done.stderr
    assert not os.path.exists(tmp_path / "data" / "casusoverleg" / "servers")
