"""Hostile case lists for the import tests: huge sheets, zip bombs, crafted zip directories."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from casusoverleg.services import imports

SHEET = "xl/worksheets/sheet1.xml"
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_SHEET_END = b"</sheetData></worksheet>"  # after the rows


def _template() -> dict[str, bytes]:
    """The members of a small valid workbook made by openpyxl."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def inline_row(row: int, cells: Iterable[str]) -> bytes:
    """One sheet row of inline strings, in columns A, B, C, …"""
    parts = []
    for column, text in enumerate(cells):
        ref = f"{chr(65 + column)}{row}"
        parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{row}">{"".join(parts)}</row>'.encode()


def workbook_with_sheet(path: Path, sheet_rows: Iterable[bytes], dimension: str = "") -> Path:
    """An .xlsx whose first sheet is exactly `sheet_rows` (raw <row> elements), deflated."""
    members = _template()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name != SHEET:
                archive.writestr(name, data)
        with archive.open(SHEET, "w") as sheet:
            sheet.write(_SHEET_START)
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for row in sheet_rows:
                sheet.write(row)
            sheet.write(_SHEET_END)
    return path


def header_row() -> bytes:
    """The header row of a case list as row 1 of a sheet."""
    return inline_row(1, imports.COLUMNS)


def many_rows_workbook(path: Path, rows: int) -> Path:
    """A small .xlsx with `rows` data rows of one cell each (500,000 rows pack into ~1 MB)."""

    def generate() -> Iterable[bytes]:
        yield header_row()
        for row in range(2, rows + 2):
            yield f'<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>'.encode()

    return workbook_with_sheet(path, generate())


def bomb_workbook(path: Path, unpacked_bytes: int) -> Path:
    """An .xlsx whose sheet unpacks to `unpacked_bytes` of spaces (a zip bomb), a real one."""
    chunk = b" " * (1024 * 1024)

    def generate() -> Iterable[bytes]:
        yield header_row()
        left = unpacked_bytes
        while left > 0:
            yield chunk[:left]
            left -= len(chunk)

    return workbook_with_sheet(path, generate())


def declare_size(path: Path, member: str, size: int) -> Path:
    """Rewrite the unpacked size a zip declares for `member` (local header and directory)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        offset = archive.getinfo(member).header_offset
    struct.pack_into("<I", data, offset + 22, size)
    name = member.encode()
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        (name_length,) = struct.unpack_from("<H", data, position + 28)
        if data[position + 46 : position + 46 + name_length] == name:
            struct.pack_into("<I", data, position + 24, size)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))
    return path


def many_entries_workbook(path: Path, entries: int) -> Path:
    """A valid workbook with `entries` extra tiny members."""
    members = _template()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for index in range(entries):
            archive.writestr(f"customXml/item{index}.xml", b"<a/>")
    return path


def billion_laughs(root: str, inner: str) -> bytes:
    """An XML part with a "billion laughs" entity bomb: `inner` holds `&lol9;` where the bomb
    goes off (10^9 times "lol" when expanded)."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE {root} [{"".join(entities)}]>{inner}'
    ).encode()


def with_members(path: Path, replaced: dict[str, bytes]) -> Path:
    """Rewrite the .xlsx at `path` with members replaced or added."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members.update(replaced)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return path


def shared_strings_workbook(path: Path, shared_strings: bytes) -> Path:
    """An .xlsx whose sheet's A1 is shared string 0 of `shared_strings` (xl/sharedStrings.xml);
    openpyxl itself writes inline strings only."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        types = archive.read("[Content_Types].xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>',
    )
    relations = relations.replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId9" /></Relationships>',
    )
    path.write_bytes(buffer.getvalue())
    return with_members(
        path,
        {
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": relations,
            "xl/sharedStrings.xml": shared_strings,
            SHEET: _SHEET_START
            + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            + _SHEET_END,
        },
    )
