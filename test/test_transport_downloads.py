"""Downloads: streamed to a file that stays in the temp folder, whatever its name."""

from __future__ import annotations

import os
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from backup_client import ApiClient, Configuration
from backup_client.exceptions import ApiValueError
from backup_client.model_utils import file_type
from backup_client.testing import StubServer

PAYLOAD = b"backup archive bytes \x00\xff"


def download(
    stub: StubServer,
    folder: Path | None,
    disposition: str | None,
    body: bytes = PAYLOAD,
) -> IO[bytes]:
    """Serve ``body`` with that Content-Disposition and download it."""
    headers = {"Content-Type": "application/octet-stream"}
    if disposition is not None:
        headers["Content-Disposition"] = disposition
    stub.add("GET", "/v2/file", body=body, headers=headers)
    config = Configuration(host=f"{stub.url}/v2")
    if folder is not None:
        config.temp_folder_path = str(folder)
    with ApiClient(config) as client:
        handle: IO[bytes] = client.call_api(
            "/file", "GET", response_type=(file_type,), _return_http_data_only=True
        )
    return handle


def saved(handle: IO[bytes]) -> tuple[Path, bytes]:
    """Where the download was saved, and what it holds; closes the file."""
    with handle:
        return Path(handle.name), handle.read()


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('attachment; filename="report.pdf"', "report.pdf"),
        ("attachment; filename=report.pdf", "report.pdf"),
        ("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", "résumé.txt"),
        ("attachment; filename*=iso-8859-1'en'caf%E9.txt", "café.txt"),
    ],
)
def test_download_keeps_the_offered_name(
    backup_stub: StubServer, tmp_path: Path, disposition: str, expected: str
) -> None:
    """A harmless offered name is used as is, inside the temp folder."""
    path, content = saved(download(backup_stub, tmp_path, disposition))
    assert path == tmp_path / expected
    assert content == PAYLOAD


def test_extended_filename_is_preferred(
    backup_stub: StubServer, tmp_path: Path
) -> None:
    """filename*= wins over filename= when both are offered."""
    disposition = "attachment; filename=\"plain.txt\"; filename*=UTF-8''fancy.txt"
    path, _ = saved(download(backup_stub, tmp_path, disposition))
    assert path.name == "fancy.txt"


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        ('="../../x"', "x"),
        ('="../../../../etc/passwd"', "passwd"),
        ('="/etc/passwd"', "passwd"),
        ('="..\\..\\windows\\x.ini"', "x.ini"),
        ('="C:\\Windows\\system.ini"', "system.ini"),
        ('="C:autoexec.bat"', "Cautoexec.bat"),
        ("*=UTF-8''..%2F..%2Fescaped", "escaped"),
        ("*=UTF-8''a%00b%0Ac", "abc"),
        ("*=UTF-8''%2Fabs%2Fpath", "path"),
        ('="  .hidden. "', "hidden"),
        ('="NUL.txt"', "_NUL.txt"),
        ('="a<b>c:d|e?f*g"', "abcdefg"),
    ],
)
def test_hostile_names_stay_inside_the_folder(
    backup_stub: StubServer, tmp_path: Path, offered: str, expected: str
) -> None:
    """Paths, separators, drive letters and control bytes are stripped from names."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    path, content = saved(
        download(backup_stub, folder, f"attachment; filename{offered}")
    )
    assert path == folder / expected
    assert content == PAYLOAD
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["downloads", expected]
    )


@pytest.mark.parametrize(
    "disposition",
    [
        None,
        "attachment",
        'attachment; filename="."',
        'attachment; filename=".."',
        'attachment; filename=""',
        "attachment; filename*=UTF-8''..",
        'attachment; filename="../"',
    ],
)
def test_unusable_names_get_a_fresh_name(
    backup_stub: StubServer, tmp_path: Path, disposition: str | None
) -> None:
    """Without a usable name the file gets a new random name in the folder."""
    path, content = saved(download(backup_stub, tmp_path, disposition))
    assert path.parent == tmp_path
    assert path.name.startswith("download-")
    assert content == PAYLOAD


def test_existing_file_is_never_overwritten(
    backup_stub: StubServer, tmp_path: Path
) -> None:
    """A name already taken gets a numbered variant; the old file is untouched."""
    (tmp_path / "report.pdf").write_bytes(b"old")
    (tmp_path / "report-1.pdf").write_bytes(b"older")
    path, content = saved(
        download(backup_stub, tmp_path, "attachment; filename=report.pdf")
    )
    assert path == tmp_path / "report-2.pdf"
    assert content == PAYLOAD
    assert (tmp_path / "report.pdf").read_bytes() == b"old"
    assert (tmp_path / "report-1.pdf").read_bytes() == b"older"


def test_existing_symlink_is_not_followed(
    backup_stub: StubServer, tmp_path: Path
) -> None:
    """A link planted under the offered name is not written through."""
    target = tmp_path / "target"
    target.write_bytes(b"precious")
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "report.pdf").symlink_to(target)
    path, _ = saved(download(backup_stub, folder, "attachment; filename=report.pdf"))
    assert path == folder / "report-1.pdf"
    assert target.read_bytes() == b"precious"


def test_download_is_readable_by_its_owner_only(
    backup_stub: StubServer, tmp_path: Path
) -> None:
    """A download is created with mode 0600, like tempfile.mkstemp's files."""
    path, _ = saved(download(backup_stub, tmp_path, "attachment; filename=a.bin"))
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


def test_download_goes_to_the_system_temp_folder_by_default(
    backup_stub: StubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without temp_folder_path the file is saved in the system temp folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path, _ = saved(download(backup_stub, None, "attachment; filename=a.bin"))
    assert path == tmp_path / "a.bin"


def test_missing_temp_folder_is_named(backup_stub: StubServer, tmp_path: Path) -> None:
    """A temp_folder_path that is not a folder raises ApiValueError naming it."""
    with pytest.raises(ApiValueError, match="missing"):
        download(backup_stub, tmp_path / "missing", "attachment; filename=a.bin")


def test_body_is_streamed_not_held_in_memory(
    backup_stub: StubServer, tmp_path: Path
) -> None:
    """An 8 MiB download never has more than a small part of it in memory."""
    body = os.urandom(8 * 1024 * 1024)
    headers = {"Content-Disposition": "attachment; filename=big.bin"}
    backup_stub.add("GET", "/v2/big", body=body, headers=headers)
    config = Configuration(host=f"{backup_stub.url}/v2")
    config.temp_folder_path = str(tmp_path)
    with ApiClient(config) as client:
        client.rest_client  # noqa: B018 (create the pool before measuring)
        tracemalloc.start()
        try:
            handle: Any = client.call_api(
                "/big", "GET", response_type=(file_type,), _return_http_data_only=True
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    _, content = saved(handle)
    assert content == body
    assert peak < len(body) // 8


def test_download_returns_an_open_file_with_status(
    backup_stub: StubServer, tmp_path: Path, make_client: Callable[..., ApiClient]
) -> None:
    """Without _return_http_data_only a download comes with status and headers."""
    backup_stub.add("GET", "/v2/file", body=b"x", headers={"X-Id": "9"})
    client = make_client(f"{backup_stub.url}/v2", temp_folder_path=str(tmp_path))
    handle, status, headers = client.call_api(
        "/file", "GET", response_type=(file_type,)
    )
    with handle:
        assert handle.read() == b"x"
    assert (status, headers["X-Id"]) == (200, "9")
