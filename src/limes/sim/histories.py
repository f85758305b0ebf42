"""SYNTHETIC travel histories: entries, exits, refusals and visas relative to a "today".

A history is built in order by `HistoryBuilder`, which computes each entry's
authorised stay as the EES does at the border (EES Art 11: the 90/180-day rule of
SBC Art 6(1) with `limes.shortstay.calculate`, capped by the visa's validity,
duration of stay and entries), and never lets a traveller leave after it. So every
history is lawful, except the deliberate overstays: an entry whose authorised stay
ended before today with no exit (EES Art 12).

`HistoryGenerator` mixes short trips, holidays and long stays, travellers still in
the territory, a few overstayers and a few refusals (Annex V Part B reasons C, E, F
and G of the Schengen Borders Code). Visa holders travel on single-entry visas or
on multiple-entry visas that cover several trips.

Histories start no earlier than two years before today and never before the EES
started on 12 October 2025 (Reg. (EU) 2025/1534), nor before the traveller's birth
or the issue of their passport: the EES holds no earlier records.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from limes.ees.domain.models import RefusalReason, VisaDetails
from limes.ees.domain.rules import PROGRESSIVE_START_FIRST_DAY
from limes.shortstay import EntriesAllowed, Mode, ShortStayVisa, Stay, calculate
from limes.sim.population import Traveller

__all__ = [
    "CONSULATES",
    "HISTORY_DAYS",
    "VISA_GRACE_DAYS",
    "Event",
    "History",
    "HistoryBuilder",
    "HistoryGenerator",
    "HistoryMix",
    "Ports",
    "Refusal",
    "Situation",
    "Trip",
    "multiple_visa",
    "single_visa",
    "sticker_number",
]

# How far back the synthetic histories reach.
HISTORY_DAYS = 730
# Visa Code (Reg. (EC) No 810/2009) Art 24(1): the validity of a visa includes an
# additional period of grace of 15 days.
VISA_GRACE_DAYS = 15
# The Member States whose consulates issue the synthetic visas.
CONSULATES: tuple[str, ...] = ("FRA", "DEU", "ITA", "ESP", "NLD", "GRC", "AUT", "PRT", "HRV")


class Situation(StrEnum):
    """Where a traveller stands today, as the border desk will see it."""

    FIRST_VISIT = "first_visit"  # nothing on record
    RETURNING = "returning"  # every entry has its exit
    IN_TERRITORY = "in_territory"  # an open entry within its authorised stay
    OVERSTAYER = "overstayer"  # an open entry whose authorised stay has ended (EES Art 12)
    REFUSED = "refused"  # refusals only, never admitted


@dataclass(frozen=True, slots=True)
class Trip:
    """An entry and, once the traveller left, the exit; `authorised_until` as at entry."""

    entry_at: datetime
    entry_point: str
    authorised_until: date
    visa: VisaDetails | None = None
    exit_at: datetime | None = None
    exit_point: str | None = None

    @property
    def is_open(self) -> bool:
        """Whether the traveller has not left."""
        return self.exit_at is None

    def stay(self, today: date) -> Stay:
        """The stay the calculator counts: to the exit, or to today while open."""
        return Stay(self.entry_at.date(), self.exit_at.date() if self.exit_at else today)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refusal of entry with its Annex V Part B reasons (EES Art 18)."""

    at: datetime
    crossing_point: str
    reasons: tuple[RefusalReason, ...]


Event = Trip | Refusal


@dataclass(frozen=True, slots=True)
class History:
    """A traveller's events in chronological order."""

    traveller: Traveller
    events: tuple[Event, ...]

    @property
    def trips(self) -> tuple[Trip, ...]:
        """The entries (with their exits)."""
        return tuple(e for e in self.events if isinstance(e, Trip))

    @property
    def refusals(self) -> tuple[Refusal, ...]:
        """The refusals of entry."""
        return tuple(e for e in self.events if isinstance(e, Refusal))

    @property
    def open_trip(self) -> Trip | None:
        """The entry without an exit, if there is one."""
        return next((t for t in self.trips if t.is_open), None)

    def situation(self, today: date) -> Situation:
        """Where the traveller stands on `today`."""
        open_trip = self.open_trip
        if open_trip is not None:
            if open_trip.authorised_until < today:
                return Situation.OVERSTAYER
            return Situation.IN_TERRITORY
        if self.trips:
            return Situation.RETURNING
        return Situation.REFUSED if self.refusals else Situation.FIRST_VISIT

    def stays(self, today: date) -> list[Stay]:
        """Every stay, an open one counted to `today`."""
        return [t.stay(today) for t in self.trips]

    def lawful(self, today: date) -> bool:
        """No exit after the authorised stay, no open stay past it, no 90/180 overstay."""
        for trip in self.trips:
            last_day = trip.exit_at.date() if trip.exit_at else today
            if last_day > trip.authorised_until:
                return False
        return not calculate(self.stays(today), today, Mode.CHECK).overstays


