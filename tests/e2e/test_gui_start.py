"""The window's start (issue 14): the unlock dialog is up before the store layer is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.stores import make_store

from ui.app import START_PROBE_ENV, START_PROBE_LINE

STORE_LAYER = (
    "sqlalchemy",
    "alembic",
    "sqlcipher3",
    "reportlab",
    "openpyxl",
    "casusoverleg.services.accounts",
    "casusoverleg.store",
    "ui.mainwindow",
)


def test_the_unlock_dialog_is_shown_before_the_store_layer_is_imported(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path)
    store.close()
    code = (
        "import sys\n"
        "from ui.main import gui_main\n"
        f"code = gui_main(['--store', {str(store.path)!r}])\n"
        f"loaded = sorted(m for m in {STORE_LAYER!r} if m in sys.modules)\n"
        "sys.stderr.write('LOADED=' + ','.join(loaded))\n"
        "sys.exit(code)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{START_PROBE_ENV: "1"})
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == START_PROBE_LINE
    assert done.stderr.strip().endswith("LOADED="), done.stderr
