"""Reading, validating and writing ICAO Doc 9303 machine-readable zones."""

from __future__ import annotations

import string
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limes.core.countries import COUNTRIES
from limes.core.documents import (
    MrzFields,
    MrzFormat,
    Sex,
    build_mrz,
    check_digit,
    read_mrz,
    read_mrz_json,
)
from limes.core.errors import InvalidDocument, InvalidRequest
from limes.core.identity import PartialDate
from limes.core.limits import MAX_MRZ_CHARS
from limes.core.mrz_format import LAYOUTS, birth_year, expiry_year

BEFORE_EXPIRY = date(2010, 1, 1)

# The specimens of Doc 9303 (Utopia, Anna Maria Eriksson), typed as printed there.
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
TD1_LONG_NUMBER = (
    "I<UTOD23145890<7349<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
MRV_A = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
MRV_B = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"

SPECIMENS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "td3",
        TD3,
        {
            "document_code": "P",
            "document_number": "L898902C3",
            "nationality": "UTO",
            "birth_date": "1974-08-12",
            "expiry_date": "2012-04-15",
            "optional_data": "ZE184226B",
        },
    ),
    (
        "td1",
        TD1,
        {
            "document_code": "I",
            "document_number": "D23145890",
            "nationality": "UTO",
            "birth_date": "1974-08-12",
            "expiry_date": "2012-04-15",
            "optional_data": "",
        },
    ),
    (
        "td1",
        TD1_LONG_NUMBER,
        {
            "document_code": "I",
            "document_number": "D23145890734",
            "nationality": "UTO",
            "birth_date": "1974-08-12",
            "expiry_date": "2012-04-15",
            "optional_data": "",
        },
    ),
    (
        "td2",
        TD2,
        {
            "document_code": "I",
            "document_number": "D23145890",
            "nationality": "UTO",
            "birth_date": "1974-08-12",
            "expiry_date": "2012-04-15",
            "optional_data": "",
        },
    ),
    (
        "mrv_a",
        MRV_A,
        {
            "document_code": "V",
            "document_number": "L8988901C",
            "nationality": "XXX",
            "birth_date": "1940-09-07",
            "expiry_date": "1996-12-10",
            "optional_data": "6ZE184226B",
        },
    ),
    (
        "mrv_b",
        MRV_B,
        {
            "document_code": "V",
            "document_number": "L8988901C",
            "nationality": "XXX",
            "birth_date": "1940-09-07",
            "expiry_date": "1996-12-10",
            "optional_data": "",
        },
    ),
]

JSON_KEYS = {
    "valid",
    "format",
    "document_code",
    "issuing_state",
    "surname",
    "given_names",
    "document_number",
    "nationality",
    "birth_date",
    "sex",
    "expiry_date",
    "optional_data",
    "expired",
    "errors",
    "lines",
}


def _fields(reading_json: dict[str, Any]) -> set[str]:
    return {e["field"] for e in reading_json["errors"]}


def _edit(mrz: str, line: int, position: int, text: str) -> str:
    """Replace characters from 1-based `position` of 1-based `line`."""
    lines = mrz.split("\n")
    row = lines[line - 1]
    lines[line - 1] = row[: position - 1] + text + row[position - 1 + len(text) :]
    return "\n".join(lines)


def _reseal_td3(mrz: str) -> str:
    """Recompute every check digit of a TD3, so only the edited field is wrong."""
    first, second = mrz.split("\n")
    row = list(second)
    for data, check in ((slice(0, 9), 9), (slice(13, 19), 19), (slice(21, 27), 27)):
        row[check] = str(check_digit("".join(row[data])))
    row[42] = str(check_digit("".join(row[28:42])))
    row[43] = str(check_digit("".join(row[0:10] + row[13:20] + row[21:43])))
    return first + "\n" + "".join(row)


# -- check digits (Doc 9303 Part 3 section 4.9) --------------------------------------


