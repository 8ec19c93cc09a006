"""Tests for backup_client.testing, spoken to with http.client."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trustme

from backup_client.api_client import ApiClient
from backup_client.exceptions import ApiTLSError
from backup_client.models import BackupAttempt
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
    server.add("GET", "/v2/slow", delay=600.0)
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
    server.stop()
    caller.join(10.0)
    # Had stop() waited for the delay, the connection's thread would still
    # be asleep in it and the caller still waiting for an answer.
    assert not [t for t in threading.enumerate() if t.name.startswith("StubServer")]
    assert not caller.is_alive()
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


# -- TLS --------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_pem(tmp_path_factory: pytest.TempPathFactory, ca: trustme.CA) -> str:
    """A PEM file with a key and a certificate for 127.0.0.1 that ``ca`` issued."""
    path = tmp_path_factory.mktemp("tls") / "server.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def tls_stub(server_pem: str) -> Iterator[StubServer]:
    """A started StubServer speaking HTTPS with the certificate of server_pem."""
    with StubServer(certfile=server_pem) as server:
        yield server


def fetch_tls(
    server: StubServer, context: ssl.SSLContext, path: str
) -> tuple[int, bytes]:
    """GET ``path`` over HTTPS with ``context``; return status and body."""
    port = urlsplit(server.url).port
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=5.0, context=context
    )
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    """A client context that trusts ``ca`` only."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def test_tls_url_is_https(tls_stub: StubServer) -> None:
    """With a certificate, url is https://127.0.0.1 with the bound port."""
    parts = urlsplit(tls_stub.url)
    assert (parts.scheme, parts.hostname) == ("https", "127.0.0.1")


def test_tls_answers_http_client_that_trusts_the_ca(
    tls_stub: StubServer, ca: trustme.CA
) -> None:
    """http.client with ssl, trusting the CA, gets the scripted answer."""
    tls_stub.add("GET", "/v2/x", body=b"secret")
    assert fetch_tls(tls_stub, trusting(ca), "/v2/x") == (200, b"secret")


@pytest.mark.parametrize("as_text", [False, True], ids=["ca-file", "ca-pem-text"])
def test_tls_answers_api_client_with_ssl_ca_cert(
    tls_stub: StubServer,
    ca: trustme.CA,
    ca_file: str,
    make_client: Callable[..., ApiClient],
    as_text: bool,
) -> None:
    """ApiClient with ssl_ca_cert as a file or as PEM text hydrates the answer."""
    tls_stub.add("GET", "/v2/x", json=[{"status": "Running"}])
    trust = ca.cert_pem.bytes().decode("ascii") if as_text else ca_file
    client = make_client(tls_stub.url, ssl_ca_cert=trust, retries=False)
    attempts = client.call_api(
        "/v2/x",
        "GET",
        response_type=([BackupAttempt],),
        _return_http_data_only=True,
    )
    assert attempts == [BackupAttempt(status="Running")]
    assert tls_stub.requests[0].path == "/v2/x"


def test_untrusted_client_fails_with_tls_error_and_server_serves_on(
    tls_stub: StubServer,
    ca: trustme.CA,
    other_ca: trustme.CA,
    make_client: Callable[..., ApiClient],
) -> None:
    """A client that trusts another CA gets ApiTLSError; the server goes on."""
    tls_stub.add("GET", "/v2/x", body=b"ok")
    client = make_client(tls_stub.url, retries=False)
    with pytest.raises(ApiTLSError, match="TLS failed"):
        client.call_api("/v2/x", "GET")
    with pytest.raises(ssl.SSLCertVerificationError):
        fetch_tls(tls_stub, trusting(other_ca), "/v2/x")
    assert fetch_tls(tls_stub, trusting(ca), "/v2/x") == (200, b"ok")
    assert len(tls_stub.requests) == 1


def test_plain_http_to_a_tls_server_fails_and_server_serves_on(
    tls_stub: StubServer, ca: trustme.CA
) -> None:
    """Plain HTTP sent to the TLS port gets no answer; TLS clients still do."""
    tls_stub.add("GET", "/v2/x", body=b"ok")
    port = urlsplit(tls_stub.url).port
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=5.0)
    try:
        with pytest.raises((OSError, http.client.HTTPException)):
            plain.request("GET", "/v2/x")
            plain.getresponse().read()
    finally:
        plain.close()
    assert fetch_tls(tls_stub, trusting(ca), "/v2/x") == (200, b"ok")


def test_tls_handshake_failures_leave_no_thread(
    server_pem: str, ca: trustme.CA, other_ca: trustme.CA
) -> None:
    """Failed handshakes and one never finished end with the block, threads too."""
    before = set(threading.enumerate())
    with StubServer(certfile=server_pem) as server:
        server.add("GET", "/v2/x", body=b"ok")
        port = urlsplit(server.url).port
        silent = socket.create_connection(("127.0.0.1", port), timeout=5.0)
        with pytest.raises(ssl.SSLCertVerificationError):
            fetch_tls(server, trusting(other_ca), "/v2/x")
        # Connections are accepted in order: once this one is answered, the
        # silent one is being served, waiting for a handshake.
        assert fetch_tls(server, trusting(ca), "/v2/x") == (200, b"ok")
    silent.close()
    assert set(threading.enumerate()) == before


def test_tls_serves_concurrent_requests(tls_stub: StubServer, ca: trustme.CA) -> None:
    """Concurrent HTTPS requests are all answered and recorded."""
    tls_stub.add("GET", "/v2/x", body=b"ok", delay=0.05)
    context = trusting(ca)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda i: fetch_tls(tls_stub, context, f"/v2/x?i={i}"), range(16))
        )
    assert set(results) == {(200, b"ok")}
    assert sorted(int(r.query["i"][0]) for r in tls_stub.requests) == list(range(16))


def test_separate_keyfile_and_ssl_context_are_accepted(
    tmp_path: Path, ca: trustme.CA
) -> None:
    """certfile with keyfile, or a ready ssl_context, both serve HTTPS."""
    issued = ca.issue_cert("127.0.0.1")
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    issued.private_key_pem.write_to_path(str(key))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    issued.configure_cert(context)
    for server in (
        StubServer(certfile=chain, keyfile=key),
        StubServer(ssl_context=context),
    ):
        with server:
            server.add("GET", "/v2/x", body=b"ok")
            assert fetch_tls(server, trusting(ca), "/v2/x") == (200, b"ok")


def test_tls_arguments_that_do_not_fit_are_refused(server_pem: str) -> None:
    """certfile with ssl_context, or keyfile alone, raise ValueError."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with pytest.raises(ValueError, match="not both"):
        StubServer(certfile=server_pem, ssl_context=context)
    with pytest.raises(ValueError, match="keyfile needs the certfile"):
        StubServer(keyfile=server_pem)


def test_a_certfile_that_is_not_pem_fails_at_once(tmp_path: Path) -> None:
    """A certfile that holds no certificate raises when the server is made."""
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate\n", encoding="ascii")
    with pytest.raises(ssl.SSLError):
        StubServer(certfile=bogus)
