"""Two meetings end to end: proposal, agenda, minutes, advice, actions, fixing and history."""

from __future__ import annotations

from datetime import date

import pytest

from casusoverleg.domain.agenda import ProposalReason
from casusoverleg.domain.enums import (
    ActionStatus,
    Advice,
    AgendaItemKind,
    Alternative,
    AttendanceStatus,
    AuditAction,
    CaseStatus,
    ExemptionGround,
    MeetingRole,
    MeetingStatus,
    MinutesStatus,
)
from casusoverleg.errors import BadInput
from casusoverleg.services import actions, agenda, audit, cases, meetings, minutes
from casusoverleg.services.store import Store
from tests.helpers.meeting_data import add_case, add_meeting, make_members

R = ProposalReason
EARLIER = date(2027, 3, 2)  # a meeting held before the two of the walk-through
FIRST = date(2027, 5, 18)  # 1 July 2027 (a Thursday) is 44 days later: renewals are near
SECOND = date(2027, 6, 1)


def item_of(built: agenda.Agenda, case_id: int) -> int:
    """The agenda item id of a case."""
    return next(i.id for i in built.items if i.case_id == case_id)


def test_two_meetings(store: Store) -> None:
    team = make_members(store)
    # One case per reason, one without any, and a closed one.
    new = add_case(
        store, "2027-0001", "Anna", ground=ExemptionGround.ART11, registered_on=date(2027, 4, 20)
    )
    review = add_case(store, "2027-0002", "Bram", ground=ExemptionGround.ART15)
    action_due = add_case(store, "2027-0003", "Cas", ground=ExemptionGround.ART11)
    renewal = add_case(
        store,
        "2027-0004",
        "Daan",
        ground=ExemptionGround.ART5_A,
        owner_id=team.leerplicht.id,
        expert_statement_on=date(2026, 8, 20),
    )
    at_home = add_case(
        store,
        "2027-0005",
        "Eva",
        ground=ExemptionGround.THUISZITTER,
        absent_since=date(2027, 1, 11),
    )
    held = add_case(store, "2027-0006", "Fenna", ground=ExemptionGround.PREVENTIEF)
    quiet = add_case(store, "2027-0007", "Gijs", ground=ExemptionGround.ART15)
    closed = add_case(store, "2027-0008", "Hugo", ground=ExemptionGround.ART5_B)
    cases.close_case(store, closed, on=date(2027, 5, 10), today=date(2027, 5, 10))

    # An earlier meeting discussed all but the new case.
    earlier = add_meeting(store, EARLIER)
    before = agenda.build_agenda(
        store, earlier, [review, action_due, renewal, at_home, held, quiet]
    )
    advice = {
        review: Advice.VRIJSTELLING_PASSEND,
        action_due: Advice.ONDERWIJS_ZORGARRANGEMENT,
        renewal: Advice.VRIJSTELLING_PASSEND,
        at_home: Advice.TERUGLEIDINGSTRAJECT,
        held: Advice.AANHOUDEN,
        quiet: Advice.DEELTIJDROOSTER,
    }
    for case_id, given in advice.items():
        weighed = [Alternative.DEELTIJDROOSTER] if given is Advice.VRIJSTELLING_PASSEND else []
        minutes.save_entry(store, item_of(before, case_id), advice=given, alternatives=weighed)
    minutes.save_entry(store, item_of(before, review), next_review_date=date(2027, 5, 11))
    early_action = actions.create_action(
        store,
        description="Verslag van de school opvragen",
        owner_id=team.swv.id,
        due_date=date(2027, 5, 14),
        case_id=action_due,
        today=date(2027, 3, 10),
    )
    meetings.set_meeting_status(store, earlier, MeetingStatus.GEHOUDEN)

    # -- first meeting: the proposal names every case with its reason, most urgent first.
    first = add_meeting(store, FIRST)
    proposed = agenda.propose_agenda(store, first)
    # Held over first, then legal deadlines (the review date 11 May before 30 June), then the
    # child at home, then the rest (domain.urgency).
    assert [(p.case_id, p.reasons) for p in proposed] == [
        (held, [R.AANGEHOUDEN]),
        (review, [R.HERBEOORDELING]),
        (renewal, [R.VERLENGING]),
        (at_home, [R.THUISZITTER]),
        (action_due, [R.ACTIE]),
        (new, [R.NIEUW]),
    ]
    assert [p.urgency for p in proposed] == [1, 2, 2, 3, 4, 4]
    assert proposed[3].initials == "E. de V."
    assert proposed[2].reason_text == "verlenging vóór 1 juli binnen 8 weken"

    built = agenda.build_agenda(store, first)
    kinds = [i.kind for i in built.items]
    assert kinds == [
        AgendaItemKind.OPENING,
        AgendaItemKind.VERSLAG,
        AgendaItemKind.ACTIELIJST,
        *[AgendaItemKind.CASUS] * 6,
        AgendaItemKind.RONDVRAAG,
        AgendaItemKind.SLUITING,
    ]
    assert [i.case_id for i in built.items if i.case_id] == [p.case_id for p in proposed]
    assert built.items[6].reason == "thuiszitter > 4 weken, 6 weken niet besproken"
    # The casushouder presents the case; 30 min fixed items + 6 × 15 min fit in 120 minutes.
    assert built.items[5].presenter_name == "Karin Bos"
    assert (built.overrun_minutes, built.warnings) == (0, [])
    assert f"{built.end_time:%H:%M}" == "15:00"
    # The actielijst of the first meeting holds the earlier action, due before it.
    listed = actions.open_actions_for_agenda(store, first)
    assert [(a.id, a.overdue) for a in listed] == [(early_action.id, True)]

    minutes.fix_minutes(store, earlier, at_meeting_id=first)
    for person, role in (
        (team.leerplicht, MeetingRole.VOORZITTER),
        (team.ortho, MeetingRole.NOTULIST),
    ):
        meetings.set_attendance(store, first, person.id, role, AttendanceStatus.AANWEZIG)

    # Minutes, advice, a decision and actions in the first meeting.
    minutes.save_entry(
        store, item_of(built, new), notes="Ouders nog niet gesproken.", advice=Advice.AANHOUDEN
    )
    minutes.save_entry(
        store,
        item_of(built, renewal),
        notes="Verklaring orthopedagoog ligt er.",
        advice=Advice.VRIJSTELLING_PASSEND,
        alternatives=[Alternative.ONDERWIJSZORGARRANGEMENT],
        decision="Advies: vrijstelling verlengen voor schooljaar 2027-2028.",
        next_review_date=date(2028, 5, 1),
    )
    minutes.save_entry(
        store,
        item_of(built, at_home),
        advice=Advice.NADER_ONDERZOEK,
        next_review_date=date(2027, 6, 29),
    )
    minutes.save_entry(store, item_of(built, held), advice=Advice.ONDERWIJS_ZORGARRANGEMENT)
    minutes.save_entry(
        store,
        item_of(built, review),
        advice=Advice.DEELTIJDROOSTER,
        next_review_date=date(2027, 11, 1),
    )
    actielijst = next(i for i in built.items if i.kind == AgendaItemKind.ACTIELIJST)
    minutes.save_entry(store, actielijst.id, notes="Actiepunt 2027-0003 is afgerond.")
    actions.complete_action(store, early_action.id, done_on=FIRST)
    parents = actions.create_action(
        store,
        description="Ouders uitnodigen voor een gesprek",
        owner_id=team.wijkteam.id,
        due_date=date(2027, 5, 28),
        agenda_item_id=item_of(built, new),
    )
    research = actions.create_action(
        store,
        description="Onderzoek aanvragen bij het SWV",
        owner_id=team.swv.id,
        due_date=date(2027, 6, 10),
        agenda_item_id=item_of(built, at_home),
    )
    rondvraag = next(i for i in built.items if i.kind == AgendaItemKind.RONDVRAAG)
    agreements = actions.create_action(
        store,
        description="Werkafspraken thuiszitters rondsturen",
        owner_id=team.ortho.id,
        due_date=date(2027, 6, 15),
        agenda_item_id=rondvraag.id,
    )
    assert (parents.case_number, parents.created_on) == ("2027-0001", FIRST)
    assert agreements.case_id is None
    # Agreed in the first meeting: not on its own actielijst.
    assert actions.open_actions_for_agenda(store, first) == []
    meetings.set_meeting_status(store, first, MeetingStatus.GEHOUDEN)

    # The advice went into the cases.
    def case(case_id: int) -> cases.CaseRecord:
        """The case as of the second meeting."""
        return cases.get_case(store, case_id, today=SECOND)

    assert case(new).status == CaseStatus.AANGEHOUDEN
    assert (case(renewal).status, case(renewal).review_date) == (
        CaseStatus.ADVIES_UITGEBRACHT,
        date(2028, 5, 1),
    )
    assert (case(at_home).status, case(at_home).review_date) == (
        CaseStatus.IN_BEHANDELING,
        date(2027, 6, 29),
    )
    assert case(held).status == CaseStatus.ADVIES_UITGEBRACHT

    # -- second meeting: the held-over case comes back, with its overdue action.
    second = add_meeting(store, SECOND)
    proposed = agenda.propose_agenda(store, second)
    assert [(p.case_id, p.reasons) for p in proposed] == [(new, [R.AANGEHOUDEN, R.ACTIE])]
    built2 = agenda.build_agenda(store, second)
    assert built2.items[3].reason == "aangehouden in vorig overleg; actiepunt verloopt"
    listed = actions.open_actions_for_agenda(store, second)
    assert [(a.id, a.overdue) for a in listed] == [
        (parents.id, True),
        (research.id, False),
        (agreements.id, False),
    ]
    assert listed[0].owner_label == "Ahmed el Amrani (Sociaal Wijkteam Zwolle-Zuid)"

    # The second meeting fixes the first one's minutes; they are read-only from then on.
    with pytest.raises(BadInput, match="gehouden overleg"):
        minutes.fix_minutes(store, second, at_meeting_id=first)
    fixed = minutes.fix_minutes(store, first, at_meeting_id=second)
    assert (fixed.status, fixed.fixed_at_meeting_id, fixed.fixed_at_date) == (
        MinutesStatus.VASTGESTELD,
        second,
        SECOND,
    )
    with pytest.raises(BadInput, match="is vastgesteld en kan niet meer worden gewijzigd"):
        minutes.save_entry(store, item_of(built, new), notes="Toch nog iets.")
    with pytest.raises(BadInput, match="vastgesteld"):
        actions.create_action(
            store,
            description="Te laat",
            owner_id=team.swv.id,
            due_date=None,
            agenda_item_id=item_of(built, new),
        )
    correction = "Correctie: de moeder was wel gesproken, de vader nog niet."
    minutes.amend_entry(store, item_of(built, new), correction)

    first_minutes = minutes.get_minutes(store, first, today=SECOND)
    entry = next(i for i in first_minutes.items if i.case_id == new)
    assert entry.notes == "Ouders nog niet gesproken."
    assert [a.text for a in entry.amendments] == [correction]
    assert [a.id for a in entry.actions] == [parents.id]
    assert [a.name for a in first_minutes.attendance] == ["Karin Bos", "Joost de Wit"]
    assert {a.id for a in first_minutes.actions} == {parents.id, research.id, agreements.id}
    renewed = next(i for i in first_minutes.items if i.case_id == renewal)
    assert renewed.decision == "Advies: vrijstelling verlengen voor schooljaar 2027-2028."

    # The case history: newest first, with the fixed status and the correction.
    history = minutes.case_history(store, new)
    assert [(h.meeting_id, h.advice, h.minutes_status, h.amendments) for h in history] == [
        (first, Advice.AANHOUDEN, MinutesStatus.VASTGESTELD, [correction])
    ]
    history = minutes.case_history(store, renewal)
    assert [(h.meeting_date, h.advice, h.minutes_status) for h in history] == [
        (FIRST, Advice.VRIJSTELLING_PASSEND, MinutesStatus.VASTGESTELD),
        (EARLIER, Advice.VRIJSTELLING_PASSEND, MinutesStatus.VASTGESTELD),
    ]
    assert history[0].next_review_date == date(2028, 5, 1)
    assert minutes.case_history(store, closed) == []

    # Every change is in the log, under the case it concerns, and the chain is whole.
    events = audit.list_events(store, case_number="2027-0001")
    kinds_logged = {(e.action, e.object_type) for e in events}
    assert {
        (AuditAction.CREATE, "casus"),
        (AuditAction.CREATE, "agendapunt"),
        (AuditAction.CREATE, "verslag"),
        (AuditAction.CREATE, "actiepunt"),
        (AuditAction.CREATE, "correctie verslag"),
    } <= kinds_logged
    assert any(
        e.object_type == "actiepunt" and e.detail == "gereed"
        for e in audit.list_events(store, case_number="2027-0003")
    )
    overall = {(e.action, e.object_type, e.object_id) for e in audit.list_events(store)}
    assert (AuditAction.UPDATE, "overleg", str(first)) in overall
    assert any(
        e.detail == f"verslag vastgesteld in overleg {second} van 01-06-2027"
        for e in audit.list_events(store)
    )
    assert (AuditAction.CREATE, "agenda", str(second)) in overall
    assert (AuditAction.CREATE, "actiepunt", str(agreements.id)) in overall
    assert actions.get_action(store, early_action.id).status == ActionStatus.GEREED
    assert audit.verify_chain(store).ok
