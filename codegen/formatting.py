"""Format generated Python with ruff, all files in one run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from codegen import CodegenError

__all__ = ["find_ruff", "format_python"]


def find_ruff() -> str:
    """The ruff executable: the one beside this Python, else the one on PATH."""
    beside = shutil.which("ruff", path=str(Path(sys.executable).parent))
    found = beside or shutil.which("ruff")
    if found is None:
        raise CodegenError("ruff is not installed beside this Python or on PATH")
    return found


def format_python(sources: Mapping[Path, str], config: Path | None) -> dict[Path, str]:
    """``sources`` (by relative path) as ``ruff format`` leaves them.

    The files are written to a temporary folder and formatted by a single
    ruff run with the project's ``config``, if given.
    """
    with tempfile.TemporaryDirectory(prefix="codegen-") as folder:
        root = Path(folder)
        for parent in {relative.parent for relative in sources}:
            (root / parent).mkdir(parents=True, exist_ok=True)
        for relative, text in sources.items():
            (root / relative).write_bytes(text.encode("utf-8"))
        _run_ruff_format([root / relative for relative in sources], config)
        return {
            relative: (root / relative).read_bytes().decode("utf-8")
            for relative in sources
        }


def _run_ruff_format(paths: list[Path], config: Path | None) -> None:
    """Run ``ruff format`` on ``paths``; fail with ruff's message if it does."""
    command = [find_ruff(), "format", "--quiet", "--no-cache"]
    if config is not None:
        command += ["--config", str(config)]
    result = subprocess.run(
        [*command, "--", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CodegenError(f"ruff format failed:\n{result.stderr.strip()}")
