"""1:1 verification for the EES through `limes.biometrics`."""

from __future__ import annotations

from collections.abc import Sequence

from limes.biometrics.matching import Verifier, verify_best
from limes.biometrics.templates import BiometricTemplate
from limes.ees.ports import VerificationOutcome


class TemplateVerifier:
    """Face or fingerprint verification against the file's templates (EES Art 23(2))."""

    def __init__(self, verifier: Verifier | None = None) -> None:
        self._verifier = verifier

    def verify(
        self, captured: Sequence[BiometricTemplate], stored: Sequence[BiometricTemplate]
    ) -> VerificationOutcome:
        """Compare the captured templates with the stored ones, modality by modality."""
        check = verify_best(captured, stored, self._verifier)
        compared = bool(check.results)
        return VerificationOutcome(
            matched=check.matched if compared else None,
            explanation="; ".join(check.explanation()),
        )
