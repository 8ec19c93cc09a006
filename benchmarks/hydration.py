"""Hydrating a body as ``ApiClient.deserialize`` does for a real answer.

Also run on its own in a fresh interpreter, to time hydration with a
generated package other than ``backup_client`` (see :func:`main`).
"""

from __future__ import annotations

import importlib
import json
import statistics
import sys
from pathlib import Path
from typing import Any

from backup_client import ApiClient
from benchmarks.timing import time_call

__all__ = ["FakeResponse", "hydrate", "main"]


class FakeResponse:
    """The two things ``deserialize`` reads of an answer: its body and headers."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """The answer's header ``name``: JSON in UTF-8, as the platform sends."""
        if name.lower() == "content-type":
            return "application/json; charset=utf-8"
        return default


def hydrate(client: ApiClient, body: bytes, model: type) -> Any:
    """A list of ``model`` read from ``body``, a JSON array, with types checked."""
    return client.deserialize(FakeResponse(body), ([model],), True)


def main(models_module: str, body_path: str, rounds: int) -> None:
    """Print, as JSON, the seconds each of ``rounds`` hydrations of a body takes.

    The body is a JSON array of BackupAttempt objects, read as
    ``BackupAttempt`` of ``models_module``.
    """
    model = importlib.import_module(models_module).BackupAttempt
    body = Path(body_path).read_bytes()
    with ApiClient() as client:
        hydrate(client, body, model)  # a first run, to warm up
        times = [time_call(lambda: hydrate(client, body, model)) for _ in range(rounds)]
    json.dump({"median": statistics.median(times), "times": times}, sys.stdout)
