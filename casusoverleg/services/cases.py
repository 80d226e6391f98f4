"""Cases: create, change, view, close, and list with filters. Every step is logged."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casusoverleg.domain import plausibility
from casusoverleg.domain.case_law import CaseLawFacts, LawStatus, NoticeKind, law_status
from casusoverleg.domain.enums import AuditAction, CaseStatus, ExemptionGround, ExpertProfession
from casusoverleg.domain.leerplicht import LeerplichtStatus
from casusoverleg.domain.plausibility import Finding
from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.retention import RetentionTerm
from casusoverleg.domain.text import (
    SEARCH_FOLD_VERSION,
    case_number_key,
    clean_block,
    clean_case_number,
    clean_line,
    has_control,
    initials,
    search_text,
    search_words,
)
from casusoverleg.domain.thuiszitter import ThuiszitterSignal
from casusoverleg.errors import BadInput, CasusoverlegError, Conflict
from casusoverleg.services import audit, case_numbers, settings
from casusoverleg.services.store import Store
from casusoverleg.store.models import Account, AuditEvent, Case, Participant, Setting

# Field names as the user sees them, for messages next to the field.
FIELD_LABELS = {
    "case_number": "casusnummer",
    "first_name": "voornaam",
    "last_name": "achternaam",
    "birth_date": "geboortedatum",
    "school": "school",
    "ground": "grond",
    "status": "status",
    "registered_on": "aangemeld op",
    "owner_id": "casushouder",
    "absent_since": "thuis sinds",
    "review_date": "herbeoordeling",
    "exemption_until": "vrijstelling tot",
    "notes": "notities",
    "exemption_from": "vrijstelling vanaf",
    "enrolled": "ingeschreven op een school",
    "enrolled_since": "ingeschreven sinds",
    "back_at_school_on": "terug op school",
    "expert_name": "deskundige",
    "expert_profession": "beroep deskundige",
    "expert_statement_on": "verklaring deskundige op",
    "expert_not_treating": "niet de behandelaar",
    "never_fit": "nooit geschikt (art. 6 lid 3)",
    "parents_involved_on": "ouders betrokken op",
    "parents_involved_how": "ouders betrokken hoe",
    "child_heard_on": "kind gehoord op",
    "confirmed_rules": "bevestigde afwijkingen",
}


class ValidationError(BadInput):
    """One or more fields are wrong; `errors` maps field name to a Dutch message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        lines = [f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in errors.items()]
        super().__init__("Controleer de casus:\n" + "\n".join(lines))


class NeedsConfirmation(BadInput):
    """The case does not fit the law (`findings`); save it again with them confirmed."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        lines = [f"- {f.text}" for f in findings]
        super().__init__(
            "Deze casus past niet bij de Leerplichtwet:\n"
            + "\n".join(lines)
            + "\nBevestig dat dit klopt om toch op te slaan."
        )


@dataclass(frozen=True)
class CaseInput:
    """What a user types for a case (new or changed). Empty case number: one is made."""

    first_name: str
    last_name: str
    birth_date: date | None
    ground: ExemptionGround | None
    school: str = ""
    status: CaseStatus = CaseStatus.AANGEMELD
    registered_on: date | None = None
    owner_id: int | None = None
    absent_since: date | None = None
    review_date: date | None = None
    exemption_until: date | None = None
    notes: str = ""
    case_number: str = ""
    closed_on: date | None = None  # for a new closed case (import); else the day it is saved
    exemption_from: date | None = None
    enrolled: bool | None = None  # None: not known
    enrolled_since: date | None = None
    back_at_school_on: date | None = None
    expert_name: str = ""
    expert_profession: ExpertProfession | None = None
    expert_statement_on: date | None = None
    expert_not_treating: bool = False
    never_fit: bool = False
    parents_involved_on: date | None = None
    parents_involved_how: str = ""
    child_heard_on: date | None = None
    confirmed_rules: str = ""  # plausibility codes the user confirmed ("," between)

    def law_facts(self) -> CaseLawFacts | None:
        """The facts the law's rules read, or None while birth date or ground is missing."""
        if self.birth_date is None or self.ground is None:
            return None
        return CaseLawFacts(
            ground=self.ground,
            birth_date=self.birth_date,
            status=self.status,
            absent_since=self.absent_since,
            back_at_school_on=self.back_at_school_on,
            closed_on=self.closed_on,
            exemption_from=self.exemption_from,
            exemption_until=self.exemption_until,
            enrolled=self.enrolled,
            expert_statement_on=self.expert_statement_on,
            never_fit=self.never_fit,
        )


