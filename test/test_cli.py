"""The backup-client command, run as ``python -m backup_client``.

Commands run in a subprocess from the repository root, against the sample
answers in examples/ and against StubServers on 127.0.0.1; the helpers
that format values are checked in-process.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import trustme
from streaming_server import StreamingServer, endless

from backup_client import cli
from backup_client.models import BackupAttempt, BackupAttemptStatus
from backup_client.testing import StubServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ALL_STATUSES = EXAMPLES / "attempts_all_statuses.json"
NEWER_SERVER = EXAMPLES / "attempts_newer_server.json"
INVALID = EXAMPLES / "attempts_invalid.json"
STATS = EXAMPLES / "stats.json"
RUN_TIMEOUT = 60
ESC = "\x1b"


@dataclass(frozen=True)
class Result:
    """What a run of the command gave."""

    status: int
    stdout: str
    stderr: str


def run_cli(*args: str, stdin: bytes = b"") -> Result:
    """Run ``python -m backup_client ARGS`` from the repository root."""
    completed = subprocess.run(
        [sys.executable, "-m", "backup_client", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=RUN_TIMEOUT,
        check=False,
    )
    return Result(
        completed.returncode,
        completed.stdout.decode("utf-8"),
        completed.stderr.decode("utf-8"),
    )


def relative(path: Path) -> str:
    """``path`` as the command sees it, relative to the repository root."""
    return path.relative_to(ROOT).as_posix()


def assert_one_error_line(result: Result, status: int, *parts: str) -> None:
    """The run failed with ``status``: nothing on stdout, one line on stderr."""
    assert result.status == status, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("backup-client: ")
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in result.stderr


@pytest.fixture
def server() -> Iterator[StubServer]:
    """A started StubServer for the command to fetch from."""
    with StubServer() as stub:
        yield stub


# -- decode -----------------------------------------------------------------


def test_decode_shows_every_status_in_a_table() -> None:
    """decode prints a row per attempt with readable times, sizes and durations."""
    result = run_cli("decode", relative(ALL_STATUSES))
    assert (result.status, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "STATUS",
        "START",
        "(UTC)",
        "END",
        "(UTC)",
        "QUEUED",
        "READ",
        "WRITTEN",
        "MESSAGE",
    ]
    rows = lines[1:11]
    assert [row.split()[0] for row in rows] == [
        "Succeeded",
        "SucceededWithWarning",
        "Failed",
        "Missed",
        "Running",
        "Paused",
        "Pausing",
        "Resuming",
        "Canceling",
        "Canceled",
    ]
    assert rows[0].split()[1:9] == [
        "2026-03-02",
        "01:00:04",
        "2026-03-02",
        "01:47:17",
        "1.1s",
        "49.0",
        "GiB",
        "3.0",
    ]
    assert "3m 12s" in rows[1] and "\u2026" in rows[1]
    assert rows[3].split()[3:7] == ["-", "-", "-", "-"]
    assert lines[11] == ""
    assert lines[12].startswith("10 attempts: 1 Succeeded, 1 SucceededWithWarning,")
    assert len(lines) == 13


def test_decode_calls_out_unknown_statuses_and_keys() -> None:
    """A newer server's status and keys are marked in the table and the summary."""
    result = run_cli("decode", relative(NEWER_SERVER))
    assert result.status == 0
    lines = result.stdout.splitlines()
    assert lines[2].startswith("Skipped (unknown)  2026-03-09 01:00:10")
    assert lines[4].startswith("-  ")
    assert lines[-3:] == [
        "4 attempts: 1 Succeeded, 1 Skipped (unknown), 1 Running, 1 without status",
        "statuses this library does not know: Skipped (1 attempt)",
        "keys this library does not know, kept as sent: retryCount (in 2 attempts), "
        "objectId (in 1 attempt), stats.dedupRatio (in 1 attempt), "
        "skipReason (in 1 attempt)",
    ]


