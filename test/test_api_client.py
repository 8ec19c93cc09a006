"""ApiClient: hydrating answers, writing payloads, and the request path."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from backup_client import ApiClient, Configuration
from backup_client.exceptions import (
    ApiAttributeError,
    ApiException,
    ApiTypeError,
    ApiValueError,
    ForbiddenException,
    NotFoundException,
    OpenApiException,
    ServiceException,
    UnauthorizedException,
)
from backup_client.model_utils import file_type, none_type
from backup_client.models import BackupAttempt, BackupDataStats
from backup_client.testing import StubServer

STATUSES = [s for s in BackupAttempt.allowed_values[("status",)].values() if s]
TEXTS = [
    "Sicherung von 'Büro-Laufwerk' fehlgeschlagen",
    "スナップショットの作成に失敗しました",
    'quote " backslash \\ newline \n tab \t',
    "emoji 🚀 and a lone escape \u2028",
    "",
]


@dataclass
class Answer:
    """A response as deserialize reads it."""

    data: bytes | str
    headers: dict[str, str] = field(default_factory=dict)

    def getheader(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return default


def record(rng: random.Random) -> dict[str, Any]:
    """One wire record: values, explicit nulls and absent keys mixed."""
    out: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        roll = rng.random()
        if roll < 0.2:
            out[key] = None
        elif roll < 0.3:
            return
        else:
            out[key] = value

    start = rng.randrange(-(2**62), 2**63)
    for key in ("startTimeUsecs", "endTimeUsecs", "queueDurationUsecs"):
        put(key, start + rng.randrange(0, 10**9))
    put("status", rng.choice([*STATUSES, "Skipped"]))
    put("message", rng.choice(TEXTS))
    put("progressTaskId", f"{rng.randrange(10**15)}:{rng.randrange(10**6)}")
    stats: dict[str, Any] = {}
    for key in ("logicalSizeBytes", "bytesWritten", "bytesRead"):
        stats_value = rng.randrange(0, 2**63)
        if rng.random() < 0.8:
            stats[key] = stats_value
    put("stats", stats)
    if rng.random() < 0.2:
        out["newerField"] = {"nested": [1, 2.5, "x", None, True], "big": 2**64}
    return out


def records(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [record(rng) for _ in range(count)]


@pytest.fixture
def client() -> Iterator[ApiClient]:
    with ApiClient() as api_client:
        yield api_client


def hydrate(client: ApiClient, body: Any, types: Any) -> Any:
    return client.deserialize(Answer(json.dumps(body).encode()), types, True)


# -- deserialize: every response-type form -----------------------------------


def test_deserialize_single_model(client: ApiClient) -> None:
    """``(BackupAttempt,)`` hydrates one object into a model."""
    attempt = hydrate(client, {"status": "Running", "stats": {}}, (BackupAttempt,))
    assert attempt == BackupAttempt(status="Running", stats=BackupDataStats())


def test_deserialize_list_of_models(client: ApiClient) -> None:
    """``([BackupAttempt],)`` hydrates a list of models."""
    attempts = hydrate(client, [{"message": "a"}, {}], ([BackupAttempt],))
    assert attempts == [BackupAttempt(message="a"), BackupAttempt()]


def test_deserialize_dict_of_models(client: ApiClient) -> None:
    """``({str: (BackupAttempt,)},)`` hydrates a dict of models."""
    attempts = hydrate(client, {"x": {"message": "a"}}, ({str: (BackupAttempt,)},))
    assert attempts == {"x": BackupAttempt(message="a")}


@pytest.mark.parametrize("value", [5, None])
def test_deserialize_nullable_int(client: ApiClient, value: int | None) -> None:
    """``(int, none_type)`` accepts an int or null."""
    assert hydrate(client, value, (int, none_type)) == value


def test_deserialize_date(client: ApiClient) -> None:
    """A date response type parses with python-dateutil."""
    assert hydrate(client, "2024-01-31", (date,)) == date(2024, 1, 31)


def test_deserialize_accepts_text_data(client: ApiClient) -> None:
    """``response.data`` may be text as well as bytes."""
    answer = Answer('[{"status": "Failed"}]')
    attempts = client.deserialize(answer, ([BackupAttempt],), True)
    assert attempts[0].status == "Failed"


def test_deserialize_decodes_declared_charset(client: ApiClient) -> None:
    """A body in the charset its Content-Type names is decoded with it."""
    answer = Answer(
        '{"message": "Büro"}'.encode("latin-1"),
        {"Content-Type": "application/json; charset=ISO-8859-1"},
    )
    assert client.deserialize(answer, (BackupAttempt,), True).message == "Büro"


def test_wrong_type_reports_wire_path_from_top_of_body(client: ApiClient) -> None:
    """A wrong type's path leads to it from the top of the body, in wire names."""
    body = [{}, {}, {}, {"startTimeUsecs": "yesterday"}]
    with pytest.raises(ApiTypeError) as info:
        hydrate(client, body, ([BackupAttempt],))
    assert info.value.path_to_item == ["received_data", 3, "startTimeUsecs"]
    message = str(info.value)
    assert "'startTimeUsecs'" in message
    assert "expected int or None, got str" in message
    assert message.endswith("at received_data[3].startTimeUsecs")


