"""The example scripts run and say what they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quickstart_builds_hydrates_and_writes_back() -> None:
    """examples/quickstart.py prints a payload, the attempts and their JSON."""
    result = subprocess.run(
        [sys.executable, "examples/quickstart.py"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    out = result.stdout
    assert 'Payload: {"startTimeUsecs": 1712345678901234, "status": "Running"' in out
    assert "Hydrated 3 attempts" in out
    assert "Skipped (a status newer than this library)" in out
    assert '"retentionDays": 30' in out
    assert result.stderr == ""
