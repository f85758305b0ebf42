"""Transliteration tables for the machine-readable zone (ICAO Doc 9303 Part 3 section 6).

Doc 9303 Part 3 section 6 recommends how states write names in the MRZ's
character set (A-Z and the filler `<`). The tables here follow it:

* Latin: letters with diacritics lose them (É -> E), except the letters 9303
  lists with a multi-letter form; where 9303 allows two forms (Ä -> AE or A,
  Ñ -> N or NXX) limes uses the first of the table below.
* Cyrillic: the 9303 table (Ж -> ZH, Х -> KH, Ц -> TS, Щ -> SHCH, Ю -> IU, ...);
  the soft sign Ь is not written.
* Greek: the letters of the 9303 table (based on ELOT 743), plus the digraphs
  ΓΓ -> NG, ΟΥ -> OU and ΑΥ, ΕΥ, ΗΥ -> AV, EV, IV (AF, EF, IF before a voiceless
  consonant or at the end of a word), unless the Υ carries a dialytika.
* Arabic: NOT the reversible 9303 Arabic table, but a simple letter table of
  common passport practice documented here; short vowels are diacritics and are
  dropped, so the result lacks most vowels.
"""

# The tables hold letters of other scripts that look like Latin ones, on purpose.
# ruff: noqa: RUF001, RUF002, RUF003

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Latin letters whose MRZ form is not the letter without its diacritics.
LATIN: Mapping[str, str] = MappingProxyType(
    {
        "Ä": "AE",
        "Å": "AA",
        "Æ": "AE",
        "Ö": "OE",
        "Ø": "OE",
        "Œ": "OE",
        "Ü": "UE",
        "ß": "SS",
        "ẞ": "SS",
        "Þ": "TH",
        "Ĳ": "IJ",
        "Ð": "D",
        "Đ": "D",
        "Ħ": "H",
        "Ł": "L",
        "Ŀ": "L",
        "Ŧ": "T",
        "Ŋ": "N",
        "ı": "I",
    }
)

# The same letters as plain Latin letters for matching (no diacritics, no AE for Ä).
LATIN_FOLD: Mapping[str, str] = MappingProxyType(
    {
        "Æ": "AE",
        "Ø": "O",
        "Œ": "OE",
        "ß": "SS",
        "ẞ": "SS",
        "Þ": "TH",
        "Ĳ": "IJ",
        "Ð": "D",
        "Đ": "D",
        "Ħ": "H",
        "Ł": "L",
        "Ŀ": "L",
        "Ŧ": "T",
        "Ŋ": "N",
        "ı": "I",
    }
)

CYRILLIC: Mapping[str, str] = MappingProxyType(
    {
        "А": "A",
        "Б": "B",
        "В": "V",
        "Г": "G",
        "Ґ": "G",
        "Ѓ": "G",
        "Д": "D",
        "Ђ": "D",
        "Е": "E",
        "Ё": "E",
        "Є": "IE",
        "Ж": "ZH",
        "З": "Z",
        "Ѕ": "DZ",
        "И": "I",
        "І": "I",
        "Ї": "I",
        "Й": "I",
        "Ј": "J",
        "К": "K",
        "Ќ": "K",
        "Л": "L",
        "Љ": "LJ",
        "М": "M",
        "Н": "N",
        "Њ": "NJ",
        "О": "O",
        "П": "P",
        "Р": "R",
        "С": "S",
        "Т": "T",
        "Ћ": "C",
        "У": "U",
        "Ў": "U",
        "Ф": "F",
        "Х": "KH",
        "Ц": "TS",
        "Ч": "CH",
        "Џ": "DZ",
        "Ш": "SH",
        "Щ": "SHCH",
        "Ъ": "IE",
        "Ы": "Y",
        "Ь": "",
        "Э": "E",
        "Ю": "IU",
        "Я": "IA",
    }
)

GREEK: Mapping[str, str] = MappingProxyType(
    {
        "Α": "A",
        "Β": "V",
        "Γ": "G",
        "Δ": "D",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "I",
        "Θ": "TH",
        "Ι": "I",
        "Κ": "K",
        "Λ": "L",
        "Μ": "M",
        "Ν": "N",
        "Ξ": "X",
        "Ο": "O",
        "Π": "P",
        "Ρ": "R",
        "Σ": "S",
        "Τ": "T",
        "Υ": "Y",
        "Φ": "F",
        "Χ": "CH",
        "Ψ": "PS",
        "Ω": "O",
    }
)

# Vowels that form AV/EV/IV with a following Υ, and the consonants before which
# the Υ of such a digraph is voiceless (F instead of V).
GREEK_U_DIGRAPH: Mapping[str, str] = MappingProxyType({"Α": "A", "Ε": "E", "Η": "I"})
GREEK_VOICELESS = frozenset("ΘΚΞΠΣΤΦΧΨ")

ARABIC: Mapping[str, str] = MappingProxyType(
    {
        "ا": "A",
        "أ": "A",
        "إ": "I",
        "آ": "A",
        "ٱ": "A",
        "ب": "B",
        "ت": "T",
        "ث": "TH",
        "ج": "J",
        "ح": "H",
        "خ": "KH",
        "د": "D",
        "ذ": "DH",
        "ر": "R",
        "ز": "Z",
        "س": "S",
        "ش": "SH",
        "ص": "S",
        "ض": "D",
        "ط": "T",
        "ظ": "Z",
        "ع": "A",
        "غ": "GH",
        "ف": "F",
        "ق": "Q",
        "ك": "K",
        "ل": "L",
        "م": "M",
        "ن": "N",
        "ه": "H",
        "ة": "A",
        "و": "W",
        "ي": "Y",
        "ى": "A",
        "ء": "",
        "ئ": "",
        "ؤ": "",
        "ـ": "",
    }
)

# Characters between name parts: written as the filler `<` in the MRZ (9303 Part 3
# names: spaces and hyphens become fillers) and as a space when normalised.
SEPARATORS = frozenset(" \t-‐‑‒–—,<")
# Characters that are left out (9303 Part 3 names: apostrophes are omitted).
OMITTED = frozenset("'’‘ʼ`´.")
