"""The agenda PDF, as a secretary sends it: meeting and planned times, who is invited (per
organisation, chair and minute-taker named), the items with times, questions and why each case
is on it, the minutes to be adopted, the open actions, and the next meeting.

Privacy by default: a case item and an action carry the casusnummer and the child's initials
only. The input has no field for a name, so a full name cannot reach the paper by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from casusoverleg.documents.layout import (
    WARNING,
    DocumentMeta,
    Plain,
    build_pdf,
    cell,
    cell_text,
    clock,
    data_table,
    dutch_date,
    dutch_date_short,
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
    reason: str = ""  # why the case is on the agenda (the agenda rules' text)
    note: str = ""  # a line under a fixed item ("15 open actiepunten, zie de actielijst")


@dataclass(frozen=True)
class AgendaAction:
    """One open action under "Actielijst": its number, case (number and initials), owner, date."""

    number: int
    description: str
    owner: str
    case_number: str = ""
    owner_organisation: str = ""
    initials: str = ""
    due_date: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class NextMeeting:
    """When the group meets next."""

    day: date
    start: time


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
    # The items run past the planned end (or past the chosen overrun) until then: a warning.
    overrun_until: time | None = None
    # An overrun chosen on purpose: the meeting may last until then ("uitloop … gepland").
    chosen_overrun_until: time | None = None
    # The people come from the series' standing participants: attendance is not kept yet.
    invited_from_series: bool = False
    secretary: str = ""  # who sends the invitations (the series' secretary), "" when unknown
    in_series: bool = False  # the meeting belongs to a series (it can have standing members)
    # The open actions for item "Actielijst"; None: not gathered (no section printed).
    actions: Sequence[AgendaAction] | None = None
    actions_item: int | None = None  # the number of the item "Actielijst"
    next_meeting: NextMeeting | None = None
    show_next_meeting: bool = False  # False: the caller did not look for it (no line printed)


def _minutes_between(earlier: time, later: time) -> int:
    return (later.hour * 60 + later.minute) - (earlier.hour * 60 + earlier.minute)


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} uur {rest} min" if rest else f"{hours} uur"


def _warning(markup: str) -> Paragraph:
    return Paragraph(f'<font color="{_hex(WARNING)}">{markup}</font>', styles().cell)


def _time_rows(agenda: AgendaDocument) -> list[tuple[str, str | Flowable]]:
    planned = f"{clock(agenda.start)} – {clock(agenda.end)} uur"
    if agenda.chosen_overrun_until is not None:
        planned += f" (uitloop: tot {clock(agenda.chosen_overrun_until)} uur gepland)"
    rows: list[tuple[str, str | Flowable]] = [("Tijd", planned)]
    if agenda.overrun_until is not None:
        # Nobody chose this overrun (or the items run past the chosen one): warn on paper.
        limit = agenda.chosen_overrun_until or agenda.end
        past = _minutes_between(limit, agenda.overrun_until)
        which = "de gekozen uitloop" if agenda.chosen_overrun_until else "de geplande eindtijd"
        after = f", {_duration(past)} na {which}" if past > 0 else ""
        rows.append(
            (
                "Uitloop",
                _warning(f"de agendapunten lopen tot {clock(agenda.overrun_until)} uur{after}"),
            )
        )
    return rows


def agenda_story(agenda: AgendaDocument) -> list[Flowable]:
    """The agenda's flowables (for build_pdf)."""
    s = styles()
    rows = _time_rows(agenda)
    rows.append(("Locatie", agenda.location or "volgt"))
    for role in ("voorzitter", "notulist"):
        names = [p.name for p in agenda.participants if p.role == role]
        rows.append((role.capitalize(), ", ".join(names) or "nog niet aangewezen"))
    if agenda.secretary:
        rows.append(("Secretaris", agenda.secretary))
    story: list[Flowable] = [
        Paragraph(f"Agenda {escape(agenda.meeting_name)}", s.title),
        Paragraph(escape(dutch_date(agenda.day)), s.subtitle),
        spacer(3),
        facts(rows),
        *heading("Deelnemers"),
    ]
    if agenda.participants:
        if agenda.invited_from_series:
            story.append(
                Paragraph(
                    "Uitgenodigd zijn de vaste deelnemers van deze overlegreeks; de aanwezigheid "
                    "is nog niet bijgehouden.",
                    s.small,
                )
            )
            story.append(spacer(1.5))
        story.append(_participants_table(agenda.participants))
    else:
        # Said plainly: an agenda without invitees is not one to send yet.
        story.append(
            Paragraph(
                f'<font color="{_hex(WARNING)}">Nog geen deelnemers uitgenodigd.</font> '
                + (
                    "Leg de vaste deelnemers van de overlegreeks vast of vul de aanwezigheid in."
                    if agenda.in_series
                    else "Vul de aanwezigheid van dit overleg in."
                ),
                s.body,
            )
        )
    story += [*heading("Agendapunten"), _items_table(agenda.items)]
    if agenda.actions is not None:
        story += _actions_section(agenda.actions, agenda.actions_item)
    if agenda.show_next_meeting:
        story += [spacer(5), _next_meeting(agenda.next_meeting)]
    story += [
        spacer(5),
        Paragraph(
            "Casussen staan op deze agenda alleen met casusnummer en initialen. Neem geen namen "
            "of dossierstukken op in e-mail; de gegevens staan in de casusadministratie.",
            s.small,
        ),
    ]
    return story


