"""Casusnummers are unique regardless of letter case and dash variants (F-0001, f-0001, F‐0001).

The store's UNIQUE constraint compares exact text; this check, run inside the caller's write
transaction, compares the folded form (`domain.text.case_number_key`) without a migration.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.domain.text import case_number_key
from casusoverleg.store.models import Case


def stored_keys(session: Session) -> dict[str, tuple[int, str]]:
    """Every stored casusnummer by its folded key: key → (case id, number as stored)."""
    keys: dict[str, tuple[int, str]] = {}
    for case_id, number in session.execute(select(Case.id, Case.case_number)):
        keys.setdefault(case_number_key(number), (case_id, number))
    return keys


def clash(session: Session, number: str, own_id: int | None = None) -> str | None:
    """The stored casusnummer that `number` would duplicate (another case's), or None."""
    key = case_number_key(number)
    for case_id, stored in session.execute(select(Case.id, Case.case_number)):
        if case_id != own_id and case_number_key(stored) == key:
            return str(stored)
    return None


def find(session: Session, number: str) -> int | None:
    """The id of the case whose casusnummer folds to the same key as `number`, if any."""
    key = case_number_key(number)
    for case_id, stored in session.execute(select(Case.id, Case.case_number)):
        if case_number_key(stored) == key:
            return int(case_id)
    return None


def clash_message(number: str, stored: str) -> str:
    """The Dutch reason a casusnummer is refused because `stored` already exists."""
    if stored == number:
        return f"Casusnummer {number} bestaat al."
    return (
        f"Casusnummer {number} bestaat al (als {stored}); hoofdletters en soorten streepjes "
        "tellen niet als verschil."
    )


def first_of_each(numbers: Iterable[str]) -> dict[str, int]:
    """For each folded key among `numbers` (empty ones skipped), the index of its first use."""
    seen: dict[str, int] = {}
    for index, number in enumerate(numbers):
        if number:
            seen.setdefault(case_number_key(number), index)
    return seen
