"""A shared store on a PostgreSQL server: its URL, its engine and its schema.

The schema comes from the same Alembic migrations as the SQLCipher store. A connection over a
network must be encrypted (TLS): a host that is not this machine needs `sslmode=require` or
stricter, so children's data never crosses a network in the clear.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from casusoverleg.errors import BadInput
from casusoverleg.paths import is_server_address
from casusoverleg.store.migrate import alembic_config

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
SAFE_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})
APPLICATION_NAME = "casusoverleg"


def is_server_url(text: str) -> bool:
    """Whether `text` names a PostgreSQL server (rather than a store file)."""
    return is_server_address(text)


def _parse(url: str) -> URL:
    if not is_server_url(url):
        raise BadInput(
            "Dit is geen adres van een PostgreSQL-server: het moet beginnen met postgresql://."
        )
    try:
        parsed = make_url(url.strip())
    except ArgumentError as exc:
        raise BadInput(f"Het serveradres is onleesbaar: {exc}") from exc
    return parsed.set(drivername="postgresql+psycopg")


def _query_values(parsed: URL, name: str) -> list[str]:
    value = parsed.query.get(name)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _hosts(parsed: URL, environ: Mapping[str, str]) -> list[str] | None:
    """Every host the URL may connect to (libpq takes comma-separated lists); None: unknown.

    Without a host in the URL libpq takes PGHOST/PGHOSTADDR, or a service file's host.
    """
    values = [parsed.host] if parsed.host else []
    values += _query_values(parsed, "host") + _query_values(parsed, "hostaddr")
    if not values:
        if _query_values(parsed, "service") or environ.get("PGSERVICE"):
            return None  # the host is in a pg_service.conf this check does not read
        values = [environ.get("PGHOST", ""), environ.get("PGHOSTADDR", "")]
    return [part.strip() for value in values for part in value.split(",")]


def _is_local(host: str) -> bool:
    """A Unix socket folder or a loopback address: the data stays on this machine."""
    return host == "" or host.startswith("/") or host.lower() in LOCAL_HOSTS


def check_tls(url: str, environ: Mapping[str, str] | None = None) -> None:
    """BadInput (Dutch) when the URL would send data over a network without TLS.

    `environ` (default: this process's environment) supplies libpq's PGHOST and PGSERVICE.
    """
    parsed = _parse(url)
    hosts = _hosts(parsed, os.environ if environ is None else environ)
    if hosts is not None and all(_is_local(host) for host in hosts):
        return
    modes = _query_values(parsed, "sslmode")
    if modes and all(mode.strip().lower() in SAFE_SSLMODES for mode in modes):
        return
    raise BadInput(
        "De verbinding met de server is niet versleuteld. Voeg ?sslmode=verify-full toe aan "
        "het serveradres (of &sslmode=verify-full als er al een ? in staat), zodat de gegevens "
        "alleen versleuteld over het netwerk gaan."
    )


# What libpq says when a connection fails (lower case, a part of its English sentence), and
# what the user reads instead. The first that fits wins; the English text is never shown.
_CONNECTION_ERRORS = (
    (
        (
            "password authentication failed",
            "no password supplied",
            'role "',
            "pg_hba.conf",
            "permission denied for database",  # a login without CONNECT on the database
        ),
        "De server weigert de aanmelding: de gebruikersnaam of het wachtwoord van de "
        "databaselogin klopt niet, of deze gebruiker mag niet bij deze database. Vraag het de "
        "beheerder van de server.",
    ),
    (
        ("does not exist",),
        "Deze database bestaat niet op de server. Controleer de naam achter de laatste / in "
        "het serveradres, of vraag de beheerder van de server een lege database te maken.",
    ),
    (
        ("ssl", "certificate", "tls"),
        "De versleutelde verbinding met de server lukt niet: de server biedt geen TLS aan, of "
        "zijn certificaat is niet te controleren. Vraag het de beheerder van de server.",
    ),
    (
        ("could not translate host name", "name or service not known", "nodename nor servname"),
        "De servernaam is onbekend. Controleer de naam in het serveradres.",
    ),
)
UNREACHABLE = (
    "De server is niet te bereiken. Controleer het serveradres en de netwerkverbinding, en of "
    "de server aan staat."
)


def connection_error(exc: BaseException) -> BadInput:
    """The Dutch sentence for a failed connection to the server (never libpq's own text)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needles, message in _CONNECTION_ERRORS:
        if any(needle in text for needle in needles):
            return BadInput(message)
    return BadInput(UNREACHABLE)


@contextmanager
def connection_errors_in_dutch() -> Iterator[None]:
    """Turn a refused or failed connection (psycopg's OperationalError) into BadInput."""
    try:
        yield
    except DBAPIError as exc:
        if exc.connection_invalidated or _is_connection_failure(exc):
            raise connection_error(exc) from exc
        raise


def _is_connection_failure(exc: DBAPIError) -> bool:
    """psycopg raises its plain OperationalError when connecting fails; an error the server
    reports on a statement is a subclass of it (with its SQLSTATE) and is not about the link."""
    import psycopg

    return type(exc.orig) is psycopg.OperationalError


def make_server_engine(url: str) -> Engine:
    """An engine for the server at `url` (psycopg 3), after the TLS rule is checked."""
    check_tls(url)
    return create_engine(
        _parse(url),
        pool_pre_ping=True,
        connect_args={"application_name": APPLICATION_NAME},
    )


def upgrade_server(engine: Engine) -> None:
    """Bring the server's schema to the newest revision (the store's own migrations)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
