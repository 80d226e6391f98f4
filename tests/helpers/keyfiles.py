"""Damage to a key file, as a disk, a careless edit or an attacker would leave it."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from casusoverleg.store.keyslots import KeyFile


def read_json(store_path: Path) -> dict[str, Any]:
    """The key file of a store as JSON data."""
    data: dict[str, Any] = json.loads(KeyFile.path_for(store_path).read_text(encoding="utf-8"))
    return data


def write_json(store_path: Path, data: Any) -> None:
    """Write JSON data as the key file of a store (no atomic write: this is the damage)."""
    KeyFile.path_for(store_path).write_text(json.dumps(data, indent=2), encoding="utf-8")


def slot_of(data: dict[str, Any], account: str) -> dict[str, Any]:
    """The raw slot of an account in key file data."""
    slot: dict[str, Any] = next(s for s in data["slots"] if s["account"] == account)
    return slot


def flip_bit(text: str, bit: int = 0) -> str:
    """The base64 text of the same bytes with one bit flipped (still valid base64)."""
    raw = bytearray(base64.b64decode(text))
    raw[bit // 8 % len(raw)] ^= 1 << (bit % 8)
    return base64.b64encode(bytes(raw)).decode("ascii")


def flip_slot_bit(store_path: Path, account: str, path: tuple[str, ...], bit: int = 0) -> None:
    """Flip one bit in a base64 field of an account's slot, e.g. ("store_key", "nonce")."""
    data = read_json(store_path)
    holder: dict[str, Any] = slot_of(data, account)
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = flip_bit(holder[path[-1]], bit)
    write_json(store_path, data)
