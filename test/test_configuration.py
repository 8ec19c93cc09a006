"""Tests for backup_client.configuration."""

from __future__ import annotations

import base64
import copy
import http.client
import logging
import math
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3
import yaml

from backup_client import ApiClient
from backup_client.configuration import DEFAULT_TIMEOUT, Configuration
from backup_client.exceptions import ApiValueError
from backup_client.models import BackupAttempt
from backup_client.rest import RESTClientObject
from backup_client.testing import StubServer

SECRETS = {"api": "k-3141", "password": "pw-2718", "token": "tok-1618"}

SERVERS = [
    {
        "url": "https://{region}.example.test/{version}",
        "description": "regional",
        "variables": {
            "region": {
                "description": "the region",
                "default_value": "eu",
                "enum_values": ["eu", "us"],
            },
            "version": {"description": "the version", "default_value": "v2"},
        },
    }
]


@pytest.fixture(autouse=True)
def _no_default_configuration() -> Iterator[None]:
    """Start and end every test with no default configuration set."""
    Configuration.set_default(None)
    yield
    Configuration.set_default(None)


def secret_configuration() -> Configuration:
    return Configuration(
        api_key={"apiKey": SECRETS["api"]},
        username="operator",
        password=SECRETS["password"],
        access_token=SECRETS["token"],
    )


def logger_levels() -> dict[str, int]:
    manager = logging.Logger.manager
    loggers = [logging.getLogger(name) for name in list(manager.loggerDict)]
    levels = {lg.name: lg.level for lg in loggers}
    levels["<root>"] = logging.getLogger().level
    return levels


# -- defaults ---------------------------------------------------------------


def test_default_host_is_the_spec_server_with_its_default_cluster() -> None:
    """The host defaults to https://{cluster}/v2 with cluster=localhost."""
    assert Configuration().host == "https://localhost/v2"


def test_host_argument_replaces_the_server_settings() -> None:
    """A host given to the constructor is used as is."""
    assert Configuration(host="http://127.0.0.1:8080/v2").host == (
        "http://127.0.0.1:8080/v2"
    )


def test_setting_host_replaces_the_server_settings() -> None:
    """Assigning host overrides the server index."""
    config = Configuration()
    config.host = "https://cluster.example.test/v2"
    assert (config.host, config.server_index) == (
        "https://cluster.example.test/v2",
        None,
    )


def test_transport_defaults_are_safe() -> None:
    """TLS is verified, retries are urllib3's and no proxy is used."""
    config = Configuration()
    assert config.verify_ssl is True
    assert (config.ssl_ca_cert, config.cert_file, config.key_file) == (None,) * 3
    assert (config.proxy, config.proxy_headers, config.retries) == (None,) * 3


def test_default_timeout_is_finite() -> None:
    """The default timeout is a finite (connect, read) pair."""
    timeout = Configuration().timeout
    assert timeout == DEFAULT_TIMEOUT == (10.0, 60.0)
    assert all(0 < part < math.inf for part in timeout)


def test_default_pool_size_is_a_fixed_number() -> None:
    """connection_pool_maxsize defaults to 10 whatever the CPU count."""
    assert Configuration().connection_pool_maxsize == 10


def test_model_defaults_keep_validation_on() -> None:
    """Validation is on and unknown keys are kept by default."""
    config = Configuration()
    assert config.client_side_validation is True
    assert config.discard_unknown_keys is False
    assert config.disabled_client_side_validations == ""


def test_constructor_arguments_are_kept() -> None:
    """Every prior-compatible constructor argument lands on its attribute."""
    config = Configuration(
        discard_unknown_keys=True,
        server_operation_index={"get": 0},
        server_operation_variables={"get": {"cluster": "a"}},
        ssl_ca_cert="/etc/ca.pem",
    )
    assert config.discard_unknown_keys is True
    assert config.server_operation_index == {"get": 0}
    assert config.server_operation_variables == {"get": {"cluster": "a"}}
    assert config.ssl_ca_cert == "/etc/ca.pem"


