"""The exception family: built-in bases, paths in messages, pickling."""

from __future__ import annotations

import pickle

import pytest

from backup_client import exceptions
from backup_client.exceptions import (
    ApiAttributeError,
    ApiConnectionError,
    ApiException,
    ApiKeyError,
    ApiTimeoutError,
    ApiTypeError,
    ApiValueError,
    ForbiddenException,
    NotFoundException,
    OpenApiException,
    ServiceException,
    UnauthorizedException,
    exception_for_status,
    render_path,
)


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (ApiTypeError, TypeError),
        (ApiValueError, ValueError),
        (ApiAttributeError, AttributeError),
        (ApiKeyError, KeyError),
    ],
)
def test_validation_errors_are_also_builtins(cls: type, builtin: type) -> None:
    """Each validation error is also the matching built-in exception."""
    assert issubclass(cls, builtin)
    assert issubclass(cls, OpenApiException)


def test_message_names_the_path() -> None:
    """The message ends with the rendered path to the item."""
    error = ApiTypeError("Invalid type", ["received_data", 3, "startTimeUsecs"])
    assert str(error) == "Invalid type at received_data[3].startTimeUsecs"
    assert error.path_to_item == ["received_data", 3, "startTimeUsecs"]


def test_message_without_path_is_the_message() -> None:
    """Without a path the message stands alone."""
    assert str(ApiValueError("bad")) == "bad"


def test_key_error_message_is_not_quoted() -> None:
    """ApiKeyError shows its message plainly, unlike KeyError."""
    assert str(ApiKeyError("missing key", ["a"])) == "missing key at a"


def test_render_path_starts_with_an_index() -> None:
    """A path may start with an index."""
    assert render_path([0, "a", 1]) == "[0].a[1]"


@pytest.mark.parametrize(
    "error",
    [
        ApiTypeError("t", ["a", 1], valid_classes=(int,), key_type=False),
        ApiValueError("v", ["b"]),
        ApiAttributeError("a", []),
        ApiKeyError("k", ["c"]),
    ],
)
def test_validation_errors_pickle(error: Exception) -> None:
    """Validation errors survive pickling with message and path."""
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is type(error)
    assert str(restored) == str(error)
    assert restored.path_to_item == error.path_to_item  # type: ignore[attr-defined]


def test_type_error_keeps_valid_classes_through_pickle() -> None:
    """ApiTypeError keeps its valid classes when pickled."""
    error = ApiTypeError("t", valid_classes=(int, str))
    assert pickle.loads(pickle.dumps(error)).valid_classes == (int, str)


def test_api_exception_carries_the_answer() -> None:
    """ApiException keeps status, reason, body and headers."""
    error = NotFoundException(
        404, "Not Found", body=b'{"message": "no such run"}', headers={"X": "1"}
    )
    assert (error.status, error.reason) == (404, "Not Found")
    assert error.body == b'{"message": "no such run"}'
    assert error.headers == {"X": "1"}
    assert str(error).startswith("(404) Not Found")
    assert "no such run" in str(error)


def test_api_exception_message_never_shows_headers() -> None:
    """The message of an ApiException leaves the headers out."""
    error = ApiException(
        500, "Oops", body=b"", headers={"Set-Cookie": "session=secret"}
    )
    assert "secret" not in str(error)


def test_api_exception_message_shortens_long_bodies() -> None:
    """A long body is cut short in the message, never in ``body``."""
    error = ServiceException(503, "Unavailable", body=b"x" * 10_000)
    assert len(str(error)) < 1_000
    assert len(error.body or b"") == 10_000


def test_api_exception_pickles() -> None:
    """ApiException and its subclasses survive pickling."""
    error = ForbiddenException(403, "Forbidden", body=b"no", headers={"A": "b"})
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is ForbiddenException
    assert (restored.status, restored.body, restored.headers) == (
        403,
        b"no",
        {"A": "b"},
    )


def test_connection_errors_have_no_status() -> None:
    """A request with no answer reads status 0 and says why."""
    error = ApiTimeoutError(0, "read timed out")
    assert isinstance(error, ApiConnectionError)
    assert isinstance(error, ApiException)
    assert str(error) == "read timed out"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ApiException),
        (401, UnauthorizedException),
        (403, ForbiddenException),
        (404, NotFoundException),
        (409, ApiException),
        (500, ServiceException),
        (503, ServiceException),
        (599, ServiceException),
    ],
)
def test_exception_for_status(status: int, cls: type) -> None:
    """Each non-2xx status maps to the contract's exception class."""
    assert exception_for_status(status) is cls


def test_module_docstring_draws_every_class() -> None:
    """The module docstring's tree names every exception class."""
    doc = exceptions.__doc__ or ""
    for name in dir(exceptions):
        if name.startswith("_"):
            continue
        value = getattr(exceptions, name)
        if isinstance(value, type) and issubclass(value, OpenApiException):
            assert name in doc
