"""Alternatives weighed before an exemption advice ("vrijstelling mag niet het afvoerputje worden").

Not a rule of the Leerplichtwet (docs/leerplichtwet.md): the group's own aim from its seeds,
issue 11 item 3. The domain rule is tested on its own and through the minutes service against a
real encrypted store.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casusoverleg.domain.alternatives import (
    NEEDS_ALTERNATIVE,
    alternatives_problem,
    alternatives_text,
    format_alternatives,
    kept_alternatives,
    parse_alternatives,
)
from casusoverleg.domain.enums import Advice, Alternative, CaseStatus, MeetingStatus
from casusoverleg.errors import BadInput
from casusoverleg.services import agenda, audit, cases, documents, meetings, minutes
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import add_case, add_meeting
from tests.helpers.pdfs import all_text, squashed

ON = date(2027, 5, 18)
LATER = date(2027, 6, 1)


def case_item(store: Store, meeting_id: int, case_id: int) -> int:
    """The agenda item id of a case on a meeting's agenda."""
    return next(i.id for i in agenda.get_agenda(store, meeting_id).items if i.case_id == case_id)


def one_case_item(store: Store, on: date = ON) -> tuple[int, int, int]:
    """A case on a new meeting's agenda: (case id, meeting id, agenda item id)."""
    case_id = add_case(store, "2027-0001")
    meeting = add_meeting(store, on)
    agenda.build_agenda(store, meeting, [case_id])
    return case_id, meeting, case_item(store, meeting, case_id)


@pytest.mark.parametrize("advice", list(Advice))
def test_afvoerputje_rule_only_an_exemption_advice_needs_an_alternative(advice: Advice) -> None:
    problem = alternatives_problem(advice, ())
    assert bool(problem) is (advice is Advice.VRIJSTELLING_PASSEND)
    assert alternatives_problem(advice, (Alternative.ANDERS,)) == ""
    assert alternatives_problem(None, ()) == ""


def test_alternatives_round_trip_in_a_fixed_order() -> None:
    chosen = (Alternative.ANDERS, Alternative.DEELTIJDROOSTER, Alternative.ANDERS)
    stored = format_alternatives(chosen)
    assert stored == "DEELTIJDROOSTER,ANDERS"
    assert parse_alternatives(stored) == (Alternative.DEELTIJDROOSTER, Alternative.ANDERS)
    assert parse_alternatives("") == ()
    assert alternatives_text(chosen) == "deeltijdrooster, anders"
    with pytest.raises(ValueError, match="Onbekend alternatief"):
        parse_alternatives("VRIJSTELLING")
    # Alternatives mean something beside an exemption advice only.
    assert kept_alternatives(Advice.AANHOUDEN, chosen) == ()
    assert kept_alternatives(Advice.VRIJSTELLING_PASSEND, chosen) == parse_alternatives(stored)


def test_afvoerputje_exemption_advice_without_alternative_is_refused_nothing_saved(
    store: Store,
) -> None:
    case_id, _meeting, item = one_case_item(store)
    events_before = audit.list_events(store)
    with pytest.raises(BadInput) as raised:
        minutes.save_entry(
            store,
            item,
            notes="Moeder en school gesproken.",
            advice=Advice.VRIJSTELLING_PASSEND,
            decision="Advies aan leerplicht.",
        )
    assert raised.value.message == NEEDS_ALTERNATIVE
    assert "vrijstelling passend" in raised.value.message
    # Nothing of that save reached the store: no log line, no entry, no case status.
    assert audit.list_events(store) == events_before
    assert minutes.get_entry(store, item).entry_id is None
    assert cases.get_case(store, case_id, today=ON).status == CaseStatus.AANGEMELD
    assert audit.verify_chain(store).ok


