"""Network faults inside a whole `digest refresh`: each faulty feed is refreshed beside two good
ones, and the refresh ends in bounded time and memory, names the fault in one line, and stores
the good feeds' articles as if nothing had happened.

The fetcher's own reaction to each fault (exact messages, timings, bytes pulled) is tested in
tests/digest/test_fetch.py; this suite checks what the user gets from the whole command.
"""

from __future__ import annotations

import re
import socket
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from digest.cli import main
from digest.store import ArticleQuery, Store
from tests.faults.conftest import MeasureLog
from tests.hostile.documents import good_feed, good_titles, rss, unsafe_characters
from tests.httpserver import MIB, LocalServer

CONFIG = """\
[fetch]
connect_timeout = 1
read_timeout = 0.5
total_timeout = 1.5
max_size_mb = 2
"""
SECONDS = 8.0
"""Any faulty refresh ends within this (the fetch deadline is 1.5 s; the machine is loaded)."""
PEAK = 16 * MIB
"""Most memory (traced Python allocations) a faulty refresh may take; a bomb inflates to 1 GiB."""


@dataclass(frozen=True)
class Fault:
    name: str
    serve: Callable[[LocalServer, str], str]
    """Sets up the fault on the server at a path; returns the feed's URL."""
    reason: str
    """A regular expression the one-line reason must match in full."""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def teaser_with(page: Callable[[LocalServer], object]) -> Callable[[LocalServer], str]:
    """A teaser feed whose article page is faulty: the feed itself must still succeed."""

    def serve(server: LocalServer) -> str:
        page(server)
        body = rss(
            "Teasers",
            [
                f"<item><title>Teaser {i}</title><guid>t{i}</guid>"
                f"<link>{server.url(f'/page/{i}')}</link><description>Read more…</description></item>"
                for i in range(3)
            ],
        )
        server.add("/fault.xml", body.encode())
        return server.url("/fault.xml")

    return serve


def route(setup: Callable[[LocalServer, str], object]) -> Callable[[LocalServer, str], str]:
    def serve(server: LocalServer, path: str) -> str:
        setup(server, path)
        return server.url(path)

    return serve


FAULTS = [
    Fault(
        "drip-feed",
        route(lambda s, p: s.drip(p, good_feed("drip"), interval=0.2)),
        r"timed out after 1.5 s",
    ),
    Fault(
        "stall-after-headers",
        route(lambda s, p: s.stall_after_headers(p, seconds=30)),
        r"timed out waiting for data \(0.5 s without a byte\)",
    ),
    Fault(
        "slow-headers",
        route(lambda s, p: s.add(p, good_feed("late"), delay=30)),
        r"timed out waiting for data \(0.5 s without a byte\)",
    ),
    Fault(
        "reset-mid-body",
        route(lambda s, p: s.reset_mid_body(p, good_feed("reset") * 20, after=300)),
        r"connection lost before the whole response arrived",
    ),
    Fault(
        "gzip-bomb-1GiB",
        route(lambda s, p: s.gzip_bomb(p, inflated=1024 * MIB)),
        r"response larger than 2 MB",
    ),
    Fault(
        "deflate-bomb-1GiB",
        route(lambda s, p: s.deflate_bomb(p, inflated=1024 * MIB)),
        r"response larger than 2 MB",
    ),
    Fault(
        "1GiB-body",
        route(lambda s, p: s.huge(p, size=1024 * MIB)),
        r"response larger than 2 MB",
    ),
    Fault(
        "endless-chunked-body",
        route(lambda s, p: s.huge(p, size=None)),
        r"response larger than 2 MB",
    ),
    Fault(
        "endless-redirects",
        route(lambda s, p: s.redirect_loop(p)),
        r"too many redirects \(more than 5\)",
    ),
    Fault(
        "redirect-to-file",
        route(lambda s, p: s.redirect_to(p, "file:///etc/passwd")),
        r"redirected to an address that cannot be fetched: .*\(not file\)",
    ),
    Fault(
        "429-retry-after",
        route(lambda s, p: s.add(p, b"slow down", status=429, headers={"Retry-After": "120"})),
        r"HTTP 429 Too Many Requests \(retry after 120 s\)",
    ),
    Fault(
        "503",
        route(lambda s, p: s.add(p, b"<html>down</html>", status=503)),
        r"HTTP 503 Service Unavailable",
    ),
    Fault(
        "410-gone",
        route(lambda s, p: s.add(p, b"", status=410)),
        r"HTTP 410 Gone \(the feed was removed\)",
    ),
    Fault(
        "html-instead-of-a-feed",
        route(
            lambda s, p: s.add(
                p, b"<!doctype html><html><body>Login</body></html>", content_type="text/html"
            )
        ),
        r"not a feed: the server sent an HTML page",
    ),
    Fault(
        "garbage-bytes",
        route(lambda s, p: s.add(p, bytes(range(256)) * 100, content_type="application/xml")),
        r"not a feed: .+",
    ),
    Fault(
        "empty-body",
        route(lambda s, p: s.add(p, b"")),
        r"empty document",
    ),
    Fault(
        "dns-failure",
        lambda s, p: "http://nonexistent.invalid/feed.xml",
        r"could not resolve host nonexistent\.invalid",
    ),
    Fault(
        "tls-to-plain-http",
        lambda s, p: s.url(p).replace("http://", "https://"),
        r"TLS error: .+",
    ),
    Fault(
        "connection-refused",
        lambda s, p: f"http://127.0.0.1:{closed_port()}/feed.xml",
        r"connection refused",
    ),
]

