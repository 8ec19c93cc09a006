"""The compiled fast paths decide exactly as the checked paths do.

Each model class compiles a reader, a constructor and a wire writer; each
hands anything unusual to the checked code.  These tests drive both with
the same inputs and require the same models, the same output and the same
errors (type, message and path).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from backup_client import model_utils
from backup_client.exceptions import (
    ApiAttributeError,
    ApiTypeError,
    ApiValueError,
    OpenApiException,
)
from backup_client.model_utils import (
    ModelNormal,
    attribute,
    convert_wire_value,
    sanitize_for_serialization,
)
from backup_client.models import BackupAttempt, BackupDataStats

WIRE_KEYS = [attr.wire_name for attr in BackupAttempt._attributes.values()]
PYTHON_NAMES = list(BackupAttempt._attributes)
STATUSES = list(BackupAttempt._attributes["status"].allowed or ())

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from([*STATUSES, "Skipped"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    max_leaves=6,
)
stats_objects = st.dictionaries(
    st.sampled_from(["logicalSizeBytes", "bytesWritten", "bytesRead", "extra"]),
    json_values,
)
attempt_objects = st.dictionaries(
    st.sampled_from([*WIRE_KEYS, "unknownKey", "start_time_usecs"]),
    st.one_of(json_values, stats_objects),
)
# Mostly valid records, so that failures come late in long bodies too.
valid_attempts = st.fixed_dictionaries(
    {},
    optional={
        "startTimeUsecs": st.one_of(st.none(), st.integers()),
        "status": st.sampled_from([*STATUSES, "Skipped", None]),
        "stats": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {}, optional={"bytesRead": st.one_of(st.none(), st.integers())}
            ),
        ),
        "message": st.one_of(st.none(), st.text(max_size=10)),
        "newerKey": json_values,
    },
)
bodies = st.one_of(
    json_values,
    attempt_objects,
    st.lists(st.one_of(valid_attempts, attempt_objects, json_values), max_size=6),
    st.lists(valid_attempts, max_size=6),
    st.dictionaries(st.text(max_size=4), attempt_objects, max_size=3),
)
RESPONSE_TYPES: list[Any] = [
    (BackupAttempt,),
    ([BackupAttempt],),
    ({str: (BackupAttempt,)},),
    (BackupDataStats,),
    ([BackupDataStats],),
]


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """What a call gave: its result as canonical JSON, or its error."""
    try:
        result = call()
    except OpenApiException as err:
        path = getattr(err, "path_to_item", None)
        return ("error", (type(err).__name__, str(err), path))
    shape = json.dumps(sanitize_for_serialization(result), sort_keys=True)
    return ("value", (type(result).__name__, shape, repr(result)))


def read_checked(value: Any, types: Any) -> Any:
    """The checked path of convert_wire_value, without the compiled reader."""
    try:
        return model_utils._convert(
            value, types, model_utils._Context(from_server=True)
        )
    except model_utils._PATH_ERRORS as err:
        err.path_to_item.insert(0, "received_data")
        raise


def build_checked(cls: type[ModelNormal], **kwargs: Any) -> Any:
    """Build a model through the checked constructor only.

    Keywords reach it as the compiled constructor passes them on: declared
    python names in declaration order, then the others as given.
    """
    options = {key: kwargs.pop(key) for key in list(kwargs) if key.startswith("_")}
    declared = {name: kwargs.pop(name) for name in cls._attributes if name in kwargs}
    kwargs = {**declared, **kwargs}
    model = cls.__new__(cls)
    model._init_checked(
        (),
        kwargs,
        options.get("_check_type", True),
        options.get("_spec_property_naming", False),
        (),
        None,
    )
    return model


@settings(max_examples=100, deadline=None)
@given(body=bodies, response_type=st.sampled_from(RESPONSE_TYPES))
def test_reader_matches_checked_path(body: Any, response_type: Any) -> None:
    """Any parsed body reads to the same models or the same error both ways."""
    fast = outcome(lambda: convert_wire_value(copy.deepcopy(body), response_type))
    checked = outcome(lambda: read_checked(copy.deepcopy(body), response_type))
    assert fast == checked


keyword_names = st.sampled_from(
    [*PYTHON_NAMES, "startTimeUsecs", "start_tme_usecs", "progressTaskId"]
)
keyword_values = st.one_of(
    json_values,
    st.sampled_from([*STATUSES, "Skipped"]),
    st.builds(BackupDataStats, bytes_read=st.integers()),
    st.just(BackupAttempt()),
    st.just(date(2024, 1, 2)),
    stats_objects,
    st.dictionaries(
        st.sampled_from(["bytes_read", "bytes_written", "bytesRead"]), json_values
    ),
)


@settings(max_examples=100, deadline=None)
@given(
    kwargs=st.dictionaries(keyword_names, keyword_values, max_size=6),
    check_type=st.booleans(),
    spec_naming=st.booleans(),
)
def test_constructor_matches_checked_path(
    kwargs: dict[str, Any], check_type: bool, spec_naming: bool
) -> None:
    """Any keywords build the same model or raise the same error both ways."""
    options: dict[str, Any] = {}
    if not check_type:
        options["_check_type"] = False
    if spec_naming:
        options["_spec_property_naming"] = True
    fast = outcome(lambda: BackupAttempt(**copy.deepcopy(kwargs), **options))
    checked = outcome(
        lambda: build_checked(BackupAttempt, **copy.deepcopy(kwargs), **options)
    )
    assert fast == checked


class UncheckedAttempt(BackupAttempt):
    """Built unchecked below, so that BackupAttempt keeps its compiled writer."""


@settings(max_examples=100, deadline=None)
@given(kwargs=st.dictionaries(st.sampled_from(PYTHON_NAMES), keyword_values))
def test_unchecked_models_take_the_checked_writer(kwargs: dict[str, Any]) -> None:
    """Whatever an unchecked model holds, it is written as the checked writer does."""
    if kwargs.get("status") not in STATUSES:
        kwargs.pop("status", None)  # allowed values are checked even so
    try:
        model = UncheckedAttempt(**kwargs, _check_type=False)
    except ApiAttributeError:
        assume(False)  # a nested dict with unknown names is refused even so
    assert UncheckedAttempt._unchecked_values
    assert outcome(model._to_wire) == outcome(model._to_wire_checked)


@settings(max_examples=100, deadline=None)
@given(body=st.lists(valid_attempts, max_size=4))
def test_compiled_writer_matches_checked_writer(body: list[Any]) -> None:
    """For models built with checks, the compiled writer equals the checked one."""
    try:
        models = convert_wire_value(body, ([BackupAttempt],))
    except OpenApiException:
        assume(False)
    write = model_utils._compile_writer(BackupAttempt)
    saved = BackupAttempt._unchecked_values
    BackupAttempt._unchecked_values = False  # other tests build unchecked ones
    try:
        for model in models:
            assert write(model) == model._to_wire_checked()
    finally:
        BackupAttempt._unchecked_values = saved


def test_constructor_stores_values_in_declaration_order() -> None:
    """Keywords in any order give the same stored order as the checked path."""
    fast = BackupAttempt(message="m", status="Failed", start_time_usecs=1)
    checked = build_checked(
        BackupAttempt, message="m", status="Failed", start_time_usecs=1
    )
    assert list(fast.to_dict()) == ["start_time_usecs", "status", "message"]
    assert list(fast.to_dict()) == list(checked.to_dict())


def test_failure_late_in_a_list_leaves_earlier_items_readable() -> None:
    """A bad record after good ones gets the checked path's error and path."""
    body = [{"stats": {"bytesRead": 1}, "status": "Running"} for _ in range(5)]
    body.append({"stats": {"bytesRead": "many"}})
    with pytest.raises(ApiTypeError) as info:
        convert_wire_value(body, ([BackupAttempt],))
    assert info.value.path_to_item == ["received_data", 5, "stats", "bytesRead"]
    assert isinstance(body[0]["stats"], (dict, BackupDataStats))


