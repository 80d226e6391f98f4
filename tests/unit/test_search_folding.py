"""Search as people type (issue 13 item 5): folding, separators between letters, old stores."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from casusoverleg.domain.text import normalise_search, search_text, search_words
from casusoverleg.services import accounts, cases
from casusoverleg.services.cases import CaseFilter
from casusoverleg.services.store import Store
from casusoverleg.store.models import Case, Setting
from tests.helpers.small_disk import NoSmallDisk, fill, small_disk
from tests.helpers.stores import ACCOUNT, PASSPHRASE, make_store, sample_case

# (first, last, casusnummer): names as a Dutch register holds them.
CHILDREN = [
    ("Emre", "Yıldırım", "2026-0012"),
    ("Siobhan", "O'Neill-Bakker", "2026-0013"),
    ("Ada", "Okonkwo-de Vries", "2026-0014"),
    ("Jan", "'t Hart", "2026-0015"),
    ("Çağla", "Öztürk", "2026-0016"),
    ("Søren", "Jørgensen", "2026-0017"),
    ("Łucja", "Straße", "2026-0018"),
    ("Sanne", "de Vries", "J-101"),
    ("Noor", "Bakker", "J-104"),
]


@pytest.fixture(scope="module")
def children(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store with one case per child above, shared by the module's tests (they only read)."""
    store, _recovery = make_store(tmp_path_factory.mktemp("kinderen"))
    cases.create_cases(
        store,
        [sample_case(first, last, case_number=number) for first, last, number in CHILDREN],
    )
    yield store
    store.close()


def found(store: Store, typed: str) -> list[str]:
    """The casusnummers list_cases finds for what was typed (by the SQL LIKE query)."""
    return [row.case_number for row in cases.list_cases(store, CaseFilter(text=typed))]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("yil", "2026-0012"),  # dotless ı typed as i
        ("yıl", "2026-0012"),
        ("YILDIRIM", "2026-0012"),
        ("oneill", "2026-0013"),  # apostrophe left out
        ("o'neill", "2026-0013"),
        ("o’neill", "2026-0013"),  # typographic apostrophe
        ("oneillbakker", "2026-0013"),  # hyphen left out
        ("siobhan", "2026-0013"),
        ("siobhan oneill", "2026-0013"),
        ("okonkwodevries", "2026-0014"),  # hyphen and space left out
        ("okonkwo-de vries", "2026-0014"),
        ("thart", "2026-0015"),
        ("t hart", "2026-0015"),
        ("'t hart", "2026-0015"),
        ("cagla", "2026-0016"),
        ("çağla öztürk", "2026-0016"),
        ("ozturk", "2026-0016"),
        ("soren jorgensen", "2026-0017"),  # ø
        ("lucja strasse", "2026-0018"),  # ł and ß
        ("2026-0012", "2026-0012"),
        ("20260012", "2026-0012"),
        ("2026 0012", "2026-0012"),
        ("j-104", "J-104"),
        ("j104", "J-104"),
    ],
)
def test_what_people_type_finds_the_child(children: Store, typed: str, number: str) -> None:
    assert found(children, typed) == [number]


def test_words_must_all_match_and_unrelated_text_finds_nobody(children: Store) -> None:
    assert found(children, "sanne bakker") == []
    assert found(children, "xyz") == []
    assert found(children, "vries") == ["2026-0014", "J-101"]
    # Only separators typed: no word, so every case shows (as an empty field does).
    assert len(found(children, " ' - ")) == len(CHILDREN)


def test_school_words_stay_apart_but_the_name_is_one_key(children: Store) -> None:
    # Every child goes to "Basisschool De Fonkeling": "defon" spans two of its words.
    assert found(children, "defon") == []
    assert len(found(children, "de fonkeling")) == len(CHILDREN)


def test_like_wildcards_typed_are_plain_characters(children: Store) -> None:
    assert found(children, "%") == []
    assert found(children, "_") == []


def test_folding_uses_transliteration_for_special_letters() -> None:
    assert normalise_search("Yıldırım Straße Søren Æsa Łucja Çağla") == (
        "yildirim strasse soren aesa lucja cagla"
    )
    assert search_text("2026-0013", "Siobhan O'Neill-Bakker", "") == "20260013 siobhanoneillbakker"
    assert search_words(" t  Hart ") == ["t", "hart"]
    assert search_words("O’Neill-") == ["oneill"]


def _fold_the_old_way(store: Store) -> None:
    """Make the store look like one from before this folding: old text, no version setting."""
    old_text = func.lower(Case.case_number + " " + Case.first_name + " " + Case.last_name)
    with store.write() as session:
        session.execute(update(Case).values(search_text=old_text))
        session.delete(session.get(Setting, "search_fold_version"))


def test_an_old_store_gets_its_search_text_folded_again_once_at_unlock(tmp_path: Path) -> None:
    old, _recovery = make_store(tmp_path)
    cases.create_cases(
        old,
        [sample_case(first, last, case_number=number) for first, last, number in CHILDREN],
    )
    _fold_the_old_way(old)
    assert found(old, "yil") == []  # the old folding: the symptom
    assert found(old, "oneill") == []
    path = old.path
    accounts.lock(old)
    store = accounts.unlock(path, ACCOUNT, PASSPHRASE)
    try:
        assert found(store, "yil") == ["2026-0012"]
        assert found(store, "oneill") == ["2026-0013"]
        assert found(store, "okonkwodevries") == ["2026-0014"]
        with store.read() as session:
            setting = session.get(Setting, "search_fold_version")
            assert setting is not None
        # Done once: the next unlock finds nothing to change.
        assert cases.refresh_search_text(store) == 0
    finally:
        accounts.lock(store)


def test_a_new_store_has_nothing_to_refold(tmp_path: Path) -> None:
    store, _recovery = make_store(tmp_path)
    try:
        cases.create_case(store, sample_case("Emre", "Yıldırım"))
        assert cases.refresh_search_text(store) == 0
    finally:
        store.close()


def test_refolding_many_cases_is_one_quick_update(store: Store) -> None:
    count = 2_000  # kept small for the suite; 10,000 measured by hand (see the report)
    cases.create_cases(
        store,
        [sample_case("Emre", "Yıldırım", case_number=f"T-{i:05d}") for i in range(count)],
    )
    _fold_the_old_way(store)
    started = time.perf_counter()
    assert cases.refresh_search_text(store) == count
    assert time.perf_counter() - started < 5
    assert len(found(store, "yil")) == count


def test_a_full_disk_never_blocks_the_unlock_and_the_refold_follows_later(
    tmp_path: Path,
) -> None:
    try:
        with small_disk(tmp_path, size_kib=1024) as disk:
            store, _recovery = make_store(disk)
            cases.create_case(store, sample_case("Siobhan", "O'Neill-Bakker"))
            _fold_the_old_way(store)
            accounts.lock(store)
            filler = fill(disk)
            try:
                opened = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
                try:
                    # Open, read-only (no room to write): the old text is still there.
                    with opened.read() as session:
                        assert "oneill" not in session.scalars(select(Case.search_text)).one()
                finally:
                    accounts.lock(opened)
            finally:
                filler.unlink()
            again = accounts.unlock(store.path, ACCOUNT, PASSPHRASE)
            try:
                assert len(found(again, "oneill")) == 1
            finally:
                accounts.lock(again)
    except NoSmallDisk as exc:
        pytest.skip(f"geen tmpfs: {exc}")
