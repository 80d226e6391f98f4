"""Agenda rules with no I/O: why a case is proposed, how urgent it is, and the time slots.

The services gather the facts of each case (its dates, earlier discussions, open actions) and
these functions decide; so the rules can be tested on plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from casusoverleg.domain.case_law import CaseLawFacts, LawStatus, NoticeKind, law_status
from casusoverleg.domain.enums import (
    Advice,
    AgendaItemKind,
    CaseStatus,
    ExemptionGround,
    _Labelled,
)
from casusoverleg.domain.recurrence import Region
from casusoverleg.domain.thuiszitter import ThuiszitterSignal

# The renewal of an art. 5 exemption is proposed from 8 weeks before its deadline (30 June).
RENEWAL_WINDOW = timedelta(weeks=8)
# A thuiszitter past 4 weeks comes back when the group has not discussed it for 6 weeks.
THUISZITTER_QUIET = timedelta(weeks=6)

# Advice that settles a renewal; "aanhouden" and "nader onderzoek" leave it open.
_SETTLING_ADVICE = frozenset(Advice) - {Advice.AANHOUDEN, Advice.NADER_ONDERZOEK}


class ProposalReason(_Labelled):
    """Why a case is proposed for a meeting's agenda."""

    NIEUW = ("NIEUW", "aangemeld, nog niet besproken")
    HERBEOORDELING = ("HERBEOORDELING", "herbeoordelingsdatum bereikt")
    ACTIE = ("ACTIE", "actiepunt verloopt")
    VERLENGING = ("VERLENGING", "verlenging vóór 1 juli binnen 8 weken")
    EERSTE_KENNISGEVING = ("EERSTE_KENNISGEVING", "eerste kennisgeving binnen 8 weken")
    VERKLARING = ("VERKLARING", "verklaring deskundige (art. 7) ontbreekt")
    THUISZITTER = ("THUISZITTER", "thuiszitter > 4 weken, 6 weken niet besproken")
    AANGEHOUDEN = ("AANGEHOUDEN", "aangehouden in vorig overleg")
    # Shown with the date where it is known (`reason_label`).
    DOORGESCHOVEN = ("DOORGESCHOVEN", "niet besproken in een eerder overleg, doorgeschoven")


# Most urgent first, in the tiers of domain.urgency: what the group itself put off, then legal
# deadlines and dates the group set, then a child at home, then actions and new registrations.
URGENCY_ORDER: tuple[ProposalReason, ...] = (
    ProposalReason.DOORGESCHOVEN,
    ProposalReason.AANGEHOUDEN,
    ProposalReason.EERSTE_KENNISGEVING,
    ProposalReason.VERLENGING,
    ProposalReason.VERKLARING,
    ProposalReason.HERBEOORDELING,
    ProposalReason.THUISZITTER,
    ProposalReason.ACTIE,
    ProposalReason.NIEUW,
)


def urgency(reasons: Sequence[ProposalReason]) -> int:
    """Rank of the most urgent reason: 1 is most urgent; 0 reasons gives len(order) + 1."""
    if not reasons:
        return len(URGENCY_ORDER) + 1
    return min(URGENCY_ORDER.index(r) for r in reasons) + 1


def by_urgency(reasons: Sequence[ProposalReason]) -> list[ProposalReason]:
    """The reasons, most urgent first."""
    return sorted(set(reasons), key=URGENCY_ORDER.index)


def reason_label(reason: ProposalReason, deferred_on: date | None = None) -> str:
    """One reason in Dutch; a deferral names the meeting it was not reached in."""
    if reason == ProposalReason.DOORGESCHOVEN and deferred_on is not None:
        return f"niet besproken in het overleg van {deferred_on:%d-%m-%Y}, doorgeschoven"
    return reason.label


def reason_text(reasons: Sequence[ProposalReason], deferred_on: date | None = None) -> str:
    """The reasons as one Dutch line, most urgent first (stored on the agenda item)."""
    return "; ".join(reason_label(r, deferred_on) for r in by_urgency(reasons))


@dataclass(frozen=True)
class Discussion:
    """One earlier meeting at which the case was discussed, and the advice given there."""

    on: date
    advice: Advice | None = None


