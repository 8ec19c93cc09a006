"""The command line: ``python -m benchmarks [--quick] [--rounds N] [--only ...]``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import dataset, report
from benchmarks.imports import imports
from benchmarks.report import Row
from benchmarks.scale import scale
from benchmarks.workloads import Context, Settings, build, dump, hydrate_body, memory

__all__ = ["WORKLOADS", "main"]

Workload = Callable[[Context], list[Row]]

# Every workload by name, in the order they run and are shown.
WORKLOADS: dict[str, Workload] = {
    "hydrate": hydrate_body,
    "dump": dump,
    "build": build,
    "memory": memory,
    "import": imports,
    "scale": scale,
}

# The workloads that need the synthetic attempts.
_USES_DATA = frozenset({"hydrate", "dump", "build", "memory", "scale"})


def _positive(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def _workload_names(text: str) -> list[str]:
    """A comma-separated list of known workload names."""
    stripped = (name.strip() for name in text.split(","))
    names = list(dict.fromkeys(name for name in stripped if name))
    unknown = [name for name in names if name not in WORKLOADS]
    known = ", ".join(WORKLOADS)
    if not names:
        raise argparse.ArgumentTypeError(f"no workload named; known: {known}")
    if unknown:
        given = ", ".join(unknown)
        raise argparse.ArgumentTypeError(f"unknown workload {given}; known: {known}")
    return names


def _parser() -> argparse.ArgumentParser:
    """The command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time and size backup_client's models against plain Python.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small data and few rounds: proves the workloads run, measures little",
    )
    parser.add_argument(
        "--rounds",
        type=_positive,
        metavar="N",
        help="repeat every measurement N times (default 7, imports 15, memory 3)",
    )
    parser.add_argument(
        "--only",
        type=_workload_names,
        metavar="WORKLOAD[,...]",
        help=f"run only these workloads, of: {', '.join(WORKLOADS)}",
    )
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="also write the results to FILE"
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the results as the markdown table the README shows",
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    """The sizes and repeats that the options ask for."""
    settings = Settings.quick() if args.quick else Settings()
    if args.rounds is not None:
        rounds = args.rounds
        settings = dataclasses.replace(
            settings, rounds=rounds, import_rounds=rounds, memory_rounds=rounds
        )
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen workloads and print their table; 1 if any failed."""
    args = _parser().parse_args(argv)
    names = args.only or list(WORKLOADS)
    ctx = Context(_settings(args))
    info = report.machine()
    print(f"Machine: {report.machine_line(info)}", flush=True)
    if _USES_DATA.intersection(names):
        print(f"Data: {_describe_data(ctx)}", flush=True)
    rows, failed = _run(ctx, names)
    print()
    print(report.render_markdown(rows) if args.markdown else report.render_text(rows))
    if args.json is not None:
        settings = {**dataclasses.asdict(ctx.settings), "workloads": names}
        report.write_json(args.json, info, settings, rows)
    return 1 if failed else 0


def _describe_data(ctx: Context) -> str:
    """The attempts' count and size, made here so the first timing does not."""
    size = len(ctx.body)
    count = ctx.settings.records
    return (
        f"{count:,} BackupAttempt records, {size / 1e6:.1f} MB of JSON "
        f"({size / count:.0f} B each), seed {dataset.DEFAULT_SEED}"
    )


def _run(ctx: Context, names: Sequence[str]) -> tuple[list[Row], list[str]]:
    """Run each workload; one that fails is reported and the rest still run."""
    rows: list[Row] = []
    failed: list[str] = []
    for name in names:
        start = time.perf_counter()
        try:
            rows += WORKLOADS[name](ctx)
        except Exception as err:  # a broken workload must not hide the others
            failed.append(name)
            print(f"benchmarks: {name} failed: {err}", file=sys.stderr)
            continue
        elapsed = time.perf_counter() - start
        print(f"  {name}: done in {elapsed:.1f} s", file=sys.stderr)
    return rows, failed
