"""Microsecond integers as ``datetime`` and ``timedelta``, and back.

The platform sends instants as microseconds since the Unix epoch
(``startTimeUsecs``) and lengths of time as microseconds
(``queueDurationUsecs``).  Models whose spec marks such properties read
them through helper properties built on the functions here: ``start_time``
is ``start_time_usecs`` as a timezone-aware UTC ``datetime``.

Every conversion is exact: integers of microseconds are added to the
epoch as a ``timedelta``, never multiplied through a float, so no value
loses its last digits, before 1970 or far after it.  A value beyond what
``datetime`` can hold (the years 1 to 9999) raises ``ApiValueError``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import overload

from backup_client.exceptions import ApiTypeError, ApiValueError

__all__ = [
    "EPOCH",
    "datetime_from_usecs",
    "timedelta_from_usecs",
    "usecs_from_datetime",
    "usecs_from_timedelta",
]

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""The Unix epoch, 1970-01-01T00:00:00Z, from which instants are counted."""

_MICROSECOND = timedelta(microseconds=1)


@overload
def datetime_from_usecs(usecs: int, attribute: str = ...) -> datetime: ...
@overload
def datetime_from_usecs(usecs: None, attribute: str = ...) -> None: ...
def datetime_from_usecs(usecs: int | None, attribute: str = "value") -> datetime | None:
    """Microseconds since the epoch as a UTC ``datetime``; None stays None.

    ``attribute`` names the value in the error raised for one that is not
    an integer or lies outside the years 1 to 9999.
    """
    if usecs is None:
        return None
    _check_int(usecs, attribute)
    try:
        return EPOCH + timedelta(microseconds=usecs)
    except OverflowError:
        raise ApiValueError(
            f"Invalid value for {attribute!r}: {_int_text(usecs)} microseconds "
            "since the epoch is outside the dates datetime can hold (years 1 to "
            "9999)",
            path_to_item=[attribute],
        ) from None


@overload
def timedelta_from_usecs(usecs: int, attribute: str = ...) -> timedelta: ...
@overload
def timedelta_from_usecs(usecs: None, attribute: str = ...) -> None: ...
def timedelta_from_usecs(
    usecs: int | None, attribute: str = "value"
) -> timedelta | None:
    """Microseconds as a ``timedelta``; None stays None.

    ``attribute`` names the value in the error raised for one that is not
    an integer or is longer than a ``timedelta`` can hold (999999999 days).
    """
    if usecs is None:
        return None
    _check_int(usecs, attribute)
    try:
        return timedelta(microseconds=usecs)
    except OverflowError:
        raise ApiValueError(
            f"Invalid value for {attribute!r}: {_int_text(usecs)} microseconds "
            "is longer than a timedelta can hold (999999999 days)",
            path_to_item=[attribute],
        ) from None


def usecs_from_datetime(moment: datetime) -> int:
    """A timezone-aware ``datetime`` as microseconds since the epoch.

    A naive ``datetime`` raises ``ApiValueError``: without a timezone it
    names no single instant.
    """
    if moment.utcoffset() is None:
        raise ApiValueError(
            f"Cannot count microseconds from the epoch to {moment!r}: it has no "
            "timezone; give it one, such as tzinfo=timezone.utc"
        )
    return (moment - EPOCH) // _MICROSECOND


def usecs_from_timedelta(duration: timedelta) -> int:
    """A ``timedelta`` as a whole number of microseconds."""
    return duration // _MICROSECOND


def _int_text(value: int) -> str:
    """``value`` in decimal, or its size when it has too many digits to print."""
    try:
        return str(value)
    except ValueError:  # more digits than sys.get_int_max_str_digits() allows
        return f"<int of {value.bit_length()} bits>"


def _check_int(usecs: object, attribute: str) -> None:
    """Fail unless ``usecs`` is an int (not a bool), as the spec promises."""
    if isinstance(usecs, bool) or not isinstance(usecs, int):
        shown = repr(usecs)[:40]
        raise ApiTypeError(
            f"Invalid type for {attribute!r}: expected int microseconds, "
            f"got {type(usecs).__name__} {shown}",
            path_to_item=[attribute],
        )
