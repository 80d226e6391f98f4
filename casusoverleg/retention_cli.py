"""`casusoverleg retention`: list the cases past retention, and destroy them after a confirmation.

    casusoverleg retention [--on JJJJ-MM-DD] [--json]
    casusoverleg retention destroy CASUS... [--on JJJJ-MM-DD] [--yes]

Kept apart from cli.py (which registers it), so the command and its parser live together.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from casusoverleg.errors import BadInput

AddCommand = Callable[[str, Callable[..., int], str], argparse.ArgumentParser]


def add_command(add: AddCommand) -> None:
    """Register `retention` (and `retention destroy`) with cli.build_parser's `add`."""
    from casusoverleg.cli import _DutchParser

    p = add("retention", cmd_retention, "toon of vernietig de casussen na de bewaartermijn")
    p.usage = (
        "%(prog)s [--on JJJJ-MM-DD] [--json]\n"
        "       %(prog)s destroy CASUS [CASUS ...] [--on JJJJ-MM-DD] [--yes]"
    )
    p.add_argument("--on", metavar="JJJJ-MM-DD", help="op deze datum (standaard vandaag)")
    p.add_argument("--json", action="store_true", help="als JSON (voor scripts)")
    sub = p.add_subparsers(
        dest="retention_command", metavar="destroy", parser_class=_DutchParser, required=False
    )
    d = sub.add_parser(
        "destroy",
        help="vernietig casussen na de bewaartermijn (alleen een beheerder)",
        description="Vernietig casussen waarvan de bewaartermijn is verstreken: alle gegevens "
        "over het kind gaan uit de opslag; het logboek houdt alleen het casusnummer. Alles of "
        "niets: kan één casus niet worden vernietigd, dan gebeurt er niets. Zonder --yes wordt "
        "eerst om bevestiging gevraagd.",
    )
    d.add_argument("cases", nargs="+", metavar="CASUS", help="casusnummer(s)")
    # SUPPRESS: an --on given before "destroy" is not overwritten by this one's default.
    d.add_argument("--on", metavar="JJJJ-MM-DD", default=argparse.SUPPRESS, help="op deze datum")
    d.add_argument("--yes", action="store_true", help="niet om bevestiging vragen")


def cmd_retention(args: argparse.Namespace, creds: object) -> int:
    """List the cases past retention, or destroy some of them."""
    from casusoverleg import cli
    from casusoverleg.services import accounts, retention

    assert isinstance(creds, cli.Credentials)
    on = cli._option_date(args.on, "--on") if args.on else None
    if args.retention_command == "destroy" and args.json:
        raise BadInput("--json hoort bij de lijst, niet bij 'retention destroy'.")
    store = cli._unlock(args, creds)
    try:
        if args.retention_command != "destroy":
            found = retention.past_retention(store, on)
            if args.json:
                cli._out(json.dumps([p.to_json() for p in found], ensure_ascii=False, indent=2))
            elif not found:
                cli._out("Geen casussen na de bewaartermijn.")
            for item in [] if args.json else found:
                closed = "afgesloten" if item.closed else "open"
                cli._out(
                    f"{item.case_number:<12} {item.initials:<8} "
                    f"bewaren tot {item.retention_date:%d-%m-%Y}  {closed}"
                )
            return cli.EXIT_OK
        numbers = retention.check_destroyable(store, args.cases, on)
        if not args.yes:
            _confirm(creds, retention.confirmation_text(numbers))
        if len(numbers) > 1:
            print(f"Bezig met vernietigen van {len(numbers)} casussen…", file=sys.stderr)
        done = retention.destroy(store, numbers, on)
    finally:
        accounts.lock(store)
    word = "casus" if len(done.case_numbers) == 1 else "casussen"
    cli._out(f"{len(done.case_numbers)} {word} vernietigd: {', '.join(done.case_numbers)}.")
    cli._out(
        "Back-ups van vóór vandaag bevatten deze gegevens nog; maak een nieuwe back-up en "
        "vernietig de oude volgens uw afspraken."
    )
    return cli.EXIT_OK


def _confirm(creds: object, question: str) -> None:
    """Ask on the terminal; refuse without one (a script must say --yes)."""
    from casusoverleg import cli

    assert isinstance(creds, cli.Credentials)
    if not creds.stdin.isatty():
        raise BadInput(
            "Vernietigen vraagt om bevestiging. Geef --yes als u zeker weet welke casussen "
            "u vernietigt; er is niets vernietigd."
        )
    cli._out(question)
    print("Typ 'ja' om te vernietigen: ", end="", flush=True)
    answer = creds.stdin.readline().strip().casefold()
    if answer != "ja":
        raise BadInput("Niet bevestigd; er is niets vernietigd.")
