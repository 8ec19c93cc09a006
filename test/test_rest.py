"""Tests for backup_client.rest, against servers on 127.0.0.1."""

from __future__ import annotations

import contextlib
import logging
import re
import ssl
import time
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, ReadTimeoutError

from backup_client.configuration import Configuration
from backup_client.exceptions import (
    ApiConnectionError,
    ApiException,
    ApiTimeoutError,
    ApiTypeError,
    ApiValueError,
    ForbiddenException,
    NotFoundException,
    ServiceException,
    UnauthorizedException,
    UnverifiedTLSWarning,
)
from backup_client.rest import RESTClientObject, RetryPolicy
from backup_client.testing import StubServer

SHORT = (2.0, 0.3)
"""Connect and read timeouts for requests that are expected to time out."""


@contextlib.contextmanager
def rest_client(**settings: Any) -> Iterator[RESTClientObject]:
    """A client with short timeouts and no retries, changed by ``settings``."""
    config = Configuration()
    config.timeout = (2.0, 5.0)
    config.retries = False
    for name, value in settings.items():
        setattr(config, name, value)
    client = RESTClientObject(config)
    try:
        yield client
    finally:
        client.close()


def failure(client: RESTClientObject, url: str, **kwargs: Any) -> ApiException:
    """The ApiException that a GET of ``url`` raises."""
    with pytest.raises(ApiException) as info:
        client.request("GET", url, **kwargs)
    return info.value


# -- what reaches the server ------------------------------------------------


def test_get_reaches_the_server_with_path_and_headers(
    stub: StubServer, client: RESTClientObject
) -> None:
    """A GET arrives with its path and headers."""
    stub.add("GET", "/v2/attempts")
    client.request("GET", f"{stub.url}/v2/attempts", headers={"X-Trace": "t-1"})
    (received,) = stub.requests
    assert (received.method, received.path) == ("GET", "/v2/attempts")
    assert received.headers["X-Trace"] == "t-1"


def test_post_sends_the_json_body(stub: StubServer, client: RESTClientObject) -> None:
    """A POST body arrives byte for byte with its Content-Type."""
    stub.add("POST", "/v2/attempts", status=201)
    headers = {"Content-Type": "application/json"}
    client.request("POST", f"{stub.url}/v2/attempts", headers, b'{"status": "Running"}')
    (received,) = stub.requests
    assert received.json == {"status": "Running"}
    assert received.headers["Content-Type"] == "application/json"


def test_str_body_is_sent_as_utf8(stub: StubServer, client: RESTClientObject) -> None:
    """A str body is encoded as UTF-8."""
    stub.add("PUT", "/v2/notes")
    client.request("PUT", f"{stub.url}/v2/notes", body="café")
    assert stub.requests[0].body == "café".encode()


def test_query_string_reaches_the_server(
    stub: StubServer, client: RESTClientObject
) -> None:
    """The URL's query string arrives unchanged."""
    stub.add("GET", "/v2/attempts")
    client.request("GET", f"{stub.url}/v2/attempts?limit=10&tag=a&tag=b")
    assert stub.requests[0].query == {"limit": ["10"], "tag": ["a", "b"]}


def test_lowercase_method_is_accepted(
    stub: StubServer, client: RESTClientObject
) -> None:
    """A method in lower case is sent in upper case."""
    stub.add("DELETE", "/v2/attempts/1", status=204)
    client.request("delete", f"{stub.url}/v2/attempts/1")
    assert stub.requests[0].method == "DELETE"


def test_form_post_params_are_urlencoded(
    stub: StubServer, client: RESTClientObject
) -> None:
    """post_params without a Content-Type are sent urlencoded."""
    stub.add("POST", "/v2/login")
    client.request("POST", f"{stub.url}/v2/login", post_params=[("user", "a b")])
    (received,) = stub.requests
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert received.body == b"user=a+b"


def test_multipart_post_params_carry_fields_and_files(
    stub: StubServer, client: RESTClientObject
) -> None:
    """Multipart post_params are encoded with a boundary by urllib3."""
    stub.add("POST", "/v2/upload")
    fields = [("note", "hi"), ("file", ("a.txt", b"payload", "text/plain"))]
    headers = {"Content-Type": "multipart/form-data"}
    client.request("POST", f"{stub.url}/v2/upload", headers, post_params=fields)
    (received,) = stub.requests
    assert received.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="a.txt"' in received.body
    assert b"payload" in received.body


