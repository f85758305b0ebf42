"""Request and response shapes of the CIR API (Reg. (EU) 2019/817 Art 20, 22, 24).

The request models check JSON types only; what the law or the template format asks
(a ground, a purpose, live capture, the child's age, a well-formed template) is
checked by the service, or when the request is turned into the service's, so that
every refusal is logged (Art 24) and says what to fix.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from limes.access.models import User
from limes.core.errors import FieldError
from limes.core.identity import Name, PartialDate
from limes.core.limits import (
    MAX_DOCUMENT_NUMBER_CHARS,
    MAX_PURPOSE_CHARS,
    MAX_TEMPLATE_VECTOR_CHARS,
    MAX_TEMPLATES,
)
from limes.interop.cir.errors import MalformedTemplate
from limes.interop.cir.hit_flag import HitFlag
from limes.interop.cir.logs import AccessLogEntry
from limes.interop.cir.models import BiometricTemplate, Modality, TravelDocument
from limes.interop.cir.police import Identification, IdentificationGround, IdentificationRequest
from limes.interop.cir.search import DocumentRef

__all__ = [
    "AccessLogEntryPublic",
    "HitFlagIn",
    "HitFlagPublic",
    "IdentificationIn",
    "IdentificationPublic",
    "access_log_entry_public",
    "hit_flag_public",
    "identification_public",
]

_MODALITIES = [modality.value for modality in Modality]
_GROUNDS = [ground.value for ground in IdentificationGround]
# Documented as enums in the OpenAPI, read as text: an unknown value is then refused,
# and logged, by the service rather than by the JSON validation.
_MODALITY_ENUM: dict[str, JsonValue] = {"enum": list[JsonValue](_MODALITIES)}
_GROUND_ENUM: dict[str, JsonValue] = {"enum": list[JsonValue](_GROUNDS)}


class TemplateIn(BaseModel):
    """A biometric template, as elsewhere in the API: 512 little-endian float32 values, base64."""

    model_config = ConfigDict(extra="forbid")

    modality: str = Field(max_length=32, json_schema_extra=_MODALITY_ENUM)
    vector: str = Field(
        max_length=MAX_TEMPLATE_VECTOR_CHARS,
        description="base64 of 512 little-endian float32 values (2048 bytes)",
    )
    quality: int = Field(description="The capture's quality score, 0-100")
    synthetic: bool = False


class DocumentIn(BaseModel):
    """The travel document the person presented, if any."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=MAX_DOCUMENT_NUMBER_CHARS)
    issuing_state: str = Field(min_length=1, max_length=3, examples=["UKR"])

    def to_domain(self) -> DocumentRef:
        """The document as the service searches it."""
        return DocumentRef(self.number.strip().upper(), self.issuing_state.strip().upper())


