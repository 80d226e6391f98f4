"""Rapportage per school year (Lpw art. 25): exemptions by ground, children at home by the
policy definitions, median days at home from `law_status`, the group's advice; and the xlsx."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casusoverleg.domain import plausibility
from casusoverleg.domain.enums import (
    Advice,
    Alternative,
    AuditAction,
    CaseStatus,
    ExemptionGround,
    MeetingStatus,
)
from casusoverleg.domain.school_year import SchoolYear, school_year_of
from casusoverleg.errors import BadInput
from casusoverleg.services import agenda, audit, cases, exports, meetings, reports
from casusoverleg.services.reports import ExemptionCounts, HomeGroup, Report
from casusoverleg.services.store import Store
from casusoverleg.store.models import AgendaItem, Case, Meeting, MinutesEntry
from tests.helpers.stores import sample_case

TODAY = date(2027, 7, 31)  # the last day of school year 2026-2027
Y2025 = SchoolYear(2025)  # 2025-2026
Y2026 = SchoolYear(2026)  # 2026-2027
HOME = ExemptionGround.THUISZITTER


def add(store: Store, first: str, **values: object) -> int:
    """Register a case on `TODAY`, confirming any plausibility finding (as a user may)."""
    data = sample_case(first, "Test", **values)
    try:
        return cases.create_case(store, data, today=TODAY).id
    except cases.NeedsConfirmation as exc:
        codes = plausibility.confirmed_codes(exc.findings, data.confirmed_rules)
        return cases.create_case(store, replace(data, confirmed_rules=codes), today=TODAY).id


def report(store: Store, today: date = TODAY) -> Report:
    """The report on `today`."""
    return reports.school_year_report(store, today=today)


def test_school_year_runs_from_1_august_to_31_july_wpo_art1() -> None:
    """WPO art. 1 "schooljaar": 1 August up to and including 31 July (Lpw art. 25 reports per
    school year)."""
    assert school_year_of(date(2026, 7, 31)) == Y2025
    assert school_year_of(date(2026, 8, 1)) == Y2026
    assert (Y2026.start, Y2026.end, Y2026.label) == (
        date(2026, 8, 1),
        date(2027, 7, 31),
        "2026-2027",
    )
    assert date(2027, 7, 31) in Y2026 and date(2027, 8, 1) not in Y2026


def test_lpw_art25_june_and_september_registrations_fall_in_different_school_years(
    store: Store,
) -> None:
    """Lpw art. 25: per school year. Without an exemption start the registration day counts."""
    add(store, "Juni", registered_on=date(2026, 6, 15))
    add(store, "September", registered_on=date(2026, 9, 15), exemption_from=date(2026, 9, 20))
    figures = report(store)
    old, new = figures.year(2025), figures.year(2026)
    assert old is not None and new is not None
    assert old.exemption(ExemptionGround.ART5_A) == ExemptionCounts(new=1, from_registration=1)
    # The June exemption, still in force on 1 August, is renewed in 2026-2027.
    assert new.exemption(ExemptionGround.ART5_A) == ExemptionCounts(
        new=1, renewed=1, from_registration=1
    )


def test_lpw_art5_art15_exemptions_new_renewed_ended_by_ground(store: Store) -> None:
    """Exemptions by ground (Lpw art. 5 onder a/b/c, 15): ended by their end date or closing;
    none renewed once the plicht ended (art. 4b, 18th birthday)."""
    add(
        store,
        "Lang",
        ground=ExemptionGround.ART5_B,
        registered_on=date(2024, 8, 20),
        exemption_from=date(2024, 9, 1),
        exemption_until=date(2027, 3, 31),
    )
    add(
        store,
        "Gesloten",
        ground=ExemptionGround.ART15,
        birth_date=date(2009, 1, 10),
        registered_on=date(2025, 10, 1),
        exemption_from=date(2025, 10, 1),
        status=CaseStatus.AFGESLOTEN,
        closed_on=date(2027, 2, 1),
    )
    add(
        store,
        "Volwassen",
        ground=ExemptionGround.ART5_C,
        birth_date=date(2007, 5, 1),  # 18 on 2025-05-01
        registered_on=date(2024, 9, 1),
        exemption_from=date(2024, 9, 1),
    )
    figures = report(store)
    y2024, y2025, y2026 = (figures.year(y) for y in (2024, 2025, 2026))
    assert y2024 is not None and y2025 is not None and y2026 is not None
    assert y2024.exemption(ExemptionGround.ART5_B) == ExemptionCounts(new=1)
    assert y2025.exemption(ExemptionGround.ART5_B) == ExemptionCounts(renewed=1)
    assert y2026.exemption(ExemptionGround.ART5_B) == ExemptionCounts(renewed=1, ended=1)
    assert y2025.exemption(ExemptionGround.ART15) == ExemptionCounts(new=1)
    assert y2026.exemption(ExemptionGround.ART15) == ExemptionCounts(renewed=1, ended=1)
    assert y2024.exemption(ExemptionGround.ART5_C) == ExemptionCounts(new=1)
    assert y2025.exemption(ExemptionGround.ART5_C) == ExemptionCounts()  # 18 before 1 Aug 2025
    assert y2026.exemption_total == ExemptionCounts(renewed=2, ended=2)
    assert ExemptionGround.ART11 not in y2026.exemptions


@pytest.fixture
def at_home(store: Store) -> Store:
    """Children at home in 2026-2027, each of the issue's examples."""
    # Leerplicht begins mid-absence: born 2021-10-03, leerplichtig from Monday 2026-11-02.
    add(
        store,
        "Jong",
        ground=HOME,
        enrolled=True,
        birth_date=date(2021, 10, 3),
        registered_on=date(2026, 9, 1),
        absent_since=date(2026, 4, 8),
    )
    # An exemption in force from 2026-10-01: only the 30 days before it count.
    add(
        store,
        "Vrijgesteld",
        ground=HOME,
        enrolled=True,
        registered_on=date(2026, 9, 1),
        absent_since=date(2026, 9, 1),
        exemption_from=date(2026, 10, 1),
    )
    # Back at school on 2026-10-15: 44 days.
    add(
        store,
        "Terug",
        ground=HOME,
        enrolled=True,
        registered_on=date(2026, 9, 1),
        absent_since=date(2026, 9, 1),
        back_at_school_on=date(2026, 10, 15),
    )
    # 18 on 2027-03-05, not enrolled (absoluut verzuim): counted up to the birthday.
    add(
        store,
        "Achttien",
        ground=HOME,
        enrolled=False,
        birth_date=date(2009, 3, 5),
        registered_on=date(2026, 11, 1),
        absent_since=date(2026, 11, 1),
    )
    # Enrolment unknown, at home since 2027-06-01, still at home.
    add(
        store,
        "Onbekend",
        ground=HOME,
        registered_on=date(2027, 6, 1),
        absent_since=date(2027, 6, 1),
    )
    # At home with a ground under art. 11 (ziekte): not a thuiszitter.
    add(
        store,
        "Ziek",
        ground=ExemptionGround.ART11,
        enrolled=True,
        registered_on=date(2027, 1, 10),
        absent_since=date(2027, 1, 10),
    )
    return store


