"""The generated models: names, types, metadata, time helpers and statuses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backup_client import timeconv
from backup_client.exceptions import ApiAttributeError, ApiTypeError, ApiValueError
from backup_client.model import backup_attempt as backup_attempt_module
from backup_client.model.backup_attempt import BackupAttempt as PriorBackupAttempt
from backup_client.model.backup_attempt import (
    BackupAttemptStatus as PriorBackupAttemptStatus,
)
from backup_client.model.backup_data_stats import (
    BackupDataStats as PriorBackupDataStats,
)
from backup_client.model_utils import ModelNormal, OpenApiModel, none_type
from backup_client.models import BackupAttempt, BackupAttemptStatus, BackupDataStats

STATUSES = (
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
)

ATTEMPT_TABLE = {
    "start_time_usecs": ("startTimeUsecs", (int, none_type)),
    "end_time_usecs": ("endTimeUsecs", (int, none_type)),
    "admitted_time_usecs": ("admittedTimeUsecs", (int, none_type)),
    "permit_grant_time_usecs": ("permitGrantTimeUsecs", (int, none_type)),
    "queue_duration_usecs": ("queueDurationUsecs", (int, none_type)),
    "snapshot_creation_time_usecs": ("snapshotCreationTimeUsecs", (int, none_type)),
    "status": ("status", (str, none_type)),
    "stats": ("stats", (BackupDataStats,)),
    "progress_task_id": ("progressTaskId", (str, none_type)),
    "message": ("message", (str, none_type)),
}

STATS_TABLE = {
    "logical_size_bytes": ("logicalSizeBytes", (int, none_type)),
    "bytes_written": ("bytesWritten", (int, none_type)),
    "bytes_read": ("bytesRead", (int, none_type)),
}


def test_models_module_and_prior_modules_give_the_same_classes() -> None:
    """`backup_client.models` and the python-prior module paths name one class."""
    assert BackupAttempt is PriorBackupAttempt
    assert BackupDataStats is PriorBackupDataStats


@pytest.mark.parametrize("model", [BackupAttempt, BackupDataStats])
def test_models_derive_from_model_normal(model: type) -> None:
    """Both models derive from ModelNormal, which derives from OpenApiModel."""
    assert issubclass(model, ModelNormal)
    assert issubclass(ModelNormal, OpenApiModel)


@pytest.mark.parametrize(
    ("model", "table"),
    [(BackupAttempt, ATTEMPT_TABLE), (BackupDataStats, STATS_TABLE)],
)
def test_attribute_map_gives_the_wire_names(
    model: type[ModelNormal], table: dict[str, tuple[str, tuple[type, ...]]]
) -> None:
    """attribute_map maps each python name to the contract's wire name."""
    assert model.attribute_map == {name: wire for name, (wire, _) in table.items()}


@pytest.mark.parametrize(
    ("model", "table"),
    [(BackupAttempt, ATTEMPT_TABLE), (BackupDataStats, STATS_TABLE)],
)
def test_openapi_types_give_the_contract_types(
    model: type[ModelNormal], table: dict[str, tuple[str, tuple[type, ...]]]
) -> None:
    """openapi_types lists the contract's types, none_type where nullable."""
    assert model.openapi_types == {name: types for name, (_, types) in table.items()}


def test_status_allowed_values_list_the_ten_statuses() -> None:
    """allowed_values holds the ten statuses, keyed as python-prior keys them."""
    table = BackupAttempt.allowed_values[("status",)]
    assert [value for value in table.values() if value is not None] == list(STATUSES)
    assert table["SUCCEEDEDWITHWARNING"] == "SucceededWithWarning"
    assert table["None"] is None


@pytest.mark.parametrize("model", [BackupAttempt, BackupDataStats])
def test_prior_class_metadata_is_present(model: type[ModelNormal]) -> None:
    """The remaining python-prior class metadata exists with empty defaults."""
    assert model.validations == {}
    assert model.discriminator is None
    assert not model.read_only_vars
    assert model.additional_properties_type is not None
    assert dict in model.additional_properties_type


@pytest.mark.parametrize("model", [BackupAttempt, BackupDataStats])
def test_models_carry_the_spec_descriptions(model: type[ModelNormal]) -> None:
    """Each model's docstring is its schema's description from the spec."""
    expected = {
        BackupAttempt: "Specifies a backup attempt for an object.",
        BackupDataStats: "Specifies statistics about local snapshot.",
    }
    assert model.__doc__ == expected[model]