@dataclass(frozen=True, slots=True)
class Ports:
    """The crossing points travellers use, by border type; some nationalities favour land."""

    air: tuple[str, ...]
    land: tuple[str, ...] = ()
    sea: tuple[str, ...] = ()
    land_by_nationality: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def pick(self, rng: random.Random, nationality: str) -> str:
        """A crossing point: mostly airports; land crossings for neighbours."""
        neighbours = self.land_by_nationality.get(nationality)
        if neighbours and rng.random() < 0.6:
            return rng.choice(neighbours)
        roll = rng.random()
        if roll < 0.12 and self.land:
            return rng.choice(self.land)
        if roll < 0.22 and self.sea:
            return rng.choice(self.sea)
        return rng.choice(self.air)


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


class HistoryBuilder:
    """Builds one traveller's history in order, each authorised stay as the EES computes it."""

    def __init__(self, traveller: Traveller, today: date, rng: random.Random, ports: Ports) -> None:
        self.traveller = traveller
        self.today = today
        self.rng = rng
        self.ports = ports
        self.events: list[Event] = []

    @property
    def last_day(self) -> date | None:
        """The last day an event took: the last exit or refusal (an open entry: today)."""
        if not self.events:
            return None
        last = self.events[-1]
        if isinstance(last, Refusal):
            return last.at.date()
        return last.exit_at.date() if last.exit_at else self.today

    @property
    def trips(self) -> list[Trip]:
        """The entries so far."""
        return [e for e in self.events if isinstance(e, Trip)]

    def authorised_until(self, entry: date, visa: VisaDetails | None = None) -> date | None:
        """The end of the stay that may be authorised at an entry on `entry` (EES Art 11)."""
        closed = [t.stay(self.today) for t in self.trips if not t.is_open]
        short_visa = None
        if visa is not None:
            used = sum(
                1
                for t in self.trips
                if t.visa is not None and t.visa.sticker_number == visa.sticker_number
            )
            short_visa = ShortStayVisa(
                visa.valid_from, visa.valid_until, visa.duration_days, visa.entries, used
            )
        calculation = calculate(closed, entry, Mode.PLANNING, short_visa)
        answer = calculation.answer or calculation.answer_ignoring_overstay
        return answer.stay_until if answer is not None else None

    def trip(
        self,
        entry: date,
        days: int,
        *,
        visa: VisaDetails | None = None,
        stay_open: bool = False,
        latest_exit: date | None = None,
        entry_point: str | None = None,
        exit_point: str | None = None,
    ) -> Trip | None:
        """Add a stay of at most `days` days from `entry`, cut to the authorised stay.

        Returns None (and adds nothing) when no stay may be authorised on `entry` or
        no day of it fits before `latest_exit`. An open trip stays open: the
        traveller is still in the territory (or overstays) today.
        """
        last_day = self.last_day
        if (last_day is not None and entry <= last_day) or entry >= self.today:
            raise ValueError(f"a trip from {entry} does not follow the history in order")
        until = self.authorised_until(entry, visa)
        if until is None:
            return None
        entry_at = _at(entry, self.rng.randint(6, 17), self.rng.randrange(60))
        entry_point = entry_point or self.ports.pick(self.rng, self.traveller.nationality)
        if stay_open:
            trip = Trip(entry_at, entry_point, until, visa)
        else:
            exit_day = min(until, entry + timedelta(days=days - 1), latest_exit or self.today)
            exit_day = min(exit_day, self.today - timedelta(days=1))
            if exit_day < entry:
                return None
            if exit_day == entry:
                exit_at = entry_at + timedelta(hours=self.rng.randint(1, 5))
            else:
                exit_at = _at(exit_day, self.rng.randint(6, 22), self.rng.randrange(60))
            exit_point = exit_point or self.ports.pick(self.rng, self.traveller.nationality)
            trip = Trip(entry_at, entry_point, until, visa, exit_at, exit_point)
        self.events.append(trip)
        return trip

    def refusal(
        self,
        on: date,
        reasons: Sequence[RefusalReason] | None = None,
        crossing_point: str | None = None,
    ) -> Refusal:
        """Add a refusal on `on`; without reasons, the ones that fit the traveller's case.

        F when no stay may be authorised (90 days used in the 180-day period); else C
        or E for a visa national arriving without a visa, E or G for others.
        """
        last_day = self.last_day
        if (last_day is not None and on <= last_day) or on >= self.today:
            raise ValueError(f"a refusal on {on} does not follow the history in order")
        if reasons is None:
            if self.trips and self.authorised_until(on) is None:
                reasons = (RefusalReason.F,)
            elif self.traveller.visa_required:
                reasons = (self.rng.choice((RefusalReason.C, RefusalReason.E)),)
            else:
                reasons = (self.rng.choice((RefusalReason.E, RefusalReason.G)),)
        refusal = Refusal(
            _at(on, self.rng.randint(6, 22), self.rng.randrange(60)),
            crossing_point or self.ports.pick(self.rng, self.traveller.nationality),
            tuple(sorted(set(reasons))),
        )
        self.events.append(refusal)
        return refusal

    def build(self) -> History:
        """The history so far."""
        return History(self.traveller, tuple(self.events))


