"""Servers that misbehave: each fault raises this package's error, and none hangs.

Every request here has a short timeout, and every test checks how long the
failure took, so a regression shows up as a failure, not a stuck run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from servers import CLOSE, HANG, RESET, STALL, TRUNCATE, Reply, ScriptedServer
from urllib3.exceptions import HTTPError, ProtocolError

from backup_client import ApiClient
from backup_client.exceptions import (
    ApiConnectionError,
    ApiTimeoutError,
    ApiValueError,
    OpenApiException,
)
from backup_client.model_utils import file_type
from backup_client.models import BackupAttempt

READ_TIMEOUT = 0.3
DID_NOT_HANG = 3.0
"""A generous bound: every failure here takes well under a second."""


@pytest.fixture
def fragile(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> ApiClient:
    """A client for the scripted server with a short read timeout and no retries."""
    return make_client(scripted.url, timeout=(2.0, READ_TIMEOUT), retries=0)


@pytest.fixture
def stopwatch() -> Callable[[], float]:
    """Seconds since the test started."""
    started = time.monotonic()
    return lambda: time.monotonic() - started


def get_attempts(client: ApiClient, **kwargs: Any) -> Any:
    return client.call_api(
        "/backup-attempts",
        "GET",
        response_type=([BackupAttempt],),
        _return_http_data_only=True,
        **kwargs,
    )


def test_slow_answer_within_the_timeout_arrives(
    scripted: ScriptedServer, fragile: ApiClient
) -> None:
    """An answer slower than nothing but within the read timeout is hydrated."""
    scripted.script(Reply(body=b'[{"status": "Running"}]', delay=0.1))
    assert get_attempts(fragile) == [BackupAttempt(status="Running")]


def test_hanging_server_raises_a_timeout_error_in_time(
    scripted: ScriptedServer,
    fragile: ApiClient,
    stopwatch: Callable[[], float],
) -> None:
    """A server that accepts and never answers raises ApiTimeoutError after the read
    timeout plus a small margin."""
    scripted.script(Reply(fault=HANG))
    with pytest.raises(ApiTimeoutError, match="read timed out") as info:
        get_attempts(fragile)
    assert READ_TIMEOUT <= stopwatch() < READ_TIMEOUT + 1.0
    assert info.value.status == 0
    assert isinstance(info.value.__cause__, HTTPError)


def test_hanging_server_times_out_under_the_default_retries(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    stopwatch: Callable[[], float],
) -> None:
    """With the default retry policy a read timeout is not retried: one wait only."""
    scripted.script(Reply(fault=HANG))
    client = make_client(scripted.url, timeout=(2.0, READ_TIMEOUT))
    with pytest.raises(ApiTimeoutError):
        get_attempts(client)
    assert stopwatch() < READ_TIMEOUT + 1.0
    assert len(scripted.seen) == 1


@pytest.mark.parametrize("timeout", [READ_TIMEOUT, (2.0, READ_TIMEOUT)])
def test_request_timeout_bounds_one_call(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    stopwatch: Callable[[], float],
    timeout: Any,
) -> None:
    """_request_timeout, a number or (connect, read), replaces the configured one."""
    scripted.script(Reply(fault=HANG))
    client = make_client(scripted.url, timeout=60.0, retries=0)
    with pytest.raises(ApiTimeoutError):
        get_attempts(client, _request_timeout=timeout)
    assert stopwatch() < READ_TIMEOUT + 1.0


def test_close_without_answer_raises_connection_error(
    scripted: ScriptedServer, fragile: ApiClient, stopwatch: Callable[[], float]
) -> None:
    """A server that closes without answering raises ApiConnectionError, chained."""
    scripted.script(Reply(fault=CLOSE))
    with pytest.raises(ApiConnectionError, match="connection broken") as info:
        get_attempts(fragile)
    assert type(info.value) is ApiConnectionError
    assert isinstance(info.value.__cause__, ProtocolError)
    assert stopwatch() < DID_NOT_HANG


def test_reset_connection_raises_connection_error(
    scripted: ScriptedServer, fragile: ApiClient, stopwatch: Callable[[], float]
) -> None:
    """A TCP reset (SO_LINGER 0) raises ApiConnectionError saying it was reset."""
    scripted.script(Reply(fault=RESET))
    with pytest.raises(ApiConnectionError, match="reset") as info:
        get_attempts(fragile)
    assert type(info.value) is ApiConnectionError
    assert isinstance(info.value.__cause__, ProtocolError)
    assert stopwatch() < DID_NOT_HANG


def test_truncated_body_raises_connection_error(
    scripted: ScriptedServer, fragile: ApiClient, stopwatch: Callable[[], float]
) -> None:
    """A body shorter than its Content-Length raises ApiConnectionError."""
    scripted.script(Reply(body=b'[{"status": "Running"}]', fault=TRUNCATE))
    with pytest.raises(
        ApiConnectionError, match=r"connection broken \(the body was cut short"
    ):
        get_attempts(fragile)
    assert stopwatch() < DID_NOT_HANG


def test_truncated_body_read_later_raises_connection_error(
    scripted: ScriptedServer, fragile: ApiClient, stopwatch: Callable[[], float]
) -> None:
    """Reading a cut-short body after _preload_content=False raises our error."""
    scripted.script(Reply(body=b"x" * 1000, fault=TRUNCATE))
    answer = fragile.call_api("/x", "GET", _preload_content=False)
    with pytest.raises(ApiConnectionError, match="connection broken") as info:
        answer.read()
    answer.release_conn()
    assert isinstance(info.value.__cause__, ProtocolError)
    assert stopwatch() < DID_NOT_HANG


def test_truncated_stream_raises_connection_error(
    scripted: ScriptedServer, fragile: ApiClient
) -> None:
    """Streaming a cut-short body raises our error, never urllib3's."""
    scripted.script(Reply(body=b"x" * 1000, fault=TRUNCATE))
    answer = fragile.call_api("/x", "GET", _preload_content=False)
    with pytest.raises(ApiConnectionError, match="connection broken"):
        b"".join(answer.stream(100))
    answer.release_conn()


