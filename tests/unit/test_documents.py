"""Printed documents: read back with pypdf (text, page footers, fonts, metadata, privacy)."""

from __future__ import annotations

import re
import stat
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from casusoverleg.documents.actions import ActionLine, ActionListDocument, render_actions
from casusoverleg.documents.agenda import AgendaDocument, AgendaLine, AgendaPerson, render_agenda
from casusoverleg.documents.layout import DocumentMeta, dutch_date
from casusoverleg.documents.minutes import (
    Attendee,
    MinutesDocument,
    MinutesPoint,
    render_minutes,
)
from casusoverleg.domain.enums import (
    Advice,
    AttendanceStatus,
    AuditAction,
    ExemptionGround,
    MinutesStatus,
)
from casusoverleg.domain.school_year import school_year_of
from casusoverleg.errors import BadInput
from casusoverleg.services import (
    actions,
    agenda,
    audit,
    cases,
    documents,
    exports,
    meetings,
    minutes,
    reports,
    settings,
)
from casusoverleg.services.store import Store
from tests.helpers.pdfs import all_text, font_problems, metadata, page_texts, squashed
from tests.helpers.scenario import CHILDREN, Scenario, build, child_names
from tests.helpers.stores import sample_case

META = DocumentMeta(title="Proef", header="Proefdocument", subject="Proef")


def _footers_ok(path: Path) -> list[str]:
    """Each page says "pagina i van N" with the right i and N."""
    texts = page_texts(path)
    total = len(texts)
    return [
        f"pagina {i}" for i, t in enumerate(texts, start=1) if f"pagina {i} van {total}" not in t
    ]


def _no_child_names(text: str, count: int = len(CHILDREN)) -> list[str]:
    flat = squashed(text)
    return [name for name in child_names(count) if name in flat]


# -- the rendering layer, from its own input dataclasses ----------------------------------------


def test_dutch_date_in_words() -> None:
    assert dutch_date(date(2026, 1, 13)) == "dinsdag 13 januari 2026"
    assert dutch_date(date(2026, 3, 1)) == "zondag 1 maart 2026"


def _agenda_doc(cases_count: int = 15) -> AgendaDocument:
    items = [AgendaLine(1, time(13, 30), 5, "Opening en mededelingen")]
    start = datetime(2026, 1, 13, 13, 35)
    for i in range(cases_count):
        items.append(
            AgendaLine(
                i + 2,
                start.time(),
                10,
                "",
                case_number=f"2026-{100 - i:04d}",  # agenda order is not number order
                initials="S. de V.",
                presenter="Fatima El Amrani",
                question="Is een vrijstelling passend? " * 3,
            )
        )
        start += timedelta(minutes=10)
    items.append(AgendaLine(len(items) + 1, start.time(), 5, "Sluiting"))
    people = [
        AgendaPerson("Anouk Bos", "Team Leerplicht Zwolle", "voorzitter", "Leerplichtambtenaar"),
        AgendaPerson("Zoë Çelik-Hoëvenaers", "Sociaal Wijkteam Zwolle", "", "Wijkcoach"),
        AgendaPerson("Marloes ter Horst", "Samenwerkingsverband Zwolle e.o.", excused=True),
    ]
    return AgendaDocument(
        "Casusoverleg vrijstellingen Zwolle",
        date(2026, 1, 13),
        time(13, 30),
        (start + timedelta(minutes=5)).time(),
        "Stadskantoor, zaal 3.14",
        items,
        people,
    )


