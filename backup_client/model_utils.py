"""The runtime shared by every generated model.

A model instance keeps its values in one dict keyed by wire names, the
same dict that ``json.loads`` produced when the model came from a server.
That makes three promises cheap to keep: keys the model does not declare
survive untouched, an explicit ``null`` stays distinct from an absent key,
and writing a model back out is little more than copying that dict.

Type specifications follow the python-prior convention.  A *type spec* is
one of: a class (``int``, ``str``, ``float``, ``bool``, ``date``,
``datetime``, ``dict``, ``list``, ``none_type``, ``file_type`` or a model
class), a one-element list ``[spec]`` for a JSON array, or a one-entry
dict ``{str: spec}`` for a JSON object of values.  Where several types are
allowed they are given as a tuple, as in ``(int, none_type)``.
"""

from __future__ import annotations

import _thread
import io
import json
import reprlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, Union

from backup_client.exceptions import (
    ApiAttributeError,
    ApiTypeError,
    ApiValueError,
    PathItem,
)

if TYPE_CHECKING:
    from typing import TypeGuard

    from backup_client.configuration import Configuration

__all__ = [
    "Attribute",
    "ModelNormal",
    "OpenApiModel",
    "attribute",
    "convert_wire_value",
    "date",
    "datetime",
    "file_type",
    "none_type",
    "parse_json",
    "sanitize_for_serialization",
]

none_type = type(None)
file_type = io.IOBase

TypeSpec = Union[type, list[Any], dict[Any, Any]]
TypeSpecs = tuple[TypeSpec, ...]

M = TypeVar("M", bound="ModelNormal")

# The errors that carry a path; each level of a value prepends its key.
_PATH_ERRORS = (ApiTypeError, ApiValueError, ApiAttributeError)

# Values that JSON carries as they are and that need no conversion.
_JSON_SCALARS = frozenset({str, int, float, bool, none_type})


class _ShortRepr(reprlib.Repr):
    """Shows values briefly in messages, even ints too long to print."""

    def repr_int(self, x: int, level: int) -> str:
        try:
            return repr(x)
        except ValueError:  # more digits than sys.get_int_max_str_digits()
            return f"<int of {x.bit_length()} bits>"


_short_repr = _ShortRepr()
_short_repr.maxstring = 40
_short_repr.maxother = 40


def _shown(value: Any) -> str:
    """``value`` as a message shows it: short, and never failing."""
    try:
        return _short_repr.repr(value)
    except Exception:  # a failing repr must not hide the error being reported
        return f"<{type(value).__name__} object>"


class _Context:
    """How strictly a value is read, and where it comes from."""

    __slots__ = ("check_type", "discard_unknown_keys", "from_server", "validate")

    def __init__(
        self,
        *,
        from_server: bool,
        check_type: bool = True,
        discard_unknown_keys: bool = False,
        validate: bool = True,
    ) -> None:
        self.from_server = from_server
        self.check_type = check_type
        self.discard_unknown_keys = discard_unknown_keys
        self.validate = validate

    @classmethod
    def for_user(
        cls, check_type: bool, configuration: Configuration | None
    ) -> _Context:
        _check_configuration(configuration, "_configuration")
        validate = configuration is None or configuration.client_side_validation
        return cls(from_server=False, check_type=check_type, validate=validate)


def _check_configuration(configuration: object, name: str) -> None:
    """Refuse a ``configuration`` argument that is neither None nor one."""
    from backup_client.configuration import Configuration

    if configuration is not None and not isinstance(configuration, Configuration):
        raise ApiTypeError(
            f"Invalid type for {name!r}: expected Configuration or None, "
            f"got {type(configuration).__name__} {_shown(configuration)}",
            valid_classes=(Configuration, none_type),
        )


def _option_path(path_to_item: Any) -> list[PathItem]:
    """``_path_to_item`` as a list; it must hold only str and int items."""
    if not path_to_item:
        return []
    if not isinstance(path_to_item, (str, bytes)):
        try:
            path = list(path_to_item)
        except TypeError:
            path = None
        if path is not None and all(isinstance(item, (str, int)) for item in path):
            return path
    raise ApiTypeError(
        "Invalid type for '_path_to_item': expected a sequence of str and int, "
        f"got {type(path_to_item).__name__} {_shown(path_to_item)}"
    )


_USER = _Context(from_server=False)


# -- describing types in messages ------------------------------------------


def _type_name(spec: Any) -> str:
    if spec is none_type:
        return "None"
    if isinstance(spec, list):
        return f"list of {_types_text(_as_specs(spec[0]))}"
    if isinstance(spec, dict):
        return f"dict of {_types_text(_as_specs(next(iter(spec.values()))))}"
    return str(spec.__name__)


def _types_text(types: TypeSpecs) -> str:
    return " or ".join(_type_name(spec) for spec in types)


def _as_specs(spec: Any) -> TypeSpecs:
    return spec if isinstance(spec, tuple) else (spec,)


def _type_error(value: Any, types: TypeSpecs, name: str | None) -> ApiTypeError:
    subject = "Invalid type" if name is None else f"Invalid type for {name!r}"
    got = type(value).__name__
    shown = "" if value is None else f" {_shown(value)}"
    return ApiTypeError(
        f"{subject}: expected {_types_text(types)}, got {got}{shown}",
        valid_classes=tuple(t for t in types if isinstance(t, type)),
    )


# -- checking and converting values ----------------------------------------


def _matches_scalar(value: Any, spec: type) -> bool:
    """Whether ``value`` already is of the scalar type ``spec``.

    ``True`` is not an int and ``1.0`` is not an int; an int is a float,
    as it is in JSON and in Python's typing.
    """
    if spec is object:
        return True
    if isinstance(value, bool):
        return spec is bool
    if spec is float:
        return isinstance(value, (int, float))
    if spec is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, spec)


