"""What the fuzzer requires of ``ApiClient.deserialize`` for one input.

Every input is read as each of several response types (models, lists and
dicts of models, plain types), with type checks on and off and with
``discard_unknown_keys``.  What hydrates must write back as it came:
``sanitize_for_serialization`` gives the parsed body again, and models
survive ``to_json``/``from_json``, ``copy.deepcopy`` and ``pickle``.  What
does not hydrate must raise a ``backup_client`` exception whose
``path_to_item`` leads to a real item of the body.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Iterator
from typing import Any

from backup_client.api_client import ApiClient
from backup_client.configuration import Configuration
from backup_client.exceptions import OpenApiException
from backup_client.model_utils import (
    ModelNormal,
    _dumps_iteratively,
    datetime,
    none_type,
    parse_json,
)
from backup_client.models import BackupAttempt, BackupDataStats

__all__ = ["Checker"]

# The response types every input is read as, and whether hydrating them
# keeps values as they are (date-times are parsed, so they change).
RESPONSE_TYPES: list[tuple[Any, bool]] = [
    ((BackupAttempt,), True),
    (([BackupAttempt],), True),
    (({str: (BackupAttempt,)},), True),
    ((BackupDataStats,), True),
    ((BackupAttempt, none_type), True),
    ((int, none_type), True),
    ((float,), True),
    ((str,), True),
    (([int],), True),
    ((list,), True),
    ((dict,), True),
    ((datetime,), False),
]
# Read again without type checks, and with unknown keys discarded.
UNCHECKED_TYPES = [(BackupAttempt,), ([BackupAttempt],)]
DISCARDING_TYPES = [(BackupAttempt,), ([BackupAttempt],), (BackupDataStats,)]


class Body:
    """What ``deserialize`` reads: the bytes, and no headers."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return default


class Checker:
    """Runs one input through the library and checks what comes back."""

    def __init__(self) -> None:
        self.client = ApiClient()
        self.discarding = ApiClient(Configuration(discard_unknown_keys=True))

    @staticmethod
    def calls_per_input_count() -> int:
        """How many times ``check`` calls deserialize for one input."""
        return len(RESPONSE_TYPES) + len(UNCHECKED_TYPES) + len(DISCARDING_TYPES)

    def close(self) -> None:
        self.client.close()
        self.discarding.close()

    def check(self, data: bytes) -> tuple[int, int]:
        """Read ``data`` every way; return (hydrated, rejected) call counts.

        Raises whatever escapes, or AssertionError when a result does not
        write back as the body came.
        """
        body = _parsed(data)
        hydrated = rejected = 0
        calls: list[tuple[ApiClient, Any, bool, bool]] = [
            (self.client, types, True, keeps) for types, keeps in RESPONSE_TYPES
        ]
        calls += [(self.client, types, False, True) for types in UNCHECKED_TYPES]
        calls += [(self.discarding, types, True, False) for types in DISCARDING_TYPES]
        for client, types, check_type, keeps in calls:
            try:
                result = client.deserialize(Body(data), types, check_type)
            except OpenApiException as err:
                _check_path(err, body)
                rejected += 1
                continue
            hydrated += 1
            if keeps:
                _check_written_back(result, body)
            _check_models(result, check_type)
        return hydrated, rejected


def _parsed(data: bytes) -> Any:
    try:
        return parse_json(data)
    except OpenApiException:
        return None


def _same_json(one: Any, other: Any) -> bool:
    """Whether two values write the same JSON (NaN and -0.0 as json writes them)."""
    try:
        return _canonical(one) == _canonical(other)
    except RecursionError:
        # Nested about as deeply as json parses from here: written without
        # recursion and unsorted, which is fine, since hydrating keeps the
        # order of keys.
        return _dumps_iteratively(one, None) == _dumps_iteratively(other, None)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _check_path(err: OpenApiException, body: Any) -> None:
    """The error's path must lead from the top of the body to a real item."""
    path = list(getattr(err, "path_to_item", None) or [])
    if not path:
        return
    assert path[0] == "received_data", f"path does not start at the body: {path}"
    node = body
    for step in path[1:]:
        if isinstance(node, list):
            assert type(step) is int and 0 <= step < len(node), f"no item {path}"
        else:
            assert isinstance(node, dict) and step in node, f"no key {path}"
        node = node[step]


def _check_written_back(result: Any, body: Any) -> None:
    written = ApiClient.sanitize_for_serialization(result)
    assert _same_json(written, body), "written back differently"


def _models_in(result: Any) -> Iterator[ModelNormal]:
    if isinstance(result, ModelNormal):
        yield result
    elif isinstance(result, list):
        yield from (item for item in result if isinstance(item, ModelNormal))
    elif isinstance(result, dict):
        yield from (item for item in result.values() if isinstance(item, ModelNormal))


def _check_models(result: Any, checked: bool) -> None:
    """Each hydrated model survives JSON text, deepcopy and pickle.

    ``to_dict`` and ``repr`` must work too.  A model read without type
    checks may hold values of the wrong type, which ``from_json`` then
    refuses, as it should.
    """
    for model in _models_in(result):
        expected = ApiClient.sanitize_for_serialization(model)
        clones = [copy.deepcopy(model), pickle.loads(pickle.dumps(model))]
        try:
            clones.append(type(model).from_json(model.to_json()))
        except OpenApiException:
            if checked:
                raise
        for clone in clones:
            assert type(clone) is type(model), "a copy changed class"
            written = ApiClient.sanitize_for_serialization(clone)
            assert _same_json(written, expected), "a copy writes differently"
        model.to_dict()
        repr(model)
