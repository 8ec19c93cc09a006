# Generated from spec/openapi.yaml by `python -m codegen`; edit the spec, not this file.
"""Every model of the API, importable by class name.

A model's module is imported the first time the model is asked for, so
importing this package stays cheap however many models the spec defines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backup_client.model.backup_attempt import BackupAttempt
    from backup_client.model.backup_data_stats import BackupDataStats

__all__ = ["BackupAttempt", "BackupDataStats"]

_MODULES: dict[str, str] = {
    "BackupAttempt": "backup_client.model.backup_attempt",
    "BackupDataStats": "backup_client.model.backup_data_stats",
}


def __getattr__(name: str) -> Any:
    """Import the model called ``name`` from its module on first use."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    model = getattr(importlib.import_module(module), name)
    globals()[name] = model
    return model


def __dir__() -> list[str]:
    """The module's names, models not yet imported included."""
    return sorted({*globals(), *__all__})
