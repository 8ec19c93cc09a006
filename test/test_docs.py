"""The README, the model pages and the changelog: their code runs as they say.

Python blocks run in a fresh interpreter from the repository root.  What a
block prints is checked against what the page says it prints: the comments
that end its ``print(...)`` lines, in order, then the lines of the
``text`` block right after it, if there is one (for output too long for a
comment).  A block that cannot run is preceded by the line
``<!-- not run: REASON -->``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import backup_client

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CHANGELOG = ROOT / "CHANGELOG.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))

BLOCK = re.compile(r"```(\w*)\n(.*?)^```[ \t]*$", re.S | re.M)
PRINT_COMMENT = re.compile(r"^\s*print\(.*\)  # (.*)$")
NOT_RUN = "<!-- not run:"
# Separates the output of one block from the next when blocks run together.
SEPARATOR = "----- end of block -----"

README_SECTIONS = [
    "## Install",
    "## Quick start",
    "## Building a payload",
    "## Reading a model",
    "## Hydrating an answer",
    "## Talking to a server",
    "## Testing your own code against a stub server",
    "## Handling errors",
    "## Answers from newer servers",
    "## Time helpers and statuses",
    "## Typing",
    "## Command line",
    "## Regenerating from the spec",
    "## Running the benchmarks",
    "## Documentation for API Endpoints",
    "## Documentation for Models",
]


@dataclass(frozen=True)
class Snippet:
    """A python block of a page, and what the page says it prints."""

    code: str
    output: list[str]
    line: int


def snippets(page: str) -> list[Snippet]:
    """The python blocks of ``page`` that are meant to run, in order."""
    blocks = list(BLOCK.finditer(page))
    found = []
    for index, block in enumerate(blocks):
        if block.group(1) != "python" or _marked_not_run(page, block.start()):
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        found.append(
            Snippet(
                code=block.group(2),
                output=_said_output(page, block, following),
                line=page.count("\n", 0, block.start()) + 1,
            )
        )
    return found


def _marked_not_run(page: str, start: int) -> bool:
    """Whether the last non-blank line before ``start`` says not to run."""
    before = page[:start].rstrip().rsplit("\n", 1)[-1]
    return before.startswith(NOT_RUN)


def _said_output(
    page: str, block: re.Match[str], following: re.Match[str] | None
) -> list[str]:
    """The output the page gives for ``block``: comments, then a text block."""
    lines = block.group(2).splitlines()
    said = [match.group(1) for match in map(PRINT_COMMENT.match, lines) if match]
    between = page[block.end() : following.start()] if following else "x"
    if following and following.group(1) == "text" and not between.strip():
        said += following.group(2).splitlines()
    return said


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the repository with UTF-8 output; capture it."""
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def run_together(blocks: list[Snippet]) -> list[list[str]]:
    """Run ``blocks`` in order as one script; each block's output lines."""
    marker = f"\nprint({SEPARATOR!r})\n"
    script = marker.join(block.code for block in blocks) + marker
    result = run([sys.executable, "-c", script])
    assert result.returncode == 0, result.stderr
    outputs = result.stdout.split(f"{SEPARATOR}\n")
    return [part.splitlines() for part in outputs[: len(blocks)]]


def test_readme_snippets_print_what_the_readme_says() -> None:
    """Every python block of the README runs and prints what the README says."""
    blocks = snippets(README.read_text(encoding="utf-8"))
    outputs = run_together(blocks)
    mismatches = [
        (block.line, block.output, printed)
        for block, printed in zip(blocks, outputs)
        if printed != block.output
    ]
    assert mismatches == []
    assert len(blocks) >= 10


def test_every_readme_python_block_runs() -> None:
    """No README python block is skipped: each one runs."""
    page = README.read_text(encoding="utf-8")
    python_blocks = [block for block in BLOCK.finditer(page) if block[1] == "python"]
    assert len(snippets(page)) == len(python_blocks)


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_model_page_example_prints_what_the_page_says(page: Path) -> None:
    """Each model page's example runs and prints what its comments say."""
    (example,) = snippets(page.read_text(encoding="utf-8"))
    assert example.output, "the example prints nothing to check"
    assert run_together([example]) == [example.output]


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_model_page_example_builds_the_model_of_the_page(page: Path) -> None:
    """Each page's example imports and builds the model the page is about."""
    (example,) = snippets(page.read_text(encoding="utf-8"))
    assert f"from backup_client.models import {page.stem}" in example.code
    assert f" = {page.stem}(" in example.code


def test_readme_has_the_guide_sections_in_order() -> None:
    """The README's sections are those of the guide, in reading order."""
    headings = [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    ]
    assert [h for h in headings if h in README_SECTIONS] == README_SECTIONS


def test_readme_quick_start_commands_are_what_ci_runs() -> None:
    """The quick start's shell commands are lines of .ci/run, word for word."""
    commands = [code.strip() for lang, code in quick_start_blocks() if lang == "sh"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert len(commands) == 3
    assert all(command in ci for command in commands)


def test_readme_demo_table_is_what_fetch_demo_prints() -> None:
    """The quick start shows what ``backup-client fetch --demo`` prints."""
    (shown,) = [code for lang, code in quick_start_blocks() if lang == "text"]
    result = run([sys.executable, "-m", "backup_client", "fetch", "--demo"])
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == shown


def quick_start_blocks() -> list[tuple[str, str]]:
    """The (language, code) of each fenced block in the quick start."""
    page = README.read_text(encoding="utf-8")
    quick_start = page.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return BLOCK.findall(quick_start)


def test_readme_links_resolve() -> None:
    """Every relative link of the README names a file or folder that exists."""
    page = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#:]+)\)", page)
    missing = [target for target in targets if not (ROOT / target).exists()]
    assert targets
    assert missing == []


def test_changelog_lists_the_package_version() -> None:
    """CHANGELOG.md's newest entry is the package's version, with its date."""
    entries = re.findall(
        r"^## (\S+) - (\d{4}-\d{2}-\d{2})$",
        CHANGELOG.read_text(encoding="utf-8"),
        re.M,
    )
    assert entries[0] == (backup_client.__version__, "2026-12-03")


def test_readme_command_line_examples_print_what_the_readme_says() -> None:
    """Each command of the README's command-line examples prints what it shows."""
    page = README.read_text(encoding="utf-8")
    section = page.split("## Command line", 1)[1].split("\n## ", 1)[0]
    blocks = BLOCK.findall(section)
    examples = [
        (code.strip(), blocks[i + 1][1])
        for i, (lang, code) in enumerate(blocks[:-1])
        if lang == "sh"
        and code.startswith(".venv/bin/backup-client")
        and blocks[i + 1][0] == "text"
    ]
    assert len(examples) == 2
    for command, shown in examples:
        script = command.replace(
            ".venv/bin/backup-client", '"$PYTHON" -m backup_client'
        )
        result = run(["bash", "-c", "{ " + script + "; } 2>&1"], PYTHON=sys.executable)
        assert result.stdout == shown, command
