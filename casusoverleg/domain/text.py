"""Names for privacy-by-default documents, and text normalisation for search."""

from __future__ import annotations

import re
import unicodedata

# Dutch (and a few Romance/German) tussenvoegsels, one word each: "van der" and "in 't" are
# runs of these. They stay in full and lowercase; only the surname proper becomes an initial.
TUSSENVOEGSELS = frozenset(
    {
        "'s",
        "'t",
        "aan",
        "af",
        "al",
        "am",
        "auf",
        "bij",
        "d'",
        "da",
        "dal",
        "de",
        "del",
        "dela",
        "den",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "el",
        "het",
        "im",
        "in",
        "l'",
        "la",
        "las",
        "le",
        "les",
        "lo",
        "los",
        "onder",
        "op",
        "over",
        "te",
        "ten",
        "ter",
        "tot",
        "uit",
        "uijt",
        "van",
        "vd",
        "vom",
        "von",
        "voor",
        "zu",
        "zum",
        "zur",
    }
)

# Prefixes written against the surname proper, as in "d'Ancona" or "l'Ami".
_ELIDED_PREFIXES = ("d'", "l'")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_HYPHEN = re.compile(r"\s*-\s*")


def _initial(word: str) -> str:
    """The capital initial of one name part, with the Dutch digraph IJ kept whole."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return ""
    # "IJsbrand" → "IJ.", as Dutch spelling writes it; "Ijeoma" (no capital J) → "I.".
    if word.startswith(("IJ", "ij")):
        return "IJ."
    return letters[0].upper() + "."


def _first_name_initials(first_name: str) -> str:
    """Initials of all given names: "Jan-Willem" → "J.W.", "Anna Maria" → "A.M."."""
    parts = first_name.replace("-", " ").split()
    return "".join(_initial(part) for part in parts)


def _surname_part(part: str) -> str:
    """One surname without hyphens: leading tussenvoegsels in full, the rest as initials."""
    words = part.split()
    prefix: list[str] = []
    # Keep at least one word as the surname proper: someone may be called "Van" or "Te".
    while len(words) > 1 and words[0].lower() in TUSSENVOEGSELS:
        prefix.append(words.pop(0).lower())
    elided = ""
    if words[0].lower().startswith(_ELIDED_PREFIXES) and len(words[0]) > 2:
        elided, words[0] = words[0][:2].lower(), words[0][2:]
    # "d'Ancona" reads as one word: no space between the prefix and the initial.
    return " ".join([*prefix, elided + _proper_initials(words)])


def _proper_initials(words: list[str]) -> str:
    """Initials of the surname proper (usually one word)."""
    return " ".join(filter(None, (_initial(word) for word in words)))


def _surname_initials(last_name: str) -> str:
    """The surname with tussenvoegsels kept: "van den Berg" → "van den B."."""
    # Registers often write "Vries, de"; turn it round to "de Vries".
    if "," in last_name:
        proper, _, prefix = last_name.partition(",")
        last_name = f"{prefix} {proper}"
    parts = [part for part in _HYPHEN.split(last_name.strip()) if part.strip()]
    return "-".join(_surname_part(part) for part in parts)


def initials(first_name: str, last_name: str) -> str:
    """A child's name reduced for documents: ("Sanne", "de Vries") → "S. de V."."""
    first = _first_name_initials(first_name.translate(_APOSTROPHES))
    last = _surname_initials(last_name.translate(_APOSTROPHES))
    return " ".join(part for part in (first, last) if part)


def normalise_search(s: str) -> str:
    """Fold `s` for matching as you type: case-insensitive, accents and ligatures ignored."""
    decomposed = unicodedata.normalize("NFKD", s.translate(_APOSTROPHES).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
