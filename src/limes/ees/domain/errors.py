"""Errors of the EES: what a border guard must fix before a crossing can be recorded."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from limes.core.errors import Conflict, FieldError, InvalidRequest, NotFound

if TYPE_CHECKING:
    from limes.ees.domain.identification import FileCandidate


class SecondEntryWithoutExit(Conflict):
    """The traveller's last entry has no exit yet."""

    code = "ees-open-entry"
    title = "An entry without an exit is on record"


class ExitWithoutEntry(Conflict):
    """There is no open entry to close."""

    code = "ees-no-open-entry"
    title = "No entry on record to exit from"


class NoStayPossible(Conflict):
    """The calculator allows no stay: the guard should record a refusal (reason F)."""

    code = "ees-no-stay-possible"
    title = "No stay may be authorised"


class MissingBiometrics(InvalidRequest):
    """The crossing point requires biometrics that were not captured."""

    code = "ees-missing-biometrics"
    title = "Biometric data missing"


class MissingVisa(InvalidRequest):
    """A visa holder's entry needs the visa's details (Reg. (EU) 2018/1806 Art 3(1))."""

    code = "ees-missing-visa"
    title = "Visa required"


class IdempotencyKeyReused(Conflict):
    """The Idempotency-Key was used before for a different request."""

    code = "idempotency-key-reused"
    title = "Idempotency-Key reused"


class FileNotFound(NotFound):
    """No individual file matches."""

    code = "ees-file-not-found"
    title = "Individual file not found"


class RecordNotFound(NotFound):
    """No record matches."""

    code = "ees-record-not-found"
    title = "Record not found"


class CrossingPointNotFound(NotFound):
    """No crossing point has this code."""

    code = "ees-crossing-point-not-found"
    title = "Crossing point not found"


class EesInactive(Conflict):
    """The EES is not active, or fully suspended, at this crossing point."""

    code = "ees-inactive"
    title = "The EES is not in operation at this crossing point"


class UnknownTimeZone(InvalidRequest):
    """A crossing point's time zone is not an IANA zone name."""

    code = "ees-unknown-time-zone"
    title = "Unknown time zone"


class OutsideTransition(InvalidRequest):
    """A crossing-point setting the transition (Reg. (EU) 2025/1534) no longer allows."""

    code = "ees-setting-outside-transition"
    title = "Setting not allowed on this date"


class FingerPositions(InvalidRequest):
    """The fingerprints are not four fingers of one hand (EES Art 17(1)(c))."""

    code = "ees-finger-positions"
    title = "Fingerprints not of one hand"


class NotInEesScope(InvalidRequest):
    """The EES does not register this traveller (EES Art 2): nothing is recorded."""

    code = "ees-not-in-scope"
    title = "Not registered in the EES"


class _IdentityInDoubt(Conflict):
    """A conflict the guard settles by comparing the traveller with candidate files."""

    code = "ees-identity-in-doubt"
    title = "Who the traveller is must be settled"

    def __init__(
        self,
        detail: str,
        candidates: Sequence[FileCandidate] = (),
        errors: Iterable[FieldError] = (),
    ) -> None:
        super().__init__(detail, errors)
        self.candidates = tuple(candidates)

    def members(self) -> dict[str, object]:
        """The candidate files, for the guard to compare with the traveller."""
        return {"candidates": [candidate.as_dict() for candidate in self.candidates]}


class PossibleExistingFile(_IdentityInDoubt):
    """The traveller may already have a file (EES Art 23(2)-(4), 27): the guard decides."""

    code = "ees-possible-existing-file"
    title = "The traveller may already have a file"


class VerificationFailed(_IdentityInDoubt):
    """The 1:1 verification failed (EES Art 23(2)-(4)): the guard checks and decides; the
    candidates are other files whose biometrics match the traveller's, if the 1:N found any."""

    code = "ees-verification-failed"
    title = "The traveller does not match the file's biometrics"


class NotACandidate(InvalidRequest):
    """The confirmed file is not one the check proposed for this traveller."""

    code = "ees-not-a-candidate"
    title = "Not a candidate file"


class InvalidIdentityDecision(InvalidRequest):
    """The guard's identity decision is incomplete or contradictory."""

    code = "ees-invalid-identity-decision"
    title = "Identity decision incomplete"
