"""The copy of the key file inside the store: kept current, compared, and used for repair.

Every slot of the key file beside the store is also kept, as canonical JSON, in the encrypted
store (table `key_slot_copy`), written in the same transaction as the slot change it follows
(init, add_account, change_passphrase, remove_account and the key rotation). `check` compares
the file with that copy, repairs a damaged slot from it (written atomically, with a log line
"sleutelbestand hersteld: slot X") and reports a slot it cannot verify; a key rotation refuses
to seal the new store key to a slot that differs from its copy.

Each copy carries an HMAC under the store key its slot seals. During a rotation copies for the
old and the new key exist side by side (the new ones are written before `PRAGMA rekey`); only
the copies for the key the store is encrypted with now count, so a rotation cut off at any
point leaves a copy that fits the store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import CasusoverlegError, DamagedStore, os_reason
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import KeyFile, KeySlot
from casusoverleg.store.models import KeySlotCopy

_TAG_CONTEXT = b"casusoverleg sleutelkopie\x00"


@dataclass(frozen=True)
class KeyFileReport:
    """What `check` found in the key file: slots checked, repaired, and not verifiable."""

    checked: int
    repaired: tuple[str, ...] = ()  # "slot <account>" or "kop (…)"
    unverified: tuple[str, ...] = ()  # Dutch sentences, one per slot

    @property
    def ok(self) -> bool:
        """Whether every slot matches the copy (after any repair)."""
        return not self.unverified

    def lines(self) -> list[str]:
        """The findings in Dutch, one per line."""
        out = [f"Sleutelbestand hersteld: {what}." for what in self.repaired]
        out.extend(f"Sleutelbestand: {problem}" for problem in self.unverified)
        if self.ok:
            out.append(
                f"Sleutelbestand in orde ({self.checked} sleutel(s) vergeleken met de kopie "
                "in de opslag)."
            )
        return out


def _tag(store_key: bytes, text: str) -> str:
    return hmac.new(store_key, _TAG_CONTEXT + text.encode("utf-8"), hashlib.sha256).hexdigest()


def remember(
    session: Session,
    store_key: bytes,
    key_file: KeyFile,
    accounts: Iterable[str] | None = None,
    *,
    replace: bool = True,
) -> None:
    """Copy slots of `key_file` (all, or those of `accounts`) into the store, for `store_key`.

    With `replace` the earlier copies of those accounts go; a rotation passes False, so the
    copies for the old key stay until the store is re-encrypted under the new one.
    """
    wanted = None if accounts is None else {a.casefold() for a in accounts}
    slots = [s for s in key_file.slots if wanted is None or s.account.casefold() in wanted]
    if replace:
        gone = {s.account.casefold() for s in slots} | (wanted or set())
        if accounts is None:
            session.execute(delete(KeySlotCopy))
        elif gone:
            session.execute(delete(KeySlotCopy).where(KeySlotCopy.account.in_(gone)))
    for slot in slots:
        text = slot.canonical()
        session.add(
            KeySlotCopy(account=slot.account.casefold(), slot=text, tag=_tag(store_key, text))
        )
    session.flush()


def forget(session: Session, account: str) -> None:
    """Remove the copies of an account whose slot is taken out of the key file."""
    session.execute(delete(KeySlotCopy).where(KeySlotCopy.account == account.casefold()))


def current_copies(session: Session, store_key: bytes) -> dict[str, str]:
    """The copied slots that belong to `store_key`: casefolded account → canonical slot JSON."""
    found: dict[str, str] = {}
    for row in session.scalars(select(KeySlotCopy).order_by(KeySlotCopy.id)):
        if hmac.compare_digest(row.tag, _tag(store_key, row.slot)):
            found[row.account] = row.slot
    return found


def drop_stale(session: Session, store_key: bytes) -> None:
    """Remove copies made for another key (what a finished rotation leaves behind)."""
    for row in session.scalars(select(KeySlotCopy)):
        if not hmac.compare_digest(row.tag, _tag(store_key, row.slot)):
            session.delete(row)


def ensure_copy(store: Store) -> bool:
    """Fill the copy from the key file if the store has none yet (first unlock after 0004).

    Returns whether it did. A store that cannot be written now (a full disk) is left without a
    copy; the next unlock tries again and `check` says so meanwhile.
    """
    try:
        with store.read() as session:
            if current_copies(session, store.key):
                return False
        with store.write() as session:
            remember(session, store.key, store.key_file)
    except (OperationalError, CasusoverlegError):
        return False  # a full disk (DiskFull) or a store opened read-only: never block unlock
    return True


def require_verified(session: Session, store_key: bytes, key_file: KeyFile) -> None:
    """Refuse (DamagedStore) if any slot differs from its copy: a rotation must not seal to it."""
    copies = current_copies(session, store_key)
    differing = [
        s.account for s in key_file.slots if copies.get(s.account.casefold()) != s.canonical()
    ]
    if key_file.broken or differing:
        names = ", ".join(differing) if differing else "een onleesbare sleutel"
        raise DamagedStore(
            f"Het sleutelbestand wijkt af van de kopie in de opslag ({names}). Er is geen nieuwe "
            "sleutel gemaakt, want dan zou dat account de toegang verliezen; er is niets "
            "veranderd. Voer eerst 'casusoverleg check' uit: dat herstelt het sleutelbestand."
        )


def _load_from_disk(store: Store) -> tuple[KeyFile, bool]:
    """The key file as it is on disk now, or (if it cannot be read) an empty one to rebuild."""
    try:
        return KeyFile.load(store.key_path), False
    except CasusoverlegError:
        # Unreadable or gone since the unlock: the open store knows its header, the copy its
        # slots, so the whole file can be rebuilt.
        mine = store.key_file
        return KeyFile(mine.store_id, mine.key_generation, path=store.key_path), True


def verify_and_repair(store: Store) -> KeyFileReport:
    """Compare every slot of the key file with the copy; repair what damage allows, report
    what cannot be verified (see the module docstring)."""
    disk, rebuilt = _load_from_disk(store)
    with store.read() as session:
        copies = current_copies(session, store.key)
    if not copies:
        return KeyFileReport(
            len(disk.slots),
            unverified=(
                "er is nog geen kopie in de opslag om mee te vergelijken; die wordt bij de "
                "volgende keer ontgrendelen gemaakt.",
            ),
        )
    by_account = {s.account.casefold(): s for s in disk.slots}
    named_broken = {
        item["account"].casefold()
        for item in disk.broken
        if isinstance(item, dict) and isinstance(item.get("account"), str)
    }
    unnamed_broken = [
        item
        for item in disk.broken
        if not (isinstance(item, dict) and isinstance(item.get("account"), str))
        or item["account"].casefold() not in copies
    ]
    slots: list[KeySlot] = []
    repaired: list[str] = []
    missing: list[KeySlot] = []
    for account, text in copies.items():
        slot = by_account.pop(account, None)
        if slot is not None and slot.canonical() == text:
            slots.append(slot)
            continue
        copy = KeySlot.from_json(json.loads(text))
        if slot is not None or account in named_broken or rebuilt:
            slots.append(copy)
            repaired.append(f"slot {copy.account}")
        else:
            missing.append(copy)
    unverified: list[str] = []
    if missing and unnamed_broken:
        # The damaged slots are these accounts' slots with a damaged name.
        slots.extend(missing)
        repaired.extend(f"slot {s.account}" for s in missing)
        unnamed_broken = []
    else:
        unverified.extend(
            f"de sleutel van '{s.account}' ontbreekt in het sleutelbestand; neem contact op "
            "met de beheerder."
            for s in missing
        )
    # In the copy's order, which is the order the slots were written in.
    order = {account: n for n, account in enumerate(copies)}
    slots.sort(key=lambda s: order[s.account.casefold()])
    for slot in by_account.values():
        slots.append(slot)
        unverified.append(
            f"de sleutel van '{slot.account}' staat niet in de kopie in de opslag en kan niet "
            "worden gecontroleerd."
        )
    if unnamed_broken:
        unverified.append(
            f"{len(unnamed_broken)} onleesbare sleutel(s) in het sleutelbestand kunnen niet "
            "worden hersteld."
        )
    mine = store.key_file
    header_damaged = (disk.store_id, disk.key_generation) != (mine.store_id, mine.key_generation)
    if header_damaged:
        repaired.append("kop (opslagnummer en sleutelgeneratie)")
    if repaired or len(disk.broken) != len(unnamed_broken):
        fixed = KeyFile(
            mine.store_id,
            mine.key_generation,
            slots=slots,
            broken=unnamed_broken,
            delays=disk.delays,
            path=store.key_path,
        )
        try:
            # Logged in the same transaction: no repaired file without its log lines.
            with store.write() as session:
                for what in repaired or ["onleesbare sleutel verwijderd"]:
                    audit.record(
                        session,
                        store,
                        AuditAction.ACCOUNT,
                        object_type="sleutelbestand",
                        object_id=what.removeprefix("slot ")[:80],
                        detail=f"sleutelbestand hersteld: {what}",
                    )
                fixed.save(store.key_path)
        except (OSError, OperationalError, CasusoverlegError) as exc:
            # A full disk: say what needs repair; the next check, with room, repairs it.
            reason = os_reason(exc) if isinstance(exc, OSError) else "de opslag kan niet schrijven"
            failed = [
                f"{what} is beschadigd en kan nu niet worden hersteld ({reason})."
                for what in repaired
            ]
            return KeyFileReport(len(copies), (), tuple(failed + unverified))
        store.key_file = fixed
    return KeyFileReport(len(copies), tuple(repaired), tuple(unverified))
