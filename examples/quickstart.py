"""Build a payload, hydrate a sample answer, and print both.

Run from the repository root:  python examples/quickstart.py
"""

from __future__ import annotations

import json
from pathlib import Path

from backup_client import ApiClient
from backup_client.models import BackupAttempt, BackupDataStats

SAMPLE = Path(__file__).with_name("backup_attempts.json")


class SampleAnswer:
    """An answer read from a file, shaped like the ones ApiClient receives."""

    def __init__(self, path: Path) -> None:
        self.data = path.read_bytes()

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def build_payload(client: ApiClient) -> str:
    """A new attempt as the JSON text a request would carry."""
    attempt = BackupAttempt(
        start_time_usecs=1712345678901234,
        status="Running",
        stats=BackupDataStats(logical_size_bytes=52613349376),
        message=None,
    )
    return json.dumps(client.sanitize_for_serialization(attempt))


def describe(attempt: BackupAttempt) -> str:
    """One line about a hydrated attempt."""
    status = attempt.status or "-"
    if not attempt.is_known_value("status"):
        status += " (a status newer than this library)"
    written = attempt.stats.bytes_written if attempt.stats else None
    return f"{status:<20} start={attempt.start_time_usecs} written={written}"


def main() -> None:
    with ApiClient() as client:
        print("Payload:", build_payload(client))
        attempts: list[BackupAttempt] = client.deserialize(
            SampleAnswer(SAMPLE), ([BackupAttempt],), True
        )
        print(f"Hydrated {len(attempts)} attempts from {SAMPLE.name}:")
        for attempt in attempts:
            print(" ", describe(attempt))
        print("Written back:", json.dumps(client.sanitize_for_serialization(attempts)))


if __name__ == "__main__":
    main()
