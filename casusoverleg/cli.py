"""The command line: `casusoverleg [--store PATH] COMMAND …` (a stable contract, see DESIGN.md).

Runs without Qt. Exit codes: 0 success, 2 bad input, 3 locked store or wrong key, 4 damaged
store. Messages go to stderr in Dutch; nothing about a child is printed unless asked for.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import platformdirs

from casusoverleg import __version__
from casusoverleg.errors import BadInput, CasusoverlegError
from casusoverleg.services import accounts
from casusoverleg.services.store import Store

EXIT_OK = 0
EXIT_BAD_INPUT = 2
ENV_STORE = "CASUSOVERLEG_STORE"
ENV_USER = "CASUSOVERLEG_USER"
ENV_PASSPHRASE = "CASUSOVERLEG_PASSPHRASE"  # noqa: S105 - a variable name
ENV_NEW_PASSPHRASE = "CASUSOVERLEG_NEW_PASSPHRASE"  # noqa: S105
ENV_RECOVERY_KEY = "CASUSOVERLEG_RECOVERY_KEY"
STORE_FILE_NAME = "casusoverleg.db"


def default_store_path() -> Path:
    """The store's default place: the user's local (not roaming) data directory."""
    return Path(platformdirs.user_data_dir("casusoverleg", appauthor=False)) / STORE_FILE_NAME


class _DutchHelpFormatter(argparse.HelpFormatter):
    """Help text that starts with "gebruik:" instead of "usage:"."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix or "gebruik: ")


