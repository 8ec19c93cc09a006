"""The HTTP transport: a urllib3 pool manager and the answers it returns.

:class:`RESTClientObject` sends already-encoded requests and raises this
package's exceptions for everything that goes wrong: a non-2xx status
raises the matching :class:`~backup_client.exceptions.ApiException`, and
every failure of urllib3 is turned into ours in one place, :func:`_translate`.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Mapping, Sequence
from typing import Any, Union
from urllib.parse import urlencode, urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationValueError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    ProxySchemeUnsupported,
    ReadTimeoutError,
    ResponseError,
    SSLError,
)
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

from backup_client.configuration import Configuration, TimeoutValue, check_timeout
from backup_client.exceptions import (
    ApiConnectionError,
    ApiTimeoutError,
    ApiTypeError,
    ApiValueError,
    OpenApiException,
    exception_for_status,
)

__all__ = ["METHODS", "RESTClientObject", "RESTResponse"]

logger = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "POST", "PUT", "PATCH"})

FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART_FORM = "multipart/form-data"

PostParams = Union[Sequence[tuple[str, Any]], Mapping[str, Any]]
"""Form fields: ``(name, value)`` pairs; a value may be a file tuple
``(filename, data, content_type)`` for multipart forms."""

# Everything urllib3 raises derives from HTTPError, except this ValueError.
_URLLIB3_ERRORS = (HTTPError, ProxySchemeUnsupported)

# Checked in this order: NewConnectionError derives from ConnectTimeoutError
# in urllib3 2.x although it means the connection failed, not that it hung.
_CAUSES: tuple[tuple[type[BaseException], str], ...] = (
    (NameResolutionError, "host name not resolved"),
    (NewConnectionError, "could not connect"),
    (ConnectTimeoutError, "connect timed out"),
    (ReadTimeoutError, "read timed out"),
    (Urllib3TimeoutError, "timed out"),
    (SSLError, "TLS failed"),
    (ProxyError, "proxy failed"),
    (ProtocolError, "connection broken"),
    (ResponseError, "too many error answers"),
)


class RESTResponse:
    """An HTTP answer: status, reason, headers and body.

    When the request was sent with ``_preload_content=False`` the body is
    left on the connection: stream it from ``urllib3_response``, or read
    ``data``, which then reads all of it.
    """

    def __init__(
        self, response: urllib3.BaseHTTPResponse, where: str = "the request"
    ) -> None:
        self.urllib3_response = response
        self.status = response.status
        self.reason = response.reason
        self.headers = response.headers
        self._where = where

    @property
    def data(self) -> bytes:
        """The body, read from the connection on first use if need be."""
        try:
            return self.urllib3_response.data
        except _URLLIB3_ERRORS as err:
            raise _translate(err, self._where) from err

    def getheaders(self) -> urllib3.HTTPHeaderDict:
        """All headers, looked up without regard to case."""
        return self.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """The value of header ``name`` (any case), or ``default``."""
        return self.headers.get(name, default)

    def __repr__(self) -> str:
        return f"RESTResponse(status={self.status}, reason={self.reason!r})"


class RESTClientObject:
    """Sends requests through one urllib3 pool manager.

    :param configuration: TLS, proxy, retry and timeout settings; they are
        read when the pool manager is created, except ``timeout`` and
        ``debug``, which are read on every request.
    :param pools_size: how many connection pools (one per host) to keep.
    :param maxsize: connections kept per pool; defaults to
        ``configuration.connection_pool_maxsize``.
    """

    def __init__(
        self,
        configuration: Configuration,
        pools_size: int = 4,
        maxsize: int | None = None,
    ) -> None:
        self.configuration = configuration
        self.pool_manager = _pool_manager(configuration, pools_size, maxsize)

    def close(self) -> None:
        """Close every pooled connection."""
        self.pool_manager.clear()

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = None,
        post_params: PostParams | None = None,
        _preload_content: bool = True,
        _request_timeout: TimeoutValue | None = None,
    ) -> RESTResponse:
        """Send one request and return its 2xx answer.

        ``body`` is the encoded body; ``post_params`` are form fields,
        encoded as the ``Content-Type`` header says (urlencoded unless it
        is ``multipart/form-data``).  The timeout is ``_request_timeout``
        or else the configuration's.

        :raises ApiValueError: a bad method, header, timeout or URL.
        :raises ApiException: a non-2xx answer, as the subclass for its status.
        :raises ApiConnectionError: no answer; ``ApiTimeoutError`` when a
            timeout ran out.
        """
        method = _checked_method(method)
        send_headers = _checked_headers(headers)
        payload = _encode_payload(send_headers, body, post_params)
        timeout = _timeout(_request_timeout, self.configuration.timeout)
        where = f"{method} {_display_url(url)}"

        started = time.monotonic()
        self._debug("%s", where)
        try:
            raw = self.pool_manager.urlopen(
                method,
                url,
                body=payload,
                headers=send_headers,
                timeout=timeout,
                preload_content=_preload_content,
            )
            response = _answer(raw, where)
        except _URLLIB3_ERRORS as err:
            error = _translate(err, where)
            self._debug("%s (after %.0f ms)", error, _elapsed_ms(started))
            raise error from err
        self._debug("%s -> %d in %.0f ms", where, raw.status, _elapsed_ms(started))

        if not _is_success(response.status):
            raise exception_for_status(response.status)(http_resp=response)
        return response

    def _debug(self, message: str, *args: object) -> None:
        if self.configuration.debug:
            logger.debug(message, *args)


def _pool_manager(
    configuration: Configuration, pools_size: int, maxsize: int | None
) -> urllib3.PoolManager:
    options = _pool_options(configuration, maxsize)
    if not configuration.proxy:
        return urllib3.PoolManager(num_pools=pools_size, **options)
    try:
        return urllib3.ProxyManager(
            configuration.proxy,
            num_pools=pools_size,
            proxy_headers=configuration.proxy_headers,
            **options,
        )
    except (HTTPError, ValueError) as err:
        proxy = _display_url(configuration.proxy)
        raise ApiValueError(f"the proxy URL {proxy} is not usable") from err


def _pool_options(configuration: Configuration, maxsize: int | None) -> dict[str, Any]:
    """Connection pool keyword arguments; unset ones keep urllib3's default."""
    if maxsize is None:
        maxsize = configuration.connection_pool_maxsize
    verify = configuration.verify_ssl
    options = {
        "maxsize": maxsize,
        "cert_reqs": ssl.CERT_REQUIRED if verify else ssl.CERT_NONE,
        "ca_certs": configuration.ssl_ca_cert,
        "cert_file": configuration.cert_file,
        "key_file": configuration.key_file,
        "assert_hostname": configuration.assert_hostname,
        "server_hostname": configuration.tls_server_name,
        "retries": configuration.retries,
        "socket_options": configuration.socket_options,
    }
    return {name: value for name, value in options.items() if value is not None}


