"""The store layer knows the newest migration without loading Alembic (fast unlock)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from casusoverleg.store import migrate
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store


def test_the_head_revision_is_the_newest_migration() -> None:
    assert migrate.alembic_head() == migrate.HEAD_REVISION, (
        "Zet HEAD_REVISION in casusoverleg/store/migrate.py op de nieuwe migratie."
    )


def test_unknown_revisions_are_not_known() -> None:
    assert migrate.is_known_revision("0001")
    assert not migrate.is_known_revision("9999")


def test_unlocking_a_current_store_loads_no_alembic_and_no_psycopg(tmp_path: Path) -> None:
    # Each costs every command and every start of the window about 0.15-0.2 s: Alembic is for
    # an upgrade, psycopg for a store on a server.
    store, _ = make_store(tmp_path)
    store.close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from casusoverleg.services import accounts\n"
        "accounts.lock(accounts.unlock(Path(sys.argv[1]), sys.argv[2], sys.argv[3]))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'psycopg')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(store.path), ACCOUNT, PASSPHRASE],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.strip() == "[]"