@pytest.mark.parametrize(
    ("text", "digit"),
    [
        ("L898902C3", 6),
        ("740812", 2),
        ("120415", 9),
        ("ZE184226B<<<<<", 1),
        ("D23145890", 7),
        ("D23145890734", 9),
        ("L8988901C", 4),
        ("400907", 8),
        ("<<<<<<", 0),
        ("", 0),
        ("A", 0),  # 10 x 7 = 70
        ("Z", 5),  # 35 x 7 = 245
        ("111", 1),  # 7 + 3 + 1
    ],
)
def test_check_digit(text: str, digit: int) -> None:
    assert check_digit(text) == digit


@pytest.mark.parametrize("text", ["l898902c3", "L898 902", "Ä"])
def test_check_digit_refuses_non_mrz_characters(text: str) -> None:
    with pytest.raises(InvalidDocument):
        check_digit(text)


# -- the specimens -------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "mrz", "expected"), SPECIMENS, ids=lambda v: str(v)[:12])
def test_specimens_are_valid(fmt: str, mrz: str, expected: dict[str, Any]) -> None:
    result = read_mrz(mrz, BEFORE_EXPIRY).to_json()
    assert result["errors"] == []
    assert result["valid"] is True
    assert result["format"] == fmt
    assert result["issuing_state"] == "UTO"
    assert result["surname"] == "ERIKSSON"
    assert result["given_names"] == "ANNA MARIA"
    assert result["sex"] == "F"
    assert result["lines"] == mrz.split("\n")
    assert {k: result[k] for k in expected} == expected


def test_to_json_has_exactly_the_documented_keys() -> None:
    assert set(read_mrz(TD3, BEFORE_EXPIRY).to_json()) == JSON_KEYS
    assert set(read_mrz("nonsense", BEFORE_EXPIRY).to_json()) == JSON_KEYS


def test_expired_compares_the_expiry_date_with_today() -> None:
    assert read_mrz(TD3, date(2012, 4, 15)).expired is False  # valid on its last day
    late = read_mrz(TD3, date(2012, 4, 16))
    assert late.expired is True
    assert late.valid  # an expired document's MRZ is still sound


def test_surrounding_blanks_carriage_returns_and_blank_lines_are_tolerated() -> None:
    first, second = TD3.split("\n")
    reading = read_mrz(f"\n  {first}  \r\n\r\n\t{second}\r\n", BEFORE_EXPIRY)
    assert reading.valid
    assert reading.lines == (first, second)


def test_names_split_at_double_filler() -> None:
    mrz = build_mrz(
        MrzFields(
            "P",
            "NLD",
            "van der Berg",
            "Jan Willem",
            "X1234567",
            "NLD",
            None,
            None,
            date(2030, 1, 1),
        ),
        MrzFormat.TD3,
    )
    assert mrz.startswith("P<NLDVAN<DER<BERG<<JAN<WILLEM<<<")
    reading = read_mrz(mrz, BEFORE_EXPIRY)
    assert (reading.surname, reading.given_names) == ("VAN DER BERG", "JAN WILLEM")


def test_a_single_name_has_no_given_names() -> None:
    mrz = _edit(TD3, 1, 6, "ERIKSSON" + "<" * 31)
    reading = read_mrz(_reseal_td3(mrz), BEFORE_EXPIRY)
    assert reading.valid
    assert (reading.surname, reading.given_names) == ("ERIKSSON", "")


# -- partial and unknown dates of birth ---------------------------------------------


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("7408<<", PartialDate(1974, 8)),
        ("74<<<<", PartialDate(1974)),
        ("<<<<<<", None),
    ],
)
def test_unknown_parts_of_a_birth_date_are_fillers(birth: str, expected: PartialDate) -> None:
    reading = read_mrz(_reseal_td3(_edit(TD3, 2, 14, birth)), BEFORE_EXPIRY)
    assert reading.errors == ()
    assert reading.birth_date == expected


# -- the century of two-digit years ---------------------------------------------------