def test_instances_have_no_per_instance_dict() -> None:
    """Instances keep their values in fixed storage, not a ``__dict__``."""
    assert not hasattr(BackupAttempt(), "__dict__")


# -- time helpers ------------------------------------------------------------

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The helper of each attribute of microseconds since the epoch.
EPOCH_HELPERS = {
    "start_time_usecs": "start_time",
    "end_time_usecs": "end_time",
    "admitted_time_usecs": "admitted_time",
    "permit_grant_time_usecs": "permit_grant_time",
    "snapshot_creation_time_usecs": "snapshot_creation_time",
}


@pytest.mark.parametrize(("attribute", "helper"), EPOCH_HELPERS.items())
def test_epoch_helper_reads_an_aware_utc_datetime(attribute: str, helper: str) -> None:
    """Each epoch helper reads its attribute as a timezone-aware UTC datetime."""
    attempt = BackupAttempt(**{attribute: 1712345678901234})
    assert getattr(attempt, helper) == datetime(
        2024, 4, 5, 19, 34, 38, 901234, tzinfo=timezone.utc
    )
    assert getattr(attempt, helper).tzinfo is timezone.utc


def test_queue_duration_reads_a_timedelta() -> None:
    """queue_duration reads queue_duration_usecs as a timedelta."""
    attempt = BackupAttempt(queue_duration_usecs=1098766)
    assert attempt.queue_duration == timedelta(seconds=1, microseconds=98766)


@pytest.mark.parametrize("helper", [*EPOCH_HELPERS.values(), "queue_duration"])
def test_helpers_read_none_when_unset_or_null(helper: str) -> None:
    """A helper reads None when its attribute is unset and when it is null."""
    assert getattr(BackupAttempt(), helper) is None
    attribute = f"{helper}_usecs"
    assert getattr(BackupAttempt(**{attribute: None}), helper) is None


@pytest.mark.parametrize(
    "usecs",
    [
        0,
        -1,
        -1_000_000_000_000_001,  # 1938, before the epoch
        9_007_199_254_740_993,  # 2**53 + 1: no float holds it exactly
        253_402_300_799_999_999,  # the last microsecond of 9999
        -62_135_596_800_000_000,  # the first microsecond of year 1
    ],
)
def test_epoch_helper_is_exact(usecs: int) -> None:
    """The datetime is exactly the epoch plus the microseconds, at any date."""
    start = BackupAttempt(start_time_usecs=usecs).start_time
    assert start is not None
    assert (start - EPOCH) // timedelta(microseconds=1) == usecs


@given(
    st.integers(min_value=-62_135_596_800_000_000, max_value=253_402_300_799_999_999)
)
def test_epoch_helper_round_trips_every_representable_instant(usecs: int) -> None:
    """Counting microseconds back from the helper's datetime gives the value."""
    start = BackupAttempt(start_time_usecs=usecs).start_time
    assert start is not None
    assert timeconv.usecs_from_datetime(start) == usecs


@pytest.mark.parametrize(
    "usecs",
    [253_402_300_800_000_000, -62_135_596_800_000_001, 2**63 - 1, -(2**63)],
)
def test_epoch_helper_out_of_range_raises_value_error(usecs: int) -> None:
    """A value beyond datetime's years raises ApiValueError, not OverflowError."""
    attempt = BackupAttempt(start_time_usecs=usecs)
    with pytest.raises(ApiValueError, match=f"'start_time_usecs': {usecs} "):
        attempt.start_time  # noqa: B018  # the read is what raises


def test_duration_helper_out_of_range_raises_value_error() -> None:
    """A duration longer than timedelta holds raises ApiValueError naming it."""
    attempt = BackupAttempt(queue_duration_usecs=10**30)
    with pytest.raises(ApiValueError, match="'queue_duration_usecs'"):
        attempt.queue_duration  # noqa: B018  # the read is what raises


def test_helpers_read_server_data() -> None:
    """Helpers work on a model read from a server's JSON."""
    attempt = BackupAttempt.from_json(
        '{"startTimeUsecs": -1, "queueDurationUsecs": 5, "endTimeUsecs": null}'
    )
    assert attempt.start_time == EPOCH - timedelta(microseconds=1)
    assert attempt.queue_duration == timedelta(microseconds=5)
    assert attempt.end_time is None


