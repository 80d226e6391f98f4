"""Asking to save a case that does not fit the Leerplichtwet: each finding with its article,
"Toch opslaan" or "Terug" (the form asks through `common.ask`, which tests replace)."""

from __future__ import annotations

from casusoverleg.domain import plausibility

CONFIRM_TITLE = "Past niet bij de Leerplichtwet"
CONFIRM_YES, CONFIRM_NO = "Toch opslaan", "Terug"
NOT_CONFIRMED = (
    "Niet opgeslagen: de casus past niet bij de Leerplichtwet. Pas de gegevens aan, of sla op "
    "en kies 'Toch opslaan' als het dossier meer weet dan de geboortedatum."
)


def confirmation_question(findings: list[plausibility.Finding]) -> tuple[str, str]:
    """The question and detail text that ask to confirm `findings` (each with its article)."""
    listed = "\n".join(f"• {finding.text}" for finding in findings)
    text = f"Deze casus past niet bij de Leerplichtwet:\n\n{listed}"
    detail = (
        "Klopt dit toch, omdat het dossier meer weet (bijvoorbeeld een kind dat de "
        "basisschool eerder afrondde)? Kies 'Toch opslaan'. Kies 'Terug' om de gegevens aan "
        "te passen; er wordt dan niets opgeslagen."
    )
    return text, detail
