"""Who enjoys the right of free movement in the Union, as date-effective data.

The EES registers third-country nationals only (Reg. (EU) 2017/2226 Art 2(1) with
the definition of "third-country national" in Art 3(1)): a person who is not a
citizen of the Union within the meaning of Art 20(1) TFEU and who does not enjoy
rights of free movement equivalent to those of Union citizens under an agreement
between the Union and a third country. Those agreements are the EEA Agreement
(Iceland, Liechtenstein, Norway) and the Agreement with Switzerland on the free
movement of persons. The nationals of Andorra, Monaco and San Marino and holders
of a passport issued by the Vatican City State are third-country nationals, but
the EES does not apply to them (EES Art 2(3)); they are listed here too, because
ETIAS, the EES and the simulator need the same answer.

Countries are ICAO Doc 9303 codes (`D` for Germany, `DEU` accepted as an alias).
The dates are those from which a state's nationals held the status; a change in
the law is a new row here, not a code edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "FREE_MOVEMENT",
    "MICROSTATES",
    "FreeMovementBasis",
    "FreeMovementStatus",
    "free_movement_status",
    "is_microstate_national",
    "is_union_citizen",
    "union_member_states",
]


class FreeMovementBasis(StrEnum):
    """Why a state's nationals move freely in the Union."""

    UNION_CITIZEN = "union_citizen"  # Art 20(1) TFEU
    EEA = "eea"  # the EEA Agreement
    SWITZERLAND = "switzerland"  # the Agreement on the free movement of persons


@dataclass(frozen=True, slots=True)
class FreeMovementStatus:
    """From `since` (until `until`, inclusive, where set) nationals of `state` move freely."""

    state: str
    name: str
    basis: FreeMovementBasis
    since: date
    act: str
    until: date | None = None

    def applies_on(self, on: date) -> bool:
        """Whether the status held on `on`."""
        return self.since <= on and (self.until is None or on <= self.until)


_EU = FreeMovementBasis.UNION_CITIZEN


def _members(states: str, since: date, act: str) -> list[FreeMovementStatus]:
    found = []
    for pair in states.split(";"):
        code, name = pair.split("=", 1)
        found.append(FreeMovementStatus(code, name, _EU, since, act))
    return found


# The Member States, from the day they joined (the Communities before 1993: their
# nationals became Union citizens on 1 November 1993, Treaty of Maastricht).
FREE_MOVEMENT: tuple[FreeMovementStatus, ...] = (
    *_members(
        "BEL=Belgium;D=Germany;FRA=France;ITA=Italy;LUX=Luxembourg;NLD=Netherlands",
        date(1958, 1, 1),
        "Treaty establishing the European Economic Community (1957)",
    ),
    *_members("DNK=Denmark;IRL=Ireland", date(1973, 1, 1), "Act of Accession 1972"),
    FreeMovementStatus(
        "GBR",
        "United Kingdom",
        _EU,
        date(1973, 1, 1),
        "Act of Accession 1972; withdrawal under the Withdrawal Agreement (OJ L 29, "
        "31.1.2020), free movement kept to the end of the transition period (Art 126-127)",
        until=date(2020, 12, 31),
    ),
    *_members("GRC=Greece", date(1981, 1, 1), "Act of Accession 1979"),
    *_members("ESP=Spain;PRT=Portugal", date(1986, 1, 1), "Act of Accession 1985"),
    *_members("AUT=Austria;FIN=Finland;SWE=Sweden", date(1995, 1, 1), "Act of Accession 1994"),
    *_members(
        "CYP=Cyprus;CZE=Czechia;EST=Estonia;HUN=Hungary;LVA=Latvia;LTU=Lithuania;"
        "MLT=Malta;POL=Poland;SVK=Slovakia;SVN=Slovenia",
        date(2004, 5, 1),
        "Act of Accession 2003",
    ),
    *_members("BGR=Bulgaria;ROU=Romania", date(2007, 1, 1), "Act of Accession 2005"),
    *_members("HRV=Croatia", date(2013, 7, 1), "Act of Accession 2012"),
    FreeMovementStatus(
        "ISL", "Iceland", FreeMovementBasis.EEA, date(1994, 1, 1), "EEA Agreement (1992)"
    ),
    FreeMovementStatus(
        "NOR", "Norway", FreeMovementBasis.EEA, date(1994, 1, 1), "EEA Agreement (1992)"
    ),
    FreeMovementStatus(
        "LIE",
        "Liechtenstein",
        FreeMovementBasis.EEA,
        date(1995, 5, 1),
        "EEA Agreement (1992), in force for Liechtenstein from 1 May 1995",
    ),
    FreeMovementStatus(
        "CHE",
        "Switzerland",
        FreeMovementBasis.SWITZERLAND,
        date(2002, 6, 1),
        "Agreement between the EC and its Member States and the Swiss Confederation on "
        "the free movement of persons (OJ L 114, 30.4.2002)",
    ),
)

# EES Art 2(3): nationals of Andorra, Monaco and San Marino, and holders of a passport
# issued by the Vatican City State, are not registered.
MICROSTATES: dict[str, str] = {
    "AND": "Andorra",
    "MCO": "Monaco",
    "SMR": "San Marino",
    "VAT": "Vatican City State",
}

_ALIASES = {"DEU": "D"}


def _canonical(code: str) -> str:
    code = code.strip().upper()
    return _ALIASES.get(code, code)


def free_movement_status(nationality: str, on: date) -> FreeMovementStatus | None:
    """The status under which nationals of `nationality` moved freely on `on`, or None.

    Union citizenship (Art 20(1) TFEU), the EEA Agreement or the Agreement with
    Switzerland; None for every other nationality (a third-country national).
    """
    code = _canonical(nationality)
    for status in FREE_MOVEMENT:
        if status.state == code and status.applies_on(on):
            return status
    return None


def is_union_citizen(nationality: str, on: date) -> bool:
    """Whether nationals of `nationality` were citizens of the Union on `on` (Art 20(1) TFEU)."""
    status = free_movement_status(nationality, on)
    return status is not None and status.basis is FreeMovementBasis.UNION_CITIZEN


def union_member_states(on: date) -> frozenset[str]:
    """The Member States of the Union (of the Communities before 1993) on `on`."""
    return frozenset(s.state for s in FREE_MOVEMENT if s.basis is _EU and s.applies_on(on))


def is_microstate_national(nationality: str | None, issuing_state: str | None) -> bool:
    """EES Art 2(3): a national of Andorra, Monaco or San Marino, or a Vatican passport."""
    if nationality is not None and _canonical(nationality) in {"AND", "MCO", "SMR"}:
        return True
    return issuing_state is not None and _canonical(issuing_state) == "VAT"