def test_afvoerputje_exemption_advice_with_alternatives_is_kept(store: Store) -> None:
    case_id, meeting, item = one_case_item(store)
    saved = minutes.save_entry(
        store,
        item,
        advice=Advice.VRIJSTELLING_PASSEND,
        alternatives=[Alternative.THUISONDERWIJS, Alternative.ONDERWIJSZORGARRANGEMENT],
    )
    weighed = (Alternative.ONDERWIJSZORGARRANGEMENT, Alternative.THUISONDERWIJS)
    assert saved.alternatives == weighed
    assert minutes.get_entry(store, item).alternatives == weighed
    assert cases.get_case(store, case_id, today=ON).status == CaseStatus.ADVIES_UITGEBRACHT
    assert minutes.case_history(store, case_id)[0].alternatives == weighed
    point = next(i for i in minutes.get_minutes(store, meeting).items if i.agenda_item_id == item)
    assert point.alternatives == weighed
    # Notes alone leave advice and alternatives as they are.
    assert minutes.save_entry(store, item, notes="Nog een zin.").alternatives == weighed


def test_afvoerputje_last_alternative_cannot_be_taken_away(store: Store) -> None:
    _case_id, _meeting, item = one_case_item(store)
    minutes.save_entry(
        store, item, advice=Advice.VRIJSTELLING_PASSEND, alternatives=[Alternative.ANDERS]
    )
    with pytest.raises(BadInput, match="minstens één afgewogen alternatief"):
        minutes.save_entry(store, item, alternatives=[])
    assert minutes.get_entry(store, item).alternatives == (Alternative.ANDERS,)
    # Another advice: the alternatives of the exemption advice go with it.
    changed = minutes.save_entry(store, item, advice=Advice.DEELTIJDROOSTER)
    assert (changed.advice, changed.alternatives) == (Advice.DEELTIJDROOSTER, ())
    # Back to the exemption advice: the alternatives must be given again.
    with pytest.raises(BadInput, match="minstens één afgewogen alternatief"):
        minutes.save_entry(store, item, advice=Advice.VRIJSTELLING_PASSEND)
    assert minutes.get_entry(store, item).advice == Advice.DEELTIJDROOSTER


def test_afvoerputje_amendment_cannot_bring_an_exemption_advice(store: Store) -> None:
    """Fixed minutes change only by a text amendment; it carries no advice, so no way round."""
    case_id, meeting, item = one_case_item(store)
    minutes.save_entry(store, item, advice=Advice.AANHOUDEN)
    meetings.set_meeting_status(store, meeting, MeetingStatus.GEHOUDEN)
    later = add_meeting(store, LATER)
    minutes.fix_minutes(store, meeting, at_meeting_id=later)
    with pytest.raises(BadInput, match="vastgesteld"):
        minutes.save_entry(
            store, item, advice=Advice.VRIJSTELLING_PASSEND, alternatives=[Alternative.ANDERS]
        )
    minutes.amend_entry(store, item, "Het advies was vrijstelling passend.")
    entry = minutes.get_entry(store, item)
    assert (entry.advice, entry.alternatives) == (Advice.AANHOUDEN, ())
    history = minutes.case_history(store, case_id)[0]
    assert history.advice == Advice.AANHOUDEN
    assert history.amendments == ["Het advies was vrijstelling passend."]


def test_afvoerputje_minutes_pdf_and_dossier_show_the_alternatives_with_the_advice(
    store: Store, tmp_path: Path
) -> None:
    case_id, meeting, item = one_case_item(store)
    minutes.save_entry(
        store,
        item,
        notes="Besproken.",
        advice=Advice.VRIJSTELLING_PASSEND,
        alternatives=[Alternative.DEELTIJDROOSTER, Alternative.ANDERE_SCHOOL],
    )
    documents.print_minutes(store, meeting, tmp_path / "verslag.pdf", today=ON)
    text = squashed(all_text(tmp_path / "verslag.pdf"))
    advice_at = text.index("Advies: vrijstelling passend")
    weighed_at = text.index("Afgewogen alternatieven: deeltijdrooster, andere school")
    assert advice_at < weighed_at
    documents.print_dossier(store, case_id, tmp_path / "dossier.pdf", today=ON)
    dossier = squashed(all_text(tmp_path / "dossier.pdf"))
    assert "Afgewogen alternatieven: deeltijdrooster, andere school" in dossier