def test_wrong_type_inside_stats_reports_full_path(client: ApiClient) -> None:
    """A wrong type inside nested stats reports the path through stats."""
    body = [{"stats": {"bytesRead": True}}]
    with pytest.raises(ApiTypeError) as info:
        hydrate(client, body, ([BackupAttempt],))
    assert info.value.path_to_item == ["received_data", 0, "stats", "bytesRead"]


@pytest.mark.parametrize(
    ("value", "received"),
    [(True, "bool"), (1.0, "float"), ("1", "str"), ([1], "list")],
)
def test_server_values_of_wrong_type_are_rejected(
    client: ApiClient, value: Any, received: str
) -> None:
    """true, 1.0, strings and lists are not ints in server data either."""
    with pytest.raises(ApiTypeError, match=f"got {received}"):
        hydrate(client, {"endTimeUsecs": value}, (BackupAttempt,))


def test_check_type_false_keeps_server_values(client: ApiClient) -> None:
    """With _check_type=False values of other types are kept as sent."""
    answer = Answer(b'{"endTimeUsecs": "soon", "stats": {"bytesRead": 1}}')
    attempt = client.deserialize(answer, (BackupAttempt,), False)
    assert attempt.end_time_usecs == "soon"
    assert attempt.stats == BackupDataStats(bytes_read=1)


def test_null_model_at_top_level_is_rejected(client: ApiClient) -> None:
    """A null body where a model is required raises ApiTypeError."""
    with pytest.raises(ApiTypeError) as info:
        hydrate(client, None, (BackupAttempt,))
    assert info.value.path_to_item == ["received_data"]


def test_unknown_status_is_kept(client: ApiClient) -> None:
    """A newer server's status is kept as its string and reads as unknown."""
    attempt = hydrate(client, {"status": "Skipped"}, (BackupAttempt,))
    assert attempt.status == "Skipped"
    assert not attempt.is_known_value("status")


def test_discard_unknown_keys_from_configuration() -> None:
    """Configuration(discard_unknown_keys=True) drops unknown keys on hydration."""
    with ApiClient(Configuration(discard_unknown_keys=True)) as api_client:
        attempt = hydrate(api_client, {"a": 1, "status": "Failed"}, (BackupAttempt,))
    assert api_client.sanitize_for_serialization(attempt) == {"status": "Failed"}


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"<html>oops</html>", ApiValueError, "not valid JSON"),
        (b'[{"status": "Runn', ApiValueError, "not valid JSON"),
        (b'[{"message": "\xc3\x28"}]', ApiValueError, "not valid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, ApiValueError, "nests too deeply"),
        (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, ApiValueError, "too deeply"),
        (b'"just a string"', ApiTypeError, "expected list of BackupAttempt"),
        (b"[1]", ApiTypeError, "expected BackupAttempt, got int"),
    ],
)
def test_hostile_bodies_raise_clear_errors(
    client: ApiClient, data: bytes, error: type, message: str
) -> None:
    """Broken bodies raise the library's errors, never a raw decoder error."""
    with pytest.raises(error, match=message) as info:
        client.deserialize(Answer(data), ([BackupAttempt],), True)
    assert isinstance(info.value, OpenApiException)