def test_post_params_refuse_a_json_content_type(client: RESTClientObject) -> None:
    """post_params with a Content-Type that is not a form raise ApiValueError."""
    headers = {"Content-Type": "application/json"}
    with pytest.raises(ApiValueError, match="post_params"):
        client.request("POST", "http://127.0.0.1:9/", headers, post_params=[("a", 1)])


def test_body_and_post_params_together_are_refused(client: RESTClientObject) -> None:
    """Giving both body and post_params raises ApiValueError."""
    with pytest.raises(ApiValueError, match="not both"):
        client.request("POST", "http://127.0.0.1:9/", body=b"x", post_params=[])


def test_body_of_another_type_is_refused(client: RESTClientObject) -> None:
    """A body that is not bytes or str raises ApiTypeError."""
    with pytest.raises(ApiTypeError, match="dict"):
        client.request("POST", "http://127.0.0.1:9/", body={"a": 1})  # type: ignore[arg-type]


# -- answers ----------------------------------------------------------------


def test_answer_exposes_status_reason_body_and_headers(
    stub: StubServer, client: RESTClientObject
) -> None:
    """A RESTResponse gives status, reason, data and headers."""
    stub.add("GET", "/v2/x", body=b"hello", headers={"X-Request-Id": "r-1"})
    response = client.request("GET", f"{stub.url}/v2/x")
    assert (response.status, response.reason, response.data) == (200, "OK", b"hello")
    assert response.getheaders()["X-Request-Id"] == "r-1"


def test_getheader_ignores_case_and_has_a_default(
    stub: StubServer, client: RESTClientObject
) -> None:
    """getheader finds a header in any case and falls back to the default."""
    stub.add("GET", "/v2/x", headers={"X-Request-Id": "r-1"})
    response = client.request("GET", f"{stub.url}/v2/x")
    assert response.getheader("x-request-id") == "r-1"
    assert response.getheader("X-Missing", "none") == "none"


def test_answer_keeps_the_urllib3_response(
    stub: StubServer, client: RESTClientObject
) -> None:
    """urllib3_response is the answer urllib3 gave."""
    stub.add("GET", "/v2/x")
    response = client.request("GET", f"{stub.url}/v2/x")
    assert isinstance(response.urllib3_response, urllib3.BaseHTTPResponse)


def test_unpreloaded_body_is_left_for_the_caller(
    stub: StubServer, client: RESTClientObject
) -> None:
    """With _preload_content=False the body is still on the connection."""
    stub.add("GET", "/v2/x", body=b"streamed")
    response = client.request("GET", f"{stub.url}/v2/x", _preload_content=False)
    raw = response.urllib3_response
    assert raw.read() == b"streamed"
    raw.release_conn()


def test_unpreloaded_body_is_read_by_data(
    stub: StubServer, client: RESTClientObject
) -> None:
    """data reads a body that was not preloaded."""
    stub.add("GET", "/v2/x", body=b"late")
    response = client.request("GET", f"{stub.url}/v2/x", _preload_content=False)
    assert response.data == b"late"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ApiException),
        (401, UnauthorizedException),
        (403, ForbiddenException),
        (404, NotFoundException),
        (409, ApiException),
        (500, ServiceException),
        (503, ServiceException),
    ],
)
def test_error_status_raises_its_exception(
    stub: StubServer, client: RESTClientObject, status: int, kind: type
) -> None:
    """A non-2xx answer raises the class for its status."""
    stub.add("GET", "/v2/x", status=status)
    assert type(failure(client, f"{stub.url}/v2/x")) is kind


def test_error_carries_status_reason_body_and_headers(
    stub: StubServer, client: RESTClientObject
) -> None:
    """The exception of a non-2xx answer describes that answer."""
    headers = {"X-Request-Id": "r-9"}
    stub.add("GET", "/v2/x", status=503, body=b'{"error": "busy"}', headers=headers)
    error = failure(client, f"{stub.url}/v2/x")
    assert (error.status, error.reason) == (503, "Service Unavailable")
    assert error.body == b'{"error": "busy"}'
    assert error.headers is not None and error.headers["X-Request-Id"] == "r-9"


def test_error_body_is_read_without_preloading(
    stub: StubServer, client: RESTClientObject
) -> None:
    """An error answer's body is read even with _preload_content=False."""
    stub.add("GET", "/v2/x", status=404, body=b"gone")
    error = failure(client, f"{stub.url}/v2/x", _preload_content=False)
    assert error.body == b"gone"


