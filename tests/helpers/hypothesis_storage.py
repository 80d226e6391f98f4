"""Keep Hypothesis' files out of the checkout.

Hypothesis writes `.hypothesis/` (example database, constants cache) into the working
directory; with this project's `norecursedirs` and `filterwarnings = error`, the next pytest run
then fails at collection ("Skipping collection of '.hypothesis' directory"). Importing this
module points Hypothesis at a temporary folder instead.
"""

from __future__ import annotations

import tempfile

from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="casusoverleg-hypothesis-"))
