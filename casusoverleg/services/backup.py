"""Backups, restore and the integrity check of a store.

A backup is one zip file (stored, not compressed: the data is encrypted anyway) holding
`opslag.db` (a consistent encrypted copy, made by `sqlcipher_export` while the app may go on
working), `sleutels.json` (the key file, so the backup opens with the same passphrases) and
`info.json` (app version, date, store id, schema revision and the log's chain head: nothing
about children).

Restore keeps the people of today: when a key file for the same store is already in place, the
restored store gets a new key sealed to that key file's slots, so an account removed after the
backup was made does not come back with it (see `restore`).
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from casusoverleg import __version__
from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import (
    BadInput,
    CasusoverlegError,
    DamagedStore,
    NewerStore,
    WrongKey,
    disk_full,
    is_disk_full,
    os_reason,
)
from casusoverleg.services import (
    accounts,
    anchor,
    audit,
    keycheck,
    output,
    pending_log,
    server_store,
    workdirs,
)
from casusoverleg.services.anchor import Anchor, ChainHead
from casusoverleg.services.audit import ChainReport
from casusoverleg.services.keycheck import KeyFileReport
from casusoverleg.services.store import Store
from casusoverleg.store.copying import export_encrypted_copy
from casusoverleg.store.engine import connect_raw, integrity_problems, make_engine, rekey_pragma
from casusoverleg.store.keyslots import (
    RECOVERY_ACCOUNT,
    KeyFile,
    KeySlot,
    fsync_dir,
    new_store_key,
    normalise_recovery_key,
)
from casusoverleg.store.lock import StoreLock
from casusoverleg.store.migrate import (
    current_revision,
    head_revision,
    is_known_revision,
    upgrade_store,
)
from casusoverleg.store.models import (
    Account,
    ActionItem,
    AuditEvent,
    Case,
    KeySlotCopy,
    Setting,
)
from casusoverleg.store.sealed import (
    PREFIX,
    SEALED_COLUMNS,
    column_key,
    open_date,
    open_sealed,
)

BACKUP_DB = "opslag.db"
BACKUP_KEYS = "sleutels.json"
BACKUP_INFO = "info.json"
BACKUP_FORMAT = 1
LAST_BACKUP_SETTING = "last_backup"
_APP_NAME = "Casusoverleg"
_ASIDE_MARK = "voor-terugzetten"
BACKUP_WORK_PREFIX = ".back-up-"
RESTORE_WORK_PREFIX = ".terugzetten-"
_MEMBERS = (BACKUP_DB, BACKUP_KEYS, BACKUP_INFO)
_MIB = 1024 * 1024
_RESTORE_HOLDER = "(terugzetten van een back-up)"

NOT_A_BACKUP = (
    "{src} is geen (volledige) back-up van Casusoverleg: {reason}. "
    "Kies het .zip-bestand dat 'casusoverleg backup' heeft gemaakt."
)


@dataclass(frozen=True)
class ArchiveLimits:
    """How large each member of a backup may be once unpacked (checked before and during)."""

    database: int = 4 * 1024 * _MIB  # opslag.db
    metadata: int = _MIB  # sleutels.json and info.json
    # Unpacked size / packed size of opslag.db. The app stores it uncompressed (1.0), and
    # encrypted pages do not compress, so anything far above 1 is a zip bomb, not a backup.
    database_ratio: float = 4.0


DEFAULT_LIMITS = ArchiveLimits()


class OtherStore(BadInput):
    """The backup is of another store than the one at this place (a different store id)."""

    def __init__(self, message: str, backup_store_id: str, current_store_id: str) -> None:
        super().__init__(message)
        self.backup_store_id = backup_store_id
        self.current_store_id = current_store_id


@dataclass(frozen=True)
class BackupInfo:
    """What a backup's info.json says about it."""

    app_version: str
    created: datetime
    store_id: str
    schema_revision: str | None
    log_head: ChainHead | None = None  # the log's end in the backup (older backups: none)


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore: where the store is now and where the replaced one was kept."""

    store_path: Path
    info: BackupInfo
    previous: Path | None  # the replaced store, kept as <name>.voor-terugzetten-<tijd>
    kept_aside: tuple[Path, ...]  # every file moved aside (store, -wal, key file, …)
    audit: ChainReport  # the restored store's log chain
    # Accounts the backup had that have no access now (removed after the backup was made).
    gone_accounts: tuple[str, ...] = ()
    # The accounts that open the restored store: today's key file, or the backup's own.
    accounts: tuple[str, ...] = ()
    # Whether the restored store got a new key, sealed to today's key file.
    rekeyed: bool = False


@dataclass(frozen=True)
class ServerFindings:
    """What `check` found on a store on a server, where there is no file to check."""

    address: str
    slots_checked: int
    slot_problems: tuple[str, ...]
    revision_problem: str
    rows_checked: int
    values_checked: int
    sealed_problem_count: int
    sealed_problems: tuple[str, ...]  # the first ones only (each names table, column and row)

    @property
    def ok(self) -> bool:
        """Whether every slot fits its tag, the schema is current and every sealed value opens."""
        return not (self.slot_problems or self.revision_problem or self.sealed_problem_count)

    def lines(self) -> list[str]:
        """The findings in Dutch, one per line."""
        out = [
            f"Opslag op de server {self.address}: daar is geen bestand om te controleren; "
            "de sleutels, de schemaversie en de versleutelde gegevens zijn gecontroleerd."
        ]
        if self.slot_problems:
            out.extend(f"Sleutels op de server: {problem}" for problem in self.slot_problems)
        else:
            out.append(
                f"Sleutels op de server in orde ({self.slots_checked} sleutel(s) vergeleken "
                "met hun controlecode)."
            )
        if self.revision_problem:
            out.append(self.revision_problem)
        if self.sealed_problem_count:
            out.append(
                f"Versleutelde gegevens beschadigd: {self.sealed_problem_count} waarde(n) "
                f"openen niet of staan onversleuteld ({self.values_checked} gecontroleerd)."
            )
            out.extend(f"  {p}" for p in self.sealed_problems[:_SHOWN_PROBLEMS])
            if self.sealed_problem_count > _SHOWN_PROBLEMS:
                out.append(f"  … en nog {self.sealed_problem_count - _SHOWN_PROBLEMS}.")
        else:
            out.append(
                f"Versleutelde gegevens in orde ({self.values_checked} waarde(n) in "
                f"{self.rows_checked} rij(en) geopend)."
            )
        return out


_SHOWN_PROBLEMS = 20
_KEPT_PROBLEMS = 100
_BATCH_ROWS = 1000


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
    # The log compared with heads kept outside the store (the head file, backups' manifests).
    anchor_problems: tuple[str, ...] = ()
    anchors_checked: tuple[str, ...] = ()
    key_file: KeyFileReport | None = None  # None: not compared (the store itself is damaged)
    # A store on a server (issue 15) has no file to check; instead: its key slots against their
    # tags, the schema revision against head, and every sealed value of the children's columns.
    server: ServerFindings | None = None

    @property
    def integrity_ok(self) -> bool:
        """Whether `cipher_integrity_check` and `quick_check` found nothing."""
        return not self.integrity_problems

    @property
    def ok(self) -> bool:
        """Whether file and key file are sound and the log is unbroken and as long as anchored."""
        return (
            self.integrity_ok
            and self.audit.ok
            and not self.anchor_problems
            and (self.key_file is None or self.key_file.ok)
            and (self.server is None or self.server.ok)
        )

    def lines(self) -> list[str]:
        """The report in Dutch, one finding per line (for the CLI and the settings screen)."""
        if self.server is not None:
            out = self.server.lines()
        elif self.integrity_ok:
            out = ["Opslag in orde (versleuteling en structuur gecontroleerd)."]
        else:
            out = [f"Opslag beschadigd: {len(self.integrity_problems)} fout(en) gevonden."]
            out.extend(f"  {p}" for p in self.integrity_problems[:20])
        if self.key_file is not None:
            out.extend(self.key_file.lines())
        out.append(self.audit.message)
        out.extend(self.anchor_problems)
        if self.anchors_checked and not self.anchor_problems:
            out.append(f"Logboek klopt met {' en '.join(self.anchors_checked)}.")
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
    """Write an encrypted backup of the open store to `dest` (a .zip); returns its path.

    A store on a server is backed up by server_backup, in the same file format."""
    if store.is_server:
        from casusoverleg.services import server_backup  # it builds on this module

        return server_backup.backup_server(store, dest, overwrite=overwrite)
    # The one guard of every written file: not the store or a file beside it, not a folder,
    # not over an existing file without `overwrite`.
    dest = output.check_target(store.path, dest, overwrite=overwrite)
    # What killed backups left in this folder goes first (see workdirs for what is stale).
    workdirs.remove_stale(dest.parent, (BACKUP_WORK_PREFIX,), backup_temp_files=True)
    # The key file as the copy inside the store vouches for it: a slot damaged on disk is
    # repaired (and logged) first, so no backup carries the damage along.
    keycheck.verify_and_repair(store)
    # Key and key file are taken together, so the copy and its key file always belong together.
    key = store.key
    keys_json = json.dumps(store.key_file.to_json(), indent=2).encode("utf-8")
    store_id = store.key_file.store_id
    with workdirs.work_dir(dest.parent, BACKUP_WORK_PREFIX) as work:
        copy = work / BACKUP_DB
        try:
            export_encrypted_copy(store.engine, key, copy)
        except (sqlcipher.OperationalError, OSError) as exc:
            raise write_error(dest, exc) from exc
        except sqlcipher.DatabaseError as exc:
            raise DamagedStore(
                "De opslag kan niet volledig worden gelezen; er is geen back-up gemaakt. "
                "Controleer de opslag met 'casusoverleg check'."
            ) from exc
        finish_backup(store, work, copy, key, keys_json, store_id, dest, overwrite=overwrite)
    fsync_dir(dest.parent)
    return dest


def finish_backup(
    store: Store,
    work: Path,
    copy: Path,
    key: bytes,
    keys_json: bytes,
    store_id: str,
    dest: Path,
    *,
    overwrite: bool,
) -> None:
    """The copy in `work` checked, zipped with its key file and info.json, logged, and put at
    `dest` (both kinds of store end their backup here)."""
    # Check the copy as restore will, so a backup that would not restore is never made.
    revision, head = verified_copy(copy, key)
    created = datetime.now(UTC)
    info = {
        "app": _APP_NAME,
        "format": BACKUP_FORMAT,
        "app_version": __version__,
        "created": created.isoformat(timespec="seconds"),
        "store_id": store_id,
        "schema_revision": revision,
        # The log's end as the copy holds it: an anchor kept wherever the backup goes.
        "log_head": None if head is None else head.to_json(),
    }
    # Written inside the work folder: a killed backup leaves nothing else behind.
    tmp = work / "back-up.zip"
    try:
        write_zip(tmp, copy, keys_json, json.dumps(info, indent=2).encode("utf-8"))
    except OSError as exc:
        raise write_error(dest, exc) from exc
    # Logged before the file appears under its name: no copy without a log line. When
    # the store's disk is full the line waits beside it (services/pending_log.py).
    audit.log(
        store,
        AuditAction.BACKUP,
        object_type="opslag",
        detail=f"naar {dest}",
        settings={LAST_BACKUP_SETTING: created.isoformat(timespec="seconds")},
    )
    output.publish(tmp, dest, overwrite=overwrite)


def write_error(dest: Path, exc: BaseException) -> CasusoverlegError:
    """Why the backup file could not be written, in Dutch (never the OS's or SQLite's text)."""
    if is_disk_full(exc):
        return disk_full(f"de back-up in {dest.parent}")
    reason = os_reason(exc) if isinstance(exc, OSError) else "de schijf gaf een fout"
    return BadInput(f"De back-up kan niet worden geschreven in {dest.parent}: {reason}.")


def last_backup_time(store: Store) -> datetime | None:
    """When the last backup of this store was made (aware datetime), or None."""
    with store.read() as session:
        return last_backup_in(session)


def read_info(src: Path, *, limits: ArchiveLimits = DEFAULT_LIMITS) -> BackupInfo:
    """What a backup file says about itself, without unpacking the store."""
    try:
        with zipfile.ZipFile(src) as zf:
            _check_members(src, zf, limits)
            return _parse_info(src, _read_member(src, zf, BACKUP_INFO, limits.metadata))
    except FileNotFoundError as exc:
        raise BadInput(f"Back-upbestand niet gevonden: {src}") from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise BadInput(NOT_A_BACKUP.format(src=src, reason="geen leesbaar zip-bestand")) from exc
    except OSError as exc:
        raise BadInput(
            f"Het back-upbestand {src} kan niet worden gelezen: {os_reason(exc)}."
        ) from exc


def current_store_id(store_path: Path) -> str | None:
    """The store id in the key file at `store_path`, or None if there is no readable one."""
    try:
        current = _current_key_file(store_path)
    except (DamagedStore, OSError):
        return None
    return None if current is None else current.store_id


def write_zip(tmp: Path, copy: Path, keys_json: bytes, info_json: bytes) -> None:
    """The zip, complete and synced, at `tmp` (owner-only from the start)."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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


