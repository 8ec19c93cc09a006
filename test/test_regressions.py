"""One test for each bug the property tests and the fuzzer found.

Each test is named for the bug: the input that once made something other
than this package's errors escape, or made a value get lost, and what
must happen instead.
"""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from strategies import Response

from backup_client import model_utils
from backup_client.api_client import ApiClient
from backup_client.exceptions import (
    ApiAttributeError,
    ApiTypeError,
    ApiValueError,
    render_path,
)
from backup_client.model_utils import sanitize_for_serialization
from backup_client.models import BackupAttempt, BackupDataStats

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent

# Python's json parses about 990 levels from a shallow stack; 900 leaves
# room for pytest's own frames.
DEPTH = 900
HUGE = 10**5000  # more digits than Python will print by default


def deep_body(depth: int = DEPTH) -> str:
    """An attempt whose undeclared key holds a value nested ``depth`` deep."""
    inner = '{"k": 1}'
    return '{"status": "Running", "x": ' + "[" * depth + inner + "]" * depth + "}"


def read(text: str, response_type: Any = (BackupAttempt,)) -> Any:
    with ApiClient() as client:
        return client.deserialize(Response(text), response_type, True)


def from_deeper_stack(call: Callable[[], T], frames: int = 150) -> T:
    """``call()`` with ``frames`` more frames on the stack than the caller has."""
    if frames == 0:
        return call()
    return from_deeper_stack(call, frames - 1)


# -- values nested close to the parser's limit ---------------------------------


def test_unknown_key_nested_900_deep_deepcopies() -> None:
    """deepcopy of a model holding a 900-deep unknown value copies it all.

    It spent two stack frames per level and raised RecursionError.
    """
    model = read(deep_body())
    clone = copy.deepcopy(model)
    assert clone == model
    assert clone["x"] is not model["x"]
    assert clone.to_json() == model.to_json()


def test_unknown_key_nested_900_deep_pickles() -> None:
    """pickle of such a model round-trips at every protocol.

    It spent two stack frames per level and raised RecursionError.
    """
    model = read(deep_body())
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(model, protocol)) == model


def test_list_answer_nested_900_deep_sanitizes() -> None:
    """sanitize_for_serialization writes a 900-deep ``(list,)`` answer back.

    It recursed twice per level and raised RecursionError; so did a model
    read without type checks whose ``stats`` held such a list.
    """
    text = "[" * DEPTH + "]" * DEPTH
    answer = read(text, (list,))
    assert json.dumps(sanitize_for_serialization(answer)) == json.dumps(
        json.loads(text)
    )
    with ApiClient() as client:
        unchecked = client.deserialize(
            Response('{"stats": ' + text + "}"), (BackupAttempt,), False
        )
    assert unchecked.to_json() == '{"stats": ' + json.dumps(json.loads(text)) + "}"


def test_unchecked_stats_nested_900_deep_to_dict() -> None:
    """to_dict of a model read unchecked with a 900-deep ``stats`` list works.

    It recursed three frames per level and raised RecursionError.
    """
    text = "[" * DEPTH + "[]" + "]" * DEPTH
    with ApiClient() as client:
        model = client.deserialize(
            Response('{"stats": ' + text + "}"), (BackupAttempt,), False
        )
    assert (
        json.dumps(model.to_dict()) == '{"stats": ' + json.dumps(json.loads(text)) + "}"
    )


def test_unknown_key_nested_900_deep_writes_back_from_a_deeper_stack() -> None:
    """to_json works even when called deeper in the stack than the body was read.

    The C encoder shares the stack with the caller, so the same value that
    parsed raised RecursionError when written from a deeper call.
    """
    text = deep_body()
    model = read(text)
    expected = json.dumps(json.loads(text))
    assert from_deeper_stack(model.to_json) == expected
    assert from_deeper_stack(lambda: model.to_json(indent=2)) == json.dumps(
        json.loads(text), indent=2
    )