def test_agenda_pdf_headings_dutch_date_order_footer_fonts_metadata(tmp_path: Path) -> None:
    path = tmp_path / "agenda.pdf"
    meta = DocumentMeta(
        title="Agenda casusoverleg 13 januari 2026",
        header="Casusoverleg vrijstellingen Zwolle — 13 januari 2026",
        subject="Agenda",
        organisation="Gemeente Zwolle, team Leerplicht",
    )
    pages = render_agenda(_agenda_doc(), path, meta)
    text = squashed(all_text(path))
    assert pages == len(page_texts(path)) >= 2
    for heading in ("Agenda Casusoverleg vrijstellingen Zwolle", "Deelnemers", "Agendapunten"):
        assert heading in text
    assert "dinsdag 13 januari 2026" in text
    assert "Vertrouwelijk" in text
    assert "Zoë Çelik-Hoëvenaers" in text  # Dutch and Turkish glyphs survive
    numbers = re.findall(r"Casus (2026-\d{4})", text)
    assert numbers == [f"2026-{100 - i:04d}" for i in range(15)]
    assert _footers_ok(path) == []
    assert font_problems(path) == []
    info = metadata(path)
    assert info == {
        "title": "Agenda casusoverleg 13 januari 2026",
        "author": "Gemeente Zwolle, team Leerplicht",
        "subject": "Agenda",
        "lang": "nl-NL",
    }


def test_no_helvetica_or_other_base14_resource_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "agenda.pdf"
    render_agenda(_agenda_doc(2), path, META)
    raw = path.read_bytes()
    for name in (b"Helvetica", b"Times-Roman", b"Courier", b"ZapfDingbats"):
        assert name not in raw


def test_demo_mark_on_every_page_and_only_for_demo(tmp_path: Path) -> None:
    demo, real = tmp_path / "demo.pdf", tmp_path / "echt.pdf"
    render_agenda(_agenda_doc(), demo, DocumentMeta("A", "A", "A", demo=True))
    render_agenda(_agenda_doc(), real, META)
    assert len(page_texts(demo)) >= 2
    assert all("DEMO" in t for t in page_texts(demo))
    assert not any("DEMO" in t for t in page_texts(real))


def _action_lines(count: int) -> list[ActionLine]:
    owners = [("Anouk Bos", "Team Leerplicht Zwolle"), ("Fatima El Amrani", "Sociaal Wijkteam")]
    today = date(2026, 1, 13)
    return [
        ActionLine(
            description=f"Actie {i:04d}: gesprek met ouders en school plannen over het rooster",
            owner=owners[i % 2][0],
            organisation=owners[i % 2][1],
            case_number=f"2025-{i % 150:04d}",
            initials="J. v.d. B.",
            due_date=today + timedelta(days=i % 60 - 20),
            overdue=i % 60 < 20,
        )
        for i in range(count)
    ]


def test_thousand_actions_break_cleanly_with_the_header_row_on_every_page(
    tmp_path: Path,
) -> None:
    path = tmp_path / "acties.pdf"
    doc = ActionListDocument(_action_lines(1000), date(2026, 1, 13))
    pages = render_actions(doc, path, META)
    texts = page_texts(path)
    assert pages == len(texts) > 20
    for number, page in enumerate(texts, start=1):
        flat = squashed(page)
        # The column header row repeats at the top of every page.
        assert "Casus Actiepunt Deadline Status" in flat, f"pagina {number}"
    found = re.findall(r"Actie (\d{4}):", squashed("\n".join(texts)))
    assert sorted(found) == [f"{i:04d}" for i in range(1000)]  # every row, once
    assert _footers_ok(path) == []
    assert font_problems(path) == []


@pytest.mark.parametrize("group_by", ["owner", "case"])
def test_action_list_marks_overdue_and_shows_done_dates(tmp_path: Path, group_by: str) -> None:
    lines = [
        *_action_lines(3),
        ActionLine(
            "Afgerond punt",
            "Anouk Bos",
            "Team Leerplicht Zwolle",
            status="gereed",
            done_on=date(2026, 1, 9),
        ),
    ]
    path = tmp_path / "acties.pdf"
    render_actions(
        ActionListDocument(lines, date(2026, 1, 13), group_by, include_done=True),  # type: ignore[arg-type]
        path,
        META,
    )
    text = squashed(all_text(path))
    assert "Actielijst — alle actiepunten" in text
    assert "Stand van dinsdag 13 januari 2026" in text
    assert "verlopen" in text
    assert "Gereed op" in text and "09-01-2026" in text
    heading = "Casus 2025-0001 · J. v.d. B." if group_by == "case" else "Anouk Bos — Team"
    assert heading in text


