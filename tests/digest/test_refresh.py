"""Refresh end to end against a real loopback HTTP server: store, 304s, failures, full text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.fetch import FetchSettings
from digest.refresh import ingest_pages, load_samples, refresh_feeds
from digest.store import Store
from tests.digest.feedgen import article_page, rss
from tests.httpserver import LocalServer

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=3)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "s.sqlite3")


def test_refresh_stores_then_uses_conditional_get(store: Store, http_server: LocalServer) -> None:
    http_server.add("/a.xml", rss("alpha", 4), etag='"a1"')
    http_server.add("/b.xml", rss("beta", 2), last_modified="Thu, 26 Nov 2026 10:00:00 GMT")
    for path in ("/a.xml", "/b.xml"):
        store.add_feed(http_server.url(path))
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=0)
    assert (report.feeds, report.new_articles, report.failed) == (2, 6, ())
    titles = {f.url: f.title for f in store.feeds()}
    assert titles[http_server.url("/a.xml")] == "The alpha Times"

    again = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=0)
    assert again.not_modified == 2 and again.new_articles == 0
    assert http_server.bodies_sent("/a.xml") == 1 and http_server.bodies_sent("/b.xml") == 1
    second = http_server.requests("/a.xml")[1]
    assert second["If-None-Match"] == '"a1"'
    assert http_server.requests("/b.xml")[1]["If-Modified-Since"] == "Thu, 26 Nov 2026 10:00:00 GMT"


def test_one_broken_feed_never_stops_the_others(store: Store, http_server: LocalServer) -> None:
    http_server.add("/good.xml", rss("good", 3))
    http_server.add("/gone.xml", b"", status=410)
    http_server.add(
        "/page.html",
        b"<!doctype html><html><body><p>Hello</p></body></html>",
        content_type="text/html",
    )
    http_server.add("/broken.xml", b"<rss><channel><title>x</title><item><title>unclosed")
    http_server.stall_after_headers("/stall.xml", seconds=10)
    for path in ("/good.xml", "/gone.xml", "/page.html", "/broken.xml", "/stall.xml"):
        store.add_feed(http_server.url(path))
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=0)
    errors = {o.feed.url.rsplit("/", 1)[1]: o.error for o in report.failed}
    assert report.new_articles >= 3
    assert "410" in errors["gone.xml"]
    assert "HTML" in errors["page.html"]
    assert "stall.xml" in errors
    assert all("\n" not in e and e for e in errors.values())
    feeds = {f.url.rsplit("/", 1)[1]: f for f in store.feeds()}
    assert feeds["gone.xml"].last_error == errors["gone.xml"]
    assert feeds["good.xml"].last_error == "" and feeds["good.xml"].total == 3


def test_failure_keeps_stored_articles_and_marks(store: Store, http_server: LocalServer) -> None:
    http_server.add("/a.xml", rss("alpha", 3))
    feed = store.add_feed(http_server.url("/a.xml"))
    refresh_feeds(store, [feed], FAST, now=NOW, workers=0)
    ids = [a.id for a in store.articles()]
    store.mark(ids[:1], read=True, starred=True)
    http_server.add("/a.xml", b"<html>oops</html>", status=500)
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=0)
    assert len(report.failed) == 1 and "500" in report.failed[0].error
    kept = store.article(ids[0])
    assert kept is not None and kept.read and kept.starred
    assert store.count() == 3


def test_edited_item_updates_in_place(store: Store, http_server: LocalServer) -> None:
    http_server.add("/a.xml", rss("alpha", 2))
    feed = store.add_feed(http_server.url("/a.xml"))
    refresh_feeds(store, [feed], FAST, now=NOW, workers=0)
    first = store.articles()[0]
    store.mark([first.id], starred=True)
    http_server.add("/a.xml", rss("alpha", 2).replace(b"alpha item 0", b"alpha item 0 (updated)"))
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=0)
    assert report.new_articles == 0 and report.updated_articles == 1
    art = store.article(first.id)
    assert art is not None and art.title == "alpha item 0 (updated)" and art.starred


def test_teaser_feed_gets_full_text(store: Store, http_server: LocalServer) -> None:
    base = http_server.url("")
    http_server.add("/t.xml", rss("teasy", 2, teaser=True, link_base=base.rstrip("/")))
    http_server.add("/story/0", article_page("Ferry timetable"), content_type="text/html")
    http_server.add("/story/1", b"", status=404)
    feed = store.add_feed(http_server.url("/t.xml"))
    refresh_feeds(store, [feed], FAST, now=NOW, workers=0)
    arts = {a.title: a for a in store.articles()}
    assert "paragraph 3 tells" in arts["teasy item 0"].text
    assert arts["teasy item 1"].text.startswith("The council of teasy met")  # kept the teaser
    never = store.add_feed(http_server.url("/t.xml"), full_text="never")
    assert never.full_text == "never"


def test_full_text_survives_the_next_refreshes(store: Store, http_server: LocalServer) -> None:
    """The feed keeps sending the same teaser: the stored page text stays, the page is not fetched
    again; an edited teaser is an edit, and its page is fetched again."""
    base = http_server.url("").rstrip("/")
    teasers = rss("teasy", 1, teaser=True, link_base=base)
    http_server.add("/t.xml", teasers)
    http_server.add("/story/0", article_page("Ferry timetable"), content_type="text/html")
    feed = store.add_feed(http_server.url("/t.xml"))
    refresh_feeds(store, [feed], FAST, now=NOW, workers=0)
    (article,) = store.articles()
    assert "paragraph 3 tells" in article.text
    store.mark([article.id], starred=True)
    for _ in range(2):
        report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=0)
        assert (report.new_articles, report.updated_articles) == (0, 0)
        kept = store.article(article.id)
        assert kept is not None and kept.text == article.text and kept.starred
    assert http_server.hits("/story/0") == 1
    http_server.add("/t.xml", teasers.replace(b"The council of teasy", b"The new council of teasy"))
    http_server.add("/story/0", article_page("Bridge timetable"), content_type="text/html")
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=0)
    assert report.updated_articles == 1 and http_server.hits("/story/0") == 2
    edited = store.article(article.id)
    assert edited is not None and edited.text.startswith("Bridge timetable") and edited.starred


def test_parsing_in_worker_processes(store: Store, http_server: LocalServer) -> None:
    for n in range(6):
        http_server.add(f"/{n}.xml", rss(f"site{n}", 5))
        store.add_feed(http_server.url(f"/{n}.xml"))
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=2)
    assert report.new_articles == 30 and not report.failed
    assert store.pending_index() == 0  # a step's worth: all indexed as the refresh ended
    assert len(store.search("site3 item")) == 5


def test_a_big_refresh_leaves_the_rest_of_its_articles_to_the_first_search(
    store: Store, http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles wait for the full-text index while the refresh runs; it indexes one step of
    them as it ends, and leaves the rest for the first search (which sees all of them)."""
    import digest.refresh

    monkeypatch.setattr(digest.refresh, "INDEX_STEP", 10)
    for n in range(6):
        http_server.add(f"/{n}.xml", rss(f"site{n}", 5))
        store.add_feed(http_server.url(f"/{n}.xml"))
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=2)
    assert report.new_articles == 30 and store.pending_index() == 20
    assert len(store.search("item")) == 30 and store.pending_index() == 0


