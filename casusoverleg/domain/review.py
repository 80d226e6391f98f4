"""The review date (herbeoordeling) a meeting sets for a case: its rule and its Dutch words."""

from __future__ import annotations

from datetime import date

REVIEW_LABEL = "Volgende herbeoordeling"  # on screen, in minutes and dossier
REVIEW_NOT_AFTER_MEETING = "De volgende herbeoordeling moet na de datum van het overleg liggen."


def review_date_problem(review: date | None, meeting_date: date) -> str:
    """Why `review` cannot be a case's next review date set in this meeting, or "" if it can.

    A review decided in a meeting lies after that meeting; no review date at all is fine.
    """
    if review is not None and review <= meeting_date:
        return REVIEW_NOT_AFTER_MEETING
    return ""
