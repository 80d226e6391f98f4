"""The one guard for every written file: never the store or a file beside it, never over a file
unasked; and the atomic writer behind it."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from casusoverleg.errors import BadInput, DiskFull, os_reason
from casusoverleg.services import accounts, audit, backup, calendar, documents, exports, output
from casusoverleg.store.keyslots import KeyFile
from tests.helpers.scenario import build
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

STORE_REFUSED = "de opslag zelf of een bestand ernaast"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


@pytest.mark.parametrize(
    "name",
    [
        "zaken.db",
        "zaken.db.keys.json",
        "zaken.db-wal",
        "zaken.db-shm",
        "zaken.db-journal",
        "zaken.db.lock",
        "zaken.db.mislukt.jsonl",
        "zaken.db.keys.new",
        "zaken.db.logkop.json",
        "zaken.db.logboek-wacht.json",
        "zaken.db.vertraging.json",
        "zaken.db.iets-anders.csv",  # any file named after the store, in its folder
        "ZAKEN.DB",  # the same file on a case-insensitive file system
    ],
)
def test_the_store_and_every_file_beside_it_are_refused(tmp_path: Path, name: str) -> None:
    store = tmp_path / "zaken.db"
    store.write_bytes(b"versleuteld")
    with pytest.raises(BadInput, match=STORE_REFUSED):
        output.check_target(store, tmp_path / name, overwrite=True)
    assert store.read_bytes() == b"versleuteld"


def test_a_symlink_or_relative_path_to_the_store_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "opslag"
    folder.mkdir()
    store = folder / "zaken.db"
    store.write_bytes(b"versleuteld")
    (tmp_path / "export.csv").symlink_to(store)
    (tmp_path / "map").symlink_to(folder, target_is_directory=True)
    for target in (tmp_path / "export.csv", tmp_path / "map" / "zaken.db-wal"):
        with pytest.raises(BadInput, match=STORE_REFUSED):
            output.check_target(store, target, overwrite=True)
    os.link(store, tmp_path / "harde-link.csv")
    with pytest.raises(BadInput, match=STORE_REFUSED):
        output.check_target(store, tmp_path / "harde-link.csv", overwrite=True)
    monkeypatch.chdir(folder)
    with pytest.raises(BadInput, match=STORE_REFUSED):
        output.check_target(Path("zaken.db"), Path("..") / "opslag" / "zaken.db.lock")


def test_a_folder_a_missing_folder_and_an_existing_file(tmp_path: Path) -> None:
    store = tmp_path / "zaken.db"
    (tmp_path / "uit").mkdir()
    with pytest.raises(BadInput, match="is een map"):
        output.check_target(store, tmp_path / "uit", overwrite=True)
    with pytest.raises(BadInput, match="bestaat niet"):
        output.check_target(store, tmp_path / "nergens" / "x.csv")
    (tmp_path / "x.csv").write_text("oud")
    with pytest.raises(BadInput, match="bestaat al; gebruik --overwrite"):
        output.check_target(store, tmp_path / "x.csv")
    assert output.check_target(store, tmp_path / "x.csv", overwrite=True) == tmp_path / "x.csv"
    # A file in another folder with the store's name is not beside the store.
    assert (
        output.check_target(store, tmp_path / "uit" / "zaken.db") == tmp_path / "uit" / "zaken.db"
    )


def test_a_writer_that_fails_midway_leaves_no_temp_file_and_the_old_target(
    tmp_path: Path,
) -> None:
    store = tmp_path / "zaken.db"
    target = tmp_path / "lijst.csv"
    target.write_text("oud")
    logged: list[int] = []

    def half(tmp: str) -> int:
        Path(tmp).write_text("half geschreven")
        raise RuntimeError("schijf weg")

    with pytest.raises(RuntimeError):
        output.write_atomically(store, target, half, overwrite=True, before_replace=logged.append)
    assert target.read_text() == "oud" and logged == []

    def disk_error(tmp: str) -> int:
        Path(tmp).write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(DiskFull, match="De schijf is vol: lijst"):
        output.write_atomically(store, target, disk_error, overwrite=True)
    assert target.read_text() == "oud"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lijst.csv"]

    def whole(tmp: str) -> int:
        Path(tmp).write_text("nieuw")
        return 1

    with pytest.raises(BadInput, match="bestaat al"):
        output.write_atomically(store, target, whole)
    assert target.read_text() == "oud"
    assert (
        output.write_atomically(store, target, whole, overwrite=True, before_replace=logged.append)
        == 1
    )
    assert target.read_text() == "nieuw" and logged == [1]
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert output.write_atomically(store, tmp_path / "nieuw.csv", whole) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lijst.csv", "nieuw.csv"]


def test_every_writing_service_refuses_the_store_and_keeps_an_existing_file(
    tmp_path: Path,
) -> None:
    store, _ = make_store(tmp_path, "zaken.xlsx")
    scenario = build(store, cases_on_next=2)
    key_path = KeyFile.path_for(store.path)
    wal = Path(f"{store.path}-wal")
    try:
        attempts: list[tuple[str, Callable[[Path], object]]] = [
            (".csv", lambda p: exports.export_cases(store, p, overwrite=True)),
            (".xlsx", lambda p: exports.export_actions(store, p, overwrite=True)),
            (".xlsx", lambda p: exports.export_statistics(store, p, overwrite=True)),
            (".pdf", lambda p: documents.print_agenda(store, scenario.next_id, p, overwrite=True)),
            (".pdf", lambda p: documents.print_minutes(store, scenario.held_id, p, overwrite=True)),
            (".pdf", lambda p: documents.print_actions(store, p, overwrite=True)),
            (
                ".pdf",
                lambda p: documents.print_dossier(store, scenario.case_ids[0], p, overwrite=True),
            ),
            (
                ".ics",
                lambda p: calendar.export_meeting_ics(store, scenario.next_id, p, overwrite=True),
            ),
            (".zip", lambda p: backup.backup(store, p, overwrite=True)),
        ]
        for suffix, attempt in attempts:
            # A name after the store with the right suffix is refused by the guard itself;
            # the store, its key file and WAL also (or earlier, for a suffix the writer lacks).
            with pytest.raises(BadInput, match=STORE_REFUSED):
                attempt(Path(f"{store.path}.kopie{suffix}"))
            for target in (store.path, key_path, wal):
                with pytest.raises(BadInput):
                    attempt(target)
        with pytest.raises(BadInput, match=STORE_REFUSED):
            exports.export_cases(store, store.path, overwrite=True)
        events = len(audit.list_events(store))
        existing = tmp_path / "bestaat.xlsx"
        existing.write_bytes(b"oud")
        with pytest.raises(BadInput, match="bestaat al"):
            exports.export_cases(store, existing)
        pdf = tmp_path / "bestaat.pdf"
        pdf.write_bytes(b"oud")
        with pytest.raises(BadInput, match="bestaat al"):
            documents.print_agenda(store, scenario.next_id, pdf)
        assert existing.read_bytes() == b"oud" and pdf.read_bytes() == b"oud"
        # Nothing refused was logged as an export.
        assert len(audit.list_events(store)) == events
        assert exports.export_cases(store, existing, overwrite=True) > 0
        assert existing.read_bytes().startswith(b"PK")
        assert backup.check(store).ok
    finally:
        store.close()
    reopened = accounts.unlock(tmp_path / "zaken.xlsx", ACCOUNT, PASSPHRASE)
    assert backup.check(reopened).ok
    reopened.close()


def test_a_full_disk_is_said_in_dutch_and_leaves_nothing_behind(tmp_path: Path) -> None:
    store_path = tmp_path / "casusoverleg.db"
    store_path.write_bytes(b"opslag")
    target = tmp_path / "export.csv"

    def disk_full(_name: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # A full disk has an exit code of its own (5), not that of bad input.
    with pytest.raises(DiskFull) as refused:
        output.write_atomically(store_path, target, disk_full)
    assert refused.value.message.startswith("De schijf is vol: export.csv kan niet worden ")
    assert refused.value.exit_code == 5
    assert "space" not in refused.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["casusoverleg.db"]


def test_every_os_error_has_a_dutch_reason() -> None:
    assert os_reason(OSError(errno.EACCES, "Permission denied")) == "geen toestemming"
    assert os_reason(OSError(errno.ENOTEMPTY, "Directory not empty")) == "systeemfout ENOTEMPTY"
    assert os_reason(OSError("zonder nummer")) == "onbekende systeemfout"
