"""The generator, ``python -m codegen``, and the files it writes."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from backup_client import models
from backup_client.model import backup_attempt, backup_data_stats

REPO = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).with_name("data") / "BackupAttempt.reference.md"

# Every file that the real spec gives, relative to the repository root: the
# files it writes whole, then the README, of which it writes the model list.
WHOLE_FILES = [
    "backup_client/model/__init__.py",
    "backup_client/model/backup_attempt.py",
    "backup_client/model/backup_data_stats.py",
    "backup_client/models/__init__.py",
    "docs/BackupAttempt.md",
    "docs/BackupDataStats.md",
]
GENERATED = [*WHOLE_FILES, "README.md"]
MODEL_LIST = [
    "- [BackupAttempt](docs/BackupAttempt.md)",
    "- [BackupDataStats](docs/BackupDataStats.md)",
]

PART = {"$ref": "#/components/schemas/Part"}
SYNTHETIC_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Widgets", "version": "1.0.0"},
    "paths": {},
    "components": {
        "schemas": {
            "Part": {
                "type": "object",
                "description": "A part of a widget.",
                "properties": {"label": {"type": "string"}},
            },
            "Widget": {
                "type": "object",
                "description": "A widget.",
                "required": ["widgetId"],
                "properties": {
                    "widgetId": {
                        "type": "integer",
                        "description": "The widget's identifier.",
                    },
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "parts": {"type": "array", "items": PART},
                    "counts": {
                        "type": "object",
                        "additionalProperties": {"type": "integer"},
                    },
                    "partsByName": {"type": "object", "additionalProperties": PART},
                    "madeOn": {"type": "string", "format": "date"},
                    "seenAt": {
                        "type": "string",
                        "format": "date-time",
                        "nullable": True,
                    },
                    "active": {"type": "boolean"},
                    "weight": {"type": "number", "format": "double"},
                    "extra": {"type": "object"},
                    "mainPart": PART,
                    "size": {"type": "string", "enum": ["S", "M", "L"]},
                    "$foo": {"type": "string"},
                    "1st": {"type": "string"},
                    "some-name": {"type": "string"},
                    "class": {"type": "string"},
                },
            },
        }
    },
}
WIDGET_ANNOTATIONS = {
    "widget_id": "int | None",
    "tags": "list[str] | None",
    "parts": "list[Part] | None",
    "counts": "dict[str, int] | None",
    "parts_by_name": "dict[str, Part] | None",
    "made_on": "date | None",
    "seen_at": "datetime | None",
    "active": "bool | None",
    "weight": "float | None",
    "extra": "dict[str, Any] | None",
    "main_part": "Part | None",
    "size": "str | None",
    "foo": "str | None",
    "var_1st": "str | None",
    "some_name": "str | None",
    "class_": "str | None",
}
# How python-prior's docs write a value of any JSON type.
ANY_TYPES = "bool, date, datetime, dict, float, int, list, str, none_type"
WIDGET_DOC_TYPES = {
    "widget_id": "**int**",
    "tags": "**[str]**",
    "parts": "[**[Part]**](Part.md)",
    "counts": "**{str: (int,)}**",
    "parts_by_name": "[**{str: (Part,)}**](Part.md)",
    "made_on": "**date**",
    "seen_at": "**datetime, none_type**",
    "active": "**bool**",
    "weight": "**float**",
    "extra": f"**{{str: ({ANY_TYPES})}}**",
    "main_part": "[**Part**](Part.md)",
    "size": "**str**",
    "foo": "**str**",
    "var_1st": "**str**",
    "some_name": "**str**",
    "class_": "**str**",
}
# Lets the synthetic package's models run on backup_client's runtime.
MODEL_UTILS_SHIM = '''"""The model runtime, borrowed from backup_client."""

from backup_client.model_utils import ModelNormal, attribute, none_type

__all__ = ["ModelNormal", "attribute", "none_type"]
'''


def codegen(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m codegen`` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ruff, found beside this Python or on PATH, with the project's config."""
    beside = shutil.which("ruff", path=str(Path(sys.executable).parent))
    executable = beside or shutil.which("ruff")
    assert executable is not None, "ruff is not installed"
    config = str(REPO / "pyproject.toml")
    return subprocess.run(
        [executable, *args, "--no-cache", "--config", config],
        capture_output=True,
        text=True,
        check=False,
    )


