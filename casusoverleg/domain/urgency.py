"""In which order proposed cases go onto an agenda: most urgent first (issue 12).

"Agenda opstellen" fills a meeting in this order until its planned length is full, and the
proposal list shows the same order, so the cases left for a later meeting are the least urgent.

1. Put off by the group itself. A case not reached in an earlier meeting (DOORGESCHOVEN: its
   agenda item was deferred) comes first, then a case the group held over ("aanhouden" as the
   advice of its last discussion: AANGEHOUDEN). Within this tier: deferred before held over,
   then the earliest meeting at which that happened.
2. Legal deadlines, earliest first: the art. 6 notice of an art. 5 exemption (the first notice a
   month before the leerplicht starts, lid 2 onder a; the yearly one before 1 July, lid 2
   onder b: `LawStatus.notice_due`), a missing art. 7 statement for 5 onder a (due now: the
   exemption rests on it), and a review date the group set that has been reached.
3. A child at home without education (a thuiszitter; Thuiszitterspact norms, domain.thuiszitter):
   most days at home first (`LawStatus.home.days`: only days on which the child is leer- or
   kwalificatieplichtig count, Lpw art. 3, 4a/4b).
4. The rest: an action that falls due, then a new registration.

Ties within a tier go to the child longest at home, then to the lowest casusnummer, so the
order never depends on how the database returned the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from casusoverleg.domain.agenda import ProposalReason

_FAR = date.max  # no date to sort by: after every real one


class UrgencyTier(IntEnum):
    """The four tiers of the agenda order, most urgent first."""

    UITGESTELD = 1  # deferred or held over by the group
    TERMIJN = 2  # a legal deadline
    THUISZITTER = 3  # a child at home without education
    OVERIG = 4  # an action due, a new registration


_PUT_OFF = (ProposalReason.DOORGESCHOVEN, ProposalReason.AANGEHOUDEN)
_DEADLINES = frozenset(
    {
        ProposalReason.EERSTE_KENNISGEVING,
        ProposalReason.VERLENGING,
        ProposalReason.VERKLARING,
        ProposalReason.HERBEOORDELING,
    }
)
_REST = (ProposalReason.ACTIE, ProposalReason.NIEUW)


@dataclass(frozen=True)
class UrgencyFacts:
    """What the order needs of one proposed case (gathered with its reasons)."""

    reasons: Sequence[ProposalReason]
    case_number: str
    days_at_home: int = 0
    deferred_on: date | None = None  # the meeting at which its item was deferred
    held_on: date | None = None  # the meeting that held it over ("aanhouden")
    notice_due: date | None = None  # art. 6: the working day to give notice by
    review_date: date | None = None  # the review date the group set
    on: date | None = None  # the meeting's day: a missing art. 7 statement is due then


RankKey = tuple[int, int, int, int, str]


def tier(facts: UrgencyFacts) -> UrgencyTier:
    """The tier a proposed case falls in (see the module docstring)."""
    reasons = set(facts.reasons)
    if reasons.intersection(_PUT_OFF):
        return UrgencyTier.UITGESTELD
    if reasons & _DEADLINES:
        return UrgencyTier.TERMIJN
    if ProposalReason.THUISZITTER in reasons or facts.days_at_home > 0:
        return UrgencyTier.THUISZITTER
    return UrgencyTier.OVERIG


def deadline(facts: UrgencyFacts) -> date | None:
    """The earliest legal deadline behind the case's reasons (None: no legal deadline)."""
    reasons = set(facts.reasons)
    found: list[date] = []
    notice = {ProposalReason.EERSTE_KENNISGEVING, ProposalReason.VERLENGING}
    if reasons & notice and facts.notice_due is not None:
        found.append(facts.notice_due)
    if ProposalReason.VERKLARING in reasons and facts.on is not None:
        found.append(facts.on)
    if ProposalReason.HERBEOORDELING in reasons and facts.review_date is not None:
        found.append(facts.review_date)
    return min(found, default=None)


def rank_key(facts: UrgencyFacts) -> RankKey:
    """Sort key: a smaller key is more urgent; equal keys only for the same casusnummer."""
    level = tier(facts)
    within = 0
    when: date | None = None
    if level is UrgencyTier.UITGESTELD:
        deferred = ProposalReason.DOORGESCHOVEN in facts.reasons
        within = 0 if deferred else 1
        when = facts.deferred_on if deferred else facts.held_on
    elif level is UrgencyTier.TERMIJN:
        when = deadline(facts)
    elif level is UrgencyTier.OVERIG:
        within = min((_REST.index(r) for r in facts.reasons if r in _REST), default=len(_REST))
    return (
        int(level),
        within,
        (when or _FAR).toordinal(),
        -facts.days_at_home,
        facts.case_number,
    )
