"""Fixtures shared by the tests: servers on 127.0.0.1 and clean logging."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from backup_client.configuration import Configuration
from backup_client.rest import RESTClientObject
from backup_client.testing import StubServer

# Re-exported so that pytest finds the fixture here even when the package
# is not installed and its pytest11 entry point is not registered.
from backup_client.testing import backup_stub as backup_stub

LOOPBACK = "127.0.0.1"


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
