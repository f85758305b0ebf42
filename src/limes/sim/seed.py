"""Seeding the demo: crossing points, SYNTHETIC travellers and their EES records.

`seed_demo` creates crossing points across several Member States, then records each
traveller's history through the EES service itself (`record_entry`, `record_exit`,
`record_refusal`, each crossing in its own transaction, at instants in the past;
the clock is not moved) and flags the overstays (EES Art 12). Biometrics are the
synthetic captures the border desk makes (seed 2026, keyed by nationality and
document number), so a guard's capture at the desk matches the file 1:1.

A handful of featured travellers, one per situation worth showing, are written
with their machine-readable zones to `var/demo-travellers.txt` so they can be
pasted at the desk. Seeding a database that already has crossing points does
nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from limes.access.models import DEFAULT_PURPOSE, Role
from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import RIGHT_HAND, Modality
from limes.core.identity import Name, PartialDate
from limes.ees.domain.border import Capture, CrossingRequest
from limes.ees.domain.errors import OutsideTransition, PossibleExistingFile
from limes.ees.domain.identification import IdentityDecision
from limes.ees.domain.models import (
    REFUSAL_REASON_TEXT,
    BorderType,
    SuspensionScope,
    TravellerKind,
    VisaDetails,
)
from limes.ees.domain.rules import FINGERPRINT_MIN_AGE
from limes.ees.domain.transition import transition_settings_allowed
from limes.ees.outcomes import Actor, CrossingReceipt
from limes.interop.cir.models import IdentityData, IdentityFile, SourceSystem, TravelDocument
from limes.shortstay import EntriesAllowed, Mode, calculate
from limes.sim.histories import (
    History,
    HistoryBuilder,
    HistoryGenerator,
    Ports,
    Refusal,
    Trip,
    multiple_visa,
    single_visa,
)
from limes.sim.population import AgeBand, PopulationGenerator, Traveller, origin_of

if TYPE_CHECKING:
    from limes.bootstrap import Services

__all__ = [
    "CROSSING_POINTS",
    "DEFAULT_FEATURED_PATH",
    "SYNTHETIC_BIOMETRIC_SEED",
    "DemoCrossingPoint",
    "FeaturedTraveller",
    "SeedReport",
    "seed_demo",
]

# The seed of the border desk's synthetic capture (`limes.ees.schemas`): the files
# must be made with the same one for the desk's capture to match them.
SYNTHETIC_BIOMETRIC_SEED = 2026
DEFAULT_FEATURED_PATH = Path("var") / "demo-travellers.txt"


@dataclass(frozen=True, slots=True)
class DemoCrossingPoint:
    """A crossing point of the demo, and whether travellers use it."""

    code: str
    name: str
    country: str
    border_type: BorderType
    biometrics_required: bool = True
    suspension: SuspensionScope = SuspensionScope.NONE
    suspension_reason: str | None = None
    traffic: bool = True


_AIR, _LAND, _SEA = BorderType.AIR, BorderType.LAND, BorderType.SEA

CROSSING_POINTS: tuple[DemoCrossingPoint, ...] = (
    DemoCrossingPoint("FRA-CDG", "Paris Charles de Gaulle", "FRA", _AIR),
    DemoCrossingPoint("FRA-ORY", "Paris Orly", "FRA", _AIR),
    DemoCrossingPoint("DEU-FRA", "Frankfurt am Main", "DEU", _AIR),
    DemoCrossingPoint("NLD-AMS", "Amsterdam Schiphol", "NLD", _AIR),
    DemoCrossingPoint("ESP-MAD", "Madrid-Barajas", "ESP", _AIR),
    DemoCrossingPoint("ITA-FCO", "Rome Fiumicino", "ITA", _AIR),
    DemoCrossingPoint("AUT-VIE", "Vienna", "AUT", _AIR),
    DemoCrossingPoint("PRT-LIS", "Lisbon", "PRT", _AIR),
    DemoCrossingPoint("GRC-ATH", "Athens", "GRC", _AIR),
    # Croatia-Serbia: the EES runs without biometrics while the queues last
    # (partial suspension, Reg. (EU) 2025/1534).
    DemoCrossingPoint(
        "HRV-BAJ",
        "Bajakovo",
        "HRV",
        _LAND,
        biometrics_required=False,
        suspension=SuspensionScope.PARTIAL,
        suspension_reason="Exceptional traffic: waiting times of several hours at the "
        "border with Serbia; biometrics are not captured",
    ),
    DemoCrossingPoint("HUN-ROS", "Röszke", "HUN", _LAND),
    DemoCrossingPoint("POL-DOR", "Dorohusk", "POL", _LAND),
    DemoCrossingPoint("ROU-SIR", "Siret", "ROU", _LAND),
    DemoCrossingPoint("BGR-KAP", "Kapitan Andreevo", "BGR", _LAND),
    # Finland has kept its land border with Russia closed since November 2023.
    DemoCrossingPoint("FIN-VAA", "Vaalimaa", "FIN", _LAND, traffic=False),
    DemoCrossingPoint("ESP-ALG", "Algeciras", "ESP", _SEA),
    DemoCrossingPoint("GRC-PIR", "Piraeus", "GRC", _SEA),
    DemoCrossingPoint("ITA-CIV", "Civitavecchia", "ITA", _SEA),
)

# The IANA zone of each country's crossing points: it decides the day of a crossing.
TIME_ZONES: dict[str, str] = {
    "AUT": "Europe/Vienna",
    "BGR": "Europe/Sofia",
    "DEU": "Europe/Berlin",
    "ESP": "Europe/Madrid",
    "FIN": "Europe/Helsinki",
    "FRA": "Europe/Paris",
    "GRC": "Europe/Athens",
    "HRV": "Europe/Zagreb",
    "HUN": "Europe/Budapest",
    "ITA": "Europe/Rome",
    "NLD": "Europe/Amsterdam",
    "POL": "Europe/Warsaw",
    "PRT": "Europe/Lisbon",
    "ROU": "Europe/Bucharest",
}

_NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "UKR": ("POL-DOR", "ROU-SIR"),
    "TUR": ("BGR-KAP",),
}


def _transition_allows(point: DemoCrossingPoint, today: date) -> bool:
    try:
        transition_settings_allowed(today, None, point.biometrics_required, point.suspension)
    except OutsideTransition:
        return False
    return True


def _ports() -> Ports:
    def codes(kind: BorderType) -> tuple[str, ...]:
        return tuple(p.code for p in CROSSING_POINTS if p.border_type is kind and p.traffic)

    return Ports(codes(_AIR), codes(_LAND), codes(_SEA), dict(_NEIGHBOURS))


_ADMIN = Actor(
    "demo-seed",
    Role.ADMINISTRATOR.value,
    "LIMES-DEMO",
    DEFAULT_PURPOSE[Role.ADMINISTRATOR],
)


def _guard(country: str) -> Actor:
    return Actor(
        "demo-seed",
        Role.BORDER_GUARD.value,
        f"{country}-BORDER-GUARD",
        DEFAULT_PURPOSE[Role.BORDER_GUARD],
    )


# -- featured travellers ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeaturedTraveller:
    """A traveller the README names, in a situation worth showing at the desk."""

    label: str
    traveller: Traveller
    history: History
    description: str
    visa: VisaDetails | None = None  # the visa to give at the desk


def _seasoned(traveller: Traveller, today: date) -> Traveller:
    """The traveller with a ten-year passport issued two to four years ago.

    The featured histories reach back almost a year; the passport predates them.
    """
    issued = today - timedelta(days=730 + traveller.birth_date.toordinal() % 700)
    expiry = date(issued.year + 10, issued.month, min(issued.day, 28)) - timedelta(days=1)
    return replace(traveller, issued_on=issued, expiry_date=expiry)


def _days(day: date, today: date) -> str:
    delta = (day - today).days
    return f"in {delta} day{'s' if delta != 1 else ''}" if delta >= 0 else f"{-delta} days ago"


def _visa_text(visa: VisaDetails) -> str:
    entries = {
        EntriesAllowed.ONE: "single entry",
        EntriesAllowed.TWO: "two entries",
        EntriesAllowed.MULTIPLE: "multiple entries",
    }[visa.entries]
    return (
        f"visa {visa.sticker_number}, valid {visa.valid_from} to {visa.valid_until}, "
        f"{visa.duration_days} days, {entries}"
    )


class _Featured:
    """The scripted histories of the featured travellers."""

    def __init__(self, people: PopulationGenerator, histories: HistoryGenerator) -> None:
        self.people = people
        self.histories = histories
        self.today = people.today

    def all(self) -> list[FeaturedTraveller]:
        makers: Sequence[Callable[[], FeaturedTraveller]] = (
            self.returning,
            self.first_visit,
            self.multiple_entry_visa,
            self.single_entry_visa_used,
            self.stay_ending,
            self.overstayer,
            self.refused,
        )
        featured = [make() for make in makers]
        return [*featured, self.resembling(featured[0])]

    def _builder(self, name: str, nationality: str) -> HistoryBuilder:
        traveller = self.people.traveller(f"featured-{name}", origin_of(nationality), AgeBand.ADULT)
        return self.histories.builder(_seasoned(traveller, self.today))

    def _day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def returning(self) -> FeaturedTraveller:
        b = self._builder("returning", "JPN")
        for ago, days in ((300, 12), (170, 9), (60, 14)):
            b.trip(self._day(ago), days, entry_point="FRA-CDG", exit_point="FRA-CDG")
        last = b.trips[-1]
        assert last.exit_at is not None  # noqa: S101 - closed above
        text = (
            f"visa-exempt, {len(b.trips)} stays on record, the last "
            f"{last.entry_at.date()} to {last.exit_at.date()}; face and fingerprints on file: "
            "the desk shows the timeline, the 90/180 calculation and a 1:1 match."
        )
        return FeaturedTraveller("returning traveller", b.traveller, b.build(), text)

    def first_visit(self) -> FeaturedTraveller:
        b = self._builder("first-visit", "UKR")
        text = "visa-exempt, nothing on record: an entry creates the EES file (face and fingers)."
        return FeaturedTraveller("first visit", b.traveller, b.build(), text)

    def multiple_entry_visa(self) -> FeaturedTraveller:
        b = self._builder("multiple-entry-visa", "CHN")
        visa = multiple_visa(b.rng, self._day(200), 2)
        for ago, days in ((180, 15), (75, 20)):
            b.trip(self._day(ago), days, visa=visa, entry_point="DEU-FRA", exit_point="DEU-FRA")
        text = (
            f"visa holder, {len(b.trips)} stays on the same multiple-entry visa; "
            f"at the desk give the {_visa_text(visa)}."
        )
        return FeaturedTraveller("visa holder", b.traveller, b.build(), text, visa)

    def single_entry_visa_used(self) -> FeaturedTraveller:
        b = self._builder("single-entry-visa", "IND")
        entry = self._day(28)
        visa = replace(single_visa(b.rng, entry, 10), valid_until=self._day(-25))
        trip = b.trip(entry, 10, visa=visa, entry_point="ITA-FCO", exit_point="ITA-FCO")
        assert trip is not None  # noqa: S101 - the visa allows the entry
        assert trip.exit_at is not None  # noqa: S101 - closed above
        text = (
            f"visa holder whose single-entry visa was used from {entry} to "
            f"{trip.exit_at.date()}; it is still valid, but an entry on it is not possible "
            f"(entries used): give the {_visa_text(visa)}."
        )
        return FeaturedTraveller("visa holder, visa used", b.traveller, b.build(), text, visa)

    def stay_ending(self) -> FeaturedTraveller:
        b = self._builder("stay-ending", "KOR")
        b.trip(self._day(320), 10, entry_point="NLD-AMS", exit_point="NLD-AMS")
        trip = b.trip(self._day(86), 0, stay_open=True, entry_point="NLD-AMS")
        assert trip is not None  # noqa: S101 - no days used in the window
        until = trip.authorised_until
        text = (
            f"in the territory since {trip.entry_at.date()}; the authorised stay ends on "
            f"{until} ({_days(until, self.today)}): move the demo clock past it "
            "(/api/v1/admin/clock) and the stay becomes an overstay."
        )
        return FeaturedTraveller("in the territory", b.traveller, b.build(), text)

    def overstayer(self) -> FeaturedTraveller:
        b = self._builder("overstayer", "RUS")
        entry = self._day(60)
        visa = single_visa(b.rng, entry, 30)
        trip = b.trip(entry, 0, visa=visa, stay_open=True, entry_point="FRA-CDG")
        assert trip is not None  # noqa: S101 - the visa allows the entry
        text = (
            f"overstayer: entered on {entry} with a visa for {visa.duration_days} days; the "
            f"authorised stay ended on "
            f"{trip.authorised_until} ({_days(trip.authorised_until, self.today)}) and there "
            "is no exit: on the overstayer list; at exit the desk reports the overstay."
        )
        return FeaturedTraveller("overstayer", b.traveller, b.build(), text, visa)

    def refused(self) -> FeaturedTraveller:
        b = self._builder("refused", "ARE")
        b.trip(self._day(130), 90, entry_point="ESP-MAD", exit_point="ESP-MAD")
        refusal = b.refusal(self._day(20), crossing_point="ESP-MAD")
        history = b.build()
        answer = calculate(history.stays(self.today), self.today, Mode.PLANNING).answer
        nxt = answer.next_entry if answer is not None else None
        reasons = "; ".join(f"{r}: {REFUSAL_REASON_TEXT[r]}" for r in refusal.reasons)
        text = f"stayed 90 days, then refused on {refusal.at.date()} ({reasons})" + (
            f"; the next stay may start on {nxt.date}." if nxt else "."
        )
        return FeaturedTraveller("refused traveller", b.traveller, history, text)

    def resembling(self, other: FeaturedTraveller) -> FeaturedTraveller:
        """Someone whose identity resembles `other`'s, on another passport: the MID's case."""
        b = self._builder("resembling", other.traveller.nationality)
        them = other.traveller
        surname = _doubled(them.document_surname)
        traveller = replace(
            b.traveller,
            surname=surname,
            given_names=them.document_given_names,
            document_surname=surname,
            document_given_names=them.document_given_names,
            script=them.script,
            locale=them.locale,
            sex=them.sex,
            birth_date=them.birth_date,
        )
        b = self.histories.builder(traveller)
        text = (
            f"not on record, but the name and date of birth resemble traveller 1's "
            f"({them.document_surname} / {surname}) on another passport: record an entry and "
            "the multiple-identity detector opens a yellow link to traveller 1's VIS file "
            "(Reg. (EU) 2019/817 Art 27-30: links join data of two systems); verify it under "
            "Identity checks (/mid/queue) as the guard."
        )
        return FeaturedTraveller("resembling another traveller", b.traveller, b.build(), text)


def _doubled(surname: str) -> str:
    """The surname with one letter written twice, as a clerk's slip would."""
    at = min(2, len(surname) - 1)
    return surname[: at + 1] + surname[at:]


