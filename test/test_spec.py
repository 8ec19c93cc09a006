"""The OpenAPI spec: valid, and declaring what the contract lists."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

REPO = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).with_name("data") / "BackupAttempt.reference.md"

STATUSES = [
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
]

# Wire name, JSON type and format of every scalar attribute, in spec order.
ATTEMPT_SCALARS = [
    ("startTimeUsecs", "integer", "int64"),
    ("endTimeUsecs", "integer", "int64"),
    ("admittedTimeUsecs", "integer", "int64"),
    ("permitGrantTimeUsecs", "integer", "int64"),
    ("queueDurationUsecs", "integer", "int64"),
    ("snapshotCreationTimeUsecs", "integer", "int64"),
    ("status", "string", None),
    ("progressTaskId", "string", None),
    ("message", "string", None),
]
ATTEMPT_WIRE_NAMES = [
    "startTimeUsecs",
    "endTimeUsecs",
    "admittedTimeUsecs",
    "permitGrantTimeUsecs",
    "queueDurationUsecs",
    "snapshotCreationTimeUsecs",
    "status",
    "stats",
    "progressTaskId",
    "message",
]
TIME_EXTENSIONS = ("x-epoch-usecs", "x-duration-usecs")
STATS_DESCRIPTIONS = {
    "logicalSizeBytes": "Specifies total logical size of object(s) in bytes.",
    "bytesWritten": (
        "Specifies total size of data in bytes written after taking backup."
    ),
    "bytesRead": "Specifies total logical bytes read for creating the snapshot.",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The parsed spec."""
    with (REPO / "spec" / "openapi.yaml").open(encoding="utf-8") as stream:
        loaded: dict[str, Any] = yaml.safe_load(stream)
    return loaded


@pytest.fixture(scope="module")
def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec's component schemas."""
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


def reference_descriptions() -> list[str]:
    """The descriptions in the reference page's table, HTML escapes undone."""
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    return [
        html.unescape(line.split(" | ")[2]) for line in lines if line.startswith("**")
    ]


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    """The spec passes openapi-spec-validator."""
    validate(spec)


def test_spec_is_openapi_3_0_3(spec: dict[str, Any]) -> None:
    """The spec declares OpenAPI 3.0.3."""
    assert spec["openapi"] == "3.0.3"


def test_attempt_declares_the_contract_wire_names_in_order(
    schemas: dict[str, Any],
) -> None:
    """BackupAttempt declares exactly the contract's wire names, in its order."""
    assert list(schemas["BackupAttempt"]["properties"]) == ATTEMPT_WIRE_NAMES


@pytest.mark.parametrize(("wire_name", "kind", "format_"), ATTEMPT_SCALARS)
def test_attempt_scalar_types_and_nullability(
    schemas: dict[str, Any], wire_name: str, kind: str, format_: str | None
) -> None:
    """Each scalar BackupAttempt attribute has the contract's type and is nullable."""
    prop = schemas["BackupAttempt"]["properties"][wire_name]
    assert (prop["type"], prop.get("format"), prop["nullable"]) == (
        kind,
        format_,
        True,
    )


def test_status_lists_the_ten_values_in_order(schemas: dict[str, Any]) -> None:
    """The status enum lists the ten statuses in the contract's order, then null."""
    assert schemas["BackupAttempt"]["properties"]["status"]["enum"] == [
        *STATUSES,
        None,
    ]


def test_stats_refers_to_backup_data_stats(schemas: dict[str, Any]) -> None:
    """The stats attribute is a bare reference to BackupDataStats."""
    assert schemas["BackupAttempt"]["properties"]["stats"] == {
        "$ref": "#/components/schemas/BackupDataStats"
    }


def test_attempt_descriptions_match_the_reference_page(
    schemas: dict[str, Any],
) -> None:
    """BackupAttempt's descriptions are word for word those of the reference page."""
    props = schemas["BackupAttempt"]["properties"].values()
    described = [prop.get("description", "") for prop in props]
    assert described == reference_descriptions()


