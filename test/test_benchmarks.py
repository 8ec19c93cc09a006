"""The benchmarks, ``python -m benchmarks``: they run and report every workload."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backup_client import ApiClient
from backup_client.models import BackupAttempt
from benchmarks import dataset

REPO = Path(__file__).resolve().parent.parent
WORKLOADS = ("hydrate", "dump", "build", "memory", "import", "scale")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """The table that ``--quick`` prints, and the JSON it writes."""
    results = tmp_path_factory.mktemp("benchmarks") / "results.json"
    command = [sys.executable, "-m", "benchmarks", "--quick", "--json", str(results)]
    run = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout, json.loads(results.read_text(encoding="utf-8"))


def test_quick_run_shows_every_workload_with_its_ratio(
    quick_run: tuple[str, dict[str, Any]],
) -> None:
    """Every workload has a row whose ratio the table shows, n/a only for imports."""
    table, document = quick_run
    lines = table.splitlines()
    for name in WORKLOADS:
        rows = [row for row in document["results"] if row["workload"] == name]
        assert rows, f"no results for {name}"
        for row in rows:
            if name == "import":
                assert row["ratio"] is None
                expected = "n/a"
            else:
                assert row["ratio"] > 0
                expected = f"{row['ratio']:.2f}x"
            shown = [line for line in lines if line.startswith(f"{name} ")]
            assert any(row["measurement"] in line for line in shown)
            assert any(expected in line for line in shown)


def test_quick_run_names_the_machine(quick_run: tuple[str, dict[str, Any]]) -> None:
    """The output starts with the Python and CPU count it was measured on."""
    table, document = quick_run
    machine = document["machine"]
    assert table.startswith("Machine: ")
    assert machine["python"] in table.splitlines()[0]
    assert f"{machine['cpus']} CPUs" in table.splitlines()[0]


def test_unknown_workload_is_refused_with_the_known_ones() -> None:
    """--only with a name that is no workload exits 2 and lists the workloads."""
    command = [sys.executable, "-m", "benchmarks", "--only", "hydrate,hydrat"]
    run = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 2
    assert "unknown workload hydrat" in run.stderr
    assert "known: hydrate, dump, build, memory, import, scale" in run.stderr


def test_dataset_is_seeded_and_consistent() -> None:
    """The same seed gives the same body; times follow one another as on a server."""
    records = dataset.wire_attempts(2_000)
    assert dataset.encode(records) == dataset.encode(dataset.wire_attempts(2_000))
    assert {record.get("status") for record in records} >= set(dataset.STATUSES)
    for record in records:
        start = record.get("startTimeUsecs")
        permit = record.get("permitGrantTimeUsecs")
        queue = record.get("queueDurationUsecs")
        end = record.get("endTimeUsecs")
        if start is not None and permit is not None and queue is not None:
            assert queue == permit - start
        if start is not None and end is not None:
            assert end > start


def test_keyword_arguments_build_the_wire_records() -> None:
    """Each attempt built from the keyword arguments writes out as its wire record."""
    records = dataset.wire_attempts(500)
    built = [BackupAttempt(**kwargs) for kwargs in dataset.attempt_kwargs(records)]
    declared = set(dataset.ATTEMPT_NAMES)
    expected = [{k: v for k, v in r.items() if k in declared} for r in records]
    assert ApiClient.sanitize_for_serialization(built) == expected
