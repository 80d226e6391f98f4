"""SQLAlchemy models of the store. Only `casusoverleg.services` touches these."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

# Stable constraint names, so that Alembic batch migrations can find them again.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def sealable(length: int) -> TypeEngine[str]:
    """A VARCHAR(length) that is TEXT on a server store, where it holds a sealed value.

    A value sealed in the client (casusoverleg/store/sealed.py) is longer than its plain text,
    and PostgreSQL enforces a VARCHAR's length (migration 0008). SQLite stores are unchanged.
    """
    return String(length).with_variant(Text(), "postgresql")


class SealableDate(TypeDecorator[date]):
    """A DATE that is TEXT on a server store, where it holds the sealed ISO date (0008).

    On the server the sealing events of the session turn the date into sealed text before a
    write and back into a date after a read; this type only lets that text through.
    """

    impl = Date
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Text())
        return dialect.type_descriptor(Date())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if dialect.name == "postgresql" and isinstance(value, date):
            return value.isoformat()  # only without sealing (tests of the schema itself)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)  # a plain date (a schema test, no sealing)
            except ValueError:
                return value  # sealed: the session's sealing events open it
        return value


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    """A person who can unlock the store (their key slot lives in the key file)."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # BEHEERDER may destroy case files past retention; MEDEWERKER may not (migration 0005).
    role: Mapped[str] = mapped_column(String(20), default="MEDEWERKER")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Set when a beheerder gave a one-time passphrase or code (migration 0007): the account
    # chooses its own passphrase at the first unlock before it can do anything else.
    must_change_passphrase: Mapped[bool] = mapped_column(Boolean, default=False)


class Organisation(Base):
    """A team, school, care provider or the parents."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    team: Mapped[str] = mapped_column(String(40))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class Participant(Base):
    """A professional who takes part in meetings and owns actions."""

    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    archived_on: Mapped[date | None] = mapped_column(Date, default=None)
    # A short code an import may use for this person ("lp", "swt"; migration 0007).
    code: Mapped[str] = mapped_column(String(40), default="")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Case(Base):
    """One child's file in this group."""

    __tablename__ = "case_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(sealable(200))
    last_name: Mapped[str] = mapped_column(sealable(200))
    birth_date: Mapped[date] = mapped_column(SealableDate)
    school: Mapped[str] = mapped_column(sealable(200), default="")
    ground: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    registered_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    absent_since: Mapped[date | None] = mapped_column(Date, default=None)
    review_date: Mapped[date | None] = mapped_column(Date, default=None)
    exemption_until: Mapped[date | None] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date, default=None)
    # The law in the case file (migration 0005; see docs/leerplichtwet.md).
    exemption_from: Mapped[date | None] = mapped_column(Date, default=None)
    enrolled: Mapped[bool | None] = mapped_column(Boolean, default=None)  # None: not known
    enrolled_since: Mapped[date | None] = mapped_column(Date, default=None)
    back_at_school_on: Mapped[date | None] = mapped_column(Date, default=None)
    # The art. 7 statement a 5 onder a exemption rests on, and art. 6 lid 3 ("nooit geschikt").
    expert_name: Mapped[str] = mapped_column(sealable(200), default="")
    expert_profession: Mapped[str] = mapped_column(String(20), default="")
    expert_statement_on: Mapped[date | None] = mapped_column(Date, default=None)
    expert_not_treating: Mapped[bool] = mapped_column(Boolean, default=False)
    never_fit: Mapped[bool] = mapped_column(Boolean, default=False)
    parents_involved_on: Mapped[date | None] = mapped_column(Date, default=None)
    parents_involved_how: Mapped[str] = mapped_column(sealable(300), default="")
    child_heard_on: Mapped[date | None] = mapped_column(Date, default=None)
    # Plausibility rules (domain.plausibility codes) a user confirmed for this case, "," between.
    confirmed_rules: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Case-folded, accent-free "number first last school" for filter-as-you-type.
    search_text: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[Participant | None] = relationship(lazy="joined")
    # Counts saved changes (migration 0009): a save of a stale copy is a conflict, not a loss.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - as SQLAlchemy types it


class MeetingSeries(Base):
    """A recurring case meeting."""

    __tablename__ = "meeting_series"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    # Recurrence as JSON (frequency, interval, weekday, n-th weekday), count or until.
    recurrence: Mapped[str] = mapped_column(Text, default="{}")
    count: Mapped[int | None] = mapped_column(Integer, default=None)
    until: Mapped[date | None] = mapped_column(Date, default=None)
    skip_public: Mapped[bool] = mapped_column(Boolean, default=True)
    skip_school: Mapped[bool] = mapped_column(Boolean, default=True)
    region: Mapped[str] = mapped_column(String(10), default="noord")
    skip_mode: Mapped[str] = mapped_column(String(10), default="drop")
    # The participant who sends the invitations (ORGANIZER in the .ics; migration 0006). No
    # foreign key, for the same reason as Meeting.minutes_fixed_at_id.
    secretary_id: Mapped[int | None] = mapped_column(Integer, default=None)