def _parse_date(value: str, spec: type) -> date | datetime:
    from dateutil.parser import isoparse  # only models with dates need it

    try:
        parsed = isoparse(value)
    except (ValueError, OverflowError) as err:
        kind = "date-time" if spec is datetime else "date"
        raise ApiValueError(f"Invalid {kind} {value!r}: {err}") from err
    return parsed if spec is datetime else parsed.date()


def _convert(value: Any, types: TypeSpecs, ctx: _Context) -> Any:
    """Check ``value`` against ``types`` and convert nested models.

    Raises with a path relative to ``value``; callers prepend their key.
    """
    for spec in types:
        if isinstance(spec, list):
            if type(value) is list:
                # Server data is ours to convert in place; a user's is copied.
                items = value if ctx.from_server else list(value)
                return _convert_items(enumerate(value), items, _as_specs(spec[0]), ctx)
        elif isinstance(spec, dict):
            if isinstance(value, dict):
                values = value if ctx.from_server else dict(value)
                inner = _as_specs(next(iter(spec.values())))
                return _convert_items(value.items(), values, inner, ctx)
        elif isinstance(spec, type) and issubclass(spec, ModelNormal):
            if isinstance(value, spec):
                return value
            if isinstance(value, dict):
                return spec._from_dict(value, ctx)
        elif _matches_scalar(value, spec):
            return value
        elif spec in (date, datetime) and isinstance(value, str):
            return _parse_date(value, spec)
    if not ctx.check_type:
        return value
    raise _type_error(value, types, None)


def _convert_items(
    pairs: Iterable[tuple[Any, Any]], out: Any, types: TypeSpecs, ctx: _Context
) -> Any:
    """Convert each ``(key, item)`` of a list or dict into ``out[key]``."""
    key: Any = None
    try:
        for key, item in pairs:
            out[key] = _convert(item, types, ctx)
    except _PATH_ERRORS as err:
        err.path_to_item.insert(0, key)
        raise
    return out


def convert_wire_value(
    value: Any,
    types: TypeSpecs,
    *,
    check_type: bool = True,
    discard_unknown_keys: bool = False,
    path: Iterable[PathItem] = ("received_data",),
) -> Any:
    """Turn a value parsed from a server's JSON into the types ``types`` name.

    Objects become models, lists and dicts are converted element by
    element, everything else is checked.  Errors carry the path from the
    top of the body, in the body's own wire names.
    """
    if check_type and not discard_unknown_keys:
        try:
            return _read_fast(value, types)
        except _NeedsCheck:
            pass  # the checked path below decides, and says what is wrong
    ctx = _Context(
        from_server=True,
        check_type=check_type,
        discard_unknown_keys=discard_unknown_keys,
    )
    try:
        return _convert(value, types, ctx)
    except _PATH_ERRORS as err:
        err.path_to_item[:0] = list(path)
        raise


def parse_json(data: bytes | bytearray | str) -> Any:
    """Parse a JSON text, turning every way it can be broken into ApiValueError.

    ``data`` is text, or UTF-8 in any bytes-like object; anything else
    raises ApiTypeError.
    """
    if not isinstance(data, str):
        data = _decode_utf8(data)
    if data.startswith("\ufeff"):
        data = data[1:]
    try:
        return json.loads(data)
    except json.JSONDecodeError as err:
        raise ApiValueError(
            f"The body is not valid JSON: {err.msg} "
            f"(line {err.lineno}, column {err.colno})"
        ) from err
    except RecursionError:
        raise ApiValueError("The body is not usable: it nests too deeply") from None
    except ValueError as err:
        raise ApiValueError(f"The body is not usable: {err}") from err


def _decode_utf8(data: object) -> str:
    """Bytes-like ``data`` as text; our errors for bad UTF-8 and other types."""
    try:
        # str() takes any bytes-like object and raises TypeError for others.
        text: str = str(data, "utf-8")  # type: ignore[call-overload]
    except UnicodeDecodeError as err:
        raise ApiValueError(
            f"The body is not valid UTF-8: {err.reason} at byte {err.start}"
        ) from err
    except TypeError:
        raise ApiTypeError(
            f"The body must be bytes or str, got {type(data).__name__}"
        ) from None
    return text


# -- writing values out ----------------------------------------------------


def sanitize_for_serialization(obj: Any) -> Any:
    """Turn ``obj`` into a JSON-ready value: models by wire name, dates as ISO.

    Lists, tuples and dicts are walked with a stack of their own rather
    than by recursion, so a value nested as deeply as a JSON body may be
    is written too.  A list or dict that contains itself raises
    ApiValueError.
    """
    if type(obj) in _JSON_SCALARS:
        return obj
    if isinstance(obj, OpenApiModel):
        return obj._to_wire()
    if type(obj) is list:
        # The usual answer, a list of models, is written in one pass.
        try:
            return [
                item._to_wire()
                if isinstance(item, OpenApiModel)
                else _sanitize_flat(item)
                for item in obj
            ]
        except _Nested:
            pass  # it holds lists or dicts: walk it
    if isinstance(obj, (list, tuple, dict)):
        return _rebuild(obj, _sanitize_leaf, (list, tuple, dict))
    return _sanitize_other(obj)


class _Nested(Exception):
    """A list holds a list, tuple or dict, so it needs the full walk."""


def _sanitize_flat(item: Any) -> Any:
    if type(item) in _JSON_SCALARS:
        return item
    if isinstance(item, (list, tuple, dict)):
        raise _Nested
    return sanitize_for_serialization(item)


