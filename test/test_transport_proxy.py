"""Proxies: requests through a forwarding proxy on 127.0.0.1, and around it."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest
from servers import ForwardingProxy, Reply, ScriptedServer
from urllib3.exceptions import ProxyError

from backup_client import ApiClient
from backup_client.exceptions import (
    ApiConnectionError,
    ApiProxyError,
    ServiceException,
)

OK = Reply(body=b'{"ok": true}', headers={"Content-Type": "application/json"})
PROXY_AUTH = {"Proxy-Authorization": "Basic cHJveHk6c2VjcmV0"}


def get(client: ApiClient, path: str = "/x") -> object:
    return client.call_api(
        path, "GET", response_type=(dict,), _return_http_data_only=True
    )


def test_request_goes_through_the_proxy_with_proxy_headers(
    scripted: ScriptedServer,
    forwarding_proxy: ForwardingProxy,
    make_client: Callable[..., ApiClient],
) -> None:
    """With proxy set the request reaches the server through it, proxy headers sent."""
    scripted.script(OK)
    client = make_client(
        scripted.url, proxy=forwarding_proxy.url, proxy_headers=PROXY_AUTH
    )
    assert get(client, "/x?limit=5") == {"ok": True}
    (at_proxy,) = forwarding_proxy.seen
    assert at_proxy.target == f"{scripted.url}/x?limit=5"
    assert at_proxy.header("Proxy-Authorization") == PROXY_AUTH["Proxy-Authorization"]
    (at_server,) = scripted.seen
    assert at_server.target == "/x?limit=5"
    assert at_server.header("Proxy-Authorization") is None


@pytest.mark.parametrize(
    "no_proxy",
    ["127.0.0.1", "localhost, 127.0.0.1", "127.0.0.0/8", "*", "127.0.0.1:{port}"],
)
def test_no_proxy_hosts_bypass_the_proxy(
    scripted: ScriptedServer,
    forwarding_proxy: ForwardingProxy,
    make_client: Callable[..., ApiClient],
    no_proxy: str,
) -> None:
    """A host that no_proxy lists is reached directly; the proxy sees nothing."""
    scripted.script(OK)
    client = make_client(
        scripted.url,
        proxy=forwarding_proxy.url,
        no_proxy=no_proxy.format(port=scripted.port),
    )
    assert get(client) == {"ok": True}
    assert forwarding_proxy.seen == []
    assert len(scripted.seen) == 1


@pytest.mark.parametrize("no_proxy", ["example.test", "127.0.0.2", "127.0.0.1:1"])
def test_hosts_no_proxy_does_not_list_use_the_proxy(
    scripted: ScriptedServer,
    forwarding_proxy: ForwardingProxy,
    make_client: Callable[..., ApiClient],
    no_proxy: str,
) -> None:
    """A host outside no_proxy still goes through the proxy."""
    scripted.script(OK)
    client = make_client(scripted.url, proxy=forwarding_proxy.url, no_proxy=no_proxy)
    assert get(client) == {"ok": True}
    assert len(forwarding_proxy.seen) == 1


def test_unreachable_proxy_raises_proxy_error(
    closed_port: int, scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """A proxy that refuses connections raises ApiProxyError, chained from urllib3."""
    client = make_client(
        scripted.url, proxy=f"http://user:pw-4242@127.0.0.1:{closed_port}", retries=0
    )
    with pytest.raises(ApiProxyError, match="proxy failed: could not connect") as info:
        get(client)
    assert isinstance(info.value, ApiConnectionError)
    assert isinstance(info.value.__cause__, ProxyError)
    assert "pw-4242" not in str(info.value)
    assert type(pickle.loads(pickle.dumps(info.value))) is ApiProxyError
    assert scripted.seen == []


def test_proxy_refusing_a_tunnel_raises_proxy_error(
    forwarding_proxy: ForwardingProxy, make_client: Callable[..., ApiClient]
) -> None:
    """An HTTPS request through a proxy that refuses CONNECT raises ApiProxyError."""
    client = make_client("https://127.0.0.1:9", proxy=forwarding_proxy.url, retries=0)
    with pytest.raises(ApiProxyError, match="proxy failed"):
        get(client)
    (tunnel,) = forwarding_proxy.seen
    assert (tunnel.method, tunnel.target) == ("CONNECT", "127.0.0.1:9")


def test_proxy_error_answer_raises_its_status(
    closed_port: int,
    forwarding_proxy: ForwardingProxy,
    make_client: Callable[..., ApiClient],
) -> None:
    """A proxy's own 502 answer is raised like any answer, with its status."""
    client = make_client(
        f"http://127.0.0.1:{closed_port}", proxy=forwarding_proxy.url, retries=0
    )
    with pytest.raises(ServiceException) as info:
        get(client)
    assert (info.value.status, info.value.body) == (502, b"upstream unreachable")
