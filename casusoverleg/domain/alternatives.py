"""The alternatives a group weighs before it advises an exemption ("niet het afvoerputje").

Issue 11 asks that "vrijstelling passend" cannot be advised without at least one alternative
that was weighed first. The Leerplichtwet itself does not ask this (see docs/leerplichtwet.md):
it is the group's own aim from its seeds, kept as a rule of the minutes, not of the law.
"""

from __future__ import annotations

from collections.abc import Iterable

from casusoverleg.domain.enums import Advice, Alternative

ALTERNATIVES_LABEL = "Afgewogen alternatieven"  # on screen, in minutes and dossier
NEEDS_ALTERNATIVE = (
    "Bij het advies 'vrijstelling passend' hoort minstens één afgewogen alternatief "
    "(onderwijszorgarrangement, deeltijdrooster, andere school, thuisonderwijs met begeleiding "
    "of anders). Vink aan wat het overleg heeft afgewogen."
)


def parse_alternatives(text: str) -> tuple[Alternative, ...]:
    """The alternatives stored as comma-separated codes, in the enum's order; bad codes raise."""
    codes = {part.strip() for part in text.split(",") if part.strip()}
    unknown = codes - {str(a) for a in Alternative}
    if unknown:
        raise ValueError(f"Onbekend alternatief: {', '.join(sorted(unknown))}.")
    return tuple(a for a in Alternative if str(a) in codes)


def format_alternatives(alternatives: Iterable[Alternative]) -> str:
    """The codes as stored: comma-separated, in the enum's order, each once ("" = none)."""
    chosen = set(alternatives)
    return ",".join(str(a) for a in Alternative if a in chosen)


def alternatives_text(alternatives: Iterable[Alternative]) -> str:
    """The Dutch labels for screen and paper ("deeltijdrooster, andere school")."""
    chosen = set(alternatives)
    return ", ".join(a.label for a in Alternative if a in chosen)


def alternatives_problem(advice: Advice | None, alternatives: Iterable[Alternative]) -> str:
    """Why this advice cannot be saved with these alternatives (Dutch), or "" if it can."""
    if advice is Advice.VRIJSTELLING_PASSEND and not any(True for _ in alternatives):
        return NEEDS_ALTERNATIVE
    return ""


def kept_alternatives(
    advice: Advice | None, alternatives: Iterable[Alternative]
) -> tuple[Alternative, ...]:
    """What is kept with an advice: the alternatives belong to an exemption advice only.

    Interpretation: alternatives weighed "before an exemption was advised" mean nothing beside
    another advice, so they are not kept there (the screen only offers them for that advice).
    """
    if advice is not Advice.VRIJSTELLING_PASSEND:
        return ()
    return parse_alternatives(format_alternatives(alternatives))
