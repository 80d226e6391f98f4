"""Shared pieces of the conflict check for minutes entries and agenda items (issue 15).

The version is checked by hand, not with SQLAlchemy's version_id_col: retention and the demo
update these tables in bulk by id. The row is read with SELECT … FOR UPDATE (nothing on an
embedded store, whose write transaction already holds the whole store), compared with the
version the caller loaded and raised by one in the same transaction as the change.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import AuditAction
from casusoverleg.store.models import Account, AuditEvent

SOMEONE = "Iemand anders"


def last_editor(session: Session, object_type: str, object_id: int) -> tuple[str, str]:
    """Who last created or changed an object, as the log says, and at what time (HH:MM, local).

    The name is the account's display name where there is one; ("Iemand anders", "") when the
    log has nothing on it.
    """
    row = session.execute(
        select(AuditEvent.account, AuditEvent.at)
        .where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == str(object_id),
            AuditEvent.action.in_([str(AuditAction.CREATE), str(AuditAction.UPDATE)]),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return SOMEONE, ""
    account, at = row
    shown = session.scalar(select(Account.display_name).where(Account.name == account))
    try:
        stamp = datetime.fromisoformat(at)
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        when = f"{stamp.astimezone():%H:%M}"
    except ValueError:
        when = ""
    return shown or account, when


def when_text(when: str) -> str:
    """ " (om HH:MM)" for a known time, else nothing."""
    return f" (om {when})" if when else ""
