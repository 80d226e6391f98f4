"""Backups that make themselves: after a session that changed something, verified and rotated.

The window calls `run_auto_backup` when the store is locked, when the app quits and once a day
while it stays open. A backup is made only when the session changed something (see
`session_changed`), into the folder of the settings (default: `backups` beside the store), under
a name `domain.rotation` recognises; it is then verified by unpacking it into a private temp
folder and opening it with the key (cipher_integrity_check, integrity_check, the log chain).
Only a verified backup counts as the last one; the rotation then removes older automatic
backups of this store and never any other file. A failure is logged with a Dutch reason and
kept for the status bar and the Overzicht; it never raises, so it never blocks lock or quit.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from casusoverleg.domain import rotation
from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput, CasusoverlegError, DamagedStore, WrongKey, os_reason
from casusoverleg.services import audit, backup, settings
from casusoverleg.services.store import Store
from casusoverleg.store.engine import connect_raw
from casusoverleg.store.keyslots import FAST_KDF, KeyFile
from casusoverleg.store.models import AuditEvent, Setting

DEFAULT_FOLDER_NAME = "backups"
STALE_AFTER_DAYS = 7
AUDIT_OBJECT = "automatische back-up"  # object_type of this feature's log lines
VERIFIED_SETTING = "autobackup_verified"
FAILED_SETTING = "autobackup_failed"
_CHECK_PREFIX = ".controle-"  # private temp folders of the verification
_STALE_TEMP_SECONDS = 3600  # a verification never takes an hour; an older folder was killed

# Log lines that change what the store holds. Views, searches, prints, exports, (un)locking
# and backups add a log line but change nothing a backup would save that the last one lacks.
CHANGE_ACTIONS = tuple(
    str(a)
    for a in (
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.DELETE,
        AuditAction.IMPORT,
        AuditAction.ACCOUNT,
        AuditAction.RESTORE,
    )
)
_REFUSED = "geweigerd"  # result of a refused import: nothing changed
_FAILED = "mislukt"


class FolderMissing(CasusoverlegError):
    """The chosen backup folder does not exist (an unplugged disk, a renamed share)."""


@dataclass(frozen=True)
class BackupStatus:
    """What the status bar and the Overzicht say about backups."""

    enabled: bool
    is_demo: bool
    last_verified: datetime | None  # aware; the last automatic backup that passed the checks
    verified_file: str
    last_backup: datetime | None  # aware; any backup (also one made by hand)
    failed_at: datetime | None  # aware; the last automatic backup that failed, if after that
    failure: str

    def is_stale(self, today: date) -> bool:
        """No verified backup, or the last one more than a week before `today`."""
        if self.last_verified is None:
            return True
        return (today - self.last_verified.astimezone().date()).days > STALE_AFTER_DAYS

    def needs_warning(self, today: date) -> bool:
        """Whether to warn (never for the demo store, whose data is made up)."""
        return not self.is_demo and (self.is_stale(today) or self.failed_at is not None)


@dataclass(frozen=True)
class AutoBackupResult:
    """The outcome of one attempt: made and verified, skipped (and why), or failed (and why)."""

    made: Path | None = None
    verified_at: datetime | None = None
    removed: tuple[str, ...] = ()  # old backups the rotation removed
    skipped: str = ""  # why nothing was made ("uit", "geen wijzigingen")
    failure: str = ""  # Dutch reason of a failed attempt

    @property
    def ok(self) -> bool:
        """Whether a verified backup was made."""
        return self.made is not None and not self.failure


# -- settings ----------------------------------------------------------------------------------


def is_enabled(store: Store, values: settings.Settings) -> bool:
    """Whether automatic backups are on: the setting, or by default on for a real store.

    The demo store and test stores are not real: both are made with the throw-away key
    derivation (`FAST_KDF`, "never for a real store"), so their default is off; a test turns
    the setting on where it tests this feature.
    """
    if values.auto_backup:
        return values.auto_backup == "aan"
    return not (store.is_demo or is_throwaway(store))


def is_throwaway(store: Store) -> bool:
    """Whether every key slot uses the cheap key derivation of demo and test stores."""
    slots = store.key_file.slots
    return bool(slots) and all(slot.kdf == FAST_KDF for slot in slots)


def default_folder(store_path: Path) -> Path:
    """The folder `backups` beside the store."""
    return Path(os.path.abspath(store_path)).parent / DEFAULT_FOLDER_NAME


def backup_folder(store_path: Path, values: settings.Settings) -> Path:
    """The folder the settings name, or the default one."""
    return Path(values.backup_folder) if values.backup_folder else default_folder(store_path)


# -- did this session change anything? ---------------------------------------------------------


def session_changed(store: Store) -> bool:
    """Whether anything changed since this session began or since its last automatic backup.

    The log is the store's own record of every change (each is written with its log line). The
    session begins at its unlock line; a verified automatic backup moves that start on. Unlock,
    lock, views, prints and backups alone are no change.
    """
    with store.read() as session:
        return _changed_since_mark(session)


def _changed_since_mark(session: Session) -> bool:
    mark = session.scalar(
        select(AuditEvent.id)
        .where(
            or_(
                AuditEvent.action == str(AuditAction.UNLOCK),
                and_(AuditEvent.object_type == AUDIT_OBJECT, AuditEvent.result == "ok"),
            )
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    changed = session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.id > (mark or 0),
            AuditEvent.action.in_(CHANGE_ACTIONS),
            AuditEvent.result != _REFUSED,
        )
        .limit(1)
    )
    return changed is not None


def backup_due(store: Store) -> bool:
    """Whether an automatic backup would be made now (on, and something changed)."""
    with store.read() as session:
        values = settings.load_settings_in(session)
        return is_enabled(store, values) and _changed_since_mark(session)


# -- status ------------------------------------------------------------------------------------


def backup_status(store: Store) -> BackupStatus:
    """What is known about this store's backups (for the status bar)."""
    with store.read() as session:
        return backup_status_in(session, store)