def test_worker_processes_store_feeds_themselves(store: Store, http_server: LocalServer) -> None:
    """With a file store and worker processes, the workers parse and store each feed; a teaser
    feed goes back to the event loop for its pages; all of it reads back the same, and the
    validators the workers recorded make the next refresh conditional."""
    base = http_server.url("").rstrip("/")
    for n in range(5):
        http_server.add(f"/{n}.xml", rss(f"site{n}", 3), etag=f'"e{n}"')
        store.add_feed(http_server.url(f"/{n}.xml"))
    http_server.add("/t.xml", rss("teasy", 1, teaser=True, link_base=base))
    http_server.add("/story/0", article_page("Ferry timetable"), content_type="text/html")
    http_server.add("/bad.xml", b"<html>oops</html>", status=500)
    for path in ("/t.xml", "/bad.xml"):
        store.add_feed(http_server.url(path))
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=2)
    assert report.new_articles == 16 and [o.feed.url for o in report.failed] == [
        http_server.url("/bad.xml")
    ]
    assert len(set(report.new_ids)) == 16 == store.count()
    feeds = {f.url: f for f in store.feeds()}
    assert feeds[http_server.url("/3.xml")].etag == '"e3"'
    assert feeds[http_server.url("/3.xml")].title == "The site3 Times"
    teased = store.articles_by_url(f"{base}/story/0")
    assert "paragraph 3 tells" in teased[0].text

    first = next(a for a in store.articles() if a.title == "site2 item 0")
    store.mark([first.id], read=True, starred=True)
    http_server.add("/2.xml", rss("site2", 3).replace(b"site2 item 0", b"site2 item 0 (fixed)"))
    again = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=2)
    assert (again.new_articles, again.updated_articles, again.not_modified) == (0, 1, 4)
    assert http_server.requests("/3.xml")[1]["If-None-Match"] == '"e3"'
    edited = store.article(first.id)
    assert edited is not None and edited.title == "site2 item 0 (fixed)"
    assert edited.read and edited.starred