def test_lpw_art3_thuiszitter_days_count_from_the_start_of_leerplicht(at_home: Store) -> None:
    """Lpw art. 3 lid 1: days before the leerplicht begins (first school day of the month after
    the 5th birthday) do not count; 2025-2026 has none of this child's days."""
    figures = report(at_home)
    old = figures.year(2025)
    assert old is not None and old.home[HomeGroup.THUISZITTER].children == 0
    enrolled = figures.year(2026)
    assert enrolled is not None
    home = enrolled.home[HomeGroup.THUISZITTER]
    # Jong: 2026-11-02 .. 2027-07-31 = 271 days; Vrijgesteld 30; Terug 44.
    assert (home.children, home.max_days, home.median_days) == (3, 271, 44.0)


def test_thuiszitter_definition_enrolled_over_4_weeks_and_3_months_art5_exemption_and_back(
    at_home: Store,
) -> None:
    """Policy definition (Kamerstuk 26 695 nr. 108): enrolled, > 4 weeks; > 3 months apart.
    Days under an exemption (Lpw art. 5/15) do not count; the stretch ends back at school."""
    figures = report(at_home).year(2026)
    assert figures is not None
    home = figures.home[HomeGroup.THUISZITTER]
    # All three passed 4 weeks (271, 30, 44 days); only the youngest passed 3 months.
    assert (home.over_four_weeks, home.over_three_months) == (3, 1)
    assert home.at_home_at_end == 1  # the exemption and the return ended the other two


