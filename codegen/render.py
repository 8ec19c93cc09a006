"""Render the generated files of a package from its models."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from codegen import naming
from codegen.docstrings import docstring
from codegen.spec import Model, Property

__all__ = ["Renderer", "natural_key", "readme_block"]

HEADER = "# Generated from {spec} by `python -m codegen`; edit the spec, not this file."

_DIGITS = re.compile(r"(\d+)")

# The standard modules that model modules import these names from.
_SOURCES = {"date": "datetime", "datetime": "datetime", "Any": "typing"}

# The HTML escapes that OpenAPI Generator's templates apply to descriptions,
# and one for the pipe, which would end a table cell.
_HTML_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        "`": "&#x60;",
        "=": "&#x3D;",
        "|": "&#124;",
    }
)


@dataclass(frozen=True)
class _Field:
    """One attribute line of a model class and its docstring."""

    name: str
    annotation: str
    arguments: str
    docstring: str


@dataclass(frozen=True)
class _Row:
    """One row of a doc page's property table."""

    name: str
    type: str
    description: str
    notes: str


def natural_key(name: str) -> tuple[tuple[int, str], ...]:
    """Sort ``item2`` before ``item10``, as ruff's import sorting does."""
    parts = _DIGITS.split(name.lower())
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in parts)


def _all_key(name: str) -> tuple[int, tuple[tuple[int, str], ...]]:
    """Order ``__all__`` as ruff does: constants, then classes, then the rest."""
    if name.isupper():
        return 0, natural_key(name)
    return (1 if name[:1].isupper() else 2), natural_key(name)


def _one_line(text: str) -> str:
    """``text`` with every run of whitespace, newlines included, as one space."""
    return " ".join(text.split())


def readme_block(models: Iterable[Model]) -> list[str]:
    """The README lines that link every model's doc page, sorted by name."""
    names = sorted(model.class_name for model in models)
    return [f"- [{name}](docs/{name}.md)" for name in names]


class Renderer:
    """Renders a package's model modules, model index and doc pages."""

    def __init__(self, package: str, spec_label: str) -> None:
        self._package = package
        self._header = HEADER.format(spec=spec_label)
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )

    def _render(self, template: str, **context: object) -> str:
        """Render ``template`` with the header and package name added to ``context``."""
        return self._env.get_template(template).render(
            header=self._header, package=self._package, **context
        )

    def model_module(self, model: Model) -> str:
        """The source of ``<package>/model/<module>.py`` for ``model``."""
        return self._render(
            "model.py.jinja",
            model=model,
            imports=self._imports(model),
            class_docstring=docstring(
                model.description or f"The {model.class_name} model."
            ),
            fields=[_field(prop) for prop in model.properties],
        )

    def model_package(self) -> str:
        """The source of ``<package>/model/__init__.py``."""
        return self._render("model_init.py.jinja")

    def models_index(self, models: Sequence[Model]) -> str:
        """The source of ``<package>/models/__init__.py``, which imports lazily."""
        by_name = sorted(models, key=lambda model: _all_key(model.class_name))
        by_module = sorted(models, key=lambda model: natural_key(model.module))
        return self._render(
            "models_init.py.jinja", by_name=by_name, by_module=by_module
        )

    def model_doc(self, model: Model) -> str:
        """The Markdown page ``docs/<Model>.md`` in python-prior's layout."""
        props = sorted(model.properties, key=lambda prop: not prop.required)
        page = self._render(
            "model_doc.md.jinja",
            model=model,
            description=_one_line(model.description),
            rows=[_row(prop) for prop in props],
        )
        return "\n".join(line.rstrip() for line in page.split("\n"))

    def _imports(self, model: Model) -> list[list[str]]:
        """The imports after ``__future__``, in the groups that ruff sorts into."""
        needs: set[str] = set()
        for prop in model.properties:
            needs |= prop.type.needs
        stdlib: dict[str, list[str]] = {}
        for name in sorted(needs & _SOURCES.keys()):
            stdlib.setdefault(_SOURCES[name], []).append(name)
        groups = [_from_imports(stdlib), _from_imports(self._own_imports(model, needs))]
        return [group for group in groups if group]

    def _own_imports(self, model: Model, needs: set[str]) -> dict[str, list[str]]:
        """The modules of the package that ``model`` imports, with the names."""
        own = {
            f"{self._package}.model.{naming.module_name(name)}": [name]
            for prop in model.properties
            for name in prop.type.models
        }
        utils = ["ModelNormal", "attribute"]
        if "none_type" in needs:
            utils.append("none_type")
        own[f"{self._package}.model_utils"] = utils
        return own


def _from_imports(sources: dict[str, list[str]]) -> list[str]:
    """``from module import names`` lines, sorted by module."""
    modules = sorted(sources, key=natural_key)
    return [f"from {module} import {', '.join(sources[module])}" for module in modules]


def _field(prop: Property) -> _Field:
    """How the model class declares ``prop``."""
    arguments = [repr(prop.wire_name), prop.type.runtime]
    if prop.nullable:
        arguments.append("nullable=True")
    if prop.allowed:
        arguments.append(f"allowed={prop.allowed!r}")
    return _Field(
        name=prop.python_name,
        annotation=prop.type.or_none().annotation,
        arguments=", ".join(arguments),
        docstring=docstring(prop.docstring) if prop.docstring else "",
    )


def _row(prop: Property) -> _Row:
    """How the doc page lists ``prop``."""
    kind = prop.type.or_none() if prop.nullable else prop.type
    if kind.models:
        type_ = f"[**{kind.doc}**]({min(kind.models)}.md)"
    else:
        type_ = f"**{kind.doc}**"
    return _Row(
        name=prop.python_name,
        type=type_,
        description=_one_line(prop.description).translate(_HTML_ESCAPES),
        notes="" if prop.required else "[optional]",
    )
