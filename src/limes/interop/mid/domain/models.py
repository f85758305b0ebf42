"""Values of the MID: record references, links, verifications, identity confirmation files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from limes.core.limits import excerpt
from limes.interop.mid.domain.errors import UnknownSystem


class LinkColour(StrEnum):
    """The colour of a link between data of two systems (Art 30-33)."""

    WHITE = "white"  # Art 33: the same person, legitimately
    YELLOW = "yellow"  # Art 30: pending manual verification
    GREEN = "green"  # Art 31: different persons, legitimately
    RED = "red"  # Art 32: unjustified use of identities


class LinkedSystem(StrEnum):
    """The systems whose data the MID links (2019/817 and 2019/818, Art 25(2))."""

    EES = "ees"
    VIS = "vis"
    ETIAS = "etias"
    EURODAC = "eurodac"
    SIS = "sis"
    ECRIS_TCN = "ecris_tcn"


class BiometricOutcome(StrEnum):
    """What the shared biometric matching service found for the two records (Art 27(1))."""

    SAME = "same"
    DIFFERENT = "different"
    # At least one record holds no biometrics comparable with the other's.
    ABSENT = "absent"


def linked_system(system: str) -> LinkedSystem:
    """The system named by `system`, or UnknownSystem when the MID does not link it (Art 25(2))."""
    try:
        return LinkedSystem(system)
    except ValueError:
        known = ", ".join(s.value for s in LinkedSystem)
        raise UnknownSystem(
            f"system {excerpt(system)} is not linked by the MID; use one of {known}"
        ) from None


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A reference to linked data in one system: the system and its opaque record id (Art 34(b))."""

    system: str
    record_id: str

    def __post_init__(self) -> None:
        linked_system(self.system)
        if not self.record_id.strip():
            raise UnknownSystem(f"a {self.system} record reference needs a record id")

    def __str__(self) -> str:
        return f"{self.system}:{self.record_id}"


@dataclass(frozen=True, slots=True)
class Verification:
    """A recorded manual-verification decision on a link (Art 29, 31-33).

    Attributes:
        decided_by: the officer's opaque user id.
        authority: the code of the authority the officer acted for.
        decided_at: when the decision was taken, timezone-aware UTC.
        colour: the colour decided: green, red or white.
        justification: why; required for red (Art 32).
    """

    decided_by: str
    authority: str
    decided_at: datetime
    colour: LinkColour
    justification: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link between data of two systems with the trail of why it has its colour (Art 28-33).

    Attributes:
        link_id: opaque identifier.
        a: one linked record.
        b: the other linked record.
        colour: white, yellow, green or red.
        reasons: human-readable reasons, oldest first (match explanation, biometric
            score, the rule that set the colour, decisions).
        created_at: when the link was created (Art 34(e)).
        updated_at: when it last changed (Art 34(e)).
        responsible_authority: code of the authority responsible under Art 29.
        verification: the manual-verification decision, if any.
    """

    link_id: str
    a: RecordRef
    b: RecordRef
    colour: LinkColour
    reasons: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    responsible_authority: str
    verification: Verification | None = None

    def __post_init__(self) -> None:
        # These states cannot arise from the rules; building one is a programming error.
        if self.a == self.b:
            raise ValueError(f"a link needs two different records, got {self.a} twice")
        if self.created_at.tzinfo is None or self.updated_at.tzinfo is None:
            raise ValueError("link instants must be timezone-aware")
        if self.updated_at < self.created_at:
            raise ValueError("a link cannot be updated before it was created")
        if self.verification is not None and self.verification.colour is not self.colour:
            raise ValueError("a verified link has the colour its verification decided")
        if self.colour is LinkColour.YELLOW and self.verification is not None:
            raise ValueError("a verified link is no longer yellow")

    def records(self) -> frozenset[RecordRef]:
        """Both linked records."""
        return frozenset((self.a, self.b))


@dataclass(frozen=True, slots=True)
class IdentityConfirmationFile:
    """The identity confirmation file (Art 34).

    Attributes:
        icf_id: opaque identifier of the file.
        single_identification_number: the number that retrieves the linked data (Art 34(c)).
        links: the links, each with its references and dates (Art 34(a), (b), (e)).
        responsible_authority: the authority responsible for manual verification (Art 34(d));
            limes keeps the one of the latest link, the authority a data subject should contact.
        created_at: when the file was created.
        updated_at: when a link was last added or updated (Art 34(e)).
    """

    icf_id: str
    single_identification_number: str
    links: tuple[Link, ...]
    responsible_authority: str
    created_at: datetime
    updated_at: datetime

    def records(self) -> frozenset[RecordRef]:
        """Every record any link of the file refers to."""
        return frozenset(r for link in self.links for r in (link.a, link.b))


class AuthorityKind(StrEnum):
    """The kinds of authority Art 29 makes responsible for manual verification."""

    BORDER = "border_authority"  # Art 29(1)(a): EES file created or updated
    VISA = "visa_authority"  # Art 29(1)(b): VIS application file
    VIS_DESIGNATED = "vis_designated_authority"  # VIS matches against ECRIS-TCN
    ETIAS_CENTRAL_UNIT = "etias_central_unit"  # Art 29(1)(c)
    ETIAS_NATIONAL_UNIT = "etias_national_unit"  # Art 29(1)(c), Member State responsible
    SIRENE = "sirene_bureau"  # Art 29(1)(d) and 29(2)
    ECRIS_CENTRAL_AUTHORITY = "ecris_central_authority"  # 2019/818 Art 29: convicting MS
    EURODAC_AUTHORITY = "eurodac_authority"  # limes' reading: the MS recording the Eurodac data


AUTHORITY_LABELS: dict[AuthorityKind, str] = {
    AuthorityKind.BORDER: "Border authority",
    AuthorityKind.VISA: "Visa authority",
    AuthorityKind.VIS_DESIGNATED: "Designated VIS authority",
    AuthorityKind.ETIAS_CENTRAL_UNIT: "ETIAS Central Unit",
    AuthorityKind.ETIAS_NATIONAL_UNIT: "ETIAS National Unit",
    AuthorityKind.SIRENE: "SIRENE Bureau",
    AuthorityKind.ECRIS_CENTRAL_AUTHORITY: "ECRIS-TCN central authority",
    AuthorityKind.EURODAC_AUTHORITY: "Eurodac authority",
}


@dataclass(frozen=True, slots=True)
class ResponsibleAuthority:
    """An authority responsible for manual verification (Art 29), with a stable code.

    The code is `kind` or `kind:STATE` (ICAO alpha-3), e.g. "sirene_bureau:DEU"; a link
    stores the code, and `parse` turns it back into the value.
    """

    kind: AuthorityKind
    member_state: str | None = None

    @property
    def code(self) -> str:
        """The stable identifier stored on links and files."""
        return self.kind.value if self.member_state is None else f"{self.kind}:{self.member_state}"

    @property
    def label(self) -> str:
        """A readable name, e.g. "SIRENE Bureau of DEU"."""
        base = AUTHORITY_LABELS[self.kind]
        return base if self.member_state is None else f"{base} of {self.member_state}"

    @classmethod
    def parse(cls, code: str) -> ResponsibleAuthority:
        """The authority a stored code names; ValueError when it names none."""
        kind, _, state = code.partition(":")
        return cls(AuthorityKind(kind), state or None)

    def __str__(self) -> str:
        return self.code
