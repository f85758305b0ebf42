"""The border check's domain rules: the document, the traveller kind, biometrics."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.documents import MrzReading, read_mrz
from limes.core.errors import FieldError, InvalidDocument
from limes.core.identity import Name
from limes.ees.domain.errors import EesInactive, MissingBiometrics
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
    # The guard's decision on who the traveller is (EES Art 23(2)-(4), 27).
    identity_decision: IdentityDecision | None = None
    # A fingerprint of the request as the client sent it (the HTTP layer's canonical JSON
    # of the validated body). Data generated on the server for the request, such as a
    # synthetic capture, differs from one try to the next and must not be fingerprinted.
    sent_digest: str | None = None

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
            extra,
        ]
        if self.identity_decision is not None:
            # Only when stated, so that the digests of earlier requests stay as they were.
            parts.append(repr(self.identity_decision))
        parts += [
            f"{t.modality}:{hashlib.sha256(t.vector).hexdigest()}" for t in self.capture.templates
        ]
        parts.append(str(self.capture.fingerprint_status))
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def traveller_kind(request: CrossingRequest) -> TravellerKind:
    if request.traveller_kind is not None:
        return request.traveller_kind
    return TravellerKind.VISA_HOLDER if request.visa is not None else TravellerKind.VISA_EXEMPT


def require_active(crossing_point: CrossingPoint) -> None:
    if not crossing_point.ees_active or crossing_point.suspension is SuspensionScope.FULL:
        reason = (
            f" ({crossing_point.suspension_reason})" if crossing_point.suspension_reason else ""
        )
        raise EesInactive(
            f"The EES is not in operation at {crossing_point.code}{reason}: stamp the "
            "travel document instead (Reg. (EU) 2025/1534)."
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
