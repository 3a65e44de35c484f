"""A real HTTP/1.1 server on a loopback address for tests and benchmarks, with scripted faults.

Tests get one from the ``http_server`` fixture (``tests/digest/conftest.py``, a fresh server per
test); anything else can start one with ``with LocalServer() as server: ...``. It never serves a
file from disk and never listens beyond the loopback address it is given. Route API::

    server.url("/feed.xml")                      -> "http://127.0.0.1:PORT/feed.xml"
    server.add(path, body, *, status=200, headers={}, etag=None, last_modified=None,
               delay=0.0, content_type="application/rss+xml; charset=utf-8", encoding="")
        Serve ``body``. With ``etag``/``last_modified`` the response carries ETag/Last-Modified and
        a matching If-None-Match (or, without it, If-Modified-Since) gets a bodiless 304.
        ``delay`` seconds pass before every answer on the path (304s included). ``encoding`` is
        "gzip", "deflate" (zlib-wrapped) or "deflate-raw" (bare deflate): the body is compressed
        and sent with Content-Encoding. Use ``status=404/410/500`` for errors and
        ``status=429, headers={"Retry-After": "120"}`` for rate limiting.
    server.redirect_to(path, target, *, status=302)   target: a path here, or an absolute URL
    server.redirect_loop(path)                   path -> path/again -> path -> ... forever
    server.drip(path, body, *, interval=0.2)     headers, then one byte every ``interval`` s
    server.stall_after_headers(path, *, seconds=30.0)   headers (Content-Length 1000), then silence
    server.reset_mid_body(path, body, *, after=100)     ``after`` bytes of ``body``, then a TCP RST
    server.huge(path, *, size=None)              a body of ``size`` bytes (None: endless), written
                                                 in 64 KiB chunks as it goes, never held in memory
    server.gzip_bomb(path, *, inflated=1 GiB)    ~1 KB per MiB of zeros, Content-Encoding: gzip
    server.deflate_bomb(path, *, inflated=1 GiB) the same with Content-Encoding: deflate

Counters (all thread-safe; ``reset()`` forgets routes and counters)::

    server.hits(path)          requests received for the path
    server.bodies_sent(path)   responses that carried a body (a 304 does not count)
    server.total_bodies_sent() the same over all paths
    server.bytes_sent(path)    body bytes written for the path (what a client actually pulled)
    server.requests(path)      the request headers of each request, in order (case-insensitive)
    server.connections()       TCP connections accepted (keep-alive reuses them)
    server.max_in_flight()     most requests being answered at the same moment
    server.intervals()         (start, end) monotonic times of every answered request

The handler sets ``disable_nagle_algorithm = True`` (else each small response waits ~40 ms for a
delayed ACK) and speaks HTTP/1.1 with keep-alive. Every scripted wait ends when the server stops.
"""

from __future__ import annotations

import gzip
import socket
import struct
import sys
import threading
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

__all__ = ["LocalServer", "Route"]