def test_very_long_texts_break_over_pages_instead_of_failing(tmp_path: Path) -> None:
    essay = "\n\n".join(f"Alinea {i}: " + "het kind vertelt over school. " * 40 for i in range(40))
    point = MinutesPoint(4, "Casus 2026-0001", "2026-0001", "S. de V.", notes=essay)
    doc = MinutesDocument(
        "Casusoverleg",
        date(2026, 1, 13),
        time(13, 30),
        time(15, 30),
        "",
        MinutesStatus.CONCEPT,
        [point],
        [Attendee("Anouk Bos", "Team Leerplicht", AttendanceStatus.AANWEZIG, "voorzitter")],
    )
    path = tmp_path / "verslag.pdf"
    assert render_minutes(doc, path, META) > 3
    assert "Alinea 39" in all_text(path)
    assert _footers_ok(path) == []
    # One action whose text alone is longer than a page: cut with a note, not a LayoutError.
    monster = ActionLine("woord " * 3000, "Anouk Bos", "Team Leerplicht")
    longest = ActionLine("lang " * 399 + "EINDE", "Anouk Bos", "Team Leerplicht")  # 2,000 chars
    for group_by, include_done in (("owner", False), ("case", True)):
        doc = ActionListDocument([monster, longest], date(2026, 1, 13), group_by, include_done)  # type: ignore[arg-type]
        out = BytesIO()
        render_actions(doc, out, META)
        assert b"%PDF" in out.getvalue()[:8]
    path = tmp_path / "lang.pdf"
    render_actions(ActionListDocument([longest], date(2026, 1, 13)), path, META)
    assert "EINDE" in all_text(path)  # the longest text the service allows is printed whole


# -- the services: gather, render, write atomically, log ----------------------------------------


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for the documents, apart from the store's files."""
    folder = tmp_path / "uit"
    folder.mkdir()
    return folder


@pytest.fixture
def scenario(store: Store) -> Scenario:
    """The scenario store with all 15 children on the next meeting's agenda."""
    return build(store, cases_on_next=15)


def _prints(store: Store) -> list[audit.AuditEntry]:
    return [e for e in audit.list_events(store) if e.action == AuditAction.PRINT]


def test_print_agenda_initials_only_in_agenda_order_and_logged(
    store: Store, scenario: Scenario, out: Path
) -> None:
    path = out / "agenda.pdf"
    printed = documents.print_agenda(store, scenario.next_id, path)
    assert printed.path == path and printed.pages == len(page_texts(path))
    text = squashed(all_text(path))
    items = agenda.get_agenda(store, scenario.next_id).items
    expected = [i.case_number for i in items if i.case_number]
    assert re.findall(r"Casus (2026-\d{4})", text) == expected
    assert _no_child_names(text) == []
    for _first, _last, short in CHILDREN:
        assert short in text
    assert dutch_date(scenario.next_date) in text
    assert "Anouk Bos" in text and "voorzitter" in text and "afgemeld" in text
    assert "Vraag aan het overleg" in text
    assert _footers_ok(path) == []
    assert font_problems(path) == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == ["agenda.pdf"]  # no temp file left
    (event,) = _prints(store)
    assert event.object_type == "agenda" and "agenda.pdf" in event.detail


def test_print_actions_without_names_overdue_marked_and_all_variant(
    store: Store, scenario: Scenario, out: Path
) -> None:
    open_path, all_path = out / "open.pdf", out / "alle.pdf"
    documents.print_actions(store, open_path)
    documents.print_actions(store, all_path, include_done=True, group_by="case")
    open_text = squashed(all_text(open_path))
    all_text_ = squashed(all_text(all_path))
    for text in (open_text, all_text_):
        assert _no_child_names(text) == []
        assert "X. Q." in text and "2026-0001" in text
        assert "verlopen" in text
    assert "Leerplichtdossier bijwerken" not in open_text  # done: only in the --all variant
    assert "Leerplichtdossier bijwerken" in all_text_ and "gereed" in all_text_
    assert "Gereed op" in all_text_
    assert "Fatima El Amrani — Sociaal Wijkteam Zwolle" in open_text  # grouped by owner
    assert font_problems(open_path) == [] and font_problems(all_path) == []
    assert [e.object_type for e in _prints(store)] == ["actielijst", "actielijst"]


