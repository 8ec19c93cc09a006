"""Python names for the class and property names a spec uses."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

__all__ = [
    "attribute_name",
    "attribute_names",
    "class_name",
    "constant_names",
    "constants_class_name",
    "helper_name",
    "is_reserved_attribute",
    "module_name",
    "snake_case",
]

# Names a property must not take: the class body of a generated model uses
# the builtins, imports and decorators listed first (a class attribute of
# the same name would hide them there), its constructor takes ``self``, and
# ModelNormal defines the rest.
_RESERVED_ATTRIBUTES = frozenset(
    {
        "Any",
        "ModelNormal",
        "attribute",
        "bool",
        "date",
        "datetime",
        "dict",
        "float",
        "int",
        "list",
        "none_type",
        "object",
        "overload",
        "property",
        "self",
        "staticmethod",
        "str",
        "timedelta",
        "additional_properties_type",
        "allowed_values",
        "attribute_map",
        "discriminator",
        "from_json",
        "get",
        "is_known_value",
        "openapi_types",
        "read_only_vars",
        "to_dict",
        "to_json",
        "validations",
    }
)
# Class names a model must not take: its module imports these.
_RESERVED_CLASSES = frozenset(
    {
        "Any",
        "Configuration",
        "Final",
        "Iterable",
        "Literal",
        "ModelNormal",
        "PathItem",
        "TYPE_CHECKING",
    }
)
# The suffix that a property holding microseconds drops for its time helper.
USECS_SUFFIX = "_usecs"
# The name in a constants class that holds all of its values.
KNOWN = "KNOWN"

_ACRONYM_END = re.compile(r"([A-Z]+)([A-Z][a-z])")  # the "PS" of "HTTPServer"
_WORD_START = re.compile(r"([a-z0-9])([A-Z])")  # the "rT" of "startTime"
_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]+")


def snake_case(name: str) -> str:
    """``startTimeUsecs`` as ``start_time_usecs``; other characters become ``_``."""
    name = _ACRONYM_END.sub(r"\1_\2", name)
    name = _WORD_START.sub(r"\1_\2", name)
    return _NOT_ALPHANUMERIC.sub("_", name).strip("_").lower()


def _unreserved(name: str, reserved: frozenset[str]) -> str:
    """``name``, or ``name_`` when it is a keyword or a reserved name."""
    if keyword.iskeyword(name) or name in reserved:
        return f"{name}_"
    return name


def attribute_name(wire_name: str) -> str:
    """The Python name of a property, before duplicates are told apart."""
    name = snake_case(wire_name) or "var"
    if name[0].isdigit():
        name = f"var_{name}"
    return _unreserved(name, _RESERVED_ATTRIBUTES)


def is_reserved_attribute(name: str) -> bool:
    """Whether a model class cannot have a member called ``name``."""
    return keyword.iskeyword(name) or name in _RESERVED_ATTRIBUTES


def _distinct(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """``names`` in order, a repeated one (or one in ``taken``) numbered ``_2``..."""
    distinct: list[str] = []
    seen = set(taken)
    for base in names:
        name = base
        count = 1
        while name in seen:
            count += 1
            name = f"{base}_{count}"
        seen.add(name)
        distinct.append(name)
    return distinct


def attribute_names(wire_names: Iterable[str]) -> list[str]:
    """The Python names of a schema's properties, distinct and in order."""
    return _distinct(attribute_name(wire_name) for wire_name in wire_names)


def helper_name(python_name: str) -> str | None:
    """``start_time`` for ``start_time_usecs``; None without the ``_usecs`` suffix."""
    name = python_name.removesuffix(USECS_SUFFIX)
    return name if name and name != python_name else None


def _constant_name(value: object) -> str:
    """``SUCCEEDED_WITH_WARNING`` for ``"SucceededWithWarning"``."""
    name = snake_case(str(value)).upper()
    if not name or name[0].isdigit():
        name = f"VALUE_{name}".rstrip("_")
    return name


def constant_names(values: Iterable[object]) -> list[str]:
    """The names of an enum's values in its constants class, distinct, in order."""
    return _distinct((_constant_name(value) for value in values), taken=[KNOWN])


def constants_class_name(model_class: str, python_name: str) -> str:
    """``BackupAttemptStatus``: the class naming the values of a model's enum."""
    return class_name(f"{model_class}_{python_name}")


def class_name(schema_name: str) -> str:
    """The class name of a schema: its words joined, each starting upper case."""
    words = _NOT_ALPHANUMERIC.split(schema_name)
    name = "".join(word[:1].upper() + word[1:] for word in words) or "Model"
    if name[0].isdigit():
        name = f"Model{name}"
    return _unreserved(name, _RESERVED_CLASSES)


def module_name(class_name: str) -> str:
    """The module that holds a model class, named in snake case."""
    return _unreserved(snake_case(class_name), frozenset())
