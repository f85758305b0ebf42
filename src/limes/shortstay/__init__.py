"""The 90/180-day short-stay calculator (Schengen Borders Code Art 6(1); EES Art 11).

It computes what the European Commission's official short-stay calculator
computes: days used in the 180-day window, every overstay in the history, the
longest continuous stay from a date with old days rolling out, the last lawful day,
and the next date a stay may start.
"""

from limes.shortstay.models import (
    Calculation,
    EntriesAllowed,
    Limit,
    Mode,
    NextEntry,
    Overstay,
    ShortStayVisa,
    Stay,
    StayAnswer,
    Window,
)
from limes.shortstay.rules import calculate

__all__ = [
    "Calculation",
    "EntriesAllowed",
    "Limit",
    "Mode",
    "NextEntry",
    "Overstay",
    "ShortStayVisa",
    "Stay",
    "StayAnswer",
    "Window",
    "calculate",
]
