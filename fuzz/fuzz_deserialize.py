"""Feed bytes to ``ApiClient.deserialize`` and require that only our errors escape.

Run from anywhere; the checkout this file sits in is imported::

    python fuzz/fuzz_deserialize.py --runs 100000 --seed 1

Each input is checked as ``checks.py`` describes.  An input for which
anything but a ``backup_client`` exception escapes, or whose result does
not write back as the body came, is written to the crash directory and
counted, and the exit status is 1.

The inputs come from a seeded mutation loop of our own (``mutations.py``)
or, with ``--engine atheris``, from libFuzzer.  Both start from
``examples/*.json`` and ``fuzz/seeds/*``, read when the run starts.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# Inputs longer than this are cut; the seeds are far shorter.
MAX_INPUT = 64 * 1024


class Target:
    """The checks (``checks.py``) and, for the mutation loop, ``mutations.py``.

    They are imported only once the engine is known: atheris must see
    ``backup_client`` being imported to instrument it.
    """

    def __init__(self, engine: str) -> None:
        fuzz_dir = str(Path(__file__).resolve().parent)
        if fuzz_dir not in sys.path:
            sys.path.insert(0, fuzz_dir)
        with _instrumenting(engine):
            import checks
        self.checks: ModuleType = checks


@contextlib.contextmanager
def _instrumenting(engine: str) -> Iterator[None]:
    """Under atheris, instrument ``backup_client`` as it is imported."""
    if engine != "atheris":
        yield
        return
    import atheris  # type: ignore[import-untyped]  # optional, see README.md

    with atheris.instrument_imports(include=["backup_client"]):
        yield


@dataclass
class Tally:
    """What a run found, and where it writes the inputs that escaped."""

    crash_dir: Path
    calls_per_input: int
    inputs: int = 0
    hydrated: int = 0
    rejected: int = 0
    escapes: int = 0

    def record(self, checker: Any, data: bytes) -> bool:
        """Check one input; True when at least one response type hydrated it."""
        self.inputs += 1
        try:
            hydrated, rejected = checker.check(data)
        except Exception:  # every other exception is what the fuzzer looks for
            self.escapes += 1
            self._save(data, traceback.format_exc())
            return False
        self.hydrated += hydrated
        self.rejected += rejected
        return bool(hydrated)

    def _save(self, data: bytes, trace: str) -> None:
        name = "escape-" + hashlib.sha256(data).hexdigest()[:16]
        (self.crash_dir / f"{name}.bin").write_bytes(data)
        (self.crash_dir / f"{name}.txt").write_text(trace, encoding="utf-8")

    def report(self, seconds: float) -> str:
        """The counts, one ``name: number`` line each."""
        return "\n".join(
            [
                f"inputs: {self.inputs}",
                f"calls: {self.inputs * self.calls_per_input}",
                f"hydrated: {self.hydrated}",
                f"rejected: {self.rejected}",
                f"escapes: {self.escapes}",
                f"seconds: {seconds:.1f}",
                f"crash dir: {self.crash_dir}",
            ]
        )


def load_corpus() -> list[bytes]:
    """The seeds: every ``examples/*.json`` and ``fuzz/seeds/*``, read now."""
    paths = sorted(REPO.glob("examples/*.json"))
    paths += sorted((REPO / "fuzz" / "seeds").glob("*"))
    return [path.read_bytes() for path in paths if path.is_file()]


def run_mutations(target: Target, runs: int, seed: int, tally: Tally) -> None:
    """Check ``runs`` inputs: the seeds first, then mutations of them."""
    import mutations  # on the path since Target was made

    corpus = load_corpus()
    mutator = mutations.Mutator(random.Random(seed), corpus, MAX_INPUT)
    checker = target.checks.Checker()
    try:
        for data in corpus[:runs]:
            tally.record(checker, data)
        while tally.inputs < runs:
            data = mutator.next_input()
            if tally.record(checker, data):
                mutator.keep(data)
    finally:
        checker.close()


def run_atheris(
    target: Target, runs: int, seed: int, tally: Tally, started: float
) -> None:
    """Check ``runs`` inputs that libFuzzer makes, then exit the process.

    libFuzzer ends the process itself, so the counts are printed, and the
    exit status set, from inside the last check.
    """
    import atheris

    corpus_dir = Path(tempfile.mkdtemp(prefix="fuzz-corpus-"))
    for number, data in enumerate(load_corpus()):
        (corpus_dir / f"seed-{number}").write_bytes(data)
    checker = target.checks.Checker()

    def test_one_input(data: bytes) -> None:
        tally.record(checker, data)
        if tally.inputs >= runs:
            print(tally.report(time.monotonic() - started), flush=True)
            os._exit(1 if tally.escapes else 0)

    argv = [
        sys.argv[0],
        str(corpus_dir),
        f"-seed={seed}",
        f"-max_len={MAX_INPUT}",
        f"-artifact_prefix={tally.crash_dir}{os.sep}",
    ]
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000, help="inputs to check")
    parser.add_argument("--seed", type=int, default=0, help="seed of the run")
    parser.add_argument(
        "--crash-dir",
        type=Path,
        help="where escaping inputs are written (default: a new temp folder)",
    )
    parser.add_argument(
        "--replay",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="check these saved inputs and show what escapes, instead of fuzzing",
    )
    parser.add_argument(
        "--engine",
        choices=["auto", "atheris", "mutate"],
        default="auto",
        help="atheris when installed (auto, the default), atheris, or our loop",
    )
    return parser.parse_args(argv)


def _engine(choice: str) -> str:
    if choice != "auto":
        return choice
    try:
        import atheris  # noqa: F401  # only asks whether it is installed
    except ImportError:
        return "mutate"
    return "atheris"


def replay(paths: list[Path]) -> int:
    """Check saved inputs again, letting whatever escapes show its traceback."""
    checker = Target("mutate").checks.Checker()
    try:
        for path in paths:
            hydrated, rejected = checker.check(path.read_bytes())
            print(f"{path}: hydrated {hydrated}, rejected {rejected}")
    finally:
        checker.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.replay:
        return replay(args.replay)
    crash_dir = args.crash_dir or Path(tempfile.mkdtemp(prefix="fuzz-crashes-"))
    crash_dir.mkdir(parents=True, exist_ok=True)
    engine = _engine(args.engine)
    print(f"engine: {engine}, seed: {args.seed}, crash dir: {crash_dir}", flush=True)
    started = time.monotonic()
    target = Target(engine)
    tally = Tally(crash_dir, target.checks.Checker.calls_per_input_count())
    if engine == "atheris":
        run_atheris(target, args.runs, args.seed, tally, started)
    run_mutations(target, args.runs, args.seed, tally)
    print(tally.report(time.monotonic() - started))
    return 1 if tally.escapes else 0


if __name__ == "__main__":
    sys.exit(main())
