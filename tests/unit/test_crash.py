"""Kill the app with SIGKILL in the middle of writing, many times: nothing committed is lost.

A child process (tests/helpers/crash_child.py) creates cases one transaction at a time and
reports each commit on stdout. The parent kills it at a random moment, then unlocks the store
(taking over the lock the dead child left), runs both integrity checks and the log chain, and
checks that every case the child reported is there.
"""

from __future__ import annotations

import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from casusoverleg.services import accounts, backup, cases
from casusoverleg.store.lock import StoreLock
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

CHILD = Path(__file__).resolve().parent.parent / "helpers" / "crash_child.py"
SEED = 20261125
RUNS = 50
LINE_TIMEOUT = 30.0  # seconds for one line: a cold start on a busy 2-core machine
CASE_NUMBER = re.compile(r"^\d{4}-\d{4,}$")


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Move the child's stdout into a queue, so the parent can wait with a timeout."""
    for line in iter(stream.readline, ""):
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _run_and_kill(
    store_path: Path, wanted: int, kill_delay: float, child_seed: int, where: str, log: Path
) -> list[str]:
    """Start the child, let it report `wanted` commits, SIGKILL it; every number it reported."""
    with open(log, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(store_path), ACCOUNT, PASSPHRASE, str(child_seed)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert proc.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    reader.start()
    reported: list[str] = []
    problem = ""
    try:
        while len(reported) < wanted:
            line = lines.get(timeout=LINE_TIMEOUT)
            if line is None:
                problem = "het kindproces stopte zelf"
                break
            reported.append(line)
        else:
            # Not a wait for anything: it moves the kill to a random point of the child's next
            # transaction (the child does not stop after printing).
            if kill_delay:
                time.sleep(kill_delay)
            proc.send_signal(signal.SIGKILL)
    except queue.Empty:
        problem = f"geen regel van het kindproces binnen {LINE_TIMEOUT:.0f} s"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=LINE_TIMEOUT)
        reader.join(timeout=LINE_TIMEOUT)
        proc.stdout.close()
    if problem:
        error = log.read_text(encoding="utf-8", errors="replace")
        pytest.fail(f"{where}: {problem} (code {proc.returncode}):\n{error}")
    # What the child printed between our last read and its death counts as reported too.
    while (rest := lines.get_nowait()) is not None:
        reported.append(rest)
    assert proc.returncode == -signal.SIGKILL, where
    return reported


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL bestaat alleen op POSIX")
def test_killing_the_app_mid_write_loses_no_committed_case(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    store, _ = make_store(tmp_path)
    path = store.path
    store.close()
    reported: set[str] = set()
    started = time.monotonic()
    for run in range(RUNS):
        wanted = rng.randint(1, 20)
        kill_delay = rng.choice([0.0, rng.uniform(0.0, 0.02)])
        where = f"seed {SEED}, ronde {run}, na {wanted} commits (+{kill_delay * 1000:.1f} ms)"
        got = _run_and_kill(
            path, wanted, kill_delay, rng.randrange(2**32), where, tmp_path / "kind.err"
        )
        assert len(got) >= wanted, where
        assert all(CASE_NUMBER.match(n) for n in got), f"{where}: {got}"
        reported.update(got)
        # The dead child's lock file is still there; unlock must take it over.
        assert StoreLock(path).path.exists(), where

        opened = accounts.unlock(path, ACCOUNT, PASSPHRASE)
        try:
            report = backup.check(opened)
            present = {r.case_number for r in cases.list_cases(opened, log_search=False)}
        finally:
            accounts.lock(opened)
        assert report.ok, f"{where}: " + " / ".join(report.lines())
        missing = sorted(reported - present)
        assert not missing, f"{where}: gemelde casussen ontbreken: {missing}"
        # At most the one case being written at the kill can be there without being reported.
        assert len(present) <= len(reported) + run + 1, where
    elapsed = time.monotonic() - started
    print(f"crashtest: {RUNS} rondes, {len(reported)} casussen, {elapsed:.1f} s (seed {SEED})")
