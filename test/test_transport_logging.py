"""Logging: one INFO line per request, DEBUG detail on demand, never a secret."""

from __future__ import annotations

import base64
import http.client
import importlib
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from servers import ForwardingProxy, Reply, ScriptedServer

import backup_client._logging
from backup_client import ApiClient, Configuration
from backup_client.exceptions import ApiException
from backup_client.model_utils import file_type

OK = Reply(body=b"{}", headers={"Content-Type": "application/json"})


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the captured records hold: messages, arguments, tracebacks."""
    parts = []
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), record.exc_text or ""]
    return "\n".join(parts)


def debug_client(make_client: Callable[..., ApiClient], url: str) -> ApiClient:
    client = make_client(url, retries=0)
    client.configuration.debug = True
    return client


# -- what is logged ---------------------------------------------------------------


def test_each_request_logs_one_info_line(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One INFO line per request: method, URL, status, reason and milliseconds."""
    scripted.script(OK)
    client = make_client(scripted.url)
    with caplog.at_level(logging.INFO, logger="backup_client"):
        client.call_api("/x", "GET", query_params={"limit": 5})
        client.call_api("/y", "GET")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(lines) == 2
    assert re.fullmatch(rf"GET {scripted.url}/x\?limit=5 -> 200 OK in \d+ ms", lines[0])
    assert lines[1].startswith(f"GET {scripted.url}/y -> 200 OK in ")


