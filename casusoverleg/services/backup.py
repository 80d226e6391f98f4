"""Backups, restore and the integrity check of a store.

A backup is one zip file (stored, not compressed: the data is encrypted anyway) holding
`opslag.db` (a consistent encrypted copy, made by `sqlcipher_export` while the app may go on
working), `sleutels.json` (the key file, so the backup opens with the same passphrases) and
`info.json` (app version, date, store id, schema revision: nothing about children).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from casusoverleg import __version__
from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput, DamagedStore, NewerStore, WrongKey
from casusoverleg.services import accounts, audit, keycheck, output
from casusoverleg.services.audit import ChainReport
from casusoverleg.services.keycheck import KeyFileReport
from casusoverleg.services.store import Store
from casusoverleg.store.copying import export_encrypted_copy
from casusoverleg.store.engine import connect_raw, integrity_problems, make_engine
from casusoverleg.store.keyslots import (
    RECOVERY_ACCOUNT,
    KeyFile,
    fsync_dir,
    normalise_recovery_key,
)
from casusoverleg.store.lock import StoreLock
from casusoverleg.store.migrate import alembic_config, head_revision, upgrade_store
from casusoverleg.store.models import ActionItem, AuditEvent, Case, Setting

BACKUP_DB = "opslag.db"
BACKUP_KEYS = "sleutels.json"
BACKUP_INFO = "info.json"
BACKUP_FORMAT = 1
LAST_BACKUP_SETTING = "last_backup"
_APP_NAME = "Casusoverleg"
_ASIDE_MARK = "voor-terugzetten"

_NOT_A_BACKUP = (
    "{src} is geen (volledige) back-up van Casusoverleg: {reason}. "
    "Kies het .zip-bestand dat 'casusoverleg backup' heeft gemaakt."
)


@dataclass(frozen=True)
class BackupInfo:
    """What a backup's info.json says about it."""

    app_version: str
    created: datetime
    store_id: str
    schema_revision: str | None


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore: where the store is now and where the replaced one was kept."""

    store_path: Path
    info: BackupInfo
    previous: Path | None  # the replaced store, kept as <name>.voor-terugzetten-<tijd>
    kept_aside: tuple[Path, ...]  # every file moved aside (store, -wal, key file, …)
    audit: ChainReport  # the restored store's log chain


@dataclass(frozen=True)
class CheckReport:
    """Outcome of `check`: integrity of the file, the log chain, counts and schema revision."""

    integrity_problems: tuple[str, ...]
    audit: ChainReport
    cases: int | None
    actions: int | None
    audit_events: int | None
    schema_revision: str | None
    expected_revision: str
    last_backup: datetime | None
    key_file: KeyFileReport | None = None  # None: not compared (the store itself is damaged)

    @property
    def integrity_ok(self) -> bool:
        """Whether `cipher_integrity_check` and `quick_check` found nothing."""
        return not self.integrity_problems

    @property
    def ok(self) -> bool:
        """Whether the file is sound, the key file verified and the log chain unbroken."""
        return self.integrity_ok and self.audit.ok and (self.key_file is None or self.key_file.ok)

    def lines(self) -> list[str]:
        """The report in Dutch, one finding per line (for the CLI and the settings screen)."""
        if self.integrity_ok:
            out = ["Opslag in orde (versleuteling en structuur gecontroleerd)."]
        else:
            out = [f"Opslag beschadigd: {len(self.integrity_problems)} fout(en) gevonden."]
            out.extend(f"  {p}" for p in self.integrity_problems[:20])
        if self.key_file is not None:
            out.extend(self.key_file.lines())
        out.append(self.audit.message)
        if self.cases is not None:
            out.append(
                f"Casussen: {self.cases}, actiepunten: {self.actions}, "
                f"logboekregels: {self.audit_events}."
            )
        out.append(f"Schemaversie: {self.schema_revision or 'onbekend'}.")
        if self.last_backup is None:
            out.append("Laatste back-up: nog nooit.")
        else:
            out.append(f"Laatste back-up: {self.last_backup.astimezone():%d-%m-%Y %H:%M}.")
        return out


# -- backup ------------------------------------------------------------------------------------


def backup(store: Store, dest: Path, *, overwrite: bool = False) -> Path:
    """Write an encrypted backup of the open store to `dest` (a .zip); returns its path."""
    # The one guard of every written file: not the store or a file beside it, not a folder,
    # not over an existing file without `overwrite`.
    dest = output.check_target(store.path, dest, overwrite=overwrite)
    # Key and key file are taken together, so the copy and its key file always belong together.
    key = store.key
    keys_json = json.dumps(store.key_file.to_json(), indent=2).encode("utf-8")
    store_id = store.key_file.store_id
    work = Path(tempfile.mkdtemp(prefix=".back-up-", dir=dest.parent))
    try:
        copy = work / BACKUP_DB
        try:
            export_encrypted_copy(store.engine, key, copy)
        except sqlcipher.OperationalError as exc:
            raise BadInput(
                f"De back-up kan niet worden geschreven in {dest.parent}: {exc}."
            ) from exc
        except sqlcipher.DatabaseError as exc:
            raise DamagedStore(
                "De opslag kan niet volledig worden gelezen; er is geen back-up gemaakt. "
                "Controleer de opslag met 'casusoverleg check'."
            ) from exc
        # Check the copy as restore will, so a backup that would not restore is never made.
        revision = _verified_revision(copy, key)
        created = datetime.now(UTC)
        info = {
            "app": _APP_NAME,
            "format": BACKUP_FORMAT,
            "app_version": __version__,
            "created": created.isoformat(timespec="seconds"),
            "store_id": store_id,
            "schema_revision": revision,
        }
        tmp = _write_zip(dest, copy, keys_json, json.dumps(info, indent=2).encode("utf-8"))
        try:
            # Logged before the file appears under its name: no copy without a log line.
            with store.write() as session:
                audit.record(
                    session, store, AuditAction.BACKUP, object_type="opslag", detail=f"naar {dest}"
                )
                _set_last_backup(session, created)
            output.publish(tmp, dest, overwrite=overwrite)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    fsync_dir(dest.parent)
    return dest


def last_backup_time(store: Store) -> datetime | None:
    """When the last backup of this store was made (aware datetime), or None."""
    with store.read() as session:
        return _last_backup(session)


def read_info(src: Path) -> BackupInfo:
    """What a backup file says about itself, without unpacking the store."""
    try:
        with zipfile.ZipFile(src) as zf:
            _check_members(src, zf)
            return _parse_info(src, zf.read(BACKUP_INFO))
    except FileNotFoundError as exc:
        raise BadInput(f"Back-upbestand niet gevonden: {src}") from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise BadInput(_NOT_A_BACKUP.format(src=src, reason="geen leesbaar zip-bestand")) from exc


def _write_zip(dest: Path, copy: Path, keys_json: bytes, info_json: bytes) -> Path:
    """The zip, complete and on disk, under a temporary name beside `dest` (owner-only)."""
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o600)
        stamp = datetime.now().timetuple()[:6]
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.write(copy, BACKUP_DB)
                for member, data in ((BACKUP_KEYS, keys_json), (BACKUP_INFO, info_json)):
                    entry = zipfile.ZipInfo(member, date_time=stamp)
                    entry.external_attr = 0o600 << 16
                    zf.writestr(entry, data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _set_last_backup(session: Session, when: datetime) -> None:
    session.merge(Setting(key=LAST_BACKUP_SETTING, value=when.isoformat(timespec="seconds")))


def _last_backup(session: Session) -> datetime | None:
    setting = session.get(Setting, LAST_BACKUP_SETTING)
    if setting is None:
        return None
    try:
        when = datetime.fromisoformat(setting.value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _verified_revision(db: Path, key: bytes) -> str | None:
    """Run both integrity checks on a copy and return its schema revision."""
    try:
        conn = connect_raw(db, key)
    except WrongKey as exc:
        # The key came out of an authenticated slot (or is the store's own): the file is bad.
        raise DamagedStore(
            "De back-up is beschadigd: de sleutel is juist, maar de opslag erin is niet leesbaar."
        ) from exc
    try:
        problems = integrity_problems(conn)
        if problems:
            raise DamagedStore(
                f"De opslag in de back-up is beschadigd ({len(problems)} fout(en) bij de "
                "controle); er is niets veranderd."
            )
        return _revision(conn)
    finally:
        conn.close()


def _revision(conn: sqlcipher.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlcipher.DatabaseError:
        return None
    return str(row[0]) if row else None


# -- restore -----------------------------------------------------------------------------------


def restore(src: Path, store_path: Path, account: str, passphrase: str) -> RestoreResult:
    """Replace the store at `store_path` by a backup; the current store is kept beside it.

    Everything is unpacked and checked first; the swap is a few renames under the store lock,
    undone if anything after them fails, so a failed restore leaves the current store as it was.
    """
    if not src.is_file():
        raise BadInput(f"Back-upbestand niet gevonden: {src}")
    if not passphrase:
        raise BadInput("Geef een wachtwoord.")
    store_path = Path(os.path.abspath(store_path))
    if not store_path.parent.is_dir():
        raise BadInput(f"De map {store_path.parent} bestaat niet.")
    if store_path.is_dir():
        raise BadInput(f"{store_path} is een map, geen opslag.")
    work = Path(tempfile.mkdtemp(prefix=".terugzetten-", dir=store_path.parent))
    try:
        info = _unpack(src, work)
        key_file = KeyFile.load(work / BACKUP_KEYS)
        if key_file.store_id != info.store_id:
            raise BadInput(
                _NOT_A_BACKUP.format(src=src, reason="de onderdelen horen niet bij elkaar")
            )
        is_recovery = account.strip().casefold() == RECOVERY_ACCOUNT
        secret = normalise_recovery_key(passphrase) if is_recovery else passphrase
        key = key_file.unwrap(account.strip(), secret)
        slot = key_file.find(account.strip())
        assert slot is not None  # unwrap succeeded
        revision = _verified_revision(work / BACKUP_DB, key)
        _check_known_revision(revision)
        lock = StoreLock(store_path)
        lock.acquire(slot.account)
        try:
            return _swap_in(src, work, store_path, info, key, key_file, slot.account, lock)
        finally:
            lock.release()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unpack(src: Path, work: Path) -> BackupInfo:
    """Copy the three members into `work` (fixed names; the zip's own paths are never used)."""
    try:
        with zipfile.ZipFile(src) as zf:
            _check_members(src, zf)
            info = _parse_info(src, zf.read(BACKUP_INFO))
            for member in (BACKUP_DB, BACKUP_KEYS):
                target = work / member
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with zf.open(member) as fin, os.fdopen(fd, "wb") as fout:
                    shutil.copyfileobj(fin, fout, 1024 * 1024)
                    fout.flush()
                    os.fsync(fout.fileno())
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):
            raise DamagedStore(
                f"Het back-upbestand {src} is beschadigd (controlegetal klopt niet); "
                "er is niets veranderd."
            ) from exc
        raise BadInput(_NOT_A_BACKUP.format(src=src, reason="geen leesbaar zip-bestand")) from exc
    except EOFError as exc:
        raise BadInput(_NOT_A_BACKUP.format(src=src, reason="het bestand is afgebroken")) from exc
    return info


