"""The command line: `casusoverleg [--store PATH] COMMAND …` (a stable contract, see DESIGN.md).

Runs without Qt. Exit codes: 0 success, 2 bad input, 3 locked store or wrong key, 4 damaged
store, 5 full disk. Messages go to stderr in Dutch; nothing about a child is printed unless
asked for.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from casusoverleg import __version__
from casusoverleg.domain.dates import required_date
from casusoverleg.domain.text import printable
from casusoverleg.errors import BadInput, CasusoverlegError, disk_full, is_disk_full, os_reason
from casusoverleg.paths import STORE_FILE_NAME, default_store_path, is_server_address

# Only what --help and --version need is imported here: the store layer (SQLAlchemy, Alembic)
# and the documents are imported by the commands that use them (tests/e2e/test_cli_start.py).
if TYPE_CHECKING:
    from casusoverleg.services.meetings import PastDates, SeriesInfo, SeriesInput
    from casusoverleg.services.store import Store

EXIT_OK = 0
EXIT_BAD_INPUT = 2
ENV_STORE = "CASUSOVERLEG_STORE"
ENV_USER = "CASUSOVERLEG_USER"
ENV_PASSPHRASE = "CASUSOVERLEG_PASSPHRASE"  # noqa: S105 - a variable name
ENV_NEW_PASSPHRASE = "CASUSOVERLEG_NEW_PASSPHRASE"  # noqa: S105
ENV_RECOVERY_KEY = "CASUSOVERLEG_RECOVERY_KEY"
REKEY_PROGRESS_FROM = 1000  # rows: a re-key of fewer is quick and shows no progress


class _DutchHelpFormatter(argparse.HelpFormatter):
    """Help text that starts with "gebruik:" instead of "usage:"."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        # argparse passes prefix "" when it builds a sub-command's prog: keep that empty.
        super().add_usage(usage, actions, groups, "gebruik: " if prefix is None else prefix)


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

    def new_passphrase(self, what: str = "Nieuw wachtwoord", *, for_init: bool = False) -> str:
        """A new passphrase: --new-passphrase-file, CASUSOVERLEG_NEW_PASSPHRASE, or asked twice.

        `for_init` (there is no old passphrase) also takes --passphrase-file and
        CASUSOVERLEG_PASSPHRASE, the variable DESIGN.md names for scripts.
        """
        path = getattr(self.args, "new_passphrase_file", None)
        if path:
            return _read_secret_file(Path(path))
        if ENV_NEW_PASSPHRASE in os.environ:
            return os.environ[ENV_NEW_PASSPHRASE]
        if for_init and self.args.passphrase_file:
            return _read_secret_file(Path(self.args.passphrase_file))
        if for_init and ENV_PASSPHRASE in os.environ:
            return os.environ[ENV_PASSPHRASE]
        if not self.stdin.isatty():
            if for_init:
                raise BadInput(
                    f"Geef het wachtwoord van de nieuwe opslag via {ENV_PASSPHRASE} "
                    f"(of {ENV_NEW_PASSPHRASE})."
                )
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


def _server(args: argparse.Namespace) -> str:
    """The server address given with --store or $CASUSOVERLEG_STORE; "" for a store file."""
    value = args.store or os.environ.get(ENV_STORE, "")
    return value.strip() if is_server_address(value) else ""


def _store_path(args: argparse.Namespace) -> Path:
    """The store file; for a store on a server this computer's own folder for it."""
    if server := _server(args):
        from casusoverleg.services import server_store

        return server_store.local_path(server_store.address(server))
    if args.store:
        return Path(args.store).expanduser()
    if os.environ.get(ENV_STORE):
        return Path(os.environ[ENV_STORE]).expanduser()
    return default_store_path()


def _not_on_a_server(args: argparse.Namespace, what: str) -> None:
    """BadInput for a command that does not work on a shared store yet (issue 15)."""
    if _server(args):
        raise BadInput(f"{what} kan nog niet bij een gedeelde opslag op een server.")


def _unlock(args: argparse.Namespace, creds: Credentials) -> Store:
    from casusoverleg.services import accounts

    if server := _server(args):
        from casusoverleg.services import server_store

        store = server_store.unlock_server(server, creds.account(), creds.passphrase())
    else:
        path = _store_path(args)
        accounts.ensure_store_exists(path)
        store = accounts.unlock(path, creds.account(), creds.passphrase())
    try:
        # A one-time passphrase opens nothing but `passwd` (which unlocks on its own).
        accounts.refuse_until_changed(store)
    except BaseException:
        _lock(store)
        raise
    return store


def _lock(store: Store) -> None:
    from casusoverleg.services import accounts

    accounts.lock(store)


