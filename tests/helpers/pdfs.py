"""Reading produced PDFs back: text per page, fonts, metadata (pypdf)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

BASE14 = (
    "Helvetica",
    "Times",
    "Courier",
    "Symbol",
    "ZapfDingbats",
)


def page_texts(path: Path) -> list[str]:
    """The text of every page, in order."""
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def all_text(path: Path) -> str:
    """All text of the document."""
    return "\n".join(page_texts(path))


def squashed(text: str) -> str:
    """Text without line breaks and doubled spaces (table cells wrap words anywhere)."""
    return re.sub(r"\s+", " ", text)


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _fonts_in(resources: Any, seen: set[int]) -> list[DictionaryObject]:
    """Every font dictionary reachable from a /Resources (form XObjects included)."""
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return []
    seen.add(id(resources))
    found: list[DictionaryObject] = []
    fonts = _resolve(resources.get("/Font"))
    if isinstance(fonts, DictionaryObject):
        found.extend(_resolve(f) for f in fonts.values())
    xobjects = _resolve(resources.get("/XObject"))
    if isinstance(xobjects, DictionaryObject):
        for xobject in xobjects.values():
            xobject = _resolve(xobject)
            if "/Resources" in xobject:
                found.extend(_fonts_in(xobject["/Resources"], seen))
    return found


def font_problems(path: Path) -> list[str]:
    """Fonts that are not embedded TrueType (FontFile2) or are base-14; empty list: all fine."""
    problems = []
    reader = PdfReader(path)
    checked = 0
    for number, page in enumerate(reader.pages, start=1):
        for font in _fonts_in(page.get("/Resources"), set()):
            checked += 1
            name = str(font.get("/BaseFont", "?"))
            if any(base in name for base in BASE14):
                problems.append(f"pagina {number}: base-14 font {name}")
            descriptor_holder = font
            if font.get("/Subtype") == "/Type0":
                descriptor_holder = _resolve(font["/DescendantFonts"][0])
            descriptor = _resolve(descriptor_holder.get("/FontDescriptor"))
            if descriptor is None or "/FontFile2" not in descriptor:
                problems.append(f"pagina {number}: font {name} niet ingebed")
    if not checked:
        problems.append("geen enkel font gevonden")
    return problems


def metadata(path: Path) -> dict[str, str]:
    """Title, author, subject and the catalog's /Lang."""
    reader = PdfReader(path)
    info = reader.metadata or {}
    return {
        "title": str(info.get("/Title", "")),
        "author": str(info.get("/Author", "")),
        "subject": str(info.get("/Subject", "")),
        "lang": str(reader.trailer["/Root"].get("/Lang", "")),
    }
