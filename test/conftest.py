"""Fixtures shared by the tests: servers on 127.0.0.1 and clean logging."""

from __future__ import annotations

import logging
import os
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from hypothesis import settings
from servers import ForwardingProxy, ScriptedServer

from backup_client.api_client import ApiClient
from backup_client.configuration import Configuration
from backup_client.rest import RESTClientObject
from backup_client.testing import StubServer

# Re-exported so that pytest finds the fixture here even when the package
# is not installed and its pytest11 entry point is not registered.
from backup_client.testing import backup_stub as backup_stub

LOOPBACK = "127.0.0.1"

# -- hypothesis profiles --------------------------------------------------------
# BACKUP_CLIENT_HYPOTHESIS picks one: "ci" (the default) bounds the examples
# so the property tests take seconds; "long" draws 10,000 per property.
# Deadlines are off because shared machines time examples unevenly; a
# failure prints a @reproduce_failure blob that replays it.
settings.register_profile("ci", max_examples=60, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=10_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("BACKUP_CLIENT_HYPOTHESIS", "ci"))


@pytest.fixture(autouse=True)
def _restore_package_logger() -> Iterator[None]:
    """Undo what a test did to the ``backup_client`` logger."""
    package_logger = logging.getLogger("backup_client")
    level, handlers = package_logger.level, list(package_logger.handlers)
    yield
    package_logger.setLevel(level)
    package_logger.handlers[:] = handlers


@pytest.fixture
def stub() -> Iterator[StubServer]:
    """A started StubServer."""
    with StubServer() as server:
        yield server


@pytest.fixture
def configuration(stub: StubServer) -> Configuration:
    """A configuration for the stub with short timeouts and no retries."""
    config = Configuration(host=stub.url)
    config.timeout = (2.0, 5.0)
    config.retries = False
    return config


@pytest.fixture
def client(configuration: Configuration) -> Iterator[RESTClientObject]:
    """A REST client for the stub, closed after the test."""
    rest = RESTClientObject(configuration)
    yield rest
    rest.close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A URL whose server accepts connections and never answers.

    The listening socket is never ``accept``-ed from: the kernel completes
    the handshake and queues the connection, so no thread is needed, and
    closing the socket at the end drops every queued connection.
    """
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        sock.listen(8)
        yield f"http://{LOOPBACK}:{sock.getsockname()[1]}"


class OneShotServer:
    """Accepts one connection on 127.0.0.1 and runs ``behaviour`` on it."""

    def __init__(self, behaviour: Callable[[socket.socket], None]) -> None:
        self._listener = socket.socket()
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(1)
        self._listener.settimeout(5.0)
        self._behaviour = behaviour
        self._thread = threading.Thread(target=self._serve, name="OneShotServer")
        self.url = f"http://{LOOPBACK}:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:
            return
        with connection:
            self._behaviour(connection)

    def __enter__(self) -> OneShotServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._listener.close()
        self._thread.join(5.0)


@pytest.fixture
def hangup_url() -> Iterator[str]:
    """A URL whose server reads the request and closes without answering."""

    def hang_up(connection: socket.socket) -> None:
        connection.settimeout(5.0)
        connection.recv(65536)

    with OneShotServer(hang_up) as server:
        yield server.url


# -- transport test servers: scripted faults, TLS, a proxy --------------------


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    """A started ScriptedServer answering 200 until a test scripts it."""
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def forwarding_proxy() -> Iterator[ForwardingProxy]:
    """A started plain HTTP proxy on 127.0.0.1 that records what it forwards."""
    with ForwardingProxy() as proxy:
        yield proxy


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    """A certificate authority the tests' clients are told to trust."""
    return trustme.CA()


@pytest.fixture(scope="session")
def other_ca() -> trustme.CA:
    """A certificate authority nobody trusts."""
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    """The trusted CA's certificate, as a PEM file."""
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def server_context(
    issuer: trustme.CA, *names: str, client_ca: trustme.CA | None = None
) -> ssl.SSLContext:
    """A server-side TLS context with a certificate for ``names``.

    With ``client_ca`` the server requires a client certificate it issued.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    issuer.issue_cert(*names).configure_cert(context)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        client_ca.configure_trust(context)
    return context


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[ScriptedServer]:
    """A TLS server on 127.0.0.1 whose certificate the trusted CA issued."""
    context = server_context(ca, LOOPBACK, "localhost")
    with ScriptedServer(ssl_context=context) as server:
        yield server


@pytest.fixture
def make_client() -> Iterator[Callable[..., ApiClient]]:
    """Builds ApiClients for a URL with short timeouts; closes them after the test.

    Keyword arguments are set on the configuration, e.g. ``retries=0``.
    """
    clients: list[ApiClient] = []

    def build(host: str, **settings: Any) -> ApiClient:
        config = Configuration(host=host)
        config.timeout = (2.0, 2.0)
        for name, value in settings.items():
            setattr(config, name, value)
        client = ApiClient(config)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