def test_wrong_type_in_constructor_names_attribute_after_fallback() -> None:
    """A bad keyword found by the compiled constructor reports as before."""
    with pytest.raises(ApiTypeError, match="'start_time_usecs'") as info:
        BackupAttempt(status="Running", start_time_usecs=True)
    assert info.value.path_to_item == ["start_time_usecs"]
    with pytest.raises(ApiValueError, match="'Running'"):
        BackupAttempt(status="Skipped")
    with pytest.raises(ApiAttributeError, match="did you mean 'start_time_usecs'"):
        BackupAttempt(start_tme_usecs=1)  # type: ignore[call-overload]


class Node(ModelNormal):
    """A hand-written model that refers to itself."""

    name: str | None = attribute("name", str, nullable=True)
    child: Node | None = attribute("child", ModelNormal)
    when: datetime | None = attribute("when", datetime, nullable=True)
    weight: float | None = attribute("weight", float, nullable=True)


Node._attributes["child"].types = (Node,)


def test_self_referring_model_reads_and_writes() -> None:
    """A model whose attribute is its own class compiles and reads deep data."""
    body = {"name": "a", "child": {"name": "b", "child": {"name": "c", "weight": 2}}}
    node = convert_wire_value(copy.deepcopy(body), (Node,), path=())
    assert isinstance(node, Node)
    assert isinstance(node.child, Node)
    assert isinstance(node.child.child, Node)
    assert node.child.child.weight == 2
    assert sanitize_for_serialization(node) == body


