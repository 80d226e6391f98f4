"""Meeting series and single meetings: plan, move, cancel, attendance.

A meeting's date, time and place are calendar data: every change of them (or of its status)
raises the meeting's SEQUENCE, so that calendar programs take the newer version of an .ics.
A meeting changed by hand is never overwritten when its series is edited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import StrEnum

from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casusoverleg.domain.enums import (
    CORE_TEAMS,
    AttendanceStatus,
    AuditAction,
    MeetingRole,
    MeetingStatus,
    MinutesStatus,
    Team,
)
from casusoverleg.domain.recurrence import (
    PlannedDate,
    Recurrence,
    Region,
    SeriesPlan,
    SkipMode,
    SkipRules,
    check_end,
    plan_series,
)
from casusoverleg.errors import BadInput
from casusoverleg.services import audit
from casusoverleg.services.series_members import (
    SeriesPeople,
    StandingMember,
    apply_series_people_in,
    check_members,
    series_people_in,
)
from casusoverleg.services.store import Store
from casusoverleg.store.models import Attendance, Meeting, MeetingSeries, Participant

DEFAULT_TITLE = "Casusoverleg"
MAX_MINUTES = 8 * 60


@dataclass(frozen=True)
class MeetingInfo:
    """One meeting as lists, agendas and documents need it."""

    id: int
    series_id: int | None
    series_name: str
    date: date
    start_time: time
    minutes: int
    location: str
    status: MeetingStatus
    minutes_status: MinutesStatus
    edited_by_hand: bool
    uid: str
    sequence: int
    original_date: dt.date | None = None

    @property
    def title(self) -> str:
        """The name shown on agendas: the series' name, or the default for an extra meeting."""
        return self.series_name or DEFAULT_TITLE

    @property
    def cancelled(self) -> bool:
        """Whether the meeting was cancelled (it stays listed, and in calendars as cancelled)."""
        return self.status is MeetingStatus.GEANNULEERD


def meeting_info(meeting: Meeting, series: MeetingSeries | None) -> MeetingInfo:
    """Turn a Meeting row (and its series) into a MeetingInfo."""
    return MeetingInfo(
        id=meeting.id,
        series_id=meeting.series_id,
        series_name=series.name if series else "",
        date=meeting.date,
        start_time=meeting.start_time,
        minutes=meeting.minutes,
        location=meeting.location,
        status=MeetingStatus(meeting.status),
        minutes_status=MinutesStatus(meeting.minutes_status),
        edited_by_hand=meeting.edited_by_hand,
        uid=meeting.uid,
        sequence=meeting.sequence,
        original_date=meeting.original_date,
    )


def new_uid() -> str:
    """A stable, globally unique calendar UID for a meeting."""
    return f"{uuid.uuid4()}@casusoverleg"


def _check_minutes(minutes: int) -> None:
    if minutes <= 0 or minutes > MAX_MINUTES:
        raise BadInput("De duur van een overleg moet tussen 1 en 480 minuten liggen.")


def _when(on: date, start: time) -> str:
    return f"{on:%d-%m-%Y} {start:%H:%M}"


def add_meeting(
    store: Store,
    on: date,
    start: time,
    minutes: int,
    *,
    location: str = "",
    series_id: int | None = None,
) -> MeetingInfo:
    """Plan one meeting (an extra one, or one of a series)."""
    _check_minutes(minutes)
    with store.write() as session:
        series = session.get(MeetingSeries, series_id) if series_id is not None else None
        if series_id is not None and series is None:
            raise BadInput("Deze overlegreeks bestaat niet (meer).")
        meeting = Meeting(
            series_id=series_id,
            date=on,
            start_time=start,
            minutes=minutes,
            location=location,
            status=str(MeetingStatus.GEPLAND),
            minutes_status=str(MinutesStatus.CONCEPT),
            uid=new_uid(),
            sequence=0,
            # An extra meeting is not an occurrence of any rule: editing a series leaves it
            # alone. One given a series is that series' occurrence on this date.
            edited_by_hand=series_id is None,
            original_date=on if series_id is not None else None,
        )
        session.add(meeting)
        session.flush()
        audit.record(
            session,
            store,
            AuditAction.CREATE,
            object_type="overleg",
            object_id=meeting.id,
            detail=("extra overleg" if series_id is None else f"reeks {series_id}")
            + f", {_when(on, start)}",
        )
        return meeting_info(meeting, series)


