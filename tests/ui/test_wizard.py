"""First start: the wizard makes the store from what the user types, and shows the recovery key."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts
from casusoverleg.store.keyslots import FAST_KDF
from tests.helpers.stores import ACCOUNT, PASSPHRASE

from ui import app, dialogs, wizard
from ui.app import GuiSession
from ui.wizard import SetupWizard, passphrase_strength


def fast_create(path: Path, account: str, passphrase: str) -> accounts.NewStore:
    """The wizard's store, with cheap key derivation for tests."""
    return accounts.init_store(path, account, passphrase, kdf=FAST_KDF)


def _button(w: QWizard, which: QWizard.WizardButton) -> None:
    button = w.button(which)
    assert button.isVisible() and button.isEnabled(), f"{button.text()} is niet te kiezen"
    button.click()


def _fill_in(qtbot: QtBot, w: SetupWizard, account: str, passphrase: str, repeat: str) -> None:
    qtbot.keyClicks(w.account_page.account_edit, account)
    _button(w, QWizard.WizardButton.NextButton)
    assert w.currentPage() is w.passphrase_page
    qtbot.keyClicks(w.passphrase_page.passphrase_edit, passphrase)
    qtbot.keyClicks(w.passphrase_page.repeat_edit, repeat)


def test_strength_hint_requires_twelve_characters_and_likes_long_sentences() -> None:
    assert not passphrase_strength("").allowed
    short = passphrase_strength("kort1!")
    assert not short.allowed and "minstens 12 tekens (nu 6)" in short.hint
    assert passphrase_strength("aaaaaaaaaaaa").score == 1
    assert passphrase_strength("abcdefghijkl").allowed
    assert passphrase_strength("Abcdefgh1234!").score >= 2
    sentence = passphrase_strength("correct paard batterij nietje")
    assert sentence.score == 4 and sentence.hint == "Sterkte: sterk."


def test_the_wizard_creates_the_store_from_what_is_typed(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "casusoverleg.db"
    w = SetupWizard(path, create=fast_create)
    qtbot.addWidget(w)
    w.show()
    assert str(path) in w.account_page.where_label.text()
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()  # no account yet

    _fill_in(qtbot, w, ACCOUNT, "te kort", "te kort")
    page = w.passphrase_page
    assert "Nog te kort" in page.hint_label.text()
    assert not w.button(QWizard.WizardButton.CommitButton).isEnabled()

    page.passphrase_edit.clear()
    page.repeat_edit.clear()
    qtbot.keyClicks(page.passphrase_edit, PASSPHRASE)
    qtbot.keyClicks(page.repeat_edit, PASSPHRASE + "x")
    assert page.match_label.text() == "De wachtwoorden verschillen."
    assert not w.button(QWizard.WizardButton.CommitButton).isEnabled()
    qtbot.keyClick(page.repeat_edit, Qt.Key.Key_Backspace)
    assert page.match_label.text() == "De wachtwoorden zijn gelijk."
    assert page.hint_label.text() == "Sterkte: sterk."
    assert w.button(QWizard.WizardButton.CommitButton).text() == "Opslag &aanmaken"
    assert not path.exists()  # nothing is made before the user asks for it

    _button(w, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: w.currentPage() is w.recovery_page)
    assert path.is_file()
    key = w.recovery_page.key_label.text()
    assert len(key.replace("-", "").replace("\n", "")) == 32
    assert key.replace("\n", "") == w.recovery_key
    assert page.passphrase_edit.text() == ""  # not kept in the fields
    # Cancel and Back are gone, and Escape does nothing: the key must be taken in.
    assert not w.button(QWizard.WizardButton.CancelButton).isVisible()
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert w.isVisible()
    finish = w.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    qtbot.keyClick(w.recovery_page.saved_check, Qt.Key.Key_Space)
    assert finish.isEnabled()
    with qtbot.waitSignal(w.finished):
        finish.click()

    store = w.store
    assert store is not None and store.account == ACCOUNT
    accounts.lock(store)
    # The typed passphrase and the shown recovery key both open the new store.
    accounts.lock(accounts.unlock(path, ACCOUNT, PASSPHRASE))
    accounts.lock(accounts.unlock_with_recovery(path, key))


def test_busy_while_the_store_is_made_and_errors_are_shown(qtbot: QtBot, tmp_path: Path) -> None:
    gate = threading.Event()
    path = tmp_path / "casusoverleg.db"
    path.write_bytes(b"")  # something is in the way: init_store refuses

    def slow_create(p: Path, account: str, passphrase: str) -> accounts.NewStore:
        assert gate.wait(10)
        return fast_create(p, account, passphrase)

    w = SetupWizard(path, create=slow_create)
    qtbot.addWidget(w)
    w.show()
    _fill_in(qtbot, w, ACCOUNT, PASSPHRASE, PASSPHRASE)
    _button(w, QWizard.WizardButton.CommitButton)
    page = w.passphrase_page
    assert w.busy and page.busy_row.isVisibleTo(page)
    assert not w.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert not w.button(QWizard.WizardButton.CancelButton).isEnabled()
    w.reject()
    assert w.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: not w.busy)
    assert page.error_label.isVisibleTo(page)
    assert "Er staat al een opslag" in page.error_label.text()
    assert w.currentPage() is page and w.store is None