def sticker_number(rng: random.Random, consulate: str | None = None) -> str:
    """A synthetic visa sticker number: the issuing state's code and nine digits."""
    return (consulate or rng.choice(CONSULATES)) + f"{rng.randrange(10**9):09d}"


def single_visa(
    rng: random.Random, entry: date, days: int, entries: EntriesAllowed = EntriesAllowed.ONE
) -> VisaDetails:
    """A visa for one trip: valid from a few days before it to 15 days after (Art 24(1))."""
    valid_from = entry - timedelta(days=rng.randrange(0, 6))
    valid_until = entry + timedelta(days=days - 1 + VISA_GRACE_DAYS)
    return VisaDetails(
        sticker_number(rng), valid_from, valid_until, min(90, days + rng.randrange(0, 6)), entries
    )


def multiple_visa(rng: random.Random, valid_from: date, years: int) -> VisaDetails:
    """A multiple-entry visa for 90 days in any 180, valid for `years` years."""
    valid_until = valid_from + timedelta(days=round(365.25 * years) - 1)
    return VisaDetails(sticker_number(rng), valid_from, valid_until, 90, EntriesAllowed.MULTIPLE)


@dataclass(frozen=True, slots=True)
class _Style:
    """How someone travels: trip lengths and gaps between trips, in days."""

    shortest: int
    longest: int
    min_gap: int
    max_gap: int


_STYLES: tuple[tuple[_Style, int], ...] = (
    (_Style(1, 6, 14, 75), 3),  # business trips
    (_Style(5, 21, 45, 200), 5),  # holidays
    (_Style(30, 90, 100, 220), 2),  # long stays
)


@dataclass(frozen=True, slots=True)
class HistoryMix:
    """The shares of travellers in each situation, and of those with a refusal."""

    first_visit: float = 0.12
    overstayer: float = 0.03
    in_territory: float = 0.12
    refused_only: float = 0.01
    refusal: float = 0.05
    multiple_entry_visa: float = 0.5


