"""Backup and restore of a store on a server, in the embedded store's file format (issue 15):
a server's backup restores into a store file, a store file's backup onto a server, the same
store over itself with today's accounts, and a bad backup changes nothing."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from casusoverleg.errors import BadInput, CasusoverlegError, DamagedStore, WrongKey
from casusoverleg.services import accounts, backup, cases, exports
from casusoverleg.services.backup import OtherStore, read_info, restore
from casusoverleg.services.server_backup import backup_server, restore_to_server
from casusoverleg.services.server_store import address, init_server_store, unlock_server
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from casusoverleg.store.models import Base
from casusoverleg.store.server import make_server_engine
from tests.e2e.test_cli import run
from tests.helpers.stores import ACCOUNT, PASSPHRASE, cli_env, make_store, sample_case

NAMES = ("Yara", "Yıldırım", "Siobhan", "Bakker")


def _fill(store: Store) -> None:
    cases.create_case(store, sample_case("Yara", "Yıldırım", notes="Moeder belt vaak."))
    cases.create_case(store, sample_case("Siobhan", "Bakker", school="Het Stedelijk"))


def _export(store: Store, folder: Path, name: str) -> str:
    target = folder / f"{name}.csv"
    exports.export_cases(store, target)
    return target.read_text(encoding="utf-8")


def _server_store(url: str) -> Store:
    return init_server_store(url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store


def _counts(url: str) -> dict[str, int]:
    engine = make_server_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: int(conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar_one())  # noqa: S608
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_a_server_backup_restores_into_a_store_file_with_the_same_cases(
    pg_url: str, tmp_path: Path
) -> None:
    store = _server_store(pg_url)
    try:
        _fill(store)
        dest = backup_server(store, tmp_path / "server.zip")
        on_server = _export(store, tmp_path, "server")
        assert backup.last_backup_time(store) is not None
    finally:
        accounts.lock(store)
    with zipfile.ZipFile(dest) as zf:
        assert sorted(zf.namelist()) == ["info.json", "opslag.db", "sleutels.json"]
    info = read_info(dest)
    assert info.log_head is not None

    result = restore(dest, tmp_path / "hier.db", ACCOUNT, PASSPHRASE)
    assert result.previous is None and result.audit.ok
    restored = accounts.unlock(tmp_path / "hier.db", ACCOUNT, PASSPHRASE)
    try:
        assert _export(restored, tmp_path, "bestand") == on_server
        assert "Yıldırım" in on_server
        assert backup.check(restored).ok
    finally:
        accounts.lock(restored)


def test_a_store_file_backup_restores_onto_an_empty_server_sealed(
    pg_url: str, tmp_path: Path
) -> None:
    own, _ = make_store(tmp_path)
    try:
        _fill(own)
        src = backup.backup(own, tmp_path / "bestand.zip")
        on_file = _export(own, tmp_path, "bestand")
        store_id = own.key_file.store_id
    finally:
        accounts.lock(own)

    result = restore_to_server(src, pg_url, ACCOUNT, PASSPHRASE)
    assert result.previous is None and not result.rekeyed and result.audit.ok
    assert result.accounts == (ACCOUNT,)
    store = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        assert store.key_file.store_id == store_id
        assert _export(store, tmp_path, "server") == on_file
        report = backup.check(store)
        assert report.ok, report.lines()
        # A new case gets a fresh id after the restored ones (the sequences were set).
        cases.create_case(store, sample_case("Nieuw", "Kind"))
        assert len(cases.list_cases(store, log_search=False)) == 3
    finally:
        accounts.lock(store)
    engine = make_server_engine(pg_url)
    try:
        with engine.connect() as conn:
            raw = " ".join(
                str(v) for row in conn.execute(text("SELECT * FROM case_file")) for v in row
            )
    finally:
        engine.dispose()
    for name in NAMES:
        assert name not in raw


def test_restoring_a_changed_server_store_brings_the_old_cases_back_with_todays_accounts(
    pg_url: str, tmp_path: Path
) -> None:
    store = _server_store(pg_url)
    try:
        _fill(store)
        src = backup_server(store, tmp_path / "toen.zip")
        before = _export(store, tmp_path, "toen")
        cases.create_case(store, sample_case("Later", "Toegevoegd"))
        key = store.key
    finally:
        accounts.lock(store)

    result = restore_to_server(src, pg_url, ACCOUNT, PASSPHRASE)
    assert result.rekeyed and result.accounts == (ACCOUNT,)
    assert result.previous is not None and result.previous.is_file()
    assert result.audit.ok
    lines = backup.restore_lines(result)
    assert lines[0].startswith("De opslag heeft een nieuwe sleutel")

    store = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        assert store.key == key  # today's key and slots stay
        assert _export(store, tmp_path, "nu") == before
        report = backup.check(store)
        assert report.ok, report.lines()
    finally:
        accounts.lock(store)

    # What was replaced is in the previous backup, which restores into a store file.
    restore(result.previous, tmp_path / "vorige.db", ACCOUNT, PASSPHRASE)
    kept = accounts.unlock(tmp_path / "vorige.db", ACCOUNT, PASSPHRASE)
    try:
        assert "Toegevoegd" in _export(kept, tmp_path, "vorige")
    finally:
        accounts.lock(kept)


def test_a_wrong_passphrase_or_a_damaged_backup_changes_nothing_on_the_server(
    pg_url: str, tmp_path: Path
) -> None:
    store = _server_store(pg_url)
    try:
        _fill(store)
        src = backup_server(store, tmp_path / "goed.zip")
        cases.create_case(store, sample_case("Later", "Toegevoegd"))
    finally:
        accounts.lock(store)
    counts = _counts(pg_url)

    with pytest.raises(WrongKey, match="onjuist wachtwoord"):
        restore_to_server(src, pg_url, ACCOUNT, "niet het goede wachtwoord")
    assert _counts(pg_url) == counts

    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        start = zf.getinfo("opslag.db").header_offset + 30 + len("opslag.db")
    middle = start + 5000
    data[middle : middle + 64] = bytes(64)
    damaged = tmp_path / "beschadigd.zip"
    damaged.write_bytes(bytes(data))
    with pytest.raises(CasusoverlegError, match="beschadigd") as caught:
        restore_to_server(damaged, pg_url, ACCOUNT, PASSPHRASE)
    assert isinstance(caught.value, DamagedStore | BadInput)
    assert _counts(pg_url) == counts

    other, _ = make_store(tmp_path)
    try:
        foreign = backup.backup(other, tmp_path / "ander.zip")
    finally:
        accounts.lock(other)
    with pytest.raises(OtherStore, match="andere opslag"):
        restore_to_server(foreign, pg_url, ACCOUNT, PASSPHRASE)
    assert _counts(pg_url) == counts


def _normalise(out: str, *paths: str) -> str:
    for path in paths:
        out = out.replace(path, "<pad>")
    return re.sub(r"De vorige opslag staat nog in .*", "De vorige opslag staat nog in <pad>", out)


def _backup_and_restore(env: dict[str, str], folder: Path, where: str) -> list[str]:
    folder.mkdir()
    csv = folder / "lijst.csv"
    csv.write_text(
        "casusnummer;voornaam;achternaam;geboortedatum;school;grond\n"
        "2026-0101;Yara;Yıldırım;04-05-2013;OBS De Toermalijn;5 onder a\n",
        encoding="utf-8",
    )
    outputs = []
    for args in (
        ("import", "cases", str(csv)),
        ("backup", str(folder / "b.zip")),
        ("restore", str(folder / "b.zip")),
        ("cases",),
    ):
        done = run(*args, env=env)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        outputs.append(_normalise(done.stdout, str(folder), where))
    return outputs


def test_backup_and_restore_on_the_command_line_say_the_same_on_a_server(
    pg_url: str, tmp_path: Path
) -> None:
    accounts.lock(_server_store(pg_url))
    server_env = cli_env(Path("onbelangrijk"))
    server_env["CASUSOVERLEG_STORE"] = pg_url
    server_env["XDG_DATA_HOME"] = str(tmp_path / "data")
    own, _ = make_store(tmp_path)
    own.close()
    file_env = cli_env(own.path)
    file_env["XDG_DATA_HOME"] = str(tmp_path / "data")

    on_server = _backup_and_restore(server_env, tmp_path / "server", address(pg_url))
    on_file = _backup_and_restore(file_env, tmp_path / "bestand", str(own.path))
    assert on_server == on_file
    assert "Back-up teruggezet in <pad>." in on_server[2]
    assert "2026-0101" in on_server[3]
    done = run("check", env=server_env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_failure_inside_the_restore_leaves_an_empty_database_empty(
    pg_url: str, tmp_path: Path
) -> None:
    own, _ = make_store(tmp_path)
    try:
        _fill(own)
        src = backup.backup(own, tmp_path / "bestand.zip")
    finally:
        accounts.lock(own)
    # The manifest names another log end than the log in the backup: found only after every
    # row is on the server, inside the one transaction.
    tampered = tmp_path / "gewijzigd.zip"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for member in zin.namelist():
            data = zin.read(member)
            if member == "info.json":
                info = json.loads(data)
                info["log_head"]["hash"] = "0" * 64
                data = json.dumps(info).encode("utf-8")
            zout.writestr(member, data)

    with pytest.raises(DamagedStore, match="klopt niet met de back-up zelf"):
        restore_to_server(tampered, pg_url, ACCOUNT, PASSPHRASE)
    engine = make_server_engine(pg_url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert tables == 0  # not even the schema: it was made in the same transaction
