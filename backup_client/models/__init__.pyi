# Generated from spec/openapi.yaml by `python -m codegen`; edit the spec, not this file.
"""Every model of the API, importable by class name."""

from backup_client.model.backup_attempt import BackupAttempt, BackupAttemptStatus
from backup_client.model.backup_data_stats import BackupDataStats

__all__ = ["BackupAttempt", "BackupAttemptStatus", "BackupDataStats"]

def __dir__() -> list[str]: ...
