"""Errors the core raises, each with a Dutch message for the user and a CLI exit code."""


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
