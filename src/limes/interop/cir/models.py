"""Values held in the common identity repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.identity import Name, PartialDate

__all__ = [
    "BiometricTemplate",
    "ChangeKind",
    "HeldTemplate",
    "IdentityChange",
    "IdentityData",
    "IdentityFile",
    "Modality",
    "SourceSystem",
    "TravelDocument",
]


class SourceSystem(StrEnum):
    """The systems whose identity data the CIR holds (Reg. (EU) 2019/817 Art 18(1))."""

    EES = "ees"
    VIS = "vis"
    ETIAS = "etias"
    EURODAC = "eurodac"
    ECRIS_TCN = "ecris_tcn"  # reserved: Reg. (EU) 2019/818 Art 18


@dataclass(frozen=True, slots=True)
class TravelDocument:
    """A travel document as the MRZ gives it."""

    document_type: str
    number: str
    issuing_state: str
    expiry: date | None = None


@dataclass(frozen=True, slots=True)
class IdentityData:
    """Identity data: names in their original script with MRZ and normalised forms."""

    surname: Name
    given_names: Name | None
    date_of_birth: PartialDate | None
    sex: str | None
    nationalities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IdentityFile:
    """One person's file for one source system (Reg. (EU) 2019/817 Art 17, 18)."""

    cir_id: str
    system: SourceSystem
    source_reference: str
    identity: IdentityData
    documents: tuple[TravelDocument, ...]
    created_at: datetime
    updated_at: datetime
    # The Member State (alpha-3) whose authority created or last updated the file: its
    # authority verifies the links this creates (Reg. (EU) 2019/817 Art 29(1)).
    member_state: str | None = None


class HeldTemplate(NamedTuple):
    """A template with the file and system holding it: what fills a 1:N gallery."""

    cir_id: str
    system: SourceSystem
    template: BiometricTemplate


class ChangeKind(StrEnum):
    """What happened to an identity file."""

    WRITTEN = "written"  # created, or its identity data, documents or templates updated
    ERASED = "erased"


@dataclass(frozen=True, slots=True)
class IdentityChange:
    """One change to a file, in commit order: what launches multiple-identity detection.

    Reg. (EU) 2019/817 Art 27(1): detection runs whenever a file is created or updated
    in the CIR; an erasure lets the MID delete the links of the data (Art 35).
    """

    seq: int
    cir_id: str
    system: SourceSystem
    kind: ChangeKind
    changed_at: datetime
