"""The colours and the recurring message fragments of every screen, in one place."""

from __future__ import annotations

from casusoverleg.errors import CasusoverlegError

APP_TITLE = "Casusoverleg"  # every window's title (here: the start imports no main window)

# Text colours (readable on a white background; AA contrast).
ERROR_COLOUR = "#b00020"  # a problem the user must fix
LATE_COLOUR = ERROR_COLOUR  # a date that has passed
OK_COLOUR = "#1b5e20"  # saved, in order
DIM_COLOUR = "#505050"  # secondary text
# Past meetings, archived people, empty-chart text: quieter than normal text, still ≥ 4.5:1 on
# white and on the window grey (Qt's disabled and placeholder greys are 1.6:1 and 4.0:1).
MUTED_COLOUR = "#5f5f5f"
ON_AGENDA_COLOUR = "#6b6b6b"  # a proposal already on the agenda
SKIPPED_COLOUR = "#8a1c1c"  # a meeting date dropped for a holiday
MOVED_COLOUR = "#5c4400"  # a meeting date moved for a holiday
# The documents' colours, for charts that match the printed report.
DOCUMENT_BLUE = "#1F3A5F"
DOCUMENT_RED = "#9B1C1C"

ERROR_STYLE = f"color: {ERROR_COLOUR};"
OK_STYLE = f"color: {OK_COLOUR};"
WARNING_STYLE = (
    "background: #fff4ce; color: #5c4400; border: 1px solid #e0c060; border-radius: 3px;"
    " padding: 4px 6px;"
)

UNEXPECTED = "Er ging iets onverwachts mis."
LOADING = "Wordt geladen…"


def failed(detail: str) -> str:
    """ "Niet gelukt: …", the start of every message about an action that did not work."""
    return f"Niet gelukt: {detail}"


def failed_because(exc: CasusoverlegError) -> str:
    """ "Niet gelukt: " and the Dutch message of a `CasusoverlegError`."""
    return failed(exc.message)


def could_not_load(what: str, exc: CasusoverlegError) -> str:
    """ "<What> kon niet worden geladen: …"."""
    return f"{what} kon niet worden geladen: {exc.message}"
