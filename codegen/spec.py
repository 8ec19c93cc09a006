"""Read the spec's schemas into the models that the templates render."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from codegen import CodegenError, naming, typemap
from codegen.typemap import PyType

__all__ = ["Model", "Property", "check_acyclic", "load_models", "read_spec"]

Schema = Mapping[str, Any]

_COMPONENT_PREFIX = "#/components/schemas/"
_COMPOSITION_KEYS = ("allOf", "anyOf", "oneOf", "not")


@dataclass(frozen=True)
class Property:
    """One property of a schema, as the model module and its doc page show it."""

    python_name: str
    wire_name: str
    type: PyType
    nullable: bool
    required: bool
    allowed: tuple[object, ...]
    description: str
    docstring: str


@dataclass(frozen=True)
class Model:
    """One object schema of the spec, and where its class lives."""

    schema_name: str
    class_name: str
    module: str
    description: str
    properties: tuple[Property, ...]

    @property
    def references(self) -> frozenset[str]:
        """The model classes that this model's properties hold."""
        return frozenset().union(*(prop.type.models for prop in self.properties))


def read_spec(path: Path) -> Schema:
    """Parse the spec file at ``path``, YAML or JSON."""
    text = path.read_text(encoding="utf-8")
    spec = _parse(text)
    if not isinstance(spec, Mapping):
        raise CodegenError(f"{path} does not hold an OpenAPI document")
    return spec


def _parse(text: str) -> object:
    """Parse JSON quickly when the text is JSON, else YAML (a superset)."""
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass  # YAML's flow style also starts with a brace
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when built
    return yaml.load(text, Loader=loader)


def load_models(spec: Schema) -> list[Model]:
    """The models of every object schema in ``components.schemas``."""
    schemas = spec.get("components", {}).get("schemas", {})
    classes = {
        name: naming.class_name(name)
        for name, schema in schemas.items()
        if _is_object(schema)
    }
    _check_distinct(classes)
    resolver = _Resolver(schemas, classes)
    return [resolver.model(name) for name in classes]


def _is_object(schema: Schema) -> bool:
    """Whether ``schema`` is an object with properties, which becomes a model."""
    return schema.get("type") == "object" or "properties" in schema


def _check_distinct(classes: Mapping[str, str]) -> None:
    """Fail when two schema names give the same class or module name."""
    seen: dict[str, str] = {}
    for schema_name, class_name in classes.items():
        key = naming.module_name(class_name)
        if key in seen:
            raise CodegenError(
                f"schemas {seen[key]!r} and {schema_name!r} give the same model name"
            )
        seen[key] = schema_name


def _reference(schema: Schema) -> str | None:
    """The schema a ``$ref``, or an ``allOf`` of one ``$ref``, points to."""
    if "$ref" in schema:
        return str(schema["$ref"])
    parts = schema.get("allOf")
    if isinstance(parts, list) and len(parts) == 1 and "$ref" in parts[0]:
        return str(parts[0]["$ref"])
    return None


def _siblings(schema: Schema) -> dict[str, Any]:
    """What a referring schema says besides the reference itself."""
    return {key: value for key, value in schema.items() if key not in ("$ref", "allOf")}


def _text(value: object) -> str:
    """A description as text, blank when absent."""
    return "" if value is None else str(value).strip()


def _allowed(schema: Schema) -> tuple[object, ...]:
    """The enum's values; ``null`` is left to ``nullable``."""
    return tuple(value for value in schema.get("enum", ()) if value is not None)