def _rebuild(obj: Any, leaf: Callable[[Any], Any], containers: tuple[type, ...]) -> Any:
    """Copy the ``containers`` in ``obj``, putting ``leaf(item)`` for other items.

    JSON scalars are kept as they are.  The walk keeps a stack of its own
    instead of recursing, so values nested as deeply as a JSON body may
    be are copied too; a list or dict inside itself raises ApiValueError.
    """
    top = _new_container(obj)
    # Each list or dict being copied: its remaining (key, item) pairs, how
    # to set an item of its copy, and its id.
    stack = [(_items(obj), top.__setitem__, id(obj))]
    open_ids = {id(obj)}
    while stack:
        items, put, ident = stack[-1]
        for key, item in items:
            if type(item) in _JSON_SCALARS:
                put(key, item)
            elif isinstance(item, containers):
                if id(item) in open_ids:
                    raise ApiValueError(
                        "Unable to copy a list or dict that contains itself"
                    )
                inner = _new_container(item)
                put(key, inner)
                stack.append((_items(item), inner.__setitem__, id(item)))
                open_ids.add(id(item))
                break  # copy the inner one first, then come back
            else:
                put(key, leaf(item))
        else:
            stack.pop()
            open_ids.discard(ident)
    return top


def _sanitize_leaf(item: Any) -> Any:
    if isinstance(item, OpenApiModel):
        return item._to_wire()
    return _sanitize_other(item)


def _new_container(obj: Any) -> Any:
    """An empty dict for a dict, a list of the right length for a list or tuple."""
    return {} if isinstance(obj, dict) else [None] * len(obj)


def _items(obj: Any) -> Iterator[tuple[Any, Any]]:
    return iter(obj.items()) if isinstance(obj, dict) else enumerate(obj)


def _sanitize_other(obj: Any) -> Any:
    """Write a value that is neither a model nor a list, tuple or dict."""
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, (str, int, float)):  # subclasses such as enum members
        return obj
    raise ApiValueError(f"Unable to serialize {type(obj).__name__} to JSON")


def _dumps(value: Any, indent: int | str | None) -> str:
    """``json.dumps(value, indent=indent)``, raising only this package's errors.

    A value nested more deeply than the C encoder's share of the stack
    allows is written by :func:`_dumps_iteratively`, which gives the same
    text.
    """
    try:
        return json.dumps(value, indent=indent)
    except RecursionError:
        pass  # written below, outside this handler
    except (TypeError, ValueError) as err:
        raise _write_error(err) from err
    try:
        return _dumps_iteratively(value, indent)
    except (TypeError, ValueError) as err:
        raise _write_error(err) from err


def _write_error(err: Exception) -> ApiTypeError | ApiValueError:
    """Our error for what json.dumps refused: an int too long, a cycle, a type."""
    message = f"Unable to write the value as JSON: {err}"
    if isinstance(err, TypeError):
        return ApiTypeError(message)
    return ApiValueError(message)


def _dumps_iteratively(value: Any, indent: int | str | None) -> str:
    """The text ``json.dumps(value, indent=indent)`` gives, without recursion.

    Lists, tuples and dicts are opened and closed here, with an explicit
    stack; every other value, and every key, is written by json.dumps.
    """
    if indent is not None and not isinstance(indent, str):
        indent = " " * indent
    parts: list[str] = []
    # Each open list or dict: the items to go on with once it is closed,
    # the text that closes it, and its id.
    stack: list[tuple[Iterator[tuple[str, Any]], str, int]] = []
    open_ids: set[int] = set()
    items: Iterator[tuple[str, Any]] = iter([("", value)])
    while True:
        for prefix, item in items:
            parts.append(prefix)
            if not isinstance(item, (list, tuple, dict)) or not item:
                parts.append(json.dumps(item))
                continue
            if id(item) in open_ids:
                raise ValueError("Circular reference detected")
            depth = len(stack)
            opener, closer = ("{", "}") if isinstance(item, dict) else ("[", "]")
            parts.append(opener)
            stack.append((items, _closing(closer, depth, indent), id(item)))
            open_ids.add(id(item))
            items = _item_texts(item, depth + 1, indent)
            break
        else:
            if not stack:
                return "".join(parts)
            items, closing, ident = stack.pop()
            open_ids.discard(ident)
            parts.append(closing)


def _closing(bracket: str, depth: int, indent: str | None) -> str:
    return bracket if indent is None else "\n" + indent * depth + bracket


def _item_texts(
    container: Any, depth: int, indent: str | None
) -> Iterator[tuple[str, Any]]:
    """Each item of a list or dict with the separator (and key) written before it."""
    if indent is None:
        first, between = "", ", "
    else:
        first = "\n" + indent * depth
        between = "," + first
    if isinstance(container, dict):
        for number, (key, item) in enumerate(container.items()):
            separator = between if number else first
            yield f"{separator}{_json_key(key)}: ", item
    else:
        for number, item in enumerate(container):
            yield (between if number else first), item


def _json_key(key: Any) -> str:
    """A dict key as json.dumps writes it: a string, whatever its type."""
    if isinstance(key, str):
        return json.dumps(key)
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(json.dumps(key))
    raise TypeError(
        f"keys must be str, int, float, bool or None, not {type(key).__name__}"
    )


def _to_python(value: Any) -> Any:
    """``value`` with every model in it, in lists and dicts too, as a dict."""
    if isinstance(value, (list, dict)):
        return _rebuild(value, _python_leaf, (list, dict))
    return _python_leaf(value)


def _python_leaf(value: Any) -> Any:
    return value.to_dict() if isinstance(value, ModelNormal) else value


# -- declaring attributes --------------------------------------------------


class _NoType:
    """A type no value has."""


