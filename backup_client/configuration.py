"""Settings shared by every request: server, credentials, TLS and logging.

A :class:`Configuration` is a plain value.  Creating one changes no global
state: no logger level, no ``http.client`` switch.  Only two of its
properties reach outside it, and both touch nothing but this package's own
logger, ``backup_client``: ``debug`` sets its level and ``logger_file``
gives it a file handler.

This module does not import urllib3, so that the models, which need a
configuration, import without it.
"""

from __future__ import annotations

import base64
import copy
import importlib
import logging
import math
import platform
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Optional, TypedDict, Union
from urllib.parse import urlsplit

from backup_client.exceptions import ApiValueError

if TYPE_CHECKING:
    from urllib3.util.retry import Retry

__all__ = [
    "DEFAULT_TIMEOUT",
    "JSON_SCHEMA_VALIDATION_KEYWORDS",
    "AuthSetting",
    "Configuration",
    "TimeoutValue",
    "check_timeout",
]

PACKAGE_LOGGER = "backup_client"
"""The package's root logger; ``backup_client/__init__.py`` gives it a
``NullHandler``."""

TimeoutValue = Union[float, tuple[float, float]]
"""Seconds for the whole request, or a ``(connect, read)`` pair."""

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

_MASK = "***"

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


def _mask(secret: object) -> str | None:
    return None if secret is None else _MASK


def _mask_url(url: str | None) -> str | None:
    """Hide the password of ``user:password@`` in a URL."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return _MASK
    if parts.password is None:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return parts._replace(netloc=f"{user}:{_MASK}@{hostport}").geturl()


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
    :param ssl_ca_cert: a CA bundle file; the system store when omitted.
    """

    _default: ClassVar[Configuration | None] = None

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
        self.retries: int | Retry | None = None
        self.timeout = DEFAULT_TIMEOUT
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

    def auth_settings(self) -> dict[str, AuthSetting]:
        """The security schemes that have credentials, by scheme name."""
        auth: dict[str, AuthSetting] = {}
        api_key = self.get_api_key_with_prefix("apiKey")
        if api_key is not None:
            auth["apiKey"] = _header_auth("api_key", "apiKey", api_key)
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
            "host": _mask_url(self._safe_host()),
            "api_key": {name: _MASK for name in self.api_key},
            "api_key_prefix": self.api_key_prefix,
            "username": self.username,
            "password": _mask(self.password),
            "access_token": _mask(self.access_token),
            "verify_ssl": self.verify_ssl,
            "ssl_ca_cert": self.ssl_ca_cert,
            "cert_file": self.cert_file,
            "key_file": self.key_file,
            "proxy": _mask_url(self.proxy),
            "proxy_headers": None if headers is None else dict.fromkeys(headers, _MASK),
            "retries": self.retries,
            "timeout": self.timeout,
            "connection_pool_maxsize": self.connection_pool_maxsize,
            "debug": self.debug,
        }

    def _safe_host(self) -> str:
        try:
            return self.host
        except ApiValueError:
            return f"<invalid server_index {self.server_index}>"


def _header_auth(kind: str, header: str, value: str | None) -> AuthSetting:
    return {"type": kind, "in": "header", "key": header, "value": value}


def _package_version() -> str:
    package = importlib.import_module(PACKAGE_LOGGER)
    return str(getattr(package, "__version__", "unknown"))