def test_decode_stats_shows_the_three_stats_columns() -> None:
    """--type BackupDataStats tabulates logical size, bytes written and read."""
    result = run_cli("decode", "--type", "BackupDataStats", relative(STATS))
    assert result.status == 0
    assert result.stdout.splitlines() == [
        "LOGICAL SIZE  WRITTEN  READ",
        "49.0 GiB      3.0 GiB  49.0 GiB",
        "-             -        0 B",
        "5.0 GiB       1.0 GiB  5.0 GiB",
        "",
        "3 stats objects",
        "keys this library does not know, kept as sent: compressedBytes (in 1 object)",
    ]


@pytest.mark.parametrize(
    ("sample", "extra"),
    [
        (ALL_STATUSES, []),
        (NEWER_SERVER, []),
        (EXAMPLES / "backup_attempts.json", []),
        (STATS, ["--type", "BackupDataStats"]),
    ],
    ids=["all-statuses", "newer-server", "backup-attempts", "stats"],
)
def test_decode_json_writes_the_answer_back_unchanged(
    sample: Path, extra: list[str]
) -> None:
    """--format json gives JSON equal to the input: nulls, unknown keys, big ints."""
    result = run_cli("decode", "--format", "json", *extra, relative(sample))
    assert (result.status, result.stderr) == (0, "")
    assert json.loads(result.stdout) == json.loads(sample.read_bytes())
    assert result.stdout.startswith("[\n  {\n    ")


def test_decode_json_of_one_object_is_an_object() -> None:
    """An object read from stdin is one model, written back as one object."""
    body = '{"status": "Skipped", "stats": null, "note": "Zeitüberschreitung"}'
    result = run_cli("decode", "--format", "json", stdin=body.encode())
    assert result.status == 0
    assert json.loads(result.stdout) == json.loads(body)
    assert "Zeitüberschreitung" in result.stdout  # UTF-8, not \\u escapes


def test_decode_reads_stdin_given_as_a_dash() -> None:
    """'-' reads the body from stdin; errors name it 'stdin'."""
    result = run_cli("decode", "-", stdin=ALL_STATUSES.read_bytes())
    assert result.status == 0
    assert result.stdout.splitlines()[-1].startswith("10 attempts")


def test_decode_of_the_invalid_sample_names_the_path_in_the_body() -> None:
    """An invalid body exits 1 with one line: the file, what is wrong, where."""
    result = run_cli("decode", relative(INVALID))
    assert_one_error_line(
        result,
        1,
        "backup-client: examples/attempts_invalid.json: Invalid type for "
        "'startTimeUsecs': expected int or None, got str '2026-03-02T03:00:00Z' "
        "at received_data[3].startTimeUsecs\n",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "stdin: the body is empty"),
        (b"<html>busy</html>", "stdin: The body is not valid JSON: Expecting value"),
        (b'[{"message": "\xff"}]', "stdin: The body is not valid UTF-8"),
        (b"[" * 100_000, "stdin: The body is not usable: it nests too deeply"),
    ],
    ids=["empty", "not-json", "not-utf8", "nested"],
)
def test_decode_of_a_broken_body_fails_with_one_line(body: bytes, message: str) -> None:
    """Empty, non-JSON, non-UTF-8 and too deeply nested bodies exit 1."""
    assert_one_error_line(run_cli("decode", stdin=body), 1, message)


def test_decode_shows_control_characters_as_escapes() -> None:
    """Escape sequences and bidi overrides from the body never reach stdout raw."""
    body = json.dumps(
        [
            {
                "status": "Failed\u202e",
                "message": "\x1b[2J\x1b]0;x\x07\u202egnp.exe\x9b",
            }
        ]
    )
    result = run_cli("decode", stdin=body.encode())
    assert result.status == 0
    assert not any(cli.is_control(char) for char in result.stdout.replace("\n", ""))
    assert "\\x1b[2J\\x1b]0;x\\x07\\u202egnp.exe\\x9b" in result.stdout
    assert "Failed\\u202e (unknown)" in result.stdout