class Attribute:
    """One declared attribute of a model: its names, type and allowed values.

    Reading it on an instance gives the stored value, or None when unset.
    """

    __slots__ = (
        "_exact",
        "allowed",
        "name",
        "nullable",
        "openapi_types",
        "types",
        "wire_name",
    )

    def __init__(
        self,
        wire_name: str,
        type_: TypeSpec,
        *,
        nullable: bool = False,
        allowed: tuple[Any, ...] | None = None,
    ) -> None:
        self.name = wire_name
        self.wire_name = wire_name
        self.nullable = nullable
        self.allowed = allowed
        self.types: TypeSpecs = (type_,)
        # A value of exactly this type needs no further checks.
        self._exact = type_ if type_ in (int, str, bool, float) else _NoType
        self.openapi_types: TypeSpecs = (type_, none_type) if nullable else (type_,)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: ModelNormal | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance._data.get(self.wire_name)

    def __repr__(self) -> str:
        return f"<Attribute {self.name} ({self.wire_name}): {_types_text(self.types)}>"

    def accept(self, value: Any, ctx: _Context) -> Any:
        """Check a value for this attribute and convert nested models.

        ``None`` is accepted for every attribute.  Values a user builds
        must be among the allowed values; values from a server need not.
        """
        if value is None:
            return None
        if type(value) is not self._exact:
            value = self._convert(value, ctx)
        if self.allowed and ctx.validate and not ctx.from_server:
            self._check_allowed(value, self.allowed)
        return value

    def _convert(self, value: Any, ctx: _Context) -> Any:
        try:
            return _convert(value, self.types, ctx)
        except ApiTypeError as err:
            if err.path_to_item:  # the error lies deeper, and says where
                raise
            name = self.wire_name if ctx.from_server else self.name
            raise _type_error(value, (*self.types, none_type), name) from None

    def _check_allowed(self, value: Any, allowed: tuple[Any, ...]) -> None:
        if value not in allowed:
            choices = ", ".join(repr(choice) for choice in allowed)
            raise ApiValueError(
                f"Invalid value for {self.name!r}: {_shown(value)} is not one of "
                f"{choices}"
            )


def attribute(
    wire_name: str,
    type_: TypeSpec,
    *,
    nullable: bool = False,
    allowed: tuple[Any, ...] | None = None,
) -> Any:
    """Declare a model attribute (typed as ``Any`` so the annotation rules)."""
    return Attribute(wire_name, type_, nullable=nullable, allowed=allowed)


# -- compiled fast paths ---------------------------------------------------
#
# Reading a large answer, building many models and writing them out are the
# hot paths.  For each of them a model class compiles, on first use, a
# function of its own: straight-line code over its declared attributes that
# tests each value with an exact ``type()`` check, with no per-value
# dispatch.  A compiled function only ever decides a case the checked path
# would decide the same way; anything else (a wrong type, a value outside
# the allowed ones, an option, a positional argument) raises ``_NeedsCheck``
# and the checked path does the work, so results and errors are identical
# by construction.  Handing over half-way is safe: a compiled reader changes
# a parsed object only by putting models where nested objects were, and the
# checked path takes a model of the right class as it is.


class _NeedsCheck(Exception):
    """A compiled function met a case it leaves to the checked path."""


class _Unset:
    """The default of a keyword the caller did not give."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Any = _Unset()
_SERVER = _Context(from_server=True)

# The constructor's own keywords.  A dict given for a nested model is built
# by keyword only when it has none of them, so that a key such as
# "_check_type" in it is refused as an unknown name, not taken as an option.
_OPTIONS = frozenset(
    {
        "_check_type",
        "_spec_property_naming",
        "_path_to_item",
        "_configuration",
        "_visited_composed_classes",
    }
)

_READER = """\
def read(values):
    if type(values) is not dict:
        raise NeedsCheck
    get = values.get
    try:
{checks}
    except PATH_ERRORS:
        raise NeedsCheck from None
    model = new(cls)
    set_data(model, values)
    return model
"""
_READ_SCALAR = """\
value = get({key!r})
if type(value) is not {type} and value is not None:
    raise NeedsCheck
"""
_READ_FLOAT = """\
value = get({key!r})
if type(value) is not float and type(value) is not int and value is not None:
    raise NeedsCheck
"""
_READ_MODEL = """\
value = get({key!r})
if type(value) is dict:
    values[{key!r}] = read_{number}(value)
elif value is not None:
    raise NeedsCheck
"""
_READ_OTHER = """\
value = get({key!r})
if value is not None:
    values[{key!r}] = accept_{number}(value, SERVER)
"""

# The constructor's parameters are the attributes' python names, which may
# be any identifier not starting with "_" ("type", "dict", "given", ...), so
# every other name it uses starts with "__".
_INIT = """\
def __init__(
    __model,
    /,
    *__args,
{params}
    _check_type=True,
    _spec_property_naming=False,
    _path_to_item=(),
    _configuration=None,
    _visited_composed_classes=(),
    **__kwargs,
):
    __data = {{}}
    try:
        if __args or __kwargs or _configuration is not None or _path_to_item:
            raise __NeedsCheck
        if _check_type is not True or _spec_property_naming:
            raise __NeedsCheck
{checks}
    except (__NeedsCheck, __TypeError, *__PATH_ERRORS):
        __given = __dict(
{given}
        )
        __given = {{
            key: value for key, value in __given.items() if value is not __UNSET
        }}
        __given.update(__kwargs)
        return __model._init_checked(
            __args,
            __given,
            _check_type,
            _spec_property_naming,
            _path_to_item,
            _configuration,
        )
    __set_data(__model, __data)
"""
_INIT_SCALAR = """\
if {name} is not __UNSET:
    if __type({name}) is not __{type} and {name} is not None:
        raise __NeedsCheck
    __data[{key!r}] = {name}
"""
_INIT_FLOAT = """\
if {name} is not __UNSET:
    if __type({name}) is not __float and {name} is not None:
        if __type({name}) is not __int:
            raise __NeedsCheck
    __data[{key!r}] = {name}
"""
_INIT_ALLOWED = """\
if {name} is not __UNSET:
    if __type({name}) is not __type_{number} and {name} is not None:
        raise __NeedsCheck
    if {name} is not None and {name} not in __allowed_{number}:
        raise __NeedsCheck
    __data[{key!r}] = {name}
"""
_INIT_MODEL = """\
if {name} is not __UNSET:
    if __type({name}) is __dict and __OPTIONS.isdisjoint({name}):
        {name} = __type_{number}(**{name})
    elif __type({name}) is not __type_{number} and {name} is not None:
        {name} = __accept_{number}({name}, __USER)
    __data[{key!r}] = {name}
"""
_INIT_OTHER = """\
if {name} is not __UNSET:
    if {name} is not None:
        {name} = __accept_{number}({name}, __USER)
    __data[{key!r}] = {name}
