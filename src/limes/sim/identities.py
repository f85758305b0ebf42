"""A SYNTHETIC evaluation set for identity matching: no real person's data.

People come from `limes.sim.population` (names in Latin, Cyrillic and Arabic script
as entered; Japanese, Chinese and Korean names in their passport romanisation,
which the matcher compares). Each person is recorded one to four times, each time
in a different system, and every record but the first carries one kind of
variation that border and visa officials report (peers.md 4.3): another
transliteration, a typo, swapped or abbreviated names, a partial, placeholder or
day-month-swapped date of birth, no date of birth at all or one a year off, or a
renewed passport. A missing or year-off date of birth takes away the year a record
shares with the others, so that what blocking on the year misses is measured too.
Extra people make the negatives that matter: an impostor recorded with someone
else's passport, and a namesake born the same year.
"""

from __future__ import annotations

import itertools
import json
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from limes.core.identity import mrz_name
from limes.core.transliteration import CYRILLIC
from limes.matching import variants
from limes.matching.identity import IdentityRecord
from limes.sim.population import PopulationGenerator, Script, Traveller, origin_of, romanise_korean

__all__ = ["SYSTEMS", "EvaluationRecord", "EvaluationSet", "Variation", "evaluation_set"]

SYSTEMS = ("ees", "vis", "etias", "eurodac")
_TODAY = date(2026, 11, 23)  # a fixed day: the set must not change with the calendar
_RECORDS_PER_PERSON = ((1, 25), (2, 35), (3, 25), (4, 15))  # (count, weight)
_IMPOSTOR_SHARE = 0.06
_NAMESAKE_SHARE = 0.06


class Variation(StrEnum):
    """How a record differs from the person's true identity."""

    EXACT = "exact"
    TRANSLITERATION = "transliteration"
    TYPO = "typo"
    SWAPPED = "swapped"
    INITIALS = "initials"
    DOB_PARTIAL = "dob_partial"
    DOB_PLACEHOLDER = "dob_placeholder"
    DOB_SWAPPED = "dob_swapped"
    # No date of birth recorded (unknown, or not given to an asylum authority).
    DOB_MISSING = "dob_missing"
    # The same day and month a year off: a slip in the year's last digit, or a year
    # worked out from an age.
    DOB_YEAR_OFF = "dob_year_off"
    RENEWED_PASSPORT = "renewed_passport"
    # Negatives: a different person who shares this person's passport or name.
    SHARED_PASSPORT = "shared_passport"
    HARD_NEGATIVE = "hard_negative"


