"""The bundle's one program, under two names: `casusoverleg-gui` starts the window (no console
on Windows), `casusoverleg` is the command line (and the window without a sub-command).

Both executables in the bundle run this script and share one set of modules (casusoverleg.spec).
"""

import sys
from pathlib import Path

from ui.main import gui_main, main

if __name__ == "__main__":
    gui = Path(sys.executable).stem.lower().endswith("-gui")
    sys.exit(gui_main() if gui else main())
