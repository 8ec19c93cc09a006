# Generated from spec/openapi.yaml by `python -m codegen`; edit the spec, not this file.
"""The BackupDataStats model."""

from __future__ import annotations

from backup_client.model_utils import ModelNormal, attribute

__all__ = ["BackupDataStats"]


class BackupDataStats(ModelNormal):
    """Specifies statistics about local snapshot."""

    logical_size_bytes: int | None = attribute("logicalSizeBytes", int, nullable=True)
    """Specifies total logical size of object(s) in bytes."""

    bytes_written: int | None = attribute("bytesWritten", int, nullable=True)
    """Specifies total size of data in bytes written after taking backup."""

    bytes_read: int | None = attribute("bytesRead", int, nullable=True)
    """Specifies total logical bytes read for creating the snapshot."""
