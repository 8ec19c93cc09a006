"""Credentials: how each scheme is sent, refreshed, refused and kept from others."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import urllib3
from servers import Reply, ScriptedServer

from backup_client import ApiClient, Configuration
from backup_client.exceptions import ApiException, ApiValueError

OK = Reply(body=b"{}", headers={"Content-Type": "application/json"})


def get(client: ApiClient, **kwargs: Any) -> object:
    return client.call_api("/x", "GET", **kwargs)


def test_api_key_is_sent_with_its_prefix(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """The apiKey scheme sends its key, after the prefix, in the apiKey header."""
    client = make_client(scripted.url)
    client.configuration.api_key = {"apiKey": "k-123"}
    client.configuration.api_key_prefix = {"apiKey": "Key"}
    get(client, auth_settings=["apiKey"])
    assert scripted.seen[0].header("apiKey") == "Key k-123"


def test_bearer_token_is_sent_in_authorization(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """bearerAuth sends 'Bearer <access_token>'."""
    client = make_client(scripted.url, access_token="tok-9")
    get(client, auth_settings=["bearerAuth"])
    assert scripted.seen[0].header("Authorization") == "Bearer tok-9"


def test_basic_auth_encodes_utf8_credentials(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """basicAuth sends base64 of 'user:password' encoded as UTF-8."""
    client = make_client(scripted.url, username="jürgen", password="pässwörd€")
    get(client, auth_settings=["basicAuth"])
    header = scripted.seen[0].header("Authorization") or ""
    assert header.startswith("Basic ")
    assert base64.b64decode(header[6:]).decode("utf-8") == "jürgen:pässwörd€"


def test_only_the_named_schemes_are_applied(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """Credentials of schemes not named in auth_settings are not sent."""
    client = make_client(scripted.url, access_token="tok", api_key={"apiKey": "k"})
    get(client, auth_settings=["apiKey"])
    get(client)
    first, second = scripted.seen
    assert (first.header("apiKey"), first.header("Authorization")) == ("k", None)
    assert (second.header("apiKey"), second.header("Authorization")) == (None, None)


def test_refresh_hook_runs_before_each_request_using_a_key(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """refresh_api_key_hook gets the configuration before each keyed request."""
    client = make_client(scripted.url)
    calls: list[Configuration] = []

    def refresh(config: Configuration) -> None:
        calls.append(config)
        config.api_key["apiKey"] = f"fresh-{len(calls)}"

    client.configuration.refresh_api_key_hook = refresh
    for _ in range(3):
        get(client, auth_settings=["apiKey"])
    assert [seen.header("apiKey") for seen in scripted.seen] == [
        "fresh-1",
        "fresh-2",
        "fresh-3",
    ]
    assert calls == [client.configuration] * 3


# -- header injection -----------------------------------------------------------

BROKEN = "v\r\nX-Injected: yes"


@pytest.mark.parametrize(
    ("header", "setup"),
    [
        ("apiKey", lambda c: c.configuration.api_key.update(apiKey=BROKEN)),
        ("Authorization", lambda c: setattr(c.configuration, "access_token", BROKEN)),
        ("Cookie", lambda c: setattr(c, "cookie", BROKEN)),
        ("X-Default", lambda c: c.set_default_header("X-Default", BROKEN)),
    ],
    ids=["api key", "bearer token", "cookie", "default header"],
)
def test_credential_with_a_line_break_is_refused(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    header: str,
    setup: Callable[[ApiClient], None],
) -> None:
    """CR or LF in any header raises ApiValueError naming it, not showing its value."""
    client = make_client(scripted.url)
    setup(client)
    with pytest.raises(ApiValueError, match=f"header '{header}' contains") as info:
        get(client, auth_settings=["apiKey", "bearerAuth"])
    assert "Injected" not in str(info.value)
    assert scripted.seen == []


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\r\nb"])
def test_header_param_with_a_line_break_is_refused_before_queueing(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient], value: str
) -> None:
    """An async request with a broken header raises at once, before it is queued."""
    client = make_client(scripted.url)
    with pytest.raises(ApiValueError, match="'X-Note'"):
        get(client, header_params={"X-Note": value}, async_req=True)
    assert scripted.seen == []


# -- redirects ------------------------------------------------------------------

CREDENTIALS = ("Authorization", "apiKey", "Cookie", "Proxy-Authorization")


@pytest.fixture
def second_server() -> Iterator[ScriptedServer]:
    with ScriptedServer(OK) as server:
        yield server


def credentialed_client(
    make_client: Callable[..., ApiClient], url: str
) -> tuple[ApiClient, dict[str, Any]]:
    """A client holding every kind of credential, and the call that sends them."""
    client = make_client(url, access_token="tok-1", api_key={"apiKey": "key-1"})
    client.cookie = "session=s-1"
    call = {
        "auth_settings": ["apiKey", "bearerAuth"],
        "header_params": {"Proxy-Authorization": "Basic cA==", "X-Trace": "t-1"},
    }
    return client, call


def test_redirect_to_another_host_drops_credentials(
    scripted: ScriptedServer,
    second_server: ScriptedServer,
    make_client: Callable[..., ApiClient],
) -> None:
    """Following a redirect to another host sends no credential there."""
    elsewhere = f"http://localhost:{second_server.port}/landing"
    scripted.script(Reply(302, headers={"Location": elsewhere}))
    client, call = credentialed_client(make_client, scripted.url)
    get(client, **call)
    (first,) = scripted.seen
    assert all(first.header(name) for name in CREDENTIALS)
    (landed,) = second_server.seen
    assert landed.path == "/landing"
    assert [name for name in CREDENTIALS if landed.header(name)] == []
    assert landed.header("X-Trace") == "t-1"


def test_redirect_on_the_same_host_keeps_credentials(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """A redirect within the same host keeps the credentials."""
    scripted.script(Reply(307, headers={"Location": "/moved"}), OK)
    client, call = credentialed_client(make_client, scripted.url)
    get(client, **call)
    _, moved = scripted.seen
    assert moved.path == "/moved"
    assert all(moved.header(name) for name in CREDENTIALS)


def test_redirect_with_a_user_retry_drops_api_keys_too(
    scripted: ScriptedServer,
    second_server: ScriptedServer,
    make_client: Callable[..., ApiClient],
) -> None:
    """A urllib3.Retry given by the user also drops the apiKey header off-host."""
    elsewhere = f"http://localhost:{second_server.port}/landing"
    scripted.script(Reply(302, headers={"Location": elsewhere}))
    client, call = credentialed_client(make_client, scripted.url)
    client.configuration.retries = urllib3.Retry(total=3)
    get(client, **call)
    (landed,) = second_server.seen
    assert [name for name in CREDENTIALS if landed.header(name)] == []


def test_too_many_redirects_raise_the_last_answer(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """A redirect loop ends with the last 3xx answer raised as ApiException."""
    scripted.script(Reply(302, headers={"Location": "/x"}))
    client = make_client(scripted.url)
    with pytest.raises(ApiException) as info:
        get(client)
    assert type(info.value) is ApiException
    assert info.value.status == 302
    assert len(scripted.seen) == 6
