"""Read the spec's schemas into the models that the templates render."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from codegen import CodegenError, naming, typemap
from codegen.typemap import PyType

__all__ = [
    "DURATION_USECS",
    "EPOCH_USECS",
    "Constants",
    "Model",
    "Property",
    "TimeHelper",
    "check_acyclic",
    "load_models",
    "read_spec",
]

Schema = Mapping[str, Any]

_COMPONENT_PREFIX = "#/components/schemas/"
_COMPOSITION_KEYS = ("allOf", "anyOf", "oneOf", "not")

# Vendor extensions marking an integer property that holds microseconds:
# since the Unix epoch, or a length of time.  Each gives the model a
# read-only helper property, named without the ``_usecs`` suffix, that
# reads the value as a ``datetime`` or a ``timedelta``.
EPOCH_USECS = "x-epoch-usecs"
DURATION_USECS = "x-duration-usecs"

TimeKind = Literal["epoch", "duration"]
_TIME_EXTENSIONS: dict[str, TimeKind] = {
    EPOCH_USECS: "epoch",
    DURATION_USECS: "duration",
}
# The Python types of enum values that get a constants class.
_CONSTANT_TYPES = (str, int)
# The Python types of the examples a scalar property may give, by runtime type.
_EXAMPLE_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "bool": (bool,),
}


@dataclass(frozen=True)
class TimeHelper:
    """A read-only property that reads an integer of microseconds as time."""

    name: str
    kind: TimeKind
    extension: str


@dataclass(frozen=True)
class Constants:
    """The class that names each value of a property's enum."""

    class_name: str
    value_type: str
    members: tuple[tuple[str, object], ...]

    def name_of(self, value: object) -> str | None:
        """The constant that holds ``value``, if one does."""
        for name, member in self.members:
            if member == value and type(member) is type(value):
                return name
        return None


@dataclass(frozen=True)
class Property:
    """One property of a schema, as the model module and its doc page show it.

    ``example`` is the spec's example of a scalar value, None when it
    gives none.
    """

    python_name: str
    wire_name: str
    type: PyType
    nullable: bool
    required: bool
    allowed: tuple[object, ...]
    description: str
    docstring: str
    helper: TimeHelper | None = None
    constants: Constants | None = None
    example: object = None


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

    @property
    def constants(self) -> tuple[Constants, ...]:
        """The constants classes of the model's enums, in property order."""
        return tuple(prop.constants for prop in self.properties if prop.constants)

    @property
    def exports(self) -> tuple[str, ...]:
        """The names the model's module exports: the model, then its constants."""
        return (self.class_name, *(each.class_name for each in self.constants))


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
    models = [resolver.model(name) for name in classes]
    _check_exports(models)
    return models


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


def _check_exports(models: Iterable[Model]) -> None:
    """Fail when two models export the same name from ``models``."""
    owners: dict[str, str] = {}
    for model in models:
        for name in model.exports:
            if name in owners:
                raise CodegenError(
                    f"schema {model.schema_name!r} gives the class {name!r}, "
                    f"as does schema {owners[name]!r}"
                )
            owners[name] = model.schema_name


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


def _flag(schema: Schema, extension: str) -> bool:
    """Whether a boolean vendor extension is set; anything but a boolean fails."""
    value = schema.get(extension, False)
    if not isinstance(value, bool):
        raise CodegenError(f"{extension} must be true or false, not {value!r}")
    return value


def _time_helper(python_name: str, schema: Schema, type_: PyType) -> TimeHelper | None:
    """The time helper that a time extension asks for, checked; None without one."""
    marked = [key for key in _TIME_EXTENSIONS if _flag(schema, key)]
    if not marked:
        return None
    if len(marked) > 1:
        raise CodegenError(f"{' and '.join(marked)} cannot both be set")
    extension = marked[0]
    if type_.runtime != "int":
        raise CodegenError(
            f"{extension} is for integer properties, and this one is {type_.doc}"
        )
    name = naming.helper_name(python_name)
    if name is None:
        raise CodegenError(
            f"{extension} needs a Python name ending in {naming.USECS_SUFFIX!r} "
            f"to name the helper after, and this one is {python_name!r}"
        )
    return TimeHelper(name, _TIME_EXTENSIONS[extension], extension)


