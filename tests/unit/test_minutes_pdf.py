"""The minutes PDF on its own: outcomes in words, item 2's adoption, page breaks (issue 12)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from casusoverleg.documents.layout import DocumentMeta
from casusoverleg.documents.minutes import (
    Adoption,
    AgreedAction,
    MinutesDocument,
    MinutesPoint,
    render_minutes,
)
from casusoverleg.domain.enums import ItemOutcome, MinutesStatus
from tests.helpers.pdfs import all_text, page_texts, squashed

META = DocumentMeta(title="Proef", header="Proefdocument", subject="Proef")
DAY = date(2026, 11, 24)


def _doc(points: list[MinutesPoint], **kwargs: object) -> MinutesDocument:
    return MinutesDocument(
        "Casusoverleg", DAY, time(9, 30), time(11, 30), "", MinutesStatus.CONCEPT, points, **kwargs
    )  # type: ignore[arg-type]


def test_outcomes_are_printed_as_chosen_and_nothing_is_invented(tmp_path: Path) -> None:
    points = [
        MinutesPoint(1, "Opening en mededelingen"),  # nothing recorded: nothing said
        MinutesPoint(2, "Vaststellen verslag vorig overleg", role="verslag"),
        MinutesPoint(4, "Casus 2026-0001", outcome=ItemOutcome.GEEN_BIJZONDERHEDEN),
        MinutesPoint(
            5, "Casus 2026-0002", outcome=ItemOutcome.DOORGESCHOVEN, deferred_to=date(2027, 1, 4)
        ),
        MinutesPoint(6, "Casus 2026-0003", outcome=ItemOutcome.DOORGESCHOVEN),
        MinutesPoint(7, "Casus 2026-0004", outcome=ItemOutcome.INGETROKKEN),
        MinutesPoint(
            8, "Casus 2026-0005", notes="Besproken met school.", outcome=ItemOutcome.BESPROKEN
        ),
    ]
    path = tmp_path / "verslag.pdf"
    render_minutes(_doc(points), path, META)
    text = squashed(all_text(path))
    assert text.count("Geen bijzonderheden.") == 1
    assert "Niet besproken — doorgeschoven naar het overleg van maandag 4 januari 2027." in text
    assert "Niet besproken — doorgeschoven naar het volgende overleg." in text
    assert "Ingetrokken." in text
    assert "Er was geen verslag vast te stellen." in text

    adopted = _doc(
        points,
        adopted=[Adoption(date(2026, 11, 3), "")],
    )
    render_minutes(adopted, path, META)
    text = squashed(all_text(path))
    assert (
        "Het verslag van het overleg van dinsdag 3 november 2026 is vastgesteld zonder "
        "wijzigingen." in text
    )
    assert "Er was geen verslag vast te stellen." not in text
    render_minutes(_doc(points, not_adopted=date(2026, 11, 3)), path, META)
    assert "3 november 2026 is in dit overleg niet vastgesteld." in squashed(all_text(path))


def test_a_case_block_stays_together_across_a_page_break(tmp_path: Path) -> None:
    notes = "\n".join(f"Regel {n} over wat er met school is afgesproken." for n in range(9))
    points = [
        MinutesPoint(
            n,
            f"Casus 2026-{n:04d}",
            notes=notes,
            actions=[
                AgreedAction(
                    f"Actie{n}x{k} uitvoeren",
                    "Anouk Bos",
                    "Team Leerplicht",
                    date(2026, 12, 8),
                    item_number=n,
                    number=100 * n + k,
                    agreed_on=DAY,
                )
                for k in range(3)
            ],
            outcome=ItemOutcome.BESPROKEN,
        )
        for n in range(4, 16)
    ]
    path = tmp_path / "verslag.pdf"
    pages = render_minutes(_doc(points), path, META)
    assert pages >= 3
    texts = [squashed(t) for t in page_texts(path)]
    for n in range(4, 16):
        heading = f"{n}. Casus 2026-{n:04d}"
        (on,) = [i for i, t in enumerate(texts) if heading in t]
        # The case's notes and its whole action table are on the heading's page.
        for k in range(3):
            assert f"Actie{n}x{k}" in texts[on], (heading, k)
            assert f"nr. {100 * n + k}" in texts[on]
        assert "Regel 8" in texts[on].split(heading, 1)[1]
