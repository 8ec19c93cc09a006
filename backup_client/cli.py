"""The ``backup-client`` command: read, check and fetch the platform's answers.

::

    backup-client decode [FILE|-] [--type MODEL] [--list] [--format table|json]
    backup-client validate [FILE|-] [--type MODEL] [--list]
    backup-client fetch PATH --host URL [--header NAME=VALUE]... [--timeout S]
    backup-client fetch --demo

Every body goes through the library as a server's answer does:
``ApiClient.deserialize``, so what the command accepts, keeps and refuses
is what code using the library sees.  ``--format json`` writes the
hydrated answer back as JSON; ``--format table`` shows it for people, with
every character a server could use to drive the terminal made visible.

Errors are one line on stderr, ``backup-client: WHERE: WHAT``, and the exit
status says what kind of failure it was (see ``EXIT_STATUSES``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import re
import sys
import textwrap
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import IO, Any, NoReturn, TextIO
from urllib.parse import urlsplit, urlunsplit

from backup_client import __version__
from backup_client.api_client import ApiClient
from backup_client.configuration import Configuration
from backup_client.exceptions import (
    ApiConnectionError,
    ApiException,
    ApiTypeError,
    ApiValueError,
)
from backup_client.model_utils import ModelNormal
from backup_client.models import BackupAttempt, BackupAttemptStatus, BackupDataStats
from backup_client.rest import RESTResponse

__all__ = ["main"]

PROG = "backup-client"

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_HTTP_ERROR = 4
EXIT_INTERRUPTED = 130

EXIT_STATUSES = f"""\
exit status:
  {EXIT_OK}    success; for validate: the body is valid
  {EXIT_INVALID}    the body is invalid: not JSON, not UTF-8, nested too deeply,
       or a value of the wrong type (the message says where)
  {EXIT_USAGE}    usage error, or a file that cannot be read
  {EXIT_UNREACHABLE}    the server could not be reached or did not answer in time:
       refused, timed out, TLS or proxy failure
  {EXIT_HTTP_ERROR}    the server answered with a status other than 2xx
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
"""

MODELS: dict[str, type[ModelNormal]] = {
    "BackupAttempt": BackupAttempt,
    "BackupDataStats": BackupDataStats,
}

DEMO_PATH = "/backup-attempts"
DEMO_SAMPLE = "attempts_all_statuses.json"

MESSAGE_WIDTH = 40
"""The most columns a message takes in a table; longer ones are shortened."""

ERROR_BODY_WIDTH = 200
"""How much of an error answer's body the error line shows."""

READ_CHUNK = 64 * 1024
HELP_WIDTH = 78