@pytest.mark.parametrize("value", [0, -1, math.inf, math.nan, None, True, "10"])
def test_timeout_refuses_values_without_a_finite_limit(value: object) -> None:
    """A timeout that is not a positive finite number raises ApiValueError."""
    with pytest.raises(ApiValueError, match="timeout"):
        Configuration().timeout = value  # type: ignore[assignment]


def test_timeout_accepts_a_number_or_a_pair() -> None:
    """A timeout is seconds or a (connect, read) pair of seconds."""
    config = Configuration()
    config.timeout = 3
    assert config.timeout == 3.0
    config.timeout = (1, 2.5)
    assert config.timeout == (1.0, 2.5)


def test_disabled_validations_refuse_unknown_keywords() -> None:
    """An unknown JSON schema keyword raises ApiValueError naming it."""
    with pytest.raises(ApiValueError, match="maxLenght"):
        Configuration(disabled_client_side_validations="maxLenght")


def test_disabled_validations_switch_off_their_keywords() -> None:
    """validation_enabled is False for the keywords listed."""
    config = Configuration(disabled_client_side_validations="maxLength,pattern")
    assert not config.validation_enabled("pattern")
    assert config.validation_enabled("minimum")


# -- servers ----------------------------------------------------------------


def test_host_settings_declare_the_cluster_variable() -> None:
    """get_host_settings lists the spec's server and its variable."""
    (server,) = Configuration().get_host_settings()
    assert server["url"] == "https://{cluster}/v2"
    assert server["variables"]["cluster"]["default_value"] == "localhost"


def test_server_variables_fill_in_the_host() -> None:
    """server_variables substitute the URL's variables."""
    config = Configuration(server_variables={"cluster": "10.0.0.5:8443"})
    assert config.host == "https://10.0.0.5:8443/v2"


def test_host_from_settings_uses_defaults_for_missing_variables() -> None:
    """A variable not given takes its default value."""
    host = Configuration().get_host_from_settings(0, {"version": "v3"}, SERVERS)
    assert host == "https://eu.example.test/v3"


def test_host_from_settings_refuses_a_value_outside_the_enum() -> None:
    """A variable value that its enum does not list raises ApiValueError."""
    with pytest.raises(ApiValueError, match="'region' is 'asia'"):
        Configuration().get_host_from_settings(0, {"region": "asia"}, SERVERS)


@pytest.mark.parametrize("index", [1, -1])
def test_host_from_settings_refuses_a_bad_index(index: int) -> None:
    """An index outside the declared servers raises ApiValueError."""
    with pytest.raises(ApiValueError, match="out of range"):
        Configuration().get_host_from_settings(index)


def test_host_from_settings_with_no_index_is_the_given_host() -> None:
    """Index None means the host the configuration was given."""
    config = Configuration(host="http://127.0.0.1:1/v2")
    assert config.get_host_from_settings(None) == "http://127.0.0.1:1/v2"


# -- credentials ------------------------------------------------------------


def test_auth_settings_are_empty_without_credentials() -> None:
    """No security scheme is listed when no credential is set."""
    assert Configuration().auth_settings() == {}


def test_auth_settings_list_the_api_key() -> None:
    """An apiKey key is sent in the apiKey header."""
    auth = Configuration(api_key={"apiKey": "k1"}).auth_settings()
    assert auth == {
        "apiKey": {"type": "api_key", "in": "header", "key": "apiKey", "value": "k1"}
    }


def test_auth_settings_list_the_bearer_token() -> None:
    """An access token is sent as a bearer Authorization header."""
    auth = Configuration(access_token="t1").auth_settings()
    assert auth == {
        "bearerAuth": {
            "type": "bearer",
            "in": "header",
            "key": "Authorization",
            "value": "Bearer t1",
        }
    }


def test_auth_settings_list_basic_auth() -> None:
    """A user name and password are sent as a basic Authorization header."""
    config = Configuration(username="u", password="p")
    assert config.auth_settings() == {
        "basicAuth": {
            "type": "basic",
            "in": "header",
            "key": "Authorization",
            "value": config.get_basic_auth_token(),
        }
    }


