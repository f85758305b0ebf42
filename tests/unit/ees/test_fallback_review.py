"""Fall-back (EES Art 21): a crossing that happened during an outage is recorded, and
flagged for review when the central checks object; exits from the fall-back are marked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from limes.core.clock import FixedClock
from limes.core.errors import InvalidRequest
from limes.ees.domain.border import Capture, CrossingRequest
from limes.ees.domain.errors import NoStayPossible
from limes.ees.domain.models import RecordSource
from limes.ees.fallback import FallbackRecorder, Operation, QueuedCrossing, SqliteFallbackQueue
from limes.ees.operations import EesOperations
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from tests.ees_factories import Traveller
from tests.unit.ees.conftest import GUARD, peek

ADA = Traveller()


@pytest.fixture
def recorder(service: EesService, clock: FixedClock, tmp_path: Path) -> FallbackRecorder:
    return FallbackRecorder(service, SqliteFallbackQueue(tmp_path / "queue.sqlite"), clock)


def _outage(
    recorder: FallbackRecorder,
    operation: Operation,
    at: datetime,
    request: CrossingRequest | None = None,
) -> None:
    """A crossing kept locally while the central system was down."""
    key = f"K-{operation}-{at.isoformat()}"
    recorder.queue.append(QueuedCrossing(0, operation, GUARD, request or ADA.at(), key, at))


def _ninety_days_used(service: EesService, clock: FixedClock) -> None:
    clock.set(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    service.record_entry(GUARD, ADA.at())
    clock.set(datetime(2026, 3, 31, 18, 0, tzinfo=UTC))  # 90 days, 1 Jan to 31 Mar
    service.record_exit(GUARD, ADA.at())


def test_ees_art_21_an_outage_entry_over_the_90_180_is_recorded_for_review_and_the_exit_works(
    service: EesService,
    operations: EesOperations,
    store: EesStore,
    clock: FixedClock,
    recorder: FallbackRecorder,
) -> None:
    """The traveller was admitted during the outage with 90 days already used: the upload
    records the entry with the calculator's objection, the overstay runs from the entry
    day (Art 12), and the later exit is recorded."""
    _ninety_days_used(service, clock)
    live = datetime(2026, 4, 5, 10, 0, tzinfo=UTC)
    clock.set(live)
    with pytest.raises(NoStayPossible):  # at a live desk the guard refuses instead
        service.record_entry(GUARD, ADA.at())
    _outage(recorder, Operation.ENTRY, live)
    clock.advance(timedelta(hours=2))

    report = recorder.replay()
    assert report.failed == ()
    assert recorder.queue.failed() == []
    (entry_id,) = report.uploaded
    entry = peek(store).ees.get_entry(entry_id)
    assert entry.source is RecordSource.FALLBACK
    assert entry.authorised_stay_until == date(2026, 4, 4)
    assert entry.review_reason is not None
    assert "EES Art 21" in entry.review_reason
    assert "90 days used" in entry.review_reason

    # The back office finds it; the guard is told at the next check.
    (listed,) = operations.entries_for_review(GUARD)
    assert listed.record.record_id == entry_id
    assert peek(store).ees.access_log()[-1].operation == "list_for_review"

    clock.set(datetime(2026, 4, 10, 12, 0, tzinfo=UTC))
    receipt = service.record_exit(GUARD, ADA.at())
    assert receipt.entry is not None
    assert receipt.entry.record_id == entry_id
    assert receipt.entry.exit_source is RecordSource.EES
    assert receipt.entry.overstay_from == date(2026, 4, 5)
    assert any("needs review" in w for w in receipt.check.warnings)


def test_ees_art_21_an_exit_kept_during_an_outage_is_marked_as_fallback(
    service: EesService, store: EesStore, clock: FixedClock, recorder: FallbackRecorder
) -> None:
    clock.set(datetime(2026, 5, 4, 8, 0, tzinfo=UTC))
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    _outage(recorder, Operation.EXIT, datetime(2026, 5, 10, 8, 0, tzinfo=UTC))
    clock.set(datetime(2026, 5, 10, 9, 0, tzinfo=UTC))
    assert recorder.replay().uploaded == (entry.record_id,)
    stored = peek(store).ees.get_entry(entry.record_id)
    assert stored.exit_source is RecordSource.FALLBACK
    assert stored.exit_at == datetime(2026, 5, 10, 8, 0, tzinfo=UTC)
    assert stored.review_reason is None


def test_ees_art_21_an_outage_entry_without_biometrics_is_recorded_pending_them(
    store: EesStore, clock: FixedClock, recorder: FallbackRecorder
) -> None:
    """Art 21: the last resort records the crossing without biometrics; the file is
    completed at the next crossing instead of the crossing being set aside."""
    at = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    clock.set(at + timedelta(hours=1))
    _outage(recorder, Operation.ENTRY, at, request=ADA.at(capture=Capture()))
    (entry_id,) = recorder.replay().uploaded
    entry = peek(store).ees.get_entry(entry_id)
    individual_file = peek(store).ees.get_file(entry.file_id)
    assert individual_file.completeness.value == "pending_biometrics"
    assert entry.review_reason is None


def test_ees_art_21_art_46_closing_a_review_clears_the_flag_and_logs_reason_and_outcome(
    service: EesService,
    operations: EesOperations,
    store: EesStore,
    clock: FixedClock,
    recorder: FallbackRecorder,
) -> None:
    """The back office looks at the crossing: the flag goes, the log keeps why and what."""
    _ninety_days_used(service, clock)
    live = datetime(2026, 4, 5, 10, 0, tzinfo=UTC)
    clock.set(live)
    _outage(recorder, Operation.ENTRY, live)
    (entry_id,) = recorder.replay().uploaded
    reason = peek(store).ees.get_entry(entry_id).review_reason

    with pytest.raises(InvalidRequest) as blank:
        operations.close_review(GUARD, entry_id, "  ")
    assert blank.value.errors[0].field == "outcome"
    reviewed = operations.close_review(GUARD, entry_id, "overstay confirmed with the traveller")
    assert reviewed.review_reason is None
    assert operations.entries_for_review(GUARD) == []
    closed = [e for e in peek(store).ees.access_log() if e.operation == "close_review"]
    assert closed[-1].query == {
        "review_reason": reason,
        "outcome": "overstay confirmed with the traveller",
    }
    with pytest.raises(InvalidRequest) as twice:
        operations.close_review(GUARD, entry_id, "again")
    assert twice.value.errors[0].field == "record_id"


def test_ees_art_21_art_27_an_outage_entry_on_a_new_passport_is_recorded_and_flagged(
    service: EesService, store: EesStore, clock: FixedClock, recorder: FallbackRecorder
) -> None:
    """The guard who saw the traveller cannot confirm a candidate file at upload: the
    crossing that happened is recorded in a new file and flagged, not set aside."""
    clock.set(datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    first = service.record_entry(GUARD, ADA.at())
    clock.set(datetime(2026, 5, 20, 9, 0, tzinfo=UTC))
    service.record_exit(GUARD, ADA.at())
    new_passport = Traveller(number="Y7654321", expiry=date(2035, 6, 1))
    during = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    clock.set(during)
    ada_herself = replace(new_passport.at(), capture=Capture(ADA.templates()))
    _outage(recorder, Operation.ENTRY, during, ada_herself)
    report = recorder.replay()
    assert report.failed == ()
    (entry_id,) = report.uploaded
    entry = peek(store).ees.get_entry(entry_id)
    assert entry.file_id != first.file_id
    assert entry.review_reason is not None
    assert first.file_id in entry.review_reason
    assert "Art 27" in entry.review_reason


def test_ees_art_21_an_outage_entry_after_an_entry_without_exit_is_recorded_and_both_flagged(
    service: EesService,
    operations: EesOperations,
    store: EesStore,
    clock: FixedClock,
    recorder: FallbackRecorder,
) -> None:
    """The traveller left without an exit record and came back during an outage: the
    upload records the new entry; the earlier one closes on the latest day the traveller
    can have left (no overstay hidden), flagged for a person to find the real exit."""
    clock.set(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    first = service.record_entry(GUARD, ADA.at()).entry
    assert first is not None
    during = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)  # 120 days later: past the 90
    clock.set(during)
    _outage(recorder, Operation.ENTRY, during)
    report = recorder.replay()
    assert report.failed == ()
    (entry_id,) = report.uploaded
    state = peek(store)
    earlier = state.ees.get_entry(first.record_id)
    assert earlier.exit_day == date(2026, 5, 1)
    assert earlier.exit_crossing_point is None
    assert earlier.exit_source is RecordSource.FALLBACK
    assert earlier.overstay_from == first.authorised_stay_until + timedelta(days=1)
    assert earlier.review_reason is not None
    assert "never recorded" in earlier.review_reason
    entry = state.ees.get_entry(entry_id)
    assert entry.is_open
    assert entry.review_reason is not None  # 120 days used: no stay possible that day
    listed = {o.record.record_id for o in operations.entries_for_review(GUARD)}
    assert listed == {first.record_id, entry_id}
