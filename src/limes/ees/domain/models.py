"""Values of the EES: individual files, entry/exit and refusal records, crossing points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from limes.shortstay import EntriesAllowed

# The zone of a crossing point nobody gave a zone: days are then UTC days.
DEFAULT_TIME_ZONE = "UTC"


class TravellerKind(StrEnum):
    """Whether the traveller needs a short-stay visa (EES Art 16) or not (Art 17)."""

    VISA_HOLDER = "visa_holder"
    VISA_EXEMPT = "visa_exempt"


class Direction(StrEnum):
    """Entry into or exit from the territory of the Member States."""

    ENTRY = "entry"
    EXIT = "exit"


class BorderType(StrEnum):
    """The kind of external border a crossing point is on."""

    AIR = "air"
    LAND = "land"
    SEA = "sea"


class FingerprintStatus(StrEnum):
    """Why an individual file does or does not hold fingerprints (EES Art 17(3)-(4))."""

    CAPTURED = "captured"
    NOT_REQUIRED = "not_required"  # visa holders (VIS holds them) and children under 12
    NOT_APPLICABLE = "not_applicable"  # physically impossible, Art 17(3)
    TEMPORARILY_IMPOSSIBLE = "temporarily_impossible"  # Art 17(4): retake at exit or next entry
    NOT_CAPTURED = "not_captured"  # progressive start or fall-back: to be completed later


class Completeness(StrEnum):
    """Whether a file holds the biometrics the law requires for it."""

    COMPLETE = "complete"
    PENDING_BIOMETRICS = "pending_biometrics"


class RecordSource(StrEnum):
    """How a record reached the EES."""

    EES = "ees"
    FALLBACK = "fallback"  # stored locally while the central system was down, Art 21
    STAMP = "stamp"  # rebuilt from a passport stamp, Art 22; Reg. (EU) 2025/1534 Art 5


class RefusalReason(StrEnum):
    """Reasons for refusal of entry: Schengen Borders Code (Reg. (EU) 2016/399) Annex V
    Part B, the standard form, letters A to I; J added by Reg. (EU) 2018/1240 (ETIAS)."""

    A = "A"  # no valid travel document
    B = "B"  # false, counterfeit or forged travel document
    C = "C"  # no valid visa or residence permit
    D = "D"  # false, counterfeit or forged visa or residence permit
    E = "E"  # no appropriate documentation justifying the purpose and conditions of stay
    F = "F"  # already stayed 90 days in the current 180-day period
    G = "G"  # no sufficient means of subsistence
    H = "H"  # alert for refusal of entry in the SIS or a national register
    I = "I"  # noqa: E741 - the letter of Annex V Part B; threat to public policy or security
    J = "J"  # no valid travel authorisation (added by Reg. (EU) 2018/1240)


# The wording of the standard form (SBC Annex V Part B), as the traveller reads it.
REFUSAL_REASON_TEXT: dict[RefusalReason, str] = {
    RefusalReason.A: "has no valid travel document(s)",
    RefusalReason.B: "has a false, counterfeit or forged travel document",
    RefusalReason.C: "has no valid visa or residence permit",
    RefusalReason.D: "has a false, counterfeit or forged visa or residence permit",
    RefusalReason.E: "has no appropriate documentation justifying the purpose and conditions of stay",
    RefusalReason.F: "has already stayed for 90 days during the current 180-day period on the territory of the Member States of the European Union",
    RefusalReason.G: "does not have sufficient means of subsistence in relation to the period and form of stay, or the means to return to the country of origin or transit",
    RefusalReason.H: "is a person for whom an alert has been issued for the purposes of refusing entry in the SIS or in the national register",
    RefusalReason.I: "is considered to be a threat to public policy, internal security, public health or the international relations of one or more of the Member States of the European Union",
    RefusalReason.J: "has no valid travel authorisation",
}


class EvidenceKind(StrEnum):
    """What proves that an overstay presumed by the EES did not happen (EES Art 20)."""

    EXIT_STAMP = "exit_stamp"  # another state's exit stamp in the travel document
    THIRD_COUNTRY_ENTRY_STAMP = "third_country_entry_stamp"  # entry into a third country
    BOARDING_PASS = "boarding_pass"  # noqa: S105 - a kind of evidence, not a secret
    TRANSPORT_TICKET = "transport_ticket"
    OTHER = "other"


class SuspensionScope(StrEnum):
    """How far the EES is suspended at a crossing point (Reg. (EU) 2025/1534 Art 5, 6)."""

    NONE = "none"
    PARTIAL = "partial"  # the EES runs, biometrics are not captured
    FULL = "full"  # no EES registration; stamping only


@dataclass(frozen=True, slots=True)
class VisaDetails:
    """A short-stay visa as recorded at entry (EES Art 16(2)(c)-(f))."""

    sticker_number: str
    valid_from: date
    valid_until: date
    duration_days: int
    entries: EntriesAllowed
    limited_territorial_validity: bool = False


@dataclass(frozen=True, slots=True)
class CrossingPoint:
    """A border crossing point and how the EES runs there."""

    code: str
    name: str
    country: str
    border_type: BorderType
    ees_active: bool = True
    biometrics_required: bool = True
    suspension: SuspensionScope = SuspensionScope.NONE
    suspension_reason: str | None = None
    changed_at: datetime | None = None
    changed_by: str | None = None
    # The IANA time zone of the crossing point: the day of a crossing is the local
    # calendar day there (EES Art 16(2)(a), Art 11; Schengen Borders Code Art 6(1)).
    time_zone: str = DEFAULT_TIME_ZONE

    def local_date(self, at: datetime) -> date:
        """The calendar day an instant falls on at this crossing point (EES Art 11)."""
        return at.astimezone(ZoneInfo(self.time_zone)).date()


@dataclass(frozen=True, slots=True)
class IndividualFile:
    """The EES individual file (Art 16(1), 17(1)); identity data live in the CIR."""

    file_id: str
    cir_id: str
    kind: TravellerKind
    fingerprint_status: FingerprintStatus
    completeness: Completeness
    created_at: datetime
    updated_at: datetime
    last_exit_or_refusal: date | None = None
    # The stored revision this copy was read at: a change decided on an older one is
    # refused, so two desks cannot silently undo each other's work.
    version: int = 1
    # A family member of a Union citizen at the last entry (Art 2(1)(b)): no calculator
    # (Art 11), no overstay flag (Art 12), one year's retention (Art 34(4)).
    family_member: bool = False


@dataclass(frozen=True, slots=True)
class EntryExitRecord:
    """An entry with, once the traveller leaves, its exit (Art 16(2)-(3), 17(2))."""

    record_id: str
    file_id: str
    entry_at: datetime
    entry_crossing_point: str
    authorised_stay_until: date
    source: RecordSource = RecordSource.EES
    visa: VisaDetails | None = None
    exit_at: datetime | None = None
    exit_crossing_point: str | None = None
    overstay_from: date | None = None
    rebuttal: str | None = None
    rebutted_at: datetime | None = None
    # Dates of the stamps affixed alongside during the transition (Reg. (EU) 2025/1534 Art 5).
    entry_stamp: date | None = None
    exit_stamp: date | None = None
    # The day an overstayer was told their data will be erased (Art 34(3)): told once.
    erasure_notice_on: date | None = None
    # What the rebuttal rests on (Art 20), and whether its exit date is the record's exit:
    # an exit set by rebuttal, not by a border check.
    rebuttal_kind: EvidenceKind | None = None
    exit_by_rebuttal: bool = False
    # The stored revision this copy was read at (see `IndividualFile.version`): an exit
    # decided before a rebuttal was stored must not erase the rebuttal.
    version: int = 1
    # The local calendar days of the entry and the exit at their crossing points: the
    # days the calculator counts (EES Art 11; Schengen Borders Code Art 6(1)).
    entry_date: date | None = None
    exit_date: date | None = None
    # Why a crossing recorded from the fall-back needs a person to look at it (Art 21).
    review_reason: str | None = None
    # How the exit reached the EES, when it was recorded (Art 21: fall-back).
    exit_source: RecordSource | None = None
    # Art 16(2): the authority that admitted the traveller, and the family-member status.
    # A family member's entry has no authorised stay (Art 11 does not apply): its
    # `authorised_stay_until` holds the entry day, from which Art 34(4) counts.
    authority: str | None = None
    family_member: bool = False

    @property
    def stay_limit(self) -> date | None:
        """The end of the authorised stay, or None for a family member (EES Art 11)."""
        return None if self.family_member else self.authorised_stay_until

    @property
    def is_open(self) -> bool:
        """Whether the traveller has not left yet."""
        return self.exit_at is None

    @property
    def entry_day(self) -> date:
        """The local day of the entry; the UTC day for a record kept without one."""
        return self.entry_date or self.entry_at.date()

    @property
    def exit_day(self) -> date | None:
        """The local day of the exit, if the traveller has left."""
        if self.exit_at is None:
            return None
        return self.exit_date or self.exit_at.date()


@dataclass(frozen=True, slots=True)
class RefusalRecord:
    """A refusal of entry (Art 18) with its Annex V Part B reasons."""

    record_id: str
    file_id: str
    refused_at: datetime
    crossing_point: str
    reasons: tuple[RefusalReason, ...]
    source: RecordSource = RecordSource.EES
    # The local calendar day of the refusal at its crossing point (EES Art 18).
    refused_on: date | None = None

    @property
    def refused_day(self) -> date:
        """The local day of the refusal; the UTC day for a record kept without one."""
        return self.refused_on or self.refused_at.date()

    authority: str | None = None  # Art 18: the authority that refused entry
