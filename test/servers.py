"""Servers on 127.0.0.1 for the transport tests.

- :class:`ScriptedServer` answers each request with the next scripted
  :class:`Reply`, or misbehaves as the reply says: waits, hangs, closes
  without answering, resets the connection, or sends less body than it
  announced.  Given an ``ssl.SSLContext`` it speaks TLS and records the
  server name each client asked for.
- :class:`ForwardingProxy` is a plain HTTP proxy: it forwards requests in
  absolute form to their server, records what it saw, and refuses
  ``CONNECT`` tunnels.

Every server runs one thread per connection, and ``stop()`` (or leaving
the ``with`` block) ends all of them, hanging replies included.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOOPBACK = "127.0.0.1"

HANG = "hang"
"""Read the request, then never answer (until the server stops)."""
CLOSE = "close"
"""Read the request, then close the connection without answering."""
RESET = "reset"
"""Read the request, then reset the connection (SO_LINGER 0)."""
TRUNCATE = "truncate"
"""Announce a longer body than is sent, then close."""
STALL = "stall"
"""Announce a longer body than is sent, then wait (until the server stops)."""

_POLL = 0.02  # how soon the accept loop notices stop()
_HANG_LIMIT = 10.0  # a hanging reply gives up after this, should stop() not come
_JOIN_TIMEOUT = 5.0
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


@dataclass(frozen=True)
class Reply:
    """One scripted answer, or a fault instead of it."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fault: str | None = None


@dataclass(frozen=True)
class Seen:
    """A request as a server received it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """The value of header ``name`` in any case, or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


class ThreadedServer:
    """Accepts connections on 127.0.0.1 and serves each in a thread."""

    handler: type[_Handler]

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.ssl_context = ssl_context
        self.stopping = threading.Event()
        self.seen: list[Seen] = []
        self.server_names: list[str | None] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()
        self._listener = socket.create_server((LOOPBACK, 0))
        self._listener.settimeout(_POLL)
        self._acceptor = threading.Thread(
            target=self._accept_loop, name=f"{type(self).__name__} accept"
        )
        if ssl_context is not None:
            ssl_context.sni_callback = self._note_server_name

    @property
    def port(self) -> int:
        port: int = self._listener.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        scheme = "http" if self.ssl_context is None else "https"
        return f"{scheme}://{LOOPBACK}:{self.port}"

    def __enter__(self) -> ThreadedServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop accepting, end every connection and join every thread."""
        self.stopping.set()
        if self._acceptor.is_alive():
            self._acceptor.join(_JOIN_TIMEOUT)
        self._listener.close()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(_JOIN_TIMEOUT)

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def _note_server_name(
        self, sock: ssl.SSLObject | ssl.SSLSocket, name: str | None, ctx: Any
    ) -> None:
        with self._lock:
            self.server_names.append(name)

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self._start_connection(sock)

    def _start_connection(self, sock: socket.socket) -> None:
        thread = threading.Thread(
            target=self._serve, args=(sock,), name=f"{type(self).__name__} conn"
        )
        with self._lock:
            self.connections += 1
            self._threads.append(thread)
            self._sockets.add(sock)
        thread.start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(_HANG_LIMIT)
        connection = sock
        try:
            connection = self._secured(sock)
            # The handler parses requests and answers them in its constructor.
            self.handler(connection, (LOOPBACK, 0), self)  # type: ignore[arg-type]
        except (OSError, ValueError):
            pass  # a client that hangs up or fails TLS is not the server's failure
        finally:
            with self._lock:
                self._sockets.discard(connection)
            connection.close()

    def _secured(self, sock: socket.socket) -> socket.socket:
        """The connection to talk over: ``sock``, or TLS wrapped around it."""
        if self.ssl_context is None:
            return sock
        with self._lock:
            self._sockets.discard(sock)
        connection = self.ssl_context.wrap_socket(sock, server_side=True)
        with self._lock:
            self._sockets.add(connection)
        return connection


class _Handler(BaseHTTPRequestHandler):
    """Shared request parsing; subclasses say how to answer."""

    protocol_version = "HTTP/1.1"
    server: ThreadedServer  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: the tests' output is not the place for access logs."""

    def read_request(self) -> Seen:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        seen = Seen(self.command, self.path, dict(self.headers.items()), body)
        self.server.record(seen)
        return seen

    def send_reply(self, reply: Reply, extra_body_bytes: int = 0) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body) + extra_body_bytes))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        self.wfile.flush()


class _ScriptedHandler(_Handler):
    server: ScriptedServer

    def _answer(self) -> None:
        self.read_request()
        reply = self.server.next_reply()
        if reply.delay and self.server.stopping.wait(reply.delay):
            self.close_connection = True
            return
        if reply.fault is None:
            self.send_reply(reply)
        else:
            self._misbehave(reply)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = _answer
    do_DELETE = do_OPTIONS = _answer

    def _misbehave(self, reply: Reply) -> None:
        self.close_connection = True
        if reply.fault == HANG:
            self.server.stopping.wait(_HANG_LIMIT)
        elif reply.fault == RESET:
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        elif reply.fault in (TRUNCATE, STALL):
            self.send_reply(reply, extra_body_bytes=100)
            if reply.fault == STALL:
                self.server.stopping.wait(_HANG_LIMIT)
        elif reply.fault != CLOSE:
            raise ValueError(f"unknown fault {reply.fault!r}")


class ScriptedServer(ThreadedServer):
    """Answers requests with the scripted replies, in order.

    The last reply is repeated once the others are used up; with no
    script every request gets an empty 200.
    """

    handler = _ScriptedHandler

    def __init__(
        self, *replies: Reply, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(ssl_context)
        self._script = list(replies) or [Reply()]

    def __enter__(self) -> ScriptedServer:
        super().__enter__()
        return self

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with ``replies``, the last one repeated."""
        with self._lock:
            self._script = list(replies)

    def next_reply(self) -> Reply:
        with self._lock:
            if len(self._script) > 1:
                return self._script.pop(0)
            return self._script[0]


class _ProxyHandler(_Handler):
    def _forward(self) -> None:
        seen = self.read_request()
        target = urlsplit(seen.target)
        if not target.hostname:
            self.send_reply(Reply(400, b"absolute-form target expected"))
            return
        upstream = http.client.HTTPConnection(
            target.hostname, target.port or 80, timeout=_JOIN_TIMEOUT
        )
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request(seen.method, path, seen.body, _forwarded(seen.headers))
            answer = upstream.getresponse()
            reply = Reply(answer.status, answer.read(), _forwarded(answer.headers))
        except OSError:
            reply = Reply(502, b"upstream unreachable")
        finally:
            upstream.close()
        self.send_reply(reply)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = _forward
    do_DELETE = do_OPTIONS = _forward

    def do_CONNECT(self) -> None:
        self.read_request()
        self.close_connection = True
        self.send_reply(Reply(403, b"tunnels are not allowed"))


class ForwardingProxy(ThreadedServer):
    """A plain HTTP proxy on 127.0.0.1 that records what it forwards."""

    handler = _ProxyHandler

    def __enter__(self) -> ForwardingProxy:
        super().__enter__()
        return self


def _forwarded(headers: Mapping[str, str] | http.client.HTTPMessage) -> dict[str, str]:
    """The end-to-end headers, without hop-by-hop ones and Content-Length."""
    return {
        name: value
        for name, value in headers.items()
        if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length"
    }