def normalised(data: CaseInput) -> CaseInput:
    """`data` as it is stored: NFC, invisible characters gone, dashes in the number as '-'."""
    cleaned = {
        "case_number": clean_case_number(data.case_number),
        "first_name": clean_line(data.first_name),
        "last_name": clean_line(data.last_name),
        "school": clean_line(data.school),
        "notes": clean_block(data.notes),
        "expert_name": clean_line(data.expert_name),
        "parents_involved_how": clean_line(data.parents_involved_how),
    }
    if all(getattr(data, name) == value for name, value in cleaned.items()):
        return data  # already clean (an import cleans each cell): no copy
    return replace(data, **cleaned)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CaseRow:
    """A case as a table row: enough to show, filter and sort, nothing more."""

    id: int
    case_number: str
    first_name: str
    last_name: str
    birth_date: date
    school: str
    ground: ExemptionGround
    status: CaseStatus
    registered_on: date
    owner_id: int | None
    owner_name: str
    review_date: date | None
    absent_since: date | None
    closed_on: date | None
    search_text: str

    @property
    def initials(self) -> str:
        """The child's initials, for privacy-by-default documents."""
        return initials(self.first_name, self.last_name)

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class CaseRecord(CaseRow):
    """A whole case with the signals the rules derive from it on a given day."""

    notes: str = ""
    exemption_until: date | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    leerplicht: LeerplichtStatus = LeerplichtStatus.LEERPLICHTIG
    renewal_deadline: date | None = None  # the next art. 6 notice's day to act by
    thuiszitter: ThuiszitterSignal = ThuiszitterSignal.GEEN
    retention_date: date | None = None  # by the store's retention term (`retention_term`)
    exemption_from: date | None = None
    enrolled: bool | None = None
    enrolled_since: date | None = None
    back_at_school_on: date | None = None
    expert_name: str = ""
    expert_profession: ExpertProfession | None = None
    expert_statement_on: date | None = None
    expert_not_treating: bool = False
    never_fit: bool = False
    parents_involved_on: date | None = None
    parents_involved_how: str = ""
    child_heard_on: date | None = None
    confirmed_rules: str = ""
    law: LawStatus | None = None  # what the law's rules say on the day the record was made
    version: int = 1  # saved changes so far: pass it back as `update_case`'s expected_version

    @property
    def notice_kind(self) -> NoticeKind | None:
        """Which art. 6 notice `renewal_deadline` is for (first or yearly), if any."""
        return self.law.notice_kind if self.law else None

    def to_input(self) -> CaseInput:
        """The editable part, to change and pass to `update_case`."""
        return CaseInput(
            first_name=self.first_name,
            last_name=self.last_name,
            birth_date=self.birth_date,
            ground=self.ground,
            school=self.school,
            status=self.status,
            registered_on=self.registered_on,
            owner_id=self.owner_id,
            absent_since=self.absent_since,
            review_date=self.review_date,
            exemption_until=self.exemption_until,
            notes=self.notes,
            case_number=self.case_number,
            exemption_from=self.exemption_from,
            enrolled=self.enrolled,
            enrolled_since=self.enrolled_since,
            back_at_school_on=self.back_at_school_on,
            expert_name=self.expert_name,
            expert_profession=self.expert_profession,
            expert_statement_on=self.expert_statement_on,
            expert_not_treating=self.expert_not_treating,
            never_fit=self.never_fit,
            parents_involved_on=self.parents_involved_on,
            parents_involved_how=self.parents_involved_how,
            child_heard_on=self.child_heard_on,
            confirmed_rules=self.confirmed_rules,
        )


@dataclass(frozen=True)
class CaseFilter:
    """Filters for the case list; all optional, combined with AND."""

    text: str = ""
    ground: ExemptionGround | None = None
    status: CaseStatus | None = None
    owner_id: int | None = None
    include_closed: bool = True
    deadline_by: date | None = None  # renewal deadline or review date on or before this day
    thuiszitter: ThuiszitterSignal | None = None  # at least this signal (on `today`)
    today: date | None = None


def search_text_for(case_number: str, first_name: str, last_name: str, school: str) -> str:
    """The folded text that filter-as-you-type matches against (see `search_words`)."""
    # The name as one key, so "siobhanoneill" and "okonkwodevries" are found as well. The
    # school keeps its words apart: "dev" should not find every child of "De Vechtoever".
    return search_text(case_number, f"{first_name} {last_name}", *school.split())


_FOLD_SETTING = "search_fold_version"


def refresh_search_text(store: Store) -> int:
    """Recompute every case's search text once after the folding changed; how many changed.

    Stores made before (or by an older version) hold text folded the old way, which the typed
    words no longer match. Done once per store: a setting records the folding it holds. A
    store that cannot be written now (a full disk, opened read-only) is left as it is and
    tried again at the next unlock: this never blocks an unlock.
    """
    with store.read() as session:
        held = session.get(Setting, _FOLD_SETTING)
        if held is not None and held.value == SEARCH_FOLD_VERSION:
            return 0
    try:
        return _refold(store)
    except (OperationalError, CasusoverlegError):
        return 0