class _DutchParser(argparse.ArgumentParser):
    """argparse with Dutch help, Dutch error messages and exit code 2."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _DutchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        translated = (
            message.replace("the following arguments are required", "verplicht maar niet gegeven")
            .replace("invalid choice", "onbekende keuze")
            .replace("unrecognized arguments", "onbekende argumenten")
            .replace("expected one argument", "verwacht één waarde")
            .replace("choose from", "kies uit")
            .replace("invalid int value", "geen geheel getal")
        )
        self.exit(EXIT_BAD_INPUT, f"casusoverleg: fout: {translated}\n")


# -- credentials -------------------------------------------------------------------------------


class Credentials:
    """Where the account and passphrase come from: environment, file, or a prompt."""

    def __init__(self, args: argparse.Namespace, stdin: TextIO) -> None:
        self.args = args
        self.stdin = stdin

    def account(self) -> str:
        """The account name: CASUSOVERLEG_USER or asked."""
        name = os.environ.get(ENV_USER, "").strip()
        if name:
            return name
        if not self.stdin.isatty():
            raise BadInput(f"Geef het account via {ENV_USER}.")
        return input("Account: ").strip()

    def passphrase(self) -> str:
        """The passphrase: --passphrase-file, CASUSOVERLEG_PASSPHRASE, or asked (hidden)."""
        if self.args.passphrase_file:
            return _read_secret_file(Path(self.args.passphrase_file))
        if ENV_PASSPHRASE in os.environ:
            return os.environ[ENV_PASSPHRASE]
        if not self.stdin.isatty():
            raise BadInput(f"Geef het wachtwoord via {ENV_PASSPHRASE} of --passphrase-file.")
        return getpass.getpass("Wachtwoord: ")

    def new_passphrase(self, what: str = "Nieuw wachtwoord") -> str:
        """A new passphrase: --new-passphrase-file, CASUSOVERLEG_NEW_PASSPHRASE, or asked twice."""
        path = getattr(self.args, "new_passphrase_file", None)
        if path:
            return _read_secret_file(Path(path))
        if ENV_NEW_PASSPHRASE in os.environ:
            return os.environ[ENV_NEW_PASSPHRASE]
        if not self.stdin.isatty():
            raise BadInput(f"Geef het nieuwe wachtwoord via {ENV_NEW_PASSPHRASE}.")
        first = getpass.getpass(f"{what}: ")
        if getpass.getpass(f"{what} (nogmaals): ") != first:
            raise BadInput("De twee wachtwoorden zijn niet gelijk.")
        return first

    def recovery_key(self) -> str:
        """The printed recovery key: CASUSOVERLEG_RECOVERY_KEY or asked (hidden)."""
        if ENV_RECOVERY_KEY in os.environ:
            return os.environ[ENV_RECOVERY_KEY]
        if not self.stdin.isatty():
            raise BadInput(f"Geef de herstelsleutel via {ENV_RECOVERY_KEY}.")
        return getpass.getpass("Herstelsleutel: ")


def _read_secret_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"Het wachtwoordbestand {path} kan niet worden gelezen.") from exc
    # Only the line ending goes: spaces can be part of a passphrase.
    return text.splitlines()[0] if text else ""


# -- commands ----------------------------------------------------------------------------------


def _store_path(args: argparse.Namespace) -> Path:
    if args.store:
        return Path(args.store).expanduser()
    if os.environ.get(ENV_STORE):
        return Path(os.environ[ENV_STORE]).expanduser()
    return default_store_path()


def _unlock(args: argparse.Namespace, creds: Credentials) -> Store:
    path = _store_path(args)
    accounts.ensure_store_exists(path)
    account = creds.account()
    return accounts.unlock(path, account, creds.passphrase())


def _out(text: str = "") -> None:
    print(text, file=sys.stdout)


def cmd_init(args: argparse.Namespace, creds: Credentials) -> int:
    """Create a new store with a first account and print the recovery key once."""
    path = _store_path(args)
    if not args.store and not os.environ.get(ENV_STORE):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    account = creds.account()
    created = accounts.init_store(path, account, creds.new_passphrase("Wachtwoord"))
    created.store.close()
    _out(f"Opslag aangemaakt: {path}")
    _out(f"Account: {account}")
    _out("")
    _out("HERSTELSLEUTEL (wordt maar één keer getoond):")
    _out("")
    _out(f"    {created.recovery_key}")
    _out("")
    _out("Druk deze sleutel af en bewaar hem op een veilige plek, gescheiden van de computer.")
    _out("Zonder wachtwoord én zonder herstelsleutel is de opslag niet meer te openen.")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, creds: Credentials) -> int:
    """Create a demo store (account demo, passphrase demo) with fictional cases."""
    from casusoverleg.services import demo

    if args.cases < 0:
        raise BadInput("--cases moet 0 of meer zijn.")
    if args.store or os.environ.get(ENV_STORE):
        path = _store_path(args)
    else:
        path = Path(tempfile.mkdtemp(prefix="casusoverleg-demo-")) / STORE_FILE_NAME
    store = demo.create_demo_store(path, cases=args.cases)
    store.close()
    _out(f"Demo-opslag aangemaakt: {path}")
    _out("Account: demo, wachtwoord: demo. Alle gegevens zijn verzonnen.")
    return EXIT_OK


def cmd_check(args: argparse.Namespace, creds: Credentials) -> int:
    """Check the store's integrity and the audit chain; exit 4 if anything is wrong."""
    from casusoverleg.services import backup

    store = _unlock(args, creds)
    try:
        report = backup.check(store)
    finally:
        accounts.lock(store)
    for line in report.lines():
        _out(line)
    if not report.ok:
        print("casusoverleg: de controle heeft fouten gevonden.", file=sys.stderr)
        return 4
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, creds: Credentials) -> int:
    """Write an encrypted backup file."""
    from casusoverleg.services import backup

    store = _unlock(args, creds)
    try:
        dest = backup.backup(store, Path(args.dest).expanduser())
    finally:
        accounts.lock(store)
    _out(f"Back-up geschreven: {dest}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, creds: Credentials) -> int:
    """Replace the store with a backup (the current store is kept beside it)."""
    from casusoverleg.services import backup

    path = _store_path(args)
    account = creds.account()
    result = backup.restore(Path(args.src).expanduser(), path, account, creds.passphrase())
    _out(f"Back-up teruggezet in {path}.")
    if result.previous is not None:
        _out(f"De vorige opslag staat nog in {result.previous}.")
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace, creds: Credentials) -> int:
    """Change an account's passphrase (with the old one, or with the recovery key)."""
    path = _store_path(args)
    account = creds.account()
    if args.recovery:
        store = accounts.unlock_with_recovery(path, creds.recovery_key())
        old = ""
    else:
        old = creds.passphrase()
        store = accounts.unlock(path, account, old)
    try:
        accounts.change_passphrase(store, account, old, creds.new_passphrase())
    finally:
        accounts.lock(store)
    _out(f"Wachtwoord van {account} gewijzigd.")
    return EXIT_OK