def test_auth_settings_skip_basic_auth_without_a_password() -> None:
    """Basic auth needs both the user name and the password."""
    assert Configuration(username="u").auth_settings() == {}


def test_basic_auth_token_is_base64_of_user_and_password() -> None:
    """The basic token is 'Basic ' and base64 of 'user:password'."""
    token = Configuration(username="aladdin", password="sesame").get_basic_auth_token()
    assert token == "Basic " + base64.b64encode(b"aladdin:sesame").decode()


def test_api_key_prefix_comes_before_the_key() -> None:
    """A prefix is joined to its key with a space."""
    config = Configuration(api_key={"apiKey": "k"}, api_key_prefix={"apiKey": "Key"})
    assert config.get_api_key_with_prefix("apiKey") == "Key k"


def test_api_key_is_found_by_alias() -> None:
    """A key stored under the alias is found when the identifier has none."""
    config = Configuration(api_key={"legacy": "k"})
    assert config.get_api_key_with_prefix("apiKey", alias="legacy") == "k"


def test_missing_api_key_reads_none() -> None:
    """An identifier with no key gives None."""
    assert Configuration().get_api_key_with_prefix("apiKey") is None


def test_refresh_hook_runs_before_the_key_is_read() -> None:
    """refresh_api_key_hook is called with the configuration and can set a key."""
    calls: list[Configuration] = []

    def refresh(config: Configuration) -> None:
        calls.append(config)
        config.api_key["apiKey"] = f"fresh-{len(calls)}"

    config = Configuration()
    config.refresh_api_key_hook = refresh
    assert config.auth_settings()["apiKey"]["value"] == "fresh-1"
    assert calls == [config]


# -- copies and the default -------------------------------------------------


def test_get_default_copy_without_a_default_is_a_new_configuration() -> None:
    """With no default set, get_default_copy gives a fresh configuration."""
    assert Configuration.get_default_copy().host == "https://localhost/v2"


def test_get_default_copy_returns_the_default_settings() -> None:
    """The copy carries the settings of the configuration set as default."""
    Configuration.set_default(Configuration(host="http://127.0.0.1:9/v2"))
    assert Configuration.get_default_copy().host == "http://127.0.0.1:9/v2"


def test_changing_a_default_copy_leaves_the_default_alone() -> None:
    """Changing a copy's dicts does not change later copies."""
    Configuration.set_default(Configuration(api_key={"apiKey": "k"}))
    Configuration.get_default_copy().api_key["apiKey"] = "changed"
    assert Configuration.get_default_copy().api_key == {"apiKey": "k"}


def test_changing_the_original_after_set_default_leaves_the_default_alone() -> None:
    """set_default keeps a copy, not the object given."""
    original = Configuration(api_key={"apiKey": "k"})
    Configuration.set_default(original)
    original.api_key["apiKey"] = "changed"
    assert Configuration.get_default_copy().api_key == {"apiKey": "k"}


def test_deepcopy_shares_no_mutable_settings() -> None:
    """A deep copy's dicts are its own."""
    config = Configuration(api_key={"apiKey": "k"}, server_variables={"cluster": "a"})
    clone = copy.deepcopy(config)
    clone.api_key["apiKey"] = "other"
    clone.api_key_prefix["apiKey"] = "Key"
    clone.server_variables["cluster"] = "b"
    assert config.api_key == {"apiKey": "k"}
    assert config.api_key_prefix == {}
    assert config.host == "https://a/v2"


def test_deepcopy_shares_the_loggers() -> None:
    """A deep copy logs through the same logger objects."""
    config = Configuration()
    clone = copy.deepcopy(config)
    assert clone.logger is not config.logger
    assert clone.logger["package_logger"] is config.logger["package_logger"]


def test_deepcopy_does_not_own_the_file_handler(tmp_path: Path) -> None:
    """Changing a copy's logger_file leaves the original's handler in place."""
    config = Configuration()
    config.logger_file = str(tmp_path / "client.log")
    clone = copy.deepcopy(config)
    clone.logger_file = None
    assert config._logger_file_handler in logging.getLogger("backup_client").handlers
    config.logger_file = None