@pytest.mark.parametrize(
    ("yymmdd", "today", "year"),
    [
        ("260301", date(2026, 3, 1), 2026),  # born today
        ("260302", date(2026, 3, 1), 1926),  # tomorrow would be in the future
        ("000101", date(2026, 3, 1), 2000),
        ("991231", date(2026, 3, 1), 1999),
        ("991231", date(1999, 12, 31), 1999),
        ("000101", date(1999, 12, 31), 1900),
    ],
)
def test_birth_century_is_the_latest_not_after_today(yymmdd: str, today: date, year: int) -> None:
    reading = read_mrz(_reseal_td3(_edit(TD3, 2, 14, yymmdd)), today)
    assert reading.birth_date is not None
    assert reading.birth_date.year == year


def test_partial_birth_dates_use_their_first_possible_day() -> None:
    assert birth_year(26, None, None, date(2026, 1, 1)) == 2026
    assert birth_year(26, 2, None, date(2026, 1, 31)) == 1926
    assert birth_year(26, 1, None, date(2026, 1, 31)) == 2026


@pytest.mark.parametrize(
    ("yy", "today", "year"),
    [
        (75, date(2026, 6, 1), 2075),  # 49 years ahead
        (76, date(2026, 6, 1), 1976),  # 50 years back
        (12, date(2026, 6, 1), 2012),
        (36, date(2026, 6, 1), 2036),
        (99, date(2026, 6, 1), 1999),
        (5, date(2099, 6, 1), 2105),
        (60, date(1990, 6, 1), 1960),
    ],
)
def test_expiry_century_is_within_fifty_years(yy: int, today: date, year: int) -> None:
    assert expiry_year(yy, today) == year


def test_expiry_century_through_read_mrz() -> None:
    mrz = _reseal_td3(_edit(TD3, 2, 22, "750101"))
    assert read_mrz(mrz, date(2026, 6, 1)).expiry_date == date(2075, 1, 1)
    assert read_mrz(mrz, date(2126, 6, 1)).expiry_date == date(2175, 1, 1)


# -- every failing field --------------------------------------------------------------