def test_decode_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """When the reader stops early (| head -1), the command exits 0, silently."""
    big = tmp_path / "big.json"
    big.write_text(json.dumps(json.loads(ALL_STATUSES.read_bytes()) * 500), "utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "backup_client", "decode", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    try:
        status = process.wait(timeout=RUN_TIMEOUT)
    finally:
        process.kill()
    stderr = process.stderr.read()
    process.stderr.close()
    assert first.startswith(b"STATUS")
    assert (status, stderr) == (0, b"")


# -- validate ---------------------------------------------------------------


def test_validate_a_valid_body_prints_nothing_on_stdout() -> None:
    """validate exits 0; stdout stays empty, stderr says what was valid."""
    result = run_cli("validate", relative(ALL_STATUSES))
    assert (result.status, result.stdout) == (0, "")
    assert result.stderr == (
        "backup-client: examples/attempts_all_statuses.json: "
        "valid: a list of 10 BackupAttempt\n"
    )


def test_validate_an_invalid_body_says_what_and_where() -> None:
    """validate exits 1 with the library's message and path."""
    result = run_cli("validate", "--list", relative(INVALID))
    assert_one_error_line(result, 1, "at received_data[3].startTimeUsecs")


def test_validate_list_refuses_an_object() -> None:
    """With --list, a body that is an object is invalid."""
    result = run_cli("validate", "--list", stdin=b'{"status": "Running"}')
    assert_one_error_line(
        result, 1, "expected list of BackupAttempt, got dict", "at received_data"
    )


# -- usage ------------------------------------------------------------------


def test_a_missing_file_exits_2_naming_it() -> None:
    """A file that cannot be read exits 2, naming the file and the reason."""
    result = run_cli("decode", "examples/no-such-file.json")
    assert_one_error_line(
        result,
        2,
        "cannot read examples/no-such-file.json: No such file or directory",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decode", "--fromat", "json"], "unrecognized arguments: --fromat"),
        (["decode", "--type", "Nope"], "argument --type: invalid choice: 'Nope'"),
        (["fetch", "/backup-attempts"], "fetch needs PATH and --host URL"),
        (["fetch", "x", "--host", "example.com"], "expected an http:// or https://"),
    ],
    ids=["unknown-option", "unknown-type", "no-host", "host-without-scheme"],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    """Bad options and missing arguments exit 2, pointing at --help."""
    assert_one_error_line(run_cli(*args), 2, message, "--help')")


def test_a_header_value_is_never_echoed() -> None:
    """A malformed --header is refused without repeating what it held."""
    result = run_cli(
        "fetch", "/x", "--host", "http://127.0.0.1:9", "--header", "apiKey: s3cr3t"
    )
    assert_one_error_line(result, 2, "argument --header: expected NAME=VALUE")
    assert "s3cr3t" not in result.stderr


@pytest.mark.parametrize("command", [[], ["decode"], ["validate"], ["fetch"]])
def test_help_lists_the_exit_statuses(command: list[str]) -> None:
    """--help of the command and of each subcommand lists the exit statuses."""
    result = run_cli(*command, "--help")
    assert (result.status, result.stderr) == (0, "")
    assert result.stdout.startswith(f"usage: backup-client {' '.join(command)}")
    assert "exit status:" in result.stdout
    for status in ("0", "1", "2", "3", "4", "130"):
        assert f"\n  {status} " in result.stdout


# -- fetch ------------------------------------------------------------------


def test_fetch_sends_headers_and_shows_the_answer(server: StubServer) -> None:
    """fetch GETs the path with the given headers and tabulates the answer."""
    server.add("GET", "/v2/backup-attempts", json=json.loads(NEWER_SERVER.read_bytes()))
    result = run_cli(
        "fetch",
        "/backup-attempts?limit=5",
        "--host",
        server.url + "/v2",
        "--header",
        "apiKey=s3cr3t=",
        "--header",
        "X-Trace=t-1",
    )
    assert (result.status, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-3].startswith("4 attempts")
    (sent,) = server.requests
    assert (sent.method, sent.path, sent.query) == (
        "GET",
        "/v2/backup-attempts",
        {"limit": ["5"]},
    )
    assert sent.headers["apiKey"] == "s3cr3t="
    assert sent.headers["X-Trace"] == "t-1"
    assert sent.headers["Accept"] == "application/json"


def test_fetch_json_writes_the_answer_back_unchanged(server: StubServer) -> None:
    """fetch --format json prints the server's JSON, losslessly."""
    server.add("GET", "/backup-attempts", body=NEWER_SERVER.read_bytes())
    result = run_cli(
        "fetch", "backup-attempts", "--host", server.url, "--format", "json"
    )
    assert result.status == 0
    assert json.loads(result.stdout) == json.loads(NEWER_SERVER.read_bytes())


def test_fetch_of_an_invalid_answer_exits_1(server: StubServer) -> None:
    """An invalid answer exits 1 naming the request and the path in the body."""
    server.add("GET", "/backup-attempts", body=INVALID.read_bytes())
    result = run_cli("fetch", "/backup-attempts", "--host", server.url)
    assert_one_error_line(
        result,
        1,
        f"backup-client: answer to GET {server.url}/backup-attempts: Invalid type",
        "at received_data[3].startTimeUsecs",
    )


def test_fetch_of_an_error_answer_exits_4(server: StubServer) -> None:
    """A non-2xx answer exits 4 with status, reason and a safe start of the body."""
    body = '{"error": "\x1b[31mmaintenance\x1b[0m",\n "detail": "' + "x" * 500 + '"}'
    server.add("GET", "/backup-attempts", status=503, body=body)
    result = run_cli(
        "fetch", "/backup-attempts?token=t0k3n", "--host", server.url, "--retries", "0"
    )
    assert_one_error_line(
        result,
        4,
        f"backup-client: GET {server.url}/backup-attempts answered 503 "
        'Service Unavailable: {"error": "\\x1b[31mmaintenance\\x1b[0m", "detail": "xxx',
    )
    assert result.stderr.endswith("xx\u2026\n")
    assert "t0k3n" not in result.stderr


def test_fetch_from_a_slow_server_times_out_with_exit_3(server: StubServer) -> None:
    """A server slower than --timeout exits 3 saying it timed out."""
    server.add("GET", "/backup-attempts", json=[], delay=30.0)
    result = run_cli(
        "fetch", "/backup-attempts", "--host", server.url, "--timeout", "0.5"
    )
    assert_one_error_line(
        result, 3, f"GET {server.url}/backup-attempts failed: read timed out"
    )


def test_fetch_of_a_body_without_end_is_cut_off_with_exit_3() -> None:
    """A body that keeps coming past --timeout exits 3 instead of growing."""
    with StreamingServer() as streaming:
        streaming.add("/backup-attempts", endless(pause=0.01))
        result = run_cli(
            "fetch",
            "/backup-attempts",
            "--host",
            streaming.url,
            "--timeout",
            "1",
            "--retries",
            "0",
        )
    assert_one_error_line(
        result, 3, "failed: read timed out: the body was still coming after"
    )


def test_fetch_from_a_closed_port_exits_3(closed_port: int) -> None:
    """A refused connection exits 3 saying so."""
    url = f"http://127.0.0.1:{closed_port}"
    result = run_cli("fetch", "/backup-attempts", "--host", url, "--retries", "0")
    assert_one_error_line(result, 3, "failed: could not connect (Connection refused)")


@pytest.fixture
def tls_server(ca: trustme.CA, tmp_path: Path) -> Iterator[StubServer]:
    """An HTTPS StubServer whose certificate the tests' CA issued."""
    pem = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(pem))
    with StubServer(certfile=pem) as stub:
        stub.add("GET", "/backup-attempts", json=[{"status": "Running"}])
        yield stub


