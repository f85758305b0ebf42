"""A deterministic generator of SYNTHETIC travellers: no real person's data.

Each traveller has a name in the script of their country (Latin, Cyrillic, Arabic,
Japanese kanji, Chinese characters or Hangul), the Latin form printed in the
passport, a nationality consistent with the name, sex, date of birth, and a passport
whose ICAO Doc 9303 TD3 machine-readable zone is valid. The same seed and key give
the same traveller in every process, so `population(200, ...)` begins with the
travellers of `population(30, ...)`.

Names come from Faker locales. Where `limes.core.identity.mrz_name` can write the
script (Latin, Cyrillic, Greek, Arabic) the passport form is the name as entered;
where it cannot:

* ja_JP: Faker's own (kanji, kana, romaji) pairs give the romanised form;
* ko_KR: Hangul is romanised here (Revised Romanization, with the conventional
  spellings of common family names such as KIM, LEE and PARK);
* zh_CN: Faker's hanzi names come without pinyin, so the names are drawn from a
  small table of common Chinese names with their pinyin (those Faker's own
  romanised lists cite);
* fa_IR: Persian yeh and keheh are written as their Arabic forms; a name with a
  letter the Arabic table lacks (gaf, pe, che, zhe) is drawn again;
* hi_IN and th_TH give Devanagari and Thai script with no romanisation, so India
  and Thailand use the Latin-script locales en_IN and en_TH (as their passports
  print); he_IL (Hebrew, no romanisation), ka_GE and hy_AM are not used, nor el_GR,
  whose people are EU citizens and so not in the EES.

Visa requirements follow Reg. (EU) 2018/1806 as `limes.core.visa_lists` holds it
(`VISA_REGIMES` is its view for the nationalities drawn): Annex I lists the third
countries whose nationals need a visa, Annex II those exempt.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType

from faker import Faker

from limes.core.documents import MrzFields, MrzFormat, Sex, build_mrz
from limes.core.errors import InvalidRequest
from limes.core.identity import mrz_name
from limes.core.visa_lists import LISTS_AS_OF, Annex, visa_requirement
from limes.ees.schemas import synthetic_person_key

__all__ = [
    "ORIGINS",
    "VISA_REGIMES",
    "AgeBand",
    "Annex",
    "Origin",
    "PopulationGenerator",
    "Script",
    "Traveller",
    "VisaRegime",
    "origin_of",
    "population",
    "visa_required",
]


@dataclass(frozen=True, slots=True)
class VisaRegime:
    """Whether a third country's nationals need a short-stay visa, and on what basis."""

    nationality: str
    annex: Annex
    basis: str


def _regime(nationality: str) -> VisaRegime:
    listing = visa_requirement(nationality, LISTS_AS_OF)
    if listing is None:
        raise KeyError(nationality)
    return VisaRegime(nationality, listing.annex, listing.citation)


def visa_required(nationality: str, on: date = LISTS_AS_OF) -> bool:
    """Whether nationals of `nationality` need a short-stay visa (Reg. (EU) 2018/1806 Art 3-4).

    The simulator reads the same lists as the EES and ETIAS (`limes.core.visa_lists`).

    Raises:
        KeyError: the nationality is in neither annex on `on`.
    """
    listing = visa_requirement(nationality, on)
    if listing is None:
        raise KeyError(nationality)
    return listing.visa_required


class Script(StrEnum):
    """The script a traveller's name is entered in."""

    LATIN = "Latin"
    CYRILLIC = "Cyrillic"
    ARABIC = "Arabic"
    KANJI = "Japanese kanji"
    HAN = "Chinese characters"
    HANGUL = "Hangul"


@dataclass(frozen=True, slots=True)
class Origin:
    """A Faker locale and the nationality its names stand for.

    `passport` shapes the synthetic passport number: `@` a letter, `#` a digit, any
    other character itself.
    """

    locale: str
    nationality: str
    script: Script
    weight: int
    passport: str = "@@#######"
    gendered_surnames: bool = False  # Faker has female and male forms of surnames


