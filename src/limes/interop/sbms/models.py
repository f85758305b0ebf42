"""Values held and returned by the shared biometric matching service (Reg. (EU) 2019/817 Art 12-16)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from limes.biometrics.templates import Modality
from limes.core.errors import FieldError, InvalidRequest

__all__ = ["Candidate", "Gallery", "Identification", "StoredTemplate", "parse_gallery"]


class Gallery(StrEnum):
    """The source systems whose templates the sBMS holds, one logically separate gallery each.

    Reg. (EU) 2019/817 Art 13(1): templates from EES, VIS and SIS (palm prints
    excluded); Reg. (EU) 2019/818 Art 13(1) adds Eurodac and ECRIS-TCN. ETIAS holds no
    biometrics, so it has no gallery. limes has no palm-print modality, so the SIS
    palm-print exclusion cannot be broken here: `Modality` only knows faces and fingers.
    """

    EES = "ees"
    VIS = "vis"
    EURODAC = "eurodac"
    SIS = "sis"
    ECRIS_TCN = "ecris_tcn"


def parse_gallery(gallery: Gallery | str, field: str = "gallery") -> Gallery:
    """Return `gallery` as a Gallery, or raise InvalidRequest naming the allowed values."""
    if isinstance(gallery, Gallery):
        return gallery
    try:
        return Gallery(gallery)
    except ValueError:
        allowed = ", ".join(g.value for g in Gallery)
        raise InvalidRequest(
            "Unknown sBMS gallery",
            [FieldError(field, f"unknown gallery {gallery!r}; use one of: {allowed}")],
        ) from None


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    """A template held in the sBMS with the reference to its source record (2019/817 Art 13(2)).

    `source_reference` is the opaque id of the record in the source system that holds
    the biometric data; `synthetic` carries the label of the synthetic capture.
    """

    template_id: str
    gallery: Gallery
    source_reference: str
    modality: Modality
    quality: int
    synthetic: bool


@dataclass(frozen=True, slots=True)
class Candidate:
    """One 1:N candidate: a stored template scoring at or above the modality's threshold.

    `score` is the cosine similarity of the probe and the stored template, in [-1, 1].
    """

    template_id: str
    source_reference: str
    gallery: Gallery
    modality: Modality
    score: float


@dataclass(frozen=True, slots=True)
class Identification:
    """The outcome of a 1:N search (2019/817 Art 14): candidates best first, and why.

    An empty `candidates` is a valid outcome (no one above the threshold); the
    `explanation` lines say what was searched and with which threshold.
    """

    candidates: tuple[Candidate, ...]
    explanation: tuple[str, ...]

    @property
    def best(self) -> Candidate | None:
        """The highest-scoring candidate, or None when no one reached the threshold."""
        return self.candidates[0] if self.candidates else None
