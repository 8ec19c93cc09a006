"""The workloads measured in this process, each against a plain-Python baseline.

Every workload takes a :class:`Context` and returns its result rows.  The
data comes from :mod:`benchmarks.dataset` and is made once per run.
"""

from __future__ import annotations

import functools
import gc
import json
import statistics
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backup_client import ApiClient
from backup_client.models import BackupAttempt
from benchmarks import dataset
from benchmarks.hydration import hydrate
from benchmarks.report import Row
from benchmarks.timing import time_pair

__all__ = ["Context", "Settings", "build", "dump", "hydrate_body", "memory"]

# Most bytes one hydrated attempt may keep alive.
MEMORY_LIMIT = 800


@dataclass(frozen=True)
class Settings:
    """How big and how often: the data's size and each workload's repeats."""

    records: int = 20_000
    rounds: int = 7
    import_rounds: int = 15
    memory_rounds: int = 3
    scale_models: int = 2_000

    @classmethod
    def quick(cls) -> Settings:
        """Small data and few repeats: proves the workloads run, measures little."""
        return cls(
            records=1_000, rounds=2, import_rounds=2, memory_rounds=1, scale_models=40
        )


class Context:
    """The settings and the data of one run; the data is made on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @functools.cached_property
    def records(self) -> list[dict[str, Any]]:
        """The attempts by wire name, as a server's JSON gives them."""
        return dataset.wire_attempts(self.settings.records)

    @functools.cached_property
    def body(self) -> bytes:
        """The attempts as the body of an answer."""
        return dataset.encode(self.records)

    @functools.cached_property
    def kwargs(self) -> list[dict[str, Any]]:
        """The keyword arguments that build each attempt, by python name."""
        return dataset.attempt_kwargs(self.records)

    @property
    def attempts_text(self) -> str:
        """How many attempts, as the measurements name them."""
        return f"{self.settings.records:,} attempts"


def _timed_row(
    ctx: Context,
    workload: str,
    measurement: str,
    ours: Callable[[], Any],
    baseline: Callable[[], Any],
    limit: float,
) -> Row:
    """Time ``ours`` against ``baseline``; the ratio should not exceed ``limit``."""
    pair = time_pair(ours, baseline, ctx.settings.rounds)
    ratio = pair.ours_median / pair.baseline_median
    return Row(
        workload,
        measurement,
        pair.ours_median,
        pair.baseline_median,
        "s",
        target=f"<= {limit}x",
        met=ratio <= limit,
    )


def hydrate_body(ctx: Context) -> list[Row]:
    """ApiClient.deserialize of the body into attempts, vs json.loads of it.

    Each round starts from the bytes: the models keep the dicts that
    parsing made, so reusing them would skip half the work.
    """
    body = ctx.body
    with ApiClient() as client:
        hydrated = hydrate(client, body, BackupAttempt)
        _check_count(hydrated, ctx.settings.records)
        row = _timed_row(
            ctx,
            "hydrate",
            f"deserialize {ctx.attempts_text} vs json.loads",
            lambda: hydrate(client, body, BackupAttempt),
            lambda: json.loads(body),
            1.3,
        )
    return [row]


def dump(ctx: Context) -> list[Row]:
    """json.dumps of sanitized attempts, vs json.dumps of the parsed dicts."""
    with ApiClient() as client:
        models = hydrate(client, ctx.body, BackupAttempt)
    dicts = json.loads(ctx.body)
    _check_round_trip(models, dicts)
    row = _timed_row(
        ctx,
        "dump",
        f"json.dumps(sanitize_for_serialization) of {ctx.attempts_text} vs json.dumps",
        lambda: json.dumps(ApiClient.sanitize_for_serialization(models)),
        lambda: json.dumps(dicts),
        1.5,
    )
    return [row]


def build(ctx: Context) -> list[Row]:
    """BackupAttempt(**kwargs) with stats as a dict, vs the same dicts built plainly.

    The model turns the stats dict into a BackupDataStats; the baseline
    makes a dict by keyword for the attempt and another for its stats, so
    both sides build two objects per attempt from the same arguments.
    """
    kwargs = ctx.kwargs
    row = _timed_row(
        ctx,
        "build",
        f"BackupAttempt(**kwargs) x {ctx.settings.records:,} "
        "vs dict(**kwargs) for attempt and stats",
        lambda: [BackupAttempt(**values) for values in kwargs],
        lambda: _build_dicts(kwargs),
        1.5,
    )
    return [row]


def _build_dicts(kwargs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each attempt and its stats as new dicts built by keyword."""
    built = []
    for values in kwargs:
        record = dict(**values)
        stats = values.get("stats")
        if stats is not None:
            record["stats"] = dict(**stats)
        built.append(record)
    return built


def memory(ctx: Context) -> list[Row]:
    """Bytes kept alive per hydrated attempt, vs per dict json.loads parsed."""
    body = ctx.body
    rounds = ctx.settings.memory_rounds
    with ApiClient() as client:
        hydrate(client, body, BackupAttempt)  # a first run, to fill caches
        ours = [
            _retained_per_item(lambda: hydrate(client, body, BackupAttempt))
            for _ in range(rounds)
        ]
    baseline = [_retained_per_item(lambda: json.loads(body)) for _ in range(rounds)]
    per_attempt = statistics.median(ours)
    per_dict = statistics.median(baseline)
    row = Row(
        "memory",
        "bytes kept per hydrated attempt vs per parsed dict",
        per_attempt,
        per_dict,
        "B",
        target=f"<= {MEMORY_LIMIT} B and <= 1.0x",
        met=per_attempt <= MEMORY_LIMIT and per_attempt <= per_dict,
    )
    return [row]


def _retained_per_item(make: Callable[[], list[Any]]) -> float:
    """Bytes that the list ``make()`` returns keeps alive, per item.

    Counted by tracemalloc from before the call to after it, with the
    list still held, so what the call only used for a while is not counted.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = make()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / len(kept)


def _check_count(hydrated: list[Any], expected: int) -> None:
    """Fail unless hydrating gave one attempt per record."""
    if len(hydrated) != expected:
        raise RuntimeError(f"hydrating gave {len(hydrated)} attempts, not {expected}")


def _check_round_trip(models: list[Any], dicts: list[dict[str, Any]]) -> None:
    """Fail unless the models serialize back to the JSON they were read from."""
    written = json.loads(json.dumps(ApiClient.sanitize_for_serialization(models)))
    if written != dicts:
        raise RuntimeError("serialized attempts differ from the body they came from")
