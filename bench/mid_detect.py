"""`limes mid detect` (the Art 69 initial load) over 10,000 to 1,000,000 SYNTHETIC records.

The issue's target: the initial load of 1,000,000 identity records in under 10
minutes on the 2-core machine, and how the time grows with size. For each size the
benchmark writes a JSON-lines file as `limes mid detect` reads it, then runs the
command's batch path (`limes.interop.mid.batch.BatchDetector`, links written as
the command writes them) in a fresh process with 2 workers, and reports wall time,
records per second, comparisons, links, how many same-person pairs were linked, and
the peak memory of the main process and of the largest worker.

The records are SYNTHETIC. Names are drawn from pools of travellers of
`limes.sim.population` (24 nationalities, names as entered in Latin, Cyrillic and
Arabic script, or their passport romanisation), so name frequencies are those of
Faker's lists; dates of birth follow the population's ages. Each person is recorded
1-3 times in different systems; every record after the first carries one variation
(another transliteration, a typo, swapped names, initials, a partial, placeholder or
day-month-swapped date of birth, a renewed passport). Negatives as in
`limes.sim.identities`: impostors on someone else's passport and namesakes born the
same year. One person in a hundred shows a face on the records of the systems that
hold biometrics, and some of them a second identity with the same face (the fraud
case the MID exists to find).
"""

from __future__ import annotations

import argparse
import base64
import itertools
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import Modality
from limes.interop.mid.batch import BatchDetector, RecordLinks
from limes.interop.mid.domain.models import LinkColour
from limes.matching.text import Script, script_of, transliterations
from limes.sim.population import ORIGINS, PopulationGenerator

SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
TARGET_RECORDS = 1_000_000
TARGET_SECONDS = 600.0
WORKERS = 2
SEED = 69
TODAY = date(2026, 11, 23)
POOL_PER_ORIGIN = 400  # travellers per nationality drawn for the name pools
SYSTEMS = ("ees", "vis", "etias", "eurodac", "sis")
_RECORDS_PER_PERSON = ((1, 2, 3), (40, 35, 25))
FACE_SHARE = 0.01  # people whose records carry a face
SECOND_IDENTITY_SHARE = 0.1  # of those: another identity under the same face
IMPOSTOR_SHARE = 0.03
NAMESAKE_SHARE = 0.03
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_VARIATIONS = (
    "exact",
    "transliteration",
    "typo",
    "swapped",
    "initials",
    "dob_partial",
    "dob_placeholder",
    "dob_swapped",
    "renewed_passport",
)


# -- the SYNTHETIC records -------------------------------------------------------------


class NamePools:
    """Surnames and given names per (nationality, sex), drawn from `limes.sim.population`.

    A pool keeps the frequencies of Faker's lists: 400 draws hold a frequent surname
    several times and a rare one once. A person's surname and given names are drawn
    independently from the pools of their nationality and sex.
    """

    def __init__(self, seed: int, per_origin: int = POOL_PER_ORIGIN) -> None:
        generator = PopulationGenerator(seed, TODAY)
        self.surnames: dict[tuple[str, str], list[str]] = {}
        self.given: dict[tuple[str, str], list[str]] = {}
        for origin in ORIGINS:
            for j in range(per_origin):
                person = generator.traveller(f"pool:{origin.nationality}:{j}", origin)
                key = (origin.nationality, person.sex.value)
                self.surnames.setdefault(key, []).append(person.document_surname)
                self.given.setdefault(key, []).append(person.document_given_names)
        self.origins = [o.nationality for o in ORIGINS]
        self.weights = [o.weight for o in ORIGINS]
        self.passports = {o.nationality: o.passport for o in ORIGINS}


@dataclass(frozen=True, slots=True)
class _Person:
    key: int
    nationality: str
    sex: str
    surname: str
    given: str
    born: date
    document: str