def backup_status_in(session: Session, store: Store) -> BackupStatus:
    """`backup_status`, inside the caller's transaction (the Overzicht reads it with the rest)."""
    values = settings.load_settings_in(session)
    verified = _json_setting(session, VERIFIED_SETTING)
    failed = _json_setting(session, FAILED_SETTING)
    last_verified = _when(verified.get("at"))
    failed_at = _when(failed.get("at"))
    if failed_at is not None and last_verified is not None and failed_at <= last_verified:
        failed_at = None
    last_any = session.get(Setting, backup.LAST_BACKUP_SETTING)
    return BackupStatus(
        enabled=is_enabled(store, values),
        is_demo=store.is_demo,
        last_verified=last_verified,
        verified_file=str(verified.get("file", "")),
        last_backup=_when(last_any.value if last_any is not None else None),
        failed_at=failed_at,
        failure=str(failed.get("reason", "")) if failed_at is not None else "",
    )


def _json_setting(session: Session, key: str) -> dict[str, object]:
    row = session.get(Setting, key)
    if row is None:
        return {}
    try:
        data = json.loads(row.value)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# -- making one --------------------------------------------------------------------------------


def run_auto_backup(
    store: Store,
    *,
    occasion: str = "vergrendelen",
    now: datetime | None = None,
    policy: rotation.RotationPolicy = rotation.DEFAULT_POLICY,
) -> AutoBackupResult:
    """Make, verify and rotate an automatic backup if this session changed something.

    Never raises for a failed backup: the reason is logged and returned (lock and quit go on).
    `occasion` (vergrendelen, afsluiten, dagelijks) goes into the log line.
    """
    try:
        with store.read() as session:
            values = settings.load_settings_in(session)
            changed = _changed_since_mark(session)
        if not is_enabled(store, values):
            return AutoBackupResult(skipped="uit")
        if not changed:
            return AutoBackupResult(skipped="geen wijzigingen")
        folder = backup_folder(store.path, values)
        return _make(store, folder, occasion, now or datetime.now(), policy)
    except CasusoverlegError as exc:
        return _failed(store, exc.message)
    except OSError as exc:
        return _failed(store, f"de map voor back-ups is niet bruikbaar ({os_reason(exc)})")
    except DBAPIError:
        # SQLite's own text is English and may quote data: say it in Dutch instead.
        return _failed(store, "de opslag kon niet worden gelezen of bijgewerkt (is de schijf vol?)")
    except Exception as exc:  # a failed backup must never block lock or quit
        # The message may quote SQLite or the OS in English: the type name only.
        return _failed(store, f"onverwachte fout ({type(exc).__name__})")