# -- requests refused before sending ----------------------------------------


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "FETCH"])
def test_unsupported_method_is_refused(client: RESTClientObject, method: str) -> None:
    """A method outside GET, HEAD, DELETE, OPTIONS, POST, PUT, PATCH is refused."""
    with pytest.raises(ApiValueError, match=method):
        client.request(method, "http://127.0.0.1:9/")


@pytest.mark.parametrize("value", ["a\r\nInjected: yes", "a\nInjected: yes"])
def test_header_with_a_line_break_is_refused(
    stub: StubServer, client: RESTClientObject, value: str
) -> None:
    """A header value with CR or LF raises ApiValueError naming the header."""
    with pytest.raises(ApiValueError, match="X-Note") as info:
        client.request("GET", f"{stub.url}/v2/x", headers={"X-Note": value})
    assert "Injected" not in str(info.value)
    assert stub.requests == []


# -- failures without an answer ---------------------------------------------


def test_refused_connection_raises_api_connection_error(closed_port: int) -> None:
    """A refused connection raises ApiConnectionError, not a timeout."""
    with rest_client() as client:
        error = failure(client, f"http://127.0.0.1:{closed_port}/v2/x")
    assert type(error) is ApiConnectionError
    assert "could not connect" in str(error)


def test_refused_connection_is_chained_from_urllib3(closed_port: int) -> None:
    """The connection error's cause is urllib3's exception."""
    with rest_client() as client:
        error = failure(client, f"http://127.0.0.1:{closed_port}/v2/x")
    assert isinstance(error.__cause__, HTTPError)


def test_refused_connection_after_retries_raises_api_connection_error(
    closed_port: int,
) -> None:
    """Retries that give up on a refused connection raise ApiConnectionError."""
    policy = RetryPolicy(connect=2, backoff_factor=0, backoff_jitter=0)
    with rest_client(retries=policy) as client:
        error = failure(client, f"http://127.0.0.1:{closed_port}/v2/x")
    assert type(error) is ApiConnectionError
    assert isinstance(error.__cause__, NewConnectionError)


def test_connection_error_names_the_request_without_secrets(closed_port: int) -> None:
    """The message names method and URL, without credentials or query."""
    url = f"http://user:pw-1@127.0.0.1:{closed_port}/v2/x?token=t-1"
    with rest_client() as client:
        message = str(failure(client, url))
    assert message.startswith(f"GET http://127.0.0.1:{closed_port}/v2/x failed: ")
    assert "pw-1" not in message
    assert "t-1" not in message


def test_server_hanging_up_raises_api_connection_error(hangup_url: str) -> None:
    """A server that closes without answering raises ApiConnectionError."""
    with rest_client() as client:
        error = failure(client, f"{hangup_url}/v2/x")
    assert type(error) is ApiConnectionError
    assert "connection broken" in str(error)


def test_silent_server_raises_api_timeout_error(silent_url: str) -> None:
    """A server that never answers raises ApiTimeoutError after the read timeout."""
    started = time.monotonic()
    with rest_client() as client:
        error = failure(client, f"{silent_url}/v2/x", _request_timeout=SHORT)
    assert isinstance(error, ApiTimeoutError)
    assert "read timed out" in str(error)
    assert time.monotonic() - started < 2.0


def test_timeout_after_retries_raises_api_timeout_error(silent_url: str) -> None:
    """A timeout behind urllib3's retry wrapper raises ApiTimeoutError from it."""
    with rest_client(retries=0) as client:
        error = failure(client, f"{silent_url}/v2/x", _request_timeout=SHORT)
    assert isinstance(error, ApiTimeoutError)
    assert isinstance(error.__cause__, ReadTimeoutError)


def test_configured_timeout_applies_by_default(silent_url: str) -> None:
    """Without _request_timeout the configuration's timeout is used."""
    started = time.monotonic()
    with rest_client(timeout=0.3) as client:
        error = failure(client, f"{silent_url}/v2/x")
    assert isinstance(error, ApiTimeoutError)
    assert time.monotonic() - started < 2.0


def test_request_timeout_overrides_the_configured_one(silent_url: str) -> None:
    """_request_timeout takes precedence over Configuration.timeout."""
    started = time.monotonic()
    with rest_client(timeout=30.0) as client:
        error = failure(client, f"{silent_url}/v2/x", _request_timeout=0.3)
    assert isinstance(error, ApiTimeoutError)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("value", [0, -1.0, float("inf"), (1.0, None)])
