"""Retention carried out: the cases past their retention date, and destroying them.

The retention date comes from `cases.retention_term` and `RetentionTerm.is_past` (the one place
it is computed, the store's setting honoured). Destroying is for a BEHEERDER only, all or
nothing, and removes the child's personal data everywhere in the store: the case row, the
titles and questions of its agenda items, the minutes entries of those items, its actions, the
names in minutes texts of other items, and the search text (it lives in the case row). The
audit log keeps one line per case and one summary line, without names. Afterwards the freed
bytes are made to go: the store runs with `secure_delete = ON` (checked before anything is
removed), then the WAL is checkpointed and truncated and the store is VACUUMed, so neither
free pages nor the WAL keep the old text. Backups made before stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import delete, or_, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from casusoverleg.domain.enums import AuditAction, CaseStatus
from casusoverleg.domain.text import initials
from casusoverleg.errors import BadInput, DamagedStore, StoreInUse
from casusoverleg.services import accounts, audit, case_numbers, cases
from casusoverleg.services.store import Store
from casusoverleg.store.engine import raw_connection
from casusoverleg.store.models import ActionItem, AgendaItem, Case, MinutesEntry

# What replaces the child's name in the texts of other agenda items and actions.
NAME_REMOVED = "[naam verwijderd]"

# Cases removed per set of statements (well under SQLite's limit of bound parameters).
BATCH = 200

# progress(done, total, what): `what` is a short Dutch line for a progress dialog.
Progress = Callable[[int, int, str], None]


class NotAllowed(BadInput):
    """The account may not do this (its role is not BEHEERDER)."""


@dataclass(frozen=True)
class PastRetention:
    """A case whose retention date has passed, as the list shows it (no full names)."""

    case_id: int
    case_number: str
    initials: str
    retention_date: date
    closed: bool

    def to_json(self) -> dict[str, object]:
        """For `retention --json`."""
        return {
            "casusnummer": self.case_number,
            "initialen": self.initials,
            "bewaren_tot": self.retention_date.isoformat(),
            "afgesloten": self.closed,
        }


@dataclass(frozen=True)
class Destroyed:
    """What `destroy` did."""

    case_numbers: tuple[str, ...]
    texts_cleaned: int  # minutes, agenda and action texts of other items that named a child


def past_retention(store: Store, on: date | None = None) -> list[PastRetention]:
    """Open and closed cases whose retention date has passed on `on` (default today).

    Listing names the cases' initials, so it is logged (as a search over the cases).
    """
    on = on or date.today()
    with store.write() as session:
        found = past_retention_in(session, on)
        audit.record(
            session,
            store,
            AuditAction.SEARCH,
            object_type="casussen",
            detail=f"bewaartermijn verstreken op {on.isoformat()}: {len(found)} casus(sen)",
        )
    return found


def past_retention_in(session: Session, on: date) -> list[PastRetention]:
    """`past_retention` inside the caller's transaction, not logged."""
    term = cases.retention_term(session)
    rows = session.execute(
        select(
            Case.id, Case.case_number, Case.first_name, Case.last_name, Case.birth_date, Case.status
        )
    )
    found = [
        PastRetention(
            case_id=case_id,
            case_number=number,
            initials=initials(first, last),
            retention_date=term.until(birth),
            closed=status == str(CaseStatus.AFGESLOTEN),
        )
        for case_id, number, first, last, birth, status in rows
        if term.is_past(birth, on)
    ]
    found.sort(key=lambda p: (p.retention_date, p.case_number))
    return found


def may_destroy(store: Store) -> bool:
    """Whether the account that opened the store may destroy cases (a BEHEERDER)."""
    return accounts.current_role(store) == accounts.ROLE_BEHEERDER


def confirmation_text(numbers: Iterable[str]) -> str:
    """The question the user answers before cases are destroyed: how many and which."""
    numbers = list(numbers)
    word = "casus" if len(numbers) == 1 else "casussen"
    return (
        f"{len(numbers)} {word} definitief vernietigen: {', '.join(numbers)}?\n"
        "Alle gegevens over deze kinderen worden uit de opslag verwijderd (casus, agendapunten, "
        "verslagteksten, actiepunten); dit kan niet ongedaan worden gemaakt. Het logboek "
        "houdt alleen het casusnummer. Back-ups die eerder zijn gemaakt, bevatten de gegevens "
        "nog: vernietig die volgens uw eigen afspraken."
    )


