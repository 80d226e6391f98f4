"""Meeting mode's soft claim ("<naam> notuleert dit overleg"), kept by the window (issue 15).

`ClaimKeeper.start()` (when the window is presented) claims the meeting's minutes. If another
account (or another window) holds a live claim, it asks whether to take over; "Alleen
meekijken" leaves the claim and shows a banner with who takes the minutes. Every minute it
renews the claim (a watching window takes a claim that lapsed or was released), when another
client changes settings (a claim is a setting) it reads who holds it again, and `stop()` (the
window closes) releases it. The banner is the only thing it changes in the window.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import meeting_claim
from casusoverleg.services.meeting_claim import Claim, ClaimHeld
from casusoverleg.services.store import Store

from ui import common, ops
from ui.meeting_mode.look import set_colour
from ui.ops import Change, StoreOp
from ui.style import ERROR_COLOUR

RENEW_MS = int(meeting_claim.RENEW_EVERY.total_seconds() * 1000)


class ClaimKeeper(QObject):
    """Holds (or watches) the claim on one meeting's minutes for one meeting mode window."""

    def __init__(
        self, window: QWidget, meeting_id: int, store_of: Callable[[], Store | None]
    ) -> None:
        super().__init__(window)
        self._window = window
        self._meeting_id = meeting_id
        self._store_of = store_of
        self.client = secrets.token_hex(8)  # this window, over a lock and unlock
        self.holder: Claim | None = None  # who holds the claim as last heard (None: nobody)
        self.started = False
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        set_colour(self.banner, ERROR_COLOUR)
        self.banner.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(RENEW_MS)
        self.timer.timeout.connect(self.tick)

    @property
    def holding(self) -> bool:
        """Whether this window holds the claim (as last heard)."""
        store = self._store_of()
        return self.holder is not None and store is not None and self._mine(self.holder, store)

    def _mine(self, claim: Claim, store: Store) -> bool:
        return claim.mine(store, self.client)

    def start(self) -> None:
        """Claim the minutes (asking first if someone else holds them); renew every minute."""
        store = self._store_of()
        if store is None or self.started:
            return
        self.started = True
        self.timer.start()
        ops.change_bus().did_change.connect(self._changed)
        meeting_id, client = self._meeting_id, self.client
        StoreOp(
            self._window, store, lambda s: meeting_claim.claim(s, meeting_id, client=client)
        ).success(self._show).failure(self._held).run()

    def _held(self, exc: CasusoverlegError) -> None:
        if not isinstance(exc, ClaimHeld):
            self._not_done(exc)
            return
        self._show(exc.claim)
        store = self._store_of()
        if store is None or not common.ask(
            self._window,
            "Notuleren overnemen?",
            f"{exc.claim.name} notuleert dit overleg al. Wilt u het notuleren overnemen?",
            yes="Overnemen",
            no="Alleen meekijken",
            detail="Neemt u het over, dan komt dat in het logboek.",
        ):
            return
        meeting_id, client = self._meeting_id, self.client
        (
            StoreOp(
                self._window,
                store,
                lambda s: meeting_claim.claim(s, meeting_id, take_over=True, client=client),
            )
            .success(self._show)
            .failure(self._not_done)
            .run()
        )

    def _not_done(self, exc: CasusoverlegError) -> None:
        # The claim is a courtesy: meeting mode works on without it.
        self.banner.setText(f"Niet vastgelegd wie notuleert: {exc.message}")
        self.banner.show()

    def tick(self) -> None:
        """The heartbeat (every minute): renew this window's claim, or see who holds it."""
        store = self._store_of()
        if store is None or not self.started:
            return
        meeting_id, client = self._meeting_id, self.client

        def renew(s: Store) -> Claim | None:
            return meeting_claim.renew(s, meeting_id, client=client) or meeting_claim.current(
                s, meeting_id
            )

        StoreOp(self._window, store, renew).key("claim").success(self._show).failure(
            self._not_done
        ).run()

    def refresh(self) -> None:
        """Read who holds the claim now (another client changed it)."""
        store = self._store_of()
        if store is None or not self.started:
            return
        meeting_id = self._meeting_id
        StoreOp(self._window, store, lambda s: meeting_claim.current(s, meeting_id)).key(
            "claim"
        ).success(self._show).failure(self._not_done).run()

    def _changed(self, change: Change, source: object) -> None:
        if change & Change.CLAIMS and source is None:  # only another client's change
            self.refresh()

    def _show(self, claim: Claim | None) -> None:
        self.holder = claim
        store = self._store_of()
        others = claim is not None and store is not None and not self._mine(claim, store)
        self.banner.setText(claim.banner() if claim is not None and others else "")
        self.banner.setVisible(others)

    def stop(self) -> None:
        """Stop renewing and release the claim if this window holds it (the window closes)."""
        self.timer.stop()
        store = self._store_of()
        if not self.started:
            return
        self.started = False
        ops.change_bus().did_change.disconnect(self._changed)
        if store is None:
            return  # locked: the claim lapses
        meeting_id, client = self._meeting_id, self.client
        StoreOp(
            self._window, store, lambda s: meeting_claim.release(s, meeting_id, client=client)
        ).failure(lambda _exc: None).run()
