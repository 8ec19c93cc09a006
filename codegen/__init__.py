"""Generate the model modules, the model docs and the model index from the spec.

Run ``python -m codegen`` from the repository root to rewrite every generated
file from ``spec/openapi.yaml``, or ``python -m codegen --check`` to list the
files that differ from what the spec gives.

Besides OpenAPI itself, the generator reads two vendor extensions, each
``true`` on an integer property whose Python name ends in ``_usecs``:

``x-epoch-usecs``
    The value counts microseconds since 1970-01-01T00:00:00Z.  The model
    gets a read-only property named without the suffix (``start_time`` for
    ``start_time_usecs``) that returns it as an aware UTC ``datetime``.
``x-duration-usecs``
    The value is a length of time in microseconds; the property named
    without the suffix returns it as a ``timedelta``.

Both convert exactly, through ``<package>/timeconv.py``, and give None for
an unset or null value.  An extension on a property that is not an
integer, on one without the suffix, or whose helper name would clash with
an attribute or a member of the model classes, is an error (exit status 2).

Every enum of strings or integers also gets a constants class in the
model's module (``BackupAttemptStatus``), and the spec's ``example``
values of scalar properties make up the example on each model's page.
"""

from __future__ import annotations

__all__ = ["CodegenError"]


class CodegenError(Exception):
    """The spec, a template input or a tool keeps the files from being generated."""