def _target(args: argparse.Namespace, value: str) -> Path:
    """The file a command will write, checked before the store is unlocked.

    Unlocking already writes to the store (its log), so a refused target (the store, a file
    beside it, a folder, an existing file without --overwrite) must be refused before that.
    """
    from casusoverleg.services import output

    return output.check_target(
        _store_path(args), Path(value).expanduser(), overwrite=args.overwrite
    )


def _out(text: str = "") -> None:
    # A stored name or casusnummer may hold terminal escape codes: shown, never obeyed.
    print(printable(text), file=sys.stdout)


def _err(text: str) -> None:
    print(printable(f"casusoverleg: {text}"), file=sys.stderr)


def cmd_init(args: argparse.Namespace, creds: Credentials) -> int:
    """Create a new store with a first account and print the recovery key once."""
    from casusoverleg.services import accounts

    account = creds.account()
    if server := _server(args):
        from casusoverleg.services import server_store

        created = server_store.init_server_store(
            server, account, creds.new_passphrase("Wachtwoord", for_init=True)
        )
        accounts.lock(created.store)
        _out(f"Opslag aangemaakt op de server: {created.store.server}")
    else:
        path = _store_path(args)
        if not args.store and not os.environ.get(ENV_STORE):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        created = accounts.init_store(
            path, account, creds.new_passphrase("Wachtwoord", for_init=True)
        )
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
    _not_on_a_server(args, "Een demo-opslag")
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

    backups = tuple(Path(b).expanduser() for b in args.backup or ())
    if backups and _server(args):
        raise BadInput(
            "Een back-up vergelijken met het logboek (--backup) kan nog niet bij een gedeelde "
            "opslag op een server; voer 'check' zonder --backup uit."
        )
    store = _unlock(args, creds)
    try:
        report = backup.check(store, backups=backups)
    finally:
        _lock(store)
    for line in report.lines():
        _out(line)
    if not report.ok:
        print("casusoverleg: de controle heeft fouten gevonden.", file=sys.stderr)
        return 4
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, creds: Credentials) -> int:
    """Write an encrypted backup file."""
    from casusoverleg.services import backup

    dest = _target(args, args.dest)
    store = _unlock(args, creds)
    try:
        dest = backup.backup(store, dest, overwrite=args.overwrite)  # either kind of store
    finally:
        _lock(store)
    _out(f"Back-up geschreven: {dest}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, creds: Credentials) -> int:
    """Replace the store with a backup (the current store is kept beside it)."""
    from casusoverleg.services import backup

    account = creds.account()
    if server := _server(args):
        from casusoverleg.services import server_backup, server_store

        result = server_backup.restore_to_server(
            Path(args.src).expanduser(),
            server,
            account,
            creds.passphrase(),
            other_store=args.other_store,
        )
        where = server_store.address(server)
    else:
        path = _store_path(args)
        result = backup.restore(
            Path(args.src).expanduser(),
            path,
            account,
            creds.passphrase(),
            other_store=args.other_store,
        )
        where = str(path)
    _out(f"Back-up teruggezet in {where}.")
    if result.previous is not None:
        _out(f"De vorige opslag staat nog in {result.previous}.")
    for line in backup.restore_lines(result):
        _out(line)
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace, creds: Credentials) -> int:
    """Change an account's passphrase (with the old one, or with the recovery key)."""
    from casusoverleg.services import accounts

    account = creds.account()
    if server := _server(args):
        store, old = _unlock_server_for_passwd(server, account, creds, recovery=args.recovery)
    elif args.recovery:
        path = _store_path(args)
        store = accounts.unlock_with_recovery(path, creds.recovery_key())
        old = ""
    else:
        old = creds.passphrase()
        store = accounts.unlock(_store_path(args), account, old)
    try:
        accounts.change_passphrase(store, account, old, creds.new_passphrase())
    finally:
        _lock(store)
    _out(f"Wachtwoord van {account} gewijzigd.")
    return EXIT_OK


def _unlock_server_for_passwd(
    server: str, account: str, creds: Credentials, *, recovery: bool
) -> tuple[Store, str]:
    """A store on a server opened for `passwd`: with the account's passphrase (also returned,
    as the old one) or with the recovery key."""
    from casusoverleg.errors import WrongKey
    from casusoverleg.services import server_store
    from casusoverleg.store.keyslots import RECOVERY_ACCOUNT, normalise_recovery_key

    if not recovery:
        old = creds.passphrase()
        return server_store.unlock_server(server, account, old), old
    try:
        key = normalise_recovery_key(creds.recovery_key())
        return server_store.unlock_server(server, RECOVERY_ACCOUNT, key), ""
    except WrongKey as exc:
        raise WrongKey("Deze herstelsleutel past niet bij deze opslag.") from exc