def _refold(store: Store) -> int:
    if store.is_server:
        return _refold_sealed(store)
    with store.write() as session:
        changes = [
            {"id": case_id, "version": version, "search_text": new}
            for case_id, version, number, first, last, school, old in session.execute(
                select(
                    Case.id,
                    Case.version,
                    Case.case_number,
                    Case.first_name,
                    Case.last_name,
                    Case.school,
                    Case.search_text,
                )
            )
            if (new := search_text_for(number, first, last, school)) != old
        ]
        if changes:
            # One executemany UPDATE by primary key, in the same transaction as the setting;
            # with each case's version (its version_id_col), which upkeep leaves as it is.
            session.execute(update(Case), changes)
        note_search_fold(session)
    return len(changes)


def _refold_sealed(store: Store) -> int:
    """`_refold` on a server store: the names are sealed there, so they are opened by loading
    each case, and the new text is sealed by the unit of work (a bulk UPDATE would send it in
    plain text, and is refused: store.sealing_events)."""
    changed = 0
    with store.write() as session:
        for case in session.scalars(select(Case)):
            new = search_text_for(case.case_number, case.first_name, case.last_name, case.school)
            if new != case.search_text:
                case.search_text = new
                changed += 1
        note_search_fold(session)
    return changed


def note_search_fold(session: Session) -> None:
    """Record that the store's search text is folded the current way (a new store is)."""
    session.merge(Setting(key=_FOLD_SETTING, value=SEARCH_FOLD_VERSION))


def validate(data: CaseInput, today: date | None = None) -> dict[str, str]:
    """Dutch messages per field for what is wrong with `data` (empty dict: fine)."""
    today = today or date.today()
    data = normalised(data)  # a name of only zero-width spaces is empty
    errors: dict[str, str] = {}
    if not data.first_name.strip():
        errors["first_name"] = "Vul de voornaam in."
    if not data.last_name.strip():
        errors["last_name"] = "Vul de achternaam in."
    if data.birth_date is None:
        errors["birth_date"] = "Vul de geboortedatum in."
    elif data.birth_date > today:
        errors["birth_date"] = "De geboortedatum ligt in de toekomst."
    elif data.birth_date.year < today.year - 30:
        errors["birth_date"] = "Deze geboortedatum is te lang geleden voor een leerplichtcasus."
    if data.ground is None:
        errors["ground"] = "Kies een grond."
    if data.registered_on and data.registered_on > today:
        errors["registered_on"] = "De aanmelddatum ligt in de toekomst."
    if data.absent_since and data.absent_since > today:
        errors["absent_since"] = "'Thuis sinds' ligt in de toekomst."
    for name in ("back_at_school_on", "expert_statement_on", "parents_involved_on",
                 "child_heard_on", "enrolled_since"):  # fmt: skip
        when = getattr(data, name)
        if when is not None and when > today:
            errors[name] = f"'{FIELD_LABELS[name].capitalize()}' ligt in de toekomst."
    if data.exemption_from and data.exemption_until and data.exemption_until < data.exemption_from:
        errors["exemption_until"] = "De vrijstelling eindigt vóór ze begint."
    if data.back_at_school_on and data.absent_since and data.back_at_school_on < data.absent_since:
        errors["back_at_school_on"] = "'Terug op school' ligt vóór 'thuis sinds'."
    if data.enrolled is False and data.enrolled_since is not None:
        errors["enrolled_since"] = "Niet ingeschreven, maar wel een datum van inschrijving."
    if len(data.case_number) > 40:
        errors["case_number"] = "Het casusnummer is te lang (hoogstens 40 tekens)."
    for name in ("first_name", "last_name", "school", "expert_name"):
        if len(getattr(data, name)) > 200:
            errors[name] = "Te lang (hoogstens 200 tekens)."
    if len(data.parents_involved_how) > 300:
        errors["parents_involved_how"] = "Te lang (hoogstens 300 tekens)."
    for name in ("case_number", "first_name", "last_name", "school", "expert_name",
                 "parents_involved_how"):  # fmt: skip
        if name not in errors and has_control(getattr(data, name)):
            errors[name] = "Bevat een onzichtbaar stuurteken; verwijder het."
    return errors


def findings(data: CaseInput, region: Region, today: date | None = None) -> list[Finding]:
    """What in `data` does not fit the law (`domain.plausibility`), confirmed or not."""
    facts = data.law_facts()
    if facts is None:
        return []
    return plausibility.check(facts, data.registered_on or today or date.today(), region)


def unconfirmed_findings(
    data: CaseInput, region: Region, today: date | None = None
) -> list[Finding]:
    """The findings the user has not confirmed yet; saving refuses while there are any."""
    return plausibility.unconfirmed(findings(data, region, today), data.confirmed_rules)


