"""Properties of the model runtime and of ``ApiClient.deserialize``.

Each test states a rule that must hold for every input hypothesis can
draw: valid models survive the wire, server bodies are written back as
they came, anything else is refused with one of this package's errors
whose path leads to the bad value, and copies, ``==`` and ``repr`` never
fail.  A last test runs the fuzzer in ``fuzz/`` briefly so that it keeps
working.

How many examples each property draws is set by a hypothesis profile,
registered in ``conftest.py`` and chosen by ``BACKUP_CLIENT_HYPOTHESIS``:
``ci``, the default, keeps this file to seconds; ``long`` draws
10,000 examples per property::

    BACKUP_CLIENT_HYPOTHESIS=long python -m pytest test/test_properties.py

A failure prints the falsifying example and a ``@reproduce_failure`` line
that replays it; the example is also kept in ``.hypothesis/`` and tried
first on the next run.
"""

from __future__ import annotations

import copy
import json
import pickle
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import (
    STATUSES,
    TRICKY_KEYS,
    Response,
    any_text,
    canonical,
    deep_depths,
    deep_values,
    dumps,
    huge_ints,
    json_values,
    nested,
    response_types,
    valid_bodies,
    valid_models,
    valid_stats,
    wire_attempts,
    without_unknown_keys,
)

from backup_client import model_utils
from backup_client.api_client import ApiClient
from backup_client.configuration import Configuration
from backup_client.exceptions import (
    ApiAttributeError,
    ApiTypeError,
    ApiValueError,
    OpenApiException,
    render_path,
)
from backup_client.model_utils import date, datetime, sanitize_for_serialization
from backup_client.models import BackupAttempt, BackupDataStats

REPO = Path(__file__).resolve().parent.parent
T = TypeVar("T")

# What building or changing a model may raise, and nothing else.
MODEL_ERRORS = (ApiTypeError, ApiValueError, ApiAttributeError)


@pytest.fixture(scope="module")
def client() -> Iterator[ApiClient]:
    with ApiClient() as api_client:
        yield api_client


@pytest.fixture(scope="module")
def discarding_client() -> Iterator[ApiClient]:
    with ApiClient(Configuration(discard_unknown_keys=True)) as api_client:
        yield api_client


def sanitized(value: Any) -> str:
    """The canonical JSON text of what ``value`` is written as."""
    return canonical(ApiClient.sanitize_for_serialization(value))