def _featured_text(
    featured: Sequence[FeaturedTraveller], today: date, seed: int, travellers: int
) -> str:
    lines = [
        "limes demo: featured travellers",
        f"SYNTHETIC people made by `limes demo` (seed {seed}, {travellers} travellers) on "
        f"{today}; no real person's data.",
        "At the border desk (/ees/desk) paste the two MRZ lines and use the synthetic",
        "capture: it matches these travellers' files. For visa holders, give the visa shown.",
        "",
    ]
    for number, item in enumerate(featured, start=1):
        t = item.traveller
        shown = t.name if t.name.upper() == t.latin_name else f"{t.name} ({t.latin_name})"
        sex = {"F": "female", "M": "male"}.get(t.sex.value, t.sex.value)
        lines += [
            f"{number}. {item.label}: {shown}, {t.nationality}, {sex}, born {t.birth_date}",
            f"   passport {t.document_number}, expires {t.expiry_date}",
            f"   {item.description}",
            *(f"   {line}" for line in t.mrz().splitlines()),
            "",
        ]
    return "\n".join(lines)


# -- seeding ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seeding did."""

    seeded: bool
    crossing_points: int
    travellers: int = 0
    files: int = 0
    entries: int = 0
    exits: int = 0
    refusals: int = 0
    overstays: int = 0
    identity_links: int = 0
    seconds: float = 0.0
    featured: tuple[FeaturedTraveller, ...] = ()
    featured_path: Path | None = None

    def summary(self) -> str:
        """The report in one line."""
        if not self.seeded:
            return (
                f"demo data already present ({self.crossing_points} crossing points): "
                "nothing seeded; use --reset to start again"
            )
        return (
            f"seeded {self.travellers} synthetic travellers: {self.files} EES files, "
            f"{self.entries} entries, {self.exits} exits, {self.refusals} refusals, "
            f"{self.overstays} overstays flagged, {self.identity_links} multiple-identity "
            f"links, at {self.crossing_points} crossing points in {self.seconds:.1f} s"
        )


