"""packaging/windows/make_icon.py turns the app's SVG into a Windows .ico that Windows, PyInstaller
and Inno Setup read: a valid icon directory, bitmaps for the small sizes, PNG for 256 px, and
the drawing really there (not a transparent square)."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from types import ModuleType

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def _make_icon() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_icon", ROOT / "packaging" / "windows" / "make_icon.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ico_holds_every_size(tmp_path: Path) -> None:
    make_icon = _make_icon()
    out = tmp_path / "casusoverleg.ico"
    assert make_icon.main(["make_icon.py", str(out)]) == 0
    data = out.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _colours, _r, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        size = w or 256
        assert (w, h, planes, bits) == (w, w, 1, 32)
        assert offset + length <= len(data)
        image = data[offset : offset + length]
        if size == 256:
            assert image.startswith(b"\x89PNG\r\n\x1a\n")
            png = QImage.fromData(image, "PNG")
            assert (png.width(), png.height()) == (256, 256)
            centre = png.pixelColor(128, 128)
            assert centre.alpha() == 255  # the blue square is drawn, not left transparent
        else:
            header = struct.unpack_from("<IiiHH", image, 0)
            assert header == (40, size, size * 2, 1, 32)
            mask = ((size + 31) // 32) * 4 * size
            assert length == 40 + size * size * 4 + mask
            middle_row = 40 + (size // 2) * size * 4
            assert image[middle_row + (size // 2) * 4 + 3] == 255  # alpha of a centre pixel
        sizes.append(size)
    assert sizes == [16, 20, 24, 32, 40, 48, 64, 256]