class HistoryGenerator:
    """Random lawful histories (but for deliberate overstays), the same for the same seed."""

    def __init__(
        self, today: date, *, seed: int, ports: Ports, mix: HistoryMix | None = None
    ) -> None:
        self.today = today
        self.seed = seed
        self.ports = ports
        self.mix = mix or HistoryMix()

    def start(self, traveller: Traveller) -> date:
        """The first day of a traveller's history."""
        return max(
            self.today - timedelta(days=HISTORY_DAYS),
            PROGRESSIVE_START_FIRST_DAY,
            traveller.issued_on,
            traveller.birth_date,
        )

    def builder(self, traveller: Traveller) -> HistoryBuilder:
        """An empty builder for `traveller`, with the generator's randomness."""
        rng = random.Random(f"limes.sim.histories:{self.seed}:{traveller.key}")  # noqa: S311 - synthetic data
        return HistoryBuilder(traveller, self.today, rng, self.ports)

    def history(self, traveller: Traveller) -> History:
        """A history of `traveller` up to today."""
        builder = self.builder(traveller)
        rng, mix, today = builder.rng, self.mix, self.today
        start = self.start(traveller)
        roll = rng.random()
        if roll < mix.first_visit or start >= today - timedelta(days=3):
            return builder.build()
        roll -= mix.first_visit
        if roll < mix.refused_only:
            builder.refusal(start + timedelta(days=rng.randrange((today - start).days)))
            return builder.build()
        roll -= mix.refused_only
        overstay = roll < mix.overstayer
        in_territory = not overstay and roll < mix.overstayer + mix.in_territory
        # The open entry comes last; the closed trips end before it.
        if overstay:  # past a visa of a few weeks, or past the 90 days of a visa-free stay
            late = (25, 150) if traveller.visa_required else (95, 200)
            open_on = today - timedelta(days=rng.randint(*late))
        elif in_territory:
            open_on = today - timedelta(days=rng.randint(1, 45))
        else:
            open_on = today
        open_on = max(open_on, start)
        style = rng.choices([s for s, _ in _STYLES], [w for _, w in _STYLES])[0]
        multiple = traveller.visa_required and rng.random() < mix.multiple_entry_visa
        refuse = rng.random() < mix.refusal
        visa: VisaDetails | None = None
        cursor = start + timedelta(days=rng.randrange(0, style.max_gap))
        latest_exit = open_on - timedelta(days=2)
        while cursor <= latest_exit:
            days = rng.randint(style.shortest, style.longest)
            if traveller.visa_required:
                visa = self._visa(rng, cursor, days, visa, multiple)
            trip = builder.trip(cursor, days, visa=visa, latest_exit=latest_exit)
            if trip is None:
                cursor += timedelta(days=30)
                continue
            assert trip.exit_at is not None  # noqa: S101 - a closed trip
            gap = rng.randint(style.min_gap, style.max_gap)
            after = trip.exit_at.date()
            if refuse and gap >= 6 and after + timedelta(days=gap // 2) <= latest_exit:
                builder.refusal(after + timedelta(days=rng.randint(3, gap // 2)))
                refuse = False
            cursor = after + timedelta(days=gap)
        if overstay or in_territory:
            self._open_trip(builder, open_on, overstay, visa, multiple)
        return builder.build()

    def _visa(
        self,
        rng: random.Random,
        entry: date,
        days: int,
        current: VisaDetails | None,
        multiple: bool,
    ) -> VisaDetails:
        """A single-entry visa per trip, or a multiple-entry visa reused while it lasts.

        A traveller who used multiple-entry visas well gets a longer one next time
        (the "cascade" that Reg. (EU) 2019/1155 brought into the Visa Code).
        """
        if not multiple:
            return single_visa(rng, entry, days)
        if current is not None and (
            current.valid_from <= entry and entry + timedelta(days=days) <= current.valid_until
        ):
            return current
        years = 1 if current is None else 2
        return multiple_visa(rng, entry - timedelta(days=rng.randrange(3, 40)), years)

    def _open_trip(
        self,
        builder: HistoryBuilder,
        entry: date,
        overstay: bool,
        current: VisaDetails | None,
        multiple: bool,
    ) -> None:
        """The entry without an exit; an overstayer's authorised stay has ended by today."""
        rng, today = builder.rng, self.today
        last_day = builder.last_day
        if last_day is not None and entry <= last_day:
            return
        visa = None
        if builder.traveller.visa_required:
            length = rng.randint(10, 20) if overstay else (today - entry).days + rng.randint(3, 30)
            visa = self._visa(rng, entry, length, current, multiple)
        until = builder.authorised_until(entry, visa)
        if until is None or (until >= today) == overstay:
            return  # this traveller cannot be in that situation today: leave it out
        builder.trip(entry, 0, visa=visa, stay_open=True)
