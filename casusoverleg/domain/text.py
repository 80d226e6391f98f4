"""Names for privacy-by-default documents, and text normalisation for search."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from casusoverleg.errors import BadInput

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
    """Fold `s` for matching as you type: lower case ASCII, accents and special letters gone.

    A transliteration library (anyascii) rather than a table of our own: "ı" → "i", "ß" → "ss",
    "ø" → "o", "æ" → "ae", "ł" → "l", "ĳ" → "ij", every apostrophe → "'".
    """
    if not s.isascii():
        s = anyascii(unicodedata.normalize("NFC", s))
    return s.translate(_APOSTROPHES).lower()


# Raised whenever the folding of `search_text` changes, so that stores opened later recompute
# the search text of their existing cases (services.cases.refresh_search_text).
SEARCH_FOLD_VERSION = "2"

# What people leave out or type differently between letters: "oneill", "thart", "20260012".
_JOINERS = str.maketrans(dict.fromkeys("'-", ""))


def search_key(s: str) -> str:
    """`s` folded with apostrophes, hyphens and spaces taken out: "O'Neill-Bakker" → "oneillbakker".

    Both what is stored and each typed word go through this, so a plain substring test (SQL
    LIKE) finds "oneill", "o'neill", "okonkwodevries" and "2026-0012" alike.
    """
    return "".join(normalise_search(s).translate(_JOINERS).split())


def search_words(typed: str) -> list[str]:
    """The typed text as words to find (all of them, each anywhere): "t hart" → ["t", "hart"]."""
    return [key for key in map(search_key, normalise_search(typed).split()) if key]


def search_text(*fields: str) -> str:
    """The text that typed words are matched against: each field as one `search_key`."""
    return " ".join(key for key in map(search_key, fields) if key)


# -- input normalisation and safe display ---------------------------------------------------------

# Every dash a keyboard, Word or Excel may put in a casusnummer; they all mean "-".
_DASHES = str.maketrans(
    dict.fromkeys(
        "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d",
        "-",
    )
)
# Whitespace that may arrive inside one-line cells (tab, newline, no-break space, …).
_LINE_SPACES = re.compile(
    r"[\t\n\v\f\r\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
_SPACES = re.compile(r" {2,}")


def _is_invisible(ch: str) -> bool:
    """A format character (zero-width space/joiner, BOM, bidi override, soft hyphen, …)."""
    return unicodedata.category(ch) == "Cf"


def _is_control(ch: str) -> bool:
    """A C0/C1 control character such as ESC, NUL or DEL (not a space or line break)."""
    return unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\v\f\r\x85"


def clean_line(value: str) -> str:
    """A one-line field as stored: NFC, invisible characters gone, spaces single, trimmed.

    Control characters (ESC, NUL, …) are kept so that validation can refuse them by name
    (`has_control`); only what is invisible and meaningless is dropped silently.
    """
    if value.isascii() and value.isprintable() and "  " not in value and value.strip() == value:
        return value  # the common case, fast: nothing to clean
    text = unicodedata.normalize("NFC", value)
    if not text.isascii():
        text = "".join(ch for ch in text if not _is_invisible(ch))
    text = _LINE_SPACES.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def clean_block(value: str) -> str:
    """A multi-line free text as stored: NFC, invisible and control characters removed."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if not (_is_invisible(ch) or _is_control(ch)))


def has_control(value: str) -> bool:
    """Whether `value` holds a control character (ESC, NUL, DEL, …) that may not be stored."""
    if value.isprintable():
        return False
    return any(_is_control(ch) for ch in value)


def case_number_key(number: str) -> str:
    """A casusnummer folded for uniqueness: letter case and dash variants do not count."""
    return clean_line(number).translate(_DASHES).casefold()


def clean_case_number(number: str) -> str:
    """A casusnummer as stored: `clean_line` with every dash variant written as '-'."""
    return clean_line(number).translate(_DASHES)


def _shows_as_is(ch: str) -> bool:
    return ch.isprintable() or ch in "\n\t" or unicodedata.category(ch) == "Zs"


def printable(text: str) -> str:
    """`text` safe for a terminal or a label: control and invisible characters as \\u001b.

    Line breaks and tabs stay (messages have several lines); everything else that a terminal
    would act on (escape sequences, bidi overrides) is shown, not obeyed. The escapes are
    JSON's, so JSON text stays valid JSON.
    """
    if text.isprintable() or all(_shows_as_is(ch) for ch in text):
        return text  # the common case: nothing to escape
    out = []
    for ch in text:
        if _shows_as_is(ch):
            out.append(ch)
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:  # as a UTF-16 surrogate pair, as JSON writes it
            high, low = divmod(ord(ch) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
    return "".join(out)


def line_problem(value: str, limit: int) -> str | None:
    """Why a cleaned one-line value cannot be stored (too long, a control character), or None."""
    if len(value) > limit:
        return f"te lang (hoogstens {limit:,} tekens)".replace(",", ".")
    if has_control(value):
        return "bevat een onzichtbaar stuurteken; verwijder het"
    return None


def checked_line(value: str, label: str, limit: int) -> str:
    """`value` cleaned (`clean_line`), or BadInput naming `label` and the limit."""
    text = clean_line(value)
    problem = line_problem(text, limit)
    if problem is not None:
        raise BadInput(f"De {label} is niet goed: {problem}.")
    return text