def get_meeting(store: Store, meeting_id: int) -> MeetingInfo:
    """One meeting; BadInput if it does not exist."""
    with store.read() as session:
        return get_meeting_in(session, meeting_id)


def get_meeting_in(session: Session, meeting_id: int) -> MeetingInfo:
    """`get_meeting` inside an open transaction (a view that reads a screen in one go)."""
    return meeting_info(*_load(session, meeting_id))


def previous_held_meeting_in(session: Session, meeting_id: int) -> MeetingInfo | None:
    """The last meeting held before this one (whose minutes this one may fix), or None."""
    meeting, _series = _load(session, meeting_id)
    here = (meeting.date, meeting.start_time, meeting.id)
    rows = session.execute(
        select(Meeting, MeetingSeries)
        .outerjoin(MeetingSeries, Meeting.series_id == MeetingSeries.id)
        .where(Meeting.status == str(MeetingStatus.GEHOUDEN), Meeting.date <= meeting.date)
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
    )
    earlier = [(m, s) for m, s in rows if (m.date, m.start_time, m.id) < here]
    return meeting_info(*earlier[-1]) if earlier else None


def list_meetings(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    series_id: int | None = None,
) -> list[MeetingInfo]:
    """Meetings by date (and start time), optionally within a period (inclusive) or a series."""
    with store.read() as session:
        return list_meetings_in(session, since=since, until=until, series_id=series_id)


def list_meetings_in(
    session: Session,
    *,
    since: date | None = None,
    until: date | None = None,
    series_id: int | None = None,
) -> list[MeetingInfo]:
    """`list_meetings` inside an open transaction."""
    query = select(Meeting, MeetingSeries).outerjoin(
        MeetingSeries, Meeting.series_id == MeetingSeries.id
    )
    if since is not None:
        query = query.where(Meeting.date >= since)
    if until is not None:
        query = query.where(Meeting.date <= until)
    if series_id is not None:
        query = query.where(Meeting.series_id == series_id)
    query = query.order_by(Meeting.date, Meeting.start_time, Meeting.id)
    return [meeting_info(m, s) for m, s in session.execute(query)]


# -- series ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesInput:
    """What a user enters for a series (new or changed). Give `count` or `until`, not both."""

    name: str
    start_date: date
    start_time: time
    minutes: int
    recurrence: Recurrence
    count: int | None = None
    until: date | None = None
    location: str = ""
    skip: SkipRules = field(default_factory=SkipRules)
    skip_mode: SkipMode = SkipMode.DROP
    # Standing participants and secretary (see services.series_members); None: left as they are.
    members: tuple[StandingMember, ...] | None = None
    secretary_id: int | None = None


@dataclass(frozen=True)
class SeriesInfo:
    """A saved series with how many meetings it has and when the next one is."""

    id: int
    name: str
    location: str
    start_date: date
    start_time: time
    minutes: int
    recurrence: Recurrence
    count: int | None
    until: date | None
    skip: SkipRules
    skip_mode: SkipMode
    meeting_count: int = 0
    next_date: date | None = None
    people: SeriesPeople = field(default_factory=SeriesPeople)

    @property
    def description(self) -> str:
        """The series in one Dutch line, e.g. "om de 2 weken op dinsdag, 13:00-15:00"."""
        end = (self.start_time.hour * 60 + self.start_time.minute + self.minutes) % (24 * 60)
        return (
            f"{self.recurrence.describe()}, {self.start_time:%H:%M}-{end // 60:02d}:{end % 60:02d}"
        )

    def to_input(self) -> SeriesInput:
        """The editable part, to change and pass to `update_series`."""
        return SeriesInput(
            name=self.name,
            start_date=self.start_date,
            start_time=self.start_time,
            minutes=self.minutes,
            recurrence=self.recurrence,
            count=self.count,
            until=self.until,
            location=self.location,
            skip=self.skip,
            skip_mode=self.skip_mode,
            # None when there are none: saving it again leaves the (empty) list as it is.
            members=self.people.member_input() or None,
            secretary_id=self.people.secretary.participant_id if self.people.secretary else None,
        )


