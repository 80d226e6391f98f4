"""The window on a shared store (issue 15): the wizard's choice of a server, and its unlock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from casusoverleg.errors import BadInput
from casusoverleg.services import accounts, cases
from casusoverleg.services.server_store import init_server_store, store_exists, unlock_server
from casusoverleg.store.keyslots import FAST_KDF
from casusoverleg.store.server import UNREACHABLE
from tests.helpers.postgres import PgServer
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case

from ui import app, server_store, tasks
from ui.app import GuiSession
from ui.gc_guard import GuiThreadCollector
from ui.unlock import WRONG_KEY_MESSAGE, UnlockDialog
from ui.wizard import SetupWizard

OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)\(\)"  # tests/ui
pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture(autouse=True)
def _window_as_in_tests_ui(
    qapp: QApplication, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """What tests/ui/conftest.py gives its tests: Dutch, settings in tmp, cycles on the GUI
    thread, no background work left behind."""
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    folder = tmp_path_factory.mktemp("vensterstaat")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()
    collector.deleteLater()
    assert tasks.wait_for_idle(10_000), "De test liet achtergrondtaken lopen."


def fast_server_create(url: str, account: str, passphrase: str) -> accounts.NewStore:
    """The wizard's server store, with cheap key derivation for tests."""
    return init_server_store(url, account, passphrase, kdf=FAST_KDF)


def _next(w: QWizard, which: QWizard.WizardButton = QWizard.WizardButton.NextButton) -> None:
    button = w.button(which)
    assert button.isVisible() and button.isEnabled(), f"{button.text()} is niet te kiezen"
    button.click()


def _choose_server(qtbot: QtBot, w: SetupWizard, address: str) -> None:
    page = w.account_page
    qtbot.keyClicks(page.account_edit, ACCOUNT)
    qtbot.keyClick(page.choice.server_radio, Qt.Key.Key_Space)
    assert page.choice.on_server and page.choice.address_edit.isEnabled()
    assert not page.open_existing_button.isVisible()  # a file means nothing here
    qtbot.keyClicks(page.choice.address_edit, address)
    qtbot.keyClick(page.choice.address_edit, Qt.Key.Key_Return)  # the wizard's Next


def _session(tmp_path: Path) -> GuiSession:
    return GuiSession(
        tmp_path / "casusoverleg.db", first_start=True, create_server=fast_server_create
    )


def test_the_wizard_makes_a_store_on_an_empty_server_and_a_second_start_unlocks_it(
    qtbot: QtBot, tmp_path: Path, pg_url: str
) -> None:
    session = _session(tmp_path)
    w = session.dialog
    assert isinstance(w, SetupWizard)
    session.start()
    _choose_server(qtbot, w, pg_url)
    qtbot.waitUntil(lambda: w.currentPage() is w.passphrase_page)
    assert w.server_url == pg_url
    assert not store_exists(pg_url)  # asked, nothing written yet

    page = w.passphrase_page
    qtbot.keyClicks(page.passphrase_edit, PASSPHRASE)
    qtbot.keyClicks(page.repeat_edit, PASSPHRASE)
    qtbot.keyClick(page.repeat_edit, Qt.Key.Key_Return)  # "Opslag aanmaken"
    qtbot.waitUntil(lambda: w.currentPage() is w.recovery_page)
    assert not (tmp_path / "casusoverleg.db").exists()  # no file: the store is on the server
    assert len(w.recovery_key.replace("-", "")) == 32
    qtbot.keyClick(w.recovery_page.saved_check, Qt.Key.Key_Space)
    _next(w, QWizard.WizardButton.FinishButton)

    qtbot.waitUntil(lambda: session.window is not None)
    window = session.window
    assert window is not None and window.store is not None
    qtbot.addWidget(window)
    assert window.store.is_server
    made = cases.create_case(window.store, sample_case("Sanne", "de Vries"))
    with qtbot.waitSignal(session.finished):
        window.close()

    # The address is remembered (without a password) and the case is on the server.
    assert server_store.remembered_server() == pg_url
    assert app.chosen_server(None, {}) == pg_url
    other = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        assert [r.case_number for r in cases.list_cases(other, log_search=False)] == [
            made.case_number
        ]
    finally:
        accounts.lock(other)

    # Second start: the server's unlock dialog, no file and no restore offered.
    again = GuiSession(tmp_path / "casusoverleg.db", server=app.chosen_server(None, {}))
    dialog = again.dialog
    assert isinstance(dialog, UnlockDialog)
    again.start()
    assert dialog.where_label.text() == f"Gedeelde opslag op {pg_url}"
    assert not dialog.recovery_button.isVisible()
    assert dialog.choose_other_button.isVisible()
    qtbot.keyClicks(dialog.account_edit, ACCOUNT)
    qtbot.keyClicks(dialog.passphrase_edit, "niet het goede wachtwoord")
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.message_label.isVisible)
    assert dialog.message_label.text() == WRONG_KEY_MESSAGE
    assert not dialog.ways_row.isVisible()
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: again.window is not None)
    second = again.window
    assert second is not None and second.store is not None
    qtbot.addWidget(second)
    assert second.store.is_server
    qtbot.waitUntil(lambda: second.cases_view.model.rowCount() == 1)
    with qtbot.waitSignal(again.finished):
        second.close()