FAILURES: list[tuple[str, str, set[str]]] = [
    ("document number check digit", _edit(TD3, 2, 10, "7"), {"document_number", "composite_check_digit"}),
    ("birth date check digit", _edit(TD3, 2, 20, "3"), {"birth_date", "composite_check_digit"}),
    ("expiry date check digit", _edit(TD3, 2, 28, "1"), {"expiry_date", "composite_check_digit"}),
    ("personal number check digit", _edit(TD3, 2, 43, "2"), {"optional_data", "composite_check_digit"}),
    ("composite check digit", _edit(TD3, 2, 44, "1"), {"composite_check_digit"}),
    ("check digit not a digit", _edit(TD3, 2, 44, "<"), {"composite_check_digit"}),
    ("document number changed", _edit(TD3, 2, 1, "M"), {"document_number", "composite_check_digit"}),
    ("bad character in name", _edit(TD3, 1, 10, "$"), {"name"}),
    ("space in name", _edit(TD3, 1, 10, " "), {"name"}),
    ("digit in name", _edit(TD3, 1, 10, "5"), {"name"}),
    ("bad character in number", _edit(TD3, 2, 3, "-"), {"document_number"}),
    ("month 13 in birth date", _reseal_td3(_edit(TD3, 2, 16, "13")), {"birth_date"}),
    ("31 February in birth date", _reseal_td3(_edit(TD3, 2, 16, "0231")), {"birth_date"}),
    ("day before month unknown", _reseal_td3(_edit(TD3, 2, 16, "<<12")), {"birth_date"}),
    ("letters in expiry date", _reseal_td3(_edit(TD3, 2, 22, "12O415")), {"expiry_date"}),
    ("month 13 in expiry date", _reseal_td3(_edit(TD3, 2, 22, "121315")), {"expiry_date"}),
    ("bad sex", _edit(TD3, 2, 21, "Z"), {"sex"}),
    ("unknown nationality", _edit(TD3, 2, 11, "ZZZ"), {"nationality"}),
    ("unknown issuing state", _edit(TD3, 1, 3, "ZZZ"), {"issuing_state"}),
    ("digit in issuing state", _edit(TD3, 1, 3, "U7O"), {"issuing_state"}),
    ("missing nationality", _edit(TD3, 2, 11, "<<<"), {"nationality"}),
    ("passport that is not P", _edit(TD3, 1, 1, "I"), {"document_code"}),
    ("missing surname", _edit(TD3, 1, 6, "<<ERIKSSON"), {"surname"}),
    ("given names with <<", _edit(TD3, 1, 20, "<<MARIA"), {"given_names"}),
    ("missing document number", _reseal_td3(_edit(TD3, 2, 1, "<" * 9)), {"document_number"}),
    ("short second line", TD3[:-1], {"lines[1]"}),
    ("long first line", TD3.replace("\n", "<\n"), {"lines[0]"}),
    ("TD1 that is not A, C or I", _edit(TD1, 1, 1, "P"), {"document_code"}),
    ("TD1 bad composite", _edit(TD1, 2, 30, "7"), {"composite_check_digit"}),
    ("TD1 number check digit", _edit(TD1, 1, 15, "8"), {"document_number", "composite_check_digit"}),
    ("TD1 long number check digit", _edit(TD1_LONG_NUMBER, 1, 19, "8"), {"document_number", "composite_check_digit"}),
    ("TD1 '<' check digit, no overflow", _edit(TD1, 1, 15, "<"), {"document_number", "composite_check_digit"}),
    ("TD1 overflow without its rest", _edit(TD1, 1, 15, "<7"), {"document_number", "composite_check_digit"}),
    ("TD1 overflow of a short number", _edit(TD1, 1, 6, "D2314<<<<<90"), {"document_number"}),  # composite still 6
    ("TD2 number check digit", _edit(TD2, 2, 10, "1"), {"document_number", "composite_check_digit"}),
    ("2 x 44 neither P nor V", _edit(MRV_A, 1, 1, "I"), {"document_code", "optional_data", "composite_check_digit"}),
    ("MRV-B unknown nationality", _edit(MRV_B, 2, 11, "QQQ"), {"nationality"}),
    ("MRV-A expiry check digit", _edit(MRV_A, 2, 28, "0"), {"expiry_date"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "mrz", "fields"), FAILURES, ids=[c[0] for c in FAILURES])
def test_each_failing_field_is_reported(case: str, mrz: str, fields: set[str]) -> None:
    result = read_mrz(mrz, BEFORE_EXPIRY).to_json()
    assert result["valid"] is False
    assert _fields(result) == fields
    assert all(e["reason"] for e in result["errors"])


def test_a_visa_line_read_as_a_passport_reports_the_document_code() -> None:
    # An MRV-A whose V is replaced is read as a TD3: the code is wrong, and the 16
    # optional characters fail the TD3 personal number and composite check digits.
    reading = read_mrz(_edit(MRV_A, 1, 1, "P"), BEFORE_EXPIRY)
    assert reading.format is MrzFormat.TD3
    assert reading.document_code == "P"


def test_reasons_say_what_is_wrong() -> None:
    reasons = {e.field: e.reason for e in read_mrz(FAILURES[0][1], BEFORE_EXPIRY).errors}
    assert "check digit 7" in reasons["document_number"]
    assert "6" in reasons["document_number"]
    month = read_mrz(_reseal_td3(_edit(TD3, 2, 16, "13")), BEFORE_EXPIRY).errors[0]
    assert "month 13" in month.reason
    assert "ZZZ" in read_mrz(_edit(TD3, 2, 11, "ZZZ"), BEFORE_EXPIRY).errors[0].reason


def test_lower_case_is_an_error_with_a_hint() -> None:
    reading = read_mrz(TD3.lower(), BEFORE_EXPIRY)
    assert reading.format is MrzFormat.TD3
    assert not reading.valid
    assert {"document_code", "issuing_state", "name", "document_number"} <= {
        e.field for e in reading.errors
    }
    assert all("upper case" in e.reason for e in reading.errors if e.field == "name")


def test_several_errors_are_all_reported_at_once() -> None:
    mrz = _edit(TD3, 2, 10, "7")  # document number check digit
    mrz = _edit(mrz, 2, 11, "ZZZ")  # nationality
    mrz = _edit(mrz, 2, 16, "13")  # birth month, also breaks its check digit
    mrz = _edit(mrz, 2, 21, "Q")  # sex
    mrz = _edit(mrz, 1, 3, "QQQ")  # issuing state
    reading = read_mrz(mrz, BEFORE_EXPIRY)
    assert {e.field for e in reading.errors} == {
        "document_number",
        "nationality",
        "birth_date",
        "sex",
        "issuing_state",
        "composite_check_digit",
    }
    assert len([e for e in reading.errors if e.field == "birth_date"]) == 2
    assert reading.surname == "ERIKSSON"  # the sound fields are still read
    assert reading.expiry_date == date(2012, 4, 15)


def test_fields_on_a_line_of_the_right_length_are_still_read() -> None:
    reading = read_mrz(TD3[:-3], BEFORE_EXPIRY)
    assert reading.format is MrzFormat.TD3
    assert reading.surname == "ERIKSSON"
    assert reading.document_number is None
    assert [e.field for e in reading.errors] == ["lines[1]"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n \r\n",
        TD3.split("\n")[0],
        TD1 + "\n" + TD1.split("\n")[0],
        "P<UTO\nL898",
        TD3.replace("\n", ""),
    ],
    ids=["empty", "blank", "one line", "four lines", "short lines", "joined"],
)
def test_unknown_format(text: str) -> None:
    reading = read_mrz(text, BEFORE_EXPIRY)
    assert reading.format is None
    assert not reading.valid
    assert [e.field for e in reading.errors] == ["lines"]
    assert reading.to_json()["format"] is None


