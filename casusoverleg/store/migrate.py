"""Schema changes through Alembic only, with an encrypted backup taken before each upgrade.

Alembic is imported only when a store must be upgraded: a store at the newest revision (every
unlock but the first after an update) is recognised by one query, so the command line and the
window do not load Alembic (about 0.2 s) to open it.
"""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from casusoverleg.errors import NewerStore
from casusoverleg.store.copying import export_encrypted_copy

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# The newest migration in casusoverleg/store/migrations/versions; tests/unit/test_migrate.py
# checks it against Alembic's own answer, so a new migration cannot be forgotten here.
HEAD_REVISION = "0009"


def alembic_config() -> Config:
    """An Alembic config that finds the migrations inside the installed package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "casusoverleg.store:migrations")
    return cfg


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migrations shipped with this version, read once per process (they do not change)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this version of the app knows."""
    return HEAD_REVISION


def alembic_head() -> str:
    """The newest revision as Alembic finds it in the migrations folder (for the test)."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def is_known_revision(revision: str) -> bool:
    """Whether this version's migrations know `revision` (False: a newer version made it)."""
    try:
        _scripts().get_revision(revision)
    except Exception:  # alembic raises several kinds for an unknown revision
        return False
    return True


def current_revision(engine: Engine) -> str | None:
    """The schema revision the store is at (None for a new, empty store)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return found[0] if len(found) == 1 else None


def upgrade_store(engine: Engine, store_path: Path, key: bytes) -> Path | None:
    """Bring the store to the newest schema; returns the backup taken first, if any."""
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return None  # the usual case: nothing of Alembic is loaded
    if current is not None and not is_known_revision(current):
        raise NewerStore(
            "Deze opslag is gemaakt met een nieuwere versie van Casusoverleg. "
            "Werk het programma bij of open een andere opslag."
        )
    backup: Path | None = None
    if current is not None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = store_path.with_name(f"{store_path.name}.voor-migratie-{current}-{stamp}")
        export_encrypted_copy(engine, key, backup)
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