def _check_series(data: SeriesInput) -> str:
    name = data.name.strip()
    if not name:
        raise BadInput("Geef de naam van de overlegreeks.")
    if len(name) > 200:
        raise BadInput("De naam van de overlegreeks is te lang (hoogstens 200 tekens).")
    if len(data.location) > 200:
        raise BadInput("De locatie is te lang (hoogstens 200 tekens).")
    _check_minutes(data.minutes)
    data.recurrence.check()
    check_end(data.start_date, data.count, data.until)
    check_members(data.members or ())
    return name


def _plan(data: SeriesInput) -> SeriesPlan:
    return plan_series(
        data.start_date,
        data.recurrence,
        count=data.count,
        until=data.until,
        skip=data.skip,
        skip_mode=data.skip_mode,
    )


def preview_series(data: SeriesInput) -> SeriesPlan:
    """The dates a series would get and the holidays it would skip; nothing is saved."""
    _check_series(data)
    return _plan(data)


class PastDates(StrEnum):
    """What a new series does with its dates before today (the user must say which)."""

    KEEP_AS_HELD = "held"  # they are meetings that were held: status gehouden, minutes concept
    FROM_TODAY = "skip"  # the series starts at its first date on or after today
    # Not offered to users: for a caller that holds each past meeting itself (the demo store).
    AS_PLANNED = "planned"


def long_day(day: date) -> str:
    """A date in Dutch words: "dinsdag 8 december 2026"."""
    return str(format_date(day, "EEEE d MMMM y", locale="nl_NL"))


@dataclass(frozen=True)
class PastCheck:
    """How many of a new series' dates lie before today, and where it would start otherwise."""

    past: int  # planned meetings before today
    first_from_today: date | None  # first meeting on or after today when FROM_TODAY is chosen

    def choice_text(self) -> str:
        """The Dutch sentence that asks for the choice (without naming a control)."""
        return (
            f"{_dates_word(self.past)} van deze reeks {'ligt' if self.past == 1 else 'liggen'} "
            "vóór vandaag. Kies of dat al gehouden overleggen zijn, of dat de reeks begint bij "
            + (
                f"de eerste datum vanaf vandaag ({long_day(self.first_from_today)})."
                if self.first_from_today is not None
                else "de eerste datum vanaf vandaag (er is er geen: alle data zijn voorbij)."
            )
        )


def _dates_word(count: int) -> str:
    return "1 datum" if count == 1 else f"{count} data"


class PastDatesNotChosen(BadInput):
    """A new series has dates before today and nobody said whether they were held."""

    def __init__(self, check: PastCheck) -> None:
        super().__init__(check.choice_text())
        self.check = check


def _from_today(data: SeriesInput, today: date) -> SeriesInput | None:
    """The series moved to its first rule date on or after today (None: there is none)."""
    last = data.until if data.until is not None else today + timedelta(days=3 * 366)
    if last < today:
        return None
    first = next(
        (d for d in data.recurrence.occurrences(data.start_date, last) if d >= today), None
    )
    return None if first is None else replace(data, start_date=first)


def check_past(data: SeriesInput, today: date | None = None) -> PastCheck:
    """How many planned dates are before today, and the first date if the series starts today."""
    today = today or date.today()
    _check_series(data)
    past = sum(1 for p in _plan(data).planned if p.date < today)
    if not past:
        return PastCheck(0, None)
    moved = _from_today(data, today)
    first = None
    if moved is not None:
        planned = _plan(moved).planned
        first = planned[0].date if planned else None
    return PastCheck(past, first)