@dataclass(frozen=True)
class CaseFacts:
    """What the proposal rules need to know of one case, as of a meeting.

    `discussions` are the meetings before this one at which the case was discussed, oldest
    first; `open_action_due` the due dates of the case's open actions.
    """

    ground: ExemptionGround
    status: CaseStatus
    registered_on: date
    review_date: date | None = None
    absent_since: date | None = None
    discussions: Sequence[Discussion] = field(default_factory=tuple)
    open_action_due: Sequence[date] = field(default_factory=tuple)
    # Without it the thuiszitter rule cannot see the leerplicht (kept optional for old callers).
    birth_date: date | None = None
    # The rest of what the law's rules read (services.cases.law_facts_from); when given, it
    # decides notices, time at home and the art. 7 statement, as everywhere else.
    law: CaseLawFacts | None = None
    region: Region = Region.NOORD
    # The meeting at which its agenda item was deferred (not reached) and that it has not been
    # on a held agenda since; None when it was not deferred.
    deferred_on: date | None = None

    def law_facts(self) -> CaseLawFacts | None:
        """The facts for `case_law.law_status`, or None without a birth date."""
        if self.law is not None:
            return self.law
        if self.birth_date is None:
            return None
        return CaseLawFacts(
            ground=self.ground,
            birth_date=self.birth_date,
            status=self.status,
            absent_since=self.absent_since,
        )


def proposal_reasons(facts: CaseFacts, meeting_date: date) -> list[ProposalReason]:
    """Every reason to discuss the case at a meeting on `meeting_date`, most urgent first."""
    return assess(facts, meeting_date)[0]


def assess(facts: CaseFacts, meeting_date: date) -> tuple[list[ProposalReason], LawStatus | None]:
    """The reasons of `proposal_reasons` and the law's status they were read from (None
    without a birth date), so that ranking need not run the law's rules a second time."""
    if facts.status == CaseStatus.AFGESLOTEN:
        return [], None
    found: list[ProposalReason] = []
    if facts.deferred_on is not None and facts.deferred_on < meeting_date:
        found.append(ProposalReason.DOORGESCHOVEN)
    discussed = [d.on for d in facts.discussions]
    if not discussed and facts.registered_on <= meeting_date:
        found.append(ProposalReason.NIEUW)
    # A review date counts until the group has discussed the case on or after it.
    if (
        facts.review_date is not None
        and facts.review_date <= meeting_date
        and not any(on >= facts.review_date for on in discussed)
    ):
        found.append(ProposalReason.HERBEOORDELING)
    if any(due <= meeting_date for due in facts.open_action_due):
        found.append(ProposalReason.ACTIE)
    law_facts = facts.law_facts()
    law = law_status(law_facts, meeting_date, facts.region) if law_facts else None
    deadline = law.notice_due if law else None
    if law and deadline is not None and deadline - meeting_date <= RENEWAL_WINDOW:
        window_start = deadline - RENEWAL_WINDOW
        settled = any(
            d.on >= window_start and d.advice in _SETTLING_ADVICE for d in facts.discussions
        )
        if not settled:
            found.append(
                ProposalReason.EERSTE_KENNISGEVING
                if law.notice_kind == NoticeKind.EERSTE
                else ProposalReason.VERLENGING
            )
    if law and law.statement_missing:
        found.append(ProposalReason.VERKLARING)
    if (
        facts.ground == ExemptionGround.THUISZITTER
        and law is not None
        and law.thuiszitter != ThuiszitterSignal.GEEN
        and not any(on > meeting_date - THUISZITTER_QUIET for on in discussed)
    ):
        found.append(ProposalReason.THUISZITTER)
    # The last time the group discussed the case it held it over: it comes back, also when a
    # full agenda kept it off the meeting right after.
    if facts.discussions and facts.discussions[-1].advice == Advice.AANHOUDEN:
        found.append(ProposalReason.AANGEHOUDEN)
    return by_urgency(found), law


# -- fixed items and durations -------------------------------------------------------------------

FIXED_BEFORE: tuple[AgendaItemKind, ...] = (
    AgendaItemKind.OPENING,
    AgendaItemKind.VERSLAG,
    AgendaItemKind.ACTIELIJST,
)
FIXED_AFTER: tuple[AgendaItemKind, ...] = (AgendaItemKind.RONDVRAAG, AgendaItemKind.SLUITING)

