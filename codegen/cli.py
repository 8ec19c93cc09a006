"""The command line: ``python -m codegen [--check] [--spec] [--output] [--package]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from codegen import CodegenError
from codegen.generate import differences, generate, stale_files, write

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    """The command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m codegen",
        description="Generate the model modules and docs from the OpenAPI spec.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list the files that differ and exit 1 if any do",
    )
    parser.add_argument(
        "--spec", type=Path, default=Path("spec/openapi.yaml"), help="the spec to read"
    )
    parser.add_argument(
        "--output", type=Path, default=Path(), help="the folder to write into"
    )
    parser.add_argument(
        "--package", default="backup_client", help="the package that holds the models"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator; the exit status is 0, 1 (``--check`` found changes) or 2."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not all(part.isidentifier() for part in args.package.split(".")):
        parser.error(f"--package {args.package!r} is not a Python package name")
    try:
        files = generate(args.spec, args.output, args.package)
        stale = stale_files(args.output, args.package, files)
    except (CodegenError, OSError, yaml.YAMLError) as err:
        print(f"codegen: {err}", file=sys.stderr)
        return 2
    if args.check:
        return _report(differences(args.output, files), stale)
    count = write(args.output, files, stale)
    print(f"codegen: {count} of {len(files) + len(stale)} files changed")
    return 0


def _report(changed: list[str], stale: list[Path]) -> int:
    """Print what ``--check`` found; 1 if anything is out of date."""
    lines = [*changed, *(f"{path}: no longer in the spec" for path in stale)]
    for line in lines:
        print(line)
    if lines:
        print("codegen: run `python -m codegen` to regenerate these files")
        return 1
    print("codegen: generated files are up to date")
    return 0