def cmd_accounts(args: argparse.Namespace, creds: Credentials) -> int:
    """List, add or remove accounts."""
    from casusoverleg.services import accounts

    store = _unlock(args, creds)
    try:
        if args.accounts_command == "list":
            for info in accounts.list_accounts(store):
                role = accounts.ROLE_LABELS.get(info.role, info.role)
                _out(f"{info.name}\t{info.display_name}\t{info.created_at:%d-%m-%Y}\t{role}")
        elif args.accounts_command == "add":
            accounts.add_account(
                store,
                args.name,
                creds.new_passphrase(f"Wachtwoord {args.name}"),
                beheerder=args.beheerder,
            )
            role = " als beheerder" if args.beheerder else ""
            _out(f"Account {args.name} toegevoegd{role}.")
        elif args.accounts_command == "remove":
            accounts.remove_account(
                store, args.name, rotate=not args.no_rotate, progress=_rekey_progress()
            )
            rotated = "" if args.no_rotate else " De opslag heeft een nieuwe sleutel."
            _out(f"Account {args.name} verwijderd.{rotated}")
    finally:
        _lock(store)
    return EXIT_OK


def _rekey_progress() -> Callable[[int, int], None]:
    """Progress of a long re-key (a server store) on stderr, in steps of 10%."""
    shown = [-1]

    def progress(done: int, total: int) -> None:
        if total < REKEY_PROGRESS_FROM:
            return
        step = done * 10 // total
        if step != shown[0]:
            shown[0] = step
            print(f"Opnieuw versleutelen: {step * 10}% ({done} van {total} rijen)", file=sys.stderr)

    return progress


