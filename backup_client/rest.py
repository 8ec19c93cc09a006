"""The HTTP transport: urllib3 pool managers, retries and the answers they give.

:class:`RESTClientObject` sends already-encoded requests and raises this
package's exceptions for everything that goes wrong: a non-2xx status
raises the matching :class:`~backup_client.exceptions.ApiException`, and
every failure of urllib3, while sending or while reading a body later, is
turned into ours in one place, :func:`_urllib3_errors`.

:class:`RetryPolicy` is the default retry policy: idempotent requests are
retried on connection failures and on 429, 502, 503 and 504 answers, with
jittered exponential backoff that honours ``Retry-After`` up to a cap.

A body read into memory (every 2xx answer that is not streamed, and every
error answer) must arrive within the read timeout as a whole, not only
between two reads of the socket, and may be capped in size by
``Configuration.max_answer_bytes``: a server that streams without end is
cut off, its connection closed.

Each request logs one INFO line (method, URL with secrets masked, status,
time taken) on the ``backup_client.rest`` logger; with
``Configuration.debug`` on, DEBUG lines add the headers (secrets masked)
and the body sizes.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import logging
import os
import random
import ssl
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from itertools import takewhile
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, Union
from urllib.parse import urlencode, urlsplit, urlunsplit

import urllib3
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    InvalidHeader,
    LocationParseError,
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
    URLSchemeUnknown,
)
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.util.retry import Retry
from urllib3.util.ssl_ import create_urllib3_context

from backup_client._logging import redact_headers, redact_url
from backup_client.configuration import Configuration, TimeoutValue, check_timeout
from backup_client.exceptions import (
    ApiConnectionError,
    ApiProxyError,
    ApiTimeoutError,
    ApiTLSError,
    ApiTypeError,
    ApiValueError,
    OpenApiException,
    exception_for_status,
)

if TYPE_CHECKING:
    from typing_extensions import Self
    from urllib3._base_connection import BaseHTTPConnection
    from urllib3.connectionpool import ConnectionPool

__all__ = [
    "IDEMPOTENT_METHODS",
    "METHODS",
    "NO_LIMITS",
    "RETRY_STATUSES",
    "BodyLimits",
    "RESTClientObject",
    "RESTResponse",
    "RetryPolicy",
    "check_headers",
    "retry_policy",
]

logger = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "POST", "PUT", "PATCH"})

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
"""Methods that may be sent twice without harm, so they are retried."""

RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""Answers that say "try again later": throttled, or a gateway without a
healthy server behind it.  A 500 is not among them: a server error rarely
goes away on its own."""

# Three retries ride out a restarting server or a load balancer moving off
# a bad node, while a host that is down fails within seconds.
DEFAULT_RETRIES = 3
DEFAULT_REDIRECTS = 5

# Waits of 0.5, 1 and 2 seconds plus up to half a second of jitter each:
# at most five seconds added to a call, and clients that failed together
# do not all come back at the same instant.
BACKOFF_FACTOR = 0.5
BACKOFF_JITTER = 0.5
BACKOFF_MAX = 8.0

# A server that asks for a longer pause than this is not waited for: its
# answer is raised at once, Retry-After header included, so the caller
# decides instead of sitting in a call for minutes.
RETRY_AFTER_CAP = 30.0

CREDENTIAL_HEADERS = frozenset(
    {"authorization", "cookie", "proxy-authorization"}
    | {name.lower() for name in Configuration.API_KEY_SCHEMES.values()}
)
"""Headers dropped when a redirect leads to another host."""

CHUNK_SIZE = 64 * 1024
"""Bytes read at a time when a body is streamed or read into memory."""

FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART_FORM = "multipart/form-data"

PostParams = Union[Sequence[tuple[str, Any]], Mapping[str, Any]]
"""Form fields: ``(name, value)`` pairs; a value may be a file tuple
``(filename, data, content_type)`` for multipart forms."""

# Everything urllib3 raises derives from HTTPError, except this ValueError.
_URLLIB3_ERRORS = (HTTPError, ProxySchemeUnsupported)

