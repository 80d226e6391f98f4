"""Instellingen → Accounts on a server store: removing a colleague re-seals every value in
batches while a counting bar shows how far it is (issue 15 item 4), driven as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog
from pytestqt.qtbot import QtBot

from casusoverleg.errors import WrongKey
from casusoverleg.services import accounts, backup, cases, server_accounts
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case
from tests.helpers.ui import screen
from tests.server.test_server_window import OFFSCREEN_NOISE

import ui.accounts_view
from ui.accounts_view import AccountsView

BERT = "een lang wachtwoord voor bert"
pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_removing_a_colleague_counts_the_rows_sealed_again(
    qtbot: QtBot, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store
    for n in range(12):
        cases.create_case(store, sample_case("Kind", f"Achternaam{n}", case_number=f"2026-{n:04d}"))
    accounts.add_account(store, "bert", BERT, kdf=FAST_KDF)
    monkeypatch.setattr(server_accounts, "BATCH_ROWS", 5)  # several batches from a few rows
    monkeypatch.setattr(ui.accounts_view.dialogs, "confirm", lambda *_a, **_k: True)
    seen: list[tuple[int, int, str]] = []

    view = AccountsView()
    view.show()
    with qtbot.waitSignal(view.loaded):
        view.load(store)
    with screen(qtbot, view):
        names = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
        view.table.selectRow(names.index("bert"))
        qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)

        def note(done: int, total: int) -> None:
            bar = view.findChild(QProgressDialog)
            assert bar is not None
            seen.append((bar.value(), bar.maximum(), bar.labelText()))

        view.rekey_counter.moved.connect(note)  # after the bar's own slot: it shows this step
        qtbot.waitUntil(lambda: "verwijderd" in view.status_label.text(), timeout=30_000)

    assert len(seen) > 2
    total = seen[-1][1]
    assert total >= 12 and seen[-1][0] == total  # the bar ends full
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)
    assert seen[-1][2] == (
        f"De opslag krijgt een nieuwe sleutel: {total} van {total} rijen opnieuw verzegeld."
    )
    assert backup.check(store).ok  # every value opens under the new key
    accounts.lock(store)
    with pytest.raises(WrongKey):
        unlock_server(pg_url, "bert", BERT)