# -- secrets in repr and the debug report -----------------------------------


def test_repr_shows_the_host_and_settings() -> None:
    """repr names the host, TLS and timeout settings."""
    text = repr(Configuration(host="http://127.0.0.1:1/v2"))
    assert "host='http://127.0.0.1:1/v2'" in text
    assert "verify_ssl=True" in text
    assert "timeout=(10.0, 60.0)" in text


def test_repr_masks_every_secret() -> None:
    """API keys, password and access token appear as *** in repr."""
    text = repr(secret_configuration())
    assert not [secret for secret in SECRETS.values() if secret in text]
    assert "password='***'" in text
    assert "access_token='***'" in text
    assert "api_key={'apiKey': '***'}" in text


def test_repr_masks_proxy_credentials() -> None:
    """A proxy password and proxy header values are masked in repr."""
    config = Configuration()
    config.proxy = "http://user:hunter2@127.0.0.1:3128"
    config.proxy_headers = {"Proxy-Authorization": "Basic c2VjcmV0"}
    text = repr(config)
    assert "hunter2" not in text
    assert "c2VjcmV0" not in text
    assert "http://user:***@127.0.0.1:3128" in text


def test_debug_report_names_python_os_and_package_versions() -> None:
    """to_debug_report gives the Python, OS and package versions."""
    report = Configuration().to_debug_report()
    assert f"Python Version: {platform.python_version()}" in report
    assert f"OS: {platform.platform()}" in report
    assert "SDK Package Version: 1.0.0" in report


def test_debug_report_holds_no_secret() -> None:
    """No credential appears in to_debug_report."""
    report = secret_configuration().to_debug_report()
    assert not [secret for secret in SECRETS.values() if secret in report]


# -- logging ----------------------------------------------------------------


def test_creating_a_configuration_changes_no_logger_level() -> None:
    """Constructing a Configuration leaves every logger's level as it was."""
    before = logger_levels()
    Configuration()
    assert logger_levels() == before


def test_package_logger_has_a_null_handler() -> None:
    """The backup_client logger carries a NullHandler."""
    handlers = logging.getLogger("backup_client").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_debug_sets_the_package_logger_to_debug() -> None:
    """debug = True sets the backup_client logger to DEBUG."""
    config = Configuration()
    config.debug = True
    assert config.debug is True
    assert logging.getLogger("backup_client").level == logging.DEBUG


def test_debug_off_sets_the_package_logger_to_warning() -> None:
    """debug = False sets the backup_client logger back to WARNING."""
    config = Configuration()
    config.debug = True
    config.debug = False
    assert logging.getLogger("backup_client").level == logging.WARNING


def test_debug_leaves_other_loggers_alone() -> None:
    """debug = True changes no level but backup_client's."""
    before = logger_levels()
    Configuration().debug = True
    after = logger_levels()
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {"backup_client"}


def test_debug_leaves_http_client_quiet() -> None:
    """debug = True does not switch on http.client's header printing."""
    Configuration().debug = True
    assert http.client.HTTPConnection.debuglevel == 0


def test_logger_file_receives_package_log_lines(tmp_path: Path) -> None:
    """Records of backup_client loggers are written to logger_file."""
    path = tmp_path / "client.log"
    config = Configuration()
    config.logger_file = str(path)
    logging.getLogger("backup_client.rest").warning("request failed")
    logging.getLogger("elsewhere").warning("not ours")
    config.logger_file = None
    text = path.read_text()
    assert "WARNING backup_client.rest request failed" in text
    assert "not ours" not in text


def test_logger_file_replaces_the_previous_handler(tmp_path: Path) -> None:
    """Setting logger_file twice leaves only the second file handler."""
    config = Configuration()
    config.logger_file = str(tmp_path / "first.log")
    config.logger_file = str(tmp_path / "second.log")
    handlers = logging.getLogger("backup_client").handlers
    files = [h.baseFilename for h in handlers if isinstance(h, logging.FileHandler)]
    config.logger_file = None
    assert files == [str(tmp_path / "second.log")]


