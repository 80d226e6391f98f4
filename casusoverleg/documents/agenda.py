"""The agenda PDF: meeting, participants per organisation, items with times and questions.

Privacy by default: a case item carries its casusnummer and the child's initials only. The
input has no field for a name, so a full name cannot reach the paper by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Paragraph

from casusoverleg.documents.layout import (
    DocumentMeta,
    Plain,
    build_pdf,
    cell,
    cell_text,
    clock,
    data_table,
    dutch_date,
    facts,
    heading,
    spacer,
    styles,
    text,
)

# The longest question the agenda service accepts; printed whole.
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class AgendaPerson:
    """Someone expected at the meeting, with organisation and role ("voorzitter" or "")."""

    name: str
    organisation: str
    role: str = ""
    function: str = ""
    excused: bool = False


@dataclass(frozen=True)
class AgendaLine:
    """One agenda item; for a case item `case_number` and `initials` are set."""

    number: int
    start: time
    minutes: int
    title: str
    case_number: str = ""
    initials: str = ""
    presenter: str = ""
    question: str = ""


@dataclass(frozen=True)
class AgendaDocument:
    """Everything the agenda shows."""

    meeting_name: str
    day: date
    start: time
    end: time
    location: str
    items: Sequence[AgendaLine]
    participants: Sequence[AgendaPerson] = field(default_factory=tuple)
    overrun_until: time | None = None  # the items run past `end` (the planned end) until then


def agenda_story(agenda: AgendaDocument) -> list[Flowable]:
    """The agenda's flowables (for build_pdf)."""
    s = styles()
    rows = [
        ("Tijd", f"{clock(agenda.start)} – {clock(agenda.end)} uur"),
    ]
    if agenda.overrun_until is not None:
        rows.append(("Uitloop", f"de agendapunten lopen tot {clock(agenda.overrun_until)} uur"))
    rows.append(("Locatie", agenda.location or "volgt"))
    for role in ("voorzitter", "notulist"):
        names = [p.name for p in agenda.participants if p.role == role]
        if names:
            rows.append((role.capitalize(), ", ".join(names)))
    story: list[Flowable] = [
        Paragraph(f"Agenda {escape(agenda.meeting_name)}", s.title),
        Paragraph(escape(dutch_date(agenda.day)), s.subtitle),
        spacer(3),
        facts(rows),
    ]
    if agenda.participants:
        story += [*heading("Deelnemers"), _participants_table(agenda.participants)]
    story += [*heading("Agendapunten"), _items_table(agenda.items)]
    story += [
        spacer(5),
        Paragraph(
            "Casussen staan op deze agenda alleen met casusnummer en initialen. Neem geen namen "
            "of dossierstukken op in e-mail; de gegevens staan in de casusadministratie.",
            s.small,
        ),
    ]
    return story


def _participants_table(people: Sequence[AgendaPerson]) -> Flowable:
    rows: list[list[str | Flowable]] = []
    previous = None
    for person in sorted(people, key=lambda p: (p.organisation.casefold(), p.name.casefold())):
        # The organisation once per group: the column reads as a list of teams.
        org = person.organisation if person.organisation != previous else ""
        previous = person.organisation
        name = cell(
            text(person.name)
            + (
                f' <font color="#5B6470">({text(person.function)})</font>'
                if person.function
                else ""
            ),
        )
        remark = person.role
        if person.excused:
            remark = ", ".join(filter(None, [remark, "afgemeld"]))
        rows.append([cell(f"<b>{text(org)}</b>") if org else "", name, remark])
    return data_table(["Organisatie", "Naam", "Rol"], rows, [0.38, 0.44, 0.18])


def _items_table(items: Sequence[AgendaLine]) -> Flowable:
    s = styles()
    rows: list[list[str | Flowable]] = []
    for item in items:
        if item.case_number:
            subject = f"<b>Casus {text(item.case_number)}</b>"
            if item.initials:
                subject += f" · {text(item.initials)}"
            if item.title.strip():
                subject += f"<br/>{text(item.title)}"
        else:
            subject = f"<b>{text(item.title)}</b>"
        if item.question.strip():
            # The whole question (the agenda allows 2,000 characters): it is what the group
            # prepares for.
            question = cell_text(item.question, MAX_QUESTION_CHARS)
            subject += f'<br/><font color="#5B6470">Vraag aan het overleg:</font> {question}'
        rows.append(
            [
                Plain(f"{item.number}."),
                Plain(clock(item.start)),
                cell(subject),
                cell(f"{item.minutes} min", s.cell_right),
                item.presenter,
            ]
        )
    return data_table(
        ["Nr.", "Tijd", "Onderwerp", "Duur", "Inbreng"], rows, [0.06, 0.09, 0.55, 0.10, 0.20]
    )


def render_agenda(
    agenda: AgendaDocument, target: str | Path | IO[bytes], meta: DocumentMeta
) -> int:
    """Write the agenda PDF to `target`; returns the page count."""
    return build_pdf(target, agenda_story(agenda), meta)