def test_file_response_is_written_inside_temp_folder(tmp_path: Any) -> None:
    """A file answer is saved inside the temp folder whatever name is offered."""
    config = Configuration()
    config.temp_folder_path = str(tmp_path)
    answer = Answer(
        b"payload", {"Content-Disposition": 'attachment; filename="../../etc/x"'}
    )
    with ApiClient(config) as api_client:
        handle = api_client.deserialize(answer, (file_type,), True)
    with handle:
        assert handle.read() == b"payload"
        assert handle.name == str(tmp_path / "x")


# -- round trips -------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 50, 1000])
def test_hydrate_then_serialize_gives_back_the_input(
    client: ApiClient, count: int
) -> None:
    """Hydrating then serializing gives JSON equal to the input, type for type."""
    body = records(count)
    attempts = hydrate(client, body, ([BackupAttempt],))
    out = json.loads(json.dumps(client.sanitize_for_serialization(attempts)))
    assert json.dumps(out, sort_keys=True) == json.dumps(body, sort_keys=True)


def test_round_trip_keeps_absent_keys_absent(client: ApiClient) -> None:
    """Keys absent from the input stay absent; nulls stay null."""
    body = [{"message": None}, {"stats": {}}]
    attempts = hydrate(client, body, ([BackupAttempt],))
    assert client.sanitize_for_serialization(attempts) == body


def test_round_trip_keeps_unknown_nested_values_exact(client: ApiClient) -> None:
    """Unknown keys keep big ints, floats and nesting exactly."""
    body = {"x": {"deep": [[[{"n": 2**53 + 1}]]], "f": 0.1}, "status": None}
    attempt = hydrate(client, body, (BackupAttempt,))
    assert json.loads(attempt.to_json()) == body
    assert attempt["x"]["deep"][0][0][0]["n"] == 2**53 + 1


def test_to_json_then_from_json_round_trips_hydrated_models(client: ApiClient) -> None:
    """to_json and from_json are inverse for hydrated models with unknowns."""
    for attempt in hydrate(client, records(200, seed=3), ([BackupAttempt],)):
        assert BackupAttempt.from_json(attempt.to_json()) == attempt


def test_built_models_serialize_by_wire_name(client: ApiClient) -> None:
    """A payload built from keywords serializes to the wire form."""
    attempt = BackupAttempt(queue_duration_usecs=3, stats={"bytes_written": 1})
    assert client.sanitize_for_serialization([attempt]) == [
        {"queueDurationUsecs": 3, "stats": {"bytesWritten": 1}}
    ]


# -- the request path, against a real server on 127.0.0.1 --------------------


@pytest.fixture
def server() -> Iterator[StubServer]:
    with StubServer() as stub:
        yield stub


def client_for(server: StubServer, **settings: Any) -> ApiClient:
    config = Configuration(host=server.url + "/v2", **settings)
    return ApiClient(config)


def test_call_api_hydrates_a_list(server: StubServer) -> None:
    """A GET answer is hydrated into the response type."""
    server.add("GET", "/v2/backup-attempts", json=[{"status": "Running"}])
    with client_for(server) as api_client:
        data = api_client.call_api(
            "/backup-attempts",
            "GET",
            response_type=([BackupAttempt],),
            _return_http_data_only=True,
        )
    assert data == [BackupAttempt(status="Running")]