# Failures while reading a body that urllib3 would retry had it read the body
# itself: a connection that broke, timed out or failed TLS.
_BODY_READ_ERRORS = (ProtocolError, Urllib3TimeoutError, SSLError)

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
    (InvalidHeader, "the answer has an invalid header"),
    (ResponseError, "too many error answers"),
)


class RetryPolicy(Retry):
    """urllib3's ``Retry`` with this package's defaults and three changes.

    - A method outside ``allowed_methods`` (POST and PATCH by default) is
      never retried, not even after a failure to connect.
    - A read timeout is not retried unless ``retry_read_timeouts`` is set:
      the server got the request and is slow, and asking again would
      multiply the wait by the number of retries.
    - ``Retry-After`` is honoured up to ``retry_after_cap`` seconds; an
      answer asking for longer is returned at once instead of retried.
      An unreadable ``Retry-After`` falls back to the backoff.
    - The body of an answer that is retried is not read: its connection
      is closed instead.  urllib3 would read it to the end to reuse the
      connection, and a body without end would keep the call waiting
      for ever.

    The backoff before retry *n* is ``backoff_factor * 2 ** (n - 1)`` plus
    a random ``0..backoff_jitter``, at most ``backoff_max`` seconds.  When
    the retries are used up the last answer is returned (``raise_on_status``
    and ``raise_on_redirect`` are off), so that it is raised as its
    :class:`~backup_client.exceptions.ApiException` with status and body.
    """

    def __init__(
        self,
        total: bool | int | None = None,
        connect: int | None = DEFAULT_RETRIES,
        read: int | None = DEFAULT_RETRIES,
        redirect: bool | int | None = DEFAULT_REDIRECTS,
        status: int | None = DEFAULT_RETRIES,
        other: int | None = 0,
        allowed_methods: Collection[str] | None = IDEMPOTENT_METHODS,
        status_forcelist: Collection[int] | None = RETRY_STATUSES,
        backoff_factor: float = BACKOFF_FACTOR,
        backoff_max: float = BACKOFF_MAX,
        raise_on_redirect: bool = False,
        raise_on_status: bool = False,
        remove_headers_on_redirect: Collection[str] = CREDENTIAL_HEADERS,
        backoff_jitter: float = BACKOFF_JITTER,
        *,
        retry_after_cap: float = RETRY_AFTER_CAP,
        retry_read_timeouts: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            total=total,
            connect=connect,
            read=read,
            redirect=redirect,
            status=status,
            other=other,
            allowed_methods=allowed_methods,
            status_forcelist=status_forcelist,
            backoff_factor=backoff_factor,
            backoff_max=backoff_max,
            raise_on_redirect=raise_on_redirect,
            raise_on_status=raise_on_status,
            remove_headers_on_redirect=remove_headers_on_redirect,
            backoff_jitter=backoff_jitter,
            **kwargs,
        )
        self.retry_after_cap = retry_after_cap
        self.retry_read_timeouts = retry_read_timeouts

    def new(self, **kw: Any) -> Self:
        kw.setdefault("retry_after_cap", self.retry_after_cap)
        kw.setdefault("retry_read_timeouts", self.retry_read_timeouts)
        return super().new(**kw)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: urllib3.BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        """The policy after one more failure; raises when there is no retry."""
        if error is not None and not self._may_retry(method, error):
            raise error.with_traceback(_stacktrace)
        if response is not None and self._wait_exceeds_cap(response):
            reason = ResponseError(f"Retry-After exceeds {self.retry_after_cap} s")
            raise MaxRetryError(_pool, url or "", reason)  # type: ignore[arg-type]
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if response is not None:
            response.close()  # reading its body first could take for ever
        return retry

    def get_backoff_time(self) -> float:
        """Seconds to wait after the failures since the last redirect."""
        failures = sum(
            1
            for _ in takewhile(
                lambda h: h.redirect_location is None, reversed(self.history)
            )
        )
        if failures == 0:
            return 0.0
        delay = self.backoff_factor * 2.0 ** (failures - 1)
        delay += random.uniform(0.0, self.backoff_jitter)
        return max(0.0, min(self.backoff_max, delay))

    def get_retry_after(self, response: urllib3.BaseHTTPResponse) -> float | None:
        """The ``Retry-After`` wait in seconds, at most ``retry_after_cap``."""
        wait = self._requested_wait(response)
        return None if wait is None else min(wait, self.retry_after_cap)

    def _requested_wait(self, response: urllib3.BaseHTTPResponse) -> float | None:
        header = response.headers.get("Retry-After")
        if header is None:
            return None
        try:
            return float(self.parse_retry_after(header))
        except InvalidHeader:
            return None

    def _may_retry(self, method: str | None, error: Exception) -> bool:
        if method is None:
            return False
        allowed = self.allowed_methods
        if allowed is not None and method.upper() not in allowed:
            return False
        return self.retry_read_timeouts or not isinstance(error, ReadTimeoutError)

    def _wait_exceeds_cap(self, response: urllib3.BaseHTTPResponse) -> bool:
        if response.get_redirect_location() or not self.respect_retry_after_header:
            return False
        wait = self._requested_wait(response)
        return wait is not None and wait > self.retry_after_cap


