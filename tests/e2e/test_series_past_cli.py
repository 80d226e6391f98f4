"""Issue 13, item 7 on the command line: `series add` with dates before today needs --past."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.test_cli import run
from tests.helpers.stores import cli_env, make_store

TODAY = date.today()
# The last Tuesday before today, and 11 more before it: 12 dates in the past.
LAST_PAST = TODAY - timedelta(days=(TODAY.weekday() - 1) % 7 or 7)
START = LAST_PAST - timedelta(weeks=11)
FIRST_FUTURE = LAST_PAST + timedelta(weeks=1)


def series_add(*extra: str) -> list[str]:
    """`series add` for 20 weekly meetings from START, nothing skipped."""
    return [
        "series",
        "add",
        "--name",
        "Casusoverleg Zwolle",
        "--start",
        START.isoformat(),
        "--time",
        "13:00",
        "--minutes",
        "90",
        "--every-weeks",
        "1",
        "--count",
        "20",
        *extra,
    ]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A closed, empty test store and the environment to reach it."""
    store, _ = make_store(tmp_path)
    store.close()
    return cli_env(store.path)


def _meetings(env: dict[str, str]) -> list[dict[str, object]]:
    listed = run("meetings", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows: list[dict[str, object]] = json.loads(listed.stdout)
    return rows


def test_without_past_it_exits_2_naming_the_flag_and_saves_nothing(env: dict[str, str]) -> None:
    for args in (series_add(), series_add("--dry-run"), series_add("--past", "later")):
        done = run(*args, env=env)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
    done = run(*series_add(), env=env)
    assert "12 data van deze reeks liggen vóór vandaag." in done.stderr
    assert "--past held" in done.stderr and "--past skip" in done.stderr
    assert (
        "--past: onbekend 'later'; kies held of skip."
        in run(*series_add("--past", "later"), env=env).stderr
    )
    assert _meetings(env) == []


def test_past_held_saves_held_meetings_and_skip_starts_today(env: dict[str, str]) -> None:
    done = run(*series_add("--past", "held"), env=env)
    assert done.returncode == 0, done.stderr
    assert "(gehouden)" in done.stdout
    rows = _meetings(env)
    assert len(rows) == 20
    held = [r for r in rows if r["status"] == "GEHOUDEN"]
    assert [r["date"] for r in held] == [
        (START + timedelta(weeks=w)).isoformat() for w in range(12)
    ]
    assert {r["status"] for r in rows[12:]} == {"GEPLAND"}

    other = [*series_add("--past", "skip")]
    other[other.index("Casusoverleg Zwolle")] = "Vanaf vandaag"
    done = run(*other, env=env)
    assert done.returncode == 0, done.stderr
    assert "(gehouden)" not in done.stdout
    mine = [r for r in _meetings(env) if r["series"] == "Vanaf vandaag"]
    assert len(mine) == 20
    assert mine[0]["date"] == FIRST_FUTURE.isoformat()
    assert {r["status"] for r in mine} == {"GEPLAND"}
