"""The fetcher against a real loopback server: bodies, conditional GETs, limits and every fault."""

from __future__ import annotations

import asyncio
import gzip
import random
import socket
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

import digest
from digest.errors import FetchError
from digest.fetch import (
    Fetcher,
    FetchSettings,
    RateLimited,
    _Inflater,
    _parse_retry_after,
    fetch_sync,
)
from digest.models import FetchResult
from tests.httpserver import MIB, LocalServer

FAST = FetchSettings(connect_timeout=1.0, read_timeout=1.0, total_timeout=1.5, max_bytes=MIB)
LAST_MODIFIED = "Tue, 04 Mar 2025 10:00:00 GMT"


def rss(title: str, items: int = 3) -> bytes:
    entries = "".join(
        f"<item><title>{title} item {i}</title><link>https://example.org/{i}</link>"
        f"<guid>{title}-{i}</guid><description>Paragraph {i} about {title}.</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>{entries}</channel></rss>"
    ).encode()


async def fetch(url: str, settings: FetchSettings = FAST, **validators: str) -> FetchResult:
    async with Fetcher(settings) as fetcher:
        return await fetcher.fetch(url, **validators)


async def failure(url: str, settings: FetchSettings = FAST) -> tuple[FetchError, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        await fetch(url, settings)
    return caught.value, time.monotonic() - started


# -- success ---------------------------------------------------------------------------------


async def test_fetch_returns_body_type_and_validators(http_server: LocalServer) -> None:
    body = rss("plain")
    http_server.add("/feed.xml", body, etag="v1", last_modified=LAST_MODIFIED)
    result = await fetch(http_server.url("/feed.xml"))
    assert result.status == 200
    assert result.content == body
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == LAST_MODIFIED
    assert result.url == http_server.url("/feed.xml")
    assert not result.not_modified
    assert result.elapsed > 0


async def test_sends_honest_user_agent_and_only_encodings_it_can_cap(
    http_server: LocalServer,
) -> None:
    http_server.add("/feed.xml", rss("ua"))
    await fetch(http_server.url("/feed.xml"))
    (request,) = http_server.requests("/feed.xml")
    agent = request["User-Agent"]
    assert agent == FetchSettings().user_agent
    assert agent.startswith(f"Digest/{digest.__version__} (")
    assert request["Accept-Encoding"] == "gzip, deflate"
    assert "application/rss+xml" in request["Accept"]


async def test_conditional_get_sends_validators_and_downloads_no_body(
    http_server: LocalServer,
) -> None:
    http_server.add("/feed.xml", rss("cond"), etag="v1", last_modified=LAST_MODIFIED)
    first = await fetch(http_server.url("/feed.xml"))
    second = await fetch(
        http_server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
    )
    assert second.not_modified
    assert second.status == 304
    assert second.content == b""
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)
    plain, conditional = http_server.requests("/feed.xml")
    assert plain["If-None-Match"] is None and plain["If-Modified-Since"] is None
    assert conditional["If-None-Match"] == '"v1"'
    assert conditional["If-Modified-Since"] == LAST_MODIFIED
    assert http_server.hits("/feed.xml") == 2
    assert http_server.bodies_sent("/feed.xml") == 1


async def test_connections_are_kept_alive_through_304s_redirects_and_errors(
    http_server: LocalServer,
) -> None:
    http_server.add("/feed.xml", rss("alive"), etag="v1")
    http_server.redirect_to("/old.xml", "/feed.xml", status=301)
    http_server.add("/gone.xml", b"<html>gone</html>", status=410)
    async with Fetcher(FAST) as fetcher:
        first = await fetcher.fetch(http_server.url("/feed.xml"))
        for _ in range(3):
            await fetcher.fetch(http_server.url("/feed.xml"), etag=first.etag)
            await fetcher.fetch(http_server.url("/old.xml"), etag=first.etag)
            with pytest.raises(FetchError):
                await fetcher.fetch(http_server.url("/gone.xml"))
    assert http_server.total_hits() == 1 + 3 * 4
    assert http_server.connections() == 1


