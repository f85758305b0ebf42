"""The border check's domain rules: the document, the traveller kind, biometrics."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from limes.biometrics.templates import BiometricTemplate, Modality, finger_positions_problem
from limes.core.documents import MrzReading, read_mrz
from limes.core.errors import FieldError, InvalidDocument, InvalidRequest
from limes.core.identity import Name
from limes.core.visa_lists import VisaExemption
from limes.ees.domain.errors import EesInactive, FingerPositions, MissingBiometrics
from limes.ees.domain.identification import IdentityDecision
from limes.ees.domain.models import (
    Completeness,
    CrossingPoint,
    Direction,
    FingerprintStatus,
    SuspensionScope,
    TravellerKind,
    VisaDetails,
)
from limes.ees.domain.rules import fingerprints_required
from limes.ees.domain.scope import ResidenceDocument, VisaStatus, visa_status
from limes.ees.domain.stamps import StampedStay
from limes.interop.cir.models import IdentityData, TravelDocument

_FINGER_EXCUSES = frozenset(
    {FingerprintStatus.NOT_APPLICABLE, FingerprintStatus.TEMPORARILY_IMPOSSIBLE}
)


@dataclass(frozen=True, slots=True)
class Capture:
    """What the desk captured: templates, and why fingerprints are missing if they are."""

    templates: tuple[BiometricTemplate, ...] = ()
    fingerprint_status: FingerprintStatus | None = None

    @property
    def has_face(self) -> bool:
        """Whether a facial image was captured."""
        return any(t.modality is Modality.FACE for t in self.templates)

    @property
    def fingers(self) -> int:
        """How many fingerprints were captured."""
        return sum(1 for t in self.templates if t.modality.is_finger)


@dataclass(frozen=True, slots=True)
class CrossingRequest:
    """A traveller at the desk: the MRZ as scanned or typed, and what was captured."""

    mrz: str
    crossing_point: str
    capture: Capture = field(default_factory=Capture)
    visa: VisaDetails | None = None
    traveller_kind: TravellerKind | None = None
    stamp_date: date | None = None  # the stamp affixed alongside, during the transition
    # Earlier stays the EES does not hold, shown by the stamps in the document (Art 22).
    stamped_stays: tuple[StampedStay, ...] = ()
    # The guard's decision on who the traveller is (EES Art 23(2)-(4), 27).
    identity_decision: IdentityDecision | None = None
    # A fingerprint of the request as the client sent it (the HTTP layer's canonical JSON
    # of the validated body). Data generated on the server for the request, such as a
    # synthetic capture, differs from one try to the next and must not be fingerprinted.
    sent_digest: str | None = None
    # What the guard states about the traveller (EES Art 2; Reg. (EU) 2018/1806 Art 4, 6).
    family_member: bool = False
    residence_document: ResidenceDocument | None = None
    visa_exemption: VisaExemption | None = None

    def digest(self, operation: str, extra: str = "") -> str:
        """A fingerprint of the request, to tell a retry from a different request."""
        if self.sent_digest is not None:
            return hashlib.sha256(
                "\x1f".join((operation, self.sent_digest, extra)).encode()
            ).hexdigest()
        parts = [
            operation,
            self.mrz.strip(),
            self.crossing_point,
            repr(self.visa),
            str(self.stamp_date),
            repr(self.stamped_stays),
            extra,
            str(self.family_member),
            str(self.residence_document),
            str(self.visa_exemption),
        ]
        if self.identity_decision is not None:
            # Only when stated, so that the digests of earlier requests stay as they were.
            parts.append(repr(self.identity_decision))
        parts += [
            f"{t.modality}:{hashlib.sha256(t.vector).hexdigest()}" for t in self.capture.templates
        ]
        parts.append(str(self.capture.fingerprint_status))
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def visa_status_of(request: CrossingRequest, document: MrzReading, on: date) -> VisaStatus:
    """The traveller kind from the nationality (Reg. (EU) 2018/1806 Art 3-6; EES Art 16-17).

    A kind stated in the request is accepted only where the lists do not decide, or
    where it agrees with them: an Annex I national is not made visa-exempt by saying so.
    """
    status = visa_status(
        document.nationality,
        on,
        request.visa is not None,
        request.visa_exemption,
        document.issuing_state,
    )
    stated = request.traveller_kind
    if stated is None or stated is status.kind:
        return status
    if status.listing is None:
        return VisaStatus(stated, None, False, status.note)
    needs = "need a visa" if status.visa_required else "are visa-exempt"
    raise InvalidRequest(
        f"The traveller kind given ({stated.value}) contradicts the lists: {status.who} "
        f"{needs} ({status.basis}). Leave the kind out: the nationality decides it.",
        [FieldError("traveller_kind", f"{status.who} {needs} ({status.basis})")],
    )


def require_active(crossing_point: CrossingPoint) -> None:
    if not crossing_point.ees_active or crossing_point.suspension is SuspensionScope.FULL:
        reason = (
            f" ({crossing_point.suspension_reason})" if crossing_point.suspension_reason else ""
        )
        raise EesInactive(
            f"The EES is not in operation at {crossing_point.code}{reason}: stamp the "
            "travel document instead (Reg. (EU) 2025/1534)."
        )


def require_refusals_recorded(crossing_point: CrossingPoint) -> None:
    """Reg. (EU) 2025/1534 Art 6: where the EES is fully suspended (or not yet in
    operation) no data are entered in it, refusals included; the refusal is kept in the
    national record and the travel document stamped (Schengen Borders Code Art 14(2),
    Annex V Part A)."""
    if not crossing_point.ees_active or crossing_point.suspension is SuspensionScope.FULL:
        reason = (
            f" ({crossing_point.suspension_reason})" if crossing_point.suspension_reason else ""
        )
        raise EesInactive(
            f"The EES is not in operation at {crossing_point.code}{reason}: the refusal is "
            "not recorded in the EES (Reg. (EU) 2025/1534 Art 6). Record it in the national "
            "record, and cross out the entry stamp in the travel document with the letter "
            "of each reason beside it (Schengen Borders Code Art 14(2), Annex V Part A)."
        )


def biometrics_on_entry(
    crossing_point: CrossingPoint,
    request: CrossingRequest,
    kind: TravellerKind,
    document: MrzReading,
    today: date,
) -> tuple[FingerprintStatus, Completeness]:
    """EES Art 15, 17: a facial image for everyone; four fingerprints for visa-exempt
    travellers aged 12 or more, unless impossible. Where the crossing point does not
    require biometrics (progressive start, partial suspension), a file may be created
    without them and completed later."""
    capture = request.capture
    needs_fingers = fingerprints_required(kind, document.birth_date, today)
    excused = capture.fingerprint_status in _FINGER_EXCUSES
    required = (
        crossing_point.biometrics_required and crossing_point.suspension is SuspensionScope.NONE
    )
    require_one_hand(capture)
    missing: list[FieldError] = []
    if not capture.has_face:
        missing.append(FieldError("capture.face", "capture the facial image (Art 15)"))
    if needs_fingers and not excused and capture.fingers < 4:
        missing.append(
            FieldError(
                "capture.fingerprints",
                f"capture four fingerprints (Art 17(1)(c)); {capture.fingers} given, or mark "
                "them not applicable or temporarily impossible (Art 17(3)-(4))",
            )
        )
    if missing and required:
        raise MissingBiometrics(
            f"{crossing_point.code} requires biometrics for this traveller.", missing
        )
    if not needs_fingers:
        status = FingerprintStatus.NOT_REQUIRED
    elif excused:
        assert capture.fingerprint_status is not None  # noqa: S101 - excused implies a status
        status = capture.fingerprint_status
    elif capture.fingers >= 4:
        status = FingerprintStatus.CAPTURED
    else:
        status = FingerprintStatus.NOT_CAPTURED
    return status, Completeness.PENDING_BIOMETRICS if missing else Completeness.COMPLETE


def require_one_hand(capture: Capture) -> None:
    """EES Art 17(1)(c): the fingerprints given are fingers of one hand, right first."""
    problem = finger_positions_problem(t.modality for t in capture.templates)
    if problem is not None:
        raise FingerPositions(
            f"The fingerprints are not usable: give {problem}.",
            [FieldError("capture.fingerprints", problem)],
        )


def read_document(mrz: str, today: date, direction: Direction) -> MrzReading:
    """Read and validate the MRZ; an expired document cannot be used to enter."""
    reading = read_mrz(mrz, today)
    if not reading.valid:
        raise InvalidDocument(
            "The machine-readable zone is not valid: check the fields listed or scan again.",
            [FieldError(f"mrz.{e.field}", e.reason) for e in reading.errors]
            or [FieldError("mrz", "not a machine-readable zone")],
        )
    if direction is Direction.ENTRY and reading.expired:
        raise InvalidDocument(
            f"The travel document expired on {reading.expiry_date}; it is not valid for entry "
            "(refusal reason A).",
            [FieldError("mrz.expiry_date", f"expired on {reading.expiry_date}")],
        )
    return reading


def identity_of(document: MrzReading) -> IdentityData:
    """Identity data from a machine-readable zone."""
    assert document.surname is not None  # noqa: S101 - a valid MRZ has a surname
    given = Name.of(document.given_names) if document.given_names else None
    nationality = (document.nationality,) if document.nationality else ()
    sex = document.sex.value if document.sex is not None else None
    return IdentityData(Name.of(document.surname), given, document.birth_date, sex, nationality)


def travel_document_of(document: MrzReading) -> TravelDocument:
    """The travel document a machine-readable zone describes."""
    assert document.document_number is not None  # noqa: S101 - a valid MRZ has one
    assert document.issuing_state is not None  # noqa: S101 - a valid MRZ has one
    return TravelDocument(
        document_type=document.document_code or "P",
        number=document.document_number,
        issuing_state=document.issuing_state,
        expiry=document.expiry_date,
    )
