"""One-to-one biometric verification and the decision over a set of modalities.

Scores are cosine similarities of the template vectors, in [-1, 1]: 1 is the same
direction, 0 is unrelated, and higher means more alike. A comparison matches when
its score is at or above the modality's threshold.

The thresholds are calibrated for the limes template space (the synthetic capture
in `limes.biometrics.synthetic`), not for any vendor's templates: the law leaves
matcher accuracy to technical specifications that are not public (Reg. (EU) 2019/817
leaves the performance of the shared biometric matching service to an implementing
act).
A real extractor brings its own `Verifier` and thresholds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

import numpy as np

from limes.biometrics.templates import BiometricTemplate, Modality
from limes.biometrics.vectors import decode
from limes.core.errors import FieldError, InvalidRequest

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FACE_THRESHOLD",
    "FINGER_THRESHOLD",
    "MIN_MATCHING_FINGERS",
    "BiometricCheck",
    "CosineVerifier",
    "NotCompared",
    "Verification",
    "Verifier",
    "cosine",
    "verify_best",
]

# Cosine thresholds of the limes template space (limes calibration, not law). Unrelated
# 512-dimensional templates score about N(0, 1/512), a standard deviation of 0.044:
# 0.30 is 6.8 standard deviations out. A finger may be a little looser because the
# fingerprint decision needs MIN_MATCHING_FINGERS of them to agree.
FACE_THRESHOLD = 0.30
FINGER_THRESHOLD = 0.25
DEFAULT_THRESHOLDS: Mapping[Modality, float] = MappingProxyType(
    {m: FINGER_THRESHOLD if m.is_finger else FACE_THRESHOLD for m in Modality}
)

# Decision rule of `verify_best` (limes policy): the person is verified when the face
# matches, or when at least this many fingers match. EES stores four fingers of one
# hand (see `templates.Modality`); asking for two lets one damaged or misplaced finger
# fail without refusing the traveller, while one chance finger match is not enough.
MIN_MATCHING_FINGERS = 2


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of one 1:1 comparison.

    `score` is a cosine similarity in [-1, 1] (higher is more alike); `match` is
    `score >= threshold`; `explanation` is one sentence for the officer.
    """

    modality: Modality
    score: float
    threshold: float
    match: bool
    explanation: str


class Verifier(Protocol):
    """A 1:1 biometric comparator (a matcher back-end)."""

    def verify(self, probe: BiometricTemplate, reference: BiometricTemplate) -> Verification:
        """Compare a captured template with a stored one of the same modality."""
        ...


def _check_thresholds(thresholds: Mapping[Modality, float]) -> None:
    for modality, value in thresholds.items():
        if not -1.0 < float(value) <= 1.0:
            raise InvalidRequest(
                "Invalid verifier threshold",
                [FieldError(f"thresholds/{modality}", f"{value} is outside (-1, 1]")],
            )


class CosineVerifier:
    """Verifies by cosine similarity of the template vectors, with a threshold per modality."""

    def __init__(self, thresholds: Mapping[Modality, float] | None = None) -> None:
        merged = dict(DEFAULT_THRESHOLDS)
        if thresholds is not None:
            merged.update({Modality(m): float(t) for m, t in thresholds.items()})
        _check_thresholds(merged)
        self.thresholds: Mapping[Modality, float] = MappingProxyType(merged)

    def verify(self, probe: BiometricTemplate, reference: BiometricTemplate) -> Verification:
        """Compare `probe` with `reference`; their modalities must be the same."""
        if probe.modality != reference.modality:
            raise InvalidRequest(
                "Cannot compare templates of different modalities",
                [
                    FieldError(
                        "reference/modality",
                        f"probe is {probe.modality} but reference is {reference.modality}; "
                        "compare templates of the same modality",
                    )
                ],
            )
        modality = Modality(probe.modality)
        score = cosine(decode(probe.vector, modality), decode(reference.vector, modality))
        threshold = self.thresholds[modality]
        match = score >= threshold
        relation = ">=" if match else "<"
        outcome = "match" if match else "no match"
        note = " (synthetic templates)" if probe.synthetic or reference.synthetic else ""
        explanation = (
            f"{modality}: cosine score {score:.3f} {relation} threshold {threshold:.3f}: "
            f"{outcome}{note}"
        )
        return Verification(
            modality=modality,
            score=score,
            threshold=threshold,
            match=match,
            explanation=explanation,
        )


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two non-zero vectors, clipped to [-1, 1]."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    denominator = float(np.linalg.norm(x)) * float(np.linalg.norm(y))
    if denominator == 0.0:
        raise InvalidRequest(
            "Cannot compare a zero template",
            [FieldError("vector", "the template vector is all zeros; re-encode it")],
        )
    return min(1.0, max(-1.0, float(np.dot(x, y)) / denominator))


