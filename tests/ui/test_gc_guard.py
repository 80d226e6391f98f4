"""Cycles are freed on the GUI thread only (ui.gc_guard): a worker that allocates a lot never
runs the collector, so it never deletes a Qt object the GUI thread may be using."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QApplication

from ui.gc_guard import GuiThreadCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_a_cycle_dropped_in_a_worker_waits_for_the_gui_thread(qapp: QApplication) -> None:
    collector = GuiThreadCollector(qapp)  # the test's own, on top of conftest's
    try:
        assert not gc.isenabled()
        refs: list[weakref.ref[_Node]] = []

        def work() -> None:
            refs.append(weakref.ref(_Node()))
            # Far more allocations than gc's thresholds: automatic collection would run here.
            junk = [[object()] for _ in range(200_000)]
            del junk

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        assert refs[0]() is not None  # not collected in the worker
        collector.check()
        gc.collect(0)  # whatever generation check chose, the young cycle goes now too
        assert refs[0]() is None
    finally:
        collector.stop()


def test_stopping_gives_collection_back(qapp: QApplication) -> None:
    gc.enable()
    collector = GuiThreadCollector(qapp)
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()