def resolve_past(
    data: SeriesInput, past: PastDates | None, today: date | None = None
) -> SeriesInput:
    """The series as it will be saved: FROM_TODAY moves its start to today's side.

    Dates before today without a choice are refused (PastDatesNotChosen): a series that starts
    in the past must not quietly leave a row of "gepland" meetings behind.
    """
    today = today or date.today()
    check = check_past(data, today)
    if not check.past or past in (PastDates.KEEP_AS_HELD, PastDates.AS_PLANNED):
        return data
    if past is None:
        raise PastDatesNotChosen(check)
    moved = _from_today(data, today)
    if moved is None or check.first_from_today is None:
        raise BadInput(
            "Alle data van deze reeks liggen vóór vandaag: er blijft geen overleg over. "
            "Kies een latere eerste of laatste datum, of sla de data op als gehouden overleggen."
        )
    return moved


def _series_info(session: Session, series: MeetingSeries, today: date | None = None) -> SeriesInfo:
    counted = select(func.count()).where(
        Meeting.series_id == series.id, Meeting.status != str(MeetingStatus.GEANNULEERD)
    )
    next_date = session.scalar(
        select(func.min(Meeting.date)).where(
            Meeting.series_id == series.id,
            Meeting.status == str(MeetingStatus.GEPLAND),
            Meeting.date >= (today or date.today()),
        )
    )
    return SeriesInfo(
        id=series.id,
        name=series.name,
        location=series.location,
        start_date=series.start_date,
        start_time=series.start_time,
        minutes=series.minutes,
        recurrence=Recurrence.from_json(
            series.recurrence, default_weekday=series.start_date.weekday()
        ),
        count=series.count,
        until=series.until,
        skip=SkipRules(series.skip_public, series.skip_school, Region(series.region)),
        skip_mode=SkipMode(series.skip_mode),
        meeting_count=session.scalar(counted) or 0,
        next_date=next_date,
        people=series_people_in(session, series),
    )


def _apply_series(series: MeetingSeries, name: str, data: SeriesInput) -> None:
    series.name = name
    series.location = data.location.strip()
    series.start_date = data.start_date
    series.start_time = data.start_time
    series.minutes = data.minutes
    series.recurrence = data.recurrence.to_json()
    series.count = data.count
    series.until = data.until
    series.skip_public = data.skip.public
    series.skip_school = data.skip.school
    series.region = str(data.skip.region)
    series.skip_mode = str(data.skip_mode)


def _name_taken(session: Session, name: str, other_than: int | None = None) -> bool:
    query = select(MeetingSeries.id).where(func.lower(MeetingSeries.name) == name.lower())
    if other_than is not None:
        query = query.where(MeetingSeries.id != other_than)
    return session.scalar(query) is not None


def create_series(
    store: Store,
    data: SeriesInput,
    past: PastDates | None = None,
    *,
    today: date | None = None,
) -> SeriesInfo:
    """Save a new series and plan its meetings (holidays skipped as the series says).

    Dates before `today` need `past`: KEEP_AS_HELD saves them as held meetings (minutes in
    concept, nothing else filled in), FROM_TODAY leaves them out; without it, PastDatesNotChosen.
    """
    today = today or date.today()
    data = resolve_past(data, past, today)
    name = _check_series(data)
    plan = _plan(data)
    held = sum(1 for p in plan.planned if p.date < today) if past is PastDates.KEEP_AS_HELD else 0
    with store.write() as session:
        if _name_taken(session, name):
            raise BadInput(f"Er is al een overlegreeks met de naam '{name}'.")
        series = MeetingSeries()
        _apply_series(series, name, data)
        session.add(series)
        session.flush()
        audit.record(
            session,
            store,
            AuditAction.CREATE,
            object_type="overlegreeks",
            object_id=series.id,
            detail=f"{len(plan.planned)} overleggen, {len(plan.skipped)} data overgeslagen"
            + (f", {held} al gehouden" if held else ""),
        )
        for planned in plan.planned:
            _new_series_meeting(
                session,
                store,
                series,
                planned.date,
                planned.original_date,
                held=past is PastDates.KEEP_AS_HELD and planned.date < today,
            )
        if data.members or data.secretary_id is not None:
            apply_series_people_in(session, store, series, data.members or (), data.secretary_id)
        return _series_info(session, series, today)


