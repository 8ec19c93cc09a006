# Generated from spec/openapi.yaml by `python -m codegen`; edit the spec, not this file.
"""Every model of the API, importable by class name.

A model's module is imported the first time the model, or the constants
class of one of its enums, is asked for, so importing this package stays
cheap however many models the spec defines.  Type checkers read the same
names from ``__init__.pyi``.
"""

from __future__ import annotations

import importlib
from typing import Any

# One line per class: its name, then the module of backup_client.model that
# defines it.  Looking a name up in one string is faster, for a few names,
# than loading a dict of thousands of entries with the package.
_INDEX = """
BackupAttempt backup_attempt
BackupAttemptStatus backup_attempt
BackupDataStats backup_data_stats
"""


def _module_of(name: str) -> str | None:
    """The module under backup_client.model that defines the class ``name``."""
    start = _INDEX.find(f"\n{name} ")
    if start < 0:
        return None
    start += len(name) + 2
    return _INDEX[start : _INDEX.index("\n", start)]


def _class_names() -> list[str]:
    return [line.split(" ")[0] for line in _INDEX.split("\n") if line]


def __getattr__(name: str) -> Any:
    """Import the class called ``name`` from its model's module on first use."""
    if name == "__all__":
        value: Any = _class_names()
    else:
        module = _module_of(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"backup_client.model.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, models not yet imported included."""
    return sorted({*globals(), *_class_names()})
