"""The dossier PDF and the law (issue 11 item 3 and 5): the new fields, the law status from the one
computation, and a retention sentence that never promises a date that has passed. Read back
from the PDF with pypdf."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from casusoverleg.documents.dossier import retention_text
from casusoverleg.domain.enums import CaseStatus, ExemptionGround, ExpertProfession
from casusoverleg.services import cases, documents
from casusoverleg.services.store import Store
from tests.helpers.pdfs import all_text, squashed
from tests.helpers.stores import sample_case

TODAY = date(2026, 12, 1)


def _dossier(store: Store, tmp_path: Path, data: cases.CaseInput) -> str:
    record = cases.create_case(store, data, today=TODAY)
    path = tmp_path / "dossier.pdf"
    documents.print_dossier(store, record.id, path, today=TODAY)
    return squashed(all_text(path))


def test_lpw_art6_art7_dossier_prints_the_new_fields_and_the_law_status(
    store: Store, tmp_path: Path
) -> None:
    """Art. 7 statement (profession, date), exemption from/until, enrolment, back at school,
    parents and child, and the law status: leerplicht (art. 3 lid 1) and the yearly notice due
    30 June (art. 6 lid 2 onder b)."""
    text = _dossier(
        store,
        tmp_path,
        sample_case(
            case_number="2026-0001",
            status=CaseStatus.ADVIES_UITGEBRACHT,
            exemption_from=date(2026, 8, 1),
            exemption_until=date(2027, 7, 31),
            expert_name="Dr. P. Mulder",
            expert_profession=ExpertProfession.ARTS,
            expert_statement_on=date(2026, 7, 1),
            expert_not_treating=True,
            enrolled=True,
            enrolled_since=date(2022, 8, 22),
            absent_since=date(2026, 5, 11),
            back_at_school_on=date(2026, 6, 15),
            parents_involved_on=date(2026, 9, 3),
            parents_involved_how="gesprek op school",
            child_heard_on=date(2026, 9, 10),
        ),
    )
    for words in (
        "Leerplicht leerplichtig (leerplicht vanaf 01-04-2019)",
        "Kennisgeving uiterlijk 30-06-2027 (jaarlijkse kennisgeving, art. 6 lid 2 Leerplichtwet)",
        "Vrijstelling vanaf 01-08-2026",
        "Vrijstelling tot 31-07-2027",
        "Verklaring deskundige (art. 7) Dr. P. Mulder, arts, verklaring van 01-07-2026; niet de "
        "behandelaar",
        "Ingeschreven op een school ja, sinds 22-08-2022",
        "Thuis sinds 11-05-2026",
        "Terug op school 15-06-2026",
        "Ouders betrokken 03-09-2026: gesprek op school",
        "Kind gehoord op 10-09-2026",
    ):
        assert words in text, words


def test_dossier_law_status_is_the_records_own(store: Store, tmp_path: Path) -> None:
    """Lpw art. 3 lid 1, art. 6 lid 2 onder a: a child not yet leerplichtig, its first notice
    a month before the leerplicht; the dossier shows what CaseRecord.law says, nothing else."""
    data = sample_case(
        case_number="2026-0002",
        birth_date=date(2022, 11, 10),
        ground=ExemptionGround.ART5_B,
        registered_on=date(2026, 11, 2),
        enrolled=False,
    )
    text = _dossier(store, tmp_path, data)
    record = cases.get_case(store, cases.find_case_id(store, "2026-0002"), today=TODAY)
    assert record.law is not None and record.law.notice_due is not None
    start = record.law.leerplicht_from
    assert f"Leerplicht nog niet leerplichtig (leerplicht vanaf {start:%d-%m-%Y})" in text
    assert f"Kennisgeving uiterlijk {record.law.notice_due:%d-%m-%Y} (eerste kennisgeving" in text
    assert "Ingeschreven op een school nee" in text


def test_dossier_never_promises_a_retention_date_that_has_passed(
    store: Store, tmp_path: Path
) -> None:
    """Issue 11 item 5: printed on 01-12-2026, a file kept until 01-06-2024 is due for
    destruction; the dossier says so instead of "bewaard tot 1 juni 2024"."""
    text = _dossier(
        store,
        tmp_path,
        sample_case(
            case_number="2026-0003",
            birth_date=date(2005, 6, 1),  # 19 years: kept until 1 June 2024
            ground=ExemptionGround.THUISZITTER,
            confirmed_rules="NIET_MEER_PLICHTIG",  # Lpw art. 4b: already 18 when registered
        ),
    )
    assert "bewaard tot" not in text and "daarna worden ze vernietigd" not in text
    assert "de bewaartermijn is op zaterdag 1 juni 2024 afgelopen" in text
    assert "in aanmerking voor vernietiging" in text


def test_dossier_promises_a_retention_date_still_to_come(store: Store, tmp_path: Path) -> None:
    """A future retention date is promised, with what happens after it."""
    text = _dossier(store, tmp_path, sample_case(case_number="2026-0004"))
    assert (
        "de gegevens worden bewaard tot zaterdag 12 maart 2033; daarna worden ze vernietigd" in text
    )


def test_retention_text_from_the_retention_date_on_is_no_promise() -> None:
    """On the retention date itself the term has ended (RetentionTerm.is_past); the day before
    it is still a promise."""
    until = date(2024, 6, 1)
    assert "bewaard tot" in retention_text(until, date(2024, 5, 31))
    assert "afgelopen" in retention_text(until, until)
    assert "bewaard tot" not in retention_text(until, until)
    assert retention_text(None, until) == "de gegevens worden niet langer bewaard dan nodig."


def test_dossier_shows_the_thuiszitter_signal_of_the_law_status(
    store: Store, tmp_path: Path
) -> None:
    """Lpw art. 3/4b: the days at home are those CaseRecord.law counts (leerplicht only)."""
    text = _dossier(
        store,
        tmp_path,
        sample_case(
            case_number="2026-0005",
            ground=ExemptionGround.THUISZITTER,
            absent_since=date(2026, 9, 1),
            enrolled=True,
        ),
    )
    record = cases.get_case(store, cases.find_case_id(store, "2026-0005"), today=TODAY)
    assert record.law is not None and record.law.days_at_home > 28
    label = record.law.thuiszitter.label
    assert f"Thuiszitter {label} ({record.law.days_at_home} dagen)" in text
    assert "Kennisgeving uiterlijk" not in text  # no art. 5 ground: no art. 6 notice
