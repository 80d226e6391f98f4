"""A marker for "leave this field as it is" in update functions, where None means "empty"."""

from __future__ import annotations

from enum import Enum
from typing import Final, Literal


class Unchanged(Enum):
    """The type of UNCHANGED (an enum, so that mypy can narrow `x is UNCHANGED` away)."""

    UNCHANGED = "UNCHANGED"


UNCHANGED: Final = Unchanged.UNCHANGED

#: Type of a keyword that defaults to UNCHANGED.
Keep = Literal[Unchanged.UNCHANGED]