def test_personal_number_check_digit_may_be_filler_or_zero_when_empty() -> None:
    base = _reseal_td3(_edit(TD3, 2, 29, "<" * 14))
    assert base[-2] == "0"
    assert read_mrz(base, BEFORE_EXPIRY).valid
    with_filler = _edit(base, 2, 43, "<")
    assert read_mrz(with_filler, BEFORE_EXPIRY).valid
    assert read_mrz(_edit(base, 2, 43, "3"), BEFORE_EXPIRY).valid is False


def test_filler_sex_is_unspecified() -> None:
    reading = read_mrz(_edit(TD3, 2, 21, "<"), BEFORE_EXPIRY)
    assert reading.valid
    assert reading.sex is None
    assert read_mrz(_edit(TD3, 2, 21, "X"), BEFORE_EXPIRY).sex is Sex.X


def test_deu_is_accepted_as_germany() -> None:
    assert read_mrz(_edit(TD3, 2, 11, "DEU"), BEFORE_EXPIRY).nationality == "DEU"
    assert read_mrz(_edit(TD3, 2, 11, "D<<"), BEFORE_EXPIRY).nationality == "D"


@settings(max_examples=300)
@given(
    st.sampled_from([TD1, TD1_LONG_NUMBER, TD2, TD3, MRV_A, MRV_B]),
    st.lists(
        st.tuples(
            st.integers(0, 100), st.sampled_from(string.ascii_letters + string.digits + "<  \n-é٣")
        ),
        max_size=6,
    ),
)
def test_read_mrz_never_raises_on_damaged_zones(mrz: str, edits: list[tuple[int, str]]) -> None:
    chars = list(mrz)
    for position, char in edits:
        chars[position % len(chars)] = char
    result = read_mrz("".join(chars), BEFORE_EXPIRY).to_json()
    assert set(result) == JSON_KEYS
    assert result["valid"] is (result["format"] is not None and not result["errors"])


@given(st.text())
def test_read_mrz_never_raises_on_any_text(text: str) -> None:
    assert set(read_mrz(text, BEFORE_EXPIRY).to_json()) == JSON_KEYS


