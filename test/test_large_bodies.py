"""Large and endless answers: memory, the read timeout and the size cap.

A body read into memory must arrive within the read timeout as a whole,
and may be capped by ``Configuration.max_answer_bytes``; a server that
streams without end, fast or a byte at a time, is cut off and its
connection closed.  Bodies the caller reads (``_preload_content=False``)
or downloads are bounded only per read of the socket.  A 200 MB answer is
hydrated in a fresh process whose memory is measured against
``json.loads`` of the same bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import TRUNCATE, Reply, ScriptedServer
from streaming_server import (
    Stream,
    StreamingServer,
    attempt_json,
    endless,
    trickle,
)

from backup_client import ApiClient, Configuration
from backup_client.exceptions import (
    ApiConnectionError,
    ApiTimeoutError,
    ApiValueError,
)
from backup_client.model_utils import file_type
from backup_client.models import BackupAttempt, BackupDataStats
from backup_client.rest import RetryPolicy

READ_TIMEOUT = 1.0
DID_NOT_HANG = READ_TIMEOUT + 4.0
"""A bound on a call that must be cut off: the read timeout, the last read's
wait, and time to spare on a busy machine."""
CAP = 1024 * 1024

LARGE_ANSWER = 200_000_000
"""Bytes of the answer whose hydration is measured."""
MEMORY_MULTIPLE = 4.0
"""The most memory, in multiples of the body, that fetching and hydrating it
may take at its peak (measured: 3.4)."""

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@pytest.fixture
def streaming() -> Iterator[StreamingServer]:
    """A started StreamingServer."""
    with StreamingServer() as server:
        yield server


@pytest.fixture
def fetch(
    streaming: StreamingServer, make_client: Callable[..., ApiClient]
) -> Callable[..., Any]:
    """Calls GET ``path`` on the streaming server, hydrating a list of attempts.

    Keyword arguments are set on the client's configuration; the read
    timeout is short and nothing is retried unless they say otherwise.
    """

    def call(path: str, **settings: Any) -> Any:
        settings = {"timeout": (2.0, READ_TIMEOUT), "retries": 0, **settings}
        client = make_client(streaming.url, **settings)
        return client.call_api(
            path,
            "GET",
            response_type=([BackupAttempt],),
            _return_http_data_only=True,
        )

    return call


def traced_peak(work: Callable[[], Any]) -> tuple[BaseException | None, int]:
    """The exception ``work`` raised (or None) and its peak of traced memory."""
    tracemalloc.start()
    try:
        work()
    except Exception as error:
        return error, tracemalloc.get_traced_memory()[1]
    else:
        return None, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def hung_up(server: StreamingServer, path: str) -> bool:
    """Whether the client closed the connection of ``path``'s answer.

    The server finds out when its next write fails, so this waits a while.
    """
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        if server.hung_up[path]:
            return True
        time.sleep(0.02)
    return False


# -- endless bodies are cut off by the read timeout ---------------------------------


@pytest.mark.parametrize(
    "length", [None, 10**13], ids=["no-content-length", "huge-content-length"]
)
def test_fast_endless_body_is_cut_by_read_timeout(
    streaming: StreamingServer, fetch: Callable[..., Any], length: int | None
) -> None:
    """A body streamed fast and without end raises ApiTimeoutError after the read
    timeout, having held no more than what arrived meanwhile, and the connection
    is closed.

    Before, each read of the socket got the read timeout afresh and came back
    at once, so the call never ended and its memory grew without bound; a
    huge Content-Length made urllib3 allocate it and raise MemoryError.
    """
    streaming.add("/endless", Stream(endless().body, length=length))
    started = time.monotonic()
    error, peak = traced_peak(lambda: fetch("/endless"))
    elapsed = time.monotonic() - started

    assert isinstance(error, ApiTimeoutError), error
    message = str(error)
    assert "GET http://127.0.0.1:" in message
    assert "read timed out: the body was still coming after the read timeout" in (
        message
    )
    assert "of 1 s (" in message and " bytes read)" in message
    assert READ_TIMEOUT <= elapsed < DID_NOT_HANG
    assert hung_up(streaming, "/endless")
    assert peak < 2 * streaming.sent["/endless"] + CAP


def test_trickling_body_is_cut_by_read_timeout(
    streaming: StreamingServer, fetch: Callable[..., Any]
) -> None:
    """A body that comes a byte at a time, each well within the read timeout,
    raises ApiTimeoutError once the whole has taken longer than the read timeout.
    """
    streaming.add("/trickle", trickle(10_000, pause=0.05))
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError, match="the body was still coming") as info:
        fetch("/trickle")
    assert READ_TIMEOUT <= time.monotonic() - started < DID_NOT_HANG
    assert info.value.status == 0
    assert hung_up(streaming, "/trickle")


@pytest.mark.parametrize("timeout", [0.5, (2.0, 0.5)], ids=["total", "pair"])
def test_request_timeout_sets_the_body_deadline_too(
    streaming: StreamingServer,
    make_client: Callable[..., ApiClient],
    timeout: float | tuple[float, float],
) -> None:
    """_request_timeout, a number or (connect, read), bounds the body of that
    call instead of the configured read timeout."""
    streaming.add("/trickle", trickle(10_000, pause=0.05))
    client = make_client(streaming.url, timeout=(2.0, 60.0), retries=0)
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError, match=r"the read timeout of 0\.5 s \("):
        client.call_api("/trickle", "GET", _request_timeout=timeout)
    assert time.monotonic() - started < DID_NOT_HANG


def test_endless_error_body_is_cut_by_read_timeout(
    streaming: StreamingServer, fetch: Callable[..., Any]
) -> None:
    """A 500 answer whose body never ends raises ApiTimeoutError, not a hang:
    an error's body is read for its exception within the same limit."""
    streaming.add("/broken", Stream(endless().body, status=500))
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError, match="the body was still coming"):
        fetch("/broken")
    assert time.monotonic() - started < DID_NOT_HANG
    assert hung_up(streaming, "/broken")


