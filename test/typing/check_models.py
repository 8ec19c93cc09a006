"""What mypy sees of the models: checked by ``mypy --strict``, never run.

Each ``assert_type`` states a type that mypy must infer.  Each call that
must be rejected carries a ``type: ignore`` for the error it must raise;
strict mode's ``warn_unused_ignores`` turns a call that mypy stops
rejecting into an error.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from backup_client import ApiClient
from backup_client.models import BackupAttempt, BackupAttemptStatus, BackupDataStats

if TYPE_CHECKING:
    from typing_extensions import assert_type


class Answer:
    """A body as ``ApiClient.deserialize`` reads it."""

    data = b"[]"

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return default


def check_attributes(attempt: BackupAttempt) -> None:
    """Attributes read as their declared type or None."""
    assert_type(attempt.start_time_usecs, int | None)
    assert_type(attempt.status, str | None)
    assert_type(attempt.stats, BackupDataStats | None)
    assert_type(BackupDataStats().bytes_read, int | None)


def check_time_helpers(attempt: BackupAttempt) -> None:
    """The time helpers read as datetime and timedelta, and cannot be set."""
    assert_type(attempt.start_time, datetime | None)
    assert_type(attempt.snapshot_creation_time, datetime | None)
    assert_type(attempt.queue_duration, timedelta | None)
    attempt.start_time = None  # type: ignore[misc]


def check_statuses(attempt: BackupAttempt) -> None:
    """The status constants are strings that compare with the attribute."""
    assert_type(BackupAttemptStatus.KNOWN, frozenset[str])
    assert_type(BackupAttemptStatus.is_known(attempt.status), bool)
    succeeded: str = BackupAttemptStatus.SUCCEEDED
    assert_type(attempt.status == BackupAttemptStatus.SUCCEEDED, bool)
    assert_type(succeeded in BackupAttemptStatus.KNOWN, bool)


def check_constructor(stats: dict[str, Any]) -> None:
    """The constructor takes each attribute's type by keyword, and nothing else."""
    BackupAttempt(start_time_usecs=1, status=None, stats=stats)
    BackupAttempt(stats=BackupDataStats(bytes_read=1), message="done")
    BackupAttempt(startTimeUsecs=1, _spec_property_naming=True)
    BackupAttempt(_check_type=False, _path_to_item=["received_data", 0])
    BackupAttempt(start_time_usecs="x")  # type: ignore[call-overload]
    BackupAttempt(start_tme_usecs=1)  # type: ignore[call-overload]
    BackupAttempt(1)  # type: ignore[call-overload]
    BackupAttempt(stats=1)  # type: ignore[call-overload]


def check_deserialize(client: ApiClient) -> None:
    """``deserialize`` returns the type its response type names."""
    answer = Answer()
    assert_type(
        client.deserialize(answer, ([BackupAttempt],), True), list[BackupAttempt]
    )
    assert_type(client.deserialize(answer, (BackupAttempt,), True), BackupAttempt)
    assert_type(
        client.deserialize(answer, ({str: (BackupAttempt,)},), True),
        dict[str, BackupAttempt],
    )