def _new_series_meeting(
    session: Session,
    store: Store,
    series: MeetingSeries,
    on: date,
    original: date,
    *,
    held: bool = False,
) -> Meeting:
    meeting = Meeting(
        series_id=series.id,
        date=on,
        start_time=series.start_time,
        minutes=series.minutes,
        location=series.location,
        status=str(MeetingStatus.GEHOUDEN if held else MeetingStatus.GEPLAND),
        minutes_status=str(MinutesStatus.CONCEPT),
        uid=new_uid(),
        sequence=0,
        edited_by_hand=False,
        original_date=original,
    )
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        store,
        AuditAction.CREATE,
        object_type="overleg",
        object_id=meeting.id,
        detail=f"reeks {series.id}, {_when(on, series.start_time)}",
    )
    return meeting


def update_series(
    store: Store, series_id: int, data: SeriesInput, *, today: date | None = None
) -> SeriesInfo:
    """Change a series; only its future meetings that nobody changed by hand are re-planned.

    Past meetings, held or cancelled ones and meetings moved or added by hand stay as they
    are. Re-planned meetings keep their calendar UID (with a raised SEQUENCE where they
    change); a future meeting the new plan no longer has is cancelled, not deleted, so that
    calendars that have it learn that it is off.
    """
    name = _check_series(data)
    today = today or date.today()
    with store.write() as session:
        series = session.get(MeetingSeries, series_id)
        if series is None:
            raise BadInput("Deze overlegreeks bestaat niet (meer).")
        if _name_taken(session, name, other_than=series_id):
            raise BadInput(f"Er is al een overlegreeks met de naam '{name}'.")
        meetings = list(
            session.scalars(
                select(Meeting)
                .where(Meeting.series_id == series_id)
                .order_by(Meeting.date, Meeting.start_time, Meeting.id)
            )
        )
        # Future meetings nobody touched by hand. A cancelled one among them was cancelled by
        # an earlier edit of the series, and may be revived (with its UID) by this one.
        replan = [
            m
            for m in meetings
            if m.date > today
            and not m.edited_by_hand
            and m.status in (str(MeetingStatus.GEPLAND), str(MeetingStatus.GEANNULEERD))
        ]
        kept = [m for m in meetings if m not in replan]
        taking_place = [m for m in kept if m.status != str(MeetingStatus.GEANNULEERD)]
        count = None
        if data.count is not None:
            count = data.count - len(taking_place)
        plan = SeriesPlan((), ())
        if count is None or count > 0:
            plan = plan_series(
                data.start_date,
                data.recurrence,
                count=count,
                until=data.until,
                skip=data.skip,
                skip_mode=data.skip_mode,
                since=today + timedelta(days=1),
                taken={m.date for m in taking_place},
                reserved={d for m in kept if (d := m.original_date) is not None},
            )
        renamed = series.name != name
        _apply_series(series, name, data)
        if renamed:
            # The name is every event's SUMMARY: calendars take the new one only with a
            # higher SEQUENCE.
            for meeting in meetings:
                if meeting.date > today and meeting.status == str(MeetingStatus.GEPLAND):
                    meeting.sequence += 1
        pairs, leftover, added = _pair(replan, list(plan.planned))
        changed = 0
        for meeting, planned in pairs:
            before = _calendar_fields(meeting)
            meeting.date = planned.date
            meeting.original_date = planned.original_date
            meeting.start_time = series.start_time
            meeting.minutes = series.minutes
            meeting.location = series.location
            meeting.status = str(MeetingStatus.GEPLAND)
            if before != _calendar_fields(meeting):
                meeting.sequence += 1
                changed += 1
                audit.record(
                    session,
                    store,
                    AuditAction.UPDATE,
                    object_type="overleg",
                    object_id=meeting.id,
                    detail=f"reeks gewijzigd: {_when(before[0], before[1])} → "
                    f"{_when(meeting.date, meeting.start_time)}",
                )
        cancelled = 0
        for meeting in leftover:
            # No longer an occurrence of the rule: a later edit must not keep its date free.
            meeting.original_date = None
            if meeting.status == str(MeetingStatus.GEANNULEERD):
                continue
            meeting.status = str(MeetingStatus.GEANNULEERD)
            meeting.sequence += 1
            cancelled += 1
            audit.record(
                session,
                store,
                AuditAction.UPDATE,
                object_type="overleg",
                object_id=meeting.id,
                detail="geannuleerd: valt niet meer in de gewijzigde reeks",
            )
        for planned in added:
            _new_series_meeting(session, store, series, planned.date, planned.original_date)
        if data.members is not None:
            apply_series_people_in(session, store, series, data.members, data.secretary_id)
        session.flush()
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="overlegreeks",
            object_id=series.id,
            detail=f"{changed} gewijzigd, {len(added)} toegevoegd, {cancelled} geannuleerd, "
            f"{len(kept)} ongemoeid",
        )
        return _series_info(session, series, today)


