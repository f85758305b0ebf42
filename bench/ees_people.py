"""The synthetic travellers of the EES benchmark, the same in the fill and in the load.

Traveller `i` of the pre-filled population carries passport number `L` + eight
digits; new travellers of a load run carry `N` + run number + sequence. Everything
else follows from the index (nationality, sex, visa) and the document number (name,
birth date), so the load process rebuilds the exact MRZ of a stored file without
reading the database.
One traveller in five is a visa holder (face only; fingers are in the VIS); the
others are visa-exempt (face and four fingers, EES Art 17(1)(c)).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from faker import Faker

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import RIGHT_HAND, BiometricTemplate, Modality
from limes.core.documents import MrzFields, MrzFormat, Sex, build_mrz
from limes.core.identity import Name, mrz_name

SEED = 2026
EXEMPT = ("USA", "GBR", "CAN", "JPN", "AUS", "BRA", "KOR", "MEX", "ISR", "ARG", "NZL", "SGP")
VISA_REQUIRED = ("IND", "CHN", "TUR", "ZAF", "EGY", "IDN", "PHL", "VNM", "MAR", "NGA")
FACE_AND_FINGERS: tuple[Modality, ...] = (Modality.FACE, *RIGHT_HAND)
FACE_ONLY: tuple[Modality, ...] = (Modality.FACE,)


@dataclass(frozen=True, slots=True)
class Person:
    """One synthetic traveller and his or her passport."""

    number: str
    nationality: str
    surname: str
    given_names: str
    birth_date: date
    sex: str  # "M" or "F", as the MRZ has it
    expiry: date
    visa_holder: bool

    @property
    def key(self) -> str:
        """The person key of the synthetic biometrics (as the API's synthetic capture)."""
        return f"{self.nationality}:{self.number}"

    @property
    def modalities(self) -> tuple[Modality, ...]:
        """What the desk captures: the face, and four fingers if visa-exempt."""
        return FACE_ONLY if self.visa_holder else FACE_AND_FINGERS

    def mrz(self) -> str:
        """The two TD3 lines, joined by a newline."""
        fields = MrzFields(
            document_code="P",
            issuing_state=self.nationality,
            surname=self.surname,
            given_names=self.given_names,
            document_number=self.number,
            nationality=self.nationality,
            birth_date=self.birth_date,
            sex=Sex(self.sex),
            expiry_date=self.expiry,
        )
        return build_mrz(fields, MrzFormat.TD3)


# Names as varied as real traffic's: about 5,000 surnames and 4,700 given names from
# two dozen locales (Faker, seeded), so that two travellers share a name and a birth
# date about as rarely as they do at a real border. The identity search of EES Art 23
# and 27 reads the files that share one; a population of a few dozen names would make
# every new traveller a namesake of stored ones and measure a case no border sees.
_LOCALES = (
    "en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "es_MX", "it_IT", "pt_BR",
    "pl_PL", "tr_TR", "nl_NL", "sv_SE", "cs_CZ", "hu_HU", "ro_RO", "id_ID",
    "en_IN", "fil_PH", "vi_VN", "en_NZ", "en_AU", "fi_FI", "da_DK", "hr_HR",
)  # fmt: skip
_NAMES_PER_LOCALE = 600
_BIRTH_DAYS = (date(2008, 12, 31) - date(1940, 1, 1)).days


@lru_cache(maxsize=1)
def name_pools() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The surnames, women's and men's given names the travellers are drawn from."""
    surnames: set[str] = set()
    women: set[str] = set()
    men: set[str] = set()
    for locale in _LOCALES:
        faker = Faker(locale)
        faker.seed_instance(SEED)
        for _ in range(_NAMES_PER_LOCALE):
            surnames.add(mrz_name(faker.last_name()).replace("<", " "))
            women.add(mrz_name(faker.first_name_female()).replace("<", " "))
            men.add(mrz_name(faker.first_name_male()).replace("<", " "))
    return tuple(sorted(surnames)), tuple(sorted(women)), tuple(sorted(men))


def _draw(number: str) -> int:
    # The document number, not the index, decides the name and birth date: new
    # traveller j is not a namesake of stored traveller j.
    return int.from_bytes(hashlib.blake2b(number.encode(), digest_size=8).digest(), "big")


def _person(number: str, i: int) -> Person:
    visa_holder = i % 5 == 0
    pool = VISA_REQUIRED if visa_holder else EXEMPT
    surnames, women, men = name_pools()
    given_names = women if i % 2 else men
    drawn = _draw(number)
    return Person(
        number=number,
        nationality=pool[(i // 5) % len(pool)],
        surname=surnames[drawn % len(surnames)],
        given_names=given_names[(drawn >> 16) % len(given_names)],
        birth_date=date(1940, 1, 1) + timedelta(days=(drawn >> 32) % _BIRTH_DAYS),
        sex="F" if i % 2 else "M",
        expiry=date(2029 + i % 7, 1 + (i // 13) % 12, 1 + i % 28),
        visa_holder=visa_holder,
    )


def stored(i: int) -> Person:
    """Pre-filled traveller `i` (0 <= i < 100,000,000)."""
    return _person(f"L{i:08d}", i)


def new(run: int, j: int) -> Person:
    """New traveller `j` (< 100,000) of load run `run` (< 1,000): no file yet."""
    if not (0 <= run < 1000 and 0 <= j < 100_000):
        raise ValueError("run < 1000 and j < 100,000 keep the document number at 9 characters")
    return _person(f"N{run:03d}{j:05d}", j)


@lru_cache(maxsize=256)
def name(text: str) -> Name:
    """The three forms of a name (original, MRZ, normalised), as the CIR stores them."""
    return Name.of(text)


class Captures:
    """The desk's synthetic capture device (seed 2026, as the API's synthetic capture)."""

    def __init__(self) -> None:
        self._device = SyntheticBiometrics(seed=SEED)

    def of(self, person: Person) -> tuple[BiometricTemplate, ...]:
        """A fresh noisy capture of the person: it matches the person's stored templates."""
        return self._device.capture_set(person.key, person.modalities)


def visa_window(today: date) -> tuple[date, date]:
    """A multiple-entry visa valid from two months ago for six months."""
    return today - timedelta(days=60), today + timedelta(days=120)