def _check_members(src: Path, zf: zipfile.ZipFile) -> None:
    missing = {BACKUP_DB, BACKUP_KEYS, BACKUP_INFO} - set(zf.namelist())
    if missing:
        reason = "ontbreekt " + ", ".join(sorted(missing))
        raise BadInput(_NOT_A_BACKUP.format(src=src, reason=reason))


def _parse_info(src: Path, raw: bytes) -> BackupInfo:
    try:
        data: Any = json.loads(raw.decode("utf-8"))
        if data["app"] != _APP_NAME or data["format"] != BACKUP_FORMAT:
            raise ValueError("unknown backup format")
        created = datetime.fromisoformat(data["created"])
        revision = data.get("schema_revision")
        return BackupInfo(
            app_version=str(data["app_version"]),
            created=created if created.tzinfo else created.replace(tzinfo=UTC),
            store_id=str(data["store_id"]),
            schema_revision=None if revision is None else str(revision),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInput(_NOT_A_BACKUP.format(src=src, reason="info.json is onleesbaar")) from exc


def _check_known_revision(revision: str | None) -> None:
    if revision is None:
        raise BadInput("De back-up bevat geen Casusoverleg-opslag (geen schemaversie).")
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except Exception as exc:  # alembic raises several kinds for an unknown revision
        raise NewerStore(
            "Deze back-up is gemaakt met een nieuwere versie van Casusoverleg. "
            "Werk het programma bij en zet de back-up dan terug."
        ) from exc


def _sidecars(db: Path) -> tuple[Path, Path]:
    return db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")


def _store_files(db: Path) -> list[Path]:
    """Every file that belongs to the store at `db` (the lock file excepted)."""
    return [
        db,
        *_sidecars(db),
        KeyFile.path_for(db),
        accounts.pending_key_path(db),
        audit.pending_path(db),
    ]


def _aside_path(store_path: Path) -> Path:
    """A free `<name>.voor-terugzetten-<tijd>` name (its key file etc. free too)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        suffix = f"{_ASIDE_MARK}-{stamp}" + (f"-{n}" if n else "")
        candidate = store_path.with_name(f"{store_path.name}.{suffix}")
        if not any(p.exists() for p in _store_files(candidate)):
            return candidate
    raise BadInput(f"Geen vrije naam gevonden om de huidige opslag naast {store_path} te bewaren.")


def _swap_in(
    src: Path,
    work: Path,
    store_path: Path,
    info: BackupInfo,
    key: bytes,
    key_file: KeyFile,
    account: str,
    lock: StoreLock,
) -> RestoreResult:
    """Move the current store aside and the restored one in, open it, log; undo on failure."""
    aside = _aside_path(store_path)
    present = {p for p in _store_files(store_path) if p.exists()}
    moved: list[tuple[Path, Path]] = []  # (original place, kept as), to undo in reverse order
    store: Store | None = None
    try:
        # The store with its -wal (it may hold committed data after a crash), key files and
        # notes of failed unlocks, under matching names, so the kept store opens as it is.
        for current, kept in zip(_store_files(store_path), _store_files(aside), strict=True):
            if current in present:
                os.rename(current, kept)
                moved.append((current, kept))
        os.rename(work / BACKUP_DB, store_path)
        os.rename(work / BACKUP_KEYS, KeyFile.path_for(store_path))
        fsync_dir(store_path.parent)
        # Both checks already ran on these very bytes (a rename does not change them).
        engine = make_engine(store_path, key, check=False)
        store = Store(store_path, account, engine, key, key_file, lock)
        upgrade_store(engine, store_path, key)
        kept_note = f"; vorige opslag bewaard als {aside.name}" if moved else ""
        with store.write() as session:
            audit.record(
                session,
                store,
                AuditAction.RESTORE,
                object_type="opslag",
                detail=f"uit {src.name} van {info.created.astimezone():%d-%m-%Y %H:%M}{kept_note}",
            )
            # The store now is what that backup holds, so that backup is its latest one.
            latest = _last_backup(session)
            if latest is None or latest < info.created:
                _set_last_backup(session, info.created)
        chain = audit.verify_chain(store)
        store.engine.dispose()
    except BaseException:
        if store is not None:
            store.engine.dispose()
        _undo(store_path, present, moved)
        raise
    return RestoreResult(
        store_path=store_path,
        info=info,
        previous=aside if store_path in present else None,
        kept_aside=tuple(kept for _current, kept in moved),
        audit=chain,
    )


def _undo(store_path: Path, present: set[Path], moved: list[tuple[Path, Path]]) -> None:
    """Put every file back as it was before the restore began."""
    moved_from = {current for current, _kept in moved}
    # What the restore placed or made (the restored store, its key file, -wal, -shm) goes;
    # an original that was not moved aside yet is never touched.
    restored = (store_path, *_sidecars(store_path), KeyFile.path_for(store_path))
    for path in restored:
        if path not in present or path in moved_from:
            path.unlink(missing_ok=True)
    for current, kept in reversed(moved):
        os.rename(kept, current)
    fsync_dir(store_path.parent)


# -- check -------------------------------------------------------------------------------------


def check(store: Store) -> CheckReport:
    """Both integrity checks on a fresh connection, the log chain, counts and schema revision."""
    try:
        # A fresh connection reads the file itself, not pages a pooled connection has cached.
        conn = connect_raw(store.path, store.key)
    except WrongKey:
        problems: list[str] = ["de opslag kan niet meer worden gelezen"]
        revision = None
    else:
        try:
            problems = integrity_problems(conn)
            revision = _revision(conn)
        finally:
            conn.close()
    cases: int | None = None
    actions: int | None = None
    events: int | None = None
    last: datetime | None = None
    # The key file is compared with its copy (and repaired) only in a sound store.
    keys = keycheck.verify_and_repair(store) if not problems else None
    try:
        chain = audit.verify_chain(store)
        with store.read() as session:
            cases = int(session.scalar(select(func.count(Case.id))) or 0)
            actions = int(session.scalar(select(func.count(ActionItem.id))) or 0)
            events = int(session.scalar(select(func.count(AuditEvent.id))) or 0)
            last = _last_backup(session)
    except DBAPIError:
        if not problems:
            raise
        # A damaged file may not even be readable this far; the report says so instead.
        chain = ChainReport(False, 0, "Logboek niet gecontroleerd: de opslag is beschadigd.")
    return CheckReport(
        integrity_problems=tuple(problems),
        audit=chain,
        cases=cases,
        actions=actions,
        audit_events=events,
        schema_revision=revision,
        expected_revision=head_revision(),
        last_backup=last,
        key_file=keys,
    )


def check_store(path: Path, account: str, passphrase: str) -> CheckReport:
    """Unlock the store, check it and lock it again."""
    store = accounts.unlock(path, account, passphrase)
    try:
        return check(store)
    finally:
        accounts.lock(store)