def retry_policy(configuration: Configuration) -> Retry:
    """The retry policy that ``configuration.retries`` asks for.

    ``None`` is :class:`RetryPolicy` as it is, a number sets its connect,
    read and status retry counts, ``False`` disables retries and
    redirects.  A ``Retry`` given by the user is kept but for two things:
    it returns the last answer rather than raising urllib3's
    ``MaxRetryError``, and it drops every credential header, the API-key
    headers included, when a redirect leads to another host.
    """
    setting = configuration.retries
    secrets = CREDENTIAL_HEADERS | {h.lower() for h in configuration.api_key_headers()}
    if setting is None:
        return RetryPolicy(remove_headers_on_redirect=secrets)
    if setting is False:
        return Retry(total=False)
    if isinstance(setting, Retry):
        return setting.new(
            raise_on_status=False,
            raise_on_redirect=False,
            remove_headers_on_redirect=setting.remove_headers_on_redirect | secrets,
        )
    return RetryPolicy(
        connect=setting,
        read=setting,
        status=setting,
        remove_headers_on_redirect=secrets,
    )


class BodyLimits(NamedTuple):
    """How long reading a body into memory may take, and how large it may be.

    ``seconds`` counts from the first read of the body; ``None`` in either
    field sets no limit.
    """

    seconds: float | None = None
    max_bytes: int | None = None


NO_LIMITS = BodyLimits()