def destroy(
    store: Store,
    numbers: Iterable[str],
    on: date | None = None,
    *,
    progress: Progress | None = None,
) -> Destroyed:
    """Destroy these cases (all past retention on `on`), all or nothing; BEHEERDER only."""
    on = on or date.today()
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not wanted:
        raise BadInput("Geef ten minste één casusnummer om te vernietigen.")
    _require_role(store)
    report = progress or (lambda _done, _total, _what: None)
    sealed = store.is_server
    with store.write() as session:
        if not sealed:
            _require_secure_delete(session)
        chosen = _resolve(session, wanted, on)
        total = len(chosen)
        for start in range(0, total, BATCH):
            batch = chosen[start : start + BATCH]
            report(start, total, f"Casus {batch[0].case_number} en verder vernietigen")
            _remove_cases(session, batch, sealed=sealed)
        for case in chosen:
            audit.record(
                session,
                store,
                AuditAction.DELETE,
                case_number=case.case_number,
                object_type="casus",
                object_id=case.id,
                detail=f"casus {case.case_number} vernietigd (bewaartermijn)",
            )
        names = [(case.first_name, case.last_name) for case in chosen]
        report(total, total, "Namen uit andere verslagteksten verwijderen")
        cleaned = _scrub_names(session, names, sealed=sealed)
        word = "casus" if total == 1 else "casussen"
        audit.record(
            session,
            store,
            AuditAction.DELETE,
            object_type="casussen",
            detail=f"{total} {word} vernietigd (bewaartermijn)",
        )
    if not sealed:
        # A server store held the children's columns only sealed; its own storage (dead
        # rows until VACUUM, backups) is the server administrator's.
        report(total, total, "Vrijgekomen ruimte in de opslag overschrijven")
        compact(store)
    return Destroyed(tuple(c.case_number for c in chosen), cleaned)


def check_destroyable(store: Store, numbers: Iterable[str], on: date | None = None) -> list[str]:
    """The casusnummers `destroy` would destroy (as stored); refuses as `destroy` would.

    For the confirmation: ask only about cases that can be destroyed, by their own numbers.
    """
    on = on or date.today()
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not wanted:
        raise BadInput("Geef ten minste één casusnummer om te vernietigen.")
    _require_role(store)
    with store.read() as session:
        return [case.case_number for case in _resolve(session, wanted, on)]


def _require_role(store: Store) -> None:
    if not may_destroy(store):
        raise NotAllowed(
            "Alleen een beheerder mag casussen vernietigen. Vraag een beheerder van deze "
            "opslag om dit te doen; er is niets vernietigd."
        )


def _require_secure_delete(session: Session) -> None:
    # Deleted rows must be overwritten with zeros, not only unlinked (connect_raw sets it on
    # every connection); never destroy on a connection that would leave them in free pages.
    if session.execute(text("PRAGMA secure_delete")).scalar() != 1:
        raise DamagedStore(
            "De opslag kan verwijderde gegevens niet overschrijven (secure_delete staat uit); "
            "er is niets vernietigd. Installeer het programma opnieuw."
        )


def _resolve(session: Session, wanted: list[str], on: date) -> list[Case]:
    """The cases to destroy; BadInput naming every number that is unknown or not yet due."""
    term = cases.retention_term(session)
    unknown: list[str] = []
    not_due: list[str] = []
    found: dict[int, Case] = {}
    by_number: dict[str, Case] = {}
    for start in range(0, len(wanted), BATCH):
        part = wanted[start : start + BATCH]
        by_number.update(
            (case.case_number, case)
            for case in session.scalars(select(Case).where(Case.case_number.in_(part)))
        )
    for number in wanted:
        case = by_number.get(number)
        if case is None:
            case_id = case_numbers.find(session, number)  # "f-0001" for F-0001
            case = session.get(Case, case_id) if case_id is not None else None
        if case is None:
            unknown.append(number)
        elif not term.is_past(case.birth_date, on):
            until = term.until(case.birth_date)
            not_due.append(f"{case.case_number} (bewaren tot {until:%d-%m-%Y})")
        else:
            found[case.id] = case
    problems = []
    if unknown:
        problems.append("onbekend casusnummer: " + ", ".join(unknown))
    if not_due:
        problems.append("bewaartermijn nog niet verstreken: " + ", ".join(not_due))
    if problems:
        raise BadInput(
            "Er is niets vernietigd, want niet elke casus kan worden vernietigd ("
            + "; ".join(problems)
            + "). Kies alleen casussen uit de lijst na bewaartermijn."
        )
    return list(found.values())


def _remove_cases(session: Session, chosen: list[Case], *, sealed: bool) -> None:
    """Remove these cases and everything in the store that belongs to them (set-wise).

    `sealed` (a server store): the texts are overwritten through the objects, so the unit of
    work seals what is written (a bulk UPDATE would send plain text, and is refused).
    """
    numbers = {case.id: case.case_number for case in chosen}
    ids = list(numbers)
    items: list[tuple[int, int]] = [
        (item_id, case_id)
        for item_id, case_id in session.execute(
            select(AgendaItem.id, AgendaItem.case_id).where(AgendaItem.case_id.in_(ids))
        )
        if case_id is not None  # always: the query asks for these cases' items
    ]
    item_ids = [item_id for item_id, _case_id in items]
    plain = {"synchronize_session": False}
    if item_ids and sealed:
        _clear_items_sealed(session, items, numbers)
    elif item_ids:
        # The meetings keep their shape (an item, its advice); what was said about the child goes.
        session.execute(
            update(MinutesEntry)
            .where(MinutesEntry.agenda_item_id.in_(item_ids))
            .values(notes="", decision=""),
            execution_options=plain,
        )
        session.execute(
            update(AgendaItem),
            [
                {
                    "id": item_id,
                    "case_id": None,
                    "title": f"Casus {numbers[case_id]} (vernietigd)",
                    "question": "",
                }
                for item_id, case_id in items
            ],
        )
    action_filter: ColumnElement[bool] = ActionItem.case_id.in_(ids)
    if item_ids:
        action_filter = or_(action_filter, ActionItem.agenda_item_id.in_(item_ids))
    session.execute(delete(ActionItem).where(action_filter), execution_options=plain)
    # The search text, notes and every field of the case go with its row.
    session.execute(delete(Case).where(Case.id.in_(ids)), execution_options=plain)