def test_fetch_over_tls_trusts_the_ca_given(
    tls_server: StubServer, ca_file: str
) -> None:
    """--ca-cert makes fetch trust the server's CA."""
    result = run_cli(
        "fetch", "/backup-attempts", "--host", tls_server.url, "--ca-cert", ca_file
    )
    assert result.status == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "1 attempt: 1 Running"


def test_fetch_over_tls_from_an_untrusted_server_exits_3(
    tls_server: StubServer,
) -> None:
    """A certificate the system does not trust exits 3 with the TLS failure."""
    result = run_cli(
        "fetch", "/backup-attempts", "--host", tls_server.url, "--retries", "0"
    )
    assert_one_error_line(result, 3, "failed: TLS failed", "CERTIFICATE_VERIFY_FAILED")


def test_fetch_demo_shows_every_status() -> None:
    """fetch --demo serves the packaged sample over HTTP and tabulates it."""
    result = run_cli("fetch", "--demo")
    assert (result.status, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert {line.split()[0] for line in lines[1:11]} == BackupAttemptStatus.KNOWN
    assert lines[1].split()[1:3] == ["2026-03-02", "01:00:04"]
    assert lines[-1].startswith("10 attempts: 1 Succeeded,")


def test_interrupt_exits_130_without_a_traceback(server: StubServer) -> None:
    """Ctrl-C while waiting for the server exits 130 with one line."""
    server.add("GET", "/x", json=[], delay=30.0)
    process = subprocess.Popen(
        [sys.executable, "-m", "backup_client", "fetch", "/x", "--host", server.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + RUN_TIMEOUT
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        process.kill()
        process.wait()
    assert (process.returncode, stdout) == (130, b"")
    assert stderr == b"backup-client: interrupted\n"


# -- the parts, in-process --------------------------------------------------


def test_packaged_demo_sample_is_the_examples_file() -> None:
    """The sample inside the package is examples/attempts_all_statuses.json."""
    assert cli.demo_answer() == ALL_STATUSES.read_bytes()


def test_samples_hold_what_the_examples_promise() -> None:
    """The samples show every status, nulls, absent keys and a newer server."""
    every = json.loads(ALL_STATUSES.read_bytes())
    assert {attempt["status"] for attempt in every} == BackupAttemptStatus.KNOWN
    assert any(attempt.get("stats", 0) is None for attempt in every)
    assert any("stats" not in attempt for attempt in every)
    assert any(attempt.get("endTimeUsecs", 0) is None for attempt in every)
    newer = json.loads(NEWER_SERVER.read_bytes())
    assert "Skipped" in {attempt["status"] for attempt in newer}
    assert any("retryCount" in attempt for attempt in newer)
    invalid = json.loads(INVALID.read_bytes())
    assert isinstance(invalid[3]["startTimeUsecs"], str)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (1024**2 - 1, "1.0 MiB"),
        (52613349376, "49.0 GiB"),
        (2**63 - 1, "8.0 EiB"),
        (1024**9, "1024.0 YiB"),
        (-2048, "-2.0 KiB"),
    ],
)
def test_human_bytes(count: int, text: str) -> None:
    """Byte counts read in IEC units with one decimal."""
    assert cli.human_bytes(count) == text


@pytest.mark.parametrize(
    ("usecs", "text"),
    [
        (0, "0.0s"),
        (449_999, "0.4s"),
        (1_098_766, "1.1s"),
        (59_949_999, "59.9s"),
        (59_950_000, "1m 0s"),
        (192_345_678, "3m 12s"),
        (7_500_000_000, "2h 5m"),
        (3 * 86_400_000_000 + 4 * 3_600_000_000, "3d 4h"),
        (-1_500_000, "-1.5s"),
    ],
)
def test_human_duration(usecs: int, text: str) -> None:
    """Durations read as seconds, minutes, hours or days, as they are long."""
    assert cli.human_duration(timedelta(microseconds=usecs)) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain Büro 日本", "plain Büro 日本"),
        ("a\tb\nc\rd", "a\\tb\\nc\\rd"),
        ("\x00\x1b[31m\x7f\x85\x9b", "\\x00\\x1b[31m\\x7f\\x85\\x9b"),
        ("\u202eevil\u2066\u200f\u2028", "\\u202eevil\\u2066\\u200f\\u2028"),
    ],
)
def test_display_escapes_control_characters(text: str, shown: str) -> None:
    """C0, DEL, C1, bidi controls and line separators become visible escapes."""
    assert cli.display(text) == shown