def _make(
    store: Store, folder: Path, occasion: str, now: datetime, policy: rotation.RotationPolicy
) -> AutoBackupResult:
    settings.check_backup_folder(store.path, folder)
    _prepare_folder(store.path, folder)
    remove_stale_checks(folder)
    target = folder / _free_name(store.path.name, folder, now)
    made = backup.backup(store, target)
    try:
        verify_backup(made, store.key, store.key_file.store_id)
    except CasusoverlegError as exc:
        # A backup that fails its check must not be taken for one, nor push a good one out of
        # the rotation: it goes.
        made.unlink(missing_ok=True)
        return _failed(store, f"{made.name} is na het schrijven niet in orde: {exc.message}")
    except OSError as exc:
        # Unchecked is not verified either (and a full disk gets its space back).
        made.unlink(missing_ok=True)
        return _failed(
            store, f"{made.name} kon na het schrijven niet worden gecontroleerd ({os_reason(exc)})"
        )
    removed = _rotate(store.path.name, folder, now, policy)
    verified_at = datetime.now(UTC)
    with store.write() as session:
        detail = f"{made.name} gemaakt bij {occasion} en gecontroleerd"
        if removed:
            detail += f"; {len(removed)} oudere automatische back-up(s) verwijderd (rotatie)"
        audit.record(
            session,
            store,
            AuditAction.BACKUP,
            object_type=AUDIT_OBJECT,
            object_id=made.name,
            detail=detail,
        )
        session.merge(
            Setting(
                key=VERIFIED_SETTING,
                value=json.dumps(
                    {"at": verified_at.isoformat(timespec="microseconds"), "file": made.name}
                ),
            )
        )
        failed = session.get(Setting, FAILED_SETTING)
        if failed is not None:
            session.delete(failed)
    return AutoBackupResult(made=made, verified_at=verified_at, removed=tuple(removed))


def _prepare_folder(store_path: Path, folder: Path) -> None:
    """Make the default folder if it is missing; a chosen folder must exist (a disk may be out)."""
    if folder.is_dir():
        return
    if folder == default_folder(store_path):
        folder.mkdir(mode=0o700)
        return
    raise FolderMissing(
        f"de map {folder} is er niet (is de schijf aangesloten?); kies in Instellingen een "
        "bestaande map"
    )


def _free_name(store_name: str, folder: Path, now: datetime) -> str:
    for sequence in range(1, 1000):
        name = rotation.backup_name(store_name, now, sequence)
        if not (folder / name).exists():
            return name
    raise FolderMissing(f"in de map {folder} is geen vrije naam voor een back-up")


def _failed(store: Store, reason: str) -> AutoBackupResult:
    """Log a failed attempt and keep its reason for the status bar (best effort: the disk may
    be full or the store damaged; the reason is returned either way)."""
    try:
        with store.write() as session:
            audit.record(
                session,
                store,
                AuditAction.BACKUP,
                object_type=AUDIT_OBJECT,
                result=_FAILED,
                detail=f"automatische back-up mislukt: {reason}"[:2000],
            )
            at = datetime.now(UTC).isoformat(timespec="microseconds")
            session.merge(
                Setting(key=FAILED_SETTING, value=json.dumps({"at": at, "reason": reason}))
            )
    except Exception:  # noqa: S110 - the failure is returned to the window all the same
        pass
    return AutoBackupResult(failure=reason)


# -- verifying one -----------------------------------------------------------------------------


