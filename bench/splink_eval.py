"""Splink, the open record-linkage tool, on the same SYNTHETIC evaluation set as limes.

Splink 5 (Fellegi-Sunter, unsupervised, on DuckDB) is configured as its own
examples configure a deduplication of people (`deduplicate_50k_synthetic`): the
names compared together with Jaro-Winkler levels and a level for swapped names,
the date of birth by closeness, exact matches on the rest; u estimated by random
sampling, m by expectation maximisation on two blocking rules. Its predictions
are scored by `limes.sim.evaluation.evaluate`, as limes' are: every true pair of
the set counts towards recall, including those its blocking never compares.

Needs the `bench` extra (`pip install -e '.[bench]'`); the tests do not.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from bench import matching_eval
from limes.sim.evaluation import Report, evaluate
from limes.sim.identities import EvaluationRecord, evaluation_set

SEED = matching_eval.SEED
THRESHOLD = 0.9  # match probability at or above which a pair is a link
THRESHOLDS = (0.5, 0.9, 0.95, 0.99)  # shown to tell the chosen threshold from the model
# How many of its true pairs a user expects exact rules on names, date of birth
# and document to find; Splink's own example guesses 0.6 for weaker rules.
_DETERMINISTIC_RECALL = 0.7

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Run:
    """One tool's links on the set, with the time it took and (for Splink) its sweep."""

    report: Report
    seconds: float
    sweep: tuple[tuple[float, Report], ...] = ()


def clean(name: str) -> str:
    """A name as Splink's documentation asks: lower case, no accents or punctuation.

    Letters of other scripts are left as they are: Splink does no transliteration.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalpha() else " " for c in letters.casefold())
    return " ".join(words.split())


def rows(records: Iterable[EvaluationRecord]) -> list[dict[str, Any]]:
    """The records as Splink's input table: one row each, the identity fields only."""
    table = []
    for record in records:
        surname, given = clean(record.surname), clean(record.given_names)
        table.append(
            {
                "unique_id": record.record_id,
                "surname": surname or None,
                "given_names": given or None,
                # Term frequencies of the whole name, as Splink's example derives them.
                "full_name": f"{given} {surname}".strip() or None,
                # Partial dates ("1988", "1988-04") stay as recorded: Splink reads
                # them as no full date, and the year of birth still compares.
                "dob": record.dob,
                "yob": int(record.dob[:4]) if record.dob else None,
                "sex": record.sex,
                "nationality": record.nationality,
                # The issuing country is left out: on this set it is the nationality.
                "doc_number": record.doc_number,
            }
        )
    return table


def settings() -> SettingsCreator:
    """The Splink model: comparisons and the blocking rules that make its candidates."""
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("yob"),
            cll.ExactMatchLevel("dob"),
            cll.LevenshteinLevel("dob", 1),
            cll.AbsoluteDateDifferenceLevel(
                "dob", input_is_string=True, threshold=1, metric="month"
            ),
            # A partial date, a 1 January placeholder or a day-month swap keeps the year.
            cll.ExactMatchLevel("yob").configure(label_for_charts="Same year of birth"),
            cll.AbsoluteDifferenceLevel("yob", 1),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.ForenameSurnameComparison(
                "given_names", "surname", forename_surname_concat_col_name="full_name"
            ),
            dob,
            cl.ExactMatch("doc_number"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("surname"),
            block_on("given_names"),
            block_on("dob"),
            # Swapped names meet here: a record keeps its date of birth and document.
            block_on("doc_number"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def linker(records: Sequence[EvaluationRecord]) -> Linker:
    """A trained Splink model over the records (DuckDB in memory, this process's cores)."""
    connection = duckdb.connect()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    connection.execute(f"SET threads = {cores or 1}")
    db_api = DuckDBAPI(connection)
    # Warnings only: its training narrative would fill the benchmark's output.
    model = Linker(db_api.register(rows(records)), settings(), log_level=logging.WARNING)
    model.training.estimate_probability_two_random_records_match(
        [block_on("surname", "given_names", "dob"), block_on("doc_number", "dob")],
        recall=_DETERMINISTIC_RECALL,
    )
    model.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=SEED)
    model.training.estimate_parameters_using_expectation_maximisation(
        block_on("surname", "given_names"), estimate_without_term_frequencies=True
    )
    model.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True
    )
    return model


def predictions(model: Linker) -> dict[Pair, float]:
    """Every pair Splink's blocking compares, with its match probability."""
    relation = model.inference.predict().as_duckdbpyrelation()
    scored = relation.select("unique_id_l, unique_id_r, match_probability").fetchall()
    return {_ordered(str(a), str(b)): float(p) for a, b, p in scored}


def measure(people: int = 2000, seed: int = SEED) -> Run:
    """Build the set, train Splink on it, and score its links as limes' are scored."""
    started = time.perf_counter()
    records = evaluation_set(people, seed).records
    probabilities = predictions(linker(records))
    sweep = tuple(
        (threshold, _score(records, probabilities, threshold)) for threshold in THRESHOLDS
    )
    seconds = time.perf_counter() - started
    chosen = next(report for threshold, report in sweep if threshold == THRESHOLD)
    return Run(chosen, seconds, sweep)


def measure_limes(people: int = 2000, seed: int = SEED) -> Run:
    """`matching_eval.measure`, timed."""
    started = time.perf_counter()
    result = matching_eval.measure(people, seed)
    return Run(result, time.perf_counter() - started)


