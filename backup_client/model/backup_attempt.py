# Generated from spec/openapi.yaml by `python -m codegen`; edit the spec, not this file.
"""The BackupAttempt model."""

from __future__ import annotations

from backup_client.model.backup_data_stats import BackupDataStats
from backup_client.model_utils import ModelNormal, attribute

__all__ = ["BackupAttempt"]


class BackupAttempt(ModelNormal):
    """Specifies a backup attempt for an object."""

    start_time_usecs: int | None = attribute("startTimeUsecs", int, nullable=True)
    """Specifies the start time of attempt in Unix epoch Timestamp(in microseconds) for
    an object."""

    end_time_usecs: int | None = attribute("endTimeUsecs", int, nullable=True)
    """Specifies the end time of attempt in Unix epoch Timestamp(in microseconds) for an
    object."""

    admitted_time_usecs: int | None = attribute("admittedTimeUsecs", int, nullable=True)
    """Specifies the time at which the backup task was admitted to run in Unix epoch
    Timestamp(in microseconds) for an object."""

    permit_grant_time_usecs: int | None = attribute(
        "permitGrantTimeUsecs", int, nullable=True
    )
    """Specifies the time when gatekeeper permit is granted to the backup task. If the
    backup task is rescheduled due to errors, the field is updated to the time when
    permit is granted again."""

    queue_duration_usecs: int | None = attribute(
        "queueDurationUsecs", int, nullable=True
    )
    """Specifies the duration between the startTime and when gatekeeper permit is
    granted to the backup task. If the backup task is rescheduled due to errors, the
    field is updated considering the time when permit is granted again. Queue duration =
    PermitGrantTimeUsecs - StartTimeUsecs"""

    snapshot_creation_time_usecs: int | None = attribute(
        "snapshotCreationTimeUsecs", int, nullable=True
    )
    """Specifies the time at which the source snapshot was taken in Unix epoch
    Timestamp(in microseconds) for an object."""

    status: str | None = attribute(
        "status",
        str,
        nullable=True,
        allowed=(
            "Running",
            "Canceled",
            "Canceling",
            "Paused",
            "Pausing",
            "Resuming",
            "Failed",
            "Missed",
            "Succeeded",
            "SucceededWithWarning",
        ),
    )
    """Status of the attempt for an object. 'Running' indicates that the run is still
    running. 'Canceled' indicates that the run has been canceled. 'Canceling' indicates
    that the run is in the process of being canceled. 'Paused' indicates that the
    ongoing run has been paused. 'Pausing' indicates that the ongoing run is in the
    process of being paused. 'Resuming' indicates that the already paused run is in the
    process of being running again. 'Failed' indicates that the run has failed. 'Missed'
    indicates that the run was unable to take place at the scheduled time because the
    previous run was still happening. 'Succeeded' indicates that the run has finished
    successfully. 'SucceededWithWarning' indicates that the run finished successfully,
    but there were some warning messages."""

    stats: BackupDataStats | None = attribute("stats", BackupDataStats)
    """Specifies statistics about local snapshot."""

    progress_task_id: str | None = attribute("progressTaskId", str, nullable=True)
    """Progress monitor task for an object.."""

    message: str | None = attribute("message", str, nullable=True)
    """A message about the error if encountered while performing backup."""
