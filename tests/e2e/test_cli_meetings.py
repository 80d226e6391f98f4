"""`series add`, `meetings` and `ics` end to end, in a subprocess, as a script would use them."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from casusoverleg.services import cases
from tests.e2e.test_cli import run
from tests.helpers.stores import cli_env, make_store, sample_case

SERIES_ARGS = [
    "series",
    "add",
    "--name",
    "Casusoverleg Zwolle",
    "--start",
    "2026-01-13",
    "--time",
    "13:00",
    "--minutes",
    "90",
    "--every-weeks",
    "2",
    "--location",
    "Stadskantoor",
    # These dates lie in the past when the tests run: they are held meetings (issue 13).
    "--past",
    "held",
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A closed test store with one case, and the environment to reach it."""
    store, _ = make_store(tmp_path)
    cases.create_case(store, sample_case("Jesse", "Wijnberg", case_number="2026-0417"))
    store.close()
    return cli_env(store.path)


def test_series_add_prints_the_dates_and_each_skipped_holiday(env: dict[str, str]) -> None:
    done = run(*SERIES_ARGS, "--count", "10", "--skip", "public,school", env=env)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Overlegreeks 1 'Casusoverleg Zwolle' opgeslagen: om de 2 weken op dinsdag" in out
    assert "10 overleggen:" in out
    assert "  di 13-01-2026 13:00" in out
    # Spring break (Noord, 21 Feb-1 Mar 2026) and May break (25 Apr-3 May 2026).
    assert "  di 24-02-2026  Voorjaarsvakantie: vervalt" in out
    assert "di 05-05-2026  Bevrijdingsdag: vervalt" in out
    assert done.stderr == ""

    listed = run("meetings", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 10
    assert {"id", "series", "date", "start", "status"} <= set(rows[0])
    assert rows[0]["series"] == "Casusoverleg Zwolle"
    assert rows[0]["date"] == "2026-01-13" and rows[0]["start"] == "13:00"
    assert rows[0]["status"] == "GEHOUDEN"  # --past held: these dates are over
    dates = [r["date"] for r in rows]
    assert "2026-02-24" not in dates and "2026-05-05" not in dates
    assert dates == sorted(dates)


def test_series_add_without_skip_skips_nothing_and_says_so(env: dict[str, str]) -> None:
    done = run(*SERIES_ARGS, "--until", "2026-03-10", env=env)
    assert done.returncode == 0, done.stderr
    assert "Overslaan: niets (geen --skip gegeven)." in done.stdout
    assert "di 24-02-2026 13:00" in done.stdout
    assert "overgeslagen" not in done.stdout.split("Overslaan")[1].split("\n", 1)[1]


def test_series_add_moves_the_second_tuesday_and_dry_run_saves_nothing(
    env: dict[str, str],
) -> None:
    args = [
        "series",
        "add",
        "--past",
        "held",
        "--name",
        "Maandelijks",
        "--start",
        "2026-07-14",
        "--time",
        "09:30",
        "--minutes",
        "120",
        "--nth-weekday",
        "2",
        "--until",
        "2026-12-31",
        "--skip",
        "public,school",
        "--region",
        "noord",
        "--skip-mode",
        "move",
    ]
    dry = run(*args, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "elke tweede dinsdag van de maand" in dry.stdout
    assert "di 11-08-2026  Zomervakantie: verplaatst naar ma 17-08-2026" in dry.stdout
    assert "ma 19-10-2026 09:30  (in plaats van di 13-10-2026)" in dry.stdout
    assert json.loads(run("meetings", "--json", env=env).stdout) == []
    assert run(*args, env=env).returncode == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--count", "5", "--until", "2026-06-01"], "niet allebei"),
        (["--until", "2026-13-01"], "--until: 2026-13-01 is geen bestaande datum."),
        (["--count", "5", "--region", "west"], "onbekende regio"),
        (["--count", "5", "--skip-mode", "schuif"], "kies drop of move"),
        (["--count", "5", "--skip", "carnaval"], "onbekend 'carnaval'"),
        (["--count", "0"], "1 tot 500"),
        (["--count", "5", "--minutes", "0"], "minuten"),
    ],
)
def test_bad_series_input_exits_2_with_a_dutch_message(
    env: dict[str, str], extra: list[str], message: str
) -> None:
    done = run(*SERIES_ARGS, *extra, env=env)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_meetings_text_and_period(env: dict[str, str]) -> None:
    assert run(*SERIES_ARGS, "--count", "6", env=env).returncode == 0
    done = run("meetings", "--from", "2026-02-01", "--to", "2026-02-28", env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert "di 10-02-2026  13:00-14:30  gehouden" in lines[0]
    assert lines[0].endswith("Casusoverleg Zwolle  Stadskantoor")
    empty = run("meetings", "--from", "2030-01-01", env=env)
    assert empty.stdout.strip() == "Geen overleggen in deze periode."
    bad = run("meetings", "--from", "2026-03-01", "--to", "2026-02-01", env=env)
    assert bad.returncode == 2 and "--from ligt na --to" in bad.stderr
    assert run("meetings", "--from", "gisteren", env=env).returncode == 2


def test_ics_for_a_series_by_name_and_for_one_meeting(env: dict[str, str], tmp_path: Path) -> None:
    assert run(*SERIES_ARGS, "--count", "4", env=env).returncode == 0
    rows = json.loads(run("meetings", "--json", env=env).stdout)
    out = tmp_path / "reeks.ics"
    done = run("ics", "Casusoverleg Zwolle", "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "4 overleggen" in done.stdout
    events = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert sorted(e["DTSTART"].dt.date().isoformat() for e in events) == [r["date"] for r in rows]
    content = out.read_text(encoding="utf-8")
    assert "Jesse" not in content and "2026-0417" not in content

    # Meeting 1 and series 1 both exist: a plain "1" is refused, a prefix decides.
    one = tmp_path / "een.ics"
    ambiguous = run("ics", "1", "-o", str(one), env=env)
    assert ambiguous.returncode == 2
    assert "series:1 of meeting:1" in ambiguous.stderr
    assert not one.exists()
    assert run("ics", "meeting:1", "-o", str(one), env=env).returncode == 0
    (event,) = icalendar.Calendar.from_ical(one.read_bytes()).walk("VEVENT")
    assert event["UID"] == rows[0]["uid"]
    assert run("ics", "series:1", "-o", str(one), "--overwrite", env=env).returncode == 0
    assert len(icalendar.Calendar.from_ical(one.read_bytes()).walk("VEVENT")) == 4
    # Meeting 3 has no series namesake: the plain number is that meeting.
    third = run("ics", str(rows[2]["id"]), "-o", str(one), "--overwrite", env=env)
    assert third.returncode == 0 and f"overleg {rows[2]['id']}" in third.stdout

    missing = run("ics", "Bestaat niet", "-o", str(one), "--overwrite", env=env)
    assert missing.returncode == 2 and "Er is geen overlegreeks of overleg" in missing.stderr
    assert run("ics", "meeting:999", "-o", str(one), "--overwrite", env=env).returncode == 2
