"""Error messages say what was wrong, where, and what would be right.

Each test pins the parts of a message that a user acts on, not its whole
wording: the name at fault, the expected and the given, the path.
"""

from __future__ import annotations

import json

import pytest

from backup_client import ApiClient
from backup_client.exceptions import ApiAttributeError, ApiTypeError, ApiValueError
from backup_client.models import BackupAttempt

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


class Answer:
    """A server's answer, as ``ApiClient.deserialize`` reads it."""

    def __init__(self, body: object) -> None:
        self.data = json.dumps(body).encode("utf-8")

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def test_unknown_keyword_suggests_the_closest_attribute() -> None:
    """An unknown keyword is named, with the attribute it most likely meant."""
    with pytest.raises(ApiAttributeError) as caught:
        BackupAttempt(start_tme_usecs=1)
    message = str(caught.value)
    assert "'start_tme_usecs'" in message
    assert "did you mean 'start_time_usecs'?" in message


def test_unknown_wire_name_suggests_the_python_name() -> None:
    """A wire name given as a python keyword points to the python name."""
    with pytest.raises(ApiAttributeError, match="did you mean 'queue_duration_usecs'"):
        BackupAttempt(queueDurationUsecs=1)


def test_wrong_type_names_attribute_expected_and_given() -> None:
    """A wrong type names the attribute, the types expected and the value given."""
    with pytest.raises(ApiTypeError) as caught:
        BackupAttempt(start_time_usecs="1712345678")
    message = str(caught.value)
    assert "'start_time_usecs'" in message
    assert "expected int or None" in message
    assert "got str '1712345678'" in message


def test_wrong_type_in_a_nested_dict_gives_the_path() -> None:
    """A wrong type inside ``stats`` says where it sits: ``stats.bytes_read``."""
    with pytest.raises(ApiTypeError) as caught:
        BackupAttempt(stats={"bytes_read": 1.5})
    message = str(caught.value)
    assert "expected int or None, got float 1.5" in message
    assert message.endswith("stats.bytes_read")


def test_wrong_type_from_the_server_gives_the_path_in_the_body() -> None:
    """A wrong type in server data names its place in the body by wire names."""
    body = [{}, {}, {}, {"startTimeUsecs": "1712345678"}]
    with pytest.raises(ApiTypeError) as caught:
        ApiClient().deserialize(Answer(body), ([BackupAttempt],), True)
    message = str(caught.value)
    assert "'startTimeUsecs'" in message
    assert "got str '1712345678'" in message
    assert "received_data[3].startTimeUsecs" in message
    assert caught.value.path_to_item == ["received_data", 3, "startTimeUsecs"]


def test_status_outside_the_allowed_values_lists_them() -> None:
    """A status built outside the allowed values names it and lists all ten."""
    with pytest.raises(ApiValueError) as caught:
        BackupAttempt(status="Skipped")
    message = str(caught.value)
    assert "'status'" in message
    assert "'Skipped'" in message
    assert ", ".join(repr(status) for status in STATUSES) in message


def test_out_of_range_time_names_the_attribute_and_value() -> None:
    """A time helper's value beyond datetime's range names attribute and value."""
    attempt = BackupAttempt(end_time_usecs=10**20)
    with pytest.raises(ApiValueError) as caught:
        attempt.end_time  # noqa: B018  # the read is what raises
    message = str(caught.value)
    assert "'end_time_usecs'" in message
    assert str(10**20) in message
    assert "outside" in message