def _calendar_fields(meeting: Meeting) -> tuple[date, time, int, str, str]:
    return (meeting.date, meeting.start_time, meeting.minutes, meeting.location, meeting.status)


def _pair(
    meetings: list[Meeting], planned: list[PlannedDate]
) -> tuple[list[tuple[Meeting, PlannedDate]], list[Meeting], list[PlannedDate]]:
    """Match re-planned meetings to new dates: same date first, then the rest in date order.

    A matched meeting keeps its UID, so calendars move the event instead of showing a new one
    beside the old. Returns the pairs, the meetings left over and the dates left over.
    """
    free = sorted(meetings, key=lambda m: (m.status != str(MeetingStatus.GEPLAND), m.date, m.id))
    pairs: list[tuple[Meeting, PlannedDate]] = []
    rest: list[PlannedDate] = []
    for item in planned:
        same = next((m for m in free if m.date == item.date), None)
        if same is None:
            rest.append(item)
        else:
            free.remove(same)
            pairs.append((same, item))
    pairs.extend(zip(free, rest, strict=False))
    used = len(pairs) - (len(planned) - len(rest))
    return pairs, free[used:], rest[used:]


def list_series(store: Store) -> list[SeriesInfo]:
    """All series by name."""
    with store.read() as session:
        return list_series_in(session)


def list_series_in(session: Session, today: date | None = None) -> list[SeriesInfo]:
    """`list_series` inside an open transaction (the next dates as of `today`)."""
    return [
        _series_info(session, s, today)
        for s in session.scalars(select(MeetingSeries).order_by(MeetingSeries.name))
    ]


def get_series(store: Store, series_id: int) -> SeriesInfo:
    """One series; BadInput if it does not exist."""
    with store.read() as session:
        series = session.get(MeetingSeries, series_id)
        if series is None:
            raise BadInput(f"Er is geen overlegreeks met nummer {series_id}.")
        return _series_info(session, series)


def find_series(store: Store, ref: int | str) -> SeriesInfo:
    """A series by id (an int), or by name (case-insensitive) or else id (a str)."""
    if isinstance(ref, int):
        return get_series(store, ref)
    text = ref.strip()
    with store.read() as session:
        series = session.scalar(
            select(MeetingSeries).where(func.lower(MeetingSeries.name) == text.lower())
        )
        if series is None and text.isdigit():
            series = session.get(MeetingSeries, int(text))
        if series is None:
            raise BadInput(f"Er is geen overlegreeks '{text}' (geef een nummer of een naam).")
        return _series_info(session, series)


# -- single meetings -----------------------------------------------------------------------------


def _load(session: Session, meeting_id: int) -> tuple[Meeting, MeetingSeries | None]:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise BadInput(f"Er is geen overleg met nummer {meeting_id}.")
    series = session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
    return meeting, series