def confirmed_codes_for(data: CaseInput, found: list[Finding]) -> CaseInput:
    """`data` with the rules of `found` confirmed by the user (kept with the case)."""
    return replace(data, confirmed_rules=plausibility.confirmed_codes(found, data.confirmed_rules))


def region_of(session: Session) -> Region:
    """The school-holiday region the store's settings name (for school days)."""
    return Region(settings.load_settings_in(session).region)


def _check_plausible(session: Session, data: CaseInput, today: date) -> None:
    found = unconfirmed_findings(data, region_of(session), today)
    if found:
        raise NeedsConfirmation(found)


def _next_case_number(session: Session, year: int) -> str:
    prefix = f"{year}-"
    numbers = session.scalars(select(Case.case_number).where(Case.case_number.like(f"{prefix}%")))
    highest = 0
    for number in numbers:
        tail = number[len(prefix) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:04d}"


def _case_values(data: CaseInput) -> dict[str, object]:
    """The stored form of a case's editable fields (trimmed, enums as text)."""
    return {
        "first_name": data.first_name.strip(),
        "last_name": data.last_name.strip(),
        "birth_date": data.birth_date,
        "school": data.school.strip(),
        "ground": str(data.ground),
        "status": str(data.status),
        "registered_on": data.registered_on or date.today(),
        "owner_id": data.owner_id,
        "absent_since": data.absent_since,
        "review_date": data.review_date,
        "exemption_until": data.exemption_until,
        "notes": data.notes,
        "exemption_from": data.exemption_from,
        "enrolled": data.enrolled,
        "enrolled_since": data.enrolled_since,
        "back_at_school_on": data.back_at_school_on,
        "expert_name": data.expert_name.strip(),
        "expert_profession": str(data.expert_profession or ""),
        "expert_statement_on": data.expert_statement_on,
        "expert_not_treating": data.expert_not_treating,
        "never_fit": data.never_fit,
        "parents_involved_on": data.parents_involved_on,
        "parents_involved_how": data.parents_involved_how.strip(),
        "child_heard_on": data.child_heard_on,
        "confirmed_rules": data.confirmed_rules,
    }


def _apply(case: Case, data: CaseInput) -> list[str]:
    """Copy `data` onto `case`; returns the names of the fields that changed."""
    changed = []
    values = _case_values(data)
    for name, value in values.items():
        if getattr(case, name, None) != value:
            setattr(case, name, value)
            changed.append(name)
    # The closing date follows the status: a reopened case is open again, and a case saved
    # as closed has the day it was closed.
    if case.status != str(CaseStatus.AFGESLOTEN):
        case.closed_on = None
    elif case.closed_on is None:
        case.closed_on = data.closed_on or date.today()
    case.search_text = search_text_for(
        case.case_number, case.first_name, case.last_name, case.school
    )
    return changed


def retention_term(session: Session) -> RetentionTerm:
    """How long case files are kept, as the store's settings say (the one reader of the term)."""
    return RetentionTerm(settings.load_settings_in(session).retention_years)


# The columns the law's rules read, in the order of `law_facts_from` (for queries that do not
# load whole cases: the Overzicht, the agenda proposal, the Rapportage, `cases --json`).
LAW_COLUMNS = (
    Case.ground,
    Case.birth_date,
    Case.status,
    Case.absent_since,
    Case.back_at_school_on,
    Case.closed_on,
    Case.exemption_from,
    Case.exemption_until,
    Case.enrolled,
    Case.expert_statement_on,
    Case.never_fit,
)


def law_facts_from(values: Any) -> CaseLawFacts:
    """The facts the law's rules read, from a row of `LAW_COLUMNS`."""
    ground, birth, status, absent, back, closed, first, last, enrolled, statement, never = values
    return CaseLawFacts(
        ground=ExemptionGround(ground),
        birth_date=birth,
        status=CaseStatus(status),
        absent_since=absent,
        back_at_school_on=back,
        closed_on=closed,
        exemption_from=first,
        exemption_until=last,
        enrolled=enrolled,
        expert_statement_on=statement,
        never_fit=bool(never),
    )


def law_facts_of(case: Case) -> CaseLawFacts:
    """The facts the law's rules read, from a stored case."""
    return law_facts_from(tuple(getattr(case, column.key) for column in LAW_COLUMNS))


