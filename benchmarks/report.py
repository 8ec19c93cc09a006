"""Results: one row per measurement, shown as a table, markdown or JSON."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Row",
    "machine",
    "machine_line",
    "render_markdown",
    "render_text",
    "write_json",
]

_HEADINGS = ("workload", "measurement", "ours", "baseline", "ratio", "target", "met")


@dataclass(frozen=True)
class Row:
    """One measurement of our code and, where one applies, of its baseline.

    ``unit`` is ``"s"`` for times (kept in seconds, shown in ms or s) or
    ``"B"`` for bytes per record.  ``met`` is None where there is no
    target to meet.
    """

    workload: str
    measurement: str
    ours: float
    baseline: float | None
    unit: str
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        """Ours over the baseline; None where there is no comparable baseline."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.ours / self.baseline

    def cells(self) -> tuple[str, ...]:
        """The row as the table shows it, one text per heading."""
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.2f}x"
        met = {None: "", True: "yes", False: "NO"}[self.met]
        baseline = "" if self.baseline is None else _amount(self.baseline, self.unit)
        return (
            self.workload,
            self.measurement,
            _amount(self.ours, self.unit),
            baseline,
            ratio,
            self.target,
            met,
        )


def _amount(value: float, unit: str) -> str:
    """A time in ms (or s from a second up), or a byte count."""
    if unit == "B":
        return f"{value:,.0f} B"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:,.1f} ms"


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def machine_line(info: dict[str, Any]) -> str:
    """The machine in one line."""
    return (
        f"{info['implementation']} {info['python']} on {info['platform']}, "
        f"{info['cpus']} CPUs"
    )


def render_text(rows: Sequence[Row]) -> str:
    """The rows as a plain table with aligned columns."""
    table = [_HEADINGS, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in table) for column in range(7)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths))
        for line in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def render_markdown(rows: Sequence[Row]) -> str:
    """The rows as a markdown table, as the README shows them."""
    lines = [_markdown_line(_HEADINGS), _markdown_line(("---",) * 7)]
    lines += [_markdown_line(row.cells()) for row in rows]
    return "\n".join(lines)


def _markdown_line(cells: Sequence[str]) -> str:
    """One markdown table line; a ``|`` in a cell is escaped."""
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def write_json(
    path: Path, info: dict[str, Any], settings: dict[str, Any], rows: Sequence[Row]
) -> None:
    """Write the machine, the settings and every row (ratio included) to ``path``."""
    results = [{**asdict(row), "ratio": row.ratio} for row in rows]
    document = {"machine": info, "settings": settings, "results": results}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