def meeting_rows_in(session: Session, meeting_id: int) -> tuple[Meeting, MeetingSeries | None]:
    """A meeting's row and its series' row (None for an extra meeting); BadInput if none.

    A view that reads one meeting through several helpers holds these for its whole
    transaction: the session keeps a row only while someone holds it, and while it does,
    each helper's `session.get` of the meeting comes from the session, not from the store.
    """
    return _load(session, meeting_id)


def edit_meeting(
    store: Store,
    meeting_id: int,
    *,
    on: date | None = None,
    start: time | None = None,
    minutes: int | None = None,
    location: str | None = None,
) -> MeetingInfo:
    """Change one meeting's date, time, length or place; it is then "edited by hand"."""
    if minutes is not None:
        _check_minutes(minutes)
    with store.write() as session:
        meeting, series = _load(session, meeting_id)
        if meeting.status != str(MeetingStatus.GEPLAND):
            raise BadInput(
                f"Dit overleg is {MeetingStatus(meeting.status).label}; alleen een gepland "
                "overleg kan worden gewijzigd."
            )
        before = (meeting.date, meeting.start_time, meeting.minutes, meeting.location)
        meeting.date = on if on is not None else meeting.date
        meeting.start_time = start if start is not None else meeting.start_time
        meeting.minutes = minutes if minutes is not None else meeting.minutes
        meeting.location = location.strip() if location is not None else meeting.location
        after = (meeting.date, meeting.start_time, meeting.minutes, meeting.location)
        if after != before:
            meeting.edited_by_hand = True
            meeting.sequence += 1
            changes = []
            if after[:2] != before[:2]:
                changes.append(f"{_when(before[0], before[1])} → {_when(after[0], after[1])}")
            if after[2] != before[2]:
                changes.append(f"duur {before[2]} → {after[2]} min")
            if after[3] != before[3]:
                changes.append("locatie gewijzigd")
            audit.record(
                session,
                store,
                AuditAction.UPDATE,
                object_type="overleg",
                object_id=meeting.id,
                detail="; ".join(changes),
            )
        return meeting_info(meeting, series)


def move_meeting(
    store: Store, meeting_id: int, new_date: date, new_start: time | None = None
) -> MeetingInfo:
    """Move one meeting to another day (and time); its series will leave it there."""
    return edit_meeting(store, meeting_id, on=new_date, start=new_start)


def set_meeting_status(store: Store, meeting_id: int, status: MeetingStatus) -> MeetingInfo:
    """Mark a meeting planned, held or cancelled (a cancelled one stays, for calendars)."""
    with store.write() as session:
        meeting, series = _load(session, meeting_id)
        old = MeetingStatus(meeting.status)
        if old is status:
            return meeting_info(meeting, series)
        if old is MeetingStatus.GEHOUDEN and status is MeetingStatus.GEANNULEERD:
            raise BadInput("Een overleg dat al is gehouden, kan niet meer worden geannuleerd.")
        meeting.status = str(status)
        meeting.sequence += 1
        # A status set by a person is a hand edit: editing the series must not undo it.
        meeting.edited_by_hand = True
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            object_type="overleg",
            object_id=meeting.id,
            detail=f"status {old.label} → {status.label}",
        )
        return meeting_info(meeting, series)


def cancel_meeting(store: Store, meeting_id: int) -> MeetingInfo:
    """Cancel one meeting; it stays in lists and calendars as cancelled."""
    return set_meeting_status(store, meeting_id, MeetingStatus.GEANNULEERD)


# -- attendance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceInfo:
    """A participant's role and presence at one meeting, with their organisation."""

    meeting_id: int
    participant_id: int
    name: str
    organisation_name: str
    team: Team
    role: MeetingRole
    status: AttendanceStatus


_ROLE_ORDER = {MeetingRole.VOORZITTER: 0, MeetingRole.NOTULIST: 1, MeetingRole.DEELNEMER: 2}


