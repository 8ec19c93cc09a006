"""``ApiClient``: sends requests and turns answers into models.

An ``ApiClient`` owns two things that must be released: the connection
pool, created on first use, and the worker threads of ``async_req=True``
calls, started on first use.  :meth:`ApiClient.close` (or leaving a
``with`` block) releases both; a client that is garbage-collected without
being closed releases them too, without waiting for running requests.
"""

from __future__ import annotations

import functools
import json
import logging
import mimetypes
import os
import re
import tempfile
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from multiprocessing.pool import ApplyResult, ThreadPool
from types import TracebackType
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    NamedTuple,
    Optional,
    Protocol,
    TypeVar,
    Union,
    overload,
)
from urllib.parse import quote, unquote, urlencode

from backup_client.configuration import Configuration
from backup_client.exceptions import ApiValueError
from backup_client.model_utils import (
    ModelNormal,
    TypeSpecs,
    convert_wire_value,
    file_type,
    parse_json,
    sanitize_for_serialization,
)

if TYPE_CHECKING:
    from backup_client.rest import RESTClientObject, RESTResponse

__all__ = ["ApiClient"]

M = TypeVar("M", bound=ModelNormal)

logger = logging.getLogger(__name__)

_DOWNLOAD_CHUNK = 64 * 1024
_MAX_NAME_LENGTH = 100
_MAX_NAME_TRIES = 100
_UNSAFE_NAME_CHARS = frozenset('<>:"/\\|?*')
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)}
)

_COLLECTION_SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)
_JSON_MIME = re.compile(r"^application/(?:[\w!#$&.+^-]+\+)?json\s*(?:;|$)", re.I)

Params = Optional[Union[Mapping[str, Any], Sequence[tuple[str, Any]]]]