def test_body_of_a_retried_answer_is_not_read(
    streaming: StreamingServer, fetch: Callable[..., Any]
) -> None:
    """A 503 that is retried is not read to the end: urllib3 read it all to
    reuse the connection, which never ends for a body without end.

    TODO: check that the retried answer's socket is closed at once too; it
    sometimes stays open, unread, until the server ends the body.
    """
    slow = trickle(int(DID_NOT_HANG / 0.1) + 10, pause=0.1)  # outlasts the bound
    busy = Stream(slow.body, status=503, headers={"Retry-After": "0"})
    ok = Stream(lambda: [b"[]"], length=2)
    streaming.add("/busy", busy, ok)
    policy = RetryPolicy(backoff_factor=0, backoff_jitter=0)
    started = time.monotonic()
    assert fetch("/busy", retries=policy) == []
    assert time.monotonic() - started < DID_NOT_HANG


def test_slow_body_within_the_read_timeout_arrives(
    streaming: StreamingServer, fetch: Callable[..., Any]
) -> None:
    """A body that trickles in but is whole within the read timeout is hydrated."""
    streaming.add("/slow", trickle(12, pause=0.02))
    assert fetch("/slow") == []


# -- the size cap --------------------------------------------------------------------


def test_endless_body_is_cut_by_max_answer_bytes(
    streaming: StreamingServer, fetch: Callable[..., Any]
) -> None:
    """With max_answer_bytes set, an endless body raises ApiValueError once more
    than that has arrived, holding little more than the cap."""
    streaming.add("/endless", endless())
    error, peak = traced_peak(
        lambda: fetch("/endless", timeout=(2.0, 60.0), max_answer_bytes=CAP)
    )
    assert isinstance(error, ApiValueError), error
    assert "larger than max_answer_bytes (1,048,576 bytes)" in str(error)
    assert str(error).endswith(" bytes arrived")
    assert peak < 4 * CAP
    assert hung_up(streaming, "/endless")


def test_announced_length_over_the_cap_is_refused_unread(
    streaming: StreamingServer, fetch: Callable[..., Any]
) -> None:
    """A Content-Length over max_answer_bytes is refused before any of the body
    is read, and the connection is closed."""
    streaming.add("/big", Stream(endless().body, length=100 * CAP))
    with pytest.raises(
        ApiValueError, match=r"Content-Length announces 104,857,600 bytes"
    ):
        fetch("/big", max_answer_bytes=CAP)
    assert hung_up(streaming, "/big")


@pytest.mark.parametrize("length", [None, 2], ids=["unannounced", "announced"])
def test_body_of_exactly_the_cap_is_read(
    streaming: StreamingServer, fetch: Callable[..., Any], length: int | None
) -> None:
    """A body of exactly max_answer_bytes bytes is within the cap."""
    streaming.add("/list", Stream(lambda: [b"[", b"]"], length=length))
    assert fetch("/list", max_answer_bytes=2) == []


