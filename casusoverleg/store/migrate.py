"""Schema changes through Alembic only, with an encrypted backup taken before each upgrade."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from casusoverleg.errors import NewerStore
from casusoverleg.store.copying import export_encrypted_copy


def alembic_config() -> Config:
    """An Alembic config that finds the migrations inside the installed package."""
    cfg = Config()
    cfg.set_main_option("script_location", "casusoverleg.store:migrations")
    return cfg


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migrations shipped with this version, read once per process (they do not change)."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this version of the app knows."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision the store is at (None for a new, empty store)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_store(engine: Engine, store_path: Path, key: bytes) -> Path | None:
    """Bring the store to the newest schema; returns the backup taken first, if any."""
    current = current_revision(engine)
    if current is not None:
        try:
            _scripts().get_revision(current)
        except Exception as exc:  # alembic raises several kinds for an unknown revision
            raise NewerStore(
                "Deze opslag is gemaakt met een nieuwere versie van Casusoverleg. "
                "Werk het programma bij of open een andere opslag."
            ) from exc
    head = head_revision()
    if current == head:
        return None
    backup: Path | None = None
    if current is not None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = store_path.with_name(f"{store_path.name}.voor-migratie-{current}-{stamp}")
        export_encrypted_copy(engine, key, backup)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