MIB = 1024 * 1024
CHUNK = 64 * 1024
ENDLESS_LIMIT = 4 * 1024 * MIB
"""An "endless" body still stops after this many bytes, so no loop here is unbounded."""


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    content_type: str = "application/rss+xml; charset=utf-8"
    kind: str = "static"
    """static | drip | stall | reset | stream"""
    interval: float = 0.0
    stall: float = 0.0
    reset_after: int = 0
    stream_size: int | None = None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 10  # an idle keep-alive connection is dropped after this many seconds
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.owner._connected()

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: tests read counters, not logs."""

    def do_GET(self) -> None:
        self.server.owner._answer(self, send_body=True)

    def do_HEAD(self) -> None:
        self.server.owner._answer(self, send_body=False)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], owner: LocalServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up (as a capped or timed-out fetch does) is not an error here."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LocalServer:
    """A threaded HTTP server on ``host`` (a loopback address); see the module docstring."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._httpd = _Server((host, port), self)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._hits: dict[str, int] = defaultdict(int)
        self._bodies: dict[str, int] = defaultdict(int)
        self._bytes: dict[str, int] = defaultdict(int)
        self._requests: dict[str, list[Message]] = defaultdict(list)
        self._in_flight = 0
        self._max_in_flight = 0
        self._connections = 0
        self._intervals: list[tuple[float, float]] = []

    # -- life ------------------------------------------------------------------------------
    def start(self) -> LocalServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every route and counter."""
        with self._lock:
            self._routes.clear()
            self._hits.clear()
            self._bodies.clear()
            self._bytes.clear()
            self._requests.clear()
            self._max_in_flight = self._in_flight
            self._connections = 0
            self._intervals.clear()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    # -- routes ----------------------------------------------------------------------------
    def add(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        delay: float = 0.0,
        content_type: str = "application/rss+xml; charset=utf-8",
        encoding: str = "",
    ) -> Route:
        extra = dict(headers or {})
        if encoding:
            body = _compress(body, encoding)
            extra["Content-Encoding"] = "deflate" if encoding == "deflate-raw" else encoding
        if etag is not None and not etag.startswith(('"', "W/")):
            etag = f'"{etag}"'
        route = Route(
            body=body,
            status=status,
            headers=extra,
            etag=etag,
            last_modified=last_modified,
            delay=delay,
            content_type=content_type,
        )
        with self._lock:
            self._routes[path] = route
        return route

    def redirect_to(self, path: str, target: str, *, status: int = 302) -> Route:
        return self.add(path, b"", status=status, headers={"Location": target})

    def redirect_loop(self, path: str) -> None:
        self.redirect_to(path, path + "/again")
        self.redirect_to(path + "/again", path)

    def drip(self, path: str, body: bytes, *, interval: float = 0.2) -> Route:
        return self._set(path, Route(body=body, kind="drip", interval=interval))

    def stall_after_headers(self, path: str, *, seconds: float = 30.0) -> Route:
        return self._set(path, Route(body=b"x" * 1000, kind="stall", stall=seconds))

    def reset_mid_body(self, path: str, body: bytes, *, after: int = 100) -> Route:
        return self._set(path, Route(body=body, kind="reset", reset_after=after))

    def huge(self, path: str, *, size: int | None = None) -> Route:
        return self._set(path, Route(kind="stream", stream_size=size))

    def gzip_bomb(self, path: str, *, inflated: int = 1024 * MIB) -> Route:
        return self.add(path, _zeros_bomb(inflated, "gzip"), headers={"Content-Encoding": "gzip"})

    def deflate_bomb(self, path: str, *, inflated: int = 1024 * MIB) -> Route:
        body = _zeros_bomb(inflated, "deflate")
        return self.add(path, body, headers={"Content-Encoding": "deflate"})

    def _set(self, path: str, route: Route) -> Route:
        with self._lock:
            self._routes[path] = route
        return route

    # -- counters --------------------------------------------------------------------------
    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits.get(path, 0)

    def bodies_sent(self, path: str) -> int:
        with self._lock:
            return self._bodies.get(path, 0)

    def total_bodies_sent(self) -> int:
        with self._lock:
            return sum(self._bodies.values())

    def total_hits(self) -> int:
        with self._lock:
            return sum(self._hits.values())

    def bytes_sent(self, path: str) -> int:
        with self._lock:
            return self._bytes.get(path, 0)

    def requests(self, path: str) -> list[Message]:
        with self._lock:
            return list(self._requests.get(path, []))

    def connections(self) -> int:
        """TCP connections accepted (a client that keeps connections alive opens few)."""
        with self._lock:
            return self._connections

    def _connected(self) -> None:
        with self._lock:
            self._connections += 1

    def max_in_flight(self) -> int:
        with self._lock:
            return self._max_in_flight

    def intervals(self) -> list[tuple[float, float]]:
        with self._lock:
            return list(self._intervals)

    # -- answering (runs in the handler's thread) -------------------------------------------
    def _answer(self, handler: _Handler, *, send_body: bool) -> None:
        started = time.monotonic()
        path = handler.path
        with self._lock:
            route = self._routes.get(path) or self._routes.get(urlsplit(path).path)
            key = path if path in self._routes else urlsplit(path).path
            self._hits[key] += 1
            self._requests[key].append(handler.headers)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        try:
            if route is None:
                route = Route(body=b"not found\n", status=404, content_type="text/plain")
            if route.delay:
                self._closing.wait(route.delay)
            sent = self._respond(handler, route, send_body, key)
            with self._lock:
                self._bytes[key] += sent
                if sent and route.kind == "static":
                    self._bodies[key] += 1
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
        finally:
            with self._lock:
                self._in_flight -= 1
                self._intervals.append((started, time.monotonic()))

    def _respond(self, handler: _Handler, route: Route, send_body: bool, key: str) -> int:
        """Write the answer; returns the body bytes written."""
        if route.kind == "static" and route.status == 200 and _not_modified(route, handler):
            handler.send_response(304)
            self._validators(handler, route)
            handler.end_headers()
            return 0
        if route.kind == "stream":
            return self._stream(handler, route, send_body, key)
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        length = 1000 if route.kind == "stall" else len(route.body)
        handler.send_header("Content-Length", str(length))
        for name, value in route.headers.items():
            handler.send_header(name, value)
        self._validators(handler, route)
        handler.end_headers()
        if not send_body:
            return 0
        if route.kind == "static":
            handler.wfile.write(route.body)
            return len(route.body)
        if route.kind == "drip":
            return self._drip(handler, route, key)
        if route.kind == "stall":
            handler.wfile.flush()
            self._closing.wait(route.stall)
            handler.close_connection = True
            return 0
        return self._reset(handler, route)

    def _validators(self, handler: _Handler, route: Route) -> None:
        if route.etag:
            handler.send_header("ETag", route.etag)
        if route.last_modified:
            handler.send_header("Last-Modified", route.last_modified)

    def _drip(self, handler: _Handler, route: Route, key: str) -> int:
        for byte in route.body:
            if self._closing.is_set():
                break
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            with self._lock:
                self._bytes[key] += 1
            self._closing.wait(route.interval)
        handler.close_connection = True
        return 0  # already counted byte by byte

    def _reset(self, handler: _Handler, route: Route) -> int:
        handler.wfile.write(route.body[: route.reset_after])
        handler.wfile.flush()
        time.sleep(0.05)  # let the partial body reach the client before the RST
        conn = handler.connection
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        handler.close_connection = True
        return route.reset_after

    def _stream(self, handler: _Handler, route: Route, send_body: bool, key: str) -> int:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        size = route.stream_size
        if size is None:
            handler.send_header("Transfer-Encoding", "chunked")
        else:
            handler.send_header("Content-Length", str(size))
        handler.end_headers()
        if not send_body:
            return 0
        block = b"<item>" + b"x" * (CHUNK - 13) + b"</item>"
        limit = ENDLESS_LIMIT if size is None else size
        sent = 0
        while sent < limit and not self._closing.is_set():
            piece = block[: min(CHUNK, limit - sent)]
            if size is None:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                handler.wfile.write(piece)
            sent += len(piece)
            with self._lock:
                self._bytes[key] += len(piece)
        if size is None:
            handler.wfile.write(b"0\r\n\r\n")
        return 0  # already counted chunk by chunk


def _not_modified(route: Route, handler: _Handler) -> bool:
    if_none_match = handler.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        return route.etag is not None and (route.etag in tags or "*" in tags)
    since = handler.headers.get("If-Modified-Since")
    if since and route.last_modified:
        try:
            return parsedate_to_datetime(route.last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body, mtime=0)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "deflate-raw":
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return compressor.compress(body) + compressor.flush()
    raise ValueError(f"unknown encoding {encoding!r}")


_BOMBS: dict[tuple[int, str], bytes] = {}


def _zeros_bomb(inflated: int, wrapper: str) -> bytes:
    """A valid gzip or zlib stream of ``inflated`` zero bytes (~1 KB per MiB), built in ~0.3 s/GiB.

    Each MiB is compressed once after a full flush (which resets the compressor), so the same
    bytes repeat; the header and the checksum trailer are written by hand.
    """
    cached = _BOMBS.get((inflated, wrapper))
    if cached is not None:
        return cached
    zeros = b"\0" * MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(inflated, MIB)
    tail = compressor.compress(b"\0" * rest) + compressor.flush(zlib.Z_FINISH)
    raw = block * whole + tail
    if wrapper == "gzip":
        crc = 0
        for _ in range(whole):
            crc = zlib.crc32(zeros, crc)
        crc = zlib.crc32(b"\0" * rest, crc)
        header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        bomb = header + raw + struct.pack("<II", crc, inflated & 0xFFFFFFFF)
    else:
        adler = 1
        for _ in range(whole):
            adler = zlib.adler32(zeros, adler)
        adler = zlib.adler32(b"\0" * rest, adler)
        bomb = b"\x78\xda" + raw + struct.pack(">I", adler)
    _BOMBS[(inflated, wrapper)] = bomb
    return bomb
