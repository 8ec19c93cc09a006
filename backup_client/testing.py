"""A scripted HTTP server for testing code that uses this package.

::

    with StubServer() as server:
        server.add("GET", "/v2/data-protect/attempts", json=[attempt])
        configuration = Configuration(host=server.url)
        ...
        assert server.requests[0].query == {"limit": ["10"]}

The server listens on 127.0.0.1 at an ephemeral port, answers each
request from its script, records it, and at the end of the block stops
with all its threads.  It needs nothing beyond the standard library.
Under pytest the ``backup_stub`` fixture gives a started server.

Given a certificate it speaks HTTPS instead, so that code configured with
``ssl_ca_cert`` can be tested as it runs against a real cluster::

    with StubServer(certfile="127.0.0.1.pem") as server:
        configuration = Configuration(host=server.url, ssl_ca_cert="ca.pem")
"""

from __future__ import annotations

import contextlib
import os
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from json import dumps, loads
from types import TracebackType
from typing import Any, Union
from urllib.parse import parse_qs, urlsplit

__all__ = ["RecordedRequest", "StubServer"]

_JOIN_TIMEOUT = 10.0
_POLL_INTERVAL = 0.02  # how soon stop() is noticed by the accept loop
_NO_BODY_STATUSES = frozenset({204, 304})

_Request = Union[socket.socket, tuple[bytes, socket.socket]]


@dataclass(frozen=True)
class RecordedRequest:
    """A request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    json: Any
    """The body parsed as JSON, or None when it is not JSON."""


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class StubServer:
    """An HTTP/1.1 server on 127.0.0.1 that answers from a script.

    For HTTPS, give ``certfile``: a PEM file holding the server's
    certificate (issued for ``127.0.0.1``) and the chain up to its CA, and
    its private key unless ``keyfile`` names the file that holds it.  Or
    give ``ssl_context``, a server-side :class:`ssl.SSLContext` set up as
    you need (client certificates, protocol versions).  The files are read
    here, so a bad one fails at once.  A client that fails the TLS
    handshake is disconnected; the server goes on serving the others.
    """

    def __init__(
        self,
        *,
        certfile: str | os.PathLike[str] | None = None,
        keyfile: str | os.PathLike[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._ssl_context = _server_context(certfile, keyfile, ssl_context)
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, str], _Answer] = {}
        self._requests: list[RecordedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "stopped"
        return f"StubServer({where})"

    @property
    def url(self) -> str:
        """The base URL: ``http://127.0.0.1:PORT``, or ``https://`` with TLS."""
        if self._server is None:
            raise RuntimeError("the StubServer is not started")
        scheme = "http" if self._ssl_context is None else "https"
        return f"{scheme}://127.0.0.1:{self._server.server_port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def start(self) -> StubServer:
        """Start listening and serving in a background thread."""
        if self._server is not None:
            raise RuntimeError("the StubServer is already started")
        self._server = _Server(self, self._ssl_context)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name="StubServer",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every connection and join every thread."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join(_JOIN_TIMEOUT)
        self._server = self._thread = None

    def add(
        self,
        method: str,
        path: str,
        *,
        status: int = 200,
        json: Any = None,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer ``method path`` (no query string) like this from now on.

        ``json`` takes plain JSON values, models and lists of models and
        sets ``Content-Type: application/json``; ``body`` is sent as is.
        ``delay`` is how many seconds to wait before answering.
        """
        if json is not None and body is not None:
            raise ValueError("an answer takes json or body, not both")
        answer_headers = _without_content_length(headers or {})
        if json is not None:
            answer_headers.setdefault("Content-Type", "application/json")
            body = dumps(json, default=_sanitize)
        payload = body.encode("utf-8") if isinstance(body, str) else body or b""
        with self._lock:
            key = (method.upper(), path)
            self._answers[key] = _Answer(status, payload, answer_headers, delay)

    def _answer_for(self, method: str, path: str) -> _Answer:
        with self._lock:
            answer = self._answers.get((method, path))
        if answer is not None:
            return answer
        error = {"error": f"no answer scripted for {method} {path}"}
        return _Answer(404, dumps(error).encode(), {"Content-Type": "application/json"})

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)


def _server_context(
    certfile: str | os.PathLike[str] | None,
    keyfile: str | os.PathLike[str] | None,
    ssl_context: ssl.SSLContext | None,
) -> ssl.SSLContext | None:
    """The TLS context the server uses, or None to serve plain HTTP."""
    if ssl_context is not None:
        if certfile is not None or keyfile is not None:
            raise ValueError("a StubServer takes certfile or ssl_context, not both")
        return ssl_context
    if certfile is None:
        if keyfile is not None:
            raise ValueError("keyfile needs the certfile it belongs to")
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


def _without_content_length(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers minus Content-Length, which the server computes."""
    return {k: v for k, v in headers.items() if k.lower() != "content-length"}


def _sanitize(value: object) -> Any:
    """JSON for what ``json.dumps`` cannot write itself: models, dates."""
    from backup_client.model_utils import sanitize_for_serialization

    return sanitize_for_serialization(value)


def _parse_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return loads(body)
    except ValueError:
        return None


class _Server(HTTPServer):
    """One thread per connection, each tracked so ``stop`` can end it."""

    def __init__(self, stub: StubServer, ssl_context: ssl.SSLContext | None) -> None:
        self.stub = stub
        self.ssl_context = ssl_context
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        """Bind without the reverse DNS lookup ``HTTPServer`` makes."""
        socketserver.TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.socket.getsockname()[1]

    def process_request(self, request: _Request, client_address: Any) -> None:
        """Serve the connection in a thread of its own."""
        worker = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name="StubServer connection",
            daemon=True,
        )
        with self._lock:
            self._workers = [w for w in self._workers if w.is_alive()]
            self._workers.append(worker)
            if isinstance(request, socket.socket):
                self._connections.add(request)
        worker.start()

    def _serve_connection(self, request: _Request, client_address: Any) -> None:
        connection = self._tls_over(request)
        # A client that hangs up mid-request, or fails the TLS handshake,
        # is not the server's failure.
        with contextlib.suppress(Exception):
            self._handshake(connection)
            self.finish_request(connection, client_address)
        with self._lock:
            if isinstance(connection, socket.socket):
                self._connections.discard(connection)
        self.shutdown_request(connection)

    def _tls_over(self, request: _Request) -> _Request:
        """``request``, or a TLS socket over it that has not shaken hands yet.

        The TLS socket takes the connection over from the plain one, so it
        is tracked in its place before the handshake starts: that way
        ``close_connections`` can end a handshake that never finishes.
        """
        if self.ssl_context is None or not isinstance(request, socket.socket):
            return request
        with self._lock:
            self._connections.discard(request)
            try:
                secured = self.ssl_context.wrap_socket(
                    request, server_side=True, do_handshake_on_connect=False
                )
            except OSError:
                return request  # the client is gone already
            self._connections.add(secured)
        return secured

    def _handshake(self, connection: _Request) -> None:
        """Shake hands on a TLS connection, unless the server is stopping."""
        if not isinstance(connection, ssl.SSLSocket):
            return
        if self.stopping.is_set():
            # close_connections may have looked before this connection was
            # tracked, so it would not end a handshake started now.
            raise ConnectionAbortedError("the server is stopping")
        connection.do_handshake()

    def close_connections(self) -> None:
        """End pending delays and open connections; join their threads."""
        self.stopping.set()
        with self._lock:
            connections, workers = list(self._connections), list(self._workers)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for worker in workers:
            worker.join(_JOIN_TIMEOUT)