def test_unknown_key_nested_900_deep_compares_from_a_deeper_stack() -> None:
    """``==`` of two such models answers from a deeper stack.

    It raised RecursionError, as to_json did.
    """
    one, other = read(deep_body()), read(deep_body())
    changed = read(deep_body().replace('"k": 1', '"k": 2'))
    assert from_deeper_stack(lambda: one == other)
    assert from_deeper_stack(lambda: one != changed)


def test_unknown_key_nested_900_deep_has_a_repr_from_a_deeper_stack() -> None:
    """repr of such a model works from a deeper stack (it raised RecursionError)."""
    model = read(deep_body())
    shown = from_deeper_stack(lambda: repr(model))
    assert shown.startswith("BackupAttempt(status='Running', **{'x': [[[")


# -- ints with more digits than Python prints ------------------------------------


def test_huge_int_of_wrong_type_raises_type_error_not_value_error() -> None:
    """``message=10**5000`` raises ApiTypeError; showing the int raised ValueError."""
    with pytest.raises(ApiTypeError, match=r"'message'.* got int <int of 16610 bits>"):
        BackupAttempt(message=HUGE)  # type: ignore[call-overload]


def test_huge_int_outside_allowed_values_raises_value_error_naming_it() -> None:
    """An unchecked ``status=10**5000`` is refused by name, not by int printing."""
    with pytest.raises(ApiValueError, match="'status': <int of 16610 bits> is not"):
        BackupAttempt(status=HUGE, _check_type=False)  # type: ignore[call-overload]


def test_huge_int_attribute_has_a_repr() -> None:
    """repr of a model holding a 5001-digit int says what it is instead of raising."""
    model = BackupAttempt(start_time_usecs=HUGE)
    assert repr(model) == "BackupAttempt(start_time_usecs=<int of 16610 bits>)"


def test_huge_int_attribute_to_json_raises_value_error() -> None:
    """to_json of a 5001-digit int raises ApiValueError, not a bare ValueError."""
    model = BackupAttempt(start_time_usecs=HUGE)
    with pytest.raises(ApiValueError, match="Unable to write the value as JSON"):
        model.to_json()


def test_huge_int_time_helper_raises_value_error_naming_the_attribute() -> None:
    """``start_time`` of a 5001-digit int raises ApiValueError naming the attribute."""
    for name in ("start_time_usecs", "queue_duration_usecs"):
        values: dict[str, Any] = {name: HUGE}
        model = BackupAttempt(**values)
        helper = name.replace("_usecs", "")
        with pytest.raises(ApiValueError, match=f"'{name}': <int of 16610 bits>"):
            getattr(model, helper)


# -- bodies, options and names of the wrong type ---------------------------------


def test_body_neither_bytes_nor_str_raises_type_error() -> None:
    """A body that is an int or None raises ApiTypeError; it raised AttributeError.

    Any bytes-like body, a memoryview too, is read as UTF-8.
    """
    for body in (5, None, ["{}"]):
        with pytest.raises(ApiTypeError, match="The body must be bytes or str"):
            BackupAttempt.from_json(body)  # type: ignore[arg-type]
    view = memoryview(b'{"status": "Failed"}')
    assert BackupAttempt.from_json(view).status == "Failed"  # type: ignore[arg-type]


def test_option_name_in_nested_stats_dict_is_refused() -> None:
    """``stats={"_check_type": False, ...}`` is an unknown name, not an option.

    The dict was passed on as keywords, so its ``_check_type`` switched the
    checks off and ``bytes_read="x"`` was stored; other option names
    vanished or raised AttributeError.
    """
    for key in ("_check_type", "_spec_property_naming", "_path_to_item"):
        with pytest.raises(ApiAttributeError, match=f"no attribute '{key}'") as info:
            BackupAttempt(stats={key: False, "bytes_read": "x"})
        assert info.value.path_to_item == ["stats", key]
    with pytest.raises(ApiAttributeError, match="'_configuration'"):
        BackupAttempt(stats={"_configuration": 5})


