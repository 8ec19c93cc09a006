"""Render the generated files of a package from its models."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from codegen import naming
from codegen.docstrings import INDENT, docstring
from codegen.examples import usage_example
from codegen.spec import Constants, Model, Property, TimeHelper

__all__ = ["Renderer", "natural_key", "readme_block"]

HEADER = "# Generated from {spec} by `python -m codegen`; edit the spec, not this file."

_DIGITS = re.compile(r"(\d+)")

# The standard modules that model modules import these names from.
_SOURCES = {"date": "datetime", "datetime": "datetime", "timedelta": "datetime"}
# Imported by every model module: the runtime and the names its class uses.
_ALWAYS = {
    "typing": ["TYPE_CHECKING", "Any"],
    "model_utils": ["ModelNormal", "attribute"],
}
# Imported for type checkers only, by the constructor signature they see.
_FOR_TYPE_CHECKERS = {
    "collections.abc": ["Iterable"],
    "typing": ["Literal", "overload"],
}
_OWN_FOR_TYPE_CHECKERS = {
    "configuration": ["Configuration"],
    "exceptions": ["PathItem"],
}

# What each kind of time helper returns, the function that converts to it
# and the sentence its docstring starts with.
_HELPERS = {
    "epoch": ("datetime", "datetime_from_usecs", "as an aware UTC datetime"),
    "duration": ("timedelta", "timedelta_from_usecs", "as a timedelta"),
}

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
class _Param:
    """One keyword of the constructor signature that type checkers see."""

    name: str
    annotation: str


@dataclass(frozen=True)
class _Helper:
    """One read-only property that reads an attribute of microseconds as time."""

    name: str
    annotation: str
    function: str
    attribute: str
    docstring: str


@dataclass(frozen=True)
class _ConstantsClass:
    """The class that names the values of one enum, and how to test for them."""

    name: str
    docstring: str
    value_type: str
    members: list[tuple[str, str]]


@dataclass(frozen=True)
class _HelperRow:
    """One row of a doc page's table of time helpers."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class _ConstantsRow:
    """One line of a doc page's list of constants classes."""

    name: str
    attribute: str
    members: str


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
    """Order ``__all__`` and imported names as ruff does: constants, classes, rest."""
    if name.isupper():
        return 0, natural_key(name)
    return (1 if name[:1].isupper() else 2), natural_key(name)


