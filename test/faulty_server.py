"""A server on 127.0.0.1 that fails at random, as planned, for the stress tests.

Every request names a key as the last segment of its path
(``/attempts/<key>``).  The server answers the n-th request for a key as
:func:`plan` says for that key and n, so a test knows what each call must
end in: its own answer (:func:`wire_attempts`, which echoes the key in
``progressTaskId``), or the error its faults lead to under the client's
retry policy.  The plan is random, but seeded, so a failure can be
replayed.

Run as a script (``python faulty_server.py SEED``) it serves from its own
process, so that its threads do not compete with the client's for the
interpreter lock; it prints its port, serves until its standard input is
closed, then stops and prints how many requests it answered and how many
of its threads were still running after it stopped.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import struct
import sys
import threading
from collections import Counter
from typing import Any

from servers import Reply, ThreadedServer, _Handler

OK = "ok"
"""Answer at once."""
DELAY = "delay"
"""Answer after a pause far shorter than any read timeout."""
RESET = "reset"
"""Read the request, then reset the connection (SO_LINGER 0)."""
TRUNCATE = "truncate"
"""Announce the whole answer, send half of it, then close."""
BUSY = "busy"
"""Answer 503 with ``Retry-After: 0``."""
HANG = "hang"
"""Read the request and never answer, until the client gives up."""
TRICKLE = "trickle"
"""Send the headers, then the body a byte at a time, without end."""

WEIGHTS = {
    OK: 50,
    DELAY: 14,
    RESET: 9,
    TRUNCATE: 9,
    BUSY: 16,
    HANG: 1,
    TRICKLE: 1,
}
"""How often each fault is planned, out of 100."""

MAX_DELAY = 0.03
TRICKLE_PAUSE = 0.1
GIVE_UP = 8.0
"""How long a hanging or trickling answer lasts, should the client not hang up."""

_JSON = {"Content-Type": "application/json; charset=utf-8"}

STATUSES = ("Running", "Succeeded", "Failed", "Canceled", "SucceededWithWarning")
MESSAGES = ("done", "copied é and ü", "took 3 tries", "quota 50 % ✓", "")


def plan(seed: int, key: str, attempt: int) -> str:
    """The fault for request number ``attempt`` (0 first) naming ``key``."""
    rng = random.Random(f"{seed}/{key}/{attempt}")
    return rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]


def delay_for(seed: int, key: str, attempt: int) -> float:
    """The pause before a ``DELAY`` answer, in seconds."""
    return random.Random(f"{seed}/{key}/{attempt}/delay").uniform(0.0, MAX_DELAY)


def wire_attempts(key: str) -> list[dict[str, Any]]:
    """The attempts that the answer for ``key`` lists, as wire JSON values."""
    rng = random.Random(f"attempts/{key}")
    return [
        {
            "progressTaskId": key,
            "startTimeUsecs": rng.randrange(2**53),
            "status": rng.choice(STATUSES),
            "stats": {"bytesRead": rng.randrange(2**40), "bytesWritten": None},
            "message": rng.choice(MESSAGES),
        }
        for _ in range(rng.randint(1, 4))
    ]


def answer_body(key: str) -> bytes:
    return json.dumps(wire_attempts(key), ensure_ascii=False).encode("utf-8")


class _FaultyHandler(_Handler):
    server: FaultyServer

    def do_GET(self) -> None:
        seen = self.read_request()
        key = seen.path.rsplit("/", 1)[-1]
        attempt = self.server.next_try(key)
        fault = plan(self.server.seed, key, attempt)
        if fault in (OK, DELAY):
            if fault == DELAY:
                self.server.stopping.wait(delay_for(self.server.seed, key, attempt))
            self.send_reply(Reply(body=answer_body(key), headers=_JSON))
            return
        self.close_connection = True
        if fault == BUSY:
            self.send_reply(Reply(503, b"busy", {"Retry-After": "0"}))
        elif fault == RESET:
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        elif fault == TRUNCATE:
            body = answer_body(key)
            half = Reply(body=body[: len(body) // 2], headers=_JSON)
            self.send_reply(half, extra_body_bytes=len(body) - len(half.body))
        elif fault == HANG:
            self.server.stopping.wait(GIVE_UP)
        else:
            self._trickle()

    def _trickle(self) -> None:
        """Send a body one byte at a time until the client hangs up."""
        self.send_reply(Reply(headers=_JSON), extra_body_bytes=1_000_000)
        with contextlib.suppress(OSError):
            for _ in range(int(GIVE_UP / TRICKLE_PAUSE)):
                if self.server.stopping.wait(TRICKLE_PAUSE):
                    return
                self.wfile.write(b" ")
                self.wfile.flush()


class FaultyServer(ThreadedServer):
    """Answers ``/attempts/<key>`` as :func:`plan` says for ``seed``."""

    handler = _FaultyHandler

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = seed
        self.tries: Counter[str] = Counter()

    def __enter__(self) -> FaultyServer:
        super().__enter__()
        return self

    def next_try(self, key: str) -> int:
        """Count one more request for ``key``; the number of this one, from 0."""
        with self._lock:
            attempt = self.tries[key]
            self.tries[key] += 1
        return attempt


def main(argv: list[str]) -> int:
    """Serve until standard input closes; report on standard output."""
    with FaultyServer(int(argv[1])) as server:
        print(server.port, flush=True)
        sys.stdin.read()
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    print(f"answered {sum(server.tries.values())} threads left {len(others)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