def test_keyword_named_like_a_constructor_parameter_is_an_unknown_name() -> None:
    """``__model=1`` (or ``self=1`` on a class's first model) raises ApiAttributeError.

    Both collided with the constructor's own first parameter: TypeError.
    """

    class FreshStats(BackupDataStats):
        """A class not built yet, so its first-use constructor runs."""

    for name in ("self", "__model", "model"):
        values: dict[str, Any] = {name: 1}
        with pytest.raises(ApiAttributeError, match=f"no attribute '{name}'"):
            FreshStats(**values)
        with pytest.raises(ApiAttributeError, match=f"no attribute '{name}'"):
            BackupAttempt(**values)


def test_path_to_item_option_of_wrong_type_raises_type_error() -> None:
    """``_path_to_item=5`` raises ApiTypeError naming the option.

    It raised a bare TypeError, and only when some other value was wrong.
    """
    for path in (5, "stats", [1.5], object()):
        with pytest.raises(ApiTypeError, match="'_path_to_item'"):
            BackupAttempt(start_time_usecs=1, _path_to_item=path)  # type: ignore[call-overload]
    with pytest.raises(ApiTypeError) as info:
        BackupAttempt(start_time_usecs="x", _path_to_item=("received_data", 2))  # type: ignore[call-overload]
    assert info.value.path_to_item == ["received_data", 2, "start_time_usecs"]


def test_configuration_option_of_wrong_type_raises_type_error() -> None:
    """``_configuration=5`` raises ApiTypeError naming it; it raised AttributeError.

    So did ``from_json(text, configuration=5)``.
    """
    with pytest.raises(ApiTypeError, match="'_configuration': expected Configuration"):
        BackupAttempt(status="Running", _configuration=5)  # type: ignore[call-overload]
    with pytest.raises(ApiTypeError, match="'configuration': expected Configuration"):
        BackupAttempt.from_json("{}", configuration=5)  # type: ignore[arg-type]


def test_name_that_is_not_str_raises_attribute_error() -> None:
    """Ints, lists and None as names raise ApiAttributeError, as unknown names do.

    ``m[5]`` raised AttributeError from the spelling suggestion, ``m[[1]]``
    and ``m.get([1])`` TypeError, ``m[5] = 1`` TypeError.
    """
    model = BackupAttempt(status="Running")
    for name in (5, [1], None):
        with pytest.raises(ApiAttributeError, match="attribute names are str"):
            model[name]  # type: ignore[index]
        with pytest.raises(ApiAttributeError, match="attribute names are str"):
            model[name] = 1  # type: ignore[index]
        with pytest.raises(ApiAttributeError, match="attribute names are str"):
            model.is_known_value(name)  # type: ignore[arg-type]
        assert model.get(name, "default") == "default"  # type: ignore[arg-type]
        assert name not in model
    assert model == BackupAttempt(status="Running")
    with pytest.raises(ApiAttributeError, match="attribute names are str") as info:
        BackupAttempt(stats={1: 1})  # type: ignore[dict-item]
    assert info.value.path_to_item == ["stats", 1]


# -- values lost or changed ------------------------------------------------------


def test_to_dict_keeps_declared_value_when_unknown_key_is_spelled_like_it() -> None:
    """A server's ``start_time_usecs`` key does not replace the declared value.

    ``to_dict`` gave ``{"start_time_usecs": "x"}``, a str for an int
    attribute, when the undeclared key came after ``startTimeUsecs``, and
    the declared value otherwise; the undeclared key is still written back.
    """
    for text in (
        '{"startTimeUsecs": 5, "start_time_usecs": "x"}',
        '{"start_time_usecs": "x", "startTimeUsecs": 5}',
    ):
        model = BackupAttempt.from_json(text)
        assert model.to_dict() == {"start_time_usecs": 5}
        assert json.loads(model.to_json()) == json.loads(text)