"""
_INIT_ANY = """\
if {name} is not __UNSET:
    __data[{key!r}] = {name}
"""

_WRITER = """\
def to_wire(model):
    if model._unchecked_values:
        return model._to_wire_checked()
    out = model._data.copy()
{conversions}
    return out
"""
_WRITE_OTHER = """\
value = out.get({key!r})
if value is not None:
    out[{key!r}] = sanitize(value)
"""

_SCALAR_TYPES = (int, str, bool)


def _read_fast(value: Any, types: TypeSpecs) -> Any:
    """Read the common response types: a model, or a list or dict of one."""
    if len(types) != 1:
        raise _NeedsCheck
    spec = types[0]
    if isinstance(spec, list):
        read = _reader_for(_as_specs(spec[0]))
        if type(value) is not list:
            raise _NeedsCheck
        value[:] = map(read, value)  # all or nothing: a failure leaves the list
        return value
    if isinstance(spec, dict):
        read = _reader_for(_as_specs(next(iter(spec.values()))))
        if type(value) is not dict:
            raise _NeedsCheck
        value.update([(key, read(item)) for key, item in value.items()])
        return value
    return _reader_for(types)(value)


def _reader_for(types: TypeSpecs) -> Callable[[Any], Any]:
    """The compiled reader of the one model class ``types`` names."""
    cls = types[0]
    if len(types) != 1 or not _is_model_class(cls):
        raise _NeedsCheck
    reader: Callable[[Any], Any] | None = cls.__dict__.get("_read_server")
    if reader is None:
        reader = _compile_reader_once(cls)
    return reader


# Readers are compiled under this lock, so that threads hydrating a model for
# the first time at once wait for its reader rather than race to make it.
_COMPILE_LOCK = _thread.RLock()
# The stand-in of each reader being compiled, for models that refer back to
# it; never published on the class, where another thread could call it.
_COMPILING: dict[type, Callable[[Any], Any]] = {}


def _compile_reader_once(cls: type[ModelNormal]) -> Callable[[Any], Any]:
    """Compile and publish the reader of ``cls``, once, whichever thread asks."""
    with _COMPILE_LOCK:
        reader = cls.__dict__.get("_read_server") or _COMPILING.get(cls)
        if reader is not None:
            return reader
        _COMPILING[cls] = lambda values: cls.__dict__["_read_server"](values)
        try:
            reader = _compile_reader(cls)
        finally:
            del _COMPILING[cls]
        type.__setattr__(cls, "_read_server", reader)
        return reader


def _is_model_class(spec: Any) -> TypeGuard[type[ModelNormal]]:
    return isinstance(spec, type) and issubclass(spec, ModelNormal)


def _compile_reader(cls: type[ModelNormal]) -> Callable[[Any], Any]:
    names: dict[str, Any] = {"cls": cls, "new": object.__new__, "SERVER": _SERVER}
    checks = []
    for number, attr in enumerate(cls._attributes.values()):
        spec = attr.types[0]
        if spec is object:
            continue
        if spec in _SCALAR_TYPES:
            template = _READ_SCALAR
        elif spec is float:
            template = _READ_FLOAT
        elif _is_model_class(spec):
            template = _READ_MODEL
            names[f"read_{number}"] = _reader_for((spec,))
        else:
            template = _READ_OTHER
            names[f"accept_{number}"] = attr.accept
        checks.append(_fill(template, attr, number))
    source = _READER.format(checks=_indent("".join(checks) or "pass\n", 8).rstrip("\n"))
    reader: Callable[[Any], Any] = _compile(source, f"reader of {cls.__name__}", names)
    return reader


def _compile_init(cls: type[ModelNormal]) -> Callable[..., None]:
    attributes = list(cls._attributes.values())
    if any(attr.name.startswith("_") for attr in attributes):
        return _generic_init  # such a name could clash with the options
    names: dict[str, Any] = {
        "__UNSET": _UNSET,
        "__USER": _USER,
        "__OPTIONS": _OPTIONS,
        "__NeedsCheck": _NeedsCheck,
        "__PATH_ERRORS": _PATH_ERRORS,
        "__TypeError": TypeError,
        "__set_data": _set_data,
        "__type": type,
        "__dict": dict,
        "__int": int,
        "__str": str,
        "__bool": bool,
        "__float": float,
    }
    checks = []
    for number, attr in enumerate(attributes):
        spec = attr.types[0]
        if attr.allowed:
            template = _INIT_ALLOWED
            names[f"__allowed_{number}"] = frozenset(attr.allowed)
            names[f"__type_{number}"] = spec
        elif spec is object:
            template = _INIT_ANY
        elif spec in _SCALAR_TYPES:
            template = _INIT_SCALAR
        elif spec is float:
            template = _INIT_FLOAT
        elif _is_model_class(spec):
            template = _INIT_MODEL
            names[f"__type_{number}"] = spec
            names[f"__accept_{number}"] = attr.accept
        else:
            template = _INIT_OTHER
            names[f"__accept_{number}"] = attr.accept
        checks.append(_fill(template, attr, number))
    source = _INIT.format(
        params="".join(f"    {attr.name}=__UNSET,\n" for attr in attributes),
        checks=_indent("".join(checks) or "pass\n", 8).rstrip("\n"),
        given="".join(
            f"            {attr.name}={attr.name},\n" for attr in attributes
        ).rstrip("\n"),
    )
    init: Callable[..., None] = _compile(
        source, f"constructor of {cls.__name__}", names
    )
    return init


def _generic_init(
    model: ModelNormal,
    /,
    *args: Any,
    _check_type: bool = True,
    _spec_property_naming: bool = False,
    _path_to_item: Iterable[PathItem] = (),
    _configuration: Configuration | None = None,
    _visited_composed_classes: tuple[type, ...] = (),
    **kwargs: Any,
) -> None:
    """The constructor of a class whose attribute names the compiler avoids."""
    model._init_checked(
        args,
        kwargs,
        _check_type,
        _spec_property_naming,
        _path_to_item,
        _configuration,
    )


def _compile_writer(cls: type[ModelNormal]) -> Callable[[Any], dict[str, Any]]:
    """Compile the wire writer of one model class.

    Attributes declared as JSON scalars hold JSON scalars, so they are
    copied as they are; every other attribute goes through
    ``sanitize_for_serialization``.  Only a model built with
    ``_check_type=False`` can break that rule, and once a class has one,
    all its models take the checked writer.
    """
    conversions = [
        _fill(_WRITE_OTHER, attr, number)
        for number, attr in enumerate(cls._attributes.values())
        if attr.types[0] not in (*_SCALAR_TYPES, float)
    ]
    source = _WRITER.format(
        conversions=_indent("".join(conversions) or "pass\n", 4).rstrip("\n")
    )
    names = {"sanitize": sanitize_for_serialization}
    writer: Callable[[Any], dict[str, Any]] = _compile(
        source, f"wire writer of {cls.__name__}", names
    )
    return writer


def _fill(template: str, attr: Attribute, number: int) -> str:
    spec = attr.types[0]
    type_name = spec.__name__ if spec in _SCALAR_TYPES else ""
    return template.format(
        key=attr.wire_name, name=attr.name, number=number, type=type_name
    )


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(
        pad + line if line.strip() else line for line in text.splitlines(True)
    )


def _compile(source: str, what: str, names: dict[str, Any]) -> Any:
    """Run ``source`` (one function definition) and return the function.

    Besides ``names``, the code sees the helpers every compiled function
    uses.
    """
    namespace = {
        "NeedsCheck": _NeedsCheck,
        "PATH_ERRORS": _PATH_ERRORS,
        "set_data": _set_data,
        **names,
    }
    exec(compile(source, f"<{what}>", "exec"), namespace)
    name = source.split("(", 1)[0].split()[-1]
    return namespace[name]


# -- the model base classes ------------------------------------------------


# The methods a model class starts with, which compile its own on first use.
_first_use: dict[str, Callable[..., Any]] = {}


class _ModelType(type):
    """Gives every model class fixed storage and its python-prior metadata."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]
    ) -> _ModelType:
        namespace.setdefault("__slots__", ())
        if any(isinstance(base, _ModelType) for base in bases):
            # Each model class compiles its own constructor and writer on
            # first use (a subclass may declare more attributes).
            for method, first_use in _first_use.items():
                namespace.setdefault(method, first_use)
        return super().__new__(mcs, name, bases, namespace)

    def __init__(
        cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]
    ) -> None:
        super().__init__(name, bases, namespace)
        attributes: dict[str, Attribute] = {}
        for base in reversed(cls.__mro__[1:]):
            attributes.update(getattr(base, "_attributes", {}))
        for value in namespace.values():
            if isinstance(value, Attribute):
                attributes[value.name] = value
        cls._attributes = attributes
        cls._by_wire = {attr.wire_name: attr for attr in attributes.values()}
        cls._by_any_name = {**cls._by_wire, **attributes}
        cls._describe(list(attributes.values()))

    def _describe(cls, attributes: list[Attribute]) -> None:
        """Set the class metadata that python-prior models carry."""
        cls.attribute_map = {attr.name: attr.wire_name for attr in attributes}
        cls.openapi_types = {attr.name: attr.openapi_types for attr in attributes}
        cls.allowed_values = {
            (attr.name,): _allowed_values_table(attr)
            for attr in attributes
            if attr.allowed
        }