def test_call_api_returns_data_status_and_headers(server: StubServer) -> None:
    """Without _return_http_data_only the answer is (data, status, headers)."""
    server.add("GET", "/v2/x", json=5, headers={"X-Run": "7"})
    with client_for(server) as api_client:
        data, status, headers = api_client.call_api("/x", "GET", response_type=(int,))
    assert (data, status, headers["X-Run"]) == (5, 200, "7")


def test_call_api_sends_path_query_and_header_params(server: StubServer) -> None:
    """Path, query and header parameters reach the server."""
    server.add("GET", "/v2/runs/a%20b", json={})
    with client_for(server) as api_client:
        api_client.call_api(
            "/runs/{id}",
            "GET",
            path_params={"id": "a b"},
            query_params=[("limit", 5), ("ids", [1, 2])],
            header_params={"X-Trace": "t1"},
            collection_formats={"ids": "csv"},
        )
    request = server.requests[0]
    assert request.path == "/v2/runs/a%20b"
    assert request.query == {"limit": ["5"], "ids": ["1,2"]}
    assert request.headers["X-Trace"] == "t1"


def test_call_api_sends_models_as_wire_json(server: StubServer) -> None:
    """A model body is sent as JSON by wire name, with a JSON content type."""
    server.add("POST", "/v2/backup-attempts", status=201, json={"status": "Running"})
    body = BackupAttempt(start_time_usecs=9, message=None)
    with client_for(server) as api_client:
        created = api_client.call_api(
            "/backup-attempts",
            "POST",
            body=body,
            response_type=(BackupAttempt,),
            _return_http_data_only=True,
        )
    assert created.status == "Running"
    request = server.requests[0]
    assert request.json == {"startTimeUsecs": 9, "message": None}
    assert request.headers["Content-Type"] == "application/json"


def test_call_api_sends_form_fields(server: StubServer) -> None:
    """post_params are sent as a URL-encoded form."""
    server.add("POST", "/v2/x", json={})
    with client_for(server) as api_client:
        api_client.call_api(
            "/x",
            "POST",
            post_params=[("name", "nightly"), ("days", 7)],
            header_params={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert server.requests[0].body == b"name=nightly&days=7"


def test_call_api_uploads_files_as_multipart(server: StubServer, tmp_path: Any) -> None:
    """files are sent as parts of a multipart form, with their names."""
    server.add("POST", "/v2/upload", json={})
    path = tmp_path / "report.json"
    path.write_bytes(b'{"ok": true}')
    with client_for(server) as api_client:
        api_client.call_api(
            "/upload",
            "POST",
            post_params={"kind": "report"},
            files={"file": path.open("rb")},
        )
    request = server.requests[0]
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'filename="report.json"' in request.body
    assert b'{"ok": true}' in request.body
    assert b'name="kind"' in request.body


def test_call_api_applies_named_auth_settings(server: StubServer) -> None:
    """The named security schemes add their credentials to the request."""
    server.add("GET", "/v2/x", json={})
    settings = {"api_key": {"apiKey": "k1"}, "access_token": "tok"}
    with client_for(server, **settings) as api_client:
        api_client.call_api("/x", "GET", auth_settings=["apiKey"])
        api_client.call_api("/x", "GET", auth_settings=["bearerAuth"])
    first, second = server.requests
    assert first.headers["apiKey"] == "k1"
    assert "Authorization" not in first.headers
    assert second.headers["Authorization"] == "Bearer tok"


def test_call_api_sends_user_agent(server: StubServer) -> None:
    """Requests carry the library's User-Agent."""
    server.add("GET", "/v2/x", json={})
    with client_for(server) as api_client:
        api_client.call_api("/x", "GET")
    assert server.requests[0].headers["User-Agent"].startswith("backup-client/")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ApiException),
        (401, UnauthorizedException),
        (403, ForbiddenException),
        (404, NotFoundException),
        (500, ServiceException),
        (503, ServiceException),
    ],
)
def test_non_2xx_answers_raise_their_exception(
    server: StubServer, status: int, cls: type[ApiException]
) -> None:
    """A non-2xx answer raises its exception with status, body and headers."""
    server.add("GET", "/v2/x", status=status, body=b"nope", headers={"X-Id": "9"})
    with client_for(server) as api_client, pytest.raises(cls) as info:
        api_client.configuration.retries = 0  # a 503 would be retried, with waits
        api_client.call_api("/x", "GET", response_type=(BackupAttempt,))
    error = info.value
    assert type(error) is cls
    assert (error.status, error.body) == (status, b"nope")
    assert error.headers is not None and error.headers["X-Id"] == "9"


