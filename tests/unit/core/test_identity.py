"""Names in ICAO 9303 MRZ and normalised form; dates that keep their precision."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from limes.core.errors import InvalidRequest
from limes.core.identity import Name, PartialDate, Precision, mrz_name, normalise_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Latin letters of the Doc 9303 Part 3 section 6 table with their own form
        ("Müller", "MUELLER"),
        ("Jäger", "JAEGER"),
        ("Öztürk", "OEZTUERK"),
        ("Ångström", "AANGSTROEM"),
        ("Ærø", "AEROE"),
        ("Strauß", "STRAUSS"),
        ("Þór", "THOR"),
        ("Ĳsselstein", "IJSSELSTEIN"),
        ("Œuvray", "OEUVRAY"),
        ("Łukasz", "LUKASZ"),
        ("Đorđević", "DORDEVIC"),
        # other diacritics are dropped
        ("José Peña", "JOSE<PENA"),
        ("Dvořák", "DVORAK"),
        ("Çelik", "CELIK"),
        ("I\N{LATIN SMALL LETTER S WITH CEDILLA}\N{LATIN SMALL LETTER DOTLESS I}l", "ISIL"),
        # punctuation (Part 3 section 4.6)
        ("Jean-Pierre", "JEAN<PIERRE"),
        ("D'Artagnan", "DARTAGNAN"),
        ("O\N{RIGHT SINGLE QUOTATION MARK}Brien", "OBRIEN"),
        ("St. John", "ST<JOHN"),
        ("  Anna   Maria  ", "ANNA<MARIA"),
        ("Anna - Maria", "ANNA<MARIA"),
        ("", ""),
        # Cyrillic
        ("Щукин", "SHCHUKIN"),
        ("Юрий Жуков", "IURII<ZHUKOV"),
        ("Хрущёв", "KHRUSHCHEV"),
        ("Цветаева", "TSVETAEVA"),
        ("Игорь", "IGOR"),
        ("Ярослава", "IAROSLAVA"),
        ("Олександр Ґудзь", "OLEKSANDR<GUDZ"),
        ("Јовановић", "JOVANOVIC"),
        # Greek, with its digraphs
        ("Παπαδόπουλος", "PAPADOPOULOS"),
        ("Ευάγγελος", "EVANGELOS"),
        ("Ευθύμιος", "EFTHYMIOS"),
        ("Ναυσικά", "NAFSIKA"),
        ("Αγαύ Ευγενία", "AGAF<EVGENIA"),
        ("Ξανθή", "XANTHI"),
        ("Χρήστος Ψαράς", "CHRISTOS<PSARAS"),
        ("Καΐρης", "KAIRIS"),
        # Arabic: a simple letter table, short vowels not written
        ("محمد", "MHMD"),
        ("خالد الشريف", "KHALD<ALSHRYF"),
    ],
)
def test_mrz_name(text: str, expected: str) -> None:
    assert mrz_name(text) == expected


@pytest.mark.parametrize("text", ["王小明", "Louis 14", "Anna@Maria", "Սարգսյան"])
def test_mrz_name_refuses_what_it_cannot_write(text: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        mrz_name(text, field="surname")
    assert [e.field for e in caught.value.errors] == ["surname"]
    assert "Latin form" in caught.value.errors[0].reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Müller-Lüdenscheidt", "MULLER LUDENSCHEIDT"),
        ("  josé   PEÑA ", "JOSE PENA"),
        ("Ørsted", "ORSTED"),
        ("Straße", "STRASSE"),
        ("D'Artagnan", "DARTAGNAN"),
        ("Ковалёв", "КОВАЛЕВ"),
        ("Γεώργιος", "ΓΕΩΡΓΙΟΣ"),
        ("Anna (Maria)", "ANNA MARIA"),
    ],
)
def test_normalise_name(text: str, expected: str) -> None:
    assert normalise_name(text) == expected


def test_name_keeps_three_forms() -> None:
    name = Name.of("Ковалёв-Щукин")
    assert name.original == "Ковалёв-Щукин"
    assert name.mrz == "KOVALEV<SHCHUKIN"
    assert name.normalised == "КОВАЛЕВ ЩУКИН"
    assert name.latin == "KOVALEV SHCHUKIN"


def test_name_takes_a_given_mrz_form_for_other_scripts() -> None:
    name = Name.of("王小明", mrz="WANG<XIAOMING")
    assert name.mrz == "WANG<XIAOMING"
    assert name.normalised == "王小明"


@pytest.mark.parametrize(("text", "mrz"), [("   ", None), ("Anna", "ANNA<<MARIA"), ("Anna", "")])
def test_name_refuses_blank_or_bad_mrz_forms(text: str, mrz: str | None) -> None:
    with pytest.raises(InvalidRequest):
        Name.of(text, mrz=mrz)


@pytest.mark.parametrize(
    ("text", "precision", "parts"),
    [
        ("1974", Precision.YEAR, (1974, None, None)),
        ("1974-08", Precision.YEAR_MONTH, (1974, 8, None)),
        ("1974-08-12", Precision.FULL, (1974, 8, 12)),
        ("2000-02-29", Precision.FULL, (2000, 2, 29)),
        (" 1974-08 ", Precision.YEAR_MONTH, (1974, 8, None)),
    ],
)
def test_partial_date_parse_keeps_precision(
    text: str, precision: Precision, parts: tuple[int, int | None, int | None]
) -> None:
    parsed = PartialDate.parse(text)
    assert parsed.precision is precision
    assert (parsed.year, parsed.month, parsed.day) == parts
    assert parsed.isoformat() == text.strip()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1974-13", "month 13"),
        ("1974-00", "month 0"),
        ("1974-02-30", "day 30"),
        ("1900-02-29", "day 29"),
        ("0000", "year 0"),
        ("74", "YYYY"),
        ("1974-8", "YYYY"),
        ("1974/08/12", "YYYY"),
        ("1974-08-12T10:00", "YYYY"),
        ("", "YYYY"),
        ("١٩٧٤", "YYYY"),
    ],
)
def test_partial_date_parse_refuses_malformed_input(text: str, reason: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        PartialDate.parse(text, field="birth_date")
    assert caught.value.errors[0].field == "birth_date"
    assert reason in caught.value.errors[0].reason


def test_partial_date_needs_a_month_for_a_day() -> None:
    with pytest.raises(InvalidRequest, match="a day needs a month"):
        PartialDate(1974, None, 12)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("1974", date(1974, 1, 1), date(1974, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("1974-08-12", date(1974, 8, 12), date(1974, 8, 12)),
    ],
)
def test_partial_date_range(text: str, earliest: date, latest: date) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.earliest(), parsed.latest()) == (earliest, latest)
    assert parsed.contains(earliest)
    assert parsed.contains(latest)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("1974", "1974-08-12", True),
        ("1974-08", "1974-08-12", True),
        ("1974-08", "1974-09-01", False),
        ("1974", "1975", False),
        ("1974-08-12", "1974-08-12", True),
        ("1974-08-12", "1974-08-13", False),
        ("1974-12", "1974", True),
    ],
)
def test_could_be_same(a: str, b: str, same: bool) -> None:
    assert PartialDate.parse(a).could_be_same(PartialDate.parse(b)) is same
    assert PartialDate.parse(b).could_be_same(PartialDate.parse(a)) is same


def test_only_full_dates_become_dates() -> None:
    assert PartialDate.parse("1974-08-12").to_date() == date(1974, 8, 12)
    assert PartialDate.parse("1974-08").to_date() is None
    assert PartialDate.parse("1974").to_date() is None
    assert PartialDate.from_date(date(1974, 8, 12)) == PartialDate(1974, 8, 12)
    assert str(PartialDate(1974, 8)) == "1974-08"


def test_first_of_january_is_low_information() -> None:
    assert PartialDate.parse("1980-01-01").is_low_information
    assert not PartialDate.parse("1980-01").is_low_information
    assert not PartialDate.parse("1980-01-02").is_low_information


@given(st.dates(), st.sampled_from(list(Precision)))
def test_partial_date_isoformat_round_trips(day: date, precision: Precision) -> None:
    value = PartialDate(
        day.year,
        day.month if precision is not Precision.YEAR else None,
        day.day if precision is Precision.FULL else None,
    )
    assert PartialDate.parse(value.isoformat()) == value
    assert value.contains(day)
    assert value.could_be_same(PartialDate.from_date(day))