def test_body_that_stalls_raises_timeout_error(
    scripted: ScriptedServer, fragile: ApiClient, stopwatch: Callable[[], float]
) -> None:
    """A body that stops coming mid-way raises ApiTimeoutError after the timeout."""
    scripted.script(Reply(body=b"[", fault=STALL))
    with pytest.raises(ApiTimeoutError, match="read timed out"):
        get_attempts(fragile)
    assert stopwatch() < READ_TIMEOUT + 1.0


def test_body_that_stalls_raises_timeout_error_when_read_later(
    scripted: ScriptedServer, fragile: ApiClient, stopwatch: Callable[[], float]
) -> None:
    """With _preload_content=False a stalled body raises ApiTimeoutError on read."""
    scripted.script(Reply(body=b"x" * 10, fault=STALL))
    answer = fragile.call_api("/x", "GET", _preload_content=False)
    with pytest.raises(ApiTimeoutError, match="read timed out"):
        answer.read()
    answer.close()
    assert stopwatch() < READ_TIMEOUT + 1.0


def test_truncated_download_leaves_no_file(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    tmp_path: Path,
) -> None:
    """A download cut short raises ApiConnectionError and removes the partial file."""
    headers = {"Content-Disposition": 'attachment; filename="backup.tar"'}
    scripted.script(Reply(body=b"x" * 200_000, headers=headers, fault=TRUNCATE))
    client = make_client(scripted.url, retries=0, temp_folder_path=str(tmp_path))
    with pytest.raises(ApiConnectionError, match="connection broken"):
        client.call_api("/file", "GET", response_type=(file_type,))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", b"<html><body>Service temporarily unavailable</body></html>"),
        ("application/json", b"<html>a proxy's error page</html>"),
        ("text/plain", b"OK"),
    ],
)
def test_wrong_content_type_raises_value_error(
    scripted: ScriptedServer, fragile: ApiClient, content_type: str, body: bytes
) -> None:
    """A 200 answer that is not JSON raises ApiValueError, whatever its type says."""
    scripted.script(Reply(body=body, headers={"Content-Type": content_type}))
    with pytest.raises(ApiValueError, match="not valid JSON") as info:
        get_attempts(fragile)
    assert isinstance(info.value, OpenApiException)


def test_refused_connection_fails_fast(
    closed_port: int,
    make_client: Callable[..., ApiClient],
    stopwatch: Callable[[], float],
) -> None:
    """Nothing listening raises ApiConnectionError at once, naming the refusal."""
    client = make_client(f"http://127.0.0.1:{closed_port}", retries=0)
    with pytest.raises(ApiConnectionError, match="could not connect") as info:
        get_attempts(client)
    assert type(info.value) is ApiConnectionError
    assert stopwatch() < DID_NOT_HANG
