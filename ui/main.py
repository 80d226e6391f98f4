"""The `casusoverleg` command: a sub-command goes to the core's CLI, none starts the window.

Qt is imported only when the window is wanted, so scripts run without a display.
"""

from __future__ import annotations

import sys

# Options that belong to the GUI; anything else that is not an option is a sub-command.
_GUI_FLAGS = {"--demo"}


def _wants_cli(argv: list[str]) -> bool:
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("--store", "--passphrase-file") and args:
            args.pop(0)
            continue
        if arg in ("-h", "--help", "--version") or not arg.startswith("-"):
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    argv = sys.argv[1:] if argv is None else argv
    if _wants_cli(argv):
        from casusoverleg.cli import main as cli_main

        return cli_main(argv)
    return gui_main(argv)


def gui_main(argv: list[str] | None = None) -> int:
    """Entry point of the gui-script (no console on Windows)."""
    argv = sys.argv[1:] if argv is None else argv
    from ui.app import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
