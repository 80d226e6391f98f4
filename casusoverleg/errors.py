"""Errors the core raises, each with a Dutch message for the user and a CLI exit code."""

import errno


class CasusoverlegError(Exception):
    """Base for errors a user can act on; `str()` is a Dutch sentence."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(CasusoverlegError):
    """Input that the app cannot accept (a bad file, a missing store, a weak passphrase)."""

    exit_code = 2


class StoreNotFound(BadInput):
    """The path names no store; only `init` and `demo` may create one."""


class WrongKey(CasusoverlegError):
    """Unknown account, wrong passphrase or wrong recovery key."""

    exit_code = 3


class StoreInUse(CasusoverlegError):
    """Another running app holds the store's lock."""

    exit_code = 3


class DamagedStore(CasusoverlegError):
    """The store or its key file fails an integrity check; nothing may be written to it."""

    exit_code = 4


class NewerStore(CasusoverlegError):
    """The store was written by a newer version of the app."""

    exit_code = 4


class Conflict(CasusoverlegError):
    """Someone else saved the same item since it was loaded: nothing was written.

    Carries both versions, so that nothing is lost: `mine` (what this user typed), `theirs`
    (what is stored now, with its `version`), and `fields`, the names of the fields in which
    they differ (the keys of the service's labels, in form order).
    """

    exit_code = 2

    def __init__(
        self, message: str, *, mine: object, theirs: object, fields: tuple[str, ...]
    ) -> None:
        super().__init__(message)
        self.mine = mine
        self.theirs = theirs
        self.fields = fields


# What the operating system says, in Dutch: its own text (os.strerror) is English.
_OS_REASONS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quotum) is op",
    errno.EACCES: "geen toestemming",
    errno.EPERM: "geen toestemming",
    errno.EROFS: "de schijf is alleen-lezen",
    errno.ENOENT: "het bestand of de map bestaat niet",
    errno.EISDIR: "dat is een map",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EEXIST: "het bestand bestaat al",
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.EFBIG: "het bestand wordt te groot",
    errno.EIO: "de schijf gaf een leesfout of schrijffout",
    errno.EBUSY: "het bestand is in gebruik",
    errno.EMFILE: "te veel bestanden tegelijk open",
    errno.EPIPE: "de ontvanger van de uitvoer is gestopt",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Dutch (never the operating system's English text)."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    name = errno.errorcode.get(exc.errno, "") if exc.errno else ""
    return f"systeemfout {name}" if name else "onbekende systeemfout"


class DiskFull(CasusoverlegError):
    """No room left on the disk; nothing was half written (the store is as it was)."""

    exit_code = 5


# Errors that mean "no room to write": a full disk, a used-up quota, a file that may not grow.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_SQLITE_FULL = 13
_SQLITE_FULL_TEXT = "database or disk is full"


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` (or what it was raised from) says the disk is full.

    Knows OSError (ENOSPC, EDQUOT, EFBIG), SQLite's SQLITE_FULL as sqlcipher3 raises it, and
    SQLAlchemy's wrapper around that (its `orig`), without importing either library.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DiskFull):
            return True
        if isinstance(current, OSError) and current.errno in _NO_ROOM:
            return True
        if getattr(current, "sqlite_errorcode", None) == _SQLITE_FULL:
            return True
        if _SQLITE_FULL_TEXT in str(current) and type(current).__name__ == "OperationalError":
            return True
        orig = getattr(current, "orig", None)
        current = (
            orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
        )
    return False


def disk_full(what: str) -> DiskFull:
    """The Dutch DiskFull message for `what` could not be written (e.g. "de wijziging")."""
    return DiskFull(
        f"De schijf is vol: {what} kan niet worden opgeslagen. Er is niets half opgeslagen. "
        "Maak ruimte vrij op de schijf en probeer het opnieuw."
    )


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return "1 seconde" if seconds == 1 else f"{seconds} seconden"
    minutes = -(-seconds // 60)
    return "1 minuut" if minutes == 1 else f"{minutes} minuten"


class TooManyAttempts(WrongKey):
    """Too many wrong passphrases for one account: the next attempt must wait `seconds`."""

    def __init__(self, seconds: int, *, recovery: bool = False) -> None:
        what = "herstelsleutels" if recovery else "wachtwoorden voor dit account"
        super().__init__(
            f"Te veel onjuiste {what}. Probeer het over {_wait_text(seconds)} opnieuw."
        )
        self.seconds = seconds