ORIGINS: tuple[Origin, ...] = (
    Origin("en_US", "USA", Script.LATIN, 14, "#########"),
    Origin("en_GB", "GBR", Script.LATIN, 12, "#########"),
    Origin("fr_CA", "CAN", Script.LATIN, 3, "@@######"),
    Origin("en_NZ", "NZL", Script.LATIN, 2, "@@######"),
    Origin("ja_JP", "JPN", Script.KANJI, 6, "@@#######"),
    Origin("ko_KR", "KOR", Script.HANGUL, 5, "M########"),
    Origin("pt_BR", "BRA", Script.LATIN, 5, "@@######"),
    Origin("es_MX", "MEX", Script.LATIN, 4, "@########"),
    Origin("es_AR", "ARG", Script.LATIN, 2, "@@@######"),
    Origin("es_CO", "COL", Script.LATIN, 2, "@@#######"),
    Origin("uk_UA", "UKR", Script.CYRILLIC, 6, "@@######", gendered_surnames=True),
    Origin("ar_AA", "ARE", Script.ARABIC, 2, "@########"),
    Origin("en_IN", "IND", Script.LATIN, 8, "@#######"),
    Origin("zh_CN", "CHN", Script.HAN, 7, "E########"),
    Origin("ru_RU", "RUS", Script.CYRILLIC, 4, "7########", gendered_surnames=True),
    Origin("tr_TR", "TUR", Script.LATIN, 6, "U########"),
    # Faker's ar_EG has no names of its own (it gives English ones): generic Arabic.
    Origin("ar_AA", "EGY", Script.ARABIC, 3, "A########"),
    Origin("ar_SA", "SAU", Script.ARABIC, 2, "@#######"),
    Origin("ar_DZ", "DZA", Script.ARABIC, 2, "#########"),
    Origin("fa_IR", "IRN", Script.ARABIC, 2, "@########"),
    Origin("en_TH", "THA", Script.LATIN, 3, "@@#######"),
    Origin("vi_VN", "VNM", Script.LATIN, 2, "@########"),
    Origin("id_ID", "IDN", Script.LATIN, 2, "@#######"),
    Origin("uz_UZ", "UZB", Script.LATIN, 1, "@@#######"),
)


# The visa regime of every nationality the synthetic population draws from, read from
# the legal lists of `limes.core.visa_lists`.
VISA_REGIMES: Mapping[str, VisaRegime] = MappingProxyType(
    {origin.nationality: _regime(origin.nationality) for origin in ORIGINS}
)


def origin_of(nationality: str) -> Origin:
    """The first origin of a nationality.

    Raises:
        KeyError: no origin has that nationality.
    """
    for origin in ORIGINS:
        if origin.nationality == nationality:
            return origin
    raise KeyError(nationality)


class AgeBand(StrEnum):
    """Age groups that matter to the EES: children under 12 give no fingerprints (Art 17(3))."""

    CHILD = "child"  # 0-11
    TEEN = "teen"  # 12-17
    ADULT = "adult"  # 18-79


_AGE_BANDS: tuple[tuple[AgeBand, int, int, int], ...] = (
    (AgeBand.CHILD, 7, 0, 11),
    (AgeBand.TEEN, 5, 12, 17),
    (AgeBand.ADULT, 88, 18, 79),
)


@dataclass(frozen=True, slots=True)
class Traveller:
    """A SYNTHETIC traveller and their passport.

    `surname` and `given_names` are as entered, in the original script;
    `document_surname` and `document_given_names` are what the passport's MRZ is
    written from (the same text where `mrz_name` can write the script, else the
    romanised form).
    """

    key: str
    surname: str
    given_names: str
    document_surname: str
    document_given_names: str
    script: Script
    locale: str
    nationality: str
    sex: Sex
    birth_date: date
    document_number: str
    issued_on: date
    expiry_date: date

    @property
    def person_key(self) -> str:
        """The key of the traveller's synthetic biometrics, as the border desk makes it."""
        return synthetic_person_key(self.nationality, self.document_number)

    @property
    def visa_required(self) -> bool:
        """Whether the traveller needs a short-stay visa (Reg. (EU) 2018/1806)."""
        return visa_required(self.nationality)

    @property
    def mrz_surname(self) -> str:
        """The surname in MRZ form."""
        return mrz_name(self.document_surname, field="surname")

    @property
    def mrz_given_names(self) -> str:
        """The given names in MRZ form."""
        return mrz_name(self.document_given_names, field="given_names")

    @property
    def name(self) -> str:
        """The name as entered: surname first, then given names."""
        return f"{self.surname} {self.given_names}"

    @property
    def latin_name(self) -> str:
        """The name as the MRZ writes it, `<` read as spaces."""
        return f"{self.mrz_surname} {self.mrz_given_names}".replace("<", " ")

    def age_on(self, day: date) -> int:
        """Age in whole years on `day`."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)

    def mrz(self) -> str:
        """The passport's ICAO Doc 9303 TD3 machine-readable zone, lines joined by a newline."""
        fields = MrzFields(
            document_code="P",
            issuing_state=self.nationality,
            surname=self.document_surname,
            given_names=self.document_given_names,
            document_number=self.document_number,
            nationality=self.nationality,
            birth_date=self.birth_date,
            sex=self.sex,
            expiry_date=self.expiry_date,
        )
        return build_mrz(fields, MrzFormat.TD3)


