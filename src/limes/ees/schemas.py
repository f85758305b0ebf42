"""Request and response shapes of the EES API."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from limes.biometrics.synthetic import DEMO_SEED, SyntheticBiometrics
from limes.biometrics.templates import RIGHT_HAND, BiometricTemplate, Modality
from limes.core.documents import read_mrz
from limes.core.errors import FieldError, InvalidRequest
from limes.core.limits import (
    MAX_CROSSING_POINT_CHARS,
    MAX_IDENTIFIER_CHARS,
    MAX_JUSTIFICATION_CHARS,
    MAX_MRZ_CHARS,
    MAX_STAMPED_STAYS,
    MAX_TEMPLATE_VECTOR_CHARS,
    MAX_TEMPLATES,
)
from limes.core.visa_lists import VisaExemption
from limes.ees.domain.assessment import StayAssessment
from limes.ees.domain.border import Capture, CrossingRequest
from limes.ees.domain.identification import IdentityDecision
from limes.ees.domain.models import (
    CrossingPoint,
    EntryExitRecord,
    FingerprintStatus,
    RefusalReason,
    RefusalRecord,
    TravellerKind,
    VisaDetails,
)
from limes.ees.domain.scope import ResidenceDocument, ScopeDecision, VisaStatus
from limes.ees.domain.stamps import StampedStay
from limes.ees.outcomes import BorderCheck, CrossingReceipt
from limes.shortstay import EntriesAllowed
from limes.shortstay.schemas import IsoDate

# The synthetic capture of the demo and the workstation: clearly labelled, never real.
_SYNTHETIC = SyntheticBiometrics(seed=DEMO_SEED)


def _entries(value: object) -> object:
    """ "1", "2", "multiple" and the sticker's spellings (1, 2, "MULT", "M").

    Anything else (a list, an object, a boolean) goes on to the enum's validation,
    which refuses it as a field error of `visa.entries`.
    """
    aliases: dict[object, str] = {1: "1", 2: "2", "MULT": "multiple", "M": "multiple"}
    if isinstance(value, str):
        return aliases.get(value.upper(), value)
    if isinstance(value, int) and not isinstance(value, bool):
        return aliases.get(value, value)
    return value


class VisaIn(BaseModel):
    """The short-stay visa as printed on the sticker (EES Art 16(2))."""

    model_config = ConfigDict(extra="forbid")

    sticker_number: str = Field(min_length=1, max_length=32)
    valid_from: IsoDate
    valid_until: IsoDate
    duration_days: int = Field(ge=1, le=90)
    entries: Annotated[EntriesAllowed, BeforeValidator(_entries)] = EntriesAllowed.MULTIPLE
    limited_territorial_validity: bool = False


class TemplateIn(BaseModel):
    """A biometric template: 512 little-endian float32 values, base64-encoded."""

    model_config = ConfigDict(extra="forbid")

    modality: Modality
    vector: str = Field(max_length=MAX_TEMPLATE_VECTOR_CHARS)
    quality: int = Field(ge=0, le=100)
    synthetic: bool = False


class CaptureIn(BaseModel):
    """What the desk captured."""

    model_config = ConfigDict(extra="forbid")

    templates: list[TemplateIn] = Field(default_factory=list, max_length=MAX_TEMPLATES)
    fingerprint_status: FingerprintStatus | None = Field(
        default=None,
        description="not_applicable or temporarily_impossible when fingers cannot be taken",
    )
    synthetic: bool = Field(
        default=False,
        description="Capture synthetic biometrics for this traveller on the server (demo only)",
    )


class StampedStayIn(BaseModel):
    """A stay the EES does not hold, shown by the stamps in the document (EES Art 22)."""

    model_config = ConfigDict(extra="forbid")

    entry_date: IsoDate = Field(description="The date of the entry stamp")
    entry_crossing_point: str = Field(
        min_length=1,
        max_length=MAX_CROSSING_POINT_CHARS,
        description="The crossing point the entry stamp names",
    )
    exit_date: IsoDate = Field(description="The date of the exit stamp")
    exit_crossing_point: str = Field(
        min_length=1,
        max_length=MAX_CROSSING_POINT_CHARS,
        description="The crossing point the exit stamp names",
    )
    on_visa: bool = Field(
        default=False,
        description="The traveller entered on the visa presented now: the stay uses one "
        "of its entries",
    )

    def to_domain(self) -> StampedStay:
        """The stay as the service takes it."""
        return StampedStay(
            self.entry_date,
            self.entry_crossing_point.strip().upper(),
            self.exit_date,
            self.exit_crossing_point.strip().upper(),
            self.on_visa,
        )


class IdentityDecisionIn(BaseModel):
    """The guard's decision on who the traveller is (EES Art 23(2)-(4), 27)."""

    model_config = ConfigDict(extra="forbid")

    confirmed_file_id: str | None = Field(
        default=None,
        max_length=MAX_IDENTIFIER_CHARS,
        description="The candidate file that is the traveller's: the document is added to it",
    )
    different_person: bool = Field(
        default=False, description="No candidate file is the traveller's: create a new file"
    )
    identity_confirmed_manually: bool = Field(
        default=False,
        description="The 1:1 verification failed and the identity was checked by other means",
    )
    reason: str = Field(
        default="",
        max_length=MAX_JUSTIFICATION_CHARS,
        description="How the identity was established; required with different_person "
        "and identity_confirmed_manually (logged, Art 46)",
    )

    def to_domain(self) -> IdentityDecision:
        """The service's decision."""
        return IdentityDecision(
            self.confirmed_file_id,
            self.different_person,
            self.identity_confirmed_manually,
            self.reason,
        )