def test_cut_off_connection_is_not_used_again(
    streaming: StreamingServer, make_client: Callable[..., ApiClient]
) -> None:
    """After a body is cut off, the next request goes over a new connection."""
    streaming.add("/endless", endless())
    streaming.add("/list", Stream(lambda: [b"[]"], length=2))
    client = make_client(streaming.url, retries=0, max_answer_bytes=CAP)
    with pytest.raises(ApiValueError):
        client.call_api("/endless", "GET", response_type=(object,))
    result = client.call_api("/list", "GET", response_type=(object,))
    assert result[0] == []
    assert streaming.connections == 2


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "1000", float("inf")])
def test_max_answer_bytes_refuses_what_is_not_a_byte_count(value: Any) -> None:
    """max_answer_bytes is a whole number >= 1 or None; anything else raises
    ApiValueError naming the setting and the value."""
    config = Configuration()
    with pytest.raises(ApiValueError, match="max_answer_bytes") as info:
        config.max_answer_bytes = value
    assert repr(value) in str(info.value)
    assert config.max_answer_bytes is None


def test_max_answer_bytes_is_none_by_default_and_shown_in_repr() -> None:
    """No cap unless one is set; repr shows the setting."""
    config = Configuration()
    assert config.max_answer_bytes is None
    config.max_answer_bytes = 5_000_000
    assert "max_answer_bytes=5000000" in repr(config)


# -- bodies the caller reads --------------------------------------------------------


def test_stream_read_by_the_caller_is_bounded_per_read_only(
    streaming: StreamingServer, make_client: Callable[..., ApiClient]
) -> None:
    """With _preload_content=False the caller decides how long to read: a body
    taking longer than the read timeout, each byte within it, is read whole."""
    streaming.add("/slow", trickle(30, pause=0.05))
    client = make_client(streaming.url, timeout=(2.0, 0.5), retries=0)
    answer = client.call_api("/slow", "GET", _preload_content=False)
    with answer:
        body = b"".join(answer.stream(8))
    assert body == b" " * 28 + b"[]"


def test_data_of_an_unread_answer_is_cut_by_read_timeout(
    streaming: StreamingServer, make_client: Callable[..., ApiClient]
) -> None:
    """Reading all of an unread answer through data is bounded like a preload."""
    streaming.add("/endless", endless())
    client = make_client(streaming.url, timeout=(2.0, READ_TIMEOUT), retries=0)
    answer = client.call_api("/endless", "GET", _preload_content=False)
    with pytest.raises(ApiTimeoutError, match="the body was still coming"):
        answer.data  # noqa: B018 (the property reads the body)
    assert hung_up(streaming, "/endless")


def test_read_body_tells_progress_the_bytes_read_so_far(
    streaming: StreamingServer, make_client: Callable[..., ApiClient]
) -> None:
    """read_body reads like data and reports the growing count after each chunk."""
    streaming.add("/slow", trickle(30, pause=0.01))
    client = make_client(streaming.url, timeout=(2.0, 5.0), retries=0)
    answer = client.call_api("/slow", "GET", _preload_content=False)
    counts: list[int] = []
    with answer:
        assert answer.read_body(counts.append) == b" " * 28 + b"[]"
    assert counts == sorted(set(counts)) and counts[-1] == 30
    assert answer.data == b" " * 28 + b"[]"


def test_slow_download_is_bounded_per_read_only(
    streaming: StreamingServer, make_client: Callable[..., ApiClient], tmp_path: Path
) -> None:
    """A download goes to a file, not to memory, and may take longer than the read
    timeout as long as each part arrives within it."""
    streaming.add("/file", trickle(30, pause=0.05))
    client = make_client(
        streaming.url, timeout=(2.0, 0.5), retries=0, temp_folder_path=str(tmp_path)
    )
    handle = client.call_api(
        "/file", "GET", response_type=(file_type,), _return_http_data_only=True
    )
    with handle:
        assert handle.read() == b" " * 28 + b"[]"


# -- bodies that break off are retried as before -------------------------------------