def test_a_worker_that_finds_the_store_busy_hands_the_feed_back(
    store: Store, http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that finds another process writing does not wait: it hands the parsed feed
    (with its summaries) back, and the event loop's store thread stores it, whole, under the
    same lock. Here the workers' lock is never free, so every feed goes that way."""
    import multiprocessing

    import digest.refresh
    from digest.config import SummaryConfig
    from digest.summaries import summary_key

    real_pool = digest.refresh._worker_pool
    held = multiprocessing.get_context("forkserver").Lock()
    held.acquire()

    def busy_pool(count: int, **options: object) -> object:
        options["lock"] = held
        return real_pool(count, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(digest.refresh, "_worker_pool", busy_pool)
    settings = SummaryConfig(method="digest", sentences=2)
    for n in range(6):
        http_server.add(f"/{n}.xml", rss(f"site{n}", 3), etag=f'"e{n}"')
        store.add_feed(http_server.url(f"/{n}.xml"))
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=2, summary=settings)
    assert report.new_articles == 18 and not report.failed
    assert sorted(report.new_ids) == sorted(a.id for a in store.articles())
    assert {f.etag for f in store.feeds()} == {f'"e{n}"' for n in range(6)}
    assert all(store.summary(summary_key(a, settings)) for a in store.articles())


def test_a_worker_stores_when_the_lock_is_free_and_hands_back_when_it_is_not(
    tmp_path: Path,
) -> None:
    """ingest_job in a worker: with the write lock free it stores the feed and lets the lock go;
    with the lock taken it stores nothing and returns the parsed feed at once."""
    import threading

    from digest import ingest

    path = tmp_path / "w.sqlite3"
    with Store(path) as setup:
        feed_ids = [setup.add_feed(f"http://example.test/{n}.xml").id for n in range(2)]
    lock = threading.Lock()
    fetched = ingest.Fetched("http://example.test/0.xml", "application/rss+xml", '"e"', "")
    ingest.init_worker(lock)  # type: ignore[arg-type]
    try:
        job = ingest.StoreJob(path, feed_ids[0], "never", NOW, None)
        stored = ingest.ingest_job(job, fetched, rss("site0", 3))
        assert isinstance(stored, ingest.Stored) and len(stored.result.new) == 3
        assert not lock.locked()
        lock.acquire()
        job = ingest.StoreJob(path, feed_ids[1], "never", NOW, None)
        handed = ingest.ingest_job(job, fetched, rss("site1", 3))
        assert isinstance(handed, ingest.Parsed) and len(handed.feed.entries) == 3
        lock.release()
    finally:
        ingest.init_worker(None)  # type: ignore[arg-type]
    with Store(path) as check:
        assert check.count() == 3
        assert {f.id: f.etag for f in check.feeds()} == {feed_ids[0]: '"e"', feed_ids[1]: ""}


def test_the_store_thread_writes_anyway_when_the_lock_is_never_freed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed while holding the write lock never releases it, but its death releases
    SQLite's lock: after LOCK_TIMEOUT the store thread writes under SQLite's lock alone."""
    import threading

    from digest import ingest
    from digest.parse import parse_feed

    monkeypatch.setattr(ingest, "LOCK_TIMEOUT", 0.2)
    lost = threading.Lock()
    lost.acquire()
    feed = store.add_feed("http://example.test/a.xml")
    parsed = parse_feed(rss("site", 2))
    fetched = ingest.Fetched(feed.url, "application/rss+xml", "", "")
    result = ingest.store_parsed(
        store,
        feed.id,
        parsed.entries,
        (),
        parsed,
        fetched,
        NOW,
        lock=lost,  # type: ignore[arg-type]
    )
    assert len(result.new) == 2 and store.count() == 2


def test_all_not_modified_starts_no_worker_process(
    store: Store, http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes start only for a body to parse: when every feed answers 304 (the usual
    refresh) none is started, and the fetches are noted in one commit."""
    import digest.refresh

    for n in range(6):
        http_server.add(f"/{n}.xml", rss(f"site{n}", 2), etag=f'"e{n}"')
        store.add_feed(http_server.url(f"/{n}.xml"))
    first = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=2)
    assert first.new_articles == 12

    def no_pool(count: int, **_: object) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(digest.refresh, "_worker_pool", no_pool)
    later = NOW.replace(hour=13)
    again = refresh_feeds(store, store.feeds(), FAST, now=later, workers=2)
    assert again.not_modified == 6 and not again.failed
    assert {f.last_fetched for f in store.feeds()} == {later}