# -- names in scripts `mrz_name` cannot write -------------------------------------

# Common Chinese names with their pinyin: the surnames lead the lists of common
# surnames; the given names are those Faker's zh_CN romanised list cites.
_CHINESE_SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo"),
    ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"),
)  # fmt: skip
_CHINESE_GIVEN_FEMALE: tuple[tuple[str, str], ...] = (
    ("芳", "Fang"), ("娜", "Na"), ("秀英", "Xiuying"), ("敏", "Min"), ("静", "Jing"),
    ("丽", "Li"), ("秀兰", "Xiulan"), ("霞", "Xia"), ("娟", "Juan"), ("艳", "Yan"),
    ("桂英", "Guiying"),
)  # fmt: skip
_CHINESE_GIVEN_MALE: tuple[tuple[str, str], ...] = (
    ("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"),
    ("勇", "Yong"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"),
    ("刚", "Gang"), ("平", "Ping"),
)  # fmt: skip

# Revised Romanization of Korean (2000), syllable by syllable.
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_HANGUL_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
)  # fmt: skip
_HANGUL_MEDIALS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
_HANGUL_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
# The spellings Korean passports conventionally use for common family names.
_KOREAN_SURNAMES: Mapping[str, str] = MappingProxyType(
    {
        "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "강": "Kang",
        "조": "Cho", "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh",
        "서": "Seo", "신": "Shin", "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song",
        "류": "Ryu", "유": "Yoo", "홍": "Hong", "전": "Jeon", "고": "Ko", "문": "Moon",
        "양": "Yang", "손": "Son", "배": "Bae", "백": "Baek", "허": "Heo", "노": "Noh",
        "남": "Nam", "심": "Shim", "하": "Ha", "곽": "Kwak", "성": "Sung", "차": "Cha",
        "주": "Joo", "우": "Woo", "구": "Koo", "민": "Min", "진": "Jin", "나": "Na",
    }
)  # fmt: skip