async def test_validators_that_cannot_be_headers_are_not_sent(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", rss("odd"), etag="v1")
    result = await fetch(
        http_server.url("/feed.xml"), etag='"v1"\r\nX-Evil: 1', last_modified="\u2603"
    )
    assert result.content == rss("odd")
    (request,) = http_server.requests("/feed.xml")
    assert request["If-None-Match"] is None and request["X-Evil"] is None
    assert request["If-Modified-Since"] is None


async def test_if_modified_since_alone_gets_304(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", rss("lm"), last_modified=LAST_MODIFIED)
    result = await fetch(http_server.url("/feed.xml"), last_modified=LAST_MODIFIED)
    assert result.not_modified
    assert http_server.bodies_sent("/feed.xml") == 0


async def test_changed_feed_is_downloaded_again(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", rss("old"), etag="v1")
    first = await fetch(http_server.url("/feed.xml"))
    http_server.add("/feed.xml", rss("new"), etag="v2")
    second = await fetch(http_server.url("/feed.xml"), etag=first.etag)
    assert not second.not_modified
    assert second.content == rss("new")
    assert second.etag == '"v2"'


async def test_304_without_validators_keeps_the_ones_sent() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["If-None-Match"] == '"abc"'
        return httpx.Response(304)

    async with Fetcher(FAST, transport=httpx.MockTransport(answer)) as fetcher:
        result = await fetcher.fetch("http://feeds.test/x", etag='"abc"', last_modified="lm")
    assert result.not_modified
    assert (result.etag, result.last_modified) == ('"abc"', "lm")


async def test_injected_transport_replaces_the_network() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/big":
            return httpx.Response(200, content=b"x" * (MIB + 1))
        return httpx.Response(200, content=rss("mock"), headers={"ETag": '"m"'})

    async with Fetcher(FAST, transport=httpx.MockTransport(answer)) as fetcher:
        result = await fetcher.fetch("https://feeds.test/feed.xml")
        with pytest.raises(FetchError, match="^response larger than 1 MB$"):
            await fetcher.fetch("https://feeds.test/big")
    assert (result.content, result.etag) == (rss("mock"), '"m"')


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw"])
async def test_compressed_bodies_are_decoded(http_server: LocalServer, encoding: str) -> None:
    body = rss("compressed", items=50)
    http_server.add("/feed.xml", body, encoding=encoding)
    result = await fetch(http_server.url("/feed.xml"))
    assert result.content == body


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw"])
def test_inflater_handles_one_byte_chunks_and_multiple_gzip_members(encoding: str) -> None:
    body = rss("split", items=20)
    if encoding == "gzip":
        packed = gzip.compress(body[:500]) + gzip.compress(body[500:])
    elif encoding == "deflate":
        packed = zlib.compress(body)
    else:
        raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        packed = raw.compress(body) + raw.flush()
    inflater = _Inflater.for_encoding("deflate" if encoding.startswith("deflate") else "gzip")
    assert inflater is not None
    out = b"".join(inflater.feed(packed[i : i + 1], MIB) for i in range(len(packed)))
    assert out + inflater.finish() == body


def test_inflater_never_returns_more_than_room_plus_one() -> None:
    inflater = _Inflater.for_encoding("gzip")
    assert inflater is not None
    assert len(inflater.feed(gzip.compress(b"\0" * (4 * MIB)), 1000)) == 1001


async def test_unknown_content_encoding_is_refused(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", b"????", headers={"Content-Encoding": "br"})
    error, _ = await failure(http_server.url("/feed.xml"))
    assert str(error) == "the server used an unsupported content encoding (br)"


async def test_corrupt_gzip_body_is_a_fetch_error(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", b"\x1f\x8bnot gzip at all", headers={"Content-Encoding": "gzip"})
    error, _ = await failure(http_server.url("/feed.xml"))
    assert str(error) == "the server sent a corrupt gzip body"


# -- redirects -------------------------------------------------------------------------------


async def test_redirects_are_followed_to_the_final_url(http_server: LocalServer) -> None:
    http_server.redirect_to("/old", "/moved", status=301)  # relative Location
    http_server.redirect_to("/moved", http_server.url("/feed.xml"), status=308)
    http_server.add("/feed.xml", rss("moved"))
    result = await fetch(http_server.url("/old"))
    assert result.url == http_server.url("/feed.xml")
    assert result.content == rss("moved")


async def test_redirect_limit_is_exact(http_server: LocalServer) -> None:
    for hop in range(6):
        http_server.redirect_to(f"/hop{hop}", f"/hop{hop + 1}")
    http_server.add("/hop6", rss("end"))
    settings = FetchSettings(max_redirects=5, total_timeout=5.0)
    assert (await fetch(http_server.url("/hop1"), settings)).content == rss("end")
    error, _ = await failure(http_server.url("/hop0"), settings)
    assert str(error) == "too many redirects (more than 5)"


async def test_redirect_loop_stops(http_server: LocalServer) -> None:
    http_server.redirect_loop("/loop")
    error, elapsed = await failure(http_server.url("/loop"))
    assert str(error) == "too many redirects (more than 5)"
    assert http_server.hits("/loop") + http_server.hits("/loop/again") == 6
    assert elapsed < 1.5


async def test_redirect_to_another_scheme_is_refused(http_server: LocalServer) -> None:
    http_server.redirect_to("/feed.xml", "file:///etc/passwd")
    error, _ = await failure(http_server.url("/feed.xml"))
    assert str(error) == (
        "redirected to an address that cannot be fetched: "
        "only http and https addresses can be fetched (not file)"
    )


# -- refusals and faults ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("ftp://example.org/feed", "ftp"),
        ("file:///etc/passwd", "file"),
        ("javascript:alert(1)", "javascript"),
        ("example.org/feed.xml", "none"),
    ],
)
async def test_non_http_schemes_are_refused_without_a_request(url: str, scheme: str) -> None:
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    async with Fetcher(FAST, transport=httpx.MockTransport(answer)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(url)
    assert str(caught.value) == f"only http and https addresses can be fetched (not {scheme})"
    assert calls == []


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "HTTP 404 Not Found"),
        (410, "HTTP 410 Gone (the feed was removed)"),
        (500, "HTTP 500 Internal Server Error"),
        (503, "HTTP 503 Service Unavailable"),
        (599, "HTTP 599"),
    ],
)
async def test_error_statuses_give_one_line_reasons(
    http_server: LocalServer, status: int, message: str
) -> None:
    http_server.add("/feed.xml", b"<html>nope\r\n\x1b[31m</html>", status=status)
    error, _ = await failure(http_server.url("/feed.xml"))
    assert str(error) == message
    assert not isinstance(error, RateLimited)


async def test_page_fetch_asks_for_html_and_names_a_page(http_server: LocalServer) -> None:
    http_server.add("/gone.html", b"", status=410)
    async with Fetcher(FAST) as fetcher:
        with pytest.raises(FetchError, match=r"^HTTP 410 Gone \(the page was removed\)$"):
            await fetcher.fetch_page(http_server.url("/gone.html"))
    assert http_server.requests("/gone.html")[0]["Accept"].startswith("text/html")


async def test_429_with_retry_after_seconds_is_rate_limited(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", b"slow down", status=429, headers={"Retry-After": "120"})
    error, _ = await failure(http_server.url("/feed.xml"))
    assert isinstance(error, RateLimited)
    assert error.retry_after == 120.0
    assert str(error) == "HTTP 429 Too Many Requests (retry after 120 s)"


async def test_503_with_retry_after_date_is_rate_limited(http_server: LocalServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    http_server.add("/feed.xml", b"", status=503, headers={"Retry-After": when})
    error, _ = await failure(http_server.url("/feed.xml"))
    assert isinstance(error, RateLimited)
    assert error.retry_after is not None and 80 <= error.retry_after <= 90


async def test_429_without_retry_after_is_rate_limited_without_a_delay(
    http_server: LocalServer,
) -> None:
    http_server.add("/feed.xml", b"", status=429)
    error, _ = await failure(http_server.url("/feed.xml"))
    assert isinstance(error, RateLimited)
    assert error.retry_after is None
    assert str(error) == "HTTP 429 Too Many Requests"


def test_retry_after_parsing() -> None:
    now = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
    assert _parse_retry_after(" 30 ", now) == 30.0
    assert _parse_retry_after("Tue, 04 Mar 2025 10:01:00 GMT", now) == 60.0
    assert _parse_retry_after("Tue, 04 Mar 2025 09:00:00 GMT", now) == 0.0
    assert _parse_retry_after("soon", now) is None
    assert _parse_retry_after("", now) is None


async def test_drip_feed_fails_at_the_total_deadline(http_server: LocalServer) -> None:
    http_server.drip("/feed.xml", rss("drip"), interval=0.2)
    error, elapsed = await failure(http_server.url("/feed.xml"))
    assert str(error) == "timed out after 1.5 s"
    assert 1.4 <= elapsed < 3.0
    assert 3 <= http_server.bytes_sent("/feed.xml") <= 12


async def test_stall_after_headers_fails_at_the_read_timeout(http_server: LocalServer) -> None:
    http_server.stall_after_headers("/feed.xml", seconds=10)
    settings = FetchSettings(read_timeout=0.5, total_timeout=5.0)
    error, elapsed = await failure(http_server.url("/feed.xml"), settings)
    assert str(error) == "timed out waiting for data (0.5 s without a byte)"
    assert 0.4 <= elapsed < 2.0


async def test_slow_headers_fail_at_the_total_deadline(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", rss("late"), delay=5.0)
    settings = FetchSettings(read_timeout=10.0, total_timeout=0.5)
    error, elapsed = await failure(http_server.url("/feed.xml"), settings)
    assert str(error) == "timed out after 0.5 s"
    assert elapsed < 1.5


async def test_reset_mid_body_is_a_lost_connection(http_server: LocalServer) -> None:
    http_server.reset_mid_body("/feed.xml", rss("reset", items=50), after=200)
    error, elapsed = await failure(http_server.url("/feed.xml"))
    assert str(error) == "connection lost before the whole response arrived"
    assert elapsed < 1.5


async def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error, elapsed = await failure(f"http://127.0.0.1:{port}/feed.xml")
    assert str(error) == "connection refused"
    assert elapsed < 1.5


async def test_unresolvable_host_is_named() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        cause = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise httpx.ConnectError("[Errno -2] Name or service not known") from cause

    async with Fetcher(FAST, transport=httpx.MockTransport(answer)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch("https://example.invalid/feed.xml")
    assert str(caught.value) == "could not resolve host example.invalid"


async def test_tls_to_a_plain_http_server_is_a_tls_error(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", rss("tls"))
    error, elapsed = await failure(http_server.url("/feed.xml").replace("http:", "https:"))
    assert str(error).startswith("TLS error: ")
    assert "\n" not in str(error)
    assert elapsed < 1.5


async def test_connect_timeout_when_nobody_accepts() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(4):  # fill the accept queue so the next SYN is dropped
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        await asyncio.sleep(0.1)
        settings = FetchSettings(connect_timeout=0.5, total_timeout=5.0)
        try:
            error, elapsed = await failure(f"http://127.0.0.1:{port}/feed.xml", settings)
        finally:
            for filler in fillers:
                filler.close()
    assert str(error) == "could not connect within 0.5 s"
    assert elapsed < 2.0


# -- size caps -------------------------------------------------------------------------------


async def test_endless_body_is_cut_at_the_cap_while_streaming(http_server: LocalServer) -> None:
    http_server.huge("/endless")
    error, elapsed = await failure(http_server.url("/endless"))
    assert str(error) == "response larger than 1 MB"
    assert elapsed < 1.5
    await asyncio.sleep(0.2)  # the server notices the closed connection
    assert http_server.bytes_sent("/endless") < 32 * MIB


async def test_declared_length_over_the_cap_is_refused_before_reading(
    http_server: LocalServer,
) -> None:
    http_server.huge("/big", size=200 * MIB)
    settings = FetchSettings(max_bytes=10 * MIB, total_timeout=5.0)
    error, elapsed = await failure(http_server.url("/big"), settings)
    assert str(error) == "response larger than 10 MB"
    assert elapsed < 1.5


async def test_body_exactly_at_the_cap_is_accepted(http_server: LocalServer) -> None:
    http_server.huge("/exact", size=MIB)
    result = await fetch(http_server.url("/exact"))
    assert len(result.content) == MIB


@pytest.mark.parametrize("bomb", ["gzip", "deflate"])
async def test_compression_bombs_stop_at_the_cap_without_inflating(
    http_server: LocalServer, bomb: str
) -> None:
    if bomb == "gzip":
        http_server.gzip_bomb("/bomb", inflated=1024 * MIB)
    else:
        http_server.deflate_bomb("/bomb", inflated=1024 * MIB)
    settings = FetchSettings(max_bytes=2 * MIB, total_timeout=10.0)
    tracemalloc.start()
    try:
        error, elapsed = await failure(http_server.url("/bomb"), settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(error) == "response larger than 2 MB"
    assert peak < 12 * MIB  # the bomb inflates to 1024 MiB
    assert elapsed < 10.0


def test_bomb_helper_is_a_valid_stream_of_the_promised_size() -> None:
    with LocalServer() as server:
        route = server.gzip_bomb("/b", inflated=3 * MIB + 5)
    assert len(route.body) < 8 * 1024
    assert gzip.decompress(route.body) == b"\0" * (3 * MIB + 5)


# -- concurrency -----------------------------------------------------------------------------


def overlap(intervals: list[tuple[float, float]], slack: float = 0.02) -> int:
    """Most intervals open at once. The server notes an answer's end just after writing it, so
    the client may already have sent its next request: ends count ``slack`` seconds early (each
    answer here takes 150 ms, so a real overlap is never that short)."""
    events = sorted(
        [(start, 1) for start, _ in intervals] + [(end - slack, -1) for _, end in intervals]
    )
    most = current = 0
    for _, step in events:
        current += step
        most = max(most, current)
    return most


async def test_per_host_limit_is_enforced_and_reached(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", rss("busy"), delay=0.15)
    settings = FetchSettings(concurrency=16, per_host=3, total_timeout=10.0)
    async with Fetcher(settings) as fetcher:
        await asyncio.gather(*(fetcher.fetch(http_server.url("/feed.xml")) for _ in range(12)))
    assert http_server.hits("/feed.xml") == 12
    assert http_server.max_in_flight() == 3


async def test_global_limit_holds_across_hosts(http_server: LocalServer) -> None:
    with LocalServer() as other:
        for server in (http_server, other):
            server.add("/feed.xml", rss("global"), delay=0.15)
        settings = FetchSettings(concurrency=4, per_host=3, total_timeout=10.0)
        urls = [s.url("/feed.xml") for s in (http_server, other) for _ in range(10)]
        async with Fetcher(settings) as fetcher:
            await asyncio.gather(*(fetcher.fetch(url) for url in urls))
        both = http_server.intervals() + other.intervals()
        assert http_server.max_in_flight() <= 3 and other.max_in_flight() <= 3
    assert len(both) == 20
    assert overlap(both) == 4


async def test_a_busy_host_does_not_hold_slots_other_hosts_could_use(
    http_server: LocalServer,
) -> None:
    with LocalServer() as quick:
        http_server.add("/slow.xml", rss("slow"), delay=0.3)
        quick.add("/quick.xml", rss("quick"))
        settings = FetchSettings(concurrency=4, per_host=2, total_timeout=10.0)
        finished: dict[str, float] = {}
        started = time.monotonic()

        async def timed(fetcher: Fetcher, url: str) -> None:
            await fetcher.fetch(url)
            finished[url] = time.monotonic() - started

        async with Fetcher(settings) as fetcher:
            slow = [timed(fetcher, http_server.url(f"/slow.xml?{n}")) for n in range(10)]
            await asyncio.gather(*slow, timed(fetcher, quick.url("/quick.xml")))
    assert finished[quick.url("/quick.xml")] < 0.75  # not queued behind the slow host's 1.5 s
    assert max(finished.values()) >= 1.4
    assert http_server.max_in_flight() == 2


async def test_connections_survive_a_shifting_mix_of_hosts(http_server: LocalServer) -> None:
    with LocalServer() as other:
        for server in (http_server, other):
            for n in range(30):
                server.add(f"/feed/{n}.xml", rss(f"f{n}"), delay=0.01)
        urls = [s.url(f"/feed/{n}.xml") for s in (http_server, other) for n in range(30)]
        random.Random(7).shuffle(urls)
        settings = FetchSettings(concurrency=4, per_host=4, total_timeout=10.0)
        async with Fetcher(settings) as fetcher:
            await asyncio.gather(*(fetcher.fetch(url) for url in urls))
        opened = http_server.connections() + other.connections()
    assert opened <= 8  # at most per_host connections to each host, each kept alive


async def test_many_slow_feeds_are_fetched_in_parallel(http_server: LocalServer) -> None:
    with LocalServer() as other:
        for server in (http_server, other):
            for n in range(32):
                server.add(f"/feed/{n}.xml", rss(f"f{n}"), delay=0.1)
        urls = [s.url(f"/feed/{n}.xml") for s in (http_server, other) for n in range(32)]
        started = time.monotonic()
        async with Fetcher(FetchSettings(concurrency=16, per_host=8)) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
        elapsed = time.monotonic() - started
    assert [r.content for r in results] == [rss(f"f{n}") for _ in range(2) for n in range(32)]
    assert elapsed < 2.5  # one at a time would take 6.4 s; 16 at a time, 0.4 s


def test_fetch_sync_runs_one_fetch(http_server: LocalServer) -> None:
    http_server.add("/feed.xml", rss("sync"))
    assert fetch_sync(http_server.url("/feed.xml"), FAST).content == rss("sync")
    with pytest.raises(FetchError, match="^HTTP 404 Not Found$"):
        fetch_sync(http_server.url("/missing.xml"), FAST)