def test_retries_still_log_one_info_line(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A request answered after retries logs one INFO line; DEBUG names the retries."""
    from backup_client.rest import RetryPolicy

    scripted.script(Reply(503), Reply(503), OK)
    client = debug_client(make_client, scripted.url)
    client.configuration.retries = RetryPolicy(backoff_factor=0, backoff_jitter=0)
    client.call_api("/x", "GET")
    ours = [r for r in caplog.records if r.name.startswith("backup_client")]
    assert [r.levelno for r in ours].count(logging.INFO) == 1
    assert any("after 2 retries (503, 503)" in r.getMessage() for r in ours)


def test_debug_lines_show_headers_and_sizes(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With debug on, DEBUG lines show request and answer headers and body sizes."""
    scripted.script(Reply(body=b'{"a": 1}', headers={"X-Request-Id": "r-1"}))
    client = debug_client(make_client, scripted.url)
    client.call_api("/x", "POST", body={"b": 2}, header_params={"X-Trace": "t-1"})
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    sent, answered = (line for line in debug if line.startswith("POST"))
    assert "'X-Trace': 't-1'" in sent
    assert sent.endswith("and 8 body bytes")
    assert "'X-Request-Id': 'r-1'" in answered
    assert answered.endswith(", 8 body bytes")


def test_no_debug_lines_with_debug_off(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With debug off nothing is logged below INFO, even if the logger allows it."""
    client = make_client(scripted.url)
    with caplog.at_level(logging.DEBUG, logger="backup_client"):
        client.call_api("/x", "GET")
    assert [r for r in caplog.records if r.levelno < logging.INFO] == []


def test_records_come_from_module_loggers_under_the_package(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    """Records are logged by backup_client.rest and backup_client.api_client."""
    scripted.script(Reply(body=b"data"))
    client = debug_client(make_client, scripted.url)
    client.configuration.temp_folder_path = str(tmp_path)
    saved = client.call_api(
        "/file", "GET", response_type=(file_type,), _return_http_data_only=True
    )
    saved.close()
    names = {r.name for r in caplog.records}
    assert names == {"backup_client.rest", "backup_client.api_client"}


def test_package_logger_has_exactly_one_null_handler() -> None:
    """The NullHandler is attached once, even if the module is loaded again."""
    importlib.reload(backup_client._logging)
    handlers = logging.getLogger("backup_client").handlers
    assert sum(isinstance(h, logging.NullHandler) for h in handlers) == 1


def global_logging_state() -> dict[str, Any]:
    root, urllib3_logger = logging.getLogger(), logging.getLogger("urllib3")
    return {
        "root level": root.level,
        "root handlers": list(root.handlers),
        "urllib3 level": urllib3_logger.level,
        "urllib3 handlers": list(urllib3_logger.handlers),
        "urllib3 propagate": urllib3_logger.propagate,
        "http.client debuglevel": http.client.HTTPConnection.debuglevel,
        "disabled below": logging.root.manager.disable,
    }


def test_debug_changes_no_global_logging_state(
    scripted: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """debug on, a request and debug off leave root, urllib3 and http.client alone."""
    before = global_logging_state()
    client = make_client(scripted.url)
    client.configuration.debug = True
    client.call_api("/x", "GET")
    assert global_logging_state() == before
    client.configuration.debug = False
    assert global_logging_state() == before


# -- secrets --------------------------------------------------------------------

QUERY_SECRETS = ["api_key", "token", "access_token", "password", "secret"]


def test_bearer_token_never_logged(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The bearer token appears in no log line, repr or debug report."""
    client = debug_client(make_client, scripted.url)
    client.configuration.access_token = "tok-SECRET-1"
    client.call_api("/x", "GET", auth_settings=["bearerAuth"])
    assert scripted.seen[0].header("Authorization") == "Bearer tok-SECRET-1"
    assert_hidden("SECRET-1", caplog, client.configuration)


def test_basic_auth_never_logged(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Neither the password nor its base64 form appears anywhere."""
    client = debug_client(make_client, scripted.url)
    client.configuration.username, client.configuration.password = "u", "pw-SECRET-2"
    client.call_api("/x", "GET", auth_settings=["basicAuth"])
    encoded = base64.b64encode(b"u:pw-SECRET-2").decode()
    assert scripted.seen[0].header("Authorization") == f"Basic {encoded}"
    assert_hidden("SECRET-2", caplog, client.configuration)
    assert_hidden(encoded, caplog, client.configuration)


def test_api_key_never_logged(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The API key header's value appears in no log line, repr or debug report."""
    client = debug_client(make_client, scripted.url)
    client.configuration.api_key = {"apiKey": "key-SECRET-3"}
    client.call_api("/x", "GET", auth_settings=["apiKey"])
    assert scripted.seen[0].header("apiKey") == "key-SECRET-3"
    assert_hidden("SECRET-3", caplog, client.configuration)


@pytest.mark.parametrize("name", QUERY_SECRETS)
def test_query_secrets_never_logged(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    """A credential in a query parameter is masked in every log line."""
    client = debug_client(make_client, scripted.url)
    client.call_api("/x", "GET", query_params={name: "q-SECRET-4", "limit": 5})
    assert scripted.seen[0].query[name] == ["q-SECRET-4"]
    assert f"{name}=***" in logged_text(caplog)
    assert "limit=5" in logged_text(caplog)
    assert_hidden("SECRET-4", caplog, client.configuration)


def test_cookies_never_logged(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Neither the Cookie sent nor the Set-Cookie received appears in the logs."""
    scripted.script(Reply(headers={"Set-Cookie": "sid=sc-SECRET-5; HttpOnly"}))
    client = debug_client(make_client, scripted.url)
    client.cookie = "session=ck-SECRET-6"
    client.call_api("/x", "GET")
    assert scripted.seen[0].header("Cookie") == "session=ck-SECRET-6"
    assert "'Set-Cookie': '***'" in logged_text(caplog)
    assert_hidden("SECRET-5", caplog, client.configuration)
    assert_hidden("SECRET-6", caplog, client.configuration)


def test_secrets_never_in_failures(
    closed_port: int,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed request's exception and log line hold none of its credentials."""
    client = debug_client(
        make_client, f"http://user:pw-SECRET-7@127.0.0.1:{closed_port}"
    )
    client.configuration.access_token = "tok-SECRET-7"
    client.configuration.api_key = {"apiKey": "key-SECRET-7"}
    with pytest.raises(ApiException) as info:
        client.call_api(
            "/x",
            "GET",
            query_params={"token": "q-SECRET-7"},
            auth_settings=["apiKey", "bearerAuth"],
        )
    error = info.value
    texts = [str(error), repr(error), str(error.__cause__), repr(error.__cause__)]
    assert_hidden("SECRET-7", caplog, client.configuration, *texts)


def test_error_answers_never_show_set_cookie(
    scripted: ScriptedServer,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The exception of an error answer keeps headers as data, not in its text."""
    scripted.script(Reply(403, b"denied", {"Set-Cookie": "sid=sc-SECRET-8"}))
    client = debug_client(make_client, scripted.url)
    with pytest.raises(ApiException) as info:
        client.call_api("/x", "GET")
    assert info.value.headers is not None
    assert info.value.headers["Set-Cookie"] == "sid=sc-SECRET-8"
    assert_hidden("SECRET-8", caplog, client.configuration, str(info.value))


def test_proxy_credentials_never_shown(
    scripted: ScriptedServer,
    forwarding_proxy: ForwardingProxy,
    make_client: Callable[..., ApiClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A proxy password and proxy header values appear in no log line or repr."""
    client = debug_client(make_client, scripted.url)
    proxy_url = f"http://u:px-SECRET-9@127.0.0.1:{forwarding_proxy.port}"
    client.configuration.proxy = proxy_url
    client.configuration.proxy_headers = {"Proxy-Authorization": "Basic px-SECRET-9"}
    client.call_api("/x", "GET")
    assert forwarding_proxy.seen[0].header("Proxy-Authorization") == (
        "Basic px-SECRET-9"
    )
    assert_hidden("SECRET-9", caplog, client.configuration)


def assert_hidden(
    secret: str,
    caplog: pytest.LogCaptureFixture,
    configuration: Configuration,
    *texts: str,
) -> None:
    """``secret`` is in no captured record, repr, debug report or given text."""
    places = {
        "log": logged_text(caplog),
        "repr": repr(configuration),
        "debug report": configuration.to_debug_report(),
        **{f"text {i}": text for i, text in enumerate(texts)},
    }
    assert caplog.records or texts, "nothing was logged or raised to search"
    assert [place for place, text in places.items() if secret in text] == []
