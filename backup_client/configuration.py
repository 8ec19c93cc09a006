"""Settings shared by every request: server, credentials, TLS and logging.

A :class:`Configuration` is a plain value.  Creating one changes no global
state: no logger level, no ``http.client`` switch, no warning filter.  Only
two of its properties reach outside it, and both touch nothing but this
package's own logger, ``backup_client``: ``debug`` sets its level and
``logger_file`` gives it a file handler.  Secrets never appear in its
``repr`` or in :meth:`Configuration.to_debug_report`.

This module does not import urllib3, so that the models, which need a
configuration, import without it; ``retries`` imports it only to check a
value that is neither a number nor ``None``.
"""

from __future__ import annotations

import base64
import copy
import importlib
import ipaddress
import logging
import math
import platform
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Optional, TypedDict, Union
from urllib.parse import urlsplit

from backup_client._logging import MASK, PACKAGE_LOGGER, mask, redact_url
from backup_client.exceptions import ApiValueError, UnverifiedTLSWarning

if TYPE_CHECKING:
    from urllib3.util.retry import Retry

__all__ = [
    "DEFAULT_TIMEOUT",
    "JSON_SCHEMA_VALIDATION_KEYWORDS",
    "AuthSetting",
    "Configuration",
    "RetriesValue",
    "TimeoutValue",
    "check_max_answer_bytes",
    "check_retries",
    "check_timeout",
]

TimeoutValue = Union[float, tuple[float, float]]
"""Seconds for the whole request, or a ``(connect, read)`` pair."""

RetriesValue = Union[int, "Retry", None]
"""``None`` for the default policy, a number of retries, ``False`` for none
at all, or a ``urllib3.Retry``."""

# Connecting to a cluster takes milliseconds on a working network; ten
# seconds leaves room for slow DNS and a busy load balancer while still
# failing fast when the host is down.  Reads get a minute: listing the
# attempts of a large protection group can take tens of seconds on the
# server, and a minute still ends a call to a server that has hung.
DEFAULT_TIMEOUT: TimeoutValue = (10.0, 60.0)

# A fixed pool size rather than one derived from the CPU count: inside a
# container that count is often the host's, and five per CPU would let a
# client keep hundreds of idle sockets per host.  Ten matches requests'
# default and serves a client shared by a handful of threads.
DEFAULT_POOL_MAXSIZE = 10

JSON_SCHEMA_VALIDATION_KEYWORDS = frozenset(
    {
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
    }
)

AuthSetting = TypedDict(
    "AuthSetting", {"type": str, "in": str, "key": str, "value": Optional[str]}
)
"""How one security scheme is applied: a header name and its value."""

ServerSettings = dict[str, Any]
"""One server: ``url``, ``description`` and its ``variables``."""


def check_timeout(value: object) -> TimeoutValue:
    """Return ``value`` as a timeout, or raise ``ApiValueError``.

    A timeout is a positive, finite number of seconds, or a ``(connect,
    read)`` pair of them.  ``None`` is refused: every request has a limit.
    """
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return (_seconds(value[0]), _seconds(value[1]))
    return _seconds(value)


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiValueError(_timeout_message(value))
    if not 0 < value < math.inf:
        raise ApiValueError(_timeout_message(value))
    return float(value)


def _timeout_message(value: object) -> str:
    return (
        "a timeout is a positive, finite number of seconds or a "
        f"(connect, read) pair of them, not {value!r}"
    )


def check_retries(value: object) -> RetriesValue:
    """Return ``value`` as a retry setting, or raise ``ApiValueError``.

    Accepted: ``None`` (the default policy), ``False`` (no retries and no
    redirects followed), a number of retries ``>= 0``, or a
    ``urllib3.Retry``.
    """
    if value is None or value is False:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    from urllib3.util.retry import Retry

    if isinstance(value, Retry):
        return value
    raise ApiValueError(
        "retries is None, False, a number of retries >= 0 or a urllib3.Retry, "
        f"not {value!r}"
    )