def _constants(
    class_name: str, python_name: str, allowed: tuple[object, ...]
) -> Constants | None:
    """The constants class of an enum of strings or of integers, else None."""
    kinds = {type(value) for value in allowed}
    if len(kinds) != 1 or kinds.pop() not in _CONSTANT_TYPES:
        return None
    return Constants(
        class_name=naming.constants_class_name(class_name, python_name),
        value_type=type(allowed[0]).__name__,
        members=tuple(zip(naming.constant_names(allowed), allowed)),
    )


def _example(schema: Schema, type_: PyType, allowed: tuple[object, ...]) -> object:
    """The spec's example of a scalar property, checked; None when it has none."""
    example = schema.get("example")
    accepted = _EXAMPLE_TYPES.get(type_.runtime)
    if example is None or accepted is None:
        return None
    if isinstance(example, bool) and bool not in accepted:
        accepted = ()
    if not isinstance(example, accepted):
        raise CodegenError(f"the example {example!r} is not of type {type_.doc}")
    if allowed and example not in allowed:
        raise CodegenError(f"the example {example!r} is not one of the enum's values")
    return example


def _check_helpers(properties: Iterable[Property]) -> None:
    """Fail when a time helper would take the name of an attribute or a member."""
    attributes = {prop.python_name for prop in properties}
    for prop in properties:
        if prop.helper is None:
            continue
        name = prop.helper.name
        if name in attributes:
            clash = f"the attribute {name!r}"
        elif naming.is_reserved_attribute(name):
            clash = f"{name!r}, a name that model classes use"
        else:
            continue
        raise CodegenError(
            f"property {prop.wire_name!r}: the {prop.helper.extension} helper "
            f"{name!r} would clash with {clash}"
        )


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
        try:
            properties = self._properties(schema, class_name)
            _check_helpers(properties)
        except CodegenError as err:
            raise CodegenError(f"schema {name!r}, {err}") from None
        return Model(
            schema_name=name,
            class_name=class_name,
            module=naming.module_name(class_name),
            description=_text(schema.get("description")),
            properties=properties,
        )

    def _properties(self, schema: Schema, class_name: str) -> tuple[Property, ...]:
        """The properties of an object schema, in the order the spec lists them."""
        properties: Schema = schema.get("properties") or {}
        required = set(schema.get("required", ()))
        wire_names = [str(name) for name in properties]
        python_names = naming.attribute_names(wire_names)
        return tuple(
            self._property(
                class_name, python_name, wire_name, sub, wire_name in required
            )
            for python_name, wire_name, sub in zip(
                python_names, wire_names, properties.values()
            )
        )

    def _property(
        self,
        class_name: str,
        python_name: str,
        wire_name: str,
        schema: Schema,
        required: bool,
    ) -> Property:
        """One property, with its description or else its model's for the docstring."""
        try:
            flat, target = self.inline(schema)
            type_ = self.type_of(schema)
            allowed = _allowed(flat)
            helper = _time_helper(python_name, flat, type_)
            example = _example(flat, type_, allowed)
        except CodegenError as err:
            raise CodegenError(f"property {wire_name!r}: {err}") from None
        description = _text(flat.get("description"))
        return Property(
            python_name=python_name,
            wire_name=wire_name,
            type=type_,
            nullable=bool(flat.get("nullable")),
            required=required,
            allowed=allowed,
            description=description,
            docstring=description or self._description_of(target),
            helper=helper,
            constants=_constants(class_name, python_name, allowed),
            example=example,
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
