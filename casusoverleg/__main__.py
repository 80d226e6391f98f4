"""`python -m casusoverleg …` runs the command line without Qt."""

import sys

from casusoverleg.cli import main

sys.exit(main())