def test_attempt_description(schemas: dict[str, Any]) -> None:
    """BackupAttempt is described as the reference page describes it."""
    description = schemas["BackupAttempt"]["description"]
    assert description == "Specifies a backup attempt for an object."


def test_data_stats_declares_three_nullable_int64_attributes(
    schemas: dict[str, Any],
) -> None:
    """BackupDataStats declares its three wire names as nullable int64 integers."""
    props = schemas["BackupDataStats"]["properties"]
    assert {
        name: (prop["type"], prop["format"], prop["nullable"])
        for name, prop in props.items()
    } == dict.fromkeys(STATS_DESCRIPTIONS, ("integer", "int64", True))


def test_data_stats_descriptions(schemas: dict[str, Any]) -> None:
    """BackupDataStats and its attributes carry the contract's descriptions."""
    stats = schemas["BackupDataStats"]
    assert stats["description"] == "Specifies statistics about local snapshot."
    assert {
        name: prop["description"] for name, prop in stats["properties"].items()
    } == STATS_DESCRIPTIONS


@pytest.mark.parametrize("name", ["BackupAttempt", "BackupDataStats"])
def test_no_attribute_is_required(schemas: dict[str, Any], name: str) -> None:
    """Every attribute of the models is optional."""
    assert "required" not in schemas[name]


def test_security_schemes(spec: dict[str, Any]) -> None:
    """The spec declares the API key header, bearer and basic schemes by name."""
    assert spec["components"]["securitySchemes"] == {
        "apiKey": {"type": "apiKey", "in": "header", "name": "apiKey"},
        "bearerAuth": {"type": "http", "scheme": "bearer"},
        "basicAuth": {"type": "http", "scheme": "basic"},
    }


def test_security_accepts_any_one_scheme(spec: dict[str, Any]) -> None:
    """The top-level security lists the three schemes as alternatives."""
    assert spec["security"] == [{"apiKey": []}, {"bearerAuth": []}, {"basicAuth": []}]


def test_server_url_has_a_cluster_variable(spec: dict[str, Any]) -> None:
    """The server URL takes the cluster host, defaulting to localhost."""
    (server,) = spec["servers"]
    assert server["url"] == "https://{cluster}/v2"
    assert server["variables"]["cluster"]["default"] == "localhost"


def test_list_operation_returns_backup_attempts(spec: dict[str, Any]) -> None:
    """GET /backup-attempts returns a JSON array of BackupAttempt."""
    operation = spec["paths"]["/backup-attempts"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert operation["operationId"] == "listBackupAttempts"
    assert operation["tags"] == ["BackupAttempts"]
    assert schema == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/BackupAttempt"},
    }


def test_time_extensions_mark_the_microsecond_attributes(
    schemas: dict[str, Any],
) -> None:
    """Five attributes are marked as epoch microseconds and one as a duration."""
    props = schemas["BackupAttempt"]["properties"]
    marked = {
        name: [key for key in TIME_EXTENSIONS if prop.get(key)]
        for name, prop in props.items()
    }
    assert {name: keys for name, keys in marked.items() if keys} == {
        "startTimeUsecs": ["x-epoch-usecs"],
        "endTimeUsecs": ["x-epoch-usecs"],
        "admittedTimeUsecs": ["x-epoch-usecs"],
        "permitGrantTimeUsecs": ["x-epoch-usecs"],
        "queueDurationUsecs": ["x-duration-usecs"],
        "snapshotCreationTimeUsecs": ["x-epoch-usecs"],
    }


@pytest.mark.parametrize("name", ["BackupAttempt", "BackupDataStats"])
def test_examples_fit_their_properties(schemas: dict[str, Any], name: str) -> None:
    """Every example is of its property's JSON type and among its enum's values."""
    python_types = {"integer": int, "string": str}
    for prop in schemas[name]["properties"].values():
        if "example" in prop:
            example = prop["example"]
            assert type(example) is python_types[prop["type"]]
            assert example in prop.get("enum", [example])
