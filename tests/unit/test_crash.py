"""Kill the app with SIGKILL in the middle of writing, many times: nothing committed is lost.

A child process (tests/helpers/crash_child.py) imports the app once and forks a writer per
round; the writer creates cases one transaction at a time and reports each commit on stdout.
The parent kills the writer at a random moment, then unlocks the store (taking over the lock
the dead writer left), runs both integrity checks and the log chain, and checks that every case
the writer reported is there.
"""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


class _Writers:
    """The running crash_child: one writer per `run_and_kill`."""

    def __init__(self, proc: subprocess.Popen[str], log: Path) -> None:
        self.proc = proc
        self.log = log
        self.lines: queue.Queue[str | None] = queue.Queue()
        assert proc.stdout is not None
        self.reader = threading.Thread(target=_pump, args=(proc.stdout, self.lines), daemon=True)
        self.reader.start()

    def _line(self, where: str) -> str:
        try:
            line = self.lines.get(timeout=LINE_TIMEOUT)
        except queue.Empty:
            self._fail(where, f"geen regel van het kindproces binnen {LINE_TIMEOUT:.0f} s")
        if line is None:
            self._fail(where, "het kindproces stopte zelf")
        if line.startswith("fout "):
            self._fail(where, f"de schrijver stopte zelf: {line}")
        return line

    def _fail(self, where: str, problem: str) -> None:
        error = self.log.read_text(encoding="utf-8", errors="replace")
        pytest.fail(f"{where}: {problem}:\n{error}")

    def run_and_kill(self, wanted: int, kill_delay: float, seed: int, where: str) -> list[str]:
        """Fork a writer, let it report `wanted` commits, SIGKILL it; every number it reported."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{seed}\n")
        self.proc.stdin.flush()
        first = self._line(where)
        assert first.startswith("pid "), f"{where}: {first}"
        pid = int(first.split()[1])
        reported: list[str] = []
        while len(reported) < wanted:
            reported.append(self._line(where))
        # Not a wait for anything: it moves the kill to a random point of the writer's next
        # transaction (the writer does not stop after printing).
        if kill_delay:
            time.sleep(kill_delay)
        os.kill(pid, signal.SIGKILL)
        # What the writer printed between our last read and its death counts as reported too.
        while not (line := self._line(where)).startswith("einde "):
            reported.append(line)
        assert line == f"einde {int(signal.SIGKILL)}", f"{where}: {line}"
        return reported


@contextmanager
def _writers(store_path: Path, log: Path) -> Iterator[_Writers]:
    with open(log, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(store_path), ACCOUNT, PASSPHRASE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    writers = _Writers(proc, log)
    try:
        yield writers
    finally:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()  # the child ends after its last writer
        try:
            proc.wait(timeout=LINE_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=LINE_TIMEOUT)
            writers.reader.join(timeout=LINE_TIMEOUT)
            proc.stdout.close()


@pytest.mark.slow
@pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"),
    reason="SIGKILL en fork bestaan alleen op POSIX",
)
def test_killing_the_app_mid_write_loses_no_committed_case(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    store, _ = make_store(tmp_path)
    path = store.path
    store.close()
    reported: set[str] = set()
    started = time.monotonic()
    with _writers(path, tmp_path / "kind.err") as writers:
        for run in range(RUNS):
            wanted = rng.randint(1, 20)
            kill_delay = rng.choice([0.0, rng.uniform(0.0, 0.02)])
            where = f"seed {SEED}, ronde {run}, na {wanted} commits (+{kill_delay * 1000:.1f} ms)"
            got = writers.run_and_kill(wanted, kill_delay, rng.randrange(2**32), where)
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