def test_helper_of_unchecked_non_integer_raises_type_error() -> None:
    """A value stored without type checks that is no int raises ApiTypeError."""
    attempt = BackupAttempt(start_time_usecs="soon", _check_type=False)
    with pytest.raises(ApiTypeError, match=r"'start_time_usecs'.*got str 'soon'"):
        attempt.start_time  # noqa: B018  # the read is what raises


def test_helpers_are_read_only() -> None:
    """Setting a helper raises AttributeError and leaves the attribute alone."""
    attempt = BackupAttempt(start_time_usecs=1)
    with pytest.raises(
        ApiAttributeError, match=r"BackupAttempt\.start_time is read-only"
    ):
        attempt.start_time = EPOCH
    with pytest.raises(ApiAttributeError, match="set those instead"):
        del attempt.queue_duration
    assert attempt.start_time_usecs == 1


def test_helpers_are_not_attributes() -> None:
    """Helpers are not in the attribute metadata, to_dict or the wire JSON."""
    attempt = BackupAttempt(start_time_usecs=1, queue_duration_usecs=2)
    assert "start_time" not in BackupAttempt.attribute_map
    assert attempt.to_dict() == {"start_time_usecs": 1, "queue_duration_usecs": 2}
    assert attempt.to_json() == '{"startTimeUsecs": 1, "queueDurationUsecs": 2}'


def test_datetime_and_timedelta_convert_back_to_microseconds() -> None:
    """usecs_from_datetime and usecs_from_timedelta give the integers back."""
    moment = datetime(
        2024, 4, 5, 21, 34, 38, 901234, tzinfo=timezone(timedelta(hours=2))
    )
    assert timeconv.usecs_from_datetime(moment) == 1712345678901234
    assert timeconv.usecs_from_timedelta(timedelta(days=-1, microseconds=3)) == (
        -86_399_999_997
    )


def test_naive_datetime_is_refused() -> None:
    """A datetime without a timezone names no instant and raises ApiValueError."""
    with pytest.raises(ApiValueError, match="no timezone"):
        timeconv.usecs_from_datetime(datetime(2024, 4, 5))


# -- status constants --------------------------------------------------------


def test_status_constants_name_each_status() -> None:
    """BackupAttemptStatus has one constant per status, in upper snake case."""
    members = {
        name: value
        for name, value in vars(BackupAttemptStatus).items()
        if name.isupper() and name != "KNOWN"
    }
    assert list(members.values()) == list(STATUSES)
    assert BackupAttemptStatus.SUCCEEDED_WITH_WARNING == "SucceededWithWarning"
    assert BackupAttemptStatus.RUNNING == "Running"


def test_known_statuses_are_the_allowed_values() -> None:
    """KNOWN is the set of the statuses that the attribute allows."""
    assert frozenset(STATUSES) == BackupAttemptStatus.KNOWN
    assert isinstance(BackupAttemptStatus.KNOWN, frozenset)


@pytest.mark.parametrize(
    ("value", "known"),
    [
        ("Succeeded", True),
        ("SucceededWithWarning", True),
        ("Skipped", False),
        ("succeeded", False),
        (None, False),
        (1, False),
        (["Running"], False),
    ],
)
def test_is_known(value: object, known: bool) -> None:
    """is_known answers True only for a status that the library knows."""
    assert BackupAttemptStatus.is_known(value) is known


def test_newer_status_reads_as_itself_and_is_unknown() -> None:
    """A newer server's status is kept as sent and answers unknown."""
    attempt = BackupAttempt.from_json('{"status": "Skipped"}')
    assert attempt.status == "Skipped"
    assert not BackupAttemptStatus.is_known(attempt.status)
    assert not attempt.is_known_value("status")
    assert attempt.status != BackupAttemptStatus.SUCCEEDED


def test_status_compares_with_its_constant() -> None:
    """A status read from the server equals the constant of the same status."""
    attempt = BackupAttempt.from_json('{"status": "SucceededWithWarning"}')
    assert attempt.status == BackupAttemptStatus.SUCCEEDED_WITH_WARNING
    assert BackupAttempt(status=BackupAttemptStatus.PAUSED).status == "Paused"


def test_status_constants_come_from_the_model_module() -> None:
    """The constants class is one class in the models package and its module."""
    assert BackupAttemptStatus is PriorBackupAttemptStatus
    assert "BackupAttemptStatus" in backup_attempt_module.__all__
