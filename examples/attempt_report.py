"""Print the sample attempts as a table of times, durations and statuses.

Run from the repository root:  python examples/attempt_report.py [FILE]

Shows the time helpers (``start_time``, ``end_time``, ``queue_duration``)
and the status constants at work on an answer that has a status newer
than this library and attempts still running.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from backup_client.model_utils import convert_wire_value, parse_json
from backup_client.models import BackupAttempt, BackupAttemptStatus
from backup_client.timeconv import EPOCH

SAMPLE = Path(__file__).with_name("backup_attempts.json")
COLUMNS = ("started", "took", "queued", "status")
# The statuses of attempts that ended badly.
TROUBLE = {BackupAttemptStatus.FAILED, BackupAttemptStatus.MISSED}


def read_attempts(path: Path) -> list[BackupAttempt]:
    """The attempts in a JSON file that holds a list of them, as a server sends."""
    body = parse_json(path.read_bytes())
    attempts: list[BackupAttempt] = convert_wire_value(body, ([BackupAttempt],))
    return attempts


def took(attempt: BackupAttempt) -> timedelta | None:
    """How long the attempt ran, or None when it has not ended."""
    if attempt.start_time is None or attempt.end_time is None:
        return None
    return attempt.end_time - attempt.start_time


def status_text(attempt: BackupAttempt) -> str:
    """The status, marked when it went wrong or is newer than this library."""
    status = attempt.status
    if status is None:
        return "-"
    if not BackupAttemptStatus.is_known(status):
        return f"{status} (new)"
    if status in TROUBLE:
        return f"{status} (!)"
    return status


def row(attempt: BackupAttempt) -> tuple[str, str, str, str]:
    """The table cells of one attempt."""
    start = attempt.start_time
    return (
        start.isoformat(sep=" ", timespec="seconds") if start else "-",
        str(took(attempt) or "-"),
        str(attempt.queue_duration or "-"),
        status_text(attempt),
    )


def main(argv: list[str]) -> int:
    """Print the table for the file named in ``argv``, or for the sample."""
    path = Path(argv[0]) if argv else SAMPLE
    rows = [COLUMNS, *(row(attempt) for attempt in read_attempts(path))]
    widths = [max(len(cells[i]) for cells in rows) for i in range(len(COLUMNS))]
    for cells in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()
        )
    print(f"The server counts times in microseconds since {EPOCH.isoformat()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
