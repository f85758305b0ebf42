"""Passport stamps as the official calculator's passport mode takes them.

`+ddmmyy` is an entry stamp and `-ddmmyy` an exit stamp; they may come in any order
and are paired by date. On a day with both an exit and an entry stamp, the stay that
is open ends first (exit and re-entry on the same day), otherwise the entry comes
first (a day trip).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from limes.core.errors import FieldError, InvalidStayHistory
from limes.core.limits import excerpt
from limes.shortstay.models import Stay

_STAMP = re.compile(r"([+\-\u2212\u2013])(\d{2})(\d{2})(\d{2})")
_SEPARATORS = re.compile(r"[\s,;]+")


def parse_stamps(text: str, field: str = "stamps") -> list[Stay]:
    """Pair entry and exit stamps into stays, in date order."""
    entries: dict[date, int] = defaultdict(int)
    exits: dict[date, int] = defaultdict(int)
    errors: list[str] = []
    for token in filter(None, _SEPARATORS.split(text.strip())):
        match = _STAMP.fullmatch(token)
        if match is None:
            errors.append(
                f"{excerpt(token)} is not a stamp: write +ddmmyy for an entry and -ddmmyy "
                "for an exit"
            )
            continue
        sign, dd, mm, yy = match.groups()
        try:
            day = date(2000 + int(yy), int(mm), int(dd))
        except ValueError:
            errors.append(f"{excerpt(token)} is not a calendar date")
            continue
        (entries if sign == "+" else exits)[day] += 1
    stays: list[Stay] = []
    open_entry: date | None = None
    for day in sorted(set(entries) | set(exits)):
        n_in, n_out = entries[day], exits[day]
        while n_in or n_out:
            if open_entry is not None and n_out:
                stays.append(Stay(open_entry, day))
                open_entry, n_out = None, n_out - 1
            elif open_entry is None and n_in:
                open_entry, n_in = day, n_in - 1
            elif open_entry is None:
                errors.append(f"the exit stamp of {day} has no entry stamp before it")
                n_out -= 1
            else:
                errors.append(
                    f"the entry stamp of {day} follows the entry of {open_entry} "
                    "with no exit stamp between them"
                )
                n_in -= 1
    if open_entry is not None:
        errors.append(
            f"the entry stamp of {open_entry} has no exit stamp; add the exit, or the "
            "control date if the traveller is still in the Schengen area"
        )
    if not stays and not errors:
        errors.append("no stamps found: write e.g. +150814 -300914")
    if errors:
        raise InvalidStayHistory(
            "The stamps cannot be paired into stays.", [FieldError(field, e) for e in errors]
        )
    return stays