class _Recorder:
    """Records histories through the EES service, with the desk's synthetic capture."""

    def __init__(self, services: Services, seed: int) -> None:
        self.ees = services.ees
        # The crossing points as stored: a suspension the law no longer allows is not set.
        self.points = {p.code: p for p in services.ees_operations.crossing_points()}
        self.biometrics = SyntheticBiometrics(seed=SYNTHETIC_BIOMETRIC_SEED)
        # The capture noise has its own stream: the desk's first captures must not
        # repeat the seeded ones draw for draw (they would score a perfect 1.0).
        self.noise = np.random.default_rng([SYNTHETIC_BIOMETRIC_SEED, seed, 0x5EED])
        self.files = self.entries = self.exits = self.refusals = 0

    def record(self, history: History) -> None:
        for event in history.events:
            if isinstance(event, Refusal):
                self._refusal(history.traveller, event)
            else:
                self._trip(history.traveller, event)

    def _request(
        self,
        traveller: Traveller,
        point: str,
        on: date,
        visa: VisaDetails | None = None,
        *,
        fingers: bool = True,
    ) -> CrossingRequest:
        crossing_point = self.points[point]
        capture = Capture()
        if crossing_point.suspension is SuspensionScope.NONE:
            modalities: tuple[Modality, ...] = (Modality.FACE,)
            if (
                fingers
                and not traveller.visa_required
                and traveller.age_on(on) >= FINGERPRINT_MIN_AGE
            ):
                modalities += RIGHT_HAND
            templates = self.biometrics.capture_set(
                traveller.person_key, modalities, rng=self.noise
            )
            capture = Capture(templates)
        return CrossingRequest(
            mrz=traveller.mrz(),
            crossing_point=point,
            capture=capture,
            visa=visa,
            traveller_kind=TravellerKind.VISA_HOLDER if traveller.visa_required else None,
        )

    def _trip(self, traveller: Traveller, trip: Trip) -> None:
        country = self.points[trip.entry_point].country
        request = self._request(traveller, trip.entry_point, trip.entry_at.date(), trip.visa)
        receipt = _as_one_person(
            request, lambda r: self.ees.record_entry(_guard(country), r, at=trip.entry_at)
        )
        self.files += receipt.created_file
        self.entries += 1
        if trip.exit_at is None or trip.exit_point is None:
            return
        exit_country = self.points[trip.exit_point].country
        self.ees.record_exit(
            _guard(exit_country),
            self._request(traveller, trip.exit_point, trip.exit_at.date(), fingers=False),
            at=trip.exit_at,
        )
        self.exits += 1

    def _refusal(self, traveller: Traveller, refusal: Refusal) -> None:
        country = self.points[refusal.crossing_point].country
        request = self._request(traveller, refusal.crossing_point, refusal.at.date())
        receipt = _as_one_person(
            request,
            lambda r: self.ees.record_refusal(
                _guard(country), r, list(refusal.reasons), at=refusal.at
            ),
        )
        self.files += receipt.created_file
        self.refusals += 1