def verify_backup(path: Path, key: bytes, store_id: str) -> None:
    """Unpack a backup into a private temp folder and check it; DamagedStore says what is wrong.

    Checks: every member is there and its CRC is right, the key file and info belong to this
    store, the store opens with the key, cipher_integrity_check (HMAC of every page) and
    integrity_check find nothing, and the log chain is unbroken. An OSError (a full disk
    while unpacking) means the check could not run, and is passed on as such.
    """
    work = Path(tempfile.mkdtemp(prefix=_CHECK_PREFIX, dir=path.parent))
    try:
        db = work / backup.BACKUP_DB
        keys = work / backup.BACKUP_KEYS
        _unpack(path, work)
        info = backup.read_info(path)
        key_file = KeyFile.load(keys)
        if not (info.store_id == key_file.store_id == store_id):
            raise DamagedStore("de back-up hoort niet bij deze opslag")
        _check_database(db, key)
    except CasusoverlegError as exc:
        if isinstance(exc, DamagedStore):
            raise
        raise DamagedStore(exc.message) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unpack(path: Path, work: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for member in (backup.BACKUP_DB, backup.BACKUP_KEYS, backup.BACKUP_INFO):
                if member not in names:
                    raise DamagedStore(f"{member} ontbreekt in de back-up")
            for member in (backup.BACKUP_DB, backup.BACKUP_KEYS):
                fd = os.open(work / member, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                # Reading to the end makes zipfile check the member's CRC.
                with zf.open(member) as fin, os.fdopen(fd, "wb") as fout:
                    shutil.copyfileobj(fin, fout, 1024 * 1024)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise DamagedStore("het zip-bestand is beschadigd of afgebroken") from exc


def _check_database(db: Path, key: bytes) -> None:
    try:
        conn = connect_raw(db, key)
    except WrongKey as exc:
        raise DamagedStore("de opslag erin opent niet met de sleutel van deze opslag") from exc
    try:
        problems = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
        full = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if full != ["ok"]:
            problems.extend(full)
        if problems:
            count = len(problems)
            raise DamagedStore(f"de opslag erin is beschadigd ({count} fout(en) bij de controle)")
        # The log's own walk (`audit.walk_chain`), on the copy's plain rows.
        head = conn.execute(audit.HEAD_SQL).fetchone()
        chain = audit.walk_chain(conn.execute(audit.CHAIN_SQL), head)
    except DamagedStore:
        raise
    except Exception as exc:  # sqlcipher3's DatabaseError: a page that cannot be read
        raise DamagedStore("de opslag erin kan niet volledig worden gelezen") from exc
    finally:
        conn.close()
    if not chain.ok:
        raise DamagedStore(f"het logboek erin is niet in orde. {chain.message}")


def remove_stale_checks(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove verification temp folders left by a killed app (older than an hour)."""
    removed: list[Path] = []
    moment = time.time() if now is None else now
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(_CHECK_PREFIX) or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            if moment - entry.stat().st_mtime < _STALE_TEMP_SECONDS:
                continue
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


# -- rotation ----------------------------------------------------------------------------------


def _rotate(
    store_name: str, folder: Path, now: datetime, policy: rotation.RotationPolicy
) -> list[str]:
    """Delete the automatic backups the rotation lets go; returns their names."""
    regular = [p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink()]
    removed: list[str] = []
    for name in rotation.to_delete(store_name, regular, now, policy):
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # tried again after the next backup
        removed.append(name)
    return removed


# -- listing and checking them -----------------------------------------------------------------

CHECK_OBJECT = "back-up"  # object_type of a check by hand (not AUDIT_OBJECT: no session mark)


@dataclass(frozen=True)
class BackupFile:
    """One automatic backup in the backup folder, for the restore screen."""

    path: Path
    made: datetime  # local time, to the minute (from its name)
    size: int  # bytes
    verified: bool  # the store's log says it passed the checks (when made, or by hand since)


def list_backups(store: Store) -> list[BackupFile]:
    """The automatic backups of this store in its backup folder, newest first.

    Only names the rotation recognises for this store count (never any other file). Verified
    means the log of this store records the backup as checked: each automatic backup that
    passed its check at writing gets a log line naming it, and so does a check by hand
    (`check_backup`). A backup made by another copy of the store (or after the backup that was
    put back) is not known here and shows as not verified until it is checked.
    """
    with store.read() as session:
        values = settings.load_settings_in(session)
        checked = set(
            session.scalars(
                select(AuditEvent.object_id).where(
                    AuditEvent.object_type.in_((AUDIT_OBJECT, CHECK_OBJECT)),
                    AuditEvent.action == str(AuditAction.BACKUP),
                    AuditEvent.result == "ok",
                )
            )
        )
    folder = backup_folder(store.path, values)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []  # no folder (yet), or a disk that is not there: nothing to list
    found: list[tuple[datetime, int, BackupFile]] = []
    for entry in entries:
        parsed = rotation.parse_backup_name(store.path.name, entry.name)
        if parsed is None or entry.is_symlink():
            continue
        try:
            if not entry.is_file():
                continue
            size = entry.stat().st_size
        except OSError:
            continue
        found.append(
            (
                parsed.made,
                parsed.sequence,
                BackupFile(entry, parsed.made, size, entry.name in checked),
            )
        )
    found.sort(key=lambda item: item[:2], reverse=True)
    return [item[2] for item in found]


def check_backup(store: Store, path: Path) -> None:
    """Check a backup as a new automatic one is checked, and log that it passed.

    Raises DamagedStore (what is wrong) or BadInput (the file cannot be read); nothing is
    logged then, so it stays "niet gecontroleerd".
    """
    try:
        verify_backup(path, store.key, store.key_file.store_id)
    except FileNotFoundError as exc:
        raise BadInput(f"De back-up {path.name} is er niet meer.") from exc
    except OSError as exc:
        raise BadInput(
            f"De back-up {path.name} kon niet worden gecontroleerd ({os_reason(exc)})."
        ) from exc
    with store.write() as session:
        audit.record(
            session,
            store,
            AuditAction.BACKUP,
            object_type=CHECK_OBJECT,
            object_id=path.name,
            detail=f"{path.name} gecontroleerd",
        )