PAGE_FAULTS = [
    ("article-pages-stall", lambda s: [s.stall_after_headers(f"/page/{i}") for i in range(3)]),
    ("article-pages-gzip-bomb", lambda s: [s.gzip_bomb(f"/page/{i}") for i in range(3)]),
    ("article-pages-endless", lambda s: [s.huge(f"/page/{i}") for i in range(3)]),
]


def refresh(
    tmp_path: Path, urls: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str, float, int]:
    """`digest refresh` in-process: exit code, stdout, stderr, seconds, peak traced bytes."""
    config = tmp_path / "config.toml"
    config.write_text(CONFIG + "".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls))
    tracemalloc.start()
    started = time.monotonic()
    try:
        code = main(["--config", str(config), "refresh"])
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out, err = capsys.readouterr()
    return code, out, err, elapsed, peak


@pytest.fixture(scope="module", autouse=True)
def warm_up(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One ordinary refresh first, so the memory traced in a case is the fault's, not the cost
    of importing the modules a refresh loads on first use."""
    home = tmp_path_factory.mktemp("warm-up")
    with LocalServer() as server, Store(home / "digest.sqlite3") as store:
        server.add("/warm.xml", good_feed("warm"))
        feed = store.add_feed(server.url("/warm.xml"))
        from digest.refresh import refresh_feeds

        refresh_feeds(store, [feed], workers=0)


def good_urls(server: LocalServer) -> list[str]:
    for name in ("alpha", "bravo"):
        server.add(f"/good/{name}.xml", good_feed(name))
    return [server.url("/good/alpha.xml"), server.url("/good/bravo.xml")]


def assert_good_feeds_stored(home: Path, urls: list[str]) -> None:
    with Store.open_default(home) as store:
        for url, name in zip(urls, ("alpha", "bravo"), strict=True):
            feed = store.feed_by_url(url)
            assert feed is not None and feed.last_error == ""
            stored = store.articles(ArticleQuery(feed_ids=(feed.id,)))
            assert {a.title for a in stored} == good_titles(name)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_a_fault_fails_only_its_feed_in_bounded_time_and_memory(
    fault: Fault,
    http_server: LocalServer,
    tmp_path: Path,
    isolated_env: Path,
    capsys: pytest.CaptureFixture[str],
    record: type[MeasureLog],
) -> None:
    good = good_urls(http_server)
    url = fault.serve(http_server, "/fault.xml")
    code, out, err, elapsed, peak = refresh(tmp_path, [good[0], url, good[1]], capsys)
    record.add(f"refresh: {fault.name}", elapsed, peak)

    assert code == 1, out + err
    lines = out.splitlines()
    (failed,) = [line for line in lines if line.startswith("failed")]
    assert re.fullmatch(rf"failed +{re.escape(url)}: {fault.reason}", failed), failed
    assert lines[-1].startswith("Refreshed 3 feeds: 6 new articles, 0 not modified, 1 failed (")
    assert "Traceback" not in out + err and not unsafe_characters(out + err)
    assert elapsed < SECONDS
    assert peak < PEAK, f"{peak / MIB:.1f} MiB"
    assert_good_feeds_stored(isolated_env, good)
    with Store.open_default(isolated_env) as store:
        feed = store.feed_by_url(url)
        assert feed is not None
        assert re.fullmatch(fault.reason, feed.last_error), feed.last_error


@pytest.mark.parametrize("name,pages", PAGE_FAULTS, ids=[n for n, _ in PAGE_FAULTS])
def test_faulty_article_pages_leave_the_feed_with_its_teasers(
    name: str,
    pages: Callable[[LocalServer], object],
    http_server: LocalServer,
    tmp_path: Path,
    isolated_env: Path,
    capsys: pytest.CaptureFixture[str],
    record: type[MeasureLog],
) -> None:
    good = good_urls(http_server)
    url = teaser_with(pages)(http_server)
    code, out, err, elapsed, peak = refresh(tmp_path, [good[0], url, good[1]], capsys)
    record.add(f"refresh: {name}", elapsed, peak)
    assert code == 0, out + err
    assert "Refreshed 3 feeds: 9 new articles, 0 not modified, 0 failed" in out
    assert elapsed < SECONDS
    assert peak < PEAK, f"{peak / MIB:.1f} MiB"
    assert_good_feeds_stored(isolated_env, good)
    with Store.open_default(isolated_env) as store:
        feed = store.feed_by_url(url)
        assert feed is not None and feed.last_error == ""
        texts = {a.text for a in store.articles(ArticleQuery(feed_ids=(feed.id,)))}
    assert texts == {"Read more…"}


def test_all_faults_at_once_in_one_refresh(
    http_server: LocalServer,
    tmp_path: Path,
    isolated_env: Path,
    capsys: pytest.CaptureFixture[str],
    record: type[MeasureLog],
) -> None:
    good = good_urls(http_server)
    urls = [fault.serve(http_server, f"/fault/{n}.xml") for n, fault in enumerate(FAULTS)]
    code, out, err, elapsed, peak = refresh(tmp_path, [good[0], *urls, good[1]], capsys)
    record.add("refresh: every fault at once", elapsed, peak)
    assert code == 1
    failed = [line for line in out.splitlines() if line.startswith("failed")]
    assert len(failed) == len(FAULTS)
    assert elapsed < SECONDS
    assert peak < 2 * PEAK
    assert_good_feeds_stored(isolated_env, good)


def test_a_rate_limited_feed_is_not_fetched_again_before_retry_after(
    http_server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = good_urls(http_server)
    http_server.add("/limited.xml", b"", status=429, headers={"Retry-After": "3600"})
    urls = [good[0], http_server.url("/limited.xml"), good[1]]
    first = refresh(tmp_path, urls, capsys)
    assert "retry after 3600 s" in first[1]
    second = refresh(tmp_path, urls, capsys)
    assert http_server.hits("/limited.xml") == 1, "the feed was fetched again within Retry-After"
    assert http_server.hits("/good/alpha.xml") == 2
    assert re.search(r"rate limited by the server until \d\d:\d\d", second[1])