def _record(session: Session, case: Case, today: date) -> CaseRecord:
    ground = ExemptionGround(case.ground)
    law = law_status(law_facts_of(case), today, region_of(session))
    return CaseRecord(
        id=case.id,
        case_number=case.case_number,
        first_name=case.first_name,
        last_name=case.last_name,
        birth_date=case.birth_date,
        school=case.school,
        ground=ground,
        status=CaseStatus(case.status),
        registered_on=case.registered_on,
        owner_id=case.owner_id,
        owner_name=case.owner.name if case.owner else "",
        review_date=case.review_date,
        absent_since=case.absent_since,
        closed_on=case.closed_on,
        search_text=case.search_text,
        notes=case.notes,
        exemption_until=case.exemption_until,
        created_at=case.created_at,
        updated_at=case.updated_at,
        leerplicht=law.leerplicht,
        renewal_deadline=law.notice_due,
        thuiszitter=law.thuiszitter,
        retention_date=retention_term(session).until(case.birth_date),
        exemption_from=case.exemption_from,
        enrolled=case.enrolled,
        enrolled_since=case.enrolled_since,
        back_at_school_on=case.back_at_school_on,
        expert_name=case.expert_name,
        expert_profession=ExpertProfession(case.expert_profession)
        if case.expert_profession
        else None,
        expert_statement_on=case.expert_statement_on,
        expert_not_treating=case.expert_not_treating,
        never_fit=case.never_fit,
        parents_involved_on=case.parents_involved_on,
        parents_involved_how=case.parents_involved_how,
        child_heard_on=case.child_heard_on,
        confirmed_rules=case.confirmed_rules,
        law=law,
        version=case.version,
    )


def _check_unique_number(session: Session, number: str, own_id: int | None = None) -> None:
    stored = case_numbers.clash(session, number, own_id)
    if stored is not None:
        raise ValidationError({"case_number": case_numbers.clash_message(number, stored)})


def add_case(session: Session, store: Store, data: CaseInput, *, today: date) -> Case:
    """Insert a validated case inside the caller's transaction (used by create and import)."""
    errors = validate(data, today)
    if errors:
        raise ValidationError(errors)
    data = normalised(data)
    _check_plausible(session, data, today)
    number = data.case_number or _next_case_number(session, today.year)
    _check_unique_number(session, number)
    if data.owner_id is not None and session.get(Participant, data.owner_id) is None:
        raise ValidationError({"owner_id": "Kies een bestaande casushouder."})
    now = datetime.now()
    case = Case(case_number=number, created_at=now, updated_at=now)
    _apply(case, data)
    session.add(case)
    session.flush()
    return case


class BulkValidationError(BadInput):
    """Some of many cases are wrong; `problems` holds (index, field, Dutch message)."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} fout(en) gevonden; er is niets opgeslagen.")


# The field a plausibility rule reads, to point at it (the ground for a rule not listed here).
_FINDING_FIELDS = {
    "NIET_MEER_PLICHTIG": "birth_date",
    "VRIJSTELLING_VOOR_LEERPLICHT": "exemption_from",
    "VERKLARING_TE_OUD": "expert_statement_on",
}


def law_problems(
    inputs: list[CaseInput], region: Region, today: date
) -> list[tuple[int, str, Finding]]:
    """(index, field, finding) for each plausibility finding a new case has not confirmed."""
    return [
        (index, finding_field(finding, data), finding)
        for index, data in enumerate(inputs)
        for finding in unconfirmed_findings(data, region, today)
    ]


def finding_field(finding: Finding, data: CaseInput) -> str:
    """The field a plausibility finding points at (the ground for a rule not listed)."""
    name = _FINDING_FIELDS.get(finding.code, "ground")
    if name == "exemption_from" and data.exemption_from is None:
        return "exemption_until"
    return name


def check_cases(
    session: Session, inputs: list[CaseInput], *, today: date, plausible: bool = True
) -> list[tuple[int, str, str]]:
    """Sorted (index, field, Dutch message) of what is wrong with new cases; writes nothing.

    With `plausible` (the default: import, demo), each plausibility finding
    (`domain.plausibility`) that a case has not confirmed is a problem too, naming the rule and
    its article.
    """
    problems: list[tuple[int, str, str]] = []
    for index, data in enumerate(inputs):
        problems.extend((index, f, m) for f, m in validate(data, today).items())
    if plausible:
        problems.extend(
            (index, name, f"Past niet bij de Leerplichtwet: {finding.text}.")
            for index, name, finding in law_problems(inputs, region_of(session), today)
        )
    given = [clean_case_number(d.case_number) for d in inputs]
    first = case_numbers.first_of_each(given)
    taken = case_numbers.stored_keys(session) if first else {}
    for index, number in enumerate(given):
        if not number:
            continue
        key = case_number_key(number)
        if first[key] != index:
            message = f"Casusnummer {number} staat al in regel {first[key] + 1}."
            problems.append((index, "case_number", message))
        elif key in taken:
            message = case_numbers.clash_message(number, taken[key][1])
            problems.append((index, "case_number", message))
    owners = {d.owner_id for d in inputs if d.owner_id is not None}
    known = set(session.scalars(select(Participant.id).where(Participant.id.in_(owners))))
    problems.extend(
        (i, "owner_id", "Onbekende casushouder.")
        for i, d in enumerate(inputs)
        if d.owner_id is not None and d.owner_id not in known
    )
    return sorted(problems)


def add_cases(
    session: Session,
    store: Store,
    inputs: list[CaseInput],
    *,
    today: date,
    detail: str = "",
    action: AuditAction = AuditAction.CREATE,
    plausible: bool = True,
) -> list[str]:
    """Insert many cases inside the caller's transaction, or raise BulkValidationError.

    `plausible`: refuse cases that do not fit the law unless confirmed (see `check_cases`).
    """
    problems = check_cases(session, inputs, today=today, plausible=plausible)
    if problems:
        raise BulkValidationError(problems)
    next_number = int(_next_case_number(session, today.year).rsplit("-", 1)[1])
    now = datetime.now()
    rows: list[dict[str, object]] = []
    for data in map(normalised, inputs):
        number = data.case_number
        if not number:
            number = f"{today.year}-{next_number:04d}"
            next_number += 1
        values = _case_values(data)
        closed = data.status == CaseStatus.AFGESLOTEN
        values.update(
            closed_on=(data.closed_on or today) if closed else None,
            case_number=number,
            created_at=now,
            updated_at=now,
            search_text=search_text_for(
                number, data.first_name.strip(), data.last_name.strip(), data.school.strip()
            ),
        )
        rows.append(values)
    if not rows:
        return []
    numbers = [str(row["case_number"]) for row in rows]
    insert_rows = _insert_sealed if store.is_server else _insert_plain
    new_ids = insert_rows(session, rows)
    for number in numbers:
        audit.record(
            session,
            store,
            action,
            case_number=number,
            object_type="casus",
            object_id=new_ids[number],
            detail=detail,
        )
    return numbers


def _insert_sealed(session: Session, rows: list[dict[str, object]]) -> dict[str, int]:
    """New cases on a server store, as objects: the unit of work seals their children's
    columns (a bulk INSERT would send them in plain text, and is refused), and each id is its
    own object's, whatever other clients insert at the same time."""
    added = [Case(**row) for row in rows]
    session.add_all(added)
    session.flush()
    return {case.case_number: case.id for case in added}


