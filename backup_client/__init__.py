"""Python models and a client for the backup platform's REST API.

The models load without the HTTP stack or ``logging``: ``ApiClient`` and
``Configuration`` are imported on first use, so ``import backup_client.models``
stays light.  The modules that log attach a ``NullHandler`` to the
``backup_client`` logger when they are imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from backup_client.exceptions import (
    ApiAttributeError,
    ApiConnectionError,
    ApiException,
    ApiKeyError,
    ApiProxyError,
    ApiTimeoutError,
    ApiTLSError,
    ApiTypeError,
    ApiValueError,
    ForbiddenException,
    NotFoundException,
    OpenApiException,
    ServiceException,
    UnauthorizedException,
    UnverifiedTLSWarning,
)

if TYPE_CHECKING:
    from backup_client.api_client import ApiClient
    from backup_client.configuration import Configuration

__version__ = "1.0.0"

__all__ = [
    "ApiAttributeError",
    "ApiClient",
    "ApiConnectionError",
    "ApiException",
    "ApiKeyError",
    "ApiProxyError",
    "ApiTLSError",
    "ApiTimeoutError",
    "ApiTypeError",
    "ApiValueError",
    "Configuration",
    "ForbiddenException",
    "NotFoundException",
    "OpenApiException",
    "ServiceException",
    "UnauthorizedException",
    "UnverifiedTLSWarning",
    "__version__",
]

_LAZY = {
    "ApiClient": "backup_client.api_client",
    "Configuration": "backup_client.configuration",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
