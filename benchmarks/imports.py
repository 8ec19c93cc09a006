"""The import workload: what importing the package costs a fresh interpreter.

Each import is timed inside a new ``python -I -c`` process, from just
before the import statement to just after it, so the interpreter's own
start is not counted; that start is measured on its own, for scale.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

from benchmarks.report import Row
from benchmarks.timing import run_python, time_process
from benchmarks.workloads import Context

__all__ = ["IMPORT_LIMIT", "ROOT", "ImportTimes", "imports", "time_imports"]

# The checkout that holds the package and these benchmarks.
ROOT = Path(__file__).resolve().parent.parent

# Most seconds that importing the models may take.
IMPORT_LIMIT = 0.030

# Only ``sys`` and ``time``, both built in, are imported before the clock starts.
_PROBE = """\
import sys
import time
sys.path[:0] = {paths!r}
start = time.perf_counter()
{statement}
elapsed = time.perf_counter() - start
print(elapsed, "urllib3" in sys.modules)
"""

_STATEMENTS = (
    "import backup_client",
    "import backup_client.models",
    "from backup_client.models import BackupAttempt",
)


class ImportTimes:
    """The seconds each run of an import took, and whether it loaded urllib3.

    ``paths`` go in front of ``sys.path`` before the import.
    """

    def __init__(self, statement: str, paths: Sequence[str]) -> None:
        self.statement = statement
        self.code = _PROBE.format(paths=list(paths), statement=statement)
        self.times: list[float] = []
        self.loads_urllib3 = False

    @property
    def median(self) -> float:
        """The median of the runs."""
        return statistics.median(self.times)

    def run(self) -> None:
        """Time the import once more, in a fresh interpreter."""
        # The probe's own output is its last line.
        elapsed, loaded = run_python(self.code).strip().splitlines()[-1].split()
        self.times.append(float(elapsed))
        self.loads_urllib3 |= loaded == "True"


def time_imports(probes: Sequence[ImportTimes], rounds: int) -> None:
    """Time each of ``probes`` ``rounds`` times, taking turns.

    A first, untimed run of each writes the bytecode caches, so every
    timed run finds them.
    """
    for probe in probes:
        run_python(probe.code)
    for _ in range(rounds):
        for probe in probes:
            probe.run()


def imports(ctx: Context) -> list[Row]:
    """Import times of ``backup_client`` and its models, and the bare start-up."""
    rounds = ctx.settings.import_rounds
    results = [ImportTimes(statement, [str(ROOT)]) for statement in _STATEMENTS]
    time_imports(results, rounds)
    startup = statistics.median(
        time_process(["-I", "-c", "pass"]) for _ in range(rounds)
    )
    rows = [_import_row(result) for result in results]
    rows.append(
        Row("import", "interpreter start-up, python -I -c pass", startup, None, "s")
    )
    return rows


def _import_row(result: ImportTimes) -> Row:
    """One import's median; the models' imports have a target to meet."""
    urllib3 = "loads urllib3" if result.loads_urllib3 else "no urllib3"
    measurement = f"{result.statement} ({urllib3})"
    if result.statement == "import backup_client":
        return Row("import", measurement, result.median, None, "s")
    met = result.median <= IMPORT_LIMIT and not result.loads_urllib3
    target = f"<= {IMPORT_LIMIT * 1000:.0f} ms, no urllib3"
    return Row("import", measurement, result.median, None, "s", target, met)