class _Resolver:
    """Turns schemas into types and models, following references."""

    def __init__(self, schemas: Schema, classes: Mapping[str, str]) -> None:
        self._schemas = schemas
        self._classes = classes

    def model(self, name: str) -> Model:
        """The model of the object schema called ``name``."""
        schema = self._schemas[name]
        if any(key in schema for key in _COMPOSITION_KEYS):
            raise CodegenError(
                f"schema {name!r}: allOf, anyOf, oneOf and not are not supported"
            )
        class_name = self._classes[name]
        return Model(
            schema_name=name,
            class_name=class_name,
            module=naming.module_name(class_name),
            description=_text(schema.get("description")),
            properties=self._properties(schema),
        )

    def _properties(self, schema: Schema) -> tuple[Property, ...]:
        """The properties of an object schema, in the order the spec lists them."""
        properties: Schema = schema.get("properties") or {}
        required = set(schema.get("required", ()))
        wire_names = [str(name) for name in properties]
        python_names = naming.attribute_names(wire_names)
        return tuple(
            self._property(python_name, wire_name, sub, wire_name in required)
            for python_name, wire_name, sub in zip(
                python_names, wire_names, properties.values()
            )
        )

    def _property(
        self, python_name: str, wire_name: str, schema: Schema, required: bool
    ) -> Property:
        """One property, with its description or else its model's for the docstring."""
        flat, target = self.inline(schema)
        description = _text(flat.get("description"))
        return Property(
            python_name=python_name,
            wire_name=wire_name,
            type=self.type_of(schema),
            nullable=bool(flat.get("nullable")),
            required=required,
            allowed=_allowed(flat),
            description=description,
            docstring=description or self._description_of(target),
        )

    def _description_of(self, name: str | None) -> str:
        """The description of the component schema ``name``, if there is one."""
        return "" if name is None else _text(self._schemas[name].get("description"))

    def inline(self, schema: Schema) -> tuple[Schema, str | None]:
        """``schema`` with references to non-model schemas replaced by them.

        Also gives the name of the model schema it refers to, if any.
        """
        seen: set[str] = set()
        while (reference := _reference(schema)) is not None:
            name = self._component(reference)
            if name in self._classes:
                return _siblings(schema), name
            if name in seen:
                raise CodegenError(f"{reference} refers to itself")
            seen.add(name)
            schema = {**self._schemas[name], **_siblings(schema)}
        return schema, None

    def _component(self, reference: str) -> str:
        """The name of the component schema that ``reference`` points to."""
        name = reference.removeprefix(_COMPONENT_PREFIX)
        if name == reference or name not in self._schemas:
            raise CodegenError(f"cannot resolve {reference!r}")
        return name

    def type_of(self, schema: Schema) -> PyType:
        """The type of a value that ``schema`` describes."""
        flat, target = self.inline(schema)
        if target is not None:
            return typemap.model(self._classes[target])
        kind = flat.get("type")
        if kind == "array":
            return typemap.array(self._member(flat.get("items") or {}))
        if kind == "object" or "properties" in flat or "additionalProperties" in flat:
            return self._object(flat)
        if kind is None:
            return typemap.ANY
        return typemap.scalar(str(kind), flat.get("format"))

    def _member(self, schema: Schema) -> PyType:
        """The type of an array item or a map value, ``None`` included if nullable."""
        member = self.type_of(schema)
        return member.or_none() if self.inline(schema)[0].get("nullable") else member

    def _object(self, schema: Schema) -> PyType:
        """The type of a map, or of a free-form object without declared values."""
        values = schema.get("additionalProperties")
        if isinstance(values, Mapping) and values:
            return typemap.mapping(self._member(values))
        return typemap.FREE_FORM


def check_acyclic(models: Iterable[Model]) -> None:
    """Fail when models refer to each other in a cycle.

    A model module imports the models it refers to, so a cycle would be a
    circular import, and a model that refers to itself would use its class
    before the class statement ends.
    """
    refers = {model.class_name: sorted(model.references) for model in models}
    done: set[str] = set()
    for start in refers:
        if start not in done:
            _walk(start, refers, done)


def _walk(start: str, refers: Mapping[str, list[str]], done: set[str]) -> None:
    """Search depth first from ``start``; fail on meeting the current path."""
    path = [start]
    pending = [iter(refers[start])]
    while pending:
        target = next(pending[-1], None)
        if target is None:
            done.add(path.pop())
            pending.pop()
        elif target in path:
            cycle = " -> ".join([*path[path.index(target) :], target])
            raise CodegenError(f"models refer to each other in a cycle: {cycle}")
        elif target not in done:
            path.append(target)
            pending.append(iter(refers[target]))
