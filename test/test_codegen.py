"""The generator, ``python -m codegen``, and the files it writes."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from mypy import api as mypy_api

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
    "backup_client/models/__init__.pyi",
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
                    "size": {"type": "string", "enum": ["S", "M", "L"], "example": "M"},
                    "$foo": {"type": "string"},
                    "1st": {"type": "string"},
                    "some-name": {"type": "string"},
                    "class": {"type": "string"},
                    "builtAtUsecs": {
                        "type": "integer",
                        "x-epoch-usecs": True,
                        "example": -86_400_000_000,
                    },
                    "curingUsecs": {"type": "integer", "x-duration-usecs": True},
                    "mode": {
                        "type": "string",
                        "enum": ["in-progress", "in_progress", "1st", "Known"],
                    },
                    "level": {"type": "integer", "enum": [1, 2]},
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
    "built_at_usecs": "int | None",
    "curing_usecs": "int | None",
    "mode": "str | None",
    "level": "int | None",
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
    "built_at_usecs": "**int**",
    "curing_usecs": "**int**",
    "mode": "**str**",
    "level": "**int**",
}
# Let the synthetic package's models run on backup_client's runtime.
MODEL_UTILS_SHIM = '''"""The model runtime, borrowed from backup_client."""

from backup_client.model_utils import ModelNormal, attribute, none_type

__all__ = ["ModelNormal", "attribute", "none_type"]
'''
TIMECONV_SHIM = '''"""The time conversions, borrowed from backup_client."""

from backup_client.timeconv import datetime_from_usecs, timedelta_from_usecs

__all__ = ["datetime_from_usecs", "timedelta_from_usecs"]
'''
# What the constructor signature that type checkers see names.
TYPING_SHIMS = {
    "configuration.py": (
        "from backup_client.configuration import Configuration\n\n"
        '__all__ = ["Configuration"]\n'
    ),
    "exceptions.py": (
        'from backup_client.exceptions import PathItem\n\n__all__ = ["PathItem"]\n'
    ),
}
# Calls that mypy must accept with the synthetic package's signatures.
WIDGET_CALLS = """
from typing import Any

from widgets.models import Part, Widget, WidgetLevel

parts: list[Part] = [Part(label="a")]
dicts: list[dict[str, Any]] = [{"label": "a"}]
Widget(parts=parts, parts_by_name={"x": Part()}, main_part={"label": "c"})
Widget(parts=dicts, level=WidgetLevel.VALUE_1, weight=1, extra={"a": [1]})
Widget(parts=[{"label": "b"}], counts={"a": 1}, seen_at=None)
reveal_type(Widget().built_at)
reveal_type(Widget().curing)
"""


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


def table_rows(page: str, heading: str = "## Properties") -> dict[str, list[str]]:
    """A table of a doc page, the properties' by default: cells of each row by name."""
    section = page.split(f"\n{heading}\n", 1)[1].split("\n\n", 1)[0]
    lines = section.splitlines()
    rows = [line.split(" | ") for line in lines if line.startswith("**")]
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
    (package / "timeconv.py").write_text(TIMECONV_SHIM, encoding="utf-8")
    for name, text in TYPING_SHIMS.items():
        (package / name).write_text(text, encoding="utf-8")
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


# -- time helpers, constants classes and examples ------------------------------


def spec_with(schemas: dict[str, Any]) -> dict[str, Any]:
    """The synthetic spec with ``schemas`` in place of its own."""
    return {**SYNTHETIC_SPEC, "components": {"schemas": schemas}}


def refused(folder: Path, schemas: dict[str, Any]) -> str:
    """Run the generator on ``schemas``; it must exit 2.  Gives its stderr."""
    spec_path = folder / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(spec_with(schemas)), encoding="utf-8")
    result = codegen("--spec", str(spec_path), "--output", str(folder))
    assert result.returncode == 2, result.stdout
    assert not (folder / "docs").exists()
    return result.stderr


