"""The package's logging setup and the masking of secrets in what it shows.

Importing this module gives the ``backup_client`` logger a ``NullHandler``
(once), so that an application without logging configured sees nothing.
No other logger and no global logging state is touched.

The helpers mask credentials wherever the package shows a request: log
lines, exception messages and ``repr``.  A header or query parameter is a
secret when its name is one of the known credential names or contains a
word that marks one (``auth``, ``key``, ``token``, ...): masking a harmless
value by mistake costs little, printing a credential costs a lot.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "MASK",
    "PACKAGE_LOGGER",
    "is_secret_name",
    "mask",
    "redact_headers",
    "redact_url",
]

PACKAGE_LOGGER = "backup_client"

MASK = "***"

_SECRET_WORDS = (
    "auth",
    "cookie",
    "credential",
    "key",
    "passw",
    "pwd",
    "secret",
    "session",
    "signature",
    "token",
)


def _attach_null_handler() -> None:
    """Give the package logger a ``NullHandler`` unless it has one already."""
    package_logger = logging.getLogger(PACKAGE_LOGGER)
    if not any(isinstance(h, logging.NullHandler) for h in package_logger.handlers):
        package_logger.addHandler(logging.NullHandler())


_attach_null_handler()


def mask(secret: object) -> str | None:
    """``None`` for a missing secret, else the mask that stands for it."""
    return None if secret is None else MASK


def is_secret_name(name: str, extra: Collection[str] = ()) -> bool:
    """Whether a header or query parameter called ``name`` carries a secret.

    ``extra`` adds names to treat as secrets, such as the headers of the
    API's key schemes; they are compared without regard to case.
    """
    lowered = name.lower()
    if any(lowered == other.lower() for other in extra):
        return True
    return any(word in lowered for word in _SECRET_WORDS)


def redact_headers(
    headers: Mapping[str, str] | None, extra: Collection[str] = ()
) -> dict[str, str]:
    """A copy of ``headers`` with the value of every secret header masked."""
    return {
        name: MASK if is_secret_name(name, extra) else str(value)
        for name, value in (headers or {}).items()
    }


def redact_url(url: str, extra: Collection[str] = ()) -> str:
    """``url`` with its password and secret query values masked.

    The user name is kept, as it helps tell accounts apart; a URL that
    cannot be parsed is replaced by a placeholder rather than shown.
    """
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "<invalid URL>"
    netloc = parts.netloc
    if password is not None:
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}:{MASK}@{hostport}"
    query = _redact_query(parts.query, extra)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_query(query: str, extra: Collection[str]) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    redacted = [
        (name, MASK if is_secret_name(name, extra) else value) for name, value in pairs
    ]
    return urlencode(redacted, safe="*")
