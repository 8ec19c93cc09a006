"""Work out every file that the spec gives, and how the tree differs from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from codegen import CodegenError, spec
from codegen.formatting import format_python
from codegen.render import HEADER, Renderer, readme_block
from codegen.spec import Model

__all__ = ["differences", "generate", "stale_files", "write"]

# The project's ruff settings; the generator runs from the repository root.
RUFF_CONFIG = Path("pyproject.toml")
README = Path("README.md")
README_START = "<!-- models:start -->"
README_END = "<!-- models:end -->"


def spec_label(spec_path: Path, output: Path) -> str:
    """How generated files name the spec.

    Relative to the output folder when the spec is in it, else relative to
    the current folder when in that, else as given.
    """
    resolved = spec_path.resolve()
    for folder in (output, Path.cwd()):
        if resolved.is_relative_to(folder.resolve()):
            return resolved.relative_to(folder.resolve()).as_posix()
    return spec_path.as_posix()


def generate(spec_path: Path, output: Path, package: str) -> dict[Path, str]:
    """Every file the spec gives, by path relative to ``output``.

    ``README.md`` is included, with its model list replaced, when ``output``
    has one.
    """
    models = spec.load_models(spec.read_spec(spec_path))
    spec.check_acyclic(models)
    renderer = Renderer(package, spec_label(spec_path, output))
    sources = _python_files(renderer, models, package)
    files = format_python(sources, _or_none(RUFF_CONFIG))
    files.update(
        (Path("docs", f"{model.class_name}.md"), renderer.model_doc(model, models))
        for model in models
    )
    if (output / README).is_file():
        readme = (output / README).read_bytes().decode("utf-8")
        files[README] = with_model_list(readme, models)
    return files


def _or_none(path: Path) -> Path | None:
    """``path`` if it is a file, else None."""
    return path if path.is_file() else None


def _python_files(
    renderer: Renderer, models: Sequence[Model], package: str
) -> dict[Path, str]:
    """The package's generated modules, not yet formatted."""
    root = Path(*package.split("."))
    files = {
        root / "model" / f"{model.module}.py": renderer.model_module(model)
        for model in models
    }
    files[root / "model" / "__init__.py"] = renderer.model_package()
    files[root / "models" / "__init__.py"] = renderer.models_index(models)
    files[root / "models" / "__init__.pyi"] = renderer.models_stub(models)
    return files


def with_model_list(readme: str, models: Sequence[Model]) -> str:
    """``readme`` with the lines between the model-list markers replaced."""
    lines = readme.splitlines(keepends=True)
    stripped = [line.strip() for line in lines]
    if README_START not in stripped or README_END not in stripped:
        raise CodegenError(f"README.md lacks the {README_START} and {README_END} lines")
    start = stripped.index(README_START)
    end = stripped.index(README_END, start)
    block = [f"{line}\n" for line in readme_block(models)]
    return "".join([*lines[: start + 1], *block, *lines[end:]])


def stale_files(output: Path, package: str, files: Mapping[Path, str]) -> list[Path]:
    """The generated model modules under ``output`` that the spec no longer gives."""
    folder = Path(*package.split("."), "model")
    marker = HEADER.partition("{spec}")[0]
    return [
        path
        for path in sorted((output / folder).glob("*.py"))
        if path.relative_to(output) not in files and _starts_with(path, marker)
    ]


def _starts_with(path: Path, marker: str) -> bool:
    """Whether the first line of the file at ``path`` starts with ``marker``."""
    with path.open(encoding="utf-8", errors="replace") as stream:
        return stream.readline().startswith(marker)


def differences(output: Path, files: Mapping[Path, str]) -> list[str]:
    """A line for each file under ``output`` that is missing or differs."""
    lines = []
    for relative, text in files.items():
        path = output / relative
        if not path.is_file():
            lines.append(f"{path}: missing")
        elif path.read_bytes() != text.encode("utf-8"):
            lines.append(f"{path}: differs from what the spec gives")
    return lines


def write(output: Path, files: Mapping[Path, str], stale: Sequence[Path]) -> int:
    """Write the files that changed, remove the ``stale`` ones and count both."""
    changed = 0
    for relative, text in files.items():
        path = output / relative
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed += 1
    for path in stale:
        path.unlink()
    return changed + len(stale)