def test_print_button_uses_the_print_dialog(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed: list[str] = []
    monkeypatch.setattr(
        wizard, "print_recovery_key", lambda parent, key, path, account: printed.append(key) or True
    )
    w = SetupWizard(tmp_path / "casusoverleg.db", create=fast_create)
    qtbot.addWidget(w)
    w.show()
    _fill_in(qtbot, w, ACCOUNT, PASSPHRASE, PASSPHRASE)
    _button(w, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: w.currentPage() is w.recovery_page)
    # A screen reader reads the key itself, not only the word "Herstelsleutel" (issue 13).
    spoken = QAccessible.queryAccessibleInterface(w.recovery_page.key_label)
    assert spoken is not None
    assert w.recovery_key in spoken.text(QAccessible.Text.Name).replace("\n", "")
    qtbot.mouseClick(w.recovery_page.print_button, Qt.MouseButton.LeftButton)
    assert printed == [w.recovery_key]
    assert w.recovery_page.status_label.text() == "Afgedrukt."
    sheet = wizard.recovery_sheet_html(w.recovery_key, tmp_path / "x.db", ACCOUNT)
    assert w.recovery_key in sheet and "Herstelsleutel" in sheet
    w.close_store()


def test_first_start_runs_the_wizard_then_opens_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "nieuw.db"
    session = GuiSession(path, first_start=True, create=fast_create)
    w = session.dialog
    assert isinstance(w, SetupWizard)
    session.start()
    _fill_in(qtbot, w, ACCOUNT, PASSPHRASE, PASSPHRASE)
    _button(w, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: w.currentPage() is w.recovery_page)
    qtbot.keyClick(w.recovery_page.saved_check, Qt.Key.Key_Space)
    _button(w, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: session.window is not None)
    window = session.window
    assert window is not None
    qtbot.addWidget(window)
    assert window.store is not None and window.store.path == path
    qtbot.waitUntil(lambda: window.cases_view.count_label.text() == "0 casussen")
    with qtbot.waitSignal(session.finished):
        window.close()


def test_an_existing_store_can_be_chosen_instead(
    qtbot: QtBot, tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *args: store_path)
    session = GuiSession(tmp_path / "verkeerd.db", first_start=True, create=fast_create)
    w = session.dialog
    assert isinstance(w, SetupWizard)
    session.start()
    qtbot.mouseClick(w.account_page.open_existing_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.dialog is not None and session.dialog is not w)
    unlock = session.dialog
    assert unlock is not None and not isinstance(unlock, SetupWizard)
    assert unlock.store_path == store_path
    with qtbot.waitSignal(session.finished):
        unlock.reject()
    assert not (tmp_path / "verkeerd.db").exists()


def test_run_gui_offers_the_wizard_where_there_is_no_store(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[object] = []

    def start(self: GuiSession) -> None:
        shown.append(self.dialog)
        assert self.dialog is not None
        QTimer.singleShot(0, self.dialog.reject)  # the user cancels at once

    monkeypatch.setattr(GuiSession, "start", start)
    assert app.run_gui(["--store", str(tmp_path / "nieuw.db")]) == 0
    assert len(shown) == 1 and isinstance(shown[0], SetupWizard)
    assert not (tmp_path / "nieuw.db").exists()


def test_an_unexpected_error_goes_to_the_crash_dialog_and_the_page_can_try_again(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handled: list[type[BaseException]] = []

    def hook(kind: type[BaseException], _exc: BaseException, _tb: TracebackType | None) -> None:
        handled.append(kind)

    monkeypatch.setattr(sys, "excepthook", hook)
    tries: list[str] = []

    def create_broken_once(p: Path, account: str, passphrase: str) -> accounts.NewStore:
        tries.append(account)
        if len(tries) == 1:
            raise RuntimeError("a bug, not a Dutch message")
        return fast_create(p, account, passphrase)

    w = SetupWizard(tmp_path / "casusoverleg.db", create=create_broken_once)
    qtbot.addWidget(w)
    w.show()
    _fill_in(qtbot, w, ACCOUNT, PASSPHRASE, PASSPHRASE)
    _button(w, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: bool(handled))
    page = w.passphrase_page
    assert handled == [RuntimeError]
    assert not w.busy and not page.busy_row.isVisibleTo(page)
    assert page.passphrase_edit.isEnabled() and page.repeat_edit.isEnabled()
    assert w.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert not page.error_label.isVisibleTo(page)  # the crash dialog says it, once
    assert w.currentPage() is page and w.store is None

    _button(w, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: w.currentPage() is w.recovery_page)
    assert tries == [ACCOUNT, ACCOUNT] and handled == [RuntimeError]
    w.close_store()


def test_a_folder_without_a_store_gets_the_wizard_for_a_store_in_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 13: pointing the app at a folder (a shortcut made by IT) offers a new store there,
    # instead of sending the user to a terminal.
    folder = tmp_path / "Team Leerplicht"
    folder.mkdir()
    sessions: list[GuiSession] = []

    def start(self: GuiSession) -> None:
        sessions.append(self)
        assert self.dialog is not None
        QTimer.singleShot(0, self.dialog.reject)

    monkeypatch.setattr(GuiSession, "start", start)
    assert app.run_gui(["--store", str(folder)]) == 0
    (session,) = sessions
    assert session.store_path == folder / "casusoverleg.db"


def test_a_folder_with_a_store_opens_it(
    qtbot: QtBot, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path.rename(store_path.with_name("casusoverleg.db"))
    for side in store_path.parent.glob(store_path.name + ".*"):
        side.rename(side.with_name(side.name.replace(store_path.name, "casusoverleg.db", 1)))
    assert app.resolve_store_path(str(store_path.parent)) == store_path.parent / "casusoverleg.db"
    dialogs_seen: list[object] = []

    def start(self: GuiSession) -> None:
        dialogs_seen.append(self.dialog)
        assert self.dialog is not None
        QTimer.singleShot(0, self.dialog.reject)

    monkeypatch.setattr(GuiSession, "start", start)
    assert app.run_gui(["--store", str(store_path.parent)]) == 0
    assert len(dialogs_seen) == 1 and not isinstance(dialogs_seen[0], SetupWizard)
