"""Seeding the demo through the real EES service into a fresh SQLite database."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from limes.bootstrap import Services, build_services
from limes.cli import _reset_demo
from limes.core.clock import FixedClock
from limes.ees.domain.border import CrossingRequest
from limes.ees.domain.models import Completeness, Direction, FingerprintStatus, SuspensionScope
from limes.ees.domain.rules import PROGRESSIVE_START_FIRST_DAY, stays_of
from limes.ees.outcomes import Actor
from limes.ees.schemas import CaptureIn, CrossingIn, VisaIn
from limes.settings import EesSettings, Settings
from limes.shortstay import Mode, calculate
from limes.sim.histories import Refusal
from limes.sim.seed import CROSSING_POINTS, FeaturedTraveller, SeedReport, seed_demo
from tests.conftest import LIMES, settings_in

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
GUARD = Actor("guard", "border_guard", "FRA-PAF", "border_check")
IMMIGRATION = Actor("immigration", "immigration_authority", "FRA-DGEF", "in_territory_check")


@dataclass
class Seeded:
    services: Services
    report: SeedReport
    featured_path: Path

    def featured(self, label: str) -> FeaturedTraveller:
        return next(f for f in self.report.featured if f.label == label)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    directory = tmp_path_factory.mktemp("seed")
    services = build_services(settings_in(directory), clock=FixedClock(NOW))
    path = directory / "var" / "demo-travellers.txt"
    report = seed_demo(services, travellers=30, featured_path=path)
    yield Seeded(services, report, path)
    services.engine.dispose()


def _desk(mrz: str, visa: VisaIn | None = None, point: str = "FRA-CDG") -> CrossingIn:
    """What the border desk sends: the MRZ and the server-side synthetic capture."""
    return CrossingIn(mrz=mrz, crossing_point=point, visa=visa, capture=CaptureIn(synthetic=True))


def test_the_crossing_points_are_created(seeded: Seeded) -> None:
    points = {p.code: p for p in seeded.services.ees_operations.crossing_points()}
    assert set(points) == {p.code for p in CROSSING_POINTS}
    assert {p.border_type for p in points.values()} == {"air", "land", "sea"}
    assert len({p.country for p in points.values()}) >= 8
    # Reg. (EU) 2025/1534 Art 6: on the demo's day (November 2026) no suspension is
    # allowed any more, so Bajakovo runs the EES in full.
    bajakovo = points["HRV-BAJ"]
    assert bajakovo.suspension is SuspensionScope.NONE
    assert bajakovo.biometrics_required
    assert {p.time_zone for p in points.values()} >= {"Europe/Helsinki", "Europe/Zagreb"}
    assert seeded.report.crossing_points == len(CROSSING_POINTS)


def test_files_and_records_are_stored(seeded: Seeded) -> None:
    report = seeded.report
    assert report.seeded
    assert report.travellers == 30
    assert report.entries > report.files > 15
    assert report.exits > 0
    assert report.refusals >= 1  # the featured refused traveller at least
    with seeded.services.ees_store.unit_of_work(write=False) as uow:
        file_ids = uow.ees.file_ids()
        entries = [e for f in file_ids for e in uow.ees.entries(f)]
        refusals = [r for f in file_ids for r in uow.ees.refusals(f)]
    assert len(file_ids) == report.files
    assert len(entries) == report.entries
    assert sum(e.exit_at is not None for e in entries) == report.exits
    assert len(refusals) == report.refusals
    assert all(e.entry_at < NOW for e in entries)
    assert all(e.exit_at < NOW for e in entries if e.exit_at is not None)


def test_every_history_is_lawful_but_the_deliberate_overstays(seeded: Seeded) -> None:
    overstays = 0
    with seeded.services.ees_store.unit_of_work(write=False) as uow:
        for file_id in uow.ees.file_ids():
            entries = uow.ees.entries(file_id)
            for entry in entries:
                if entry.exit_at is not None:
                    assert entry.exit_at.date() <= entry.authorised_stay_until, entry
                    assert entry.overstay_from is None, entry
                elif entry.authorised_stay_until < TODAY:
                    assert entry.overstay_from == entry.authorised_stay_until + timedelta(days=1)
                    overstays += 1
            if not any(e.overstay_from for e in entries):
                calculation = calculate(stays_of(entries, TODAY), TODAY, Mode.CHECK)
                assert not calculation.overstays, file_id
    assert overstays == seeded.report.overstays >= 1


def test_the_overstayers_are_listed(seeded: Seeded) -> None:
    listed = seeded.services.ees_operations.overstayers(IMMIGRATION)
    assert len(listed) == seeded.report.overstays
    numbers = {d.number for o in listed if o.identity for d in o.identity.documents}
    assert seeded.featured("overstayer").traveller.document_number in numbers


def test_the_returning_traveller_matches_the_desks_synthetic_capture(seeded: Seeded) -> None:
    featured = seeded.featured("returning traveller")
    request = _desk(featured.traveller.mrz()).to_domain(TODAY)
    check = seeded.services.ees.check(GUARD, request, Direction.ENTRY)
    assert check.individual_file is not None
    assert check.individual_file.completeness is Completeness.COMPLETE
    assert check.individual_file.fingerprint_status is FingerprintStatus.CAPTURED
    assert len(check.entries) == 3
    assert all(e.exit_at is not None for e in check.entries)
    assert check.verification is not None
    assert check.verification.matched is True
    assert check.assessment is not None
    assert check.assessment.authorised_until is not None


def test_someone_else_at_the_desk_does_not_match_the_returning_traveller(seeded: Seeded) -> None:
    returning = seeded.featured("returning traveller").traveller
    other = seeded.featured("first visit").traveller
    capture = _desk(other.mrz()).to_domain(TODAY).capture
    request = _desk(returning.mrz()).to_domain(TODAY)
    impostor = CrossingRequest(request.mrz, request.crossing_point, capture)
    check = seeded.services.ees.check(GUARD, impostor, Direction.ENTRY)
    assert check.verification is not None
    assert check.verification.matched is False


def test_the_first_visitor_has_no_file(seeded: Seeded) -> None:
    featured = seeded.featured("first visit")
    check = seeded.services.ees.check(
        GUARD, _desk(featured.traveller.mrz()).to_domain(TODAY), Direction.ENTRY
    )
    assert check.individual_file is None
    assert featured.history.events == ()


def test_the_used_single_entry_visa_allows_no_entry(seeded: Seeded) -> None:
    featured = seeded.featured("visa holder, visa used")
    visa = featured.visa
    assert visa is not None
    assert visa.valid_until > TODAY
    visa_in = VisaIn(
        sticker_number=visa.sticker_number,
        valid_from=visa.valid_from,
        valid_until=visa.valid_until,
        duration_days=visa.duration_days,
        entries=visa.entries,
    )
    request = _desk(featured.traveller.mrz(), visa_in, "ITA-FCO").to_domain(TODAY)
    check = seeded.services.ees.check(GUARD, request, Direction.ENTRY)
    assert check.assessment is not None
    assert check.assessment.authorised_until is None


def test_the_multiple_entry_visa_holder_may_enter(seeded: Seeded) -> None:
    featured = seeded.featured("visa holder")
    visa = featured.visa
    assert visa is not None
    visa_in = VisaIn(
        sticker_number=visa.sticker_number,
        valid_from=visa.valid_from,
        valid_until=visa.valid_until,
        duration_days=visa.duration_days,
        entries=visa.entries,
    )
    request = _desk(featured.traveller.mrz(), visa_in, "DEU-FRA").to_domain(TODAY)
    check = seeded.services.ees.check(GUARD, request, Direction.ENTRY)
    assert len(check.entries) == 2
    assert check.assessment is not None
    assert check.assessment.authorised_until is not None


def test_the_featured_travellers_file_holds_their_mrzs(seeded: Seeded) -> None:
    text = seeded.featured_path.read_text(encoding="utf-8")
    assert "SYNTHETIC" in text
    labels = {f.label for f in seeded.report.featured}
    assert {
        "returning traveller",
        "first visit",
        "visa holder, visa used",
        "in the territory",
        "overstayer",
    } <= labels
    for featured in seeded.report.featured:
        assert featured.traveller.name in text
        for line in featured.traveller.mrz().splitlines():
            assert line in text


def test_a_second_seeding_adds_nothing(seeded: Seeded) -> None:
    with seeded.services.ees_store.unit_of_work(write=False) as uow:
        before = len(uow.ees.file_ids())
    written = seeded.featured_path.read_text(encoding="utf-8")
    again = seed_demo(seeded.services, travellers=30, featured_path=seeded.featured_path)
    assert not again.seeded
    assert again.crossing_points == len(CROSSING_POINTS)
    assert "nothing seeded" in again.summary()
    with seeded.services.ees_store.unit_of_work(write=False) as uow:
        assert len(uow.ees.file_ids()) == before
    assert seeded.featured_path.read_text(encoding="utf-8") == written


def test_letting_days_pass_makes_the_stay_ending_soon_an_overstay(tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    services = build_services(settings_in(tmp_path), clock=clock)
    report = seed_demo(services, travellers=0, featured_path=None)
    assert report.travellers == len(report.featured)
    featured = next(f for f in report.featured if f.label == "in the territory")
    trip = featured.history.open_trip
    assert trip is not None
    assert 0 < (trip.authorised_until - TODAY).days <= 7
    clock.set(datetime.combine(trip.authorised_until, NOW.time(), UTC))
    assert services.ees_operations.flag_overstays() == []
    clock.advance(timedelta(days=1))
    [flagged] = services.ees_operations.flag_overstays()
    listed = services.ees_operations.overstayers(IMMIGRATION)
    assert flagged in {o.record.record_id for o in listed}
    services.engine.dispose()


def test_the_featured_travellers_are_the_same_for_the_same_seed(tmp_path: Path) -> None:
    one = build_services(settings_in(tmp_path / "one"), clock=FixedClock(NOW))
    two = build_services(settings_in(tmp_path / "two"), clock=FixedClock(NOW))
    first = seed_demo(one, travellers=0, featured_path=None)
    second = seed_demo(two, travellers=0, featured_path=None)
    assert [f.traveller for f in first.featured] == [f.traveller for f in second.featured]
    one.engine.dispose()
    two.engine.dispose()


def test_reset_deletes_the_demo_files_under_var_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    var = tmp_path / "var"
    var.mkdir()
    demo_files = [var / n for n in ("limes.sqlite", "limes.sqlite-wal", "ees-fallback.sqlite")]
    featured = var / "demo-travellers.txt"
    elsewhere = tmp_path / "elsewhere.sqlite"
    for path in (*demo_files, featured, elsewhere):
        path.write_text("x")
    settings = Settings(database_url=None, ees=EesSettings(fallback_path="var/ees-fallback.sqlite"))
    _reset_demo(settings, featured)
    assert not any(p.exists() for p in (*demo_files, featured))
    _reset_demo(Settings(database_url=f"sqlite:///{elsewhere}"), featured)
    assert elsewhere.exists()


def test_demo_help_lists_the_seeding_options() -> None:
    result = subprocess.run(
        [str(LIMES), "demo", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"},
    )
    assert result.returncode == 0, result.stderr
    for option in ("--travellers", "--reset", "--host", "--port"):
        assert option in result.stdout


def test_featured_histories_lie_between_the_ees_start_and_today(seeded: Seeded) -> None:
    for featured in seeded.report.featured:
        for event in featured.history.events:
            at = event.at if isinstance(event, Refusal) else event.entry_at
            assert PROGRESSIVE_START_FIRST_DAY <= at.date() < TODAY


def test_the_resembling_traveller_makes_a_yellow_link_when_recorded(tmp_path: Path) -> None:
    services = build_services(settings_in(tmp_path), clock=FixedClock(NOW))
    report = seed_demo(services, travellers=10, featured_path=None)
    assert services.mid.detect_changes().changes == 0  # the seeding ran the initial load
    returning = next(f for f in report.featured if f.label == "returning traveller")
    featured = next(f for f in report.featured if f.label == "resembling another traveller")
    assert featured.history.events == ()
    assert featured.traveller.birth_date == returning.traveller.birth_date
    assert featured.traveller.document_number != returning.traveller.document_number
    receipt = services.ees.record_entry(GUARD, _desk(featured.traveller.mrz()).to_domain(TODAY))
    (link,) = services.mid.detect_changes().links
    check = services.ees.check(
        GUARD, _desk(returning.traveller.mrz()).to_domain(TODAY), Direction.ENTRY
    )
    assert check.individual_file is not None
    assert link.colour.value == "yellow"
    with services.ees_store.unit_of_work(write=False) as uow:
        created = uow.ees.get_file(receipt.file_id)
    assert created is not None
    # 2019/817 Art 27-28: the link joins the new EES file and traveller 1's VIS file.
    assert {(link.a.system, link.a.record_id), (link.b.system, link.b.record_id)} == {
        ("ees", created.cir_id),
        ("vis", f"V{returning.traveller.nationality}{returning.traveller.document_number}"),
    }
    assert check.individual_file.cir_id not in {link.a.record_id, link.b.record_id}
    assert [p.link for p in services.mid.pending()] == [link]
    services.engine.dispose()
