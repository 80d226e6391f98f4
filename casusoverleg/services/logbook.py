"""Reading the audit log on screen: every look at it is itself logged (NEN 7513).

The log names accounts, workstations and case numbers, so reading it is access to personal data
like any other: opening the Logboek screen is logged as a view, each filtered query as a search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from casusoverleg.domain.enums import AuditAction
from casusoverleg.services import audit, log_words
from casusoverleg.services.audit import AuditEntry, ChainReport
from casusoverleg.services.log_words import ReadableEntry
from casusoverleg.services.store import Store
from casusoverleg.store.models import AuditEvent

# More lines than anyone reads on a screen; a filter narrows it down.
DEFAULT_LIMIT = 5000


@dataclass(frozen=True)
class LogQuery:
    """The filters of the Logboek screen; empty fields do not filter."""

    case_number: str = ""
    account: str = ""
    since: date | None = None
    until: date | None = None

    def describe(self) -> str:
        """The criteria in Dutch for the log's own line ("alle regels" when none)."""
        parts = []
        if self.case_number:
            parts.append(f"casus {self.case_number}")
        if self.account:
            parts.append(f"account {self.account}")
        if self.since or self.until:
            since = f"{self.since:%d-%m-%Y}" if self.since else "begin"
            until = f"{self.until:%d-%m-%Y}" if self.until else "nu"
            parts.append(f"periode {since} t/m {until}")
        return ", ".join(parts) or "alle regels"


@dataclass(frozen=True)
class LogPage:
    """The lines a query found (newest first) and whether more lay beyond the limit."""

    entries: list[AuditEntry]
    truncated: bool
    accounts: list[str]  # every account that occurs in the log, for the account filter
    # Each line in words (case number and initials, meeting dates, item titles), by line id.
    words: dict[int, ReadableEntry] = field(default_factory=dict)


def read_log(
    store: Store, query: LogQuery, *, opened: bool = False, limit: int = DEFAULT_LIMIT
) -> LogPage:
    """Log this access (a view when the screen opens, else a search), then read the lines."""
    audit.log(
        store,
        AuditAction.VIEW if opened else AuditAction.SEARCH,
        object_type="logboek",
        detail=("geopend; " if opened else "") + query.describe(),
    )
    # One read transaction: the lines, the accounts and the lookups that put them in words.
    with store.read() as session:
        entries = audit.list_events_in(
            session,
            case_number=query.case_number.strip() or None,
            account=query.account or None,
            since=query.since,
            until=query.until,
            limit=limit + 1,
        )
        shown = entries[:limit]
        names = session.scalars(select(AuditEvent.account).distinct())
        accounts = sorted(set(names), key=str.casefold)
        words = {w.entry.id: w for w in log_words.in_words(session, shown)}
    return LogPage(shown, len(entries) > limit, accounts, words)


def check_log(store: Store) -> ChainReport:
    """Whether the chain of the whole log is unbroken (walks every line)."""
    return audit.verify_chain(store)
