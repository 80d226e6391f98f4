"""One default data folder for the window and the command line, on every platform.

Windows and macOS are faked through platformdirs itself: its class for that platform, with the
folders it reads from the environment (LOCALAPPDATA on Windows, HOME on macOS).
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
import platformdirs.macos
import platformdirs.unix
import platformdirs.windows
import pytest

from casusoverleg import cli, paths

from ui import app


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """platformdirs answering as on Windows, with %LOCALAPPDATA% in tmp_path; returns it."""
    local = tmp_path / "AppData" / "Local"
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    from_env = platformdirs.windows.get_win_folder_from_env_vars  # as without the Windows API
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", from_env)
    for name in ("WIN_PD_OVERRIDE_LOCAL_APPDATA", "WIN_PD_OVERRIDE_APPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData" / "Roaming"))
    return local


@pytest.fixture
def macos(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """platformdirs answering as on macOS, with HOME in tmp_path; returns HOME."""
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.macos.MacOS)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def _entry_points_agree(expected: Path) -> None:
    assert paths.default_store_path() == expected
    assert cli.default_store_path() == expected
    assert app.default_store_path() == expected
    assert app.resolve_store_path(None, {}) == expected


def test_windows_uses_the_local_not_roaming_folder_the_window_always_used(windows: Path) -> None:
    folder = windows / "casusoverleg" / "casusoverleg"
    assert paths.data_folder() == folder
    _entry_points_agree(folder / "casusoverleg.db")


def test_windows_still_finds_a_store_that_the_old_command_line_made(windows: Path) -> None:
    old = windows / "casusoverleg" / "casusoverleg.db"  # `init` before issue 14: no author level
    old.parent.mkdir(parents=True)
    old.write_bytes(b"opslag")
    _entry_points_agree(old)
    # Once the data folder holds a store, that one wins.
    new = windows / "casusoverleg" / "casusoverleg" / "casusoverleg.db"
    new.parent.mkdir()
    new.write_bytes(b"opslag")
    _entry_points_agree(new)


def test_macos_uses_application_support(macos: Path) -> None:
    folder = macos / "Library" / "Application Support" / "casusoverleg"
    assert paths.data_folder() == folder
    _entry_points_agree(folder / "casusoverleg.db")


def test_linux_uses_xdg_data_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.unix.Unix)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    _entry_points_agree(tmp_path / "share" / "casusoverleg" / "casusoverleg.db")


def test_finding_the_folder_creates_nothing(windows: Path) -> None:
    paths.default_store_path()
    assert not windows.exists()