class _Query(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(
        "",
        max_length=MAX_PURPOSE_CHARS,
        description="Why the query is made, for the access log (Art 24); a query without one is refused",
    )
    probes: list[TemplateIn] = Field(default_factory=list, max_length=MAX_TEMPLATES)
    document: DocumentIn | None = None

    def stated_fields(self) -> tuple[str, ...]:
        """The kinds of data the request names, for the log of a refusal before the search."""
        modalities = sorted({probe.modality for probe in self.probes})
        fields = [f"biometric:{modality}" for modality in modalities]
        if self.document is not None:
            fields.append("travel_document")
        return tuple(fields)

    def templates(self) -> tuple[BiometricTemplate, ...]:
        """The probes as templates; `MalformedTemplate` names the one to fix."""
        return tuple(_template(index, probe) for index, probe in enumerate(self.probes))


class IdentificationIn(_Query):
    """A police identification request (Reg. (EU) 2019/817 Art 20)."""

    ground: str | None = Field(
        None,
        max_length=64,
        description="The Art 20(1) ground of the query",
        json_schema_extra=_GROUND_ENUM,
    )
    captured_live: bool = Field(
        False,
        description="Whether the probes were taken live, in the person's presence (Art 20(1)); "
        "required",
    )
    estimated_age: int | None = Field(None, description="The person's age in years, estimated")
    date_of_birth: str | None = Field(
        None, max_length=10, description="The date of birth given: YYYY, YYYY-MM or YYYY-MM-DD"
    )
    in_childs_interest: bool = Field(
        False,
        description="State that querying a child under 12 is in the child's best interest (Art 20(1))",
    )

    def to_domain(self, user: User) -> IdentificationRequest:
        """The service's request, for the signed-in officer's authority."""
        born = (
            PartialDate.parse(self.date_of_birth, field="date_of_birth")
            if self.date_of_birth is not None
            else None
        )
        return IdentificationRequest(
            authority=user.authority,
            purpose=self.purpose,
            ground=self.ground,
            captured_live=self.captured_live,
            probes=self.templates(),
            estimated_age=self.estimated_age,
            date_of_birth=born,
            in_childs_interest=self.in_childs_interest,
            document=self.document.to_domain() if self.document is not None else None,
            user_id=user.user_id,
        )


class HitFlagIn(_Query):
    """A designated authority's query of the CIR (Reg. (EU) 2019/817 Art 22): a document,
    templates, or both."""


def _template(index: int, template: TemplateIn) -> BiometricTemplate:
    where = f"probes[{index}]"
    try:
        modality = Modality(template.modality)
    except ValueError:
        reason = f"unknown modality {template.modality!r}; use one of: {', '.join(_MODALITIES)}"
        raise MalformedTemplate(
            f"{where}.modality: {reason}", [FieldError(f"{where}.modality", reason)]
        ) from None
    try:
        vector = base64.b64decode(template.vector, validate=True)
    except (binascii.Error, ValueError):
        reason = "not base64; give base64 of 512 little-endian float32 values"
        raise MalformedTemplate(
            f"{where}.vector: {reason}", [FieldError(f"{where}.vector", reason)]
        ) from None
    return BiometricTemplate(modality, vector, template.quality, template.synthetic)


class IdentityDataPublic(BaseModel):
    """Identity data of a file (Reg. (EU) 2019/817 Art 18(1)): names as entered and in MRZ form."""

    surname: str
    surname_mrz: str
    given_names: str | None
    given_names_mrz: str | None
    date_of_birth: str | None = Field(
        description="YYYY, YYYY-MM or YYYY-MM-DD, as precise as known"
    )
    sex: str | None
    nationalities: list[str]


class TravelDocumentPublic(BaseModel):
    """Travel-document data of a file (Reg. (EU) 2019/817 Art 18(1))."""

    document_type: str
    number: str
    issuing_state: str
    expiry: date | None


class IdentifiedPersonPublic(BaseModel):
    """A file that matched: its data and the system that holds it (Art 18(2), 20(3))."""

    system: str
    identity: IdentityDataPublic
    documents: list[TravelDocumentPublic]


class IdentificationPublic(BaseModel):
    """The outcome of a police identification (Art 20(3)), with the reasons for the officer."""

    identified: bool
    persons: list[IdentifiedPersonPublic]
    explanation: list[str]


class HitFlagPublic(BaseModel):
    """Which systems hold data on the person, never the data (Reg. (EU) 2019/817 Art 22(2))."""

    flagged: bool
    systems: list[str]
    explanation: list[str]


class AccessLogEntryPublic(BaseModel):
    """One logged CIR query (Reg. (EU) 2019/817 Art 24): no personal data of the person."""

    at: datetime
    operation: str
    authority: str
    user_id: str | None
    purpose: str
    ground: str | None
    query_fields: list[str]
    outcome: str
    result_references: list[str] = Field(description="The CIR files that answered")


def _name_mrz(name: Name | None) -> tuple[str | None, str | None]:
    return (name.original, name.mrz) if name is not None else (None, None)


def identification_public(identification: Identification) -> IdentificationPublic:
    """The identification as the API shows it: identity and document data, and the system."""
    persons = []
    for person in identification.persons:
        identity = person.identity
        given, given_mrz = _name_mrz(identity.given_names)
        born = identity.date_of_birth
        persons.append(
            IdentifiedPersonPublic(
                system=person.system.value,
                identity=IdentityDataPublic(
                    surname=identity.surname.original,
                    surname_mrz=identity.surname.mrz,
                    given_names=given,
                    given_names_mrz=given_mrz,
                    date_of_birth=born.isoformat() if born is not None else None,
                    sex=identity.sex,
                    nationalities=list(identity.nationalities),
                ),
                documents=[_document_public(document) for document in person.documents],
            )
        )
    return IdentificationPublic(
        identified=identification.identified,
        persons=persons,
        explanation=list(identification.explanation),
    )


def _document_public(document: TravelDocument) -> TravelDocumentPublic:
    return TravelDocumentPublic(
        document_type=document.document_type,
        number=document.number,
        issuing_state=document.issuing_state,
        expiry=document.expiry,
    )


def hit_flag_public(flag: HitFlag) -> HitFlagPublic:
    """The hit flag as the API shows it."""
    return HitFlagPublic(
        flagged=flag.flagged,
        systems=[system.value for system in flag.systems],
        explanation=list(flag.explanation),
    )


def access_log_entry_public(entry: AccessLogEntry) -> AccessLogEntryPublic:
    """A log entry as the API shows it."""
    return AccessLogEntryPublic(
        at=entry.at,
        operation=entry.operation,
        authority=entry.authority,
        user_id=entry.user_id,
        purpose=entry.purpose,
        ground=entry.ground,
        query_fields=list(entry.query_fields),
        outcome=entry.outcome,
        result_references=list(entry.result_references),
    )
