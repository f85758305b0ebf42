"""Who the EES registers, and whether they need a visa (EES Art 2; Reg. (EU) 2018/1806).

Two questions are answered here from the travel document's nationality and what
the guard states about the traveller, before anything is stored:

* is the traveller registered at all (`ees_scope`), and as a family member of a
  Union citizen, to whom the calculator, the overstay flag and the three-year
  retention do not apply;
* is the traveller a visa holder or visa-exempt (`visa_status`): the nationality
  decides, through the annexes of Reg. (EU) 2018/1806, not whether a visa was shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from limes.core.countries import CountryKind, country
from limes.core.free_movement import (
    MICROSTATES,
    FreeMovementBasis,
    free_movement_status,
    is_microstate_national,
)
from limes.core.visa_lists import VISA_EXEMPTIONS, VisaExemption, VisaListing, visa_requirement
from limes.ees.domain.models import TravellerKind

EES_ACT = "Reg. (EU) 2017/2226"


class ResidenceDocument(StrEnum):
    """A document whose holder the EES does not register (EES Art 2(3))."""

    RESIDENCE_CARD = "residence_card"  # Directive 2004/38/EC, family members of Union citizens
    RESIDENCE_PERMIT = "residence_permit"  # Schengen Borders Code Art 2(16)
    LONG_STAY_VISA = "long_stay_visa"  # a national (type D) visa


_RESIDENCE_DOCUMENT_TEXT: dict[ResidenceDocument, str] = {
    ResidenceDocument.RESIDENCE_CARD: "holds a residence card under Directive 2004/38/EC",
    ResidenceDocument.RESIDENCE_PERMIT: "holds a residence permit of a Member State",
    ResidenceDocument.LONG_STAY_VISA: "holds a long-stay visa",
}


class ScopeReason(StrEnum):
    """Why the EES does or does not register a traveller."""

    THIRD_COUNTRY_NATIONAL = "third_country_national"
    FAMILY_MEMBER = "family_member"
    UNION_CITIZEN = "union_citizen"
    FREE_MOVEMENT = "free_movement"
    MICROSTATE = "microstate"
    RESIDENCE_DOCUMENT = "residence_document"


@dataclass(frozen=True, slots=True)
class ScopeDecision:
    """Whether the EES registers the traveller, why, and under which article."""

    registered: bool
    reason: ScopeReason
    article: str
    explanation: str

    @property
    def family_member(self) -> bool:
        """A family member of a Union citizen: registered, without calculator or overstay."""
        return self.reason is ScopeReason.FAMILY_MEMBER


def _name(code: str) -> str:
    found = country(code)
    return found.name if found else code


def ees_scope(
    nationality: str | None,
    issuing_state: str | None,
    on: date,
    residence_document: ResidenceDocument | None = None,
    family_member: bool = False,
) -> ScopeDecision:
    """EES Art 2: whether the EES registers this traveller on `on`, and why.

    Not registered: citizens of the Union and persons enjoying equivalent rights of
    free movement (nationals of Iceland, Liechtenstein, Norway, Switzerland), who
    are not third-country nationals (Art 2(1) with the definition in Art 3(1));
    holders of a residence card, a residence permit or a long-stay visa, and
    nationals of Andorra, Monaco and San Marino and holders of a passport issued by
    the Vatican City State (Art 2(3)). Family members of a Union citizen who hold no
    residence card are registered (Art 2(1)(b)), without the calculator (Art 11) and
    the overstay flag (Art 12), and kept one year (Art 34(4)).
    """
    status = free_movement_status(nationality, on) if nationality else None
    if status is not None:
        union = status.basis is FreeMovementBasis.UNION_CITIZEN
        who = (
            "a citizen of the Union (Art 20(1) TFEU)"
            if union
            else f"a national of {status.name}, enjoying free movement under the {status.act}"
        )
        return ScopeDecision(
            False,
            ScopeReason.UNION_CITIZEN if union else ScopeReason.FREE_MOVEMENT,
            f"{EES_ACT} Art 2(1), Art 3(1)",
            f"A {_name(status.state)} passport: the traveller is {who}. The EES registers "
            f"third-country nationals only ({EES_ACT} Art 2(1) and Art 3(1)): record "
            "nothing in the EES.",
        )
    if is_microstate_national(nationality, issuing_state):
        state = nationality if nationality in MICROSTATES and nationality != "VAT" else "VAT"
        what = (
            "holds a passport issued by the Vatican City State"
            if state == "VAT"
            else f"is a national of {MICROSTATES[state]}"
        )
        return ScopeDecision(
            False,
            ScopeReason.MICROSTATE,
            f"{EES_ACT} Art 2(3)",
            f"The traveller {what}: the EES does not apply ({EES_ACT} Art 2(3)). Record "
            "nothing in the EES.",
        )
    if residence_document is not None:
        return ScopeDecision(
            False,
            ScopeReason.RESIDENCE_DOCUMENT,
            f"{EES_ACT} Art 2(3)",
            f"The traveller {_RESIDENCE_DOCUMENT_TEXT[residence_document]}: the EES does "
            f"not apply to holders of residence cards, residence permits or long-stay "
            f"visas ({EES_ACT} Art 2(3)). Record nothing in the EES.",
        )
    if family_member:
        return ScopeDecision(
            True,
            ScopeReason.FAMILY_MEMBER,
            f"{EES_ACT} Art 2(1)(b)",
            "A family member of a Union citizen without a residence card: registered "
            f"({EES_ACT} Art 2(1)(b)), but the calculator (Art 11) and the overstay flag "
            "(Art 12) do not apply, and the records are kept one year (Art 34(4)).",
        )
    return ScopeDecision(
        True,
        ScopeReason.THIRD_COUNTRY_NATIONAL,
        f"{EES_ACT} Art 2(1)",
        "A third-country national: registered in the EES.",
    )


@dataclass(frozen=True, slots=True)
class VisaStatus:
    """What the nationality says about the visa, and the traveller kind that follows."""

    kind: TravellerKind
    listing: VisaListing | None
    visa_missing: bool
    note: str | None
    # Whom the listing concerns and the provision that applies it, for the guard's
    # messages: "nationals of India", "Reg. (EU) 2018/1806 Art 3(1) and Annex I Part 1".
    who: str = ""
    basis: str = ""

    @property
    def visa_required(self) -> bool | None:
        """True for Annex I, False for Annex II, None when the nationality is unlisted."""
        return None if self.listing is None else self.listing.visa_required


# ICAO Doc 9303 codes of refugees and stateless persons (XXA, XXB, XXC).
_REFUGEE_OR_STATELESS = frozenset({CountryKind.REFUGEE, CountryKind.STATELESS})


def _refugee_listing(
    nationality: str | None, issuing_state: str | None, on: date
) -> VisaListing | None:
    """Reg. (EU) 2018/1806 Art 3(2): a refugee or stateless person needs a visa when the
    third country of residence that issued the travel document is in Annex I."""
    holder = country(nationality) if nationality else None
    if holder is None or holder.kind not in _REFUGEE_OR_STATELESS or not issuing_state:
        return None
    listing = visa_requirement(issuing_state, on)
    return listing if listing is not None and listing.visa_required else None


def visa_status(
    nationality: str | None,
    on: date,
    visa_presented: bool,
    exemption: VisaExemption | None = None,
    issuing_state: str | None = None,
) -> VisaStatus:
    """Reg. (EU) 2018/1806 Art 3-6: the traveller kind from the nationality (EES Art 16, 17).

    * Annex I (Art 3(1)): a visa holder. Without a visa, `visa_missing` is set
      (refusal reason C, Schengen Borders Code Annex V Part B) unless an exemption
      the law knows is stated (Art 4(2), 6(1)): then the traveller is recorded as
      visa-exempt, with fingerprints (EES Art 17).
    * Annex II (Art 4(1)): visa-exempt. A visa shown anyway (a Member State may
      require one for a paid activity, Art 6(3)) is recorded as shown, with a note.
    * A refugee or stateless person (ICAO XXA, XXB, XXC) whose travel document was
      issued by an Annex I country: as Annex I (Art 3(2)).
    * Neither annex: the lists do not decide; the visa shown decides, with a note.
    """
    listing = visa_requirement(nationality, on) if nationality else None
    who = f"nationals of {listing.name}" if listing else ""
    basis = listing.reference if listing else ""
    refugee = _refugee_listing(nationality, issuing_state, on) if listing is None else None
    if refugee is not None:
        listing = refugee
        who = (
            f"refugees and stateless persons whose travel document {refugee.name}, "
            "their country of residence, issued"
        )
        basis = f"Reg. (EU) 2018/1806 Art 3(2) and Annex I Part {refugee.part}"
    if listing is None:
        kind = TravellerKind.VISA_HOLDER if visa_presented else TravellerKind.VISA_EXEMPT
        note = (
            f"The nationality {nationality or '(none)'} is in neither annex of Reg. (EU) "
            "2018/1806: the visa requirement follows the documents shown."
        )
        return VisaStatus(kind, None, False, note)
    if listing.visa_required:
        if visa_presented:
            return VisaStatus(TravellerKind.VISA_HOLDER, listing, False, None, who, basis)
        if exemption is not None:
            rule = VISA_EXEMPTIONS[exemption]
            option = " where the Member State provides for it" if rule.member_state_option else ""
            note = (
                f"A visa is required for {who} ({basis}); exempt as one of "
                f"{rule.who} ({rule.article}){option}."
            )
            return VisaStatus(TravellerKind.VISA_EXEMPT, listing, False, note, who, basis)
        note = (
            f"A visa is required for {who} ({basis}) and none was presented: refuse entry "
            "for reason C (no valid visa) unless the traveller is exempt."
        )
        return VisaStatus(TravellerKind.VISA_HOLDER, listing, True, note, who, basis)
    if visa_presented:
        note = (
            f"{listing.name} is visa-exempt ({listing.citation}); the visa shown is recorded "
            "(a Member State may require one for a paid activity, Reg. (EU) 2018/1806 Art 6(3))."
        )
        return VisaStatus(TravellerKind.VISA_HOLDER, listing, False, note, who, basis)
    return VisaStatus(TravellerKind.VISA_EXEMPT, listing, False, None, who, basis)
