"""Children's data sealed in the client: AES-256-GCM per value, bound to its table, column, row.

On a shared server store the server must never hold a child's name, birth date, school, notes,
minutes texts or action descriptions in plain text. Each such value is sealed here, in the
client, before it leaves for the server: a fresh random 96-bit nonce per value, and the table,
column and row id as associated data, so a sealed value copied into another row or column (by
someone with write access to the server) does not open there.

A sealed value is text, so the columns stay TEXT on both kinds of store:
``"z1:" + base64(nonce(12) + ciphertext + tag(16))``.

The sealing key is derived from the store key with HKDF-SHA256 (its own `info`), so the store
key itself is never used for two purposes.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
from datetime import date

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casusoverleg.errors import DamagedStore

PREFIX = "z1:"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
_INFO = b"casusoverleg kolommen v1"

# Table -> the columns sealed on a server store: every column that holds a child's data or free
# text that may be about a child. Free text is sealed whatever it usually holds, because a user
# can type a child's name into any of it.
SEALED_COLUMNS: dict[str, tuple[str, ...]] = {
    "case_file": (
        "first_name",  # the child's name
        "last_name",  # the child's name
        "birth_date",  # with the name the child is identified; sealed as its ISO text
        "school",  # where the child goes (or went) to school: narrows the child down
        "notes",  # free text about the child and the family
        "search_text",  # a case-folded copy of the number, name and school
        "expert_name",  # the doctor or psychologist whose statement the exemption rests on
        "parents_involved_how",  # free text about the child's parents
    ),
    "agenda_item": (
        "title",  # free text; a case item's title names the case
        "question",  # the question put to the group about the child
        "reason",  # why the child is on the agenda
    ),
    "meeting": (
        "minutes_fixed_note",  # what was changed in the minutes, may quote them
    ),
    "minutes_entry": (
        "notes",  # what was said about the child
        "decision",  # what was decided for the child
    ),
    "action_item": (
        "description",  # what someone will do for the child
        "note",  # free text on the action
    ),
    "action_event": (
        "detail",  # the action's history; holds the note typed when it was closed
    ),
    "access_request": (
        "requested_by",  # the name of who asked (a parent, the young person)
        "relation",  # free text: how the requester relates to the child
        "extended_reason",  # free text on why the answer takes longer
        "note",  # free text on the request
    ),
}

# Child-related columns that stay plain on the server, and why: the server (and the signals that
# run on every client) must be able to sort, filter and count on them without the key, and they
# say nothing about who the child is without the sealed columns.
PLAIN_COLUMNS: dict[str, dict[str, str]] = {
    "case_file": {
        "id": "rij-id: de sleutel van alles en deel van de gebonden gegevens",
        "case_number": "het zaaknummer is een pseudoniem; uniek, nodig om dossiers te vinden "
        "en het logboek te koppelen",
        "ground": "code van de grond (artikel), nodig voor de signalen van de wet",
        "status": "code van de stand van het dossier, nodig voor lijsten en signalen",
        "registered_on": "datum, nodig voor termijnen en bewaartermijn",
        "owner_id": "verwijst naar een professional, niet naar het kind",
        "absent_since": "datum, nodig voor het verzuimsignaal",
        "review_date": "datum, nodig voor het herbeoordelingssignaal",
        "exemption_from": "datum, nodig voor de signalen van de vrijstelling",
        "exemption_until": "datum, nodig voor de signalen van de vrijstelling",
        "closed_on": "datum, nodig voor de bewaartermijn (vernietigen)",
        "enrolled": "ja/nee/onbekend, nodig voor de signalen van de wet",
        "enrolled_since": "datum, nodig voor de signalen van de wet",
        "back_at_school_on": "datum, nodig voor de signalen van de wet",
        "expert_profession": "code van het beroep, nodig voor de controle op artikel 7",
        "expert_statement_on": "datum, nodig voor de controle op artikel 7",
        "expert_not_treating": "ja/nee, nodig voor de controle op artikel 7",
        "never_fit": "ja/nee, nodig voor de controle op artikel 6 lid 3",
        "parents_involved_on": "datum, nodig voor de plausibiliteitsregels",
        "child_heard_on": "datum, nodig voor de plausibiliteitsregels",
        "confirmed_rules": "codes van bevestigde regels, geen vrije tekst",
        "created_at": "tijdstip, nodig voor volgorde en bewaartermijn",
        "updated_at": "tijdstip, nodig voor volgorde en gelijktijdig bewerken",
    },
    "agenda_item": {
        "kind": "code: vast punt of casus",
        "case_id": "verwijst naar het dossier",
        "outcome": "code van wat er met het punt gebeurde",
    },
    "minutes_entry": {
        "advice": "code van het advies, nodig voor de signalen en overzichten",
        "alternatives": "codes van de afgewogen alternatieven, geen vrije tekst",
        "next_review_date": "datum, nodig voor het herbeoordelingssignaal",
    },
    "action_item": {
        "case_id": "verwijst naar het dossier",
        "due_date": "datum, nodig voor de actielijst en het signaal 'te laat'",
        "status": "code, nodig voor de actielijst",
        "done_on": "datum, nodig voor de actielijst",
        "created_on": "datum, nodig voor de actielijst van latere overleggen",
    },
    "access_request": {
        "case_id": "verwijst naar het dossier",
        "received_on": "datum, begin van de termijn van een maand (AVG art. 12 lid 3)",
        "deadline": "datum, nodig voor het signaal dat de termijn verloopt",
        "answered_on": "datum, nodig voor het signaal dat de termijn verloopt",
    },
    "audit_event": {
        "case_number": "het pseudoniem van het dossier; het logboek noemt nooit de naam",
    },
}


def column_key(store_key: bytes) -> bytes:
    """The 32-byte key that seals columns, derived from the store key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_INFO).derive(
        store_key
    )


