"""One ApiClient shared by threads, async requests, and the end of worker threads."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

from backup_client import ApiClient, Configuration
from backup_client.models import BackupAttempt
from backup_client.rest import RESTClientObject
from backup_client.testing import StubServer

ROOT = Path(__file__).resolve().parent.parent
THREADS = 16
REQUESTS_PER_THREAD = 50


def expected_attempts(thread: int) -> list[BackupAttempt]:
    return [
        BackupAttempt(message=f"thread {thread}", start_time_usecs=thread),
        BackupAttempt(status="Succeeded", queue_duration_usecs=thread * 1000),
    ]


def our_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads started since ``before`` that do not belong to the stub server."""
    started = set(threading.enumerate()) - before
    return [t for t in started if not t.name.startswith("StubServer")]


def test_one_client_serves_many_threads(backup_stub: StubServer) -> None:
    """16 threads x 50 requests through one ApiClient all get their own answers."""
    for thread in range(THREADS):
        backup_stub.add("GET", f"/v2/attempts/{thread}", json=expected_attempts(thread))
    before = set(threading.enumerate())
    config = Configuration(host=f"{backup_stub.url}/v2")
    config.connection_pool_maxsize = THREADS
    client = ApiClient(config)
    failures: list[BaseException] = []
    wrong: list[int] = []

    def work(thread: int) -> None:
        try:
            for _ in range(REQUESTS_PER_THREAD):
                answer = client.call_api(
                    f"/attempts/{thread}",
                    "GET",
                    response_type=([BackupAttempt],),
                    _return_http_data_only=True,
                )
                if answer != expected_attempts(thread):
                    wrong.append(thread)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60.0)
    client.close()

    assert failures == [] and wrong == []
    assert len(backup_stub.requests) == THREADS * REQUESTS_PER_THREAD
    assert our_threads(before) == []


def test_connection_pool_is_created_once_under_concurrent_first_use() -> None:
    """Threads asking for the pool at the same instant all get the same one."""
    client = ApiClient(Configuration(host="http://127.0.0.1:9"))
    barrier = threading.Barrier(THREADS)
    seen: list[RESTClientObject] = []

    def first_use() -> None:
        barrier.wait(10.0)
        seen.append(client.rest_client)

    workers = [threading.Thread(target=first_use) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10.0)
    client.close()
    assert len(seen) == THREADS
    assert len({id(rest) for rest in seen}) == 1


def test_async_request_result_has_get_with_timeout(backup_stub: StubServer) -> None:
    """async_req=True returns a result whose get(timeout) gives the hydrated answer."""
    backup_stub.add("GET", "/v2/attempts/1", json=expected_attempts(1))
    with ApiClient(Configuration(host=f"{backup_stub.url}/v2")) as client:
        result = client.call_api(
            "/attempts/1",
            "GET",
            response_type=([BackupAttempt],),
            async_req=True,
            _return_http_data_only=True,
        )
        assert result.get(timeout=10.0) == expected_attempts(1)


def test_async_request_error_is_raised_by_get(backup_stub: StubServer) -> None:
    """The error of an async request is raised by get(), as its own class."""
    backup_stub.add("GET", "/v2/missing", status=404, body=b"no such thing")
    with ApiClient(Configuration(host=f"{backup_stub.url}/v2")) as client:
        result = client.call_api("/missing", "GET", async_req=True)
        try:
            result.get(timeout=10.0)
        except Exception as error:
            assert type(error).__name__ == "NotFoundException"
            assert getattr(error, "body", None) == b"no such thing"
        else:
            raise AssertionError("expected NotFoundException")


def test_worker_pool_starts_only_when_needed(backup_stub: StubServer) -> None:
    """Synchronous calls start no worker thread."""
    backup_stub.add("GET", "/v2/x", json={})
    before = set(threading.enumerate())
    with ApiClient(Configuration(host=f"{backup_stub.url}/v2")) as client:
        client.call_api("/x", "GET")
        assert our_threads(before) == []


def test_leaving_the_with_block_ends_every_worker(backup_stub: StubServer) -> None:
    """The worker threads of async requests end when the with block is left."""
    backup_stub.add("GET", "/v2/x", json={})
    before = set(threading.enumerate())
    with ApiClient(Configuration(host=f"{backup_stub.url}/v2"), pool_threads=4) as c:
        results = [c.call_api("/x", "GET", async_req=True) for _ in range(8)]
        for result in results:
            result.get(timeout=10.0)
        assert len(our_threads(before)) >= 4
    assert our_threads(before) == []


def test_client_can_be_used_again_after_close(backup_stub: StubServer) -> None:
    """close() releases threads and connections; a later call starts them again."""
    backup_stub.add("GET", "/v2/x", json={"status": "Running"})
    client = ApiClient(Configuration(host=f"{backup_stub.url}/v2"))
    client.call_api("/x", "GET", async_req=True).get(timeout=10.0)
    client.close()
    result = client.call_api("/x", "GET", response_type=(BackupAttempt,))
    client.close()
    assert result[0] == BackupAttempt(status="Running")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that reports ResourceWarnings."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        cwd=ROOT,
    )


SCRIPT_START = """
import gc
from backup_client import ApiClient, Configuration
from backup_client.testing import StubServer

server = StubServer().start()
server.add("GET", "/v2/x", json={"status": "Running"})
client = ApiClient(Configuration(host=server.url + "/v2"), pool_threads=3)
client.call_api("/x", "GET", async_req=True).get(timeout=10)
"""


def test_client_collected_without_close_does_not_hang_exit() -> None:
    """An unclosed client that is garbage-collected lets the interpreter exit."""
    code = SCRIPT_START + textwrap.dedent("""
        del client
        gc.collect()
        server.stop()
        print("exited")
    """)
    result = run_python(code)
    assert (result.returncode, result.stdout.strip()) == (0, "exited"), result.stderr
    assert "Warning" not in result.stderr


def test_client_alive_at_exit_does_not_hang_exit() -> None:
    """An unclosed client still referenced at exit lets the interpreter exit."""
    code = SCRIPT_START + textwrap.dedent("""
        server.stop()
        print("exited")
    """)
    result = run_python(code)
    assert (result.returncode, result.stdout.strip()) == (0, "exited"), result.stderr
    assert "Warning" not in result.stderr


def test_closing_an_unused_client_starts_nothing(
    make_client: Callable[..., ApiClient],
) -> None:
    """A client that never sent a request closes without starting anything."""
    before = set(threading.enumerate())
    make_client("http://127.0.0.1:9").close()
    assert our_threads(before) == []