def test_lpw_art4b_18th_birthday_ends_the_count_and_absolute_verzuim_is_separate(
    at_home: Store,
) -> None:
    """Lpw art. 4b: kwalificatieplicht ends on the 18th birthday; not enrolled (absoluut
    verzuim, art. 2 lid 1) is counted apart from enrolled thuiszitters."""
    figures = report(at_home).year(2026)
    assert figures is not None
    adult = figures.home[HomeGroup.ABSOLUUT]
    days = (date(2027, 3, 5) - date(2026, 11, 1)).days
    assert (adult.children, adult.median_days, adult.over_three_months) == (1, days, 1)
    assert adult.at_home_at_end == 0
    unknown = figures.home[HomeGroup.ONBEKEND]
    assert (unknown.children, unknown.max_days, unknown.over_four_weeks) == (1, 60, 1)


def test_lpw_art11_children_at_home_in_care_are_not_thuiszitters(at_home: Store) -> None:
    """Lpw art. 11 (ziekte, verlof) is a ground to be absent: counted in its own row."""
    figures = report(at_home).year(2026)
    assert figures is not None
    care = figures.home[HomeGroup.ART11]
    assert (care.children, care.max_days) == (1, (TODAY - date(2027, 1, 10)).days)
    thuiszitters = sum(figures.home[g].children for g in HomeGroup if g != HomeGroup.ART11)
    assert thuiszitters == 5


def test_report_on_a_day_within_the_school_year_counts_up_to_that_day(at_home: Store) -> None:
    """A report made during the school year counts the days at home up to that day."""
    figures = report(at_home, date(2026, 12, 2)).year(2026)
    assert figures is not None
    home = figures.home[HomeGroup.THUISZITTER]
    # Jong: 2026-11-02 .. 2026-12-02 = 30 days; Vrijgesteld 30; Terug 44.
    assert (home.children, home.median_days, home.max_days) == (3, 30.0, 44)
    assert (home.over_three_months, home.at_home_at_end) == (0, 1)
    assert figures.home[HomeGroup.ART11].children == 0


def _advise(store: Store, on: date, case_ids: list[int], advice: list[tuple[Advice, str]]) -> None:
    meeting = meetings.add_meeting(store, on, time(13, 30), 120)
    agenda.build_agenda(store, meeting.id, case_ids=case_ids)
    now = datetime.now()
    # The advice written as the minutes store it (the minutes screen's own rules aside).
    with store.write() as session:
        items = session.scalars(
            AgendaItem.__table__.select()
            .with_only_columns(AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.case_id.is_not(None))
            .order_by(AgendaItem.id)
        ).all()
        for item_id, (given, weighed) in zip(items, advice, strict=True):
            session.add(
                MinutesEntry(
                    agenda_item_id=item_id,
                    advice=str(given),
                    alternatives=weighed,
                    created_at=now,
                    updated_at=now,
                )
            )