def has_nan(value: Any) -> bool:
    """Whether NaN, which equals nothing but itself, occurs anywhere in ``value``."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and item != item:
            return True
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    return False


class Refused:
    """What ``outcome`` gives when the call raised one of our errors."""


REFUSED = Refused()


def outcome(call: Callable[[], Any], body: Any) -> Any:
    """The result of ``call``, or REFUSED when it raised our error.

    The error's path, when it has one, must lead from the top of
    ``body`` to a real item, and its message must show that path.  Any
    other exception propagates and fails the test.
    """
    try:
        return call()
    except OpenApiException as err:
        path = getattr(err, "path_to_item", [])
        if path:
            assert_leads_somewhere(path, body)
            assert str(err).endswith(f" at {render_path(path)}")
        return REFUSED


def assert_leads_somewhere(path: list[Any], body: Any) -> None:
    """Every step of ``path`` after ``received_data`` is a key or index of body."""
    assert path[0] == "received_data", path
    node = body
    for step in path[1:]:
        if isinstance(node, list):
            assert type(step) is int, path
            assert 0 <= step < len(node), path
        else:
            assert isinstance(node, dict), path
            assert step in node, path
        node = node[step]


def converts_values(response_type: Any) -> bool:
    """Whether hydrating ``response_type`` changes values (dates parse)."""
    return any(spec in (date, datetime) for spec in response_type)


# -- 1. valid models survive the wire ------------------------------------------


@given(model=valid_models, ascii_only=st.booleans())
def test_valid_model_survives_sanitize_dumps_and_deserialize(
    client: ApiClient, model: Any, ascii_only: bool
) -> None:
    """Any valid model, written as JSON and read back, equals itself.

    JSON carries lone surrogates only as escapes: text written with
    ``ensure_ascii=False`` may hold them raw, and such text cannot be
    encoded as UTF-8, so it is given to deserialize as ``str``.
    """
    text = json.dumps(
        ApiClient.sanitize_for_serialization(model), ensure_ascii=ascii_only
    )
    bodies: list[bytes | str] = [text]
    try:
        bodies.append(text.encode("utf-8"))
    except UnicodeEncodeError:
        assert not ascii_only
    for body in bodies:
        assert client.deserialize(Response(body), (type(model),), True) == model


@given(model=valid_models, indent=st.none() | st.integers(0, 4))
def test_to_json_and_from_json_are_inverse_for_valid_models(
    model: Any, indent: int | None
) -> None:
    """``from_json(to_json())`` gives back an equal model, from text or bytes."""
    text = model.to_json(indent=indent)
    assert text.isascii()
    assert type(model).from_json(text) == model
    assert type(model).from_json(text.encode("ascii")) == model


# -- 2. server bodies are written back as they came ----------------------------


@given(case=valid_bodies, ascii_only=st.booleans())
def test_server_body_is_written_back_equal(
    client: ApiClient, case: tuple[Any, Any], ascii_only: bool
) -> None:
    """Unknown keys, unknown statuses and nulls all come back out unchanged."""
    body, response_type = case
    result = client.deserialize(
        Response(dumps(body, ascii_only=ascii_only)), response_type, True
    )
    assert sanitized(result) == canonical(body)


@given(body=wire_attempts)
def test_server_attempt_to_json_and_from_json_keep_everything(body: Any) -> None:
    """``to_json`` writes what the server sent; ``from_json`` reads it again."""
    model = BackupAttempt.from_json(dumps(body))
    text = model.to_json()
    assert canonical(json.loads(text)) == canonical(body)
    assert sanitized(BackupAttempt.from_json(text)) == canonical(body)


@given(case=valid_bodies)
def test_discard_unknown_keys_drops_them_and_nothing_else(
    discarding_client: ApiClient, case: tuple[Any, Any]
) -> None:
    """With discard_unknown_keys, only undeclared keys are missing from the output."""
    body, response_type = case
    result = discarding_client.deserialize(Response(dumps(body)), response_type, True)
    assert sanitized(result) == canonical(without_unknown_keys(body, response_type))


# -- 3. anything else is refused with our errors -------------------------------

any_bodies = st.one_of(
    json_values,
    deep_values,
    wire_attempts,
    st.lists(wire_attempts | json_values, max_size=3),
    st.dictionaries(any_text, wire_attempts | json_values, max_size=3),
)


@given(body=any_bodies, response_type=response_types, check_type=st.booleans())
def test_any_json_value_hydrates_or_raises_our_error(
    client: ApiClient, body: Any, response_type: Any, check_type: bool
) -> None:
    """Any JSON value hydrates, unchanged, or raises an error whose path is real."""
    result = outcome(
        lambda: client.deserialize(Response(dumps(body)), response_type, check_type),
        body,
    )
    if result is not REFUSED and not converts_values(response_type):
        assert sanitized(result) == canonical(body)


@given(body=any_bodies, response_type=response_types)
def test_discarding_client_hydrates_or_raises_our_error(
    discarding_client: ApiClient, body: Any, response_type: Any
) -> None:
    """With discard_unknown_keys too, anything either hydrates or raises ours."""
    outcome(
        lambda: discarding_client.deserialize(
            Response(dumps(body)), response_type, True
        ),
        body,
    )


def parsed_or_none(data: bytes | str) -> Any:
    """The value a body holds, as the package parses it; None if it cannot."""
    try:
        return model_utils.parse_json(data)
    except OpenApiException:
        return None


@given(
    data=st.binary() | any_text,
    response_type=response_types,
    content_type=st.sampled_from(
        [None, "application/json"]
        + [
            f"application/json; charset={charset}"
            for charset in ("latin-1", "utf-16", "undefined", "punycode")
        ]
    ),
)
def test_any_bytes_or_text_hydrate_or_raise_our_error(
    client: ApiClient, data: bytes | str, response_type: Any, content_type: str | None
) -> None:
    """Raw bytes and text of any kind hydrate or raise one of our errors."""
    body = parsed_or_none(data)
    outcome(
        lambda: client.deserialize(Response(data, content_type), response_type, True),
        body,
    )


# Pieces of JSON text that parsers and converters find hard.
TOKENS = [
    b"NaN",
    b"-Infinity",
    b"1e400",
    b"-0",
    b"-0.0",
    b"1.0",
    b"true",
    b"null",
    b'"\\ud800"',
    b'"\\udfff\\ud800"',
    b"\xef\xbb\xbf",
    b"\xff",
    b"\x00",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b'"startTimeUsecs":',
    b'"start_time_usecs":',
    b'"stats":{}',
    b'"status":"Skipped"',
    b"[" * 600,
    b"[" * 3000,
    b"1" * 5000,
    b"9" * 19,
]


def mutate(raw: bytearray, data: st.DataObject) -> None:
    """Change ``raw`` once: drop, insert, replace or duplicate some bytes."""
    where = data.draw(st.integers(0, len(raw)))
    action = data.draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
    size = data.draw(st.integers(1, 8))
    if action == "delete":
        del raw[where : where + size]
    elif action == "insert":
        raw[where:where] = data.draw(st.sampled_from(TOKENS) | st.binary(max_size=4))
    elif action == "replace":
        raw[where : where + size] = data.draw(st.sampled_from(TOKENS))
    else:
        raw[where:where] = raw[where : where + size * 4]


@given(case=valid_bodies, data=st.data())
def test_mutated_valid_body_hydrates_or_raises_our_error(
    client: ApiClient, case: tuple[Any, Any], data: st.DataObject
) -> None:
    """A valid body with a few bytes changed hydrates or raises one of our errors."""
    body, response_type = case
    raw = bytearray(dumps(body).encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 4))):
        mutate(raw, data)
    mutated = bytes(raw)
    outcome(
        lambda: client.deserialize(Response(mutated), response_type, True),
        parsed_or_none(mutated),
    )


# -- 4. building and changing models -------------------------------------------

ATTRIBUTES = list(BackupAttempt._attributes.values())
names = st.one_of(
    st.sampled_from(
        [attr.name for attr in ATTRIBUTES]
        + [attr.wire_name for attr in ATTRIBUTES]
        + [*TRICKY_KEYS, "start_time", "is_known_value", "start_tme_usecs"]
    ),
    st.text(max_size=6),
)
anything = st.one_of(
    json_values,
    huge_ints,
    st.sampled_from(STATUSES),
    st.floats(),
    st.binary(max_size=4),
    st.tuples(st.integers()),
    st.frozensets(st.integers(), max_size=2),
    st.builds(object),
    st.sampled_from([int, str, BackupAttempt, len, Ellipsis, Configuration()]),
    valid_stats,
    st.builds(BackupAttempt),
    st.dictionaries(
        st.one_of(names, st.integers(), st.none()),
        json_values | huge_ints,
        max_size=3,
    ),
)
options = st.fixed_dictionaries(
    {},
    optional={
        "_check_type": anything,
        "_spec_property_naming": st.booleans() | anything,
        "_path_to_item": anything | st.lists(st.text(max_size=3) | st.integers()),
        "_configuration": st.none() | anything,
        "_visited_composed_classes": anything,
    },
)
model_classes = st.sampled_from([BackupAttempt, BackupDataStats])


def assert_holds_declared_types(model: Any) -> None:
    """Every set attribute of a checked model holds a value of its type."""
    for attr in type(model)._attributes.values():
        value = getattr(model, attr.name)
        if value is not None:
            assert type(value) is not bool
            assert isinstance(value, attr.types[0]), (attr.name, value)


@given(
    cls=model_classes,
    args=st.lists(anything, max_size=2),
    kwargs=st.dictionaries(names, anything, max_size=4),
    given_options=options,
)
def test_any_keywords_build_a_model_or_raise_our_error(
    cls: Any, args: list[Any], kwargs: dict[str, Any], given_options: dict[str, Any]
) -> None:
    """Wrong types, unknown names, options and positionals raise only our errors."""
    try:
        model = cls(*args, **{**kwargs, **given_options})
    except MODEL_ERRORS:
        return
    assert repr(model).startswith(f"{cls.__name__}(")
    if given_options.get("_check_type", True):
        assert_holds_declared_types(model)
        assert copy.deepcopy(model) == model


@given(
    model=st.builds(BackupAttempt) | valid_models,
    name=names,
    value=anything,
    how=st.sampled_from(["attribute", "item", "delete"]),
)
def test_failed_change_leaves_the_model_unchanged(
    model: Any, name: str, value: Any, how: str
) -> None:
    """A change that raises leaves every value as it was; one that works is checked."""
    before = copy.deepcopy(model)
    try:
        if how == "attribute":
            setattr(model, name, value)
        elif how == "item":
            model[name] = value
        else:
            delattr(model, name)
    except MODEL_ERRORS:
        assert model == before
        return
    assert_holds_declared_types(model)


@given(
    model=valid_models,
    name=st.one_of(names, st.integers(), st.none(), st.lists(st.integers())),
)
def test_reading_any_name_gives_a_value_or_attribute_error(
    model: Any, name: Any
) -> None:
    """Declared names read; any other name, of any type, raises ApiAttributeError."""
    missing = object()
    assert (model.get(name, missing) is missing) == (name not in model)
    if isinstance(name, str) and name in type(model)._by_any_name:
        assert model[name] == model.get(name)
        assert model.is_known_value(name) in (True, False)
        return
    with pytest.raises(ApiAttributeError):
        model[name]
    with pytest.raises(ApiAttributeError):
        model.is_known_value(name)


# -- 5. copies, equality, repr, time helpers -------------------------------------


@given(body=wire_attempts)
def test_copies_and_pickles_of_server_models_keep_every_value(
    client: ApiClient, body: Any
) -> None:
    """copy, deepcopy and pickle (every protocol) give equal, independent models."""
    model = client.deserialize(Response(dumps(body)), (BackupAttempt,), True)
    clones = [copy.copy(model), copy.deepcopy(model)]
    clones += [
        pickle.loads(pickle.dumps(model, protocol))
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1)
    ]
    for clone in clones:
        assert type(clone) is BackupAttempt
        assert sanitized(clone) == canonical(body)
        if not has_nan(body):
            assert clone == model
    deep = clones[1]
    for key, value in model._data.items():
        if isinstance(value, (list, dict)) and value:
            assert deep._data[key] is not value
    assert repr(model).startswith("BackupAttempt(")


@given(one=wire_attempts, other=wire_attempts)
def test_equality_follows_the_values(client: ApiClient, one: Any, other: Any) -> None:
    """Two models read from bodies are equal exactly when the bodies are."""
    assume(not has_nan(one) and not has_nan(other))

    def read(body: Any) -> BackupAttempt:
        return client.deserialize(Response(dumps(body)), (BackupAttempt,), True)

    first, second = read(one), read(other)
    assert first == read(one)
    assert (first == second) == (one == other)
    assert (first != second) == (one != other)


@given(depth=deep_depths, leaf=json_values, frames=st.integers(0, 400))
def test_deep_unknown_value_survives_every_operation(
    client: ApiClient, depth: int, leaf: Any, frames: int
) -> None:
    """A value nested as deeply as JSON parses, under an unknown key, survives.

    Writing, copying, pickling, comparing and showing the model work, also
    from ``frames`` calls deeper in the stack than where it was read.  The
    results are checked back at the test's own depth.
    """
    body = {"status": "Skipped", "deep": nested(depth, leaf)}
    text = dumps(body)
    model = client.deserialize(Response(text), (BackupAttempt,), True)
    twin = client.deserialize(Response(text), (BackupAttempt,), True)

    def use() -> list[Any]:
        return [
            model.to_json(),
            sanitize_for_serialization(model),
            sanitize_for_serialization(copy.deepcopy(model)),
            sanitize_for_serialization(pickle.loads(pickle.dumps(model))),
            model == twin,
            repr(model),
            model.to_dict(),
        ]

    written, sanitized_value, deep_copied, unpickled, equal, shown, python = at_depth(
        frames, use
    )
    assert written == text
    for value in (sanitized_value, deep_copied, unpickled):
        assert canonical(value) == canonical(body)
    if not has_nan(leaf):  # json.loads gives one shared NaN: equal or not
        assert equal
    assert shown.startswith("BackupAttempt(status='Skipped'")
    assert canonical(python) == canonical(body)


def at_depth(frames: int, call: Callable[[], T]) -> T:
    """``call()`` from ``frames`` calls deeper in the stack."""
    if frames:
        return at_depth(frames - 1, call)
    return call()


HELPERS = {
    "start_time": "start_time_usecs",
    "end_time": "end_time_usecs",
    "admitted_time": "admitted_time_usecs",
    "permit_grant_time": "permit_grant_time_usecs",
    "queue_duration": "queue_duration_usecs",
    "snapshot_creation_time": "snapshot_creation_time_usecs",
}


@given(
    helper=st.sampled_from(sorted(HELPERS)),
    usecs=st.integers() | huge_ints | st.integers(-(2**200), 2**200),
)
def test_time_helpers_give_a_value_or_value_error_for_any_int(
    helper: str, usecs: int
) -> None:
    """Each time helper gives a datetime or timedelta, or raises ApiValueError."""
    values: dict[str, Any] = {HELPERS[helper]: usecs}
    attempt = BackupAttempt(**values)
    try:
        value = getattr(attempt, helper)
    except ApiValueError as err:
        assert err.path_to_item == [HELPERS[helper]]
        assert HELPERS[helper] in str(err)
    else:
        assert value is not None


# -- 6. the stackless fallbacks agree with the C code ----------------------------

indents = st.none() | st.integers(-1, 3) | st.sampled_from(["", "\t", "--"])
plain_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), any_text),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner)
        | st.dictionaries(
            any_text | st.integers() | st.floats() | st.booleans() | st.none(),
            inner,
            max_size=3,
        )
    ),
    max_leaves=10,
)


@given(value=plain_values, indent=indents)
def test_stackless_json_writer_writes_what_json_dumps_writes(
    value: Any, indent: int | str | None
) -> None:
    """The writer used beyond the stack's depth gives json.dumps's exact text."""
    assert model_utils._dumps_iteratively(value, indent) == json.dumps(
        value, indent=indent
    )


@given(one=json_values, other=json_values)
def test_stackless_equality_agrees_with_python(one: Any, other: Any) -> None:
    """The comparison used beyond the stack's depth answers as ``==`` does."""
    assert model_utils._deep_equal(one, other) == (one == other)
    twin = copy.deepcopy(one)
    assert model_utils._deep_equal(one, twin) == (one == twin)


@given(values=st.dictionaries(any_text, json_values, max_size=4))
def test_flattened_values_come_back_equal(values: dict[str, Any]) -> None:
    """Flattening for pickle and deepcopy, then rebuilding, gives the same value."""
    rebuilt = model_utils._unflatten(
        pickle.loads(pickle.dumps(model_utils._flatten(values)))
    )
    assert canonical(rebuilt) == canonical(values)


# -- 7. the fuzzer keeps working ---------------------------------------------------


def test_fuzzer_runs_a_few_hundred_inputs_without_escapes(tmp_path: Path) -> None:
    """``fuzz/fuzz_deserialize.py`` runs as documented and finds no escapes."""
    command = [
        sys.executable,
        "fuzz/fuzz_deserialize.py",
        "--engine",
        "mutate",
        "--runs",
        "300",
        "--seed",
        "1",
        "--crash-dir",
        str(tmp_path),
    ]
    run = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    counts = dict(re.findall(r"^(\w+): (\d+)$", run.stdout, re.MULTILINE))
    assert counts["inputs"] == "300"
    assert int(counts["hydrated"]) > 0
    assert int(counts["rejected"]) > 0
    assert counts["escapes"] == "0"
    assert not list(tmp_path.iterdir())