class Writer:
    """Draws people and writes their records, shuffled, as `limes mid detect` input."""

    def __init__(self, pools: NamePools, seed: int) -> None:
        self.pools = pools
        self.rng = random.Random(seed)
        self.device = SyntheticBiometrics(seed=seed)
        self.faces = 0

    def person(self, key: int) -> _Person:
        rng, pools = self.rng, self.pools
        nationality = rng.choices(pools.origins, pools.weights)[0]
        sex = rng.choice("FM")
        return _Person(
            key,
            nationality,
            sex,
            rng.choice(pools.surnames[(nationality, sex)]),
            rng.choice(pools.given[(nationality, sex)]),
            self._born(),
            self._document(nationality),
        )

    def _born(self) -> date:
        # Ages as limes.sim.population: a few children and teenagers, adults mostly 25-60.
        band = self.rng.random()
        if band < 0.07:
            age = self.rng.randint(0, 11)
        elif band < 0.12:
            age = self.rng.randint(12, 17)
        else:
            age = round(self.rng.triangular(18, 79, 40))
        return TODAY - timedelta(days=int(age * 365.25) + self.rng.randrange(365) + 60)

    def _document(self, nationality: str) -> str:
        pattern = self.pools.passports[nationality]
        return "".join(
            self.rng.choice(_LETTERS)
            if c == "@"
            else str(self.rng.randrange(10))
            if c == "#"
            else c
            for c in pattern
        )

    def records(self, count: int) -> list[dict[str, Any]]:
        """About `count` records of SYNTHETIC people, in a shuffled order, ids given."""
        out: list[dict[str, Any]] = []
        key = 0
        while len(out) < count:
            person = self.person(key)
            key += 1
            out.extend(self._of(person))
            if self.rng.random() < IMPOSTOR_SHARE:
                # Another person recorded on this person's passport.
                impostor = self.person(key)
                key += 1
                out.append(
                    self._record(impostor, document=person.document, doc_country=person.nationality)
                )
            if self.rng.random() < NAMESAKE_SHARE:
                namesake = self.person(key)
                key += 1
                born = date(person.born.year, self.rng.randint(1, 12), self.rng.randint(1, 28))
                out.append(
                    self._record(namesake, surname=person.surname, given=person.given, born=born)
                )
        del out[count:]
        self.rng.shuffle(out)
        for n, record in enumerate(out, start=1):
            record["record_id"] = f"r{n:08d}"
        return out

    def _of(self, person: _Person) -> list[dict[str, Any]]:
        count = self.rng.choices(*_RECORDS_PER_PERSON)[0]
        systems = self.rng.sample(SYSTEMS, count)
        face = self.rng.random() < FACE_SHARE
        records = [self._record(person, system=systems[0])]
        records.extend(self._varied(person, system) for system in systems[1:])
        if face:
            if self.rng.random() < SECOND_IDENTITY_SHARE:
                # The same face under another name, date of birth and passport.
                other = self.person(person.key)
                records.append(self._record(other, system=self.rng.choice(("ees", "vis", "sis"))))
            for record in records:
                if record["system"] != "etias":
                    capture = self.device.capture(f"person-{person.key}", Modality.FACE)
                    record["template"] = {
                        "vector": base64.b64encode(capture.vector).decode(),
                        "quality": max(50, capture.quality),
                        "synthetic": True,
                    }
                    self.faces += 1
        return records

    def _record(
        self,
        person: _Person,
        *,
        system: str | None = None,
        surname: str | None = None,
        given: str | None = None,
        born: date | str | None = None,
        document: str | None = None,
        doc_country: str | None = None,
    ) -> dict[str, Any]:
        day = born if born is not None else person.born
        return {
            "record_id": "",
            "system": system or self.rng.choice(SYSTEMS),
            "person": person.key,
            "surname": surname if surname is not None else person.surname,
            "given_names": given if given is not None else person.given,
            "dob": day if isinstance(day, str) else day.isoformat(),
            "sex": person.sex,
            "nationality": person.nationality,
            "doc_number": document or person.document,
            "doc_country": doc_country or person.nationality,
        }

    def _varied(self, person: _Person, system: str) -> dict[str, Any]:
        """The person recorded again with one variation that officials report."""
        rng, born = self.rng, person.born
        while True:
            variation = rng.choice(_VARIATIONS)
            changes: dict[str, Any] = {}
            if variation == "transliteration":
                spelt = _other_spelling(person.surname, rng)
                if spelt is None:
                    continue
                given = _other_spelling(person.given, rng) or person.given
                changes = {"surname": spelt, "given": given}
            elif variation == "typo":
                field = "surname" if rng.random() < 0.6 else "given"
                changes = {field: _typo(getattr(person, field), rng)}
            elif variation == "swapped":
                changes = {"surname": person.given, "given": person.surname}
            elif variation == "initials":
                changes = {"given": " ".join(f"{part[0]}." for part in person.given.split())}
            elif variation == "dob_partial":
                changes = {"born": born.isoformat()[: rng.choice((4, 7))]}
            elif variation == "dob_placeholder":
                changes = {"born": f"{born.year:04d}-01-01"}
            elif variation == "dob_swapped":
                if born.day > 12 or born.day == born.month:
                    continue
                changes = {"born": f"{born.year:04d}-{born.day:02d}-{born.month:02d}"}
            elif variation == "renewed_passport":
                changes = {"document": self._document(person.nationality)}
            return self._record(person, system=system, **changes)


