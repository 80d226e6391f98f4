"""The built wheel works on its own: installed in a fresh environment, away from the checkout."""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_installed_wheel_runs_demo_and_check(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache", "tests"
        ),
    )
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("casusoverleg-*.whl")
    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False)
    fresh_python = env_dir / "bin" / "python"
    fresh_site = Path(
        subprocess.run(
            [str(fresh_python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies come from the project's venv (a plain path entry: its .pth files, among
    # them the editable install of this checkout, are not processed), so nothing is downloaded.
    (fresh_site / "deps.pth").write_text(site.getsitepackages()[0] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(fresh_python),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work = tmp_path / "elders"
    work.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CASUSOVERLEG_USER": "demo",
        "CASUSOVERLEG_PASSPHRASE": "demo",
    }
    where = subprocess.run(
        [
            str(fresh_python),
            "-c",
            "import casusoverleg, casusoverleg.resources as r, importlib.resources as ir;"
            "print(casusoverleg.__file__);"
            "print(ir.files(r).joinpath('demo/scholen.txt').is_file())",
        ],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert where[0].startswith(str(env_dir)), where
    assert where[1] == "True"
    script = env_dir / "bin" / "casusoverleg"
    store = work / "demo.db"
    made = subprocess.run(
        [str(script), "--store", str(store), "demo", "--cases", "10"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    checked = subprocess.run(
        [str(script), "--store", str(store), "check"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr
    assert (env_dir / "bin" / "casusoverleg-gui").is_file()