class _Handler(BaseHTTPRequestHandler):
    """Records each request and sends the scripted answer."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def _serve(self) -> None:
        """Record the request, wait the scripted delay, answer."""
        recorded = self._recorded()
        self.server.stub._record(recorded)
        answer = self.server.stub._answer_for(recorded.method, recorded.path)
        if answer.delay and self.server.stopping.wait(answer.delay):
            self.close_connection = True
            return
        self._send_answer(answer)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = _serve
    do_DELETE = do_OPTIONS = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: a test's output is not the place for access logs."""

    def _recorded(self) -> RecordedRequest:
        target = urlsplit(self.path)
        body = self._read_body()
        return RecordedRequest(
            method=self.command,
            path=target.path or "/",
            query=parse_qs(target.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=body,
            json=_parse_json(body),
        )

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0], 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailer fields are read and dropped
        return b"".join(chunks)

    def _send_answer(self, answer: _Answer) -> None:
        has_body = answer.status not in _NO_BODY_STATUSES
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if has_body:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if has_body and self.command != "HEAD":
            self.wfile.write(answer.body)


try:
    import pytest
except ImportError:  # pytest is a test tool, not a dependency
    pass
else:

    @pytest.fixture
    def backup_stub() -> Iterator[StubServer]:
        """A started :class:`StubServer`, stopped after the test."""
        with StubServer() as server:
            yield server