def test_print_minutes_initials_by_default_names_only_when_asked(
    store: Store, scenario: Scenario, out: Path
) -> None:
    plain, named = out / "verslag.pdf", out / "verslag-namen.pdf"
    documents.print_minutes(store, scenario.held_id, plain)
    text = squashed(all_text(plain))
    assert _no_child_names(text) == []
    assert "X. Q." in text and "Z. van B." in text
    for words in (
        "Verslag Casusoverleg",
        dutch_date(scenario.held_date),
        "Status: vastgesteld",
        "Aanwezig",
        "Afgemeld Marloes ter Horst",
        "Advies: deeltijdrooster",
        "Besluit: Deeltijdrooster van drie ochtenden",
        "Correctie na vaststelling",
        "GZ-psycholoog",
        "Afgesproken actiepunten",
    ):
        assert words in text, words
    assert _footers_ok(plain) == []
    before = len(audit.list_events(store, case_number="2026-0001"))

    documents.print_minutes(store, scenario.held_id, named, show_names=True)
    named_text = squashed(all_text(named))
    assert "Xandrijn Quaadvliet" in named_text and "Zwaantje van Brouwerskamp" in named_text
    assert font_problems(named) == []
    # Names on paper are logged per case, so each child's own log shows it.
    after = audit.list_events(store, case_number="2026-0001")
    assert len(after) == before + 1 and after[0].action == AuditAction.PRINT
    details = [e.detail for e in _prints(store) if e.case_number is None]
    assert "met namen" not in details[1] and "met namen" in details[0]


def test_print_dossier_has_everything_and_the_audit_trail(
    store: Store, scenario: Scenario, out: Path
) -> None:
    path = out / "dossier.pdf"
    case_id = scenario.case_ids[0]
    documents.print_dossier(store, case_id, path)
    text = squashed(all_text(path))
    for words in (
        "Dossier casus 2026-0001",
        "Xandrijn Quaadvliet",  # the child's own dossier: full name
        "artikel 15",
        "Gegevens van de casus",
        "Basisschool De Fonkeling",
        "Besprekingen, adviezen en besluiten",
        dutch_date(scenario.held_date),
        "Advies: deeltijdrooster",
        "Actiepunten",
        "Leerplichtdossier bijwerken",
        "Wie heeft de gegevens ingezien of gewijzigd",
        "aanmaken casus",
        "secretaris",
        "Bewaartermijn",
    ):
        assert words in text, words
    # Every log line about this case (before the print) is in the document.
    logged = [e for e in audit.list_events(store, case_number="2026-0001")]
    assert logged[0].action == AuditAction.PRINT and logged[0].object_type == "dossier"
    assert text.count("secretaris") >= len(logged) - 1
    assert _footers_ok(path) == [] and font_problems(path) == []
    assert "Xandrijn" not in metadata(path)["title"]


def test_author_from_the_setting_and_demo_on_every_page(
    store: Store, scenario: Scenario, out: Path
) -> None:
    settings.set_setting(store, "organisation_name", "Gemeente Zwolle, afdeling Onderwijs")
    store.is_demo = True
    for name, write in (
        ("agenda.pdf", lambda p: documents.print_agenda(store, scenario.next_id, p)),
        ("verslag.pdf", lambda p: documents.print_minutes(store, scenario.held_id, p)),
        ("acties.pdf", lambda p: documents.print_actions(store, p)),
        ("dossier.pdf", lambda p: documents.print_dossier(store, scenario.case_ids[1], p)),
    ):
        path = out / name
        write(path)
        assert metadata(path)["author"] == "Gemeente Zwolle, afdeling Onderwijs"
        assert metadata(path)["lang"] == "nl-NL"
        assert all("DEMO" in t for t in page_texts(path)), name


