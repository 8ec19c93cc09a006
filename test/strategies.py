"""Hypothesis strategies for the models and for what a server may send.

Valid values are drawn from the spec's types: int64 integers, any text
(lone surrogates included: a Python ``str`` holds them and JSON carries
them as ``\\ud800`` escapes), the known statuses, nested stats.  Server
bodies add what a newer or stranger server sends: unknown keys holding
any JSON value, unknown statuses, explicit nulls, deep nesting.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

from hypothesis import strategies as st

from backup_client.model_utils import ModelNormal, date, datetime, none_type
from backup_client.models import BackupAttempt, BackupDataStats

M = TypeVar("M", bound=ModelNormal)

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

ATTEMPT_WIRE_KEYS = frozenset(BackupAttempt._by_wire)
STATS_WIRE_KEYS = frozenset(BackupDataStats._by_wire)
STATUSES = tuple(BackupAttempt._attributes["status"].allowed or ())

# Every character, surrogates included (hypothesis leaves them out by default).
any_text = st.text(st.characters(exclude_categories=()))
int64s = st.integers(INT64_MIN, INT64_MAX)
# Integers a JSON body can carry: Python refuses to parse more than 4300 digits.
json_ints = st.one_of(int64s, st.integers(-(10**300), 10**300))
huge_ints = st.integers(10**4300, 10**4400) | st.integers(-(10**4400), -(10**4300))

# -- valid models ------------------------------------------------------------


def _build(cls: type[M]) -> Callable[[dict[str, Any]], M]:
    """Builds a ``cls`` from a dict of keyword arguments."""

    def build(kwargs: dict[str, Any]) -> M:
        return cls(**kwargs)

    return build


stats_kwargs = st.fixed_dictionaries(
    {},
    optional={
        name: st.none() | int64s
        for name in ("logical_size_bytes", "bytes_written", "bytes_read")
    },
)
valid_stats = stats_kwargs.map(_build(BackupDataStats))

attempt_kwargs = st.fixed_dictionaries(
    {},
    optional={
        "start_time_usecs": st.none() | int64s,
        "end_time_usecs": st.none() | int64s,
        "admitted_time_usecs": st.none() | int64s,
        "permit_grant_time_usecs": st.none() | int64s,
        "queue_duration_usecs": st.none() | int64s,
        "snapshot_creation_time_usecs": st.none() | int64s,
        "status": st.none() | st.sampled_from(STATUSES),
        "stats": st.none() | valid_stats,
        "progress_task_id": st.none() | any_text,
        "message": st.none() | any_text,
    },
)
valid_attempts = attempt_kwargs.map(_build(BackupAttempt))
valid_models: st.SearchStrategy[ModelNormal] = valid_attempts | valid_stats

# -- JSON values ---------------------------------------------------------------

json_floats = st.floats(allow_nan=True, allow_infinity=True)
json_scalars = st.one_of(
    st.none(), st.booleans(), json_ints, json_floats, any_text, st.just(-0.0)
)


def nested(depth: int, inner: Any = None) -> Any:
    """``inner`` inside ``depth`` alternating lists and one-key dicts."""
    value = inner
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4)
    ),
    max_leaves=12,
)


def _free_levels() -> int:
    """About how many levels of nesting json.loads can parse from here.

    Hypothesis raises the recursion limit while a test runs, so this is
    measured when an example is drawn, not fixed.
    """
    frame: FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return max(sys.getrecursionlimit() - depth - 150, 0)


# A depth from none to close to the most the parser accepts at the moment.
deep_depths = st.integers(0, 1000).map(lambda share: share * _free_levels() // 1000)
# A JSON value, now and then nested about as deeply as it can be parsed.
deep_values = st.builds(nested, deep_depths, json_scalars)
unknown_values = json_values | deep_values

# Names that look like something else: python names, the model's own
# attributes and options, dunders, the error path's root.
TRICKY_KEYS = (
    "start_time_usecs",
    "bytes_read",
    "__class__",
    "__dict__",
    "__init__",
    "_data",
    "_check_type",
    "_spec_property_naming",
    "_path_to_item",
    "_configuration",
    "path_to_item",
    "received_data",
    "get",
    "to_json",
    "self",
    "__model",
    "",
    "\ud800",
    "\ufeff",
)


def unknown_keys(declared: frozenset[str]) -> st.SearchStrategy[str]:
    """Keys the model does not declare."""
    return (st.sampled_from(TRICKY_KEYS) | any_text).filter(
        lambda key: key not in declared
    )


def unknown_members(declared: frozenset[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(unknown_keys(declared), unknown_values, max_size=3)


def _merged(known: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    return {**unknown, **known}


# -- server bodies (parsed JSON) -------------------------------------------------

wire_stats = st.builds(
    _merged,
    st.fixed_dictionaries(
        {}, optional={key: st.none() | json_ints for key in STATS_WIRE_KEYS}
    ),
    unknown_members(STATS_WIRE_KEYS),
)
wire_attempts = st.builds(
    _merged,
    st.fixed_dictionaries(
        {},
        optional={
            "startTimeUsecs": st.none() | json_ints,
            "endTimeUsecs": st.none() | json_ints,
            "admittedTimeUsecs": st.none() | json_ints,
            "permitGrantTimeUsecs": st.none() | json_ints,
            "queueDurationUsecs": st.none() | json_ints,
            "snapshotCreationTimeUsecs": st.none() | json_ints,
            "status": st.none() | st.sampled_from(STATUSES) | any_text,
            "stats": st.none() | wire_stats,
            "progressTaskId": st.none() | any_text,
            "message": st.none() | any_text,
        },
    ),
    unknown_members(ATTEMPT_WIRE_KEYS),
)

# A valid body with the response type that reads it.
valid_bodies: st.SearchStrategy[tuple[Any, Any]] = st.one_of(
    st.tuples(wire_attempts, st.just((BackupAttempt,))),
    st.tuples(wire_stats, st.just((BackupDataStats,))),
    st.tuples(st.lists(wire_attempts, max_size=4), st.just(([BackupAttempt],))),
    st.tuples(
        st.dictionaries(any_text, wire_attempts, max_size=3),
        st.just(({str: (BackupAttempt,)},)),
    ),
)

# Every shape of response type, models and plain types alike.
RESPONSE_TYPES: tuple[Any, ...] = (
    (BackupAttempt,),
    ([BackupAttempt],),
    ({str: (BackupAttempt,)},),
    (BackupDataStats,),
    ([BackupDataStats],),
    (BackupAttempt, none_type),
    (int, none_type),
    (int,),
    (float,),
    (bool,),
    (str,),
    (none_type,),
    ([int],),
    ([[str]],),
    ({str: (int, none_type)},),
    (list,),
    (dict,),
    (date,),
    (datetime,),
    (str, int, [BackupAttempt]),
)
response_types = st.sampled_from(RESPONSE_TYPES)


def dumps(value: Any, *, ascii_only: bool = True) -> str:
    """JSON text for ``value`` as a server might send it."""
    return json.dumps(value, ensure_ascii=ascii_only)


def canonical(value: Any) -> str:
    """One text for equal JSON values: sorted keys, no spaces, no escapes.

    NaN, Infinity and -0.0 are written as Python's json writes them, so
    two values that both hold NaN compare equal here.
    """
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def without_unknown_keys(body: Any, response_type: Any) -> Any:
    """``body`` as discard_unknown_keys leaves it: only declared keys."""
    spec = response_type[0]
    if isinstance(spec, list):
        return [without_unknown_keys(item, (spec[0],)) for item in body]
    if isinstance(spec, dict):
        inner = next(iter(spec.values()))
        return {key: without_unknown_keys(item, inner) for key, item in body.items()}
    out = {key: value for key, value in body.items() if key in spec._by_wire}
    if isinstance(out.get("stats"), dict):
        out["stats"] = without_unknown_keys(out["stats"], (BackupDataStats,))
    return out


class Response:
    """What ``ApiClient.deserialize`` reads: a body and its headers."""

    def __init__(self, data: bytes | str, content_type: str | None = None) -> None:
        self.data = data
        self._content_type = content_type

    def getheader(self, name: str, default: str | None = None) -> str | None:
        if name.lower() == "content-type" and self._content_type is not None:
            return self._content_type
        return default
