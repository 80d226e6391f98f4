"""A real PostgreSQL server for the tests, started from the machine's own binaries.

The server runs in a temporary folder, listens only on a Unix socket in that folder (no TCP
port, so two test processes never collide) and trusts local connections. PostgreSQL refuses to
run as root, and CI runs as root: then the server runs as the `postgres` system user (Debian's
package makes it), through `runuser`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "casus_test"
PACKAGE_HINT = (
    "PostgreSQL ontbreekt (initdb en pg_ctl niet gevonden): installeer het Debian-pakket "
    "postgresql-15 (apt install postgresql-15) om de tests tegen een server te draaien"
)


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, or Debian's newest version."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent  # Debian links them from /usr/local/bin
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _as_server_user(command: list[str]) -> list[str]:
    """`command` run as the postgres user when we are root (PostgreSQL refuses root)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class PgServer:
    """One running test server; `url(db)` gives a SQLAlchemy URL for a database on it."""

    folder: Path
    binaries: Path

    @property
    def socket_dir(self) -> Path:
        return self.folder / "sock"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def dsn(self, database: str = "postgres") -> str:
        """A libpq connection string (for psycopg or pg_dump)."""
        return f"host={self.socket_dir} user={SUPERUSER} dbname={database}"

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one of the server's tools (pg_dump, psql …) as the server user; output kept."""
        return subprocess.run(
            _as_server_user([str(self.binaries / tool), *args]),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL."""
        self.run("createdb", "-h", str(self.socket_dir), "-U", SUPERUSER, name)
        return self.url(name)

    def copy_database(self, template: str, name: str) -> str:
        """A new database as a copy of `template` (which nobody may be connected to)."""
        self.run("createdb", "-h", str(self.socket_dir), "-U", SUPERUSER, "-T", template, name)
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            _as_server_user(
                [
                    str(self.binaries / "pg_ctl"),
                    "-D",
                    str(self.folder / "data"),
                    "-m",
                    "immediate",
                    "stop",
                ]
            ),
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> PgServer:
    """initdb and pg_ctl start in a new temporary folder; RuntimeError (with output) if not."""
    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError(PACKAGE_HINT)
    folder = Path(tempfile.mkdtemp(prefix="casusoverleg-pg-"))
    server = PgServer(folder, binaries)
    server.socket_dir.mkdir()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(server.socket_dir, "postgres", "postgres")
    data = folder / "data"
    steps = [
        [str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
         "--encoding=UTF8", "--no-locale", "--no-sync"],
        [str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(folder / "log"),
         "-o", f"-k {server.socket_dir} -c listen_addresses='' -c fsync=off "
         "-c synchronous_commit=off -c full_page_writes=off", "start"],
    ]  # fmt: skip
    for step in steps:
        done = subprocess.run(
            _as_server_user(step), capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
            server.stop()
            raise RuntimeError(f"{step[0]} mislukte:\n{done.stdout}\n{done.stderr}\n{log}")
    return server