def test_display_shortens_to_a_width_without_splitting_escapes() -> None:
    """Shortened text ends in an ellipsis, and an escape is kept whole or dropped."""
    assert cli.display("abcdefgh", 5) == "abcd\u2026"
    assert cli.display("abc\x1bdef", 5) == "abc\u2026"
    assert cli.display("日本語です", 5) == "日本\u2026"
    assert cli.display("short", 5) == "short"


def test_table_columns_line_up_with_wide_characters() -> None:
    """Wide characters count as two columns when the table is padded."""
    lines = cli.render_table(("A", "B"), [("日本", "x"), ("abcd", "y")])
    assert lines == ["A     B", "日本  x", "abcd  y"]


def test_out_of_range_time_shows_the_raw_number() -> None:
    """A time beyond what datetime holds is shown as the number sent."""
    attempt = BackupAttempt(start_time_usecs=2**62, status="Running")
    assert cli.attempt_row(attempt)[1] == f"(out of range: {2**62})"


def test_unknown_keys_are_found_in_nested_models() -> None:
    """Keys the models do not declare are named by their path."""
    body = b'{"status": "Running", "x": 1, "stats": {"bytesRead": 1, "y": 2}}'
    attempt = cli.Reading(BackupAttempt, False).hydrate(cli.Body(body), "test")
    assert cli.unknown_keys(attempt) == ["x", "stats.y"]