def test_truncated_body_is_retried_for_get(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """A GET whose body breaks off is sent again, as urllib3 did when it read it."""
    body = b'[{"status": "Running"}]'
    scripted.script(Reply(body=body, fault=TRUNCATE), Reply(body=body))
    policy = RetryPolicy(backoff_factor=0, backoff_jitter=0)
    client = make_client(scripted.url, retries=policy)
    result = client.call_api("/x", "GET", response_type=([BackupAttempt],))
    assert result[0] == [BackupAttempt(status="Running")]
    assert len(scripted.seen) == 2


def test_truncated_body_is_not_retried_for_post(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """A POST whose body breaks off raises ApiConnectionError at once."""
    scripted.script(Reply(body=b"[1, 2, 3]", fault=TRUNCATE), Reply(body=b"[]"))
    client = make_client(scripted.url, retries=RetryPolicy(backoff_factor=0))
    with pytest.raises(ApiConnectionError, match="the body was cut short"):
        client.call_api("/x", "POST", body={}, response_type=(object,))
    assert len(scripted.seen) == 1


# -- memory --------------------------------------------------------------------------


def test_hydrated_body_is_not_kept_by_last_response(
    streaming: StreamingServer, make_client: Callable[..., ApiClient]
) -> None:
    """Once call_api has parsed a body, last_response keeps its status and headers
    but not the body: reading it raises ApiValueError saying why."""
    body = b"[" + attempt_json(0) + b"]"
    streaming.add("/list", Stream(lambda: [body], length=len(body)))
    client = make_client(streaming.url)
    attempts = client.call_api(
        "/list", "GET", response_type=([BackupAttempt],), _return_http_data_only=True
    )
    assert attempts[0].progress_task_id == "task-0"
    answer = client.last_response
    assert answer is not None
    assert (answer.status, answer.getheader("Content-Length")) == (200, str(len(body)))
    with pytest.raises(ApiValueError, match="handed to the JSON parser and not kept"):
        answer.data  # noqa: B018 (the property raises)


def test_answer_that_is_not_utf8_names_the_byte(
    streaming: StreamingServer, fetch: Callable[..., Any]
) -> None:
    """A body taken from its answer to be parsed still reports where it stops
    being UTF-8."""
    body = b'["\xff"]'
    streaming.add("/bad", Stream(lambda: [body], length=len(body)))
    with pytest.raises(
        ApiValueError, match="not valid UTF-8: invalid start byte at byte 2"
    ):
        fetch("/bad")


def test_unparsed_body_is_kept_by_last_response(
    streaming: StreamingServer, make_client: Callable[..., ApiClient]
) -> None:
    """Without a response_type the body is not parsed, and last_response has it."""
    streaming.add("/list", Stream(lambda: [b"[]"], length=2))
    client = make_client(streaming.url)
    client.call_api("/list", "GET")
    assert client.last_response is not None
    assert client.last_response.data == b"[]"


def python_names(wire: dict[str, Any]) -> dict[str, Any]:
    """An attempt's wire JSON value with the python names to_dict() gives."""
    named = {PYTHON_NAMES[key]: value for key, value in wire.items()}
    named["stats"] = {PYTHON_NAMES[key]: value for key, value in wire["stats"].items()}
    return named


# Each wire name, of both models, to its python name.
PYTHON_NAMES = {
    wire: python
    for model in (BackupAttempt, BackupDataStats)
    for python, wire in model.attribute_map.items()
}


def measure(how: str) -> dict[str, Any]:
    """Run answer_memory.py in a fresh interpreter; what it measured."""
    result = subprocess.run(
        [sys.executable, str(HERE / "answer_memory.py"), how, str(LARGE_ANSWER)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=HERE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_200_mb_answer_hydrates_in_a_small_multiple_of_its_size() -> None:
    """Fetching and hydrating a 200 MB list of attempts peaks at under 4x the body,
    no more than holding the body and json.loads-ing it, and keeps nothing but
    the models.

    Before, the answer kept the body's bytes while they were decoded and
    parsed, and last_response kept them after: 4.4x at the peak, and the
    body kept beside the models.
    """
    ours = measure("client")
    baseline = measure("json")
    size = ours["size"]

    assert ours["records"] == baseline["records"] > 400_000
    assert ours["first"] == python_names(baseline["first"])
    assert ours["peak"] <= MEMORY_MULTIPLE * size, ours["peak"] / size
    assert ours["peak"] <= size + baseline["peak"], (ours, baseline)
    assert ours["kept"] <= baseline["kept"] + size / 2, (ours, baseline)