def _insert_plain(session: Session, rows: list[dict[str, object]]) -> dict[str, int]:
    """New cases on the embedded store: one executemany INSERT."""
    # One executemany INSERT: the ORM's per-object bookkeeping costs more than the insert
    # itself (50,000 demo cases). The write lock is ours, so every id above the old highest
    # is one of these rows.
    highest = session.scalar(select(func.max(Case.id))) or 0
    session.execute(insert(Case), rows)
    return dict(session.execute(select(Case.case_number, Case.id).where(Case.id > highest)).all())


def create_cases(
    store: Store,
    inputs: list[CaseInput],
    *,
    today: date | None = None,
    detail: str = "",
    action: AuditAction = AuditAction.CREATE,
) -> list[str]:
    """Register many cases in one transaction: all or nothing. Returns their casusnummers."""
    today = today or date.today()
    with store.write() as session:
        return add_cases(session, store, inputs, today=today, detail=detail, action=action)


def create_case(store: Store, data: CaseInput, *, today: date | None = None) -> CaseRecord:
    """Register a new case."""
    today = today or date.today()
    with store.write() as session:
        case = add_case(session, store, data, today=today)
        _log_case(session, store, AuditAction.CREATE, case)
        session.refresh(case)
        return _record(session, case, today)


class CaseConflict(Conflict):
    """Someone else saved the case since this user loaded it; both versions are kept here."""

    mine: CaseInput
    theirs: CaseRecord

    def __init__(
        self, message: str, *, mine: CaseInput, theirs: CaseRecord, fields: tuple[str, ...]
    ) -> None:
        super().__init__(message, mine=mine, theirs=theirs, fields=fields)


def differing_fields(mine: CaseInput, theirs: CaseRecord) -> tuple[str, ...]:
    """The fields (keys of FIELD_LABELS, in form order) in which two versions of a case differ."""
    ours, stored = _case_values(normalised(mine)), _case_values(theirs.to_input())
    found = [name for name in FIELD_LABELS if name in ours and ours[name] != stored[name]]
    if mine.case_number and clean_case_number(mine.case_number) != theirs.case_number:
        found.insert(0, "case_number")
    return tuple(found)


