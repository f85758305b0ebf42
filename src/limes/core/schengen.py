"""The Schengen area as a date-effective set of states.

A stay counts towards the 90/180-day rule (Schengen Borders Code, Reg. (EU)
2016/399 Art 6(1)) only for days on which the state of stay applied the Schengen
acquis in full, including its short-stay rules. The dates and acts are data: a
change in the law is a new row here, not a code edit.

Bulgaria and Romania applied the acquis, and lifted checks at internal air and sea
borders, from 31 March 2024 (Council Decision (EU) 2023/2888); checks at internal
land borders were lifted from 1 January 2025 (Council Decision (EU) 2024/3212).
Cyprus and Ireland do not apply it in full and are outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class BorderScope(StrEnum):
    """Which internal borders a stage of accession lifted checks at."""

    AIR_SEA = "air_sea"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class AccessionStage:
    """From `since`, `state` applies the acquis with internal checks lifted at `scope`."""

    state: str
    since: date
    scope: BorderScope
    act: str


def _stages(states: str, since: date, act: str) -> list[AccessionStage]:
    return [AccessionStage(s, since, BorderScope.ALL, act) for s in states.split()]


# The Schengen Implementing Convention and the Council decisions putting the acquis
# into effect. Dates are those from which checks at internal borders were lifted.
ACCESSION_STAGES: tuple[AccessionStage, ...] = (
    *_stages(
        "BEL D FRA LUX NLD PRT ESP",
        date(1995, 3, 26),
        "Convention implementing the Schengen Agreement (1990), put into effect 26 March 1995",
    ),
    *_stages("ITA", date(1997, 10, 26), "Schengen Executive Committee decision SCH/Com-ex (96) 27"),
    *_stages("AUT", date(1997, 12, 1), "Schengen Executive Committee decision SCH/Com-ex (97) 29"),
    *_stages("GRC", date(2000, 1, 1), "Council Decision 1999/848/EC"),
    *_stages("DNK FIN SWE ISL NOR", date(2001, 3, 25), "Council Decision 2000/777/EC"),
    *_stages(
        "CZE EST HUN LVA LTU MLT POL SVK SVN", date(2007, 12, 21), "Council Decision 2007/801/EC"
    ),
    *_stages("CHE", date(2008, 12, 12), "Council Decision 2008/903/EC"),
    *_stages("LIE", date(2011, 12, 19), "Council Decision 2011/842/EU"),
    *_stages("HRV", date(2023, 1, 1), "Council Decision (EU) 2022/2451"),
    AccessionStage(
        "BGR", date(2024, 3, 31), BorderScope.AIR_SEA, "Council Decision (EU) 2023/2888"
    ),
    AccessionStage(
        "ROU", date(2024, 3, 31), BorderScope.AIR_SEA, "Council Decision (EU) 2023/2888"
    ),
    AccessionStage("BGR", date(2025, 1, 1), BorderScope.ALL, "Council Decision (EU) 2024/3212"),
    AccessionStage("ROU", date(2025, 1, 1), BorderScope.ALL, "Council Decision (EU) 2024/3212"),
)

# States that are EU members but do not apply the acquis in full; stays there never count.
OUTSIDE_SCHENGEN: dict[str, str] = {
    "CYP": "Cyprus does not yet apply the Schengen acquis in full (2003 Act of Accession, Art 3(2))",
    "IRL": "Ireland does not take part in the Schengen area (Protocol No 19 to the Treaties)",
}

_APPLIES_FROM: dict[str, AccessionStage] = {}
for _stage in ACCESSION_STAGES:
    _APPLIES_FROM.setdefault(_stage.state, _stage)
# ICAO 9303 writes Germany as D; ISO 3166-1 alpha-3 as DEU. Both name the same state.
_APPLIES_FROM["DEU"] = _APPLIES_FROM["D"]


def acquis_applies_from(state: str) -> AccessionStage | None:
    """The first stage from which `state` applied the acquis, or None if it never has."""
    return _APPLIES_FROM.get(state)


def is_schengen_state(state: str, on: date) -> bool:
    """Whether `state` applied the Schengen acquis, including its short-stay rules, on `on`."""
    stage = _APPLIES_FROM.get(state)
    return stage is not None and stage.since <= on


def schengen_states(on: date, scope: BorderScope = BorderScope.AIR_SEA) -> frozenset[str]:
    """The states that on `on` had lifted internal border checks at least at `scope`.

    With the default scope (air and sea) this is the area in which stays count.
    """
    found: set[str] = set()
    for stage in ACCESSION_STAGES:
        if stage.since <= on and (scope is BorderScope.AIR_SEA or stage.scope is BorderScope.ALL):
            found.add(stage.state)
    return frozenset(found)
