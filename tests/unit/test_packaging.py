"""The package list in pyproject.toml names every package and resource folder, so that a
wheel or an app bundle built from it lacks none (the editable install would hide a gap)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _listed() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_python_package_is_listed() -> None:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("casusoverleg", "ui")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found - _listed() == set()


def test_every_resource_folder_is_listed() -> None:
    folders = {
        "casusoverleg.resources." + ".".join(d.relative_to(ROOT / "resources").parts)
        for d in (ROOT / "resources").rglob("*")
        if d.is_dir() and d.name != "__pycache__"
    }
    assert folders - _listed() == set()
