"""The scale workload: does a package of 2,000 models cost more to use than one of 2?

A synthetic spec holds the two real schemas, BackupAttempt and
BackupDataStats, and enough made-up models to reach the count.  Two
copies of ``backup_client`` are made in a temporary folder, and the
generator rewrites the models of one from the synthetic spec and of the
other from the real spec.  Then, in fresh interpreters, both are imported
(up to the BackupAttempt class) and both hydrate the same body, so any
difference comes from the extra models alone.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from benchmarks.imports import ROOT, ImportTimes, time_imports
from benchmarks.report import Row
from benchmarks.timing import run_command, run_python
from benchmarks.workloads import Context

__all__ = ["scale", "synthetic_spec"]

SPEC = ROOT / "spec" / "openapi.yaml"
PACKAGE = "backup_client"

# The real schemas that the synthetic spec keeps.
_REAL_SCHEMAS = ("BackupAttempt", "BackupDataStats")

_HYDRATE_PROBE = """\
import sys
sys.path[:0] = {paths!r}
from benchmarks.hydration import main
main({module!r}, {body!r}, {rounds})
"""

_IMPORT_RATIO_LIMIT = 1.2
_HYDRATE_RATIO_LIMIT = 1.1  # "unchanged", allowing for noise


class _Copy:
    """A copy of the package in a folder of its own, its models generated anew."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # The copy comes first, so it hides the checkout's package.
        self.paths = [str(folder), str(ROOT)]

    def generate(self, spec: Path) -> float:
        """Copy the package and generate its models from ``spec``; seconds taken.

        Only the generator's run is timed; model modules that ``spec``
        does not give are removed by the generator itself.
        """
        shutil.copytree(
            ROOT / PACKAGE,
            self.folder / PACKAGE,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        command = [sys.executable, "-m", "codegen", "--spec", str(spec)]
        command += ["--output", str(self.folder), "--package", PACKAGE]
        start = time.perf_counter()
        run_command(command, what=f"generating models from {spec.name}", cwd=ROOT)
        return time.perf_counter() - start

    def hydrate_time(self, body: Path) -> float:
        """Seconds to hydrate ``body`` once warmed up, in a fresh interpreter."""
        code = _HYDRATE_PROBE.format(
            paths=self.paths, module=f"{PACKAGE}.models", body=str(body), rounds=1
        )
        result = json.loads(run_python(code))
        return float(result["median"])


def scale(ctx: Context) -> list[Row]:
    """Generation, import and hydration: the many-model package vs the two-model one."""
    count = ctx.settings.scale_models
    with tempfile.TemporaryDirectory(prefix="benchmarks-scale-") as folder:
        work = Path(folder)
        many, two = _Copy(work / "many"), _Copy(work / "two")
        spec = work / "spec.json"
        spec.write_text(json.dumps(synthetic_spec(count)), encoding="utf-8")
        generation = Row(
            "scale",
            f"generate {count:,} models vs 2 (one run each)",
            many.generate(spec),
            two.generate(SPEC),
            "s",
        )
        body = work / "body.json"
        body.write_bytes(ctx.body)
        rows = [generation, _import_row(ctx, many, two, count)]
        rows.append(_hydrate_row(ctx, many, two, body, count))
    return rows


def _import_row(ctx: Context, many: _Copy, two: _Copy, count: int) -> Row:
    """Importing the models and reaching BackupAttempt, in fresh interpreters."""
    statement = f"from {PACKAGE}.models import BackupAttempt"
    probes = [ImportTimes(statement, copy.paths) for copy in (many, two)]
    time_imports(probes, ctx.settings.import_rounds)
    return _limited_row(
        f"{statement}: {count:,} models vs 2",
        probes[0].median,
        probes[1].median,
        _IMPORT_RATIO_LIMIT,
    )


def _hydrate_row(ctx: Context, many: _Copy, two: _Copy, body: Path, count: int) -> Row:
    """Hydrating the same body with each package's BackupAttempt.

    Each round is a fresh interpreter per package, taking turns, so that
    drift of the machine falls on both alike.
    """
    many_times: list[float] = []
    two_times: list[float] = []
    for _ in range(ctx.settings.rounds):
        many_times.append(many.hydrate_time(body))
        two_times.append(two.hydrate_time(body))
    return _limited_row(
        f"deserialize {ctx.attempts_text}: {count:,} models vs 2",
        statistics.median(many_times),
        statistics.median(two_times),
        _HYDRATE_RATIO_LIMIT,
    )


def _limited_row(measurement: str, ours: float, baseline: float, limit: float) -> Row:
    """A row whose ratio must not exceed ``limit``."""
    met = ours / baseline <= limit
    return Row("scale", measurement, ours, baseline, "s", f"<= {limit}x", met)


# -- the synthetic spec --------------------------------------------------------


def synthetic_spec(count: int) -> dict[str, Any]:
    """An OpenAPI document of ``count`` object schemas.

    Two are BackupAttempt and BackupDataStats as the real spec has them;
    the rest are ``Model0001`` and on, ten properties each.
    """
    real = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    schemas = {name: real["components"]["schemas"][name] for name in _REAL_SCHEMAS}
    for index in range(1, count - len(schemas) + 1):
        schemas[_model_name(index)] = _synthetic_schema(index)
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{count} models", "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def _model_name(index: int) -> str:
    """The name of synthetic model number ``index``."""
    return f"Model{index:04d}"


def _synthetic_schema(index: int) -> dict[str, Any]:
    """Ten properties of mixed types, one a reference to an earlier model.

    Model ``n`` refers to model ``n // 2`` (the first to BackupDataStats),
    so references never form a cycle and no chain is longer than a dozen.
    """
    parent = _model_name(index // 2) if index > 1 else "BackupDataStats"
    integer = {"type": "integer", "format": "int64"}
    states = ["Active", "Paused", "Retired"]
    properties = {
        "id": integer,
        "count": {**integer, "nullable": True},
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["Physical", "Virtual", "Cloud"]},
        "parent": {"$ref": f"#/components/schemas/{parent}"},
        "createdTimeUsecs": {**integer, "nullable": True},
        "label": {"type": "string", "nullable": True},
        "state": {"type": "string", "nullable": True, "enum": [*states, None]},
        "sizeBytes": integer,
        "description": {"type": "string", "description": "What the object holds."},
    }
    return {
        "type": "object",
        "description": f"Synthetic model number {index}.",
        "properties": properties,
    }