def _last_editor(session: Session, case_id: int) -> str:
    """Who last saved the case, as the log says (their display name where there is one)."""
    account = session.scalar(
        select(AuditEvent.account)
        .where(
            AuditEvent.object_type == "casus",
            AuditEvent.object_id == str(case_id),
            AuditEvent.action == str(AuditAction.UPDATE),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if account is None:
        return "Iemand anders"
    shown = session.scalar(select(Account.display_name).where(Account.name == account))
    return shown or account


def _conflict(session: Session, case: Case, mine: CaseInput, today: date) -> CaseConflict:
    theirs = _record(session, case, today)
    fields = differing_fields(mine, theirs)
    when = f" (om {case.updated_at:%H:%M})" if case.updated_at else ""
    if fields:
        listed = ", ".join(FIELD_LABELS[name] for name in fields)
        what = f"Uw versie en die van hen verschillen in: {listed}."
    else:
        what = "Uw versie en die van hen zijn gelijk."
    message = (
        f"{_last_editor(session, case.id)} heeft deze casus intussen gewijzigd{when}. "
        f"Er is niets opgeslagen. {what} Kies of u uw versie opslaat of hun versie laadt."
    )
    return CaseConflict(message, mine=mine, theirs=theirs, fields=fields)


def update_case(
    store: Store,
    case_id: int,
    data: CaseInput,
    *,
    today: date | None = None,
    expected_version: int | None = None,
) -> CaseRecord:
    """Save changes to a case; the log names the changed fields, not their values.

    With `expected_version` (the version the user loaded) a case someone else saved in the
    meantime is not overwritten: CaseConflict, with both versions, and nothing written.
    """
    today = today or date.today()
    errors = validate(data, today)
    if errors:
        raise ValidationError(errors)
    try:
        return _update_case(store, case_id, data, today, expected_version)
    except StaleDataError:
        # Saved by someone else between our read and our write: the same conflict.
        with store.read() as session:
            raise _conflict(session, _case_or_raise(session, case_id), data, today) from None


def _update_case(
    store: Store, case_id: int, data: CaseInput, today: date, expected_version: int | None
) -> CaseRecord:
    typed = data
    data = normalised(data)
    with store.write() as session:
        case = _case_or_raise(session, case_id)
        if expected_version is not None and case.version != expected_version:
            raise _conflict(session, case, typed, today)
        _check_plausible(session, data, today)
        number = data.case_number
        if number and number != case.case_number:
            _check_unique_number(session, number, case.id)
            case.case_number = number
        changed = _apply(case, data)
        if changed:
            case.updated_at = datetime.now()
        audit.record(
            session,
            store,
            AuditAction.UPDATE,
            case_number=case.case_number,
            object_type="casus",
            object_id=case.id,
            detail="gewijzigd: " + ", ".join(FIELD_LABELS.get(c, c) for c in changed)
            if changed
            else "niets gewijzigd",
        )
        session.flush()
        session.refresh(case)
        return _record(session, case, today)


def get_case(store: Store, case_id: int, *, today: date | None = None) -> CaseRecord:
    """One whole case; the view is logged."""
    with store.write() as session:
        return view_case(session, store, case_id, today=today)


def view_case(
    session: Session, store: Store, case_id: int, *, today: date | None = None
) -> CaseRecord:
    """One whole case, its view logged, inside the caller's write transaction."""
    case = _case_or_raise(session, case_id)
    _log_case(session, store, AuditAction.VIEW, case)
    return _record(session, case, today or date.today())


def case_number_of(session: Session, case_id: int) -> str:
    """The casusnummer of a case, inside the caller's transaction; BadInput if it is gone."""
    return _case_or_raise(session, case_id).case_number


def _case_or_raise(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise BadInput("Deze casus bestaat niet (meer).")
    return case


def _log_case(
    session: Session, store: Store, action: AuditAction, case: Case, detail: str = ""
) -> None:
    audit.record(
        session,
        store,
        action,
        case_number=case.case_number,
        object_type="casus",
        object_id=case.id,
        detail=detail,
    )


def find_case_id(store: Store, case_number: str) -> int:
    """The id of the case with this casusnummer; BadInput if there is none."""
    with store.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.case_number == case_number.strip()))
        if case_id is None:  # "f-0001" or "F‐0001" for F-0001: the same casusnummer
            case_id = case_numbers.find(session, case_number)
    if case_id is None:
        raise BadInput(f"Er is geen casus met nummer {case_number}.")
    return case_id


def close_case(
    store: Store, case_id: int, *, on: date | None = None, today: date | None = None
) -> CaseRecord:
    """Close a case (status afgesloten, closing date set)."""
    today = today or date.today()
    with store.write() as session:
        case = _case_or_raise(session, case_id)
        if case.status == str(CaseStatus.AFGESLOTEN):
            raise BadInput(f"Casus {case.case_number} is al afgesloten.")
        case.status = str(CaseStatus.AFGESLOTEN)
        case.closed_on = on or today
        case.updated_at = datetime.now()
        _log_case(session, store, AuditAction.UPDATE, case, "afgesloten")
        return _record(session, case, today)


_ROW_COLUMNS = (
    Case.id,
    Case.case_number,
    Case.first_name,
    Case.last_name,
    Case.birth_date,
    Case.school,
    Case.ground,
    Case.status,
    Case.registered_on,
    Case.owner_id,
    Participant.name,
    Case.review_date,
    Case.absent_since,
    Case.closed_on,
    Case.search_text,
)


def _row_query(filt: CaseFilter, *, on_server: bool = False) -> Select[*tuple[Any, ...]]:
    """The case rows the filter asks for, by casusnummer. On a server store the search words
    are left out: `search_text` is sealed there, so `_found_by_words` matches them in the
    client on the opened rows, and `list_cases` sorts them there."""
    query: Select[*tuple[Any, ...]] = select(*_ROW_COLUMNS).outerjoin(
        Participant, Case.owner_id == Participant.id
    )
    for word in [] if on_server else search_words(filt.text):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Case.search_text.like(f"%{escaped}%", escape="\\"))
    if filt.ground is not None:
        query = query.where(Case.ground == str(filt.ground))
    if filt.status is not None:
        query = query.where(Case.status == str(filt.status))
    if filt.owner_id is not None:
        query = query.where(Case.owner_id == filt.owner_id)
    if not filt.include_closed:
        query = query.where(Case.status != str(CaseStatus.AFGESLOTEN))
    return query.order_by(Case.case_number)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _found_by_words(row: CaseRow, words: list[str]) -> bool:
    """`Case.search_text LIKE '%word%'` for every word, as SQLite does it: a substring match
    that ignores the case of ASCII letters only (for a server store, whose column is sealed)."""
    text = (row.search_text or "").translate(_ASCII_LOWER)
    return all(word.translate(_ASCII_LOWER) in text for word in words)