_JSON_SPACE = b" \t\r\n"
_UTF8_BOM = b"\xef\xbb\xbf"
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class CommandError(Exception):
    """A failure to report as one line on stderr, with its exit status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# -- showing text from a server safely ----------------------------------------

# Characters that move the cursor, recolour or clear the terminal, or
# reorder what follows (the bidirectional overrides and isolates).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LINE_SEPARATORS = frozenset("\u2028\u2029")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def is_control(char: str) -> bool:
    """Whether ``char`` would act on a terminal rather than show on it."""
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or char in _BIDI_CONTROLS
        or char in _LINE_SEPARATORS
    )


def escape_char(char: str) -> str:
    """``char`` as text a terminal shows: itself, or a visible escape."""
    if not is_control(char):
        return char
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def char_width(char: str) -> int:
    """The columns ``char`` takes on a terminal: 0, 1, or 2 for wide ones."""
    if unicodedata.combining(char) or char == "\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """The columns ``text`` takes on a terminal."""
    return sum(char_width(char) for char in text)


def display(text: str, width: int | None = None) -> str:
    """``text`` made safe to print, shortened with an ellipsis to ``width``."""
    pieces = [escape_char(char) for char in text]
    if width is None or sum(text_width(p) for p in pieces) <= width:
        return "".join(pieces)
    kept, used = [], 0
    for piece in pieces:
        used += text_width(piece)
        if used > width - 1:
            break
        kept.append(piece)
    return "".join(kept) + "\u2026"


# -- formatting values ---------------------------------------------------------

_IEC_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")


def human_bytes(count: int) -> str:
    """A byte count in IEC units: ``512 B``, ``1.5 KiB``, ``49.0 GiB``."""
    if count < 0:
        return "-" + human_bytes(-count)
    if count < 1024:
        return f"{count} B"
    value = float(count)
    for unit in _IEC_UNITS:
        value /= 1024
        if round(value, 1) < 1024 or unit == _IEC_UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable: the last unit always returns")


def human_duration(duration: timedelta) -> str:
    """A length of time for people: ``0.4s``, ``1.1s``, ``3m 12s``, ``2h 5m``."""
    usecs = duration // timedelta(microseconds=1)
    if usecs < 0:
        return "-" + human_duration(-duration)
    tenths = (usecs + 50_000) // 100_000
    if tenths < 600:
        return f"{tenths // 10}.{tenths % 10}s"
    seconds = (usecs + 500_000) // 1_000_000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {seconds}s"


def utc_time(moment: datetime) -> str:
    """An aware UTC datetime as ``2024-04-05 19:34:38``."""
    return moment.isoformat(sep=" ", timespec="seconds")[:19]


def plural(count: int, noun: str) -> str:
    """``1 attempt``, ``2 attempts``."""
    return f"{count} {noun if count == 1 else noun + 's'}"


# -- progress on a terminal ------------------------------------------------------


class Progress:
    """A status line on stderr for reads that take a while.

    Nothing is written unless ``stream`` is a terminal, nor before
    ``delay`` seconds have passed: quick reads and piped runs stay
    silent.  The line is rewritten in place with ``\\r`` at most every
    ``interval`` seconds, and :meth:`clear` erases it before any output.
    Its methods may be called from several threads.
    """

    def __init__(
        self,
        stream: TextIO,
        label: str,
        *,
        delay: float = 0.5,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = stream.isatty()
        self._stream = stream
        self._label = label
        self._delay = delay
        self._interval = interval
        self._clock = clock
        self._started = clock()
        self._last_shown: float | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.clear()

    def update(self, done: int) -> None:
        """Show that ``done`` bytes have come in, if it is time to."""
        if not self.enabled:
            return
        now = self._clock()
        last = self._last_shown
        if now - self._started < self._delay:
            return
        if last is not None and now - last < self._interval:
            return
        self._show(f"{self._label}: {human_bytes(done)}", now)

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """Show the label alone if the block is still running after the delay.

        For a wait with nothing to count, such as a server that is slow to
        answer; a timer thread shows the line, and is ended with the block.
        """
        if not self.enabled:
            yield
            return
        timer = threading.Timer(self._delay, self._show_label)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            timer.join()

    def clear(self) -> None:
        """Erase the status line, if one was shown."""
        with self._lock:
            if self._last_shown is not None:
                self._write("\r\x1b[K")
                self._last_shown = None

    def _show_label(self) -> None:
        self._show(f"{self._label} \u2026", self._clock())

    def _show(self, text: str, now: float) -> None:
        with self._lock:
            self._write(f"\r{display(text)}\x1b[K")
            self._last_shown = now

    def _write(self, text: str) -> None:
        # A terminal that went away is no reason to fail the command.
        with contextlib.suppress(OSError, ValueError):
            self._stream.write(text)
            self._stream.flush()


# -- reading bodies ----------------------------------------------------------


def read_chunks(chunks: Iterable[bytes], progress: Progress) -> bytes:
    """Join ``chunks``, reporting the bytes read so far to ``progress``."""
    parts, done = [], 0
    for chunk in chunks:
        parts.append(chunk)
        done += len(chunk)
        progress.update(done)
    return b"".join(parts)


def _chunks_of(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(READ_CHUNK):
        yield chunk


def source_name(path: str) -> str:
    """How messages name the input: its path, or ``stdin`` for ``-``."""
    return "stdin" if path == "-" else display(path)


def read_source(path: str, stderr: TextIO) -> bytes:
    """The bytes of file ``path``, or of stdin for ``-``.

    :raises CommandError: the file cannot be read (exit status 2).
    """
    name = source_name(path)
    with Progress(stderr, f"reading {name}") as progress:
        if path == "-":
            return read_chunks(_chunks_of(sys.stdin.buffer), progress)
        try:
            with open(path, "rb") as handle:
                return read_chunks(_chunks_of(handle), progress)
        except OSError as err:
            reason = err.strerror or type(err).__name__
            raise CommandError(EXIT_USAGE, f"cannot read {name}: {reason}") from err


# -- hydrating -----------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """An answer's body as ``ApiClient.deserialize`` reads it."""

    data: bytes
    content_type: str | None = None

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """The Content-Type the body came with; no other header is kept."""
        if name.lower() == "content-type" and self.content_type is not None:
            return self.content_type
        return default