def test_next_meeting_and_bad_input(store: Store, out: Path) -> None:
    with pytest.raises(BadInput, match="geen volgend overleg"):
        documents.next_meeting_id(store)
    with pytest.raises(BadInput, match="geen overleg met nummer 99"):
        documents.print_agenda(store, 99, out / "a.pdf")
    meeting = meetings.add_meeting(store, date.today() + timedelta(days=3), time(9, 0), 60)
    assert documents.next_meeting_id(store) == meeting.id
    with pytest.raises(BadInput, match="nog geen agenda"):
        documents.print_agenda(store, meeting.id, out / "a.pdf")
    agenda.build_agenda(store, meeting.id, case_ids=[])
    with pytest.raises(BadInput, match=r"\.pdf"):
        documents.print_agenda(store, meeting.id, out / "a.txt")
    with pytest.raises(BadInput, match="bestaat niet"):
        documents.print_agenda(store, meeting.id, out / "nergens" / "a.pdf")
    with pytest.raises(BadInput, match="bestaat niet"):
        documents.print_dossier(store, 12345, out / "d.pdf")
    assert _prints(store) == []
    assert list(out.iterdir()) == []


def test_a_failed_render_leaves_no_file_and_no_log_line(
    store: Store, scenario: Scenario, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> int:
        raise RuntimeError("kapot")

    monkeypatch.setattr(documents, "render_actions", broken)
    with pytest.raises(RuntimeError):
        documents.print_actions(store, out / "acties.pdf")
    assert list(out.iterdir()) == []
    assert _prints(store) == []


# -- xlsx exports and statistics -----------------------------------------------------------------


def test_export_actions_xlsx_and_csv_without_names_and_neutralised(
    store: Store, scenario: Scenario, out: Path
) -> None:
    actions.create_action(
        store,
        description='=HYPERLINK("http://x")',
        owner_id=scenario.participant_ids[0],
        due_date=None,
        case_id=scenario.case_ids[2],
    )
    xlsx, csv_path = out / "acties.xlsx", out / "acties.csv"
    assert exports.export_actions(store, xlsx) == 4
    assert exports.export_actions(store, csv_path, include_done=False) == 3
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0] == exports.ACTION_COLUMNS
    cells = [str(c) for row in rows for c in row if c is not None]
    assert '\'=HYPERLINK("http://x")' in cells
    assert _no_child_names(" ".join(cells)) == []
    assert "X. Q." in cells and "gereed" in cells
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("nr;casusnummer;initialen;actiepunt")
    assert _no_child_names(text) == [] and "Leerplichtdossier" not in text
    assert stat.S_IMODE(xlsx.stat().st_mode) == 0o600
    exported = [e for e in audit.list_events(store) if e.action == AuditAction.EXPORT]
    assert [e.object_type for e in exported] == ["actielijst", "actielijst"]


def test_statistics_per_school_year_count_advice_and_days_at_home(store: Store) -> None:
    """The Rapportage per school year (Lpw art. 25); more in tests/unit/test_reports_*.py."""
    today = date.today()
    build(store, cases_on_next=0, today=today)
    for i, days in enumerate((10, 50, 200)):
        cases.create_case(
            store,
            sample_case(
                f"Thuis{i}",
                "Zitter",
                ground=ExemptionGround.THUISZITTER,
                enrolled=True,
                registered_on=today - timedelta(days=days),
                absent_since=today - timedelta(days=days),
            ),
        )
    report = reports.school_year_report(store, today=today)
    this = report.years[-1]
    assert today in this.year
    # Both discussed cases got their advice at the held meeting, 14 days ago.
    held = today - timedelta(days=14)
    given = report.year(school_year_of(held).first_year)
    assert given is not None and given.advice.total == 2
    registered = report.year(school_year_of(today - timedelta(days=60)).first_year)
    assert registered is not None and registered.advice_time.cases == 2
    assert registered.advice_time.median_days == 46
    # All three are still at home today, so each has days in this school year (but on 1 August
    # itself no day of it has passed yet).
    expected = 3 if today > this.year.start else 0
    assert this.home[reports.HomeGroup.THUISZITTER].children == expected