def _row_from(values: Any) -> CaseRow:
    (
        case_id, number, first, last, birth, school, ground, status, registered,
        owner_id, owner_name, review, absent, closed, search,
    ) = values  # fmt: skip
    return CaseRow(
        id=case_id,
        case_number=number,
        first_name=first,
        last_name=last,
        birth_date=birth,
        school=school,
        ground=ExemptionGround(ground),
        status=CaseStatus(status),
        registered_on=registered,
        owner_id=owner_id,
        owner_name=owner_name or "",
        review_date=review,
        absent_since=absent,
        closed_on=closed,
        search_text=search,
    )


def _matches_signals(row: CaseRow, law: LawStatus | None, filt: CaseFilter) -> bool:
    if law is None:  # no signal filter asked
        return True
    if filt.deadline_by is not None:
        due = [d for d in (law.notice_due, row.review_date) if d is not None]
        if not any(d <= filt.deadline_by for d in due):
            return False
    if filt.thuiszitter is not None:
        order = list(ThuiszitterSignal)
        if order.index(law.thuiszitter) < order.index(filt.thuiszitter):
            return False
    return True


def _law_by_id(session: Session, filt: CaseFilter, today: date) -> dict[int, LawStatus] | None:
    """Each case's law status on `today`, when the filter asks for a signal; else None."""
    if filt.deadline_by is None and filt.thuiszitter is None:
        return None
    region = region_of(session)
    return {
        values[0]: law_status(law_facts_from(values[1:]), today, region)
        for values in session.execute(select(Case.id, *LAW_COLUMNS))
    }


def list_cases(
    store: Store, filt: CaseFilter | None = None, *, log_search: bool = True
) -> list[CaseRow]:
    """Cases matching the filter, by casusnummer; a search with criteria is logged."""
    filt = filt or CaseFilter()
    today = filt.today or date.today()
    with store.write() as session:
        rows = []
        laws = _law_by_id(session, filt, today)
        on_server = store.is_server
        words = search_words(filt.text) if on_server else []
        for values in session.execute(_row_query(filt, on_server=on_server)):
            row = _row_from(values)
            if words and not _found_by_words(row, words):
                continue
            if _matches_signals(row, laws[row.id] if laws is not None else None, filt):
                rows.append(row)
        if on_server:
            # SQLite sorts text by its bytes; a server's collation may not (dashes, case).
            rows.sort(key=lambda row: row.case_number.encode())
        if log_search:
            criteria = {
                k: str(v)
                for k, v in vars(replace(filt, today=None)).items()
                if v not in (None, "", True)
            }
            if "text" in criteria:
                # What was typed is often a child's name; the hash-chained log keeps it for
                # good (also after the case is destroyed), so it records only its length.
                criteria["text"] = f"{len(filt.text)} tekens"
            audit.record(
                session,
                store,
                AuditAction.SEARCH,
                object_type="casussen",
                detail=f"{len(rows)} gevonden; " + (str(criteria) if criteria else "alle"),
            )
        return rows


def count_cases(store: Store) -> int:
    """How many cases the store holds (for "312 van 4.120 casussen")."""
    with store.read() as session:
        return int(session.scalar(select(func.count(Case.id))) or 0)
