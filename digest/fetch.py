"""Fetching feeds and pages over HTTP(S): the one place Digest talks to the network.

An async :class:`Fetcher` (an ``httpx.AsyncClient`` per host, sharing one TLS context, HTTP/1.1
keep-alive) that a caller can hand hundreds of URLs at once: it enforces a global and a per-host limit itself, sends conditional
headers (``If-None-Match``/``If-Modified-Since``) and turns a 304 into ``not_modified``. Every fetch
is bounded: connect and read timeouts plus a wall-clock deadline, a cap on the *decoded* body that
also caps decompression (the raw stream is inflated here, in bounded steps, never by httpx), and a
redirect limit. Every failure is a :class:`~digest.errors.FetchError` whose message is one line a
reader can act on. This module must not parse what it fetches, touch the store or the disk, or
retry on its own: callers decide what a failure means.
"""

from __future__ import annotations

import asyncio
import errno
import importlib.util
import socket
import ssl
import sys
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from digest.config import FetchSettings
from digest.errors import FetchError
from digest.models import FetchResult
from digest.textclean import clean_line

__all__ = ["FetchSettings", "Fetcher", "RateLimited", "fetch_sync"]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
# Brotli is never advertised: its Python decoders cannot bound their output per call, so a
# brotli bomb could not be stopped at the cap. gzip and deflate are inflated here, capped.
ACCEPT_ENCODING = "gzip, deflate"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# httpcore (1.0.x) tries `import sniffio` each time it sets up a lock, several times per request;
# when sniffio is not installed every attempt searches sys.path again (~1 ms per request). A None
# in sys.modules makes the failing import fail at once; it changes nothing else, as the module
# cannot be imported anyway.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]
_MIB = 1024 * 1024
DRAIN_BYTES = 64 * 1024
DRAIN_SECONDS = 1.0