# -- the CLI handler ------------------------------------------------------------------


def test_read_mrz_json_returns_the_reading() -> None:
    result = read_mrz_json({"mrz": TD3}, today=BEFORE_EXPIRY)
    assert result == read_mrz(TD3, BEFORE_EXPIRY).to_json()
    assert result["valid"] is True


@pytest.mark.parametrize("payload", [{}, {"mrz": 5}, {"mrz": None}])
def test_read_mrz_json_needs_an_mrz_string(payload: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequest, match='"mrz"') as caught:
        read_mrz_json(payload, today=BEFORE_EXPIRY)
    assert [e.field for e in caught.value.errors] == ["mrz"]


def test_read_mrz_json_refuses_unknown_fields_and_names_each() -> None:
    with pytest.raises(InvalidRequest) as caught:
        read_mrz_json({"mrz": TD3, "lines": 2, "x" * 10_000: 1}, today=BEFORE_EXPIRY)
    fields = [e.field for e in caught.value.errors]
    assert fields[0] == "lines"
    assert len(fields) == 2
    assert len(fields[1]) < 100  # a long key is not repeated back
    with pytest.raises(InvalidRequest) as missing:
        read_mrz_json({"text": TD3}, today=BEFORE_EXPIRY)
    assert [e.field for e in missing.value.errors] == ["text", "mrz"]


def test_read_mrz_json_refuses_a_zone_longer_than_any_format() -> None:
    with pytest.raises(InvalidRequest) as caught:
        read_mrz_json({"mrz": TD3 + "<" * (MAX_MRZ_CHARS - len(TD3) + 1)}, today=BEFORE_EXPIRY)
    assert [e.as_dict() for e in caught.value.errors] == [
        {"field": "mrz", "reason": f"at most {MAX_MRZ_CHARS} characters"}
    ]
    assert read_mrz_json({"mrz": f"  {TD3}  \r\n"}, today=BEFORE_EXPIRY)["valid"] is True


# -- writing --------------------------------------------------------------------------


def _specimen_fields(**changes: Any) -> MrzFields:
    values: dict[str, Any] = {
        "document_code": "P",
        "issuing_state": "UTO",
        "surname": "Eriksson",
        "given_names": "Anna Maria",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": date(1974, 8, 12),
        "sex": Sex.FEMALE,
        "expiry_date": date(2012, 4, 15),
        "optional_data": "ZE184226B",
    }
    values.update(changes)
    return MrzFields(**values)


@pytest.mark.parametrize(
    ("fmt", "changes", "specimen"),
    [
        (MrzFormat.TD3, {}, TD3),
        (MrzFormat.TD1, {"document_code": "I", "document_number": "D23145890", "optional_data": ""}, TD1),
        (MrzFormat.TD1, {"document_code": "I", "document_number": "D23145890734", "optional_data": ""}, TD1_LONG_NUMBER),
        (MrzFormat.TD2, {"document_code": "I", "document_number": "D23145890", "optional_data": ""}, TD2),
        (MrzFormat.MRV_A, {"document_code": "V", "document_number": "L8988901C", "nationality": "XXX", "birth_date": date(1940, 9, 7), "expiry_date": date(1996, 12, 10), "optional_data": "6ZE184226B"}, MRV_A),
        (MrzFormat.MRV_B, {"document_code": "V", "document_number": "L8988901C", "nationality": "XXX", "birth_date": date(1940, 9, 7), "expiry_date": date(1996, 12, 10), "optional_data": ""}, MRV_B),
    ],
    ids=["td3", "td1", "td1-long", "td2", "mrv_a", "mrv_b"],
)  # fmt: skip
def test_build_mrz_writes_the_specimens(
    fmt: MrzFormat, changes: dict[str, Any], specimen: str
) -> None:
    assert build_mrz(_specimen_fields(**changes), fmt) == specimen