def test_request_timeout_without_a_finite_limit_is_refused(
    client: RESTClientObject, value: Any
) -> None:
    """A _request_timeout that is not positive and finite raises ApiValueError."""
    with pytest.raises(ApiValueError, match="timeout"):
        client.request("GET", "http://127.0.0.1:9/", _request_timeout=value)


def test_invalid_url_raises_api_value_error(client: RESTClientObject) -> None:
    """A URL urllib3 cannot parse raises ApiValueError."""
    with pytest.raises(ApiValueError, match="URL"):
        client.request("GET", "http://127.0.0.1:port/v2/x")


# -- debug logging ----------------------------------------------------------


def test_debug_logs_the_request_and_the_answer(
    stub: StubServer,
    configuration: Configuration,
    client: RESTClientObject,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With debug on, DEBUG lines show what was sent and received, then INFO sums up."""
    stub.add("GET", "/v2/x", body=b"12345")
    configuration.debug = True
    client.request("GET", f"{stub.url}/v2/x?limit=1", {"X-Trace": "t-1"}, b"ab")
    records = [r for r in caplog.records if r.name == "backup_client.rest"]
    sent, answered, summary = (r.getMessage() for r in records)
    title = f"GET {stub.url}/v2/x?limit=1"
    assert sent == f"{title}: sending headers {{'X-Trace': 't-1'}} and 2 body bytes"
    assert answered.startswith(f"{title}: answer 200 OK, headers {{")
    assert answered.endswith(", 5 body bytes")
    assert re.fullmatch(rf"{re.escape(title)} -> 200 OK in \d+ ms", summary)
    assert [r.levelno for r in records] == [logging.DEBUG, logging.DEBUG, logging.INFO]


def test_debug_logs_no_header_values_or_query(
    stub: StubServer,
    configuration: Configuration,
    client: RESTClientObject,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Debug lines show no header value and no query string."""
    stub.add("GET", "/v2/x")
    configuration.debug = True
    headers = {"Authorization": "Bearer tok-zq", "apiKey": "key-zq"}
    client.request("GET", f"{stub.url}/v2/x?sessionId=sid-zq", headers)
    assert caplog.records
    assert "-zq" not in caplog.text


def test_a_failure_is_logged_in_one_info_line(
    closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A failed request logs its failure and the time taken at INFO."""
    with rest_client(debug=True) as client:
        error = failure(client, f"http://127.0.0.1:{closed_port}/v2/x")
    last = caplog.records[-1]
    assert (last.name, last.levelno) == ("backup_client.rest", logging.INFO)
    assert re.fullmatch(rf"{re.escape(str(error))} \(after \d+ ms\)", last.getMessage())


def test_only_the_info_line_without_debug(
    stub: StubServer, client: RESTClientObject, caplog: pytest.LogCaptureFixture
) -> None:
    """With debug off, a request logs its one INFO line and no DEBUG detail."""
    stub.add("GET", "/v2/x")
    with caplog.at_level(logging.DEBUG, logger="backup_client"):
        client.request("GET", f"{stub.url}/v2/x")
    ours = [r for r in caplog.records if r.name.startswith("backup_client")]
    assert [r.levelno for r in ours] == [logging.INFO]


# -- the pool manager -------------------------------------------------------


def test_tls_is_verified_with_the_system_store_by_default() -> None:
    """The pool requires certificates and names no CA file unless told."""
    with rest_client() as client:
        options = client.pool_manager.connection_pool_kw
    assert options["cert_reqs"] == ssl.CERT_REQUIRED
    assert "ca_certs" not in options


def test_verify_ssl_false_stops_certificate_checks() -> None:
    """verify_ssl = False sets cert_reqs to CERT_NONE."""
    with pytest.warns(UnverifiedTLSWarning), rest_client(verify_ssl=False) as client:
        assert client.pool_manager.connection_pool_kw["cert_reqs"] == ssl.CERT_NONE


def test_tls_settings_reach_the_pool(tmp_path: Any) -> None:
    """CA file, client certificate, key and host name checks reach urllib3."""
    files = {name: tmp_path / name for name in ("ca.pem", "client.pem", "client.key")}
    for path in files.values():
        path.write_text("")
    settings = {
        "ssl_ca_cert": str(files["ca.pem"]),
        "cert_file": str(files["client.pem"]),
        "key_file": str(files["client.key"]),
        "assert_hostname": "cluster.test",
        "tls_server_name": "sni.test",
    }
    with rest_client(**settings) as client:
        options = client.pool_manager.connection_pool_kw
    assert options["ca_certs"] == settings["ssl_ca_cert"]
    assert (options["cert_file"], options["key_file"]) == (
        settings["cert_file"],
        settings["key_file"],
    )
    assert options["assert_hostname"] == "cluster.test"
    assert options["server_hostname"] == "sni.test"


def test_invalid_pem_text_is_refused() -> None:
    """ssl_ca_cert holding PEM text that does not parse raises ApiValueError."""
    pem = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"
    config = Configuration()
    config.ssl_ca_cert = pem
    with pytest.raises(ApiValueError, match="ssl_ca_cert holds PEM text"):
        RESTClientObject(config)


@pytest.mark.parametrize("setting", ["ssl_ca_cert", "cert_file", "key_file"])
def test_missing_tls_file_is_named(setting: str, tmp_path: Any) -> None:
    """A TLS file setting naming no file raises ApiValueError naming the setting."""
    config = Configuration()
    setattr(config, setting, str(tmp_path / "missing.pem"))
    with pytest.raises(ApiValueError, match=f"{setting} .*missing.pem"):
        RESTClientObject(config)


def test_pool_size_comes_from_the_configuration() -> None:
    """connection_pool_maxsize sets the pool's maxsize."""
    with rest_client(connection_pool_maxsize=3) as client:
        assert client.pool_manager.connection_pool_kw["maxsize"] == 3


def test_maxsize_argument_overrides_the_configuration() -> None:
    """An explicit maxsize wins over connection_pool_maxsize."""
    client = RESTClientObject(Configuration(), maxsize=7)
    assert client.pool_manager.connection_pool_kw["maxsize"] == 7
    client.close()


def test_retries_come_from_the_configuration() -> None:
    """A urllib3.Retry in Configuration.retries is used, its counts kept."""
    retry = urllib3.Retry(total=2, backoff_factor=0.1)
    with rest_client(retries=retry) as client:
        pooled = client.retries
    assert (pooled.total, pooled.backoff_factor) == (2, 0.1)
    assert not pooled.raise_on_status
    assert "apikey" in pooled.remove_headers_on_redirect


def test_default_retries_are_the_retry_policy() -> None:
    """With retries None the client uses RetryPolicy with its defaults."""
    with rest_client(retries=None) as client:
        pooled = client.retries
    assert type(pooled) is RetryPolicy
    assert (pooled.connect, pooled.read, pooled.status) == (3, 3, 3)


def test_proxy_receives_the_request_with_proxy_headers(stub: StubServer) -> None:
    """With proxy set, requests go to the proxy with the proxy headers."""
    stub.add("GET", "/v2/x")
    headers = {"Proxy-Authorization": "Basic cHJveHk="}
    with rest_client(proxy=stub.url, proxy_headers=headers) as client:
        assert isinstance(client.pool_manager, urllib3.ProxyManager)
        client.request("GET", "http://127.0.0.1:9/v2/x")
    (received,) = stub.requests
    assert received.path == "/v2/x"
    assert received.headers["Proxy-Authorization"] == "Basic cHJveHk="


def test_unusable_proxy_url_raises_api_value_error() -> None:
    """A proxy URL with an unknown scheme raises ApiValueError."""
    config = Configuration()
    config.proxy = "ftp://user:pw-1@127.0.0.1:21"
    with pytest.raises(
        ApiValueError, match=r"the proxy ftp://127\.0\.0\.1:21: .*scheme ftp"
    ) as info:
        RESTClientObject(config)
    assert "pw-1" not in str(info.value)


def test_close_drops_the_pools(stub: StubServer, client: RESTClientObject) -> None:
    """close() closes and forgets every connection pool."""
    stub.add("GET", "/v2/x")
    client.request("GET", f"{stub.url}/v2/x")
    client.close()
    assert len(client.pool_manager.pools) == 0


@pytest.mark.parametrize("url", ["ftp://127.0.0.1:21/x", "gopher://127.0.0.1/x"])
def test_unsupported_scheme_is_named(client: RESTClientObject, url: str) -> None:
    """A URL whose scheme is not http or https raises ApiValueError naming it."""
    scheme = url.partition(":")[0]
    with pytest.raises(ApiValueError, match=f"scheme '{scheme}' is not supported"):
        client.request("GET", url)