def marker_lines(lines: list[str]) -> tuple[int, int]:
    """The indexes of the README's model-list start and end markers."""
    return lines.index("<!-- models:start -->"), lines.index("<!-- models:end -->")


def lines_between_markers(readme: str) -> list[str]:
    """The lines of the README's generated model list."""
    lines = readme.splitlines()
    start, end = marker_lines(lines)
    return lines[start + 1 : end]


def table_rows(page: str) -> dict[str, list[str]]:
    """A doc page's property table: the other cells of each row, by name."""
    rows = [line.split(" | ") for line in page.splitlines() if line.startswith("**")]
    return {row[0].strip("*"): row[1:] for row in rows}


def generate_into(folder: Path, spec: dict[str, Any], package: str) -> None:
    """Write ``spec`` to ``folder`` and generate ``package`` there from it."""
    spec_path = folder / "spec" / "openapi.yaml"
    spec_path.parent.mkdir(parents=True)
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = codegen(
        "--spec", str(spec_path), "--output", str(folder), "--package", package
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the spec and every generated file, to change freely."""
    for name in ["spec/openapi.yaml", *GENERATED]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, tmp_path / name)
    return tmp_path


def check(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run ``--check`` on the copy at ``tree``."""
    spec = str(tree / "spec" / "openapi.yaml")
    return codegen("--check", "--spec", spec, "--output", str(tree))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real spec generated afresh, with an emptied README model list."""
    folder = tmp_path_factory.mktemp("regenerated")
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines(keepends=True)
    start, end = marker_lines([line.rstrip("\n") for line in lines])
    emptied = "".join([*lines[: start + 1], *lines[end:]])
    (folder / "README.md").write_text(emptied, encoding="utf-8")
    result = codegen("--spec", "spec/openapi.yaml", "--output", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``widgets`` package generated from the synthetic spec."""
    folder = tmp_path_factory.mktemp("synthetic")
    generate_into(folder, SYNTHETIC_SPEC, "widgets")
    package = folder / "widgets"
    (package / "__init__.py").write_text('"""Widgets."""\n', encoding="utf-8")
    (package / "model_utils.py").write_text(MODEL_UTILS_SHIM, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def widgets(synthetic: Path) -> Iterator[ModuleType]:
    """``widgets.models``, imported from the synthetic package."""
    sys.path.insert(0, str(synthetic))
    try:
        yield importlib.import_module("widgets.models")
    finally:
        sys.path.remove(str(synthetic))
        for name in [name for name in sys.modules if name.split(".")[0] == "widgets"]:
            del sys.modules[name]


def test_check_passes_on_the_checked_in_tree() -> None:
    """``--check`` exits 0 and says so when the tree matches the spec."""
    result = codegen("--check")
    assert (result.returncode, result.stdout) == (
        0,
        "codegen: generated files are up to date\n",
    )


@pytest.mark.parametrize("name", WHOLE_FILES)
def test_check_names_a_changed_file(tree: Path, name: str) -> None:
    """``--check`` exits 1 and names a generated file that was edited."""
    with (tree / name).open("a", encoding="utf-8") as stream:
        stream.write("\n# edited by hand\n")
    result = check(tree)
    assert result.returncode == 1
    assert f"{tree / name}: differs" in result.stdout


def test_check_names_a_readme_with_a_changed_model_list(tree: Path) -> None:
    """``--check`` exits 1 and names README.md when its model list was edited."""
    readme = tree / "README.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace(f"{MODEL_LIST[1]}\n", ""), encoding="utf-8")
    result = check(tree)
    assert result.returncode == 1
    assert f"{readme}: differs" in result.stdout


def test_check_names_a_missing_file(tree: Path) -> None:
    """``--check`` exits 1 and names a generated file that does not exist."""
    (tree / "docs" / "BackupDataStats.md").unlink()
    result = check(tree)
    assert result.returncode == 1
    assert f"{tree / 'docs' / 'BackupDataStats.md'}: missing" in result.stdout


def test_check_names_a_model_module_the_spec_no_longer_gives(tree: Path) -> None:
    """``--check`` exits 1 and names a generated model module without a schema."""
    stale = tree / "backup_client" / "model" / "old_model.py"
    shutil.copyfile(tree / "backup_client" / "model" / "backup_data_stats.py", stale)
    result = check(tree)
    assert result.returncode == 1
    assert f"{stale}: no longer in the spec" in result.stdout


def test_check_writes_nothing(tree: Path) -> None:
    """``--check`` leaves an edited file as it is."""
    page = tree / "docs" / "BackupAttempt.md"
    page.write_text("edited\n", encoding="utf-8")
    check(tree)
    assert page.read_text(encoding="utf-8") == "edited\n"


def test_generating_repairs_the_tree(tree: Path) -> None:
    """Running the generator restores edited and missing files and drops stale ones."""
    (tree / "docs" / "BackupAttempt.md").write_text("edited\n", encoding="utf-8")
    (tree / "backup_client" / "models" / "__init__.py").unlink()
    stale = tree / "backup_client" / "model" / "old_model.py"
    shutil.copyfile(tree / "backup_client" / "model" / "backup_data_stats.py", stale)
    spec = str(tree / "spec" / "openapi.yaml")
    codegen("--spec", spec, "--output", str(tree))
    assert check(tree).returncode == 0
    assert not stale.exists()


@pytest.mark.parametrize("name", GENERATED)
def test_regenerating_gives_the_checked_in_files(regenerated: Path, name: str) -> None:
    """Generating from the real spec into a new folder reproduces each file."""
    assert (regenerated / name).read_bytes() == (REPO / name).read_bytes()


def test_attempt_doc_contains_the_reference_page_in_order(regenerated: Path) -> None:
    """Every line of the reference page appears in BackupAttempt.md, in order."""
    page = (regenerated / "docs" / "BackupAttempt.md").read_text(encoding="utf-8")
    remaining = iter(line.rstrip(" ") for line in page.splitlines())
    reference = REFERENCE.read_text(encoding="utf-8").splitlines()
    missing = [
        line
        for line in (line.rstrip(" ") for line in reference)
        if not any(candidate == line for candidate in remaining)
    ]
    assert missing == []


def test_data_stats_doc_lists_its_three_attributes(regenerated: Path) -> None:
    """BackupDataStats.md has a table row for each of its three attributes."""
    page = (regenerated / "docs" / "BackupDataStats.md").read_text(encoding="utf-8")
    assert table_rows(page) == {
        "logical_size_bytes": [
            "**int, none_type**",
            "Specifies total logical size of object(s) in bytes.",
            "[optional]",
        ],
        "bytes_written": [
            "**int, none_type**",
            "Specifies total size of data in bytes written after taking backup.",
            "[optional]",
        ],
        "bytes_read": [
            "**int, none_type**",
            "Specifies total logical bytes read for creating the snapshot.",
            "[optional]",
        ],
    }


def test_data_stats_doc_has_the_page_layout(regenerated: Path) -> None:
    """BackupDataStats.md has the title, description and table header of its kind."""
    page = (regenerated / "docs" / "BackupDataStats.md").read_text(encoding="utf-8")
    assert page.splitlines()[:7] == [
        "# BackupDataStats",
        "",
        "Specifies statistics about local snapshot.",
        "",
        "## Properties",
        "Name | Type | Description | Notes",
        "------------ | ------------- | ------------- | -------------",
    ]


def test_readme_lists_the_models(regenerated: Path) -> None:
    """The README's model list links each model's doc page, sorted by name."""
    readme = (regenerated / "README.md").read_text(encoding="utf-8")
    assert lines_between_markers(readme) == MODEL_LIST


def test_models_package_imports_no_model_until_asked() -> None:
    """Importing ``backup_client.models`` imports no model module by itself."""
    script = (
        "import sys, backup_client.models\n"
        "print(sorted(m for m in sys.modules if m.startswith('backup_client.model.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == "[]\n"


def test_models_package_gives_each_model() -> None:
    """``from backup_client.models import ...`` gives the classes of their modules."""
    assert (models.BackupAttempt, models.BackupDataStats) == (
        backup_attempt.BackupAttempt,
        backup_data_stats.BackupDataStats,
    )


def test_synthetic_package_is_ruff_clean(synthetic: Path) -> None:
    """Generated code passes ``ruff check`` with the project's configuration."""
    result = ruff("check", str(synthetic / "widgets"))
    assert result.returncode == 0, result.stdout


def test_synthetic_package_is_ruff_formatted(synthetic: Path) -> None:
    """Generated code is as ``ruff format`` leaves it."""
    result = ruff("format", "--check", str(synthetic / "widgets"))
    assert result.returncode == 0, result.stdout


def test_synthetic_annotations(widgets: ModuleType) -> None:
    """Each attribute is annotated with its type or None, as the type map says."""
    assert widgets.Widget.__annotations__ == WIDGET_ANNOTATIONS


def test_synthetic_odd_names_map_to_their_wire_names(widgets: ModuleType) -> None:
    """Odd wire names get Python names that map back to them."""
    assert {
        name: widgets.Widget.attribute_map[name]
        for name in ["foo", "var_1st", "some_name", "class_", "parts_by_name"]
    } == {
        "foo": "$foo",
        "var_1st": "1st",
        "some_name": "some-name",
        "class_": "class",
        "parts_by_name": "partsByName",
    }


def test_synthetic_model_reads_nested_values(widgets: ModuleType) -> None:
    """Arrays, maps, dates and references take the runtime types they declare."""
    widget = widgets.Widget.from_json(
        '{"parts": [{"label": "a"}], "partsByName": {"b": {"label": "b"}},'
        ' "madeOn": "2024-05-01", "seenAt": null, "counts": {"x": 1}}'
    )
    assert isinstance(widget.parts[0], widgets.Part)
    assert isinstance(widget.parts_by_name["b"], widgets.Part)
    assert widget.made_on.isoformat() == "2024-05-01"
    assert widget.counts == {"x": 1}


def test_synthetic_enum_gives_allowed_values(widgets: ModuleType) -> None:
    """An enum's values become the attribute's allowed values."""
    assert widgets.Widget.allowed_values[("size",)] == {"S": "S", "M": "M", "L": "L"}


def test_synthetic_doc_types(synthetic: Path) -> None:
    """The doc page writes each type as python-prior does, linking models."""
    page = (synthetic / "docs" / "Widget.md").read_text(encoding="utf-8")
    types = {name: cells[0] for name, cells in table_rows(page).items()}
    assert types == WIDGET_DOC_TYPES


def test_required_property_is_listed_first_without_optional(synthetic: Path) -> None:
    """A required property leads the table and has no ``[optional]`` note."""
    page = (synthetic / "docs" / "Widget.md").read_text(encoding="utf-8")
    first_row = next(line for line in page.splitlines() if line.startswith("**"))
    assert first_row == "**widget_id** | **int** | The widget&#39;s identifier. |"


def test_models_that_refer_to_each_other_are_refused(tmp_path: Path) -> None:
    """A cycle of references between models fails with a message naming it."""
    spec = {
        **SYNTHETIC_SPEC,
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {"next": {"$ref": "#/components/schemas/Node"}},
                }
            }
        },
    }
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = codegen("--spec", str(spec_path), "--output", str(tmp_path))
    assert result.returncode == 2
    assert "cycle: Node -> Node" in result.stderr