class SeriesMember(Base):
    """A standing participant of a series: invited to every meeting, with a usual role."""

    __tablename__ = "series_member"
    __table_args__ = (UniqueConstraint("series_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    role: Mapped[str] = mapped_column(String(20), default="DEELNEMER")  # MeetingRole


class Meeting(Base):
    """One occurrence of a series (or a single extra meeting)."""

    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id"), default=None, index=True
    )
    # The series date this meeting was generated for (None for an extra meeting), so that
    # regenerating a series knows which occurrence a moved or cancelled meeting stands in for.
    # (Declared before `date`, whose name would otherwise hide the type in the annotation.)
    original_date: Mapped[date | None] = mapped_column(Date, default=None)
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="GEPLAND")
    edited_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    minutes_status: Mapped[str] = mapped_column(String(20), default="CONCEPT")
    # The later meeting at which these minutes were fixed (vastgesteld). No foreign key: SQLite
    # cannot add or drop one in place, and rebuilding `meeting` would cascade into its agenda.
    minutes_fixed_at_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # What was changed when these minutes were adopted (item 2 of the adopting meeting).
    minutes_fixed_note: Mapped[str] = mapped_column(Text, default="")
    # Overrun chosen on purpose: the agenda may run this many minutes past the planned end.
    overrun_minutes: Mapped[int] = mapped_column(Integer, default=0)


class Attendance(Base):
    """A participant's role and presence at one meeting."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    role: Mapped[str] = mapped_column(String(20), default="DEELNEMER")
    status: Mapped[str] = mapped_column(String(20), default="AANWEZIG")


class AgendaItem(Base):
    """One item of a meeting's agenda: a fixed item or a case."""

    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), default=None)
    title: Mapped[str] = mapped_column(sealable(300), default="")
    minutes: Mapped[int] = mapped_column(Integer, default=5)
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    question: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(sealable(300), default="")
    # What happened to the item (domain ItemOutcome); None while nothing is recorded.
    outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    # For a deferred item: the meeting it was deferred to (None: no next meeting planned yet).
    deferred_to_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    # For conflicts of two people editing at once (migration 0009); not yet a version_id_col:
    # the bulk UPDATEs by primary key (retention, demo) would then have to name each version.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))


Index("ix_agenda_item_meeting_id", AgendaItem.meeting_id, AgendaItem.position)
Index("ix_agenda_item_case_id", AgendaItem.case_id)


class MinutesEntry(Base):
    """What was said, advised and decided on one agenda item."""

    __tablename__ = "minutes_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    notes: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[str | None] = mapped_column(String(40), default=None)
    decision: Mapped[str] = mapped_column(Text, default="")
    next_review_date: Mapped[date | None] = mapped_column(Date, default=None)
    # For an advice of an exemption: the alternatives weighed first (domain Alternative codes).
    alternatives: Mapped[str] = mapped_column(String(200), default="")
    # A correction made after the minutes were fixed is a visible amendment of an entry.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("minutes_entry.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # For conflicts of two people editing at once (migration 0009); not yet a version_id_col:
    # the bulk UPDATEs by primary key (retention, demo) would then have to name each version.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))


Index("ix_minutes_entry_agenda_item_id", MinutesEntry.agenda_item_id)
# One entry per agenda item; only amendments (amends_id set) may add more.
Index(
    "uq_minutes_entry_agenda_item_id",
    MinutesEntry.agenda_item_id,
    unique=True,
    sqlite_where=MinutesEntry.amends_id.is_(None),
    postgresql_where=MinutesEntry.amends_id.is_(None),
)


class ActionItem(Base):
    """Something someone agreed to do, with a due date."""

    __tablename__ = "action_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), default=None)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), default=None
    )
    due_date: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    status: Mapped[str] = mapped_column(String(20), default="OPEN", index=True)
    done_on: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # The day the action was agreed (its meeting's date, or the day it was added to a case):
    # it is on the actielijst of the meetings after that. Empty only in stores older than 0003.
    created_on: Mapped[date | None] = mapped_column(Date, default=None)


Index("ix_action_item_case_id", ActionItem.case_id)
Index("ix_action_item_agenda_item_id", ActionItem.agenda_item_id)


class ActionEvent(Base):
    """One step in an action's history: agreed, changed, done, cancelled, reopened."""

    __tablename__ = "action_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("action_item.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(20))  # domain ActionEventKind
    account: Mapped[str] = mapped_column(String(80), default="")  # "" in stores before 0006
    on_date: Mapped[date | None] = mapped_column(Date, default=None)  # e.g. the day it was done
    meeting_id: Mapped[int | None] = mapped_column(Integer, default=None)  # recorded in meeting
    detail: Mapped[str] = mapped_column(Text, default="")


class AccessRequest(Base):
    """A request to see a child's file (AVG art. 15), answered within a month (art. 12(3))."""

    __tablename__ = "access_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(sealable(200))
    relation: Mapped[str] = mapped_column(sealable(40), default="")  # e.g. ouder, jongere zelf
    deadline: Mapped[date] = mapped_column(Date)  # received + 1 month, or extended (art. 12(3))
    extended_reason: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEvent(Base):
    """One line of the access log (NEN 7513 style), linked to the previous by a hash."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC with microseconds
    account: Mapped[str] = mapped_column(String(80))
    workstation: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    case_number: Mapped[str | None] = mapped_column(String(40), default=None)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(80), default="")
    result: Mapped[str] = mapped_column(String(20), default="ok")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


Index("ix_audit_event_case_number", AuditEvent.case_number)


class AuditHead(Base):
    """The chain's end (one row), so that cutting rows off the end is detected too."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)


class Setting(Base):
    """A key/value setting (organisation name, region, idle lock time, retention years)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KeySlotCopy(Base):
    """A copy of one key slot of the key file, so `check` can find and repair damage to it.

    The slot holds nothing secret in plain (its private key is wrapped under the passphrase),
    but a damaged salt, nonce or public key silently costs an account its access; the copy
    inside the encrypted store is what the file is compared with.
    """

    __tablename__ = "key_slot_copy"
    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(80), index=True)  # casefolded
    slot: Mapped[str] = mapped_column(Text)  # canonical JSON of the slot
    # HMAC of the slot under the store key it seals: during a key rotation copies for the old
    # and the new key exist side by side, and only the ones for the current key count.
    tag: Mapped[str] = mapped_column(String(64))
