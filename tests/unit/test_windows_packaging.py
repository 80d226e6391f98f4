"""The Windows installer script and CI workflow, read as text on Linux.

Neither can be compiled or run here (Inno Setup and the runner are Windows-only: the workflow
.github/workflows/windows.yml builds and tries them on windows-latest). What can be held here:
the promises the script makes in its settings — per user, no administrator, Dutch, where it
installs — and above all that the uninstaller never touches the folder where the store and the
backups live.
"""

from __future__ import annotations

import re
from pathlib import Path, PureWindowsPath

import platformdirs.windows
import pytest

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "packaging" / "windows" / "casusoverleg.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
LOCAL_APPDATA = r"C:\Users\jan\AppData\Local"


def _iss() -> str:
    return ISS.read_text(encoding="utf-8")


def _setup_value(name: str) -> str:
    match = re.search(rf"^{name}=(.*)$", _iss(), flags=re.MULTILINE)
    assert match, f"{name} missing from [Setup]"
    return match.group(1).strip()


def _sections() -> list[str]:
    return [s.lower() for s in re.findall(r"^\[(\w+)\]", _iss(), flags=re.MULTILINE)]


def test_installs_per_user_without_administrator() -> None:
    assert _setup_value("PrivilegesRequired") == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in _iss()
    assert _setup_value("DefaultDirName") == r"{localappdata}\Programs\Casusoverleg"
    assert not re.search(r"HKLM|HKEY_LOCAL_MACHINE|{commonprograms}|{pf}|{commonpf", _iss())


def test_dutch_and_version_from_the_command_line() -> None:
    assert re.search(r'MessagesFile: "compiler:Languages\\Dutch.isl"', _iss())
    assert len(re.findall(r"^Name:", _iss().split("[Languages]")[1].split("[")[0], re.M)) == 1
    assert "#ifndef AppVersion" in _iss()
    assert _setup_value("AppVersion") == "{#AppVersion}"


def test_start_menu_entry_starts_the_window_with_the_icon() -> None:
    icons = _iss().split("[Icons]")[1].split("\n[")[0]
    entry = next(line for line in icons.splitlines() if line.startswith('Name: "{autoprograms}'))
    assert r'Filename: "{app}\casusoverleg-gui.exe"' in entry
    assert r'IconFilename: "{app}\casusoverleg.ico"' in entry


def test_console_program_on_the_users_path_and_off_again() -> None:
    code = _iss().split("\n[Code]\n")[1]
    assert "RegWriteExpandStringValue(HKEY_CURRENT_USER, EnvKey, 'Path'" in code
    assert "const\n  EnvKey = 'Environment';" in code
    assert "AddToUserPath(ExpandConstant('{app}'))" in code
    assert "RemoveFromUserPath(ExpandConstant('{app}'))" in code
    assert _setup_value("ChangesEnvironment") == "yes"


def test_uninstall_deletes_nothing_but_what_it_installed() -> None:
    assert "uninstalldelete" not in _sections()
    assert "installdelete" not in _sections()
    code = _iss().split("\n[Code]\n")[1]
    for call in ("DelTree", "DeleteFile", "RemoveDir", "DelayDeleteFile"):
        assert call not in code


@pytest.mark.parametrize("appauthor", [None, False], ids=["window", "command line"])
def test_data_folder_is_outside_the_program_folder(
    monkeypatch: pytest.MonkeyPatch, appauthor: bool | None
) -> None:
    """The store and its default backups folder, where platformdirs puts them on Windows (both
    ways the app has asked for it), lie outside what the uninstaller removes."""
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda _csidl: LOCAL_APPDATA)
    data = PureWindowsPath(
        platformdirs.windows.Windows("casusoverleg", appauthor=appauthor).user_data_dir
    )
    program = PureWindowsPath(
        _setup_value("DefaultDirName").replace("{localappdata}", LOCAL_APPDATA)
    )
    assert data.is_relative_to(PureWindowsPath(LOCAL_APPDATA, "casusoverleg"))
    for inside in (data, data / "backups", data / "casusoverleg.db"):
        assert not inside.is_relative_to(program)
    assert not program.is_relative_to(data)


def test_workflow_builds_with_the_shared_spec_and_check() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in text
    assert 'python-version: "3.12"' in text
    assert 'pip install ".[dist]"' in text
    assert "pyinstaller --noconfirm --clean packaging/casusoverleg.spec" in text
    assert "python packaging/dist_check.py dist/casusoverleg" in text
    assert "choco install innosetup" in text
    assert "/DAppVersion=${{ steps.version.outputs.value }}" in text
    assert "packaging\\windows\\casusoverleg.iss" in text
    assert "actions/upload-artifact@v4" in text
    assert "\t" not in text  # YAML forbids tabs for indentation
