# Generated from spec/openapi.yaml by `python -m codegen`; edit the spec, not this file.
"""The BackupAttempt model."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from backup_client.model.backup_data_stats import BackupDataStats
from backup_client.model_utils import ModelNormal, attribute
from backup_client.timeconv import datetime_from_usecs, timedelta_from_usecs

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Literal, overload

    from backup_client.configuration import Configuration
    from backup_client.exceptions import PathItem

__all__ = ["BackupAttempt", "BackupAttemptStatus"]


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

    # The keywords that type checkers see; ModelNormal.__init__ takes them
    # at run time, by python name, or by wire name with _spec_property_naming.
    if TYPE_CHECKING:

        @overload
        def __init__(
            self,
            *,
            start_time_usecs: int | None = ...,
            end_time_usecs: int | None = ...,
            admitted_time_usecs: int | None = ...,
            permit_grant_time_usecs: int | None = ...,
            queue_duration_usecs: int | None = ...,
            snapshot_creation_time_usecs: int | None = ...,
            status: str | None = ...,
            stats: BackupDataStats | dict[str, Any] | None = ...,
            progress_task_id: str | None = ...,
            message: str | None = ...,
            _check_type: bool = ...,
            _spec_property_naming: Literal[False] = ...,
            _path_to_item: Iterable[PathItem] = ...,
            _configuration: Configuration | None = ...,
            _visited_composed_classes: tuple[type, ...] = ...,
        ) -> None: ...

        @overload
        def __init__(
            self,
            *,
            _check_type: bool = ...,
            _spec_property_naming: Literal[True],
            _path_to_item: Iterable[PathItem] = ...,
            _configuration: Configuration | None = ...,
            _visited_composed_classes: tuple[type, ...] = ...,
            **kwargs: Any,
        ) -> None: ...

        def __init__(self, **kwargs: Any) -> None: ...

    @property
    def start_time(self) -> datetime | None:
        """``start_time_usecs`` as an aware UTC datetime, or None."""
        return datetime_from_usecs(self.start_time_usecs, "start_time_usecs")

    @property
    def end_time(self) -> datetime | None:
        """``end_time_usecs`` as an aware UTC datetime, or None."""
        return datetime_from_usecs(self.end_time_usecs, "end_time_usecs")

    @property
    def admitted_time(self) -> datetime | None:
        """``admitted_time_usecs`` as an aware UTC datetime, or None."""
        return datetime_from_usecs(self.admitted_time_usecs, "admitted_time_usecs")

    @property
    def permit_grant_time(self) -> datetime | None:
        """``permit_grant_time_usecs`` as an aware UTC datetime, or None."""
        return datetime_from_usecs(
            self.permit_grant_time_usecs, "permit_grant_time_usecs"
        )

    @property
    def queue_duration(self) -> timedelta | None:
        """``queue_duration_usecs`` as a timedelta, or None."""
        return timedelta_from_usecs(self.queue_duration_usecs, "queue_duration_usecs")

    @property
    def snapshot_creation_time(self) -> datetime | None:
        """``snapshot_creation_time_usecs`` as an aware UTC datetime, or None."""
        return datetime_from_usecs(
            self.snapshot_creation_time_usecs, "snapshot_creation_time_usecs"
        )


class BackupAttemptStatus:
    """The values of ``BackupAttempt.status`` that this library knows.

    A newer server may send others: they are kept as sent, and ``is_known`` answers
    False for them."""

    RUNNING: Final = "Running"
    CANCELED: Final = "Canceled"
    CANCELING: Final = "Canceling"
    PAUSED: Final = "Paused"
    PAUSING: Final = "Pausing"
    RESUMING: Final = "Resuming"
    FAILED: Final = "Failed"
    MISSED: Final = "Missed"
    SUCCEEDED: Final = "Succeeded"
    SUCCEEDED_WITH_WARNING: Final = "SucceededWithWarning"
    KNOWN: Final[frozenset[str]] = frozenset(
        {
            RUNNING,
            CANCELED,
            CANCELING,
            PAUSED,
            PAUSING,
            RESUMING,
            FAILED,
            MISSED,
            SUCCEEDED,
            SUCCEEDED_WITH_WARNING,
        }
    )

    @staticmethod
    def is_known(value: object) -> bool:
        """Whether ``value`` is one of the values in ``KNOWN``."""
        return isinstance(value, str) and value in BackupAttemptStatus.KNOWN