def test_build_mrz_transliterates_and_writes_germany_as_d() -> None:
    mrz = build_mrz(
        _specimen_fields(issuing_state="DEU", nationality="DEU", surname="Müller-Lüdenscheidt"),
        MrzFormat.TD3,
    )
    assert mrz.startswith("P<D<<MUELLER<LUEDENSCHEIDT<<ANNA<MARIA<")
    assert mrz.split("\n")[1][10:13] == "D<<"


def test_build_mrz_writes_unknown_birth_date_parts_as_fillers() -> None:
    mrz = build_mrz(_specimen_fields(birth_date=PartialDate(1974, 8), sex=None), MrzFormat.TD3)
    assert mrz.split("\n")[1][13:21] == "7408<<7<"  # 7x7 + 4x3 + 0x1 + 8x7 = 117
    assert read_mrz(mrz, BEFORE_EXPIRY).birth_date == PartialDate(1974, 8)


def test_build_mrz_truncates_long_names_at_the_end() -> None:
    fields = _specimen_fields(
        surname="Nilavadhanananda", given_names="Chayapa Dejthamrong Krasuang Sawasdee"
    )
    mrz = build_mrz(fields, MrzFormat.TD3)
    name = mrz.split("\n")[0][5:]
    assert len(name) == 39
    assert name == "NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K"
    assert name[-1] != "<"  # the last position shows the name was cut
    reading = read_mrz(mrz, BEFORE_EXPIRY)
    assert reading.valid
    assert reading.surname == "NILAVADHANANANDA"
    assert reading.given_names == "CHAYAPA DEJTHAMRONG K"


def test_build_mrz_truncation_that_lands_on_a_filler_reads_back_cleanly() -> None:
    td1 = {"document_code": "I", "optional_data": ""}
    name = build_mrz(
        _specimen_fields(surname="A" * 20, given_names="B" * 7 + " " + "C" * 20, **td1),
        MrzFormat.TD1,
    ).split("\n")[2]
    assert name == "A" * 20 + "<<" + "B" * 7 + "<"
    reading = read_mrz(
        build_mrz(
            _specimen_fields(surname="A" * 20, given_names="B" * 7 + " " + "C" * 20, **td1),
            MrzFormat.TD1,
        ),
        BEFORE_EXPIRY,
    )
    assert (reading.surname, reading.given_names) == ("A" * 20, "B" * 7)
    long_surname = build_mrz(
        _specimen_fields(surname="A" * 29, given_names="B", **td1), MrzFormat.TD1
    ).split("\n")[2]
    assert long_surname == "A" * 29 + "<"


def test_build_mrz_reports_every_field_it_cannot_write() -> None:
    fields = _specimen_fields(
        document_code="X",
        issuing_state="ZZZ",
        surname="王",
        given_names="Anna 2",
        document_number="L898902C36",
        nationality="uto",
        optional_data="ze1",
        optional_data_2="ABC",
    )
    with pytest.raises(InvalidDocument) as caught:
        build_mrz(fields, MrzFormat.TD3)
    assert {e.field for e in caught.value.errors} == {
        "document_code",
        "issuing_state",
        "surname",
        "given_names",
        "document_number",
        "nationality",
        "optional_data",
        "optional_data_2",
    }


@pytest.mark.parametrize(
    ("fmt", "changes", "field"),
    [
        (MrzFormat.TD3, {"surname": "  "}, "surname"),
        (MrzFormat.TD3, {"document_number": ""}, "document_number"),
        (MrzFormat.TD3, {"document_number": "AB-123"}, "document_number"),
        (MrzFormat.TD3, {"optional_data": "A" * 15}, "optional_data"),
        (MrzFormat.TD3, {"optional_data": "ze"}, "optional_data"),
        (MrzFormat.MRV_B, {"document_code": "V", "optional_data": "A" * 9}, "optional_data"),
        (MrzFormat.TD1, {"document_code": "I", "document_number": "A" * 24}, "document_number"),
        (MrzFormat.TD1, {"document_code": "I", "document_number": "A" * 21, "optional_data": "XY"}, "optional_data"),
        (MrzFormat.TD1, {"document_code": "I", "optional_data_2": "A" * 12}, "optional_data_2"),
        (MrzFormat.TD2, {"document_code": "I", "document_number": "A" * 16, "optional_data": ""}, "document_number"),
        (MrzFormat.TD2, {"document_code": "PA", "optional_data": ""}, "document_code"),
        (MrzFormat.MRV_A, {"document_code": "V1"}, "document_code"),
    ],
)  # fmt: skip
def test_build_mrz_refuses(fmt: MrzFormat, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidDocument) as caught:
        build_mrz(_specimen_fields(**changes), fmt)
    assert [e.field for e in caught.value.errors] == [field]


