"""Issue 10 item 12 (import half): random files, encodings and cells never break the import.

Whatever the bytes, reading and importing either succeed or raise BadInput with a Dutch
message; a refused import leaves the store as it was (cases, participants, and a log that
only gained the refusal and still verifies).
"""

from __future__ import annotations

import io
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, configuration, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import BadInput
from casusoverleg.services import audit, cases, imports, people
from casusoverleg.services.store import Store

# Hypothesis keeps caches in ./.hypothesis; pytest (norecursedirs set in pyproject) then warns,
# and warnings are errors here. Keep them out of the checkout.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "casusoverleg-hypothesis")

TODAY = date(2026, 10, 15)
HEADER = list(imports.COLUMNS)
# Few examples, no database: the file must stay well under 30 seconds and be repeatable.
ATTACK = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DUTCH = ("Het ", "Dit ", "In de ", "Import ", "De ", "Kies ")

# Mostly good values (so that some files import), a few bad ones, sometimes anything.
_GOOD = {
    "casusnummer": ["", "", "", "f\u20101"],
    "voornaam": ["Sanne", "Zo\u00eb", "Ren\u0065\u0301", "\ufeffNoor"],
    "achternaam": ["de Vries", "van den Berg", "Smit"],
    "geboortedatum": ["12-03-2014", "2014-03-12", "1-9-2013"],
    "school": ["", "De Fonkeling", "'=1+1"],
    "grond": ["5 onder a", "5a", "thuiszitter", "ART15"],
    "status": ["", "afgesloten", "in behandeling", "aangemeld"],
    "aangemeld_op": ["", "01-09-2026", "2026-09-02"],
    "casushouder": ["", "", "Karin Bos", "karin bos"],
}
_BAD = {
    "casusnummer": ["x" * 41, "F-\x1b[31m1"],
    "voornaam": ["\u200b", "x" * 1001],
    "achternaam": ["", "x" * 201],
    "geboortedatum": ["31-02-2014", "Bartholomeus", "12-03-14"],
    "school": ["x" * 201],
    "grond": ["1 5", "Bartholomeus heeft autisme"],
    "status": ["klaar"],
    "aangemeld_op": ["01-01-2030"],
    "casushouder": ["y" * 201],
}
# openpyxl cannot write control characters into a sheet at all.
_ALL_VALUES = [
    value
    for values in (*_GOOD.values(), *_BAD.values())
    for value in values
    if value.isprintable() or not any(ord(ch) < 32 for ch in value)
]
_ANY_TEXT = st.text(max_size=30)


@st.composite
def case_cell(draw: st.DrawFn, column: str) -> str:
    """A cell that is usually plausible, sometimes wrong and sometimes anything at all."""
    kind = draw(st.integers(0, 40))
    if kind == 0:
        return draw(_ANY_TEXT)
    if kind == 1:
        return draw(st.sampled_from(_BAD[column]))
    return draw(st.sampled_from(_GOOD[column]))


rows_strategy = st.lists(st.tuples(*(case_cell(c) for c in HEADER)), min_size=0, max_size=6)


def _snapshot(store: Store) -> tuple[int, list[str], int]:
    events = audit.list_events(store)
    return (
        cases.count_cases(store),
        [p.name for p in people.list_participants(store)],
        len(events),
    )


def _assert_refusal_left_store_as_it_was(store: Store, before: tuple[int, list[str], int]) -> None:
    count, participants, logged = _snapshot(store)
    assert (count, participants) == before[:2]
    events = audit.list_events(store)
    added = events[: logged - before[2]]  # newest first
    assert len(added) <= 1
    assert all(e.action == AuditAction.IMPORT and e.result == "geweigerd" for e in added)
    assert audit.verify_chain(store).ok


def _import(store: Store, path: Path) -> None:
    before = _snapshot(store)
    try:
        imports.import_cases(store, path, today=TODAY)
    except BadInput as exc:
        assert exc.message.startswith(DUTCH), exc.message
        assert "Traceback" not in exc.message
        _assert_refusal_left_store_as_it_was(store, before)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder for the generated files (reused across examples)."""
    return tmp_path


@ATTACK
@given(data=st.binary(max_size=3_000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]))
def test_random_bytes_are_read_or_refused(work: Path, data: bytes, suffix: str) -> None:
    path = work / f"rommel{suffix}"
    path.write_bytes(data)
    try:
        imports.read_case_file(path, today=TODAY)
    except BadInput as exc:
        assert exc.message.startswith(DUTCH), exc.message


@ATTACK
@given(
    rows=rows_strategy,
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_random_csv_imports_or_is_refused_cleanly(
    store: Store,
    work: Path,
    rows: list[tuple[str, ...]],
    delimiter: str,
    encoding: str,
    newline: str,
) -> None:
    lines = [delimiter.join(HEADER)]
    lines += [delimiter.join(c.replace(delimiter, " ") for c in row) for row in rows]
    path = work / "lijst.csv"
    path.write_bytes(newline.join(lines).encode(encoding, errors="replace"))
    _import(store, path)


_XLSX_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
_XLSX_VALUE = st.one_of(
    st.none(),
    _XLSX_TEXT,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1900, 3, 1), date(2100, 1, 1)),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 1, 1)),
)


@ATTACK
@given(
    rows=st.lists(
        st.lists(st.one_of(_XLSX_VALUE, st.sampled_from(_ALL_VALUES)), max_size=10),
        max_size=5,
    )
)
def test_random_xlsx_imports_or_is_refused_cleanly(
    store: Store, work: Path, rows: list[list[object]]
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = work / "lijst.xlsx"
    workbook.save(path)
    _import(store, path)


@pytest.fixture(scope="module")
def valid_xlsx() -> bytes:
    """A small valid case list as .xlsx bytes, to damage."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["2026-0101", "Sanne", "de Vries", "12-03-2014", "", "5a", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@ATTACK
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=8))
def test_damaged_xlsx_imports_or_is_refused_cleanly(
    store: Store, work: Path, valid_xlsx: bytes, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(valid_xlsx)
    for position, mask in flips:
        data[position % len(data)] ^= mask
    path = work / "kapot.xlsx"
    path.write_bytes(bytes(data))
    _import(store, path)


def test_a_zip_header_claiming_an_unknown_zip_version_is_a_damaged_file(
    work: Path, valid_xlsx: bytes
) -> None:
    # What the damaged-xlsx attack found: zipfile raises NotImplementedError ("zip file version
    # 8.4") for a central directory entry that asks for a newer zip version.
    data = bytearray(valid_xlsx)
    entry = data.index(b"PK\x01\x02")
    data[entry + 6] = 84  # "version needed to extract" of the first entry
    path = work / "kapot.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(BadInput, match="Excel"):
        imports.read_case_file(path)
