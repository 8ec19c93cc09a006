"""Docstrings for the generated model classes and their attributes."""

from __future__ import annotations

import re

__all__ = ["docstring"]

INDENT = "    "
# The formatter's line length; the quotes count as part of the line.
LINE_WIDTH = 88


def docstring(text: str, indent: str = INDENT) -> str:
    """``text`` as a docstring for a class body: quoted, indented and wrapped.

    Paragraphs (text between blank lines) stay apart; within one, words are
    filled greedily onto lines no longer than the formatter allows.  A
    method's docstring passes the deeper ``indent`` of its body.
    """
    paragraphs = [_escape(part).split() for part in re.split(r"\n\s*\n", text)]
    paragraphs[-1][-1] += '"""'
    lines = _fill(paragraphs[0], f'{indent}"""', indent)
    for words in paragraphs[1:]:
        lines += ["", *_fill(words, indent, indent)]
    return "\n".join(lines)


def _fill(words: list[str], prefix: str, indent: str) -> list[str]:
    """Lay ``words`` out on lines, the first of which starts with ``prefix``."""
    lines = [prefix + words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= LINE_WIDTH:
            lines[-1] += f" {word}"
        else:
            lines.append(indent + word)
    return lines


def _escape(text: str) -> str:
    """``text`` safe inside triple double quotes, with quotes at either end."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.startswith('"'):
        text = f"\\{text}"
    if text.endswith('"'):
        text = f'{text[:-1]}\\"'
    return text
