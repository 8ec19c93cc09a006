"""The generated models: names, types and metadata as the contract lists them."""

from __future__ import annotations

import pytest

from backup_client.model.backup_attempt import BackupAttempt as PriorBackupAttempt
from backup_client.model.backup_data_stats import (
    BackupDataStats as PriorBackupDataStats,
)
from backup_client.model_utils import ModelNormal, OpenApiModel, none_type
from backup_client.models import BackupAttempt, BackupDataStats

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