def _bound(table: str, column: str, row_id: int) -> bytes:
    """The associated data: where the value lives, each part length-prefixed (unambiguous)."""
    where = f"{len(table)}:{table}{len(column)}:{column}{int(row_id)}"
    return where.encode()


# One cipher object per key: building it costs as much as opening a value (a case list opens
# eight values per case).
_cipher = functools.lru_cache(maxsize=8)(AESGCM)


def _damaged(table: str, column: str, row_id: int) -> DamagedStore:
    return DamagedStore(
        f"Een versleutelde waarde in tabel {table}, kolom {column} (rij {row_id}) kan niet "
        "worden geopend: de waarde is beschadigd of gewijzigd, hoort bij een andere rij of "
        "kolom, of de sleutel hoort niet bij deze opslag."
    )


def seal(key: bytes, table: str, column: str, row_id: int, value: str | None) -> str | None:
    """`value` sealed for this table, column and row; None stays None."""
    if value is None:
        return None
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(key).encrypt(nonce, value.encode(), _bound(table, column, row_id))
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def open_sealed(key: bytes, table: str, column: str, row_id: int, text: str | None) -> str | None:
    """The plain text of a value sealed for this table, column and row; None stays None.

    Raises DamagedStore if it does not open: altered, from another row or column, sealed under
    another key, or not a sealed value at all.
    """
    if text is None:
        return None
    if not isinstance(text, str) or not text.startswith(PREFIX):
        raise _damaged(table, column, row_id)
    try:
        raw = base64.b64decode(text[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise _damaged(table, column, row_id) from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise _damaged(table, column, row_id)
    try:
        plain = _cipher(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _bound(table, column, row_id)
        )
        return plain.decode()
    except (InvalidTag, UnicodeDecodeError):
        raise _damaged(table, column, row_id) from None


def seal_date(key: bytes, table: str, column: str, row_id: int, value: date | None) -> str | None:
    """A date sealed as its ISO text (YYYY-MM-DD)."""
    return seal(key, table, column, row_id, None if value is None else value.isoformat())


def open_date(key: bytes, table: str, column: str, row_id: int, text: str | None) -> date | None:
    """The date of a value sealed by `seal_date`; DamagedStore if it does not open or parse."""
    plain = open_sealed(key, table, column, row_id, text)
    if plain is None:
        return None
    try:
        return date.fromisoformat(plain)
    except ValueError:
        raise _damaged(table, column, row_id) from None