def romanise_korean(text: str) -> str:
    """Hangul in the Revised Romanization, syllable by syllable; other characters kept.

    Sound changes across syllables are not applied, as passports usually spell
    given names syllable by syllable.
    """
    out: list[str] = []
    for char in text:
        code = ord(char)
        if not _HANGUL_FIRST <= code <= _HANGUL_LAST:
            out.append(char)
            continue
        index = code - _HANGUL_FIRST
        out.append(
            _HANGUL_INITIALS[index // 588]
            + _HANGUL_MEDIALS[(index % 588) // 28]
            + _HANGUL_FINALS[index % 28]
        )
    return "".join(out).capitalize()


# Persian letters that are Arabic letters in another form (Unicode keeps both).
_PERSIAN_AS_ARABIC = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643"})
_NAME_ATTEMPTS = 200


def _writable(text: str) -> bool:
    try:
        mrz_name(text)
    except InvalidRequest:
        return False
    return True


# -- the generator ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Names:
    surname: str
    given_names: str
    document_surname: str
    document_given_names: str


def _pick(rng: random.Random, table: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    return table[rng.randrange(len(table))]


def _document_number(pattern: str, rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    out = []
    for char in pattern:
        if char == "@":
            out.append(rng.choice(letters))
        elif char == "#":
            out.append(str(rng.randrange(10)))
        else:
            out.append(char)
    return "".join(out)


@dataclass
class PopulationGenerator:
    """Makes SYNTHETIC travellers; the same seed and key always give the same traveller.

    `today` anchors ages and passport validity. Document numbers are unique within
    one generator.
    """

    seed: int
    today: date
    _fakers: dict[str, Faker] = field(default_factory=dict, init=False, repr=False)
    _numbers: set[tuple[str, str]] = field(default_factory=set, init=False, repr=False)

    @cached_property
    def _weights(self) -> list[int]:
        return [o.weight for o in ORIGINS]

    def traveller(
        self, key: str, origin: Origin | None = None, band: AgeBand | None = None
    ) -> Traveller:
        """The traveller of `key`, optionally of a given origin and age band."""
        rng = random.Random(f"limes.sim.population:{self.seed}:{key}")  # noqa: S311 - synthetic data
        drawn = rng.choices(ORIGINS, self._weights)[0]
        origin = origin or drawn
        sex = rng.choice((Sex.FEMALE, Sex.MALE))
        names = self._names(origin, sex, rng.getrandbits(63))
        birth_date = self._birth_date(rng, band)
        number = _document_number(origin.passport, rng)
        while (origin.nationality, number) in self._numbers:
            number = _document_number(origin.passport, rng)
        self._numbers.add((origin.nationality, number))
        issued_on, expiry_date = self._passport_dates(rng, birth_date)
        return Traveller(
            key=key,
            surname=names.surname,
            given_names=names.given_names,
            document_surname=names.document_surname,
            document_given_names=names.document_given_names,
            script=origin.script,
            locale=origin.locale,
            nationality=origin.nationality,
            sex=sex,
            birth_date=birth_date,
            document_number=number,
            issued_on=issued_on,
            expiry_date=expiry_date,
        )

    def travellers(self, count: int, *, prefix: str = "t") -> list[Traveller]:
        """`count` travellers with the keys `t0`, `t1`, ..."""
        return [self.traveller(f"{prefix}{i}") for i in range(count)]

    def _faker(self, locale: str, seed: int) -> Faker:
        faker = self._fakers.get(locale)
        if faker is None:
            faker = self._fakers[locale] = Faker(locale)
        faker.seed_instance(seed)
        return faker

    def _names(self, origin: Origin, sex: Sex, seed: int) -> _Names:
        female = sex is Sex.FEMALE
        if origin.script is Script.HAN:
            rng = random.Random(seed)  # noqa: S311 - synthetic data
            surname, pinyin = _pick(rng, _CHINESE_SURNAMES)
            given, given_pinyin = _pick(
                rng, _CHINESE_GIVEN_FEMALE if female else _CHINESE_GIVEN_MALE
            )
            return _Names(surname, given, pinyin, given_pinyin)
        faker = self._faker(origin.locale, seed)
        if origin.script is Script.KANJI:
            surname, _, romaji = faker.last_name_pair()
            pair = faker.first_name_female_pair() if female else faker.first_name_male_pair()
            return _Names(surname, pair[0], romaji, pair[2])
        if origin.script is Script.HANGUL:
            surname = faker.last_name()
            given = faker.first_name_female() if female else faker.first_name_male()
            latin = _KOREAN_SURNAMES.get(surname) or romanise_korean(surname)
            return _Names(surname, given, latin, romanise_korean(given))
        draw = _drawer(faker, origin, female)
        for _ in range(_NAME_ATTEMPTS):
            surname, given = draw()
            document = surname.translate(_PERSIAN_AS_ARABIC), given.translate(_PERSIAN_AS_ARABIC)
            if _writable(document[0]) and _writable(document[1]):
                return _Names(surname, given, *document)
        # Not reached with the locales of ORIGINS; a Latin name keeps the generator total.
        fallback = self._faker("en_US", seed)
        surname, given = fallback.last_name(), fallback.first_name()
        return _Names(surname, given, surname, given)

    def _birth_date(self, rng: random.Random, band: AgeBand | None) -> date:
        bands = [b for b in _AGE_BANDS if band is None or b[0] is band]
        _, _, youngest, oldest = rng.choices(bands, [b[1] for b in bands])[0]
        if oldest >= 18:  # adults: most between 25 and 60
            age = round(rng.triangular(youngest, oldest, 40))
        else:
            age = rng.randint(youngest, oldest)
        days = int(age * 365.25) + rng.randrange(365)
        return self.today - timedelta(days=max(days, 60))

    def _passport_dates(self, rng: random.Random, birth_date: date) -> tuple[date, date]:
        """Issued at most a validity minus six months ago: valid for six months at least."""
        adult = self.today.year - birth_date.year >= 18
        years = 10 if adult and rng.random() < 0.8 else 5
        validity = int(years * 365.25)
        issued_on = max(self.today - timedelta(days=rng.randrange(validity - 183)), birth_date)
        expiry = _add_years(issued_on, years) - timedelta(days=1)
        return issued_on, expiry


def _drawer(faker: Faker, origin: Origin, female: bool) -> Callable[[], tuple[str, str]]:
    def draw() -> tuple[str, str]:
        if origin.gendered_surnames:
            surname = faker.last_name_female() if female else faker.last_name_male()
        else:
            surname = faker.last_name()
        given = faker.first_name_female() if female else faker.first_name_male()
        return str(surname), str(given)

    return draw


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def population(count: int, *, seed: int, today: date) -> list[Traveller]:
    """`count` SYNTHETIC travellers; the same arguments always give the same people."""
    return PopulationGenerator(seed, today).travellers(count)