# Every synthetic traveller is one person of their own: where the EES proposes another
# traveller's file (the same name and birth date, no biometrics to tell them apart), the
# seeding answers as a guard would who knows (EES Art 23(2)-(4)).
_DISTINCT = IdentityDecision(different_person=True, reason="synthetic population: another person")


def _as_one_person(
    request: CrossingRequest, record: Callable[[CrossingRequest], CrossingReceipt]
) -> CrossingReceipt:
    try:
        return record(request)
    except PossibleExistingFile:
        return record(replace(request, identity_decision=_DISTINCT))


def _enrol_in_vis(services: Services, traveller: Traveller, at: datetime) -> None:
    """A VIS file of the traveller in the CIR, with their face: a second system's data.

    The MID links data of two systems (Reg. (EU) 2019/817 Art 27-28): the featured
    traveller who resembles traveller 1 is linked to traveller 1's VIS file.
    """
    face = SyntheticBiometrics(seed=SYNTHETIC_BIOMETRIC_SEED).capture_set(
        traveller.person_key, (Modality.FACE,)
    )
    identity = IdentityFile(
        cir_id=f"V{traveller.nationality}{traveller.document_number}",
        system=SourceSystem.VIS,
        source_reference=f"vis-{traveller.key}",
        identity=IdentityData(
            Name.of(traveller.document_surname),
            Name.of(traveller.document_given_names),
            PartialDate.from_date(traveller.birth_date),
            traveller.sex.value,
            (traveller.nationality,),
        ),
        documents=(
            TravelDocument(
                "P", traveller.document_number, traveller.nationality, traveller.expiry_date
            ),
        ),
        created_at=at,
        updated_at=at,
    )
    with services.ees_store.unit_of_work(write=True) as uow:
        uow.identities.add(identity, face)


