"""The CIR's search by identity data: blocking keys of a file's names and date of birth.

A source system searches the CIR "with the identity data" of a person, not only with
the travel document: the EES border check searches with surname, first names, date of
birth, nationality and sex (Reg. (EU) 2017/2226 Art 23(2), 27; Implementing Decision
(EU) 2019/327), so that a person who comes back with a new passport finds the file
they already have. The CIR keys each file on write (`identity_keys`, stored as 64-bit
ids in `cir_identity_keys`, one indexed probe per key), and a search reads the files
of the probe's keys, at most `IDENTITY_CANDIDATES` of them; the caller then judges
each with `limes.matching` (`matching_record`), as the MID does its candidates.

Pure Python: no web, database or CLI framework is imported here.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from limes.core.identity import Name, Precision
from limes.interop.cir.models import IdentityData, TravelDocument
from limes.matching.identity import IdentityRecord, Sex
from limes.matching.text import normalise, transliterations

__all__ = ["IDENTITY_CANDIDATES", "identity_keys", "key_ids", "matching_record"]

# The most files one identity search reads (limes policy): more files than this
# sharing a name and a date of birth is a block of placeholders, not one person.
IDENTITY_CANDIDATES = 20

_forms = lru_cache(maxsize=1 << 16)(transliterations)


def _name_forms(name: Name | None) -> tuple[str, ...]:
    if name is None:
        return ()
    return tuple(dict.fromkeys((*_forms(name.original), normalise(name.mrz.replace("<", " ")))))


def identity_keys(identity: IdentityData) -> frozenset[str]:
    """The keys under which a file is found by identity data (EES Art 23(2), 27).

    "nd:" one name token (of any transliteration, two letters or more) with the full
    date of birth: the same person keeps a name and a date of birth from one passport
    to the next, while a typo, a missing middle name or initials in the other names
    still meet. "ny:" the whole name (tokens sorted, so swapped names meet) with the
    year, for a date of birth known only to the year or month. "nn:" the whole name
    with the nationality, when no date of birth is known. Keys are read from the
    stored names, so that a file and a probe built alike always share them.
    """
    surnames = _name_forms(identity.surname) or ("",)
    given = _name_forms(identity.given_names) or ("",)
    names = {" ".join(sorted(f"{s} {g}".split())) for s in surnames for g in given} - {""}
    born = identity.date_of_birth
    keys: set[str] = set()
    if born is None:
        nationality = identity.nationalities[0] if identity.nationalities else ""
        keys.update(f"nn:{name}|{nationality}" for name in names)
    elif born.precision is Precision.FULL:
        day = born.isoformat()
        tokens = {t for form in (*surnames, *given) for t in form.split() if len(t) > 1}
        keys.update(f"nd:{token}|{day}" for token in tokens)
    else:
        keys.update(f"ny:{name}|{born.year:04d}" for name in names)
    return frozenset(keys)


def _key_id(key: str) -> int:
    # A stable 64-bit id (Python's str hash changes with every process).
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def key_ids(identity: IdentityData) -> tuple[int, ...]:
    """The file's identity keys as stored: distinct 64-bit ids, sorted."""
    return tuple(sorted({_key_id(key) for key in identity_keys(identity)}))


def matching_record(identity: IdentityData, document: TravelDocument | None) -> IdentityRecord:
    """The identity and a travel document as `limes.matching` compares them (2019/817 Art 27(3))."""
    sex = identity.sex if identity.sex in {s.value for s in Sex} else None
    return IdentityRecord(
        surname=identity.surname.original,
        given_names=identity.given_names.original if identity.given_names else "",
        dob=identity.date_of_birth,
        sex=Sex(sex) if sex else None,
        nationality=identity.nationalities[0] if identity.nationalities else None,
        doc_number=document.number if document else None,
        doc_country=document.issuing_state if document else None,
    )
