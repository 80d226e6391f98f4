"""The parts of the demo story no user-facing service writes yet: direct, logged store writes.

What happened to each agenda item, the amendment stated when minutes were adopted, a chosen
overrun, a series' standing participants and secretary, and each action's history. Every
write here is recorded in the access log, as a user's change would be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import delete, insert, update

from casusoverleg.domain.enums import ActionEventKind, AuditAction, ItemOutcome
from casusoverleg.services import audit
from casusoverleg.services.store import Store
from casusoverleg.store.models import (
    ActionEvent,
    AgendaItem,
    Meeting,
)


def set_outcomes(store: Store, outcomes: dict[int, tuple[ItemOutcome, int | None]]) -> None:
    """Record what happened to these agenda items (and where a deferred one went)."""
    if not outcomes:
        return
    with store.write() as session:
        session.execute(
            update(AgendaItem),
            [
                {"id": item_id, "outcome": str(outcome), "deferred_to_id": deferred_to}
                for item_id, (outcome, deferred_to) in outcomes.items()
            ],
        )
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="agenda",
            detail=f"afloop van {len(outcomes)} agendapunten vastgelegd",
        )


def choose_overrun(store: Store, meeting_id: int, minutes: int) -> None:
    """Allow this meeting's agenda to run `minutes` past its planned end, on purpose."""
    with store.write() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None  # the demo just made it
        meeting.overrun_minutes = minutes
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="overleg",
            object_id=meeting_id,
            detail=f"uitloop van {minutes} minuten gekozen",
        )


@dataclass
class ActionHistory:
    """Each demo action's history as it happened, written once at the end (`write`)."""

    account: str
    events: list[dict[str, object]] = field(default_factory=list)

    def _add(
        self,
        action_id: int,
        kind: ActionEventKind,
        at: datetime,
        on_date: date,
        meeting_id: int | None,
        detail: str = "",
    ) -> None:
        self.events.append(
            {
                "action_id": action_id,
                "at": at,
                "kind": str(kind),
                "account": self.account,
                "on_date": on_date,
                "meeting_id": meeting_id,
                "detail": detail,
            }
        )

    def agreed(self, action_id: int, meeting_id: int, on: date, start: time) -> None:
        """The action was agreed in the meeting of `on`, starting at `start`."""
        self._add(
            action_id, ActionEventKind.AANGEMAAKT, datetime.combine(on, start), on, meeting_id
        )

    def done(self, action_id: int, on: date, note: str) -> None:
        """The action was reported done on `on` (at the end of that working day)."""
        self._add(action_id, ActionEventKind.GEREED, datetime.combine(on, time(16)), on, None, note)

    def reopened(self, action_id: int, meeting_id: int, on: date, start: time, detail: str) -> None:
        """The action was opened again under "Actielijst" in the meeting of `on`."""
        at = datetime.combine(on, start)
        self._add(action_id, ActionEventKind.HEROPEND, at, on, meeting_id, detail)

    def write(self, store: Store) -> None:
        """Replace whatever the action services recorded for these actions by this history.

        The services record events at the time they run (today); the demo's actions happened
        on the meeting days, so the story's own dated events take their place.
        """
        ids = sorted({int(str(e["action_id"])) for e in self.events})
        if not ids:
            return
        with store.write() as session:
            session.execute(delete(ActionEvent).where(ActionEvent.action_id.in_(ids)))
            if store.is_server:
                # The details are sealed there: through the objects, which the unit of work
                # seals (a bulk INSERT would send them in plain text, and is refused).
                session.add_all(ActionEvent(**event) for event in self.events)
            else:
                session.execute(insert(ActionEvent), self.events)
