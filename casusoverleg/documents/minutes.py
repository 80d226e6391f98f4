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

from reportlab.platypus import Flowable, KeepTogether, Paragraph

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
from casusoverleg.domain.enums import AttendanceStatus, ItemOutcome, MinutesStatus
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
    """An action agreed at the meeting, or carried over from an earlier one."""

    description: str
    owner: str
    organisation: str
    due_date: date | None = None
    item_number: int | None = None
    status: str = "open"
    number: int | None = None  # the action's stable number ("nr. N")
    agreed_on: date | None = None
    case: str = ""  # casusnummer and initials, for carried-over actions
    done_on: date | None = None
    overdue: bool = False  # still open and past its due date (on the meeting's day)


@dataclass(frozen=True)
class Adoption:
    """Earlier minutes adopted in this meeting, with the amendments stated ("" : none)."""

    meeting_day: date
    note: str = ""


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
    outcome: ItemOutcome | None = None  # None: nothing recorded
    deferred_to: date | None = None  # DOORGESCHOVEN: the meeting it went to (None: not planned)
    # "verslag" (item 2: which minutes were adopted), "actielijst" (item 3: the actions carried
    # over), or "".
    role: str = ""


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
    adopted: Sequence[Adoption] = ()  # minutes adopted in this meeting
    not_adopted: date | None = None  # earlier minutes that were up for adoption but were not
    carried_over: Sequence[AgreedAction] = ()  # open when the meeting began, state as now


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


def outcome_text(outcome: ItemOutcome | None, deferred_to: date | None) -> str:
    """What the minutes say about an item's outcome ("" when it was discussed or nothing is)."""
    if outcome is ItemOutcome.GEEN_BIJZONDERHEDEN:
        return "Geen bijzonderheden."
    if outcome is ItemOutcome.INGETROKKEN:
        return "Ingetrokken."
    if outcome is ItemOutcome.DOORGESCHOVEN:
        where = (
            f"het overleg van {dutch_date(deferred_to)}" if deferred_to else "het volgende overleg"
        )
        return f"Niet besproken — doorgeschoven naar {where}."
    return ""


def adoption_lines(doc: MinutesDocument) -> list[str]:
    """Item 2: which minutes this meeting adopted, with or without amendments (plain text)."""
    lines = []
    for adopted in doc.adopted:
        line = f"Het verslag van het overleg van {dutch_date(adopted.meeting_day)} is vastgesteld"
        note = adopted.note.strip()
        lines.append(
            f"{line} met de volgende wijzigingen: {note}" if note else f"{line} zonder wijzigingen."
        )
    if doc.not_adopted is not None:
        lines.append(
            f"Het verslag van het overleg van {dutch_date(doc.not_adopted)} is in dit overleg "
            "niet vastgesteld."
        )
    if not lines:
        lines.append("Er was geen verslag vast te stellen.")
    return lines


def _point(point: MinutesPoint, doc: MinutesDocument) -> list[Flowable]:
    s = styles()
    title = f"{point.number}. {point.title}"
    if point.child:
        title += f" · {point.child}"
    story: list[Flowable] = [*heading(title, 3)]
    if point.role == "verslag":
        story += [Paragraph(text(line), s.body) for line in adoption_lines(doc)]
    said = outcome_text(point.outcome, point.deferred_to)
    if said:
        story.append(Paragraph(escape(said), s.body))
    if point.notes.strip():
        story += paragraphs(point.notes)
    story += labelled("Advies", point.advice)
    story += labelled(ALTERNATIVES_LABEL, point.alternatives)
    story += labelled("Besluit", point.decision)
    if point.next_review:
        story += labelled(REVIEW_LABEL, dutch_date(point.next_review))
    if point.actions:
        story += [spacer(1), _actions_table(point.actions, with_item=False)]
    if point.role == "actielijst":
        story += _carried_over(doc)
    for correction in point.corrections:
        story += [
            spacer(1.5),
            note_box(
                f"<b>Correctie na vaststelling</b> ({escape(timestamp(correction.at))}): "
                f"{text(correction.text)}"
            ),
            spacer(1.5),
        ]
    if point.role == "actielijst":
        # A long list of carried-over actions starts where it is and runs on (its table
        # repeats its header); kept together, it would leave most of a page empty.
        return story
    # A case block (heading, notes, its actions) stays on one page when it fits on one; a
    # longer one splits, and the heading's CondPageBreak keeps it from ending a page alone.
    return [KeepTogether(story)]


def _who(action: AgreedAction) -> Flowable:
    return cell(
        f'{text(action.owner)}<br/><font color="#5B6470">{text(action.organisation)}</font>'
    )


def _what(action: AgreedAction, *, with_case: bool) -> Flowable:
    grey = []
    if action.number is not None:
        grey.append(f"nr. {action.number}")
    if with_case and action.case:
        grey.append(f"casus {action.case}")
    if action.agreed_on is not None:
        grey.append(f"afgesproken op {dutch_date_short(action.agreed_on)}")
    extra = f'<br/><font color="#5B6470">{text(" · ".join(grey))}</font>' if grey else ""
    return cell(text(action.description) + extra)


def _actions_table(actions: Sequence[AgreedAction], *, with_item: bool) -> Flowable:
    rows: list[list[str | Flowable]] = []
    for action in actions:
        row: list[str | Flowable] = [
            _what(action, with_case=False),
            _who(action),
            Plain(dutch_date_short(action.due_date)),
        ]
        if with_item:
            row.insert(0, Plain(f"{action.item_number}." if action.item_number else ""))
        rows.append(row)
    if with_item:
        return data_table(["Punt", "Actiepunt", "Wie", "Deadline"], rows, [0.08, 0.50, 0.29, 0.13])
    return data_table(["Actiepunt", "Wie", "Deadline"], rows, [0.58, 0.29, 0.13])


def _state(action: AgreedAction) -> str:
    if action.done_on is not None and action.status == "gereed":
        return f"gereed op {dutch_date_short(action.done_on)}"
    return f"{action.status}, verlopen" if action.overdue else action.status


def _carried_over(doc: MinutesDocument) -> list[Flowable]:
    """The actions open when the meeting began (agreed earlier), with their state now."""
    s = styles()
    if not doc.carried_over:
        return [Paragraph("Er stonden geen actiepunten uit eerdere overleggen open.", s.small)]
    rows: list[list[str | Flowable]] = [
        [
            _what(a, with_case=True),
            _who(a),
            Plain(dutch_date_short(a.due_date)),
            cell(text(_state(a))),
        ]
        for a in doc.carried_over
    ]
    return [
        Paragraph(
            f"Openstaande actiepunten uit eerdere overleggen ({len(rows)}), met hun stand:",
            s.small,
        ),
        spacer(1),
        data_table(
            ["Actiepunt", "Wie", "Deadline", "Stand"],
            rows,
            [0.46, 0.25, 0.13, 0.16],
        ),
    ]


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
        story += _point(point, doc)
    agreed = [a for p in doc.points for a in p.actions]
    if agreed:
        story += [*heading("Afgesproken actiepunten"), _actions_table(agreed, with_item=True)]
    if doc.carried_over and not any(p.role == "actielijst" for p in doc.points):
        story += [*heading("Actiepunten uit eerdere overleggen"), *_carried_over(doc)]
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
