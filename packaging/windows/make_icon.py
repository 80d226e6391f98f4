"""Write the Windows icon (casusoverleg.ico) from the app's SVG icon.

The repository holds one icon, resources/icons/casusoverleg.svg. Windows wants an .ico for the
executables (PyInstaller's `icon=`), the installer (Inno Setup's SetupIconFile) and the
Start-menu entry. Pillow cannot read SVG, so Qt (already installed with the app) draws the SVG
at every size Windows asks for, and this script packs the images into an .ico by hand:
16–64 px as 32-bit bitmaps (every Windows version and tool reads those), 256 px as PNG (the
form Windows uses for large icons).

    python packaging/windows/make_icon.py [OUT.ico]

Default OUT: packaging/windows/casusoverleg.ico. Runs headless (QT_QPA_PLATFORM=offscreen is
set when no platform is chosen). The CI workflow and packaging/windows/README.md run it before
PyInstaller; the .ico is not kept in git, the SVG stays the one source.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE.parent.parent / "resources" / "icons" / "casusoverleg.svg"
DEFAULT_OUT = HERE / "casusoverleg.ico"
BITMAP_SIZES = (16, 20, 24, 32, 40, 48, 64)
PNG_SIZES = (256,)


def _render(svg: bytes, size: int) -> object:
    """The SVG drawn on a transparent size × size image (QImage, ARGB32, not premultiplied)."""
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise SystemExit(f"Kan het pictogram niet lezen: {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _bgra_rows(image: object, size: int) -> list[bytes]:
    """The image's rows, top first, 4 bytes a pixel in B, G, R, A order (ARGB32 in memory)."""
    raw = bytes(image.constBits())  # type: ignore[attr-defined]
    stride = image.bytesPerLine()  # type: ignore[attr-defined]
    if sys.byteorder != "little":  # ARGB32 is a 32-bit word: B,G,R,A in memory on x86/ARM
        raise SystemExit("make_icon.py verwacht een little-endian machine")
    return [raw[y * stride : y * stride + size * 4] for y in range(size)]


def _bitmap_entry(image: object, size: int) -> bytes:
    """A 32-bit DIB: BITMAPINFOHEADER (height doubled for the mask), rows bottom-up, then the
    1-bit AND mask (all zero: the alpha channel decides), each mask row padded to 4 bytes."""
    rows = _bgra_rows(image, size)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    pixels = b"".join(reversed(rows))
    mask_row = ((size + 31) // 32) * 4
    return header + pixels + bytes(mask_row * size)


def _png_entry(image: object) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[attr-defined]
        raise SystemExit("Kan het pictogram niet als PNG opslaan")
    buffer.close()
    return bytes(data.data())


def build_ico(svg: bytes) -> bytes:
    """The .ico file's bytes: ICONDIR, one ICONDIRENTRY per size, then the images."""
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication([])  # QPainter needs one
    entries: list[tuple[int, bytes]] = []
    for size in BITMAP_SIZES:
        entries.append((size, _bitmap_entry(_render(svg, size), size)))
    for size in PNG_SIZES:
        entries.append((size, _png_entry(_render(svg, size))))
    out = struct.pack("<HHH", 0, 1, len(entries))
    offset = 6 + 16 * len(entries)
    for size, data in entries:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(data for _, data in entries)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build_ico(SVG.read_bytes()))
    print(f"Pictogram geschreven: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