def test_circular_list_in_unchecked_model_raises_value_error() -> None:
    """A list that contains itself is refused with ApiValueError.

    sanitize_for_serialization and to_dict recursed until RecursionError.
    Only a model built with ``_check_type=False`` can hold one.
    """
    loop: list[Any] = []
    loop.append(loop)
    model = BackupAttempt(stats=loop, _check_type=False)  # type: ignore[call-overload]
    with pytest.raises(ApiValueError, match="contains itself"):
        sanitize_for_serialization(model)
    with pytest.raises(ApiValueError, match="contains itself"):
        sanitize_for_serialization({"a": [loop]})
    with pytest.raises(ApiValueError, match="contains itself"):
        model.to_dict()


def test_error_path_starting_with_an_int_or_other_item_renders() -> None:
    """A path whose first item is not a str renders; it made ``str(err)`` raise."""
    assert render_path([3, "status"]) == "[3].status"
    err = ApiTypeError("Invalid type", path_to_item=[2.5, "x"])  # type: ignore[list-item]
    assert str(err) == "Invalid type at 2.5.x"


@pytest.mark.parametrize("charset", ["undefined", "punycode"])
def test_charset_whose_codec_fails_raises_value_error(charset: str) -> None:
    """A charset whose codec raises a bare UnicodeError gives ApiValueError."""
    response = Response(b'{"a": 1}', f"application/json; charset={charset}")
    with ApiClient() as client, pytest.raises(ApiValueError, match=charset):
        client.deserialize(response, (BackupAttempt,), True)


def test_answer_body_that_is_a_memoryview_or_an_int() -> None:
    """A memoryview body is read as UTF-8; an int body raises ApiTypeError."""
    view = Response(b"")
    view.data = memoryview(b'{"bytesRead": 3}')  # type: ignore[assignment]
    number = Response(b"")
    number.data = 5  # type: ignore[assignment]
    with ApiClient() as client:
        assert client.deserialize(view, (BackupDataStats,), True).bytes_read == 3
        with pytest.raises(ApiTypeError, match="must be bytes or str"):
            client.deserialize(number, (BackupAttempt,), True)


def test_two_byte_order_marks_are_not_json() -> None:
    """One leading BOM is dropped; a second one makes the body invalid JSON."""
    body = b'\xef\xbb\xbf\xef\xbb\xbf{"status": "Running"}'
    with ApiClient() as client:
        with pytest.raises(ApiValueError, match="not valid JSON"):
            client.deserialize(Response(body), (BackupAttempt,), True)
        attempt = client.deserialize(Response(body[3:]), (BackupAttempt,), True)
    assert attempt.status == "Running"


FIRST_USE_RACE = """
import sys, threading
from backup_client.model_utils import convert_wire_value
from backup_client.models import BackupAttempt
sys.setswitchinterval(1e-6)
barrier, failures = threading.Barrier(32), []
def hydrate():
    barrier.wait()
    try:
        body = [{"status": "Running", "stats": {"bytesRead": 1}}]
        convert_wire_value(body, ([BackupAttempt],))
    except BaseException as error:
        failures.append(repr(error))
threads = [threading.Thread(target=hydrate) for _ in range(32)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(failures), failures[:1])
"""


def test_threads_hydrating_a_model_for_the_first_time_at_once() -> None:
    """32 threads reading the first attempts of a process all succeed.

    Each run is a fresh interpreter, where no reader is compiled yet; the
    race this guards against showed in about half of such runs.
    """
    for _ in range(5):
        result = subprocess.run(
            [sys.executable, "-c", FIRST_USE_RACE],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        assert (result.returncode, result.stdout) == (0, "0 []\n"), result.stderr


def test_stackless_equality_of_a_bare_nan_is_false() -> None:
    """The comparison used beyond the stack's depth answers ``nan == nan``
    as Python does: False, though a NaN inside a list equals itself."""
    nan = float("nan")
    assert model_utils._deep_equal(nan, nan) is False
    assert model_utils._deep_equal([nan], [nan]) is True