def test_logger_format_applies_to_the_file(tmp_path: Path) -> None:
    """Changing logger_format changes the lines written to logger_file."""
    path = tmp_path / "client.log"
    config = Configuration()
    config.logger_file = str(path)
    config.logger_format = "[%(levelname)s] %(message)s"
    logging.getLogger("backup_client").warning("formatted")
    config.logger_file = None
    assert path.read_text() == "[WARNING] formatted\n"


def test_importing_configuration_does_not_import_urllib3() -> None:
    """backup_client.configuration imports without urllib3."""
    code = (
        "import sys, backup_client.configuration as c;"
        " c.Configuration().auth_settings();"
        " sys.exit('urllib3' in sys.modules)"
    )
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=30)


def test_auth_settings_cover_the_spec_security_schemes() -> None:
    """auth_settings() offers exactly the security schemes the spec declares."""
    spec_path = Path(__file__).resolve().parent.parent / "spec" / "openapi.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    config = Configuration(
        api_key={"apiKey": "k"}, access_token="t", username="u", password="p"
    )
    assert set(config.auth_settings()) == set(spec["components"]["securitySchemes"])


# -- retries ----------------------------------------------------------------


@pytest.mark.parametrize("value", [None, False, 0, 3])
def test_retries_accept_none_false_and_counts(value: object) -> None:
    """retries takes None, False or a number of retries."""
    config = Configuration()
    config.retries = value  # type: ignore[assignment]
    assert config.retries is value


def test_retries_accept_a_urllib3_retry() -> None:
    """retries takes a urllib3.Retry and keeps it."""
    retry = urllib3.Retry(total=2)
    config = Configuration()
    config.retries = retry
    assert config.retries is retry


@pytest.mark.parametrize("value", [-1, True, "3", 1.5, [3]])
def test_retries_refuse_other_values(value: object) -> None:
    """Anything else raises ApiValueError naming the value."""
    with pytest.raises(ApiValueError, match="retries is None, False, a number"):
        Configuration().retries = value  # type: ignore[assignment]


# -- no_proxy ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("no_proxy", "url"),
    [
        ("backup.test", "http://backup.test/v2"),
        ("backup.test", "https://a.b.backup.test/v2"),
        (".backup.test", "https://a.backup.test/v2"),
        (".backup.test", "https://backup.test/v2"),
        ("*.backup.test", "https://a.backup.test/v2"),
        ("other.test, BACKUP.test", "https://backup.TEST/v2"),
        ("backup.test:8443", "https://backup.test:8443/v2"),
        ("10.0.0.0/8", "http://10.1.2.3/v2"),
        ("::1", "http://[::1]:80/v2"),
        ("[::1]:80", "http://[::1]:80/v2"),
        ("fd00::/8", "http://[fd00::5]/v2"),
        ("*", "https://anything.example.test/v2"),
    ],
)
def test_no_proxy_matches(no_proxy: str, url: str) -> None:
    """Hosts, domains, ports, address ranges and * send a URL around the proxy."""
    config = Configuration()
    config.no_proxy = no_proxy
    assert config.bypasses_proxy(url)


@pytest.mark.parametrize(
    ("no_proxy", "url"),
    [
        (None, "http://backup.test/v2"),
        ("backup.test", "http://notbackup.test/v2"),
        ("backup.test", "http://backup.test.evil.test/v2"),
        ("backup.test:8443", "https://backup.test/v2"),
        ("10.0.0.0/8", "http://11.0.0.1/v2"),
        ("10.0.0.0/8", "http://ten.test/v2"),
        (" , ", "http://backup.test/v2"),
    ],
)
def test_no_proxy_does_not_match(no_proxy: str | None, url: str) -> None:
    """Hosts outside the list, other ports and other ranges use the proxy."""
    config = Configuration()
    config.no_proxy = no_proxy
    assert not config.bypasses_proxy(url)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [("10.0.0.0/99", "not a valid address range"), ("h.test:80x", "invalid port")],
)
def test_no_proxy_refuses_a_bad_entry(entry: str, problem: str) -> None:
    """A bad range or port raises ApiValueError naming the entry."""
    with pytest.raises(ApiValueError, match=problem) as info:
        Configuration().no_proxy = f"localhost, {entry}"
    assert repr(entry) in str(info.value)


