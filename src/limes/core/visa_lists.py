"""Who needs a visa to cross the external borders: Reg. (EU) 2018/1806 Annex I and II.

Nationals of the third countries in Annex I must hold a visa when crossing the
external borders (Art 3(1)); nationals of those in Annex II are exempt for stays of
no more than 90 days in any 180-day period (Art 4(1)). The lists are legal data:
each listing names its annex and part, the act that put it there and the days from
and until which it applies, so a change in the law is a new row, not a code edit.

The data start with the codification itself, applicable from 18 December 2018
(published OJ L 303, 28.11.2018, p. 39), and follow it as amended by:

* Reg. (EU) 2019/592: the United Kingdom in Annex II Part 1 and the British
  nationals who are not British citizens in Part 3, once Union law ceased to apply
  to the United Kingdom (the end of the transition period, 31 December 2020);
* Reg. (EU) 2023/850: Kosovo moved from Annex I Part 2 to Annex II Part 4, from
  1 January 2024;
* Delegated Reg. (EU) 2023/222 and (EU) 2024/2059 (suspension mechanism, Art 8):
  the exemption of Vanuatu nationals holding passports issued on or after
  25 May 2015 is suspended; that limit is kept as a note on the listing, since a
  machine-readable zone does not give the passport's issue date.

This is the state of the consolidated text of 4 August 2024 (CELEX 02018R1806-
20240804). Later amendments are not modelled here; add them as rows. A nationality
in neither annex (a Member State, a code of an organisation, a specimen) is not
listed: `visa_requirement` answers None and the caller decides.

ETIAS reads the same lists: a visa-exempt traveller (Annex II) needs a travel
authorisation (Reg. (EU) 2018/1240 Art 2(1)); `is_visa_exempt` is its entry point.

Countries are ICAO Doc 9303 codes. Kosovo prints `RKS` in its documents; `XKX`
(the ISO 3166 user-assigned code some systems use) is read as the same entity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CODIFICATION_APPLIES_FROM",
    "LISTS_AS_OF",
    "VISA_EXEMPTIONS",
    "VISA_LISTINGS",
    "Annex",
    "VisaExemption",
    "VisaExemptionRule",
    "VisaListing",
    "is_visa_exempt",
    "listings_on",
    "visa_requirement",
]

# The day of the consolidated text the lists follow (CELEX 02018R1806-20240804): the
# state of the lists for callers with no date of their own, such as the simulator.
LISTS_AS_OF = date(2024, 8, 4)

# Reg. (EU) 2018/1806 Art 13: in force on the twentieth day after its publication
# in the Official Journal of 28 November 2018.
CODIFICATION_APPLIES_FROM = date(2018, 12, 18)

ACT = "Reg. (EU) 2018/1806"
_UK_ACT = "Reg. (EU) 2019/592"
_KOSOVO_ACT = "Reg. (EU) 2023/850"


class Annex(StrEnum):
    """The annex of Reg. (EU) 2018/1806 that lists a third country."""

    VISA_REQUIRED = "I"  # Art 3(1): nationals must hold a visa at the external borders
    VISA_EXEMPT = "II"  # Art 4(1): exempt for stays of up to 90 days in any 180-day period


@dataclass(frozen=True, slots=True)
class VisaListing:
    """A third country (or entity) in one annex, from `since` until `until` inclusive."""

    code: str
    name: str
    annex: Annex
    part: int
    act: str
    since: date = CODIFICATION_APPLIES_FROM
    until: date | None = None
    note: str | None = None

    @property
    def visa_required(self) -> bool:
        """Whether nationals need a visa (Annex I)."""
        return self.annex is Annex.VISA_REQUIRED

    @property
    def article(self) -> str:
        """The article that attaches the consequence to the annex."""
        return f"{ACT} Art 3(1)" if self.visa_required else f"{ACT} Art 4(1)"

    @property
    def citation(self) -> str:
        """The annex, part and act, as a guard or a lawyer would cite them."""
        amended = "" if self.act == ACT else f", as amended by {self.act}"
        return f"{ACT} Annex {self.annex.value} Part {self.part}{amended}"

    @property
    def reference(self) -> str:
        """The article and the annex in one citation, e.g. "Art 3(1) and Annex I Part 1"."""
        article = "Art 3(1)" if self.visa_required else "Art 4(1)"
        amended = "" if self.act == ACT else f", as amended by {self.act}"
        return f"{ACT} {article} and Annex {self.annex.value} Part {self.part}{amended}"

    def applies_on(self, on: date) -> bool:
        """Whether the listing was in force on `on`."""
        return self.since <= on and (self.until is None or on <= self.until)


_BIOMETRIC = "the exemption applies only to holders of biometric passports"

# Annex I Part 1: states whose nationals need a visa (ICAO code, short name).
_ANNEX_I_STATES = """\
AFG Afghanistan
DZA Algeria
AGO Angola
ARM Armenia
AZE Azerbaijan
BHR Bahrain
BGD Bangladesh
BLR Belarus
BLZ Belize
BEN Benin
BTN Bhutan
BOL Bolivia
BWA Botswana
BFA Burkina Faso
BDI Burundi
KHM Cambodia
CMR Cameroon
CPV Cabo Verde
CAF Central African Republic
TCD Chad
CHN China
COM Comoros
COG Congo
COD Democratic Republic of the Congo
CIV Côte d'Ivoire
CUB Cuba
DJI Djibouti
DOM Dominican Republic
ECU Ecuador
EGY Egypt
GNQ Equatorial Guinea
ERI Eritrea
SWZ Eswatini
ETH Ethiopia
FJI Fiji
GAB Gabon
GMB Gambia
GHA Ghana
GIN Guinea
GNB Guinea-Bissau
GUY Guyana
HTI Haiti
IND India
IDN Indonesia
IRN Iran
IRQ Iraq
JAM Jamaica
JOR Jordan
KAZ Kazakhstan
KEN Kenya
KWT Kuwait
KGZ Kyrgyzstan
LAO Laos
LBN Lebanon
LSO Lesotho
LBR Liberia
LBY Libya
MDG Madagascar
MWI Malawi
MDV Maldives
MLI Mali
MRT Mauritania
MNG Mongolia
MAR Morocco
MOZ Mozambique
MMR Myanmar
NAM Namibia
NPL Nepal
NER Niger
NGA Nigeria
PRK North Korea
OMN Oman
PAK Pakistan
PNG Papua New Guinea
PHL Philippines
QAT Qatar
RUS Russia
RWA Rwanda
STP Sao Tome and Principe
SAU Saudi Arabia
SEN Senegal
SLE Sierra Leone
SOM Somalia
ZAF South Africa
SSD South Sudan
LKA Sri Lanka
SDN Sudan
SUR Suriname
SYR Syria
TJK Tajikistan
TZA Tanzania
THA Thailand
TGO Togo
TUN Tunisia
TUR Türkiye
TKM Turkmenistan
UGA Uganda
UZB Uzbekistan
VNM Viet Nam
YEM Yemen
ZMB Zambia
ZWE Zimbabwe
"""

# Annex II Part 1: states whose nationals are exempt (the United Kingdom is a row of its own).
_ANNEX_II_STATES = """\
ALB Albania
AND Andorra
ATG Antigua and Barbuda
ARG Argentina
AUS Australia
BHS Bahamas
BRB Barbados
BIH Bosnia and Herzegovina
BRA Brazil
BRN Brunei
CAN Canada
CHL Chile
COL Colombia
CRI Costa Rica
DMA Dominica
SLV El Salvador
GEO Georgia
GRD Grenada
GTM Guatemala
VAT Holy See
HND Honduras
ISR Israel
JPN Japan
KIR Kiribati
MYS Malaysia
MHL Marshall Islands
MUS Mauritius
MEX Mexico
FSM Micronesia
MDA Moldova
MCO Monaco
MNE Montenegro
NRU Nauru
NZL New Zealand
NIC Nicaragua
MKD North Macedonia
PLW Palau
PAN Panama
PRY Paraguay
PER Peru
KNA Saint Kitts and Nevis
LCA Saint Lucia
VCT Saint Vincent and the Grenadines
WSM Samoa
SMR San Marino
SRB Serbia
SYC Seychelles
SGP Singapore
SLB Solomon Islands
KOR South Korea
TLS Timor-Leste
TON Tonga
TTO Trinidad and Tobago
TUV Tuvalu
UKR Ukraine
ARE United Arab Emirates
USA United States
URY Uruguay
VUT Vanuatu
VEN Venezuela
"""

_ANNEX_II_NOTES: Mapping[str, str] = {
    "ALB": _BIOMETRIC,
    "BIH": _BIOMETRIC,
    "GEO": _BIOMETRIC,
    "MDA": _BIOMETRIC,
    "MKD": _BIOMETRIC,
    "MNE": _BIOMETRIC,
    "UKR": _BIOMETRIC,
    "SRB": _BIOMETRIC + "; not to holders of Serbian passports issued by the Serbian "
    "Coordination Directorate (Koordinaciona uprava)",
    "VUT": "suspended for holders of passports issued on or after 25 May 2015 "
    "(Delegated Reg. (EU) 2023/222, prolonged by Delegated Reg. (EU) 2024/2059)",
}


def _states(table: str, annex: Annex) -> list[VisaListing]:
    listings = []
    for line in table.splitlines():
        code, name = line.split(" ", 1)
        note = _ANNEX_II_NOTES.get(code) if annex is Annex.VISA_EXEMPT else None
        listings.append(VisaListing(code, name, annex, 1, ACT, note=note))
    return listings


_KOSOVO = "Kosovo (as defined by UN Security Council Resolution 1244 (1999))"

VISA_LISTINGS: tuple[VisaListing, ...] = (
    *_states(_ANNEX_I_STATES, Annex.VISA_REQUIRED),
    # Annex I Part 2: entities and territorial authorities not recognised as states
    # by at least one Member State.
    VisaListing("PSE", "Palestinian Authority", Annex.VISA_REQUIRED, 2, ACT),
    VisaListing("RKS", _KOSOVO, Annex.VISA_REQUIRED, 2, ACT, until=date(2023, 12, 31)),
    *_states(_ANNEX_II_STATES, Annex.VISA_EXEMPT),
    VisaListing(
        "GBR",
        "United Kingdom (excluding the British nationals of Part 3)",
        Annex.VISA_EXEMPT,
        1,
        _UK_ACT,
        since=date(2021, 1, 1),
    ),
    # Annex II Part 2: the Special Administrative Regions of the People's Republic of China.
    VisaListing(
        "HKG",
        "Hong Kong Special Administrative Region",
        Annex.VISA_EXEMPT,
        2,
        ACT,
        note="the exemption applies only to holders of a 'Hong Kong Special "
        "Administrative Region' passport",
    ),
    VisaListing(
        "MAC",
        "Macao Special Administrative Region",
        Annex.VISA_EXEMPT,
        2,
        ACT,
        note="the exemption applies only to holders of a 'Região Administrativa "
        "Especial de Macau' passport",
    ),
    # Annex II Part 3: British nationals who are not British citizens (ICAO nationality
    # classes of Doc 9303 Part 3 section 5).
    *(
        VisaListing(code, name, Annex.VISA_EXEMPT, 3, ACT)
        for code, name in (
            ("GBD", "British overseas territories citizens (BOTC)"),
            ("GBN", "British nationals (overseas)"),
            ("GBO", "British overseas citizens (BOC)"),
            ("GBP", "British protected persons (BPP)"),
            ("GBS", "British subjects (BS)"),
        )
    ),
    # Annex II Part 4: entities and territorial authorities not recognised as states
    # by at least one Member State.
    VisaListing(
        "TWN",
        "Taiwan",
        Annex.VISA_EXEMPT,
        4,
        ACT,
        note="the exemption applies only to holders of passports issued by Taiwan which "
        "include an identity card number",
    ),
    VisaListing("RKS", _KOSOVO, Annex.VISA_EXEMPT, 4, _KOSOVO_ACT, since=date(2024, 1, 1)),
)

_ALIASES: Mapping[str, str] = MappingProxyType({"XKX": "RKS"})


def _canonical(code: str) -> str:
    code = code.strip().upper()
    return _ALIASES.get(code, code)


def visa_requirement(nationality: str, on: date) -> VisaListing | None:
    """The listing of `nationality` in Reg. (EU) 2018/1806 on `on`, or None if unlisted.

    `listing.visa_required` is True for Annex I (Art 3(1)) and False for Annex II
    (Art 4(1)). None means the nationality is in neither annex on that day: a
    Member State or free-movement state, a code that is not a nationality, or a day
    before the codification applied.
    """
    code = _canonical(nationality)
    for listing in VISA_LISTINGS:
        if listing.code == code and listing.applies_on(on):
            return listing
    return None


def is_visa_exempt(nationality: str, on: date) -> bool:
    """Whether nationals of `nationality` were in Annex II on `on` (the ETIAS population)."""
    listing = visa_requirement(nationality, on)
    return listing is not None and not listing.visa_required


def listings_on(on: date, annex: Annex) -> tuple[VisaListing, ...]:
    """Every listing of `annex` in force on `on`, in the order of the data."""
    return tuple(x for x in VISA_LISTINGS if x.annex is annex and x.applies_on(on))


class VisaExemption(StrEnum):
    """An exemption from the visa requirement for a national of an Annex I country."""

    DIPLOMATIC_PASSPORT = "diplomatic_passport"
    CIVILIAN_CREW = "civilian_crew"
    SEAFARER_ASHORE = "seafarer_ashore"
    RESCUE_MISSION = "rescue_mission"
    SCHOOL_PUPIL = "school_pupil"


@dataclass(frozen=True, slots=True)
class VisaExemptionRule:
    """Who an exemption covers, its article, and whether a Member State must provide for it."""

    exemption: VisaExemption
    who: str
    article: str
    member_state_option: bool


VISA_EXEMPTIONS: Mapping[VisaExemption, VisaExemptionRule] = MappingProxyType(
    {
        rule.exemption: rule
        for rule in (
            VisaExemptionRule(
                VisaExemption.DIPLOMATIC_PASSPORT,
                "holders of diplomatic, service/official or special passports",
                f"{ACT} Art 6(1)(a)",
                True,
            ),
            VisaExemptionRule(
                VisaExemption.CIVILIAN_CREW,
                "civilian air and sea crew members in the performance of their duties",
                f"{ACT} Art 6(1)(b)",
                True,
            ),
            VisaExemptionRule(
                VisaExemption.SEAFARER_ASHORE,
                "civilian sea crew members going ashore who hold a seafarer's identity document",
                f"{ACT} Art 6(1)(c)",
                True,
            ),
            VisaExemptionRule(
                VisaExemption.RESCUE_MISSION,
                "the crew and members of emergency or rescue missions in the event of a "
                "disaster or accident",
                f"{ACT} Art 6(1)(d)",
                True,
            ),
            VisaExemptionRule(
                VisaExemption.SCHOOL_PUPIL,
                "school pupils residing in a Member State applying Council Decision "
                "94/795/JHA, on a school excursion accompanied by a teacher",
                f"{ACT} Art 4(2)(b)",
                False,
            ),
        )
    }
)