def _allowed_values_table(attr: Attribute) -> dict[str, Any]:
    table: dict[str, Any] = {"None": None} if attr.nullable else {}
    for value in attr.allowed or ():
        table[str(value).upper()] = value
    return table


def _restore(cls: type[M], data: dict[str, Any]) -> M:
    """Rebuild a copied model from its stored values."""
    instance = cls.__new__(cls)
    _set_data(instance, data)
    return instance


def _restore_flat(cls: type[M], nodes: list[Any]) -> M:
    """Rebuild a pickled or deep-copied model from its flattened values."""
    return _restore(cls, _unflatten(nodes))


# -- values nested deeper than the stack -------------------------------------
#
# A server may send, under a key no model declares, a value nested as deeply
# as json.loads accepts, close to the interpreter's recursion limit.  Pickle
# and deepcopy spend two levels of the stack on each level of such a value,
# and the C code of ``==`` one, so they would fail on what was read without
# trouble.  Models therefore pickle and deep-copy their values as a flat
# list of shallow lists and dicts, and compare them without recursion when
# the stack runs out.


class _Ref(int):
    """In a flattened value: the index of the list or dict that goes here."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Ref, (int(self),))

    def __deepcopy__(self, memo: dict[int, Any]) -> _Ref:
        return self


def _flatten(data: dict[str, Any]) -> list[Any]:
    """``data`` and every list and dict inside it as a flat list of copies.

    Each copy holds a :class:`_Ref` where it held a list or dict; the copy
    of ``data`` comes first.  A list or dict met twice gets one copy, so
    shared and circular references keep their shape.
    """
    nodes: list[Any] = [dict(data)]
    index = {id(data): 0}
    for node in nodes:  # the list grows while it is walked
        for key, item in _items(node):
            if type(item) is list or type(item) is dict:
                ref = index.get(id(item))
                if ref is None:
                    ref = index[id(item)] = len(nodes)
                    nodes.append(item.copy())
                node[key] = _Ref(ref)
    return nodes


def _unflatten(nodes: list[Any]) -> dict[str, Any]:
    """The value :func:`_flatten` took apart, put back together in place."""
    for node in nodes:
        for key, item in _items(node):
            if type(item) is _Ref:
                node[key] = nodes[item]
    root: dict[str, Any] = nodes[0]
    return root


def _deep_equal(left: Any, right: Any) -> bool:
    """``left == right`` for nested lists and dicts, with a stack of its own.

    As with ``==``, an item is equal to itself inside a list or dict (a
    NaN too), but two values that are not lists or dicts are compared.
    """
    if type(left) is not list and type(left) is not dict:
        return bool(left == right)
    pending = [(left, right)]
    while pending:
        one, other = pending.pop()
        if one is other:
            continue
        if type(one) is list and type(other) is list:
            if len(one) != len(other):
                return False
            pending.extend(zip(one, other))
        elif type(one) is dict and type(other) is dict:
            if one.keys() != other.keys():
                return False
            pending.extend((one[key], other[key]) for key in one)
        elif one != other:
            return False
    return True


class OpenApiModel(metaclass=_ModelType):
    """The base of every generated model."""

    _attributes: ClassVar[dict[str, Attribute]]
    _by_wire: ClassVar[dict[str, Attribute]]
    _by_any_name: ClassVar[dict[str, Attribute]]
    attribute_map: ClassVar[dict[str, str]]
    openapi_types: ClassVar[dict[str, TypeSpecs]]
    allowed_values: ClassVar[dict[tuple[str], dict[str, Any]]]
    validations: ClassVar[dict[tuple[str], dict[str, Any]]] = {}
    additional_properties_type: ClassVar[TypeSpecs | None] = (
        bool,
        date,
        datetime,
        dict,
        float,
        int,
        list,
        str,
        none_type,
    )
    discriminator: ClassVar[None] = None
    # Whether a model of this class was ever built with _check_type=False.
    _unchecked_values: ClassVar[bool] = False
    read_only_vars: ClassVar[frozenset[str]] = frozenset()

    def _to_wire(self) -> dict[str, Any]:
        raise NotImplementedError


class ModelNormal(OpenApiModel):
    """A model with declared attributes, built by keyword.

    Attributes are read as ``m.name``, ``m["name"]`` or ``m.get("name")``;
    one that was never set reads None, and ``"name" in m`` tells unset
    from an explicit None.  Keys a server sent that the model does not
    declare are kept and written back; ``m["key"]`` reads them.
    """

    __slots__ = ("_data",)
    _data: dict[str, Any]

    def __init__(
        self,
        /,
        *args: Any,
        _check_type: bool = True,
        _spec_property_naming: bool = False,
        _path_to_item: Iterable[PathItem] = (),
        _configuration: Configuration | None = None,
        _visited_composed_classes: tuple[type, ...] = (),
        **kwargs: Any,
    ) -> None:
        # The first model built of a class compiles that class's own
        # constructor, which every later one uses directly.
        init = _compile_init(type(self))
        type.__setattr__(type(self), "__init__", init)
        init(
            self,
            *args,
            _check_type=_check_type,
            _spec_property_naming=_spec_property_naming,
            _path_to_item=_path_to_item,
            _configuration=_configuration,
            _visited_composed_classes=_visited_composed_classes,
            **kwargs,
        )

    def _init_checked(
        self,
        args: tuple[Any, ...],
        values: dict[str, Any],
        check_type: bool,
        spec_property_naming: bool,
        path_to_item: Iterable[PathItem],
        configuration: Configuration | None,
    ) -> None:
        """Build from keywords the compiled constructor did not decide on."""
        path = _option_path(path_to_item)
        if args:
            raise ApiTypeError(
                f"{type(self).__name__}() takes keyword arguments only, "
                f"got {len(args)} positional",
                path_to_item=path,
            )
        ctx = _Context.for_user(check_type, configuration)
        names = self._by_wire if spec_property_naming else self._attributes
        try:
            data = self._accept_all(values, names, ctx)
        except _PATH_ERRORS as err:
            err.path_to_item[:0] = path
            raise
        _set_data(self, data)

    @classmethod
    def _accept_all(
        cls, values: Mapping[str, Any], names: Mapping[str, Attribute], ctx: _Context
    ) -> dict[str, Any]:
        """Check values a user gave by name; an unknown name is an error.

        The values are stored in the order the attributes are declared,
        whatever order they were given in.
        """
        if not ctx.check_type:
            cls._unchecked_values = True  # see _compile_writer
        data: dict[str, Any] = {}
        key: Any = None
        try:
            for key, value in values.items():
                attr = names.get(key)
                if attr is None:
                    raise cls._unknown_name(key, wire_names=names is cls._by_wire)
                data[attr.wire_name] = attr.accept(value, ctx)
        except _PATH_ERRORS as err:
            err.path_to_item.insert(0, key)
            raise
        return {wire: data[wire] for wire in cls._by_wire if wire in data}

    @classmethod
    def _from_dict(cls: type[M], values: dict[str, Any], ctx: _Context) -> M:
        """Build a model from a dict: a server's wire dict, or a user's."""
        if not ctx.from_server:
            return _restore(cls, cls._accept_all(values, cls._by_any_name, ctx))
        by_wire = cls._by_wire
        unknown: list[str] = []
        key: Any = None
        try:
            for key, value in values.items():
                attr = by_wire.get(key)
                if attr is None:
                    unknown.append(key)
                elif value is not None:
                    converted = attr.accept(value, ctx)
                    if converted is not value:
                        values[key] = converted
        except _PATH_ERRORS as err:
            err.path_to_item.insert(0, key)
            raise
        if unknown and ctx.discard_unknown_keys:
            for key in unknown:
                del values[key]
        return _restore(cls, values)

    @classmethod
    def _unknown_name(
        cls, name: object, *, wire_names: bool = False
    ) -> ApiAttributeError:
        if not isinstance(name, str):
            return ApiAttributeError(
                f"{cls.__name__} has no attribute {_shown(name)}: attribute names "
                f"are str, not {type(name).__name__}"
            )
        message = f"{cls.__name__} has no attribute {name!r}"
        if wire_names:
            message += " (with _spec_property_naming=True, wire names are expected)"
        suggestion = _closest(name, cls._attributes)
        if suggestion and wire_names:
            suggestion = cls._attributes[suggestion].wire_name
        if suggestion:
            message += f"; did you mean {suggestion!r}?"
        return ApiAttributeError(message)

    @classmethod
    def _not_settable(cls, name: object) -> ApiAttributeError:
        if isinstance(name, str) and isinstance(getattr(cls, name, None), property):
            return ApiAttributeError(
                f"{cls.__name__}.{name} is read-only: it is computed from the "
                "declared attributes, so set those instead"
            )
        return cls._unknown_name(name)

    # -- reading -----------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only reached for names the class does not define.
        if name.startswith("__"):
            raise AttributeError(name)
        raise self._unknown_name(name)

    def _lookup(self, name: object) -> Attribute | None:
        return self._by_any_name.get(name) if isinstance(name, str) else None

    def __getitem__(self, name: str) -> Any:
        attr = self._lookup(name)
        if attr is not None:
            return self._data.get(attr.wire_name)
        if isinstance(name, str) and name in self._data:
            return self._data[name]
        raise self._unknown_name(name)

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default`` when it was never set."""
        attr = self._lookup(name)
        if attr is not None:
            return self._data.get(attr.wire_name, default)
        return self._data.get(name, default) if isinstance(name, str) else default

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        attr = self._lookup(name)
        return (name if attr is None else attr.wire_name) in self._data

    def is_known_value(self, name: str) -> bool:
        """Whether the value of ``name`` is one this library knows.

        A newer server may send a value (a new status, say) that the spec
        this library was generated from does not list; it is kept as sent,
        and this method answers False for it.  Unset and None are known.
        """
        attr = self._lookup(name)
        if attr is None:
            raise self._unknown_name(name)
        value = self._data.get(attr.wire_name)
        return value is None or not attr.allowed or value in attr.allowed

    # -- writing -----------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        attr = self._attributes.get(name)
        if attr is None:
            raise self._not_settable(name)
        try:
            self._data[attr.wire_name] = attr.accept(value, _USER)
        except _PATH_ERRORS as err:
            err.path_to_item.insert(0, name)
            raise

    def __setitem__(self, name: str, value: Any) -> None:
        attr = self._lookup(name)
        if attr is None:
            raise self._not_settable(name)
        self.__setattr__(attr.name, value)

    def __delattr__(self, name: str) -> None:
        attr = self._attributes.get(name)
        if attr is None:
            raise self._not_settable(name)
        self._data.pop(attr.wire_name, None)

    # -- comparing, showing, copying -----------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        try:
            return self._data == other._data
        except RecursionError:  # values nested deeper than the stack allows
            return _deep_equal(self._data, other._data)

    __hash__ = None  # type: ignore[assignment]  # models are mutable

    def __repr__(self) -> str:
        try:
            return self._repr_with(repr)
        except (RecursionError, ValueError):  # too deep, or an int too long
            return self._repr_with(_shown)

    def _repr_with(self, show: Callable[[Any], str]) -> str:
        parts = []
        extra = {}
        for key, value in self._data.items():
            attr = self._by_wire.get(key)
            if attr is None:
                extra[key] = value
            else:
                parts.append(f"{attr.name}={show(value)}")
        if extra:
            parts.append(f"**{show(extra)}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore_flat, (type(self), _flatten(self._data)))

    def __copy__(self: M) -> M:
        return _restore(type(self), dict(self._data))

    def __deepcopy__(self: M, memo: dict[int, Any]) -> M:
        from copy import deepcopy

        nodes = deepcopy(_flatten(self._data), memo)
        return _restore_flat(type(self), nodes)

    # -- converting ----------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The set values by python name, nested models as dicts.

        Keys a server sent that the model does not declare keep their
        wire name; an explicit None is kept.  An undeclared key that is
        spelled like a declared python name (``start_time_usecs`` sent as
        a key) is left out, since that name means the declared attribute
        here; ``to_json`` and ``sanitize_for_serialization`` still write it.
        """
        out: dict[str, Any] = {}
        attributes = self._attributes
        for key, value in self._data.items():
            attr = self._by_wire.get(key)
            if attr is not None:
                out[attr.name] = _to_python(value)
            elif key not in attributes:
                out[key] = value
        return out

    def _to_wire(self) -> dict[str, Any]:
        to_wire = _compile_writer(type(self))
        type.__setattr__(type(self), "_to_wire", to_wire)
        return to_wire(self)

    def _to_wire_checked(self) -> dict[str, Any]:
        out = dict(self._data)
        by_wire = self._by_wire
        for key, value in self._data.items():
            if type(value) not in _JSON_SCALARS and key in by_wire:
                out[key] = sanitize_for_serialization(value)
        return out

    def to_json(self, *, indent: int | None = None) -> str:
        """The model as the JSON text a server would send, by wire name.

        A value JSON text cannot carry (an int with more digits than
        Python will print, say) raises ApiValueError.
        """
        return _dumps(self._to_wire(), indent)

    @classmethod
    def from_json(
        cls: type[M], text: str | bytes, *, configuration: Configuration | None = None
    ) -> M:
        """Read a model from JSON text as a server sends it, by wire name.

        Keys the model does not declare are kept (unless the configuration
        discards them) and values the spec does not list are accepted.
        """
        _check_configuration(configuration, "configuration")
        value = parse_json(text)
        discard = configuration is not None and configuration.discard_unknown_keys
        result: M = convert_wire_value(
            value, (cls,), discard_unknown_keys=discard, path=()
        )
        return result


def _closest(name: str, attributes: Mapping[str, Attribute]) -> str | None:
    """The declared python name that ``name`` most likely meant."""
    folded = name.replace("_", "").lower()
    for attr in attributes.values():
        if folded in (attr.name.replace("_", ""), attr.wire_name.lower()):
            return attr.name
    import difflib  # only needed when something was misspelled

    matches = difflib.get_close_matches(name, list(attributes), n=1, cutoff=0.6)
    return matches[0] if matches else None


_set_data = ModelNormal.__dict__["_data"].__set__
_first_use.update(
    __init__=ModelNormal.__dict__["__init__"],
    _to_wire=ModelNormal.__dict__["_to_wire"],
)