def check_max_answer_bytes(value: object) -> int | None:
    """Return ``value`` as a body size cap, or raise ``ApiValueError``.

    A cap is a whole number of bytes ``>= 1``, or ``None`` for no cap.
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ApiValueError(
        f"max_answer_bytes is a whole number of bytes >= 1 or None, not {value!r}"
    )


def _no_proxy_entries(value: str | None) -> tuple[str, ...]:
    """The entries of a ``no_proxy`` list, checked and in lower case."""
    if value is None:
        return ()
    if not isinstance(value, str):
        raise ApiValueError(
            f"no_proxy is a comma-separated string of hosts, not {value!r}"
        )
    entries = tuple(e.strip().lower() for e in value.split(",") if e.strip())
    for entry in entries:
        if "/" in entry:
            _network(entry)
        else:
            _split_entry(entry)
    return entries


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        raise ApiValueError(
            f"no_proxy entry {entry!r} is not a valid address range"
        ) from None


def _entry_matches(entry: str, host: str, port: int | None) -> bool:
    """Whether one ``no_proxy`` entry covers ``host`` (lower case) and ``port``."""
    if entry == "*":
        return True
    if "/" in entry:
        return _in_network(host, _network(entry))
    name, entry_port = _split_entry(entry)
    if entry_port is not None and entry_port != port:
        return False
    domain = name.removeprefix("*").removeprefix(".")
    return host == domain or host.endswith("." + domain)


def _split_entry(entry: str) -> tuple[str, int | None]:
    """Host and port of ``host``, ``host:port``, ``v6`` or ``[v6]:port``."""
    if entry.startswith("["):
        address, _, rest = entry[1:].partition("]")
        return address, _entry_port(entry, rest.removeprefix(":"))
    if entry.count(":") == 1:
        name, _, port = entry.partition(":")
        return name, _entry_port(entry, port)
    return entry, None


def _entry_port(entry: str, port: str) -> int | None:
    if not port:
        return None
    if not port.isdigit():
        raise ApiValueError(f"no_proxy entry {entry!r} has an invalid port")
    return int(port)


def _in_network(
    host: str, network: ipaddress.IPv4Network | ipaddress.IPv6Network
) -> bool:
    try:
        return ipaddress.ip_address(host) in network
    except ValueError:
        return False  # a host name, not an address


def _server_variable(
    name: str, spec: Mapping[str, Any], given: Mapping[str, str]
) -> str:
    value = str(given.get(name, spec["default_value"]))
    allowed = spec.get("enum_values")
    if allowed and value not in allowed:
        raise ApiValueError(
            f"server variable {name!r} is {value!r}; "
            f"allowed values: {', '.join(allowed)}"
        )
    return value


class Configuration:
    """Where the server is, how to authenticate and how to connect.

    :param host: the base URL; when omitted it comes from the server
        settings, ``https://{cluster}/v2`` with ``cluster`` defaulting to
        ``localhost``.
    :param api_key: API keys by security scheme name, e.g.
        ``{"apiKey": "..."}``.
    :param api_key_prefix: a prefix per scheme name, sent before the key.
    :param access_token: the bearer token (scheme ``bearerAuth``).
    :param username: the HTTP basic user name (scheme ``basicAuth``).
    :param password: the HTTP basic password.
    :param discard_unknown_keys: drop keys the models do not declare
        instead of keeping them.
    :param disabled_client_side_validations: comma-separated JSON schema
        keywords not to check on the client, e.g. ``"maxLength,pattern"``.
    :param server_index: which of the server settings to use.
    :param server_variables: values for that server's URL variables.
    :param server_operation_index: a server index per operation.
    :param server_operation_variables: URL variables per operation.
    :param ssl_ca_cert: the CA certificates to trust, as a file path or as
        PEM text; the system store when omitted.

    Connection settings are attributes, set after construction:

    - ``timeout``: seconds, or ``(connect, read)``; ``(10.0, 60.0)`` by
      default, and never unlimited.  The read timeout (or the single
      number) bounds each wait for data, and also the whole time a body
      read into memory takes to arrive.
    - ``retries``: ``None`` for the default policy
      (:class:`backup_client.rest.RetryPolicy`), a number of retries,
      ``False`` for none, or a ``urllib3.Retry``.
    - ``verify_ssl`` (True), ``ssl_ca_cert``, ``cert_file``, ``key_file``,
      ``assert_hostname``, ``tls_server_name``: TLS.
    - ``proxy``, ``proxy_headers`` and ``no_proxy``, a comma-separated list
      of hosts, domains (``.example.com``), ``host:port`` entries and
      address ranges (``10.0.0.0/8``) reached without the proxy; ``*``
      bypasses it for every host.
    - ``connection_pool_maxsize``: connections kept per host.
    - ``max_answer_bytes``: the largest body the client reads into memory
      for you (``None``, the default, sets no cap); a larger one raises
      ``ApiValueError``.  Downloads and bodies you read yourself with
      ``_preload_content=False`` are not capped.
    """

    _default: ClassVar[Configuration | None] = None

    API_KEY_SCHEMES: ClassVar[Mapping[str, str]] = {"apiKey": "apiKey"}
    """The spec's API-key security schemes: scheme name to header name."""

    def __init__(
        self,
        host: str | None = None,
        api_key: dict[str, str] | None = None,
        api_key_prefix: dict[str, str] | None = None,
        access_token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        discard_unknown_keys: bool = False,
        disabled_client_side_validations: str = "",
        server_index: int | None = None,
        server_variables: dict[str, str] | None = None,
        server_operation_index: dict[str, int] | None = None,
        server_operation_variables: dict[str, dict[str, str]] | None = None,
        ssl_ca_cert: str | None = None,
    ) -> None:
        self._base_path = "https://localhost/v2" if host is None else host
        self.server_index = 0 if server_index is None and host is None else server_index
        self.server_variables = dict(server_variables or {})
        self.server_operation_index = dict(server_operation_index or {})
        self.server_operation_variables = dict(server_operation_variables or {})

        self.api_key = dict(api_key or {})
        self.api_key_prefix = dict(api_key_prefix or {})
        self.refresh_api_key_hook: Callable[[Configuration], None] | None = None
        self.access_token = access_token
        self.username = username
        self.password = password

        self.discard_unknown_keys = discard_unknown_keys
        self.client_side_validation = True
        self.disabled_client_side_validations = disabled_client_side_validations
        self.temp_folder_path: str | None = None
        self.safe_chars_for_path_param = ""

        self._init_transport(ssl_ca_cert)
        self._init_logging()

    def _init_transport(self, ssl_ca_cert: str | None) -> None:
        self.verify_ssl = True
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file: str | None = None
        self.key_file: str | None = None
        self.assert_hostname: str | bool | None = None
        self.tls_server_name: str | None = None
        self.connection_pool_maxsize = DEFAULT_POOL_MAXSIZE
        self.proxy: str | None = None
        self.proxy_headers: dict[str, str] | None = None
        self.no_proxy = None
        self.retries = None
        self.timeout = DEFAULT_TIMEOUT
        self.max_answer_bytes = None
        self.socket_options: Sequence[tuple[int, int, int | bytes]] | None = None

    def _init_logging(self) -> None:
        """Set the logging state without changing any logger."""
        self.logger = {"package_logger": logging.getLogger(PACKAGE_LOGGER)}
        self._logger_format = "%(asctime)s %(levelname)s %(name)s %(message)s"
        self._logger_file: str | None = None
        self._logger_file_handler: logging.FileHandler | None = None
        self._debug = False

    # -- copies and the process-wide default ---------------------------------

    def __deepcopy__(self, memo: dict[int, Any]) -> Configuration:
        """Copy every setting; share the loggers, own no file handler."""
        result = type(self).__new__(type(self))
        memo[id(self)] = result
        for name, value in self.__dict__.items():
            if name not in ("logger", "_logger_file_handler"):
                setattr(result, name, copy.deepcopy(value, memo))
        result.logger = dict(self.logger)
        result._logger_file_handler = None
        return result

    @classmethod
    def set_default(cls, default: Configuration | None) -> None:
        """Make a copy of ``default`` the one ``get_default_copy`` returns."""
        cls._default = copy.deepcopy(default)

    @classmethod
    def get_default_copy(cls) -> Configuration:
        """A copy of the default set with ``set_default``, or a new one."""
        if cls._default is None:
            return cls()
        return copy.deepcopy(cls._default)

    # -- validated settings ---------------------------------------------------

    @property
    def timeout(self) -> TimeoutValue:
        """The request timeout used when a call does not give its own."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: TimeoutValue) -> None:
        self._timeout = check_timeout(value)

    @property
    def retries(self) -> RetriesValue:
        """How failed requests are retried; see :func:`check_retries`."""
        return self._retries

    @retries.setter
    def retries(self, value: RetriesValue) -> None:
        self._retries = check_retries(value)

    @property
    def max_answer_bytes(self) -> int | None:
        """The largest body read into memory, in bytes; ``None`` for no cap."""
        return self._max_answer_bytes

    @max_answer_bytes.setter
    def max_answer_bytes(self, value: int | None) -> None:
        self._max_answer_bytes = check_max_answer_bytes(value)

    @property
    def verify_ssl(self) -> bool:
        """Whether server certificates are verified; switching it off warns."""
        return self._verify_ssl

    @verify_ssl.setter
    def verify_ssl(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise ApiValueError(f"verify_ssl is True or False, not {value!r}")
        if not value and self.__dict__.get("_verify_ssl", True):
            warnings.warn(
                "verify_ssl is off: server certificates are not checked, so "
                "anyone on the network path can read and change the traffic, "
                "credentials included",
                UnverifiedTLSWarning,
                stacklevel=2,
            )
        self._verify_ssl = value

    @property
    def no_proxy(self) -> str | None:
        """Comma-separated hosts, domains and ranges reached without the proxy."""
        return self._no_proxy

    @no_proxy.setter
    def no_proxy(self, value: str | None) -> None:
        self._no_proxy_entries = _no_proxy_entries(value)
        self._no_proxy = value

    def bypasses_proxy(self, url: str) -> bool:
        """Whether ``no_proxy`` sends a request for ``url`` around the proxy."""
        try:
            parts = urlsplit(url)
            host, port = (parts.hostname or "").rstrip("."), parts.port
        except ValueError:
            return False
        return any(
            _entry_matches(entry, host, port) for entry in self._no_proxy_entries
        )

    @property
    def disabled_client_side_validations(self) -> str:
        """Comma-separated JSON schema keywords the client does not check."""
        return ",".join(sorted(self._disabled_client_side_validations))

    @disabled_client_side_validations.setter
    def disabled_client_side_validations(self, value: str) -> None:
        keywords = {word.strip() for word in value.split(",") if word.strip()}
        unknown = keywords - JSON_SCHEMA_VALIDATION_KEYWORDS
        if unknown:
            raise ApiValueError(
                f"unknown validation keyword(s): {', '.join(sorted(unknown))}"
            )
        self._disabled_client_side_validations = keywords

    def validation_enabled(self, keyword: str) -> bool:
        """Whether the client checks the JSON schema ``keyword``."""
        return (
            self.client_side_validation
            and keyword not in self._disabled_client_side_validations
        )

    # -- logging --------------------------------------------------------------

    @property
    def debug(self) -> bool:
        """Whether requests are logged; sets the package logger's level."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = value
        level = logging.DEBUG if value else logging.WARNING
        for package_logger in self.logger.values():
            package_logger.setLevel(level)

    @property
    def logger_format(self) -> str:
        """The format of the lines written to ``logger_file``."""
        return self._logger_format

    @logger_format.setter
    def logger_format(self, value: str) -> None:
        self._logger_format = value
        if self._logger_file_handler is not None:
            self._logger_file_handler.setFormatter(logging.Formatter(value))

    @property
    def logger_file(self) -> str | None:
        """A file that receives this package's log records, or None."""
        return self._logger_file

    @logger_file.setter
    def logger_file(self, path: str | None) -> None:
        self._remove_file_handler()
        self._logger_file = path
        if path is None:
            return
        handler = logging.FileHandler(path)
        handler.setFormatter(logging.Formatter(self._logger_format))
        for package_logger in self.logger.values():
            package_logger.addHandler(handler)
        self._logger_file_handler = handler

    def _remove_file_handler(self) -> None:
        handler = self._logger_file_handler
        if handler is None:
            return
        for package_logger in self.logger.values():
            package_logger.removeHandler(handler)
        handler.close()
        self._logger_file_handler = None

    # -- credentials ----------------------------------------------------------

    def get_api_key_with_prefix(
        self, identifier: str, alias: str | None = None
    ) -> str | None:
        """The API key of scheme ``identifier`` (or ``alias``), prefixed.

        ``refresh_api_key_hook`` is called first, so it can renew the key.
        """
        if self.refresh_api_key_hook is not None:
            self.refresh_api_key_hook(self)
        key = self.api_key.get(identifier)
        if key is None and alias is not None:
            key = self.api_key.get(alias)
        if key is None:
            return None
        prefix = self.api_key_prefix.get(identifier)
        return f"{prefix} {key}" if prefix else key

    def get_basic_auth_token(self) -> str:
        """The ``Authorization`` value for HTTP basic authentication."""
        credentials = f"{self.username or ''}:{self.password or ''}"
        return "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")

    def api_key_headers(self) -> frozenset[str]:
        """The headers that carry API keys; their values are secrets."""
        return frozenset(self.API_KEY_SCHEMES.values())

    def auth_settings(self) -> dict[str, AuthSetting]:
        """The security schemes that have credentials, by scheme name.

        ``refresh_api_key_hook`` runs once per API-key scheme, before its
        key is read.
        """
        auth: dict[str, AuthSetting] = {}
        for scheme, header in self.API_KEY_SCHEMES.items():
            api_key = self.get_api_key_with_prefix(scheme)
            if api_key is not None:
                auth[scheme] = _header_auth("api_key", header, api_key)
        if self.access_token is not None:
            bearer = f"Bearer {self.access_token}"
            auth["bearerAuth"] = _header_auth("bearer", "Authorization", bearer)
        if self.username is not None and self.password is not None:
            basic = self.get_basic_auth_token()
            auth["basicAuth"] = _header_auth("basic", "Authorization", basic)
        return auth

    # -- servers --------------------------------------------------------------

    def get_host_settings(self) -> list[ServerSettings]:
        """The servers the API declares, with their URL variables."""
        return [
            {
                "url": "https://{cluster}/v2",
                "description": "No description provided",
                "variables": {
                    "cluster": {
                        "description": (
                            "Host name (and port, if not 443) of the cluster "
                            "to talk to."
                        ),
                        "default_value": "localhost",
                    }
                },
            }
        ]

    def get_host_from_settings(
        self,
        index: int | None,
        variables: Mapping[str, str] | None = None,
        servers: Sequence[ServerSettings] | None = None,
    ) -> str:
        """The URL of server ``index`` with its variables filled in.

        ``None`` as the index means the host given to this configuration.
        """
        if index is None:
            return self._base_path
        servers = self.get_host_settings() if servers is None else servers
        if not 0 <= index < len(servers):
            raise ApiValueError(
                f"server index {index} is out of range: "
                f"{len(servers)} server(s) are declared"
            )
        server = servers[index]
        url: str = server["url"]
        for name, spec in server.get("variables", {}).items():
            value = _server_variable(name, spec, variables or {})
            url = url.replace("{" + name + "}", value)
        return url

    @property
    def host(self) -> str:
        """The base URL every request path is appended to."""
        return self.get_host_from_settings(
            self.server_index, variables=self.server_variables
        )

    @host.setter
    def host(self, value: str) -> None:
        self._base_path = value
        self.server_index = None

    # -- diagnostics ----------------------------------------------------------

    def to_debug_report(self) -> str:
        """Versions worth quoting in a bug report; never a credential."""
        return "\n".join(
            [
                "Python SDK Debug Report:",
                f"OS: {platform.platform()}",
                f"Python Version: {platform.python_version()}",
                f"SDK Package Version: {_package_version()}",
            ]
        )

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._repr_fields().items())
        return f"{type(self).__name__}({fields})"

    def _repr_fields(self) -> dict[str, object]:
        headers = self.proxy_headers
        return {
            "host": redact_url(self._safe_host()),
            "api_key": dict.fromkeys(self.api_key, MASK),
            "api_key_prefix": self.api_key_prefix,
            "username": self.username,
            "password": mask(self.password),
            "access_token": mask(self.access_token),
            "verify_ssl": self.verify_ssl,
            "ssl_ca_cert": _describe_ca(self.ssl_ca_cert),
            "cert_file": self.cert_file,
            "key_file": self.key_file,
            "assert_hostname": self.assert_hostname,
            "tls_server_name": self.tls_server_name,
            "proxy": None if self.proxy is None else redact_url(self.proxy),
            "proxy_headers": None if headers is None else dict.fromkeys(headers, MASK),
            "no_proxy": self.no_proxy,
            "retries": self.retries,
            "timeout": self.timeout,
            "max_answer_bytes": self.max_answer_bytes,
            "connection_pool_maxsize": self.connection_pool_maxsize,
            "debug": self.debug,
        }

    def _safe_host(self) -> str:
        try:
            return self.host
        except ApiValueError:
            return f"<invalid server_index {self.server_index}>"


def _describe_ca(ssl_ca_cert: str | None) -> str | None:
    """The CA setting as ``repr`` shows it: a path, or a note for PEM text."""
    if ssl_ca_cert is not None and "-----BEGIN" in ssl_ca_cert:
        return "<PEM text>"
    return ssl_ca_cert


def _header_auth(kind: str, header: str, value: str | None) -> AuthSetting:
    return {"type": kind, "in": "header", "key": header, "value": value}


def _package_version() -> str:
    package = importlib.import_module(PACKAGE_LOGGER)
    return str(getattr(package, "__version__", "unknown"))