def test_no_proxy_refuses_a_list() -> None:
    """no_proxy is a comma-separated string, as in the environment variable."""
    with pytest.raises(ApiValueError, match="comma-separated"):
        Configuration().no_proxy = ["localhost"]  # type: ignore[assignment]


# -- other transport settings ------------------------------------------------


def test_api_key_headers_name_the_spec_schemes() -> None:
    """api_key_headers lists the headers of the apiKey security schemes."""
    assert Configuration().api_key_headers() == frozenset({"apiKey"})


def test_repr_shows_connection_settings_and_hides_pem_text() -> None:
    """repr shows no_proxy and TLS names, and stands in for PEM text."""
    config = Configuration(ssl_ca_cert="-----BEGIN CERTIFICATE-----\nMIIB...")
    config.no_proxy = "localhost"
    config.tls_server_name = "backup.test"
    text = repr(config)
    assert "no_proxy='localhost'" in text
    assert "tls_server_name='backup.test'" in text
    assert "ssl_ca_cert='<PEM text>'" in text
    assert "MIIB" not in text


def test_repr_masks_query_secrets_in_the_host() -> None:
    """A credential in the host's query string is masked in repr."""
    text = repr(Configuration(host="https://h.test/v2?api_key=k-5772"))
    assert "k-5772" not in text
    assert "api_key=***" in text


def test_server_index_and_variables_from_the_constructor() -> None:
    """server_index and server_variables build the host from the settings."""
    config = Configuration(server_index=0, server_variables={"cluster": "c1:8443"})
    assert config.host == "https://c1:8443/v2"


def test_client_side_validation_off_lets_models_take_unlisted_values() -> None:
    """With client_side_validation False a model accepts a status outside the enum."""
    config = Configuration()
    with pytest.raises(ApiValueError):
        BackupAttempt(status="Bogus", _configuration=config)
    config.client_side_validation = False
    assert BackupAttempt(status="Bogus", _configuration=config).status == "Bogus"
    assert not config.validation_enabled("maxLength")


def test_two_clients_never_share_headers_hosts_or_keys() -> None:
    """Two clients with two configurations each send only their own settings."""
    with StubServer() as first, StubServer() as second:
        for server in (first, second):
            server.add("GET", "/v2/x", json={})
        Configuration.set_default(Configuration(api_key={"apiKey": "shared"}))
        one, two = Configuration.get_default_copy(), Configuration.get_default_copy()
        one.host, two.host = first.url + "/v2", second.url + "/v2"
        one.api_key["apiKey"], two.api_key["apiKey"] = "key-1", "key-2"
        with ApiClient(one) as client_one, ApiClient(two) as client_two:
            client_one.set_default_header("X-Client", "one")
            client_one.call_api("/x", "GET", auth_settings=["apiKey"])
            client_two.call_api("/x", "GET", auth_settings=["apiKey"])
        (seen_one,), (seen_two,) = first.requests, second.requests
    assert (seen_one.headers["apiKey"], seen_one.headers["X-Client"]) == (
        "key-1",
        "one",
    )
    assert seen_two.headers["apiKey"] == "key-2"
    assert "X-Client" not in seen_two.headers
    assert Configuration.get_default_copy().api_key == {"apiKey": "shared"}


def test_connection_pool_maxsize_reaches_the_pool() -> None:
    """connection_pool_maxsize is the number of connections kept per host."""
    config = Configuration()
    config.connection_pool_maxsize = 24
    client = RESTClientObject(config)
    assert client.pool_manager.connection_pool_kw["maxsize"] == 24
    client.close()
