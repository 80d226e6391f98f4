"""`python -m ui.xcbcheck`: names the Debian packages Qt's xcb plugin misses (no Qt needed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ui import xcbcheck


def test_missing_libraries_are_named_with_their_packages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}
    code = xcbcheck.main("linux", {}, present=lambda lib: lib not in absent)
    assert code == 1
    err = capsys.readouterr().err
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in err
    assert "libxcb-cursor.so.0" in err


def test_all_present_is_fine(capsys: pytest.CaptureFixture[str]) -> None:
    assert xcbcheck.main("linux", {}, present=lambda lib: True) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("platform", "env"),
    [
        ("win32", {}),
        ("darwin", {}),
        ("linux", {"QT_QPA_PLATFORM": "offscreen"}),
        ("linux", {"QT_QPA_PLATFORM": "wayland"}),
    ],
)
def test_no_check_where_xcb_is_not_used(platform: str, env: dict[str, str]) -> None:
    assert xcbcheck.main(platform, env, present=lambda lib: False) == 0


def test_xcb_as_fallback_is_checked() -> None:
    assert xcbcheck.main("linux", {"QT_QPA_PLATFORM": "wayland;xcb"}, lambda lib: False) == 1


def test_runs_without_importing_qt() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['xcbcheck']\n"
        "try:\n"
        "    runpy.run_module('ui.xcbcheck', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'PySide6 imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
