"""Synthetic, seeded backup attempts as a server sends them, and as users build them.

Every record is made from ``random.Random(seed)`` alone, so the same seed
gives the same bytes on every machine.  The records look like real answers:
timestamps in 2024-2026 that follow one another in a sensible order, all
ten statuses, about a fifth of the optional values explicitly null and a
few left out, nested ``stats`` (sometimes ``null``), messages of 20 to 200
characters with accents, CJK and emoji in some, and now and then a key
that a newer server added and the spec does not declare.
"""

from __future__ import annotations

import json
import random
from typing import Any

__all__ = [
    "ATTEMPT_NAMES",
    "DEFAULT_SEED",
    "STATS_NAMES",
    "STATUSES",
    "attempt_kwargs",
    "encode",
    "wire_attempts",
]

DEFAULT_SEED = 20240601

STATUSES = (
    "Running",
    "Canceled",
    "Canceling",
    "Paused",
    "Pausing",
    "Resuming",
    "Failed",
    "Missed",
    "Succeeded",
    "SucceededWithWarning",
)

# Statuses of attempts that have not finished, so have no end time yet.
_UNFINISHED = frozenset({"Running", "Canceling", "Paused", "Pausing", "Resuming"})

# Wire name to python name, as the contract lists them.
ATTEMPT_NAMES = {
    "startTimeUsecs": "start_time_usecs",
    "endTimeUsecs": "end_time_usecs",
    "admittedTimeUsecs": "admitted_time_usecs",
    "permitGrantTimeUsecs": "permit_grant_time_usecs",
    "queueDurationUsecs": "queue_duration_usecs",
    "snapshotCreationTimeUsecs": "snapshot_creation_time_usecs",
    "status": "status",
    "stats": "stats",
    "progressTaskId": "progress_task_id",
    "message": "message",
}
STATS_NAMES = {
    "logicalSizeBytes": "logical_size_bytes",
    "bytesWritten": "bytes_written",
    "bytesRead": "bytes_read",
}

_NULL_SHARE = 0.2  # optional values sent as an explicit null
_ABSENT_SHARE = 0.05  # optional values left out
_UNKNOWN_KEY_SHARE = 0.02  # records carrying a key the spec does not declare
_NON_ASCII_SHARE = 0.1  # message sentences with accents, CJK or emoji

_MESSAGE_MAX = 200  # characters

_USECS = 1_000_000
_FIRST_START = 1_704_067_200 * _USECS  # 2024-01-01T00:00:00Z
_LAST_START = 1_798_675_200 * _USECS  # 2026-12-31T00:00:00Z
_GIB = 1 << 30

_MESSAGES = (
    "Failed to take a snapshot of volume vol-{hex}: the VSS writer did not "
    "respond within {seconds} seconds.",
    "Backup of {host} completed with warnings: {count} files were skipped "
    "because they were in use.",
    "Source host {host} closed the connection while streaming changed blocks.",
    "Quota of view archive-{count} exceeded; the run resumes when space is freed.",
    "Credentials for the protection source expired at {clock} UTC.",
    "Permit not granted within {seconds} seconds; the attempt was queued again.",
    "Index of {count} files took longer than expected.",
)
_FOREIGN_MESSAGES = (
    "La sauvegarde de {host} a échoué : délai dépassé après {seconds} s.",
    "Sicherung von {host} unvollständig: {count} Dateien übersprungen.",
    "备份失败：磁盘空间不足（{host}）。",  # noqa: RUF001  # Chinese punctuation is full-width
    "スナップショットの作成に失敗しました: {host}",
    "⚠️ Snapshot of {host} retried {count} times 🔁",
)
_HOST_ROLES = ("web", "db", "mail", "files", "build", "erp", "sql")
_UNKNOWN_KEYS: tuple[tuple[str, Any], ...] = (
    ("retryCount", 2),
    ("retryCount", 5),
    ("tenant", {"id": "tenant-0042", "name": "Finance EU"}),
    ("dataLock", {"mode": "Compliance", "expiryTimeUsecs": 1_893_456_000_000_000}),
    ("warnings", ["Skipped 3 files in use", "Slow source"]),
)