def test_workers_that_cannot_start_leave_the_parsing_to_threads(
    store: Store, http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no worker process can start (inside Textual, stderr has no real file descriptor
    for the fork server), the refresh parses in threads and stores everything all the same."""
    import digest.refresh

    def no_fork_server(count: int, **_: object) -> None:
        raise ValueError("bad value(s) in fds_to_keep")

    monkeypatch.setattr(digest.refresh, "_worker_pool", no_fork_server)
    for n in range(6):
        http_server.add(f"/{n}.xml", rss(f"site{n}", 2), etag=f'"e{n}"')
        store.add_feed(http_server.url(f"/{n}.xml"))
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=2)
    assert report.new_articles == 12 and not report.failed
    assert {f.etag for f in store.feeds()} == {f'"e{n}"' for n in range(6)}


def test_a_stopped_refresh_drops_what_it_has_not_finished(
    store: Store, http_server: LocalServer
) -> None:
    """Once ``stop`` says so, feeds still waiting on a slow server are left as they were (no
    error recorded, validators kept for next time); the ones already done stay stored."""
    from digest.refresh import STOPPED

    http_server.add("/quick.xml", rss("quick", 2), etag='"q"')
    store.add_feed(http_server.url("/quick.xml"))
    for n in range(6):
        http_server.add(f"/slow{n}.xml", rss(f"slow{n}", 2), delay=2.0)
        store.add_feed(http_server.url(f"/slow{n}.xml"))
    seen: list[str] = []
    report = refresh_feeds(
        store,
        store.feeds(),
        FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=10),
        now=NOW,
        workers=0,
        on_progress=lambda outcome: seen.append(outcome.feed.url),
        stop=lambda: http_server.url("/quick.xml") in seen,
    )
    stopped = [o for o in report.failed if o.error == STOPPED]
    assert len(stopped) == 6 and report.new_articles == 2
    feeds = {f.url: f for f in store.feeds()}
    assert feeds[http_server.url("/quick.xml")].etag == '"q"'
    assert all(not feeds[o.feed.url].last_error for o in stopped)
    assert all(feeds[o.feed.url].last_fetched is None for o in stopped)
    assert store.count() == 2


def test_worker_processes_start_set_up_for_small_matrices() -> None:
    """The fork server imports digest.workerinit first, so every worker runs OpenBLAS without
    its spinning helper threads (unless the user chose otherwise)."""
    import os

    from digest.refresh import _worker_pool

    pool = _worker_pool(1, summarize=True)
    try:
        threads = pool.submit(os.getenv, "OPENBLAS_NUM_THREADS").result(timeout=60)
    finally:
        pool.shutdown()
    assert threads == os.environ.get("OPENBLAS_NUM_THREADS", "1")


def test_saved_pages_are_not_duplicated(store: Store, tmp_path: Path) -> None:
    page = tmp_path / "note.txt"
    page.write_text("Harbour notes\n\nThe ferry runs later from Monday. Residents asked for it.\n")
    first = ingest_pages(store, [page], now=NOW)
    assert first[0].new == 1
    second = ingest_pages(store, [tmp_path], now=NOW)
    assert second[0].new == 0 and store.count() == 1
    (article,) = store.articles()
    assert article.title == "Harbour notes"


def test_bad_saved_page_gives_a_reason(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "data.xyz"
    bad.write_bytes(b"\x00\x01")
    (outcome,) = ingest_pages(store, [bad], now=NOW)
    assert "unsupported file type .xyz" in outcome.error


def test_samples_load_once_and_are_recent(store: Store) -> None:
    new = load_samples(store, now=NOW)
    assert new >= 20
    newest = store.articles()[0]
    assert newest.when == NOW
    assert {f.kind for f in store.feeds()} == {"sample"}


def test_refresh_summarizes_new_articles_once(store: Store, http_server: LocalServer) -> None:
    import asyncio

    from digest.config import SummaryConfig
    from digest.refresh import summarize_entries
    from digest.summaries import article_summary, summary_key

    settings = SummaryConfig(method="digest", sentences=2)
    for n in range(5):
        http_server.add(f"/{n}.xml", rss(f"site{n}", 4))
        store.add_feed(http_server.url(f"/{n}.xml"))
    refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=2, summary=settings)
    articles = store.articles()
    assert len(articles) == 20
    for article in articles:
        stored = store.summary(summary_key(article, settings))
        assert stored is not None and len(stored.sentences) == 2
        for _, sentence in stored.sentences:
            assert sentence in article.text
        assert article_summary(store, article, settings) == stored
    # An edited item is summarized again; nothing else is.
    http_server.add(
        "/0.xml", rss("site0", 4).replace(b"Paragraph 1 of item 0", b"Edited 1 of item 0")
    )
    report = refresh_feeds(store, store.feeds(), FAST, now=NOW, workers=0, summary=settings)
    assert report.updated_articles == 1
    from digest.parse import parse_feed

    entries_again = parse_feed(rss("site1", 4)).entries
    assert asyncio.run(summarize_entries(store, entries_again, settings, None)) == 0
    other = SummaryConfig(method="lead", sentences=1)
    assert asyncio.run(summarize_entries(store, entries_again, other, None)) == 4


def test_rate_limited_feed_waits_for_retry_after(store: Store, http_server: LocalServer) -> None:
    from datetime import timedelta

    http_server.add("/busy.xml", b"", status=429, headers={"Retry-After": "120"})
    feed = store.add_feed(http_server.url("/busy.xml"))
    first = refresh_feeds(store, [feed], FAST, now=NOW, workers=0)
    assert "429" in first.failed[0].error
    stored = store.feed(feed.id)
    assert stored is not None and stored.retry_until == NOW + timedelta(seconds=120)
    soon = refresh_feeds(store, store.feeds(), FAST, now=NOW + timedelta(seconds=60), workers=0)
    assert soon.failed[0].error.startswith("rate limited by the server until ")
    assert http_server.hits("/busy.xml") == 1
    http_server.add("/busy.xml", rss("busy", 1))
    later = refresh_feeds(store, store.feeds(), FAST, now=NOW + timedelta(seconds=121), workers=0)
    assert later.new_articles == 1 and http_server.hits("/busy.xml") == 2
    assert (store.feed(feed.id) or stored).retry_until is None