def test_a_server_with_a_store_goes_to_its_unlock_dialog(
    qtbot: QtBot, tmp_path: Path, pg_url: str
) -> None:
    accounts.lock(fast_server_create(pg_url, ACCOUNT, PASSPHRASE).store)
    session = _session(tmp_path)
    w = session.dialog
    assert isinstance(w, SetupWizard)
    session.start()
    _choose_server(qtbot, w, pg_url)
    qtbot.waitUntil(lambda: isinstance(session.dialog, UnlockDialog))
    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)
    assert dialog.server == pg_url
    assert "staat al een opslag" in dialog.intro_label.text()
    assert dialog.account_edit.text() == ACCOUNT  # typed in the wizard
    # "Andere opslag kiezen" goes back to the wizard's choice.
    qtbot.keyClick(dialog.choose_other_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: isinstance(session.dialog, SetupWizard))
    assert server_store.remembered_server() == ""
    with qtbot.waitSignal(session.finished):
        session.dialog.reject()


def test_busy_while_the_server_is_asked(
    qtbot: QtBot, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real = server_store.store_exists

    def held_store_exists(url: str) -> bool:
        assert gate.wait(10)
        return real(url)

    monkeypatch.setattr(server_store, "store_exists", held_store_exists)
    w = SetupWizard(tmp_path / "casusoverleg.db", create_server=fast_server_create)
    qtbot.addWidget(w)
    w.show()
    _choose_server(qtbot, w, pg_url)
    page = w.account_page
    assert w.busy and page.busy_row.isVisible()
    assert not page.choice.isEnabled() and not page.account_edit.isEnabled()
    assert not w.button(QWizard.WizardButton.CancelButton).isEnabled()
    qtbot.keyClick(page.choice.address_edit, Qt.Key.Key_Return)  # a second Enter: no second ask
    gate.set()
    qtbot.waitUntil(lambda: w.currentPage() is w.passphrase_page)
    assert not w.busy and not page.busy_row.isVisible()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("postgresql://gebruiker@db.example.org/casus", "niet versleuteld"),
        ("postgresql://gebruiker@/casus?host=/nergens/geen-socket", UNREACHABLE),
        ("DATABASE", "bestaat niet"),
        ("geen adres", "moet beginnen met postgresql://"),
    ],
)
def test_a_server_that_cannot_be_used_is_said_in_dutch_on_the_page(
    qtbot: QtBot, tmp_path: Path, pg_server: PgServer, address: str, expected: str
) -> None:
    if address == "DATABASE":
        address = pg_server.url("bestaat_niet")
    w = SetupWizard(tmp_path / "casusoverleg.db", create_server=fast_server_create)
    qtbot.addWidget(w)
    w.show()
    _choose_server(qtbot, w, address)
    choice = w.account_page.choice
    qtbot.waitUntil(choice.error_label.isVisible)
    assert expected in choice.error_label.text()
    assert w.currentPage() is w.account_page and not w.busy
    assert w.server_url == ""
    assert server_store.remembered_server() == ""
    assert not (tmp_path / "casusoverleg.db").exists()


def test_connection_errors_reach_the_user_in_dutch(pg_server: PgServer) -> None:
    with pytest.raises(BadInput, match="bestaat niet"):
        store_exists(pg_server.url("ontbreekt"))
    with pytest.raises(BadInput, match="weigert de aanmelding"):
        unlock_server(
            f"postgresql://niemand@/postgres?host={pg_server.socket_dir}", ACCOUNT, PASSPHRASE
        )
    with pytest.raises(BadInput) as caught:
        init_server_store("postgresql://x@/db?host=/nergens", ACCOUNT, PASSPHRASE, kdf=FAST_KDF)
    assert caught.value.message == UNREACHABLE


def test_the_remembered_address_keeps_no_password() -> None:
    server_store.remember_server("postgresql://jan:geheim@db.example.org/casus?sslmode=require")
    assert server_store.remembered_server() == (
        "postgresql://jan@db.example.org/casus?sslmode=require"
    )
    assert server_store.shown_address("postgresql://jan@h/db?a=1&password=geheim&b=2") == (
        "postgresql://jan@h/db?a=1&b=2"
    )
    server_store.forget_server()
    assert app.chosen_server(None, {}) == ""
    assert app.chosen_server("/pad/casusoverleg.db", {}) == ""