def _other_spelling(name: str, rng: random.Random) -> str | None:
    """The name as another register spells it: another transliteration, if it has one."""
    forms = transliterations(name)
    # A Latin name has another form only through its letters with marks (ICAO 9303);
    # a name in another script is recorded in one of its Latin forms.
    others = forms[1:] if script_of(name) is Script.LATIN else forms
    return rng.choice(others).title() if others else None


def _typo(name: str, rng: random.Random) -> str:
    """One letter of the name deleted, doubled or replaced by a neighbour's."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 3:
        return name + name[-1]
    at = rng.choice(letters[1:])
    edit = rng.randrange(3)
    if edit == 0:
        return name[:at] + name[at + 1 :]
    if edit == 1:
        return name[:at] + name[at] + name[at:]
    return name[:at] + name[letters[(letters.index(at) + 1) % len(letters)]] + name[at + 1 :]


def write_input(path: Path, count: int, pools: NamePools, seed: int = SEED) -> Writer:
    """Write about `count` SYNTHETIC records to `path` as JSON lines; returns the writer's tallies."""
    writer = Writer(pools, seed)
    with path.open("wb") as out:
        for record in writer.records(count):
            out.write(orjson.dumps(record) + b"\n")
    return writer


# -- one run, in a process of its own ---------------------------------------------------


def detect_file(source: Path, links: Path, workers: int) -> dict[str, Any]:
    """Run the batch path of `limes mid detect` on `source`; the figures of the run."""
    batch = BatchDetector(workers=workers)
    colours = dict.fromkeys(LinkColour, 0)
    started = time.perf_counter()
    read: list[float] = []
    batch.on_read = lambda _: read.append(time.perf_counter())
    with source.open("rb") as lines, links.open("wb") as sink:
        for event in batch.run(lines):
            if isinstance(event, RecordLinks):
                for link in event.links:
                    colours[link.colour] += 1
                    sink.write(orjson.dumps(link.to_json()) + b"\n")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "read_seconds": (read[-1] - started) if read else 0.0,
        "records": batch.records,
        "comparisons": batch.comparisons,
        "skipped_keys": batch.skipped_keys,
        "white": colours[LinkColour.WHITE],
        "yellow": colours[LinkColour.YELLOW],
        "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


@dataclass(frozen=True, slots=True)
class SizeResult:
    """The figures of one size."""

    records: int
    faces: int
    true_pairs: int
    generated_seconds: float
    seconds: float
    read_seconds: float
    comparisons: int
    skipped_keys: int
    white: int
    yellow: int
    true_links: int
    rss_main_mb: float
    rss_worker_mb: float

    @property
    def per_second(self) -> float:
        """Records detected per second of wall time."""
        return self.records / self.seconds if self.seconds else 0.0