def cmd_accounts(args: argparse.Namespace, creds: Credentials) -> int:
    """List, add or remove accounts."""
    store = _unlock(args, creds)
    try:
        if args.accounts_command == "list":
            for info in accounts.list_accounts(store):
                _out(f"{info.name}\t{info.display_name}\t{info.created_at:%d-%m-%Y}")
        elif args.accounts_command == "add":
            accounts.add_account(store, args.name, creds.new_passphrase(f"Wachtwoord {args.name}"))
            _out(f"Account {args.name} toegevoegd.")
        elif args.accounts_command == "remove":
            accounts.remove_account(store, args.name, rotate=not args.no_rotate)
            rotated = "" if args.no_rotate else " De opslag heeft een nieuwe sleutel."
            _out(f"Account {args.name} verwijderd.{rotated}")
    finally:
        accounts.lock(store)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, creds: Credentials) -> int:
    """Import cases from CSV or XLSX: all or nothing."""
    from casusoverleg.services import imports

    store = _unlock(args, creds)
    try:
        result = imports.import_cases(store, Path(args.file).expanduser())
    except imports.ImportRejected as exc:
        print(f"casusoverleg: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(
                f"  regel {problem.row}, kolom {problem.column}: {problem.reason}",
                file=sys.stderr,
            )
        return EXIT_BAD_INPUT
    finally:
        accounts.lock(store)
    _out(f"{result.count} casussen geïmporteerd.")
    for name in result.new_owners:
        _out(f"Nieuwe casushouder aangemaakt: {name}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace, creds: Credentials) -> int:
    """Export cases to CSV or XLSX (a plain file: the export is logged)."""
    from casusoverleg.services import exports

    store = _unlock(args, creds)
    try:
        count = exports.export_cases(store, Path(args.file).expanduser())
    finally:
        accounts.lock(store)
    _out(f"{count} casussen geëxporteerd naar {args.file}.")
    _out("Let op: dit bestand is niet versleuteld. Bewaar het veilig en verwijder het na gebruik.")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (Dutch help)."""
    parser = _DutchParser(
        prog="casusoverleg",
        description="Casusoverleg vrijstellingen en thuiszitters. Zonder opdracht start het "
        "venster.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"casusoverleg {__version__}",
        help="toon het versienummer en stop",
    )
    parser.add_argument("--store", metavar="PAD", help=f"de opslag (anders ${ENV_STORE})")
    parser.add_argument(
        "--passphrase-file", metavar="BESTAND", help="lees het wachtwoord uit dit bestand"
    )
    sub = parser.add_subparsers(
        dest="command", metavar="OPDRACHT", parser_class=_DutchParser, title="opdrachten"
    )

    def add(
        name: str, func: Callable[[argparse.Namespace, Credentials], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    add("init", cmd_init, "maak een nieuwe, versleutelde opslag")
    p = add("demo", cmd_demo, "maak een demo-opslag met verzonnen casussen")
    p.add_argument("--cases", type=int, default=40, metavar="N", help="aantal casussen (40)")
    add("check", cmd_check, "controleer de opslag en het logboek")
    p = add("backup", cmd_backup, "maak een versleutelde back-up")
    p.add_argument("dest", metavar="DOEL")
    p = add("restore", cmd_restore, "zet een back-up terug")
    p.add_argument("src", metavar="BRON")
    p = add("passwd", cmd_passwd, "wijzig een wachtwoord")
    p.add_argument("--recovery", action="store_true", help="met de herstelsleutel")
    p.add_argument("--new-passphrase-file", metavar="BESTAND")
    p = add("accounts", cmd_accounts, "beheer accounts")
    acc = p.add_subparsers(dest="accounts_command", required=True, metavar="list|add|remove")
    acc.add_parser("list", help="toon de accounts")
    a = acc.add_parser("add", help="voeg een account toe")
    a.add_argument("name", metavar="NAAM")
    a.add_argument("--new-passphrase-file", metavar="BESTAND")
    r = acc.add_parser("remove", help="verwijder een account (en vernieuw de sleutel)")
    r.add_argument("name", metavar="NAAM")
    r.add_argument("--no-rotate", action="store_true", help="sleutel niet vernieuwen")
    p = add("import", cmd_import, "importeer casussen uit CSV of XLSX")
    p.add_argument("what", choices=["cases"], metavar="cases")
    p.add_argument("file", metavar="BESTAND")
    p = add("export", cmd_export, "exporteer casussen naar CSV of XLSX")
    p.add_argument("what", choices=["cases"], metavar="cases")
    p.add_argument("file", metavar="BESTAND")
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    """Run one command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    creds = Credentials(args, stdin or sys.stdin)
    try:
        return int(args.func(args, creds))
    except CasusoverlegError as exc:
        print(f"casusoverleg: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("casusoverleg: afgebroken; er is niets half opgeslagen.", file=sys.stderr)
        return 130
    except OSError as exc:
        # A full disk or an unwritable folder: say so without a traceback.
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        print(f"casusoverleg: bestandsfout: {reason}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        if os.environ.get("CASUSOVERLEG_DEBUG"):
            raise
        # No traceback: it could carry data about a child into a terminal log.
        print(
            f"casusoverleg: onverwachte fout ({type(exc).__name__}). Er is niets half "
            "opgeslagen. Zet CASUSOVERLEG_DEBUG=1 voor details.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