def _attendance_info(row: Attendance, person: Participant) -> AttendanceInfo:
    return AttendanceInfo(
        meeting_id=row.meeting_id,
        participant_id=person.id,
        name=person.name,
        organisation_name=person.organisation.name,
        team=Team(person.organisation.team),
        role=MeetingRole(row.role),
        status=AttendanceStatus(row.status),
    )


def set_attendance(
    store: Store,
    meeting_id: int,
    participant_id: int,
    role: MeetingRole = MeetingRole.DEELNEMER,
    status: AttendanceStatus = AttendanceStatus.AANWEZIG,
) -> AttendanceInfo:
    """Add a participant to a meeting, or change their role or attendance."""
    with store.write() as session:
        _load(session, meeting_id)
        person = session.get(Participant, participant_id)
        if person is None:
            raise BadInput("Deze deelnemer bestaat niet (meer).")
        row = session.scalar(
            select(Attendance).where(
                Attendance.meeting_id == meeting_id, Attendance.participant_id == participant_id
            )
        )
        if row is None:
            if person.archived_on is not None:
                raise BadInput(
                    f"{person.name} is gearchiveerd en kan niet meer worden uitgenodigd."
                )
            row = Attendance(meeting_id=meeting_id, participant_id=participant_id)
            session.add(row)
            action = AuditAction.CREATE
        else:
            action = AuditAction.UPDATE
        row.role = str(role)
        row.status = str(status)
        session.flush()
        audit.record(
            session,
            store,
            action,
            object_type="aanwezigheid",
            object_id=f"{meeting_id}/{participant_id}",
            detail=f"{role.label}, {status.label}",
        )
        return _attendance_info(row, person)


def remove_attendance(store: Store, meeting_id: int, participant_id: int) -> None:
    """Take a participant off a meeting's list (e.g. invited by mistake)."""
    with store.write() as session:
        row = session.scalar(
            select(Attendance).where(
                Attendance.meeting_id == meeting_id, Attendance.participant_id == participant_id
            )
        )
        if row is None:
            raise BadInput("Deze deelnemer staat niet op de lijst van dit overleg.")
        session.delete(row)
        audit.record(
            session,
            store,
            AuditAction.DELETE,
            object_type="aanwezigheid",
            object_id=f"{meeting_id}/{participant_id}",
        )


def list_attendance(store: Store, meeting_id: int) -> list[AttendanceInfo]:
    """Who is on a meeting's list: chair and minute-taker first, then by name."""
    with store.read() as session:
        return list_attendance_in(session, meeting_id)


def list_attendance_in(session: Session, meeting_id: int) -> list[AttendanceInfo]:
    """`list_attendance` inside an open transaction."""
    _load(session, meeting_id)
    rows = session.execute(
        select(Attendance, Participant)
        .join(Participant, Attendance.participant_id == Participant.id)
        .where(Attendance.meeting_id == meeting_id)
    )
    found = [_attendance_info(row, person) for row, person in rows]
    return sorted(found, key=lambda a: (_ROLE_ORDER[a.role], a.name.lower()))


def missing_teams(store: Store, meeting_id: int) -> list[Team]:
    """The core teams (Leerplicht, Sociaal Wijkteam, …) with nobody present at a meeting."""
    return teams_missing_from(list_attendance(store, meeting_id))


def teams_missing_from(attendance: list[AttendanceInfo]) -> list[Team]:
    """The core teams with nobody present on this attendance list."""
    present = {a.team for a in attendance if a.status is AttendanceStatus.AANWEZIG}
    return [team for team in CORE_TEAMS if team not in present]


def missing_teams_text(teams: list[Team]) -> str | None:
    """The Dutch warning for teams with nobody present, or None when all are there."""
    if not teams:
        return None
    labels = [t.label for t in teams]
    names = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} en {labels[-1]}"
    return f"Niemand aanwezig van {names}."


def attendance_warning(store: Store, meeting_id: int) -> str | None:
    """A Dutch warning when one of the four core teams has nobody present, else None."""
    return missing_teams_text(missing_teams(store, meeting_id))
