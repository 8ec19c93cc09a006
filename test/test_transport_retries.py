"""Retries: what is retried, how long it waits, and what is raised in the end.

Retry policies here have no backoff, or a tiny one, so that the tests are
quick; the defaults themselves are checked on the policy object.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import pytest
import urllib3
from servers import CLOSE, HANG, RESET, Reply, ScriptedServer
from urllib3.util.retry import RequestHistory

from backup_client import ApiClient, Configuration
from backup_client.exceptions import (
    ApiConnectionError,
    ApiException,
    ApiTimeoutError,
    ServiceException,
)
from backup_client.rest import (
    IDEMPOTENT_METHODS,
    RETRY_AFTER_CAP,
    RETRY_STATUSES,
    RetryPolicy,
    retry_policy,
)

OK = Reply(body=b'{"ok": true}', headers={"Content-Type": "application/json"})


def quick(**settings: Any) -> RetryPolicy:
    """The default policy without waits between retries."""
    return RetryPolicy(backoff_factor=0, backoff_jitter=0, **settings)


def call(client: ApiClient, method: str = "GET", **kwargs: Any) -> Any:
    return client.call_api(
        "/x", method, response_type=(dict,), _return_http_data_only=True, **kwargs
    )


@pytest.fixture
def client(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> ApiClient:
    """A client for the scripted server with the default policy minus backoff."""
    return make_client(scripted.url, retries=quick(), timeout=(2.0, 0.3))


# -- the defaults -----------------------------------------------------------


def test_default_policy_settings() -> None:
    """Three retries of idempotent methods on 429/502/503/504 and connection errors."""
    policy = RetryPolicy()
    assert (policy.connect, policy.read, policy.status, policy.other) == (3, 3, 3, 0)
    assert policy.allowed_methods == IDEMPOTENT_METHODS
    assert {"POST", "PATCH"}.isdisjoint(IDEMPOTENT_METHODS)
    assert set(policy.status_forcelist) == set(RETRY_STATUSES) == {429, 502, 503, 504}
    assert (policy.backoff_factor, policy.backoff_jitter) == (0.5, 0.5)
    assert (policy.retry_after_cap, policy.retry_read_timeouts) == (30.0, False)
    assert not policy.raise_on_status


def test_backoff_doubles_and_adds_bounded_jitter() -> None:
    """Backoff before retry n is factor * 2 ** (n - 1) plus up to the jitter."""
    failure = RequestHistory("GET", "/x", None, 503, None)
    for failures, base in [(1, 0.5), (2, 1.0), (3, 2.0)]:
        policy = RetryPolicy().new(history=(failure,) * failures)
        waits = {policy.get_backoff_time() for _ in range(50)}
        assert all(base <= wait <= base + 0.5 for wait in waits)
        assert len(waits) > 1


def test_backoff_never_exceeds_its_maximum() -> None:
    """backoff_max caps the wait however many failures came before."""
    failure = RequestHistory("GET", "/x", None, 503, None)
    policy = RetryPolicy(backoff_max=3.0).new(history=(failure,) * 10)
    assert policy.get_backoff_time() == 3.0


def test_policy_settings_survive_each_retry() -> None:
    """The policy's own settings are kept in the copies urllib3 makes."""
    policy = RetryPolicy(retry_after_cap=5.0, retry_read_timeouts=True)
    copy = policy.new(total=2)
    assert (copy.retry_after_cap, copy.retry_read_timeouts, copy.total) == (5, True, 2)


# -- what is retried ----------------------------------------------------------


@pytest.mark.parametrize("status", sorted(RETRY_STATUSES))
def test_retryable_status_is_retried_for_get(
    scripted: ScriptedServer, client: ApiClient, status: int
) -> None:
    """A GET answered 429, 502, 503 or 504 is sent again and its success returned."""
    scripted.script(Reply(status), Reply(status), OK)
    assert call(client) == {"ok": True}
    assert len(scripted.seen) == 3


@pytest.mark.parametrize("method", sorted(IDEMPOTENT_METHODS - {"HEAD"}))
def test_every_idempotent_method_is_retried(
    scripted: ScriptedServer, client: ApiClient, method: str
) -> None:
    """GET, PUT, DELETE and OPTIONS are retried after a 503."""
    scripted.script(Reply(503), OK)
    assert call(client, method) == {"ok": True}
    assert [seen.method for seen in scripted.seen] == [method, method]