def f1(report: Report) -> float:
    """The harmonic mean of precision and recall."""
    total = report.precision + report.recall
    return 2 * report.precision * report.recall / total if total else 0.0


def report(limes: Run, splink: Run, people: int = 2000, seed: int = SEED) -> str:
    """The Markdown section for BENCHMARKS.md: both tools side by side, then Splink's report."""
    runs = [("limes", limes), ("Splink", splink)]
    lines = [
        "## Identity matching: limes and Splink on the same set",
        "",
        f"Splink {_version()} (Fellegi-Sunter, unsupervised, on DuckDB) on the same SYNTHETIC",
        f"set ({people:,} people, seed {seed}), scored by the same code",
        "(`limes.sim.evaluation.evaluate`): recall is over every true pair of the set for",
        "both tools, including pairs a tool's blocking never compares, so the two recalls",
        "share one denominator; precision is over the links each tool makes. Each tool",
        "has its own blocking, so their candidate pairs differ. Both run on one core",
        "(DuckDB with one thread); run time covers building the set, blocking, training",
        "(Splink), matching and scoring.",
        "",
        "Splink is configured after its own example of deduplicating people",
        "(`deduplicate_50k_synthetic`), adapted to these fields (`bench/splink_eval.py`).",
        "Input: the fields limes reads, names in lower case without accents or punctuation",
        "(as Splink's documentation asks). Splink does no transliteration: names recorded",
        "in Cyrillic or Arabic script reach it in that script, as they reach limes.",
        "Comparisons: given names and surname together (exact with term frequencies of",
        "the full name, swapped, both Jaro-Winkler >= 0.92, both >= 0.88, surname only,",
        "given names only); date of birth (exact, Levenshtein <= 1, within a month, same",
        "year, years 1 apart); exact document number, sex, and nationality (with term",
        "frequencies). Prediction blocks on surname, given names, date of birth and",
        "document number. Training: the probability of a match from exact rules (names",
        "and date of birth; document and date of birth; assumed recall",
        f"{_DETERMINISTIC_RECALL}), u by random sampling (up to 10 million pairs, seed {seed}),",
        "m by expectation maximisation blocked on both names, then on date of birth; no",
        f"labels. A link is a pair with match probability >= {THRESHOLD}.",
        "",
        "| | " + " | ".join(name for name, _ in runs) + " |",
        "|---|" + "---:|" * len(runs),
        _row("precision", runs, lambda r: f"{r.report.precision:.3f}"),
        _row("recall", runs, lambda r: f"{r.report.recall:.3f}"),
        _row("F1", runs, lambda r: f"{f1(r.report):.3f}"),
        _row("links", runs, lambda r: f"{r.report.true_links + r.report.false_links:,}"),
        _row("false links", runs, lambda r: f"{r.report.false_links:,}"),
        _row("candidate pairs", runs, lambda r: f"{r.report.candidates:,}"),
        _row("blocking recall", runs, lambda r: f"{r.report.blocking_recall:.3f}"),
        _row("run time (s)", runs, lambda r: f"{r.seconds:.0f}"),
        *(
            _row(f"recall: {kind}", runs, _kind_recall(kind))
            for kind in (k.kind for k in limes.report.true_kinds)
        ),
        *(
            _row(f"false links: {kind}", runs, _false_links(kind))
            for kind in (k.kind for k in limes.report.false_kinds)
        ),
        "",
        "Splink at other thresholds of match probability:",
        "",
        "| match probability >= | precision | recall | F1 |",
        "|---:|---:|---:|---:|",
        *(
            f"| {threshold} | {result.precision:.3f} | {result.recall:.3f} | {f1(result):.3f} |"
            for threshold, result in splink.sweep
        ),
        "",
        f"Splink in full (match probability >= {THRESHOLD}):",
        "",
        splink.report.to_markdown(),
    ]
    return "\n".join(lines)


def _row(label: str, runs: list[tuple[str, Run]], cell: Callable[[Run], str]) -> str:
    return f"| {label} | " + " | ".join(cell(run) for _, run in runs) + " |"


def _kind_recall(kind: str) -> Callable[[Run], str]:
    def cell(run: Run) -> str:
        found = next(k for k in run.report.true_kinds if k.kind == kind)
        return f"{found.share_linked:.3f}"

    return cell


def _false_links(kind: str) -> Callable[[Run], str]:
    def cell(run: Run) -> str:
        found = next(k for k in run.report.false_kinds if k.kind == kind)
        return f"{found.linked:,} of {found.pairs:,}"

    return cell


def _score(
    records: Sequence[EvaluationRecord], probabilities: dict[Pair, float], threshold: float
) -> Report:
    """Splink's links at `threshold`, over the pairs its own blocking made candidates."""
    links = {pair for pair, probability in probabilities.items() if probability >= threshold}
    return evaluate(
        records,
        probabilities,
        lambda a, b: _ordered(a.record_id, b.record_id) in links,
    )


def _ordered(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def _version() -> str:
    return version("splink")


def main() -> None:
    """Print both tools' results for 2,000 people, each on one core as `bench.run` runs them."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    started = time.perf_counter()
    sys.stdout.write(report(measure_limes(), measure()))
    sys.stdout.write(f"\n({time.perf_counter() - started:.0f} s)\n")


if __name__ == "__main__":
    main()
