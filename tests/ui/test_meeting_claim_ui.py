"""Meeting mode claims the minutes; another's claim is asked about ("Overnemen"), or watched."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts, audit, meeting_claim
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.meeting_data import add_meeting
from tests.helpers.stores import ACCOUNT, PASSPHRASE

from ui import common, ops, tasks
from ui.meeting_mode import MeetingModeWindow
from ui.ops import Change

ON = date(2027, 5, 18)


@pytest.fixture
def meeting_id(store: Store) -> int:
    accounts.add_account(store, "bram", PASSPHRASE, kdf=FAST_KDF, display_name="Bram de Boer")
    return add_meeting(store, ON)


@pytest.fixture
def bram(store: Store) -> Store:
    """Bram's window on the same store (another account, another client)."""
    return replace(store, account="bram", client_id="bram-venster")


class Questions:
    """The questions asked (text, yes, no), answered with `answer` (True: the yes button)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []
        self.answer = True

    def __call__(
        self, _parent: object, _title: str, text: str, *, yes: str, no: str = "", **_: object
    ) -> bool:
        self.asked.append((text, yes, no))
        return self.answer


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    asker = Questions()
    monkeypatch.setattr(common, "ask", asker)
    return asker


def _open(qtbot: QtBot, store: Store, meeting_id: int) -> MeetingModeWindow:
    widget = MeetingModeWindow(meeting_id)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.load(store)
    widget.claim.start()  # what `present()` does on opening
    assert tasks.wait_for_idle()
    return widget


def test_opening_claims_and_closing_releases(
    qtbot: QtBot, store: Store, meeting_id: int, questions: Questions
) -> None:
    window = _open(qtbot, store, meeting_id)
    held = meeting_claim.current(store, meeting_id)
    assert held is not None and held.account == ACCOUNT and window.claim.holding
    assert questions.asked == [] and not window.claim.banner.isVisible()

    window.claim.tick()  # the minute's heartbeat keeps it
    assert tasks.wait_for_idle()
    assert meeting_claim.current(store, meeting_id) == held
    window.close()
    assert tasks.wait_for_idle()
    assert meeting_claim.current(store, meeting_id) is None


def test_another_holding_the_claim_is_asked_about_and_overnemen_takes_it(
    qtbot: QtBot,
    store: Store,
    bram: Store,
    meeting_id: int,
    questions: Questions,
) -> None:
    meeting_claim.claim(bram, meeting_id)
    window = _open(qtbot, store, meeting_id)
    assert questions.asked == [
        (
            "Bram de Boer notuleert dit overleg al. Wilt u het notuleren overnemen?",
            "Overnemen",
            "Alleen meekijken",
        )
    ]
    held = meeting_claim.current(store, meeting_id)
    assert held is not None and held.account == ACCOUNT and window.claim.holding
    assert not window.claim.banner.isVisible()
    assert audit.list_events(store, limit=1)[0].detail == "notuleren overgenomen van bram"

    window.close()
    assert tasks.wait_for_idle()
    assert meeting_claim.current(store, meeting_id) is None


def test_alleen_meekijken_shows_who_takes_the_minutes_and_follows_a_change(
    qtbot: QtBot,
    store: Store,
    bram: Store,
    meeting_id: int,
    questions: Questions,
) -> None:
    questions.answer = False  # "Alleen meekijken"
    held = meeting_claim.claim(bram, meeting_id)
    window = _open(qtbot, store, meeting_id)
    assert len(questions.asked) == 1 and not window.claim.holding
    assert window.claim.banner.isVisible()
    assert window.claim.banner.text() == (
        f"Bram de Boer notuleert dit overleg (sinds {held.since_text})."
    )

    # Bram closes meeting mode; the server's notice (a claims change of another client)
    # makes the banner go.
    meeting_claim.release(bram, meeting_id)
    ops.change_bus().did_change.emit(Change.CLAIMS, None)
    assert tasks.wait_for_idle()
    assert not window.claim.banner.isVisible()
    # The next heartbeat takes the free claim; closing does not touch another's claim.
    window.claim.tick()
    assert tasks.wait_for_idle()
    assert window.claim.holding
    window.close()
    assert tasks.wait_for_idle()
    assert meeting_claim.current(store, meeting_id) is None