def _sorted_names(names: Iterable[str]) -> list[str]:
    """``names`` once each, in ruff's order."""
    return sorted(set(names), key=_all_key)


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
            type_checking_imports=self._type_checking_imports(),
            exports=_sorted_names(model.exports),
            class_docstring=docstring(
                model.description or f"The {model.class_name} model."
            ),
            fields=[_field(prop) for prop in model.properties],
            params=[_param(prop) for prop in model.properties],
            helpers=[
                _helper(prop.python_name, prop.helper)
                for prop in model.properties
                if prop.helper
            ],
            constants=[
                _constants_class(model, prop, prop.constants)
                for prop in model.properties
                if prop.constants
            ],
        )

    def model_package(self) -> str:
        """The source of ``<package>/model/__init__.py``."""
        return self._render("model_init.py.jinja")

    def models_index(self, models: Sequence[Model]) -> str:
        """The source of ``<package>/models/__init__.py``, which imports lazily."""
        return self._models_index_template("models_init.py.jinja", models)

    def _models_index_template(self, template: str, models: Sequence[Model]) -> str:
        modules = {name: model.module for model in models for name in model.exports}
        by_module = sorted(models, key=lambda model: natural_key(model.module))
        return self._render(
            template,
            by_name=[(name, modules[name]) for name in _sorted_names(modules)],
            by_module=[
                (model.module, ", ".join(_sorted_names(model.exports)))
                for model in by_module
            ],
        )

    def models_stub(self, models: Sequence[Model]) -> str:
        """The source of ``<package>/models/__init__.pyi``, for type checkers."""
        return self._models_index_template("models_init.pyi.jinja", models)

    def model_doc(self, model: Model, models: Sequence[Model]) -> str:
        """The Markdown page ``docs/<Model>.md`` in python-prior's layout.

        Below the property table, as python-prior has none, comes an example
        of building and reading the model.
        """
        props = sorted(model.properties, key=lambda prop: not prop.required)
        page = self._render(
            "model_doc.md.jinja",
            model=model,
            description=_one_line(model.description),
            rows=[_row(prop) for prop in props],
            helpers=[
                _helper_row(prop.python_name, prop.helper)
                for prop in model.properties
                if prop.helper
            ],
            constants=[
                _constants_row(prop.python_name, prop.constants)
                for prop in model.properties
                if prop.constants
            ],
            example=usage_example(model, models, self._package),
        )
        return "\n".join(line.rstrip() for line in page.split("\n"))

    def _imports(self, model: Model) -> list[list[str]]:
        """The imports after ``__future__``, in the groups that ruff sorts into."""
        needs: set[str] = set()
        for prop in model.properties:
            needs |= prop.type.needs
            if prop.helper:
                needs.add(_HELPERS[prop.helper.kind][0])
        stdlib: dict[str, list[str]] = {"typing": list(_ALWAYS["typing"])}
        if model.constants:
            stdlib["typing"].append("Final")
        for name in needs & _SOURCES.keys():
            stdlib.setdefault(_SOURCES[name], []).append(name)
        own = _from_imports(self._own_imports(model, needs))
        return [_from_imports(stdlib), own]

    def _own_imports(self, model: Model, needs: set[str]) -> dict[str, list[str]]:
        """The modules of the package that ``model`` imports, with the names."""
        own = {
            f"{self._package}.model.{naming.module_name(name)}": [name]
            for prop in model.properties
            for name in prop.type.models
        }
        utils = list(_ALWAYS["model_utils"])
        if "none_type" in needs:
            utils.append("none_type")
        own[f"{self._package}.model_utils"] = utils
        functions = [
            _HELPERS[prop.helper.kind][1] for prop in model.properties if prop.helper
        ]
        if functions:
            own[f"{self._package}.timeconv"] = functions
        return own

    def _type_checking_imports(self) -> list[list[str]]:
        """The imports that only the constructor signature for type checkers uses."""
        own = {
            f"{self._package}.{module}": names
            for module, names in _OWN_FOR_TYPE_CHECKERS.items()
        }
        return [_from_imports(_FOR_TYPE_CHECKERS), _from_imports(own)]


def _from_imports(sources: dict[str, list[str]]) -> list[str]:
    """``from module import names`` lines, sorted by module and by name."""
    modules = sorted(sources, key=natural_key)
    return [
        f"from {module} import {', '.join(_sorted_names(sources[module]))}"
        for module in modules
    ]


def _param(prop: Property) -> _Param:
    """How the constructor signature that type checkers see takes ``prop``."""
    return _Param(name=prop.python_name, annotation=prop.type.or_none().argument)


def _helper(attribute: str, helper: TimeHelper) -> _Helper:
    """The read-only property that reads ``attribute`` as time."""
    returns, function, reading = _HELPERS[helper.kind]
    text = f"``{attribute}`` {reading}, or None."
    return _Helper(
        name=helper.name,
        annotation=f"{returns} | None",
        function=function,
        attribute=attribute,
        docstring=docstring(text, indent=2 * INDENT),
    )


def _constants_class(
    model: Model, prop: Property, constants: Constants
) -> _ConstantsClass:
    """The constants class of ``prop``'s enum."""
    text = (
        f"The values of ``{model.class_name}.{prop.python_name}`` that this "
        "library knows.\n\n"
        "A newer server may send others: they are kept as sent, and "
        "``is_known`` answers False for them."
    )
    return _ConstantsClass(
        name=constants.class_name,
        docstring=docstring(text),
        value_type=constants.value_type,
        members=[(name, repr(value)) for name, value in constants.members],
    )


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


def _helper_row(attribute: str, helper: TimeHelper) -> _HelperRow:
    """How the doc page lists the time helper of ``attribute``."""
    returns, _, reading = _HELPERS[helper.kind]
    return _HelperRow(
        name=helper.name,
        type=f"{returns}, none_type",
        description=f"`{attribute}` {reading}; read-only",
    )


def _constants_row(attribute: str, constants: Constants) -> _ConstantsRow:
    """How the doc page lists the constants class of ``attribute``."""
    members = ", ".join(f"`{name}`" for name, _ in constants.members)
    return _ConstantsRow(
        name=constants.class_name, attribute=attribute, members=members
    )