def test_export_statistics_xlsx(store: Store, out: Path) -> None:
    build(store, cases_on_next=0)
    rows = exports.export_statistics(store, out / "statistiek.xlsx")
    assert rows > 0
    book = load_workbook(out / "statistiek.xlsx")
    assert book.sheetnames == ["Vrijstellingen", "Thuis", "Adviezen", "Tijd tot advies"]
    exempt = list(book["Vrijstellingen"].iter_rows(values_only=True))
    assert exempt[0][:2] == ("schooljaar", "grond") and exempt[-1][1] == "Totaal"
    # The scenario's art. 5 onder a cases, all new (counted from registration) this year.
    assert exempt[-1][2] + exempt[-1][3] == len(CHILDREN)
    advice = list(book["Adviezen"].iter_rows(values_only=True))
    assert sum(r[2] for r in advice if r[1] == "Totaal") == 2
    with pytest.raises(BadInput):
        exports.export_statistics(store, out / "statistiek.csv")
    (event,) = [e for e in audit.list_events(store) if e.action == AuditAction.EXPORT]
    assert event.object_type == "statistiek"


def test_minutes_of_a_concept_say_so(store: Store, out: Path) -> None:
    meeting = meetings.add_meeting(store, date.today(), time(9, 0), 60)
    record = cases.create_case(store, sample_case("Xandrijn", "Quaadvliet"))
    agenda.build_agenda(store, meeting.id, case_ids=[record.id])
    item = next(i for i in agenda.get_agenda(store, meeting.id).items if i.case_id)
    minutes.save_entry(store, item.id, advice=Advice.AANHOUDEN)
    path = out / "concept.pdf"
    documents.print_minutes(store, meeting.id, path)
    text = squashed(all_text(path))
    assert "Status: concept" in text and "Advies: aanhouden" in text
    assert "Quaadvliet" not in text


def test_agenda_pdf_prints_the_planned_times_and_says_when_the_items_run_past_them(
    store: Store, scenario: Scenario, out: Path
) -> None:
    # Issue 12: the agenda printed the items' end ("09.30 – 13.45 uur") for a meeting planned
    # until 11.30, which `meetings --json` and the .ics give.
    items = agenda.get_agenda(store, scenario.next_id)
    meeting = meetings.get_meeting(store, scenario.next_id)
    planned = (datetime.combine(meeting.date, meeting.start_time) + timedelta(minutes=30)).time()
    assert items.end_time > planned  # the items take longer than the shortened meeting
    meetings.edit_meeting(store, scenario.next_id, minutes=30)
    path = out / "agenda.pdf"
    documents.print_agenda(store, scenario.next_id, path)
    text = squashed(all_text(path))
    assert f"{meeting.start_time:%H.%M} – {planned:%H.%M} uur" in text
    assert f"Uitloop de agendapunten lopen tot {items.end_time:%H.%M} uur" in text

    meetings.edit_meeting(store, scenario.next_id, minutes=480)
    documents.print_agenda(store, scenario.next_id, path, overwrite=True)
    assert "Uitloop" not in squashed(all_text(path))


def test_action_list_pdf_prints_each_actions_number_and_the_day_it_was_agreed(
    store: Store, scenario: Scenario, out: Path
) -> None:
    # Issue 12: the action list had no action numbers and no "afgesproken op".
    path = out / "acties.pdf"
    documents.print_actions(store, path)
    text = squashed(all_text(path))
    open_actions = [a for a in actions.list_actions(store) if a.status.value == "OPEN"]
    assert open_actions
    for action in open_actions:
        assert action.created_on is not None
        assert f"nr. {action.id} · afgesproken op {action.created_on:%d-%m-%Y}" in text
