"""Tests for backup_client.testing, spoken to with http.client."""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from backup_client.testing import RecordedRequest, StubServer


def connect(server: StubServer) -> http.client.HTTPConnection:
    """A keep-alive connection to ``server`` with a short timeout."""
    port = urlsplit(server.url).port
    return http.client.HTTPConnection("127.0.0.1", port, timeout=5.0)


def fetch(
    server: StubServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Send one request on a new connection; return status, headers, body."""
    connection = connect(server)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# -- answers ----------------------------------------------------------------


def test_url_is_loopback_with_an_ephemeral_port(stub: StubServer) -> None:
    """url is http://127.0.0.1 with the port the server bound."""
    parts = urlsplit(stub.url)
    assert (parts.scheme, parts.hostname) == ("http", "127.0.0.1")
    assert parts.port and parts.port > 0


def test_scripted_answer_is_sent(stub: StubServer) -> None:
    """add sets status, body and headers of the answer."""
    stub.add("GET", "/v2/x", status=202, body=b"queued", headers={"X-Id": "1"})
    status, headers, body = fetch(stub, "GET", "/v2/x")
    assert (status, body, headers["X-Id"]) == (202, b"queued", "1")


def test_answer_matches_the_path_without_the_query(stub: StubServer) -> None:
    """A request with a query string gets the answer for its path."""
    stub.add("GET", "/v2/x", body="plain")
    assert fetch(stub, "GET", "/v2/x?limit=5")[2] == b"plain"


def test_latest_add_wins(stub: StubServer) -> None:
    """A second add for the same method and path replaces the first."""
    stub.add("GET", "/v2/x", body=b"first")
    stub.add("get", "/v2/x", body=b"second")
    assert fetch(stub, "GET", "/v2/x")[2] == b"second"


def test_unscripted_request_gets_a_json_404(stub: StubServer) -> None:
    """A request nobody scripted gets 404 with a JSON error naming it."""
    status, headers, body = fetch(stub, "POST", "/v2/unknown")
    assert (status, headers["Content-Type"]) == (404, "application/json")
    assert "POST /v2/unknown" in json.loads(body)["error"]


def test_json_answer_from_plain_values(stub: StubServer) -> None:
    """json takes plain values and sets Content-Type: application/json."""
    stub.add("GET", "/v2/x", json=[{"status": "Running"}, 3, None])
    _, headers, body = fetch(stub, "GET", "/v2/x")
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == [{"status": "Running"}, 3, None]


def test_json_answer_from_models(stub: StubServer) -> None:
    """json takes models and lists of models, written with wire names."""
    models = pytest.importorskip("backup_client.models")
    attempt = models.BackupAttempt(start_time_usecs=5, status="Running")
    stub.add("GET", "/v2/x", json=[attempt])
    body = fetch(stub, "GET", "/v2/x")[2]
    assert json.loads(body) == [{"startTimeUsecs": 5, "status": "Running"}]


def test_json_and_body_together_are_refused(stub: StubServer) -> None:
    """add refuses json and body at once."""
    with pytest.raises(ValueError, match="not both"):
        stub.add("GET", "/v2/x", json={}, body=b"")


def test_content_length_is_the_body_length(stub: StubServer) -> None:
    """Content-Length is computed, whatever the script says."""
    stub.add("GET", "/v2/x", body="é", headers={"Content-Length": "99"})
    _, headers, body = fetch(stub, "GET", "/v2/x")
    assert headers["Content-Length"] == "2" and body == "é".encode()


def test_head_answer_has_headers_and_no_body(stub: StubServer) -> None:
    """A HEAD request gets the Content-Length of the body but no body."""
    stub.add("HEAD", "/v2/x", body=b"abc")
    _, headers, body = fetch(stub, "HEAD", "/v2/x")
    assert (headers["Content-Length"], body) == ("3", b"")


def test_keep_alive_serves_several_requests_on_one_connection(
    stub: StubServer,
) -> None:
    """Two requests on one HTTP/1.1 connection both get their answer."""
    stub.add("GET", "/v2/a", body=b"a")
    stub.add("GET", "/v2/b", body=b"b")
    connection = connect(stub)
    bodies = []
    for path in ("/v2/a", "/v2/b"):
        connection.request("GET", path)
        bodies.append(connection.getresponse().read())
    connection.close()
    assert bodies == [b"a", b"b"]


def test_delay_postpones_the_answer(stub: StubServer) -> None:
    """delay makes the server wait that long before answering."""
    stub.add("GET", "/v2/slow", delay=0.3)
    started = time.monotonic()
    fetch(stub, "GET", "/v2/slow")
    assert time.monotonic() - started >= 0.3


# -- recorded requests ------------------------------------------------------


def test_request_is_recorded_in_full(stub: StubServer) -> None:
    """Method, path, query, headers, body and json are recorded."""
    stub.add("PUT", "/v2/x")
    body = b'{"a": [1, 2]}'
    fetch(stub, "PUT", "/v2/x?tag=a&tag=b&empty=", body, {"X-Trace": "t"})
    (received,) = stub.requests
    assert isinstance(received, RecordedRequest)
    assert (received.method, received.path) == ("PUT", "/v2/x")
    assert received.query == {"tag": ["a", "b"], "empty": [""]}
    assert received.headers["X-Trace"] == "t"
    assert (received.body, received.json) == (body, {"a": [1, 2]})


def test_json_is_none_for_a_body_that_is_not_json(stub: StubServer) -> None:
    """A body that does not parse as JSON records json as None."""
    fetch(stub, "POST", "/v2/x", b"a=1&b=2")
    assert stub.requests[0].json is None


def test_chunked_request_body_is_recorded(stub: StubServer) -> None:
    """A chunked request body is recorded whole."""
    connection = connect(stub)
    connection.request("POST", "/v2/x", body=iter([b"ab", b"cd"]))
    connection.getresponse().read()
    connection.close()
    assert stub.requests[0].body == b"abcd"


def test_requests_from_several_threads_are_all_recorded(stub: StubServer) -> None:
    """Concurrent requests are all answered and recorded."""
    stub.add("GET", "/v2/x", delay=0.05)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda i: fetch(stub, "GET", f"/v2/x?i={i}"), range(16))
        )
    assert {status for status, _, _ in results} == {200}
    numbers = sorted(int(r.query["i"][0]) for r in stub.requests)
    assert numbers == list(range(16))


