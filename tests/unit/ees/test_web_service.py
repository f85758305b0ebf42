"""The web service's answers to travellers and carriers (EES Art 13; Impl. Reg. (EU) 2022/1409)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from limes.ees.domain.models import EntryExitRecord, RecordSource, VisaDetails
from limes.ees.domain.web_service import (
    CARRIER_REASON_TEXT,
    CarrierReason,
    InvalidIntendedDates,
    Verdict,
    carrier_answer,
    traveller_answer,
)
from limes.shortstay import EntriesAllowed, Limit

TODAY = date(2026, 11, 23)


def _record(
    entry: date, exit_: date | None, visa: VisaDetails | None = None, until: date | None = None
) -> EntryExitRecord:
    return EntryExitRecord(
        record_id=f"E{entry:%m%d}",
        file_id="F1",
        entry_at=datetime(entry.year, entry.month, entry.day, 9, tzinfo=UTC),
        entry_crossing_point="FRA-CDG",
        authorised_stay_until=until or entry + timedelta(days=89),
        visa=visa,
        exit_at=datetime(exit_.year, exit_.month, exit_.day, 18, tzinfo=UTC) if exit_ else None,
        exit_crossing_point="FRA-CDG" if exit_ else None,
    )


def _visa(
    entries: EntriesAllowed = EntriesAllowed.ONE,
    valid_from: date = date(2026, 9, 1),
    valid_until: date = date(2027, 2, 28),
    days: int = 90,
) -> VisaDetails:
    return VisaDetails("FRA000111", valid_from, valid_until, days, entries)


# --------------------------------------------------------------------- travellers, Art 13(1)


def test_art_13_1_a_used_single_entry_visa_is_not_ok_for_another_entry() -> None:
    """The issue's case: six days on a single-entry visa gave "84 days left"."""
    history = [_record(date(2026, 11, 1), date(2026, 11, 6), _visa())]
    answer = traveller_answer(history, TODAY)
    assert answer.verdict is Verdict.NOT_OK
    assert answer.limited_by is Limit.VISA_ENTRIES
    assert answer.days_left == 0
    assert answer.authorised_until is None
    assert "entries of the visa recorded at your last entry are used" in answer.reason


def test_art_13_1_a_later_stay_shown_only_by_stamps_does_not_hide_the_visa_on_record() -> None:
    stamped = replace(_record(date(2026, 11, 10), date(2026, 11, 12)), source=RecordSource.STAMP)
    history = [_record(date(2026, 11, 1), date(2026, 11, 6), _visa()), stamped]
    assert traveller_answer(history, TODAY).limited_by is Limit.VISA_ENTRIES


def test_art_13_1_the_visa_validity_and_duration_cap_the_intended_stay() -> None:
    multiple = _visa(EntriesAllowed.MULTIPLE, valid_until=date(2027, 1, 10), days=30)
    history = [_record(date(2026, 11, 1), date(2026, 11, 20), multiple)]  # 20 of 30 days
    ten_left = traveller_answer(history, TODAY, date(2026, 12, 1))
    assert ten_left.verdict is Verdict.OK
    assert (ten_left.days_left, ten_left.authorised_until) == (10, date(2026, 12, 10))
    assert ten_left.limited_by is Limit.VISA_DURATION
    too_long = traveller_answer(history, TODAY, date(2026, 12, 1), date(2026, 12, 15))
    assert too_long.verdict is Verdict.NOT_OK
    assert "5 days too late" in too_long.reason
    expired = traveller_answer(history, TODAY, date(2027, 1, 11))
    assert expired.verdict is Verdict.NOT_OK
    assert expired.limited_by is Limit.VISA_VALIDITY


def test_art_13_1_the_intended_dates_are_checked_against_the_90_180_day_rule() -> None:
    history = [_record(date(2026, 8, 26), date(2026, 11, 23) - timedelta(days=1))]  # 89 days
    assert traveller_answer(history, TODAY, intended_exit=TODAY).verdict is Verdict.OK
    two_days = traveller_answer(history, TODAY, TODAY, TODAY + timedelta(days=1))
    assert two_days.verdict is Verdict.NOT_OK
    later = traveller_answer(history, TODAY, date(2027, 3, 1), date(2027, 3, 20))
    assert later.verdict is Verdict.OK
    full = [_record(date(2026, 8, 25), date(2026, 11, 22))]  # 90 days
    none = traveller_answer(full, TODAY, TODAY)
    assert none.verdict is Verdict.NOT_OK
    assert none.next_entry is not None
    assert f"The next stay may start on {none.next_entry}" in none.reason


def test_art_13_1_in_the_territory_the_intended_exit_must_fall_within_the_authorised_stay() -> None:
    inside = [_record(date(2026, 11, 20), None, until=date(2026, 12, 5))]
    ok = traveller_answer(inside, TODAY, intended_exit=date(2026, 12, 5))
    assert (ok.verdict, ok.in_territory, ok.days_left) == (Verdict.OK, True, 13)
    late = traveller_answer(inside, TODAY, intended_exit=date(2026, 12, 7))
    assert late.verdict is Verdict.NOT_OK
    assert "2 days too late" in late.reason
    overstayed = traveller_answer(inside, date(2026, 12, 8))
    assert (overstayed.verdict, overstayed.overstay_days) == (Verdict.NOT_OK, 3)
    with pytest.raises(InvalidIntendedDates) as error:
        traveller_answer(inside, TODAY, intended_entry=date(2026, 12, 20))
    assert error.value.errors[0].field == "intended_entry"


