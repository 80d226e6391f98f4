"""Values sealed in the client (casusoverleg.store.sealed): round trip, binding, tampering."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casusoverleg.errors import DamagedStore
from casusoverleg.store.models import Base
from casusoverleg.store.sealed import (
    PLAIN_COLUMNS,
    PREFIX,
    SEALED_COLUMNS,
    column_key,
    open_date,
    open_sealed,
    seal,
    seal_date,
)
from casusoverleg.store.sealing_events import columns_needing_text

STORE_KEY = bytes(range(32))
KEY = column_key(STORE_KEY)
names = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
idents = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=20)
row_ids = st.integers(min_value=1, max_value=2**62)


def test_column_key_is_derived_not_the_store_key() -> None:
    assert len(KEY) == 32
    assert KEY != STORE_KEY
    assert column_key(STORE_KEY) == KEY
    assert column_key(bytes(32)) != KEY


@given(value=names, table=idents, column=idents, row_id=row_ids)
def test_any_text_round_trips(value: str, table: str, column: str, row_id: int) -> None:
    sealed = seal(KEY, table, column, row_id, value)
    assert sealed is not None and sealed.startswith(PREFIX)
    assert open_sealed(KEY, table, column, row_id, sealed) == value


def test_none_stays_none() -> None:
    assert seal(KEY, "case_file", "notes", 1, None) is None
    assert open_sealed(KEY, "case_file", "notes", 1, None) is None
    assert seal_date(KEY, "case_file", "birth_date", 1, None) is None
    assert open_date(KEY, "case_file", "birth_date", 1, None) is None


@given(day=st.dates())
def test_dates_round_trip_as_iso_text(day: date) -> None:
    sealed = seal_date(KEY, "case_file", "birth_date", 7, day)
    assert open_sealed(KEY, "case_file", "birth_date", 7, sealed) == day.isoformat()
    assert open_date(KEY, "case_file", "birth_date", 7, sealed) == day


@given(value=names)
def test_two_seals_of_one_value_differ(value: str) -> None:
    assert seal(KEY, "case_file", "first_name", 1, value) != seal(
        KEY, "case_file", "first_name", 1, value
    )


@given(
    value=names,
    where=st.tuples(idents, idents, row_ids),
    other=st.tuples(idents, idents, row_ids),
)
def test_a_value_opens_only_where_it_was_sealed(
    value: str, where: tuple[str, str, int], other: tuple[str, str, int]
) -> None:
    sealed = seal(KEY, *where, value)
    if other == where:
        assert open_sealed(KEY, *other, sealed) == value
    else:
        with pytest.raises(DamagedStore):
            open_sealed(KEY, *other, sealed)


@pytest.mark.parametrize(
    "other",
    [
        ("access_request", "first_name", 3),  # other table
        ("case_file", "last_name", 3),  # other column
        ("case_file", "first_name", 4),  # other row
        ("case_fil", "efirst_name", 3),  # a concatenation would not tell these apart
    ],
)
def test_swaps_named_in_the_message(other: tuple[str, str, int]) -> None:
    sealed = seal(KEY, "case_file", "first_name", 3, "Noor")
    with pytest.raises(DamagedStore) as caught:
        open_sealed(KEY, *other, sealed)
    message = str(caught.value)
    assert f"tabel {other[0]}" in message and f"kolom {other[1]}" in message
    assert "Noor" not in message


@given(value=names, bit=st.integers(min_value=0))
def test_any_flipped_bit_is_found(value: str, bit: int) -> None:
    sealed = seal(KEY, "minutes_entry", "notes", 9, value)
    assert sealed is not None
    raw = bytearray(base64.b64decode(sealed[len(PREFIX) :]))
    bit %= len(raw) * 8
    raw[bit // 8] ^= 1 << (bit % 8)
    tampered = PREFIX + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(DamagedStore):
        open_sealed(KEY, "minutes_entry", "notes", 9, tampered)


@given(value=names)
def test_wrong_key_is_found(value: str) -> None:
    sealed = seal(KEY, "action_item", "description", 2, value)
    with pytest.raises(DamagedStore):
        open_sealed(column_key(b"another store key"), "action_item", "description", 2, sealed)


@pytest.mark.parametrize(
    "text",
    ["Noor", "", PREFIX, PREFIX + "!!!", PREFIX + base64.b64encode(b"short").decode(), "z2:AAAA"],
)
def test_text_that_is_no_sealed_value_is_damage(text: str) -> None:
    with pytest.raises(DamagedStore):
        open_sealed(KEY, "case_file", "notes", 1, text)


def test_a_sealed_non_date_is_damage_for_open_date() -> None:
    sealed = seal(KEY, "case_file", "birth_date", 1, "geen datum")
    with pytest.raises(DamagedStore):
        open_date(KEY, "case_file", "birth_date", 1, sealed)


def test_every_listed_column_exists_in_the_models() -> None:
    tables = Base.metadata.tables
    for table, columns in SEALED_COLUMNS.items():
        assert table in tables, table
        for column in columns:
            assert column in tables[table].c, f"{table}.{column}"
    for table, plain in PLAIN_COLUMNS.items():
        assert table in tables, table
        for column in plain:
            assert column in tables[table].c, f"{table}.{column}"
            assert column not in SEALED_COLUMNS.get(table, ()), f"{table}.{column}"


def test_the_childs_identity_and_free_text_are_sealed() -> None:
    case = set(SEALED_COLUMNS["case_file"])
    assert {"first_name", "last_name", "birth_date", "school", "notes", "search_text"} <= case
    assert {"notes", "decision"} <= set(SEALED_COLUMNS["minutes_entry"])
    assert {"description", "note"} <= set(SEALED_COLUMNS["action_item"])
    assert "requested_by" in SEALED_COLUMNS["access_request"]


def test_every_sealed_column_is_text_on_a_server_store() -> None:
    assert columns_needing_text() == []  # models.sealable and SealableDate; migration 0008
    # Even the shortest VARCHAR(n) cannot hold a sealed value of n characters.
    assert len(seal(KEY, "access_request", "relation", 1, "x" * 40) or "") > 40
