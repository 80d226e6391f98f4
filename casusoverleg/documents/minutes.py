"""The minutes PDF: attendance, per item the notes, advice, decision and actions, corrections.

Whether children are named or shown by initials is the caller's choice (`MinutesPoint.child`);
the document says which was chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Paragraph

from casusoverleg.documents.layout import (
    DocumentMeta,
    Plain,
    build_pdf,
    cell,
    clock,
    data_table,
    dutch_date,
    dutch_date_short,
    facts,
    heading,
    labelled,
    note_box,
    paragraphs,
    spacer,
    styles,
    text,
    timestamp,
)
from casusoverleg.domain.alternatives import ALTERNATIVES_LABEL
from casusoverleg.domain.enums import AttendanceStatus, MinutesStatus
from casusoverleg.domain.review import REVIEW_LABEL


@dataclass(frozen=True)
class Attendee:
    """A participant on the meeting's list, with role ("voorzitter", "notulist" or "")."""

    name: str
    organisation: str
    status: AttendanceStatus
    role: str = ""


@dataclass(frozen=True)
class AgreedAction:
    """An action agreed at the meeting."""

    description: str
    owner: str
    organisation: str
    due_date: date | None = None
    item_number: int | None = None
    status: str = "open"


@dataclass(frozen=True)
class Correction:
    """A correction added after the minutes were fixed."""

    at: datetime
    text: str


@dataclass(frozen=True)
class MinutesPoint:
    """One agenda item in the minutes. `child` is the name or the initials, as chosen."""

    number: int
    title: str
    case_number: str = ""
    child: str = ""
    notes: str = ""
    advice: str = ""  # the Dutch label
    decision: str = ""
    next_review: date | None = None
    actions: Sequence[AgreedAction] = ()
    alternatives: str = ""  # weighed before an exemption advice, Dutch labels
    corrections: Sequence[Correction] = ()


@dataclass(frozen=True)
class MinutesDocument:
    """Everything the minutes show."""

    meeting_name: str
    day: date
    start: time
    end: time
    location: str
    status: MinutesStatus
    points: Sequence[MinutesPoint]
    attendance: Sequence[Attendee] = field(default_factory=tuple)
    fixed_on: date | None = None  # the date of the meeting that fixed the minutes
    show_names: bool = False


def _people(attendees: Sequence[Attendee], status: AttendanceStatus) -> str:
    found = [a for a in attendees if a.status == status]
    parts = []
    for person in found:
        extra = ", ".join(filter(None, (person.organisation, person.role)))
        parts.append(f"{person.name} ({extra})" if extra else person.name)
    return "; ".join(parts) or "—"


def _status_note(doc: MinutesDocument) -> Flowable:
    if doc.status == MinutesStatus.VASTGESTELD:
        when = f" in het overleg van {dutch_date(doc.fixed_on)}" if doc.fixed_on else ""
        return note_box(f"<b>Status: vastgesteld</b>{escape(when)}.")
    return note_box(
        "<b>Status: concept.</b> Dit verslag wordt vastgesteld in het volgende overleg; "
        "opmerkingen graag vóór dat overleg aan de notulist."
    )


def _point(point: MinutesPoint) -> list[Flowable]:
    s = styles()
    title = f"{point.number}. {point.title}"
    if point.child:
        title += f" · {point.child}"
    story: list[Flowable] = [*heading(title, 3)]
    if point.notes.strip():
        story += paragraphs(point.notes)
    elif not (point.advice or point.decision.strip()):
        story.append(Paragraph("Geen bijzonderheden.", s.small))
    story += labelled("Advies", point.advice)
    story += labelled(ALTERNATIVES_LABEL, point.alternatives)
    story += labelled("Besluit", point.decision)
    if point.next_review:
        story += labelled(REVIEW_LABEL, dutch_date(point.next_review))
    if point.actions:
        story += [spacer(1), _actions_table(point.actions, with_item=False)]
    for correction in point.corrections:
        story += [
            spacer(1.5),
            note_box(
                f"<b>Correctie na vaststelling</b> ({escape(timestamp(correction.at))}): "
                f"{text(correction.text)}"
            ),
            spacer(1.5),
        ]
    return story


def _actions_table(actions: Sequence[AgreedAction], *, with_item: bool) -> Flowable:
    rows: list[list[str | Flowable]] = []
    for action in actions:
        who = cell(
            f'{text(action.owner)}<br/><font color="#5B6470">{text(action.organisation)}</font>'
        )
        row: list[str | Flowable] = [
            action.description,
            who,
            Plain(dutch_date_short(action.due_date)),
        ]
        if with_item:
            row.insert(0, Plain(f"{action.item_number}." if action.item_number else ""))
        rows.append(row)
    if with_item:
        return data_table(["Punt", "Actiepunt", "Wie", "Deadline"], rows, [0.08, 0.50, 0.29, 0.13])
    return data_table(["Actiepunt", "Wie", "Deadline"], rows, [0.58, 0.29, 0.13])


def minutes_story(doc: MinutesDocument) -> list[Flowable]:
    """The minutes' flowables (for build_pdf)."""
    s = styles()
    rows = [
        ("Tijd", f"{clock(doc.start)} – {clock(doc.end)} uur"),
        ("Locatie", doc.location or "—"),
    ]
    for role in ("voorzitter", "notulist"):
        names = [a.name for a in doc.attendance if a.role == role]
        if names:
            rows.append((role.capitalize(), ", ".join(names)))
    story: list[Flowable] = [
        Paragraph(f"Verslag {escape(doc.meeting_name)}", s.title),
        Paragraph(escape(dutch_date(doc.day)), s.subtitle),
        spacer(3),
        _status_note(doc),
        spacer(4),
        facts(rows),
        *heading("Aanwezigheid"),
        facts(
            [
                ("Aanwezig", _people(doc.attendance, AttendanceStatus.AANWEZIG)),
                ("Afgemeld", _people(doc.attendance, AttendanceStatus.AFGEMELD)),
                ("Afwezig", _people(doc.attendance, AttendanceStatus.AFWEZIG)),
            ]
        ),
        *heading("Verslag per agendapunt"),
    ]
    for point in doc.points:
        story += _point(point)
    agreed = [a for p in doc.points for a in p.actions]
    if agreed:
        story += [*heading("Afgesproken actiepunten"), _actions_table(agreed, with_item=True)]
    privacy = (
        "Dit verslag is op verzoek afgedrukt met de namen van de kinderen. Bewaar en verstuur "
        "het alleen beveiligd."
        if doc.show_names
        else "Kinderen staan in dit verslag alleen met casusnummer en initialen."
    )
    story += [spacer(6), Paragraph(privacy, s.small)]
    return story


def render_minutes(doc: MinutesDocument, target: str | Path | IO[bytes], meta: DocumentMeta) -> int:
    """Write the minutes PDF to `target`; returns the page count."""
    return build_pdf(target, minutes_story(doc), meta)