class RateLimited(FetchError):
    """The server asked us to come back later (HTTP 429, or 503 with ``Retry-After``)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        """Seconds the server asked us to wait, when it said."""


class Fetcher:
    """Fetches URLs concurrently within the limits of its :class:`FetchSettings`.

    Use it as an async context manager (``async with Fetcher() as fetcher:``); the connection pool
    is closed on exit. ``transport`` replaces the network (e.g. ``httpx.MockTransport`` in tests).
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        if self.settings.concurrency < 1 or self.settings.per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        self._transport = transport
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._tls: ssl.SSLContext | None = None
        self._slots = asyncio.Semaphore(self.settings.concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pools; the fetcher may be opened again by the next fetch."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    async def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """Fetch a feed, conditionally when ``etag``/``last_modified`` from last time are given.

        Returns a result with ``not_modified=True`` and no content on a 304. Raises
        :class:`FetchError` (or :class:`RateLimited`) with a one-line reason on any failure.
        """
        return await self._fetch(url, etag, last_modified, FEED_ACCEPT, "feed")

    async def fetch_page(self, url: str) -> FetchResult:
        """Fetch a web page (asks for HTML first); otherwise the same as :meth:`fetch`."""
        return await self._fetch(url, "", "", PAGE_ACCEPT, "page")

    def _client(self, url: httpx.URL) -> httpx.AsyncClient:
        """The client for ``url``'s host (one for everything when a test transport is given).

        One pool per host, not one for all: httpcore's pool scans every connection it holds for
        each queued request whenever a request starts or ends, so a single pool over hundreds of
        feeds spends more CPU on that bookkeeping than on HTTP (a quarter of a warm refresh).
        """
        key = "" if self._transport is not None else f"{url.scheme}://{_host_key(url)}"
        client = self._clients.get(key)
        if client is None:
            s = self.settings
            if self._tls is None and self._transport is None:
                self._tls = httpx.create_ssl_context()  # read the CA bundle once, not per host
            client = self._clients[key] = httpx.AsyncClient(
                transport=self._transport,
                verify=self._tls or True,
                # The semaphores bound the requests in flight; the pool keeps a host's idle
                # connections for its next requests.
                limits=httpx.Limits(
                    max_connections=None,
                    max_keepalive_connections=max(s.per_host, 4 * s.concurrency)
                    if self._transport is not None
                    else s.per_host,
                    keepalive_expiry=30.0,
                ),
                timeout=httpx.Timeout(
                    connect=s.connect_timeout,
                    read=s.read_timeout,
                    write=s.read_timeout,
                    pool=s.total_timeout,
                ),
                headers={"User-Agent": s.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
                follow_redirects=False,
            )
        return client

    @asynccontextmanager
    async def _host_slot(self, url: httpx.URL) -> AsyncIterator[None]:
        key = _host_key(url)
        slot = self._host_slots.get(key)
        if slot is None:
            slot = self._host_slots[key] = asyncio.Semaphore(self.settings.per_host)
        async with slot:
            yield

    async def _fetch(
        self, url: str, etag: str, last_modified: str, accept: str, what: str
    ) -> FetchResult:
        target = _checked_url(url)
        headers = {"Accept": accept}
        if _sendable(etag):
            headers["If-None-Match"] = etag
        if _sendable(last_modified):
            headers["If-Modified-Since"] = last_modified
        loop = asyncio.get_running_loop()
        total = self.settings.total_timeout
        started = deadline = 0.0
        for _hop in range(self.settings.max_redirects + 1):
            # Host slot first, then a global one: a fetch queued behind a busy host never holds
            # a global slot another host could use, and one lock order rules out deadlocks.
            async with self._host_slot(target), self._slots:
                if not deadline:
                    started, deadline = time.monotonic(), loop.time() + total
                try:
                    async with asyncio.timeout_at(deadline):
                        outcome = await self._exchange(self._client(target), target, headers, what)
                except TimeoutError:
                    raise FetchError(f"timed out after {_seconds(total)} s") from None
            if isinstance(outcome, FetchResult):
                return _with_defaults(outcome, etag, last_modified, time.monotonic() - started)
            target = outcome
        raise FetchError(f"too many redirects (more than {self.settings.max_redirects})")

    async def _exchange(
        self, client: httpx.AsyncClient, url: httpx.URL, headers: dict[str, str], what: str
    ) -> FetchResult | httpx.URL:
        """One request and its response: a result, or where a redirect points."""
        response = await self._send(client, url, headers)
        try:
            status = response.status_code
            if status in REDIRECT_STATUSES or status == 304 or not 200 <= status < 300:
                await _drain(response)
            if status in REDIRECT_STATUSES:
                return _redirect_target(url, response)
            if status == 304:
                return FetchResult(
                    url=str(url),
                    status=304,
                    etag=response.headers.get("etag", ""),
                    last_modified=response.headers.get("last-modified", ""),
                    not_modified=True,
                )
            if not 200 <= status < 300:
                raise _status_error(status, response.headers.get("retry-after"), what)
            content = await self._read_body(response)
            return FetchResult(
                url=str(url),
                status=status,
                content=content,
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag", ""),
                last_modified=response.headers.get("last-modified", ""),
            )
        finally:
            await response.aclose()

    async def _send(
        self, client: httpx.AsyncClient, url: httpx.URL, headers: dict[str, str]
    ) -> httpx.Response:
        request = client.build_request("GET", url, headers=headers)
        try:
            return await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise FetchError(self._describe(exc, url, reading_body=False)) from exc

    async def _read_body(self, response: httpx.Response) -> bytes:
        cap = self.settings.max_bytes
        too_large = f"response larger than {_size(cap)}"
        if response.is_stream_consumed:
            # Built in memory by a test transport (httpx.MockTransport): nothing left to stream.
            if len(response.content) > cap:
                raise FetchError(too_large)
            return response.content
        inflater = _Inflater.for_encoding(response.headers.get("content-encoding", ""))
        declared = response.headers.get("content-length", "")
        if inflater is None and declared.isdigit() and int(declared) > cap:
            raise FetchError(too_large)
        body = bytearray()
        received = 0
        try:
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > cap:
                    raise FetchError(too_large)
                body += inflater.feed(chunk, cap - len(body)) if inflater else chunk
                if len(body) > cap:
                    raise FetchError(too_large)
        except httpx.HTTPError as exc:
            raise FetchError(self._describe(exc, response.url, reading_body=True)) from exc
        if inflater is not None:
            body += inflater.finish()
            if len(body) > cap:
                raise FetchError(too_large)
        return bytes(body)

    def _describe(self, exc: httpx.HTTPError, url: httpx.URL, *, reading_body: bool) -> str:
        """One line for the reader, from an httpx error and what it was caused by."""
        s = self.settings
        if isinstance(exc, httpx.ConnectTimeout):
            return f"could not connect within {_seconds(s.connect_timeout)} s"
        if isinstance(exc, httpx.ReadTimeout):
            return f"timed out waiting for data ({_seconds(s.read_timeout)} s without a byte)"
        if isinstance(exc, httpx.WriteTimeout):
            return f"timed out sending the request ({_seconds(s.read_timeout)} s)"
        if isinstance(exc, httpx.PoolTimeout):
            return "timed out waiting for a free connection"
        if isinstance(exc, httpx.ConnectError):
            return _connect_failure(exc, url.host)
        if isinstance(exc, httpx.UnsupportedProtocol):
            return "only http and https addresses can be fetched"
        if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError):
            if reading_body:
                return "connection lost before the whole response arrived"
            return "the server closed the connection without answering"
        return clean_line(f"network error: {exc}") or "network error"


def _host_key(url: httpx.URL) -> str:
    return f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


async def _drain(response: httpx.Response) -> None:
    """Read a small unwanted body (a 304's, a redirect's, an error page's) within a second, so
    the connection goes back to the pool instead of being closed; give up on anything bigger."""
    if response.is_stream_consumed:
        return  # already in memory (a response built in a test transport)
    length = response.headers.get("content-length", "")
    if response.status_code != 304 and not (length.isdigit() and int(length) <= DRAIN_BYTES):
        return
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            async for _chunk in response.aiter_raw():
                pass
    except (TimeoutError, httpx.HTTPError):
        pass  # the connection is closed instead; the answer itself is already known


class _Inflater:
    """Bounded gzip/deflate decoding: never produces more than the room it is given, plus one."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        # gzip: 16 + MAX_WBITS; deflate: the zlib wrapper, switching to raw deflate if absent.
        self._wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        self._decoder = zlib.decompressobj(self._wbits)
        self._pending_raw = encoding == "deflate"
        self._seen = b""
        self._between = b""
        self._done = False

    @classmethod
    def for_encoding(cls, header: str) -> _Inflater | None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if not codings:
            return None
        if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
            return cls("deflate" if codings[0] == "deflate" else "gzip")
        raise FetchError(
            clean_line(f"the server used an unsupported content encoding ({', '.join(codings)})")
        )

    def feed(self, chunk: bytes, room: int) -> bytes:
        """Inflate ``chunk``; returns at most ``room + 1`` bytes (more than ``room`` = over cap)."""
        pieces: list[bytes] = []
        produced = 0
        data = chunk
        while data and not self._done and produced <= room:
            if self._decoder.eof:
                # Bytes after a complete stream: another gzip member, or trailing junk to ignore.
                self._between += data
                data = b""
                if len(self._between) < 2:
                    break
                if self._encoding == "gzip" and self._between.startswith(b"\x1f\x8b"):
                    self._decoder = zlib.decompressobj(self._wbits)
                    data, self._between = self._between, b""
                else:
                    self._done = True
                continue
            if self._pending_raw:
                self._seen += data
            try:
                piece = self._decoder.decompress(data, room + 1 - produced)
            except zlib.error:
                if self._pending_raw:
                    # A "deflate" body without the zlib wrapper: start again as raw deflate.
                    self._pending_raw = False
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    data, self._seen = self._seen, b""
                    continue
                raise FetchError(f"the server sent a corrupt {self._encoding} body") from None
            if piece:
                self._pending_raw = False
                self._seen = b""
                pieces.append(piece)
                produced += len(piece)
            if produced > room:
                break
            data = self._decoder.unconsumed_tail or self._decoder.unused_data
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def finish(self) -> bytes:
        """What the decoder still holds at the end of the stream (a few bytes at most)."""
        return b"" if self._done else self._decoder.flush()


def _checked_url(url: str) -> httpx.URL:
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme not in ("http", "https"):
        shown = clean_line(scheme)[:20] or "none"
        raise FetchError(f"only http and https addresses can be fetched (not {shown})")
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(clean_line(f"invalid address: {exc}")) from None
    if not parsed.host:
        raise FetchError("invalid address: no host name")
    return parsed


def _sendable(value: str) -> bool:
    """Whether a stored validator can go back in a header (non-empty, no control characters)."""
    return bool(value) and all(0x20 <= ord(ch) <= 0xFF and ord(ch) != 0x7F for ch in value)


def _redirect_target(current: httpx.URL, response: httpx.Response) -> httpx.URL:
    location = response.headers.get("location", "").strip()
    if not location:
        raise FetchError(f"HTTP {response.status_code} redirect without a Location")
    try:
        target = urljoin(str(current), location)
    except ValueError:
        raise FetchError("redirected to an invalid address") from None
    try:
        return _checked_url(target)
    except FetchError as exc:
        raise FetchError(f"redirected to an address that cannot be fetched: {exc}") from None


def _status_error(status: int, retry_after_header: str | None, what: str) -> FetchError:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    message = f"HTTP {status} {phrase}".strip()
    if status == 410:
        return FetchError(f"{message} (the {what} was removed)")
    if status == 429 or (status == 503 and retry_after_header):
        retry_after = _parse_retry_after(retry_after_header or "")
        if retry_after is not None:
            message += f" (retry after {_seconds(retry_after)} s)"
        return RateLimited(message, retry_after)
    return FetchError(message)


def _parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date), if readable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what caused it, and the members of any exception group, depth-first."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(reversed(current.exceptions))
        for linked in (current.__context__, current.__cause__):
            if linked is not None:
                stack.append(linked)


def _connect_failure(exc: httpx.ConnectError, host: str) -> str:
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return clean_line(f"could not resolve host {host}")
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = cause.verify_message or cause.reason or "certificate not trusted"
            return clean_line(f"TLS error: {reason}")
        if isinstance(cause, ssl.SSLError):
            reason = (cause.reason or "").replace("_", " ").lower() or str(cause)
            return clean_line(f"TLS error: {reason}")
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "network unreachable" if cause.errno == errno.ENETUNREACH else "host unreachable"
    return clean_line(f"could not connect: {exc}") or "could not connect"


def _with_defaults(
    result: FetchResult, etag: str, last_modified: str, elapsed: float
) -> FetchResult:
    """Fill in the validators a 304 did not repeat, and the elapsed time."""
    if result.not_modified:
        etag = result.etag or etag
        last_modified = result.last_modified or last_modified
    else:
        etag, last_modified = result.etag, result.last_modified
    return FetchResult(
        url=result.url,
        status=result.status,
        content=result.content,
        content_type=result.content_type,
        etag=etag,
        last_modified=last_modified,
        not_modified=result.not_modified,
        elapsed=elapsed,
    )


def _seconds(value: float) -> str:
    return f"{value:g}"


def _size(n: int) -> str:
    if n >= _MIB and n % _MIB == 0:
        return f"{n // _MIB} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


def fetch_sync(url: str, settings: FetchSettings | None = None) -> FetchResult:
    """Fetch one URL from synchronous code (the CLI's ``read URL``/``add URL``)."""

    async def one() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(one())