class CrossingIn(BaseModel):
    """A traveller at the desk."""

    model_config = ConfigDict(extra="forbid")

    mrz: str = Field(
        min_length=1, max_length=MAX_MRZ_CHARS, description="The MRZ lines joined by \\n"
    )
    crossing_point: str = Field(
        min_length=1, max_length=MAX_CROSSING_POINT_CHARS, examples=["FRA-CDG"]
    )
    traveller_kind: TravellerKind | None = Field(
        default=None,
        description="Optional: the nationality decides it (Reg. (EU) 2018/1806 Annex I and "
        "II); a kind that contradicts the lists is refused",
    )
    visa: VisaIn | None = None
    capture: CaptureIn = Field(default_factory=CaptureIn)
    stamp_date: IsoDate | None = Field(
        default=None,
        description="The date of the stamp affixed alongside during the transition "
        "(Reg. (EU) 2025/1534 Art 5)",
    )
    stamped_stays: list[StampedStayIn] = Field(
        default_factory=list,
        max_length=MAX_STAMPED_STAYS,
        description="Earlier stays the EES does not hold, shown by the entry and exit "
        "stamps in the document: those of the 180 days preceding this crossing "
        "(EES Art 22; Reg. (EU) 2025/1534 Art 5(3)(a))",
    )
    family_member: bool = Field(
        default=False,
        description="A family member of a Union citizen without a residence card (EES Art "
        "2(1)(b)): registered without the calculator and the overstay flag",
    )
    residence_document: ResidenceDocument | None = Field(
        default=None,
        description="A residence card, residence permit or long-stay visa held: the EES "
        "does not register the traveller (EES Art 2(3))",
    )
    visa_exemption: VisaExemption | None = Field(
        default=None,
        description="An exemption from the visa requirement of Reg. (EU) 2018/1806 Art "
        "4(2) or 6(1) that applies to this Annex I national",
    )
    identity_decision: IdentityDecisionIn | None = Field(
        default=None,
        description="The guard's answer to candidate files or a failed verification "
        "(EES Art 23(2)-(4), 27)",
    )

    def to_domain(self, today: date) -> CrossingRequest:
        """The service's request; synthetic capture is keyed by the document."""
        visa = None
        if self.visa is not None:
            v = self.visa
            visa = VisaDetails(
                v.sticker_number,
                v.valid_from,
                v.valid_until,
                v.duration_days,
                v.entries,
                v.limited_territorial_validity,
            )
        templates = tuple(_template(i, t) for i, t in enumerate(self.capture.templates))
        if self.capture.synthetic:
            templates += _synthetic_capture(
                self.mrz, today, visa is not None, self.capture.fingerprint_status
            )
        return CrossingRequest(
            mrz=self.mrz,
            crossing_point=self.crossing_point,
            capture=Capture(templates, self.capture.fingerprint_status),
            visa=visa,
            traveller_kind=self.traveller_kind,
            stamp_date=self.stamp_date,
            stamped_stays=tuple(s.to_domain() for s in self.stamped_stays),
            identity_decision=(
                self.identity_decision.to_domain() if self.identity_decision else None
            ),
            sent_digest=self.sent_digest(),
            family_member=self.family_member,
            residence_document=self.residence_document,
            visa_exemption=self.visa_exemption,
        )

    def sent_digest(self) -> str:
        """SHA-256 of the body as sent: the canonical JSON of the validated input.

        A retry with the same Idempotency-Key is recognised by it, whatever the server
        generates for the request (a synthetic capture is new noise at every try).
        """
        # An absent identity decision leaves the digest of the body as it was before.
        unstated = {"identity_decision"} if self.identity_decision is None else None
        body = self.model_dump(mode="json", exclude=unstated)
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _template(index: int, template: TemplateIn) -> BiometricTemplate:
    try:
        vector = base64.b64decode(template.vector, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(
            "A template's vector is not base64.",
            [FieldError(f"capture.templates[{index}].vector", "give base64 of 512 float32 values")],
        ) from None
    if len(vector) != 2048:
        raise InvalidRequest(
            "A template has the wrong size.",
            [
                FieldError(
                    f"capture.templates[{index}].vector",
                    f"{len(vector)} bytes; a template is 512 float32 values (2048 bytes)",
                )
            ],
        )
    return BiometricTemplate(template.modality, vector, template.quality, template.synthetic)


def _synthetic_capture(
    mrz: str, today: date, visa_holder: bool, fingerprint_status: FingerprintStatus | None
) -> tuple[BiometricTemplate, ...]:
    reading = read_mrz(mrz, today)
    key = f"{reading.nationality}:{reading.document_number}"
    fingers = () if visa_holder or fingerprint_status is not None else RIGHT_HAND
    return _SYNTHETIC.capture_set(key, (Modality.FACE, *fingers))


def synthetic_person_key(nationality: str, document_number: str) -> str:
    """The key under which the demo's synthetic biometrics are made for a traveller."""
    return f"{nationality}:{document_number}"


class RefusalIn(CrossingIn):
    """A refusal of entry with its Annex V Part B reasons."""

    reasons: list[RefusalReason] = Field(
        min_length=1, max_length=len(RefusalReason), examples=[["F"]]
    )


class ExitIn(CrossingIn):
    """An exit; `stamp_entry_date` when the entry is only stamped (Art 22)."""

    stamp_entry_date: IsoDate | None = None


class TravellerPublic(BaseModel):
    """Identity and document data, as read from the MRZ."""

    surname: str | None
    given_names: str | None
    nationality: str | None
    birth_date: str | None
    sex: str | None
    document_code: str | None
    document_number: str | None
    issuing_state: str | None
    expiry_date: date | None
    expired: bool | None


class FilePublic(BaseModel):
    """The EES individual file."""

    file_id: str
    cir_id: str = Field(
        description="The traveller's identity file in the CIR: the record the MID links"
    )
    kind: str
    fingerprint_status: str
    completeness: str
    created_at: datetime
    family_member: bool = Field(
        default=False, description="A family member of a Union citizen (EES Art 2(1)(b))"
    )


class VerificationPublic(BaseModel):
    """The 1:1 biometric verification."""

    matched: bool | None
    explanation: str


class AssessmentPublic(BaseModel):
    """The automated calculator's verdict (EES Art 11)."""

    window: dict[str, date]
    days_used: int
    max_stay_days: int
    authorised_until: date | None
    overstay_days: int
    next_entry: dict[str, date | int] | None
    earlier_overstays: int
    explanation: str


class EntryPublic(BaseModel):
    """An entry/exit record."""

    record_id: str
    entry_at: datetime
    entry_crossing_point: str
    authorised_stay_until: date
    source: str
    visa_sticker_number: str | None
    exit_at: datetime | None
    exit_crossing_point: str | None
    overstay_from: date | None
    rebuttal: str | None
    entry_stamp: date | None = None
    exit_stamp: date | None = None
    entry_date: date = Field(description="The entry's local day at its crossing point (Art 11)")
    exit_date: date | None = Field(
        default=None, description="The exit's local day at its crossing point (Art 11)"
    )
    review_reason: str | None = Field(
        default=None, description="Why a fall-back crossing needs review (EES Art 21)"
    )
    exit_source: str | None = Field(
        default=None, description="How the exit reached the EES: ees or fallback (Art 21)"
    )
    # EES Art 20: what the rebuttal rests on, and whether it set the exit.
    rebuttal_kind: str | None = None
    exit_by_rebuttal: bool = False
    authority: str | None = Field(
        default=None, description="The authority that admitted the traveller (EES Art 16(2))"
    )
    family_member: bool = Field(
        default=False,
        description="Entered as a family member of a Union citizen (EES Art 2(1)(b)): no "
        "authorised stay is computed (Art 11) and no overstay is flagged (Art 12); "
        "authorised_stay_until is then the day of entry",
    )


class RefusalPublic(BaseModel):
    """A refusal record."""

    record_id: str
    refused_at: datetime
    crossing_point: str
    reasons: list[str]
    refused_on: date | None = Field(
        default=None, description="The refusal's local day at its crossing point"
    )
    authority: str | None = Field(
        default=None, description="The authority that refused entry (EES Art 18)"
    )


class ScopePublic(BaseModel):
    """Whether the EES registers the traveller (EES Art 2)."""

    registered: bool
    reason: str
    article: str
    explanation: str


class VisaRequirementPublic(BaseModel):
    """What the nationality says about the visa (Reg. (EU) 2018/1806 Annex I and II)."""

    visa_required: bool | None = Field(
        description="True: Annex I; false: Annex II; null: in neither annex"
    )
    annex: str | None
    listing: str | None = Field(description="The annex, part and act that list the nationality")
    traveller_kind: str
    visa_missing: bool = Field(
        description="A visa is required and none was given: refuse entry for reason C"
    )
    note: str | None


class CrossingPointPublic(BaseModel):
    """A crossing point and how the EES runs there."""

    code: str
    name: str
    country: str
    border_type: str
    ees_active: bool
    biometrics_required: bool
    suspension: str
    suspension_reason: str | None
    changed_at: datetime | None
    changed_by: str | None
    time_zone: str = Field(description="IANA time zone: it decides the day of a crossing")


class CandidatePublic(BaseModel):
    """A file that may be the traveller's, found by identity data or biometrics (Art 27)."""

    file_id: str
    surname: str
    given_names: str | None
    date_of_birth: str | None
    sex: str | None
    nationalities: list[str]
    documents: list[str]
    basis: list[str]
    reasons: list[str]


class BorderCheckPublic(BaseModel):
    """What the guard sees before deciding."""

    direction: str
    crossing_point: CrossingPointPublic
    traveller: TravellerPublic
    file: FilePublic | None
    verification: VerificationPublic | None
    assessment: AssessmentPublic | None
    entries: list[EntryPublic]
    refusals: list[RefusalPublic]
    warnings: list[str]
    scope: ScopePublic | None = None
    visa_requirement: VisaRequirementPublic | None = None
    candidates: list[CandidatePublic] = Field(
        default_factory=list,
        description="Files that may be the traveller's (EES Art 23(2)-(4), 27): confirm one "
        "or state a different person",
    )
    adds_document: bool = Field(
        default=False, description="The document is added to the confirmed file"
    )


class ReceiptPublic(BaseModel):
    """A recorded entry, exit or refusal."""

    record_id: str
    file_id: str
    created_file: bool
    replayed: bool
    queued: bool = False
    check: BorderCheckPublic | None


def crossing_point_public(cp: CrossingPoint) -> CrossingPointPublic:
    """A crossing point for the API."""
    return CrossingPointPublic(
        code=cp.code,
        name=cp.name,
        country=cp.country,
        border_type=cp.border_type.value,
        ees_active=cp.ees_active,
        biometrics_required=cp.biometrics_required,
        suspension=cp.suspension.value,
        suspension_reason=cp.suspension_reason,
        changed_at=cp.changed_at,
        changed_by=cp.changed_by,
        time_zone=cp.time_zone,
    )


def entry_public(r: EntryExitRecord) -> EntryPublic:
    """An entry/exit record for the API."""
    return EntryPublic(
        record_id=r.record_id,
        entry_at=r.entry_at,
        entry_crossing_point=r.entry_crossing_point,
        authorised_stay_until=r.authorised_stay_until,
        source=r.source.value,
        visa_sticker_number=r.visa.sticker_number if r.visa else None,
        exit_at=r.exit_at,
        exit_crossing_point=r.exit_crossing_point,
        overstay_from=r.overstay_from,
        rebuttal=r.rebuttal,
        entry_stamp=r.entry_stamp,
        exit_stamp=r.exit_stamp,
        entry_date=r.entry_day,
        exit_date=r.exit_day,
        review_reason=r.review_reason,
        exit_source=r.exit_source.value if r.exit_source else None,
        rebuttal_kind=r.rebuttal_kind.value if r.rebuttal_kind else None,
        exit_by_rebuttal=r.exit_by_rebuttal,
        authority=r.authority,
        family_member=r.family_member,
    )


def refusal_public(r: RefusalRecord) -> RefusalPublic:
    """A refusal record for the API."""
    return RefusalPublic(
        record_id=r.record_id,
        refused_at=r.refused_at,
        crossing_point=r.crossing_point,
        reasons=[reason.value for reason in r.reasons],
        refused_on=r.refused_day,
        authority=r.authority,
    )


def _assessment(a: StayAssessment) -> AssessmentPublic:
    return AssessmentPublic(
        window={"from": a.window.start, "to": a.window.end},
        days_used=a.days_used,
        max_stay_days=a.max_stay_days,
        authorised_until=a.authorised_until,
        overstay_days=a.overstay_days,
        next_entry=(
            {"date": a.next_entry.date, "days": a.next_entry.days} if a.next_entry else None
        ),
        earlier_overstays=a.earlier_overstays,
        explanation=a.explanation,
    )


def check_public(check: BorderCheck) -> BorderCheckPublic:
    """A border check for the API."""
    d = check.document
    cp = check.crossing_point
    f = check.individual_file
    return BorderCheckPublic(
        direction=check.direction.value,
        crossing_point=crossing_point_public(cp),
        traveller=TravellerPublic(
            surname=d.surname,
            given_names=d.given_names,
            nationality=d.nationality,
            birth_date=d.birth_date.isoformat() if d.birth_date else None,
            sex=d.sex.value if d.sex else None,
            document_code=d.document_code,
            document_number=d.document_number,
            issuing_state=d.issuing_state,
            expiry_date=d.expiry_date,
            expired=d.expired,
        ),
        file=(
            FilePublic(
                file_id=f.file_id,
                cir_id=f.cir_id,
                kind=f.kind.value,
                fingerprint_status=f.fingerprint_status.value,
                completeness=f.completeness.value,
                created_at=f.created_at,
                family_member=f.family_member,
            )
            if f
            else None
        ),
        verification=(
            VerificationPublic(
                matched=check.verification.matched, explanation=check.verification.explanation
            )
            if check.verification
            else None
        ),
        assessment=_assessment(check.assessment) if check.assessment else None,
        entries=[entry_public(r) for r in check.entries],
        refusals=[refusal_public(r) for r in check.refusals],
        warnings=list(check.warnings),
        candidates=[CandidatePublic.model_validate(c.as_dict()) for c in check.candidates],
        adds_document=check.adds_document,
        scope=_scope(check.scope) if check.scope else None,
        visa_requirement=_visa_requirement(check.visa_status) if check.visa_status else None,
    )


def _scope(scope: ScopeDecision) -> ScopePublic:
    return ScopePublic(
        registered=scope.registered,
        reason=scope.reason.value,
        article=scope.article,
        explanation=scope.explanation,
    )


def _visa_requirement(status: VisaStatus) -> VisaRequirementPublic:
    listing = status.listing
    return VisaRequirementPublic(
        visa_required=status.visa_required,
        annex=listing.annex.value if listing else None,
        listing=listing.citation if listing else None,
        traveller_kind=status.kind.value,
        visa_missing=status.visa_missing,
        note=status.note,
    )


def receipt_public(receipt: CrossingReceipt) -> ReceiptPublic:
    """A recorded crossing for the API."""
    return ReceiptPublic(
        record_id=receipt.record_id,
        file_id=receipt.file_id,
        created_file=receipt.created_file,
        replayed=receipt.replayed,
        check=check_public(receipt.check),
    )