# The variations of a second or later record of the same person, equally likely.
_PERSON_VARIATIONS = tuple(
    v for v in Variation if v not in (Variation.SHARED_PASSPORT, Variation.HARD_NEGATIVE)
)
_IDENTITY_FIELDS = (
    "surname",
    "given_names",
    "dob",
    "sex",
    "nationality",
    "doc_number",
    "doc_country",
)


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    """One SYNTHETIC record in one system, with the ground truth of whom it records."""

    record_id: str
    system: str
    person_id: str
    variation: Variation
    surname: str
    given_names: str
    dob: str | None
    sex: str | None
    nationality: str | None
    doc_number: str | None
    doc_country: str | None

    def identity_json(self) -> dict[str, str | None]:
        """The identity fields as `IdentityRecord.from_json` reads them."""
        return {name: getattr(self, name) for name in _IDENTITY_FIELDS}

    def identity(self) -> IdentityRecord:
        """The identity as the matcher takes it."""
        return IdentityRecord.from_json(self.identity_json(), field=self.record_id)

    def to_json(self) -> dict[str, str | None]:
        """The record as one JSON object: a line of `limes mid detect` input plus the truth."""
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, str | None]) -> EvaluationRecord:
        """A record from `to_json` output."""
        return cls(**{**value, "variation": Variation(str(value["variation"]))})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class EvaluationSet:
    """SYNTHETIC records with the ground truth of whom each records."""

    records: tuple[EvaluationRecord, ...]

    def true_pairs(self) -> frozenset[tuple[str, str]]:
        """Every pair of record ids (in sorted order) that record the same person."""
        by_person: dict[str, list[str]] = defaultdict(list)
        for record in self.records:
            by_person[record.person_id].append(record.record_id)
        return frozenset(
            (a, b) if a < b else (b, a)
            for ids in by_person.values()
            for a, b in itertools.combinations(ids, 2)
        )

    def to_jsonl(self) -> str:
        """One JSON object per line, in record order."""
        return "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in self.records)

    @classmethod
    def from_jsonl(cls, text: str) -> EvaluationSet:
        """A set from `to_jsonl` output; blank lines are skipped."""
        lines = (line for line in text.splitlines() if line.strip())
        return cls(tuple(EvaluationRecord.from_json(json.loads(line)) for line in lines))

    def write(self, path: Path) -> None:
        """Write the set as JSON lines (UTF-8)."""
        path.write_text(self.to_jsonl(), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> EvaluationSet:
        """Read a set written by `write`."""
        return cls.from_jsonl(path.read_text(encoding="utf-8"))


def evaluation_set(people: int, seed: int) -> EvaluationSet:
    """`people` SYNTHETIC people recorded 1-4 times each, plus impostors and namesakes.

    The same arguments always give the same set; record ids are numbered after a
    shuffle so that their order says nothing about who is whom.
    """
    generator = PopulationGenerator(seed, _TODAY)
    rng = random.Random(f"limes.sim.identities:{seed}")  # noqa: S311 - synthetic data
    records: list[EvaluationRecord] = []
    for i in range(people):
        person = generator.traveller(f"p{i}")
        truth = _recorded(person, rng.choice(SYSTEMS))
        count = rng.choices(*zip(*_RECORDS_PER_PERSON, strict=True))[0]
        systems = rng.sample(SYSTEMS, count)
        records.append(replace(truth, system=systems[0]))
        records.extend(_vary(truth, system, person, generator, rng) for system in systems[1:])
        if rng.random() < _IMPOSTOR_SHARE:
            impostor = _recorded(generator.traveller(f"{person.key}-impostor"), rng.choice(SYSTEMS))
            records.append(
                replace(
                    impostor,
                    variation=Variation.SHARED_PASSPORT,
                    nationality=truth.nationality,
                    doc_number=truth.doc_number,
                    doc_country=truth.doc_country,
                )
            )
        if rng.random() < _NAMESAKE_SHARE:
            origin = origin_of(person.nationality)
            other = _recorded(generator.traveller(f"{person.key}-namesake", origin), truth.system)
            records.append(
                replace(
                    truth,
                    system=rng.choice(SYSTEMS),
                    person_id=other.person_id,
                    variation=Variation.HARD_NEGATIVE,
                    dob=_other_day_of_year(person.birth_date, rng).isoformat(),
                    doc_number=other.doc_number,
                )
            )
    rng.shuffle(records)
    return EvaluationSet(
        tuple(replace(r, record_id=f"r{n:06d}") for n, r in enumerate(records, start=1))
    )


def _recorded(person: Traveller, system: str) -> EvaluationRecord:
    """The person recorded as their passport says, before ids are given."""
    # Names the matcher can read: as entered where ICAO 9303 writes the script,
    # else the passport's romanisation.
    return EvaluationRecord(
        record_id="",
        system=system,
        person_id=person.key,
        variation=Variation.EXACT,
        surname=person.document_surname,
        given_names=person.document_given_names,
        dob=person.birth_date.isoformat(),
        sex=person.sex.value,
        nationality=person.nationality,
        doc_number=person.document_number,
        doc_country=person.nationality,
    )


def _vary(
    truth: EvaluationRecord,
    system: str,
    person: Traveller,
    generator: PopulationGenerator,
    rng: random.Random,
) -> EvaluationRecord:
    """The person recorded in `system` with a variation that applies to them."""
    while True:
        variation = rng.choice(_PERSON_VARIATIONS)
        recorded = replace(truth, system=system, variation=variation)
        names = _names_varied(variation, truth, person, rng)
        if names is not None:
            return replace(truth, system=system, variation=variation, **names)
        dob = _dates_varied(variation, person.birth_date, rng)
        if dob is not None:
            return replace(recorded, dob=dob["dob"])
        if variation is Variation.RENEWED_PASSPORT:
            # A traveller drawn only for a number unique within the generator.
            renewed = generator.traveller(f"{person.key}-renewed", origin_of(person.nationality))
            return replace(recorded, doc_number=renewed.document_number)
        if variation is Variation.EXACT:
            return recorded


def _names_varied(
    variation: Variation, truth: EvaluationRecord, person: Traveller, rng: random.Random
) -> dict[str, str] | None:
    """The changed name fields, or None where the variation is not one of names."""
    surname, given = truth.surname, truth.given_names
    if variation is Variation.TRANSLITERATION:
        spelt = _transliterate(person, rng)
        return None if spelt is None else {"surname": spelt[0], "given_names": spelt[1]}
    if variation is Variation.TYPO:
        if rng.random() < 0.6:
            return {"surname": _typo(surname, rng)}
        return {"given_names": _typo(given, rng)}
    if variation is Variation.SWAPPED:
        return {"surname": given, "given_names": surname}
    if variation is Variation.INITIALS:
        return {"given_names": " ".join(f"{part[0]}." for part in given.split())}
    return None


def _dates_varied(
    variation: Variation, born: date, rng: random.Random
) -> dict[str, str | None] | None:
    """The changed date of birth, or None where the variation does not apply to it."""
    if variation is Variation.DOB_MISSING:
        return {"dob": None}
    if variation is Variation.DOB_YEAR_OFF and (born.month, born.day) != (2, 29):
        year = born.year + rng.choice((-1, 1))
        if year < _TODAY.year:
            return {"dob": born.replace(year=year).isoformat()}
    if variation is Variation.DOB_PARTIAL:
        return {"dob": born.isoformat()[: rng.choice((4, 7))]}  # year, or year and month
    if variation is Variation.DOB_PLACEHOLDER and (born.month, born.day) != (1, 1):
        return {"dob": f"{born.year:04d}-01-01"}
    if variation is Variation.DOB_SWAPPED and born.day <= 12 and born.day != born.month:
        # Only a day that can be read as a month makes the swap.
        return {"dob": f"{born.year:04d}-{born.day:02d}-{born.month:02d}"}
    return None


def _transliterate(person: Traveller, rng: random.Random) -> tuple[str, str] | None:
    """The names as recorded under other spelling rules, if there are any for them."""
    surname, given = person.document_surname, person.document_given_names
    if person.script is Script.CYRILLIC and rng.random() < 0.5:
        # An older passport or a national register: BGN/PCGN or German spelling.
        table = rng.choice((variants.CYRILLIC_BGN, variants.CYRILLIC_GERMAN))
        return _cyrillic(surname, table), _cyrillic(given, table)
    if person.script is Script.HANGUL:
        # The Revised Romanization of the family name instead of its conventional
        # passport spelling (Gim for Kim, I for Lee).
        spelt = romanise_korean(person.surname)
        return (spelt, given) if spelt != surname else None
    icao = _icao(surname), _icao(given)
    if icao != (surname, given):
        return icao  # ICAO 9303 Latin for an original script or letters with marks
    national = _national_spelling(surname)
    return None if national is None else (national, given)


def _cyrillic(name: str, table: Mapping[str, str]) -> str:
    # Letters the national table does not list are spelt as ICAO 9303 spells them.
    return "".join(table.get(c, CYRILLIC.get(c.upper(), c).lower()) for c in name.lower()).title()


def _icao(name: str) -> str:
    latin = mrz_name(name).replace("<", " ").title()
    return name if latin.casefold() == name.casefold() else latin


# Spellings of the same sounds that registers of different countries use (Philipp
# and Filip, Schmidt and Shmidt, Wolf and Volf), tried in this order.
_SPELLINGS = (
    ("ph", "f"), ("ck", "k"), ("sch", "sh"), ("th", "t"), ("ll", "l"), ("ss", "s"), ("tt", "t"),
    ("ou", "u"), ("y", "i"), ("w", "v"),
)  # fmt: skip


def _national_spelling(name: str) -> str | None:
    lower = name.lower()
    for old, new in _SPELLINGS:
        at = lower.find(old)
        if at >= 0:
            return (lower[:at] + new + lower[at + len(old) :]).title()
    return None


def _typo(name: str, rng: random.Random) -> str:
    """One letter inserted, deleted or substituted, with a letter of the name's own script."""
    letters = [c for c in name if c.isalpha()]
    positions = [i for i, c in enumerate(name) if c.isalpha()]
    while True:
        at = rng.choice(positions)
        # The typed letter takes the case of the one it displaces.
        letter = rng.choice(letters)
        letter = letter.upper() if name[at].isupper() else letter.lower()
        edit = rng.choice(("insert", "delete", "substitute"))
        if edit == "insert":
            typed = name[:at] + letter + (name[at:].lower() if at == 0 else name[at:])
        elif edit == "delete" and len(letters) > 2:
            typed = name[:at] + name[at + 1 :]
        else:
            typed = name[:at] + letter + name[at + 1 :]
        if typed.casefold() != name.casefold() and typed.strip():
            return typed


def _other_day_of_year(born: date, rng: random.Random) -> date:
    """Another day of the same year: a namesake born the same year, not the same day."""
    while True:
        day = date(born.year, rng.randint(1, 12), rng.randint(1, 28))
        if day != born:
            return day