def _json_text_start(data: bytes) -> bytes:
    """``data`` from its first character that is not a BOM or white space."""
    text = data[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    return text.lstrip(_JSON_SPACE)


def looks_like_list(data: bytes) -> bool:
    """Whether the JSON text ``data`` holds an array at its top."""
    return _json_text_start(data).startswith(b"[")


def is_blank(data: bytes) -> bool:
    """Whether ``data`` holds nothing but white space (and a BOM)."""
    return not _json_text_start(data)


def hydrate(body: Body, model: type[ModelNormal], as_list: bool, where: str) -> Any:
    """The body as a ``model``, or a list of them when ``as_list``.

    :raises CommandError: the body is invalid (exit status 1), with the
        library's message, which names where in the body the fault is,
        after ``where``, which names the body.
    """
    response_type: Any = ([model],) if as_list else (model,)
    with ApiClient() as client:
        try:
            return client.deserialize(body, response_type, True)
        except (ApiTypeError, ApiValueError) as err:
            raise CommandError(EXIT_INVALID, f"{where}: {display(str(err))}") from err


def records_of(value: Any) -> list[ModelNormal]:
    """The models of a hydrated answer: the list's items, or the one model."""
    return list(value) if isinstance(value, list) else [value]


# -- writing out -----------------------------------------------------------------


def to_json(value: Any) -> str:
    """The hydrated answer as wire JSON, as the server sent it, indented."""
    try:
        wire = ApiClient.sanitize_for_serialization(value)
        return json.dumps(wire, ensure_ascii=False, indent=2) + "\n"
    except RecursionError:
        message = "the body nests too deeply to be written out as JSON"
        raise CommandError(EXIT_INVALID, message) from None


def unknown_keys(model: ModelNormal, prefix: str = "") -> list[str]:
    """The keys of ``model`` (nested models included) its class does not declare.

    Nested keys are named by path, such as ``stats.dedupRatio``.
    """
    declared = type(model).attribute_map
    wire = ApiClient.sanitize_for_serialization(model)
    found = [prefix + key for key in wire if key not in declared.values()]
    for name, wire_name in declared.items():
        value = model.get(name)
        if isinstance(value, ModelNormal):
            found += unknown_keys(value, f"{prefix}{wire_name}.")
    return found


Row = Sequence[str]


def render_table(headers: Row, rows: Sequence[Row]) -> list[str]:
    """Columns padded to their widest cell, two spaces apart."""
    widths = [
        max(text_width(cells[i]) for cells in (headers, *rows))
        for i in range(len(headers))
    ]
    return [
        "  ".join(
            cell + " " * (width - text_width(cell))
            for cell, width in zip(cells, widths)
        ).rstrip()
        for cells in (headers, *rows)
    ]


def _or_dash(value: Any, show: Callable[[Any], str]) -> str:
    return "-" if value is None else show(value)


def _helper_cell(
    read: Callable[[], Any], usecs: int | None, show: Callable[[Any], str]
) -> str:
    """A time helper's value shown; the raw number when it is out of range."""
    try:
        value = read()
    except (ApiValueError, ApiTypeError):
        return f"(out of range: {usecs})"
    return _or_dash(value, show)


def status_cell(status: str | None) -> str:
    """The status, marked when this library does not know it."""
    if status is None:
        return "-"
    if BackupAttemptStatus.is_known(status):
        return status
    shown = display(status, MESSAGE_WIDTH) or '""'
    return f"{shown} (unknown)"


ATTEMPT_HEADERS = (
    "STATUS",
    "START (UTC)",
    "END (UTC)",
    "QUEUED",
    "READ",
    "WRITTEN",
    "MESSAGE",
)
STATS_HEADERS = ("LOGICAL SIZE", "WRITTEN", "READ")


def attempt_row(attempt: BackupAttempt) -> Row:
    """The table cells of one attempt."""
    stats = attempt.stats
    return (
        status_cell(attempt.status),
        _helper_cell(lambda: attempt.start_time, attempt.start_time_usecs, utc_time),
        _helper_cell(lambda: attempt.end_time, attempt.end_time_usecs, utc_time),
        _helper_cell(
            lambda: attempt.queue_duration,
            attempt.queue_duration_usecs,
            human_duration,
        ),
        _or_dash(None if stats is None else stats.bytes_read, human_bytes),
        _or_dash(None if stats is None else stats.bytes_written, human_bytes),
        _or_dash(attempt.message, lambda text: display(text, MESSAGE_WIDTH)),
    )


def stats_row(stats: BackupDataStats) -> Row:
    """The table cells of one BackupDataStats."""
    return (
        _or_dash(stats.logical_size_bytes, human_bytes),
        _or_dash(stats.bytes_written, human_bytes),
        _or_dash(stats.bytes_read, human_bytes),
    )


def status_summary(attempts: Sequence[BackupAttempt]) -> list[str]:
    """How many attempts, how many per status, and which statuses are new."""
    counts = Counter(attempt.status for attempt in attempts)
    total = plural(len(attempts), "attempt")
    per_status = ", ".join(
        f"{count} {'without status' if status is None else status_cell(status)}"
        for status, count in counts.items()
    )
    lines = [f"{total}: {per_status}" if per_status else total]
    unknown = [
        f"{display(status)} ({plural(count, 'attempt')})"
        for status, count in counts.items()
        if status is not None and not BackupAttemptStatus.is_known(status)
    ]
    if unknown:
        lines.append("statuses this library does not know: " + ", ".join(unknown))
    return lines


def unknown_keys_summary(records: Sequence[ModelNormal], noun: str) -> list[str]:
    """Which undeclared keys came, and in how many records, if any did."""
    counts = Counter(
        key for record in records for key in dict.fromkeys(unknown_keys(record))
    )
    if not counts:
        return []
    parts = [
        f"{display(key)} (in {plural(count, noun)})"
        for key, count in sorted(counts.items(), key=lambda item: -item[1])
    ]
    return ["keys this library does not know, kept as sent: " + ", ".join(parts)]


def table_text(records: Sequence[ModelNormal], model: type[ModelNormal]) -> str:
    """The table of ``records``, then the summary lines."""
    if model is BackupAttempt:
        attempts = [r for r in records if isinstance(r, BackupAttempt)]
        lines = render_table(ATTEMPT_HEADERS, [attempt_row(a) for a in attempts])
        summary = status_summary(attempts)
        noun = "attempt"
    else:
        stats = [r for r in records if isinstance(r, BackupDataStats)]
        lines = render_table(STATS_HEADERS, [stats_row(s) for s in stats])
        summary = [plural(len(stats), "stats object")]
        noun = "object"
    summary += unknown_keys_summary(records, noun)
    return "\n".join([*lines, "", *summary]) + "\n"


def write_output(text: str, *, utf8: bool) -> None:
    """Write ``text`` to stdout: as UTF-8 bytes, or in the terminal's encoding.

    JSON is always UTF-8.  A table is written in stdout's own encoding,
    with characters it cannot encode written as escapes.
    """
    stdout = sys.stdout
    if utf8:
        stdout.flush()
        stdout.buffer.write(text.encode("utf-8"))
        stdout.buffer.flush()
        return
    if isinstance(stdout, io.TextIOWrapper):
        stdout.reconfigure(errors="backslashreplace")
    stdout.write(text)
    stdout.flush()


# -- the commands ------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """How a body is read: as which model, and whether it must be a list."""

    model: type[ModelNormal]
    force_list: bool

    def hydrate(self, body: Body, where: str) -> Any:
        """The hydrated body; a top-level array is a list unless forced."""
        if is_blank(body.data):
            raise CommandError(EXIT_INVALID, f"{where}: the body is empty")
        as_list = self.force_list or looks_like_list(body.data)
        return hydrate(body, self.model, as_list, where)


def reading_of(args: argparse.Namespace) -> Reading:
    """The reading that ``--type`` and ``--list`` ask for."""
    return Reading(MODELS[args.type], bool(args.list))


def show(value: Any, model: type[ModelNormal], output_format: str) -> None:
    """Write the hydrated answer to stdout as a table or as JSON."""
    if output_format == "json":
        write_output(to_json(value), utf8=True)
    else:
        write_output(table_text(records_of(value), model), utf8=False)


def run_decode(args: argparse.Namespace, stderr: TextIO) -> int:
    """``decode``: read a body, hydrate it, show it."""
    reading = reading_of(args)
    data = read_source(args.file, stderr)
    value = reading.hydrate(Body(data), source_name(args.file))
    show(value, reading.model, args.format)
    return EXIT_OK


def run_validate(args: argparse.Namespace, stderr: TextIO) -> int:
    """``validate``: hydrate a body; say on stderr that it is valid."""
    reading = reading_of(args)
    data = read_source(args.file, stderr)
    value = reading.hydrate(Body(data), source_name(args.file))
    what = f"one {reading.model.__name__}"
    if isinstance(value, list):
        what = f"a list of {len(value)} {reading.model.__name__}"
    report(stderr, f"{source_name(args.file)}: valid: {what}")
    return EXIT_OK


@dataclass(frozen=True)
class FetchRequest:
    """A GET to send, and how to send it."""

    host: str
    path: str
    headers: dict[str, str]
    timeout: float | None = None
    retries: int | None = None
    ca_cert: str | None = None

    @property
    def where(self) -> str:
        """``GET URL`` for messages, without credentials or query."""
        return f"GET {safe_url(self.host + self.path)}"


def safe_url(url: str) -> str:
    """``url`` without user, password, query or fragment, safe to print."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return display(urlunsplit((parts.scheme, host, parts.path, "", "")))


def configuration_for(request: FetchRequest) -> Configuration:
    """A configuration for ``request``: host, timeout, retries and CA."""
    config = Configuration(host=request.host, ssl_ca_cert=request.ca_cert)
    if request.timeout is not None:
        config.timeout = request.timeout
    if request.retries is not None:
        config.retries = request.retries
    return config


def request_headers(given: dict[str, str]) -> dict[str, str]:
    """The headers to send: the user's, and JSON as the accepted type."""
    if any(name.lower() == "accept" for name in given):
        return dict(given)
    return {"Accept": "application/json", **given}


def fetch_body(request: FetchRequest, stderr: TextIO) -> Body:
    """GET the body through ``ApiClient``, with progress on a terminal.

    The body is read as ``call_api`` reads one, so the read timeout bounds
    all of it: a server that streams without end is cut off.

    :raises ApiException: no answer, or a non-2xx one.
    :raises CommandError: the request cannot be sent as given (status 2),
        or the body cannot be read (status 1).
    """
    progress = Progress(stderr, f"waiting for {request.where}")
    with ApiClient(configuration_for(request)) as client, progress:
        with progress.waiting():
            response = send(client, request)
        try:
            data = response.read_body(progress.update)
        except ApiValueError as err:  # the body could not be decoded
            raise CommandError(EXIT_INVALID, display(str(err))) from err
        finally:
            response.release_conn()
    return Body(data, response.getheader("Content-Type"))


def send(client: ApiClient, request: FetchRequest) -> RESTResponse:
    """Send ``request``; return the answer with its body still unread."""
    try:
        response: RESTResponse = client.call_api(
            request.path,
            "GET",
            header_params=request_headers(request.headers),
            _preload_content=False,
        )
    except ApiValueError as err:
        raise CommandError(EXIT_USAGE, display(str(err))) from err
    return response


def http_error_message(request: FetchRequest, err: ApiException) -> str:
    """One line for a non-2xx answer: status, reason, start of the body."""
    text = f"{request.where} answered {err.status}"
    if err.reason:
        text += f" {display(err.reason)}"
    if err.body:
        excerpt = " ".join(err.body.decode("utf-8", "replace").split())
        text += f": {display(excerpt, ERROR_BODY_WIDTH)}"
    return text


def fetch(request: FetchRequest, reading: Reading, stderr: TextIO) -> Any:
    """The hydrated answer to ``request``.

    :raises CommandError: with status 3 when no answer came, 4 for a
        non-2xx answer, 1 for an invalid body, 2 for a bad request.
    """
    try:
        body = fetch_body(request, stderr)
    except ApiConnectionError as err:
        raise CommandError(EXIT_UNREACHABLE, display(str(err))) from err
    except ApiException as err:
        raise CommandError(EXIT_HTTP_ERROR, http_error_message(request, err)) from err
    return reading.hydrate(body, f"answer to {request.where}")


def fetch_request_of(args: argparse.Namespace) -> FetchRequest:
    """The request the fetch options describe; PATH gets a leading '/'."""
    path = args.path if args.path.startswith("/") else "/" + args.path
    return FetchRequest(
        host=args.host.rstrip("/"),
        path=path,
        headers=dict(args.header or ()),
        timeout=args.timeout,
        retries=args.retries,
        ca_cert=args.ca_cert,
    )


def run_fetch(args: argparse.Namespace, stderr: TextIO) -> int:
    """``fetch``: GET a path from a server, hydrate the answer, show it."""
    if args.demo:
        return run_demo(args, stderr)
    if args.path is None or args.host is None:
        message = "fetch needs PATH and --host URL, or --demo"
        raise CommandError(EXIT_USAGE, f"{message} (see '{PROG} fetch --help')")
    if args.ca_cert is not None:
        check_readable(args.ca_cert, "the CA file")
    reading = reading_of(args)
    value = fetch(fetch_request_of(args), reading, stderr)
    show(value, reading.model, args.format)
    return EXIT_OK


def demo_answer() -> bytes:
    """The sample answer the demo serves, shipped inside the package."""
    return (resources.files("backup_client.samples") / DEMO_SAMPLE).read_bytes()


def run_demo(args: argparse.Namespace, stderr: TextIO) -> int:
    """``fetch --demo``: fetch the sample answer from a local stub server."""
    if args.path is not None or args.host is not None:
        message = "fetch --demo takes no PATH and no --host"
        raise CommandError(EXIT_USAGE, f"{message} (see '{PROG} fetch --help')")
    from backup_client.testing import StubServer

    reading = reading_of(args)
    with StubServer() as server:
        server.add(
            "GET",
            DEMO_PATH,
            body=demo_answer(),
            headers={"Content-Type": "application/json"},
        )
        request = FetchRequest(server.url, DEMO_PATH, {}, args.timeout, args.retries)
        value = fetch(request, reading, stderr)
    show(value, reading.model, args.format)
    return EXIT_OK


def check_readable(path: str, what: str) -> None:
    """Fail with status 2 unless file ``path`` can be opened for reading."""
    try:
        with open(path, "rb"):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        message = f"cannot read {what} {display(path)}: {reason}"
        raise CommandError(EXIT_USAGE, message) from err


# -- the command line ----------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, as all errors are."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{PROG}: {message} (see '{self.prog} --help')\n")


def header_pair(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` as a header; the value is never repeated in an error."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not _HEADER_NAME.fullmatch(name):
        raise argparse.ArgumentTypeError(
            "expected NAME=VALUE with a header name before the '=', "
            "such as 'apiKey=...'"
        )
    return name, value


def http_url(text: str) -> str:
    """An http:// or https:// URL with a host."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            "expected an http:// or https:// URL, such as https://cluster.example.com/v2"
        )
    return text


def positive_seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds < math.inf):
        raise argparse.ArgumentTypeError(
            f"expected a positive number of seconds, got {text!r}"
        )
    return seconds


def retry_count(text: str) -> int:
    """A number of retries, 0 or more."""
    if not re.fullmatch(r"[0-9]+", text):
        raise argparse.ArgumentTypeError(f"expected a number, 0 or more, got {text!r}")
    return int(text)


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--type",
        choices=sorted(MODELS),
        default="BackupAttempt",
        help="the model the body holds (default: %(default)s)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="the body must be a JSON array of the model; without this option "
        "an array is read as a list and an object as one model",
    )


def _add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="a table for people, or the answer's JSON as the library writes it "
        "back: every key kept, indented by 2, UTF-8 (default: %(default)s)",
    )


def _add_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="the answer body to read; '-' or nothing reads stdin",
    )


def _subcommand(
    commands: Any, name: str, summary: str, description: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description, HELP_WIDTH),
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _add_decode(commands: Any) -> None:
    parser = _subcommand(
        commands,
        "decode",
        "show an answer body as a table or as JSON",
        "Hydrate an answer body (JSON, as the server sends it) with the "
        "library and show it. Statuses and keys this library does not know "
        "are kept and called out; control characters from the body are shown "
        "as escapes.",
    )
    _add_file_argument(parser)
    _add_reading_options(parser)
    _add_format_option(parser)
    parser.set_defaults(run=run_decode)


def _add_validate(commands: Any) -> None:
    parser = _subcommand(
        commands,
        "validate",
        "check that an answer body is valid",
        "Hydrate an answer body with the library. When it is valid, print "
        "nothing on stdout, one line on stderr, and exit 0; when it is not, "
        "print on stderr what is wrong and where, and exit 1.",
    )
    _add_file_argument(parser)
    _add_reading_options(parser)
    parser.set_defaults(run=run_validate)


def _add_fetch(commands: Any) -> None:
    parser = _subcommand(
        commands,
        "fetch",
        "GET a path from a server and show the answer",
        "GET PATH from the server at --host through the library's ApiClient, "
        "then show the answer as decode does. With --demo, start a local stub "
        "server that serves a sample answer, and fetch from it.",
    )
    parser.add_argument(
        "path", nargs="?", metavar="PATH", help="such as /backup-attempts"
    )
    parser.add_argument(
        "--host", type=http_url, metavar="URL", help="the server's base URL"
    )
    parser.add_argument(
        "--header",
        type=header_pair,
        action="append",
        metavar="NAME=VALUE",
        help="a request header, such as apiKey=...; may be repeated",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        metavar="S",
        help="seconds to wait for the server (default: 10 to connect, 60 to read)",
    )
    parser.add_argument(
        "--retries",
        type=retry_count,
        metavar="N",
        help="retries after a failed connection or a 429/502/503/504 answer "
        "(default: 3, with backoff)",
    )
    parser.add_argument(
        "--ca-cert",
        metavar="FILE",
        help="trust the CA certificates in this PEM file instead of the system's",
    )
    _add_reading_options(parser)
    _add_format_option(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="serve a sample answer from a local stub server and fetch it",
    )
    parser.set_defaults(run=run_fetch)


def build_parser() -> argparse.ArgumentParser:
    """The parser of the whole command line, subcommands included."""
    parser = _Parser(
        prog=PROG,
        description=textwrap.fill(
            "Read, check and fetch the backup platform's answers with the "
            "backup_client library.",
            HELP_WIDTH,
        ),
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_decode(commands)
    _add_validate(commands)
    _add_fetch(commands)
    return parser


def report(stderr: TextIO, message: str) -> None:
    """Write one line to stderr, prefixed with the command's name."""
    with contextlib.suppress(OSError, ValueError):
        stderr.write(f"{PROG}: {message}\n")
        stderr.flush()


def _silence_stdout() -> None:
    """Point stdout at the null device, so that exiting flushes nowhere."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: the process's); return the status."""
    stderr = sys.stderr
    try:
        args = build_parser().parse_args(argv)
        run: Callable[[argparse.Namespace, TextIO], int] = args.run
        return run(args, stderr)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except CommandError as err:
        report(stderr, err.message)
        return err.status
    except KeyboardInterrupt:
        report(stderr, "interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Whoever read the output stopped early (``| head``): not a failure.
        _silence_stdout()
        return EXIT_OK