# -- lifecycle --------------------------------------------------------------


def test_no_thread_is_left_after_the_block() -> None:
    """Leaving the block stops the server and joins every thread."""
    before = set(threading.enumerate())
    with StubServer() as server:
        connection = connect(server)
        connection.request("GET", "/v2/x")
        connection.getresponse().read()
    after = set(threading.enumerate())
    connection.close()
    assert after == before


def test_stop_interrupts_a_pending_delay() -> None:
    """stop() does not wait for a scripted delay to run out."""
    server = StubServer().start()
    server.add("GET", "/v2/slow", delay=30.0)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            fetch(server, "GET", "/v2/slow")
        except (OSError, http.client.HTTPException) as err:
            errors.append(err)

    caller = threading.Thread(target=call)
    caller.start()
    while not server.requests:
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    caller.join(5.0)
    assert time.monotonic() - started < 2.0
    assert len(errors) == 1


def test_start_and_stop_can_be_called_directly() -> None:
    """start() serves until stop(); url is unavailable after."""
    server = StubServer().start()
    server.add("GET", "/v2/x", body=b"up")
    assert fetch(server, "GET", "/v2/x")[2] == b"up"
    server.stop()
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.url


def test_start_twice_is_refused(stub: StubServer) -> None:
    """Starting a running server raises RuntimeError."""
    with pytest.raises(RuntimeError, match="already started"):
        stub.start()


def test_backup_stub_fixture_gives_a_started_server(backup_stub: StubServer) -> None:
    """The backup_stub fixture yields a server that answers."""
    backup_stub.add("GET", "/v2/x", json={"ok": True})
    assert json.loads(fetch(backup_stub, "GET", "/v2/x")[2]) == {"ok": True}