def _answer(raw: urllib3.BaseHTTPResponse, where: str) -> RESTResponse:
    """Wrap ``raw``; an error's body is read now, for the exception."""
    if not _is_success(raw.status):
        raw.data  # noqa: B018 (the property reads the body and keeps it)
    return RESTResponse(raw, where)


def _checked_method(method: str) -> str:
    upper = method.upper()
    if upper not in METHODS:
        allowed = ", ".join(sorted(METHODS))
        raise ApiValueError(f"HTTP method {method!r} is not one of {allowed}")
    return upper


def _checked_headers(headers: Mapping[str, str] | None) -> urllib3.HTTPHeaderDict:
    """Copy the headers, refusing any that would break the request line."""
    for name, value in (headers or {}).items():
        _check_header(name, str(value))
    return urllib3.HTTPHeaderDict(headers)


def _check_header(name: str, value: str) -> None:
    if any(char in text for text in (name, value) for char in "\r\n"):
        raise ApiValueError(f"header {name!r} contains a line break")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ApiValueError(f"header {name!r} is not Latin-1 text") from None


def _encode_payload(
    headers: urllib3.HTTPHeaderDict,
    body: bytes | str | None,
    post_params: PostParams | None,
) -> bytes | None:
    """The bytes to send; a form also sets ``headers["Content-Type"]``."""
    if post_params is not None:
        if body is not None:
            raise ApiValueError("a request takes body or post_params, not both")
        return _encode_form(headers, post_params)
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    raise ApiTypeError(f"body must be bytes or str, not {type(body).__name__}")


def _encode_form(headers: urllib3.HTTPHeaderDict, fields: PostParams) -> bytes:
    content_type = headers.get("Content-Type", FORM_URLENCODED)
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type == MULTIPART_FORM:
        payload, headers["Content-Type"] = urllib3.encode_multipart_formdata(fields)
        return payload
    if media_type == FORM_URLENCODED:
        headers["Content-Type"] = content_type
        return urlencode(fields).encode("ascii")
    raise ApiValueError(
        f"post_params need Content-Type {FORM_URLENCODED} or {MULTIPART_FORM}, "
        f"not {content_type}"
    )


def _timeout(
    requested: TimeoutValue | None, configured: TimeoutValue
) -> urllib3.Timeout:
    """``requested`` or else ``configured``, as a urllib3 timeout."""
    value = check_timeout(configured if requested is None else requested)
    if isinstance(value, tuple):
        return urllib3.Timeout(connect=value[0], read=value[1])
    return urllib3.Timeout(total=value)


def _translate(err: Exception, where: str) -> OpenApiException:
    """The exception of ours that stands for urllib3's ``err``.

    ``where`` names the request: its method and its URL as shown by
    :func:`_display_url`.
    """
    cause = _unwrap(err)
    if isinstance(cause, LocationValueError):
        return ApiValueError(f"{where}: the URL is not valid")
    reason = f"{where} failed: {_describe(cause)}"
    if _is_timeout(cause):
        return ApiTimeoutError(status=0, reason=reason)
    return ApiConnectionError(status=0, reason=reason)


def _unwrap(err: Exception) -> Exception:
    """The failure behind a retry that gave up, or ``err`` itself."""
    if isinstance(err, MaxRetryError) and err.reason is not None:
        return err.reason
    return err


def _is_timeout(cause: Exception) -> bool:
    if isinstance(cause, NewConnectionError):
        return False
    return isinstance(cause, Urllib3TimeoutError)


def _describe(cause: Exception) -> str:
    """A few words on what failed, with the system's reason when known."""
    phrase = next(
        (text for kind, text in _CAUSES if isinstance(cause, kind)),
        type(cause).__name__,
    )
    detail = None if _is_timeout(cause) else _os_error_text(cause)
    return f"{phrase} ({detail})" if detail else phrase


def _os_error_text(cause: Exception) -> str | None:
    """The text of the ``OSError`` behind ``cause``, if there is one."""
    for inner in (cause.__cause__, *cause.args):
        if isinstance(inner, OSError):
            return inner.strerror or str(inner) or None
    return None


def _display_url(url: str) -> str:
    """``url`` without credentials, query or fragment, safe to show."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    hostport = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, hostport, parts.path, "", ""))


def _is_success(status: int) -> bool:
    return 200 <= status <= 299


def _elapsed_ms(started: float) -> float:
    return (time.monotonic() - started) * 1000.0