def measure_size(size: int, pools: NamePools, workdir: Path, workers: int = WORKERS) -> SizeResult:
    """Write `size` records, run the detector on them in a fresh process, score the links."""
    source, links = workdir / f"records-{size}.jsonl", workdir / f"links-{size}.jsonl"
    started = time.perf_counter()
    writer = write_input(source, size, pools)
    generated = time.perf_counter() - started
    command = [sys.executable, "-m", "bench.mid_detect", "--detect", str(source), str(links)]
    run = subprocess.run(
        [*command, "--workers", str(workers)],
        capture_output=True,
        check=True,
    )
    figures = orjson.loads(run.stdout)
    person = _persons(source)
    _, counts = np.unique(person[1:], return_counts=True)
    true_pairs = int((counts * (counts - 1) // 2).sum())
    true_links = 0
    with links.open("rb") as found:
        for line in found:
            link = orjson.loads(line)
            true_links += person[int(link["a"][1:])] == person[int(link["b"][1:])]
    source.unlink()
    links.unlink()
    return SizeResult(
        records=figures["records"],
        faces=writer.faces,
        true_pairs=true_pairs,
        generated_seconds=generated,
        seconds=figures["seconds"],
        read_seconds=figures["read_seconds"],
        comparisons=figures["comparisons"],
        skipped_keys=figures["skipped_keys"],
        white=figures["white"],
        yellow=figures["yellow"],
        true_links=true_links,
        rss_main_mb=figures["rss_main_mb"],
        rss_worker_mb=figures["rss_worker_mb"],
    )


def _persons(source: Path) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The person of each record, by the number in its id (the ground truth)."""
    people: list[int] = [-1]
    with source.open("rb") as lines:
        for line in lines:
            people.append(orjson.loads(line)["person"])
    return np.asarray(people, dtype=np.int64)


def _to_stderr(text: str) -> None:
    print(text, file=sys.stderr)


def measure(
    *, quick: bool = False, log: Callable[[str], None] = _to_stderr, workers: int = WORKERS
) -> list[SizeResult]:
    """Every size (10,000 and 100,000 with `quick`), smallest first."""
    pools = NamePools(SEED)
    results = []
    with tempfile.TemporaryDirectory(prefix="limes-mid-detect-") as workdir:
        for size in QUICK_SIZES if quick else SIZES:
            result = measure_size(size, pools, Path(workdir), workers)
            log(
                f"{size:,} records: {result.seconds:.1f} s, {result.comparisons:,} comparisons, "
                f"{result.white + result.yellow:,} links"
            )
            results.append(result)
    return results


def report(results: Sequence[SizeResult]) -> str:
    """The Markdown section for BENCHMARKS.md."""
    rows = [
        f"| {r.records:,} | {r.faces:,} | {r.seconds:.1f} | {r.read_seconds:.1f} "
        f"| {r.per_second:,.0f} | {r.comparisons:,} | {r.comparisons / r.records:.2f} "
        f"| {r.white:,} / {r.yellow:,} | {r.true_links / r.true_pairs:.3f} "
        f"| {r.rss_main_mb:,.0f} / {r.rss_worker_mb:,.0f} |"
        for r in results
    ]
    return "\n".join(
        [
            "## Multiple-identity detection: the initial load (`limes mid detect`)",
            "",
            "SYNTHETIC records (`bench/mid_detect.py`): people of 24 nationalities recorded",
            "1-3 times across EES, VIS, ETIAS, Eurodac and SIS with realistic variation, plus",
            "impostors and namesakes; 1% of people show a face, some under a second identity.",
            f"The batch path of `limes mid detect` with {WORKERS} worker processes, links",
            'written as the command writes them; time excludes writing the input. "Read" is',
            "the parsing, keying, indexing and sBMS phase; the rest judges candidate pairs.",
            '"Same-person pairs linked" counts links between records of one person over all',
            "such pairs (what blocking and matching together find).",
            "",
            "| records | faces | wall s | read s | records/s | comparisons | per record "
            "| links white / yellow | same-person pairs linked | peak RSS MB main / worker |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            *_verdict(results),
            "",
        ]
    )


def _verdict(results: Sequence[SizeResult]) -> list[str]:
    lines = []
    for small, large in itertools.pairwise(results):
        exponent = math.log(large.seconds / small.seconds) / math.log(large.records / small.records)
        lines.append(
            f"- From {small.records:,} to {large.records:,} records the time grows as "
            f"n^{exponent:.2f} (comparisons per record {small.comparisons / small.records:.2f} "
            f"-> {large.comparisons / large.records:.2f})."
        )
    largest = max(results, key=lambda r: r.records)
    if largest.records >= TARGET_RECORDS * 0.95:
        met = "met" if largest.seconds < TARGET_SECONDS else "NOT met"
        lines.append(
            f"- Target: 1,000,000 records in under 10 minutes: **{met}** "
            f"({largest.records:,} in {largest.seconds / 60:.1f} min)."
        )
    else:
        lines.append("- Target: 1,000,000 records in under 10 minutes: not measured (`--quick`).")
    return lines


def main(argv: list[str] | None = None) -> None:
    """Print the section, or (with --detect) run one detection and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.mid_detect")
    parser.add_argument("--quick", action="store_true", help="10,000 and 100,000 records only")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--detect", nargs=2, metavar=("INPUT", "LINKS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.detect:
        figures = detect_file(Path(args.detect[0]), Path(args.detect[1]), args.workers)
        sys.stdout.buffer.write(orjson.dumps(figures))
        return
    results = measure(quick=args.quick, workers=args.workers)
    sys.stdout.write(report(results))


if __name__ == "__main__":
    main()
