"""What one client of a server store changes, the others hear of (issue 15): NOTIFY/LISTEN."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from casusoverleg.domain.enums import Team
from casusoverleg.services import accounts, cases, people, settings
from casusoverleg.services.server_changes import LISTENER_NAME, ChangeListener, Notice, kinds_of
from casusoverleg.services.server_store import init_server_store, unlock_server
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from casusoverleg.store.models import Organisation
from casusoverleg.store.server import make_server_engine
from tests.helpers.stores import ACCOUNT, PASSPHRASE, sample_case

from ui import tasks
from ui.cases import COL_NUMBER
from ui.mainwindow import MainWindow
from ui.ops import Change, change_of_kinds, remote_change

SECONDS = 5.0
OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)\(\)"  # tests/ui


@pytest.fixture
def two_clients(pg_url: str) -> Iterator[tuple[Store, Store]]:
    """Client A (who made the store) and client B, both open on one server store."""
    first = init_server_store(pg_url, ACCOUNT, PASSPHRASE, kdf=FAST_KDF).store
    second = unlock_server(pg_url, ACCOUNT, PASSPHRASE)
    try:
        yield first, second
    finally:
        accounts.lock(second)
        if not first.closed:
            accounts.lock(first)


def _kinds(notices: list[Notice]) -> set[str]:
    return {kind for notice in notices for kind in notice.kinds}


def test_a_case_written_by_one_client_is_heard_by_the_other_and_not_by_itself(
    two_clients: tuple[Store, Store],
) -> None:
    first, second = two_clients
    listener = ChangeListener(first)
    own = ChangeListener(second)
    try:
        cases.create_case(second, sample_case("Sanne", "de Vries"))
        heard = listener.wait(SECONDS)
        assert heard, "A heard nothing of B's new case within 5 s"
        assert {"cases", "audit"} <= _kinds(heard)
        assert "Sanne" not in repr(heard)  # kinds of data only, never a child

        # A's write: B hears it, and first (notices come in commit order): B's own case
        # notice, which came before it, was not handed to B.
        people.create_organisation(first, "Team Leerplicht Zwolle", Team.LEERPLICHT)
        assert _kinds(own.wait(SECONDS)) == {"people", "audit"}
        # Likewise A hears B's next write, not its own organisation before it.
        settings.set_setting(second, "region", "zuid")
        assert _kinds(listener.wait(SECONDS)) == {"settings", "audit"}
    finally:
        listener.close()
        own.close()
    assert listener.closed


def test_an_empty_write_or_a_read_sends_nothing_and_a_setting_says_settings(
    two_clients: tuple[Store, Store],
) -> None:
    first, second = two_clients
    listener = ChangeListener(first)
    try:
        with second.write():
            pass  # wrote nothing: announces nothing
        with second.read() as session:
            session.execute(select(1))
        settings.set_setting(second, "region", "zuid")
        heard = listener.wait(SECONDS)
        assert len(heard) == 1  # only the setting's transaction
        assert _kinds(heard) == {"settings", "audit"}
    finally:
        listener.close()


def test_a_write_that_rolls_back_announces_nothing(two_clients: tuple[Store, Store]) -> None:
    first, second = two_clients
    listener = ChangeListener(first)
    try:
        with pytest.raises(RuntimeError), second.write() as session:
            session.add(Organisation(name="Nooit bewaard", team=Team.LEERPLICHT.value))
            session.flush()
            raise RuntimeError("afgebroken")
        settings.set_setting(second, "region", "midden")
        heard = listener.wait(SECONDS)  # in commit order: a notice of the rollback came first
        assert len(heard) == 1 and _kinds(heard) == {"settings", "audit"}
    finally:
        listener.close()


def test_kinds_of_tables_and_of_notices() -> None:
    assert kinds_of({"case_file", "audit_event"}) == ["audit", "cases"]
    assert kinds_of({"case_file", "nieuwe_tabel"}) == ["alles"]
    assert change_of_kinds(frozenset({"cases", "audit"})) == Change.CASES | Change.AUDIT
    assert change_of_kinds(frozenset({"alles"})) == Change.everything()
    assert change_of_kinds(frozenset({"iets nieuws"})) == Change.everything()
    # Log lines alone reload nothing (two open Logboek screens would load each other for ever).
    assert remote_change([frozenset({"audit"}), frozenset({"audit"})]) == Change.NONE
    both = remote_change([frozenset({"cases", "audit"}), frozenset({"settings", "audit"})])
    assert both == Change.CASES | Change.SETTINGS


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_a_window_on_client_a_shows_a_case_client_b_made_within_five_seconds(
    qtbot: QtBot, tmp_path: Path, pg_url: str, two_clients: tuple[Store, Store]
) -> None:
    first, second = two_clients
    cases.create_case(first, sample_case("Daan", "Jansen"))
    state = QSettings(str(tmp_path / "venster.ini"), QSettings.Format.IniFormat)
    state.setValue("venster/onderdeel", "Casussen")  # the window opens on the case list
    main = MainWindow(first, state=state)
    qtbot.addWidget(main)
    main.show()
    try:
        model = main.cases_view.model
        qtbot.waitUntil(lambda: model.rowCount() == 1)

        def numbers() -> set[str]:
            return {model.index(row, COL_NUMBER).data() for row in range(model.rowCount())}

        qtbot.waitUntil(lambda: _listeners(pg_url) == 1)
        made = cases.create_case(second, sample_case("Emma", "Bakker"))
        qtbot.waitUntil(lambda: made.case_number in numbers(), timeout=5000)
    finally:
        main.close()
        assert tasks.wait_for_idle(10_000)
    assert _listeners(pg_url) == 0  # closing the window ended the listening connection


def _listeners(url: str) -> int:
    """How many connections of this database listen for changes (pg_stat_activity)."""
    engine = make_server_engine(url)
    try:
        with engine.connect() as conn:
            query = text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = :name"
            )
            return int(conn.execute(query, {"name": LISTENER_NAME}).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_locking_the_window_ends_its_listening(
    qtbot: QtBot, tmp_path: Path, pg_url: str, two_clients: tuple[Store, Store]
) -> None:
    first, _second = two_clients
    state = QSettings(str(tmp_path / "venster.ini"), QSettings.Format.IniFormat)
    state.setValue("venster/onderdeel", "Instellingen")
    main = MainWindow(first, state=state)
    qtbot.addWidget(main)
    main.show()
    try:
        qtbot.waitUntil(lambda: _listeners(pg_url) == 1)
        assert tasks.wait_for_idle(10_000)  # the window holds the listener now
        with qtbot.waitSignal(main.locked):
            main.lock()
        assert tasks.wait_for_idle(10_000)
        assert _listeners(pg_url) == 0
    finally:
        main.close()
        assert tasks.wait_for_idle(10_000)
