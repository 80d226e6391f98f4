"""`make dist-check`: run the BUNDLED program the way a desk without Python runs it.

Every command starts dist/casusoverleg/casusoverleg with an empty environment (no venv, no
PYTHONPATH, no PATH; HOME in a temporary folder; QT_QPA_PLATFORM=offscreen for the window) and
must end with exit code 0. A missing module or data file shows up as a failing command, with its
output. Only the standard library: this script does not need the venv either.

    python3 packaging/dist_check.py [dist/casusoverleg]

It also imports a CSV as Excel-NL saves it ("CSV (gescheiden door lijstscheidingsteken)",
cp1252); CASUSOVERLEG_DIST_CHECK_CP1252=0 leaves that out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The import reads Excel-NL's Windows-1252 CSV (issue 14 item 5); "0" leaves that check out.
CP1252 = os.environ.get("CASUSOVERLEG_DIST_CHECK_CP1252", "1") == "1"
TIMEOUT = 180  # seconds per command; the first start of a bundle unpacks nothing, but a busy
# machine is slow

HEADER = (
    "casusnummer;voornaam;achternaam;geboortedatum;school;grond;status;aangemeld_op;casushouder"
)
UTF8_ROWS = (
    "2099-0001;Zoë;van den Berg;03-04-2015;De Kleine Wereld;5 onder a;aangemeld;01-09-2026;",
    "2099-0002;Chloé;’t Hart;30-11-2013;De Toermalijn;5b;in behandeling;02-09-2026;",
)
CP1252_ROWS = (
    "2099-0101;Noël;Brandsmaë;12-03-2014;Het Mozaïek;5 onder a;aangemeld;01-09-2026;",
    "2099-0102;Renée;O’Neill;01-02-2012;Café-school;thuiszitter;aangemeld;01-09-2026;",
)


class CheckFailed(Exception):
    """A command of the bundle did not do what it should."""


def _environment(home: Path, **extra: str) -> dict[str, str]:
    # What `env -i HOME=… ` gives: nothing from this shell, the venv or the build.
    # CASUSOVERLEG_DEBUG: a failing command shows its traceback (the missing module).
    env = {
        "HOME": str(home),
        "TMPDIR": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "CASUSOVERLEG_DEBUG": "1",
    }
    if sys.platform == "win32":
        # Windows programs cannot start without these; the user's folders go to the temp one.
        kept = ("SYSTEMROOT", "WINDIR", "PATHEXT")
        env.update({key: os.environ[key] for key in kept if key in os.environ})
        env.update(
            USERPROFILE=str(home),
            APPDATA=str(home / "AppData" / "Roaming"),
            LOCALAPPDATA=str(home / "AppData" / "Local"),
            TEMP=str(home),
            TMP=str(home),
        )
    return {**env, **extra}


def _run(
    title: str, program: Path, args: list[str], env: dict[str, str], cwd: Path, expect: str = ""
) -> str:
    started = time.monotonic()
    try:
        done = subprocess.run(
            [str(program), *args],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed(
            f"{title}: hangt (na {TIMEOUT} s afgebroken)\n{exc.stderr or ''}"
        ) from exc
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    missing = [
        word
        for word in ("ModuleNotFoundError", "No module named", "FileNotFoundError",
                     "Path doesn't exist", "Traceback", "bestandsfout")
        if word in output
    ]  # fmt: skip
    if done.returncode != 0 or missing or (expect and expect not in output):
        why = f"afsluitcode {done.returncode}"
        if missing:
            why += f", ontbrekende module of databestand? ({', '.join(missing)})"
        if expect and expect not in output:
            why += f", '{expect}' niet in de uitvoer"
        raise CheckFailed(f"{title}: {why}\n--- uitvoer ---\n{output}")
    print(f"dist-check: {title}: goed ({seconds:.1f} s)", flush=True)
    return output


def _write_csv(path: Path, rows: tuple[str, ...], encoding: str) -> None:
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))


def check(bundle: Path) -> None:
    """Run every command against the bundle in `bundle`; raises CheckFailed at the first fault."""
    bundle = bundle.resolve()
    suffix = ".exe" if sys.platform == "win32" else ""
    program = bundle / f"casusoverleg{suffix}"
    gui = bundle / f"casusoverleg-gui{suffix}"
    for exe in (program, gui):
        if not os.access(exe, os.X_OK):
            raise CheckFailed(f"{exe} ontbreekt of is niet uitvoerbaar: eerst 'make dist'.")
    version = _version(bundle)
    work = Path(tempfile.mkdtemp(prefix="casusoverleg-dist-check-"))
    try:
        home = work / "home"
        home.mkdir()
        demo_store = work / "demo.db"
        demo = _environment(
            home,
            CASUSOVERLEG_STORE=str(demo_store),
            CASUSOVERLEG_USER="demo",
            CASUSOVERLEG_PASSPHRASE="demo",  # noqa: S106 - the demo store's, known to all
        )
        bare = _environment(home)
        _run("--version", program, ["--version"], bare, work, expect=version)
        _run("--help", program, ["--help"], bare, work, expect="demo")
        # The second program is the window's own (its help has no sub-commands).
        _run("gui --help", gui, ["--help"], bare, work, expect="start op een nieuwe demo-opslag")
        _run("demo", program, ["demo"], demo, work, expect="Demo-opslag aangemaakt")
        _run("check", program, ["check"], demo, work)
        _run("agenda next -o", program, ["agenda", "next", "-o", "agenda.pdf"], demo, work)
        if not (work / "agenda.pdf").read_bytes().startswith(b"%PDF"):
            raise CheckFailed("agenda next -o: agenda.pdf is geen PDF")
        _run("export cases (xlsx)", program, ["export", "cases", "casussen.xlsx"], demo, work)

        # A second, new store for the imports (the demo store already holds these cases).
        new = _environment(
            home,
            CASUSOVERLEG_STORE=str(work / "nieuw.db"),
            CASUSOVERLEG_USER="secretaris",
            CASUSOVERLEG_PASSPHRASE="correct paard batterij nietje",  # noqa: S106 - a test store
            CASUSOVERLEG_NEW_PASSPHRASE="correct paard batterij nietje",  # noqa: S106 - for init
        )
        _run("init", program, ["init"], new, work, expect="HERSTELSLEUTEL")
        _run("import cases (xlsx)", program, ["import", "cases", "casussen.xlsx"], new, work)
        _write_csv(work / "utf8.csv", UTF8_ROWS, "utf-8-sig")
        _run("import cases (CSV UTF-8)", program, ["import", "cases", "utf8.csv"], new, work)
        names = ["Zoë", "’t Hart"]
        if CP1252:
            _write_csv(work / "excel-nl.csv", CP1252_ROWS, "cp1252")
            _run(
                "import cases (CSV cp1252)", program, ["import", "cases", "excel-nl.csv"], new, work
            )
            names += ["Noël", "Brandsmaë", "O’Neill"]
        else:
            print("dist-check: import cases (CSV cp1252): overgeslagen (CP1252 staat uit)")
        _run("export cases (CSV)", program, ["export", "cases", "terug.csv"], new, work)
        listed = (work / "terug.csv").read_bytes().decode("utf-8-sig")
        lost = [name for name in names if name not in listed]
        if lost:
            raise CheckFailed(f"import cases: namen niet heel terug: {', '.join(lost)}")
        _run("check (nieuwe opslag)", program, ["check"], new, work)
        _run(
            "venster offscreen tot het hoofdvenster",
            gui,
            ["--selftest"],
            demo,
            work,
            expect="hoofdvenster getoond",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _version(bundle: Path) -> str:
    # The version the bundle was built from: casusoverleg/__init__.py next to this script.
    init = Path(__file__).resolve().parent.parent / "casusoverleg" / "__init__.py"
    for line in init.read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split('"')[1]
    raise CheckFailed(f"geen __version__ in {init}")


def main(argv: list[str]) -> int:
    bundle = (
        Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "dist" / "casusoverleg"
    )
    started = time.monotonic()
    try:
        check(bundle)
    except CheckFailed as exc:
        print(f"dist-check: MISLUKT: {exc}", file=sys.stderr)
        return 1
    print(f"dist-check: de bundel werkt ({time.monotonic() - started:.0f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
