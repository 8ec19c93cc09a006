"""Generate the model modules, the model docs and the model index from the spec.

Run ``python -m codegen`` from the repository root to rewrite every generated
file from ``spec/openapi.yaml``, or ``python -m codegen --check`` to list the
files that differ from what the spec gives.
"""

from __future__ import annotations

__all__ = ["CodegenError"]


class CodegenError(Exception):
    """The spec, a template input or a tool keeps the files from being generated."""