def one_property(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Schemas holding one model, Thing, whose one property is ``name``."""
    return {"Thing": {"type": "object", "properties": {name: schema}}}


def test_synthetic_time_helpers_read_datetime_and_timedelta(
    widgets: ModuleType,
) -> None:
    """Marked properties get helpers named without ``_usecs``, of the right kind."""
    widget = widgets.Widget(built_at_usecs=-1, curing_usecs=90_000_000)
    assert widget.built_at == datetime(
        1969, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc
    )
    assert widget.curing == timedelta(minutes=1, seconds=30)
    assert widgets.Widget().built_at is None


def test_synthetic_doc_lists_helpers_and_constants(synthetic: Path) -> None:
    """The page lists each time helper, and each constants class with its names."""
    page = (synthetic / "docs" / "Widget.md").read_text(encoding="utf-8")
    assert table_rows(page, "## Time helpers") == {
        "built_at": [
            "**datetime, none_type**",
            "`built_at_usecs` as an aware UTC datetime; read-only",
        ],
        "curing": [
            "**timedelta, none_type**",
            "`curing_usecs` as a timedelta; read-only",
        ],
    }
    assert (
        "- **WidgetLevel** names each value of `level`: `VALUE_1`, `VALUE_2`;" in page
    )


def test_synthetic_unmarked_integers_get_no_helper(widgets: ModuleType) -> None:
    """Only properties carrying an extension get a time helper."""
    helpers = {
        name
        for name, value in vars(widgets.Widget).items()
        if isinstance(value, property)
    }
    assert helpers == {"built_at", "curing"}


def test_synthetic_constants_classes_name_each_value(widgets: ModuleType) -> None:
    """Each enum gets a class of constants, odd values given distinct names."""
    assert (widgets.WidgetSize.S, widgets.WidgetSize.M, widgets.WidgetSize.L) == (
        "S",
        "M",
        "L",
    )
    mode = widgets.WidgetMode
    assert (mode.IN_PROGRESS, mode.IN_PROGRESS_2, mode.VALUE_1ST, mode.KNOWN_2) == (
        "in-progress",
        "in_progress",
        "1st",
        "Known",
    )
    assert sorted(mode.KNOWN) == ["1st", "Known", "in-progress", "in_progress"]


def test_synthetic_integer_enum_constants(widgets: ModuleType) -> None:
    """An integer enum's constants are ints, and True is not one of them."""
    level = widgets.WidgetLevel
    assert [level.VALUE_1, level.VALUE_2, *sorted(level.KNOWN)] == [1, 2, 1, 2]
    assert level.is_known(2)
    assert not level.is_known(True)
    assert not level.is_known("1")


def test_synthetic_models_package_exports_constants(widgets: ModuleType) -> None:
    """The models package lists the constants classes beside the models."""
    assert widgets.__all__ == [
        "Part",
        "Widget",
        "WidgetLevel",
        "WidgetMode",
        "WidgetSize",
    ]
    assert (
        widgets.WidgetSize is importlib.import_module("widgets.model.widget").WidgetSize
    )


def test_synthetic_doc_example_prints_what_it_says(synthetic: Path) -> None:
    """The example on a generated page runs and prints what its comments say."""
    page = (synthetic / "docs" / "Widget.md").read_text(encoding="utf-8")
    code = page.split("```python\n")[1].split("```")[0]
    expected = [
        line.split("  # ", 1)[1] for line in code.splitlines() if "  # " in line
    ]
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=synthetic,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected
    assert "built_at_usecs=-86400000000," in code
    assert "size=WidgetSize.M," in code


def test_synthetic_package_passes_strict_mypy(synthetic: Path) -> None:
    """Generated modules type-check, and their constructors take typed calls."""
    (synthetic / "calls.py").write_text(WIDGET_CALLS, encoding="utf-8")
    stdout, _, status = mypy_api.run(
        [
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",
            "--cache-dir",
            str(synthetic / "mypy-cache"),
            str(synthetic / "widgets"),
            str(synthetic / "calls.py"),
        ]
    )
    assert "error" not in stdout, stdout
    assert 'Revealed type is "datetime.datetime | None"' in stdout
    assert 'Revealed type is "datetime.timedelta | None"' in stdout
    assert status == 0


def test_time_extension_on_a_string_is_refused(tmp_path: Path) -> None:
    """x-epoch-usecs on a string property fails, naming schema and property."""
    stderr = refused(
        tmp_path, one_property("startUsecs", {"type": "string", "x-epoch-usecs": True})
    )
    assert "schema 'Thing', property 'startUsecs'" in stderr
    assert "x-epoch-usecs is for integer properties" in stderr


def test_time_extension_on_a_model_is_refused(tmp_path: Path) -> None:
    """x-duration-usecs on a property holding a model fails."""
    schemas = {
        **one_property("partUsecs", {**PART, "x-duration-usecs": True}),
        "Part": SYNTHETIC_SPEC["components"]["schemas"]["Part"],
    }
    assert "x-duration-usecs is for integer properties" in refused(tmp_path, schemas)


def test_helper_that_clashes_with_an_attribute_is_refused(tmp_path: Path) -> None:
    """A helper named like an attribute (``start`` beside ``startUsecs``) fails."""
    schemas = {
        "Thing": {
            "type": "object",
            "properties": {
                "start": {"type": "string"},
                "startUsecs": {"type": "integer", "x-epoch-usecs": True},
            },
        }
    }
    stderr = refused(tmp_path, schemas)
    assert "property 'startUsecs'" in stderr
    assert "helper 'start' would clash with the attribute 'start'" in stderr


def test_helper_that_clashes_with_a_class_member_is_refused(tmp_path: Path) -> None:
    """A helper named like a member of the model classes (``get``) fails."""
    stderr = refused(
        tmp_path, one_property("getUsecs", {"type": "integer", "x-epoch-usecs": True})
    )
    assert "helper 'get' would clash with 'get'" in stderr


def test_helper_needs_the_usecs_suffix(tmp_path: Path) -> None:
    """A marked property whose name does not end in Usecs has no helper name."""
    stderr = refused(
        tmp_path, one_property("startedAt", {"type": "integer", "x-epoch-usecs": True})
    )
    assert "ending in '_usecs'" in stderr
    assert "'started_at'" in stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"x-epoch-usecs": "yes"}, "x-epoch-usecs must be true or false, not 'yes'"),
        (
            {"x-epoch-usecs": True, "x-duration-usecs": True},
            "x-epoch-usecs and x-duration-usecs cannot both be set",
        ),
        ({"example": "soon"}, "the example 'soon' is not of type int"),
        ({"example": True}, "the example True is not of type int"),
        ({"example": 10**20, "x-epoch-usecs": True}, "out of range"),
    ],
)
def test_bad_extension_or_example_is_refused(
    tmp_path: Path, extra: dict[str, Any], message: str
) -> None:
    """A malformed extension or an example of the wrong type fails clearly."""
    schema = {"type": "integer", **extra}
    stderr = refused(tmp_path, one_property("startUsecs", schema))
    assert message in stderr


def test_example_outside_the_enum_is_refused(tmp_path: Path) -> None:
    """An enum property's example must be one of its values."""
    schema = {"type": "string", "enum": ["A", "B"], "example": "C"}
    stderr = refused(tmp_path, one_property("mode", schema))
    assert "the example 'C' is not one of the enum's values" in stderr


def test_constants_class_that_clashes_with_a_model_is_refused(tmp_path: Path) -> None:
    """A constants class named like another model (WidgetSize) fails."""
    schemas = {
        "Widget": {
            "type": "object",
            "properties": {"size": {"type": "string", "enum": ["S"]}},
        },
        "WidgetSize": {"type": "object", "properties": {"cm": {"type": "integer"}}},
    }
    stderr = refused(tmp_path, schemas)
    assert "the class 'WidgetSize'" in stderr