# -- round trip -----------------------------------------------------------------------

TODAY = date(2026, 6, 15)
ALNUM = string.ascii_uppercase + string.digits
CODES = sorted({c.code for c in COUNTRIES.values()})
_word = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=6)
_names = st.lists(_word, min_size=1, max_size=2).map(" ".join)


@st.composite
def _birth_dates(draw: st.DrawFn) -> PartialDate | None:
    # Less than 100 years before TODAY even for a year alone: two-digit years cannot
    # tell a partial date of 1926 from one of 2026.
    day = draw(st.dates(min_value=date(1927, 1, 1), max_value=TODAY))
    precision = draw(st.sampled_from(["full", "month", "year", "none"]))
    if precision == "none":
        return None
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate.from_date(day)


@st.composite
def _fields_for(draw: st.DrawFn, fmt: MrzFormat) -> MrzFields:
    layout = LAYOUTS[fmt]
    longest = 9 + layout.optional_data.width - 1 if layout.long_document_number else 9
    number = draw(st.text(alphabet=ALNUM, min_size=1, max_size=longest))
    room = layout.optional_data.width
    if len(number) > 9:
        room -= len(number) - 9 + 1 + 1  # the rest of the number, its check digit, a filler
    code = draw(st.sampled_from(layout.document_codes)) + draw(
        st.sampled_from(["", "<", *string.ascii_uppercase])
    )
    second = layout.optional_data_2.width if layout.optional_data_2 is not None else 0
    return MrzFields(
        document_code=code,
        issuing_state=draw(st.sampled_from(CODES)),
        surname=draw(_names),
        given_names=draw(st.one_of(st.just(""), _names)),
        document_number=number,
        nationality=draw(st.sampled_from(CODES)),
        birth_date=draw(_birth_dates()),
        sex=draw(st.sampled_from([*Sex, None])),
        expiry_date=draw(st.dates(min_value=date(1976, 1, 1), max_value=date(2075, 12, 31))),
        optional_data=draw(st.text(alphabet=ALNUM, max_size=max(room, 0))),
        optional_data_2=draw(st.text(alphabet=ALNUM, max_size=second)),
    )


@st.composite
def _any_format_fields(draw: st.DrawFn) -> tuple[MrzFormat, MrzFields]:
    fmt = draw(st.sampled_from(list(MrzFormat)))
    return fmt, draw(_fields_for(fmt))


@settings(max_examples=300)
@given(_any_format_fields())
def test_build_then_read_round_trips(case: tuple[MrzFormat, MrzFields]) -> None:
    fmt, fields = case
    mrz = build_mrz(fields, fmt)
    reading = read_mrz(mrz, TODAY)
    assert reading.errors == ()
    assert reading.valid
    assert reading.format is fmt
    assert reading.document_code == fields.document_code.rstrip("<")
    assert reading.issuing_state == fields.issuing_state
    assert reading.surname == fields.surname
    assert reading.given_names == fields.given_names
    assert reading.document_number == fields.document_number
    assert reading.nationality == fields.nationality
    assert reading.birth_date == fields.birth_date
    assert reading.sex == fields.sex
    assert reading.expiry_date == fields.expiry_date
    assert reading.optional_data == fields.optional_data
    if fmt is MrzFormat.TD1:
        assert reading.optional_data_2 == fields.optional_data_2
    assert reading.expired is (fields.expiry_date < TODAY)
