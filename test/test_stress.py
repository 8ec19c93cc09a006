"""Stress: one ApiClient shared by 32 threads, against a server that fails at random.

The server (``faulty_server.py``, in its own process) delays, resets,
truncates, answers 503 with ``Retry-After: 0``, hangs or trickles, as a
seeded plan says for each try of each request.  Every request names its
own key and every answer echoes it, so each call is checked against what
the plan and the retry policy say it must end in: its own attempts, or
exactly the right exception.  Each call must also end within the worst
case that its timeouts and retries allow, and the client must leave no
thread, socket, unraisable error or growing memory behind.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import subprocess
import sys
import threading
import time
import traceback
import tracemalloc
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from faulty_server import (
    BUSY,
    DELAY,
    HANG,
    MAX_DELAY,
    OK,
    RESET,
    TRICKLE,
    TRUNCATE,
    WEIGHTS,
    plan,
    wire_attempts,
)
from servers import Reply, ScriptedServer

from backup_client import ApiClient, Configuration
from backup_client.exceptions import (
    ApiConnectionError,
    ApiException,
    ApiTimeoutError,
    ServiceException,
)
from backup_client.models import BackupAttempt, BackupDataStats
from backup_client.rest import RetryPolicy

SEED = 20261203
THREADS = 32
REQUESTS_PER_THREAD = 200
ROUNDS = 4
"""The requests of each thread are made in rounds; memory is measured between them."""
ASYNC_REQUESTS = 400
ASYNC_WORKERS = 8

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 1.0
RETRIES = 2
BACKOFF = 0.01
BACKOFF_MAX = 0.05
SLACK = 5.0
"""Time a call may lose waiting for a core or the interpreter lock."""

MEMORY_GROWTH_LIMIT = 256 * 1024
"""Bytes that traced memory may grow by from the second round to the last."""
ROUND_TIMEOUT = 120.0
"""How long the threads wait for each other between rounds, should one hang."""

HERE = Path(__file__).resolve().parent
FD_FOLDER = "/proc/self/fd"


# -- what each call must end in ------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """The outcome the plan and the retry policy give one call."""

    faults: tuple[str, ...]
    """The fault of each try, in order."""
    error: type[ApiException] | None
    """The exception the call raises, exactly; None when it succeeds."""
    message: str = ""
    """A part of the exception's message."""

    def worst_case_seconds(self) -> float:
        """How long the call may take at most: timeouts, waits and backoff."""
        seconds = SLACK
        for fault in self.faults:
            seconds += CONNECT_TIMEOUT + READ_TIMEOUT + MAX_DELAY + BACKOFF_MAX
            if fault == TRICKLE:
                # The body may take the read timeout, plus the last read's.
                seconds += 2 * READ_TIMEOUT
        return seconds


def expected(key: str) -> Expected:
    """Follow the plan for ``key`` the way the retry policy does."""
    faults: list[str] = []
    retries_left = {"read": RETRIES, "status": RETRIES}
    for attempt in itertools.count():
        fault = plan(SEED, key, attempt)
        faults.append(fault)
        if fault in (OK, DELAY):
            return Expected(tuple(faults), None)
        if fault == HANG:  # a read timeout is not retried
            return Expected(tuple(faults), ApiTimeoutError, "read timed out")
        if fault == TRICKLE:  # nor is a body that outlasts the read timeout
            return Expected(tuple(faults), ApiTimeoutError, "the body was still coming")
        kind = {BUSY: "status", RESET: "read", TRUNCATE: "read"}[fault]
        if retries_left[kind] == 0:
            if fault == BUSY:
                return Expected(tuple(faults), ServiceException, "(503)")
            return Expected(tuple(faults), ApiConnectionError, "connection broken")
        retries_left[kind] -= 1
    raise AssertionError("the plan never ends")


def expected_attempts(key: str) -> list[BackupAttempt]:
    """The models of the answer for ``key``, built by python name."""
    return [
        BackupAttempt(
            progress_task_id=wire["progressTaskId"],
            start_time_usecs=wire["startTimeUsecs"],
            status=wire["status"],
            stats=BackupDataStats(
                bytes_read=wire["stats"]["bytesRead"], bytes_written=None
            ),
            message=wire["message"],
        )
        for wire in wire_attempts(key)
    ]


def problem_with(key: str, call: Callable[[], Any], *, timed: bool = True) -> str:
    """What is wrong with how ``call`` for ``key`` ended; empty if nothing.

    With ``timed`` the call must also end within its worst case.
    """
    want = expected(key)
    started = time.monotonic()
    try:
        got, error = call(), None
    except ApiException as caught:
        got, error = None, caught
    elapsed = time.monotonic() - started
    if error is not None:
        if type(error) is not want.error or want.message not in str(error):
            return f"{key} {want}: raised {type(error).__name__}: {error}"
    elif want.error is not None or got != expected_attempts(key):
        return f"{key} {want}: returned {got!r}"
    if timed and elapsed > want.worst_case_seconds():
        return f"{key} {want}: took {elapsed:.1f} s"
    return ""


