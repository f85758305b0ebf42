"""Country codes of travel documents: ICAO Doc 9303 Part 3 section 5 and ISO 3166-1.

Every code a machine-readable zone may hold in its issuing-state or nationality
field is here, with an English short name and a `CountryKind`:

* the ISO 3166-1 alpha-3 codes, with ISO's English short names;
* ICAO's own codes from Doc 9303 Part 3 section 5: `D` for Germany, the British
  nationality classes (GBD, GBN, GBO, GBP, GBS), international organisations
  (UNO, UNA, UNK, EUE, XBA, XIM, XCC, XCE, XCO, XEC, XPO, XES, XMP, XOM, XDC) and
  the codes for stateless persons, refugees and unspecified nationality
  (XXA, XXB, XXC, XXX);
* `UTO` (Utopia), the fictitious state of the Doc 9303 specimens;
* `RKS` for Kosovo, which ICAO does not list but which Kosovo prints in its own
  documents and some states accept.

Germany is `D` in every ICAO MRZ (Doc 9303 Part 3 section 5), so `D` is the
canonical code of its entry. `DEU`, its ISO 3166-1 code, is accepted as an alias
of the same entry: `country("DEU").code == "D"`. A `Country` keeps the ISO code in
`iso_alpha3` where it has one.

`CountryKind.STATE` marks the UN member and observer states; `TERRITORY` marks any
other ISO 3166-1 entry. The kind says which list a code comes from, nothing about
sovereignty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class CountryKind(StrEnum):
    """What a country code stands for."""

    STATE = "state"
    TERRITORY = "territory"
    NATIONALITY_CLASS = "nationality_class"
    ORGANISATION = "organisation"
    STATELESS = "stateless"
    REFUGEE = "refugee"
    UNSPECIFIED = "unspecified"
    SPECIMEN = "specimen"


@dataclass(frozen=True, slots=True)
class Country:
    """A code of ICAO Doc 9303 Part 3 section 5, as printed in an MRZ."""

    code: str
    name: str
    kind: CountryKind
    iso_alpha3: str | None = None


# ISO 3166-1 alpha-3 codes and English short names; a trailing "*" marks an entry
# that is not a UN member or observer state (CountryKind.TERRITORY).
_ISO_3166 = """\
AFG Afghanistan
ALA Åland Islands*
ALB Albania
DZA Algeria
ASM American Samoa*
AND Andorra
AGO Angola
AIA Anguilla*
ATA Antarctica*
ATG Antigua and Barbuda
ARG Argentina
ARM Armenia
ABW Aruba*
AUS Australia
AUT Austria
AZE Azerbaijan
BHS Bahamas
BHR Bahrain
BGD Bangladesh
BRB Barbados
BLR Belarus
BEL Belgium
BLZ Belize
BEN Benin
BMU Bermuda*
BTN Bhutan
BOL Bolivia (Plurinational State of)
BES Bonaire, Sint Eustatius and Saba*
BIH Bosnia and Herzegovina
BWA Botswana
BVT Bouvet Island*
BRA Brazil
IOT British Indian Ocean Territory*
BRN Brunei Darussalam
BGR Bulgaria
BFA Burkina Faso
BDI Burundi
CPV Cabo Verde
KHM Cambodia
CMR Cameroon
CAN Canada
CYM Cayman Islands*
CAF Central African Republic
TCD Chad
CHL Chile
CHN China
CXR Christmas Island*
CCK Cocos (Keeling) Islands*
COL Colombia
COM Comoros
COG Congo
COD Congo, Democratic Republic of the
COK Cook Islands*
CRI Costa Rica
CIV Côte d'Ivoire
HRV Croatia
CUB Cuba
CUW Curaçao*
CYP Cyprus
CZE Czechia
DNK Denmark
DJI Djibouti
DMA Dominica
DOM Dominican Republic
ECU Ecuador
EGY Egypt
SLV El Salvador
GNQ Equatorial Guinea
ERI Eritrea
EST Estonia
SWZ Eswatini
ETH Ethiopia
FLK Falkland Islands (Malvinas)*
FRO Faroe Islands*
FJI Fiji
FIN Finland
FRA France
GUF French Guiana*
PYF French Polynesia*
ATF French Southern Territories*
GAB Gabon
GMB Gambia
GEO Georgia
GHA Ghana
GIB Gibraltar*
GRC Greece
GRL Greenland*
GRD Grenada
GLP Guadeloupe*
GUM Guam*
GTM Guatemala
GGY Guernsey*
GIN Guinea
GNB Guinea-Bissau
GUY Guyana
HTI Haiti
HMD Heard Island and McDonald Islands*
VAT Holy See
HND Honduras
HKG Hong Kong*
HUN Hungary
ISL Iceland
IND India
IDN Indonesia
IRN Iran (Islamic Republic of)
IRQ Iraq
IRL Ireland
IMN Isle of Man*
ISR Israel
ITA Italy
JAM Jamaica
JPN Japan
JEY Jersey*
JOR Jordan
KAZ Kazakhstan
KEN Kenya
KIR Kiribati
PRK Korea (Democratic People's Republic of)
KOR Korea, Republic of
KWT Kuwait
KGZ Kyrgyzstan
LAO Lao People's Democratic Republic
LVA Latvia
LBN Lebanon
LSO Lesotho
LBR Liberia
LBY Libya
LIE Liechtenstein
LTU Lithuania
LUX Luxembourg
MAC Macao*
MDG Madagascar
MWI Malawi
MYS Malaysia
MDV Maldives
MLI Mali
MLT Malta
MHL Marshall Islands
MTQ Martinique*
MRT Mauritania
MUS Mauritius
MYT Mayotte*
MEX Mexico
FSM Micronesia (Federated States of)
MDA Moldova, Republic of
MCO Monaco
MNG Mongolia
MNE Montenegro
MSR Montserrat*
MAR Morocco
MOZ Mozambique
MMR Myanmar
NAM Namibia
NRU Nauru
NPL Nepal
NLD Netherlands (Kingdom of the)
NCL New Caledonia*
NZL New Zealand
NIC Nicaragua
NER Niger
NGA Nigeria
NIU Niue*
NFK Norfolk Island*
MKD North Macedonia
MNP Northern Mariana Islands*
NOR Norway
OMN Oman
PAK Pakistan
PLW Palau
PSE Palestine, State of
PAN Panama
PNG Papua New Guinea
PRY Paraguay
PER Peru
PHL Philippines
PCN Pitcairn*
POL Poland
PRT Portugal
PRI Puerto Rico*
QAT Qatar
REU Réunion*
ROU Romania
RUS Russian Federation
RWA Rwanda
BLM Saint Barthélemy*
SHN Saint Helena, Ascension and Tristan da Cunha*
KNA Saint Kitts and Nevis
LCA Saint Lucia
MAF Saint Martin (French part)*
SPM Saint Pierre and Miquelon*
VCT Saint Vincent and the Grenadines
WSM Samoa
SMR San Marino
STP Sao Tome and Principe
SAU Saudi Arabia
SEN Senegal
SRB Serbia
SYC Seychelles
SLE Sierra Leone
SGP Singapore
SXM Sint Maarten (Dutch part)*
SVK Slovakia
SVN Slovenia
SLB Solomon Islands
SOM Somalia
ZAF South Africa
SGS South Georgia and the South Sandwich Islands*
SSD South Sudan
ESP Spain
LKA Sri Lanka
SDN Sudan
SUR Suriname
SJM Svalbard and Jan Mayen*
SWE Sweden
CHE Switzerland
SYR Syrian Arab Republic
TWN Taiwan, Province of China*
TJK Tajikistan
TZA Tanzania, United Republic of
THA Thailand
TLS Timor-Leste
TGO Togo
TKL Tokelau*
TON Tonga
TTO Trinidad and Tobago
TUN Tunisia
TUR Türkiye
TKM Turkmenistan
TCA Turks and Caicos Islands*
TUV Tuvalu
UGA Uganda
UKR Ukraine
ARE United Arab Emirates
GBR United Kingdom of Great Britain and Northern Ireland
USA United States of America
UMI United States Minor Outlying Islands*
URY Uruguay
UZB Uzbekistan
VUT Vanuatu
VEN Venezuela (Bolivarian Republic of)
VNM Viet Nam
VGB Virgin Islands (British)*
VIR Virgin Islands (U.S.)*
WLF Wallis and Futuna*
ESH Western Sahara*
YEM Yemen
ZMB Zambia
ZWE Zimbabwe
"""

# Doc 9303 Part 3 section 5: codes that are not ISO 3166-1 entries.
_ICAO_SPECIAL: tuple[Country, ...] = (
    Country("D", "Germany", CountryKind.STATE, "DEU"),
    Country("GBD", "British Overseas Territories Citizen", CountryKind.NATIONALITY_CLASS),
    Country("GBN", "British National (Overseas)", CountryKind.NATIONALITY_CLASS),
    Country("GBO", "British Overseas Citizen", CountryKind.NATIONALITY_CLASS),
    Country("GBP", "British Protected Person", CountryKind.NATIONALITY_CLASS),
    Country("GBS", "British Subject", CountryKind.NATIONALITY_CLASS),
    Country("UNO", "United Nations Organization or one of its officials", CountryKind.ORGANISATION),
    Country(
        "UNA",
        "Specialized agency of the United Nations or one of its officials",
        CountryKind.ORGANISATION,
    ),
    Country(
        "UNK",
        "Resident of Kosovo with a travel document issued by UNMIK",
        CountryKind.ORGANISATION,
    ),
    Country("EUE", "European Union", CountryKind.ORGANISATION),
    Country("XBA", "African Development Bank", CountryKind.ORGANISATION),
    Country("XIM", "African Export-Import Bank", CountryKind.ORGANISATION),
    Country("XCC", "Caribbean Community (CARICOM)", CountryKind.ORGANISATION),
    Country("XCE", "Council of Europe", CountryKind.ORGANISATION),
    Country(
        "XCO", "Common Market for Eastern and Southern Africa (COMESA)", CountryKind.ORGANISATION
    ),
    Country("XEC", "Economic Community of West African States (ECOWAS)", CountryKind.ORGANISATION),
    Country(
        "XPO", "International Criminal Police Organization (INTERPOL)", CountryKind.ORGANISATION
    ),
    Country("XES", "Organisation of Eastern Caribbean States (OECS)", CountryKind.ORGANISATION),
    Country("XMP", "Parliamentary Assembly of the Mediterranean", CountryKind.ORGANISATION),
    Country("XOM", "Sovereign Military Order of Malta", CountryKind.ORGANISATION),
    Country("XDC", "Southern African Development Community (SADC)", CountryKind.ORGANISATION),
    Country(
        "XXA",
        "Stateless person (Art 1, 1954 Convention relating to the Status of Stateless Persons)",
        CountryKind.STATELESS,
    ),
    Country(
        "XXB",
        "Refugee (Art 1, 1951 Convention relating to the Status of Refugees, 1967 Protocol)",
        CountryKind.REFUGEE,
    ),
    Country("XXC", "Refugee, other than as defined under XXB", CountryKind.REFUGEE),
    Country("XXX", "Person of unspecified nationality", CountryKind.UNSPECIFIED),
    Country("UTO", "Utopia (Doc 9303 specimens)", CountryKind.SPECIMEN),
    Country("RKS", "Kosovo (not an ICAO code; used by Kosovo)", CountryKind.TERRITORY),
)

# The ISO code whose entry is replaced by an ICAO code, and becomes its alias.
_ISO_ALIASES: Mapping[str, str] = {"DEU": "D"}


def _build() -> dict[str, Country]:
    table: dict[str, Country] = {}
    for line in _ISO_3166.splitlines():
        code, name = line.split(" ", 1)
        if code in _ISO_ALIASES:
            continue
        kind = CountryKind.TERRITORY if name.endswith("*") else CountryKind.STATE
        table[code] = Country(code, name.removesuffix("*"), kind, code)
    for special in _ICAO_SPECIAL:
        table[special.code] = special
    for alias, code in _ISO_ALIASES.items():
        table[alias] = table[code]
    return table


COUNTRIES: Mapping[str, Country] = MappingProxyType(_build())
"""Every known code, ICAO and ISO, to its country; `DEU` and `D` share one entry."""


def country(code: str) -> Country | None:
    """The country of an ICAO Doc 9303 Part 3 section 5 code, or None if unknown.

    Args:
        code: a three-letter code, or `D`; surrounding blanks and case are ignored.

    Returns:
        The `Country`, whose `code` is the canonical MRZ code (`D` for `DEU`).
    """
    return COUNTRIES.get(code.strip().upper())


def is_known_country(code: str) -> bool:
    """Whether `code` is a country code of ICAO Doc 9303 Part 3 section 5 (or ISO 3166-1)."""
    return country(code) is not None
