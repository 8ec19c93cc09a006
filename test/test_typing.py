"""What a type checker sees of the models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent
CHECKS = Path(__file__).with_name("typing") / "check_models.py"

SNIPPET = """
from backup_client.models import BackupAttempt, BackupDataStats

attempt = BackupAttempt(start_time_usecs=1)
reveal_type(attempt.start_time_usecs)
reveal_type(attempt.status)
reveal_type(attempt.stats)
reveal_type(BackupDataStats().bytes_read)
attempt.message = 5
"""

HELPERS_SNIPPET = """
from backup_client.models import BackupAttempt, BackupAttemptStatus

attempt = BackupAttempt()
reveal_type(attempt.start_time)
reveal_type(attempt.queue_duration)
reveal_type(BackupAttemptStatus.KNOWN)
reveal_type(BackupAttemptStatus.is_known("Skipped"))
"""

DESERIALIZE_SNIPPET = """
from backup_client import ApiClient
from backup_client.models import BackupAttempt

class Answer:
    data = b"[]"

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return default

client = ApiClient()
reveal_type(client.deserialize(Answer(), ([BackupAttempt],), True))
reveal_type(client.deserialize(Answer(), (BackupAttempt,), True))
reveal_type(client.deserialize(Answer(), ({str: (BackupAttempt,)},), True))
"""

# Each line is a mistake that mypy must report on that line.
MISTAKES_SNIPPET = """
from backup_client.models import BackupAttempt

BackupAttempt(start_time_usecs="x")
BackupAttempt(start_tme_usecs=1)
BackupAttempt(stats="none")
BackupAttempt().start_time = None
"""
MISTAKE_LINES = [4, 5, 6, 7]


def run_mypy(folder: Path, source: str | None = None) -> tuple[str, int]:
    """Run ``mypy --strict`` on ``source`` (else on the typing checks)."""
    target = CHECKS
    if source is not None:
        target = folder / "snippet.py"
        target.write_text(source, encoding="utf-8")
    stdout, _, status = api.run(
        [
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(folder / "cache"),
            str(target),
        ]
    )
    return stdout, status


def revealed(stdout: str) -> list[str]:
    """The types mypy revealed, in order, without the ``builtins.`` prefix."""
    found = re.findall(r'Revealed type is "([^"]+)"', stdout)
    return [text.replace("builtins.", "") for text in found]


@pytest.fixture(autouse=True)
def _package_on_mypy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let mypy find the package in the checkout."""
    monkeypatch.setenv("MYPYPATH", str(ROOT))


def test_mypy_sees_the_attribute_types(tmp_path: Path) -> None:
    """mypy reveals each attribute's declared type and flags a wrong one."""
    stdout, status = run_mypy(tmp_path, SNIPPET)
    assert revealed(stdout) == [
        "int | None",
        "str | None",
        "backup_client.model.backup_data_stats.BackupDataStats | None",
        "int | None",
    ]
    assert 'Incompatible types in assignment (expression has type "int"' in stdout
    assert status == 1


def test_mypy_sees_time_helpers_and_status_constants(tmp_path: Path) -> None:
    """The time helpers read as datetime and timedelta; KNOWN is a set of str."""
    stdout, status = run_mypy(tmp_path, HELPERS_SNIPPET)
    assert revealed(stdout) == [
        "datetime.datetime | None",
        "datetime.timedelta | None",
        "frozenset[str]",
        "bool",
    ]
    assert status == 0, stdout


def test_mypy_reports_each_constructor_mistake(tmp_path: Path) -> None:
    """A wrong keyword type, an unknown keyword and setting a helper are errors."""
    stdout, status = run_mypy(tmp_path, MISTAKES_SNIPPET)
    lines = re.findall(r"snippet\.py:(\d+): error:", stdout)
    assert sorted({int(line) for line in lines}) == MISTAKE_LINES, stdout
    assert 'Property "start_time" defined in "BackupAttempt" is read-only' in stdout
    assert status == 1


def test_deserialize_returns_the_named_type(tmp_path: Path) -> None:
    """deserialize's result has the type that its response type names."""
    stdout, _ = run_mypy(tmp_path, DESERIALIZE_SNIPPET)
    model = "backup_client.model.backup_attempt.BackupAttempt"
    assert revealed(stdout) == [
        f"list[{model}]",
        model,
        f"dict[str, {model}]",
    ]


def test_typing_checks_pass_strict_mypy(tmp_path: Path) -> None:
    """test/typing/check_models.py passes ``mypy --strict``, ignores all used."""
    stdout, status = run_mypy(tmp_path)
    assert status == 0, stdout
