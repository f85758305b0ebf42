"""One file per person: the candidate files of a traveller and the guard's decision.

The EES keeps one individual file per person, whatever the travel document (Reg. (EU)
2017/2226 Art 14-15, 23(2)-(4), 27; Implementing Decision (EU) 2019/327). When the
document is not in any file, the border check searches with the identity data and
identifies the traveller 1:N by face and fingerprints; a file found so is only a
candidate until the guard confirms it, and no new file is created while an
unconfirmed candidate stands. A failed 1:1 verification stops the record the same way
until the guard has checked the identity by hand, or refuses entry.

Pure Python: no web, database or CLI framework is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from limes.core.errors import FieldError
from limes.core.limits import MAX_JUSTIFICATION_CHARS
from limes.ees.domain.errors import (
    InvalidIdentityDecision,
    NotACandidate,
    PossibleExistingFile,
    VerificationFailed,
)
from limes.interop.cir.models import IdentityData, TravelDocument

__all__ = [
    "CandidateBasis",
    "FileCandidate",
    "IdentityDecision",
    "chosen_candidate",
    "require_identity_settled",
    "require_verification_settled",
]


class CandidateBasis(StrEnum):
    """What found a candidate file (EES Art 23(2), 27)."""

    IDENTITY_DATA = "identity_data"  # names, date of birth, nationality, sex
    BIOMETRICS = "biometrics"  # the sBMS 1:N, confirmed 1:1 on face or fingerprints


@dataclass(frozen=True, slots=True)
class FileCandidate:
    """An EES file that may be the traveller's, found otherwise than by the document."""

    file_id: str
    cir_id: str
    identity: IdentityData
    documents: tuple[TravelDocument, ...]
    basis: tuple[CandidateBasis, ...]
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The candidate as JSON-ready data, for the guard to compare with the traveller."""
        identity = self.identity
        born = identity.date_of_birth
        return {
            "file_id": self.file_id,
            "surname": identity.surname.original,
            "given_names": identity.given_names.original if identity.given_names else None,
            "date_of_birth": born.isoformat() if born else None,
            "sex": identity.sex,
            "nationalities": list(identity.nationalities),
            "documents": [f"{d.issuing_state} {d.number}" for d in self.documents],
            "basis": [basis.value for basis in self.basis],
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class IdentityDecision:
    """The guard's decision on who the traveller is, stated with the request.

    `confirmed_file_id`: this candidate is the traveller's file; the new document is
    added to it and the stay counts over its history. `different_person`: no candidate
    is the traveller; a new file is created. `identity_confirmed_manually`: the 1:1
    verification failed and the guard checked the identity by other means. Each
    decision that departs from the system's finding states a `reason`, which is logged
    (EES Art 46).
    """

    confirmed_file_id: str | None = None
    different_person: bool = False
    identity_confirmed_manually: bool = False
    reason: str = ""

    def problems(self) -> list[FieldError]:
        """What is wrong with the decision as stated, field by field."""
        problems: list[FieldError] = []
        where = "identity_decision"
        if self.confirmed_file_id is not None and self.different_person:
            problems.append(
                FieldError(
                    f"{where}.different_person",
                    "either confirm a candidate file or state a different person, not both",
                )
            )
        needs_reason = self.different_person or self.identity_confirmed_manually
        if needs_reason and not self.reason.strip():
            problems.append(FieldError(f"{where}.reason", "say how the identity was established"))
        if len(self.reason) > MAX_JUSTIFICATION_CHARS:
            problems.append(
                FieldError(f"{where}.reason", f"at most {MAX_JUSTIFICATION_CHARS:,} characters")
            )
        return problems


def chosen_candidate(
    candidates: Sequence[FileCandidate], decision: IdentityDecision | None
) -> FileCandidate | None:
    """EES Art 23(2)-(4): the candidate the guard confirmed, or None if none was.

    A file the check did not propose cannot be confirmed: a document is added only to
    a file the search found for this traveller.
    """
    if decision is None or decision.confirmed_file_id is None:
        return None
    for candidate in candidates:
        if candidate.file_id == decision.confirmed_file_id:
            return candidate
    offered = ", ".join(c.file_id for c in candidates) or "none"
    raise NotACandidate(
        f"File {decision.confirmed_file_id} was not found for this traveller; the candidate "
        f"files are: {offered}.",
        [FieldError("identity_decision.confirmed_file_id", "give one of the candidate files")],
    )


def require_identity_settled(
    candidates: Sequence[FileCandidate], decision: IdentityDecision | None
) -> None:
    """EES Art 14, 23(2)-(4), 27: no new file while a candidate file is unconfirmed.

    Called when the document is in no file: if the identity search or the 1:N
    identification proposed files, the guard confirms one or states that the traveller
    is a different person.
    """
    if decision is not None and (problems := decision.problems()):
        raise InvalidIdentityDecision("The identity decision is incomplete.", problems)
    if not candidates or (decision is not None and decision.different_person):
        return
    if decision is not None and decision.confirmed_file_id is not None:
        chosen_candidate(candidates, decision)
        return
    raise PossibleExistingFile(
        f"The traveller may already have a file ({len(candidates)} candidate(s)): compare "
        "them with the traveller, then confirm one (identity_decision.confirmed_file_id) "
        "or state a different person with the reason (identity_decision.different_person).",
        candidates,
    )


def require_verification_settled(
    matched: bool | None,
    decision: IdentityDecision | None,
    candidates: Sequence[FileCandidate] = (),
) -> None:
    """EES Art 23(2)-(4): a failed 1:1 verification stops the record until the guard decides.

    The guard proceeds only after checking the identity by other means, saying how
    (`identity_confirmed_manually` with a reason); or records a refusal instead.
    """
    if matched is not False:
        return
    if decision is not None and (problems := decision.problems()):
        raise InvalidIdentityDecision("The identity decision is incomplete.", problems)
    if decision is not None and decision.identity_confirmed_manually:
        return
    raise VerificationFailed(
        "The traveller does not match the biometrics of the file: check the identity by "
        "other means, then confirm it with the reason "
        "(identity_decision.identity_confirmed_manually), or record a refusal.",
        candidates,
    )
