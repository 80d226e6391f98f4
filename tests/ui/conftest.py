"""Fixtures for the Qt client: a store with a few cases, Dutch locale, no dangling tasks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QApplication

from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.services import accounts, cases
from tests.helpers.stores import make_store, sample_case

from ui import tasks
from ui.gc_guard import GuiThreadCollector

# The app sets this at start (ui.app.install_dutch); counts and dates depend on it.
QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))

# (first name, last name, school, ground, status, birth date)
CASES = (
    (
        "Sanne",
        "de Vries",
        "Basisschool De Fonkeling",
        ExemptionGround.ART5_A,
        CaseStatus.AANGEMELD,
        date(2014, 3, 12),
    ),
    (
        "Daan",
        "Jansen",
        "Het Stedelijk Lyceum",
        ExemptionGround.THUISZITTER,
        CaseStatus.IN_BEHANDELING,
        date(2011, 7, 1),
    ),
    (
        "Emma",
        "Bakker",
        "Basisschool De Fonkeling",
        ExemptionGround.PREVENTIEF,
        CaseStatus.AANGEHOUDEN,
        date(2015, 1, 30),
    ),
    (
        "Zoë",
        "van den Berg",
        "Thomas a Kempis College",
        ExemptionGround.ART15,
        CaseStatus.ADVIES_UITGEBRACHT,
        date(2009, 11, 5),
    ),
    (
        "Mohammed",
        "El Amrani",
        "Basisschool Het Mozaïek",
        ExemptionGround.ART5_C,
        CaseStatus.AFGESLOTEN,
        date(2013, 5, 20),
    ),
)


# The offscreen platform cannot resize a window to new size hints, nor raise one, and says so
# when a layout changes or a window is brought to the front; harmless here, and it never
# happens on a real display.
_OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Let the offscreen platform's size-hint notice pass `qt_log_level_fail = WARNING`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_ignore(_OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _window_state_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the window's remembered sizes (QSettings) out of the real user profile."""
    folder = tmp_path_factory.mktemp("vensterstaat")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


@pytest.fixture(autouse=True)
def _cycles_freed_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app (ui.gc_guard): no worker ever frees a cycle holding a Qt object."""
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()
    collector.deleteLater()


@pytest.fixture(autouse=True)
def _no_dangling_tasks() -> Iterator[None]:
    """Fail a test that leaves background work running (napari's dangling-thread check)."""
    yield
    if not tasks.is_idle():
        done = tasks.wait_for_idle(10_000)
        pytest.fail(
            "De test liet achtergrondtaken lopen" + ("." if done else " die niet eindigden.")
        )


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A locked test store holding the five CASES (account ACCOUNT, passphrase PASSPHRASE)."""
    store, _recovery = make_store(tmp_path)
    try:
        for first, last, school, ground, status, born in CASES:
            cases.create_case(
                store,
                sample_case(
                    first, last, school=school, ground=ground, status=status, birth_date=born
                ),
            )
    finally:
        accounts.lock(store)
    return store.path
