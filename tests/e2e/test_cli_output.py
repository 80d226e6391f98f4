"""No command writes onto the store or a file beside it, or over a file without --overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusoverleg.services import accounts, backup, cases
from casusoverleg.store.keyslots import KeyFile
from tests.e2e.test_cli import run
from tests.helpers.scenario import build
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store, sample_case

REFUSED = "is de opslag zelf of een bestand ernaast"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def _still_opens(path: Path) -> None:
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        assert backup.check(store).ok
    finally:
        store.close()


@pytest.fixture
def xlsx_store(tmp_path: Path) -> Path:
    """A closed store that happens to be named like an export (zaken.xlsx)."""
    store, _ = make_store(tmp_path, "zaken.xlsx")
    for first in ("Sanne", "Daan"):
        cases.create_case(store, sample_case(first))
    store.close()
    return store.path


def test_export_onto_a_store_named_like_the_export_is_refused(xlsx_store: Path) -> None:
    before = _snapshot(xlsx_store.parent)
    for extra in ([], ["--overwrite"]):
        done = run("export", "cases", str(xlsx_store), *extra, env=cli_env(xlsx_store))
        assert done.returncode == 2, done.stderr
        assert REFUSED in done.stderr and "Traceback" not in done.stderr
        assert _snapshot(xlsx_store.parent) == before
    _still_opens(xlsx_store)


def test_agenda_onto_a_store_named_like_the_pdf_is_refused(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path, "verslag.pdf")
    build(store, cases_on_next=2)
    store.close()
    before = _snapshot(tmp_path)
    done = run("agenda", "next", "-o", str(store.path), "--overwrite", env=cli_env(store.path))
    assert done.returncode == 2, done.stderr
    assert REFUSED in done.stderr
    assert _snapshot(tmp_path) == before
    _still_opens(store.path)


@pytest.mark.parametrize("side", [".keys.json", "-wal", ".lock"])
def test_a_file_beside_the_store_is_refused(xlsx_store: Path, side: str) -> None:
    target = Path(f"{xlsx_store}{side}")
    if side == ".keys.json":
        assert target == KeyFile.path_for(xlsx_store) and target.exists()
    before = _snapshot(xlsx_store.parent)
    done = run("ics", "1", "-o", str(target), "--overwrite", env=cli_env(xlsx_store))
    assert done.returncode == 2, done.stderr
    assert REFUSED in done.stderr
    done = run("backup", str(target), "--overwrite", env=cli_env(xlsx_store))
    assert done.returncode == 2, done.stderr
    assert REFUSED in done.stderr
    assert _snapshot(xlsx_store.parent) == before
    _still_opens(xlsx_store)


def test_an_existing_file_is_replaced_only_with_overwrite(xlsx_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "uit"
    out.mkdir()
    target = out / "export.csv"
    target.write_bytes(b"niet weggooien")
    before = _snapshot(xlsx_store.parent)
    done = run("export", "cases", str(target), env=cli_env(xlsx_store))
    assert done.returncode == 2
    assert "bestaat al; gebruik --overwrite" in done.stderr
    assert target.read_bytes() == b"niet weggooien"
    assert _snapshot(xlsx_store.parent) == before  # refused before the store was unlocked

    done = run("export", "cases", str(target), "--overwrite", env=cli_env(xlsx_store))
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8-sig").startswith("casusnummer;")
    assert sorted(p.name for p in out.iterdir()) == ["export.csv"]  # no temp file left

    dest = out / "back-up.zip"
    dest.write_bytes(b"oud")
    done = run("backup", str(dest), env=cli_env(xlsx_store))
    assert done.returncode == 2 and "--overwrite" in done.stderr
    assert dest.read_bytes() == b"oud"
    done = run("backup", str(dest), "--overwrite", env=cli_env(xlsx_store))
    assert done.returncode == 0, done.stderr
    assert backup.read_info(dest).store_id
