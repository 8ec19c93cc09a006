"""The usage example on each model's doc page, with what it prints.

The example builds the model from the spec's ``example`` values of its
scalar properties, and of the models it holds, as a dict.  It then prints
one of those values, what each time helper reads and whether each enum
value is known.  Every ``print`` line ends with a comment that gives its
output, so that running the example checks the page.  A model whose
properties give no example is built from a placeholder value instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone

from codegen import CodegenError
from codegen.spec import Model, Property, TimeHelper

__all__ = ["usage_example"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# A value for the first scalar property when no property gives an example.
_PLACEHOLDERS: dict[str, object] = {"int": 1, "float": 1.5, "str": "text", "bool": True}
_INDENT = "    "

Example = tuple[Property, object]


def usage_example(model: Model, models: Sequence[Model], package: str) -> str:
    """Python source that builds ``model``, reads it, and says what it prints."""
    by_class = {each.class_name: each for each in models}
    chosen = _examples(model, by_class) or _placeholder(model)
    variable = model.module if model.module != "print" else "print_"
    lines = [_import_line(model, chosen, package), ""]
    lines += _construction(variable, model.class_name, chosen)
    lines += _reads(variable, model, chosen)
    return "\n".join(lines)


def _examples(model: Model, by_class: Mapping[str, Model]) -> list[Example]:
    """The properties the spec gives examples for, with a dict for a held model."""
    chosen: list[Example] = []
    for prop in model.properties:
        if prop.example is not None:
            chosen.append((prop, prop.example))
        elif prop.type.runtime in by_class:
            held = _examples(by_class[prop.type.runtime], by_class)
            if held:
                chosen.append((prop, {each.python_name: value for each, value in held}))
    return chosen


def _placeholder(model: Model) -> list[Example]:
    """A made-up value for the model's first scalar property, if it has one."""
    for prop in model.properties:
        if prop.type.runtime in _PLACEHOLDERS:
            value = (
                prop.allowed[0] if prop.allowed else _PLACEHOLDERS[prop.type.runtime]
            )
            return [(prop, value)]
    return []


def _import_line(model: Model, chosen: list[Example], package: str) -> str:
    """The import of the model and of the constants classes the example uses."""
    names = [model.class_name]
    names += [prop.constants.class_name for prop, _ in chosen if prop.constants]
    return f"from {package}.models import {', '.join(names)}"


def _construction(variable: str, class_name: str, chosen: list[Example]) -> list[str]:
    """The statement that builds the model, one keyword a line."""
    if not chosen:
        return [f"{variable} = {class_name}()"]
    keywords = [
        f"{_INDENT}{prop.python_name}={_value_source(prop, value)},"
        for prop, value in chosen
    ]
    return [f"{variable} = {class_name}(", *keywords, ")"]


def _value_source(prop: Property, value: object) -> str:
    """How the example writes ``value``: a named constant where there is one."""
    constant = prop.constants.name_of(value) if prop.constants else None
    if prop.constants and constant:
        return f"{prop.constants.class_name}.{constant}"
    return _literal(value)


def _literal(value: object) -> str:
    """``value`` as Python source, with strings in double quotes as ruff writes them."""
    if isinstance(value, dict):
        items = (f"{_literal(key)}: {_literal(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    text = repr(value)
    if isinstance(value, str) and text.startswith("'") and '"' not in value:
        text = '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def _reads(variable: str, model: Model, chosen: list[Example]) -> list[str]:
    """``print`` lines reading the model back, each saying what it prints."""
    scalars = [(prop, value) for prop, value in chosen if not isinstance(value, dict)]
    shown = [
        (f"{variable}.{prop.python_name}", str(value))
        for prop, value in scalars[:1]
        if "\n" not in str(value)
    ]
    for prop, value in scalars:
        if prop.helper and isinstance(value, int):
            output = _helper_output(model, prop, prop.helper, value)
            shown.append((f"{variable}.{prop.helper.name}", output))
        if prop.constants:
            check = (
                f"{prop.constants.class_name}.is_known({variable}.{prop.python_name})"
            )
            shown.append((check, "True"))
    if not shown:
        shown.append((f"{variable}.to_dict()", repr(_as_dict(chosen))))
    return [f"print({expression})  # {output}" for expression, output in shown]


def _as_dict(chosen: list[Example]) -> dict[str, object]:
    """What ``to_dict()`` gives for the model built from ``chosen``."""
    return {prop.python_name: value for prop, value in chosen}


def _helper_output(model: Model, prop: Property, helper: TimeHelper, usecs: int) -> str:
    """What printing the time helper of ``prop`` shows for ``usecs``."""
    try:
        duration = timedelta(microseconds=usecs)
        return str(_EPOCH + duration if helper.kind == "epoch" else duration)
    except OverflowError:
        raise CodegenError(
            f"schema {model.schema_name!r}, property {prop.wire_name!r}: the "
            f"example {usecs} is out of range for {helper.extension}"
        ) from None