def test_dates_and_floats_take_their_own_paths() -> None:
    """Date-times parse and floats accept ints, through the compiled reader."""
    node = convert_wire_value(
        {"when": "2024-05-06T07:08:09Z", "weight": 1}, (Node,), path=()
    )
    assert node.when == datetime.fromisoformat("2024-05-06T07:08:09+00:00")
    assert node.weight == 1
    with pytest.raises(ApiTypeError) as info:
        convert_wire_value({"weight": True}, (Node,))
    assert info.value.path_to_item == ["received_data", "weight"]
    built = Node(weight=1.5, when=datetime(2024, 1, 1))
    assert built.to_json() == '{"when": "2024-01-01T00:00:00", "weight": 1.5}'


class LongerAttempt(BackupAttempt):
    """A user's subclass that declares one more attribute."""

    seen: datetime | None = attribute("seen", datetime, nullable=True)


def test_subclass_compiles_its_own_functions() -> None:
    """A subclass gets its own constructor and writer, not its parent's."""
    BackupAttempt(status="Running").to_json()  # the parent's are compiled first
    # A hand-written subclass has no typed constructor of its own.
    longer = LongerAttempt(  # type: ignore[call-overload]
        status="Running", seen=datetime(2024, 1, 1)
    )
    assert longer.to_json() == '{"status": "Running", "seen": "2024-01-01T00:00:00"}'
    read = convert_wire_value({"seen": "2024-01-01T00:00:00"}, (LongerAttempt,))
    assert read.seen == datetime(2024, 1, 1)


class Shadowing(ModelNormal):
    """A model whose python names are names the compiled code could use."""

    type: str | None = attribute("type", str, nullable=True)
    dict: int | None = attribute("dict", int, nullable=True)
    given: str | None = attribute("given", str, nullable=True)
    key: float | None = attribute("key", float, nullable=True)
    value: BackupDataStats | None = attribute("value", BackupDataStats)


def test_python_names_like_builtins_do_not_break_the_constructor() -> None:
    """Attributes named type, dict or given are checked and stored like others."""
    model = Shadowing(type="VM", dict=3, given="g", key=1, value={"bytes_read": 2})
    assert model.to_json() == (
        '{"type": "VM", "dict": 3, "given": "g", "key": 1, "value": {"bytesRead": 2}}'
    )
    with pytest.raises(ApiTypeError, match="'dict'"):
        Shadowing(dict="3")
    read = convert_wire_value({"type": "VM", "value": {"bytesRead": 1}}, (Shadowing,))
    assert read.value == BackupDataStats(bytes_read=1)


def test_valid_input_never_reaches_the_checked_paths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Usual keywords and bodies are decided by the compiled code alone."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the checked path ran")

    for cls in (BackupAttempt, BackupDataStats, Shadowing):
        monkeypatch.setattr(cls, "_init_checked", refuse)
        monkeypatch.setattr(cls, "_to_wire_checked", refuse)
        monkeypatch.setattr(cls, "_unchecked_values", False)
    monkeypatch.setattr(model_utils, "_convert", refuse)
    built = BackupAttempt(
        start_time_usecs=1,
        status="Running",
        stats={"bytes_read": 2},
        message=None,
    )
    Shadowing(type="VM", dict=1, key=2.5, value=BackupDataStats(bytes_read=1))
    body = [sanitize_for_serialization(built), {"status": "Skip"}]
    read = convert_wire_value(body, ([BackupAttempt],))
    assert read[0] == built
    assert sanitize_for_serialization(read)[1] == {"status": "Skip"}
