"""Before the window starts on Linux: are the system libraries Qt's xcb plugin needs there?

Without them Qt stops with "Could not load the Qt platform plugin xcb" and no window opens; this
names the Debian packages to install instead. Run by `make run` as `python -m ui.xcbcheck`.
It must not import PySide6 (that is what might fail).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

# The libraries Qt 6's xcb platform plugin (libqxcb.so, libQt6XcbQpa) and QtGui load, with the
# Debian/Ubuntu package that ships each. libxcb-xinerama is no longer needed by Qt 6.
REQUIRED_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
)


def library_present(soname: str) -> bool:
    """True if the dynamic loader can load `soname` (exactly as Qt would ask for it)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def needs_xcb(platform: str, environ: Mapping[str, str]) -> bool:
    """Whether Qt will use (or fall back to) the xcb plugin here."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    # "offscreen", "wayland", "vnc" …: no xcb. "xcb" or "wayland;xcb": xcb may be used.
    return not chosen or "xcb" in chosen.split(";")


def missing_libraries(
    present: Callable[[str], bool] = library_present,
) -> list[tuple[str, str]]:
    """The (library, Debian package) pairs that cannot be loaded."""
    return [(lib, pkg) for lib, pkg in REQUIRED_LIBRARIES if not present(lib)]


def advice(missing: list[tuple[str, str]]) -> str:
    """A Dutch explanation of what to install."""
    libraries = ", ".join(lib for lib, _ in missing)
    packages = " ".join(dict.fromkeys(pkg for _, pkg in missing))
    return (
        "Casusoverleg kan zijn venster niet openen: Qt mist systeembibliotheken voor X11 (xcb).\n"
        f"Ontbrekend: {libraries}\n\n"
        "Installeer ze op Debian of Ubuntu met:\n"
        f"    sudo apt install {packages}\n\n"
        "Daarna opnieuw 'make run'. (Op een andere Linux heten de pakketten anders; "
        "zoek op de namen van de bibliotheken hierboven.)"
    )


def main(
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    present: Callable[[str], bool] = library_present,
) -> int:
    """0 when the window can start (or this is not Linux/xcb), 1 with advice when not."""
    if not needs_xcb(platform or sys.platform, os.environ if environ is None else environ):
        return 0
    missing = missing_libraries(present)
    if not missing:
        return 0
    print(advice(missing), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
