"""Inputs for the fuzzer: seeds changed a few bytes or a few JSON nodes at a time.

Byte-level changes (a flipped bit, a token such as ``NaN`` or a BOM
inserted, a range dropped or repeated, two inputs spliced) find what the
parser makes of broken text; JSON-aware ones (a value replaced by one of
another type or size, a value nested thousands of levels deep, keys
renamed, added, dropped or repeated) reach the converters behind it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backup_client.models import BackupAttempt, BackupDataStats

__all__ = ["Mutator"]

# Pieces of JSON text that parsers and converters find hard.
TOKENS = [
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e400",
    b"-1e400",
    b"-0",
    b"-0.0",
    b"1.0",
    b"1E2",
    b"true",
    b"false",
    b"null",
    b'"\\ud800"',
    b'"\\udfff"',
    b'"\\u0000"',
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xed\xa0\x80",
    b"\xc3",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b'"',
    b"\\",
    b'"startTimeUsecs":',
    b'"start_time_usecs":',
    b'"stats":',
    b'"status":',
    b'"__class__":',
    b'"_data":',
    b"9223372036854775807",
    b"-9223372036854775808",
    b"18446744073709551616",
]
KEYS = [
    *BackupAttempt._by_wire,
    *BackupDataStats._by_wire,
    *BackupAttempt._attributes,
    "__class__",
    "__dict__",
    "_data",
    "_check_type",
    "_spec_property_naming",
    "path_to_item",
    "received_data",
    "self",
    "__model",
    "",
    "\ud800",
]
DEPTHS = [1, 2, 3, 10, 100, 400, 500, 900, 990, 1000, 2000, 5000]
PLACEHOLDER = "\x00placeholder\x00"


@dataclass
class Mutator:
    """Makes inputs from a corpus by byte-level and JSON-aware changes."""

    rng: random.Random
    corpus: list[bytes]
    max_len: int
    pool: list[bytes] = field(default_factory=list)

    def next_input(self) -> bytes:
        data = self.rng.choice(self.corpus + self.pool)
        for _ in range(self.rng.randint(1, 4)):
            mutation = self.rng.choice(self._mutations())
            try:
                data = mutation(data)[: self.max_len]
            except RecursionError:  # too deep for json to write again here
                data = self._insert_token(data)
        return data

    def keep(self, data: bytes) -> None:
        """Remember an input that hydrated, to mutate further later."""
        if len(self.pool) < 2000:
            self.pool.append(data)
        else:
            self.pool[self.rng.randrange(len(self.pool))] = data

    def _mutations(self) -> list[Callable[[bytes], bytes]]:
        structural: list[Callable[[bytes], bytes]] = [
            self._replace_value,
            self._nest_value,
            self._rename_key,
            self._add_key,
            self._drop_key,
            self._duplicate_key,
            self._rewrite,
        ]
        raw: list[Callable[[bytes], bytes]] = [
            self._flip_bit,
            self._insert_token,
            self._delete_range,
            self._duplicate_range,
            self._splice,
        ]
        return structural * 2 + raw

    # byte-level changes

    def _flip_bit(self, data: bytes) -> bytes:
        if not data:
            return data
        where = self.rng.randrange(len(data))
        flipped = data[where] ^ (1 << self.rng.randrange(8))
        return data[:where] + bytes([flipped]) + data[where + 1 :]

    def _insert_token(self, data: bytes) -> bytes:
        where = self.rng.randint(0, len(data))
        return data[:where] + self.rng.choice(TOKENS) + data[where:]

    def _delete_range(self, data: bytes) -> bytes:
        where = self.rng.randint(0, len(data))
        return data[:where] + data[where + self.rng.randint(1, 16) :]

    def _duplicate_range(self, data: bytes) -> bytes:
        where = self.rng.randint(0, len(data))
        piece = data[where : where + self.rng.randint(1, 64)]
        return data[:where] + piece + data[where:]

    def _splice(self, data: bytes) -> bytes:
        other = self.rng.choice(self.corpus + self.pool)
        return (
            data[: self.rng.randint(0, len(data))]
            + other[self.rng.randint(0, len(other)) :]
        )

    # JSON-aware changes: each parses the input, changes one node and writes
    # it again; an input that does not parse gets a byte-level change.

    def _replace_value(self, data: bytes) -> bytes:
        return self._at_node(data, lambda node: self._value_text())

    def _nest_value(self, data: bytes) -> bytes:
        def nest(node: Any) -> str:
            depth = self.rng.choice(DEPTHS)
            opener, closer = self.rng.choice([("[", "]"), ('{"k":', "}")])
            return opener * depth + _dumps(node) + closer * depth

        return self._at_node(data, nest)

    def _rename_key(self, data: bytes) -> bytes:
        def rename(node: Any) -> str:
            if isinstance(node, dict) and node:
                old = self.rng.choice(list(node))
                node[self.rng.choice(KEYS)] = node.pop(old)
            return _dumps(node)

        return self._at_node(data, rename)

    def _add_key(self, data: bytes) -> bytes:
        def add(node: Any) -> str:
            if not isinstance(node, dict):
                return _dumps(node)
            pairs = [f"{_dumps(k)}:{_dumps(v)}" for k, v in node.items()]
            pairs.append(f"{_dumps(self.rng.choice(KEYS))}:{self._value_text()}")
            return "{" + ",".join(pairs) + "}"

        return self._at_node(data, add)

    def _drop_key(self, data: bytes) -> bytes:
        def drop(node: Any) -> str:
            if isinstance(node, dict) and node:
                del node[self.rng.choice(list(node))]
            return _dumps(node)

        return self._at_node(data, drop)

    def _duplicate_key(self, data: bytes) -> bytes:
        def duplicate(node: Any) -> str:
            if not isinstance(node, dict) or not node:
                return _dumps(node)
            pairs = [f"{_dumps(k)}:{_dumps(v)}" for k, v in node.items()]
            key = self.rng.choice(list(node))
            pairs.insert(
                self.rng.randint(0, len(pairs)), f"{_dumps(key)}:{self._value_text()}"
            )
            return "{" + ",".join(pairs) + "}"

        return self._at_node(data, duplicate)

    def _rewrite(self, data: bytes) -> bytes:
        """Write the same value another way: escapes, spacing, a BOM."""
        value = _loads(data)
        if value is _UNPARSED:
            return self._insert_token(data)
        text = json.dumps(
            value,
            ensure_ascii=self.rng.random() < 0.5,
            indent=self.rng.choice([None, 0, 2, "\t"]),
        )
        encoded = text.encode("utf-8", "surrogatepass")
        return b"\xef\xbb\xbf" + encoded if self.rng.random() < 0.1 else encoded

    def _at_node(self, data: bytes, change: Callable[[Any], str]) -> bytes:
        """Replace one node of the parsed input by the text ``change`` gives."""
        value = _loads(data)
        if value is _UNPARSED:
            return self._insert_token(data)
        holder: list[Any] = [value]
        parent, key = self._pick_node(holder)
        text = change(parent[key])
        parent[key] = PLACEHOLDER
        written = _dumps(holder[0]).replace(_dumps(PLACEHOLDER), text, 1)
        return written.encode("utf-8", "surrogatepass")

    def _pick_node(self, holder: list[Any]) -> tuple[Any, Any]:
        """A random (container, key) of the value in ``holder``, walked down."""
        parent: Any = holder
        key: Any = 0
        for _ in range(self.rng.randint(0, 6)):
            node = parent[key]
            if isinstance(node, list) and node:
                parent, key = node, self.rng.randrange(len(node))
            elif isinstance(node, dict) and node:
                parent, key = node, self.rng.choice(list(node))
            else:
                break
        return parent, key

    def _value_text(self) -> str:
        """JSON text for a value that often is of the wrong type or size."""
        choice = self.rng.randrange(9)
        if choice == 0:
            return self.rng.choice(TOKENS).decode("utf-8", "replace")
        if choice == 1:
            return str(self.rng.choice([0, -1, 2**63, -(2**63) - 1, 2**64, 10**30]))
        if choice == 2:
            return "1" * self.rng.choice([19, 20, 300, 4300, 4301, 6000])
        if choice == 3:
            return _dumps(self.rng.choice([True, 1.0, 1.5, -0.0, "", "x", [], {}]))
        if choice == 4:
            return _dumps(self.rng.choice(["Skipped", "Running", "\ud800", "é" * 50]))
        if choice == 5:
            depth = self.rng.choice(DEPTHS)
            return "[" * depth + "]" * depth
        if choice == 6:
            return _dumps({self.rng.choice(KEYS): self.rng.randint(-5, 5)})
        if choice == 7:
            return _dumps([self.rng.random() for _ in range(self.rng.randint(0, 3))])
        return _dumps(self.rng.choice(self.corpus).decode("utf-8", "replace")[:40])


class _Unparsed:
    """Stands for an input that is not JSON."""


_UNPARSED = _Unparsed()


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8", "surrogatepass").lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return _UNPARSED


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
