"""1:1 verification for the EES through `limes.biometrics`, and 1:N through the sBMS."""

from __future__ import annotations

from collections.abc import Sequence

from limes.biometrics.matching import Verifier, verify_best
from limes.biometrics.templates import BiometricTemplate
from limes.ees.ports import BiometricIdentification, VerificationOutcome
from limes.interop.cir.biometric_index import CirBiometricIndex
from limes.interop.cir.models import SourceSystem
from limes.interop.cir.ports import IdentityRepository
from limes.interop.sbms.models import Gallery

# Candidates of the 1:N search per probe (limes policy): a face the sBMS finds in more
# EES files than this is already a case for the guard's manual check.
IDENTIFICATION_CANDIDATES = 5


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


class SbmsIdentifier:
    """EES Art 27: identification 1:N by face in the EES's gallery of the sBMS, then 1:1.

    The sBMS index holds faces (one template per person); each candidate it finds is
    then compared 1:1 on every modality held, face and fingerprints, as the desk's
    verification decides (`limes.biometrics.matching.verify_best`).
    """

    def __init__(self, index: CirBiometricIndex, verifier: Verifier | None = None) -> None:
        self._index = index
        self._verifier = verifier

    @property
    def ready(self) -> bool:
        """False while the index is loaded at start-up (`CirBiometricIndex.loading`)."""
        return not self._index.loading

    def identify(
        self, identities: IdentityRepository, probes: Sequence[BiometricTemplate]
    ) -> list[BiometricIdentification]:
        """The EES files whose biometrics match the probes, in the order the sBMS found them."""
        if not probes:
            return []
        self._index.sync(identities)
        found = self._index.candidates(probes, IDENTIFICATION_CANDIDATES, (Gallery.EES,))
        matches: list[BiometricIdentification] = []
        for cir_id in found:
            identity_file = identities.get(cir_id)
            if identity_file is None or identity_file.system is not SourceSystem.EES:
                continue  # erased since the index saw it, or not an EES file
            check = verify_best(probes, identities.templates(cir_id), self._verifier)
            if check.matched:
                matches.append(BiometricIdentification(cir_id, "; ".join(check.explanation())))
        return matches