class RESTResponse:
    """An HTTP answer: status, reason, headers and body.

    When the request was sent with ``_preload_content=False`` the body is
    left on the connection: :meth:`read` or :meth:`stream` it, then
    :meth:`release_conn`; or read ``data``, which reads all of it within
    ``limits``.  Failures while reading raise this package's exceptions.
    ``urllib3_response`` is the answer urllib3 gave; once the body has been
    read into ``data`` nothing is left to read from it, and reading from it
    directly raises urllib3's exceptions.
    """

    def __init__(
        self,
        response: urllib3.BaseHTTPResponse,
        where: str = "the request",
        *,
        preloaded: bool = True,
        body: bytes | None = None,
        limits: BodyLimits = NO_LIMITS,
    ) -> None:
        self.urllib3_response = response
        self.status = response.status
        self.reason = response.reason
        self.headers = response.headers
        self._where = where
        self._preloaded = preloaded or body is not None
        self._body = body
        self._limits = limits
        self._handed_over = False

    @property
    def data(self) -> bytes:
        """The body, read from the connection on first use if need be.

        :raises ApiValueError: the body was handed over by
            :meth:`take_body`, or is larger than ``limits`` allow.
        :raises ApiTimeoutError: the body took longer than ``limits`` allow.
        """
        return self.read_body()

    def read_body(self, progress: Callable[[int], object] | None = None) -> bytes:
        """The whole body, as :attr:`data` gives it, within the same limits.

        ``progress``, when given, is called with the number of bytes read
        so far after each chunk that comes from the connection.
        """
        if self._handed_over:
            raise ApiValueError(
                f"{self._where}: the body was handed to the JSON parser and "
                "not kept; send the request with _preload_content=False to "
                "read it yourself"
            )
        if self._body is None:
            self._body = self._read_all(progress)
            self._preloaded = True
        return self._body

    def take_body(self) -> bytes:
        """The body, after which this answer keeps no reference to it.

        ``ApiClient.call_api`` hands the body to the JSON parser this way,
        so that a large body is freed as soon as it has been decoded rather
        than kept, next to the models made from it, for as long as the
        answer lives.  ``data`` raises ``ApiValueError`` afterwards.
        """
        body = self.data
        self._body = None
        self._handed_over = True
        return body

    def read(self, amt: int | None = None) -> bytes:
        """Up to ``amt`` bytes of the body (all of it when ``amt`` is None)."""
        with _urllib3_errors(self._where):
            return self.urllib3_response.read(amt)

    def stream(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """The body in chunks of up to ``chunk_size`` bytes."""
        if self._preloaded:
            yield self.data
            return
        with _urllib3_errors(self._where):
            yield from self.urllib3_response.stream(chunk_size)

    def release_conn(self) -> None:
        """Give the connection back to the pool, dropping any unread body."""
        self.urllib3_response.release_conn()

    def close(self) -> None:
        """Close the connection; a body not read yet is lost."""
        self.urllib3_response.close()

    def __enter__(self) -> RESTResponse:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release_conn()

    def getheaders(self) -> urllib3.HTTPHeaderDict:
        """All headers, looked up without regard to case."""
        return self.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """The value of header ``name`` (any case), or ``default``."""
        return self.headers.get(name, default)

    def __repr__(self) -> str:
        return f"RESTResponse(status={self.status}, reason={self.reason!r})"

    def _read_all(self, progress: Callable[[int], object] | None) -> bytes:
        with _urllib3_errors(self._where):
            if self._preloaded:  # urllib3 read the body when it made the answer
                return self.urllib3_response.data
            return _read_body(
                self.urllib3_response, self._where, self._limits, progress
            )


class RESTClientObject:
    """Sends requests through urllib3 pool managers; safe to share by threads.

    :param configuration: TLS, proxy, retry and pool settings; they are
        read when the client is created, except ``timeout`` and ``debug``,
        which are read on every request.
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
        self.retries = retry_policy(configuration)
        self._secret_headers = configuration.api_key_headers()
        options = _pool_options(configuration, maxsize)
        self.pool_manager = _pool_manager(configuration, pools_size, options)
        self._direct_manager: urllib3.PoolManager | None = None
        if configuration.proxy and configuration.no_proxy:
            self._direct_manager = _direct_pool_manager(pools_size, options)

    def close(self) -> None:
        """Close every pooled connection.

        A connection still carrying an answer that is being read is closed
        once the answer has been read.
        """
        _close_pools(self.pool_manager)
        if self._direct_manager is not None:
            _close_pools(self._direct_manager)

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

        Unless ``_preload_content`` is false the body is read before this
        returns, and must arrive within the read timeout as a whole; a
        body that breaks off is retried as the retry policy says.  An
        error answer's body is always read, for its exception.

        :raises ApiValueError: a bad method, header, timeout or URL, or a
            body larger than ``Configuration.max_answer_bytes``.
        :raises ApiException: a non-2xx answer, as the subclass for its status.
        :raises ApiConnectionError: no answer; ``ApiTimeoutError`` when a
            timeout ran out, ``ApiTLSError`` and ``ApiProxyError`` when TLS
            or the proxy failed.
        """
        exchange = self._prepare(
            method, url, headers, body, post_params, _preload_content, _request_timeout
        )
        log = _ExchangeLog(
            exchange.method, url, self._secret_headers, self.configuration.debug
        )

        log.sending(exchange.headers, exchange.payload)
        try:
            with _urllib3_errors(exchange.where):
                raw, data = self._send(exchange)
        except OpenApiException as error:
            log.failed(error)
            raise
        response = RESTResponse(
            raw,
            exchange.where,
            preloaded=data is not None,
            body=data,
            limits=exchange.limits,
        )
        log.answered(response)

        if not _is_success(response.status):
            raise exception_for_status(response.status)(http_resp=response)
        return response

    def _prepare(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        body: bytes | str | None,
        post_params: PostParams | None,
        preload: bool,
        requested_timeout: TimeoutValue | None,
    ) -> _Exchange:
        """Check and encode what ``request`` was given."""
        method = _checked_method(method)
        send_headers = _checked_headers(headers)
        payload = _encode_payload(send_headers, body, post_params)
        configured = self.configuration.timeout
        timeout = check_timeout(
            configured if requested_timeout is None else requested_timeout
        )
        read_seconds = timeout[1] if isinstance(timeout, tuple) else timeout
        return _Exchange(
            method=method,
            url=url,
            headers=send_headers,
            payload=payload,
            timeout=_urllib3_timeout(timeout),
            where=f"{method} {_display_url(url)}",
            limits=BodyLimits(read_seconds, self.configuration.max_answer_bytes),
            preload=preload,
        )

    def _send(
        self, exchange: _Exchange
    ) -> tuple[urllib3.BaseHTTPResponse, bytes | None]:
        """The answer, with its body unless the caller streams it.

        urllib3 retries what fails before the answer's headers are in; a
        body that breaks off while it is read here is retried the same way,
        with the same policy and what is left of its retries.
        """
        retries = self.retries
        while True:
            raw = self._manager_for(exchange.url).urlopen(
                exchange.method,
                exchange.url,
                body=exchange.payload,
                headers=exchange.headers,
                timeout=exchange.timeout,
                preload_content=False,
                retries=retries,
            )
            if not exchange.preload and _is_success(raw.status):
                return raw, None
            try:
                return raw, _read_body(raw, exchange.where, exchange.limits)
            except _BODY_READ_ERRORS as err:
                # Raises the error when the policy allows no more retries.
                retries = (raw.retries or retries).increment(
                    exchange.method,
                    exchange.url,
                    error=err,
                    _stacktrace=err.__traceback__,
                )
                logger.debug("%s: the body broke off; retrying", exchange.where)
                retries.sleep()

    def _manager_for(self, url: str) -> urllib3.PoolManager:
        """The proxy's pool manager, or the direct one if ``no_proxy`` says so."""
        direct = self._direct_manager
        if direct is not None and self.configuration.bypasses_proxy(url):
            return direct
        return self.pool_manager


class _Exchange(NamedTuple):
    """One request, ready to send, and how its answer's body is read."""

    method: str
    url: str
    headers: urllib3.HTTPHeaderDict
    payload: bytes | None
    timeout: urllib3.Timeout
    where: str
    limits: BodyLimits
    preload: bool


class _ExchangeLog:
    """The log lines of one request, with every secret masked.

    DEBUG lines, written only when the configuration's ``debug`` is on,
    show the headers and body sizes; one INFO line sums the request up.
    """

    def __init__(
        self, method: str, url: str, secret_headers: Collection[str], debug: bool
    ) -> None:
        self.title = f"{method} {redact_url(url, secret_headers)}"
        self.secret_headers = secret_headers
        self.debug = debug
        self.started = time.monotonic()

    def sending(self, headers: Mapping[str, str], payload: bytes | None) -> None:
        if self.debug:
            logger.debug(
                "%s: sending headers %s and %d body bytes",
                self.title,
                redact_headers(headers, self.secret_headers),
                len(payload or b""),
            )

    def answered(self, response: RESTResponse) -> None:
        if self.debug:
            logger.debug(
                "%s: answer %d %s%s, headers %s, %s body bytes",
                self.title,
                response.status,
                response.reason,
                _retries_note(response.urllib3_response),
                redact_headers(response.headers, self.secret_headers),
                _body_size(response),
            )
        logger.info(
            "%s -> %d %s in %.0f ms",
            self.title,
            response.status,
            response.reason,
            self._elapsed_ms(),
        )

    def failed(self, error: OpenApiException) -> None:
        logger.info("%s (after %.0f ms)", error, self._elapsed_ms())

    def _elapsed_ms(self) -> float:
        return (time.monotonic() - self.started) * 1000.0


def _retries_note(raw: urllib3.BaseHTTPResponse) -> str:
    """`` after 2 retries (503, 503)``, or nothing when none were made."""
    history = raw.retries.history if raw.retries is not None else ()
    if not history:
        return ""
    causes = ", ".join(
        str(h.status) if h.status else type(h.error).__name__ for h in history
    )
    return f" after {len(history)} retries ({causes})"


def _body_size(response: RESTResponse) -> str:
    if response._preloaded:
        return str(len(response.data))
    return response.getheader("Content-Length") or "unread"


class _UnverifiedHTTPSConnectionPool(HTTPSConnectionPool):
    """An HTTPS pool for ``verify_ssl=False`` that does not warn per request.

    urllib3 warns on every unverified request; the configuration warned
    once already, when verification was switched off, and changing the
    process's warning filters instead would not be thread-safe.  This
    overrides urllib3's hook that runs before each request, keeping its
    early connect so that TLS failures are reported as urllib3 does.
    """

    def _validate_conn(self, conn: BaseHTTPConnection) -> None:
        HTTPConnectionPool._validate_conn(self, conn)
        if conn.is_closed:
            conn.connect()


def _close_pools(manager: urllib3.PoolManager) -> None:
    """Close the pools of ``manager``, with their connections, and drop them.

    ``PoolManager.clear`` only drops them: their connections are closed
    when the pools are garbage-collected, and anything still referring to
    a pool puts that off for as long as it lives, such as the client's
    ``last_response``, or urllib3's ``MaxRetryError`` in the context of
    an exception that the caller keeps.
    """
    pools = manager.pools
    for key in pools.keys():  # noqa: SIM118 (the container cannot be iterated)
        pool = pools.get(key)
        if pool is not None:
            pool.close()
    manager.clear()


def _pool_manager(
    configuration: Configuration, pools_size: int, options: dict[str, Any]
) -> urllib3.PoolManager:
    if not configuration.proxy:
        return _direct_pool_manager(pools_size, options)
    proxy_headers = configuration.proxy_headers
    with _urllib3_errors(f"the proxy {_display_url(configuration.proxy)}"):
        manager = urllib3.ProxyManager(
            configuration.proxy,
            num_pools=pools_size,
            proxy_headers=_checked_headers(proxy_headers) if proxy_headers else None,
            **options,
        )
    return _quiet_if_unverified(manager, options)


def _direct_pool_manager(
    pools_size: int, options: dict[str, Any]
) -> urllib3.PoolManager:
    manager = urllib3.PoolManager(num_pools=pools_size, **options)
    return _quiet_if_unverified(manager, options)


def _quiet_if_unverified(
    manager: urllib3.PoolManager, options: dict[str, Any]
) -> urllib3.PoolManager:
    if options["cert_reqs"] == ssl.CERT_NONE:
        manager.pool_classes_by_scheme = {
            **manager.pool_classes_by_scheme,
            "https": _UnverifiedHTTPSConnectionPool,
        }
    return manager


def _pool_options(configuration: Configuration, maxsize: int | None) -> dict[str, Any]:
    """Connection pool keyword arguments; unset ones keep urllib3's default."""
    if maxsize is None:
        maxsize = configuration.connection_pool_maxsize
    verify = configuration.verify_ssl
    options = {
        "maxsize": maxsize,
        "cert_reqs": ssl.CERT_REQUIRED if verify else ssl.CERT_NONE,
        "cert_file": _checked_file("cert_file", configuration.cert_file),
        "key_file": _checked_file("key_file", configuration.key_file),
        "assert_hostname": configuration.assert_hostname,
        "server_hostname": configuration.tls_server_name,
        "socket_options": configuration.socket_options,
        **_ca_option(configuration.ssl_ca_cert),
    }
    return {name: value for name, value in options.items() if value is not None}


def _ca_option(ssl_ca_cert: str | None) -> dict[str, Any]:
    """``ca_certs`` for a file path; for PEM text, a context that trusts it.

    The context stands in for urllib3's ``ca_cert_data``, which its pool
    managers accept only from version 2.1 on.
    """
    if ssl_ca_cert is None:
        return {}
    if "-----BEGIN" not in ssl_ca_cert:
        _checked_file("ssl_ca_cert", ssl_ca_cert)
        return {"ca_certs": ssl_ca_cert}
    context = create_urllib3_context()
    try:
        context.load_verify_locations(cadata=ssl_ca_cert)
    except ssl.SSLError as err:
        raise ApiValueError(
            f"ssl_ca_cert holds PEM text that is not valid: {err}"
        ) from err
    return {"ssl_context": context}


def _checked_file(setting: str, path: str | None) -> str | None:
    """``path``, once it is known to name a file; ``None`` stays ``None``."""
    if path is not None and not os.path.isfile(path):
        raise ApiValueError(f"{setting} {path!r} is not a file")
    return path


def _read_body(
    raw: urllib3.BaseHTTPResponse,
    where: str,
    limits: BodyLimits,
    progress: Callable[[int], object] | None = None,
) -> bytes:
    """The whole body, read a chunk at a time within ``limits``.

    A single read of the socket waits at most the read timeout; between
    reads, the time spent on the whole body and its size are checked, so
    that a server streaming without end, fast or a byte at a time, is cut
    off.  The chunks go into one growing buffer, which becomes the
    returned bytes without a copy.  ``progress`` is told the bytes read so
    far after each chunk.

    :raises ApiTimeoutError: the body took longer than ``limits.seconds``.
    :raises ApiValueError: the body is larger than ``limits.max_bytes``.
    """
    _check_announced_size(raw, where, limits.max_bytes)
    deadline = None if limits.seconds is None else time.monotonic() + limits.seconds
    buffer = io.BytesIO()
    # read1 returns what one read of the socket gives, so the limits are
    # checked however slowly the body trickles in.
    while chunk := raw.read1(CHUNK_SIZE):
        buffer.write(chunk)
        _check_progress(raw, where, limits, buffer.tell(), deadline)
        if progress is not None:
            progress(buffer.tell())
    return buffer.getvalue()


def _check_progress(
    raw: urllib3.BaseHTTPResponse,
    where: str,
    limits: BodyLimits,
    size: int,
    deadline: float | None,
) -> None:
    """Cut the body off once it is larger, or has taken longer, than allowed."""
    if limits.max_bytes is not None and size > limits.max_bytes:
        _cut_off(raw)
        seen = f"{size:,} bytes arrived"
        raise ApiValueError(_too_large(where, limits.max_bytes, seen))
    if deadline is not None and time.monotonic() > deadline:
        _cut_off(raw)
        reason = (
            f"{where} failed: read timed out: the body was still coming after "
            f"the read timeout of {limits.seconds:g} s ({size:,} bytes read)"
        )
        raise ApiTimeoutError(status=0, reason=reason)


def _check_announced_size(
    raw: urllib3.BaseHTTPResponse, where: str, max_bytes: int | None
) -> None:
    """Refuse, before reading it, a body whose Content-Length exceeds the cap.

    Content-Length counts the bytes sent; only without a Content-Encoding
    is that the size of the body read.
    """
    headers = raw.headers
    announced = headers.get("Content-Length", "")
    if (
        max_bytes is None
        or headers.get("Content-Encoding", "identity").lower() != "identity"
        or not announced.isdigit()
        or int(announced) <= max_bytes
    ):
        return
    _cut_off(raw)
    seen = f"Content-Length announces {int(announced):,} bytes"
    raise ApiValueError(_too_large(where, max_bytes, seen))


def _cut_off(raw: urllib3.BaseHTTPResponse) -> None:
    """Close the connection of an answer whose body is abandoned.

    The rest of the body is never read, so the connection cannot carry
    another request; the pool gets back a closed connection, which it
    opens anew when it next needs one.
    """
    raw.close()
    raw.release_conn()


def _too_large(where: str, max_bytes: int, seen: str) -> str:
    return (
        f"{where}: the answer's body is larger than max_answer_bytes "
        f"({max_bytes:,} bytes): {seen}"
    )


def _checked_method(method: str) -> str:
    upper = method.upper()
    if upper not in METHODS:
        allowed = ", ".join(sorted(METHODS))
        raise ApiValueError(f"HTTP method {method!r} is not one of {allowed}")
    return upper


def check_headers(headers: Mapping[str, str] | None) -> None:
    """Refuse headers that would break the request: line breaks, non-Latin-1.

    The error names the header, never its value, which may be a secret.
    """
    for name, value in (headers or {}).items():
        _check_header(name, str(value))


def _checked_headers(headers: Mapping[str, str] | None) -> urllib3.HTTPHeaderDict:
    """Copy the headers, refusing any that would break the request line."""
    check_headers(headers)
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


def _urllib3_timeout(value: TimeoutValue) -> urllib3.Timeout:
    """A checked timeout as urllib3 takes it."""
    if isinstance(value, tuple):
        return urllib3.Timeout(connect=value[0], read=value[1])
    return urllib3.Timeout(total=value)


# -- the one place where urllib3's exceptions become ours ---------------------


@contextlib.contextmanager
def _urllib3_errors(where: str) -> Iterator[None]:
    """Raise this package's exception for any urllib3 failure in the block.

    ``where`` names the request: its method and its URL as shown by
    :func:`_display_url`.  The new exception is chained from the failure
    behind it; urllib3's ``MaxRetryError`` wrapper is skipped, as its
    message repeats the URL, query string included.
    """
    try:
        yield
    except _URLLIB3_ERRORS as err:
        raise _translate(err, where) from _chain_cause(err)


def _translate(err: Exception, where: str) -> OpenApiException:
    """The exception of ours that stands for urllib3's ``err``."""
    cause = _unwrap(err)
    problem = _input_problem(cause)
    if problem is not None:
        return ApiValueError(f"{where}: {problem}")
    reason = f"{where} failed: {_describe(cause)}"
    return _connection_error_class(cause)(status=0, reason=reason)


def _input_problem(cause: Exception) -> str | None:
    """What was wrong with the URL, proxy or body, if that is what failed."""
    if isinstance(cause, URLSchemeUnknown):
        # The proxy's variant of this error names the scheme in its text only.
        scheme = getattr(cause, "scheme", None)
        if scheme is None:
            return str(cause)
        return f"the scheme {scheme!r} is not supported; use http or https"
    if isinstance(cause, LocationValueError):
        return "the URL is not valid"
    if isinstance(cause, ProxySchemeUnsupported):
        return str(cause)
    if isinstance(cause, DecodeError):
        return "the answer's body could not be decoded"
    return None


def _connection_error_class(cause: Exception) -> type[ApiConnectionError]:
    if isinstance(cause, ProxyError):
        return ApiProxyError
    if isinstance(cause, SSLError):
        return ApiTLSError
    if _is_timeout(cause):
        return ApiTimeoutError
    return ApiConnectionError


def _unwrap(err: Exception) -> Exception:
    """The failure behind a retry that gave up, or ``err`` itself."""
    if isinstance(err, MaxRetryError) and err.reason is not None:
        return err.reason
    return err


def _chain_cause(err: Exception) -> Exception | None:
    """What the translated exception is chained from.

    A URL that does not parse is left out: urllib3's message quotes it
    whole, secrets and all, and ours says what is wrong.
    """
    cause = _unwrap(err)
    return None if isinstance(cause, LocationParseError) else cause


def _is_timeout(cause: BaseException) -> bool:
    if isinstance(cause, NewConnectionError):
        return False
    return isinstance(cause, Urllib3TimeoutError)


def _describe(cause: BaseException) -> str:
    """A few words on what failed, with the system's reason when known."""
    if isinstance(cause, ProxyError) and cause.original_error is not None:
        return f"proxy failed: {_describe(cause.original_error)}"
    phrase = next(
        (text for kind, text in _CAUSES if isinstance(cause, kind)),
        type(cause).__name__,
    )
    detail = None if _is_timeout(cause) else _detail(cause)
    return f"{phrase} ({detail})" if detail else phrase


def _detail(cause: BaseException) -> str | None:
    """The system's reason behind ``cause``, or how much of a body came."""
    for inner in (cause, cause.__cause__, *cause.args):
        if isinstance(inner, OSError):
            return inner.strerror or str(inner) or None
        if isinstance(inner, http.client.IncompleteRead):
            return f"the body was cut short: {inner!r}"
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
