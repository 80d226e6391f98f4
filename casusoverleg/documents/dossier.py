"""The case dossier PDF: everything the store holds about one child (AVG art. 15, inzage).

Unlike agenda and action list it names the child in full: it is the child's own dossier, for
the child and the parents. It also shows who viewed or changed the case (the audit trail).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from casusoverleg.documents.actions import ActionLine
from casusoverleg.documents.layout import (
    DocumentMeta,
    Plain,
    build_pdf,
    cell,
    cell_text,
    data_table,
    dutch_date,
    dutch_date_short,
    facts,
    heading,
    labelled,
    note_box,
    spacer,
    styles,
    text,
    timestamp,
)
from casusoverleg.domain.alternatives import ALTERNATIVES_LABEL
from casusoverleg.domain.review import REVIEW_LABEL


@dataclass(frozen=True)
class DossierDiscussion:
    """One discussion of the case in a meeting."""

    day: date
    meeting_name: str
    minutes_status: str  # "concept" or "vastgesteld"
    notes: str = ""
    advice: str = ""
    decision: str = ""
    next_review: date | None = None
    corrections: Sequence[str] = ()
    alternatives: str = ""  # weighed before an exemption advice, Dutch labels


@dataclass(frozen=True)
class DossierEvent:
    """One line of the audit trail about the case."""

    at: datetime
    account: str
    workstation: str
    action: str  # the Dutch label: inzien, wijzigen, afdrukken …
    result: str
    detail: str
    subject: str = ""  # what was acted on: casus, actiepunt, verslag …


@dataclass(frozen=True)
class DossierDocument:
    """Everything the dossier shows. `case_facts` are (label, value) pairs in order."""

    case_number: str
    child_name: str
    case_facts: Sequence[tuple[str, str]]
    organisation: str
    made_on: date
    case_notes: str = ""
    discussions: Sequence[DossierDiscussion] = ()
    actions: Sequence[ActionLine] = ()
    events: Sequence[DossierEvent] = ()
    retention_until: date | None = None


def _discussion(item: DossierDiscussion) -> list[Flowable]:
    s = styles()
    title = f"{dutch_date(item.day)} — {item.meeting_name}"
    story: list[Flowable] = [
        *heading(title, 3),
        Paragraph(f"Verslag: {escape(item.minutes_status)}", s.small),
    ]
    story += labelled("Besproken", item.notes)
    story += labelled("Advies", item.advice)
    story += labelled(ALTERNATIVES_LABEL, item.alternatives)
    story += labelled("Besluit", item.decision)
    if item.next_review:
        story += labelled(REVIEW_LABEL, dutch_date(item.next_review))
    if not (item.notes.strip() or item.advice or item.decision.strip()):
        story.append(Paragraph("Er is bij deze bespreking niets vastgelegd.", s.small))
    for correction in item.corrections:
        story += [
            spacer(1.5),
            note_box(f"<b>Correctie op het verslag:</b> {text(correction)}"),
            spacer(1.5),
        ]
    return story


def _actions_table(actions: Sequence[ActionLine]) -> Flowable:
    rows: list[list[str | Flowable]] = []
    emphasis: list[tuple[int, int]] = []
    warn: list[tuple[int, int]] = []
    for index, action in enumerate(actions):
        who = cell(
            f'{text(action.owner)}<br/><font color="#5B6470">{text(action.organisation)}</font>'
        )
        if action.overdue:
            warn.append((index, 2))
            emphasis.append((index, 3))
        rows.append(
            [
                cell(cell_text(action.description)),
                who,
                Plain(dutch_date_short(action.due_date)),
                Plain("verlopen" if action.overdue else action.status),
                Plain(dutch_date_short(action.done_on)),
            ]
        )
    return data_table(
        ["Actiepunt", "Wie", "Deadline", "Status", "Gereed op"],
        rows,
        [0.375, 0.25, 0.13, 0.115, 0.13],
        emphasis=emphasis,
        warn=warn,
    )


def _events_table(events: Sequence[DossierEvent]) -> Flowable:
    rows: list[list[str | Flowable]] = []
    for event in events:
        what = " ".join(filter(None, (event.action, event.subject)))
        if event.result not in ("", "ok"):
            what += f" ({event.result})"
        rows.append(
            [
                Plain(timestamp(event.at)),
                event.account,
                event.workstation,
                what,
                event.detail,
            ]
        )
    return data_table(
        ["Datum en tijd", "Account", "Werkplek", "Handeling", "Toelichting"],
        rows,
        # Moment and action on one line each: a long trail stays readable and short.
        [0.19, 0.12, 0.15, 0.25, 0.29],
    )


def retention_text(until: date | None, made_on: date) -> str:
    """The retention sentence: a promise only for a date still to come, never a passed one."""
    if until is None:
        return "de gegevens worden niet langer bewaard dan nodig."
    if made_on < until:
        return f"de gegevens worden bewaard tot {dutch_date(until)}; daarna worden ze vernietigd."
    # From the retention date on, the file is due for destruction (RetentionTerm.is_past).
    return (
        f"de bewaartermijn is op {dutch_date(until)} afgelopen; de gegevens komen daarom in "
        "aanmerking voor vernietiging."
    )


def dossier_story(doc: DossierDocument) -> list[Flowable]:
    """The dossier's flowables (for build_pdf)."""
    s = styles()
    story: list[Flowable] = [
        Paragraph(f"Dossier casus {escape(doc.case_number)}", s.title),
        Paragraph(escape(doc.child_name), s.subtitle),
        spacer(2),
        Paragraph(
            "Dit overzicht bevat alle gegevens die in de casusadministratie van het casusoverleg "
            "vrijstellingen en thuiszitters over dit kind zijn vastgelegd, zoals ze er op "
            f"{escape(dutch_date(doc.made_on))} in staan. Het is opgesteld als antwoord op een "
            "verzoek om inzage (artikel 15 van de Algemene verordening gegevensbescherming). "
            f"Verantwoordelijk: {escape(doc.organisation)}.",
            s.body,
        ),
        *heading("1. Gegevens van de casus"),
        facts(doc.case_facts, label_width=45 * mm),
    ]
    if doc.case_notes.strip():
        story += [spacer(2), *labelled("Notities", doc.case_notes)]

    story += heading("2. Besprekingen, adviezen en besluiten")
    if doc.discussions:
        for item in doc.discussions:
            story += _discussion(item)
    else:
        story.append(Paragraph("De casus is (nog) niet in een overleg besproken.", s.body))

    story += heading("3. Actiepunten")
    if doc.actions:
        story.append(_actions_table(doc.actions))
    else:
        story.append(Paragraph("Er zijn geen actiepunten bij deze casus.", s.body))

    story += heading("4. Wie heeft de gegevens ingezien of gewijzigd")
    story.append(
        Paragraph(
            "Elke keer dat iemand de casus opent, wijzigt, afdrukt of exporteert, legt de "
            "applicatie dat vast in een logboek dat niet te wijzigen is. Hieronder staan die "
            "regels, de oudste eerst.",
            s.body,
        )
    )
    if doc.events:
        story.append(_events_table(doc.events))
    else:
        story.append(Paragraph("Het logboek bevat geen regels over deze casus.", s.body))

    story += heading("5. Over deze gegevens")
    about = [
        (
            "Doel",
            "het casusoverleg zoekt samen met ouders en kind naar passend onderwijs en "
            "beoordeelt of een vrijstelling van de leerplicht nodig is (Leerplichtwet 1969).",
        ),
        (
            "Wie de gegevens gebruiken",
            "team Leerplicht, het Sociaal Wijkteam, het Samenwerkingsverband passend onderwijs "
            "en de orthopedagoog van het casusoverleg.",
        ),
        (
            "Uw rechten",
            "u kunt vragen onjuiste gegevens te verbeteren of aan te vullen, en bezwaar maken "
            "tegen het gebruik ervan. U kunt ook een klacht indienen bij de Autoriteit "
            "Persoonsgegevens.",
        ),
    ]
    for label, value in about[:2]:
        story += labelled(label, value)
    story += labelled("Bewaartermijn", retention_text(doc.retention_until, doc.made_on))
    for label, value in about[2:]:
        story += labelled(label, value)
    return story


def render_dossier(doc: DossierDocument, target: str | Path | IO[bytes], meta: DocumentMeta) -> int:
    """Write the dossier PDF to `target`; returns the page count."""
    return build_pdf(target, dossier_story(doc), meta)
