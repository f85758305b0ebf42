"""Precision and recall on a hand-built set, with a pair that blocking loses."""

from __future__ import annotations

from limes.sim.evaluation import KindResult, candidate_pairs, evaluate, pair_kind
from limes.sim.identities import EvaluationRecord, Variation, evaluation_set

V = Variation


def rec(
    record_id: str,
    person_id: str,
    variation: Variation,
    surname: str,
    given_names: str,
    dob: str,
    doc_number: str | None,
) -> EvaluationRecord:
    return EvaluationRecord(
        record_id=record_id,
        system="ees",
        person_id=person_id,
        variation=variation,
        surname=surname,
        given_names=given_names,
        dob=dob,
        sex="M",
        nationality="GBR",
        doc_number=doc_number,
        doc_country="GBR" if doc_number else None,
    )


RECORDS = (
    rec("r1", "p1", V.EXACT, "Smith", "John", "1980-05-06", "A1234567"),
    rec("r2", "p1", V.TYPO, "Smyth", "John", "1980-05-06", "A1234567"),
    rec("r3", "p2", V.EXACT, "Brown", "Alice", "1975-02-03", "B7654321"),
    # p2 again with nothing in common with r3: blocking cannot bring them together.
    rec("r4", "p2", V.TRANSLITERATION, "Okonkwo", "Eze", "1990", None),
    rec("r5", "p3", V.HARD_NEGATIVE, "Smith", "John", "1980-09-10", "C1111111"),
    rec("r6", "p4", V.SHARED_PASSPORT, "Jones", "Mary", "1960-01-02", "A1234567"),
)
BY_ID = {r.record_id: r for r in RECORDS}


def same_given_names(a: EvaluationRecord, b: EvaluationRecord) -> bool:
    return a.given_names == b.given_names


def test_candidates_are_the_pairs_that_share_a_blocking_key() -> None:
    assert candidate_pairs(RECORDS) == {
        ("r1", "r2"),
        ("r1", "r5"),
        ("r2", "r5"),
        ("r1", "r6"),
        ("r2", "r6"),
    }


def test_pair_kinds() -> None:
    assert pair_kind(BY_ID["r1"], BY_ID["r2"]) == "typo"
    assert pair_kind(BY_ID["r3"], BY_ID["r4"]) == "transliteration"
    assert pair_kind(BY_ID["r1"], BY_ID["r5"]) == "hard_negative"
    assert pair_kind(BY_ID["r2"], BY_ID["r6"]) == "shared_passport"
    # Smyth is not Smith: not namesakes.
    assert pair_kind(BY_ID["r2"], BY_ID["r5"]) == "other"
    assert pair_kind(BY_ID["r1"], BY_ID["r1"]) == "exact"
    assert pair_kind(BY_ID["r2"], BY_ID["r2"]) == "typo"
    swapped = rec("r7", "p1", V.SWAPPED, "John", "Smith", "1980-05-06", "A1234567")
    assert pair_kind(BY_ID["r2"], swapped) == "mixed"
    # A namesake is one whatever the year of birth, if one record does not give it.
    no_dob = rec("r8", "p1", V.DOB_MISSING, "Smith", "John", "", "A1234567")
    assert pair_kind(no_dob, BY_ID["r5"]) == "hard_negative"
    assert pair_kind(no_dob, BY_ID["r1"]) == "dob_missing"
    year_off = rec("r9", "p1", V.DOB_YEAR_OFF, "Smith", "John", "1981-05-06", "A1234567")
    assert pair_kind(year_off, BY_ID["r5"]) == "other"


def test_precision_and_recall_on_a_hand_built_set() -> None:
    compared: list[tuple[str, str]] = []

    def predict(a: EvaluationRecord, b: EvaluationRecord) -> bool:
        first, second = sorted((a.record_id, b.record_id))
        compared.append((first, second))
        return same_given_names(a, b)

    report = evaluate(RECORDS, candidate_pairs(RECORDS), predict)
    # The predictor sees candidates only, never the pair blocking lost.
    assert sorted(compared) == sorted(candidate_pairs(RECORDS))
    assert report.records == 6
    assert report.candidates == 5
    assert report.true_pairs == 2
    assert report.lost_by_blocking == 1
    assert report.true_links == 1
    assert report.false_links == 2
    assert report.precision == 1 / 3
    assert report.recall == 1 / 2
    assert report.blocking_recall == 1 / 2
    true_kinds = {k.kind: k for k in report.true_kinds}
    assert true_kinds["typo"] == KindResult("typo", 1, 0, 1)
    assert true_kinds["transliteration"] == KindResult("transliteration", 1, 1, 0)
    assert true_kinds["swapped"] == KindResult("swapped", 0, 0, 0)
    assert true_kinds["transliteration"].share_linked == 0.0
    assert [(k.kind, k.pairs, k.linked) for k in report.false_kinds] == [
        ("hard_negative", 1, 1),
        ("shared_passport", 2, 0),
        ("other", 1, 1),
    ]
    assert report.kind_precision("typo") == 1.0
    assert report.kind_precision("hard_negative") == 0.0


def test_markdown_table_rows() -> None:
    report = evaluate(RECORDS, candidate_pairs(RECORDS), same_given_names)
    table = report.to_markdown()
    assert "| 6 | 5 | 2 | 1 | 3 | 2 | 0.333 | 0.500 | 0.500 |" in table
    assert "| typo | 1 | 0 | 1 | 1.000 |" in table
    assert "| transliteration | 1 | 1 | 0 | 0.000 |" in table
    assert "| shared_passport | 2 | 0 | 0.000 |" in table


def test_an_empty_set_scores_zero_without_dividing_by_zero() -> None:
    report = evaluate((), (), same_given_names)
    assert (report.precision, report.recall, report.blocking_recall) == (0.0, 0.0, 0.0)


def test_an_oracle_links_every_candidate_true_pair_and_nothing_else() -> None:
    records = evaluation_set(80, 3).records
    report = evaluate(records, candidate_pairs(records), lambda a, b: a.person_id == b.person_id)
    assert report.precision == 1.0
    assert report.false_links == 0
    assert report.recall == report.blocking_recall
    assert report.true_links == report.true_pairs - report.lost_by_blocking