class _Request(NamedTuple):
    """A request ready to send."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    form: list[tuple[str, Any]] | None


class _Response(Protocol):
    """What ``deserialize`` needs of an answer."""

    @property
    def data(self) -> bytes | str | None: ...

    def getheader(self, name: str, default: str | None = None) -> str | None: ...


class _Resources:
    """What a client must release: its worker threads and its connections.

    Kept apart from the client so that a finalizer can release them once
    the client itself is gone.
    """

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        self.lock = threading.Lock()
        self.pool: ThreadPool | None = None
        self.rest_client: RESTClientObject | None = None

    def get_pool(self, threads: int) -> ThreadPool:
        with self.lock:
            if self.pool is None:
                self.pool = ThreadPool(threads)
            return self.pool

    def get_rest_client(self) -> RESTClientObject:
        with self.lock:
            if self.rest_client is None:
                from backup_client.rest import RESTClientObject

                self.rest_client = RESTClientObject(self.configuration)
            return self.rest_client

    def release(self, wait: bool) -> None:
        """End the workers (waiting for them if ``wait``), close connections."""
        with self.lock:
            pool, self.pool = self.pool, None
            rest_client, self.rest_client = self.rest_client, None
        if pool is not None:
            pool.close()
            if wait:
                pool.join()
        if rest_client is not None:
            rest_client.close()


class ApiClient:
    """Talks to the platform: builds requests and hydrates answers.

    Use it as a context manager, or call :meth:`close`, to release its
    connections and worker threads.  One client may be shared by many
    threads: the connection pool is created once, under a lock, and is
    itself thread-safe.  ``last_response`` is the answer any thread
    received last: its status, reason and headers, and its body unless
    ``call_api`` parsed it (a parsed body is not kept, so that a large
    one is not held twice, as bytes and as models).
    """

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
        pool_threads: int = 1,
    ) -> None:
        if configuration is None:
            configuration = Configuration.get_default_copy()
        self.configuration = configuration
        self.pool_threads = pool_threads
        self.default_headers: dict[str, str] = {}
        if header_name is not None and header_value is not None:
            self.default_headers[header_name] = header_value
        self.cookie = cookie
        self.user_agent = f"backup-client/{_package_version()}/python"
        self.last_response: RESTResponse | None = None
        self._resources = _Resources(configuration)
        # Runs when the client is collected, or at exit, if close() did not.
        self._finalizer = weakref.finalize(self, self._resources.release, False)

    # -- lifetime ------------------------------------------------------------

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """End the worker threads and drop the pooled connections.

        Requests already running finish first.  The client may be used
        again afterwards: it starts what it needs anew.
        """
        self._resources.release(wait=True)

    @property
    def pool(self) -> ThreadPool:
        """The worker threads for ``async_req=True``, started on first use."""
        return self._resources.get_pool(self.pool_threads)

    @property
    def rest_client(self) -> RESTClientObject:
        """The connection pool, created on first use."""
        return self._resources.get_rest_client()

    @property
    def user_agent(self) -> str:
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        self.default_headers[header_name] = header_value

    # -- requests ------------------------------------------------------------

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None = None,
        query_params: Params = None,
        header_params: Mapping[str, str] | None = None,
        body: Any = None,
        post_params: Params = None,
        files: Mapping[str, Any] | None = None,
        response_type: TypeSpecs | None = None,
        auth_settings: Sequence[str] | None = None,
        async_req: bool | None = None,
        _return_http_data_only: bool | None = None,
        collection_formats: Mapping[str, str] | None = None,
        _preload_content: bool = True,
        _request_timeout: float | tuple[float, float] | None = None,
        _host: str | None = None,
        _check_type: bool | None = None,
    ) -> Any:
        """Send one request and return the hydrated answer.

        The answer is the data alone when ``_return_http_data_only`` is
        true, else ``(data, status, headers)``.  With ``async_req=True`` the
        request is encoded here, so a body or header that cannot be sent
        raises at once; it is then sent on a worker thread and an
        ``ApplyResult`` is returned, whose ``get(timeout)`` gives the answer
        or raises the request's error.

        With ``_preload_content=False`` the answer is returned unread, as a
        :class:`~backup_client.rest.RESTResponse` to ``read``, ``stream``
        and ``release_conn``.  A ``(file_type,)`` answer is streamed to a
        file in ``Configuration.temp_folder_path`` and returned open.
        """
        send = functools.partial(
            self._call_api,
            self._prepare(
                resource_path,
                method,
                path_params,
                query_params,
                header_params,
                body,
                post_params,
                files,
                auth_settings,
                collection_formats,
                _host,
            ),
            response_type=response_type,
            data_only=bool(_return_http_data_only),
            preload_content=_preload_content,
            timeout=_request_timeout,
            check_type=True if _check_type is None else _check_type,
        )
        if async_req:
            result: ApplyResult[Any] = self.pool.apply_async(send)
            return result
        return send()

    def _prepare(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None,
        query_params: Params,
        header_params: Mapping[str, str] | None,
        body: Any,
        post_params: Params,
        files: Mapping[str, Any] | None,
        auth_settings: Sequence[str] | None,
        collection_formats: Mapping[str, str] | None,
        host: str | None,
    ) -> _Request:
        """Encode everything a request sends, credentials included."""
        formats = collection_formats or {}
        headers = self._headers(header_params, formats)
        queries = self.parameters_to_tuples(query_params or (), formats)
        path = self._path(resource_path, path_params or {}, formats)
        url = (host or self.configuration.host) + path
        form = self.parameters_to_tuples(post_params or (), formats)
        if files:
            headers.setdefault("Content-Type", "multipart/form-data")
            form += self.files_parameters(files)
        payload = None if body is None else self._encode_body(body, headers)
        self.update_params_for_auth(headers, queries, auth_settings, url, method, body)
        _check_headers(headers)
        if queries:
            url += "?" + urlencode(queries)
        return _Request(method, url, headers, payload, form or None)

    def _call_api(
        self,
        request: _Request,
        *,
        response_type: TypeSpecs | None,
        data_only: bool,
        preload_content: bool,
        timeout: float | tuple[float, float] | None,
        check_type: bool,
    ) -> Any:
        """Send a prepared request and shape its answer as call_api promises."""
        downloading = response_type is not None and _is_download(response_type)
        response = self.request(
            request.method,
            request.url,
            headers=request.headers,
            body=request.body,
            post_params=request.form,
            _preload_content=preload_content and not downloading,
            _request_timeout=timeout,
        )
        self.last_response = response
        if not preload_content:
            return response
        data = None
        if response_type:
            data = self._hydrate(response, response_type, check_type)
        if data_only:
            return data
        return data, response.status, response.headers

    def request(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        post_params: list[tuple[str, Any]] | None = None,
        _preload_content: bool = True,
        _request_timeout: float | tuple[float, float] | None = None,
    ) -> RESTResponse:
        """Send one request through the connection pool."""
        return self.rest_client.request(
            method.upper(),
            url,
            headers=headers,
            body=body,
            post_params=post_params,
            _preload_content=_preload_content,
            _request_timeout=_request_timeout,
        )

    def _headers(
        self, header_params: Mapping[str, str] | None, formats: Mapping[str, str]
    ) -> dict[str, str]:
        headers = dict(self.default_headers)
        if self.cookie:
            headers["Cookie"] = self.cookie
        for name, value in self.parameters_to_tuples(header_params or {}, formats):
            headers[name] = str(value)
        return headers

    def _path(
        self,
        resource_path: str,
        path_params: Mapping[str, Any],
        formats: Mapping[str, str],
    ) -> str:
        safe = self.configuration.safe_chars_for_path_param
        for name, value in self.parameters_to_tuples(path_params, formats):
            quoted = quote(str(value), safe=safe)
            resource_path = resource_path.replace(f"{{{name}}}", quoted)
        return resource_path

    def _encode_body(self, body: Any, headers: dict[str, str]) -> bytes:
        content_type = headers.setdefault("Content-Type", "application/json")
        if isinstance(body, (bytes, bytearray)):
            return bytes(body)
        if isinstance(body, str) and not _JSON_MIME.match(content_type):
            return body.encode("utf-8")
        return json.dumps(sanitize_for_serialization(body)).encode("utf-8")

    # -- parameters ----------------------------------------------------------

    @staticmethod
    def parameters_to_tuples(
        params: Params, collection_formats: Mapping[str, str] | None
    ) -> list[tuple[str, Any]]:
        """Flatten parameters, joining list values by their collection format."""
        formats = collection_formats or {}
        items = params.items() if isinstance(params, Mapping) else params or ()
        out: list[tuple[str, Any]] = []
        for name, value in items:
            style = formats.get(name)
            if style is None or not isinstance(value, (list, tuple)):
                out.append((name, value))
            elif style == "multi":
                out.extend((name, item) for item in value)
            else:
                separator = _COLLECTION_SEPARATORS[style]
                out.append((name, separator.join(str(item) for item in value)))
        return out

    @staticmethod
    def files_parameters(
        files: Mapping[str, Any] | None = None,
    ) -> list[tuple[str, Any]]:
        """Read open files into multipart form fields, closing each."""
        out: list[tuple[str, Any]] = []
        for name, value in (files or {}).items():
            handles = value if isinstance(value, (list, tuple)) else [value]
            for handle in handles:
                if handle is None:
                    continue
                with handle:
                    filename = os.path.basename(handle.name)
                    content = handle.read()
                mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                out.append((name, (filename, content, mime)))
        return out

    @staticmethod
    def select_header_accept(accepts: Iterable[str]) -> str | None:
        """The Accept header for these media types: JSON alone if offered."""
        accepts = list(accepts)
        if not accepts:
            return None
        for accept in accepts:
            if _JSON_MIME.match(accept):
                return accept
        return ", ".join(accepts)

    @staticmethod
    def select_header_content_type(
        content_types: Iterable[str], method: str | None = None, body: Any = None
    ) -> str:
        """The Content-Type to send: JSON when offered, else the first."""
        content_types = list(content_types)
        if not content_types:
            return "application/json"
        for content_type in content_types:
            if _JSON_MIME.match(content_type):
                return content_type
        return content_types[0]

    def update_params_for_auth(
        self,
        headers: dict[str, str],
        queries: list[tuple[str, Any]],
        auth_settings: Sequence[str] | None,
        resource_path: str | None = None,
        method: str | None = None,
        body: Any = None,
    ) -> None:
        """Add the credentials of the named security schemes."""
        if not auth_settings:
            return
        available = self.configuration.auth_settings()
        for name in auth_settings:
            setting = available.get(name)
            if not setting or not setting.get("value"):
                continue
            where, key, value = setting["in"], setting["key"], str(setting["value"])
            if where == "header":
                headers[key] = value
            elif where == "query":
                queries.append((key, value))
            elif where == "cookie":
                headers["Cookie"] = value
            else:
                raise ApiValueError(f"Unknown place for credentials: {where!r}")

    # -- answers -------------------------------------------------------------

    @staticmethod
    def sanitize_for_serialization(obj: Any) -> Any:
        """Turn models (by wire name), lists, dicts and dates into JSON values.

        Only attributes that were set are written; an explicit None is
        written as null, and keys a server sent that the model does not
        declare are written back unchanged.
        """
        return sanitize_for_serialization(obj)

    # What the common response types give, for type checkers: a model, a
    # list of one, or a dict of one by string key.  Others give Any.
    @overload
    def deserialize(
        self, response: _Response, response_type: tuple[type[M]], _check_type: bool
    ) -> M: ...

    @overload
    def deserialize(
        self,
        response: _Response,
        response_type: tuple[list[type[M]]],
        _check_type: bool,
    ) -> list[M]: ...

    @overload
    def deserialize(
        self,
        response: _Response,
        response_type: tuple[dict[type[str], tuple[type[M]]]],
        _check_type: bool,
    ) -> dict[str, M]: ...

    @overload
    def deserialize(
        self, response: _Response, response_type: TypeSpecs, _check_type: bool
    ) -> Any: ...

    def deserialize(
        self, response: _Response, response_type: TypeSpecs, _check_type: bool
    ) -> Any:
        """Hydrate an answer's body into ``response_type``.

        ``response.data`` is the body (bytes or text).  A body that is not
        JSON raises ApiValueError; a value of the wrong type raises
        ApiTypeError whose ``path_to_item`` leads to it from the top of the
        body (``received_data``), in the body's own wire names.
        """
        if _is_download(response_type):
            return self._download(response)
        getheader = getattr(response, "getheader", None)
        content_type = getheader("Content-Type") if getheader is not None else None
        return self._convert(
            parse_json(_body_text(response.data, content_type)),
            response_type,
            _check_type,
        )

    def _hydrate(
        self, response: RESTResponse, response_type: TypeSpecs, check_type: bool
    ) -> Any:
        """Hydrate the body of an answer that this client received.

        Unlike :meth:`deserialize`, the body is taken from the answer, so
        that its bytes are freed once decoded and its text once parsed:
        parsing a large body then needs little more memory than
        ``json.loads`` of it alone.
        """
        if _is_download(response_type):
            return self._download(response)
        return self._convert(_parse_taken_body(response), response_type, check_type)

    def _convert(self, value: Any, response_type: TypeSpecs, check_type: bool) -> Any:
        return convert_wire_value(
            value,
            response_type,
            check_type=check_type,
            discard_unknown_keys=self.configuration.discard_unknown_keys,
        )

    def _download(self, response: _Response) -> IO[bytes]:
        """Stream the body to a new file in the temp folder; return it open.

        The file is named as ``Content-Disposition`` suggests, reduced by
        :func:`_safe_filename` so that it stays in the folder; an existing
        file is never replaced.  A download that fails leaves no file.
        """
        folder = self.configuration.temp_folder_path or tempfile.gettempdir()
        name = _safe_filename(response.getheader("Content-Disposition") or "")
        handle, path = _new_file(folder, name)
        try:
            with handle:
                size = _write_body(response, handle)
        except BaseException:
            os.unlink(path)
            raise
        if self.configuration.debug:
            logger.debug("saved a download of %d bytes as %s", size, path)
        return open(path, "rb")  # the caller owns the file


def _parse_taken_body(response: RESTResponse) -> Any:
    """The answer's body parsed as JSON; the answer keeps no copy of it.

    The bytes are only referenced while ``_body_text`` decodes them, and
    the text only while it is parsed.
    """
    content_type = response.getheader("Content-Type")
    return parse_json(_body_text(response.take_body(), content_type))


def _body_text(data: bytes | str | None, content_type: str | None) -> bytes | str:
    """The body decoded by the charset ``content_type`` names (UTF-8 if none).

    Bytes that are not valid UTF-8, and bodies that are neither bytes nor
    text, are returned as they are, for ``parse_json`` to report what is
    wrong with them.
    """
    if data is None:
        raise ApiValueError("The answer's body was not read, so it cannot be parsed")
    if isinstance(data, memoryview):
        data = data.tobytes()
    if not isinstance(data, (bytes, bytearray)):
        return data
    match = _CHARSET.search(content_type or "")
    charset = match.group(1).lower() if match else "utf-8"
    if charset in ("utf-8", "utf8"):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data
    try:
        return data.decode(charset)
    except (LookupError, UnicodeError) as err:  # no such codec, or a broken one
        raise ApiValueError(f"The body cannot be decoded as {charset}: {err}") from err


def _is_download(response_type: TypeSpecs) -> bool:
    return tuple(response_type) == (file_type,)


def _check_headers(headers: Mapping[str, str]) -> None:
    """Refuse headers the transport would refuse, before a request is queued."""
    from backup_client.rest import check_headers

    check_headers(headers)


# -- downloads ----------------------------------------------------------------

_FILENAME_EXT = re.compile(
    r"filename\*\s*=\s*([\w!#$%&+^`{}~-]+)'[\w-]*'([^;\s]+)", re.I
)
_FILENAME = re.compile(r"""filename\s*=\s*(?:"([^"]*)"|([^;]*))""", re.I)
_SEPARATORS = re.compile(r"[/\\]")
_EXCLUSIVE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _safe_filename(disposition: str) -> str | None:
    """The base name a ``Content-Disposition`` suggests, reduced to be harmless.

    ``filename*=`` (RFC 5987) is preferred to ``filename=``.  Only the part
    after the last ``/`` or ``\\`` is kept; control characters and those
    Windows forbids (``<>:"|?*``, so drive letters too) are dropped, as
    are leading and trailing dots and spaces.  The result can only name a
    file inside the folder it is joined to.  ``None`` when nothing usable
    is left (no name, ``.``, ``..``, an empty name).
    """
    offered = _offered_filename(disposition)
    if offered is None:
        return None
    base = _SEPARATORS.split(offered)[-1]
    kept = "".join(c for c in base if c.isprintable() and c not in _UNSAFE_NAME_CHARS)
    name = kept.strip(" .")
    if not name:
        return None
    if name.split(".")[0].upper() in _WINDOWS_DEVICES:
        name = "_" + name
    return _shortened(name)


