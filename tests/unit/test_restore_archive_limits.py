"""Backup archives within bounds (issue 10, defect 7, restore half): sizes and the entry count
are checked before anything is unpacked, and unpacking counts the bytes as it goes."""

from __future__ import annotations

import hashlib
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from casusoverleg.errors import BadInput, DamagedStore
from casusoverleg.services import accounts, backup
from casusoverleg.services.backup import ArchiveLimits
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

BOMB_SIZE = 8 * 1024 * 1024  # zeros: packs to about 8 kB


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A closed store in tmp_path/opslag and a real backup of it."""
    (tmp_path / "opslag").mkdir()
    store, _ = make_store(tmp_path / "opslag")
    zip_path = backup.backup(store, tmp_path / "back-up.zip")
    accounts.lock(store)
    return store.path, zip_path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every zip member anything opens for reading (a spy on zipfile, not on the store)."""
    names: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(name.filename if isinstance(name, zipfile.ZipInfo) else str(name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return names


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).digest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _repack(good: Path, target: Path, **replace: tuple[bytes, int]) -> Path:
    """The members of a good backup, some replaced by (data, compression)."""
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(target, "w") as zout:
        for name in zin.namelist():
            data, method = replace.get(name.replace(".", "_"), (zin.read(name), 0))
            zout.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return target


def test_a_zip_bomb_is_refused_before_a_byte_is_unpacked(
    tmp_path: Path, setup: tuple[Path, Path], opened: list[str]
) -> None:
    path, good = setup
    bomb = _repack(good, tmp_path / "bom.zip", opslag_db=(bytes(BOMB_SIZE), zipfile.ZIP_DEFLATED))
    assert bomb.stat().st_size < 64 * 1024
    before = _snapshot(path.parent)
    opened.clear()

    # The default limits: encrypted pages do not compress, so this ratio is no backup.
    with pytest.raises(BadInput, match=r"opslag\.db zou uitgepakt groter worden dan"):
        backup.restore(bomb, path, ACCOUNT, PASSPHRASE)
    with pytest.raises(BadInput, match=r"opslag\.db zou uitgepakt groter worden dan"):
        backup.read_info(bomb)
    assert "opslag.db" not in opened
    assert _snapshot(path.parent) == before


def test_a_member_above_its_cap_is_refused_before_unpacking(
    setup: tuple[Path, Path], opened: list[str]
) -> None:
    path, good = setup
    before = _snapshot(path.parent)
    small = ArchiveLimits(database=16 * 1024)
    with pytest.raises(BadInput, match=r"opslag\.db zou uitgepakt groter worden dan 16 kB"):
        backup.restore(good, path, ACCOUNT, PASSPHRASE, limits=small)
    with pytest.raises(BadInput, match="groter worden dan 100 bytes"):
        backup.restore(good, path, ACCOUNT, PASSPHRASE, limits=ArchiveLimits(metadata=100))
    assert opened == []
    assert _snapshot(path.parent) == before
    # Within the limits the same backup restores.
    assert backup.restore(good, path, ACCOUNT, PASSPHRASE).audit.ok


def test_a_declared_size_that_lies_does_not_unpack_past_it(
    tmp_path: Path, setup: tuple[Path, Path]
) -> None:
    path, good = setup
    bomb = _repack(good, tmp_path / "bom.zip", opslag_db=(bytes(BOMB_SIZE), zipfile.ZIP_DEFLATED))
    # Both headers now say opslag.db unpacks to 4096 bytes; it still inflates to 8 MiB.
    data = bytearray(bomb.read_bytes())
    # (signature, where the size sits, where the name starts) of the central and local header.
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = data.find(signature)
        while not data[at + name_at :].startswith(b"opslag.db"):
            at = data.find(signature, at + 1)
        struct.pack_into("<I", data, at + size_at, 4096)
    liar = tmp_path / "leugen.zip"
    liar.write_bytes(bytes(data))
    with zipfile.ZipFile(liar) as zf:
        assert zf.getinfo("opslag.db").file_size == 4096
    before = _snapshot(path.parent)
    with pytest.raises((BadInput, DamagedStore)):
        backup.restore(liar, path, ACCOUNT, PASSPHRASE)
    assert _snapshot(path.parent) == before


def test_only_the_three_known_members(tmp_path: Path, setup: tuple[Path, Path]) -> None:
    path, good = setup
    extra = tmp_path / "extra.zip"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(extra, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
        zout.writestr("../../buiten.txt", b"x")
    before = _snapshot(path.parent)
    with pytest.raises(BadInput, match="het bevat 4 onderdelen, een back-up heeft er 3"):
        backup.restore(extra, path, ACCOUNT, PASSPHRASE)
    packed = _repack(good, tmp_path / "bz2.zip", info_json=(b"{}", zipfile.ZIP_BZIP2))
    with pytest.raises(BadInput, match="onbekende manier ingepakt"):
        backup.read_info(packed)
    assert _snapshot(path.parent) == before
    assert not (tmp_path / "buiten.txt").exists()
