"""`import cases` end to end: the file is read before the store is opened, output is bounded
and escaped (issue 10 items 7 and 8)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from casusoverleg.services import accounts, cases
from tests.e2e.test_cli import run
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store, sample_case

SCRIPT = Path(sys.executable).with_name("casusoverleg")
HEADER = (
    "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;casushouder"
)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A closed test store with one case."""
    store, _ = make_store(tmp_path)
    cases.create_case(store, sample_case(case_number="2026-0001"))
    store.close()
    return store.path


def _count(store_path: Path) -> int:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        return cases.count_cases(store)
    finally:
        store.close()


def test_two_thousand_bad_rows_print_a_hundred_and_a_count(
    store_path: Path, tmp_path: Path
) -> None:
    bad = "2026-{:04d};;de Vries;31-02-2014;;vijf;klaar;;"
    path = tmp_path / "fout.csv"
    path.write_text("\n".join([HEADER, *(bad.format(i) for i in range(2, 2_002))]), "utf-8")
    done = run("import", "cases", str(path), env=cli_env(store_path))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith("casusoverleg: Import geweigerd: 8.000 fout(en) in 2.000 regel(s)")
    assert len(lines) == 1 + 100 + 1 + 1
    assert lines[1] == "  regel 2, kolom voornaam: Vul de voornaam in."
    assert lines[-2] == "  … en nog 7.900 problemen"
    assert lines[-1] == "Tekenset van het bestand: UTF-8."
    assert "Traceback" not in done.stderr
    assert _count(store_path) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_fifo_is_refused_before_the_store_is_opened(store_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "lijst.csv"
    os.mkfifo(fifo)
    # A wrong passphrase as well: the file is refused first, the store is never opened
    # (the old code unlocked, then hung in open() while holding the store's lock).
    done = run("import", "cases", str(fifo), env=cli_env(store_path, passphrase="fout fout fout"))
    assert done.returncode == 2, done.stderr
    assert "lijst.csv is geen gewoon bestand" in done.stderr
    assert _count(store_path) == 1


def test_terminal_escape_codes_are_shown_not_obeyed(store_path: Path, tmp_path: Path) -> None:
    number = "\x1b[2J\x1b[31mF-0001\u202e"
    done = run("dossier", number, "-o", str(tmp_path / "d.pdf"), env=cli_env(store_path))
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr
    assert "\\u001b[2J\\u001b[31mF-0001\\u202e" in done.stderr
    missing = tmp_path / "lijst\x1b[31m.csv"
    done = run("import", "cases", str(missing), env=cli_env(store_path))
    assert done.returncode == 2
    assert "lijst\\u001b[31m.csv bestaat niet" in done.stderr
    assert "\x1b" not in done.stderr


def test_a_windows_1252_csv_from_excel_nl_is_imported(store_path: Path, tmp_path: Path) -> None:
    # As Excel-NL saves 'CSV (gescheiden door lijstscheidingsteken)': ';', CRLF, Windows-1252.
    path = tmp_path / "excel.csv"
    rows = [
        HEADER,
        "2026-0101;Chloë;Müller;12-03-2014;De Brug €;5 onder a;;;",
        "2026-0102;René;Anaïs;01-07-2012;;thuiszitter;;;",
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    done = run("import", "cases", str(path), env=cli_env(store_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "2 casussen geïmporteerd.",
        "Tekenset van het bestand: Windows-1252 (Excel 'CSV (gescheiden door "
        "lijstscheidingsteken)').",
    ]
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        stored = {
            r.case_number: (r.first_name, r.last_name, r.school)
            for r in cases.list_cases(store, log_search=False)
        }
    finally:
        store.close()
    assert stored["2026-0101"] == ("Chloë", "Müller", "De Brug €")
    assert stored["2026-0102"] == ("René", "Anaïs", "")