@dataclass(frozen=True, slots=True)
class NotCompared:
    """A modality present on only one side, so it was not compared."""

    modality: Modality
    reason: str


@dataclass(frozen=True, slots=True)
class BiometricCheck:
    """The decision over a set of modalities, with every comparison kept for the explanation.

    `results` holds the best comparison per modality compared, in `Modality` order;
    `not_compared` lists the modalities captured or stored on one side only.
    """

    matched: bool
    reason: str
    results: tuple[Verification, ...]
    not_compared: tuple[NotCompared, ...]

    @property
    def face(self) -> Verification | None:
        """The face comparison, if the face was compared."""
        return next((r for r in self.results if r.modality is Modality.FACE), None)

    @property
    def fingers_compared(self) -> int:
        """How many fingers were compared."""
        return sum(1 for r in self.results if r.modality.is_finger)

    @property
    def fingers_matched(self) -> int:
        """How many compared fingers matched."""
        return sum(1 for r in self.results if r.modality.is_finger and r.match)

    def explanation(self) -> tuple[str, ...]:
        """The decision followed by one line per modality, compared or not."""
        lines = [self.reason]
        lines.extend(r.explanation for r in self.results)
        lines.extend(f"{n.modality}: not compared ({n.reason})" for n in self.not_compared)
        return tuple(lines)


def _group(templates: Iterable[BiometricTemplate]) -> dict[Modality, list[BiometricTemplate]]:
    groups: dict[Modality, list[BiometricTemplate]] = defaultdict(list)
    for template in templates:
        groups[Modality(template.modality)].append(template)
    return groups


def _best(
    verifier: Verifier, probes: list[BiometricTemplate], references: list[BiometricTemplate]
) -> Verification:
    results = [verifier.verify(p, r) for p in probes for r in references]
    return max(results, key=lambda v: v.score)


def _decide(
    face: Verification | None, fingers: list[Verification], min_fingers: int
) -> tuple[bool, str]:
    matched_fingers = sum(1 for f in fingers if f.match)
    finger_text = (
        f"{matched_fingers} of {len(fingers)} compared fingers matched ({min_fingers} needed)"
        if fingers
        else "no finger was compared"
    )
    if face is None:
        face_text = "the face was not compared"
    elif face.match:
        face_text = f"the face matched (score {face.score:.3f})"
    else:
        face_text = f"the face did not match (score {face.score:.3f})"
    if face is None and not fingers:
        return False, (
            "not matched: no modality was both captured and stored, so nothing was compared"
        )
    if face is not None and face.match:
        return True, f"matched: {face_text}; {finger_text}"
    if matched_fingers >= min_fingers:
        return True, f"matched on fingerprints: {finger_text}; {face_text}"
    return False, f"not matched: {face_text} and {finger_text}"


def verify_best(
    probes: Iterable[BiometricTemplate],
    references: Iterable[BiometricTemplate],
    verifier: Verifier | None = None,
    *,
    min_fingers: int = MIN_MATCHING_FINGERS,
) -> BiometricCheck:
    """Verify captured templates against stored ones, modality by modality, and decide.

    Each modality present on both sides is compared (every probe with every reference
    of that modality; the best score counts). The person is matched when the face
    matches or at least `min_fingers` fingers match. A modality present on one side
    only is reported as not compared and never counts as a match; with nothing to
    compare the result is "not matched".
    """
    if min_fingers < 1:
        raise InvalidRequest(
            "Invalid decision rule",
            [FieldError("min_fingers", f"{min_fingers} is below 1; ask for at least one finger")],
        )
    chosen = verifier if verifier is not None else CosineVerifier()
    captured = _group(probes)
    stored = _group(references)
    results: list[Verification] = []
    skipped: list[NotCompared] = []
    for modality in Modality:
        if modality in captured and modality in stored:
            results.append(_best(chosen, captured[modality], stored[modality]))
        elif modality in captured:
            skipped.append(NotCompared(modality, "captured but no stored template"))
        elif modality in stored:
            skipped.append(NotCompared(modality, "stored but not captured"))
    face = next((r for r in results if r.modality is Modality.FACE), None)
    fingers = [r for r in results if r.modality.is_finger]
    matched, reason = _decide(face, fingers, min_fingers)
    return BiometricCheck(
        matched=matched, reason=reason, results=tuple(results), not_compared=tuple(skipped)
    )
