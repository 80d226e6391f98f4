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
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Dutch (never the operating system's English text)."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    name = errno.errorcode.get(exc.errno, "") if exc.errno else ""
    return f"bestandsfout {name}".rstrip() if name else "onbekende bestandsfout"


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