def cmd_import(args: argparse.Namespace, creds: Credentials) -> int:
    """Import cases from CSV or XLSX: all or nothing; unknown casushouders are left empty."""
    from casusoverleg.services import imports

    # Read and check the file first: the store is not held open while a file is being read.
    case_file = imports.read_case_file(Path(args.file).expanduser())
    store = _unlock(args, creds)
    try:
        result = imports.import_cases(store, case_file)
    except imports.ImportRejected as exc:
        _err(exc.message)
        for problem in exc.problems:  # the first MAX_PROBLEMS; the rest are counted
            print(printable(f"  {problem}"), file=sys.stderr)
        if exc.more:
            print(f"  … {imports.more_problems_text(exc.more)}", file=sys.stderr)
        if case_file.encoding:
            print(imports.encoding_line(case_file.encoding), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        _lock(store)
    _out(f"{result.count} casussen geïmporteerd.")
    if case_file.encoding:
        _out(imports.encoding_line(case_file.encoding))
    # A casushouder that names no single participant (by code, name or initials) is never made
    # into one here: its cases stay without casushouder, and each such value is reported.
    for owner in result.left_empty:
        kind = "dubbelzinnige" if owner.candidates else "onbekende"
        _out(printable(f"{kind} casushouder '{owner.value}' bij {owner.cases_text}: leeg gelaten"))
    if result.left_empty:
        _out(
            "Geef in Deelnemers een deelnemer deze code of naam en wijs de casushouder in de "
            "casus toe; een volgende import koppelt de code dan vanzelf."
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace, creds: Credentials) -> int:
    """Export cases or actions to CSV or XLSX (a plain file: the export is logged)."""
    from casusoverleg.services import exports

    target = _target(args, args.file)
    store = _unlock(args, creds)
    try:
        if args.what == "actions":
            count = exports.export_actions(store, target, overwrite=args.overwrite)
        else:
            count = exports.export_cases(store, target, overwrite=args.overwrite)
    finally:
        _lock(store)
    what = "actiepunten" if args.what == "actions" else "casussen"
    _out(f"{count} {what} geëxporteerd naar {args.file}.")
    _out("Let op: dit bestand is niet versleuteld. Bewaar het veilig en verwijder het na gebruik.")
    return EXIT_OK


# -- meetings: series, list, calendar files ----------------------------------------------------

_WEEKDAY_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")
_SKIP_WORDS = {
    "public": "public",
    "feestdagen": "public",
    "school": "school",
    "schoolvakanties": "school",
}


def _option_date(text: str, option: str) -> date:
    """An option's date, read by the one date rule (domain.dates); BadInput naming the option."""
    try:
        return required_date(text)
    except ValueError as exc:
        raise BadInput(f"{option}: {exc}") from None


def _parse_time(text: str, option: str) -> time:
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        raise BadInput(f"{option}: '{text}' is geen geldige tijd (gebruik UU:MM).") from None


def _meetings_word(count: int) -> str:
    return "1 overleg" if count == 1 else f"{count} overleggen"


def _day(d: date) -> str:
    """A date as the lists show it: "di 13-01-2026"."""
    return f"{_WEEKDAY_SHORT[d.weekday()]} {d:%d-%m-%Y}"


def _parse_skip(text: str | None) -> tuple[bool, bool]:
    if text is None or text.strip().lower() in ("", "none", "geen"):
        return False, False
    chosen = set()
    for word in text.lower().replace(";", ",").split(","):
        word = word.strip()
        if word not in _SKIP_WORDS:
            raise BadInput(
                f"--skip: onbekend '{word}'; kies public, school of beide (public,school)."
            )
        chosen.add(_SKIP_WORDS[word])
    return "public" in chosen, "school" in chosen


def _series_input(args: argparse.Namespace) -> SeriesInput:
    from casusoverleg.domain.recurrence import Recurrence, Region, SkipMode, SkipRules
    from casusoverleg.services.meetings import SeriesInput

    start = _option_date(args.start, "--start")
    if (args.every_weeks is None) == (args.nth_weekday is None):
        raise BadInput("Geef óf --every-weeks óf --nth-weekday.")
    if (args.count is None) == (args.until is None):
        raise BadInput("Geef óf --count óf --until, niet allebei en niet geen van beide.")
    if args.nth_weekday is not None:
        if args.nth_weekday not in (1, 2, 3, 4, -1):
            raise BadInput("--nth-weekday: kies 1, 2, 3, 4 of -1 (de laatste).")
        recurrence = Recurrence.monthly(start.weekday(), args.nth_weekday, args.every_months)
    else:
        recurrence = Recurrence.weekly(start.weekday(), args.every_weeks)
    region = args.region.strip().lower()
    if region not in {str(r) for r in Region}:
        raise BadInput(f"--region: onbekende regio '{args.region}'; kies noord, midden of zuid.")
    mode = args.skip_mode.strip().lower()
    if mode not in {str(m) for m in SkipMode}:
        raise BadInput(f"--skip-mode: onbekend '{args.skip_mode}'; kies drop of move.")
    public, school = _parse_skip(args.skip)
    return SeriesInput(
        name=args.name,
        start_date=start,
        start_time=_parse_time(args.time, "--time"),
        minutes=args.minutes,
        recurrence=recurrence,
        count=args.count,
        until=_option_date(args.until, "--until") if args.until is not None else None,
        location=args.location,
        skip=SkipRules(public, school, Region(region)),
        skip_mode=SkipMode(mode),
    )


def _past_choice(value: str | None) -> PastDates | None:
    """`--past held|skip` as the service's choice (None when not given)."""
    from casusoverleg.services.meetings import PastDates

    if value is None:
        return None
    word = value.strip().lower()
    if word not in (str(PastDates.KEEP_AS_HELD), str(PastDates.FROM_TODAY)):
        raise BadInput(f"--past: onbekend '{value}'; kies held of skip.")
    return PastDates(word)


def cmd_series(args: argparse.Namespace, creds: Credentials) -> int:
    """Plan a meeting series (`series add`) or list the series (`series list`)."""
    from casusoverleg.services import meetings

    if args.series_command == "list":
        store = _unlock(args, creds)
        try:
            found = meetings.list_series(store)
        finally:
            _lock(store)
        if not found:
            _out("Er zijn nog geen overlegreeksen.")
        for info in found:
            volgende = _day(info.next_date) if info.next_date else "geen"
            _out(
                f"{info.id}\t{info.name}\t{info.description}\t{_meetings_word(info.meeting_count)}"
                f"\tvolgende: {volgende}"
            )
            # The standing participants and the secretary, indented under their series.
            for member in info.people.members:
                email = member.email or "geen e-mailadres"
                _out(f"  {member.role.label}: {member.label}, {email}")
            if info.people.secretary is not None:
                secretary = info.people.secretary
                email = secretary.email or "geen e-mailadres"
                _out(f"  secretaris (verstuurt de uitnodigingen): {secretary.label}, {email}")
        return EXIT_OK
    data = _series_input(args)
    past = _past_choice(args.past)
    today = date.today()
    try:
        data = meetings.resolve_past(data, past, today)
    except meetings.PastDatesNotChosen as exc:
        first = exc.check.first_from_today
        raise BadInput(
            f"{exc.message} Geef --past held als dat al gehouden overleggen zijn, of --past skip "
            "om de reeks te laten beginnen bij de eerste datum vanaf vandaag"
            + (f" ({meetings.long_day(first)})." if first is not None else ".")
        ) from None
    plan = meetings.preview_series(data)
    if not args.dry_run:
        store = _unlock(args, creds)
        try:
            info = meetings.create_series(store, data, past, today=today)
        finally:
            _lock(store)
        _out(f"Overlegreeks {info.id} '{info.name}' opgeslagen: {info.description}.")
    else:
        _out(f"Voorbeeld (niet opgeslagen): {data.recurrence.describe()}.")
    mode = "verplaatst" if str(data.skip_mode) == "move" else "vervallen"
    skipped_what = data.skip.describe()
    _out(
        f"Overslaan: {skipped_what}"
        + (f"; overgeslagen data {mode}." if skipped_what != "niets" else " (geen --skip gegeven).")
    )
    _out(f"{_meetings_word(len(plan.planned))}:")
    for planned in plan.planned:
        moved = f"  (in plaats van {_day(planned.original_date)})" if planned.moved else ""
        held = "  (gehouden)" if planned.date < today else ""
        _out(f"  {_day(planned.date)} {data.start_time:%H:%M}{moved}{held}")
    if plan.skipped:
        _out(f"{len(plan.skipped)} data overgeslagen:")
        for skipped in plan.skipped:
            what = f"verplaatst naar {_day(skipped.moved_to)}" if skipped.moved_to else "vervalt"
            _out(f"  {_day(skipped.date)}  {skipped.reason}: {what}")
    for warning in plan.warnings:
        _err(f"let op: {warning}")
    return EXIT_OK


def cmd_meetings(args: argparse.Namespace, creds: Credentials) -> int:
    """List the meetings in a period, as text or as JSON."""
    from casusoverleg.services import meetings

    since = _option_date(args.from_, "--from") if args.from_ else None
    until = _option_date(args.to, "--to") if args.to else None
    if since and until and since > until:
        raise BadInput("--from ligt na --to.")
    store = _unlock(args, creds)
    try:
        found = meetings.list_meetings(store, since=since, until=until)
    finally:
        _lock(store)
    if args.json:
        rows = []
        for m in found:
            end = datetime.combine(m.date, m.start_time) + timedelta(minutes=m.minutes)
            rows.append(
                {
                    "id": m.id,
                    "series": m.series_name or None,
                    "series_id": m.series_id,
                    "title": m.title,
                    "date": m.date.isoformat(),
                    "start": f"{m.start_time:%H:%M}",
                    "end": f"{end:%H:%M}",
                    "minutes": m.minutes,
                    "location": m.location,
                    "status": str(m.status),
                    "edited_by_hand": m.edited_by_hand,
                    "uid": m.uid,
                    "sequence": m.sequence,
                }
            )
        _out(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        _out("Geen overleggen in deze periode.")
    for m in found:
        end = datetime.combine(m.date, m.start_time) + timedelta(minutes=m.minutes)
        place = f"  {m.location}" if m.location else ""
        _out(
            f"{m.id:>5}  {_day(m.date)}  {m.start_time:%H:%M}-{end:%H:%M}  "
            f"{m.status.label:<11}  {m.title}{place}"
        )
    return EXIT_OK


def cmd_cases(args: argparse.Namespace, creds: Credentials) -> int:
    """Every case with its computed status on a day (leerplicht, notices, thuiszitter, ...)."""
    from casusoverleg.services import case_overview

    on = _option_date(args.on, "--on") if args.on else None
    store = _unlock(args, creds)
    try:
        lines = case_overview.case_statuses(store, on)
    finally:
        _lock(store)
    if args.json:
        _out(json.dumps([line.to_json() for line in lines], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not lines:
        _out("Geen casussen.")
    for line in lines:
        law = line.law
        due = f"  kennisgeving uiterlijk {_day(law.notice_due)}" if law.notice_due else ""
        home = f"  {law.thuiszitter.label}" if law.thuiszitter.value != "GEEN" else ""
        _out(f"{line.case_number:<12} {line.ground.label:<20.20} {law.leerplicht.label}{due}{home}")
    return EXIT_OK


def cmd_ics(args: argparse.Namespace, creds: Credentials) -> int:
    """Write an .ics calendar file for a series (id or name) or one meeting (id)."""
    from casusoverleg.services import calendar

    output = _target(args, args.output)
    store = _unlock(args, creds)
    try:
        target = _resolve_ics_ref(store, args.ref.strip())
        if isinstance(target, int):
            done = calendar.write_meeting_ics(store, target, output, overwrite=args.overwrite)
            what = f"overleg {target}"
        else:
            done = calendar.write_series_ics(store, target.id, output, overwrite=args.overwrite)
            what = f"overlegreeks '{target.name}'"
    finally:
        _lock(store)
    kind = {"REQUEST": "uitnodiging", "CANCEL": "afzegging"}.get(done.method, "agenda")
    invited = f", {done.invited} genodigden" if done.is_invitation else ""
    _out(
        f"Agendabestand geschreven: {args.output} ({what}, {_meetings_word(done.count)}, "
        f"{kind}{invited})."
    )
    for note in done.notes:
        _err(f"let op: {note}")
    return EXIT_OK


def _resolve_ics_ref(store: Store, ref: str) -> int | SeriesInfo:
    """The `ics` argument as a meeting id (int) or a series.

    Accepted: series:X / meeting:N, or plain (a series name or id, or a meeting id).

    A plain number that is both a series id and a meeting id is refused, never guessed.
    """
    from casusoverleg.services import meetings

    kind, _, value = ref.partition(":")
    kind = kind.strip().lower()
    value = value.strip()
    if value and kind in ("meeting", "overleg"):
        if not value.isdigit():
            raise BadInput(f"'{value}' is geen overlegnummer (zie `casusoverleg meetings`).")
        return meetings.get_meeting(store, int(value)).id
    if value and kind in ("series", "reeks"):
        return meetings.find_series(store, value)
    try:
        series = meetings.find_series(store, ref)
    except BadInput:
        series = None
    meeting = None
    if ref.isdigit():
        try:
            meeting = meetings.get_meeting(store, int(ref))
        except BadInput:
            meeting = None
    if series is not None and meeting is not None:
        raise BadInput(
            f"'{ref}' is zowel overlegreeks {series.id} ('{series.name}') als overleg "
            f"{meeting.id}. Schrijf series:{ref} of meeting:{ref}."
        )
    if meeting is not None:
        return meeting.id
    if series is not None:
        return series
    raise BadInput(
        f"Er is geen overlegreeks of overleg '{ref}'. Geef een reeksnaam of -nummer, of een "
        "overlegnummer zoals `casusoverleg meetings` het toont."
    )


# -- documents: agenda, minutes, action list, dossier ------------------------------------------

_UNENCRYPTED = (
    "Let op: dit bestand is niet versleuteld. Bewaar het veilig en verwijder het na gebruik."
)


def _pages(count: int) -> str:
    return "1 pagina" if count == 1 else f"{count} pagina's"


def _meeting_id(store: Store, ref: str) -> int:
    """MEETING as `meetings --json` prints it, or `next` (volgende) for the next planned one."""
    from casusoverleg.services import documents

    ref = ref.strip()
    if ref.lower() in ("next", "volgende"):
        return documents.next_meeting_id(store)
    if not ref.isdigit():
        raise BadInput(
            f"'{ref}' is geen overlegnummer; geef het nummer dat `casusoverleg meetings` toont, "
            "of next."
        )
    return int(ref)


def cmd_agenda(args: argparse.Namespace, creds: Credentials) -> int:
    """Print a meeting's agenda to PDF (casusnummer and initials only)."""
    from casusoverleg.services import documents

    output = _target(args, args.output)
    store = _unlock(args, creds)
    try:
        meeting_id = _meeting_id(store, args.meeting)
        printed = documents.print_agenda(store, meeting_id, output, overwrite=args.overwrite)
    finally:
        _lock(store)
    _out(f"Agenda geschreven: {args.output} ({_pages(printed.pages)}).")
    return EXIT_OK


def cmd_minutes(args: argparse.Namespace, creds: Credentials) -> int:
    """Print a meeting's minutes to PDF (children's names only with --names)."""
    from casusoverleg.services import documents

    output = _target(args, args.output)
    store = _unlock(args, creds)
    try:
        meeting_id = _meeting_id(store, args.meeting)
        printed = documents.print_minutes(
            store, meeting_id, output, show_names=args.names, overwrite=args.overwrite
        )
    finally:
        _lock(store)
    names = " met namen van kinderen" if args.names else ""
    _out(f"Verslag geschreven{names}: {args.output} ({_pages(printed.pages)}).")
    _out(_UNENCRYPTED)
    return EXIT_OK


def cmd_actions(args: argparse.Namespace, creds: Credentials) -> int:
    """Print the action list to PDF: open actions, or all with --all."""
    from casusoverleg.services import documents

    output = _target(args, args.output)
    store = _unlock(args, creds)
    try:
        printed = documents.print_actions(
            store, output, include_done=args.all, group_by=args.by, overwrite=args.overwrite
        )
    finally:
        _lock(store)
    _out(f"Actielijst geschreven: {args.output} ({_pages(printed.pages)}).")
    return EXIT_OK


def cmd_dossier(args: argparse.Namespace, creds: Credentials) -> int:
    """Print everything about one case (an answer to an inzageverzoek) to PDF."""
    from casusoverleg.services import cases, documents

    output = _target(args, args.output)
    store = _unlock(args, creds)
    try:
        case_id = cases.find_case_id(store, args.case)
        printed = documents.print_dossier(store, case_id, output, overwrite=args.overwrite)
    finally:
        _lock(store)
    _out(f"Dossier geschreven: {args.output} ({_pages(printed.pages)}).")
    _out(_UNENCRYPTED)
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

    def writes_a_file(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--overwrite", action="store_true", help="vervang een bestaand bestand met die naam"
        )

    add("init", cmd_init, "maak een nieuwe, versleutelde opslag")
    p = add("demo", cmd_demo, "maak een demo-opslag met verzonnen casussen")
    p.add_argument("--cases", type=int, default=40, metavar="N", help="aantal casussen (40)")
    p = add("check", cmd_check, "controleer de opslag en het logboek")
    p.add_argument(
        "--backup",
        action="append",
        metavar="BACK-UP.zip",
        help="vergelijk het logboek ook met het logboekeinde dat in deze back-up staat",
    )
    p = add("backup", cmd_backup, "maak een versleutelde back-up")
    p.add_argument("dest", metavar="DOEL")
    writes_a_file(p)
    p = add("restore", cmd_restore, "zet een back-up terug")
    p.add_argument("src", metavar="BRON")
    p.add_argument(
        "--other-store",
        action="store_true",
        help="zet ook een back-up van een andere opslag terug (met de accounts uit die back-up)",
    )
    p = add("passwd", cmd_passwd, "wijzig een wachtwoord")
    p.add_argument("--recovery", action="store_true", help="met de herstelsleutel")
    p.add_argument("--new-passphrase-file", metavar="BESTAND")
    p = add("accounts", cmd_accounts, "beheer accounts")
    acc = p.add_subparsers(dest="accounts_command", required=True, metavar="list|add|remove")
    acc.add_parser("list", help="toon de accounts")
    a = acc.add_parser("add", help="voeg een account toe")
    a.add_argument("name", metavar="NAAM")
    a.add_argument("--new-passphrase-file", metavar="BESTAND")
    a.add_argument(
        "--beheerder",
        action="store_true",
        help="als beheerder (beheert accounts, bewaartermijn en instellingen)",
    )
    r = acc.add_parser("remove", help="verwijder een account (en vernieuw de sleutel)")
    r.add_argument("name", metavar="NAAM")
    r.add_argument("--no-rotate", action="store_true", help="sleutel niet vernieuwen")
    p = add("import", cmd_import, "importeer casussen uit CSV of XLSX")
    p.add_argument("what", choices=["cases"], metavar="cases")
    p.add_argument("file", metavar="BESTAND")
    p = add("export", cmd_export, "exporteer casussen of actiepunten naar CSV of XLSX")
    p.add_argument("what", choices=["cases", "actions"], metavar="cases|actions")
    p.add_argument("file", metavar="BESTAND")
    writes_a_file(p)
    p = add("series", cmd_series, "plan een overlegreeks of toon de reeksen")
    ser = p.add_subparsers(dest="series_command", required=True, metavar="add|list")
    ser.add_parser("list", help="toon de overlegreeksen")
    s = ser.add_parser(
        "add",
        help="plan een overlegreeks",
        description="Plan een overlegreeks en toon de data en elke overgeslagen feestdag of "
        "vakantie. Zonder --skip wordt niets overgeslagen; geef --skip public,school om "
        "feestdagen en schoolvakanties over te slaan. --count telt de overleggen die "
        "doorgaan: een overgeslagen datum telt niet mee.",
    )
    s.add_argument("--name", required=True, metavar="NAAM", help="naam van de reeks")
    s.add_argument("--start", required=True, metavar="JJJJ-MM-DD", help="eerste datum")
    s.add_argument("--time", required=True, metavar="UU:MM", help="begintijd")
    s.add_argument("--minutes", required=True, type=int, metavar="M", help="duur in minuten")
    s.add_argument(
        "--every-weeks", type=int, metavar="K", help="om de K weken, op de weekdag van --start"
    )
    s.add_argument(
        "--nth-weekday",
        type=int,
        metavar="N",
        help="in plaats van --every-weeks: de N-de weekdag (als --start) van de maand; "
        "1-4, of -1 voor de laatste",
    )
    s.add_argument(
        "--every-months",
        type=int,
        default=1,
        metavar="K",
        help="met --nth-weekday: om de K maanden",
    )
    s.add_argument("--count", type=int, metavar="C", help="aantal overleggen dat doorgaat")
    s.add_argument("--until", metavar="JJJJ-MM-DD", help="laatste mogelijke datum")
    s.add_argument(
        "--skip",
        metavar="public,school",
        help="sla feestdagen (public) en/of schoolvakanties (school) over; standaard: niets",
    )
    s.add_argument(
        "--region",
        default="noord",
        metavar="noord|midden|zuid",
        help="regio van de schoolvakanties (standaard noord, Zwolle)",
    )
    s.add_argument(
        "--skip-mode",
        default="drop",
        metavar="drop|move",
        help="overgeslagen datum vervalt (drop, standaard) of schuift naar de eerstvolgende "
        "geschikte dag, liefst in dezelfde week (move)",
    )
    s.add_argument("--location", default="", metavar="PLAATS", help="locatie")
    s.add_argument(
        "--past",
        metavar="held|skip",
        help="verplicht als er data vóór vandaag zijn: held = dat zijn al gehouden overleggen "
        "(verslag in concept), skip = begin bij de eerste datum vanaf vandaag",
    )
    s.add_argument("--dry-run", action="store_true", help="toon alleen de data, sla niets op")
    p = add("meetings", cmd_meetings, "toon de overleggen")
    p.add_argument("--from", dest="from_", metavar="JJJJ-MM-DD", help="vanaf deze datum")
    p.add_argument("--to", metavar="JJJJ-MM-DD", help="tot en met deze datum")
    p.add_argument("--json", action="store_true", help="als JSON (voor scripts)")
    p = add("cases", cmd_cases, "toon elke casus met de status volgens de Leerplichtwet")
    p.add_argument("--on", metavar="JJJJ-MM-DD", help="op deze datum (standaard vandaag)")
    p.add_argument("--json", action="store_true", help="als JSON (voor scripts)")
    p = add(
        "ics",
        cmd_ics,
        "schrijf een agendabestand (.ics) van een overlegreeks of één overleg",
    )
    p.add_argument(
        "ref",
        metavar="SERIES|MEETING",
        help="reeksnaam of -nummer, of overlegnummer (zie meetings --json); schrijf "
        "series:X of meeting:N als een nummer allebei kan zijn",
    )
    p.add_argument("-o", "--output", required=True, metavar="BESTAND.ics")
    writes_a_file(p)
    p = add("agenda", cmd_agenda, "druk de agenda van een overleg af (PDF)")
    p.add_argument("meeting", metavar="MEETING|next", help="overlegnummer (zie meetings) of next")
    p.add_argument("-o", "--output", required=True, metavar="BESTAND.pdf")
    writes_a_file(p)
    p = add("minutes", cmd_minutes, "druk het verslag van een overleg af (PDF)")
    p.add_argument("meeting", metavar="MEETING", help="overlegnummer (zie meetings)")
    p.add_argument("-o", "--output", required=True, metavar="BESTAND.pdf")
    writes_a_file(p)
    p.add_argument(
        "--names", action="store_true", help="met de namen van de kinderen (anders initialen)"
    )
    p = add("actions", cmd_actions, "druk de actielijst af (PDF)")
    p.add_argument("-o", "--output", required=True, metavar="BESTAND.pdf")
    writes_a_file(p)
    p.add_argument("--all", action="store_true", help="alle actiepunten, ook afgeronde")
    p.add_argument(
        "--by",
        choices=["owner", "case"],
        default="owner",
        metavar="owner|case",
        help="per eigenaar (owner, standaard) of per casus (case)",
    )
    p = add("dossier", cmd_dossier, "druk alles over één casus af (inzageverzoek, PDF)")
    p.add_argument("case", metavar="CASE", help="casusnummer")
    p.add_argument("-o", "--output", required=True, metavar="BESTAND.pdf")
    writes_a_file(p)
    from casusoverleg import retention_cli  # its own module: the command and its parser

    retention_cli.add_command(add)
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    """Run one command; returns the exit code.

    A reader that stops early (`casusoverleg cases | head`) ends it quietly, wherever the
    broken pipe shows: in a command, in --help, or in the last flush of stdout.
    """
    try:
        try:
            return _main(argv, stdin)
        finally:
            sys.stdout.flush()  # here, not at interpreter exit, where it could not be caught
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush at exit finds no reader
    gone (the way the Python documentation handles SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _main(argv: Sequence[str] | None, stdin: TextIO | None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    creds = Credentials(args, stdin or sys.stdin)
    try:
        return _run(args, creds)
    finally:
        # On a full disk: the log lines of this command wait for space (or could not).
        from casusoverleg.services import pending_log

        note = pending_log.note_for_this_process()
        if note:
            _err(note)


def _run(args: argparse.Namespace, creds: Credentials) -> int:
    """The command itself, every error turned into a Dutch message and an exit code."""
    try:
        return int(args.func(args, creds))
    except CasusoverlegError as exc:
        _err(exc.message)
        return exc.exit_code
    except KeyboardInterrupt:
        print("casusoverleg: afgebroken; er is niets half opgeslagen.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`casusoverleg meetings | head`): the command itself is done;
        # say nothing, and keep Python from complaining about stdout at exit.
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:
        if is_disk_full(exc):
            # Wherever it surfaced (a raw SQLite connection, a file write): Dutch, exit 5.
            full = disk_full("de wijziging")
            _err(full.message)
            return full.exit_code
        if isinstance(exc, OSError):
            # An unwritable folder, a missing file: say so without a traceback.
            _err(f"bestandsfout: {os_reason(exc)}.")
            return EXIT_BAD_INPUT
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