def test_head_is_retried(scripted: ScriptedServer, client: ApiClient) -> None:
    """HEAD is retried after a 503."""
    scripted.script(Reply(503), Reply(200))
    client.call_api("/x", "HEAD")
    assert [seen.method for seen in scripted.seen] == ["HEAD", "HEAD"]


def test_server_error_500_is_not_retried(
    scripted: ScriptedServer, client: ApiClient
) -> None:
    """A 500 is raised at once: a server bug rarely goes away by itself."""
    scripted.script(Reply(500), OK)
    with pytest.raises(ServiceException):
        call(client)
    assert len(scripted.seen) == 1


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_post_and_patch_are_not_retried_on_status(
    scripted: ScriptedServer, client: ApiClient, method: str
) -> None:
    """A POST or PATCH answered 503 is raised at once with the answer."""
    scripted.script(Reply(503, b"busy", {"X-Id": "1"}), OK)
    with pytest.raises(ServiceException) as info:
        call(client, method, body={"a": 1})
    assert (info.value.status, info.value.body) == (503, b"busy")
    assert len(scripted.seen) == 1


@pytest.mark.parametrize("fault", [RESET, CLOSE])
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_post_and_patch_are_not_retried_on_connection_errors(
    scripted: ScriptedServer, client: ApiClient, method: str, fault: str
) -> None:
    """A POST or PATCH whose connection breaks raises ApiConnectionError at once."""
    scripted.script(Reply(fault=fault), OK)
    with pytest.raises(ApiConnectionError, match="connection broken"):
        call(client, method, body={"a": 1})
    assert len(scripted.seen) == 1


def test_post_is_not_retried_when_refused(
    closed_port: int, make_client: Callable[..., ApiClient]
) -> None:
    """A POST is not retried even when the connection was refused."""
    policy = RetryPolicy(backoff_factor=5.0, backoff_jitter=0)
    client = make_client(f"http://127.0.0.1:{closed_port}", retries=policy)
    started = time.monotonic()
    with pytest.raises(ApiConnectionError, match="could not connect"):
        call(client, "POST", body={})
    assert time.monotonic() - started < 4.0  # a retry would first wait 5 s


