"""The built wheel and sdist carry the typing marker and the generated models.

Both are built from a copy of the package's files, without network access:
the wheel by ``pip wheel``, the sdist by ``build``, each with the build
tools that requirements-dev.txt pins.
"""

from __future__ import annotations

import configparser
import email
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What building the distribution reads: setup.py and the files it names.
SOURCES = ["setup.py", "pyproject.toml", "MANIFEST.in", "README.md", "requirements.txt"]
BUILD_TIMEOUT = 300


def package_files() -> list[str]:
    """What the archives must hold: py.typed, timeconv, the models, their stub."""
    generated = [
        path.relative_to(ROOT).as_posix()
        for folder in ("model", "models")
        for path in sorted((ROOT / "backup_client" / folder).glob("*.py*"))
        if path.suffix in (".py", ".pyi")
    ]
    return ["backup_client/py.typed", "backup_client/timeconv.py", *generated]


def build(command: list[str], cwd: Path) -> None:
    """Run a build command in ``cwd``; fail with its output if it fails."""
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=BUILD_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the files a build reads, so that building writes nothing here."""
    folder = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        shutil.copy2(ROOT / name, folder / name)
    shutil.copytree(
        ROOT / "backup_client",
        folder / "backup_client",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return folder


@pytest.fixture(scope="module")
def wheel(
    source: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[zipfile.ZipFile]:
    """The wheel that ``pip wheel`` builds."""
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    build([*pip, "--no-index", "--wheel-dir", str(out), str(source)], source)
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


@pytest.fixture(scope="module")
def sdist(
    source: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tarfile.TarFile]:
    """The sdist that ``python -m build`` builds."""
    out = tmp_path_factory.mktemp("sdist")
    flags = ["--sdist", "--no-isolation"]
    build([sys.executable, "-m", "build", *flags, "--outdir", str(out), "."], source)
    (path,) = out.glob("*.tar.gz")
    with tarfile.open(path) as archive:
        yield archive


def test_wheel_ships_py_typed_and_the_models(wheel: zipfile.ZipFile) -> None:
    """The wheel holds py.typed, timeconv and every generated model module."""
    names = set(wheel.namelist())
    assert [name for name in package_files() if name not in names] == []


def test_wheel_holds_only_the_package(wheel: zipfile.ZipFile) -> None:
    """The wheel installs backup_client and nothing else: no tests, no codegen."""
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"backup_client"}


def test_wheel_requires_only_urllib3_and_dateutil(wheel: zipfile.ZipFile) -> None:
    """The wheel's runtime dependencies are urllib3 and python-dateutil."""
    (metadata,) = [
        name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")
    ]
    message = email.message_from_bytes(wheel.read(metadata))
    requires = sorted(message.get_all("Requires-Dist") or [])
    assert [line.split(">")[0].split("<")[0] for line in requires] == [
        "python-dateutil",
        "urllib3",
    ]


def test_sdist_ships_py_typed_and_the_models(sdist: tarfile.TarFile) -> None:
    """The sdist holds py.typed, timeconv and every generated model module."""
    names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert [name for name in package_files() if name not in names] == []


def test_wheel_has_the_console_script_and_the_demo_sample(
    wheel: zipfile.ZipFile,
) -> None:
    """The wheel installs backup-client and carries the sample that --demo serves."""
    (entry_points,) = [
        name
        for name in wheel.namelist()
        if name.endswith(".dist-info/entry_points.txt")
    ]
    parser = configparser.ConfigParser()
    parser.read_string(wheel.read(entry_points).decode("utf-8"))
    assert dict(parser["console_scripts"]) == {
        "backup-client": "backup_client.cli:main"
    }
    sample = "backup_client/samples/attempts_all_statuses.json"
    assert wheel.read(sample) == (ROOT / sample).read_bytes()
    assert {"backup_client/cli.py", "backup_client/__main__.py"} <= set(
        wheel.namelist()
    )


def test_sdist_ships_the_demo_sample(sdist: tarfile.TarFile) -> None:
    """The sdist holds the sample answer, so a wheel built from it has it too."""
    names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert "backup_client/samples/attempts_all_statuses.json" in names
