"""Text colours the app sets are readable: contrast ≥ 4.5:1 (WCAG 2.1 AA, 1.4.3) on white and
on the window's grey, and the coloured banners against their own background."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui import style

TEXT_COLOURS = {
    "ERROR_COLOUR": style.ERROR_COLOUR,
    "LATE_COLOUR": style.LATE_COLOUR,
    "OK_COLOUR": style.OK_COLOUR,
    "DIM_COLOUR": style.DIM_COLOUR,
    "MUTED_COLOUR": style.MUTED_COLOUR,
    "ON_AGENDA_COLOUR": style.ON_AGENDA_COLOUR,
    "SKIPPED_COLOUR": style.SKIPPED_COLOUR,
    "MOVED_COLOUR": style.MOVED_COLOUR,
    "DOCUMENT_BLUE": style.DOCUMENT_BLUE,
    "DOCUMENT_RED": style.DOCUMENT_RED,
}
# Foreground on background as the style sheets set them (the banners and warnings).
BANNERS = {
    "DEMO banner": ("#3d2c00", "#ffe08a"),
    "lock warning": ("#3d2c00", "#fff4ce"),
    "backup warning": ("#5c4400", "#fff4ce"),
    "WARNING_STYLE": ("#5c4400", "#fff4ce"),
    "attendance alert": ("#6e0b12", "#fde7e9"),
}


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(foreground: str | QColor, background: str | QColor) -> float:
    """The WCAG contrast ratio of two colours."""
    light, dark = sorted(
        (_luminance(QColor(foreground)), _luminance(QColor(background))), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


def test_the_ratio_is_computed_as_wcag_says() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", sorted(TEXT_COLOURS))
def test_every_text_colour_reads_on_white_and_on_the_window(qapp: QApplication, name: str) -> None:
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    base = QApplication.palette().color(QPalette.ColorRole.Base)
    alternate = QApplication.palette().color(QPalette.ColorRole.AlternateBase)
    for background in (QColor("white"), window, base, alternate):
        assert contrast(TEXT_COLOURS[name], background) >= 4.5, (name, background.name())


@pytest.mark.parametrize("name", sorted(BANNERS))
def test_every_banner_reads(name: str) -> None:
    foreground, background = BANNERS[name]
    assert contrast(foreground, background) >= 4.5