def wire_attempts(count: int, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """``count`` BackupAttempt dicts by wire name, as a server's JSON gives them."""
    rng = random.Random(seed)
    return [_wire_attempt(rng) for _ in range(count)]


def encode(records: list[dict[str, Any]]) -> bytes:
    """The body a server sends for ``records``: compact JSON in UTF-8."""
    text = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def attempt_kwargs(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The keyword arguments that build each of ``records``, by python name.

    ``stats`` stays a plain dict (by python name), which the model turns
    into a ``BackupDataStats``.  Keys the spec does not declare are left
    out, since a model built by keyword refuses them.
    """
    return [_python_names(record) for record in records]


def _python_names(record: dict[str, Any]) -> dict[str, Any]:
    """One wire record as keyword arguments, declared attributes only."""
    kwargs = {
        ATTEMPT_NAMES[key]: value
        for key, value in record.items()
        if key in ATTEMPT_NAMES
    }
    stats = kwargs.get("stats")
    if stats is not None:
        kwargs["stats"] = {STATS_NAMES[key]: value for key, value in stats.items()}
    return kwargs


# -- one record ----------------------------------------------------------------


def _wire_attempt(rng: random.Random) -> dict[str, Any]:
    """One attempt with realistic values, some null, some left out."""
    status = rng.choice(STATUSES)
    values = _times(rng, finished=status not in _UNFINISHED)
    values["status"] = _optional(rng, status)
    values["stats"] = _stats(rng)
    values["progressTaskId"] = _progress_task_id(rng)
    values["message"] = _message(rng)
    record = {key: value for key, value in values.items() if value is not _ABSENT}
    if rng.random() < _UNKNOWN_KEY_SHARE:
        key, value = rng.choice(_UNKNOWN_KEYS)
        record[key] = value
    return record


class _Absent:
    """Marks a value the record leaves out."""


_ABSENT = _Absent()


def _optional(rng: random.Random, value: Any) -> Any:
    """``value``, or now and then an explicit null or nothing at all."""
    draw = rng.random()
    if draw < _NULL_SHARE:
        return None
    if draw < _NULL_SHARE + _ABSENT_SHARE:
        return _ABSENT
    return value


def _times(rng: random.Random, *, finished: bool) -> dict[str, Any]:
    """Start, admission, permit grant, snapshot and end, in that order."""
    start = rng.randrange(_FIRST_START, _LAST_START)
    admitted = start + rng.randrange(0, 5 * _USECS)
    permit = admitted + rng.randrange(0, 20 * 60 * _USECS)
    snapshot = permit + rng.randrange(_USECS, 90 * _USECS)
    end = snapshot + rng.randrange(30 * _USECS, 6 * 3600 * _USECS)
    times = {
        "startTimeUsecs": start,
        "endTimeUsecs": end if finished else None,
        "admittedTimeUsecs": admitted,
        "permitGrantTimeUsecs": permit,
        "queueDurationUsecs": permit - start,
        "snapshotCreationTimeUsecs": snapshot,
    }
    return {key: _optional(rng, value) for key, value in times.items()}


def _stats(rng: random.Random) -> Any:
    """Sizes of the snapshot: logical size, bytes read and written."""
    logical = rng.randrange(_GIB // 4, 4096 * _GIB)
    read = rng.randrange(logical // 50, logical + 1)
    written = rng.randrange(read // 20, read + 1)
    stats = {"logicalSizeBytes": logical, "bytesWritten": written, "bytesRead": read}
    return _optional(rng, {key: value for key, value in stats.items() if _keep(rng)})


def _keep(rng: random.Random) -> bool:
    """Whether a nested statistic is sent (one in twenty is left out)."""
    return rng.random() >= _ABSENT_SHARE


def _progress_task_id(rng: random.Random) -> Any:
    """A progress monitor path such as the platform's task ids."""
    cluster = rng.randrange(10**15, 10**16)
    job = rng.randrange(1, 100_000)
    run = rng.randrange(1, 10_000)
    return _optional(rng, f"{cluster}:{job}:{run}/bg_task_{rng.getrandbits(48):012x}")


def _message(rng: random.Random) -> Any:
    """One to four sentences of an error report, cut to 20-200 characters."""
    sentences = []
    for _ in range(rng.randrange(1, 5)):
        foreign = rng.random() < _NON_ASCII_SHARE
        template = rng.choice(_FOREIGN_MESSAGES if foreign else _MESSAGES)
        sentences.append(template.format(**_message_values(rng)))
    text = " ".join(sentences)
    if len(text) > _MESSAGE_MAX:
        text = text[: _MESSAGE_MAX + 1].rsplit(" ", 1)[0]
    return _optional(rng, text)


def _message_values(rng: random.Random) -> dict[str, Any]:
    """What the message templates fill in: hosts, counts, times."""
    return {
        "hex": f"{rng.getrandbits(32):08x}",
        "host": f"vm-{rng.choice(_HOST_ROLES)}-{rng.randrange(1, 99):02d}.example.com",
        "seconds": rng.choice((30, 60, 120, 300, 900)),
        "count": rng.randrange(2, 5000),
        "clock": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}",
    }
