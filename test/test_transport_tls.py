"""TLS against real servers on 127.0.0.1 with certificates made by trustme."""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme
from conftest import LOOPBACK, server_context
from servers import Reply, ScriptedServer
from urllib3.exceptions import SSLError

from backup_client import ApiClient, Configuration
from backup_client.exceptions import (
    ApiConnectionError,
    ApiTLSError,
    ApiValueError,
    UnverifiedTLSWarning,
)

OK = Reply(body=b'{"ok": true}', headers={"Content-Type": "application/json"})


def get(client: ApiClient) -> object:
    return client.call_api(
        "/x", "GET", response_type=(dict,), _return_http_data_only=True
    )


@pytest.fixture
def named_server(ca: trustme.CA) -> Iterator[ScriptedServer]:
    """A TLS server whose certificate names only backup.test, not its address."""
    with ScriptedServer(OK, ssl_context=server_context(ca, "backup.test")) as server:
        yield server


def test_server_signed_by_the_configured_ca_is_trusted(
    tls_server: ScriptedServer, ca_file: str, make_client: Callable[..., ApiClient]
) -> None:
    """ssl_ca_cert as a file path trusts the servers its CA signed."""
    tls_server.script(OK)
    client = make_client(tls_server.url, ssl_ca_cert=ca_file)
    assert get(client) == {"ok": True}


def test_ca_given_as_pem_text_is_trusted(
    tls_server: ScriptedServer, ca: trustme.CA, make_client: Callable[..., ApiClient]
) -> None:
    """ssl_ca_cert may hold the CA certificate itself, as PEM text."""
    tls_server.script(OK)
    client = make_client(tls_server.url, ssl_ca_cert=ca.cert_pem.bytes().decode())
    assert get(client) == {"ok": True}


def test_certificates_are_verified_by_default(
    tls_server: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """Without settings the system store is used, and it does not know the test CA."""
    client = make_client(tls_server.url, retries=0)
    with pytest.raises(ApiTLSError, match="certificate verify failed"):
        get(client)
    assert tls_server.seen == []


def test_server_signed_by_another_ca_is_refused(
    tls_server: ScriptedServer,
    other_ca: trustme.CA,
    tmp_path: Path,
    make_client: Callable[..., ApiClient],
) -> None:
    """A CA that did not sign the server's certificate fails: ApiTLSError, chained."""
    path = tmp_path / "other.pem"
    other_ca.cert_pem.write_to_path(str(path))
    client = make_client(tls_server.url, ssl_ca_cert=str(path))
    with pytest.raises(
        ApiTLSError, match=r"TLS failed .*certificate verify failed"
    ) as info:
        get(client)
    assert isinstance(info.value, ApiConnectionError)
    assert isinstance(info.value.__cause__, SSLError)
    assert tls_server.seen == []


def test_certificate_for_another_host_is_refused(
    named_server: ScriptedServer, ca_file: str, make_client: Callable[..., ApiClient]
) -> None:
    """A trusted certificate that does not name the host fails with ApiTLSError."""
    client = make_client(named_server.url, ssl_ca_cert=ca_file)
    with pytest.raises(ApiTLSError, match=r"mismatch|doesn't match|not valid for"):
        get(client)
    assert named_server.seen == []


def test_assert_hostname_checks_the_name_given(
    named_server: ScriptedServer, ca_file: str, make_client: Callable[..., ApiClient]
) -> None:
    """assert_hostname checks the certificate against that name instead of the host."""
    client = make_client(
        named_server.url, ssl_ca_cert=ca_file, assert_hostname="backup.test"
    )
    assert get(client) == {"ok": True}


def test_tls_server_name_is_sent_and_checked(
    named_server: ScriptedServer, ca_file: str, make_client: Callable[..., ApiClient]
) -> None:
    """tls_server_name is the name sent in SNI and checked in the certificate."""
    client = make_client(
        named_server.url, ssl_ca_cert=ca_file, tls_server_name="backup.test"
    )
    assert get(client) == {"ok": True}
    assert named_server.server_names == ["backup.test"]


@pytest.fixture
def mutual_server(ca: trustme.CA) -> Iterator[ScriptedServer]:
    """A TLS server that requires a client certificate from the trusted CA."""
    context = server_context(ca, LOOPBACK, client_ca=ca)
    with ScriptedServer(OK, ssl_context=context) as server:
        yield server


def test_client_certificate_is_presented(
    mutual_server: ScriptedServer,
    ca: trustme.CA,
    ca_file: str,
    tmp_path: Path,
    make_client: Callable[..., ApiClient],
) -> None:
    """cert_file and key_file give the server the client certificate it requires."""
    client_cert = ca.issue_cert("client.backup.test")
    cert_file, key_file = tmp_path / "client.pem", tmp_path / "client.key"
    client_cert.cert_chain_pems[0].write_to_path(str(cert_file))
    client_cert.private_key_pem.write_to_path(str(key_file))
    client = make_client(
        mutual_server.url,
        ssl_ca_cert=ca_file,
        cert_file=str(cert_file),
        key_file=str(key_file),
    )
    assert get(client) == {"ok": True}


def test_missing_client_certificate_is_refused(
    mutual_server: ScriptedServer, ca_file: str, make_client: Callable[..., ApiClient]
) -> None:
    """Without a client certificate the server refuses: ApiConnectionError."""
    client = make_client(mutual_server.url, ssl_ca_cert=ca_file, retries=0)
    with pytest.raises(ApiConnectionError):
        get(client)
    assert mutual_server.seen == []


def test_verify_ssl_false_warns_once_and_connects(
    tls_server: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """verify_ssl=False warns when set, then connects without further warnings."""
    tls_server.script(OK)
    config = Configuration(host=tls_server.url)
    with pytest.warns(UnverifiedTLSWarning, match="not checked"):
        config.verify_ssl = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config.verify_ssl = False
        with ApiClient(config) as client:
            assert get(client) == {"ok": True}
            assert get(client) == {"ok": True}


def test_copies_of_an_unverified_configuration_do_not_warn_again() -> None:
    """The warning belongs to the configuration where verification was switched off."""
    with pytest.warns(UnverifiedTLSWarning):
        Configuration.set_default(_unverified())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert Configuration.get_default_copy().verify_ssl is False
    finally:
        Configuration.set_default(None)


def _unverified() -> Configuration:
    config = Configuration()
    config.verify_ssl = False
    return config


@pytest.mark.parametrize("value", [0, "false", None])
def test_verify_ssl_takes_only_a_bool(value: object) -> None:
    """verify_ssl refuses anything but True or False with ApiValueError."""
    with pytest.raises(ApiValueError, match="verify_ssl"):
        Configuration().verify_ssl = value  # type: ignore[assignment]


def test_tls_error_survives_pickling(
    tls_server: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    """An ApiTLSError from a real handshake pickles with its class and message."""
    client = make_client(tls_server.url, retries=0)
    with pytest.raises(ApiTLSError) as info:
        get(client)
    restored = pickle.loads(pickle.dumps(info.value))
    assert type(restored) is ApiTLSError
    assert (restored.status, str(restored)) == (0, str(info.value))
