"""How a schema's type reads in a model module and on its doc page.

Each type is written four ways: the runtime type spec that ``attribute()``
checks values against (python-prior's notation, ``[int]``, ``{str: int}``),
the annotation that type checkers see on the attribute, the annotation of
the constructor's keyword (which also takes a dict where a model goes, as
the runtime does), and the type column of the docs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from codegen import CodegenError

__all__ = ["ANY", "FREE_FORM", "PyType", "array", "mapping", "model", "scalar"]

# What python-prior writes for a value of any JSON type.
_ANY_DOC = "bool, date, datetime, dict, float, int, list, str, none_type"

_SCALARS = {"integer": "int", "number": "float", "string": "str", "boolean": "bool"}
_STRING_FORMATS = {"date": "date", "date-time": "datetime"}


@dataclass(frozen=True)
class PyType:
    """A type as the runtime, the annotation and the docs write it.

    Where the type holds models, ``accepts`` is the constructor keyword's
    annotation, which also takes dicts for the models, and ``as_dicts`` is
    the annotation with every model written as a dict.  ``needs`` names what
    the model module must import for it (``date``, ``datetime``, ``Any``,
    ``none_type``); ``models`` the model classes.
    """

    runtime: str
    annotation: str
    doc: str
    nullable: bool = False
    models: frozenset[str] = field(default=frozenset())
    needs: frozenset[str] = field(default=frozenset())
    accepts: str = ""
    as_dicts: str = ""

    @property
    def argument(self) -> str:
        """The annotation of the constructor's keyword for a value of this type."""
        return self.accepts or self.annotation

    def or_none(self) -> PyType:
        """This type with ``None`` allowed too."""
        if self.nullable:
            return self
        return replace(
            self,
            runtime=f"({self.runtime}, none_type)",
            annotation=f"{self.annotation} | None",
            doc=f"{self.doc}, none_type",
            nullable=True,
            needs=self.needs | {"none_type"},
            accepts=f"{self.accepts} | None" if self.accepts else "",
            as_dicts=f"{self.as_dicts} | None" if self.as_dicts else "",
        )


ANY = PyType("object", "Any", _ANY_DOC, nullable=True, needs=frozenset({"Any"}))
FREE_FORM = PyType(
    "dict", "dict[str, Any]", f"{{str: ({_ANY_DOC})}}", needs=frozenset({"Any"})
)


def _taking_dicts(container: PyType, template: str, member: PyType) -> PyType:
    """``container`` of ``member``, whose constructor keyword also takes dicts.

    A container of models also takes one of dicts for the models, as the
    runtime does.  (One container type would not take both: ``list`` is
    invariant.)
    """
    if not member.as_dicts:
        return container
    as_dicts = template.format(member.as_dicts)
    return replace(
        container,
        accepts=f"{template.format(member.annotation)} | {as_dicts}",
        as_dicts=as_dicts,
    )


def scalar(kind: str, format_: str | None) -> PyType:
    """The type of an ``integer``, ``number``, ``string`` or ``boolean``."""
    if kind == "string" and format_ in _STRING_FORMATS:
        name = _STRING_FORMATS[format_]
        return PyType(name, name, name, needs=frozenset({name}))
    if kind not in _SCALARS:
        raise CodegenError(f"unsupported schema type {kind!r}")
    name = _SCALARS[kind]
    return PyType(name, name, name)


def model(class_name: str) -> PyType:
    """The type of a property that holds a model, given as one or as a dict."""
    return PyType(
        class_name,
        class_name,
        class_name,
        models=frozenset({class_name}),
        accepts=f"{class_name} | dict[str, Any]",
        as_dicts="dict[str, Any]",
    )


def array(item: PyType) -> PyType:
    """The type of a JSON array of ``item``."""
    array = PyType(
        f"[{item.runtime}]",
        f"list[{item.annotation}]",
        f"[{item.doc}]",
        models=item.models,
        needs=item.needs,
    )
    return _taking_dicts(array, "list[{}]", item)


def mapping(value: PyType) -> PyType:
    """The type of a JSON object whose values are ``value``."""
    values_doc = f"({value.doc})" if value.nullable else f"({value.doc},)"
    mapping = PyType(
        f"{{str: {value.runtime}}}",
        f"dict[str, {value.annotation}]",
        f"{{str: {values_doc}}}",
        models=value.models,
        needs=value.needs,
    )
    return _taking_dicts(mapping, "dict[str, {}]", value)