def _offered_filename(disposition: str) -> str | None:
    extended = _FILENAME_EXT.search(disposition)
    if extended:
        charset, value = extended.group(1).lower(), extended.group(2)
        encoding = "iso-8859-1" if charset == "iso-8859-1" else "utf-8"
        return unquote(value, encoding=encoding, errors="replace")
    plain = _FILENAME.search(disposition)
    if plain:
        quoted, bare = plain.group(1), plain.group(2)
        return quoted if quoted is not None else bare.strip()
    return None


def _shortened(name: str) -> str:
    """``name`` cut to the length limit, keeping a short extension."""
    if len(name) <= _MAX_NAME_LENGTH:
        return name
    stem, extension = os.path.splitext(name)
    if len(extension) > 16:
        extension = ""
    return stem[: _MAX_NAME_LENGTH - len(extension)] + extension


def _new_file(folder: str, name: str | None) -> tuple[IO[bytes], str]:
    """A file created for writing in ``folder``, never one that existed.

    It is called ``name`` or, if that is taken, ``stem-1.ext``, ``stem-2.ext``
    and so on; without a name, or after many tries, a random one.  Only
    the owner may read it, as with ``tempfile.mkstemp``.
    """
    if not os.path.isdir(folder):
        raise ApiValueError(f"the temp folder {folder!r} is not a folder")
    for candidate in _name_variants(name) if name else ():
        path = os.path.join(folder, candidate)
        try:
            fd = os.open(path, _EXCLUSIVE, 0o600)
        except FileExistsError:
            continue
        return os.fdopen(fd, "wb"), path
    suffix = f"-{name}" if name else ""
    fd, path = tempfile.mkstemp(prefix="download-", suffix=suffix, dir=folder)
    return os.fdopen(fd, "wb"), path


def _name_variants(name: str) -> Iterable[str]:
    yield name
    stem, extension = os.path.splitext(name)
    for number in range(1, _MAX_NAME_TRIES):
        yield f"{stem}-{number}{extension}"


def _write_body(response: _Response, handle: IO[bytes]) -> int:
    """Copy the body to ``handle`` a chunk at a time; return its size.

    An answer that can ``stream`` is read in chunks and then given back to
    the pool; anything else is written from its ``data``.
    """
    stream = getattr(response, "stream", None)
    if stream is None:
        data = response.data or b""
        chunks: Iterable[bytes] = [data.encode() if isinstance(data, str) else data]
    else:
        chunks = stream(_DOWNLOAD_CHUNK)
    size = 0
    try:
        for chunk in chunks:
            handle.write(chunk)
            size += len(chunk)
    finally:
        release = getattr(response, "release_conn", None)
        if release is not None:
            release()
    return size


def _package_version() -> str:
    from backup_client import __version__

    return __version__
