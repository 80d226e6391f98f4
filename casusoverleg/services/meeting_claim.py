"""Who takes the minutes of a meeting: meeting mode's soft claim (issue 15).

On a shared (server) store the lock file guards nothing, so meeting mode holds a claim that the
others see ("<naam> notuleert dit overleg"). It is soft: it says who is writing, it does not
stop anyone. The claim is one row of the `setting` table per meeting (key `notulist:<id>`,
value JSON with account, client, since and renewed, all UTC; no child data), so it needs no
migration. The window renews it every minute; a claim without a sign of life for
`LAPSE_AFTER` has lapsed and counts as none. Taking over a live claim of another account (or of
another window) needs `take_over=True` and is written to the log; a plain claim, renewal or
release is not.

On a server, claiming runs in one transaction that first makes sure the row exists
(INSERT … ON CONFLICT DO NOTHING) and then locks it (SELECT … FOR UPDATE): of two clients
claiming at once, the second waits for the first and then sees its claim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.errors import CasusoverlegError
from casusoverleg.services import audit, server_changes
from casusoverleg.services.store import Store
from casusoverleg.store.models import Account, Setting

LAPSE_AFTER = timedelta(minutes=5)
RENEW_EVERY = timedelta(minutes=1)
KEY_PREFIX = "notulist:"
_EMPTY = ""  # a row whose claim was released (kept: the server locks rows, not gaps)


class ClaimHeld(CasusoverlegError):
    """Someone else holds a live claim on the meeting; `claim` says who."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(f"{claim.name} notuleert dit overleg al (sinds {claim.since_text}).")
        self.claim = claim


@dataclass(frozen=True)
class Claim:
    """A claim on a meeting's minutes: who (account, display name), which window, since when."""

    meeting_id: int
    account: str
    display_name: str
    client: str  # the claiming window's id (by default its Store object's client_id)
    since: datetime  # UTC
    renewed: datetime  # UTC, the last sign of life

    @property
    def name(self) -> str:
        """The name to show: the display name, else the account."""
        return self.display_name or self.account

    @property
    def since_text(self) -> str:
        """Since when, as HH:MM in local time."""
        return f"{self.since.astimezone():%H:%M}"

    def live(self, now: datetime) -> bool:
        """Whether the claim had a sign of life within `LAPSE_AFTER` of `now`."""
        return now - self.renewed < LAPSE_AFTER

    def mine(self, store: Store, client: str | None = None) -> bool:
        """Whether this window (`client`, by default the store handle's id) holds the claim."""
        return self.account == store.account and self.client == (client or store.client_id)

    def banner(self) -> str:
        """The Dutch line the other windows show."""
        return f"{self.name} notuleert dit overleg (sinds {self.since_text})."


def key_of(meeting_id: int) -> str:
    """The setting key of a meeting's claim."""
    return f"{KEY_PREFIX}{meeting_id}"


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)


def _parse(meeting_id: int, value: str, session: Session) -> Claim | None:
    if not value:
        return None
    try:
        data = json.loads(value)
        account = str(data["account"])
        client = str(data["client"])
        since = datetime.fromisoformat(str(data["since"])).astimezone(UTC)
        renewed = datetime.fromisoformat(str(data["renewed"])).astimezone(UTC)
    except (ValueError, KeyError, TypeError):
        return None  # an unreadable claim counts as none
    display = session.scalar(select(Account.display_name).where(Account.name == account)) or ""
    return Claim(meeting_id, account, display, client, since, renewed)


def _value(claim: Claim) -> str:
    return json.dumps(
        {
            "account": claim.account,
            "client": claim.client,
            "since": claim.since.isoformat(timespec="seconds"),
            "renewed": claim.renewed.isoformat(timespec="seconds"),
        },
        sort_keys=True,
    )


def _locked_row(session: Session, store: Store, key: str) -> Setting:
    """The claim's row, locked for this transaction (made empty first if missing)."""
    if store.is_server:
        session.execute(pg_insert(Setting).values(key=key, value=_EMPTY).on_conflict_do_nothing())
        row = session.scalars(select(Setting).where(Setting.key == key).with_for_update()).one()
        return row
    # An embedded store's write transaction is BEGIN IMMEDIATE: no other writer until commit.
    found = session.get(Setting, key)
    if found is None:
        found = Setting(key=key, value=_EMPTY)
        session.add(found)
    return found


def current(store: Store, meeting_id: int, *, now: datetime | None = None) -> Claim | None:
    """The live claim on the meeting, or None (none, released, or lapsed)."""
    moment = _now(now)
    with store.read() as session:
        row = session.get(Setting, key_of(meeting_id))
        claim = _parse(meeting_id, row.value, session) if row is not None else None
    return claim if claim is not None and claim.live(moment) else None


def claim(
    store: Store,
    meeting_id: int,
    *,
    take_over: bool = False,
    client: str | None = None,
    now: datetime | None = None,
) -> Claim:
    """Claim the meeting's minutes for this window; ClaimHeld if another holds a live claim.

    With `take_over=True` a live claim of another is taken over, and that is logged. This
    window's own claim is renewed (its `since` stays). `client` names the window (a window
    keeps its id over a lock and unlock, when the store handle is a new one).
    """
    moment = _now(now)
    client = client or store.client_id
    with store.write() as session:
        row = _locked_row(session, store, key_of(meeting_id))
        held = _parse(meeting_id, row.value, session)
        if held is not None and not held.live(moment):
            held = None
        if held is not None and not held.mine(store, client) and not take_over:
            raise ClaimHeld(held)
        display = session.scalar(select(Account.display_name).where(Account.name == store.account))
        since = held.since if held is not None and held.mine(store, client) else moment
        new = Claim(meeting_id, store.account, display or "", client, since, moment)
        row.value = _value(new)
        server_changes.as_claim(session)
        if held is not None and not held.mine(store, client):
            audit.record(
                session,
                store,
                AuditAction.UPDATE,
                object_type="overleg",
                object_id=meeting_id,
                detail=f"notuleren overgenomen van {held.account}",
                at=moment,
            )
    return new


def renew(
    store: Store, meeting_id: int, *, client: str | None = None, now: datetime | None = None
) -> Claim | None:
    """The heartbeat: renew this window's claim; None when it is no longer this window's.

    A claim that lapsed meanwhile is taken again if nobody else took it.
    """
    try:
        return claim(store, meeting_id, client=client, now=now)
    except ClaimHeld:
        return None


def release(store: Store, meeting_id: int, *, client: str | None = None) -> bool:
    """Give up this window's claim (on closing meeting mode); whether it held one.

    A claim someone else holds (taken over meanwhile) stays as it is.
    """
    with store.write() as session:
        row = session.get(Setting, key_of(meeting_id))
        if row is None or not row.value:
            return False
        if store.is_server:
            row = _locked_row(session, store, key_of(meeting_id))
        held = _parse(meeting_id, row.value, session)
        if held is None or not held.mine(store, client):
            return False
        row.value = _EMPTY
        server_changes.as_claim(session)
    return True
