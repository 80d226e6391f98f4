"""`import cases` and the Leerplichtwet, end to end in a subprocess (issue 11 items 3 and 4):
an implausible row is refused with exit 2 naming article and row, the store keeps its cases;
a written-out "artikel 5a" is refused naming art. 5a; a confirmed row is imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusoverleg.services import accounts, cases
from tests.e2e.test_cli import run
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store, sample_case

HEADER = "casusnummer;voornaam;achternaam;geboortedatum;grond;aangemeld_op;afwijking_bevestigd"
GOOD = "2026-0101;Daan;Bakker;12-03-2014;5 onder a;01-09-2026;"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A closed test store with one case."""
    store, _ = make_store(tmp_path)
    cases.create_case(store, sample_case(case_number="2026-0001"))
    store.close()
    return store.path


def _numbers(store_path: Path) -> list[str]:
    store = accounts.unlock(store_path, ACCOUNT, PASSPHRASE)
    try:
        return [r.case_number for r in cases.list_cases(store, log_search=False)]
    finally:
        store.close()


def _import(store_path: Path, path: Path, *rows: str) -> tuple[int, str, str]:
    path.write_text("\r\n".join([HEADER, *rows]), "utf-8")
    done = run("import", "cases", str(path), env=cli_env(store_path))
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def test_lpw_art15_ground_at_age_10_exits_2_naming_article_and_row(
    store_path: Path, tmp_path: Path
) -> None:
    """Lpw art. 15 lid 1 (art. 4a): an art. 15 ground at age 10 is a rejected row."""
    code, _, err = _import(
        store_path, tmp_path / "l.csv", GOOD, "2026-0102;Noor;Visser;01-05-2016;15;01-09-2026;"
    )
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith("casusoverleg: Import geweigerd: 1 fout(en) in 1 regel(s)")
    assert lines[1].startswith("  regel 3, kolom grond: Past niet bij de Leerplichtwet: Art. 15")
    assert "(Lpw art. 15 lid 1, art. 4a)" in lines[1] and "afwijking_bevestigd" in lines[1]
    assert "Noor" not in err and "Visser" not in err
    assert _numbers(store_path) == ["2026-0001"]  # nothing imported, the good row neither


def test_lpw_art5a_written_out_exits_2_naming_art5a(store_path: Path, tmp_path: Path) -> None:
    """Lpw art. 5a (trekkend bestaan) written out is refused, not read as 5 onder a."""
    code, _, err = _import(
        store_path,
        tmp_path / "l.csv",
        GOOD,
        "2026-0102;Noor;Visser;01-05-2014;artikel 5a Lpw;01-09-2026;",
    )
    assert code == 2
    assert "regel 3, kolom grond: Artikel 5a van de Leerplichtwet" in err
    assert "trekkend bestaan" in err and 'schrijf dan "5 onder a"' in err
    assert _numbers(store_path) == ["2026-0001"]


def test_lpw_art15_confirmed_row_is_imported(store_path: Path, tmp_path: Path) -> None:
    """Lpw art. 15: with afwijking_bevestigd = ja the file confirms it; exit 0."""
    code, out, err = _import(
        store_path, tmp_path / "l.csv", GOOD, "2026-0102;Noor;Visser;01-05-2016;15;01-09-2026;ja"
    )
    assert code == 0, err
    assert "2 casussen geïmporteerd." in out
    assert _numbers(store_path) == ["2026-0001", "2026-0101", "2026-0102"]
