"""Consistent encrypted copies of an open store (for backups and before migrations)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine

from casusoverleg.store.engine import raw_connection
from casusoverleg.store.keyslots import fsync_dir


def export_encrypted_copy(engine: Engine, key: bytes, dest: Path) -> None:
    """Write a consistent, encrypted copy of the store to `dest` (via a temp file, renamed).

    `sqlcipher_export` runs inside one read transaction, so the copy is consistent while the
    app goes on working; the copy is encrypted with the same raw key.
    """
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.unlink(missing_ok=True)
    # Made owner-only before SQLite opens it (SQLite would create it with the umask, often
    # 0644, for as long as the export runs; its journal takes the same mode as the file).
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with raw_connection(engine) as conn:
            conn.execute("ATTACH DATABASE ? AS backup_copy KEY ?", (str(tmp), f"x'{key.hex()}'"))
            try:
                conn.execute("BEGIN")
                try:
                    conn.execute("SELECT sqlcipher_export('backup_copy')")
                    conn.execute("COMMIT")
                except BaseException:
                    # DETACH fails inside an open transaction and would hide the real error.
                    if conn.in_transaction:  # some errors have rolled back already
                        conn.execute("ROLLBACK")
                    raise
            finally:
                conn.execute("DETACH DATABASE backup_copy")
        os.chmod(tmp, 0o600)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        fsync_dir(dest.parent)
    finally:
        tmp.unlink(missing_ok=True)
