"""Casussen na bewaartermijn (issue 11, item 5): the list, the confirmation, the roles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts, retention
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.retention_data import (
    DESTROY_ON,
    GONE_NUMBER,
    GONE_TOO_NUMBER,
    RetentionStore,
    make_retention_store,
)
from tests.helpers.stores import PASSPHRASE
from tests.helpers.ui import idle, screen

import ui.retention
from ui.retention import NOT_ALLOWED, RetentionDialog
from ui.settings import SettingsView


@contextmanager
def opened(qtbot: QtBot, dialog: RetentionDialog) -> Iterator[RetentionDialog]:
    """The dialog for one test, closed after the worker is idle (pytest-qt closes it again).

    Closed, not deleted: a wrapper that lives on until the garbage collector runs would make
    pytest-qt's own close of a deleted dialog fail.
    """
    qtbot.addWidget(dialog)
    try:
        yield dialog
    finally:
        idle()
        dialog.close()


@pytest.fixture
def data(tmp_path: Path) -> Iterator[RetentionStore]:
    """Two cases past retention on DESTROY_ON, one not; opened by its beheerder."""
    made = make_retention_store(tmp_path)
    yield made
    idle()
    accounts.lock(made.store)


def test_a_beheerder_destroys_the_selected_cases_after_a_confirmation_naming_them(
    qtbot: QtBot, data: RetentionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The confirmation names how many and which casusnummers; the list is read again."""
    asked: list[str] = []

    def confirm(_parent: object, _title: str, text: str, yes: str, **_kw: object) -> bool:
        asked.append(f"{text}|{yes}")
        return True

    monkeypatch.setattr(ui.retention.dialogs, "confirm", confirm)
    monkeypatch.setattr(ui.retention.dialogs, "inform", lambda *_a, **_kw: None)
    with opened(qtbot, RetentionDialog(data.store, on=DESTROY_ON)) as dialog:
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
        assert dialog.table.item(0, 0).text() == GONE_NUMBER
        assert dialog.table.item(0, 1).text() == "Z. H."
        assert not dialog.destroy_button.isEnabled()  # nothing selected yet
        assert dialog.role_label.isHidden()
        dialog.table.selectAll()
        assert dialog.destroy_button.isEnabled()
        with qtbot.waitSignal(dialog.cases_destroyed, timeout=20_000):
            dialog.destroy_button.click()
        assert asked == [
            f"{retention.confirmation_text([GONE_NUMBER, GONE_TOO_NUMBER])}|2 vernietigen"
        ]
        assert asked[0].startswith(f"2 casussen definitief vernietigen: {GONE_NUMBER}, ")
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 0)
    assert retention.past_retention(data.store, DESTROY_ON) == []


def test_cancelling_the_confirmation_destroys_nothing(
    qtbot: QtBot, data: RetentionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No is the answer by default: nothing happens."""
    monkeypatch.setattr(ui.retention.dialogs, "confirm", lambda *_a, **_kw: False)
    with opened(qtbot, RetentionDialog(data.store, on=DESTROY_ON)) as dialog:
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
        dialog.table.selectRow(0)
        dialog.destroy_button.click()
        idle()
    assert len(retention.past_retention(data.store, DESTROY_ON)) == 2


def test_for_a_medewerker_vernietigen_is_disabled_with_the_reason(
    qtbot: QtBot, data: RetentionStore
) -> None:
    """Only a BEHEERDER may destroy; a medewerker sees the list and why the button is off."""
    accounts.add_account(data.store, "medewerker", PASSPHRASE, kdf=FAST_KDF)
    accounts.lock(data.store)  # one account at a time holds the store
    other = accounts.unlock(data.store.path, "medewerker", PASSPHRASE)
    try:
        with opened(qtbot, RetentionDialog(other, on=DESTROY_ON)) as dialog:
            qtbot.waitSignal(dialog.loaded, timeout=10_000)
            qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
            dialog.table.selectAll()
            assert not dialog.destroy_button.isEnabled()
            assert not dialog.role_label.isHidden()
            assert dialog.role_label.text() == NOT_ALLOWED
            assert dialog.destroy_button.toolTip() == NOT_ALLOWED
    finally:
        idle()
        accounts.lock(other)


def test_instellingen_opens_the_list_next_to_the_bewaartermijn(
    qtbot: QtBot, data: RetentionStore
) -> None:
    """The button "Casussen na bewaartermijn…" on Instellingen opens the dialog."""
    with screen(qtbot, SettingsView()) as view:
        assert not view.retention_button.isEnabled()
        with qtbot.waitSignal(view.loaded):
            view.load(data.store)
        assert view.retention_button.isEnabled()
        assert "bewaar" in view.retention_button.text().replace("&", "")
        dialog = view.open_retention()
        assert isinstance(dialog, RetentionDialog)
        qtbot.waitSignal(dialog.loaded, timeout=10_000)
        idle()
        dialog.reject()
