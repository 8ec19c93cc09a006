"""What a type checker sees of the models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """
from backup_client.models import BackupAttempt, BackupDataStats

attempt = BackupAttempt(start_time_usecs=1)
reveal_type(attempt.start_time_usecs)
reveal_type(attempt.status)
reveal_type(attempt.stats)
reveal_type(BackupDataStats().bytes_read)
attempt.message = 5
"""


def test_mypy_sees_the_attribute_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mypy reveals each attribute's declared type and flags a wrong one."""
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    stdout, _, status = api.run(
        [
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(snippet),
        ]
    )
    revealed = re.findall(r'Revealed type is "([^"]+)"', stdout)
    assert [text.replace("builtins.", "") for text in revealed] == [
        "int | None",
        "str | None",
        "backup_client.model.backup_data_stats.BackupDataStats | None",
        "int | None",
    ]
    assert 'Incompatible types in assignment (expression has type "int"' in stdout
    assert status == 1