DEFAULT_MINUTES: dict[AgendaItemKind, int] = {
    AgendaItemKind.OPENING: 5,
    AgendaItemKind.VERSLAG: 5,
    AgendaItemKind.ACTIELIJST: 10,
    AgendaItemKind.CASUS: 15,
    AgendaItemKind.RONDVRAAG: 5,
    AgendaItemKind.SLUITING: 5,
}

MAX_ITEM_MINUTES = 240


def check_item_minutes(minutes: int) -> str | None:
    """A Dutch message if `minutes` is no sensible duration for an agenda item."""
    if minutes < 0 or minutes > MAX_ITEM_MINUTES:
        return f"De duur van een agendapunt moet tussen 0 en {MAX_ITEM_MINUTES} minuten liggen."
    return None


def check_order(kinds: Sequence[AgendaItemKind]) -> str | None:
    """A Dutch message if this order breaks the agenda's frame (opening first, closing last)."""
    if AgendaItemKind.OPENING in kinds and kinds[0] != AgendaItemKind.OPENING:
        return "De opening blijft het eerste agendapunt."
    if AgendaItemKind.SLUITING in kinds and kinds[-1] != AgendaItemKind.SLUITING:
        return "De sluiting blijft het laatste agendapunt."
    return None


def case_insert_index(kinds: Sequence[AgendaItemKind]) -> int:
    """Where a new case item goes: after the last case item, else before rondvraag/sluiting."""
    for index in range(len(kinds) - 1, -1, -1):
        if kinds[index] == AgendaItemKind.CASUS:
            return index + 1
    for index, kind in enumerate(kinds):
        if kind in FIXED_AFTER:
            return index
    return len(kinds)


# -- time slots ----------------------------------------------------------------------------------


def _add_minutes(start: time, minutes: int) -> time:
    # Any day will do: only the time of day is kept (an agenda past midnight wraps round).
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()


def start_times(start: time, durations: Sequence[int]) -> list[time]:
    """The start time of each item when the items follow each other from `start`."""
    times = []
    elapsed = 0
    for minutes in durations:
        times.append(_add_minutes(start, elapsed))
        elapsed += minutes
    return times


def end_time(start: time, durations: Sequence[int]) -> time:
    """When the last item ends."""
    return _add_minutes(start, sum(durations))


def overrun_minutes(durations: Sequence[int], meeting_minutes: int) -> int:
    """How many minutes the items run past the meeting's length (0 if they fit)."""
    return max(0, sum(durations) - meeting_minutes)


def overrun_warning(durations: Sequence[int], meeting_minutes: int, meeting_end: time) -> str:
    """The Dutch warning for an agenda that runs over ('' if it fits)."""
    over = overrun_minutes(durations, meeting_minutes)
    if not over:
        return ""
    return (
        f"De agenda duurt {sum(durations)} minuten: {over} minuten langer dan het overleg "
        f"({meeting_minutes} minuten, tot {meeting_end:%H:%M}). Kort agendapunten in of "
        "verplaats een casus naar een volgend overleg."
    )


def overrun_note(
    durations: Sequence[int], meeting_minutes: int, meeting_end: time, chosen: int = 0
) -> str:
    """The Dutch note for an agenda past its planned end ('' if it fits): calm for an overrun
    chosen on purpose (`chosen` minutes), otherwise the warning to shorten it."""
    over = overrun_minutes(durations, meeting_minutes)
    if not over:
        return ""
    if over <= chosen:
        until = _add_minutes(meeting_end, over)
        return (
            f"Uitloop toegestaan: de agenda loopt tot {until:%H.%M} uur (gepland tot "
            f"{meeting_end:%H.%M} uur)."
        )
    return overrun_warning(durations, meeting_minutes, meeting_end)


def item_title(kind: AgendaItemKind, title: str, case_number: str, case_initials: str) -> str:
    """How an agenda item is named: casusnummer and initials only for a case (privacy)."""
    if kind == AgendaItemKind.CASUS:
        if not case_number:  # the case was destroyed; its item keeps the title it was given
            return title or kind.label
        return f"Casus {case_number} ({case_initials})" if case_initials else f"Casus {case_number}"
    return title or kind.label


def case_status_after(advice: Advice) -> CaseStatus:
    """The case's status once the group has given this advice."""
    if advice == Advice.AANHOUDEN:
        return CaseStatus.AANGEHOUDEN
    if advice == Advice.NADER_ONDERZOEK:
        return CaseStatus.IN_BEHANDELING
    return CaseStatus.ADVIES_UITGEBRACHT
