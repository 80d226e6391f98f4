"""Settings kept in the store (idle lock time, organisation, region, retention, meeting length,
automatic backups).

Each setting has a type, a default and a rule; a change is written together with its audit line,
so the log shows who changed what and when. A setting that was never changed has its default.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.domain.retention import DEFAULT_RETENTION_YEARS
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.store.models import Setting

# School-holiday regions of the Netherlands (Zwolle lies in noord).
REGIONS = ("noord", "midden", "zuid")

IDLE_LOCK_RANGE = (1, 240)
RETENTION_RANGE = (1, 100)
MEETING_MINUTES_RANGE = (15, 480)


@dataclass(frozen=True)
class Settings:
    """Every setting with its current value (the default where it was never changed)."""

    idle_lock_minutes: int = 5
    organisation_name: str = ""
    region: str = "noord"
    retention_years: int = DEFAULT_RETENTION_YEARS
    default_meeting_minutes: int = 120
    auto_backup: str = ""  # "aan", "uit"; "" = the default (autobackup.is_enabled: real stores)
    backup_folder: str = ""  # "" = a folder `backups` beside the store


_DEFAULTS = Settings()
SETTING_NAMES = tuple(f.name for f in fields(Settings))

# Dutch names for messages and the log.
LABELS = {
    "idle_lock_minutes": "automatisch vergrendelen na (minuten)",
    "organisation_name": "naam organisatie",
    "region": "vakantieregio",
    "retention_years": "bewaartermijn (jaren)",
    "default_meeting_minutes": "standaardduur overleg (minuten)",
    "auto_backup": "automatische back-ups",
    "backup_folder": "map voor automatische back-ups",
}


def _whole_number(name: str, low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise BadInput(f"De instelling '{LABELS[name]}' moet een heel getal zijn.")
        try:
            number = int(value)
        except ValueError as exc:
            raise BadInput(f"De instelling '{LABELS[name]}' moet een heel getal zijn.") from exc
        if not low <= number <= high:
            raise BadInput(f"De instelling '{LABELS[name]}' moet tussen {low} en {high} liggen.")
        return number

    return check


def _organisation(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > 120:
        raise BadInput("De naam van de organisatie mag hoogstens 120 tekens lang zijn.")
    return text


def _region(value: object) -> str:
    text = str(value).strip().lower()
    if text not in REGIONS:
        raise BadInput("De vakantieregio is noord, midden of zuid.")
    return text


def _auto_backup(value: object) -> str:
    text = str(value).strip().lower()
    if text not in ("", "aan", "uit"):
        raise BadInput("De instelling 'automatische back-ups' is aan of uit.")
    return text


def _backup_folder(value: object) -> str:
    text = str(value).strip()
    if not text:
        return ""
    if len(text) > 1000 or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BadInput("Kies de map voor automatische back-ups met de knop 'Kies map…'.")
    if not Path(text).is_absolute():
        raise BadInput("Geef de map voor automatische back-ups als volledig pad.")
    return os.path.normpath(text)


def check_backup_folder(store_path: Path, folder: Path) -> None:
    """Refuse the store's own folder as backup folder (a subfolder such as `backups` is fine)."""
    try:
        same = folder.resolve() == store_path.resolve().parent
    except OSError:
        same = False  # a folder that cannot be resolved now is refused when it is written to
    if same:
        raise BadInput(
            "Kies voor de automatische back-ups een andere map dan die van de opslag zelf, "
            "bijvoorbeeld de map 'backups' ernaast."
        )


_CHECKS: dict[str, Callable[[object], Any]] = {
    "idle_lock_minutes": _whole_number("idle_lock_minutes", *IDLE_LOCK_RANGE),
    "organisation_name": _organisation,
    "region": _region,
    "retention_years": _whole_number("retention_years", *RETENTION_RANGE),
    "default_meeting_minutes": _whole_number("default_meeting_minutes", *MEETING_MINUTES_RANGE),
    "auto_backup": _auto_backup,
    "backup_folder": _backup_folder,
}


def _check_name(name: str) -> None:
    if name not in _CHECKS:
        raise BadInput(f"Onbekende instelling '{name}'.")


def _stored(value: str, name: str) -> Any:
    """A stored text as its typed value; the default if it no longer passes the rule."""
    try:
        return _CHECKS[name](value)
    except BadInput:
        return getattr(_DEFAULTS, name)


def load_settings(store: Store) -> Settings:
    """All settings of the store."""
    with store.read() as session:
        return load_settings_in(session)


def load_settings_in(session: Session) -> Settings:
    """All settings of the store, read inside the caller's transaction."""
    # One query, not one per name: on a server store each is a round trip.
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(SETTING_NAMES)))
    values = {key: _stored(value, key) for key, value in rows}
    return replace(_DEFAULTS, **values)


def get_setting(store: Store, name: str) -> int | str:
    """One setting's value."""
    _check_name(name)
    value: int | str = getattr(load_settings(store), name)
    return value


def set_setting(store: Store, name: str, value: int | str) -> Settings:
    """Change one setting (checked, logged with old and new value); returns all settings."""
    return set_settings(store, {name: value})


def set_settings(store: Store, changes: dict[str, int | str]) -> Settings:
    """Change several settings at once: all checked first, then written in one transaction.

    Only a beheerder changes settings (a lid sees them); NotAllowed says so otherwise.
    """
    from casusoverleg.services import accounts  # accounts -> cases -> ... -> settings

    accounts.require_beheerder(store, "instellingen wijzigen")
    for name in changes:
        _check_name(name)
    checked = {name: _CHECKS[name](value) for name, value in changes.items()}
    if checked.get("backup_folder"):
        check_backup_folder(store.path, Path(checked["backup_folder"]))
    with store.write() as session:
        for name, new in checked.items():
            row = session.get(Setting, name)
            old = _stored(row.value, name) if row is not None else getattr(_DEFAULTS, name)
            if old == new:
                continue
            if row is None:
                session.add(Setting(key=name, value=str(new)))
            else:
                row.value = str(new)
            audit.record(
                session,
                store,
                AuditAction.UPDATE,
                object_type="instelling",
                object_id=name,
                detail=f"{LABELS[name]}: {old or '(leeg)'} → {new or '(leeg)'}",
            )
    return load_settings(store)
