# Generated from spec/openapi.yaml by `python -m codegen`; edit the spec, not this file.
"""The BackupDataStats model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backup_client.model_utils import ModelNormal, attribute

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Literal, overload

    from backup_client.configuration import Configuration
    from backup_client.exceptions import PathItem

__all__ = ["BackupDataStats"]


class BackupDataStats(ModelNormal):
    """Specifies statistics about local snapshot."""

    logical_size_bytes: int | None = attribute("logicalSizeBytes", int, nullable=True)
    """Specifies total logical size of object(s) in bytes."""

    bytes_written: int | None = attribute("bytesWritten", int, nullable=True)
    """Specifies total size of data in bytes written after taking backup."""

    bytes_read: int | None = attribute("bytesRead", int, nullable=True)
    """Specifies total logical bytes read for creating the snapshot."""

    # The keywords that type checkers see; ModelNormal.__init__ takes them
    # at run time, by python name, or by wire name with _spec_property_naming.
    if TYPE_CHECKING:

        @overload
        def __init__(
            self,
            *,
            logical_size_bytes: int | None = ...,
            bytes_written: int | None = ...,
            bytes_read: int | None = ...,
            _check_type: bool = ...,
            _spec_property_naming: Literal[False] = ...,
            _path_to_item: Iterable[PathItem] = ...,
            _configuration: Configuration | None = ...,
            _visited_composed_classes: tuple[type, ...] = ...,
        ) -> None: ...

        @overload
        def __init__(
            self,
            *,
            _check_type: bool = ...,
            _spec_property_naming: Literal[True],
            _path_to_item: Iterable[PathItem] = ...,
            _configuration: Configuration | None = ...,
            _visited_composed_classes: tuple[type, ...] = ...,
            **kwargs: Any,
        ) -> None: ...

        def __init__(self, **kwargs: Any) -> None: ...
