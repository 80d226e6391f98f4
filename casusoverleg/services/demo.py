"""A demo store full of fictional, but plausible, Zwolle data (for `--demo`, tests, benchmarks).

Everything is made up: names by Faker ("nl_NL"), schools and care providers from the lists in
`resources/demo/`. The same seed and day give the same store, so a demo can be reproduced.

The cases keep to the Leerplichtwet as `domain.plausibility.check` reads it (the bulk insert
does not run that check, so the demo must: a test checks every case of a demo store): grounds
only at the ages the law gives them, an exemption never before the leerplicht starts (a child
not yet leerplichtig has one only as a first notice, art. 6 lid 2 onder a), and most 5 onder a
cases with an art. 7 statement given at most three months before the exemption starts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from dateutil.relativedelta import relativedelta
from faker import Faker
from sqlalchemy import select, update

from casusoverleg.domain.enums import (
    AuditAction,
    CaseStatus,
    ExemptionGround,
    ExpertProfession,
    Team,
)
from casusoverleg.domain.leerplicht import birthday, leerplicht_end, leerplicht_start
from casusoverleg.domain.plausibility import school_year_end
from casusoverleg.domain.recurrence import Region
from casusoverleg.services import accounts, people

# Imported under another name: `cases` is populate_demo's keyword (the CLI's --cases).
from casusoverleg.services import cases as case_service
from casusoverleg.services.cases import CaseInput
from casusoverleg.services.demo_meetings import populate_demo_meetings
from casusoverleg.services.store import Store
from casusoverleg.store.keyslots import FAST_KDF
from casusoverleg.store.models import Case

# The four core teams of the group, with the function of each member (two or three each).
CORE_TEAMS: tuple[tuple[str, Team, tuple[str, ...]], ...] = (
    (
        "Team Leerplicht Zwolle",
        Team.LEERPLICHT,
        ("Leerplichtambtenaar", "Leerplichtambtenaar", "Teamleider leerplicht"),
    ),
    ("Sociaal Wijkteam Zwolle", Team.SOCIAAL_WIJKTEAM, ("Jeugdconsulent", "Wijkcoach")),
    (
        "Samenwerkingsverband Zwolle e.o.",
        Team.SAMENWERKINGSVERBAND,
        ("Consulent passend onderwijs", "Onderwijsadviseur"),
    ),
    (
        "Orthopedagogisch adviesbureau",
        Team.ORTHOPEDAGOOG,
        ("Orthopedagoog-generalist", "GZ-psycholoog"),
    ),
)

# How often each ground and status occurs in a real group (roughly); every one occurs.
_GROUND_WEIGHTS = {
    ExemptionGround.ART5_A: 25,
    ExemptionGround.ART5_B: 4,
    ExemptionGround.ART5_C: 8,
    ExemptionGround.ART15: 8,
    ExemptionGround.ART3A: 4,
    ExemptionGround.ART3B: 4,
    ExemptionGround.ART11: 6,
    ExemptionGround.THUISZITTER: 26,
    ExemptionGround.PREVENTIEF: 15,
}
_STATUS_WEIGHTS = {
    CaseStatus.AANGEMELD: 15,
    CaseStatus.IN_BEHANDELING: 35,
    CaseStatus.AANGEHOUDEN: 10,
    CaseStatus.ADVIES_UITGEBRACHT: 15,
    CaseStatus.AFGESLOTEN: 25,
}
# Age in years (from, to) today at which a child has this ground (the registration date is then
# moved to where the law gives the ground; see `_registered_for`).
_AGES = {
    ExemptionGround.ART5_A: (4, 15),
    ExemptionGround.ART5_B: (4, 15),
    ExemptionGround.ART5_C: (4, 15),
    ExemptionGround.ART15: (16, 18),
    ExemptionGround.ART3A: (14, 16),
    ExemptionGround.ART3B: (15, 16),
    ExemptionGround.ART11: (6, 16),
    ExemptionGround.THUISZITTER: (5, 18),
}
_DEFAULT_AGES = (4, 18)
_PARENTS_HOW = (
    "gesprek op school",
    "huisbezoek door de casushouder",
    "telefonisch",
    "gesprek bij het wijkteam",
)
_STATEMENT_DAYS = 85  # an art. 7 statement at most this long before the exemption (< 3 months)
# Big enough to keep memory flat at 50,000 cases, small enough to gain from batched inserts.
_BATCH = 5000
_DEMO_DETAIL = "demogegevens"


def _resource_lines(name: str) -> list[str]:
    """The non-empty lines of a file in resources/demo/."""
    text = files("casusoverleg.resources").joinpath(f"demo/{name}").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def demo_schools() -> list[str]:
    """The fictional Zwolle schools of the demo."""
    return _resource_lines("scholen.txt")


def demo_care_providers() -> list[str]:
    """The fictional Zwolle care providers of the demo."""
    return _resource_lines("zorgaanbieders.txt")


def _email(name: str, organisation: str) -> str:
    local = ".".join(part for part in name.lower().replace("'", "").split() if part.isalpha())
    domain = "".join(ch for ch in organisation.lower() if ch.isalnum())[:24]
    # .example is reserved (RFC 2606): a demo address can never reach a real person.
    return f"{local}@{domain}.example"


def _add_people(store: Store, fake: Faker) -> list[int]:
    """Organisations and participants; returns the ids of possible case owners."""
    owners: list[int] = []
    for org_name, team, functions in CORE_TEAMS:
        org = people.create_organisation(store, org_name, team)
        for function in functions:
            name = f"{fake.first_name()} {fake.last_name()}"
            person = people.create_participant(
                store,
                name,
                org.id,
                function=function,
                email=_email(name, org_name),
                phone=fake.phone_number(),
            )
            if team in (Team.LEERPLICHT, Team.SOCIAAL_WIJKTEAM):
                owners.append(person.id)
    for org_name, team, function in [
        *((s, Team.SCHOOL, "Intern begeleider") for s in demo_schools()),
        *((z, Team.ZORGAANBIEDER, "Behandelaar") for z in demo_care_providers()),
    ]:
        org = people.create_organisation(store, org_name, team)
        name = f"{fake.first_name()} {fake.last_name()}"
        people.create_participant(
            store, name, org.id, function=function, email=_email(name, org_name)
        )
    return owners


@dataclass(frozen=True)
class _Pools:
    """Names drawn once from Faker; picking from them is fast enough for 50,000 children."""

    girls: list[str]
    boys: list[str]
    surnames: list[str]
    schools: list[str]
    owners: list[int]


def _pools(fake: Faker, owners: list[int]) -> _Pools:
    return _Pools(
        girls=sorted({fake.first_name_female() for _ in range(400)}),
        boys=sorted({fake.first_name_male() for _ in range(400)}),
        surnames=sorted({fake.last_name() for _ in range(800)}),
        schools=demo_schools(),
        owners=owners,
    )


def _registered_for(
    ground: ExemptionGround, birth: date, registered: date, today: date, region: Region
) -> date:
    """`registered` moved to a day on which the law gives `ground` to a child born `birth`.

    Mirrors `domain.plausibility.check`: art. 15 for a kwalificatieplichtige (or asked in the
    last school year of leerplicht), art. 3a from 14, art. 3b in the last school year of
    leerplicht or the one before, art. 11 once leerplichtig.
    """
    last_year_end = leerplicht_end(birth)
    if ground == ExemptionGround.ART15:
        registered = max(registered, date(last_year_end.year - 1, 8, 1))
    elif ground == ExemptionGround.ART3A:
        registered = max(registered, birthday(birth, 14))
    elif ground == ExemptionGround.ART3B:
        registered = max(registered, date(last_year_end.year - 2, 8, 1))
    elif ground == ExemptionGround.ART11:
        registered = max(registered, leerplicht_start(birth, region))
    return min(registered, today)


def _exemption(birth: date, today: date, region: Region) -> tuple[date, date]:
    """An art. 5 exemption for this school year: from its start, or from the first day of
    leerplicht for a child not yet leerplichtig (a first notice), to 31 July."""
    school_year_start = date(school_year_end(today).year - 1, 8, 1)
    start = max(school_year_start, leerplicht_start(birth, region))
    return start, school_year_end(start)


@lru_cache(maxsize=32)
def _birth_range(ages: tuple[int, int], today: date) -> tuple[date, int]:
    """The earliest birth date for an age range, and how many days the range spans."""
    low, high = ages
    # Strictly between `low` and `high` years old, so the age never rounds out of the range.
    youngest = today - relativedelta(years=low) - timedelta(days=1)
    oldest = today - relativedelta(years=high) + timedelta(days=1)
    return oldest, (youngest - oldest).days


def _child(
    rng: random.Random,
    pools: _Pools,
    ground: ExemptionGround,
    status: CaseStatus,
    serial: int,
    today: date,
    region: Region,
    art5a_count: int,
) -> tuple[CaseInput, date | None]:
    """One fictional child's case, and its closing date when the status is afgesloten.

    `art5a_count` counts the 5 onder a cases before this one: the second (and every 12th)
    lacks the art. 7 statement, so the agenda proposes it; the third (and every 15th) has a
    statement that the child will never be fit for school (art. 6 lid 3).
    """
    oldest, span = _birth_range(_AGES.get(ground, _DEFAULT_AGES), today)
    birth = oldest + timedelta(days=rng.randint(0, span))
    registered = max(today - timedelta(days=rng.randint(3, 720)), birth)
    registered = _registered_for(ground, birth, registered, today, region)
    first = rng.choice(pools.girls if rng.random() < 0.45 else pools.boys)
    school = "" if ground in (ExemptionGround.ART5_B, ExemptionGround.ART5_C) else None
    absent_since = review = until = start = back = enrolled_since = None
    enrolled: bool | None = None
    statement: dict[str, object] = {}
    if ground == ExemptionGround.THUISZITTER:
        # A third each: not yet 4 weeks, just past 4 weeks, past 3 months (the pact's norms).
        days = (rng.randint(5, 27), rng.randint(29, 45), rng.randint(95, 300))[serial % 3]
        absent_since = today - timedelta(days=days)
        # Registered once the school reported the absence, not before.
        registered = min(absent_since + timedelta(days=rng.randint(0, 21)), today)
        # Most are enrolled; one in eight is not (absoluut verzuim), one in six is back.
        enrolled = serial % 8 != 0
        if not enrolled:
            school = ""
        else:
            enrolled_since = max(
                birthday(birth, 4), absent_since - timedelta(days=rng.randint(60, 900))
            )
        if serial % 6 == 1 and days > 7:
            back = absent_since + timedelta(days=rng.randint(7, days))
    elif ground.is_art5:
        start, until = _exemption(birth, today, region)
        # Some reviews overdue, most in the coming months (before the 1 July renewal).
        review = today + timedelta(days=rng.randint(-30, 150))
        if ground == ExemptionGround.ART5_A:
            statement = _statement(rng, pools, start, today, art5a_count)
    elif ground == ExemptionGround.PREVENTIEF:
        review = today + timedelta(days=rng.randint(7, 60))
    elif rng.random() < 0.5:
        review = today + timedelta(days=rng.randint(-14, 180))
    if ground in (ExemptionGround.ART11, ExemptionGround.ART3A, ExemptionGround.ART3B) or (
        ground == ExemptionGround.PREVENTIEF and birth <= today - relativedelta(years=5)
    ):
        enrolled = True  # at a school; art. 5 and 15 cases may have none, so: not known
    closed = None
    if status == CaseStatus.AFGESLOTEN:
        closed = registered + timedelta(days=rng.randint(0, max(0, (today - registered).days)))
    # Parents from the start where possible, the child heard early (the seeds' aims); most
    # cases say so, a few do not yet.
    parents_on = heard_on = None
    parents_how = ""
    if rng.random() < 0.85:
        parents_on = min(registered + timedelta(days=rng.randint(0, 14)), today)
        parents_how = rng.choice(_PARENTS_HOW)
    if rng.random() < 0.75:
        heard_on = min(registered + timedelta(days=rng.randint(0, 30)), today)
    data = CaseInput(
        case_number=f"{registered.year}-{serial:04d}",
        first_name=first,
        last_name=rng.choice(pools.surnames),
        birth_date=birth,
        ground=ground,
        school=rng.choice(pools.schools) if school is None else school,
        status=status,
        registered_on=registered,
        owner_id=rng.choice(pools.owners) if pools.owners else None,
        absent_since=absent_since,
        review_date=review,
        exemption_from=start,
        exemption_until=until,
        enrolled=enrolled,
        enrolled_since=enrolled_since,
        back_at_school_on=back,
        parents_involved_on=parents_on,
        parents_involved_how=parents_how,
        child_heard_on=heard_on,
        **statement,  # type: ignore[arg-type]
    )
    return data, closed


def _statement(
    rng: random.Random, pools: _Pools, start: date, today: date, count: int
) -> dict[str, object]:
    """The art. 7 statement of a 5 onder a case (Lpw art. 7), as CaseInput fields."""
    given = start - timedelta(days=rng.randint(10, _STATEMENT_DAYS))
    # Not yet given (it cannot lie in the future), or left out on purpose for the agenda.
    if min(given, today) < start - timedelta(days=_STATEMENT_DAYS) or count % 12 == 1:
        return {}
    profession = rng.choice(list(ExpertProfession))
    name = f"{rng.choice(pools.girls + pools.boys)} {rng.choice(pools.surnames)}"
    return {
        "expert_name": name,
        "expert_profession": profession,
        "expert_statement_on": min(given, today),
        "expert_not_treating": True,
        "never_fit": count % 15 == 2,
    }


def populate_demo(
    store: Store, *, cases: int = 40, seed: int = 2026, today: date | None = None
) -> None:
    """Fill a store with the core teams, schools, care providers and `cases` fictional cases."""
    today = today or date.today()
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    pools = _pools(fake, _add_people(store, fake))
    with store.read() as session:
        region = case_service.region_of(session)
    art5a_count = 0
    grounds, ground_weights = list(_GROUND_WEIGHTS), list(_GROUND_WEIGHTS.values())
    statuses, status_weights = list(_STATUS_WEIGHTS), list(_STATUS_WEIGHTS.values())
    with store.read() as session:
        start = 1 + (session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0)
    # One transaction: a demo that fails half-way leaves no half demo behind.
    with store.write() as session:
        closed_on: dict[str, date] = {}
        batch: list[CaseInput] = []
        for i in range(cases):
            # The first few cycle through every ground and status, so even 9 cases show them all.
            ground = grounds[i] if i < len(grounds) else rng.choices(grounds, ground_weights)[0]
            status = statuses[i] if i < len(statuses) else rng.choices(statuses, status_weights)[0]
            data, closed = _child(rng, pools, ground, status, start + i, today, region, art5a_count)
            art5a_count += ground == ExemptionGround.ART5_A
            batch.append(data)
            if closed is not None:
                closed_on[data.case_number] = closed
            if len(batch) == _BATCH or i == cases - 1:
                case_service.add_cases(
                    session,
                    store,
                    batch,
                    today=today,
                    detail=_DEMO_DETAIL,
                    action=AuditAction.CREATE,
                )
                session.flush()
                # Forget the inserted objects: the session would otherwise hold all 50,000.
                session.expunge_all()
                batch = []
        if closed_on:
            closed_cases = select(Case.case_number, Case.id, Case.version).where(
                Case.status == str(CaseStatus.AFGESLOTEN)
            )
            ids = {number: (case_id, v) for number, case_id, v in session.execute(closed_cases)}
            # The case service has no "closed on" for new cases; a closed demo case needs one.
            # (Each with its version: Case.version is the mapper's version_id_col.)
            session.execute(
                update(Case),
                [
                    {"id": ids[n][0], "version": ids[n][1], "closed_on": d}
                    for n, d in closed_on.items()
                    if n in ids
                ],
            )


def create_demo_store(path: Path, *, cases: int = 40) -> Store:
    """A new demo store (account demo, passphrase demo) filled by `populate_demo`."""
    store = accounts.init_store(path, accounts.DEMO_ACCOUNT, "demo", kdf=FAST_KDF, demo=True).store
    try:
        populate_demo(store, cases=cases)
        if cases:
            populate_demo_meetings(store)
    except BaseException:
        store.close()
        raise
    return store