def set_last_backup_in(session: Session, when: datetime) -> None:
    session.merge(Setting(key=LAST_BACKUP_SETTING, value=when.isoformat(timespec="seconds")))


def last_backup_in(session: Session) -> datetime | None:
    setting = session.get(Setting, LAST_BACKUP_SETTING)
    if setting is None:
        return None
    try:
        when = datetime.fromisoformat(setting.value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def verified_copy(db: Path, key: bytes) -> tuple[str | None, ChainHead | None]:
    """Run both integrity checks on a copy; return its schema revision and its log's end."""
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
        return _revision(conn), _chain_head(conn)
    finally:
        conn.close()


def _revision(conn: sqlcipher.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlcipher.DatabaseError:
        return None
    return str(row[0]) if row else None


def _chain_head(conn: sqlcipher.Connection) -> ChainHead | None:
    try:
        row = conn.execute(
            "SELECT last_id, count, last_hash FROM audit_head WHERE id = 1"
        ).fetchone()
    except sqlcipher.DatabaseError:
        return None
    return None if row is None else ChainHead(int(row[0]), int(row[1]), str(row[2]))


# -- restore -----------------------------------------------------------------------------------


def restore(
    src: Path,
    store_path: Path,
    account: str,
    passphrase: str,
    *,
    other_store: bool = False,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> RestoreResult:
    """Replace the store at `store_path` by a backup; the current store is kept beside it.

    `account` and `passphrase` open that account's slot in the backup (as it was then). If a
    key file of the same store is in place, the accounts stay those of today: the account must
    still have access, the restored store gets a new key sealed to today's slots (the backup's
    old slots no longer open it), and its account list and log say who is gone. A backup of
    another store is refused unless `other_store`; it then comes back with its own accounts.

    Everything is unpacked and checked first; the swap is a few renames under the store lock,
    undone if anything after them fails, so a failed restore leaves the current store as it was.
    """
    if not src.is_file():
        raise BadInput(f"Back-upbestand niet gevonden: {src}")
    if not passphrase:
        raise BadInput("Geef een wachtwoord.")
    account = account.strip()
    store_path = Path(os.path.abspath(store_path))
    if not store_path.parent.is_dir():
        raise BadInput(f"De map {store_path.parent} bestaat niet.")
    if store_path.is_dir():
        raise BadInput(f"{store_path} is een map, geen opslag.")
    lock = StoreLock(store_path)
    # Not the typed account name: it may be a passphrase typed in the wrong field.
    lock.acquire(_RESTORE_HOLDER)
    try:
        # Read under the lock: no account can be removed or added while the restore runs.
        current = _current_key_file(store_path)
        # Whose backup it is shows in info.json: asked before anything large is unpacked.
        info = read_info(src, limits=limits)
        refuse_other_store(src, info, current, store_path, other_store=other_store)
        workdirs.remove_stale(store_path.parent, (RESTORE_WORK_PREFIX,))
        with workdirs.work_dir(store_path.parent, RESTORE_WORK_PREFIX) as work:
            backup_keys = unpacked_keys(src, work, info, limits)
            today = current if current is not None and current.store_id == info.store_id else None
            is_recovery = account.casefold() == RECOVERY_ACCOUNT
            if today is not None:
                check_still_has_access(today, backup_keys, account, is_recovery)
            secret = normalise_recovery_key(passphrase) if is_recovery else passphrase
            key = backup_keys.unwrap(account, secret)
            slot = backup_keys.find(account)
            assert slot is not None  # unwrap succeeded
            revision, _head = verified_copy(work / BACKUP_DB, key)
            check_known_revision(revision)
            if today is None:
                return _swap_in(src, work, store_path, info, key, backup_keys, slot.account, lock)
            # Today's people: a new key, sealed to today's slots only.
            new_key = new_store_key()
            _rekey(work / BACKUP_DB, key, new_key)
            today.reseal_all(new_key)
            today.save(work / BACKUP_KEYS)
            gone = tuple(a for a in backup_keys.accounts() if today.find(a) is None)
            return _swap_in(
                src, work, store_path, info, new_key, today, slot.account, lock, gone=gone
            )
    finally:
        lock.release()


def refuse_other_store(
    src: Path, info: BackupInfo, current: KeyFile | None, where: object, *, other_store: bool
) -> None:
    """OtherStore if the backup is of another store than the one at `where` (a file or a
    server's address), unless `other_store` says that is meant."""
    if current is None or current.store_id == info.store_id or other_store:
        return
    raise OtherStore(
        f"De back-up {src.name} is van een andere opslag (kenmerk "
        f"{short_id(info.store_id)}) dan de opslag op {where} (kenmerk "
        f"{short_id(current.store_id)}); er is niets veranderd. Wilt u die andere "
        "opslag hier echt terugzetten, met de accounts uit de back-up, geef dan "
        "--other-store.",
        info.store_id,
        current.store_id,
    )


def unpacked_keys(src: Path, work: Path, info: BackupInfo, limits: ArchiveLimits) -> KeyFile:
    """Unpack the backup into `work`; its key file, checked against its info.json."""
    if unpack(src, work, limits) != info:
        raise BadInput(NOT_A_BACKUP.format(src=src, reason="het bestand veranderde"))
    backup_keys = KeyFile.load(work / BACKUP_KEYS)
    if backup_keys.store_id != info.store_id:
        raise BadInput(NOT_A_BACKUP.format(src=src, reason="de onderdelen horen niet bij elkaar"))
    return backup_keys


def short_id(store_id: str) -> str:
    """A store id as messages show it: its first 8 characters."""
    return store_id[:8]


def _current_key_file(store_path: Path) -> KeyFile | None:
    """Today's key file of the store at this place (a rotation's new one if it was cut off)."""
    path = KeyFile.path_for(store_path)
    pending = accounts.pending_key_path(store_path)
    if not path.exists() and not pending.exists():
        return None  # a fresh place: the backup comes back as it was
    try:
        current = KeyFile.load(path) if path.exists() else None
        if pending.exists():
            # A removal whose rotation was cut off: its key file already leaves that account out.
            newer = KeyFile.load(pending)
            if current is None or newer.store_id == current.store_id:
                return newer
        return current
    except (DamagedStore, BadInput) as exc:
        raise DamagedStore(
            f"Het sleutelbestand {path.name} van de opslag op deze plek is beschadigd, dus "
            "niet te zien wie er nu toegang heeft; er is niets veranderd. Herstel het "
            "sleutelbestand, of geef het een andere naam als u de back-up met de accounts van "
            "toen wilt terugzetten."
        ) from exc


def check_still_has_access(
    today: KeyFile, backup_keys: KeyFile, account: str, is_recovery: bool
) -> None:
    """Only someone who has access today may put a backup of this store back."""
    if today.find(RECOVERY_ACCOUNT if is_recovery else account) is not None:
        return
    if not is_recovery and backup_keys.find(account) is not None:
        raise WrongKey(
            "Dit account is verwijderd nadat de back-up werd gemaakt en heeft geen toegang meer "
            "tot deze opslag; er is niets veranderd. Zet de back-up terug met een account dat nu "
            "toegang heeft, of met de herstelsleutel."
        )
    raise WrongKey("Onbekend account of onjuist wachtwoord.")


def _rekey(db: Path, old_key: bytes, new_key: bytes) -> None:
    """Re-encrypt the unpacked copy under `new_key` (every page rewritten)."""
    conn = connect_raw(db, old_key)
    try:
        conn.execute(rekey_pragma(new_key))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def unpack(src: Path, work: Path, limits: ArchiveLimits) -> BackupInfo:
    """Copy the three members into `work` (fixed names; the zip's own paths are never used)."""
    try:
        with zipfile.ZipFile(src) as zf:
            # Sizes and count are checked before a byte is unpacked, and counted while copying.
            _check_members(src, zf, limits)
            info = _parse_info(src, _read_member(src, zf, BACKUP_INFO, limits.metadata))
            for member in (BACKUP_DB, BACKUP_KEYS):
                cap = _cap(zf.getinfo(member), limits)
                _copy_member(src, zf, member, work / member, cap)
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):
            raise DamagedStore(
                f"Het back-upbestand {src} is beschadigd (controlegetal klopt niet); "
                "er is niets veranderd."
            ) from exc
        raise BadInput(NOT_A_BACKUP.format(src=src, reason="geen leesbaar zip-bestand")) from exc
    except EOFError as exc:
        raise BadInput(NOT_A_BACKUP.format(src=src, reason="het bestand is afgebroken")) from exc
    return info


def _check_members(src: Path, zf: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Exactly the three known members, unencrypted, each within its size limit."""
    entries = zf.infolist()
    if len(entries) > len(_MEMBERS):
        reason = f"het bevat {len(entries)} onderdelen, een back-up heeft er {len(_MEMBERS)}"
        raise BadInput(NOT_A_BACKUP.format(src=src, reason=reason))
    missing = set(_MEMBERS) - {e.filename for e in entries}
    if missing:
        reason = "ontbreekt " + ", ".join(sorted(missing))
        raise BadInput(NOT_A_BACKUP.format(src=src, reason=reason))
    for entry in entries:
        cap = _cap(entry, limits)
        if entry.flag_bits & 0x1 or entry.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            reason = f"{entry.filename} is versleuteld of op een onbekende manier ingepakt"
            raise BadInput(NOT_A_BACKUP.format(src=src, reason=reason))
        if entry.file_size > cap:
            raise BadInput(_too_large(src, entry.filename, cap))


def _cap(entry: zipfile.ZipInfo, limits: ArchiveLimits) -> int:
    """How many bytes this member may unpack to."""
    if entry.filename != BACKUP_DB:
        return limits.metadata
    by_ratio = int(max(entry.compress_size, 1) * limits.database_ratio)
    return min(limits.database, by_ratio)


def _too_large(src: Path, member: str, cap: int) -> str:
    if cap >= _MIB:
        size = f"{cap / _MIB:.0f} MB"
    else:
        size = f"{cap / 1024:.0f} kB" if cap >= 1024 else f"{cap} bytes"
    reason = f"{member} zou uitgepakt groter worden dan {size} (de grens voor dit bestand)"
    return NOT_A_BACKUP.format(src=src, reason=reason)


def _read_member(src: Path, zf: zipfile.ZipFile, member: str, cap: int) -> bytes:
    """A small member's bytes, never more than `cap` (whatever the zip declares)."""
    with zf.open(member) as fin:
        data = fin.read(cap + 1)
    if len(data) > cap:
        raise BadInput(_too_large(src, member, cap))
    return data


def _copy_member(src: Path, zf: zipfile.ZipFile, member: str, target: Path, cap: int) -> None:
    """Stream one member to `target` (owner-only), stopping as soon as it passes `cap`."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with zf.open(member) as fin, os.fdopen(fd, "wb") as fout:
        written = 0
        while chunk := fin.read(_MIB):
            written += len(chunk)
            if written > cap:
                raise BadInput(_too_large(src, member, cap))
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())


def _parse_info(src: Path, raw: bytes) -> BackupInfo:
    try:
        data: Any = json.loads(raw.decode("utf-8"))
        if data["app"] != _APP_NAME or data["format"] != BACKUP_FORMAT:
            raise ValueError("unknown backup format")
        created = datetime.fromisoformat(data["created"])
        revision = data.get("schema_revision")
        head = data.get("log_head")
        return BackupInfo(
            app_version=str(data["app_version"]),
            created=created if created.tzinfo else created.replace(tzinfo=UTC),
            store_id=str(data["store_id"]),
            schema_revision=None if revision is None else str(revision),
            log_head=None if head is None else ChainHead.from_json(head),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInput(NOT_A_BACKUP.format(src=src, reason="info.json is onleesbaar")) from exc


def check_known_revision(revision: str | None) -> None:
    if revision is None:
        raise BadInput("De back-up bevat geen Casusoverleg-opslag (geen schemaversie).")
    if not is_known_revision(revision):
        raise NewerStore(
            "Deze back-up is gemaakt met een nieuwere versie van Casusoverleg. "
            "Werk het programma bij en zet de back-up dan terug."
        )


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
        pending_log.path_for(db),
        anchor.head_path(db),
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
    *,
    gone: tuple[str, ...] | None = None,
) -> RestoreResult:
    """Move the current store aside and the restored one in, open it, log; undo on failure.

    `gone` is None when the backup comes back with its own accounts; otherwise the restored
    store is under today's key file and `gone` names the backup's accounts that have no access.
    """
    aside = _aside_path(store_path)
    present = {p for p in _store_files(store_path) if p.exists()}
    moved: list[tuple[Path, Path]] = []  # (original place, kept as), to undo in reverse order
    store: Store | None = None
    try:
        # The store with its -wal (it may hold committed data after a crash), key files,
        # notes of failed unlocks and the log anchor, under matching names, so the kept store
        # opens and checks as it is.
        # The restored file is held before it takes the store's name: no one opens it between.
        with lock.swapping(work / BACKUP_DB):
            for current, kept in zip(_store_files(store_path), _store_files(aside), strict=True):
                if current in present:
                    os.rename(current, kept)
                    moved.append((current, kept))
            os.rename(work / BACKUP_DB, store_path)
        os.rename(work / BACKUP_KEYS, KeyFile.path_for(store_path))
        fsync_dir(store_path.parent)
        # Both checks already ran on these very bytes (a rekey rewrote them under a new key).
        engine = make_engine(store_path, key, check=False)
        store = Store(store_path, account, engine, key, key_file, lock)
        upgrade_store(engine, store_path, key)
        _check_manifest(src, info, store)
        kept_note = f"; vorige opslag bewaard als {aside.name}" if moved else ""
        with store.write() as session:
            if gone is not None:
                gone = align_accounts(session, key_file, gone)
                # The copy of the key file inside the store described the backup's slots: from
                # now on it is today's, so `check` never "repairs" a slot back to the old one.
                keycheck.remember(session, key, key_file)
            record_restore(session, store, src, info, key_file, gone, kept_note)
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
        gone_accounts=gone or (),
        accounts=tuple(key_file.accounts()),
        rekeyed=gone is not None,
    )


def record_restore(
    session: Session,
    store: Store,
    src: Path,
    info: BackupInfo,
    key_file: KeyFile,
    gone: tuple[str, ...] | None,
    kept_note: str,
) -> None:
    """The log lines of a restore (each account that lost access, then the restore itself) and
    the backup's time as the store's latest backup; in the restore's transaction."""
    for name in gone or ():
        audit.record(
            session,
            store,
            AuditAction.ACCOUNT,
            object_id=name,
            detail="verwijderd (stond in de teruggezette back-up, heeft nu geen toegang)",
        )
    audit.record(
        session,
        store,
        AuditAction.RESTORE,
        object_type="opslag",
        detail=f"uit {src.name} van {info.created.astimezone():%d-%m-%Y %H:%M}{kept_note}"
        + people_note(key_file, gone),
    )
    # The store now is what that backup holds, so that backup is its latest one.
    latest = last_backup_in(session)
    if latest is None or latest < info.created:
        set_last_backup_in(session, info.created)


def restore_lines(result: RestoreResult) -> list[str]:
    """What a finished restore means for who has access, in Dutch (for the CLI and the dialog)."""
    lines = []
    if result.rekeyed:
        lines.append(
            "De opslag heeft een nieuwe sleutel; toegang hebben de accounts van nu: "
            + ", ".join(result.accounts)
            + "."
        )
        if result.gone_accounts:
            lines.append(
                "Geen toegang meer (verwijderd nadat de back-up werd gemaakt): "
                + ", ".join(result.gone_accounts)
                + "."
            )
    else:
        lines.append(
            "Toegang hebben de accounts uit de back-up: " + ", ".join(result.accounts) + "."
        )
    if not result.audit.ok:
        lines.append(result.audit.message)
    return lines


def _check_manifest(src: Path, info: BackupInfo, store: Store) -> None:
    """Refuse a backup whose log is shorter than, or differs from, what its manifest says."""
    if info.log_head is None:
        return
    with store.read() as session:
        problem = anchor.chain_mismatch(session, info.log_head)
    if problem is not None:
        raise DamagedStore(
            f"Het logboek in de back-up {src.name} klopt niet met de back-up zelf (info.json): "
            f"{problem}. Er is niets veranderd; kies een andere back-up."
        )


def align_accounts(session: Session, key_file: KeyFile, gone: tuple[str, ...]) -> tuple[str, ...]:
    """Make the account list match today's key file; returns every account that lost access."""
    today = {name.casefold(): name for name in key_file.accounts()}
    lost = {name.casefold(): name for name in gone}
    now = datetime.now()
    rows = {row.name.casefold(): row for row in session.scalars(select(Account))}
    for folded, row in rows.items():
        if folded in today:
            row.removed_at = None  # removed before the backup, given access again since
        elif row.removed_at is None:
            row.removed_at = now
            lost.setdefault(folded, row.name)
    for folded, name in today.items():
        if folded not in rows:
            session.add(Account(name=name, display_name="", created_at=now))
    return tuple(sorted(lost.values(), key=str.casefold))


def people_note(key_file: KeyFile, gone: tuple[str, ...] | None) -> str:
    if gone is None:
        return "; met de accounts uit de back-up"
    note = "; nieuwe sleutel, toegang zoals nu: " + ", ".join(key_file.accounts())
    if key_file.find(RECOVERY_ACCOUNT) is not None:
        note += " en de herstelsleutel"
    if gone:
        note += "; geen toegang meer: " + ", ".join(gone)
    return note


def _undo(store_path: Path, present: set[Path], moved: list[tuple[Path, Path]]) -> None:
    """Put every file back as it was before the restore began."""
    moved_from = {current for current, _kept in moved}
    # What the restore placed or made (the restored store, its key file, -wal, -shm, anchor)
    # goes; an original that was not moved aside yet is never touched.
    restored = (
        store_path,
        *_sidecars(store_path),
        KeyFile.path_for(store_path),
        anchor.head_path(store_path),
    )
    for path in restored:
        if path not in present or path in moved_from:
            path.unlink(missing_ok=True)
    for current, kept in reversed(moved):
        os.rename(kept, current)
    fsync_dir(store_path.parent)


# -- check -------------------------------------------------------------------------------------


def check(store: Store, *, backups: tuple[Path, ...] = ()) -> CheckReport:
    """Both integrity checks on a fresh connection, the log chain and its anchors, counts and
    schema revision. `backups`: backup files whose manifest's log head the log must hold.

    On a store on a server (issue 15) see `_check_server`."""
    if store.is_server:
        return _check_server(store, backups)
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
    anchors, anchor_problems = _anchors(store, backups)
    cases: int | None = None
    actions: int | None = None
    events: int | None = None
    last: datetime | None = None
    # The key file is compared with its copy (and repaired) only in a sound store.
    keys = keycheck.verify_and_repair(store) if not problems else None
    try:
        chain = audit.verify_chain(store)
        with store.read() as session:
            cases, actions, events, last = _counts(session)
            anchor_problems.extend(anchor.check_anchors(session, anchors))
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
        anchor_problems=tuple(anchor_problems),
        anchors_checked=tuple(a.source for a in anchors),
        key_file=keys,
    )


def _counts(session: Session) -> tuple[int, int, int, datetime | None]:
    """Cases, actions and log lines in the store, and when the last backup was made."""
    cases = int(session.scalar(select(func.count(Case.id))) or 0)
    actions = int(session.scalar(select(func.count(ActionItem.id))) or 0)
    events = int(session.scalar(select(func.count(AuditEvent.id))) or 0)
    return cases, actions, events, last_backup_in(session)


def _check_server(store: Store, backups: tuple[Path, ...]) -> CheckReport:
    """`check` on a store on a server: no file checks (the server keeps its own files); the log
    chain and its anchor on this computer, the key slots on the server against their tags, the
    schema revision against head, counts, and every sealed value in the children's columns."""
    if backups:
        raise BadInput(
            "Een back-up vergelijken met het logboek kan nog niet bij een gedeelde opslag op "
            "een server."
        )
    anchors, anchor_problems = _anchors(store, ())
    chain = audit.verify_chain(store)
    with store.read() as session:
        cases, actions, events, last = _counts(session)
        anchor_problems.extend(anchor.check_anchors(session, anchors))
        slots_checked, slot_problems = _server_slot_problems(session, store)
    revision = current_revision(store.engine)
    expected = head_revision()
    revision_problem = (
        ""
        if revision == expected
        else f"Schemaversie {revision or 'onbekend'} wijkt af van wat deze versie van "
        f"Casusoverleg verwacht ({expected})."
    )
    rows, values, count, problems = _sealed_problems(store)
    return CheckReport(
        integrity_problems=(),
        audit=chain,
        cases=cases,
        actions=actions,
        audit_events=events,
        schema_revision=revision,
        expected_revision=expected,
        last_backup=last,
        anchor_problems=tuple(anchor_problems),
        anchors_checked=tuple(a.source for a in anchors),
        server=ServerFindings(
            address=store.server,
            slots_checked=slots_checked,
            slot_problems=tuple(slot_problems),
            revision_problem=revision_problem,
            rows_checked=rows,
            values_checked=values,
            sealed_problem_count=count,
            sealed_problems=tuple(problems),
        ),
    )


def _server_slot_problems(session: Session, store: Store) -> tuple[int, list[str]]:
    """The key slots on the server, each against its tag under the store key (as unlock_server
    verifies them), and the store's id there against the one unlocked."""
    problems: list[str] = []
    store_id = session.get(Setting, server_store.STORE_ID)
    if store_id is None or store_id.value != store.key_file.store_id:
        problems.append("het kenmerk van de opslag ontbreekt of is gewijzigd.")
    copies = keycheck.current_copies(session, store.key)
    rows = list(session.scalars(select(KeySlotCopy).order_by(KeySlotCopy.id)))
    for row in rows:
        if copies.get(row.account) != row.slot:
            problems.append(
                f"de sleutel van account {row.account} past niet bij zijn controlecode: "
                "gewijzigd op de server, of niet met de sleutel van deze opslag gemaakt."
            )
            continue
        try:
            KeySlot.from_json(json.loads(row.slot))
        except ValueError:
            problems.append(f"de sleutel van account {row.account} is onleesbaar.")
    if not rows:
        problems.append("er staan geen sleutels op de server.")
    return len(rows), problems


def _sealed_problems(store: Store) -> tuple[int, int, int, list[str]]:
    """Open every sealed value of every row of every table in SEALED_COLUMNS, read raw (no
    sealing session), in batches of rows by id. Returns rows and values checked, the number of
    problems and the first of them (table, column and row id; never the value)."""
    from casusoverleg.store.sealing_events import date_columns  # a server store only

    key = column_key(store.key)
    rows = values = count = 0
    problems: list[str] = []
    with store.engine.connect() as conn:
        for table, columns in SEALED_COLUMNS.items():
            dates = date_columns(table)
            listed = ", ".join(f'"{c}"' for c in columns)
            # The names come from SEALED_COLUMNS, never from input.
            sql = f'SELECT id, {listed} FROM "{table}" WHERE id > :after ORDER BY id LIMIT :n'  # noqa: S608
            query = text(sql)
            after = 0
            while True:
                batch = conn.execute(query, {"after": after, "n": _BATCH_ROWS}).all()
                if not batch:
                    break
                for row in batch:
                    row_id = int(row[0])
                    rows += 1
                    for column, value in zip(columns, row[1:], strict=True):
                        dated = column in dates
                        problem = _sealed_problem(key, table, column, row_id, value, dated)
                        if value is not None and value != "":
                            values += 1
                        if problem:
                            count += 1
                            if len(problems) < _KEPT_PROBLEMS:
                                problems.append(problem)
                after = int(batch[-1][0])
            conn.rollback()  # end the transaction: no snapshot held over the whole store
    return rows, values, count, problems


def _sealed_problem(
    key: bytes, table: str, column: str, row_id: int, value: object, is_date: bool
) -> str:
    """Why one raw value of a sealed column is wrong, in Dutch; "" if it opens (or is empty)."""
    if value is None or value == "":
        return ""
    where = f"tabel {table}, kolom {column}, rij {row_id}"
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return f"{where}: de waarde staat onversleuteld op de server."
    try:
        if is_date:
            open_date(key, table, column, row_id, value)
        else:
            open_sealed(key, table, column, row_id, value)
    except DamagedStore:
        return (
            f"{where}: de versleutelde waarde opent niet (beschadigd, gewijzigd, of van een "
            "andere rij of kolom)."
        )
    return ""


def _anchors(store: Store, backups: tuple[Path, ...]) -> tuple[list[Anchor], list[str]]:
    """The log heads kept outside the store that `check` can find, and why one was unusable."""
    found: list[Anchor] = []
    problems: list[str] = []
    try:
        head = anchor.read_head_file(store.path, store.key_file.store_id)
    except DamagedStore as exc:
        problems.append(exc.message)
    else:
        if head is not None:
            found.append(Anchor(head, f"het ankerbestand {anchor.head_path(store.path).name}"))
    for src in backups:
        info = read_info(src)
        if info.store_id != store.key_file.store_id:
            raise BadInput(f"De back-up {src.name} is van een andere opslag dan deze.")
        if info.log_head is None:
            raise BadInput(
                f"De back-up {src.name} is gemaakt met een oudere versie en noemt het eind van "
                "het logboek niet; kies een nieuwere back-up."
            )
        found.append(Anchor(info.log_head, f"de back-up {src.name}"))
    return found, problems


def check_store(path: Path, account: str, passphrase: str) -> CheckReport:
    """Unlock the store, check it and lock it again."""
    store = accounts.unlock(path, account, passphrase)
    try:
        return check(store)
    finally:
        accounts.lock(store)
