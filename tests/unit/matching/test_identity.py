"""Reading an identity for the matcher: every problem named with its field."""

from __future__ import annotations

import pytest

from limes.core.errors import InvalidRequest
from limes.core.identity import PartialDate
from limes.matching.identity import IdentityRecord, Sex


def test_a_full_identity_is_read_with_its_precision_and_codes() -> None:
    record = IdentityRecord.from_json(
        {
            "surname": "Щербакова",
            "given_names": "Юлия",
            "dob": "1990-04",
            "sex": "f",
            "nationality": "rus",
            "doc_number": "75 1234567",
            "doc_country": "RUS",
        }
    )
    assert record.surname == "Щербакова"
    assert record.dob == PartialDate.parse("1990-04")
    assert record.sex is Sex.F
    assert (record.nationality, record.doc_country) == ("RUS", "RUS")
    assert record.place_of_birth is None


def test_only_a_name_is_required() -> None:
    assert IdentityRecord.from_json({"surname": "Smith"}) == IdentityRecord("Smith")


@pytest.mark.parametrize(
    ("identity", "field"),
    [
        ({"surname": "", "given_names": " "}, "a.surname"),
        ({"surname": "---"}, "a.surname"),
        ({"surname": "Smith", "dob": "1980-02-30"}, "a.dob"),
        ({"surname": "Smith", "dob": "01/02/1980"}, "a.dob"),
        ({"surname": "Smith", "sex": "male"}, "a.sex"),
        ({"surname": "Smith", "nationality": "ZZZ"}, "a.nationality"),
        ({"surname": "Smith", "doc_country": "Germany"}, "a.doc_country"),
        ({"surname": "Smith", "height": "180"}, "a.height"),
        ({"surname": 42}, "a.surname"),
    ],
)
def test_a_bad_identity_is_refused_naming_the_field(identity: object, field: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        IdentityRecord.from_json(identity, field="a")
    assert field in {e.field for e in refused.value.errors}


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidRequest) as refused:
        IdentityRecord.from_json({"surname": "", "sex": "?", "dob": "soon"}, field="b")
    assert {e.field for e in refused.value.errors} == {"b.surname", "b.sex", "b.dob"}


def test_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidRequest):
        IdentityRecord.from_json(["Smith"])
