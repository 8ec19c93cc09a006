"""Exceptions raised by backup_client.

Every exception derives from :class:`OpenApiException`::

    OpenApiException
    ├── ApiTypeError        a value has the wrong type      (also TypeError)
    ├── ApiValueError       a value is not acceptable       (also ValueError)
    ├── ApiAttributeError   a name the model does not know  (also AttributeError)
    ├── ApiKeyError         a missing key                   (also KeyError)
    └── ApiException        an HTTP exchange failed
        ├── ApiConnectionError      no answer came back (status 0)
        │   ├── ApiTimeoutError     ... because a timeout ran out
        │   ├── ApiTLSError         ... because TLS failed
        │   └── ApiProxyError       ... because the proxy failed
        ├── UnauthorizedException   401
        ├── ForbiddenException      403
        ├── NotFoundException       404
        └── ServiceException        5xx

The validation errors carry ``path_to_item``: the keys and indexes that
lead from the top of the value (or of the response body, whose root is
``"received_data"``) to the offending item.  Their message ends with that
path, rendered as ``received_data[3].startTimeUsecs``.

One warning is defined here too: :class:`UnverifiedTLSWarning`, issued when
a configuration switches certificate verification off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Union

PathItem = Union[str, int]

_BODY_EXCERPT = 500


def render_path(path_to_item: Sequence[PathItem]) -> str:
    """Render a path as ``received_data[3].startTimeUsecs``."""
    text = ""
    for item in path_to_item:
        if isinstance(item, int):
            text += f"[{item}]"
        elif not text:
            text = str(item)
        else:
            text += f".{item}"
    return text


class OpenApiException(Exception):
    """The base of every exception this package raises."""


class _ValidationError(OpenApiException):
    """Shared behaviour of the four validation errors.

    The path is kept as a list so that each level of a nested value can
    prepend its own key while the error travels outwards; the message is
    rendered from it when the error is shown.
    """

    def __init__(
        self, msg: str, path_to_item: Sequence[PathItem] | None = None
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.path_to_item: list[PathItem] = list(path_to_item or ())

    def __str__(self) -> str:
        if not self.path_to_item:
            return self.msg
        return f"{self.msg} at {render_path(self.path_to_item)}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.msg, self.path_to_item), self.__dict__)


class ApiTypeError(_ValidationError, TypeError):
    """A value has a type the schema does not allow."""

    def __init__(
        self,
        msg: str,
        path_to_item: Sequence[PathItem] | None = None,
        valid_classes: tuple[type, ...] | None = None,
        key_type: bool | None = None,
    ) -> None:
        super().__init__(msg, path_to_item)
        self.valid_classes = valid_classes
        self.key_type = key_type


class ApiValueError(_ValidationError, ValueError):
    """A value has the right type but is not acceptable."""


class ApiAttributeError(_ValidationError, AttributeError):
    """A name that the model does not declare."""


class ApiKeyError(_ValidationError, KeyError):
    """A key that is missing."""


def _status_message(status: int | None, reason: str | None) -> str:
    if not status:
        return reason or "no answer"
    return f"({status}) {reason}" if reason else f"({status})"


class ApiException(OpenApiException):
    """An HTTP exchange failed: a non-2xx answer, or no answer at all.

    ``status``, ``reason``, ``body`` (bytes or None) and ``headers`` (a
    mapping or None) describe the answer.  The message shows the status,
    the reason and the start of the body; it never shows the headers,
    which may carry cookies or tokens.
    """

    def __init__(
        self,
        status: int | None = None,
        reason: str | None = None,
        http_resp: Any = None,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if http_resp is not None:
            status = http_resp.status
            reason = http_resp.reason
            body = http_resp.data
            headers = http_resp.headers
        self.status = status
        self.reason = reason
        self.body = body
        self.headers = dict(headers) if headers is not None else None
        super().__init__(_status_message(status, reason))

    def __str__(self) -> str:
        text = _status_message(self.status, self.reason)
        if self.body:
            excerpt = self.body[:_BODY_EXCERPT].decode("utf-8", "replace")
            more = "..." if len(self.body) > _BODY_EXCERPT else ""
            text += f"\nResponse body: {excerpt}{more}"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        state = {"body": self.body, "headers": self.headers}
        return (_rebuild_api_exception, (type(self), self.status, self.reason, state))


def _rebuild_api_exception(
    cls: type[ApiException],
    status: int | None,
    reason: str | None,
    state: dict[str, Any],
) -> ApiException:
    return cls(status, reason, **state)


class ApiConnectionError(ApiException):
    """The request got no answer: refused, reset, TLS or proxy failure."""


class ApiTimeoutError(ApiConnectionError):
    """The connect or read timeout ran out before an answer came."""


class ApiTLSError(ApiConnectionError):
    """TLS failed: an untrusted or mismatched certificate, or a refused handshake."""


class ApiProxyError(ApiConnectionError):
    """The proxy could not be reached or would not forward the request."""


class UnverifiedTLSWarning(UserWarning):
    """Certificates are not verified, so the server may be anyone."""


class UnauthorizedException(ApiException):
    """The server answered 401 Unauthorized."""


class ForbiddenException(ApiException):
    """The server answered 403 Forbidden."""


class NotFoundException(ApiException):
    """The server answered 404 Not Found."""


class ServiceException(ApiException):
    """The server answered with a 5xx status."""


def exception_for_status(status: int) -> type[ApiException]:
    """The exception class that a non-2xx ``status`` is raised as."""
    if status == 401:
        return UnauthorizedException
    if status == 403:
        return ForbiddenException
    if status == 404:
        return NotFoundException
    if 500 <= status <= 599:
        return ServiceException
    return ApiException
