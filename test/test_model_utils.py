"""The ModelNormal runtime: building, reading and writing models."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date, datetime, timezone
from typing import Any

import pytest

from backup_client.configuration import Configuration
from backup_client.exceptions import (
    ApiAttributeError,
    ApiTypeError,
    ApiValueError,
)
from backup_client.model_utils import (
    convert_wire_value,
    file_type,
    none_type,
    parse_json,
    sanitize_for_serialization,
)
from backup_client.models import BackupAttempt, BackupDataStats


def full_attempt() -> BackupAttempt:
    return BackupAttempt(
        start_time_usecs=1_700_000_000_000_000,
        end_time_usecs=1_700_000_360_000_000,
        admitted_time_usecs=1_700_000_001_000_000,
        permit_grant_time_usecs=1_700_000_002_000_000,
        queue_duration_usecs=2_000_000,
        snapshot_creation_time_usecs=1_700_000_003_000_000,
        status="SucceededWithWarning",
        stats=BackupDataStats(logical_size_bytes=10, bytes_written=3, bytes_read=9),
        progress_task_id="123:456:7",
        message="Sicherung von 'Büro' abgeschlossen ✓",
    )


# -- building --------------------------------------------------------------


def test_keyword_arguments_set_attributes() -> None:
    """Keyword arguments by python name set the attributes."""
    attempt = full_attempt()
    assert attempt.start_time_usecs == 1_700_000_000_000_000
    assert attempt.status == "SucceededWithWarning"
    assert attempt.stats is not None
    assert attempt.stats.bytes_read == 9


def test_positional_argument_raises_type_error() -> None:
    """A positional argument raises ApiTypeError."""
    with pytest.raises(ApiTypeError, match="keyword arguments only"):
        BackupAttempt(1)


def test_spec_property_naming_takes_wire_names() -> None:
    """With _spec_property_naming=True the keywords are wire names."""
    attempt = BackupAttempt(
        startTimeUsecs=5, progressTaskId="a", _spec_property_naming=True
    )
    assert attempt.start_time_usecs == 5
    assert attempt.progress_task_id == "a"


def test_wire_name_without_spec_naming_is_unknown() -> None:
    """A wire name given without _spec_property_naming is an unknown keyword."""
    with pytest.raises(ApiAttributeError, match="did you mean 'start_time_usecs'"):
        BackupAttempt(startTimeUsecs=5)


@pytest.mark.parametrize(
    ("name", "value", "received"),
    [
        ("start_time_usecs", True, "bool"),
        ("start_time_usecs", 1.0, "float"),
        ("start_time_usecs", "1", "str"),
        ("message", 1, "int"),
        ("status", b"Running", "bytes"),
        ("stats", "n/a", "str"),
        ("stats", [1], "list"),
    ],
)
def test_wrong_type_raises_type_error_naming_attribute_and_types(
    name: str, value: Any, received: str
) -> None:
    """A wrong type names the attribute, the expected types and the type given."""
    with pytest.raises(ApiTypeError) as info:
        BackupAttempt(**{name: value})
    message = str(info.value)
    assert f"'{name}'" in message
    assert f"got {received}" in message
    expected = "BackupDataStats or None" if name == "stats" else "or None"
    assert expected in message
    assert info.value.path_to_item == [name]


def test_check_type_false_accepts_any_type() -> None:
    """With _check_type=False a value of another type is stored as given."""
    attempt = BackupAttempt(start_time_usecs="soon", _check_type=False)
    assert attempt.start_time_usecs == "soon"


@pytest.mark.parametrize("name", list(BackupAttempt.attribute_map))
def test_none_is_accepted_for_every_attribute(name: str) -> None:
    """None is accepted for every attribute, stats included, and is kept."""
    attempt = BackupAttempt(**{name: None})
    assert getattr(attempt, name) is None
    assert name in attempt


def test_dict_for_stats_becomes_model_with_python_names() -> None:
    """A dict with python names given for stats becomes a BackupDataStats."""
    attempt = BackupAttempt(stats={"bytes_read": 1, "bytes_written": None})
    assert attempt.stats == BackupDataStats(bytes_read=1, bytes_written=None)


def test_dict_for_stats_becomes_model_with_wire_names() -> None:
    """A dict with wire names given for stats becomes a BackupDataStats."""
    attempt = BackupAttempt(stats={"bytesRead": 1, "logicalSizeBytes": 2})
    assert attempt.stats == BackupDataStats(bytes_read=1, logical_size_bytes=2)


def test_dict_for_stats_is_not_changed() -> None:
    """The dict a user gives for stats is left as it was."""
    given = {"bytes_read": 1}
    BackupAttempt(stats=given)
    assert given == {"bytes_read": 1}


def test_bad_value_inside_stats_dict_has_nested_path() -> None:
    """A wrong type inside the stats dict reports the path through stats."""
    with pytest.raises(ApiTypeError) as info:
        BackupAttempt(stats={"bytes_read": "many"})
    assert info.value.path_to_item == ["stats", "bytes_read"]
    assert "at stats.bytes_read" in str(info.value)


def test_unknown_key_inside_stats_dict_is_rejected() -> None:
    """An unknown key in the stats dict names the closest known attribute."""
    with pytest.raises(ApiAttributeError, match="did you mean 'bytes_read'"):
        BackupAttempt(stats={"bytes_red": 1})


def test_status_outside_allowed_values_lists_them() -> None:
    """A status outside the allowed values raises ApiValueError listing them."""
    with pytest.raises(ApiValueError) as info:
        BackupAttempt(status="Skipped")
    message = str(info.value)
    assert "'Skipped'" in message
    for status in ("Running", "Missed", "SucceededWithWarning"):
        assert f"'{status}'" in message
    assert info.value.path_to_item == ["status"]


def test_client_side_validation_off_allows_new_status() -> None:
    """A configuration without client-side validation lets a new status through."""
    config = Configuration()
    config.client_side_validation = False
    attempt = BackupAttempt(status="Skipped", _configuration=config)
    assert attempt.status == "Skipped"


def test_unknown_keyword_names_closest_attribute() -> None:
    """An unknown keyword raises ApiAttributeError naming the closest attribute."""
    with pytest.raises(ApiAttributeError) as info:
        BackupAttempt(start_time_usec=1)
    assert isinstance(info.value, AttributeError)
    assert "'start_time_usec'" in str(info.value)
    assert "did you mean 'start_time_usecs'?" in str(info.value)


def test_unknown_keyword_far_from_any_name_has_no_suggestion() -> None:
    """An unknown keyword unlike every attribute is named without a guess."""
    with pytest.raises(ApiAttributeError) as info:
        BackupAttempt(zzz=1)
    assert "did you mean" not in str(info.value)


def test_setting_attribute_validates_type() -> None:
    """Setting an attribute after construction checks its type."""
    attempt = BackupAttempt()
    with pytest.raises(ApiTypeError) as info:
        attempt.end_time_usecs = "late"
    assert info.value.path_to_item == ["end_time_usecs"]
    assert "end_time_usecs" not in attempt


def test_setting_attribute_validates_allowed_values() -> None:
    """Setting status after construction checks the allowed values."""
    attempt = BackupAttempt(status="Running")
    with pytest.raises(ApiValueError):
        attempt.status = "Skipped"
    assert attempt.status == "Running"


def test_setting_attribute_converts_stats_dict() -> None:
    """Setting stats to a dict after construction stores a BackupDataStats."""
    attempt = BackupAttempt()
    attempt.stats = {"bytes_read": 4}
    assert isinstance(attempt.stats, BackupDataStats)


def test_setting_unknown_attribute_raises() -> None:
    """Setting an undeclared attribute raises ApiAttributeError with a hint."""
    attempt = BackupAttempt()
    with pytest.raises(ApiAttributeError, match="did you mean 'message'"):
        attempt.mesage = "x"


def test_item_assignment_validates_like_attributes() -> None:
    """``a[name] = value`` validates and stores like attribute assignment."""
    attempt = BackupAttempt()
    attempt["message"] = "hello"
    assert attempt.message == "hello"
    with pytest.raises(ApiTypeError):
        attempt["message"] = 5


def test_deleting_attribute_unsets_it() -> None:
    """``del a.name`` makes the attribute unset again."""
    attempt = BackupAttempt(message=None)
    del attempt.message
    assert "message" not in attempt


# -- reading ---------------------------------------------------------------


def test_attribute_item_and_get_read_the_same_value() -> None:
    """``a.status``, ``a["status"]`` and ``a.get("status")`` agree."""
    attempt = BackupAttempt(status="Failed")
    assert attempt.status == attempt["status"] == attempt.get("status") == "Failed"


def test_unset_attribute_reads_none() -> None:
    """A declared attribute that was never set reads None every way."""
    attempt = BackupAttempt()
    assert attempt.message is None
    assert attempt["message"] is None
    assert attempt.get("message") is None


def test_get_default_tells_unset_from_explicit_none() -> None:
    """``get(name, default)`` gives the default only when the value is unset."""
    assert BackupAttempt().get("message", "unset") == "unset"
    assert BackupAttempt(message=None).get("message", "unset") is None


def test_in_is_true_only_when_set() -> None:
    """``name in a`` is True for set values, explicit None included."""
    assert "message" not in BackupAttempt()
    assert "message" in BackupAttempt(message=None)
    assert "message" in BackupAttempt(message="x")


def test_reading_undeclared_attribute_raises() -> None:
    """Reading an undeclared name raises ApiAttributeError with a hint."""
    attempt = BackupAttempt()
    with pytest.raises(ApiAttributeError, match="did you mean 'stats'"):
        _ = attempt.statsu
    with pytest.raises(ApiAttributeError):
        _ = attempt["statsu"]


def test_undeclared_name_is_not_in_model() -> None:
    """``in`` is False for undeclared names and non-strings."""
    attempt = BackupAttempt(status="Running")
    assert "nothing" not in attempt
    assert 1 not in attempt


def test_equality_compares_class_and_set_values() -> None:
    """Models are equal when class and set values are equal."""
    assert full_attempt() == full_attempt()
    assert BackupAttempt(message=None) != BackupAttempt()
    assert BackupAttempt() != BackupDataStats()
    assert BackupAttempt(message="x") != {"message": "x"}


def test_models_are_unhashable() -> None:
    """Models are mutable, so they cannot be hashed."""
    with pytest.raises(TypeError):
        hash(BackupAttempt())


def test_repr_shows_set_values() -> None:
    """repr shows the class and exactly the set values, in declaration order."""
    attempt = BackupAttempt(message=None, stats={"bytes_read": 1}, status="Running")
    assert repr(attempt) == (
        "BackupAttempt(status='Running', stats=BackupDataStats(bytes_read=1), "
        "message=None)"
    )


@pytest.mark.parametrize(
    "clone",
    [
        lambda m: pickle.loads(pickle.dumps(m)),
        copy.copy,
        copy.deepcopy,
    ],
    ids=["pickle", "copy", "deepcopy"],
)
def test_pickle_and_copies_round_trip(clone: Any) -> None:
    """pickle, copy.copy and copy.deepcopy give an equal model."""
    attempt = full_attempt()
    assert clone(attempt) == attempt


def test_copy_has_its_own_values() -> None:
    """Changing a copy leaves the original as it was."""
    attempt = BackupAttempt(message="a")
    duplicate = copy.copy(attempt)
    duplicate.message = "b"
    assert attempt.message == "a"


def test_deepcopy_copies_nested_models() -> None:
    """A deep copy has its own nested stats."""
    attempt = full_attempt()
    duplicate = copy.deepcopy(attempt)
    assert duplicate.stats is not None and attempt.stats is not None
    duplicate.stats.bytes_read = 0
    assert attempt.stats.bytes_read == 9


def test_pickle_keeps_unknown_keys() -> None:
    """A hydrated model keeps its unknown keys through pickle."""
    attempt = BackupAttempt.from_json('{"status": "Skipped", "new": {"a": [1]}}')
    restored = pickle.loads(pickle.dumps(attempt))
    assert restored["new"] == {"a": [1]}
    assert restored.status == "Skipped"


# -- writing out -----------------------------------------------------------


def test_to_dict_uses_python_names_and_nested_dicts() -> None:
    """to_dict gives set values by python name, nested models as dicts."""
    attempt = BackupAttempt(status="Running", message=None, stats={"bytes_read": 1})
    assert attempt.to_dict() == {
        "status": "Running",
        "message": None,
        "stats": {"bytes_read": 1},
    }


def test_sanitize_uses_wire_names_and_keeps_explicit_none() -> None:
    """sanitize_for_serialization writes set values by wire name, None as None."""
    attempt = BackupAttempt(start_time_usecs=1, message=None, stats={"bytes_read": 2})
    assert sanitize_for_serialization(attempt) == {
        "startTimeUsecs": 1,
        "message": None,
        "stats": {"bytesRead": 2},
    }


def test_sanitize_handles_lists_dicts_and_dates() -> None:
    """Lists, dicts, dates and date-times become JSON-ready values."""
    moment = datetime(2024, 5, 6, 7, 8, 9, 10, tzinfo=timezone.utc)
    value = {"when": moment, "day": date(2024, 5, 6), "items": (BackupDataStats(),)}
    assert sanitize_for_serialization(value) == {
        "when": "2024-05-06T07:08:09.000010+00:00",
        "day": "2024-05-06",
        "items": [{}],
    }


def test_sanitize_refuses_values_json_cannot_hold() -> None:
    """A value with no JSON form raises ApiValueError naming its type."""
    with pytest.raises(ApiValueError, match="set"):
        sanitize_for_serialization({"a": {1, 2}})


def test_to_json_and_from_json_are_inverse() -> None:
    """to_json gives wire JSON text that from_json reads back to an equal model."""
    attempt = full_attempt()
    text = attempt.to_json()
    assert json.loads(text)["startTimeUsecs"] == 1_700_000_000_000_000
    assert BackupAttempt.from_json(text) == attempt


def test_from_json_reports_wire_path_of_bad_value() -> None:
    """from_json reports a wrong type at its wire name."""
    with pytest.raises(ApiTypeError) as info:
        BackupAttempt.from_json('{"stats": {"bytesRead": "x"}}')
    assert info.value.path_to_item == ["stats", "bytesRead"]


def test_from_json_rejects_text_that_is_not_json() -> None:
    """from_json of text that is not JSON raises ApiValueError."""
    with pytest.raises(ApiValueError, match="not valid JSON"):
        BackupAttempt.from_json("{")


# -- server data -----------------------------------------------------------


def test_unknown_status_from_server_is_kept_and_reported_unknown() -> None:
    """A status the spec does not list is kept and reads as not known."""
    attempt = BackupAttempt.from_json('{"status": "Skipped"}')
    assert attempt.status == "Skipped"
    assert attempt.is_known_value("status") is False
    assert BackupAttempt(status="Running").is_known_value("status") is True
    assert BackupAttempt().is_known_value("status") is True


def test_is_known_value_rejects_undeclared_name() -> None:
    """is_known_value of an undeclared name raises ApiAttributeError."""
    with pytest.raises(ApiAttributeError):
        BackupAttempt().is_known_value("colour")


def test_unknown_keys_from_server_are_readable_and_kept() -> None:
    """Keys the model does not declare are readable by key and written back."""
    attempt = BackupAttempt.from_json('{"fooBar": 9007199254740993, "status": null}')
    assert attempt["fooBar"] == 9007199254740993
    assert "fooBar" in attempt
    assert sanitize_for_serialization(attempt) == {
        "fooBar": 9007199254740993,
        "status": None,
    }
    assert attempt.to_dict() == {"fooBar": 9007199254740993, "status": None}


def test_discard_unknown_keys_drops_them() -> None:
    """With discard_unknown_keys the unknown keys are dropped, at every level."""
    config = Configuration(discard_unknown_keys=True)
    attempt = BackupAttempt.from_json(
        '{"x": 1, "stats": {"y": 2, "bytesRead": 3}}', configuration=config
    )
    assert sanitize_for_serialization(attempt) == {"stats": {"bytesRead": 3}}


def test_null_stats_from_server_reads_none_and_writes_null() -> None:
    """``"stats": null`` reads None and is written back as null."""
    attempt = BackupAttempt.from_json('{"stats": null}')
    assert attempt.stats is None
    assert "stats" in attempt
    assert json.loads(attempt.to_json()) == {"stats": None}


def test_repr_shows_unknown_keys_apart() -> None:
    """repr shows keys the model does not declare after the attributes."""
    attempt = BackupAttempt.from_json('{"status": "Running", "new-key": 1}')
    assert repr(attempt) == "BackupAttempt(status='Running', **{'new-key': 1})"


@pytest.mark.parametrize(
    ("types", "value"),
    [
        ((int, none_type), None),
        ((int,), 5),
        ((float,), 5),
        ((float,), 2.5),
        ((bool,), True),
        ((str,), "x"),
        (([int],), [1, 2]),
        (({str: (int,)},), {"a": 1}),
        ((dict,), {"a": [1]}),
        ((list,), [{"a": 1}]),
        ((object,), True),
        ((object,), None),
    ],
)
def test_convert_wire_value_accepts_matching_values(types: Any, value: Any) -> None:
    """Values of the named types are accepted unchanged."""
    assert convert_wire_value(value, types) == value


@pytest.mark.parametrize(
    ("types", "value", "path"),
    [
        ((int,), None, ["received_data"]),
        ((int,), True, ["received_data"]),
        ((int,), 1.0, ["received_data"]),
        ((str,), 1, ["received_data"]),
        (([int],), [1, "2"], ["received_data", 1]),
        (({str: (int,)},), {"a": 1, "b": []}, ["received_data", "b"]),
        (([BackupAttempt],), [{}, {"status": 3}], ["received_data", 1, "status"]),
    ],
)
def test_convert_wire_value_rejects_with_path(
    types: Any, value: Any, path: list[Any]
) -> None:
    """A value of the wrong type raises ApiTypeError with its path."""
    with pytest.raises(ApiTypeError) as info:
        convert_wire_value(value, types)
    assert info.value.path_to_item == path


def test_convert_wire_value_parses_dates() -> None:
    """date and datetime types parse ISO 8601 text with python-dateutil."""
    assert convert_wire_value("2024-02-29", (date,)) == date(2024, 2, 29)
    assert convert_wire_value("2024-02-29T10:00:00Z", (datetime,)) == datetime(
        2024, 2, 29, 10, tzinfo=timezone.utc
    )


def test_convert_wire_value_rejects_bad_dates() -> None:
    """A date that does not parse raises ApiValueError with its path."""
    with pytest.raises(ApiValueError) as info:
        convert_wire_value(["2024-02-30"], ([date],))
    assert info.value.path_to_item == ["received_data", 0]


def test_exported_type_names() -> None:
    """model_utils exports the names response types are written with."""
    assert none_type is type(None)
    assert date.__name__ == "date" and datetime.__name__ == "datetime"
    assert file_type.__name__ == "IOBase"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff[]", "not valid UTF-8"),
        ("[1,", "not valid JSON"),
        ("", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ("1" * 5000, "not usable"),
    ],
)
def test_parse_json_turns_broken_bodies_into_value_errors(
    data: bytes | str, message: str
) -> None:
    """Broken bodies raise ApiValueError with a clear message."""
    with pytest.raises(ApiValueError, match=message):
        parse_json(data)


def test_parse_json_skips_a_byte_order_mark() -> None:
    """A UTF-8 byte order mark before the JSON is ignored."""
    assert parse_json("\ufeff[1]".encode()) == [1]