def _clear_items_sealed(
    session: Session, items: list[tuple[int, int]], numbers: dict[int, str]
) -> None:
    """`_remove_cases`' clearing of the items and their minutes, through the objects."""
    case_of = dict(items)
    for start in range(0, len(items), BATCH):
        part = [item_id for item_id, _case_id in items[start : start + BATCH]]
        for entry in session.scalars(
            select(MinutesEntry).where(MinutesEntry.agenda_item_id.in_(part))
        ):
            entry.notes = ""
            entry.decision = ""
        for item in session.scalars(select(AgendaItem).where(AgendaItem.id.in_(part))):
            item.title = f"Casus {numbers[case_of[item.id]]} (vernietigd)"
            item.question = ""
            item.case_id = None
    session.flush()


def name_pattern(names: Iterable[tuple[str, str]]) -> re.Pattern[str] | None:
    """A pattern for the whole names, last names and first names (whole words, any case).

    Interpretation, not law: a text of another item "names the child" when it holds the child's
    first or last name as a word. A first name another child shares is replaced as well: the
    destroyed child's name must not stay behind, and the other text loses only a name.
    """
    words: set[str] = set()
    for first, last in names:
        for part in (f"{first} {last}", last, first):
            part = part.strip()
            if part:
                words.add(part)
    if not words:
        return None
    # Longest first, so "Noor Jansen" is replaced as one, before "Noor" and "Jansen".
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _scrub_names(session: Session, names: list[tuple[str, str]], *, sealed: bool) -> int:
    """Replace the children's names in every remaining minutes, agenda and action text."""
    pattern = name_pattern(names)
    if pattern is None:
        return 0
    if sealed:
        return _scrub_names_sealed(session, pattern)
    changed = 0
    targets = (
        (MinutesEntry, (MinutesEntry.notes, MinutesEntry.decision)),
        (AgendaItem, (AgendaItem.title, AgendaItem.question, AgendaItem.reason)),
        (ActionItem, (ActionItem.description, ActionItem.note)),
    )
    for model, columns in targets:
        for row in session.execute(select(model.id, *columns)):
            values = {}
            for column, value in zip(columns, row[1:], strict=True):
                if value and pattern.search(value):
                    values[column.key] = pattern.sub(NAME_REMOVED, value)
            if values:
                session.execute(update(model).where(model.id == row[0]).values(**values))
                changed += 1
    return changed


def _scrub_names_sealed(session: Session, pattern: re.Pattern[str]) -> int:
    """`_scrub_names` on a server store: the texts are sealed there, so each row is loaded
    (opened) and changed through its object, which the unit of work seals again."""
    changed = 0
    targets: tuple[tuple[type[MinutesEntry | AgendaItem | ActionItem], tuple[str, ...]], ...] = (
        (MinutesEntry, ("notes", "decision")),
        (AgendaItem, ("title", "question", "reason")),
        (ActionItem, ("description", "note")),
    )
    for model, columns in targets:
        for obj in session.scalars(select(model)):
            hit = False
            for column in columns:
                value = getattr(obj, column)
                if value and pattern.search(value):
                    setattr(obj, column, pattern.sub(NAME_REMOVED, value))
                    hit = True
            changed += int(hit)
    session.flush()
    return changed


def compact(store: Store) -> None:
    """Make removed bytes go: checkpoint and truncate the WAL, VACUUM, and again.

    With secure_delete the deleted cells are already zeroed; VACUUM rebuilds the file without
    free pages, and the truncating checkpoints leave no old page in the WAL.
    """
    with raw_connection(store.engine) as conn:
        _checkpoint(conn)
        conn.execute("VACUUM")
        _checkpoint(conn)


def _checkpoint(conn: sqlcipher.Connection) -> None:
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy is not None and busy[0] != 0:
        raise StoreInUse(
            "De casussen zijn vernietigd, maar de opslag was in gebruik, zodat de "
            "vrijgekomen ruimte nog niet is overschreven. Dat gebeurt bij de volgende "
            "vernietiging; de gegevens zijn niet meer in het programma te zien."
        )
