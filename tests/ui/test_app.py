"""Starting the GUI: where the store is, Dutch Qt, and the crash report that leaks nothing."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from casusoverleg.services import accounts
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store

from ui import app
from ui.ops import Op


def test_store_path_from_option_then_environment_then_default() -> None:
    env = {app.STORE_ENV: "/srv/uit-env.db"}
    assert app.resolve_store_path("/tmp/optie.db", env) == Path("/tmp/optie.db")
    assert app.resolve_store_path(None, env) == Path("/srv/uit-env.db")
    assert app.resolve_store_path(None, {}) == app.default_store_path()
    assert app.default_store_path().name == "casusoverleg.db"


def test_qt_speaks_dutch(qapp: QApplication) -> None:
    translator = app.install_dutch(qapp)
    try:
        assert translator is not None
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuleren"
        assert QLocale().toString(4120) == "4.120"
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)


def test_crash_report_shows_dutch_and_keeps_the_data_out(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(app, "show_message", lambda parent, title, text: shown.append(text))
    try:
        raise ValueError("Sanne de Vries, geboren 12-03-2014")
    except ValueError as exc:
        app.excepthook(ValueError, exc, exc.__traceback__)
    assert len(shown) == 1
    assert "onverwachte fout" in shown[0]
    assert "Sanne" not in shown[0]
    err = capsys.readouterr().err
    assert "ValueError" in err
    assert "Sanne" not in err and "2014" not in err


def test_an_unexpected_error_in_a_background_op_reaches_the_crash_report(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(app, "show_message", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", app.excepthook)  # as run_gui installs it
    parent = QWidget()
    qtbot.addWidget(parent)

    def broken() -> None:
        raise KeyError("Sanne de Vries")

    finished: list[bool] = []
    Op(parent, broken).finished(lambda: finished.append(True)).run()
    qtbot.waitUntil(lambda: bool(shown))
    assert shown == [app.CRASH_MESSAGE.format(name="KeyError")]
    assert finished == [True]  # the screen got back to rest first
    err = capsys.readouterr().err
    assert "KeyError" in err and "Sanne" not in err


def test_run_gui_restores_the_excepthook(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "show_message", lambda parent, title, text: None)
    before = sys.excepthook
    app.run_gui(["--store", str(tmp_path / "nergens" / "geen.db")])
    assert sys.excepthook is before


class _QuitRecorder:
    """Stands in for the application: counts quit() calls."""

    def __init__(self) -> None:
        self.quits = 0

    def quit(self) -> None:
        self.quits += 1


def test_sigterm_quits_the_event_loop_and_handlers_are_restored(qapp: QApplication) -> None:
    before = signal.getsignal(signal.SIGTERM)
    recorder = _QuitRecorder()
    with app.quit_on_signals(recorder):  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGTERM)
    assert recorder.quits == 1
    assert signal.getsignal(signal.SIGTERM) is before


def test_file_dialogs_speak_dutch_where_qt_does_not(qapp: QApplication) -> None:
    from PySide6.QtWidgets import QFileDialog, QWidget

    from ui import dialogs

    translator = app.install_dutch(qapp)
    parent = QWidget()
    try:
        chooser = dialogs._file_dialog(parent, "Kiezen", "", "Alle bestanden (*)")
        assert chooser.labelText(QFileDialog.DialogLabel.LookIn) == "Zoeken in:"
        assert chooser.labelText(QFileDialog.DialogLabel.FileType) == "Bestandstype:"
        assert chooser.labelText(QFileDialog.DialogLabel.Reject) == "Annuleren"
    finally:
        parent.deleteLater()
        if translator is not None:
            qapp.removeTranslator(translator)


def test_selftest_unlocks_from_the_environment_and_quits_once_the_window_shows(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store, _key = make_store(tmp_path)
    accounts.lock(store)
    monkeypatch.setenv(app.SELFTEST_USER, ACCOUNT)
    monkeypatch.setenv(app.SELFTEST_PASSPHRASE, PASSPHRASE)
    code = app.run_gui(["--store", str(store.path), "--selftest"])
    assert code == 0
    assert app.SELFTEST_SHOWN in capsys.readouterr().out
    for widget in qapp.topLevelWidgets():  # the main window the run left behind
        widget.close()
        widget.deleteLater()


def test_selftest_without_a_store_fails_at_once(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert app.run_gui(["--store", str(tmp_path / "leeg.db"), "--selftest"]) == 1
    assert "bestaande opslag" in capsys.readouterr().err
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
