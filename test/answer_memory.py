"""Measure, in a fresh process, the memory that reading a large answer takes.

``python answer_memory.py client SIZE`` fetches a JSON list of about SIZE
bytes of attempts from a :class:`StreamingServer` in this process and
hydrates it with ``ApiClient.call_api(..., response_type=([BackupAttempt],))``.
``python answer_memory.py json SIZE`` makes the same bytes in memory and
parses them with ``json.loads``: the baseline.

It prints one JSON object: the body's size, the records read, the peak
resident memory above what the process held just before (``peak``), what
it still held after, the answer included (``kept``), and the seconds taken.
The server sends the body in pieces made from one block of records, so
the process never holds a copy of its own beyond what is measured.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from streaming_server import StreamingServer, attempts

from backup_client import ApiClient, Configuration
from backup_client.models import BackupAttempt


def memory(field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (the peak), in bytes, from /proc."""
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name == field:
                return int(value.split()[0]) * 1024
    raise LookupError(field)


def reset_peak() -> None:
    """Make the peak the current size, where Linux allows it."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def measured(work: Callable[[], Any]) -> dict[str, Any]:
    gc.collect()
    reset_peak()
    before = memory("VmRSS")
    started = time.monotonic()
    result = work()
    seconds = time.monotonic() - started
    return {
        "records": len(result),
        "peak": memory("VmHWM") - before,
        "kept": memory("VmRSS") - before,
        "seconds": seconds,
        "first": result[0] if isinstance(result[0], dict) else result[0].to_dict(),
    }


def through_client(size: int) -> dict[str, Any]:
    stream, _ = attempts(size)
    with StreamingServer() as server, ApiClient(Configuration(host=server.url)) as c:
        server.add("/attempts", stream)
        c.rest_client  # noqa: B018 (create the pool before measuring)
        report = measured(
            lambda: c.call_api(
                "/attempts",
                "GET",
                response_type=([BackupAttempt],),
                _return_http_data_only=True,
            )
        )
    return {"size": stream.length, **report}


def through_json_loads(size: int) -> dict[str, Any]:
    stream, _ = attempts(size)
    buffer = io.BytesIO()
    for piece in stream.body():
        buffer.write(piece)
    body = buffer.getvalue()  # the buffer's own bytes: no second copy
    del buffer
    return {"size": len(body), **measured(lambda: json.loads(body))}


def main(argv: list[str]) -> int:
    how = {"client": through_client, "json": through_json_loads}[argv[1]]
    print(json.dumps(how(int(argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
