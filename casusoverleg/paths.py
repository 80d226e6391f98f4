"""Where the store lives by default: one answer for the window and the command line.

The per-user, local (not roaming) data folder of platformdirs: Linux
`~/.local/share/casusoverleg`, macOS `~/Library/Application Support/casusoverleg`, Windows
`%LOCALAPPDATA%\\casusoverleg\\casusoverleg` (platformdirs puts the "app author" first; it is the
app's own name here). The window always used that folder, so the stores made by its first-start
wizard are there.

Until issue 14 the command line asked platformdirs without an author, which on Windows is one
level up: `%LOCALAPPDATA%\\casusoverleg`. A store that `casusoverleg init` put there is still found:
when the data folder holds no store and that old place does, the old place is the default. On
Linux and macOS both are the same folder.

Light on purpose (no store layer): `casusoverleg --help` and the window's start import it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import platformdirs

APP_NAME = "casusoverleg"
STORE_FILE_NAME = "casusoverleg.db"
SERVER_SCHEMES = ("postgresql://", "postgresql+psycopg://")


def data_folder() -> Path:
    """The per-user local data folder of Casusoverleg (it may not exist yet)."""
    return Path(platformdirs.user_data_dir(APP_NAME, roaming=False))


def _old_cli_folder() -> Path:
    """Where `casusoverleg init` put a store before issue 14 (differs only on Windows)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def default_store_path() -> Path:
    """The store used when neither --store nor CASUSOVERLEG_STORE names one.

    The store in the data folder; if that does not exist but a store at the command line's old
    place does, that one (it would otherwise seem lost).
    """
    path = data_folder() / STORE_FILE_NAME
    if path.exists():
        return path
    old = _old_cli_folder() / STORE_FILE_NAME
    return old if old != path and old.is_file() else path


def server_folder(server: str) -> Path:
    """This computer's own folder for a store on a server (`server`: its address, no password).

    It holds what a client keeps beside a store: the anchored head of the log and log lines
    waiting for disk space. One folder per server address, named by a hash of it.
    """
    name = hashlib.sha256(server.encode("utf-8")).hexdigest()[:16]
    return data_folder() / "servers" / name


def is_server_address(text: str) -> bool:
    """Whether `text` (a --store value) names a PostgreSQL server rather than a store file."""
    return text.strip().lower().startswith(SERVER_SCHEMES)
