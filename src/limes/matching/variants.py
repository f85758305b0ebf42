"""Latin spellings of names besides ICAO 9303: the national and ISO tables.

Data for `limes.matching.text.transliterations`: SIS stores several transliterations
of a Cyrillic name, and people's documents and registers were written under older
or national rules; each table says whose rules it follows.
"""

# The tables hold letters of other scripts that look like Latin ones, on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

# Cyrillic variants besides ICAO 9303. Letters not listed fall back to the ICAO
# 9303 table (ICAO Doc 9303 Part 3 section 6, `limes.core.transliteration.CYRILLIC`),
# so Ukrainian, Belarusian, Serbian and Macedonian letters always get a form.
# These are letter tables without the context rules of the full standards (BGN/PCGN
# "ye" at the start of a word, Duden "ss" between vowels), which is enough to
# reproduce how most names were spelt in older passports and national registers.

# BGN/PCGN 1947, also the spelling of Russian passports before 2013 (ю -> yu, й -> y).
CYRILLIC_BGN: Mapping[str, str] = MappingProxyType(
    {
        "е": "e",
        "ё": "yo",
        "ж": "zh",
        "й": "y",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "є": "ye",
        "ї": "yi",
    }
)

# German (Duden) transcription, as in older German and Austrian registers.
CYRILLIC_GERMAN: Mapping[str, str] = MappingProxyType(
    {
        "в": "w",
        "ё": "jo",
        "ж": "sch",
        "з": "s",
        "й": "j",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "ju",
        "я": "ja",
        "є": "je",
        "ї": "ji",
    }
)

# Scholarly transliteration (ISO/R 9:1968, close to ISO 9 and to Czech, Polish and
# Croatian practice): one letter with a diacritic per Cyrillic letter where it can;
# `normalise` folds the diacritics away (щ -> šč -> sc).
CYRILLIC_ISO: Mapping[str, str] = MappingProxyType(
    {
        "ё": "ë",
        "ж": "ž",
        "й": "j",
        "х": "ch",
        "ц": "c",
        "ч": "č",
        "ш": "š",
        "щ": "šč",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "è",
        "ю": "ju",
        "я": "ja",
        "є": "je",
        "ї": "ï",
        "ђ": "đ",
        "ћ": "ć",
        "џ": "dž",
    }
)

# Greek ISO 843 (transliteration, used by SIS for Greek): α -> a ... with the
# diphthongs αυ, ευ, ηυ, ου written au, eu, iu, ou and no assimilation (γγ -> gg),
# unlike ELOT 743 / ICAO 9303 (ευ -> ev, γγ -> ng), which `mrz_name` applies.
GREEK_ISO_843: Mapping[str, str] = MappingProxyType(
    {
        "α": "a",
        "β": "v",
        "γ": "g",
        "δ": "d",
        "ε": "e",
        "ζ": "z",
        "η": "i",
        "θ": "th",
        "ι": "i",
        "κ": "k",
        "λ": "l",
        "μ": "m",
        "ν": "n",
        "ξ": "x",
        "ο": "o",
        "π": "p",
        "ρ": "r",
        "σ": "s",
        "ς": "s",
        "τ": "t",
        "υ": "y",
        "φ": "f",
        "χ": "ch",
        "ψ": "ps",
        "ω": "o",
    }
)
GREEK_DIPHTHONG_FIRST = frozenset("αεηο")
DIALYTIKA = "\N{COMBINING DIAERESIS}"

