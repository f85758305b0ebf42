"""How the MID judges one pair of records: the same code for the initial load and online.

`judge` turns the matching verdict on identity data, the travel documents and what the
shared biometric matching service found into a link colour with its reasons
(2019/817 and 2019/818 Art 28(1), 30 and 33). The batch detector of Art 69
(`limes.interop.mid.detector`) and the online service of Art 27
(`limes.interop.mid.service`) both call it, so a pair is linked alike on either path.
Pure Python: no web, database or CLI framework is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from limes.biometrics.matching import Verifier, verify_best
from limes.biometrics.templates import BiometricTemplate
from limes.interop.mid.domain.models import BiometricOutcome, LinkColour, RecordRef
from limes.interop.mid.domain.rules import initial_colour, joins_two_systems
from limes.matching.engine import MatchResult, match_identities
from limes.matching.identity import IdentityRecord
from limes.matching.results import Category, CategoryResult, Outcome

__all__ = [
    "NO_BIOMETRICS",
    "BiometricEvidence",
    "DetectedLink",
    "IndexedRecord",
    "biometric_evidence",
    "judge",
]


@dataclass(frozen=True, slots=True)
class IndexedRecord:
    """One record of a linked system with its identity data (Art 27(3))."""

    ref: RecordRef
    identity: IdentityRecord


@dataclass(frozen=True, slots=True)
class BiometricEvidence:
    """What the sBMS said about a pair (Art 27(1)), with the sentence that explains it.

    Attributes:
        outcome: same, different, or absent when the two records hold no templates of
            a common modality.
        any_without_biometrics: whether at least one record holds no biometric data
            (Art 33(1)(b)).
        reason: one line for the link's trail.
    """

    outcome: BiometricOutcome
    any_without_biometrics: bool
    reason: str


NO_BIOMETRICS = BiometricEvidence(
    BiometricOutcome.ABSENT,
    any_without_biometrics=True,
    reason="biometrics: absent (no templates to compare for this pair)",
)


def biometric_evidence(
    new: Sequence[BiometricTemplate],
    old: Sequence[BiometricTemplate],
    verifier: Verifier | None = None,
) -> BiometricEvidence:
    """Art 27(1): compare two records' templates modality by modality, as the sBMS does.

    The same person when the face matches or enough fingers do (the decision rule of
    `limes.biometrics.matching.verify_best`); absent when no modality is held by both.
    """
    if not new or not old:
        return NO_BIOMETRICS
    check = verify_best(new, old, verifier)
    if not check.results:
        return BiometricEvidence(
            BiometricOutcome.ABSENT,
            any_without_biometrics=True,
            reason="biometrics: absent (the records hold no templates of a common modality)",
        )
    outcome = BiometricOutcome.SAME if check.matched else BiometricOutcome.DIFFERENT
    return BiometricEvidence(
        outcome, any_without_biometrics=False, reason=f"biometrics: {outcome}, {check.reason}"
    )


@dataclass(frozen=True, slots=True)
class DetectedLink:
    """A link the detection creates, before it is stored (Art 28(1), 30, 33).

    Attributes:
        a: the record with the smaller record id.
        b: the other record.
        colour: white or yellow (green and red only follow manual verification).
        reasons: the matching verdict, each category's outcome and rule, the biometric
            evidence, and the rule that set the colour.
    """

    a: RecordRef
    b: RecordRef
    colour: LinkColour
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, str | list[str]]:
        """The link as one line of `limes mid detect` output."""
        return {
            "a": self.a.record_id,
            "b": self.b.record_id,
            "colour": self.colour.value,
            "reasons": list(self.reasons),
        }


def judge(
    new: IndexedRecord, old: IndexedRecord, biometrics: BiometricEvidence = NO_BIOMETRICS
) -> DetectedLink | None:
    """Art 28(1), 30, 33: the link between two records, or None when nothing links them.

    Records of one system are never linked (`rules.joins_two_systems`, Art 27-28).
    """
    if not joins_two_systems(new.ref, old.ref):
        return None
    match = match_identities(new.identity, old.identity)
    document = match.result(Category.TRAVEL_DOCUMENT)
    # Art 33(1)(b) asks for the same travel document: a number equal on both sides
    # without both issuing countries is only "similar" and does not count.
    same_document = document.outcome is Outcome.SAME
    decided = initial_colour(
        match.verdict,
        biometrics.outcome,
        same_document=same_document,
        any_without_biometrics=biometrics.any_without_biometrics,
    )
    if decided is None:
        return None
    colour, rule = decided
    a, b = sorted((new.ref, old.ref), key=lambda r: (r.record_id, r.system))
    return DetectedLink(a, b, colour, _reasons(match, biometrics, rule))


def _reasons(match: MatchResult, biometrics: BiometricEvidence, rule: str) -> tuple[str, ...]:
    """The trail of a detected link: verdict, categories, biometrics, colour rule."""
    return (
        f"identity data {match.explanation}",
        *(_category_reason(r) for r in match.categories),
        biometrics.reason,
        rule,
    )


def _category_reason(result: CategoryResult) -> str:
    return f"{result.category}: {result.outcome} ({result.rule}): {result.explanation}"
