"""The law's rules on one case on one day (`domain.case_law.law_status`), each test naming the
article it checks (quoted in docs/leerplichtwet.md), and the examples of issue 11."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from casusoverleg.domain.case_law import CaseLawFacts, NoticeKind, law_status
from casusoverleg.domain.enums import CaseStatus, ExemptionGround
from casusoverleg.domain.leerplicht import LeerplichtStatus
from casusoverleg.domain.plausibility import check
from casusoverleg.domain.thuiszitter import ThuiszitterSignal

G = ExemptionGround
T = ThuiszitterSignal


def thuiszitter(birth: date, absent: date, **kwargs: object) -> CaseLawFacts:
    """A thuiszitter case: at home since `absent`."""
    return CaseLawFacts(G.THUISZITTER, birth, absent_since=absent, **kwargs)  # type: ignore[arg-type]


# -- Lpw art. 3 lid 1 and art. 4b: time at home counts only in leer- or kwalificatieplicht ------


def test_lpw_art3_leerplicht_beginning_mid_absence_counts_from_its_first_school_day() -> None:
    # Issue 11: born 2021-10-03, leerplichtig from Monday 2 November 2026 (1 November is a
    # Sunday), "thuis sinds" 2026-04-08: on 2026-12-01 that is 29 days, past 4 weeks, not 3 months.
    status = law_status(thuiszitter(date(2021, 10, 3), date(2026, 4, 8)), date(2026, 12, 1))
    assert status.leerplicht_from == date(2026, 11, 2)
    assert status.home.since == date(2026, 11, 2)
    assert status.days_at_home == 29
    assert status.thuiszitter == T.VIER_WEKEN


def test_lpw_art3_no_signal_before_the_leerplicht_begins() -> None:
    status = law_status(thuiszitter(date(2021, 10, 3), date(2026, 4, 8)), date(2026, 10, 30))
    assert status.leerplicht == LeerplichtStatus.NOG_NIET_LEERPLICHTIG
    assert status.thuiszitter == T.GEEN
    assert status.days_at_home == 0


def test_lpw_art4b_eighteenth_birthday_mid_absence_ends_the_signal() -> None:
    # Issue 11: 18 on 2027-03-05; on 2027-03-09 no longer proposed as a thuiszitter. The days at
    # home stop at the birthday (for reporting), 117 days from 2026-11-08.
    facts = thuiszitter(date(2009, 3, 5), date(2026, 11, 8))
    assert law_status(facts, date(2027, 3, 4)).thuiszitter == T.DRIE_MAANDEN
    after = law_status(facts, date(2027, 3, 9))
    assert after.leerplicht == LeerplichtStatus.NIET_MEER_PLICHTIG
    assert after.thuiszitter == T.GEEN
    assert after.home.until == date(2027, 3, 5)
    assert after.days_at_home == 117


@pytest.mark.parametrize("birth", [date(2007, 6, 1), date(2005, 2, 14)])
def test_lpw_art4b_nineteen_and_twenty_one_year_olds_are_no_thuiszitters(birth: date) -> None:
    status = law_status(thuiszitter(birth, date(2026, 1, 5)), date(2026, 12, 1))
    assert status.leerplicht == LeerplichtStatus.NIET_MEER_PLICHTIG
    assert status.thuiszitter == T.GEEN


# -- thuiszitter definition (Kamerstuk 26 695 nr. 108): no exemption, until back at school ------


def test_thuiszitter_with_an_exemption_in_force_is_not_counted() -> None:
    facts = thuiszitter(date(2014, 1, 1), date(2026, 1, 5), exemption_from=date(2026, 3, 1))
    status = law_status(facts, date(2026, 12, 1))
    assert status.exemption_in_force
    assert status.thuiszitter == T.GEEN
    assert (status.home.since, status.home.until) == (date(2026, 1, 5), date(2026, 3, 1))


def test_thuiszitter_count_starts_again_after_the_exemption_ends() -> None:
    facts = thuiszitter(
        date(2014, 1, 1),
        date(2026, 1, 5),
        exemption_from=date(2026, 3, 1),
        exemption_until=date(2026, 7, 31),
    )
    status = law_status(facts, date(2026, 9, 15))
    assert not status.exemption_in_force
    assert status.home.since == date(2026, 8, 1)
    assert status.thuiszitter == T.VIER_WEKEN


def test_child_back_at_school_is_no_longer_counted() -> None:
    facts = thuiszitter(date(2014, 1, 1), date(2026, 1, 5), back_at_school_on=date(2026, 6, 1))
    status = law_status(facts, date(2026, 12, 1))
    assert status.thuiszitter == T.GEEN
    assert status.days_at_home == 147  # 5 January up to 1 June, not up to today or a closing
    before = law_status(facts, date(2026, 5, 31))
    assert before.thuiszitter == T.DRIE_MAANDEN


def test_closed_case_without_a_return_date_counts_to_its_closing() -> None:
    facts = thuiszitter(
        date(2014, 1, 1),
        date(2026, 1, 5),
        status=CaseStatus.AFGESLOTEN,
        closed_on=date(2026, 2, 5),
    )
    status = law_status(facts, date(2026, 12, 1))
    assert (status.thuiszitter, status.days_at_home) == (T.GEEN, 31)


def test_art11_child_at_home_in_care_gets_no_thuiszitter_signal() -> None:
    facts = CaseLawFacts(G.ART11, date(2014, 1, 1), absent_since=date(2026, 1, 5))
    status = law_status(facts, date(2026, 12, 1))
    assert status.thuiszitter == T.GEEN
    assert status.days_at_home > 300  # the days are known, for reporting apart


# -- Lpw art. 6 lid 2: the notices ----------------------------------------------------------------


def test_lpw_art6_lid2a_first_notice_a_month_before_the_leerplicht() -> None:
    # Issue 11: born 2022-11-10; leerplicht from Wednesday 1 December 2027, so the first notice
    # is due on Monday 1 November 2027, not "verlenging vóór 1 juli" in June 2027.
    status = law_status(CaseLawFacts(G.ART5_A, date(2022, 11, 10)), date(2027, 6, 10))
    assert status.leerplicht_from == date(2027, 12, 1)
    assert (status.notice_kind, status.notice_due) == (NoticeKind.EERSTE, date(2027, 11, 1))


def test_lpw_art6_lid2b_yearly_notice_is_due_30_june() -> None:
    facts = CaseLawFacts(G.ART5_B, date(2015, 1, 1))
    status = law_status(facts, date(2028, 6, 1))
    assert (status.notice_kind, status.notice_due) == (NoticeKind.JAARLIJKS, date(2028, 6, 30))
    # On 1 July the deadline has passed: the next one is shown, never "due today".
    assert law_status(facts, date(2027, 7, 1)).notice_due == date(2028, 6, 30)


def test_lpw_art6_lid2b_30_june_on_a_saturday_acts_on_friday_29_june() -> None:
    assert date(2029, 6, 30).weekday() == 5
    status = law_status(CaseLawFacts(G.ART5_C, date(2015, 1, 1)), date(2029, 5, 1))
    assert status.notice_due == date(2029, 6, 29)


def test_lpw_art6_lid2b_no_renewal_once_the_plicht_has_ended() -> None:
    # Issue 11: a 5 onder a case whose child turned 18 on 2027-03-01 gets no "verlenging" on
    # 2027-05-15 (art. 4b ends the kwalificatieplicht on the 18th birthday).
    status = law_status(CaseLawFacts(G.ART5_A, date(2009, 3, 1)), date(2027, 5, 15))
    assert status.leerplicht == LeerplichtStatus.NIET_MEER_PLICHTIG
    assert status.notice_due is None


def test_lpw_art6_lid2b_no_renewal_when_18_before_the_next_school_year() -> None:
    # Still kwalificatieplichtig in May, but 18 before 1 July: nothing left to claim.
    status = law_status(CaseLawFacts(G.ART5_B, date(2009, 6, 20)), date(2027, 5, 15))
    assert status.leerplicht == LeerplichtStatus.KWALIFICATIEPLICHTIG
    assert status.notice_due is None


def test_lpw_art6_lid3_never_fit_statement_needs_no_yearly_notice() -> None:
    facts = CaseLawFacts(
        G.ART5_A, date(2015, 1, 1), expert_statement_on=date(2026, 5, 1), never_fit=True
    )
    waived = law_status(facts, date(2027, 5, 1))
    assert (waived.notice_due, waived.notice_waived) == (None, True)
    # Without the statement itself the claim "nooit geschikt" does not count.
    unproven = CaseLawFacts(G.ART5_A, date(2015, 1, 1), never_fit=True)
    assert law_status(unproven, date(2027, 5, 1)).notice_due == date(2027, 6, 30)
    # Nothing is waived where nothing would be due (18 before 1 July, art. 4b).
    adult = replace(facts, birth_date=date(2009, 3, 1))
    assert law_status(adult, date(2027, 5, 1)).notice_waived is False


def test_lpw_art6_only_art5_grounds_give_notice() -> None:
    for ground in (G.ART15, G.ART3A, G.ART3B, G.ART11, G.THUISZITTER, G.PREVENTIEF):
        assert (
            law_status(CaseLawFacts(ground, date(2012, 1, 1)), date(2027, 5, 1)).notice_due is None
        )


def test_lpw_art7_5_onder_a_without_statement_is_flagged() -> None:
    assert law_status(CaseLawFacts(G.ART5_A, date(2015, 1, 1)), date(2027, 5, 1)).statement_missing
    with_it = CaseLawFacts(G.ART5_A, date(2015, 1, 1), expert_statement_on=date(2027, 4, 1))
    assert not law_status(with_it, date(2027, 5, 1)).statement_missing


# -- plausibility: grounds at the ages the law gives them -----------------------------------------


def codes(ground: ExemptionGround, birth: date, registered: date, **kwargs: object) -> list[str]:
    facts = CaseLawFacts(ground, birth, **kwargs)  # type: ignore[arg-type]
    return [finding.code for finding in check(facts, registered)]


def test_lpw_art15_only_for_a_kwalificatieplichtige() -> None:
    assert codes(G.ART15, date(2016, 5, 1), date(2026, 10, 1)) == ["ART15_LEEFTIJD"]  # age 10
    assert codes(G.ART15, date(2009, 5, 1), date(2026, 10, 1)) == []  # 17
    # Asked in the last school year of leerplicht, for the year after: plausible.
    assert codes(G.ART15, date(2010, 5, 1), date(2026, 5, 1)) == []


def test_lpw_art3a_only_from_14() -> None:
    assert codes(G.ART3A, date(2013, 1, 1), date(2026, 12, 31)) == ["ART3A_LEEFTIJD"]
    assert codes(G.ART3A, date(2013, 1, 1), date(2027, 1, 1)) == []


def test_lpw_art3b_only_for_the_last_school_year_of_leerplicht() -> None:
    assert codes(G.ART3B, date(2014, 5, 1), date(2026, 10, 1)) == ["ART3B_SCHOOLJAAR"]  # 12
    assert codes(G.ART3B, date(2010, 9, 1), date(2026, 3, 1)) == []  # 16 in the next year


def test_lpw_art3_exemption_for_a_three_year_old_until_2027() -> None:
    found = codes(G.ART5_A, date(2023, 3, 1), date(2026, 10, 1), exemption_until=date(2027, 7, 31))
    assert found == ["VRIJSTELLING_VOOR_LEERPLICHT"]


def test_lpw_art4b_case_of_an_adult() -> None:
    assert codes(G.ART5_B, date(2005, 2, 14), date(2026, 10, 1)) == ["NIET_MEER_PLICHTIG"]


def test_lpw_art7_statement_older_than_three_months() -> None:
    found = codes(
        G.ART5_A,
        date(2015, 1, 1),
        date(2026, 10, 1),
        expert_statement_on=date(2026, 5, 1),
        exemption_from=date(2026, 9, 1),
    )
    assert found == ["VERKLARING_TE_OUD"]
