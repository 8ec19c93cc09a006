"""A server on 127.0.0.1 whose answers are made while they are sent.

It serves bodies that the test process never holds whole: endless ones,
fast or a byte at a time, and large JSON lists of attempts made in chunks
from a template.  It counts the bytes it sent and the clients that hung
up on it, so that a test can tell how much a client read before it gave
up, and that it closed the connection.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from servers import ThreadedServer, _Handler

ENDLESS_CHUNK = b"[" + b" " * (64 * 1024 - 1)
"""What an endless body repeats: it opens a JSON list that never closes."""


@dataclass(frozen=True)
class Stream:
    """One answer whose body is produced while it is sent."""

    body: Callable[[], Iterable[bytes]]
    """Makes the pieces of the body, in order."""
    status: int = 200
    length: int | None = None
    """The Content-Length to announce; None sends none and ends the body by
    closing the connection."""
    headers: Mapping[str, str] = field(default_factory=dict)
    pause: float = 0.0
    """Seconds to wait before each piece."""


def endless(pause: float = 0.0, chunk: bytes = ENDLESS_CHUNK) -> Stream:
    """A body without end, sent as fast as the client reads, or with pauses."""
    return Stream(lambda: itertools.repeat(chunk), pause=pause)


def trickle(size: int, pause: float) -> Stream:
    """``size`` bytes of JSON whitespace and a list, a byte per ``pause``."""
    body = b" " * (size - 2) + b"[]"
    return Stream(
        lambda: (body[i : i + 1] for i in range(size)), length=size, pause=pause
    )


def attempts(target_size: int, block_records: int = 2000) -> tuple[Stream, int]:
    """A JSON list of at least ``target_size`` bytes of attempts; and its count.

    The list repeats one block of ``block_records`` attempts, so making it
    takes a block's memory, whatever its size.
    """
    block = b",".join(attempt_json(n) for n in range(block_records))
    blocks = max(1, -(-target_size // (len(block) + 1)))
    length = 2 + blocks * len(block) + (blocks - 1)

    def pieces() -> Iterator[bytes]:
        yield b"["
        yield block
        for _ in range(blocks - 1):
            yield b","
            yield block
        yield b"]"

    headers = {"Content-Type": "application/json"}
    return Stream(pieces, length=length, headers=headers), blocks * block_records


def attempt_json(n: int) -> bytes:
    """Attempt number ``n`` of a block, as compact wire JSON (about 400 bytes)."""
    start = 1_700_000_000_000_000 + n * 1_000_000
    value = {
        "startTimeUsecs": start,
        "endTimeUsecs": start + 600_000_000,
        "admittedTimeUsecs": start + 1_000,
        "permitGrantTimeUsecs": start + 2_000,
        "queueDurationUsecs": 2_000,
        "snapshotCreationTimeUsecs": start + 3_000,
        "status": "Succeeded",
        "stats": {
            "logicalSizeBytes": 10**12 + n,
            "bytesWritten": 10**9 + n,
            "bytesRead": 10**10 + n,
        },
        "progressTaskId": f"task-{n}",
        "message": f"attempt {n} of the nightly protection run finished",
    }
    return json.dumps(value, separators=(",", ":")).encode("ascii")


class _StreamingHandler(_Handler):
    server: StreamingServer

    def do_GET(self) -> None:
        seen = self.read_request()
        stream = self.server.next_stream(seen.path)
        if stream is None:
            self.send_error(404)
            return
        self.send_response(stream.status)
        for name, value in stream.headers.items():
            self.send_header(name, value)
        if stream.length is None:
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(stream.length))
        self.end_headers()
        sent, hung_up = self._send_body(stream)
        self.server.count(seen.path, sent, hung_up)

    def _send_body(self, stream: Stream) -> tuple[int, bool]:
        """Send the pieces; the bytes sent, and whether the client hung up."""
        sent = 0
        try:
            for piece in stream.body():
                if stream.pause and self.server.stopping.wait(stream.pause):
                    break
                if self.server.stopping.is_set():
                    break
                self.wfile.write(piece)
                sent += len(piece)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            return sent, True
        return sent, False


class StreamingServer(ThreadedServer):
    """Answers each path with the streams added for it, in order (else 404).

    The last stream added for a path answers every request after it.
    """

    handler = _StreamingHandler

    def __init__(self) -> None:
        super().__init__()
        self.streams: dict[str, list[Stream]] = {}
        self.sent: Counter[str] = Counter()
        """Body bytes sent, by path."""
        self.hung_up: Counter[str] = Counter()
        """Answers the client stopped reading before their end, by path."""

    def __enter__(self) -> StreamingServer:
        super().__enter__()
        return self

    def add(self, path: str, *streams: Stream) -> None:
        """Answer the next requests for ``path`` with ``streams``."""
        with self._lock:
            self.streams[path] = list(streams)

    def next_stream(self, path: str) -> Stream | None:
        with self._lock:
            streams = self.streams.get(path)
            if not streams:
                return None
            return streams.pop(0) if len(streams) > 1 else streams[0]

    def count(self, path: str, sent: int, hung_up: bool) -> None:
        with self._lock:
            self.sent[path] += sent
            self.hung_up[path] += hung_up