def seed_demo(
    services: Services,
    *,
    travellers: int = 200,
    seed: int = 2026,
    featured_path: Path | None = DEFAULT_FEATURED_PATH,
) -> SeedReport:
    """Fill an empty EES with crossing points and SYNTHETIC travellers' histories.

    Args:
        services: the services to record through (their clock gives "today").
        travellers: how many travellers, the featured ones included.
        seed: the seed of the population and its histories.
        featured_path: where to write the featured travellers and their MRZs; None
            not to write them.

    Returns:
        What was seeded; `seeded` is False, and nothing is changed, when the database
        already has crossing points.
    """
    existing = services.ees_operations.crossing_points()
    if existing:
        return SeedReport(False, len(existing), featured_path=featured_path)
    started = time.perf_counter()
    today = services.clock.today()
    for point in CROSSING_POINTS:
        # A suspension only while Reg. (EU) 2025/1534 Art 6 allows one on the demo's day.
        relaxed = point.suspension is not SuspensionScope.NONE or not point.biometrics_required
        allowed = not relaxed or _transition_allows(point, today)
        services.ees_operations.put_crossing_point(
            _ADMIN,
            point.code,
            name=point.name,
            country=point.country,
            border_type=point.border_type,
            biometrics_required=point.biometrics_required or not allowed,
            suspension=point.suspension if allowed else SuspensionScope.NONE,
            suspension_reason=point.suspension_reason if allowed else None,
            time_zone=TIME_ZONES[point.country],
        )
    people = PopulationGenerator(seed, today)
    generator = HistoryGenerator(today, seed=seed, ports=_ports())
    featured = _Featured(people, generator).all()
    histories = [f.history for f in featured]
    histories += [
        generator.history(t) for t in people.travellers(max(0, travellers - len(featured)))
    ]
    recorder = _Recorder(services, seed)
    for history in histories:
        recorder.record(history)
    _enrol_in_vis(services, featured[0].traveller, services.clock.now())
    flagged = services.ees_operations.flag_overstays()
    # The MID's initial load over the seeded files (2019/817 Art 69).
    links = 0
    while (detection := services.mid.detect_changes()).changes:
        links += len(detection.links)
    if featured_path is not None:
        featured_path.parent.mkdir(parents=True, exist_ok=True)
        featured_path.write_text(
            _featured_text(featured, today, seed, len(histories)), encoding="utf-8"
        )
    return SeedReport(
        seeded=True,
        crossing_points=len(CROSSING_POINTS),
        travellers=len(histories),
        files=recorder.files,
        entries=recorder.entries,
        exits=recorder.exits,
        refusals=recorder.refusals,
        overstays=len(flagged),
        identity_links=links,
        seconds=time.perf_counter() - started,
        featured=tuple(featured),
        featured_path=featured_path,
    )
