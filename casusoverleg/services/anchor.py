"""The anchored log: the audit chain's head, kept outside the store as well as inside it.

The chain in the store (see `audit`) finds an edited or removed row, but someone who holds the
key and uses outside tools can cut rows off the end or rewrite rows and recompute every hash and
the head row. So the head (last id, count, last hash) is also written to a small file beside
the store after every write transaction that extended the chain, and into every backup's
manifest. `check` then reports a log that is shorter than an anchor or has another hash at the
anchored row.

A write that finds the chain no longer contains the anchored head does not move the anchor
forward: the evidence stays until the store is restored. What this cannot stop: a key holder
who also rewrites (or deletes) the head file and every backup manifest within reach.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.errors import DamagedStore
from casusoverleg.store.models import AuditEvent, AuditHead

HEAD_SUFFIX = ".logkop.json"
HEAD_FORMAT = 1
_SESSION_KEY = "casusoverleg.chain_head"


@dataclass(frozen=True)
class ChainHead:
    """The end of the audit chain: the last row's id and hash, and how many rows there are."""

    last_id: int
    count: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        """As written into the head file and a backup's manifest."""
        return {"last_id": self.last_id, "count": self.count, "hash": self.hash}

    @classmethod
    def from_json(cls, data: Any) -> ChainHead:
        """Read a head; ValueError if it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not a chain head")
        last_id, count, digest = data.get("last_id"), data.get("count"), data.get("hash")
        if not (isinstance(last_id, int) and isinstance(count, int) and isinstance(digest, str)):
            raise ValueError("not a chain head")
        if last_id < 1 or count < 1 or len(digest) != 64:
            raise ValueError("not a chain head")
        return cls(last_id, count, digest)


@dataclass(frozen=True)
class Anchor:
    """A chain head found outside the store, and where it was found (for the message)."""

    head: ChainHead
    source: str  # "het ankerbestand logkop.json", "de back-up x.zip"


def head_path(store_path: Path) -> Path:
    """The head file beside the store."""
    return store_path.with_name(store_path.name + HEAD_SUFFIX)


# -- written with every write transaction ----------------------------------------------------


def note_head(session: Session, head: ChainHead) -> None:
    """Remember, on the write session, the chain head this transaction will commit."""
    session.info[_SESSION_KEY] = head


def head_to_anchor(
    session: Session, store_path: Path, store_id: str
) -> tuple[ChainHead, str] | None:
    """The head to write after this transaction commits, or None to leave the file as it is.

    Runs inside the transaction, before the commit: one read of the file and one row by key.
    """
    head = session.info.pop(_SESSION_KEY, None)
    if not isinstance(head, ChainHead):
        return None
    try:
        anchored = read_head_file(store_path, store_id)
    except DamagedStore:
        return None  # an unreadable anchor is evidence: `check` reports it, nothing replaces it
    if anchored is not None and chain_mismatch(session, anchored) is not None:
        # The chain no longer holds the anchored head (rows cut or rewritten since): keep the
        # anchor where it is, so that `check` still finds it.
        return None
    return head, store_id


def write_head_file(store_path: Path, head: ChainHead, store_id: str) -> None:
    """Write the head file atomically (temp file, rename), owner-only.

    A failure is not raised: the transaction has committed already, and a head file left
    behind (shorter than the chain) only means a weaker check, never a false alarm.
    """
    path = head_path(store_path)
    data = {
        "format": HEAD_FORMAT,
        "store_id": store_id,
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        **head.to_json(),
    }
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(data).encode("utf-8"))
        # Not synced: an fsync would cost more than the write transaction it follows. After a
        # power cut the file may be the old one (harmless: a shorter anchor) or empty, which
        # `read_head_file` takes as no anchor at all, as it takes a deleted file.
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def read_head_file(store_path: Path, store_id: str) -> ChainHead | None:
    """The anchored head beside the store; None if there is none (or it is another store's)."""
    path = head_path(store_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DamagedStore(_unreadable(path)) from exc
    if not raw:
        return None  # a power cut right after it was replaced (it is written without fsync)
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != HEAD_FORMAT:
            raise ValueError("unknown head file")
        head = ChainHead.from_json(data)
        owner = data.get("store_id")
    except (ValueError, UnicodeDecodeError) as exc:
        raise DamagedStore(_unreadable(path)) from exc
    # A file left by a store that was removed by hand belongs to no store here.
    return head if owner == store_id else None


def _unreadable(path: Path) -> str:
    return (
        f"Het ankerbestand {path.name} naast de opslag is onleesbaar, dus het logboek kan er "
        "niet mee worden vergeleken. Zoek uit wie het heeft gewijzigd; verwijder het daarna, "
        "dan wordt het bij de volgende wijziging opnieuw geschreven."
    )


# -- compared by `check` and `restore` ---------------------------------------------------------


def chain_mismatch(session: Session, anchored: ChainHead) -> str | None:
    """Why the chain in the store does not hold the anchored head (Dutch), or None if it does."""
    head = session.get(AuditHead, 1)
    count = head.count if head is not None else 0
    if count < anchored.count:
        return (
            f"het logboek heeft {count} regels, minder dan de {anchored.count} die er al "
            "eerder waren: er zijn regels verwijderd"
        )
    digest = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == anchored.last_id))
    if digest is None:
        return f"logboekregel {anchored.last_id} ontbreekt: er zijn regels verwijderd"
    if digest != anchored.hash:
        return (
            f"het logboek tot en met regel {anchored.last_id} is anders dan het was: "
            "er zijn regels gewijzigd en opnieuw berekend"
        )
    return None


def check_anchors(session: Session, anchors: list[Anchor]) -> list[str]:
    """One Dutch finding per anchor the chain does not hold."""
    found = []
    for anchor in anchors:
        problem = chain_mismatch(session, anchor.head)
        if problem is not None:
            found.append(f"Logboek klopt niet met {anchor.source}: {problem}.")
    return found