def _hex(colour: Color) -> str:
    return "#" + str(colour.hexval())[2:]


def _next_meeting(meeting: NextMeeting | None) -> Flowable:
    s = styles()
    if meeting is None:
        return Paragraph("<b>Volgend overleg:</b> nog niet gepland.", s.body)
    when = f"{dutch_date(meeting.day)}, {clock(meeting.start)} uur"
    return Paragraph(f"<b>Volgend overleg:</b> {escape(when)}", s.body)


def _actions_section(actions: Sequence[AgendaAction], item: int | None) -> list[Flowable]:
    s = styles()
    title = f"Actielijst (agendapunt {item})" if item is not None else "Actielijst"
    if not actions:
        return [*heading(title, 3), Paragraph("Er zijn geen open actiepunten.", s.body)]
    rows: list[list[str | Flowable]] = []
    warn: list[tuple[int, int]] = []
    for index, action in enumerate(actions):
        case = "—"
        if action.case_number:
            case = text(action.case_number)
            if action.initials:
                case += f"<br/>{text(action.initials)}"
        due = dutch_date_short(action.due_date) if action.due_date else "geen"
        if action.overdue:
            due += "\nverlopen"
            warn.append((index, 4))
        rows.append(
            [
                cell(f"nr.&nbsp;{action.number}"),
                cell(case),
                cell(cell_text(action.description)),
                cell(
                    text(action.owner)
                    + (
                        f'<br/><font size="8" color="#5B6470">{text(action.owner_organisation)}'
                        "</font>"
                        if action.owner_organisation
                        else ""
                    )
                ),
                Plain(due),
            ]
        )
    table = data_table(
        ["Nr.", "Casus", "Actiepunt", "Wie", "Deadline"],
        rows,
        [0.09, 0.15, 0.36, 0.26, 0.14],
        warn=warn,
    )
    count = len(actions)
    summary = f"{count} open actiepunt{'en' if count != 1 else ''}, op volgorde van deadline"
    overdue = sum(1 for a in actions if a.overdue)
    if overdue:
        summary += f", waarvan {overdue} verlopen op de dag van dit overleg"
    lead = Paragraph(escape(summary) + ".", s.small)
    # The heading, its line and the first rows go together; the table itself breaks by row.
    return [CondPageBreak(45 * mm), *heading(title, 3), lead, spacer(1.5), table]


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
        if item.reason.strip():
            subject += f'<br/><font color="#5B6470">Reden:</font> {cell_text(item.reason, 300)}'
        if item.note.strip():
            subject += f'<br/><font color="#5B6470">{cell_text(item.note, 300)}</font>'
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