# Arabic names are transcribed by sound, not transliterated letter by letter, so one
# name has many Latin spellings (ICAO TAG/MRTD/20-WP/17). The ICAO-style letter table
# of `limes.core.transliteration.ARABIC` writes no short vowels ("mhmd"); the common
# spellings of frequent name words below restore them, most frequent first.
ARABIC_SPELLINGS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "محمد": ("muhammad", "mohammed", "mohamed", "mohammad"),
        "احمد": ("ahmad", "ahmed"),
        "محمود": ("mahmoud", "mahmud"),
        "مصطفى": ("mustafa", "moustafa"),
        "علي": ("ali",),
        "عمر": ("omar", "umar"),
        "حسن": ("hasan", "hassan"),
        "حسين": ("husayn", "hussein", "hussain"),
        "عبد": ("abd", "abdel", "abdul"),
        "الله": ("allah",),
        "الرحمن": ("al rahman", "el rahman", "rahman"),
        "يوسف": ("yusuf", "youssef", "yousef"),
        "ابراهيم": ("ibrahim", "ebrahim"),
        "خالد": ("khalid", "khaled"),
        "فاطمة": ("fatima", "fatma"),
        "عائشة": ("aisha", "aicha"),
        "سعيد": ("said", "saeed"),
        "كريم": ("karim", "kareem"),
        "مريم": ("maryam", "mariam"),
        "عثمان": ("uthman", "othman", "osman"),
    }
)
# Letters read as long vowels in the vowelled reading of an unknown word.
ARABIC_LONG_VOWELS: Mapping[str, str] = MappingProxyType({"و": "u", "ي": "i", "ى": "a"})
ARABIC_ALEF = re.compile("[أإآٱ]")

# Korean family names as passports and registers spell them: the conventional
# passport spelling first, then the Revised Romanization of 2000 (Ministry of Culture
# and Tourism; "Gim", "I", "Bak") and McCune-Reischauer ("Pak", "Ch'oe" without the
# apostrophe), which older documents and North Korean names use. A family name has
# few syllables and little else to compare, so one person's Kim and Gim are told
# apart from two people's only by this table. Spellings shared by two family names
# (Yu for 류 and 유) are listed under both.
KOREAN_SURNAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "김": ("kim", "gim"),
        "이": ("lee", "yi", "i", "rhee", "ri"),
        "박": ("park", "bak", "pak", "bahk"),
        "최": ("choi", "choe"),
        "정": ("jung", "jeong", "chung", "chong", "cheong"),
        "강": ("kang", "gang"),
        "조": ("cho", "jo"),
        "윤": ("yoon", "yun"),
        "장": ("jang", "chang"),
        "임": ("lim", "im", "rim", "yim"),
        "오": ("oh", "o"),
        "서": ("seo", "suh", "so"),
        "신": ("shin", "sin"),
        "권": ("kwon", "gwon"),
        "안": ("ahn", "an"),
        "류": ("ryu", "yu", "yoo", "ryoo"),
        "유": ("yoo", "yu"),
        "전": ("jeon", "jun", "chun", "chon"),
        "고": ("ko", "go", "koh"),
        "문": ("moon", "mun"),
        "손": ("son", "sohn"),
        "배": ("bae", "pae"),
        "백": ("baek", "paek", "baik", "paik"),
        "허": ("heo", "huh", "hur"),
        "노": ("noh", "no", "roh", "ro"),
        "심": ("shim", "sim"),
        "곽": ("kwak", "gwak"),
        "성": ("sung", "seong"),
        "주": ("joo", "ju"),
        "우": ("woo", "u"),
        "구": ("koo", "gu", "ku"),
        "나": ("na", "ra"),
        "진": ("jin", "chin"),
        "변": ("byun", "byeon", "pyon"),
        "천": ("cheon", "chun", "chon"),
        "엄": ("eom", "um", "uhm"),
        "공": ("kong", "gong"),
        "현": ("hyun", "hyeon"),
        "염": ("yeom", "yum"),
        "여": ("yeo", "yoh"),
        "석": ("seok", "suk"),
        "선": ("sun", "seon"),
        "설": ("seol", "sul"),
        "길": ("gil", "kil"),
        "명": ("myung", "myeong"),
        "기": ("ki", "gi"),
        "금": ("keum", "geum"),
        "경": ("kyung", "gyeong", "kyeong"),
        "국": ("kook", "guk"),
        "편": ("pyun", "pyeon"),
        "도": ("do", "doh"),
        "육": ("yook", "yuk"),
        "남궁": ("namgoong", "namgung"),
        "선우": ("sunwoo", "seonu"),
    }
)