def test_post_is_retried_when_configured(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """A policy that allows POST retries it."""
    scripted.script(Reply(503), OK)
    policy = quick(allowed_methods=IDEMPOTENT_METHODS | {"POST"})
    client = make_client(scripted.url, retries=policy)
    assert call(client, "POST", body={}) == {"ok": True}
    assert len(scripted.seen) == 2


@pytest.mark.parametrize("fault", [RESET, CLOSE])
def test_broken_connection_is_retried_for_get(
    scripted: ScriptedServer, client: ApiClient, fault: str
) -> None:
    """A GET whose connection is reset or closed unanswered is sent again."""
    scripted.script(Reply(fault=fault), Reply(fault=fault), OK)
    assert call(client) == {"ok": True}
    assert len(scripted.seen) == 3


def test_refused_connection_is_retried_with_growing_backoff(
    closed_port: int, make_client: Callable[..., ApiClient]
) -> None:
    """Three refused connects wait 0.05, 0.1 and 0.2 s before giving up."""
    policy = RetryPolicy(backoff_factor=0.05, backoff_jitter=0)
    client = make_client(f"http://127.0.0.1:{closed_port}", retries=policy)
    started = time.monotonic()
    with pytest.raises(ApiConnectionError, match="could not connect"):
        call(client)
    assert 0.35 <= time.monotonic() - started < 3.0


def test_read_timeout_is_not_retried_by_default(
    scripted: ScriptedServer, client: ApiClient
) -> None:
    """A GET that timed out reading is not sent again: the wait would multiply."""
    scripted.script(Reply(fault=HANG))
    with pytest.raises(ApiTimeoutError):
        call(client)
    assert len(scripted.seen) == 1


def test_read_timeout_is_retried_when_configured(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """retry_read_timeouts=True sends a timed-out GET again."""
    scripted.script(Reply(fault=HANG), OK)
    policy = quick(retry_read_timeouts=True)
    client = make_client(scripted.url, retries=policy, timeout=(2.0, 0.3))
    assert call(client) == {"ok": True}
    assert len(scripted.seen) == 2


# -- when retries run out -------------------------------------------------------


def test_exhausted_retries_raise_the_last_answer(
    scripted: ScriptedServer, client: ApiClient
) -> None:
    """After the last retry the 503 is raised with its status, body and headers."""
    scripted.script(Reply(503, b'{"error": "busy"}', {"X-Request-Id": "r-7"}))
    with pytest.raises(ServiceException) as info:
        call(client)
    error = info.value
    assert (error.status, error.reason, error.body) == (
        503,
        "Service Unavailable",
        b'{"error": "busy"}',
    )
    assert error.headers is not None and error.headers["X-Request-Id"] == "r-7"
    assert len(scripted.seen) == 4


def test_exhausted_connection_retries_raise_connection_error(
    scripted: ScriptedServer, client: ApiClient
) -> None:
    """Four resets in a row raise ApiConnectionError after three retries."""
    scripted.script(Reply(fault=RESET))
    with pytest.raises(ApiConnectionError, match="connection broken"):
        call(client)
    assert len(scripted.seen) == 4


@pytest.mark.parametrize(("retries", "sent"), [(0, 1), (False, 1), (1, 2)])
def test_retries_as_a_number(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    retries: int,
    sent: int,
) -> None:
    """Configuration.retries = n allows n retries; False or 0 allows none."""
    scripted.script(Reply(503))
    client = make_client(scripted.url, retries=retries)
    with pytest.raises(ServiceException):
        call(client)
    assert len(scripted.seen) == sent


def test_a_number_of_retries_keeps_the_default_policy() -> None:
    """retries = 5 is the default policy with five retries of each kind."""
    config = Configuration()
    config.retries = 5
    policy = retry_policy(config)
    assert type(policy) is RetryPolicy
    assert (policy.connect, policy.read, policy.status) == (5, 5, 5)
    assert policy.allowed_methods == IDEMPOTENT_METHODS


def test_user_retry_raises_the_last_answer_not_urllib3s_error(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """A urllib3.Retry with a status list ends with the answer's own exception."""
    scripted.script(Reply(503, b"still busy"))
    retry = urllib3.Retry(total=2, status_forcelist=[503], backoff_factor=0)
    client = make_client(scripted.url, retries=retry)
    with pytest.raises(ServiceException) as info:
        call(client)
    assert (info.value.status, info.value.body) == (503, b"still busy")
    assert len(scripted.seen) == 3


# -- Retry-After ----------------------------------------------------------------


def test_retry_after_seconds_are_waited(
    scripted: ScriptedServer, client: ApiClient
) -> None:
    """Retry-After: 1 makes the retry wait a second."""
    scripted.script(Reply(503, headers={"Retry-After": "1"}), OK)
    started = time.monotonic()
    assert call(client) == {"ok": True}
    assert 0.9 <= time.monotonic() - started < 3.0
    assert len(scripted.seen) == 2


def test_retry_after_date_in_the_past_is_retried(
    scripted: ScriptedServer, client: ApiClient
) -> None:
    """Retry-After as an HTTP-date already past is a retry without a pause."""
    past = formatdate(time.time() - 60, usegmt=True)
    scripted.script(Reply(429, headers={"Retry-After": past}), OK)
    assert call(client) == {"ok": True}
    assert len(scripted.seen) == 2


@pytest.mark.parametrize(
    "retry_after",
    [str(int(RETRY_AFTER_CAP) + 1), formatdate(time.time() + 3600, usegmt=True)],
    ids=["seconds", "http-date"],
)
def test_retry_after_beyond_the_cap_raises_at_once(
    scripted: ScriptedServer, client: ApiClient, retry_after: str
) -> None:
    """A Retry-After longer than the cap is not waited for: the 503 is raised now."""
    scripted.script(Reply(503, headers={"Retry-After": retry_after}), OK)
    started = time.monotonic()
    with pytest.raises(ServiceException) as info:
        call(client)
    assert time.monotonic() - started < RETRY_AFTER_CAP / 2
    assert info.value.headers is not None
    assert info.value.headers["Retry-After"] == retry_after
    assert len(scripted.seen) == 1


def test_retry_after_cap_is_configurable(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """RetryPolicy(retry_after_cap=0.5) gives up on a Retry-After of one second."""
    scripted.script(Reply(429, headers={"Retry-After": "1"}), OK)
    client = make_client(scripted.url, retries=quick(retry_after_cap=0.5))
    with pytest.raises(ApiException) as info:
        call(client)
    assert info.value.status == 429
    assert len(scripted.seen) == 1


def test_unreadable_retry_after_falls_back_to_backoff(
    scripted: ScriptedServer, client: ApiClient
) -> None:
    """A Retry-After that is neither seconds nor a date is ignored, not an error."""
    scripted.script(Reply(503, headers={"Retry-After": "soon"}), OK)
    assert call(client) == {"ok": True}
    assert len(scripted.seen) == 2
