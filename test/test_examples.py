"""The example scripts run and say what they promise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_example(name: str, *args: str) -> str:
    """Run ``examples/<name>`` from the repository root; give what it printed."""
    result = subprocess.run(
        [sys.executable, f"examples/{name}", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.stderr == ""
    return result.stdout


def test_every_example_script_is_tested() -> None:
    """Each script in examples/ has a test here that runs it."""
    scripts = sorted(path.name for path in EXAMPLES.glob("*.py"))
    assert scripts == ["attempt_report.py", "quickstart.py"]


def test_quickstart_builds_hydrates_and_writes_back() -> None:
    """examples/quickstart.py prints a payload, the attempts and their JSON."""
    out = run_example("quickstart.py")
    assert 'Payload: {"startTimeUsecs": 1712345678901234, "status": "Running"' in out
    assert "Hydrated 3 attempts" in out
    assert "Skipped (a status newer than this library)" in out
    assert '"retentionDays": 30' in out


def test_attempt_report_tabulates_times_and_statuses() -> None:
    """examples/attempt_report.py prints start, duration, queue time and status."""
    lines = run_example("attempt_report.py").splitlines()
    assert lines[0].split() == ["started", "took", "queued", "status"]
    assert lines[1].split() == [
        "2024-04-05",
        "19:34:38+00:00",
        "1:00:00",
        "0:00:01.098766",
        "Succeeded",
    ]
    assert lines[2].split()[-2:] == ["Failed", "(!)"]
    assert lines[3].split()[2:] == ["-", "-", "Skipped", "(new)"]
    assert len(lines) == 5


def test_attempt_report_reads_a_given_file(tmp_path: Path) -> None:
    """attempt_report.py reads the file it is given, dates before 1970 included."""
    answer = tmp_path / "answer.json"
    answer.write_text(
        json.dumps([{"startTimeUsecs": -1_000_000, "endTimeUsecs": 0}]),
        encoding="utf-8",
    )
    lines = run_example("attempt_report.py", str(answer)).splitlines()
    assert lines[1].split() == ["1969-12-31", "23:59:59+00:00", "0:00:01", "-", "-"]


def test_sample_answer_is_a_list_of_attempts() -> None:
    """examples/backup_attempts.json holds the three attempts the examples show."""
    sample = json.loads((EXAMPLES / "backup_attempts.json").read_text("utf-8"))
    assert [attempt["status"] for attempt in sample] == [
        "Succeeded",
        "Failed",
        "Skipped",
    ]