def test_advice_outcomes_per_school_year_alternative_instead_of_exemption(store: Store) -> None:
    """The group's advice per school year of the meeting ("vrijstelling mag niet het
    afvoerputje worden": how often an alternative was advised instead of an exemption)."""
    ids = [add(store, f"Kind{i}", registered_on=date(2026, 5, 1)) for i in range(4)]
    _advise(
        store,
        date(2026, 7, 2),
        ids[:2],
        [(Advice.VRIJSTELLING_PASSEND, ""), (Advice.DEELTIJDROOSTER, "")],
    )
    weighed = f"{Alternative.DEELTIJDROOSTER},{Alternative.ANDERE_SCHOOL}"
    _advise(
        store,
        date(2026, 9, 10),
        ids,
        [
            (Advice.VRIJSTELLING_PASSEND, weighed),
            (Advice.ONDERWIJS_ZORGARRANGEMENT, ""),
            (Advice.TERUGLEIDINGSTRAJECT, ""),
            (Advice.NADER_ONDERZOEK, ""),
        ],
    )
    cancelled = meetings.add_meeting(store, date(2026, 10, 1), time(13, 30), 60)
    agenda.build_agenda(store, cancelled.id, case_ids=ids[:1])
    with store.write() as session:
        item = session.scalar(
            AgendaItem.__table__.select()
            .with_only_columns(AgendaItem.id)
            .where(AgendaItem.meeting_id == cancelled.id, AgendaItem.case_id.is_not(None))
        )
        now = datetime.now()
        session.add(
            MinutesEntry(
                agenda_item_id=item,
                advice=str(Advice.VRIJSTELLING_PASSEND),
                created_at=now,
                updated_at=now,
            )
        )
        meeting = session.get(Meeting, cancelled.id)
        assert meeting is not None
        meeting.status = str(MeetingStatus.GEANNULEERD)
    figures = report(store)
    old, new = figures.year(2025), figures.year(2026)
    assert old is not None and new is not None
    assert (old.advice.total, old.advice.exemption, old.advice.alternative_instead) == (2, 1, 1)
    assert old.advice.exemption_with_alternatives == 0
    assert new.advice.total == 4
    assert new.advice.by_advice[Advice.NADER_ONDERZOEK] == 1
    assert (new.advice.exemption, new.advice.exemption_with_alternatives) == (1, 1)
    assert new.advice.alternative_instead == 2
    # Time to the first advice, by the school year of registration (May 2026: 2025-2026): the
    # first two on 2026-07-02 (62 days), the other two on 2026-09-10 (132 days).
    waited = old.advice_time
    assert (waited.cases, waited.median_days, waited.max_days) == (4, 97.0, 132)
    assert new.advice_time.cases == 0


def test_export_statistics_xlsx_reads_back_the_same_figures_without_names(
    at_home: Store, tmp_path: Path
) -> None:
    """The xlsx holds the screen's figures per school year, numbers only; the export is logged."""
    add(at_home, "Vrij", registered_on=date(2026, 9, 15), exemption_from=date(2026, 9, 20))
    path = tmp_path / "rapportage.xlsx"
    rows = exports.export_statistics(at_home, path, today=TODAY)
    assert rows > 0
    book = load_workbook(path)
    assert book.sheetnames == ["Vrijstellingen", "Thuis", "Adviezen", "Tijd tot advies"]
    exempt = list(book["Vrijstellingen"].iter_rows(values_only=True))
    assert exempt[0][:5] == ("schooljaar", "grond", "nieuw", "verlengd", "beëindigd")
    assert ("2026-2027", ExemptionGround.ART5_A.label, 1, 0, 0, 0) in exempt
    home = list(book["Thuis"].iter_rows(values_only=True))
    assert home[0][0] == "schooljaar"
    enrolled = next(r for r in home if r[0] == "2026-2027" and r[1] == HomeGroup.THUISZITTER.label)
    assert enrolled[2:] == (3, 3, 1, 1, 44, 271)
    advice = list(book["Adviezen"].iter_rows(values_only=True))
    assert advice[0][0] == "schooljaar"
    text = " ".join(
        str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row
    )
    for name in ("Jong", "Vrijgesteld", "Terug", "Achttien", "Test"):
        assert name not in text
    with at_home.read() as session:
        numbers = session.scalars(select(Case.case_number)).all()
    assert len(numbers) == 7 and all(n not in text for n in numbers)
    (event,) = [e for e in audit.list_events(at_home) if e.action == AuditAction.EXPORT]
    assert event.object_type == "statistiek"
    with pytest.raises(BadInput):
        exports.export_statistics(at_home, tmp_path / "rapportage.csv")
