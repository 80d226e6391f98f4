"""Python's cycle collector runs on the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate when a generation
is full: often a worker rendering a PDF or reading the store. If it then frees a cycle holding a
Qt object (a closed dialog and a lambda connected to it, say), that object is deleted from the
worker while the GUI thread may be using it. The test suite crashed that way now and then
(issue 13: a segmentation fault on the GUI thread while a worker registered the PDF fonts).
So automatic collection is switched off and a timer on the GUI thread collects instead, as
often as the collector's own thresholds would (the pattern of pyqtgraph's GarbageCollector and
Anki's main window). Reference counting still frees everything that is not in a cycle at once.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1_000


class GuiThreadCollector(QObject):
    """While it runs, cycles are collected by `check` on the GUI thread, never elsewhere."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the generations that are over their threshold (oldest first, as gc does)."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._threshold[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Give collection back to Python (after one last check; a full collection of a large
        heap would cost up to a second, and nothing runs in a worker after this)."""
        self._timer.stop()
        self.check()
        if self._was_enabled:
            gc.enable()