def test_to_json_of_a_value_nested_too_deeply_is_an_invalid_body() -> None:
    """A value too deep to write out fails as an invalid body, not a crash."""
    value: list[object] = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(cli.CommandError, match="nests too deeply") as caught:
        cli.to_json(value)
    assert caught.value.status == cli.EXIT_INVALID


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    """A clock that reads what the test sets."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_shows_bytes_on_a_terminal_after_the_delay() -> None:
    """On a terminal, progress appears after the delay and is cleared after."""
    terminal, clock = Terminal(), Clock()
    with cli.Progress(terminal, "reading stdin", clock=clock) as progress:
        progress.update(1024)
        assert terminal.getvalue() == ""
        clock.now += 0.6
        progress.update(3 * 1024**2)
        clock.now += 0.05
        progress.update(4 * 1024**2)  # too soon after the last one
        assert terminal.getvalue() == "\rreading stdin: 3.0 MiB\x1b[K"
    assert terminal.getvalue().endswith("\r\x1b[K")


def test_progress_writes_nothing_when_not_on_a_terminal() -> None:
    """A stream that is not a terminal gets no progress at all."""
    stream, clock = io.StringIO(), Clock()
    with cli.Progress(stream, "reading stdin", clock=clock) as progress:
        clock.now += 10
        progress.update(1024)
        with progress.waiting():
            pass
    assert stream.getvalue() == ""


def test_progress_shows_the_label_while_waiting_long() -> None:
    """A wait longer than the delay shows the label, cleared at the end."""
    terminal = Terminal()
    progress = cli.Progress(terminal, "waiting for GET /x", delay=0.01)
    with progress, progress.waiting():
        deadline = time.monotonic() + RUN_TIMEOUT
        while not terminal.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert terminal.getvalue() == "\rwaiting for GET /x \u2026\x1b[K\r\x1b[K"


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("apiKey=abc", ("apiKey", "abc")),
        ("X-A= b=c ", ("X-A", " b=c ")),
        ("E=", ("E", "")),
    ],
)
def test_header_pair_splits_at_the_first_equals_sign(
    text: str, pair: tuple[str, str]
) -> None:
    """--header NAME=VALUE keeps the value as given, '=' included."""
    assert cli.header_pair(text) == pair


def test_importing_the_package_does_not_import_the_cli() -> None:
    """import backup_client leaves backup_client.cli unloaded."""
    code = "import sys, backup_client; print('backup_client.cli' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=RUN_TIMEOUT,
        check=True,
    )
    assert result.stdout == "False\n"
