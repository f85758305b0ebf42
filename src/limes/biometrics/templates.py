"""Biometric modalities and templates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Modality(StrEnum):
    """Biometric modalities. EES fingerprint data are four fingers of the right hand,
    or of the left where that is impossible (EES Reg. (EU) 2017/2226 Art 17(1)(c))."""

    FACE = "face"
    RIGHT_INDEX = "right_index"
    RIGHT_MIDDLE = "right_middle"
    RIGHT_RING = "right_ring"
    RIGHT_LITTLE = "right_little"
    LEFT_INDEX = "left_index"
    LEFT_MIDDLE = "left_middle"
    LEFT_RING = "left_ring"
    LEFT_LITTLE = "left_little"

    @property
    def is_finger(self) -> bool:
        """Whether this is a fingerprint."""
        return self is not Modality.FACE


RIGHT_HAND = (
    Modality.RIGHT_INDEX,
    Modality.RIGHT_MIDDLE,
    Modality.RIGHT_RING,
    Modality.RIGHT_LITTLE,
)
LEFT_HAND = (Modality.LEFT_INDEX, Modality.LEFT_MIDDLE, Modality.LEFT_RING, Modality.LEFT_LITTLE)


def finger_positions_problem(modalities: Iterable[Modality]) -> str | None:
    """EES Art 17(1)(c), Art 3(1)(17): fingerprints are the index, middle, ring and little
    fingers of the right hand, or of the left hand where the right cannot give them.

    Returns what is wrong with the positions given, or None when they are fingers of
    one hand, each once (how many are needed is the caller's rule).
    """
    fingers = [m for m in modalities if m.is_finger]
    repeated = sorted({m.value for m in fingers if fingers.count(m) > 1})
    if repeated:
        return f"each finger once: {', '.join(repeated)} given more than once"
    given = set(fingers)
    if given <= set(RIGHT_HAND) or given <= set(LEFT_HAND):
        return None
    return (
        "four fingers of one hand: index, middle, ring and little of the right hand, or "
        "of the left hand where the right cannot give them; fingers of both hands were given"
    )


@dataclass(frozen=True, slots=True)
class BiometricTemplate:
    """A fixed-length template with its quality score (0-100).

    `vector` holds the template as little-endian float32 bytes; `synthetic` marks the
    templates of the synthetic capture used for demos and tests.
    """

    modality: Modality
    vector: bytes
    quality: int
    synthetic: bool = False