def test_art_13_1_art_2_1_b_a_family_member_in_the_territory_has_no_stay_to_count_down() -> None:
    """EES Art 2(1)(b), 11: no calculator, so no overstay months after the entry."""
    entered = replace(_record(date(2026, 5, 1), None, until=date(2026, 5, 1)), family_member=True)
    answer = traveller_answer([entered], TODAY, intended_exit=date(2027, 3, 1))
    assert (answer.verdict, answer.in_territory, answer.overstay_days) == (Verdict.OK, True, 0)
    assert answer.authorised_until is None
    assert "family member" in answer.reason


def test_art_13_1_intended_dates_in_the_past_or_in_the_wrong_order_are_refused() -> None:
    with pytest.raises(InvalidIntendedDates) as error:
        traveller_answer([], TODAY, TODAY - timedelta(days=1), TODAY - timedelta(days=3))
    fields = {e.field: e.reason for e in error.value.errors}
    assert "before today" in fields["intended_entry"]
    assert "intended_exit" in fields


def test_art_13_1_no_file_the_full_stay_is_open() -> None:
    answer = traveller_answer([], TODAY, intended_exit=TODAY + timedelta(days=95), found=False)
    assert answer.found is False
    assert answer.verdict is Verdict.NOT_OK  # 96 days is more than 90
    assert answer.days_left == 90


# --------------------------------------------------------------------- carriers, Art 13(3)


def test_art_13_3_a_visa_the_ees_holds_no_entry_on_is_ok() -> None:
    answer = carrier_answer([], "FRA000111", TODAY)
    assert (answer.verdict, answer.reason) == (Verdict.OK, CarrierReason.NO_ENTRY_ON_VISA)


def test_art_13_3_the_entries_of_a_single_entry_visa_used_is_not_ok() -> None:
    history = [_record(date(2026, 11, 1), date(2026, 11, 6), _visa())]
    answer = carrier_answer(history, "FRA000111", TODAY)
    assert (answer.verdict, answer.reason) == (Verdict.NOT_OK, CarrierReason.VISA_ENTRIES_USED)
    two = _visa(EntriesAllowed.TWO)
    assert carrier_answer(
        [_record(date(2026, 11, 1), date(2026, 11, 6), two)], "FRA000111", TODAY
    ).ok


def test_art_13_3_a_multiple_entry_visa_not_valid_on_the_date_of_travel_is_not_ok() -> None:
    """The issue's case: the carrier's answer counted entries, not the visa's validity."""
    multiple = _visa(EntriesAllowed.MULTIPLE, valid_until=date(2026, 12, 31))
    history = [_record(date(2026, 11, 1), date(2026, 11, 6), multiple)]
    assert carrier_answer(history, "FRA000111", TODAY).reason is CarrierReason.MULTIPLE_ENTRY
    answer = carrier_answer(history, "FRA000111", TODAY, date(2027, 1, 2))
    assert (answer.verdict, answer.reason) == (Verdict.NOT_OK, CarrierReason.VISA_NOT_VALID)


def test_art_13_3_the_days_of_stay_of_the_visa_and_the_date_of_return() -> None:
    multiple = _visa(EntriesAllowed.MULTIPLE, days=15)
    used_up = [_record(date(2026, 11, 1), date(2026, 11, 15), multiple)]  # 15 of 15 days
    answer = carrier_answer(used_up, "FRA000111", TODAY)
    assert (answer.verdict, answer.reason) == (Verdict.NOT_OK, CarrierReason.VISA_DAYS_USED)
    five_left = [_record(date(2026, 11, 1), date(2026, 11, 10), multiple)]
    assert carrier_answer(five_left, "FRA000111", TODAY, TODAY, TODAY + timedelta(days=4)).ok
    short = carrier_answer(five_left, "FRA000111", TODAY, TODAY, TODAY + timedelta(days=5))
    assert short.reason is CarrierReason.VISA_ENDS_BEFORE_EXIT


def test_art_13_3_the_90_180_day_rule_is_the_guards_decision_not_the_carriers() -> None:
    earlier = VisaDetails("FRA000099", date(2026, 5, 1), date(2026, 8, 31), 90, EntriesAllowed.ONE)
    current = _visa(EntriesAllowed.MULTIPLE, valid_from=date(2026, 11, 1))
    history = [
        _record(date(2026, 5, 28), date(2026, 8, 20), earlier),  # 85 days
        _record(date(2026, 11, 1), date(2026, 11, 5), current),  # 5 days: 90 in the window
    ]
    assert traveller_answer(history, TODAY).limited_by is Limit.RULE_90_180
    assert traveller_answer(history, TODAY).verdict is Verdict.NOT_OK
    assert carrier_answer(history, "FRA000111", TODAY).ok


def test_art_13_the_carrier_learns_no_date_or_day_of_the_travellers_stays() -> None:
    """EES Art 13(3): OK or NOT OK; each answer's words name no date and no number."""
    for text in CARRIER_REASON_TEXT.values():
        assert not any(ch.isdigit() for ch in text), text
    assert set(CARRIER_REASON_TEXT) == set(CarrierReason)