# -- the server, the client and what they leave behind --------------------------


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[str]

    def stop(self) -> str:
        """Stop the server; what it says of the requests and threads it had."""
        report, _ = self.process.communicate(timeout=30)  # closes its stdin
        assert self.process.returncode == 0
        return report.strip()


@pytest.fixture
def faulty_server() -> Iterator[ServerProcess]:
    """The faulty server, started in its own process."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "faulty_server.py"), str(SEED)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield ServerProcess(f"http://127.0.0.1:{port}", process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


@pytest.fixture(autouse=True)
def _quiet_urllib3(caplog: pytest.LogCaptureFixture) -> None:
    """Keep urllib3's warning per retry out of the log that pytest keeps.

    Each record holds the exception it reports, with its traceback, until
    the test ends: thousands of them would pass for memory the client leaks.
    """
    caplog.set_level(logging.ERROR, logger="urllib3")


def stressed_client(url: str, pool_threads: int = 1) -> ApiClient:
    """A client for the faulty server with short timeouts and quick retries."""
    config = Configuration(host=url)
    config.timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
    config.retries = RetryPolicy(
        connect=RETRIES,
        read=RETRIES,
        status=RETRIES,
        backoff_factor=BACKOFF,
        backoff_jitter=0.0,
        backoff_max=BACKOFF_MAX,
    )
    config.connection_pool_maxsize = THREADS
    return ApiClient(config, pool_threads=pool_threads)


def get_attempts(client: ApiClient, key: str, **kwargs: Any) -> Any:
    return client.call_api(
        "/attempts/{key}",
        "GET",
        path_params={"key": key},
        response_type=([BackupAttempt],),
        _return_http_data_only=True,
        **kwargs,
    )


def open_files() -> list[str]:
    """What this process has open, once what nothing refers to is collected.

    Each entry is what the descriptor points to, such as ``socket:[4711]``:
    descriptor numbers alone are reused, so they could hide a leak.
    """
    gc.collect()
    targets = []
    for fd in os.listdir(FD_FOLDER):
        # The descriptor that listed the folder is closed by now.
        with contextlib.suppress(FileNotFoundError):
            targets.append(os.readlink(os.path.join(FD_FOLDER, fd)))
    return sorted(targets)


def settled_files(expected: list[str], timeout: float = 5.0) -> list[str]:
    """What this process has open, once it is ``expected`` or ``timeout`` passed.

    A server in this process closes its side of a connection only once it
    has seen the client close theirs.
    """
    deadline = time.monotonic() + timeout
    files = open_files()
    while files != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        files = open_files()
    return files


@contextlib.contextmanager
def unraisable_errors() -> Iterator[list[str]]:
    """Collect what finalizers raise while the block runs and at its end.

    Warnings are errors inside the block, so a socket that is collected
    without having been closed raises ``ResourceWarning`` in its finalizer;
    Python reports that through ``sys.unraisablehook``, which this replaces
    to collect it, and the block ends with a collection to find the rest.
    """
    caught: list[str] = []

    def collect(unraisable: Any) -> None:
        caught.append(f"{unraisable.exc_type.__name__}: {unraisable.exc_value}")

    previous = sys.unraisablehook
    sys.unraisablehook = collect
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            yield caught
            gc.collect()
    finally:
        sys.unraisablehook = previous


def where_they_are(threads: list[threading.Thread]) -> list[str]:
    """The stacks of the threads still running, to tell where they are stuck."""
    frames = sys._current_frames()
    return [
        f"{thread.name} is at:\n"
        + "".join(traceback.format_stack(frames[thread.ident]))
        for thread in threads
        if thread.ident in frames
    ]


def joined(threads: list[threading.Thread], timeout: float) -> list[threading.Thread]:
    """Wait for ``threads`` until ``timeout`` runs out; those still running."""
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [thread for thread in threads if thread.is_alive()]


# -- the tests ---------------------------------------------------------------------


def key_of(thread: int, n: int) -> str:
    return f"t{thread}-{n}"


STRESS_KEYS = [
    key_of(thread, n) for thread in range(THREADS) for n in range(REQUESTS_PER_THREAD)
]


def test_plan_has_every_fault_and_outcome() -> None:
    """The seeded plan gives every fault, and every outcome, many times."""
    outcomes = [expected(key) for key in STRESS_KEYS]
    faults = Counter(fault for outcome in outcomes for fault in outcome.faults)
    errors = Counter(outcome.error for outcome in outcomes)
    recovered = [o for o in outcomes if o.error is None and len(o.faults) > 1]
    assert min(faults[fault] for fault in WEIGHTS) >= 30, faults
    assert min(errors[kind] for kind in OUTCOMES) >= 10, errors
    assert len(recovered) >= 1000


OUTCOMES = (None, ApiTimeoutError, ApiConnectionError, ServiceException)


def test_threads_share_one_client_through_random_faults(
    faulty_server: ServerProcess,
) -> None:
    """32 threads x 200 requests through one client each end as they must.

    Each call gets its own attempts or exactly the exception its faults
    lead to, within its worst case; no thread, socket or unraisable error
    is left after close(), and traced memory stays flat from round to round.
    """
    threads_before = set(threading.enumerate())
    files_before = open_files()
    problems: list[str] = []
    memory: list[int] = []
    between_rounds = threading.Barrier(THREADS + 1)

    def work(client: ApiClient, thread: int) -> None:
        try:
            for n in range(REQUESTS_PER_THREAD):
                key = key_of(thread, n)
                problem = problem_with(key, partial(get_attempts, client, key))
                if problem:
                    problems.append(problem)
                if (n + 1) % (REQUESTS_PER_THREAD // ROUNDS) == 0:
                    between_rounds.wait(ROUND_TIMEOUT)  # memory is measured now
                    between_rounds.wait(ROUND_TIMEOUT)
        except threading.BrokenBarrierError:
            pass  # the rounds were ended early; the main thread says why
        except Exception:  # anything else ends the test, reported by problems
            problems.append(traceback.format_exc())
            between_rounds.abort()

    with unraisable_errors() as unraisable:
        tracemalloc.start()
        try:
            client = stressed_client(faulty_server.url)
            workers = [
                threading.Thread(target=work, args=(client, n), name=f"stress {n}")
                for n in range(THREADS)
            ]
            for worker in workers:
                worker.start()
            try:
                for _ in range(ROUNDS):
                    between_rounds.wait(ROUND_TIMEOUT)
                    gc.collect()
                    memory.append(tracemalloc.get_traced_memory()[0])
                    between_rounds.wait(ROUND_TIMEOUT)
            except threading.BrokenBarrierError:
                problems.extend(where_they_are(workers))
                between_rounds.abort()
            still_running = joined(workers, ROUND_TIMEOUT)
            client.close()
        finally:
            tracemalloc.stop()
        # Measured while the client is still referenced, as after a with block.
        threads_after = set(threading.enumerate())
        files_after = open_files()
        del client, workers

    report = faulty_server.stop()
    sent = sum(len(expected(key).faults) for key in STRESS_KEYS)
    assert problems == []
    assert len(memory) == ROUNDS
    assert still_running == []
    assert threads_after == threads_before
    assert files_after == files_before
    assert unraisable == []
    assert memory[-1] - memory[1] <= MEMORY_GROWTH_LIMIT, memory
    assert report == f"answered {sent} threads left 0"


def test_async_requests_through_random_faults(faulty_server: ServerProcess) -> None:
    """400 async_req calls on 8 workers each end as they must; close() ends them."""
    threads_before = set(threading.enumerate())
    files_before = open_files()
    keys = [f"async-{n}" for n in range(ASYNC_REQUESTS)]
    budget = sum(expected(key).worst_case_seconds() for key in keys) / ASYNC_WORKERS

    with unraisable_errors() as unraisable:
        client = stressed_client(faulty_server.url, pool_threads=ASYNC_WORKERS)
        results = {key: get_attempts(client, key, async_req=True) for key in keys}
        deadline = time.monotonic() + budget

        def outcome(key: str) -> Any:
            # Each result is dropped once read: a result the caller keeps
            # refers to the worker pool's queue, and so to the pipe it holds.
            return results.pop(key).get(max(0.1, deadline - time.monotonic()))

        problems = [
            problem_with(key, partial(outcome, key), timed=False) for key in keys
        ]
        client.close()
        threads_after = set(threading.enumerate())
        files_after = open_files()
        del client

    report = faulty_server.stop()
    sent = sum(len(expected(key).faults) for key in keys)
    assert [problem for problem in problems if problem] == []
    assert threads_after == threads_before
    assert files_after == files_before
    assert unraisable == []
    assert report == f"answered {sent} threads left 0"


# -- found under stress ------------------------------------------------------------


def test_close_closes_connections_of_a_client_still_referenced(
    scripted: ScriptedServer,
) -> None:
    """close() closes the pooled connections at once, while the client lives on.

    Before, close() only dropped urllib3's pools, whose connections are closed
    when the pools are collected; the client's last_response refers to its
    pool, so the socket stayed open as long as the client did.
    """
    scripted.script(Reply(body=b"[]"))
    files_before = open_files()
    with ApiClient(Configuration(host=scripted.url)) as client:
        client.call_api("/x", "GET", response_type=(object,))
        assert len(open_files()) > len(files_before)
    assert settled_files(files_before) == files_before
    assert client.last_response is not None


def test_close_closes_connections_while_an_error_holds_the_pool(
    scripted: ScriptedServer,
) -> None:
    """close() closes the pooled connections even while the caller keeps an
    exception whose context (urllib3's MaxRetryError) refers to the pool."""
    scripted.script(Reply(body=b"[]"), Reply(fault=RESET), Reply(body=b"[]"))
    files_before = open_files()
    config = Configuration(host=scripted.url)
    config.retries = 0
    client = ApiClient(config)
    client.call_api("/x", "GET")
    with pytest.raises(ApiConnectionError) as info:
        client.call_api("/x", "GET")
    client.call_api("/x", "GET")
    client.close()
    del client
    assert settled_files(files_before) == files_before
    assert info.value.__context__ is not None