def test_invalid_answer_body_raises_value_error(server: StubServer) -> None:
    """A 2xx answer that is not JSON raises ApiValueError."""
    server.add("GET", "/v2/x", body=b"<html></html>")
    with client_for(server) as api_client, pytest.raises(ApiValueError):
        api_client.call_api("/x", "GET", response_type=([BackupAttempt],))


def test_request_timeout_applies(server: StubServer) -> None:
    """_request_timeout bounds the wait for a slow answer."""
    server.add("GET", "/v2/slow", json={}, delay=2.0)
    with client_for(server) as api_client, pytest.raises(ApiException):
        api_client.call_api("/slow", "GET", _request_timeout=0.2)


def test_preload_content_false_returns_the_unread_answer(server: StubServer) -> None:
    """With _preload_content=False the answer is returned unread, to be read later."""
    server.add("GET", "/v2/x", json=[1, 2])
    with client_for(server) as api_client:
        answer = api_client.call_api("/x", "GET", _preload_content=False)
        try:
            assert answer.status == 200
            assert json.loads(answer.read()) == [1, 2]
        finally:
            answer.release_conn()


def test_host_override_per_call(server: StubServer) -> None:
    """_host sends one call to another base URL."""
    server.add("GET", "/other/x", json={})
    with ApiClient(Configuration(host="http://127.0.0.1:9")) as api_client:
        api_client.call_api("/x", "GET", _host=server.url + "/other")
    assert server.requests[0].path == "/other/x"


def test_async_request_returns_result_with_get(server: StubServer) -> None:
    """async_req=True returns a result whose get() gives the answer."""
    server.add("GET", "/v2/x", json={"status": "Paused"})
    with client_for(server) as api_client:
        result = api_client.call_api(
            "/x",
            "GET",
            response_type=(BackupAttempt,),
            async_req=True,
            _return_http_data_only=True,
        )
        assert result.get(timeout=10).status == "Paused"


def test_async_request_with_unencodable_body_raises_at_once(
    server: StubServer,
) -> None:
    """An async request whose body cannot be encoded fails before it is queued."""
    with client_for(server) as api_client, pytest.raises(ApiValueError, match="set"):
        api_client.call_api("/x", "POST", body={"a": {1}}, async_req=True)
    assert server.requests == []


def test_close_ends_worker_threads(server: StubServer) -> None:
    """close() ends the threads that async requests started."""
    server.add("GET", "/v2/x", json={})
    before = set(threading.enumerate())
    api_client = client_for(server)
    api_client.call_api("/x", "GET", async_req=True).get(timeout=10)
    api_client.close()
    left = set(threading.enumerate()) - before
    assert not [t for t in left if not t.name.startswith("StubServer")]


def test_sanitize_is_available_on_the_class() -> None:
    """ApiClient.sanitize_for_serialization works without an instance."""
    assert ApiClient.sanitize_for_serialization(BackupDataStats(bytes_read=1)) == {
        "bytesRead": 1
    }


def test_unknown_attribute_in_payload_is_refused() -> None:
    """Building a payload with an unknown name fails before anything is sent."""
    with pytest.raises(ApiAttributeError):
        BackupAttempt(colour="red")
