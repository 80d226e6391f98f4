"""The command line starts fast and keeps its contract for scripts (issue 14).

--help and --version import nothing heavy; `init` takes CASUSOVERLEG_PASSPHRASE; a reader that
stops early (`| head`) ends the program quietly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from casusoverleg.services import cases
from tests.e2e.test_cli import SCRIPT, run
from tests.helpers.stores import cli_env, make_store, sample_case

HEAVY = ("sqlalchemy", "alembic", "PySide6", "reportlab", "openpyxl", "sqlcipher3", "faker")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["check", "--help"]])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from ui.main import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "casusoverleg" in done.stdout
    assert done.stderr.strip().endswith("HEAVY="), done.stderr


def test_init_takes_the_passphrase_variable_that_design_names(tmp_path: Path) -> None:
    path = tmp_path / "nieuw.db"
    env = cli_env(path, passphrase="een lang genoeg wachtwoord")
    env.pop("CASUSOVERLEG_NEW_PASSPHRASE", None)
    done = run("init", env=env)
    assert done.returncode == 0, done.stderr
    assert "HERSTELSLEUTEL" in done.stdout
    assert run("check", env=env).returncode == 0  # the same variable opens it


def test_init_without_any_passphrase_names_the_variable(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "nieuw.db")
    for name in ("CASUSOVERLEG_PASSPHRASE", "CASUSOVERLEG_NEW_PASSPHRASE"):
        env.pop(name, None)
    done = run("init", env=env)
    assert done.returncode == 2
    assert "CASUSOVERLEG_PASSPHRASE" in done.stderr
    assert list(tmp_path.iterdir()) == []


def _with_reader_gone(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the command with stdout a pipe whose reader has already stopped (as `| head` does
    once it has its lines)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [str(SCRIPT), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize("args", [["cases"], ["meetings"], ["--help"], ["--version"]])
def test_a_reader_that_stops_early_ends_it_quietly(tmp_path: Path, args: list[str]) -> None:
    store, _ = make_store(tmp_path)
    for i in range(60):
        cases.create_case(store, sample_case(f"Kind{i}"))
    store.close()
    done = _with_reader_gone(*args, env=cli_env(store.path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
